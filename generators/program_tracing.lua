-- program_tracing.lua - trace a tiny Python-like program and give the
-- final value of a variable. Difficulty adds statements, loops, nested
-- loops and conditionals. The generator runs the program itself while
-- writing it, so the answer is exact.

local VARS = { "a", "b", "c", "x", "y", "n", "k", "total" }

local function generate(rng, d)
  local lines, env = {}, {}
  local names = rng:sample(VARS, d <= 2 and 2 or 3)
  for _, v in ipairs(names) do
    env[v] = rng:int(0, d <= 2 and 9 or 20)
    lines[#lines + 1] = string.format("%s = %d", v, env[v])
  end
  local function assign(indent)
    local t = rng:pick(names)
    local s = rng:pick(names)
    local k = rng:int(1, 9)
    local op = rng:int(1, d >= 3 and 4 or 3)
    local text
    if op == 1 then env[t] = env[t] + env[s]; text = string.format("%s = %s + %s", t, t, s)
    elseif op == 2 then env[t] = env[s] - k; text = string.format("%s = %s - %d", t, s, k)
    elseif op == 3 then env[t] = env[t] * 2 + k; text = string.format("%s = %s * 2 + %d", t, t, k)
    else env[t] = env[s] % (k + 1); text = string.format("%s = %s %% %d", t, s, k + 1) end
    -- keep the values readable
    if math.abs(env[t]) > 100000 then
      -- the whole right-hand side, bracketed: "x = (x * 2 + 5) % 1000"
      env[t] = env[t] % 1000
      local lhs, rhs = text:match("^(%w+ = )(.*)$")
      text = lhs .. "(" .. rhs .. ") % 1000"
    end
    return string.rep("    ", indent) .. text
  end
  local stmts = ({ 2, 3, 3, 4, 5 })[d]
  for _ = 1, stmts do lines[#lines + 1] = assign(0) end
  if d >= 3 then
    -- a loop: trace it by running the body each time
    local reps = rng:int(2, d == 3 and 3 or 5)
    local body_n = d >= 4 and 2 or 1
    local loopvar = "i"
    lines[#lines + 1] = string.format("for %s in range(%d):", loopvar, reps)
    local bodies = {}
    -- draw the body once, replaying it reps times on env
    local saved_pick = {}
    for b = 1, body_n do
      local t, s, k = rng:pick(names), rng:pick(names), rng:int(1, 5)
      local use_i = rng:bool()
      saved_pick[b] = { t, s, k, use_i }
      if use_i then
        lines[#lines + 1] = string.format("    %s = %s + %s", t, t, loopvar)
      else
        lines[#lines + 1] = string.format("    %s = %s + %d", t, s, k)
      end
    end
    if d == 5 then
      local ct = rng:pick(names)
      local lim = rng:int(5, 30)
      lines[#lines + 1] = string.format("    if %s > %d:", ct, lim)
      lines[#lines + 1] = string.format("        %s = %s - %d", ct, ct, lim)
      saved_pick.cond = { ct, lim }
    end
    for i = 0, reps - 1 do
      for b = 1, body_n do
        local t, s, k, use_i = saved_pick[b][1], saved_pick[b][2], saved_pick[b][3], saved_pick[b][4]
        if use_i then env[t] = env[t] + i else env[t] = env[s] + k end
      end
      if saved_pick.cond then
        local ct, lim = saved_pick.cond[1], saved_pick.cond[2]
        if env[ct] > lim then env[ct] = env[ct] - lim end
      end
    end
    local _ = bodies
  end
  local target = rng:pick(names)
  return {
    question = "What is the value of " .. target .. " after this Python program runs?\n\n" ..
      table.concat(lines, "\n") .. "\n\nAnswer with a number.",
    answer = env[target],
    explanation = "Tracing the program statement by statement gives " .. target .. " = " .. env[target] .. ".",
    metadata = { lines = #lines, complexity = #lines },
  }
end

return {
  name = "program_tracing",
  description = "Tiny program execution tracing: follow assignments, loops and conditionals in a short Python-like program and give a variable's final value.",
  tags = { "code", "programming", "program tracing", "execution", "python", "algorithms", "reasoning" },
  answer_type = "numeric",
  levels = {
    "2 variables, 2 assignments",
    "2 variables, 3 assignments",
    "3 variables, a loop",
    "a loop with two statements",
    "a loop with a conditional inside",
  },
  generate = generate,
  solver = [==[
-- Independent solver: an interpreter for the Python subset the programs
-- use (integer assignments with + - * %, for i in range(n), if v > n),
-- reading indentation as Python does.
local function eval(expr, env)
  local toks = {}
  local i = 1
  while i <= #expr do
    local c = expr:sub(i, i)
    if c == " " then i = i + 1
    elseif c:match("[%w_]") then
      local j = i
      while j <= #expr and expr:sub(j, j):match("[%w_]") do j = j + 1 end
      toks[#toks + 1] = expr:sub(i, j - 1); i = j
    else toks[#toks + 1] = c; i = i + 1 end
  end
  local pos = 1
  local sum
  local function atom()
    local tk = toks[pos]; pos = pos + 1
    if tk == "(" then local v = sum(); pos = pos + 1 return v end
    if tk == "-" then return -atom() end
    local n = math.tointeger(tonumber(tk))
    if n then return n end
    if env[tk] == nil then error("unknown variable " .. tostring(tk)) end
    return env[tk]
  end
  local function prod()
    local v = atom()
    while toks[pos] == "*" or toks[pos] == "%" do
      local o = toks[pos]; pos = pos + 1
      local r = atom()
      if o == "*" then v = v * r else v = v % r end
    end
    return v
  end
  sum = function()
    local v = prod()
    while toks[pos] == "+" or toks[pos] == "-" do
      local o = toks[pos]; pos = pos + 1
      local r = prod()
      if o == "+" then v = v + r else v = v - r end
    end
    return v
  end
  return sum()
end
local function run(lines, from, to, indent, env)
  local i = from
  while i <= to do
    local ln = lines[i]
    local body_end = i
    while body_end + 1 <= to and lines[body_end + 1].indent > indent do body_end = body_end + 1 end
    local var, n = ln.text:match("^for (%w+) in range%((%d+)%):$")
    local cv, lim = ln.text:match("^if (%w+) > (%-?%d+):$")
    if var then
      for k = 0, tonumber(n) - 1 do env[var] = k; run(lines, i + 1, body_end, indent + 4, env) end
    elseif cv then
      if env[cv] > tonumber(lim) then run(lines, i + 1, body_end, indent + 4, env) end
    else
      local v, e = ln.text:match("^(%w+) = (.+)$")
      if not v then error("cannot read: " .. ln.text) end
      env[v] = eval(e, env)
    end
    i = body_end + 1
  end
end
return function(view)
  local q = view.question
  local target = q:match("^What is the value of (%w+) after")
  local prog = q:match("\n\n(.-)\n\nAnswer")
  if not target or not prog then error("no program") end
  local lines = {}
  for l in (prog .. "\n"):gmatch("([^\n]*)\n") do
    local sp = l:match("^( *)")
    lines[#lines + 1] = { indent = #sp, text = l:sub(#sp + 1) }
  end
  local env = {}
  run(lines, 1, #lines, 0, env)
  return env[target]
end
]==],
}
