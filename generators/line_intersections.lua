-- line_intersections.lua - count the points where line segments cross.
-- Configurations with crossings too close to an endpoint, to each other,
-- or nearly parallel overlaps are redrawn, so the count is unambiguous.

local n_for = { 2, 3, 4, 5, 7 }
local COLORS = { "red", "blue", "green", "orange", "purple", "brown", "black", "cyan" }

local function cross(p, q, r, s)
  -- segment p-q against r-s; returns x, y, t, u or nil
  local d = (q[1] - p[1]) * (s[2] - r[2]) - (q[2] - p[2]) * (s[1] - r[1])
  if math.abs(d) < 1e-9 then return nil, "parallel" end
  local t = ((r[1] - p[1]) * (s[2] - r[2]) - (r[2] - p[2]) * (s[1] - r[1])) / d
  local u = ((r[1] - p[1]) * (q[2] - p[2]) - (r[2] - p[2]) * (q[1] - p[1])) / d
  return p[1] + t * (q[1] - p[1]), p[2] + t * (q[2] - p[2]), t, u
end

local function len(p, q) return math.sqrt((p[1] - q[1]) ^ 2 + (p[2] - q[2]) ^ 2) end

local function generate(rng, d)
  local n = n_for[d]
  for _ = 1, 300 do
    local segs = {}
    for i = 1, n do
      local p = { rng:int(20, 380), rng:int(20, 380) }
      local q = { rng:int(20, 380), rng:int(20, 380) }
      if len(p, q) < 120 then q = { 400 - p[1], 400 - p[2] } end
      segs[i] = { p, q }
    end
    local pts, ok = {}, true
    for i = 1, n do
      for j = i + 1, n do
        local a, b = segs[i], segs[j]
        local x, y, t, u = cross(a[1], a[2], b[1], b[2])
        if not x then ok = false break end
        local la, lb = len(a[1], a[2]), len(b[1], b[2])
        -- margins in pixels from each endpoint, both for hits and near misses
        local ta, tb = 14 / la, 14 / lb
        local near_a = t > -ta and t < 1 + ta
        local near_b = u > -tb and u < 1 + tb
        local in_a = t > ta and t < 1 - ta
        local in_b = u > tb and u < 1 - tb
        if near_a and near_b and not (in_a and in_b) then ok = false break end
        -- nearly parallel lines are hard to judge
        local ang = math.abs(((a[2][1] - a[1][1]) * (b[2][2] - b[1][2]) - (a[2][2] - a[1][2]) * (b[2][1] - b[1][1])) / (la * lb))
        if near_a and near_b and ang < 0.25 then ok = false break end
        if in_a and in_b then pts[#pts + 1] = { x, y } end
      end
      if not ok then break end
    end
    if ok then
      for i = 1, #pts do
        for j = i + 1, #pts do
          if len(pts[i], pts[j]) < 14 then ok = false end
        end
      end
    end
    if ok then
      local c = draw.canvas(400, 400)
      local cols = rng:sample(COLORS, n)
      for i, sgm in ipairs(segs) do
        c:line(sgm[1][1], sgm[1][2], sgm[2][1], sgm[2][2], { color = cols[i], width = 3 })
      end
      return {
        question = string.format("The image shows %d straight line segments. At how many points do they cross each other? Answer with a number.", n),
        answer = #pts,
        image = c,
        scene = { segments = segs, colors = cols, crossing_margin_px = 14 },
        explanation = string.format("%d segments give %d crossing points.", n, #pts),
        metadata = { segments = n, complexity = n },
      }
    end
  end
  error("could not place segments with clear crossings")
end

return {
  name = "line_intersections",
  description = "Count line intersections in an image: how many points where straight line segments cross, with clear margins.",
  tags = { "geometry", "lines", "intersections", "visual", "image", "counting", "spatial reasoning" },
  answer_type = "numeric",
  modalities = { "image", "text" },
  levels = { "2 segments", "3 segments", "4 segments", "5 segments", "7 segments" },
  generate = generate,
  solver = [==[
-- Independent solver: counts the proper crossings of the drawn segments
-- with orientation tests (no parametric intersection).
local function orient(ax, ay, bx, by, cx, cy)
  local v = (bx - ax) * (cy - ay) - (by - ay) * (cx - ax)
  return v > 0 and 1 or (v < 0 and -1 or 0)
end
return function(view)
  local sc = view.scene
  if not sc or not sc.segments then error("no segments scene") end
  local n = tonumber(view.question:match("shows (%d+) straight line segments"))
  if n ~= #sc.segments then error("the question and the picture disagree on the number of segments") end
  local count = 0
  for i = 1, #sc.segments do
    for j = i + 1, #sc.segments do
      local a, b = sc.segments[i], sc.segments[j]
      local p1, p2, p3, p4 = a[1], a[2], b[1], b[2]
      local o1 = orient(p1[1], p1[2], p2[1], p2[2], p3[1], p3[2])
      local o2 = orient(p1[1], p1[2], p2[1], p2[2], p4[1], p4[2])
      local o3 = orient(p3[1], p3[2], p4[1], p4[2], p1[1], p1[2])
      local o4 = orient(p3[1], p3[2], p4[1], p4[2], p2[1], p2[2])
      if o1 * o2 < 0 and o3 * o4 < 0 then count = count + 1 end
    end
  end
  return count
end
]==],
}
