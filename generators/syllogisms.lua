-- syllogisms.lua - does a conclusion follow from categorical premises?
-- Terms are nonsense words, so world knowledge cannot help. Validity is
-- decided exactly over Venn regions (modern reading: "All A are B" says
-- nothing about whether A exists, so no conclusion "some ..." is drawn
-- from universal premises alone). Difficulty adds terms and premises.

local nonsense = { "blickets", "daxes", "wugs", "feps", "zorbs", "glims", "toves", "snarks",
  "plonks", "vexes", "quibs", "morks", "tulvers", "grebbles", "zindles", "frumps" }

-- statements: {kind, a, b}; kinds: all, no, some, somenot
local function text(s, names)
  local a, b = names[s[2]], names[s[3]]
  if s[1] == "all" then return "All " .. a .. " are " .. b end
  if s[1] == "no" then return "No " .. a .. " are " .. b end
  if s[1] == "some" then return "Some " .. a .. " are " .. b end
  return "Some " .. a .. " are not " .. b
end

-- regions are bitmasks over terms; a universal empties regions, a
-- particular needs one non-empty region among a set
local function regions_where(nterms, pred)
  local out = {}
  for r = 0, (1 << nterms) - 1 do if pred(r) then out[#out + 1] = r end end
  return out
end

local function in_term(r, t) return (r >> (t - 1)) & 1 == 1 end

local function constraint(s, nterms)
  local k, a, b = s[1], s[2], s[3]
  if k == "all" then
    return "empty", regions_where(nterms, function(r) return in_term(r, a) and not in_term(r, b) end)
  elseif k == "no" then
    return "empty", regions_where(nterms, function(r) return in_term(r, a) and in_term(r, b) end)
  elseif k == "some" then
    return "some", regions_where(nterms, function(r) return in_term(r, a) and in_term(r, b) end)
  else
    return "some", regions_where(nterms, function(r) return in_term(r, a) and not in_term(r, b) end)
  end
end

local negate = { all = "somenot", somenot = "all", no = "some", some = "no" }

local function satisfiable(stmts, nterms)
  local empty = {}
  local somes = {}
  for _, s in ipairs(stmts) do
    local kind, regs = constraint(s, nterms)
    if kind == "empty" then for _, r in ipairs(regs) do empty[r] = true end
    else somes[#somes + 1] = regs end
  end
  for _, regs in ipairs(somes) do
    local any = false
    for _, r in ipairs(regs) do if not empty[r] then any = true break end end
    if not any then return false end
  end
  return true
end

local function follows(premises, concl, nterms)
  local all = {}
  for i, p in ipairs(premises) do all[i] = p end
  all[#all + 1] = { negate[concl[1]], concl[2], concl[3] }
  return not satisfiable(all, nterms)
end

local terms_for = { 3, 3, 4, 5, 6 }
local kinds_for = {
  { "all", "no" }, { "all", "no", "some" }, { "all", "no", "some", "somenot" },
  { "all", "no", "some", "somenot" }, { "all", "no", "some", "somenot" },
}

local function generate(rng, d)
  local nterms = terms_for[d]
  local names = rng:sample(nonsense, nterms)
  local want_valid = rng:bool()
  for _ = 1, 800 do
    -- a chain of premises linking term 1 .. term n, in random order/direction
    local order = {}
    for i = 1, nterms do order[i] = i end
    rng:shuffle(order)
    local premises = {}
    for i = 1, nterms - 1 do
      local k = (want_valid and rng:bool(0.6)) and "all" or rng:pick(kinds_for[d])
      local a, b = order[i], order[i + 1]
      if rng:bool() and (k == "no" or k == "some") then a, b = b, a end
      premises[#premises + 1] = { k, a, b }
    end
    local ck = rng:pick(kinds_for[d])
    local ca, cb = order[1], order[nterms]
    if rng:bool() then ca, cb = cb, ca end
    local concl = { ck, ca, cb }
    local universal_only = true
    for _, p in ipairs(premises) do if p[1] == "some" or p[1] == "somenot" then universal_only = false end end
    local particular = ck == "some" or ck == "somenot"
    if satisfiable(premises, nterms) and not (universal_only and particular) then
      local v = follows(premises, concl, nterms)
      if v == want_valid then
        rng:shuffle(premises)
        local ptxt = {}
        for i, p in ipairs(premises) do ptxt[i] = text(p, names) .. "." end
        return {
          question = "Premises: " .. table.concat(ptxt, " ") .. " Does it necessarily follow that \"" ..
            text(concl, names) .. "\"? Answer yes or no.",
          answer = v and "yes" or "no",
          explanation = v and "Every situation where the premises hold makes the conclusion true."
            or "There is a situation where all premises hold and the conclusion is false.",
          metadata = { terms = nterms, premises = #premises, complexity = #premises },
        }
      end
    end
  end
  error("could not build a syllogism")
end

return {
  name = "syllogisms",
  description = "Categorical syllogisms and chains of premises with nonsense terms: decide whether a conclusion logically follows (yes or no).",
  tags = { "logic", "syllogisms", "deduction", "logic puzzles", "reasoning", "validity", "formal logic" },
  answer_type = "binary",
  levels = {
    "two premises, all/no",
    "two premises with some",
    "three premises, all four forms",
    "four premises",
    "five premises",
  },
  generate = generate,
  puzzle = true,
  solver = [==[
-- Independent solver: reads the premises and the conclusion, and decides
-- validity by asking whether the premises plus the conclusion's negation
-- have a model over the Venn regions of the terms (modern reading: a
-- universal empties regions, a particular needs one region non-empty).
local function parse(sentence, id)
  local a, b = sentence:match("^Some (%a+) are not (%a+)$")
  if a then return { "somenot", id(a), id(b) } end
  a, b = sentence:match("^All (%a+) are (%a+)$")
  if a then return { "all", id(a), id(b) } end
  a, b = sentence:match("^No (%a+) are (%a+)$")
  if a then return { "no", id(a), id(b) } end
  a, b = sentence:match("^Some (%a+) are (%a+)$")
  if a then return { "some", id(a), id(b) } end
  error("cannot read: " .. sentence)
end
local negation = { all = "somenot", somenot = "all", no = "some", some = "no" }
local function has(r, t) return (r >> (t - 1)) & 1 == 1 end
-- the regions a statement is about: for universals the ones it empties,
-- for particulars the ones of which one must be inhabited
local function regions(st, n)
  local k, a, b = st[1], st[2], st[3]
  local out = {}
  for r = 0, (1 << n) - 1 do
    local ina, inb = has(r, a), has(r, b)
    if ((k == "all" or k == "somenot") and ina and not inb) or ((k == "no" or k == "some") and ina and inb) then
      out[#out + 1] = r
    end
  end
  return out
end
local function satisfiable(stmts, n)
  local empty = {}
  for _, st in ipairs(stmts) do
    if st[1] == "all" or st[1] == "no" then for _, r in ipairs(regions(st, n)) do empty[r] = true end end
  end
  for _, st in ipairs(stmts) do
    if st[1] == "some" or st[1] == "somenot" then
      local ok = false
      for _, r in ipairs(regions(st, n)) do if not empty[r] then ok = true break end end
      if not ok then return false end
    end
  end
  return true
end
return function(view)
  local q = view.question
  local ptxt = q:match("^Premises: (.-) Does it necessarily follow")
  local ctxt = q:match("follow that \"(.-)\"%?")
  if not ptxt or not ctxt then error("unrecognised question") end
  local ids, n = {}, 0
  local function id(t) if not ids[t] then n = n + 1; ids[t] = n end return ids[t] end
  local stmts = {}
  for sentence in ptxt:gmatch("[^%.]+") do
    sentence = sentence:match("^%s*(.-)%s*$")
    if sentence ~= "" then stmts[#stmts + 1] = parse(sentence, id) end
  end
  local c = parse(ctxt, id)
  if not satisfiable(stmts, n) then error("the premises contradict each other") end
  stmts[#stmts + 1] = { negation[c[1]], c[2], c[3] }
  return satisfiable(stmts, n) and "no" or "yes", 1
end
]==],
}
