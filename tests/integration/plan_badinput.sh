#!/bin/bash
# Bad input gives a clear one-line error naming the file and field, exit code 1, and no output
# file: a query without description, target_size 0 or 10^9, an empty pool, a card whose paths
# match nothing, a dataset file that is not JSON, a broken plan.
set -u
. "$(dirname "$0")/lib/common.sh"
POOL=$BA_SHARED_DIR/datasets/general-bench-subset
scratch
cd "$tmp"

fails_with() { # EXPECTED-SUBSTRING CMD...
  local want=$1; shift
  local out rc
  out=$("$@" 2>&1); rc=$?
  if [ "$rc" -ne 1 ]; then echo "exit $rc (want 1): $out" >&2; return 1; fi
  if ! printf '%s' "$out" | grep -qF -- "$want"; then echo "missing '$want' in: $out" >&2; return 1; fi
  return 0
}

printf '{"id": "x", "target_size": 10}' > nodesc.json
check "no description" fails_with "nodesc.json: description: missing" "$BA" --provider mock --pool "$POOL" plan nodesc.json
printf '{"id": "x", "description": "d", "target_size": 0}' > zero.json
check "target 0" fails_with "zero.json: target_size: 0 is not a positive" "$BA" --provider mock --pool "$POOL" plan zero.json
printf '{"id": "x", "description": "d", "target_size": 1000000000}' > huge.json
check "target 10^9" fails_with "huge.json: target_size: 1000000000 is above the limit of 100000" "$BA" --provider mock --pool "$POOL" plan huge.json
printf '{"id": "x", "description": "d",\n "target_size": ]' > broken.json
check "query not JSON" fails_with "broken.json:2" "$BA" --provider mock --pool "$POOL" plan broken.json
check "no output on error" test ! -e out

mkdir empty
printf '{"id": "ok_v1", "description": "causal reasoning about everyday events", "target_size": 10}' > ok.json
check "empty pool" fails_with "pool empty: no usable dataset cards" "$BA" --provider mock --pool empty plan ok.json
check "empty pool check" fails_with "no dataset cards found" "$BA" --pool empty cards check

# a card whose paths match nothing, and a dataset file that is not JSON
mkdir -p bad/dataset_cards bad/data
printf '{"data": [{"q": "a", "a": "b"}]}' > bad/data/good.json
printf '{"data": [{"q": "a",\n oops' > bad/data/broken.json
card() { # ID SOURCE QPATH
  printf '{"dataset_id": "%s", "name": "%s", "modalities": ["text"], "size_samples": 1,
   "meta": {"fields": {"question": {"paths": ["%s"], "modality": "text"}, "answer": {"paths": ["a"]}}},
   "raw_meta": {"source_json": "%s"}}' "$1" "$1" "$3" "$2" > "bad/dataset_cards/$1_card.json"
}
card nomatch data/good.json input.question
card notjson data/broken.json q
card fine data/good.json q
printf '{"dataset_id": "nofields", "name": "n", "modalities": ["text"]}' > bad/dataset_cards/nofields_card.json
out=$("$BA" --pool bad cards check 2>&1); rc=$?
check "cards check fails" test "$rc" -eq 1
check "paths match nothing" sh -c "printf '%s' \"\$1\" | grep -qF \"nomatch_card.json: meta.fields.question.paths: 'input.question' matches no sample\"" _ "$out"
check "dataset not JSON" sh -c "printf '%s' \"\$1\" | grep -qF 'notjson_card.json: raw_meta.source_json: dataset: ' && printf '%s' \"\$1\" | grep -qF 'broken.json:2'" _ "$out"
check "missing meta.fields" sh -c "printf '%s' \"\$1\" | grep -qF 'nofields_card.json: meta.fields: missing'" _ "$out"
check "good card ok" sh -c "printf '%s' \"\$1\" | grep -q '^ok  *fine'" _ "$out"
check "show unknown id" fails_with "no card with dataset_id 'zzz'" "$BA" --pool "$POOL" cards show zzz

# an edited plan that breaks the rules
"$BA" --provider mock --pool "$POOL" plan ok.json -o plan.json >/dev/null 2>&1
check "plan made" test -s plan.json
python3 -c '
import json; p = json.load(open("plan.json")); p["quotas"][0]["count"] += 100000; json.dump(p, open("edited.json", "w"))'
check "edited plan rejected" fails_with "edited.json: quotas" "$BA" plan --check edited.json
finish
