-- combinatorics.lua - counting problems: arrangements, combinations,
-- ordered selections, words with repeated letters, committees with a
-- constraint.

local function fact(n) local r = 1 for i = 2, n do r = r * i end return r end
local function choose(n, k)
  if k < 0 or k > n then return 0 end
  local r = 1
  for i = 1, k do r = r * (n - k + i) // i end
  return r
end

local words = { "LEVEL", "BANANA", "PEPPER", "COFFEE", "LETTER", "BALLOON", "SUCCESS", "MISSISSIPPI",
  "COMMITTEE", "ADDRESS", "TOMATO", "PARALLEL", "ASSESS", "CANNON", "GOOGOL", "REFERRER", "TATTOO",
  "BOOKKEEPER", "ALABAMA", "CHEESE", "ABACUS", "PAPAYA", "DEEDED", "SEESAW", "HULLABALOO",
  "STATISTICS", "ENGINEER", "TENNESSEE", "KAYAK", "RADAR", "REFER", "PIZZAZZ", "BUBBLE", "GIGGLE",
  "MAMMAL", "DAZZLE", "PUPPET", "MUFFIN", "KITTEN", "RABBIT", "BARBARA", "CINCINNATI", "ASSISTANT",
  "POSSESS", "SASSAFRAS", "VOODOO", "YELLOW", "HAPPEN", "ATTAIN", "NONSENSE", "REMEMBER",
  "ELEMENT", "EXCELLENT", "DIFFERENT", "GRAMMAR", "HAMMER", "JIGGLE", "LOLLIPOP", "MIRROR", "NEEDLE",
  "OFFICER", "PATTERN", "QUILL", "RATTLE", "SETTLE", "TERRACE", "UNSEEN", "VILLAGE", "WEEKEND",
  "ACCESS", "BALLET", "CARROT", "DINNER", "EFFORT", "FOSSIL", "GALLERY", "HOLLOW", "INNATE" }
local things = { "books", "paintings", "trophies", "flags", "candles", "plants", "photos", "mugs",
  "vases", "clocks", "lamps", "globes", "jars", "shells", "models", "medals", "toys", "boxes" }
local groups = { "students", "players", "engineers", "volunteers", "singers", "chefs", "runners",
  "nurses", "pilots", "artists", "poets", "drivers" }

local function generate(rng, d)
  local q, ans, expl
  if d == 1 then
    local t1 = rng:int(1, 3)
    if t1 == 3 then
      local n = rng:int(3, 40)
      local g = rng:pick(groups)
      ans = n * (n - 1) // 2
      q = string.format("At a meeting of %d %s, every two of them shake hands exactly once. How many handshakes are there?", n, g)
      expl = string.format("C(%d, 2) = %d.", n, ans)
    elseif t1 == 1 then
      local n = rng:int(3, 8)
      local t = rng:pick(things)
      ans = fact(n)
      local place = rng:pick({ "in a row on a shelf", "in a line on a table", "along a windowsill",
        "in a row on a bench", "side by side on a mantelpiece" })
      q = string.format("In how many different orders can %d different %s be placed %s?", n, t, place)
      expl = string.format("%d! = %d.", n, ans)
    else
      local m, k = rng:int(2, 12), rng:int(2, 5)
      local what = rng:pick({ "a lock code", "a badge code", "a locker code", "a door code", "a bike lock code" })
      ans = m ^ k // 1
      q = string.format("%s has %d positions, and each position shows one of %d symbols (symbols may repeat). How many different codes are possible?",
        what:sub(1, 1):upper() .. what:sub(2), k, m)
      expl = string.format("%d^%d = %d.", m, k, ans)
    end
  elseif d == 2 then
    local n = rng:int(5, 24)
    local k = rng:int(2, math.min(5, n - 1))
    local g = rng:pick(groups)
    ans = choose(n, k)
    q = string.format("A team of %d is chosen from %d %s. How many different teams are possible (order does not matter)?", k, n, g)
    expl = string.format("C(%d, %d) = %d.", n, k, ans)
  elseif d == 3 then
    local n = rng:int(6, 30)
    local k = rng:int(2, 4)
    local g = rng:pick(groups)
    ans = 1
    for i = 0, k - 1 do ans = ans * (n - i) end
    q = string.format("%d %s compete. In how many ways can the first %d places be awarded (no ties)?", n, g, k)
    expl = string.format("%d * ... * %d = %d ordered selections.", n, n - k + 1, ans)
  elseif d == 4 then
    local w = rng:pick(words)
    local cnt = {}
    for i = 1, #w do local c = w:sub(i, i) cnt[c] = (cnt[c] or 0) + 1 end
    ans = fact(#w)
    local keys = {}
    for c in pairs(cnt) do keys[#keys + 1] = c end
    table.sort(keys)
    if rng:int(1, 3) == 1 then
      for _, c in ipairs(keys) do ans = ans // fact(cnt[c]) end
      q = string.format("How many distinct arrangements of the letters of the word %s are there?", w)
      expl = string.format("%d! divided by the factorials of repeated letter counts = %d.", #w, ans)
    else
      local first = rng:pick(keys)
      local where = rng:pick({ "begin", "end" })
      cnt[first] = cnt[first] - 1
      ans = fact(#w - 1)
      for _, c in ipairs(keys) do ans = ans // fact(cnt[c]) end
      q = string.format("How many distinct arrangements of the letters of the word %s %s with the letter %s?", w, where, first)
      expl = string.format("Fix %s %s; arrange the other %d letters: %d.", first, where == "begin" and "first" or "last", #w - 1, ans)
    end
  else
    local m, f = rng:int(4, 12), rng:int(3, 10)
    local k = rng:int(3, 5)
    local atleast = rng:int(1, 2)
    local g = rng:pick(groups)
    ans = 0
    for i = atleast, math.min(k, f) do ans = ans + choose(f, i) * choose(m, k - i) end
    q = string.format("A committee of %d is chosen from %d junior and %d senior %s. How many committees include at least %d senior %s?",
      k, m, f, g, atleast, atleast == 1 and "member" or "members")
    expl = string.format("Sum over i = %d..%d of C(%d, i) * C(%d, %d - i) = %d.", atleast, math.min(k, f), f, m, k, ans)
  end
  return {
    question = q .. " Answer with a whole number.",
    answer = ans,
    explanation = expl,
    metadata = { complexity = d * 10 + math.log(ans + 1, 10) },
  }
end

return {
  name = "combinatorics",
  description = "Counting problems: permutations, combinations, ordered selections, arrangements of words with repeated letters, committees with at-least constraints.",
  tags = { "combinatorics", "counting", "permutations", "combinations", "probability", "math" },
  answer_type = "numeric",
  levels = {
    "n! arrangements of a few objects",
    "choose k of n",
    "ordered selections (podium places)",
    "words with repeated letters",
    "committees with an at-least constraint",
  },
  generate = generate,
  solver = [==[
-- Independent solver: recognises the counting problem and counts.
local function fact(n) local r = 1 for i = 2, n do r = r * i end return r end
local function choose(n, k)
  if k < 0 or k > n then return 0 end
  -- Pascal's triangle, not the multiplicative formula the generator uses
  local row = { 1 }
  for _ = 1, n do
    local nr = { 1 }
    for j = 2, #row do nr[j] = row[j - 1] + row[j] end
    nr[#row + 1] = 1
    row = nr
  end
  return row[k + 1]
end
local function arrangements(letters)
  local cnt, n = {}, 0
  for c in letters:gmatch("%u") do cnt[c] = (cnt[c] or 0) + 1; n = n + 1 end
  local r = fact(n)
  for _, m in pairs(cnt) do r = r // fact(m) end
  return r
end
return function(view)
  local q = view.question
  local n, k, m, w, c
  n = q:match("At a meeting of (%d+) .-shake hands")
  if n then return choose(tonumber(n), 2) end
  n = q:match("how many different orders can (%d+) different")
  if n then return fact(tonumber(n)) end
  k, m = q:match("has (%d+) positions, and each position shows one of (%d+) symbols")
  if k then local r = 1 for _ = 1, tonumber(k) do r = r * tonumber(m) end return r end
  k, n = q:match("A team of (%d+) is chosen from (%d+) ")
  if k then return choose(tonumber(n), tonumber(k)) end
  n, k = q:match("^(%d+) %a+ compete%. In how many ways can the first (%d+) places")
  if n then
    n, k = tonumber(n), tonumber(k)
    local r = 1
    for i = n - k + 1, n do r = r * i end
    return r
  end
  w, c = q:match("letters of the word (%u+) %a+ with the letter (%u)%?")
  if w then
    local rest = w:gsub(c, "", 1)
    return arrangements(rest)
  end
  w = q:match("letters of the word (%u+) are there%?")
  if w then return arrangements(w) end
  local size, jr, sr = q:match("A committee of (%d+) is chosen from (%d+) junior and (%d+) senior")
  local least = q:match("include at least (%d+) senior")
  if size then
    size, jr, sr, least = tonumber(size), tonumber(jr), tonumber(sr), tonumber(least)
    -- all committees minus those with fewer seniors
    local r = choose(jr + sr, size)
    for i = 0, least - 1 do r = r - choose(sr, i) * choose(jr, size - i) end
    return r
  end
  error("unrecognised problem")
end
]==],
}
