-- A generator with only three distinct items: any quota above 3 comes out
-- short (tests/integration/build_outcome.sh). The stem never names the
-- answer (verification refuses an item that does).
return { name = 'three_colours', description = 'colour naming quiz with only three items', tags = {'colour'},
  answer_type = 'short', levels = {'1','2','3','4','5'},
  generate = function(rng, d)
    local q = ({ { 'a ripe tomato', 'red' }, { 'fresh grass', 'green' }, { 'a clear sky at noon', 'blue' } })[rng:int(1, 3)]
    return { question = 'Which colour is ' .. q[1] .. '? Answer with one word.', answer = q[2] }
  end }
