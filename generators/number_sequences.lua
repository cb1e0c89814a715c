-- number_sequences.lua - find the next term of a sequence: arithmetic,
-- geometric, quadratic, recurrences and interleaved sequences.

-- integer power (r ^ i is a float in Lua and would print as "48.0")
local function ipow(r, i)
  local v = 1
  for _ = 1, i do v = v * r end
  return v
end

local function generate(rng, d)
  local seq, nxt, rule = {}, nil, nil
  local n = 5 + (d >= 4 and 1 or 0)
  if d == 1 then
    local a, s = rng:int(1, 100), rng:int(2, 25)
    for i = 0, n do seq[#seq + 1] = a + s * i end
    rule = "add " .. s
  elseif d == 2 then
    if rng:bool() then
      local a, s = rng:int(-50, 50), rng:int(-15, -2)
      for i = 0, n do seq[#seq + 1] = a + s * i end
      rule = "add " .. s
    else
      local a, r = rng:int(1, 50), rng:pick({ 2, 3, 4, 5, -2, -3 })
      for i = 0, n do seq[#seq + 1] = a * ipow(r, i) end
      rule = "multiply by " .. r
    end
  elseif d == 3 then
    local a, b, c = rng:int(1, 4), rng:int(-5, 5), rng:int(-30, 30)
    for i = 1, n + 1 do seq[#seq + 1] = a * i * i + b * i + c end
    rule = string.format("%dn^2 %+dn %+d", a, b, c)
  elseif d == 4 then
    local x, y = rng:int(1, 20), rng:int(1, 20)
    local k = rng:int(1, 4)
    seq = { x, y }
    for i = 3, n + 1 do seq[i] = seq[i - 1] + k * seq[i - 2] end
    rule = string.format("each term is the previous term plus %d times the one before it", k)
  else
    if rng:bool() then
      local a, s, b, r = rng:int(1, 20), rng:int(2, 9), rng:int(1, 5), rng:int(2, 3)
      local ai, bi = 0, 0
      for i = 1, n + 2 do
        if i % 2 == 1 then seq[i] = a + s * ai; ai = ai + 1 else seq[i] = b * ipow(r, bi); bi = bi + 1 end
      end
      rule = "two interleaved sequences (odd places add " .. s .. ", even places multiply by " .. r .. ")"
    else
      local a, b, c = rng:int(1, 3), rng:int(-5, 5), rng:int(-20, 20)
      for i = 1, n + 1 do seq[i] = a * i * i * i + b * i + c end
      rule = string.format("%dn^3 %+dn %+d", a, b, c)
    end
  end
  nxt = table.remove(seq)
  local shown = {}
  for i, v in ipairs(seq) do shown[i] = tostring(v) end
  return {
    question = "What is the next number in the sequence " .. table.concat(shown, ", ") .. ", ...? Answer with the number only.",
    answer = nxt,
    explanation = "Rule: " .. rule .. ". Next term: " .. nxt .. ".",
    metadata = { rule = rule, complexity = d },
  }
end

return {
  name = "number_sequences",
  description = "Find the next number of a sequence: arithmetic and geometric progressions, quadratic and cubic terms, recurrences, interleaved sequences.",
  tags = { "sequences", "patterns", "math", "number series", "induction", "reasoning" },
  answer_type = "numeric",
  levels = {
    "arithmetic sequence with a positive step",
    "negative steps or a geometric sequence",
    "quadratic sequence (constant second difference)",
    "a Fibonacci-like recurrence",
    "interleaved sequences or cubic terms",
  },
  generate = generate,
  solver = [==[
-- Independent solver: tries the rule families a reader would (constant
-- differences up to the third, a constant ratio, a two-term recurrence,
-- two interleaved sequences), each checked on every shown term, and
-- counts the distinct next terms they predict.
local function diffs(t) local o = {} for i = 2, #t do o[#o + 1] = t[i] - t[i - 1] end return o end
local function const(t) for i = 2, #t do if t[i] ~= t[1] then return false end end return #t >= 2 end
local function poly(t)
  local levels, cur = { t }, t
  for deg = 0, 3 do
    if const(cur) then
      local nxt = cur[#cur]
      for l = #levels - 1, 1, -1 do nxt = levels[l][#levels[l]] + nxt end
      return nxt
    end
    cur = diffs(cur)
    levels[#levels + 1] = cur
  end
end
local function geom(t)
  if #t < 3 or t[1] == 0 or t[2] % t[1] ~= 0 then return nil end
  local r = t[2] // t[1]
  if r == 1 or r == 0 then return nil end
  for i = 2, #t do if t[i] ~= t[i - 1] * r then return nil end end
  return t[#t] * r
end
local function recur(t)
  if #t < 4 or t[1] == 0 then return nil end
  local k = (t[3] - t[2]) // t[1]
  if k < 1 then return nil end
  for i = 3, #t do if t[i] ~= t[i - 1] + k * t[i - 2] then return nil end end
  return t[#t] + k * t[#t - 1]
end
local function interleaved(t)
  local odd, even = {}, {}
  for i, v in ipairs(t) do if i % 2 == 1 then odd[#odd + 1] = v else even[#even + 1] = v end end
  if #odd < 3 or #even < 3 then return nil end
  local want_even = #t % 2 == 1
  if want_even then
    local g = geom(even)
    return g and const(diffs(odd)) and g or nil
  end
  return const(diffs(odd)) and geom(even) and (odd[#odd] + odd[2] - odd[1]) or nil
end
return function(view)
  local s = view.question:match("in the sequence (.-), %.%.%.%?")
  if not s then error("no sequence") end
  local t = {}
  for x in s:gmatch("[^, ]+") do
    local v = math.tointeger(tonumber(x))
    if not v then error("not a whole number: " .. x) end
    t[#t + 1] = v
  end
  local preds, seen, first = {}, {}, nil
  for _, f in ipairs({ poly, geom, recur, interleaved }) do
    local p = f(t)
    if p and not seen[p] then seen[p] = true; preds[#preds + 1] = p; first = first or p end
  end
  if not first then error("no rule fits") end
  return first, #preds
end
]==],
}
