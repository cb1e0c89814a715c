#!/usr/bin/env bash
# --seed is the seed of everything random, dataset samples too: a build
# with --seed 2 in a workspace that already built with seed 1 draws the
# samples a fresh seed-2 workspace draws (not the seed-1 ones it has in
# store), and going back to seed 1 reuses the seed-1 work (no step runs).
set -u
. "$(dirname "$0")/lib/common.sh"
scratch
POOL=$BA_SHARED_DIR/datasets/general-bench-subset
PLAN=$BA_SOURCE_DIR/tests/data/exec/plan_text.json
ID=causal_temporal_reasoning_v1
b() { local ws=$1 out=$2; shift 2; "$BA" --workspace "$ws" --provider mock --pool "$POOL" -q "$@" build "$PLAN" --out "$out" > "$out.log" 2>&1; }
samples() { jq -r '"\(.source.dataset_id) \(.source.sample_id)"' "$1/$ID/items.jsonl" | sort; }

b "$tmp/a" "$tmp/a1"
check "seed 1 builds" test $? -eq 0; show_on_fail "$tmp/a1.log"
b "$tmp/a" "$tmp/a2" --seed 2
check "seed 2 in the same workspace builds" test $? -eq 0; show_on_fail "$tmp/a2.log"
b "$tmp/fresh" "$tmp/f2" --seed 2
check "seed 2 in a fresh workspace builds" test $? -eq 0; show_on_fail "$tmp/f2.log"
check "24 items each" test "$(cat "$tmp"/{a1,a2,f2}/$ID/items.jsonl | wc -l)" -eq 72
check "every item is from a dataset" test "$(jq -s '[.[] | select(.source.kind == "dataset")] | length' "$tmp"/a2/$ID/items.jsonl)" -eq 24
check "seed 2 after seed 1: the fresh seed-2 build's samples" test "$(samples "$tmp/a2")" = "$(samples "$tmp/f2")"
check "seed 2 after seed 1: the fresh seed-2 build's items" cmp -s "$tmp/a2/$ID/items.jsonl" "$tmp/f2/$ID/items.jsonl"
common=$(comm -12 <(samples "$tmp/a1") <(samples "$tmp/a2") | wc -l)
echo "# samples seed 1 and seed 2 share: $common of 24"
check "seed 2 draws other samples than seed 1" test "$common" -lt 12
b "$tmp/a" "$tmp/a3"
check "back to seed 1 builds" test $? -eq 0; show_on_fail "$tmp/a3.log"
check "back to seed 1: the seed-1 items" cmp -s "$tmp/a1/$ID/items.jsonl" "$tmp/a3/$ID/items.jsonl"
check "back to seed 1: no step runs again" test "$(jq .executor.steps_run "$tmp/a3/$ID/manifest.json")" -eq 0
finish
