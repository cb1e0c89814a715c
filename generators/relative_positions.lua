-- relative_positions.lua - spatial relations between objects in an image:
-- leftmost, topmost, the object directly right of another, the object
-- closest to another. Positions are spread so each answer is clear.

local SHAPES = { "circle", "square", "triangle" }
local COLORS = { "red", "green", "blue", "yellow", "orange", "purple" }
local n_for = { 3, 4, 5, 6, 7 }

local function shape(c, kind, x, y, r, col)
  local opts = { fill = col, stroke = "black", width = 1 }
  if kind == "circle" then c:circle(x, y, r, opts)
  elseif kind == "square" then c:rect(x - r, y - r, 2 * r, 2 * r, opts)
  else c:polygon({ x, y - r, x + r, y + r * 0.8, x - r, y + r * 0.8 }, opts) end
end

local function dist(a, b) return math.sqrt((a.x - b.x) ^ 2 + (a.y - b.y) ^ 2) end

local function generate(rng, d)
  local n = n_for[d]
  local kinds = {}
  for _, s in ipairs(SHAPES) do for _, col in ipairs(COLORS) do kinds[#kinds + 1] = { s, col } end end
  for _ = 1, 200 do
    local objs = {}
    local picks = rng:sample(kinds, n)
    local ok = true
    -- distinct column and row slots keep every left/right and up/down
    -- relation clear; a little jitter hides the slot grid
    local xs = rng:sample({ 45, 100, 155, 210, 265, 320, 375, 430 }, n)
    local ys = rng:sample({ 40, 90, 140, 190, 240, 290, 340 }, n)
    for i = 1, n do
      objs[i] = { kind = picks[i][1], color = picks[i][2], x = xs[i] + rng:int(-5, 5), y = ys[i] + rng:int(-5, 5) }
    end
    if ok then
      local function name(o) return o.color .. " " .. o.kind end
      local q, ans
      local mode = rng:int(1, d <= 2 and 2 or 4)
      if mode == 1 then
        local best = objs[1]
        local left = rng:bool()
        for _, o in ipairs(objs) do if (left and o.x < best.x) or (not left and o.x > best.x) then best = o end end
        q = "Which object is the " .. (left and "leftmost" or "rightmost") .. " in the image?"
        ans = best
      elseif mode == 2 then
        local best = objs[1]
        local top = rng:bool()
        for _, o in ipairs(objs) do if (top and o.y < best.y) or (not top and o.y > best.y) then best = o end end
        q = "Which object is the " .. (top and "highest (closest to the top)" or "lowest (closest to the bottom)") .. " in the image?"
        ans = best
      elseif mode == 3 then
        -- nearest object to the right of a reference (by x order)
        local order = {}
        for i = 1, n do order[i] = objs[i] end
        table.sort(order, function(a, b) return a.x < b.x end)
        local i = rng:int(1, n - 1)
        q = "Going from left to right, which object comes right after the " .. name(order[i]) .. "?"
        ans = order[i + 1]
      else
        local ref = objs[rng:int(1, n)]
        local best, bd, second = nil, math.huge, math.huge
        for _, o in ipairs(objs) do
          if o ~= ref then
            local dd = dist(o, ref)
            if dd < bd then best, second, bd = o, bd, dd elseif dd < second then second = dd end
          end
        end
        if second - bd < 40 then ok = false end
        q = "Which object is closest to the " .. name(ref) .. "?"
        ans = best
      end
      if ok then
        local c = draw.canvas(480, 380)
        for _, o in ipairs(objs) do shape(c, o.kind, o.x, o.y, 20, o.color) end
        local listing = {}
        for i, o in ipairs(objs) do listing[i] = string.format("%s at (%d, %d)", name(o), o.x, o.y) end
        return {
          question = q .. " Answer with its colour and shape, like \"red circle\".",
          answer = name(ans),
          image = c,
          scene = { objects = objs, canvas = { 480, 380 }, radius = 20 },
          explanation = "Objects: " .. table.concat(listing, "; ") .. ".",
          metadata = { objects = n, complexity = n },
        }
      end
    end
  end
  error("could not place objects with clear relations")
end

return {
  name = "relative_positions",
  description = "Relative positions of objects in an image: leftmost, rightmost, highest, lowest, next object from left to right, closest object.",
  tags = { "spatial reasoning", "relative position", "visual", "image", "objects", "left right", "layout" },
  answer_type = "short",
  modalities = { "image", "text" },
  levels = {
    "3 objects: extremes",
    "4 objects: extremes",
    "5 objects: order and distance",
    "6 objects",
    "7 objects",
  },
  generate = generate,
  puzzle = true,
  solver = [==[
-- Independent solver: the objects' positions from the scene; the
-- relation from the question. It counts the objects that satisfy the
-- relation equally well, so a tie shows as more than one answer.
return function(view)
  local sc, q = view.scene, view.question
  if not sc or not sc.objects then error("no objects scene") end
  local objs = sc.objects
  local function name(o) return o.color .. " " .. o.kind end
  local function best_by(key)
    local best, ties = nil, 0
    for _, o in ipairs(objs) do
      local k = key(o)
      if not best or k < best.k then best, ties = { o = o, k = k }, 1 elseif k == best.k then ties = ties + 1 end
    end
    return name(best.o), ties
  end
  if q:find("is the leftmost") then return best_by(function(o) return o.x end) end
  if q:find("is the rightmost") then return best_by(function(o) return -o.x end) end
  if q:find("is the highest") then return best_by(function(o) return o.y end) end
  if q:find("is the lowest") then return best_by(function(o) return -o.y end) end
  local function find(nm)
    for _, o in ipairs(objs) do if name(o) == nm then return o end end
    error("no " .. nm .. " in the picture")
  end
  local ref = q:match("which object comes right after the (%a+ %a+)%?")
  if ref then
    local r = find(ref)
    return best_by(function(o) if o.x <= r.x then return math.huge end return o.x - r.x end)
  end
  ref = q:match("Which object is closest to the (%a+ %a+)%?")
  if ref then
    local r = find(ref)
    return best_by(function(o)
      if o == r then return math.huge end
      return (o.x - r.x) * (o.x - r.x) + (o.y - r.y) * (o.y - r.y)
    end)
  end
  error("unrecognised question")
end
]==],
}
