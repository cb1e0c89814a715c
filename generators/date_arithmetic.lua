-- date_arithmetic.lua - date and calendar arithmetic: adding and
-- subtracting days, days between two dates, weekdays, and the n-th weekday
-- of a month. Dates are written and answered as YYYY-MM-DD.

local MONTHS = { "January", "February", "March", "April", "May", "June", "July", "August",
  "September", "October", "November", "December" }
local WEEKDAYS = { "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday" }

-- days since 1970-01-01 (H. Hinnant's algorithm)
local function days_from_civil(y, m, d)
  if m <= 2 then y = y - 1 end
  local era = (y >= 0 and y or y - 399) // 400
  local yoe = y - era * 400
  local mp = (m + 9) % 12
  local doy = (153 * mp + 2) // 5 + d - 1
  local doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
  return era * 146097 + doe - 719468
end

local function civil_from_days(z)
  z = z + 719468
  local era = (z >= 0 and z or z - 146096) // 146097
  local doe = z - era * 146097
  local yoe = (doe - doe // 1460 + doe // 36524 - doe // 146096) // 365
  local y = yoe + era * 400
  local doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
  local mp = (5 * doy + 2) // 153
  local d = doy - (153 * mp + 2) // 5 + 1
  local m = mp < 10 and mp + 3 or mp - 9
  if m <= 2 then y = y + 1 end
  return y, m, d
end

local function weekday(z) return (z + 3) % 7 + 1 end -- 1970-01-01 was a Thursday

local function iso(z)
  local y, m, d = civil_from_days(z)
  return string.format("%04d-%02d-%02d", y, m, d)
end

local function words(z)
  local y, m, d = civil_from_days(z)
  return string.format("%s %d, %d", MONTHS[m], d, y)
end

local function random_day(rng)
  return days_from_civil(rng:int(1990, 2035), 1, 1) + rng:int(0, 364)
end

local function generate(rng, d)
  local q, ans, expl, atype = nil, nil, nil, "short"
  local z = random_day(rng)
  if d == 1 then
    local n = rng:int(1, 10)
    ans = iso(z + n)
    q = string.format("What date is %d %s after %s?", n, n == 1 and "day" or "days", words(z))
    expl = string.format("%s + %d days = %s.", iso(z), n, ans)
  elseif d == 2 then
    local n = rng:int(15, 75)
    local back = rng:bool()
    ans = iso(back and z - n or z + n)
    q = string.format("What date is %d days %s %s?", n, back and "before" or "after", words(z))
    expl = string.format("Counting across month ends gives %s.", ans)
  elseif d == 3 then
    local n = rng:int(20, 400)
    atype = "numeric"
    ans = tostring(n)
    q = string.format("How many days are there from %s to %s? (Count the days between them, not including the first day.)", words(z), words(z + n))
    expl = string.format("%s to %s is %d days.", iso(z), iso(z + n), n)
  elseif d == 4 then
    local n = rng:int(100, 1500)
    if rng:bool() then n = -n end
    atype = "short"
    ans = WEEKDAYS[weekday(z + n)]
    q = string.format("%s is a %s. What day of the week is %s?", words(z), WEEKDAYS[weekday(z)], words(z + n))
    expl = string.format("The dates are %d days apart; %d mod 7 = %d.", math.abs(n), math.abs(n), math.abs(n) % 7)
  else
    local y, m = rng:int(1995, 2040), rng:int(1, 12)
    local k = rng:int(1, 4)
    local wd = rng:int(1, 7)
    local first = days_from_civil(y, m, 1)
    local off = (wd - weekday(first)) % 7
    local target = first + off + 7 * (k - 1)
    ans = iso(target)
    local ord = ({ "first", "second", "third", "fourth" })[k]
    local anchor = random_day(rng)
    q = string.format("%s was a %s. What is the date of the %s %s of %s %d?", words(anchor),
      WEEKDAYS[weekday(anchor)], ord, WEEKDAYS[wd], MONTHS[m], y)
    expl = string.format("%s %d, %d falls on a %s; the %s %s is %s.", MONTHS[m], 1, y, WEEKDAYS[weekday(first)], ord, WEEKDAYS[wd], ans)
  end
  if atype == "short" and ans:match("^%d%d%d%d%-") then
    q = q .. " Answer in the form YYYY-MM-DD."
  elseif atype == "numeric" then
    q = q .. " Answer with a whole number."
  else
    q = q .. " Answer with the weekday's name."
  end
  return {
    question = q,
    answer = ans,
    answer_type = atype,
    scorer = ans:match("^%d%d%d%d%-") and "date" or (atype == "numeric" and "numeric" or "text"),
    explanation = expl,
    metadata = { complexity = d },
  }
end

return {
  name = "date_arithmetic",
  description = "Date and calendar arithmetic: adding or subtracting days, days between two dates, day of the week, the n-th weekday of a month, leap years.",
  tags = { "dates", "calendar", "date arithmetic", "weekday", "time", "leap year", "calculation" },
  answer_type = "short",
  levels = {
    "add up to 10 days",
    "add or subtract 15..75 days across months",
    "days between two dates up to 400 days apart",
    "weekday of a date up to 1500 days away",
    "the n-th weekday of a given month",
  },
  generate = generate,
  scorer = "date",
  solver = [==[
-- Independent solver: reads the dates written in words and counts days
-- with month lengths and the leap-year rule (no day-number formula).
local MONTHS = { January = 1, February = 2, March = 3, April = 4, May = 5, June = 6, July = 7,
  August = 8, September = 9, October = 10, November = 11, December = 12 }
local DAYS = { "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday" }
local WD = {}
for i, n in ipairs(DAYS) do WD[n] = i end
local function leap(y) return (y % 4 == 0 and y % 100 ~= 0) or y % 400 == 0 end
local function mlen(y, m)
  if m == 2 then return leap(y) and 29 or 28 end
  return ({ 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 })[m]
end
local function serial(y, m, d)  -- days since 1900-01-01
  local n = 0
  for yy = 1900, y - 1 do n = n + (leap(yy) and 366 or 365) end
  for mm = 1, m - 1 do n = n + mlen(y, mm) end
  return n + d - 1
end
local function from_serial(n)
  local y = 1900
  while n >= (leap(y) and 366 or 365) do n = n - (leap(y) and 366 or 365); y = y + 1 end
  local m = 1
  while n >= mlen(y, m) do n = n - mlen(y, m); m = m + 1 end
  return string.format("%04d-%02d-%02d", y, m, n + 1)
end
local function dates(q)
  local out = {}
  for mon, d, y in q:gmatch("(%u%l+) (%d+), (%d%d%d%d)") do
    if MONTHS[mon] then out[#out + 1] = serial(tonumber(y), MONTHS[mon], tonumber(d)) end
  end
  return out
end
return function(view)
  local q = view.question
  local ds = dates(q)
  local n, dir = q:match("^What date is (%d+) days? (%a+) ")
  if n then
    return from_serial(ds[1] + (dir == "before" and -1 or 1) * tonumber(n))
  end
  if q:find("^How many days are there from") then return ds[2] - ds[1] end
  local known = q:match("^%u%l+ %d+, %d+ is a (%u%l+)%. What day of the week is")
  if known then
    return DAYS[(WD[known] - 1 + (ds[2] - ds[1])) % 7 + 1]
  end
  local anchor = q:match("^%u%l+ %d+, %d+ was a (%u%l+)%.")
  local ord, wd, mon, y = q:match("What is the date of the (%a+) (%u%l+) of (%u%l+) (%d%d%d%d)%?")
  if anchor and ord then
    local k = ({ first = 1, second = 2, third = 3, fourth = 4 })[ord]
    local first = serial(tonumber(y), MONTHS[mon], 1)
    local fw = (WD[anchor] - 1 + (first - ds[1])) % 7 + 1
    return from_serial(first + (WD[wd] - fw) % 7 + 7 * (k - 1))
  end
  error("unrecognised question")
end
]==],
}
