-- fractions_percentages.lua - fractions and percentages: percent of a
-- number, fraction sums in lowest terms, percentage change, successive
-- discounts, and a fraction of a percentage of an amount.

local function frac(a, b)
  local g = util.gcd(a, b)
  a, b = a // g, b // g
  if b < 0 then a, b = -a, -b end
  if b == 1 then return tostring(a) end
  return a .. "/" .. b
end

local function generate(rng, d)
  local q, ans, expl, accept, tol
  if d == 1 then
    local p = rng:int(1, 9) * 10
    local n = rng:int(2, 40) * 10
    ans = p * n // 100
    q = string.format("What is %d%% of %d?", p, n)
    expl = string.format("%d/100 * %d = %d.", p, n, ans)
  elseif d == 2 then
    local b, dd = rng:int(2, 12), rng:int(2, 12)
    local a, c = rng:int(1, b - 1 > 0 and b - 1 or 1), rng:int(1, dd - 1 > 0 and dd - 1 or 1)
    local num, den = a * dd + c * b, b * dd
    ans = frac(num, den)
    q = string.format("Compute %d/%d + %d/%d. Give the result as a fraction in lowest terms (or a whole number).", a, b, c, dd)
    expl = string.format("Common denominator %d: %d/%d = %s.", den, num, den, ans)
  elseif d == 3 then
    local from = rng:int(4, 80) * 5
    local pct = rng:int(-19, 40) * 5
    if pct == 0 then pct = 15 end
    local to = from + from * pct // 100
    if (from * pct) % 100 ~= 0 then
      from = 20 * rng:int(2, 40)
      to = from + from * pct // 100
    end
    ans = (to - from) * 100 / from
    q = string.format("A price changes from %d to %d. By what percent did it change? Use a negative number for a decrease; answer with the number only.", from, to)
    expl = string.format("(%d - %d) / %d * 100 = %s%%.", to, from, from, util.num(ans))
  elseif d == 4 then
    local price = rng:int(20, 500) * 2
    local p1, p2 = rng:int(1, 8) * 5, rng:int(1, 6) * 5
    local final = price * (100 - p1) * (100 - p2) / 10000
    ans = util.num(math.floor(final * 100 + 0.5) / 100, 2)
    q = string.format("An item costs %d dollars. It is discounted by %d%%, and the discounted price is then reduced by another %d%%. What is the final price in dollars (to the cent)?", price, p1, p2)
    expl = string.format("%d * %.2f * %.2f = %s.", price, (100 - p1) / 100, (100 - p2) / 100, ans)
    tol = 0.005 -- "to the cent": the exact price is accepted too
  else
    local a = rng:int(1, 6)
    local b = rng:int(a + 1, 12)
    local p = rng:int(1, 19) * 5
    local n = b * 100 * rng:int(1, 30)
    local v = n * p / 100 * a / b
    ans = util.num(v, 4)
    q = string.format("A warehouse holds %d boxes. %d%% of them are shipped on Monday, and %d/%d of the shipped boxes go abroad. How many boxes go abroad?", n, p, a, b)
    expl = string.format("%d * %d/100 = %s shipped; * %d/%d = %s.", n, p, util.num(n * p / 100), a, b, ans)
  end
  return {
    question = q,
    answer = ans,
    explanation = expl,
    tolerance = tol,
    metadata = { complexity = d },
  }
end

return {
  name = "fractions_percentages",
  description = "Fractions and percentages: percent of a number, adding fractions in lowest terms, percentage change, successive discounts, fraction of a percentage.",
  tags = { "fractions", "percentages", "percent", "math", "arithmetic", "ratios", "discounts" },
  answer_type = "numeric",
  levels = {
    "a round percentage of a round number",
    "sum of two fractions in lowest terms",
    "percentage increase or decrease",
    "two successive discounts, money to the cent",
    "a fraction of a percentage of a large amount",
  },
  generate = generate,
  solver = [==[
-- Independent solver: exact fractions for every question kind.
local function gcd(a, b) a, b = math.abs(a), math.abs(b) while b ~= 0 do a, b = b, a % b end return a end
return function(view)
  local q = view.question
  local p, n = q:match("^What is (%d+)%% of (%d+)%?")
  if p then return tonumber(p) * tonumber(n) / 100 end
  local a, b, c, d = q:match("^Compute (%d+)/(%d+) %+ (%d+)/(%d+)%.")
  if a then
    a, b, c, d = tonumber(a), tonumber(b), tonumber(c), tonumber(d)
    local num, den = a * d + c * b, b * d
    local g = gcd(num, den)
    num, den = num // g, den // g
    if den == 1 then return tostring(num) end
    return num .. "/" .. den
  end
  local from, to = q:match("^A price changes from (%d+) to (%d+)%.")
  if from then return (tonumber(to) - tonumber(from)) * 100 / tonumber(from) end
  local price, p1, p2 = q:match("^An item costs (%d+) dollars%. It is discounted by (%d+)%%, and the discounted price is then reduced by another (%d+)%%")
  if price then return tonumber(price) * (100 - tonumber(p1)) * (100 - tonumber(p2)) / 10000 end
  local boxes, pct = q:match("^A warehouse holds (%d+) boxes%. (%d+)%% of them")
  local fa, fb = q:match("and (%d+)/(%d+) of the shipped boxes")
  if boxes and fa then
    return tonumber(boxes) * tonumber(pct) * tonumber(fa) / (100 * tonumber(fb))
  end
  error("unrecognised question")
end
]==],
}
