-- clock_reading.lua - read the time on an analog clock face. Difficulty
-- moves from whole hours to any minute, then removes the numbers and asks
-- for the time some minutes later.

local FACES = { "#ffffff", "#fff8e1", "#e8f4ff", "#eefbea", "#f6ecff", "#fdeceb" }

local function face(c, cx, cy, r, numbers, minute_ticks, fill)
  c:circle(cx, cy, r, { fill = fill, stroke = "black", width = 4 })
  for i = 0, 59 do
    local a = i / 60 * 2 * math.pi
    local big = i % 5 == 0
    if big or minute_ticks then
      local r1 = big and r * 0.86 or r * 0.92
      c:line(cx + r1 * math.sin(a), cy - r1 * math.cos(a), cx + r * 0.97 * math.sin(a), cy - r * 0.97 * math.cos(a),
        { color = "black", width = big and 3 or 1 })
    end
  end
  if numbers then
    for h = 1, 12 do
      local a = h / 12 * 2 * math.pi
      c:text(cx + r * 0.72 * math.sin(a), cy - r * 0.72 * math.cos(a) + 7, tostring(h), { size = 20, align = "center" })
    end
  end
end

local function hand(c, cx, cy, frac, len, width, col)
  local a = frac * 2 * math.pi
  c:line(cx, cy, cx + len * math.sin(a), cy - len * math.cos(a), { color = col, width = width })
end

local function fmt(h, m) return string.format("%d:%02d", h, m) end

local function generate(rng, d)
  local h = rng:int(1, 12)
  local m
  if d == 1 then m = rng:int(0, 3) * 15
  elseif d == 2 then m = rng:int(0, 11) * 5
  else m = rng:int(0, 59) end
  local c = draw.canvas(360, 360)
  local r = rng:pick({ 140, 150, 160 })
  local cx, cy = 180, 180
  face(c, cx, cy, r, d <= 3, d >= 2, rng:pick(FACES))
  local col = rng:pick({ "black", "#1a237e", "#4e342e" })
  hand(c, cx, cy, ((h % 12) + m / 60) / 12, r * 0.5, 8, col)
  hand(c, cx, cy, m / 60, r * 0.8, 4, col)
  c:circle(cx, cy, 6, { fill = "black" })
  local q, ans
  if d < 5 then
    q = "What time does the clock show? Answer in the form H:MM (12-hour clock, no am/pm)."
    ans = fmt(h, m)
  else
    local add = rng:int(5, 180)
    local t = (h % 12) * 60 + m + add
    local h2, m2 = (t // 60) % 12, t % 60
    if h2 == 0 then h2 = 12 end
    q = string.format("What time will the clock show %d minutes after the time it shows now? Answer in the form H:MM (12-hour clock, no am/pm).", add)
    ans = fmt(h2, m2)
  end
  return {
    question = q,
    answer = ans,
    image = c,
    -- what the dial was drawn from: the hands' hour and minute, and which
    -- marks the face has (minute ticks from level 2 make any minute readable)
    scene = { clock = "analog", hour = h, minute = m, numbers = d <= 3, minute_ticks = d >= 2 },
    explanation = "The clock shows " .. fmt(h, m) .. ".",
    metadata = { complexity = d },
  }
end

return {
  name = "clock_reading",
  description = "Read the time on an analog clock face in an image: hours, quarters, five-minute marks, any minute, and elapsed time.",
  tags = { "clock", "time", "analog clock", "visual", "image", "reading", "perception" },
  answer_type = "short",
  modalities = { "image", "text" },
  levels = {
    "quarter hours",
    "five-minute marks, minute ticks",
    "any minute",
    "any minute, no numbers on the face",
    "no numbers, the time some minutes later",
  },
  generate = generate,
  scorer = "clock12",
  solver = [==[
-- Independent solver: the hands' position from the scene, the question's
-- added minutes parsed from the text.
return function(view)
  local sc, q = view.scene, view.question
  if not sc or sc.clock ~= "analog" then error("no clock scene") end
  if sc.minute % 5 ~= 0 and not sc.minute_ticks then error("the minute cannot be read without ticks") end
  local t = (sc.hour % 12) * 60 + sc.minute
  local add = q:match("show (%d+) minutes after the time it shows now")
  if add then t = t + tonumber(add) end
  local h = (t // 60) % 12
  if h == 0 then h = 12 end
  return string.format("%d:%02d", h, t % 60)
end
]==],
}
