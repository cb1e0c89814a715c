-- chemical_balancing.lua - balance chemical equations. Reactions come
-- from families (combustion of alkanes, alkenes and alcohols, metals with
-- oxygen and acids, neutralisations, classic reactions); the balanced
-- coefficients are computed exactly (rational nullspace), never looked up.
-- Difficulty follows the size of the balanced coefficients.

-- parse "Ca(OH)2" into {Ca=1, O=2, H=2}
local function parse(f)
  local pos = 1
  local function group()
    local counts = {}
    while pos <= #f do
      local c = f:sub(pos, pos)
      if c == "(" then
        pos = pos + 1
        local inner = group()
        local num = f:match("^%d+", pos)
        local k = 1
        if num then k = tonumber(num); pos = pos + #num end
        for e, n in pairs(inner) do counts[e] = (counts[e] or 0) + n * k end
      elseif c == ")" then
        pos = pos + 1
        return counts
      else
        local el = f:match("^%u%l?", pos)
        if not el then error("bad formula " .. f) end
        pos = pos + #el
        local num = f:match("^%d+", pos)
        local k = 1
        if num then k = tonumber(num); pos = pos + #num end
        counts[el] = (counts[el] or 0) + k
      end
    end
    return counts
  end
  return group()
end

local function gcd(a, b) a, b = math.abs(a), math.abs(b) while b ~= 0 do a, b = b, a % b end return a end

-- fractions as {num, den}
local function fnorm(n, d)
  if d < 0 then n, d = -n, -d end
  local g = gcd(n, d)
  if g == 0 then return { 0, 1 } end
  return { n // g, d // g }
end
local function fsub(a, b) return fnorm(a[1] * b[2] - b[1] * a[2], a[2] * b[2]) end
local function fmul(a, b) return fnorm(a[1] * b[1], a[2] * b[2]) end
local function fdiv(a, b) return fnorm(a[1] * b[2], a[2] * b[1]) end

-- smallest positive integer coefficients, or nil
local function balance(reactants, products)
  local species = {}
  for _, s in ipairs(reactants) do species[#species + 1] = { s, 1 } end
  for _, s in ipairs(products) do species[#species + 1] = { s, -1 } end
  local elements, eidx = {}, {}
  local comp = {}
  for j, sp in ipairs(species) do
    comp[j] = parse(sp[1])
    for e in pairs(comp[j]) do
      if not eidx[e] then elements[#elements + 1] = e; eidx[e] = #elements end
    end
  end
  table.sort(elements)
  for i, e in ipairs(elements) do eidx[e] = i end
  local m, n = #elements, #species
  local A = {}
  for i = 1, m do
    A[i] = {}
    for j = 1, n do A[i][j] = { (comp[j][elements[i]] or 0) * species[j][2], 1 } end
  end
  -- reduced row echelon form
  local row, pivots = 1, {}
  for col = 1, n do
    local p = nil
    for r = row, m do if A[r][col][1] ~= 0 then p = r break end end
    if p then
      A[row], A[p] = A[p], A[row]
      local pv = A[row][col]
      for j = 1, n do A[row][j] = fdiv(A[row][j], pv) end
      for r = 1, m do
        if r ~= row and A[r][col][1] ~= 0 then
          local f = A[r][col]
          for j = 1, n do A[r][j] = fsub(A[r][j], fmul(f, A[row][j])) end
        end
      end
      pivots[#pivots + 1] = col
      row = row + 1
      if row > m then break end
    end
  end
  if #pivots ~= n - 1 then return nil end -- need a one-dimensional nullspace
  local free
  local isp = {}
  for _, c in ipairs(pivots) do isp[c] = true end
  for j = 1, n do if not isp[j] then free = j end end
  local x = {}
  x[free] = { 1, 1 }
  for r, c in ipairs(pivots) do x[c] = fnorm(-A[r][free][1], A[r][free][2]) end
  local l = 1
  for j = 1, n do l = l * x[j][2] // gcd(l, x[j][2]) end
  local ints = {}
  local g = 0
  for j = 1, n do
    ints[j] = x[j][1] * (l // x[j][2])
    if ints[j] <= 0 then return nil end
    g = gcd(g, ints[j])
  end
  for j = 1, n do ints[j] = ints[j] // g end
  return ints
end

local metals = { { "Na", 1 }, { "K", 1 }, { "Li", 1 }, { "Mg", 2 }, { "Ca", 2 }, { "Zn", 2 },
  { "Al", 3 }, { "Fe", 3 }, { "Cu", 2 }, { "Ba", 2 }, { "Sr", 2 }, { "Ni", 2 }, { "Cr", 3 },
  { "Pb", 2 }, { "Sn", 2 }, { "Ag", 1 }, { "Mn", 2 }, { "Co", 2 }, { "Cs", 1 }, { "Rb", 1 } }
local acids = { { "HCl", "Cl", 1 }, { "HNO3", "NO3", 1 }, { "H2SO4", "SO4", 2 }, { "H3PO4", "PO4", 3 },
  { "HBr", "Br", 1 }, { "HI", "I", 1 }, { "HF", "F", 1 } }

local function salt(m, v, anion, av)
  local g = gcd(v, av)
  local nm, na = av // g, v // g
  local a = anion
  if #anion > 2 or anion:find("%d") then if na > 1 then a = "(" .. anion .. ")" end end
  return m .. (nm > 1 and nm or "") .. a .. (na > 1 and na or "")
end

local function oxide(m, v)
  local g = gcd(v, 2)
  local nm, no = 2 // g, v // g
  return m .. (nm > 1 and nm or "") .. "O" .. (no > 1 and no or "")
end

local function hydroxide(m, v)
  return m .. (v > 1 and ("(OH)" .. v) or "OH")
end

local classics = {
  { { "N2", "H2" }, { "NH3" } }, { { "H2", "O2" }, { "H2O" } }, { { "KClO3" }, { "KCl", "O2" } },
  { { "Fe2O3", "CO" }, { "Fe", "CO2" } }, { { "C6H12O6", "O2" }, { "CO2", "H2O" } },
  { { "NaHCO3" }, { "Na2CO3", "H2O", "CO2" } }, { { "P4", "O2" }, { "P4O10" } },
  { { "Fe", "O2" }, { "Fe3O4" } }, { { "NO2", "H2O" }, { "HNO3", "NO" } },
  { { "Al", "Fe2O3" }, { "Al2O3", "Fe" } }, { { "CaCO3" }, { "CaO", "CO2" } },
  { { "NH3", "O2" }, { "NO", "H2O" } }, { { "C2H2", "O2" }, { "CO2", "H2O" } },
  { { "SO2", "O2" }, { "SO3" } }, { { "Cu", "HNO3" }, { "Cu(NO3)2", "NO", "H2O" } },
  { { "FeS2", "O2" }, { "Fe2O3", "SO2" } }, { { "KMnO4", "HCl" }, { "KCl", "MnCl2", "H2O", "Cl2" } },
}

local function random_reaction(rng)
  local fam = rng:int(1, 11)
  if fam == 9 then
    local n = rng:int(2, 12)
    return { "C" .. n .. "H" .. (2 * n - 2), "O2" }, { "CO2", "H2O" }
  elseif fam == 10 then
    local m = rng:pick(metals)
    local a = rng:pick(acids)
    local carb = salt(m[1], m[2], "CO3", 2)
    return { carb, a[1] }, { salt(m[1], m[2], a[2], a[3]), "H2O", "CO2" }
  elseif fam == 11 then
    local m = rng:pick(metals)
    return { m[1], "H2O" }, { hydroxide(m[1], m[2]), "H2" }
  end
  if fam == 1 then
    local n = rng:int(1, 12)
    return { "C" .. (n > 1 and n or "") .. "H" .. (2 * n + 2), "O2" }, { "CO2", "H2O" }
  elseif fam == 2 then
    local n = rng:int(2, 12)
    return { "C" .. n .. "H" .. (2 * n), "O2" }, { "CO2", "H2O" }
  elseif fam == 3 then
    local n = rng:int(1, 10)
    return { "C" .. (n > 1 and n or "") .. "H" .. (2 * n + 1) .. "OH", "O2" }, { "CO2", "H2O" }
  elseif fam == 4 then
    local m = rng:pick(metals)
    return { m[1], "O2" }, { oxide(m[1], m[2]) }
  elseif fam == 5 then
    local m, a = rng:pick(metals), rng:pick(acids)
    if m[1] == "Cu" then m = metals[6] end
    return { m[1], a[1] }, { salt(m[1], m[2], a[2], a[3]), "H2" }
  elseif fam == 6 then
    local m, a = rng:pick(metals), rng:pick(acids)
    return { hydroxide(m[1], m[2]), a[1] }, { salt(m[1], m[2], a[2], a[3]), "H2O" }
  elseif fam == 7 then
    local m = rng:pick(metals)
    return { oxide(m[1], m[2]), "HCl" }, { salt(m[1], m[2], "Cl", 1), "H2O" }
  else
    local c = rng:pick(classics)
    return c[1], c[2]
  end
end

local bands = { { 1, 7 }, { 8, 10 }, { 11, 15 }, { 16, 26 }, { 27, 400 } }

local function generate(rng, d)
  -- collect distinct reactions in the band, then pick one uniformly, so
  -- families with many members in the band do not dominate
  local cands, seen = {}, {}
  for _ = 1, 300 do
    local r, p = random_reaction(rng)
    local key = table.concat(r, "+") .. ">" .. table.concat(p, "+")
    if not seen[key] then
      seen[key] = true
      local coef = balance(r, p)
      if coef then
        local sum = 0
        for _, c in ipairs(coef) do sum = sum + c end
        if sum >= bands[d][1] and sum <= bands[d][2] then
          cands[#cands + 1] = { r, p, coef, sum }
          if #cands >= 16 then break end
        end
      end
    end
  end
  if #cands == 0 then error("no reaction in the difficulty band") end
  do
    local pick = rng:pick(cands)
    local r, p, coef, sum = pick[1], pick[2], pick[3], pick[4]
    do
        local species = {}
        for _, s in ipairs(r) do species[#species + 1] = s end
        for _, s in ipairs(p) do species[#species + 1] = s end
        local eq = table.concat(r, " + ") .. " -> " .. table.concat(p, " + ")
        local balanced = {}
        for j, s in ipairs(species) do balanced[j] = (coef[j] > 1 and coef[j] or "") .. s end
        local btxt = table.concat(balanced, " + ", 1, #r) .. " -> " .. table.concat(balanced, " + ", #r + 1, #species)
        local q, ans
        local head = "Balance the chemical equation " .. eq .. " with the smallest whole-number coefficients. "
        local kind = rng:int(1, 14)
        if kind >= 6 then
          -- scaled amounts: k * coef(reactant) units react completely
          local i = rng:int(1, #r)
          local j = rng:int(#r + 1, #species)
          local m = rng:int(2, 30)
          local g = gcd(coef[i], coef[j])
          local units = coef[i] // g * m
          ans = coef[j] // g * m
          if rng:bool() then
            q = head .. string.format("If %d molecules of %s react completely (with enough of everything else), how many molecules of %s form?",
              units, species[i], species[j])
          else
            q = head .. string.format("How many molecules of %s are needed to form %d molecules of %s?",
              species[i], ans, species[j])
            ans = units
          end
        elseif kind == 1 then
          q = head .. "What is the sum of all the coefficients?"
          ans = sum
        elseif kind == 2 then
          ans = 0
          for j = 1, #r do ans = ans + coef[j] end
          q = head .. "What is the sum of the coefficients on the reactant (left) side?"
        elseif kind == 3 then
          -- atoms of one element on the reactant side
          local comp = {}
          local els = {}
          for j = 1, #r do
            for e, c in pairs(parse(species[j])) do
              if not comp[e] then els[#els + 1] = e end
              comp[e] = (comp[e] or 0) + c * coef[j]
            end
          end
          table.sort(els)
          local e = rng:pick(els)
          ans = comp[e]
          q = head .. "How many " .. e .. " atoms are on each side of the balanced equation?"
        else
          local j = rng:int(1, #species)
          q = head .. "What is the coefficient of " .. species[j] .. "?"
          ans = coef[j]
        end
        return {
          question = q .. " Answer with a whole number.",
          answer = ans,
          explanation = "Balanced: " .. btxt .. ".",
          metadata = { balanced = btxt, coefficient_sum = sum, complexity = sum },
        }
    end
  end
end

return {
  name = "chemical_balancing",
  description = "Chemical equation balancing: find the smallest whole-number coefficients for combustion, metal-acid, neutralisation, oxide and classic reactions.",
  tags = { "chemistry", "chemical equations", "balancing", "stoichiometry", "science", "reactions" },
  answer_type = "numeric",
  levels = {
    "coefficients summing to at most 7",
    "coefficient sum 8..10",
    "coefficient sum 11..15",
    "coefficient sum 16..26",
    "coefficient sum 27 or more",
  },
  generate = generate,
  puzzle = true,
  solver = [==[
-- Independent solver: parses the equation from the question, finds the
-- nullspace of the element matrix by Gauss-Jordan elimination over exact
-- fractions, and proves it is one-dimensional (one balanced equation).
local function gcd(a, b) a, b = math.abs(a), math.abs(b) while b ~= 0 do a, b = b, a % b end return a end
local function counts(f)
  local out, stack, i = {}, { {} }, 1
  while i <= #f do
    local c = f:sub(i, i)
    if c == "(" then stack[#stack + 1] = {}; i = i + 1
    elseif c == ")" then
      local n = f:match("^%d+", i + 1) or ""
      local inner = table.remove(stack)
      for e, k in pairs(inner) do
        local top = stack[#stack]
        top[e] = (top[e] or 0) + k * (tonumber(n) or 1)
      end
      i = i + 1 + #n
    else
      local e = f:match("^%u%l?", i)
      if not e then error("cannot read formula " .. f) end
      local n = f:match("^%d+", i + #e) or ""
      local top = stack[#stack]
      top[e] = (top[e] or 0) + (tonumber(n) or 1)
      i = i + #e + #n
    end
  end
  for e, k in pairs(stack[1]) do out[e] = k end
  return out
end
local function balance(eq)
  local lhs, rhs = eq:match("^(.-) %-> (.-)$")
  if not lhs then error("no arrow") end
  local sp, sign = {}, {}
  for f in (lhs .. " + "):gmatch("(%S+) %+ ") do sp[#sp + 1] = f; sign[#sp] = 1 end
  local nl = #sp
  for f in (rhs .. " + "):gmatch("(%S+) %+ ") do sp[#sp + 1] = f; sign[#sp] = -1 end
  local rows, elist = {}, {}
  for j, f in ipairs(sp) do
    for e, k in pairs(counts(f)) do
      if not rows[e] then rows[e] = {}; elist[#elist + 1] = e end
      rows[e][j] = k * sign[j]
    end
  end
  table.sort(elist)
  local n = #sp
  local M = {}
  for r, e in ipairs(elist) do
    M[r] = {}
    for j = 1, n do M[r][j] = { rows[e][j] or 0, 1 } end
  end
  local function norm(a) local g = gcd(a[1], a[2]) if g == 0 then return { 0, 1 } end
    if a[2] < 0 then g = -g end return { a[1] // g, a[2] // g } end
  local function sub(a, b) return norm({ a[1] * b[2] - b[1] * a[2], a[2] * b[2] }) end
  local function mul(a, b) return norm({ a[1] * b[1], a[2] * b[2] }) end
  local function div(a, b) return norm({ a[1] * b[2], a[2] * b[1] }) end
  local pivcol, r = {}, 1
  for c = 1, n do
    local p
    for i = r, #M do if M[i][c][1] ~= 0 then p = i break end end
    if p then
      M[r], M[p] = M[p], M[r]
      local pv = M[r][c]
      for j = 1, n do M[r][j] = div(M[r][j], pv) end
      for i = 1, #M do
        if i ~= r and M[i][c][1] ~= 0 then
          local f = M[i][c]
          for j = 1, n do M[i][j] = sub(M[i][j], mul(f, M[r][j])) end
        end
      end
      pivcol[c] = r
      r = r + 1
    end
  end
  local free = {}
  for c = 1, n do if not pivcol[c] then free[#free + 1] = c end end
  if #free ~= 1 then return nil, #free end
  local fc = free[1]
  local x = {}
  for c = 1, n do
    if c == fc then x[c] = { 1, 1 } else x[c] = norm({ -M[pivcol[c]][fc][1], M[pivcol[c]][fc][2] }) end
  end
  local l = 1
  for c = 1, n do l = l * x[c][2] // gcd(l, x[c][2]) end
  local coef, g = {}, 0
  for c = 1, n do coef[c] = x[c][1] * (l // x[c][2]); g = gcd(g, coef[c]) end
  for c = 1, n do coef[c] = coef[c] // g end
  if coef[1] < 0 then for c = 1, n do coef[c] = -coef[c] end end
  for c = 1, n do if coef[c] <= 0 then return nil, 0 end end
  return coef, 1, sp, nl
end
return function(view)
  local q = view.question
  local eq = q:match("^Balance the chemical equation (.-) with the smallest whole%-number coefficients%.")
  if not eq then error("no equation") end
  local coef, nsol, sp, nl = balance(eq)
  if not coef then return "no unique balance", nsol end
  local idx = {}
  for j, f in ipairs(sp) do idx[f] = j end
  local a, b, ans
  if q:find("sum of all the coefficients", 1, true) then
    ans = 0 for j = 1, #coef do ans = ans + coef[j] end
  elseif q:find("reactant (left) side", 1, true) then
    ans = 0 for j = 1, nl do ans = ans + coef[j] end
  elseif q:match("How many (%u%l?) atoms are on each side") then
    local e = q:match("How many (%u%l?) atoms are on each side")
    ans = 0
    for j = 1, nl do ans = ans + (counts(sp[j])[e] or 0) * coef[j] end
  elseif q:match("What is the coefficient of (%S+)%?") then
    ans = coef[idx[q:match("What is the coefficient of (%S+)%?")]]
  else
    local units, x = q:match("If (%d+) molecules of (%S+) react completely")
    local y = q:match("how many molecules of (%S+) form%?")
    if units and y then
      a, b = idx[x], idx[y]
      ans = tonumber(units) * coef[b] // coef[a]
      if tonumber(units) * coef[b] % coef[a] ~= 0 then error("not a whole number of molecules") end
    else
      x = q:match("How many molecules of (%S+) are needed")
      units, y = q:match("are needed to form (%d+) molecules of (%S+)%?")
      if not x or not y then error("unrecognised question") end
      a, b = idx[x], idx[y]
      ans = tonumber(units) * coef[a] // coef[b]
      if tonumber(units) * coef[a] % coef[b] ~= 0 then error("not a whole number of molecules") end
    end
  end
  if not ans then error("species not in the equation") end
  return ans, nsol
end
]==],
}
