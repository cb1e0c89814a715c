-- counting_shapes.lua - count shapes of a given kind and/or colour in an
-- image. Difficulty adds objects, colours and shape kinds, and makes the
-- shapes smaller.

local SHAPES = { "circle", "square", "triangle" }
local grid_for = { 3, 4, 5, 6, 7 }
local colors_for = { 2, 3, 3, 4, 5 }

local function shape(c, kind, x, y, r, col)
  local opts = { fill = col, stroke = "black", width = 1 }
  if kind == "circle" then
    c:circle(x, y, r, opts)
  elseif kind == "square" then
    c:rect(x - r, y - r, 2 * r, 2 * r, opts)
  else
    c:polygon({ x, y - r, x + r, y + r * 0.8, x - r, y + r * 0.8 }, opts)
  end
end

local function generate(rng, d)
  local g = grid_for[d]
  local size = 420
  local cell = size / g
  local palette = rng:sample({ "red", "green", "blue", "yellow", "orange", "purple" }, colors_for[d])
  local kinds = d == 1 and rng:sample(SHAPES, 2) or SHAPES
  local c = draw.canvas(size, size)
  local objs = {}
  local fill = 0.45 + 0.1 * d
  for row = 1, g do
    for col = 1, g do
      if rng:float() < fill then
        local r = cell * (0.22 + 0.1 * rng:float())
        local x = (col - 0.5) * cell + rng:float(-0.12, 0.12) * cell
        local y = (row - 0.5) * cell + rng:float(-0.12, 0.12) * cell
        local o = { kind = rng:pick(kinds), color = rng:pick(palette) }
        shape(c, o.kind, x, y, r, o.color)
        objs[#objs + 1] = o
      end
    end
  end
  local target_kind, target_color = nil, nil
  local mode = d == 1 and rng:int(1, 2) or rng:int(1, 3)
  if mode == 1 or mode == 3 then target_kind = rng:pick(kinds) end
  if mode == 2 or mode == 3 then target_color = rng:pick(palette) end
  local n = 0
  for _, o in ipairs(objs) do
    if (not target_kind or o.kind == target_kind) and (not target_color or o.color == target_color) then n = n + 1 end
  end
  local what
  if target_kind and target_color then what = target_color .. " " .. target_kind .. "s"
  elseif target_kind then what = target_kind .. "s (of any colour)"
  else what = target_color .. " shapes (of any kind)" end
  return {
    question = "How many " .. what .. " are in the image? Answer with a number.",
    answer = n,
    image = c,
    scene = { shapes = objs },
    explanation = string.format("The image has %d shapes; %d of them are %s.", #objs, n, what),
    metadata = { objects = #objs, complexity = #objs },
  }
end

return {
  name = "counting_shapes",
  description = "Count shapes in an image by kind and colour: circles, squares and triangles in several colours on a scattered grid.",
  tags = { "counting", "shapes", "visual", "image", "objects", "colors", "perception" },
  answer_type = "numeric",
  modalities = { "image", "text" },
  levels = {
    "about 5 shapes, 2 kinds, 2 colours",
    "about 10 shapes, 3 colours",
    "about 17 shapes",
    "about 27 shapes, 4 colours",
    "about 40 small shapes, 5 colours",
  },
  generate = generate,
  solver = [==[
-- Independent solver: counts the drawn shapes of the scene that match the
-- kind and colour the question names.
local kinds = { circles = "circle", squares = "square", triangles = "triangle" }
return function(view)
  local sc, q = view.scene, view.question
  if not sc or not sc.shapes then error("no shapes scene") end
  local what = q:match("^How many (.-) are in the image%?")
  if not what then error("unrecognised question") end
  local kind, color
  local w1 = what:match("^(%a+)")
  local w2 = what:match("^%a+ (%a+)")
  if kinds[w1] then
    kind = kinds[w1]                      -- "circles (of any colour)"
  elseif w2 == "shapes" then
    color = w1                            -- "red shapes (of any kind)"
  elseif kinds[w2] then
    color, kind = w1, kinds[w2]           -- "red circles"
  end
  if not kind and not color then error("cannot read what to count: " .. what) end
  local n = 0
  for _, o in ipairs(sc.shapes) do
    if (not kind or o.kind == kind) and (not color or o.color == color) then n = n + 1 end
  end
  return n
end
]==],
}
