-- time_zones.lua - convert clock times between time zones given as UTC
-- offsets, with day changes, half- and quarter-hour offsets and flights.
-- Answers are 24-hour times HH:MM (plus the weekday at the top level).

local zones = {
  { "Los Angeles", -8 * 60 }, { "Denver", -7 * 60 }, { "Chicago", -6 * 60 }, { "New York", -5 * 60 },
  { "Sao Paulo", -3 * 60 }, { "London", 0 }, { "Paris", 60 }, { "Cairo", 120 }, { "Moscow", 180 },
  { "Dubai", 240 }, { "Karachi", 300 }, { "Bangkok", 420 }, { "Singapore", 480 }, { "Tokyo", 540 },
  { "Sydney", 600 }, { "Auckland", 720 }, { "Honolulu", -600 }, { "Reykjavik", 0 },
}
local odd = { { "Mumbai", 330 }, { "Kathmandu", 345 }, { "Adelaide", 570 }, { "Tehran", 210 },
  { "St. John's", -210 }, { "Yangon", 390 }, { "Chatham Islands", 765 } }
local WEEKDAYS = { "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday" }

local function off_text(m)
  local sign = m < 0 and "-" or "+"
  m = math.abs(m)
  if m % 60 == 0 then return string.format("UTC%s%d", sign, m // 60) end
  return string.format("UTC%s%d:%02d", sign, m // 60, m % 60)
end

local function hhmm(t)
  t = t % 1440
  return string.format("%02d:%02d", t // 60, t % 60)
end

local function generate(rng, d)
  local pool = {}
  for _, z in ipairs(zones) do pool[#pool + 1] = z end
  if d >= 3 then for _, z in ipairs(odd) do pool[#pool + 1] = z end end
  local a, b
  repeat a, b = rng:pick(pool), rng:pick(pool) until a[2] ~= b[2]
  if d >= 3 and not (a[2] % 60 ~= 0 or b[2] % 60 ~= 0) then b = rng:pick(odd) end
  if a[2] == b[2] then b = (a[1] == "London") and zones[1] or zones[6] end
  local t = rng:int(0, 23) * 60 + (d == 1 and 0 or rng:int(0, 11) * 5)
  local q, ans, expl
  local dayname = WEEKDAYS[rng:int(1, 7)]
  if d <= 3 then
    local t2 = t - a[2] + b[2]
    ans = hhmm(t2)
    q = string.format("It is %s in %s (%s). What time is it in %s (%s)?", hhmm(t), a[1], off_text(a[2]), b[1], off_text(b[2]))
    if d == 1 then
      -- keep level 1 inside the same day
      if t2 < 0 or t2 >= 1440 then
        t = 12 * 60
        t2 = t - a[2] + b[2]
        ans = hhmm(t2)
        q = string.format("It is %s in %s (%s). What time is it in %s (%s)?", hhmm(t), a[1], off_text(a[2]), b[1], off_text(b[2]))
      end
    end
    expl = string.format("Difference %s minutes: %s -> %s.", tostring(b[2] - a[2]), hhmm(t), ans)
    q = q .. " Answer as a 24-hour time HH:MM."
  else
    local dur = rng:int(1, 16) * 60 + rng:int(0, 11) * 5
    local arr = t + dur - a[2] + b[2]
    local shift = arr // 1440
    local di = 0
    for i, w in ipairs(WEEKDAYS) do if w == dayname then di = i end end
    local arrday = WEEKDAYS[(di - 1 + shift) % 7 + 1]
    if d == 4 then
      ans = hhmm(arr)
      q = string.format("A flight leaves %s (%s) at %s local time and takes %d h %02d min. What is the local time in %s (%s) when it lands? Answer as a 24-hour time HH:MM.",
        a[1], off_text(a[2]), hhmm(t), dur // 60, dur % 60, b[1], off_text(b[2]))
    else
      ans = arrday .. " " .. hhmm(arr)
      q = string.format("A flight leaves %s (%s) on %s at %s local time and takes %d h %02d min. On what weekday and at what local time does it land in %s (%s)? Answer like \"Monday 14:05\".",
        a[1], off_text(a[2]), dayname, hhmm(t), dur // 60, dur % 60, b[1], off_text(b[2]))
    end
    expl = string.format("Departure %s UTC%+d min, plus %d min flight, shifted to %s: %s.", hhmm(t), -a[2], dur, off_text(b[2]), ans)
  end
  return {
    question = q,
    answer = ans,
    explanation = expl,
    metadata = { complexity = d },
  }
end

return {
  name = "time_zones",
  description = "Time zone conversion with UTC offsets: clock times across zones, crossing midnight, half-hour and 45-minute offsets, flight arrival times and weekdays.",
  tags = { "time zones", "time", "clock", "UTC", "travel", "calendar", "date arithmetic" },
  answer_type = "short",
  levels = {
    "whole-hour offsets, same day",
    "any time, may cross midnight",
    "half-hour and 45-minute offsets",
    "flight arrival local time",
    "flight arrival weekday and time",
  },
  generate = generate,
  scorer = "time",
  solver = [==[
-- Independent solver: reads the clock times and UTC offsets written in
-- the question and converts through UTC.
local DAYS = { "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday" }
local function offset(s)
  local sign, h, m = s:match("^UTC([%+%-])(%d+):?(%d*)$")
  if not sign then error("bad offset " .. s) end
  local v = tonumber(h) * 60 + (tonumber(m) or 0)
  return sign == "-" and -v or v
end
local function clock(t) t = t % 1440 return string.format("%02d:%02d", t // 60, t % 60) end
return function(view)
  local q = view.question
  local offs = {}
  for o in q:gmatch("%((UTC[^%)]*)%)") do offs[#offs + 1] = offset(o) end
  if #offs ~= 2 then error("expected two UTC offsets") end
  local h, m = q:match("^It is (%d%d):(%d%d) in ")
  if not h then h, m = q:match(" at (%d%d):(%d%d) local time") end
  if not h then error("no clock time") end
  local t = tonumber(h) * 60 + tonumber(m)
  local dh, dm = q:match("takes (%d+) h (%d+) min")
  if not dh then return clock(t - offs[1] + offs[2]) end
  local arr = t + tonumber(dh) * 60 + tonumber(dm) - offs[1] + offs[2]
  local day = q:match(" on (%u%l+day) at ")
  if not day then return clock(arr) end
  local di
  for i, w in ipairs(DAYS) do if w == day then di = i end end
  return DAYS[(di - 1 + arr // 1440) % 7 + 1] .. " " .. clock(arr)
end
]==],
}
