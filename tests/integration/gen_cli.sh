#!/usr/bin/env bash
# `benchagent gen`: list, show, sample (deterministic per seed, images in
# the workspace store), check (passes a good file, fails hostile and
# degenerate files with a clear report, the process survives), search.
set -u
. "$(dirname "$0")/lib/common.sh"

scratch
ws=$tmp
cd "$ws"

n=$("$BA" gen list | wc -l)
check "gen list shows >= 24 generators" test "$n" -ge 24
"$BA" --json gen list | head -1 | grep -q '"answer_type"' ; check "gen list --json" test $? -eq 0
"$BA" gen show knights_knaves | grep -q "levels:" ; check "gen show prints levels" test $? -eq 0
"$BA" gen show no_such_gen 2>/dev/null ; check "gen show unknown exits 1" test $? -eq 1
"$BA" gen 2>/dev/null ; check "gen without subcommand exits 2" test $? -eq 2

a=$("$BA" --seed 7 gen sample linear_equations --difficulty 4 -n 3)
b=$("$BA" --seed 7 gen sample linear_equations --difficulty 4 -n 3)
c=$("$BA" --seed 8 gen sample linear_equations --difficulty 4 -n 3)
check "sample is deterministic per seed" test "$a" = "$b"
check "another seed, other items" test "$a" != "$c"
check "sample -n 3 prints 3 lines" test "$(echo "$a" | wc -l)" -eq 3
"$BA" gen sample linear_equations --difficulty 9 2>/dev/null ; check "difficulty 9 is a usage error" test $? -eq 2
img=$("$BA" --workspace "$ws" gen sample clock_reading -n 1 | sed -n 's/.*"path":"\([^"]*\)".*/\1/p')
test -n "$img" && head -c 4 "$ws/$img" | grep -q PNG ; check "visual sample stores a PNG" test $? -eq 0

cat > good.lua <<'LUA'
-- a small agent-style generator: add two numbers
return {
  name = "add_two", description = "Add two whole numbers.", tags = { "addition", "math" },
  answer_type = "numeric",
  levels = { "1 digit", "2 digits", "3 digits", "4 digits", "5 digits" },
  generate = function(rng, d)
    local hi = 10 ^ d // 1 - 1
    local a, b = rng:int(0, hi), rng:int(0, hi)
    return { question = "What is " .. a .. " + " .. b .. "?", answer = a + b,
             metadata = { complexity = d } }
  end,
  verify = util.verify,
  solver = [[
    return function(view)
      local a, b = view.question:match("^What is (%d+) %+ (%d+)%?$")
      return tonumber(a) + tonumber(b)
    end
  ]],
}
LUA
"$BA" gen check good.lua -n 100 > good.txt ; check "a good generator passes gen check" test $? -eq 0
grep -q "PASS" good.txt ; check "gen check prints PASS" test $? -eq 0

# the same generator without a solver fails the gate; with a solver that
# cannot work the answer out, too
sed '/solver = \[\[/,/\]\],/d' good.lua > nosolver.lua
"$BA" gen check nosolver.lua -n 50 > nosolver.txt ; check "a generator without a solver fails gen check" test $? -eq 1
grep -q "FAIL.*solver_agrees" nosolver.txt ; check "report names the solver rule" test $? -eq 0
grep -q "has no solver" nosolver.txt ; check "report says the solver is missing" test $? -eq 0

cat > const.lua <<'LUA'
return { name = "always_same", description = "x", answer_type = "numeric",
  levels = { "a", "b", "c", "d", "e" },
  generate = function(rng, d) return { question = "What is 1 + 1?", answer = 2 } end }
LUA
"$BA" gen check const.lua -n 50 > const.txt ; check "a degenerate generator fails" test $? -eq 1
grep -q "FAIL.*distinct" const.txt ; check "report names the distinct rule" test $? -eq 0
grep -q "FAIL.*answers_spread" const.txt ; check "report names the answer spread rule" test $? -eq 0

cat > liar.lua <<'LUA'
return { name = "liar", description = "x", answer_type = "numeric",
  levels = { "a", "b", "c", "d", "e" },
  generate = function(rng, d) local a = rng:int(1, 1000000) return { question = "q" .. a, answer = a } end,
  verify = function(item, response) return 1 end }
LUA
"$BA" gen check liar.lua -n 50 > liar.txt ; check "a verify that accepts anything fails" test $? -eq 1
grep -q "FAIL.*wrong_rejected" liar.txt ; check "report names the wrong-answer rule" test $? -eq 0

cat > spin.lua <<'LUA'
return { name = "spin", description = "x", answer_type = "short", levels = { "a", "b", "c", "d", "e" },
  generate = function(rng, d) while true do end end }
LUA
"$BA" gen check spin.lua -n 10 > spin.txt ; check "an infinite loop fails gen check" test $? -eq 1
grep -q "instruction budget" spin.txt ; check "the report names the instruction limit" test $? -eq 0

cat > evil.lua <<'LUA'
return { name = "evil", description = "x", answer_type = "short", levels = { "a", "b", "c", "d", "e" },
  generate = function(rng, d) os.execute("touch pwned") return { question = "q", answer = "a" } end }
LUA
"$BA" gen check evil.lua -n 10 > evil.txt ; check "os access fails gen check" test $? -eq 1
test ! -e pwned ; check "os.execute never ran" test $? -eq 0

cat > pairs.lua <<'LUA'
return { name = "pairs_order", description = "x", answer_type = "short", levels = { "1", "2", "3", "4", "5" },
  generate = function(rng, d)
    local t = { apple = 1, pear = 2, plum = 3, kiwi = 4, lime = 5, fig = 6 }
    local order = {}
    for k in pairs(t) do order[#order + 1] = k end
    local a = rng:int(1, 100000)
    return { question = "q" .. a .. table.concat(order, ","), answer = "a" .. a }
  end }
LUA
"$BA" gen check pairs.lua -n 40 > pairs.txt ; check "pairs()-order dependence fails gen check" test $? -eq 1
grep -q "FAIL.*deterministic" pairs.txt ; check "report names the determinism rule" test $? -eq 0

printf '\033Lua\124\000' > bin.lua
"$BA" gen check bin.lua 2> bin.txt ; check "a binary chunk is refused" test $? -eq 1
grep -q "binary" bin.txt ; check "the error says binary" test $? -eq 0

"$BA" gen search "bar chart reading" | head -1 | grep -q chart_reading ; check "gen search ranks chart_reading first" test $? -eq 0
finish
