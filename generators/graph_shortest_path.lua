-- graph_shortest_path.lua - shortest route length in a small weighted road
-- network given as a list of roads. Difficulty adds towns and roads.

local towns = { "Ashford", "Brook", "Carlow", "Dunmore", "Elton", "Fairview", "Glenn", "Harlow",
  "Ivydale", "Jasper", "Kendal", "Linden", "Marlow", "Norwood", "Oakley", "Pinehurst" }
local nodes_for = { 4, 5, 7, 9, 11 }
local extra_for = { 1, 2, 4, 6, 9 }

local function generate(rng, d)
  local n = nodes_for[d]
  local names = rng:sample(towns, n)
  local w = {}
  for i = 1, n do w[i] = {} end
  local edges = {}
  local function add(a, b, c)
    if a == b or w[a][b] then return false end
    w[a][b], w[b][a] = c, c
    edges[#edges + 1] = { a, b, c }
    return true
  end
  local maxw = d <= 2 and 9 or 30
  -- a random spanning tree keeps the network connected
  for i = 2, n do add(i, rng:int(1, i - 1), rng:int(1, maxw)) end
  local extra, tries = 0, 0
  while extra < extra_for[d] and tries < 200 do
    tries = tries + 1
    if add(rng:int(1, n), rng:int(1, n), rng:int(1, maxw)) then extra = extra + 1 end
  end
  -- Dijkstra from s (n is tiny: O(n^2))
  local s, t
  repeat s, t = rng:int(1, n), rng:int(1, n) until s ~= t and not w[s][t]
  local dist, done, prev = {}, {}, {}
  for i = 1, n do dist[i] = math.huge end
  dist[s] = 0
  for _ = 1, n do
    local u, best = nil, math.huge
    for i = 1, n do if not done[i] and dist[i] < best then u, best = i, dist[i] end end
    if not u then break end
    done[u] = true
    for v = 1, n do
      if w[u][v] and dist[u] + w[u][v] < dist[v] then dist[v] = dist[u] + w[u][v]; prev[v] = u end
    end
  end
  local path = {}
  local x = t
  while x do table.insert(path, 1, names[x]); x = prev[x] end
  rng:shuffle(edges)
  local lines = {}
  for i, e in ipairs(edges) do
    lines[i] = string.format("%s-%s: %d km", names[e[1]], names[e[2]], e[3])
  end
  return {
    question = "Roads (two-way) and their lengths: " .. table.concat(lines, "; ") ..
      ". What is the length in km of the shortest route from " .. names[s] .. " to " .. names[t] .. "? Answer with a number.",
    answer = dist[t],
    explanation = "Shortest route: " .. table.concat(path, " -> ") .. " = " .. dist[t] .. " km.",
    metadata = { nodes = n, edges = #edges, path = path, complexity = #edges },
  }
end

return {
  name = "graph_shortest_path",
  description = "Shortest path in a weighted graph: the length of the shortest route between two towns in a road network listed as edges.",
  tags = { "graphs", "shortest path", "algorithms", "dijkstra", "networks", "routes", "reasoning" },
  answer_type = "numeric",
  levels = {
    "4 towns, 4 roads",
    "5 towns, 6 roads",
    "7 towns, 10 roads, longer roads",
    "9 towns, 14 roads",
    "11 towns, 19 roads",
  },
  generate = generate,
  solver = [==[
-- Independent solver: reads the road list and runs Floyd-Warshall.
return function(view)
  local q = view.question
  local roads = q:match("^Roads %(two%-way%) and their lengths: (.-)%. What is the length")
  local s, t = q:match("shortest route from (%a+) to (%a+)%?")
  if not roads or not s then error("unrecognised question") end
  local id, names, d = {}, {}, {}
  local function node(x)
    if not id[x] then names[#names + 1] = x; id[x] = #names end
    return id[x]
  end
  local es = {}
  for piece in (roads .. "; "):gmatch("(.-); ") do
    local a, b, w = piece:match("^(%a+)%-(%a+): (%d+) km$")
    if not a then error("cannot read the road " .. piece) end
    es[#es + 1] = { node(a), node(b), tonumber(w) }
  end
  node(s); node(t)
  local n = #names
  for i = 1, n do d[i] = {} for j = 1, n do d[i][j] = i == j and 0 or math.huge end end
  for _, e in ipairs(es) do
    if e[3] < d[e[1]][e[2]] then d[e[1]][e[2]] = e[3]; d[e[2]][e[1]] = e[3] end
  end
  for k = 1, n do for i = 1, n do for j = 1, n do
    if d[i][k] + d[k][j] < d[i][j] then d[i][j] = d[i][k] + d[k][j] end
  end end end
  local r = d[id[s]][id[t]]
  if r == math.huge then error("no route") end
  return r
end
]==],
}
