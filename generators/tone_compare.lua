-- tone_compare.lua - pitch and duration discrimination: is the second
-- tone higher (lower, longer) than the first, do three tones rise; the
-- differences shrink and noise grows with the difficulty.

local noise_rank = { low = 1, medium = 2, high = 3 }

local function tone(hz, dur)
  return { tone = math.floor(hz + 0.5), dur = dur, gain = 0.4, gap = 0.5 }
end

local function two_pitches(rng, lo_pct, hi_pct)
  local base = rng:int(250, 900)
  local pct = rng:int(lo_pct, hi_pct)
  local up = rng:bool()
  local other = up and base * (1 + pct / 100) or base / (1 + pct / 100)
  return base, other, pct, up
end

local function generate(rng, d)
  local segs, q, ans, pct, tones, noise = {}, nil, nil, nil, 2, nil
  if d == 1 or d == 2 or d == 5 then
    local lo, hi = 50, 100
    if d == 2 then lo, hi = 12, 25 elseif d == 5 then lo, hi = 3, 6 end
    local a, b, p, up = two_pitches(rng, lo, hi)
    pct = p
    segs = { tone(a, 0.6), tone(b, 0.6) }
    if d == 2 then
      q = "Is the second tone lower in pitch than the first? Answer yes or no."
      ans = up and "no" or "yes"
    else
      q = "Is the second tone higher in pitch than the first? Answer yes or no."
      ans = up and "yes" or "no"
    end
    if d == 5 then noise = { kind = "white", intensity = "medium" } end
  elseif d == 3 then
    local hz = rng:int(300, 900)
    local short = rng:int(3, 6) / 10
    pct = rng:int(25, 50)
    local long = math.floor(short * (1 + pct / 100) * 100 + 0.5) / 100
    local longer = rng:bool()
    segs = { tone(hz, longer and short or long), tone(hz, longer and long or short) }
    q = "Both tones have the same pitch. Is the second tone longer than the first? Answer yes or no."
    ans = longer and "yes" or "no"
  else
    tones = 3
    pct = rng:int(10, 20)
    local base = rng:int(250, 600)
    local hz = { base, base * (1 + pct / 100), base * (1 + pct / 100) ^ 2 }
    local rising = rng:bool()
    if not rising then
      -- any order but the rising one
      local orders = { { 1, 3, 2 }, { 2, 1, 3 }, { 2, 3, 1 }, { 3, 1, 2 }, { 3, 2, 1 } }
      local o = rng:pick(orders)
      hz = { hz[o[1]], hz[o[2]], hz[o[3]] }
    end
    for i = 1, 3 do segs[i] = tone(hz[i], 0.5) end
    q = "Three tones are played. Does the pitch rise from each tone to the next? Answer yes or no."
    ans = rising and "yes" or "no"
    noise = { kind = "pink", intensity = "low" }
  end
  local desc = {}
  for i, s in ipairs(segs) do desc[i] = s.tone .. " Hz for " .. s.dur .. " s" end
  return {
    question = q,
    answer = ans,
    audio = { segments = segs, noise = noise },
    explanation = "Tones: " .. table.concat(desc, ", ") .. ".",
    metadata = { tones = tones, difference_pct = pct, noise = noise and noise.intensity or "none",
      complexity = tones + 100 / pct + (noise and 2 * noise_rank[noise.intensity] or 0) },
  }
end

return {
  name = "tone_compare",
  description = "Auditory pitch and duration discrimination: listen to pure tones and tell whether the second is higher, lower or longer than the first, or whether three tones rise in pitch; differences shrink and noise rises with difficulty.",
  tags = { "audio", "listening", "tones", "pitch", "duration", "auditory perception", "sound", "hearing", "noise" },
  answer_type = "binary",
  modalities = { "audio", "text" },
  levels = {
    "two tones 50-100% apart in pitch: is the second higher",
    "two tones 12-25% apart: is the second lower",
    "two tones of one pitch, 25-50% apart in duration: is the second longer",
    "three tones 10-20% apart, pink noise at 15 dB: do they rise",
    "two tones 3-6% apart, white noise at 10 dB: is the second higher",
  },
  generate = generate,
  solver = [==[
-- Independent solver: compares the tones as played (their frequencies and
-- durations in the scene) the way the question asks.
return function(view)
  local sc, q = view.scene, view.question
  if not sc or not sc.segments then error("no audio scene") end
  local t = {}
  for _, s in ipairs(sc.segments) do if s.tone then t[#t + 1] = s end end
  local function yn(b) return b and "yes" or "no" end
  if q:find("Does the pitch rise", 1, true) then
    if #t < 2 then error("too few tones") end
    for i = 2, #t do if not (t[i].tone > t[i - 1].tone) then return "no" end end
    return "yes"
  end
  if #t ~= 2 then error("expected two tones, heard " .. #t) end
  if q:find("higher in pitch", 1, true) then return yn(t[2].tone > t[1].tone) end
  if q:find("lower in pitch", 1, true) then return yn(t[2].tone < t[1].tone) end
  if q:find("longer than", 1, true) then return yn(t[2].dur > t[1].dur) end
  error("unrecognised question")
end
]==],
}
