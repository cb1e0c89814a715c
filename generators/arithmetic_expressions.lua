-- arithmetic_expressions.lua - evaluate an arithmetic expression with the
-- usual order of operations. Difficulty adds operators, brackets,
-- negative numbers and powers.

local ops_for = { 2, 3, 4, 6, 8 }
local max_for = { 10, 20, 50, 100, 200 }

local prec = { ["+"] = 1, ["-"] = 1, ["*"] = 2, ["/"] = 2 }

-- build a random expression tree with n operators; returns text, value and
-- the precedence of its top operator (3 for a number or a bracket). The
-- text carries exactly the brackets the evaluated tree needs (plus some
-- redundant ones), so reading it with the usual rules gives the value.
local function build(rng, n, maxv, d)
  if n == 0 then
    local v = rng:int(1, maxv)
    if d >= 4 and rng:bool(0.2) then
      return "(" .. tostring(-v) .. ")", -v, 3
    end
    return tostring(v), v, 3
  end
  local left_n = rng:int(0, n - 1)
  local lt, lv, lp = build(rng, left_n, maxv, d)
  local rt, rv, rp = build(rng, n - 1 - left_n, maxv, d)
  local op = rng:pick(d >= 2 and { "+", "-", "*", "*", "/" } or { "+", "-", "*" })
  -- keep division exact: only by a divisor of the left value
  if op == "/" and not (rv ~= 0 and lv % rv == 0 and math.abs(rv) > 1) then op = "*" end
  if op == "*" and math.abs(lv * rv) > 100000 then op = "+" end
  local v
  if op == "+" then v = lv + rv elseif op == "-" then v = lv - rv
  elseif op == "*" then v = lv * rv else v = lv // rv end
  local p = prec[op]
  if lp < p then lt = "(" .. lt .. ")" end
  if rp < p or (rp == p and (op == "-" or op == "/")) then rt = "(" .. rt .. ")" end
  local txt = lt .. " " .. op .. " " .. rt
  if rng:bool(d >= 3 and 0.4 or 0.2) then
    txt = "(" .. txt .. ")"
    p = 3
  end
  return txt, v, p
end

local function generate(rng, d)
  local txt, v = build(rng, ops_for[d], max_for[d], d)
  if d == 5 then
    local b = rng:int(2, 9)
    txt = txt .. " + " .. b .. "^2"
    v = v + b * b
  end
  return {
    question = "Compute the value of " .. txt .. " using the usual order of operations (* and / before + and -). Answer with a whole number.",
    answer = v,
    explanation = txt .. " = " .. v,
    metadata = { operators = ops_for[d], complexity = ops_for[d] },
  }
end

return {
  name = "arithmetic_expressions",
  description = "Evaluate an arithmetic expression with the order of operations: addition, subtraction, multiplication, exact division, brackets and powers.",
  tags = { "arithmetic", "math", "order of operations", "calculation", "mental math", "multi-step" },
  answer_type = "numeric",
  levels = {
    "2 operators, numbers up to 10",
    "3 operators with division, numbers up to 20",
    "4 operators, more brackets, numbers up to 50",
    "6 operators, negative numbers, up to 100",
    "8 operators, negative numbers, a square, up to 200",
  },
  generate = generate,
  solver = [==[
-- Independent solver: reads the expression out of the question and
-- evaluates it with a recursive-descent parser over exact fractions.
local function gcd(a, b) a, b = math.abs(a), math.abs(b) while b ~= 0 do a, b = b, a % b end return a end
local function frac(n, d)
  if d == 0 then error("division by zero") end
  if d < 0 then n, d = -n, -d end
  local g = gcd(n, d)
  if g > 1 then n, d = n // g, d // g end
  return { n = n, d = d }
end
local ops = {
  ["+"] = function(a, b) return frac(a.n * b.d + b.n * a.d, a.d * b.d) end,
  ["-"] = function(a, b) return frac(a.n * b.d - b.n * a.d, a.d * b.d) end,
  ["*"] = function(a, b) return frac(a.n * b.n, a.d * b.d) end,
  ["/"] = function(a, b) return frac(a.n * b.d, a.d * b.n) end,
}
local function tokens(s)
  local t, i = {}, 1
  while i <= #s do
    local c = s:sub(i, i)
    if c:match("%s") then i = i + 1
    elseif c:match("%d") then
      local j = i
      while j <= #s and s:sub(j, j):match("%d") do j = j + 1 end
      t[#t + 1] = { num = tonumber(s:sub(i, j - 1)) }
      i = j
    elseif c:match("[%+%-%*/%^%(%)]") then t[#t + 1] = { op = c }; i = i + 1
    else error("unexpected character '" .. c .. "'") end
  end
  return t
end
return function(view)
  local expr = view.question:match("^Compute the value of (.-) using the usual order")
  if not expr then error("no expression in the question") end
  local t, pos = tokens(expr), 1
  local function peek() return t[pos] and t[pos].op end
  local sum
  local function atom()
    local tk = t[pos]
    if not tk then error("expression ends early") end
    pos = pos + 1
    if tk.num then return frac(tk.num, 1) end
    if tk.op == "-" then local v = atom() return frac(-v.n, v.d) end
    if tk.op == "(" then
      local v = sum()
      if peek() ~= ")" then error("unbalanced brackets") end
      pos = pos + 1
      return v
    end
    error("unexpected '" .. tk.op .. "'")
  end
  local function power()
    local b = atom()
    if peek() == "^" then
      pos = pos + 1
      local e = atom()
      if e.d ~= 1 or e.n < 0 then error("bad exponent") end
      local r = frac(1, 1)
      for _ = 1, e.n do r = ops["*"](r, b) end
      return r
    end
    return b
  end
  local function product()
    local v = power()
    while peek() == "*" or peek() == "/" do
      local o = peek(); pos = pos + 1
      v = ops[o](v, power())
    end
    return v
  end
  sum = function()
    local v = product()
    while peek() == "+" or peek() == "-" do
      local o = peek(); pos = pos + 1
      v = ops[o](v, product())
    end
    return v
  end
  local v = sum()
  if pos <= #t then error("trailing tokens") end
  if view.question:find("whole number", 1, true) and v.d ~= 1 then
    error("the value is not a whole number")
  end
  return v.d == 1 and v.n or v.n / v.d
end
]==],
}
