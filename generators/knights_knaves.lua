-- knights_knaves.lua - knights always tell the truth, knaves always lie.
-- Each islander makes one statement; exactly one assignment of roles fits.
-- The answer is the set of knights. Difficulty adds islanders and more
-- complex statements.

local people_for = { 2, 3, 4, 5, 6 }

local function count_knights(assign, who)
  local c = 0
  for _, i in ipairs(who) do if assign[i] then c = c + 1 end end
  return c
end

-- A statement: text + truth under an assignment. Returns a pair
-- {text=, eval=function(assign)}.
local function statement(rng, names, speaker, n, d)
  local others = {}
  for i = 1, n do if i ~= speaker then others[#others + 1] = i end end
  local kinds = { "is", "is", "same", "both" }
  if d >= 3 then kinds[#kinds + 1] = "either"; kinds[#kinds + 1] = "count" end
  if d >= 4 then kinds[#kinds + 1] = "ifthen" end
  local k = rng:pick(kinds)
  if (k == "either" or k == "ifthen") and #others < 2 then k = "is" end
  local function nm(i) return i == speaker and "I" or names[i] end
  local function pair()
    -- the speaker may talk about themself ("Ben and I are both knaves")
    local x = rng:int(1, n)
    local y
    repeat y = rng:int(1, n) until y ~= x
    if x == speaker then x, y = y, x end
    return x, y
  end
  if k == "is" then
    local x = rng:pick(others)
    local knight = rng:bool()
    return { text = names[x] .. " is a " .. (knight and "knight" or "knave"),
      eval = function(a) return a[x] == knight end }
  elseif k == "same" then
    local x, y = pair()
    local same = rng:bool()
    return { text = nm(x) .. " and " .. nm(y) .. (same and " are the same kind" or " are different kinds"),
      eval = function(a) return (a[x] == a[y]) == same end }
  elseif k == "both" then
    local x, y = pair()
    local knights = rng:bool()
    return { text = nm(x) .. " and " .. nm(y) .. " are both " .. (knights and "knights" or "knaves"),
      eval = function(a) return a[x] == knights and a[y] == knights end }
  elseif k == "either" then
    local pick = rng:sample(others, 2)
    local x, y = pick[1], pick[2]
    return { text = "at least one of " .. names[x] .. " and " .. names[y] .. " is a knave",
      eval = function(a) return not a[x] or not a[y] end }
  elseif k == "ifthen" then
    local pick = rng:sample(others, 2)
    local x, y = pick[1], pick[2]
    return { text = "if " .. names[x] .. " is a knight, then " .. names[y] .. " is a knave",
      eval = function(a) return (not a[x]) or (not a[y]) end }
  else
    local all = {}
    for i = 1, n do all[i] = i end
    local c = rng:int(1, n - 1)
    return { text = "exactly " .. c .. " of us " .. (c == 1 and "is a knight" or "are knights"),
      eval = function(a) return count_knights(a, all) == c end }
  end
end

local function generate(rng, d)
  local n = people_for[d]
  local names = rng:sample(util.names, n)
  table.sort(names)
  for attempt = 1, 200 do
    local truth = {}
    for i = 1, n do truth[i] = rng:bool() end
    local stmts = {}
    local ok = true
    for i = 1, n do
      -- draw until the statement's truth matches the speaker's nature
      local s
      for _ = 1, 30 do
        local c = statement(rng, names, i, n, d)
        if c.eval(truth) == truth[i] then s = c break end
      end
      if not s then ok = false break end
      stmts[i] = s
    end
    if ok then
      -- count consistent assignments
      local sols = 0
      for mask = 0, (1 << n) - 1 do
        local a = {}
        for i = 1, n do a[i] = (mask >> (i - 1)) & 1 == 1 end
        local fits = true
        for i = 1, n do
          if stmts[i].eval(a) ~= a[i] then fits = false break end
        end
        if fits then sols = sols + 1 end
        if sols > 1 then break end
      end
      if sols == 1 then
        local lines = {}
        local order = {}
        for i = 1, n do order[i] = i end
        rng:shuffle(order)
        for _, i in ipairs(order) do
          lines[#lines + 1] = string.format("%s says: \"%s.\"", names[i], stmts[i].text:sub(1, 1):upper() .. stmts[i].text:sub(2))
        end
        local knights = {}
        for i = 1, n do if truth[i] then knights[#knights + 1] = names[i] end end
        local ans = #knights == 0 and "none" or table.concat(knights, ", ")
        return {
          question = "On an island, knights always tell the truth and knaves always lie. You meet " ..
            util.join(names) .. ". " .. table.concat(lines, " ") ..
            " Which of them are knights? List their names separated by commas, or answer \"none\".",
          answer = ans,
          explanation = "The only consistent assignment makes " .. (ans == "none" and "nobody a knight" or
            (#knights == 1 and ans .. " a knight" or util.join(knights) .. " knights")) ..
            (#knights == n and "." or (#knights == 0 and "; everyone is a knave." or " and everyone else knaves.")),
          metadata = { people = n, complexity = n, attempts = attempt },
        }
      end
    end
  end
  error("could not build a puzzle with a unique solution")
end

return {
  name = "knights_knaves",
  description = "Knights-and-knaves logic puzzles: knights always tell the truth, knaves always lie; deduce who is a knight from their statements.",
  tags = { "logic", "logic puzzles", "puzzle", "deduction", "knights and knaves", "truth tellers", "reasoning" },
  answer_type = "short",
  levels = {
    "2 islanders, simple statements",
    "3 islanders, same/different and both",
    "4 islanders, counting statements",
    "5 islanders, conditionals",
    "6 islanders, all statement kinds",
  },
  generate = generate,
  scorer = "set",
  puzzle = true,
  solver = [==[
-- Independent solver: reads every statement, tries all 2^n assignments of
-- knight/knave and returns the knights of the consistent ones (counting
-- them proves the puzzle has one answer).
return function(view)
  local q = view.question
  local meet = q:match("You meet (.-)%. ")
  if not meet then error("no islanders") end
  local names, idx = {}, {}
  for nm in meet:gsub(" and ", ", "):gmatch("[^, ]+") do names[#names + 1] = nm; idx[nm] = #names end
  local n = #names
  local claims = {}
  for who, text in q:gmatch("(%a+) says: \"([^\"]-)%.\"") do
    local sp = idx[who]
    if not sp then error("unknown speaker " .. who) end
    local function id(x) if x == "I" then return sp end return idx[x] or error("unknown name " .. x) end
    local f, x, y, kind, c
    x, kind = text:match("^(%a+) is a (%a+)$")
    if x then local k = kind == "knight" f = function(a) return a[id(x)] == k end end
    if not f then
      x, y, kind = text:match("^(%a+) and (%a+) are (.+)$")
      if x and kind == "the same kind" then f = function(a) return a[id(x)] == a[id(y)] end
      elseif x and kind == "different kinds" then f = function(a) return a[id(x)] ~= a[id(y)] end
      elseif x and kind == "both knights" then f = function(a) return a[id(x)] and a[id(y)] end
      elseif x and kind == "both knaves" then f = function(a) return not a[id(x)] and not a[id(y)] end end
    end
    if not f then
      x, y = text:match("^At least one of (%a+) and (%a+) is a knave$")
      if x then f = function(a) return not a[id(x)] or not a[id(y)] end end
    end
    if not f then
      x, y = text:match("^If (%a+) is a knight, then (%a+) is a knave$")
      if x then f = function(a) return not a[id(x)] or not a[id(y)] end end
    end
    if not f then
      c = text:match("^Exactly (%d+) of us")
      if c then
        c = tonumber(c)
        f = function(a) local k = 0 for i = 1, n do if a[i] then k = k + 1 end end return k == c end
      end
    end
    if not f then error("cannot read the statement: " .. text) end
    claims[#claims + 1] = { sp, f }
  end
  if #claims ~= n then error("expected one statement per islander") end
  local found, count = nil, 0
  for mask = 0, (1 << n) - 1 do
    local a = {}
    for i = 1, n do a[i] = (mask >> (i - 1)) & 1 == 1 end
    local ok = true
    for _, cl in ipairs(claims) do if cl[2](a) ~= a[cl[1]] then ok = false break end end
    if ok then
      count = count + 1
      local ks = {}
      for i = 1, n do if a[i] then ks[#ks + 1] = names[i] end end
      found = #ks == 0 and "none" or table.concat(ks, ", ")
    end
  end
  if not found then error("no consistent assignment") end
  return found, count
end
]==],
}
