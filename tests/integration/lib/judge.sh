# Scripted audit judges, as ba-testserver rules (needs jq):
#   judge_reply SCORE [CRITERION=SCORE ...]   a judge's JSON reply: every
#                         criterion of the audit rubric at SCORE but the named
#                         ones, each with a rationale
#   judge_rule MODEL TEXT REPLY_JSON          a rule: requests to MODEL whose
#                         body contains TEXT get REPLY_JSON
AUDIT_CRITERIA='["format_schema","qa_coherence","context_question_correspondence","target_signal_dependency","skill_specific_challenge","user_intention_alignment"]'
judge_reply() {
  local base=$1; shift
  jq -n --argjson crit "$AUDIT_CRITERIA" --arg base "$base" --arg over "$*" '
    ($over | split(" ") | map(select(length > 0) | split("=") | {(.[0]): (.[1] | tonumber)}) | add // {}) as $o
    | [$crit[] | {(.): {score: ($o[.] // ($base | tonumber)), rationale: ("scripted " + . + " score")}}] | add'
}
judge_rule() {
  jq -n --arg m "$1" --arg b "$2" --argjson r "$3" '{when: {model: $m, body_contains: $b}, replies: [{json: $r}]}'
}
