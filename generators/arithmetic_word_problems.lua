-- arithmetic_word_problems.lua - multi-step arithmetic word problems about
-- everyday quantities (buying, sharing, saving). Difficulty adds steps and
-- makes the numbers larger.

local steps_for = { 2, 3, 4, 5, 6 }
local max_for = { 20, 50, 120, 500, 2000 }

local things = {
  { "apples", "apple" }, { "pencils", "pencil" }, { "stickers", "sticker" },
  { "marbles", "marble" }, { "books", "book" }, { "cookies", "cookie" },
  { "stamps", "stamp" }, { "cards", "card" }, { "shells", "shell" },
}

local function generate(rng, d)
  local name = rng:pick(util.names)
  local thing = rng:pick(things)
  local maxv = max_for[d]
  local total = rng:int(math.max(3, maxv // 4), maxv)
  local lines = { string.format("%s has %d %s.", name, total, thing[1]) }
  local expl = { tostring(total) }
  local steps = steps_for[d]
  for s = 1, steps - 1 do
    local op = rng:int(1, 4)
    if op == 1 then
      local k = rng:int(2, math.max(3, maxv // 3))
      total = total + k
      lines[#lines + 1] = string.format("Then %s buys %d more %s.", name, k, thing[1])
      expl[#expl + 1] = "+ " .. k
    elseif op == 2 and total > 2 then
      local k = rng:int(1, total - 1)
      total = total - k
      lines[#lines + 1] = string.format("%s gives away %d %s.", name, k, k == 1 and thing[2] or thing[1])
      expl[#expl + 1] = "- " .. k
    elseif op == 3 and total <= maxv * 2 then
      local k = rng:int(2, d <= 2 and 3 or 5)
      total = total * k
      lines[#lines + 1] = string.format("A friend gives %s enough to make %d times as many %s.", name, k, thing[1])
      expl[#expl + 1] = "x " .. k
    else
      -- share equally, keeping the remainder
      local k = rng:int(2, 6)
      local keep = total % k
      local each = total // k
      total = each + keep
      lines[#lines + 1] = string.format(
        "%s splits the %s into %d equal groups as large as possible, keeps one group and also keeps the %s left over.",
        name, thing[1], k, keep == 1 and thing[2] or thing[1])
      expl[#expl + 1] = string.format("-> %d // %d + %d", each * k + keep, k, keep)
    end
  end
  lines[#lines + 1] = string.format("How many %s does %s have now? Answer with a whole number.", thing[1], name)
  return {
    question = table.concat(lines, " "),
    answer = total,
    explanation = "Step by step: " .. table.concat(expl, " ") .. " = " .. total .. ".",
    metadata = { steps = steps, complexity = steps * 10 + math.log(maxv, 10) },
  }
end

return {
  name = "arithmetic_word_problems",
  description = "Multi-step arithmetic word problems: a person buys, gives away, multiplies and shares everyday objects; answer the final count.",
  tags = { "arithmetic", "math", "word problems", "multi-step", "reasoning", "counting", "addition", "multiplication" },
  answer_type = "numeric",
  modalities = { "text" },
  levels = {
    "2 steps, numbers up to 20",
    "3 steps, numbers up to 50",
    "4 steps, numbers up to 120",
    "5 steps, numbers up to 500",
    "6 steps, numbers up to 2000",
  },
  generate = generate,
  solver = [==[
-- Independent solver: replays the story sentence by sentence.
return function(view)
  local q = view.question
  local total = tonumber(q:match("^%a+ has (%d+) "))
  if not total then error("no starting amount") end
  local steps = 0
  for sentence in q:gmatch("[^%.%?]+") do
    local k = sentence:match("buys (%d+) more")
    if k then total = total + tonumber(k); steps = steps + 1 end
    k = sentence:match("gives away (%d+) ")
    if k then total = total - tonumber(k); steps = steps + 1 end
    k = sentence:match("make (%d+) times as many")
    if k then total = total * tonumber(k); steps = steps + 1 end
    k = sentence:match("into (%d+) equal groups")
    if k then k = tonumber(k); total = total // k + total % k; steps = steps + 1 end
  end
  if steps == 0 then error("no steps found") end
  return total
end
]==],
}
