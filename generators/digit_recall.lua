-- digit_recall.lua - hear a list of digits (or words) after a tone and
-- say it back in order (or reversed), with more items and more noise as
-- the difficulty rises.

local digit_words = { [0] = "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine" }
local word_pool = { "red", "house", "tree", "dog", "water", "book", "chair", "green", "music", "table",
  "river", "paper", "horse", "window", "garden", "bread" }

-- items, noise, what is asked, per level
local levels = {
  { n = 4, kind = "digits" },
  { n = 5, kind = "digits", noise = { kind = "pink", intensity = "low" } },
  { n = 6, kind = "digits", noise = { kind = "babble", intensity = "medium" } },
  { n = 5, kind = "words", noise = { kind = "white", intensity = "medium" } },
  { n = 6, kind = "digits", reverse = true, noise = { kind = "babble", intensity = "high" } },
}
local noise_rank = { low = 1, medium = 2, high = 3 }

local function generate(rng, d)
  local L = levels[d]
  local shown, spoken = {}, {}
  for i = 1, L.n do
    if L.kind == "digits" then
      local v = rng:int(0, 9)
      if i > 1 then
        while v == shown[i - 1] do v = rng:int(0, 9) end -- no digit twice in a row
      end
      shown[i], spoken[i] = v, digit_words[v]
    end
  end
  if L.kind == "words" then
    spoken = rng:sample(word_pool, L.n)
    for i, w in ipairs(spoken) do shown[i] = w end
  end
  local key = {}
  for i = 1, L.n do key[i] = tostring(shown[L.reverse and (L.n + 1 - i) or i]) end
  local what = L.kind == "digits" and "digits" or "words"
  local q
  if L.reverse then
    q = "Listen to the recording. After the tone, a list of digits is spoken. Say them back in reverse order "
      .. "(the last one first). Answer with the digits separated by commas."
  else
    q = string.format("Listen to the recording. After the tone, a list of %s is spoken. Which %s are spoken, "
      .. "in order? Answer with the %s separated by commas.", what, what, what)
  end
  return {
    question = q,
    answer = table.concat(key, ", "),
    answer_type = "short",
    scorer = "list",
    audio = { segments = { { beep = 880, dur = 0.25, gain = 0.3, gap = 0.4 },
      -- every item must be heard back (hear): one misheard digit changes the key
      { say = table.concat(spoken, ", "), lang = "en", hear = spoken } }, noise = L.noise },
    explanation = "The list spoken: " .. table.concat(spoken, ", ") .. (L.reverse and " (reversed for the answer)." or "."),
    metadata = { items = L.n, kind = L.kind, noise = L.noise and L.noise.intensity or "none",
      complexity = L.n + (L.noise and noise_rank[L.noise.intensity] or 0) + (L.reverse and 1 or 0) },
  }
end

return {
  name = "digit_recall",
  description = "Digit span and word list recall from speech: listen to digits or words spoken after a tone, in rising noise, and repeat them in order or in reverse order (auditory short-term memory).",
  tags = { "audio", "speech", "listening", "memory", "digit span", "recall", "word list", "noise", "working memory" },
  answer_type = "short",
  scorer = "list",
  modalities = { "audio", "text" },
  levels = {
    "4 digits, clean speech",
    "5 digits, pink noise at 15 dB",
    "6 digits, babble noise at 10 dB",
    "5 words, white noise at 10 dB",
    "6 digits repeated in reverse order, babble noise at 5 dB",
  },
  generate = generate,
  solver = [==[
-- Independent solver: takes the speech heard after the tone, maps digit
-- words to digits (or keeps the words), and reverses when the question
-- asks for reverse order.
local digit = { zero = "0", oh = "0", one = "1", two = "2", three = "3", four = "4", five = "5", six = "6",
  seven = "7", eight = "8", nine = "9" }
return function(view)
  local sc, q = view.scene, view.question
  if not sc or not sc.segments then error("no audio scene") end
  local after, out = false, {}
  for _, s in ipairs(sc.segments) do
    if s.beep or s.tone then after = true
    elseif s.say and after then
      for w in s.say:lower():gmatch("%a+") do out[#out + 1] = w end
    end
  end
  if #out == 0 then error("nothing spoken after the tone") end
  local wants_digits = q:find("list of digits", 1, true) ~= nil
  if wants_digits then
    for i, w in ipairs(out) do
      out[i] = digit[w] or error("not a digit: " .. w)
    end
  end
  if q:find("reverse order", 1, true) then
    local r = {}
    for i = #out, 1, -1 do r[#r + 1] = out[i] end
    out = r
  end
  return table.concat(out, ", ")
end
]==],
}
