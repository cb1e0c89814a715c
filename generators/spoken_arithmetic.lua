-- spoken_arithmetic.lua - an arithmetic question heard, not read: the
-- recording asks it (numbers spoken as words), the text only says to
-- listen. Harder levels chain operations step by step and add noise.

local ones = { "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
  "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen" }
local tens = { "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety" }

local function words(n)
  if n == 0 then return "zero" end
  local out = {}
  if n >= 100 then
    out[#out + 1] = ones[n // 100] .. " hundred"
    n = n % 100
  end
  if n >= 20 then
    out[#out + 1] = tens[n // 10] .. (n % 10 > 0 and (" " .. ones[n % 10]) or "")
  elseif n > 0 then
    out[#out + 1] = ones[n]
  end
  return table.concat(out, " ")
end

local noise_of = { nil, nil, { kind = "pink", intensity = "low" }, { kind = "babble", intensity = "low" },
  { kind = "white", intensity = "medium" } }

local function generate(rng, d)
  local say, ans, hear
  if d == 1 then
    local a, b = rng:int(1, 20), rng:int(1, 20)
    say, ans = string.format("What is %s plus %s?", words(a), words(b)), a + b
    hear = { words(a), words(b) }
  elseif d == 2 then
    local a = rng:int(20, 99)
    local b = rng:int(1, a - 1)
    say, ans = string.format("What is %s minus %s?", words(a), words(b)), a - b
    hear = { words(a), words(b) }
  elseif d == 3 then
    local a, b = rng:int(2, 12), rng:int(2, 12)
    say, ans = string.format("What is %s times %s?", words(a), words(b)), a * b
    hear = { words(a), words(b) }
  elseif d == 4 then
    local a, b, c = rng:int(2, 30), rng:int(2, 30), rng:int(2, 9)
    say = string.format("Start with %s. Add %s. Multiply by %s. What is the result?", words(a), words(b),
      words(c))
    ans = (a + b) * c
    hear = { words(a), words(b), words(c) }
  else
    local a, b = rng:int(2, 20), rng:int(2, 9)
    local p = a * b
    local dv = rng:int(2, math.min(9, p // 2))
    local r, c = p % dv, nil
    if r == 0 then c = dv * rng:int(1, p // dv - 1) else c = r + dv * rng:int(0, (p - r) // dv - 1) end
    say = string.format("Start with %s. Multiply by %s. Subtract %s. Divide by %s. What is the result?",
      words(a), words(b), words(c), words(dv))
    ans = (p - c) // dv
    hear = { words(a), words(b), words(c), words(dv) }
  end
  return {
    question = "Listen to the recording: it asks an arithmetic question. What is the answer? Answer with a number.",
    answer = ans,
    -- the numbers must be heard back (hear): one misheard number changes the key
    audio = { segments = { { say = say, lang = "en", hear = hear } }, noise = noise_of[d] },
    explanation = "The recording says: " .. say,
    metadata = { operations = d <= 3 and 1 or d - 2, noise = noise_of[d] and noise_of[d].intensity or "none",
      complexity = (d <= 3 and 1 or d - 2) + (noise_of[d] and 1 or 0) + (d == 3 and 0.5 or 0) },
  }
end

return {
  name = "spoken_arithmetic",
  description = "Spoken arithmetic: listen to a recorded question (numbers spoken as words, sometimes in noise) and compute the answer: addition, subtraction, multiplication, then multi-step calculations told step by step.",
  tags = { "audio", "speech", "listening", "spoken", "arithmetic", "mental math", "math", "calculation", "noise" },
  answer_type = "numeric",
  modalities = { "audio", "text" },
  levels = {
    "one addition of numbers up to twenty, clean speech",
    "one subtraction of two-digit numbers, clean speech",
    "one multiplication up to twelve times twelve, pink noise at 15 dB",
    "three spoken steps (start, add, multiply), babble noise at 15 dB",
    "four spoken steps (start, multiply, subtract, divide), white noise at 10 dB",
  },
  generate = generate,
  solver = [==[
-- Independent solver: hears the spoken words (the scene's speech), reads
-- the number words back into numbers and applies each spoken operation in
-- the order it is said.
local units = { zero = 0, one = 1, two = 2, three = 3, four = 4, five = 5, six = 6, seven = 7, eight = 8,
  nine = 9, ten = 10, eleven = 11, twelve = 12, thirteen = 13, fourteen = 14, fifteen = 15, sixteen = 16,
  seventeen = 17, eighteen = 18, nineteen = 19, twenty = 20, thirty = 30, forty = 40, fifty = 50,
  sixty = 60, seventy = 70, eighty = 80, ninety = 90 }
local ops = { plus = "+", add = "+", minus = "-", subtract = "-", times = "*", multiply = "*", divide = "/" }

return function(view)
  local sc = view.scene
  if not sc or not sc.segments then error("no audio scene") end
  local heard = {}
  for _, s in ipairs(sc.segments) do if s.say then heard[#heard + 1] = s.say end end
  local toks = {}
  for w in table.concat(heard, " "):lower():gmatch("%a+") do toks[#toks + 1] = w end
  -- numbers: runs of number words ("one hundred twenty three")
  local items, i = {}, 1
  while i <= #toks do
    local w = toks[i]
    if units[w] then
      local v = 0
      while i <= #toks and (units[toks[i]] or toks[i] == "hundred") do
        if toks[i] == "hundred" then v = v * 100 else v = v + units[toks[i]] end
        i = i + 1
      end
      items[#items + 1] = v
    else
      if ops[w] then items[#items + 1] = ops[w] end
      i = i + 1
    end
  end
  local acc = items[1]
  if type(acc) ~= "number" then error("the speech does not start from a number") end
  local k = 2
  while k <= #items do
    local op, v = items[k], items[k + 1]
    if type(op) ~= "string" or type(v) ~= "number" then error("cannot follow the spoken steps") end
    if op == "+" then acc = acc + v elseif op == "-" then acc = acc - v elseif op == "*" then acc = acc * v
    else
      if acc % v ~= 0 then error("a division that is not exact") end
      acc = acc // v
    end
    k = k + 2
  end
  if k == 2 then error("no operation heard") end
  return acc
end
]==],
}
