-- count_beeps.lua - count the beeps in a recording: more beeps, irregular
-- and shorter gaps, low beeps to ignore, and noise as the difficulty rises.

local levels = {
  { lo = 2, hi = 4, gap = { 5, 5 } },
  { lo = 3, hi = 6, gap = { 2, 8 } },
  { lo = 4, hi = 8, gap = { 2, 6 }, low = { 1, 3 } },
  { lo = 5, hi = 9, gap = { 2, 6 }, noise = { kind = "pink", intensity = "low" } },
  { lo = 6, hi = 12, gap = { 1, 4 }, low = { 2, 4 }, noise = { kind = "babble", intensity = "medium" } },
}
local noise_rank = { low = 1, medium = 2, high = 3 }

local function generate(rng, d)
  local L = levels[d]
  local high = rng:int(L.lo, L.hi)
  local low = L.low and rng:int(L.low[1], L.low[2]) or 0
  local hz_hi, hz_lo = rng:pick({ 1000, 1200, 1500 }), rng:pick({ 350, 400, 450 })
  local kinds = {}
  for i = 1, high do kinds[i] = "h" end
  for i = 1, low do kinds[high + i] = "l" end
  rng:shuffle(kinds)
  local segs = {}
  for i, k in ipairs(kinds) do
    segs[i] = { beep = k == "h" and hz_hi or hz_lo, dur = rng:int(10, 15) / 100, gain = 0.4,
      gap = rng:int(L.gap[1], L.gap[2]) / 10 }
  end
  local q = "How many beeps do you hear in the recording? Answer with a number."
  if low > 0 then
    q = "The recording has high and low beeps. How many high beeps are there? Answer with a number."
  end
  return {
    question = q,
    answer = high,
    audio = { segments = segs, noise = L.noise },
    explanation = string.format("%d high beeps at %d Hz%s.", high, hz_hi,
      low > 0 and string.format(" and %d low beeps at %d Hz", low, hz_lo) or ""),
    metadata = { beeps = high, low_beeps = low, noise = L.noise and L.noise.intensity or "none",
      complexity = high + 2 * low + (L.noise and 2 * noise_rank[L.noise.intensity] or 0) },
  }
end

return {
  name = "count_beeps",
  description = "Count the beeps in a recording: listen and count short tones, with irregular gaps, low beeps to ignore and background noise at higher levels (auditory counting and attention).",
  tags = { "audio", "listening", "counting", "beeps", "tones", "sound events", "auditory attention", "noise" },
  answer_type = "numeric",
  modalities = { "audio", "text" },
  levels = {
    "2-4 beeps, even gaps",
    "3-6 beeps, irregular gaps",
    "4-8 high beeps among 1-3 low ones",
    "5-9 beeps, pink noise at 15 dB",
    "6-12 high beeps among 2-4 low ones, short gaps, babble noise at 10 dB",
  },
  generate = generate,
  solver = [==[
-- Independent solver: counts the beeps played (the scene); when the
-- question asks for high beeps, only those at the highest pitch heard.
return function(view)
  local sc, q = view.scene, view.question
  if not sc or not sc.segments then error("no audio scene") end
  local hz = {}
  for _, s in ipairs(sc.segments) do
    local f = s.beep or s.tone
    if f then hz[#hz + 1] = f end
  end
  if #hz == 0 then error("no beeps") end
  if not q:find("high beeps", 1, true) then return #hz end
  local top = 0
  for _, f in ipairs(hz) do if f > top then top = f end end
  local n = 0
  for _, f in ipairs(hz) do if f == top then n = n + 1 end end
  return n
end
]==],
}
