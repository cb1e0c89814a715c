-- grid_navigation.lua - follow moves on a grid drawn in the image: a token
-- starts on a marked cell and moves up/down/left/right; which cell does it
-- end on? At the top level the moves are relative turns.

local size_for = { 4, 5, 6, 7, 8 }
local moves_for = { 2, 3, 4, 6, 8 }
local LET = { "A", "B", "C", "D", "E", "F", "G", "H" }
local DIRS = { up = { 0, -1 }, down = { 0, 1 }, left = { -1, 0 }, right = { 1, 0 } }
local HEAD = { "up", "right", "down", "left" }

local function generate(rng, d)
  local n = size_for[d]
  local c = draw.canvas(400, 400)
  local cell = 320 / n
  local ox, oy = 50, 40
  for i = 0, n do
    c:line(ox, oy + i * cell, ox + n * cell, oy + i * cell, { color = "gray", width = 1 })
    c:line(ox + i * cell, oy, ox + i * cell, oy + n * cell, { color = "gray", width = 1 })
  end
  for i = 1, n do
    c:text(ox + (i - 0.5) * cell, oy + n * cell + 20, LET[i], { size = 14, align = "center" })
    c:text(ox - 14, oy + (i - 0.5) * cell + 5, tostring(i), { size = 14, align = "center" })
  end
  local x, y = rng:int(1, n), rng:int(1, n)
  c:circle(ox + (x - 0.5) * cell, oy + (y - 0.5) * cell, cell * 0.3, { fill = "green", stroke = "black", width = 1 })
  local start = LET[x] .. y
  local steps = {}
  local heading = 1
  local k = 0
  local tries = 0
  while k < moves_for[d] and tries < 500 do
    tries = tries + 1
    if d == 5 then
      local turn = rng:pick({ "left", "right", "none" })
      local h2 = heading
      if turn == "left" then h2 = (heading + 2) % 4 + 1 elseif turn == "right" then h2 = heading % 4 + 1 end
      local dist = rng:int(1, 3)
      local v = DIRS[HEAD[h2]]
      local nx, ny = x + v[1] * dist, y + v[2] * dist
      if nx >= 1 and nx <= n and ny >= 1 and ny <= n then
        heading, x, y = h2, nx, ny
        k = k + 1
        steps[k] = (turn == "none" and "" or ("turn " .. turn .. ", then ")) .. "move forward " .. dist
      end
    else
      local dname = rng:pick({ "up", "down", "left", "right" })
      local dist = rng:int(1, d <= 2 and 2 or 3)
      local v = DIRS[dname]
      local nx, ny = x + v[1] * dist, y + v[2] * dist
      if nx >= 1 and nx <= n and ny >= 1 and ny <= n then
        x, y = nx, ny
        k = k + 1
        steps[k] = dname .. " " .. dist
      end
    end
  end
  local q
  if d == 5 then
    q = "The green token starts facing up (towards row 1). Follow these moves: " .. table.concat(steps, "; ") ..
      ". Turns are relative to the direction the token faces. On which cell does it end? Answer like C4 (column letter, row number)."
  else
    q = "Columns are labelled A.. from the left and rows 1.. from the top. The green token moves: " ..
      table.concat(steps, ", ") .. ". On which cell does it end? Answer like C4 (column letter, row number)."
  end
  return {
    question = q,
    answer = LET[x] .. y,
    image = c,
    scene = { grid = n, token = start, labels = "columns A.. left to right, rows 1.. top to bottom" },
    explanation = "Start at " .. start .. "; after the moves the token is on " .. LET[x] .. y .. ".",
    metadata = { grid = n, moves = k, complexity = n + k },
  }
end

return {
  name = "grid_navigation",
  description = "Grid navigation on an image: follow up/down/left/right moves or relative turns from a marked start cell and name the final cell.",
  tags = { "grid", "navigation", "spatial reasoning", "visual", "image", "directions", "maps", "moves" },
  answer_type = "short",
  modalities = { "image", "text" },
  levels = {
    "4x4 grid, 2 moves",
    "5x5 grid, 3 moves",
    "6x6 grid, 4 moves",
    "7x7 grid, 6 moves",
    "8x8 grid, 8 relative moves with turns",
  },
  generate = generate,
  scorer = "cell",
  solver = [==[
-- Independent solver: the start cell from the scene, the moves from the
-- question, simulated on the grid.
local COLS = "ABCDEFGHIJ"
local VEC = { up = { 0, -1 }, right = { 1, 0 }, down = { 0, 1 }, left = { -1, 0 } }
local CLOCKWISE = { "up", "right", "down", "left" }
return function(view)
  local sc, q = view.scene, view.question
  if not sc or not sc.token then error("no grid scene") end
  local x = COLS:find(sc.token:sub(1, 1), 1, true)
  local y = tonumber(sc.token:sub(2))
  local function step(dir, n)
    x, y = x + VEC[dir][1] * n, y + VEC[dir][2] * n
    if x < 1 or y < 1 or x > sc.grid or y > sc.grid then error("the token leaves the grid") end
  end
  local rel = q:match("Follow these moves: (.-)%. Turns are relative")
  if rel then
    local h = 1
    for mv in (rel .. "; "):gmatch("(.-); ") do
      local turn = mv:match("^turn (%a+), then ")
      if turn == "left" then h = (h + 2) % 4 + 1 elseif turn == "right" then h = h % 4 + 1 end
      step(CLOCKWISE[h], tonumber(mv:match("move forward (%d+)$")))
    end
  else
    local list = q:match("The green token moves: (.-)%. On which cell")
    if not list then error("no moves") end
    for mv in (list .. ", "):gmatch("(.-), ") do
      local dir, n = mv:match("^(%a+) (%d+)$")
      if not VEC[dir] then error("bad move " .. mv) end
      step(dir, tonumber(n))
    end
  end
  return COLS:sub(x, x) .. y
end
]==],
}
