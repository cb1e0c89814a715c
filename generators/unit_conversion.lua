-- unit_conversion.lua - convert quantities between units: metric steps,
-- chains of metric steps, compound units (speeds), imperial <-> metric with
-- exact factors, and area/volume units.

local metric = {
  { dim = "length", units = { { "km", 1000 }, { "m", 1 }, { "cm", 0.01 }, { "mm", 0.001 } } },
  { dim = "mass", units = { { "kg", 1000 }, { "g", 1 }, { "mg", 0.001 } } },
  { dim = "volume", units = { { "L", 1 }, { "mL", 0.001 } } },
  { dim = "time", units = { { "h", 3600 }, { "min", 60 }, { "s", 1 } } },
}
local imperial = {
  { "inches", "cm", 2.54, "inch" }, { "feet", "m", 0.3048, "foot" }, { "miles", "km", 1.609344, "mile" },
  { "pounds", "kg", 0.45359237, "pound" }, { "ounces", "g", 28.349523125, "ounce" },
  { "yards", "m", 0.9144, "yard" },
}

-- An exact decimal (no exponent, no float noise): the keys are products of
-- short decimals, so 10 decimals hold them exactly.
local function exact(x)
  if math.type(x) == "integer" then return tostring(x) end
  -- 12 significant digits drop the float noise (522700.0000000001)
  local s = string.format("%.10f", tonumber(string.format("%.12g", x)))
  s = s:gsub("0+$", ""):gsub("%.$", "")
  if s == "-0" then s = "0" end
  return s
end

local function generate(rng, d)
  local q, ans, expl
  local tol = nil -- exact unless the question states a rounding
  if d <= 2 then
    local fam = rng:pick(metric)
    local n = #fam.units
    local i, j
    repeat
      i, j = rng:int(1, n), rng:int(1, n)
    until i ~= j and (d == 2 or math.abs(i - j) == 1)
    local a, b = fam.units[i], fam.units[j]
    local v = rng:int(1, d == 1 and 99 or 999)
    if fam.dim == "time" and b[2] > a[2] then
      -- seconds to minutes or hours: a whole number of the larger unit's
      -- tenths, so the key is an exact decimal (32 s = 0.5333... min is not)
      local ratio = b[2] // a[2]
      v = (v % 30 + 1) * (ratio // 10 > 0 and ratio // 10 or 1) * (d == 2 and 1 or 10)
    elseif d == 2 then
      v = v + rng:int(1, 9) / 10
    end
    ans = v * a[2] / b[2]
    q = string.format("Convert %s %s to %s.", util.num(v), a[1], b[1])
    expl = string.format("1 %s = %s %s, so %s %s = %s %s.", a[1], exact(a[2] / b[2]), b[1], util.num(v), a[1], exact(ans), b[1])
  elseif d == 3 then
    local kind = rng:int(1, 3)
    if kind == 1 then
      local kmh = rng:int(1, 80) * 18
      local who = rng:pick({ "A car", "A train", "A bus", "A truck", "A motorbike", "A tram" })
      ans = kmh * 1000 / 3600
      q = string.format("%s travels at %d km/h. What is its speed in metres per second?", who, kmh)
      expl = string.format("%d * 1000 / 3600 = %s m/s.", kmh, util.num(ans))
    elseif kind == 2 then
      local ms = rng:int(1, 120)
      local who = rng:pick({ "A cyclist", "A runner", "A drone", "A boat", "A skier", "A horse" })
      ans = ms * 3.6
      q = string.format("%s moves at %d m/s. What is the speed in km/h?", who, ms)
      expl = string.format("%d * 3.6 = %s km/h.", ms, util.num(ans))
    else
      local kmh = rng:int(1, 150) * 3
      local who = rng:pick({ "A train", "A ship", "A car", "A coach", "A ferry", "A glider" })
      ans = kmh * 1000 / 60
      q = string.format("%s travels at %d km/h. How many metres does it cover per minute?", who, kmh)
      expl = string.format("%d * 1000 / 60 = %s m/min.", kmh, util.num(ans))
    end
  elseif d == 4 then
    local u = rng:pick(imperial)
    local v = rng:int(2, 500)
    if rng:bool() then
      ans = math.floor(v * u[3] * 100 + 0.5) / 100
      q = string.format("Convert %d %s to %s (1 %s = %s %s). Round to two decimal places.", v, u[1], u[2],
        u[4], util.num(u[3], 9), u[2])
      expl = string.format("%d * %s = %s.", v, util.num(u[3], 8), util.num(ans, 2))
    else
      ans = math.floor(v / u[3] * 100 + 0.5) / 100
      q = string.format("Convert %d %s to %s (1 %s = %s %s). Round to two decimal places.", v, u[2], u[1],
        u[4], util.num(u[3], 9), u[2])
      expl = string.format("%d / %s = %s.", v, util.num(u[3], 8), util.num(ans, 2))
    end
    tol = 0.005 -- "round to two decimal places": the unrounded value is accepted too
  else
    local kind = rng:int(1, 3)
    if kind == 1 then
      local v = rng:int(1, 90) / 10
      ans = v * 10000
      q = string.format("How many square centimetres are in %s square metres?", util.num(v))
      expl = string.format("1 m^2 = 10000 cm^2, so %s m^2 = %s cm^2.", util.num(v), util.num(ans))
    elseif kind == 2 then
      local v = rng:int(1, 500)
      ans = v / 1000
      q = string.format("A box has a volume of %d cubic centimetres. What is its volume in litres?", v)
      expl = string.format("1 L = 1000 cm^3, so %d cm^3 = %s L.", v, util.num(ans, 4))
    else
      local h, m, s = rng:int(1, 9), rng:int(0, 59), rng:int(0, 59)
      ans = h * 3600 + m * 60 + s
      q = string.format("How many seconds are in %d h %d min %d s?", h, m, s)
      expl = string.format("%d*3600 + %d*60 + %d = %d.", h, m, s, ans)
    end
  end
  return {
    question = q .. " Answer with the number only.",
    answer = exact(ans),
    tolerance = tol,
    explanation = expl,
    metadata = { complexity = d },
  }
end

return {
  name = "unit_conversion",
  description = "Unit conversion between metric units, speeds (km/h and m/s), imperial and metric units with exact factors, areas, volumes and durations.",
  tags = { "unit conversion", "units", "measurement", "metric", "imperial", "math", "physics" },
  answer_type = "numeric",
  levels = {
    "one metric step (m to cm)",
    "any metric step, decimals",
    "speed units km/h and m/s",
    "imperial and metric with a given factor, rounding",
    "areas, volumes and mixed durations",
  },
  generate = generate,
  solver = [==[
-- Independent solver: its own table of unit sizes (in base units) and the
-- factors the question states; exact arithmetic on the written numbers.
local size = { km = 1000, m = 1, cm = 1 / 100, mm = 1 / 1000, kg = 1000, g = 1, mg = 1 / 1000,
  L = 1, mL = 1 / 1000, h = 3600, min = 60, s = 1 }
local dim = { km = "l", m = "l", cm = "l", mm = "l", kg = "w", g = "w", mg = "w", L = "v", mL = "v",
  h = "t", min = "t", s = "t" }
return function(view)
  local q = view.question
  local v, u1, u2 = q:match("^Convert ([%d%.]+) (%a+) to (%a+) %(1 ")
  local one, f, fu = q:match("%(1 (%a+) = ([%d%.]+) (%a+)%)")
  if v and f then
    v, f = tonumber(v), tonumber(f)
    if u1 == fu then return v / f end
    return v * f
  end
  v, u1, u2 = q:match("^Convert ([%d%.]+) (%a+) to (%a+)%.")
  if v then
    if not size[u1] or not size[u2] or dim[u1] ~= dim[u2] then error("unknown units") end
    -- scale to integers first so the division is exact
    local n = tonumber(v)
    return n * size[u1] / size[u2]
  end
  v = q:match("travels at (%d+) km/h%. What is its speed in metres per second%?")
  if v then return tonumber(v) * 1000 / 3600 end
  v = q:match("moves at (%d+) m/s%. What is the speed in km/h%?")
  if v then return tonumber(v) * 3600 / 1000 end
  v = q:match("travels at (%d+) km/h%. How many metres does it cover per minute%?")
  if v then return tonumber(v) * 1000 / 60 end
  v = q:match("^How many square centimetres are in ([%d%.]+) square metres%?")
  if v then return tonumber(v) * 100 * 100 end
  v = q:match("volume of (%d+) cubic centimetres%. What is its volume in litres%?")
  if v then return tonumber(v) / 1000 end
  local h, m, s = q:match("^How many seconds are in (%d+) h (%d+) min (%d+) s%?")
  if h then return tonumber(h) * 3600 + tonumber(m) * 60 + tonumber(s) end
  error("unrecognised question")
end
]==],
}
