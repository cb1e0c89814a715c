-- linear_equations.lua - solve one linear equation in x with an integer
-- solution. Difficulty moves from a*x + b = c to equations with x on both
-- sides, brackets and a division.

local function term(a, first)
  -- "3x", "-x", " + 4x"
  local s
  if a == 1 then s = "x" elseif a == -1 then s = "-x" else s = tostring(a) .. "x" end
  if first then return s end
  if a < 0 then return " - " .. (s:sub(2)) end
  return " + " .. s
end

local function const(b)
  if b < 0 then return " - " .. tostring(-b) end
  return " + " .. tostring(b)
end

local function nz(rng, lo, hi)
  local v = 0
  while v == 0 do v = rng:int(lo, hi) end
  return v
end

local function generate(rng, d)
  local x, eq, expl
  if d == 1 then
    x = rng:int(0, 12)
    local a, b = rng:int(2, 9), rng:int(1, 20)
    eq = string.format("%s%s = %d", term(a, true), const(b), a * x + b)
    expl = string.format("Subtract %d, then divide by %d.", b, a)
  elseif d == 2 then
    x = rng:int(-25, 25)
    local a, b = nz(rng, -15, 15), nz(rng, -40, 40)
    if a == 1 or a == -1 then a = a * 3 end
    eq = string.format("%s%s = %d", term(a, true), const(b), a * x + b)
    expl = string.format("Move %d to the right side, then divide by %d.", b, a)
  elseif d == 3 then
    x = rng:int(-30, 30)
    local a, c = nz(rng, -12, 12), nz(rng, -12, 12)
    if a == c then a = a + 1 end
    if a == 0 then a = 2 end
    local b = rng:int(-50, 50)
    local dd = a * x + b - c * x
    eq = string.format("%s%s = %s%s", term(a, true), const(b), term(c, true), const(dd))
    expl = string.format("Collect x terms: (%d - %d)x = %d - %d.", a, c, dd, b)
  elseif d == 4 then
    x = rng:int(-40, 40)
    local a, c = nz(rng, 2, 15), nz(rng, 2, 15)
    if a == c then a = a + 1 end
    local b, e = rng:int(-30, 30), rng:int(-60, 60)
    local dd = (a * (x + b) - e) // c
    -- make c*(x - dd2) + e equal a*(x + b): choose dd2 from the identity
    local rhs_const = a * (x + b) - c * x -- = -c*dd2 + e
    local dd2 = rng:int(-20, 20)
    e = rhs_const + c * dd2
    eq = string.format("%d(x%s) = %d(x%s)%s", a, const(b), c, const(-dd2), const(e))
    expl = string.format("Expand both sides: %dx%s = %dx%s, then collect terms.", a, const(a * b), c,
      const(-c * dd2 + e))
    local _ = dd
  else
    x = rng:int(-60, 60)
    local a, k, c = nz(rng, 2, 19), rng:int(2, 9), nz(rng, -9, 9)
    -- a/k + c = 0 would make every x a solution (an identity)
    if a + c * k == 0 then c = c + 1 end
    if c == 0 then c = 2 end
    local q = rng:int(-30, 30)
    local b = k * q - a * x           -- so (a*x + b) / k = q exactly
    local dd = q + c * x
    eq = string.format("(%s%s) / %d%s = %d", term(a, true), const(b), k, term(c, false), dd)
    expl = string.format("Multiply by %d: %dx%s%s = %d, then collect terms.", k, a, const(b),
      term(k * c, false), k * dd)
  end
  return {
    question = "Solve for x: " .. eq .. ". Give the value of x as a whole number.",
    answer = x,
    explanation = expl .. " x = " .. x .. ".",
    metadata = { equation = eq, complexity = d * 10 + math.abs(x) / 100 },
  }
end

return {
  name = "linear_equations",
  description = "Solve a linear equation in one unknown x with an integer solution, from a*x + b = c up to brackets, x on both sides and fractions.",
  tags = { "algebra", "math", "equations", "solve for x", "linear" },
  answer_type = "numeric",
  levels = {
    "a*x + b = c with small positive numbers",
    "negative coefficients and solutions",
    "x on both sides",
    "brackets on both sides",
    "a fraction plus x terms, larger numbers",
  },
  generate = generate,
  puzzle = true,
  solver = [==[
-- Independent solver: parses both sides into linear forms a*x + b over
-- exact fractions and solves; 0 or infinitely many solutions are reported
-- as such (the puzzle count), so an identity cannot pass.
local function gcd(a, b) a, b = math.abs(a), math.abs(b) while b ~= 0 do a, b = b, a % b end return a end
local function F(n, d)
  d = d or 1
  if d < 0 then n, d = -n, -d end
  local g = gcd(n, d)
  if g > 1 then n, d = n // g, d // g end
  return { n, d }
end
local function add(p, q) return F(p[1] * q[2] + q[1] * p[2], p[2] * q[2]) end
local function mul(p, q) return F(p[1] * q[1], p[2] * q[2]) end
local function neg(p) return { -p[1], p[2] } end
-- linear form {a, b}: a*x + b
local function ladd(u, v) return { add(u[1], v[1]), add(u[2], v[2]) } end
local function lscale(u, k) return { mul(u[1], k), mul(u[2], k) } end
local function parse(s)
  local toks, i = {}, 1
  while i <= #s do
    local c = s:sub(i, i)
    if c == " " then i = i + 1
    elseif c:match("%d") then
      local j = i
      while j <= #s and s:sub(j, j):match("%d") do j = j + 1 end
      toks[#toks + 1] = { num = tonumber(s:sub(i, j - 1)) }; i = j
    else toks[#toks + 1] = { op = c }; i = i + 1 end
  end
  local pos = 1
  local expr
  local function factor()
    local t = toks[pos]
    if not t then error("unexpected end") end
    pos = pos + 1
    if t.op == "-" then return lscale(factor(), F(-1)) end
    if t.op == "x" then return { F(1), F(0) } end
    if t.op == "(" then local v = expr() pos = pos + 1 return v end
    if t.num then
      local v = { F(0), F(t.num) }
      local nx = toks[pos]
      if nx and (nx.op == "x" or nx.op == "(") then return lscale(factor(), F(t.num)) end
      return v
    end
    error("unexpected " .. tostring(t.op))
  end
  local function term()
    local v = factor()
    while toks[pos] and (toks[pos].op == "/" or toks[pos].op == "*") do
      local o = toks[pos].op; pos = pos + 1
      local r = factor()
      if r[1][1] ~= 0 then error("non-linear") end
      v = lscale(v, o == "/" and F(r[2][2], r[2][1]) or r[2])
    end
    return v
  end
  expr = function()
    local v = term()
    while toks[pos] and (toks[pos].op == "+" or toks[pos].op == "-") do
      local o = toks[pos].op; pos = pos + 1
      local r = term()
      v = ladd(v, o == "+" and r or lscale(r, F(-1)))
    end
    return v
  end
  local v = expr()
  if pos <= #toks then error("trailing tokens") end
  return v
end
return function(view)
  local eq = view.question:match("^Solve for x: (.-)%. Give the value")
  if not eq then error("no equation") end
  local l, r = eq:match("^(.-) = (.-)$")
  local L, R = parse(l), parse(r)
  local a = add(L[1], neg(R[1]))
  local b = add(R[2], neg(L[2]))
  if a[1] == 0 then
    return "no unique solution", b[1] == 0 and 2 or 0
  end
  local x = F(b[1] * a[2], b[2] * a[1])
  if x[2] ~= 1 then return x[1] / x[2], 1 end
  return x[1], 1
end
]==],
}
