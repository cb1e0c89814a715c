-- chart_reading.lua - read a bar chart: the largest category, a bar's
-- value, differences and sums, and the second-largest of close values.
-- The image is drawn with exact values; answers come from those values.

local cats = { "Apples", "Pears", "Plums", "Grapes", "Mangos", "Lemons", "Cherries", "Kiwis",
  "Oslo", "Lima", "Cairo", "Perth", "Quito", "Seoul", "Turin", "Dakar",
  "Red", "Blue", "Green", "Amber", "Violet", "Teal", "Coral", "Olive" }
local units = { "sales", "visitors", "orders", "tickets", "votes", "downloads" }
local bars_for = { 3, 4, 5, 6, 8 }

local function generate(rng, d)
  local n = bars_for[d]
  local start = rng:int(0, 2) * 8
  local pool = {}
  for i = 1, 8 do pool[i] = cats[start + i] end
  local labels = rng:sample(pool, n)
  local step = rng:pick({ 10, 20, 50 })
  local ticks = 5
  local ymax = step * ticks
  -- values sit on gridlines or halfway between two: readable by eye
  local grain = step / 2
  local values, seen = {}, {}
  while #values < n do
    local v = rng:int(1, ymax // grain) * grain
    if not seen[v] then seen[v] = true; values[#values + 1] = math.floor(v) end
  end
  if d == 5 then
    -- make the top two close
    table.sort(values, function(a, b) return a > b end)
    values[2] = values[1] - grain
    if values[2] <= 0 then values[2] = values[1] + grain end
    rng:shuffle(values)
  end
  local unit = rng:pick(units)
  local c = draw.canvas(480, 360)
  c:bar_chart({ labels = labels, values = values, title = "Weekly " .. unit, xlabel = "category",
    ylabel = unit, ymax = ymax, ticks = ticks })
  local q, ans, atype, tol = nil, nil, "numeric", grain * 0.45
  local order = {}
  for i = 1, n do order[i] = i end
  table.sort(order, function(a, b) return values[a] > values[b] end)
  if d == 1 then
    q = "Which category has the highest bar in the chart? Answer with its label."
    ans, atype = labels[order[1]], "short"
  elseif d == 2 then
    local i = rng:int(1, n)
    q = "What is the value of the bar labelled " .. labels[i] .. "? Answer with a number."
    ans = values[i]
  elseif d == 3 then
    local pick = rng:sample(order, 2)
    local i, j = pick[1], pick[2]
    if values[i] < values[j] then i, j = j, i end
    q = string.format("How much larger is the %s bar than the %s bar? Answer with a number.", labels[i], labels[j])
    ans = values[i] - values[j]
  elseif d == 4 then
    local pick = rng:sample(order, 3)
    q = string.format("What is the total of %s, %s and %s? Answer with a number.", labels[pick[1]], labels[pick[2]], labels[pick[3]])
    ans = values[pick[1]] + values[pick[2]] + values[pick[3]]
  else
    q = "Which category has the second-highest bar? Answer with its label."
    ans, atype = labels[order[2]], "short"
  end
  local shown = {}
  for i = 1, n do shown[i] = labels[i] .. "=" .. values[i] end
  return {
    question = q,
    answer = ans,
    answer_type = atype,
    image = c,
    explanation = "Bar values: " .. table.concat(shown, ", ") .. ".",
    -- what the picture was drawn from (the solver reads it; the examinee sees the picture)
    scene = { chart = "bar", labels = labels, values = values, ymax = ymax, ticks = ticks, title = "Weekly " .. unit },
    tolerance = atype == "numeric" and tol or nil,
    metadata = { bars = n, complexity = n },
  }
end

return {
  name = "chart_reading",
  description = "Bar chart reading from an image: find the highest bar, read a bar's value from the axis, compute differences and sums, compare close bars.",
  tags = { "charts", "bar chart", "chart reading", "visual", "image", "data visualization", "plots", "figures" },
  answer_type = "numeric",
  modalities = { "image", "text" },
  levels = {
    "3 bars: which is highest",
    "4 bars: read one value (on a gridline or halfway)",
    "5 bars: difference of two bars",
    "6 bars: sum of three bars, each on a gridline or halfway",
    "8 bars: second highest of two close bars",
  },
  generate = generate,
  solver = [==[
-- Independent solver: reads the bars from the scene the picture was drawn
-- from and answers the question it parses.
return function(view)
  local sc, q = view.scene, view.question
  if not sc or sc.chart ~= "bar" then error("no bar chart scene") end
  local val = {}
  for i, l in ipairs(sc.labels) do val[l] = sc.values[i] end
  local order = {}
  for i = 1, #sc.labels do order[i] = sc.labels[i] end
  table.sort(order, function(a, b) return val[a] > val[b] end)
  if q:find("^Which category has the highest bar") then
    return order[1], (#order > 1 and val[order[1]] == val[order[2]]) and 2 or 1
  end
  if q:find("^Which category has the second%-highest bar") then
    local ties = (val[order[2]] == val[order[1]] or (order[3] and val[order[3]] == val[order[2]])) and 2 or 1
    return order[2], ties
  end
  local l = q:match("value of the bar labelled (%a+)%?")
  if l then return val[l] end
  local a, b = q:match("How much larger is the (%a+) bar than the (%a+) bar%?")
  if a then return val[a] - val[b] end
  local x, y, z = q:match("total of (%a+), (%a+) and (%a+)%?")
  if x then return val[x] + val[y] + val[z] end
  error("unrecognised question")
end
]==],
}
