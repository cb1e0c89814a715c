-- string_manipulation.lua - apply string operations: reverse, count a
-- letter, every second letter, remove vowels, Caesar shift, sort letters.
-- Difficulty chains more operations over longer strings.

local words = { "benchmark", "generator", "sandbox", "lantern", "elephant", "calendar", "triangle",
  "mountain", "keyboard", "sunflower", "whisper", "painting", "treasure", "volcano", "umbrella",
  "butterfly", "crocodile", "pineapple", "dinosaur", "telescope", "avalanche", "chocolate",
  "harmonica", "labyrinth", "nightingale", "quicksand", "raspberry", "strawberry", "wanderlust" }

local ops = {
  { name = "reverse", text = "reverse it", f = function(s) return s:reverse() end },
  { name = "every2", text = "keep only the letters in odd positions (1st, 3rd, 5th, ...)",
    f = function(s) local t = {} for i = 1, #s, 2 do t[#t + 1] = s:sub(i, i) end return table.concat(t) end },
  { name = "novowel", text = "remove every vowel (a, e, i, o, u)", f = function(s) return (s:gsub("[aeiou]", "")) end },
  { name = "caesar", text = "shift every letter one place forward in the alphabet (z becomes a)",
    f = function(s) return (s:gsub("%a", function(c) return string.char((c:byte() - 97 + 1) % 26 + 97) end)) end },
  { name = "sort", text = "sort its letters alphabetically",
    f = function(s) local t = {} for i = 1, #s do t[i] = s:sub(i, i) end table.sort(t) return table.concat(t) end },
  { name = "double_last", text = "append its first three letters to its end",
    f = function(s) return s .. s:sub(1, 3) end },
}

local steps_for = { 1, 2, 2, 3, 4 }

local function generate(rng, d)
  local s = rng:pick(words)
  if d >= 3 then s = s .. rng:pick(words) end
  local start = s
  if d == 1 and rng:bool(0.4) then
    -- counting a letter
    local i = rng:int(1, #s)
    local c = s:sub(i, i)
    local _, cnt = s:gsub(c, "")
    return {
      question = string.format("How many times does the letter \"%s\" appear in the word \"%s\"? Answer with a number.", c, s),
      answer = cnt,
      answer_type = "numeric",
      explanation = string.format("\"%s\" contains %d of \"%s\".", s, cnt, c),
      metadata = { steps = 1, complexity = 1 },
    }
  end
  local chosen = {}
  local descr = {}
  for k = 1, steps_for[d] do
    -- an operation that would leave nothing is drawn again (the answer
    -- is never an empty string, and never a stand-in for one)
    local op = rng:pick(ops)
    while op.f(s) == "" do op = rng:pick(ops) end
    chosen[k] = op.name
    s = op.f(s)
    descr[k] = string.format("(%d) %s", k, op.text)
  end
  return {
    question = string.format("Start with the string \"%s\" and apply these steps in order: %s. What is the resulting string? Answer with the string only.",
      start, table.concat(descr, "; ")),
    answer = s,
    explanation = "Result after each step: " .. table.concat(chosen, ", ") .. " -> " .. s .. ".",
    metadata = { steps = #chosen, length = #start, complexity = #chosen * 10 + #start / 10 },
  }
end

return {
  name = "string_manipulation",
  description = "String manipulation: reverse, remove vowels, keep every second letter, Caesar shift, sort letters, count letters; chained steps on words.",
  tags = { "strings", "string manipulation", "text processing", "letters", "characters", "symbolic", "instructions" },
  answer_type = "short",
  levels = {
    "one operation or a letter count on a word",
    "two operations on a word",
    "two operations on two joined words",
    "three operations",
    "four operations",
  },
  generate = generate,
  solver = [==[
-- Independent solver: reads the start string and the listed steps and
-- applies each by its description.
local function apply(step, s)
  local out = {}
  if step:find("^reverse it") then
    for i = #s, 1, -1 do out[#out + 1] = s:sub(i, i) end
  elseif step:find("^keep only the letters in odd positions") then
    for i = 1, #s do if i % 2 == 1 then out[#out + 1] = s:sub(i, i) end end
  elseif step:find("^remove every vowel") then
    for i = 1, #s do local c = s:sub(i, i) if not ("aeiou"):find(c, 1, true) then out[#out + 1] = c end end
  elseif step:find("^shift every letter one place forward") then
    local abc = "abcdefghijklmnopqrstuvwxyz"
    for i = 1, #s do
      local c = s:sub(i, i)
      local p = abc:find(c, 1, true)
      out[#out + 1] = p and abc:sub(p % 26 + 1, p % 26 + 1) or c
    end
  elseif step:find("^sort its letters alphabetically") then
    for i = 1, #s do out[i] = s:sub(i, i) end
    table.sort(out)
  elseif step:find("^append its first three letters to its end") then
    return s .. s:sub(1, 3)
  else
    error("unknown step: " .. step)
  end
  return table.concat(out)
end
return function(view)
  local q = view.question
  local c, w = q:match("^How many times does the letter \"(%a)\" appear in the word \"(%a+)\"%?")
  if c then
    local n = 0
    for i = 1, #w do if w:sub(i, i) == c then n = n + 1 end end
    return n
  end
  local s = q:match("^Start with the string \"(%a+)\"")
  local steps = q:match("apply these steps in order: (.-)%. What is the resulting string%?")
  if not s or not steps then error("unrecognised question") end
  for step in (steps .. "; "):gmatch("%(%d+%) (.-); ") do s = apply(step, s) end
  if s == "" then error("empty result") end
  return s
end
]==],
}
