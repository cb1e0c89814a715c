-- line_chart_reading.lua - read a line chart with one to three series
-- over months: a value, the peak month, a change, and which series leads.

local MONTHS = { "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" }
local SERIES = { "North", "South", "East", "West", "Online", "Retail" }

local function generate(rng, d)
  local npts = ({ 4, 5, 6, 7, 8 })[d]
  local nser = ({ 1, 1, 2, 2, 3 })[d]
  local first = rng:int(1, 12 - npts + 1)
  local labels = {}
  for i = 1, npts do labels[i] = MONTHS[first + i - 1] end
  local step = rng:pick({ 10, 20, 25, 50 })
  local ymax = step * 5
  -- points sit on gridlines (levels 1-2) or halfway between two, so the
  -- value the key needs can be read off the picture
  local grain = d <= 2 and step or step / 2
  local names = rng:sample(SERIES, nser)
  local series = {}
  for s = 1, nser do
    local vals, seen = {}, {}
    for i = 1, npts do
      local v
      repeat v = math.floor(rng:int(1, ymax // grain) * grain) until not seen[v] or npts > ymax // grain
      seen[v] = true
      vals[i] = v
    end
    series[s] = { name = names[s], values = vals }
  end
  local c = draw.canvas(520, 360)
  c:line_chart({ labels = labels, series = series, title = "Monthly figures", xlabel = "month",
    ylabel = "units", ymax = ymax, ticks = 5 })
  local q, ans, atype, tol = nil, nil, "numeric", grain * 0.45
  local s = series[rng:int(1, nser)]
  local which = nser > 1 and (" for " .. s.name) or ""
  local kind = ({ 1, 2, 3, 4, 4 })[d]
  if d == 5 and rng:bool() then kind = 3 end
  if kind == 1 then
    local i = rng:int(1, npts)
    q = string.format("What is the value in %s%s? Answer with a number.", labels[i], which)
    ans = s.values[i]
  elseif kind == 2 then
    local best = 1
    for i = 2, npts do if s.values[i] > s.values[best] then best = i end end
    q = "In which month is the value" .. which .. " highest? Answer with the month's label."
    ans, atype = labels[best], "short"
  elseif kind == 3 then
    local i, j
    repeat i, j = rng:int(1, npts), rng:int(1, npts) until i < j
    q = string.format("By how much does the value%s change from %s to %s? Give a negative number for a fall.", which, labels[i], labels[j])
    ans = s.values[j] - s.values[i]
  else
    local i
    local a, b
    for _ = 1, 50 do
      i = rng:int(1, npts)
      local pair = rng:sample(series, 2)
      a, b = pair[1], pair[2]
      if a.values[i] ~= b.values[i] then break end
    end
    q = string.format("In %s, which series is higher: %s or %s? Answer with the series name.", labels[i], a.name, b.name)
    ans, atype = (a.values[i] > b.values[i]) and a.name or b.name, "short"
  end
  local shown = {}
  for k, ser in ipairs(series) do
    local v = {}
    for i = 1, npts do v[i] = tostring(ser.values[i]) end
    shown[k] = ser.name .. ": " .. table.concat(v, ", ")
  end
  return {
    question = q,
    answer = ans,
    answer_type = atype,
    image = c,
    explanation = "Values by month (" .. table.concat(labels, ", ") .. "): " .. table.concat(shown, "; ") .. ".",
    scene = { chart = "line", labels = labels, series = series, ymax = ymax, ticks = 5 },
    tolerance = atype == "numeric" and tol or nil,
    metadata = { points = npts, series = nser, complexity = npts * nser },
  }
end

return {
  name = "line_chart_reading",
  description = "Line chart reading from an image: read a value for a month, find the peak month, compute a change, compare two series.",
  tags = { "charts", "line chart", "chart reading", "visual", "image", "trends", "time series", "plots" },
  answer_type = "numeric",
  modalities = { "image", "text" },
  levels = {
    "1 series, 4 months, values on gridlines",
    "1 series, 5 months: peak month",
    "2 series, 6 months, fifths of a gridline: a change",
    "2 series, 7 months: which series is higher",
    "3 series, 8 months",
  },
  generate = generate,
  solver = [==[
-- Independent solver: reads the plotted points from the scene and answers
-- the parsed question; ties are reported as more than one answer.
return function(view)
  local sc, q = view.scene, view.question
  if not sc or sc.chart ~= "line" then error("no line chart scene") end
  local col = {}
  for i, l in ipairs(sc.labels) do col[l] = i end
  local function series(name)
    if not name then
      if #sc.series ~= 1 then error("which series?") end
      return sc.series[1]
    end
    for _, s in ipairs(sc.series) do if s.name == name then return s end end
    error("no series " .. name)
  end
  local m, name = q:match("^What is the value in (%a+) for (.-)%?")
  if not m then m = q:match("^What is the value in (%a+)%?") end
  if m then return series(name).values[col[m]] end
  if q:find("^In which month is the value") then
    local s = series(q:match("value for (.-) highest"))
    local best, ties = 1, 1
    for i = 2, #s.values do
      if s.values[i] > s.values[best] then best, ties = i, 1 elseif s.values[i] == s.values[best] then ties = ties + 1 end
    end
    return sc.labels[best], ties
  end
  local rest = q:match("^By how much does the value(.-)%?")
  if rest then
    local nm, a, b = rest:match("^ for (.-) change from (%a+) to (%a+)$")
    if not nm then a, b = rest:match("^ change from (%a+) to (%a+)$") end
    local s = series(nm)
    return s.values[col[b]] - s.values[col[a]]
  end
  local mon, x, y = q:match("^In (%a+), which series is higher: (.-) or (.-)%?")
  if mon then
    local vx, vy = series(x).values[col[mon]], series(y).values[col[mon]]
    if vx == vy then return x, 2 end
    return vx > vy and x or y, 1
  end
  error("unrecognised question")
end
]==],
}
