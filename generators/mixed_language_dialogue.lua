-- mixed_language_dialogue.lua - a spoken conversation in several
-- languages (English by flite, German, French, Spanish and Italian by
-- espeak-ng): friends plan a picnic, each in their own language, saying
-- how many apples they bring and when they are free, sometimes correcting
-- themselves in a later turn. The question (in English) needs every turn:
-- one speaker's number, a sum across languages, the day all are free, a
-- total after a correction.

local langs = {
  en = { voice = "rms", nums = { "one", "two", "three", "four", "five", "six", "seven", "eight", "nine" },
    days = { "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday" },
    bring = "I will bring %s apples to the picnic.", one = "I will bring one apple.", fix = "Actually, I will bring %s apples.",
    free = "I am free on %s and on %s.", hello = "Hello everyone, let us meet for a picnic." },
  de = { voice = "de", nums = { "ein", "zwei", "drei", "vier", "fünf", "sechs", "sieben", "acht", "neun" },
    days = { "Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag", "Sonntag" },
    bring = "Ich bringe %s Äpfel mit.", one = "Ich bringe einen Apfel mit.", fix = "Moment, ich bringe doch %s Äpfel mit.",
    free = "Ich habe am %s und am %s Zeit.", hello = "Hallo zusammen, planen wir das Picknick." },
  fr = { voice = "fr+f3", nums = { "une", "deux", "trois", "quatre", "cinq", "six", "sept", "huit", "neuf" },
    days = { "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche" },
    bring = "J'apporte %s pommes.", one = "J'apporte une pomme.", fix = "En fait, j'apporte %s pommes.",
    free = "Je suis libre %s et %s.", hello = "Bonjour à tous, organisons le pique-nique." },
  es = { voice = "es+m3", nums = { "una", "dos", "tres", "cuatro", "cinco", "seis", "siete", "ocho", "nueve" },
    days = { "lunes", "martes", "miércoles", "jueves", "viernes", "sábado", "domingo" },
    bring = "Yo traigo %s manzanas.", one = "Yo traigo una manzana.", fix = "En realidad, traigo %s manzanas.",
    free = "Estoy libre el %s y el %s.", hello = "Hola a todos, planeemos el picnic." },
  it = { voice = "it+f2", nums = { "una", "due", "tre", "quattro", "cinque", "sei", "sette", "otto", "nove" },
    days = { "lunedì", "martedì", "mercoledì", "giovedì", "venerdì", "sabato", "domenica" },
    bring = "Io porto %s mele.", one = "Io porto una mela.", fix = "Anzi, porto %s mele.",
    free = "Sono libero %s e %s.", hello = "Ciao a tutti, organizziamo il picnic." },
}
local foreign = { "de", "fr", "es", "it" }
local english_days = langs.en.days

local levels = {
  { speakers = 2, english = true, ask = "one" },
  { speakers = 2, ask = "sum" },
  { speakers = 3, english = true, ask = "day" },
  { speakers = 3, ask = "fix" },
  { speakers = 4, ask = "fix", noise = { kind = "pink", intensity = "low" } },
}

local function say(code, text)
  local l = langs[code]
  -- a fixed voice per speaker: the recognition check may slow a line down but
  -- never gives one speaker two voices
  return { say = text, lang = code, voice = l.voice }
end

local function bring(code, n)
  local l = langs[code]
  return n == 1 and l.one or string.format(l.bring, l.nums[n])
end

local function generate(rng, d)
  local L = levels[d]
  local codes = rng:sample(foreign, L.english and L.speakers - 1 or L.speakers)
  if L.english then table.insert(codes, rng:int(1, #codes + 1), "en") end
  local segs, q, ans, atype = {}, nil, nil, "numeric"
  segs[1] = say(codes[1], langs[codes[1]].hello)
  if L.ask == "day" then
    -- each speaker is free on two days; exactly one day is common to all
    local common = rng:int(1, 7)
    local rest = {}
    for i = 1, 7 do if i ~= common then rest[#rest + 1] = i end end
    rest = rng:sample(rest, #codes)
    for i, c in ipairs(codes) do
      local a, b = common, rest[i]
      if rng:bool() then a, b = b, a end
      segs[#segs + 1] = say(c, string.format(langs[c].free, langs[c].days[a], langs[c].days[b]))
      -- English lines carry the days: recognition must hear them
      if c == "en" then segs[#segs].hear = { langs.en.days[a], langs.en.days[b] } end
    end
    q = "Listen to the conversation. On which day of the week are all the speakers free? Answer with the day's English name."
    ans, atype = english_days[common], "short"
  else
    local n = {}
    for i, c in ipairs(codes) do
      n[i] = rng:int(1, 9)
      -- measured: pocketsphinx hears flite's "eight apples" as "a couples"
      if c == "en" and n[i] == 8 then n[i] = rng:int(1, 7) end
      segs[#segs + 1] = say(c, bring(c, n[i]))
      if c == "en" then segs[#segs].hear = { langs.en.nums[n[i]] } end
    end
    if L.ask == "one" then
      local k = rng:int(1, #codes)
      local ord = { "first", "second", "third", "fourth" }
      q = "Listen to the conversation. How many apples does the " .. ord[k] .. " speaker say they will bring? Answer with a number."
      ans = n[k]
    else
      if L.ask == "fix" then
        -- one speaker corrects their number in a later turn, in their own language
        local k = rng:int(1, #codes)
        local m = rng:int(2, 9)
        if m == n[k] then m = m % 9 + 1 end
        if m == 1 then m = 2 end
        segs[#segs + 1] = say(codes[(k % #codes) + 1], langs[codes[(k % #codes) + 1]].hello:match("^[^,]+") .. ".")
        segs[#segs + 1] = say(codes[k], string.format(langs[codes[k]].fix, langs[codes[k]].nums[m]))
        n[k] = m
      end
      local sum = 0
      for i = 1, #n do sum = sum + n[i] end
      q = "Listen to the conversation. How many apples will the speakers bring altogether? Answer with a number."
      ans = sum
    end
  end
  local heard = {}
  for i, s in ipairs(segs) do heard[i] = s.lang .. ": " .. s.say end
  return {
    question = q,
    answer = ans,
    answer_type = atype,
    audio = { segments = segs, noise = L.noise },
    explanation = "The conversation: " .. table.concat(heard, " / "),
    metadata = { speakers = #codes, languages = table.concat(codes, ","), turns = #segs,
      complexity = #codes + #segs / 2 + (L.ask == "fix" and 2 or 0) + (L.noise and 1 or 0) },
  }
end

return {
  name = "mixed_language_dialogue",
  description = "Mixed-language speech: friends plan a picnic aloud, each in their own language (English, German, French, Spanish, Italian); count the apples they bring, find the day all are free, or the total after one corrects their number.",
  tags = { "audio", "speech", "listening", "mixed-language", "multilingual", "languages", "picnic",
    "German", "French", "Spanish", "Italian" },
  answer_type = "numeric",
  modalities = { "audio", "text" },
  levels = {
    "2 speakers (English and one other language): one speaker's number",
    "2 speakers in two other languages: the sum of their numbers",
    "3 speakers (English and two others): the one day all are free",
    "3 speakers in three other languages, one corrects their number later: the total",
    "4 speakers in four languages, a correction, pink noise at 15 dB: the total",
  },
  generate = generate,
  solver = [==[
-- Independent solver: its own small lexicon of number and weekday words in
-- the five languages; each turn is read in the language it is spoken in,
-- a speaker (a voice) counts with the last number they said, and the day
-- all voices name is the answer.
local numbers = {
  en = { one = 1, two = 2, three = 3, four = 4, five = 5, six = 6, seven = 7, eight = 8, nine = 9 },
  de = { ein = 1, einen = 1, zwei = 2, drei = 3, vier = 4, ["fünf"] = 5, sechs = 6, sieben = 7, acht = 8, neun = 9 },
  fr = { une = 1, un = 1, deux = 2, trois = 3, quatre = 4, cinq = 5, six = 6, sept = 7, huit = 8, neuf = 9 },
  es = { una = 1, uno = 1, dos = 2, tres = 3, cuatro = 4, cinco = 5, seis = 6, siete = 7, ocho = 8, nueve = 9 },
  it = { una = 1, uno = 1, due = 2, tre = 3, quattro = 4, cinque = 5, sei = 6, sette = 7, otto = 8, nove = 9 },
}
local weekday = {
  en = { monday = "Monday", tuesday = "Tuesday", wednesday = "Wednesday", thursday = "Thursday", friday = "Friday",
    saturday = "Saturday", sunday = "Sunday" },
  de = { montag = "Monday", dienstag = "Tuesday", mittwoch = "Wednesday", donnerstag = "Thursday",
    freitag = "Friday", samstag = "Saturday", sonntag = "Sunday" },
  fr = { lundi = "Monday", mardi = "Tuesday", mercredi = "Wednesday", jeudi = "Thursday", vendredi = "Friday",
    samedi = "Saturday", dimanche = "Sunday" },
  es = { lunes = "Monday", martes = "Tuesday", ["miércoles"] = "Wednesday", jueves = "Thursday",
    viernes = "Friday", ["sábado"] = "Saturday", domingo = "Sunday" },
  it = { ["lunedì"] = "Monday", ["martedì"] = "Tuesday", ["mercoledì"] = "Wednesday", ["giovedì"] = "Thursday",
    ["venerdì"] = "Friday", sabato = "Saturday", domenica = "Sunday" },
}
-- words that mark a number of apples in each language
-- ("pfel": Apfel and Äpfel alike, Lua lowers ASCII only)
local fruit = { en = "apple", de = "pfel", fr = "pomme", es = "manzana", it = "mel" }

local function words(text)
  local w = {}
  for t in text:lower():gmatch("[^%s%p]+") do w[#w + 1] = t end
  return w
end

return function(view)
  local sc, q = view.scene, view.question
  if not sc or not sc.segments then error("no audio scene") end
  local order, seen, said, days = {}, {}, {}, {}
  for _, s in ipairs(sc.segments) do
    if s.say then
      local lang = s.lang or "en"
      local v = (s.voice or lang) .. "/" .. lang
      if not seen[v] then seen[v] = true; order[#order + 1] = v end
      if fruit[lang] and s.say:lower():find(fruit[lang], 1, true) then
        local n
        for _, w in ipairs(words(s.say)) do
          if not n and numbers[lang][w] then n = numbers[lang][w] end
        end
        if not n then error("no number heard in '" .. s.say .. "'") end
        said[v] = n
      end
      local dd = {}
      for _, w in ipairs(words(s.say)) do
        local day = weekday[lang] and weekday[lang][w]
        if day then dd[#dd + 1] = day end
      end
      if #dd > 0 then days[v] = dd end
    end
  end
  if q:find("which day", 1, true) then
    local count = {}
    for _, v in ipairs(order) do
      for _, day in ipairs(days[v] or {}) do count[day] = (count[day] or 0) + 1 end
    end
    local hit, found = nil, 0
    for _, day in ipairs({ "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday" }) do
      if count[day] == #order then hit = day; found = found + 1 end
    end
    if found ~= 1 then error(found .. " days common to all speakers") end
    return hit, found
  end
  local ord = { first = 1, second = 2, third = 3, fourth = 4 }
  local k = q:match("does the (%a+) speaker")
  if k then return said[order[ord[k]]] or error("that speaker named no number") end
  local sum = 0
  for _, v in ipairs(order) do
    if said[v] then sum = sum + said[v] end
  end
  return sum
end
]==],
}
