-- A generator with only three distinct items: any quota above 3 comes out
-- short (tests/integration/build_outcome.sh).
return { name = 'three_colours', description = 'colour naming quiz with only three items', tags = {'colour'},
  answer_type = 'short', levels = {'1','2','3','4','5'},
  generate = function(rng, d)
    local c = ({ 'red', 'green', 'blue' })[rng:int(1, 3)]
    return { question = 'Which colour is named ' .. c .. '?', answer = c }
  end }
