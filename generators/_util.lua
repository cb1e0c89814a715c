-- _util.lua - the `util` library every generator and solver sees (read-only).
-- The final-answer segment of a reply, the C scorer, and small helpers for
-- building items. Runs inside the sandbox like any generator.

local U = {}

U.letters = { "A", "B", "C", "D", "E", "F", "G", "H", "I", "J" }

local function trim(s)
  s = s:gsub("^%s+", "")
  return (s:gsub("%s+$", ""))
end
U.trim = trim

-- The part of a model response that holds its final answer: after the
-- last "answer is"/"answer:" marker or inside \boxed{}, else the last
-- non-empty line.
function U.final(resp)
  resp = tostring(resp or "")
  if #resp > 4000 then resp = resp:sub(-4000) end
  local low = resp:lower()
  local b = nil
  local pos = 1
  while true do
    local s = low:find("\\boxed{", pos, true)
    if not s then break end
    b = s; pos = s + 1
  end
  if b then
    local e = resp:find("}", b + 7, true)
    if e then return resp:sub(b + 7, e - 1) end
  end
  local best, blen = nil, 0
  for _, m in ipairs({ "final answer:", "final answer is", "answer:", "answer is" }) do
    pos = 1
    while true do
      local s = low:find(m, pos, true)
      if not s then break end
      if not best or s > best then best, blen = s, #m end
      pos = s + 1
    end
  end
  local seg
  if best then
    seg = resp:sub(best + blen)
  else
    seg = resp
  end
  seg = trim(seg)
  -- first line after a marker, last line otherwise
  if best then
    local nl = seg:find("\n", 1, true)
    if nl then seg = seg:sub(1, nl - 1) end
  else
    local last = seg
    for line in (seg .. "\n"):gmatch("([^\n]*)\n") do
      if trim(line) ~= "" then last = line end
    end
    seg = last
  end
  if #seg > 300 then seg = seg:sub(1, 300) end
  return trim(seg)
end

-- The one scorer (C, src/verify/score.c): score(item, answer) -> 0|1, how.
-- Which rule applies follows the item: item.scorer ("set", "list", "time",
-- "clock12", "date", "cell", ...), else choices -> choice, else the answer
-- type (numeric with item.tolerance / item.rel_tolerance, binary, text).
U.score = score

-- The default verify: the final answer of the response, compared by the
-- C scorer. A generator needs its own verify only for a rule no scorer has.
function U.verify(item, response)
  return (score(item, U.final(response)))
end

-- Build shuffled choices: correct answer + distinct distractors.
-- Returns choices, letter.
function U.make_choices(rng, correct, distractors, n)
  n = n or 4
  local seen = { [tostring(correct)] = true }
  local list = { tostring(correct) }
  for _, d in ipairs(distractors) do
    local s = tostring(d)
    if not seen[s] and #list < n then
      seen[s] = true
      list[#list + 1] = s
    end
  end
  rng:shuffle(list)
  for i, c in ipairs(list) do
    if c == tostring(correct) then return list, U.letters[i] end
  end
end

-- "a, b and c"
function U.join(list, sep, last)
  sep = sep or ", "
  last = last or " and "
  if #list == 0 then return "" end
  if #list == 1 then return tostring(list[1]) end
  local parts = {}
  for i = 1, #list - 1 do parts[#parts + 1] = tostring(list[i]) end
  return table.concat(parts, sep) .. last .. tostring(list[#list])
end

function U.plural(n, word, words)
  if n == 1 then return "1 " .. word end
  return tostring(n) .. " " .. (words or (word .. "s"))
end

function U.gcd(a, b)
  a, b = math.abs(a), math.abs(b)
  while b ~= 0 do a, b = b, a % b end
  return a
end

-- Format a number without a trailing ".0" and with at most `digits` decimals.
function U.num(x, digits)
  if math.type(x) == "integer" then return tostring(x) end
  if x == math.floor(x) and math.abs(x) < 1e15 then return string.format("%d", math.floor(x)) end
  local s = string.format("%." .. tostring(digits or 4) .. "f", x)
  s = s:gsub("0+$", ""):gsub("%.$", "")
  return s
end

U.names = { "Ava", "Ben", "Chen", "Dana", "Eli", "Fatima", "Gus", "Hana", "Ivan", "Jade", "Kofi",
  "Lena", "Mateo", "Nora", "Omar", "Priya", "Quinn", "Rosa", "Sam", "Tariq", "Uma", "Victor",
  "Wen", "Ximena", "Yusuf", "Zoe" }

return U
