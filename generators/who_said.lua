-- who_said.lua - a spoken conversation between several voices: how many
-- people speak, who said they would do something, and who will do it
-- after someone takes a task over; more speakers and noise as the
-- difficulty rises.

-- The speakers' voices (flite), told apart by timbre and pitch, and the
-- names and tasks they say: chosen by measurement (pocketsphinx hears
-- "This is <name>." back word for word in these voices; rms raised by
-- five semitones and rms lowered by four were not understood). The
-- name and the task of each line must be heard back (the segment's
-- hear list): a misheard one is re-made slower or the item refused.
local voices = { { voice = "rms", pitch = 0 }, { voice = "kal", pitch = 0 }, { voice = "awb", pitch = 0 },
  { voice = "kal", pitch = 4 } }
local names = { "David", "Robert", "Michael", "Linda", "James" }
local tasks = { "buy the tickets", "call the hotel", "clean the kitchen", "walk the dog", "fix the bike" }
local fillers = { "That sounds like a good plan.", "I think we should start early.", "Great, see you on Friday.",
  "I can not wait for the weekend.", "Let us meet at the park." }

local levels = {
  { speakers = { 2, 3 }, ask = "count" },
  { speakers = { 2, 2 }, ask = "said" },
  { speakers = { 3, 3 }, ask = "said" },
  { speakers = { 3, 3 }, ask = "takeover", noise = { kind = "pink", intensity = "low" } },
  { speakers = { 4, 4 }, ask = "takeover", noise = { kind = "babble", intensity = "low" } },
}

local function line(who, text)
  return { say = text, lang = "en", voice = who.voice, pitch = who.pitch ~= 0 and who.pitch or nil,
    speaker = who.name }
end

local function generate(rng, d)
  local L = levels[d]
  local n = rng:int(L.speakers[1], L.speakers[2])
  local vs = rng:sample(voices, n)
  local ns = rng:sample(names, n)
  local ts = rng:sample(tasks, n)
  local people = {}
  for i = 1, n do people[i] = { voice = vs[i].voice, pitch = vs[i].pitch, name = ns[i], task = ts[i] } end
  local segs, q, ans, atype = {}, nil, nil, "short"
  if L.ask == "count" then
    -- no names: only voices to tell apart; some speak twice
    local turns = {}
    for i = 1, n do turns[#turns + 1] = i end
    for _ = 1, rng:int(1, 2) do turns[#turns + 1] = rng:int(1, n) end
    rng:shuffle(turns)
    for k = 2, #turns do
      if turns[k] == turns[k - 1] then turns[k], turns[1] = turns[1], turns[k] end
    end
    local said = rng:sample(fillers, #fillers)
    for k, i in ipairs(turns) do segs[k] = line(people[i], said[(k - 1) % #said + 1]) end
    q = "Listen to the conversation. How many different people speak in it? Answer with a number."
    ans, atype = n, "numeric"
  else
    for i = 1, n do
      segs[#segs + 1] = line(people[i], "This is " .. people[i].name .. ".")
      segs[#segs].hear = { people[i].name } -- the name must be heard back
    end
    local order = {}
    for i = 1, n do order[i] = i end
    rng:shuffle(order)
    for _, i in ipairs(order) do
      segs[#segs + 1] = line(people[i], "I will " .. people[i].task .. ".")
      segs[#segs].hear = { people[i].task }
    end
    local target = rng:int(1, n)
    if L.ask == "said" then
      q = "Listen to the conversation. Who said they would " .. people[target].task .. "? Answer with the name."
      ans = people[target].name
    else
      -- someone else takes the task over, later in the conversation
      local other = rng:int(1, n - 1)
      if other >= target then other = other + 1 end
      segs[#segs + 1] = line(people[other], "Actually, I will " .. people[target].task .. " instead.")
      segs[#segs].hear = { "actually", people[target].task }
      segs[#segs + 1] = line(people[target], "Fine, thank you.")
      q = "Listen to the conversation. In the end, who will " .. people[target].task .. "? Answer with the name."
      ans = people[other].name
    end
  end
  return {
    question = q,
    answer = ans,
    answer_type = atype,
    audio = { segments = segs, noise = L.noise },
    explanation = "Speakers: " .. (function()
      local s = {}
      for i, p in ipairs(people) do s[i] = p.name .. " (" .. p.voice .. (p.pitch ~= 0 and "+" .. p.pitch or "") .. ")" end
      return table.concat(s, ", ")
    end)() .. ".",
    metadata = { speakers = n, turns = #segs, noise = L.noise and L.noise.intensity or "none",
      complexity = n + #segs / 2 + (L.noise and 1 or 0) + (L.ask == "takeover" and 2 or 0) },
  }
end

return {
  name = "who_said",
  description = "Speaker identification in a spoken multi-voice dialogue: count the different speakers, tell who said they would do something, and track who will do it after another speaker takes the task over (voices told apart by timbre and pitch).",
  tags = { "audio", "speech", "listening", "dialogue", "conversation", "speaker identification", "who said",
    "multi-speaker", "voices", "diarization" },
  answer_type = "short",
  modalities = { "audio", "text" },
  levels = {
    "2-3 voices without names: how many people speak",
    "2 speakers say their names and each takes a task: who said they would do it",
    "3 speakers, tasks told in shuffled order",
    "3 speakers, one takes another's task over later, pink noise at 15 dB",
    "4 speakers, a task taken over, babble noise at 15 dB",
  },
  generate = generate,
  solver = [==[
-- Independent solver: tells the speakers apart by their voice (engine
-- voice and pitch), learns each voice's name from its "This is ..." line,
-- and finds the last voice that said it would do the task the question
-- names.
return function(view)
  local sc, q = view.scene, view.question
  if not sc or not sc.segments then error("no audio scene") end
  local function who(s) return (s.voice or s.lang or "?") .. "/" .. tostring(s.pitch or 0) end
  local lines = {}
  for _, s in ipairs(sc.segments) do if s.say then lines[#lines + 1] = { v = who(s), text = s.say } end end
  if q:find("How many different people", 1, true) then
    local seen, n = {}, 0
    for _, l in ipairs(lines) do if not seen[l.v] then seen[l.v] = true; n = n + 1 end end
    return n
  end
  local name = {}
  for _, l in ipairs(lines) do
    local nm = l.text:match("^This is (%a+)%.$")
    if nm then name[l.v] = nm end
  end
  local task = q:match("would (.-)%?") or q:match("who will (.-)%?")
  if not task then error("unrecognised question") end
  local last
  for _, l in ipairs(lines) do
    if l.text:find("I will " .. task, 1, true) then last = l.v end
  end
  if not last then error("nobody said they would " .. task) end
  return name[last] or error("the voice that said it never gave its name")
end
]==],
}
