-- boolean_formulas.lua - evaluate a Boolean formula under a given
-- assignment of its variables. Difficulty adds variables, operators
-- (xor, implies) and nesting depth.

local vars_all = { "p", "q", "r", "s", "t", "u", "v", "w" }
local depth_for = { 1, 2, 3, 3, 4 }
local nvars_for = { 2, 3, 3, 4, 5 }

local function build(rng, depth, vars, d)
  if depth == 0 or (depth < 3 and rng:bool(0.25)) then
    local v = rng:pick(vars)
    if rng:bool(0.3) then return "not " .. v, function(a) return not a[v] end, 1 end
    return v, function(a) return a[v] end, 0
  end
  local ops = { "and", "or" }
  if d >= 3 then ops[#ops + 1] = "xor" end
  if d >= 4 then ops[#ops + 1] = "implies" end
  local op = rng:pick(ops)
  local lt, lf, lc = build(rng, depth - 1, vars, d)
  local rt, rf, rc = build(rng, depth - 1, vars, d)
  local txt = "(" .. lt .. " " .. op .. " " .. rt .. ")"
  local f
  if op == "and" then f = function(a) return lf(a) and rf(a) end
  elseif op == "or" then f = function(a) return lf(a) or rf(a) end
  elseif op == "xor" then f = function(a) return lf(a) ~= rf(a) end
  else f = function(a) return (not lf(a)) or rf(a) end end
  if rng:bool(d >= 3 and 0.3 or 0.1) then
    return "not " .. txt, function(a) return not f(a) end, lc + rc + 2
  end
  return txt, f, lc + rc + 1
end

local function generate(rng, d)
  local vars = rng:sample(vars_all, nvars_for[d])
  table.sort(vars)
  local txt, f, ops = build(rng, depth_for[d], vars, d)
  local a = {}
  local parts = {}
  for _, v in ipairs(vars) do
    a[v] = rng:bool()
    parts[#parts + 1] = v .. " = " .. (a[v] and "true" or "false")
  end
  local val = f(a)
  return {
    question = "Let " .. table.concat(parts, ", ") .. ". Is the formula " .. txt ..
      " true or false? (\"a implies b\" is false only when a is true and b is false; \"xor\" is true when exactly one side is true.) Answer true or false.",
    answer = val and "true" or "false",
    explanation = "Evaluating inside out gives " .. (val and "true" or "false") .. ".",
    metadata = { variables = #vars, operators = ops, complexity = ops + d },
  }
end

return {
  name = "boolean_formulas",
  description = "Evaluate Boolean logic formulas with and, or, not, xor and implies under a truth assignment of the variables.",
  tags = { "logic", "boolean logic", "propositional logic", "truth tables", "formulas", "reasoning" },
  answer_type = "binary",
  levels = {
    "2 variables, one operator",
    "3 variables, depth 2",
    "xor and negated groups, depth 3",
    "implies, 4 variables",
    "5 variables, depth 4",
  },
  generate = generate,
  solver = [==[
-- Independent solver: reads the assignment and parses the formula.
return function(view)
  local q = view.question
  local val = {}
  local assign = q:match("^Let (.-)%. Is the formula")
  if not assign then error("no assignment") end
  for v, b in assign:gmatch("(%a+) = (%a+)") do val[v] = (b == "true") end
  local f = q:match("Is the formula (.-) true or false%?")
  if not f then error("no formula") end
  local toks = {}
  for tk in f:gsub("%(", " ( "):gsub("%)", " ) "):gmatch("%S+") do toks[#toks + 1] = tk end
  local pos = 1
  local function term()
    local tk = toks[pos]; pos = pos + 1
    if tk == "not" then return not term() end
    if tk == "(" then
      local a = term()
      local op = toks[pos]; pos = pos + 1
      local b = term()
      if toks[pos] ~= ")" then error("unbalanced") end
      pos = pos + 1
      if op == "and" then return a and b elseif op == "or" then return a or b
      elseif op == "xor" then return a ~= b elseif op == "implies" then return (not a) or b end
      error("unknown operator " .. tostring(op))
    end
    if val[tk] == nil then error("unknown variable " .. tostring(tk)) end
    return val[tk]
  end
  local r = term()
  if pos <= #toks then error("trailing tokens") end
  return r and "true" or "false"
end
]==],
}
