-- sorting_ordering.lua - put things in order: sort numbers, sort words
-- alphabetically, and rank people from pairwise comparisons (who is k-th).

local words = { "maple", "river", "candle", "orbit", "velvet", "harbor", "pepper", "lantern",
  "meadow", "copper", "falcon", "island", "jigsaw", "kettle", "marble", "nectar", "oyster",
  "puzzle", "quartz", "saddle", "timber", "umbrella", "walnut", "yonder", "zephyr", "anchor",
  "basil", "cobalt", "dagger", "ember", "fable", "garnet", "hazel", "ivory", "juniper", "kiwi" }
local traits = { { "taller", "tallest", "shortest" }, { "older", "oldest", "youngest" },
  { "faster", "fastest", "slowest" }, { "heavier", "heaviest", "lightest" } }
local ORD = { "first", "second", "third", "fourth", "fifth", "sixth", "seventh" }

local function generate(rng, d)
  if d == 1 or d == 2 then
    local n = d == 1 and 5 or 7
    local list = {}
    if d == 1 then
      local seen = {}
      while #list < n do
        local v = rng:int(1, 99)
        if not seen[v] then seen[v] = true; list[#list + 1] = v end
      end
    else
      list = rng:sample(words, n)
    end
    local sorted = {}
    for i, v in ipairs(list) do sorted[i] = v end
    local desc = d == 1 and rng:bool()
    table.sort(sorted, function(a, b) if desc then return a > b end return a < b end)
    local shown, ans = {}, {}
    for i, v in ipairs(list) do shown[i] = tostring(v) end
    for i, v in ipairs(sorted) do ans[i] = tostring(v) end
    local what = d == 1 and ("numbers in " .. (desc and "descending" or "ascending") .. " order") or "words in alphabetical order"
    return {
      question = "Sort these " .. what .. ": " .. table.concat(shown, ", ") .. ". Answer with the sorted list separated by commas.",
      answer = table.concat(ans, ", "),
      scorer = "list",
      explanation = "Sorted: " .. table.concat(ans, ", ") .. ".",
      metadata = { list = true, count = n, complexity = n },
    }
  end
  local n = ({ 0, 0, 4, 5, 6 })[d]
  local people = rng:sample(util.names, n)  -- people[1] has the most of the trait
  local tr = rng:pick(traits)
  -- a chain of comparisons between neighbours, plus some redundant ones at level 5
  local facts = {}
  for i = 1, n - 1 do
    if rng:bool() then
      facts[#facts + 1] = string.format("%s is %s than %s.", people[i], tr[1], people[i + 1])
    else
      local inv = tr[1] == "taller" and "shorter" or tr[1] == "older" and "younger" or
        tr[1] == "faster" and "slower" or "lighter"
      facts[#facts + 1] = string.format("%s is %s than %s.", people[i + 1], inv, people[i])
    end
  end
  if d == 5 then
    local i = rng:int(1, n - 2)
    facts[#facts + 1] = string.format("%s is %s than %s.", people[i], tr[1], people[i + 2])
  end
  rng:shuffle(facts)
  local k = rng:int(1, n)
  local q, ans
  if k == 1 then
    q = "Who is the " .. tr[2] .. "?"
  elseif k == n then
    q = "Who is the " .. tr[3] .. "?"
  else
    q = "Who is the " .. ORD[k] .. " " .. tr[2] .. " (position " .. k .. " when ordered from " .. tr[2] .. " to " .. tr[3] .. ")?"
  end
  ans = people[k]
  local order = table.concat(people, " > ")
  return {
    question = table.concat(facts, " ") .. " " .. q .. " Answer with a name.",
    answer = ans,
    explanation = "Order: " .. order .. ".",
    metadata = { people = n, complexity = n + 3 },
  }
end

return {
  name = "sorting_ordering",
  description = "Sorting and ordering: sort numbers or words, and rank people from pairwise comparisons (who is tallest, oldest, k-th).",
  tags = { "sorting", "ordering", "ranking", "comparisons", "transitive reasoning", "logic", "lists" },
  answer_type = "short",
  levels = {
    "sort 5 numbers",
    "sort 7 words alphabetically",
    "rank 4 people from 3 comparisons",
    "rank 5 people",
    "rank 6 people with a redundant comparison",
  },
  generate = generate,
  puzzle = true,
  solver = [==[
-- Independent solver: sorts the listed values itself; for rankings it
-- reads every comparison and tries every ordering of the people, so the
-- count of distinct answers over all consistent orderings proves there is
-- exactly one.
local more = { taller = 1, older = 1, faster = 1, heavier = 1, shorter = -1, younger = -1, slower = -1, lighter = -1 }
local top = { tallest = "taller", oldest = "older", fastest = "faster", heaviest = "heavier" }
local bottom = { shortest = "taller", youngest = "older", slowest = "faster", lightest = "heavier" }
local ORD = { first = 1, second = 2, third = 3, fourth = 4, fifth = 5, sixth = 6, seventh = 7 }
local function perms(list, k, out, used, acc)
  if #acc == #list then out(acc) return end
  for i = 1, #list do
    if not used[i] then
      used[i] = true; acc[#acc + 1] = list[i]
      perms(list, k, out, used, acc)
      acc[#acc] = nil; used[i] = false
    end
  end
end
return function(view)
  local q = view.question
  local dir, items = q:match("^Sort these numbers in (%a+) order: (.-)%. Answer")
  if dir then
    local t = {}
    for x in items:gmatch("[^, ]+") do t[#t + 1] = tonumber(x) end
    table.sort(t, function(a, b) if dir == "descending" then return a > b end return a < b end)
    for i, v in ipairs(t) do t[i] = tostring(math.tointeger(v) or v) end
    return table.concat(t, ", "), 1
  end
  items = q:match("^Sort these words in alphabetical order: (.-)%. Answer")
  if items then
    local t = {}
    for x in items:gmatch("[^, ]+") do t[#t + 1] = x end
    table.sort(t)
    return table.concat(t, ", "), 1
  end
  -- rankings: "A is taller than B." facts
  local people, seen, facts = {}, {}, {}
  for sentence in q:gmatch("[^%.%?]+") do
    local a, rel, b = sentence:match("^%s*(%u%a+) is (%a+) than (%u%a+)$")
    if a and not more[rel] then error("unknown comparison " .. rel) end
    if a then
    for _, p in ipairs({ a, b }) do if not seen[p] then seen[p] = true; people[#people + 1] = p end end
    if more[rel] > 0 then facts[#facts + 1] = { a, b } else facts[#facts + 1] = { b, a } end
    end
  end
  local k
  local sup = q:match("Who is the (%a+)%?")
  if sup and top[sup] then k = 1 elseif sup and bottom[sup] then k = #people end
  if not k then
    local ord = q:match("Who is the (%a+) %a+ %(position")
    k = ord and ORD[ord]
  end
  if not k or #people == 0 then error("unrecognised question") end
  local answers, count, first = {}, 0, nil
  perms(people, k, function(order)
    local pos = {}
    for i, p in ipairs(order) do pos[p] = i end
    for _, f in ipairs(facts) do if pos[f[1]] > pos[f[2]] then return end end
    local who = order[k]
    if not answers[who] then answers[who] = true; count = count + 1; first = first or who end
  end, {}, {})
  if not first then error("no consistent order") end
  return first, count
end
]==],
}
