-- pie_chart_reading.lua - read a pie chart: percentages from the legend,
-- amounts from a total, and the largest / second-largest / smallest slice
-- by size alone (slices closer together at higher difficulty).

local pools = {
  { "Rent", "Food", "Travel", "Savings", "Leisure", "Bills", "Gifts" },
  { "Bus", "Car", "Bike", "Walk", "Train", "Tram", "Ferry" },
  { "Rock", "Jazz", "Pop", "Folk", "Blues", "Soul", "Opera" },
  { "Oak", "Pine", "Birch", "Maple", "Elm", "Ash", "Cedar" },
}

local function parts(rng, n, mingap)
  -- n distinct integer percentages summing to 100, pairwise >= mingap apart
  for _ = 1, 500 do
    local cuts, seen = {}, {}
    while #cuts < n - 1 do
      local v = rng:int(3, 97)
      if not seen[v] then seen[v] = true; cuts[#cuts + 1] = v end
    end
    table.sort(cuts)
    local vals, prev = {}, 0
    for _, c in ipairs(cuts) do vals[#vals + 1] = c - prev; prev = c end
    vals[#vals + 1] = 100 - prev
    local sorted = {}
    for i, v in ipairs(vals) do sorted[i] = v end
    table.sort(sorted)
    local ok = sorted[1] >= 3
    for i = 2, n do if sorted[i] - sorted[i - 1] < mingap then ok = false end end
    if ok then return vals end
  end
  error("could not split 100 into distinct slices")
end

local function generate(rng, d)
  local n = ({ 3, 4, 4, 5, 6 })[d]
  local labels = rng:sample(rng:pick(pools), n)
  local vals = parts(rng, n, ({ 6, 5, 4, 3, 2 })[d])
  local c = draw.canvas(480, 340)
  local title = rng:pick({ "Share of budget", "How people commute", "Favourite music", "Trees in the park" })
  c:pie_chart({ labels = labels, values = vals, title = title, percent = d <= 2 })
  local order = {}
  for i = 1, n do order[i] = i end
  table.sort(order, function(a, b) return vals[a] > vals[b] end)
  local q, ans, atype = nil, nil, "short"
  if d == 1 then
    local i = rng:int(1, n)
    q = "According to the chart's legend, what percentage is " .. labels[i] .. "? Answer with a number."
    ans, atype = vals[i], "numeric"
  elseif d == 2 then
    local i = rng:int(1, n)
    local total = rng:int(2, 40) * 100
    q = string.format("The chart describes %d people in total. How many of them are in the %s slice? Answer with a number.", total, labels[i])
    ans, atype = total * vals[i] // 100, "numeric"
  elseif d == 3 then
    q = "Which slice is the largest? Answer with its label."
    ans = labels[order[1]]
  elseif d == 4 then
    q = "Which slice is the second largest? Answer with its label."
    ans = labels[order[2]]
  else
    q = "Which slice is the smallest? Answer with its label."
    ans = labels[order[n]]
  end
  local shown = {}
  for i = 1, n do shown[i] = labels[i] .. " " .. vals[i] .. "%" end
  return {
    question = q,
    answer = ans,
    answer_type = atype,
    image = c,
    explanation = "Slices: " .. table.concat(shown, ", ") .. ".",
    scene = { chart = "pie", labels = labels, values = vals, percent_labels = d <= 2, title = title },
    metadata = { slices = n, complexity = n + d / 10 },
  }
end

return {
  name = "pie_chart_reading",
  description = "Pie chart reading from an image: percentages from the legend, amounts from a total, and the largest or smallest slice judged by size.",
  tags = { "charts", "pie chart", "chart reading", "visual", "image", "percentages", "data visualization" },
  answer_type = "short",
  modalities = { "image", "text" },
  levels = {
    "3 slices, read a percentage from the legend",
    "4 slices, percentage of a total",
    "4 slices without percentages: largest",
    "5 slices: second largest",
    "6 slices close in size: smallest",
  },
  generate = generate,
  solver = [==[
-- Independent solver: the slices from the scene, the question parsed.
return function(view)
  local sc, q = view.scene, view.question
  if not sc or sc.chart ~= "pie" then error("no pie chart scene") end
  local val, total = {}, 0
  for i, l in ipairs(sc.labels) do val[l] = sc.values[i]; total = total + sc.values[i] end
  local function pct(l) return val[l] * 100 / total end
  local l = q:match("what percentage is (%a+)%?")
  if l then
    if not sc.percent_labels then error("the picture does not show percentages") end
    return pct(l)
  end
  local people, sl = q:match("describes (%d+) people in total%. How many of them are in the (%a+) slice%?")
  if people then
    if not sc.percent_labels then error("the picture does not show percentages") end
    return tonumber(people) * val[sl] // total
  end
  local sorted = {}
  for i = 1, #sc.labels do sorted[i] = sc.labels[i] end
  table.sort(sorted, function(a, b) return val[a] > val[b] end)
  local k
  if q:find("^Which slice is the largest%?") then k = 1
  elseif q:find("^Which slice is the second largest%?") then k = 2
  elseif q:find("^Which slice is the smallest%?") then k = #sorted end
  if not k then error("unrecognised question") end
  local ties = 0
  for _, x in ipairs(sorted) do if val[x] == val[sorted[k]] then ties = ties + 1 end end
  return sorted[k], ties
end
]==],
}
