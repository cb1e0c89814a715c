#!/bin/bash
# Executor + verification against ba-testserver with scripted replies, on the real pool:
#  1. text: causal_temporal_reasoning (plan fixture over two text datasets): a model step list
#     outside the transformation plan is refused, a broken distractor reply is retried, the
#     inspector fails one item whose repair would change its substance (refused, replenished);
#     a rerun sends nothing and gives the same items; a token budget stops the build and a rerun
#     with a bigger budget finishes it without paying twice.
#  2. image: visual_chart_reading (chart generator + chemistry diagrams with inline options and
#     image noise): images are sent to the inspector, one item is repaired and kept.
#  3. the full path: `benchagent build QUERY.json` = planner (its scripted replies) + executor;
#     the scripted grounding leaves option letters as keys, which the distractors check rejects.
set -u
. "$(dirname "$0")/lib/common.sh"
DATA=$BA_SOURCE_DIR/tests/data/exec
POOL=$BA_SHARED_DIR/datasets/general-bench-subset
scratch
. "$(dirname "$0")/lib/testserver.sh"

EXEC_YAML='execution:
  workers: 8'
py() { python3 -c "$1" "$2"; }

# Rules: the executor's prompts are matched by a phrase of their system prompt; step-list
# requests by a purpose that only the plan's choice_shuffle step carries.
python3 - "$tmp" <<'PY'
import json, sys
tmp = sys.argv[1]
def rule(contains, *replies):
    return {"when": {"path": "/chat/completions", "body_contains": contains}, "replies": list(replies)}
def js(v): return {"json": v}
steps_st1 = js({"steps": [{"tool": "question_rewrite", "args": {"style": "plain"}}, {"tool": "choice_shuffle", "args": {}}]})
steps_st2 = js({"steps": [{"tool": "answer_normalize", "args": {"format": "text"}},
                          {"tool": "distractor_writing", "args": {"n": 3}}, {"tool": "choice_shuffle", "args": {}}]})
steps_img = js({"steps": [{"tool": "answer_normalize", "args": {}}, {"tool": "choice_shuffle", "args": {}},
                          {"tool": "image_degrade", "args": {"kind": "noise", "severity": 2}}]})
ok = js({"answerable_without_input": False, "answer_correct": True, "answer_hinted": False,
         "ambiguous": False, "verdict": "pass", "reason": "fine"})
bad = js({"answerable_without_input": False, "answer_correct": True, "answer_hinted": True,
          "ambiguous": False, "verdict": "fail", "reason": "the stem hints at the answer"})
rewrites = [js({"question": "Case %d: which option is the most plausible cause or effect of the situation described?" % i})
            for i in range(60)]
common = [
    rule("st1 positions balanced",
         js({"steps": [{"tool": "web_search", "args": {"q": "answer"}}]}), steps_st1),
    rule("st2 positions balanced", steps_st2),
    rule("img positions balanced", steps_img),
    rule("Write args.n distractors",
         js({"wrong": "shape"}), js({"wrong": "shape"}), js({"wrong": "shape"}),
         js({"distractors": ["Because the weather changed suddenly.", "Because nobody was told in time.",
                             "Because the budget had been cut the year before."]})),
    rule("so it tests the subtask clearly", *rewrites),
    # the verifier's probes (options only / without the input): a guess that is not confident
    rule("You are an examinee shown only part",
         js({"answer": "", "confident": False, "reason": "nothing singles out an option"})),
    rule("Reframe the question so that reaching the",
         *[js({"question": "Step %d: given the events described, which happened in the order stated?" % i,
               "explanation": "Follow the events through the text."}) for i in range(150)]),
]
text = {"rules": common + [
    rule("strict benchmark item inspector", bad, ok),
    rule("You plan repairs", js({"repairable": True, "changes_substance": True,
                                 "edits": [{"field": "choices", "instruction": "make option A the answer"}],
                                 "reason": "only a different answer would remove the hint"})),
    rule("You apply planned repairs", js({"question": "unused"})),
], "default": {"status": 500, "error": "no rule matched this request"}}
image = {"rules": common + [
    rule("strict benchmark item inspector", bad, ok),
    rule("You plan repairs", js({"repairable": True, "changes_substance": False,
                                 "edits": [{"field": "question", "instruction": "remove the hint"}],
                                 "reason": "rewording is enough"})),
    rule("You apply planned repairs", js({"question": "Looking at the picture, which option is right?"})),
], "default": {"status": 500, "error": "no rule matched this request"}}
json.dump(text, open(tmp + "/text.json", "w"))
json.dump(image, open(tmp + "/image.json", "w"))
PY

# ---- 1. text
start_server "$tmp/text.json"
ws=$tmp/text; workspace "$ws" "$EXEC_YAML"
check "text build succeeds" "$BA" --workspace "$ws" -q build "$DATA/plan_text.json"
out=$ws/out/causal_temporal_reasoning_v1
check "text items" py '
import json, sys
d = sys.argv[1]
items = [json.loads(l) for l in open(d + "/items.jsonl")]
assert len(items) == 24, len(items)
assert sum(i["subtask"] == "st1" for i in items) == 12
for it in items:
    assert it["provenance"]["mock"] is False, it["provenance"]
    assert "local/test-model" in it["provenance"]["models"], it["provenance"]
    assert it["answer_type"] == "choice" and it["answer"] in "ABCD"[:len(it["choices"])]
    for k, v in it["qc"].items():
        assert v["verdict"] != "fail", (it["id"], k, v)
    assert it["source"]["kind"] == "dataset" and it["source"]["dataset_id"] in ("7fb63e11", "2681e85c")
st1 = [i for i in items if i["subtask"] == "st1"]
assert all(i["question"].startswith("Case ") for i in st1), [i["question"] for i in st1]
st2 = [i for i in items if i["subtask"] == "st2"]
assert all("Because nobody was told in time." in i["choices"] for i in st2)
assert all(len(i["context"]) > 100 for i in st2)
m = json.load(open(d + "/manifest.json"))
ex = m["executor"]
assert ex["refused_step_plans"] >= 1, ex
assert ex["llm_step_plans"] >= 24, ex
assert m["checks"]["inspector"]["failed"] == 1, m["checks"]["inspector"]
assert m["checks"]["repair"]["failed"] == 1, m["checks"]["repair"]
# the one planted inspector failure, plus the items whose key the fixed scripted distractors
# (three long "Because ..." sentences) do not fit: rejected by the distractors check
assert m["checks"]["distractors"]["failed"] >= 1, m["checks"]["distractors"]
assert ex["unit_status"].get("rejected", 0) == 1 + m["checks"]["distractors"]["failed"], (ex["unit_status"], m["checks"])
assert ex["rounds"] >= 1
' "$out"
check "refused repair recorded" bash -c "sqlite3 '$ws/.benchagent/state.db' \"select data from items where status='rejected'\" | grep -q 'refused: the repair would change'"
check "refused step list recorded" bash -c "sqlite3 '$ws/.benchagent/state.db' \"select data from items\" | grep -q 'model step list refused: steps\[0\]: unknown tool'"
n1=$(requests)
n_text=$n1
cp "$out/items.jsonl" "$tmp/text1.jsonl"
check "text rerun succeeds" "$BA" --workspace "$ws" -q build "$DATA/plan_text.json"
check "text rerun sends nothing" test "$(requests)" = "$n1"
check "text rerun same items" cmp -s "$tmp/text1.jsonl" "$out/items.jsonl"

# ---- 1a. build --audit on the model path: the judge fails one item of the text build (its
# first "Case N" rewrite: which unit gets which rewrite depends on the order the workers ask,
# so the judge is scripted now, on a server of its own, provider "judges"), which is rejected
# by the check "audit" and replaced by a replenishment round; a rerun judges nothing again; a
# build without --audit takes the gate's rejection back and gives the first items again
case_n=$(jq -r .question "$tmp/text1.jsonl" | grep -o -m1 'Case [0-9]*: which')
check "text build has an item for the judge to fail ($case_n)" test -n "$case_n"
python3 - "$tmp/judge.json" "$case_n" <<'PY'
import json, sys
crit = ["format_schema", "qa_coherence", "context_question_correspondence", "target_signal_dependency",
        "skill_specific_challenge", "user_intention_alignment"]
def judgement(low=None):
    return {"json": {c: {"score": 5 if c == low else 90, "rationale": "scripted %s" % c} for c in crit}}
json.dump({"rules": [{"when": {"model": "judge-m", "body_contains": sys.argv[2]}, "replies": [judgement("qa_coherence")]},
                     {"when": {"model": "judge-m"}, "replies": [judgement()]}],
           "default": {"status": 500, "error": "no rule matched this request"}}, open(sys.argv[1], "w"))
PY
add_server "$tmp/judge.json" jport
export CASE_N=$case_n
sed -i "s|^providers:\$|providers:\n  - name: judges\n    protocol: openai\n    base_url: http://127.0.0.1:$jport/v1\n    model: judge-m|" "$ws/benchagent.yaml"
"$BA" --workspace "$ws" -q --json build "$DATA/plan_text.json" --audit --judge judges/judge-m > "$tmp/gate1.json" 2> "$tmp/gate1.err"
check "gated text build succeeds" test $? -eq 0
check "gated text build items" py '
import json, os, sys
d = sys.argv[1]
items = [json.loads(l) for l in open(d + "/items.jsonl")]
assert len(items) == 24, len(items)
assert not any(os.environ["CASE_N"] in i["question"] for i in items), "the failed item was kept"
for it in items:
    a = it["qc"]["audit"]
    assert a["verdict"] == "pass" and a["score"] == 90 and a["judges"] == ["judges/judge-m"], a
m = json.load(open(d + "/manifest.json"))
assert m["checks"]["audit"]["failed"] == 1, m["checks"]["audit"]
assert m["checks"]["audit"]["passed"] >= 24, m["checks"]["audit"]
assert m["audit_gate"]["judges"] == ["judges/judge-m"] and m["audit_gate"]["threshold"] == 60, m["audit_gate"]
' "$out"
check "gated text build: 23 of the first items kept" test "$(jq -r .question "$out/items.jsonl" | grep -cxFf <(jq -r .question "$tmp/text1.jsonl"))" -eq 23
check "the gate's rejection is stored with its reason" bash -c "sqlite3 '$ws/.benchagent/state.db' \"select data from items where status='rejected'\" | grep -q 'qa_coherence 5: scripted qa_coherence'"
check "gated summary names the audit rejection" grep -q '"reason":"audit: qa_coherence N: scripted' "$tmp/gate1.json"
cp "$out/items.jsonl" "$tmp/gate1.jsonl"
n1=$(requests); j1=$(requests "$jport")
check "the judge was asked" test "$j1" -ge 25
check "gated rerun succeeds" "$BA" --workspace "$ws" -q build "$DATA/plan_text.json" --audit --judge judges/judge-m
check "gated rerun sends nothing" test "$(requests)" = "$n1" -a "$(requests "$jport")" = "$j1"
check "gated rerun same items" cmp -s "$tmp/gate1.jsonl" "$out/items.jsonl"
check "ungated rebuild succeeds" "$BA" --workspace "$ws" -q build "$DATA/plan_text.json"
check "ungated rebuild sends nothing" test "$(requests)" = "$n1" -a "$(requests "$jport")" = "$j1"
check "ungated rebuild gives the first items again" cmp -s "$tmp/text1.jsonl" "$out/items.jsonl"

# ---- 1b. a token budget stops the build (resumable); a bigger budget finishes it without
# paying again for what was done
start_server "$tmp/text.json"
ws=$tmp/budget; workspace "$ws" "$EXEC_YAML"
printf 'budget:\n  tokens: 30000\n' >> "$ws/benchagent.yaml"
"$BA" --workspace "$ws" -q build "$DATA/plan_text.json" > "$tmp/budget.out" 2>&1
check "budget stop fails" test $? -ne 0
check "budget stop says so" grep -q "budget exhausted" "$tmp/budget.out"
check "budget stop keeps work" bash -c "[ \$(sqlite3 '$ws/.benchagent/state.db' \"select count(*) from items where status in ('built','checked')\") -ge 1 ]"
sed -i 's/tokens: 30000/tokens: 0/' "$ws/benchagent.yaml"
check "budget resume succeeds" "$BA" --workspace "$ws" -q build "$DATA/plan_text.json"
check "budget resume items" test "$(wc -l < "$ws/out/causal_temporal_reasoning_v1/items.jsonl")" -eq 24
# stop + resume together send about what one uninterrupted run sends (a call in flight at the
# stop may be sent again)
check "budget resume pays only the rest" test "$(requests)" -le $((n_text + 8))

# ---- 2. image
start_server "$tmp/image.json"
ws=$tmp/image; workspace "$ws" "$EXEC_YAML"
check "image build succeeds" "$BA" --workspace "$ws" -q build "$DATA/plan_chart.json"
out=$ws/out/visual_chart_reading_v1
check "image items" py '
import json, os, sys
d = sys.argv[1]
items = [json.loads(l) for l in open(d + "/items.jsonl")]
assert len(items) == 12, len(items)
for it in items:
    m = it["media"][0]
    assert m["type"] == "image" and os.path.exists(os.path.join(d, m["path"])), m
    for k, v in it["qc"].items():
        assert v["verdict"] != "fail" or k == "inspector_before_repair", (it["id"], k, v)
chem = [i for i in items if i["subtask"] == "st2"]
assert len(chem) == 6
assert all(len(i["choices"]) >= 2 and "candidate choices" not in i["question"] for i in chem)
assert all([s["tool"] for s in i["provenance"]["steps"]] == ["answer_normalize", "choice_shuffle", "image_degrade"] for i in chem)
gen = [i for i in items if i["subtask"] == "st1"]
assert all(i["source"]["kind"] == "generator" and i["source"]["generator"] == "chart_reading" for i in gen)
rep = [i for i in items if i["provenance"].get("repaired")]
assert len(rep) == 1 and rep[0]["question"] == "Looking at the picture, which option is right?", rep
assert rep[0]["qc"]["repair"]["verdict"] == "pass"
' "$out"
check "inspector saw the images" bash -c "[ \$(sqlite3 '$ws/.benchagent/state.db' \"select count(*) from llm_calls where role='inspect' and request like '%data:image/png;base64,%'\") -ge 12 ]"

# ---- 3. query -> planner -> executor (when the planner's scripted run is there)
if [ -f "$BA_SOURCE_DIR/tests/data/planner/full.json" ]; then
  PLANNER_RULES=$BA_SOURCE_DIR/tests/data/planner/full.json python3 - "$tmp" <<'PY'
import json, os, sys
tmp = sys.argv[1]
text = json.load(open(tmp + "/text.json"))
plan_rules = json.load(open(os.environ["PLANNER_RULES"]))
# the planner's scripted run (plan_testserver.sh's), with transformations that read the pool's
# prompt forms: st1's lettered options kept, st2 a choice among the labels its prompt lists
for r in plan_rules["rules"]:
    for rep in r["replies"]:
        for tc in rep.get("tool_calls", []):
            a = tc["arguments"]
            if tc["name"] == "propose_subtask" and a["name"].startswith("Temporal"):
                a["schema"] = {"question": "string", "context": "string", "choices": "list", "answer": "string"}
            for sc in a.get("scores", []):
                sc["transformation"] = [{"tool": "answer_normalize", "purpose": "options from the prompt"},
                                        {"tool": "choice_shuffle", "purpose": "option order"}]
                if sc["source"] == "ds:ca4f9ec3":
                    sc["transformation"][1]["args"] = {"max_options": 4}
def rule(contains, *replies):
    return {"when": {"path": "/chat/completions", "body_contains": contains}, "replies": list(replies)}
ok = {"json": {"answerable_without_input": False, "answer_correct": True, "answer_hinted": False,
               "ambiguous": False, "verdict": "pass", "reason": "fine"}}
keep = [r for r in text["rules"] if "inspector" not in r["when"].get("body_contains", "")
        and "positions balanced" not in r["when"].get("body_contains", "")]
full = {"rules": [rule("You plan how one source sample", {"json": {"steps": []}}),
                  rule("strict benchmark item inspector", ok)] + keep + plan_rules["rules"],
        "default": plan_rules.get("default")}
json.dump(full, open(tmp + "/full.json", "w"))
PY
  start_server "$tmp/full.json"
  ws=$tmp/full; workspace "$ws" "$EXEC_YAML"
  # The scripted planner grounds st1 on Event-Coreference-Resolution, whose prompt names its
  # document as a template slot ("<<<raw_text>>>") and lists its options as lettered lines, and
  # st2 on Temporal-Event-Reasoning (a relation label out of the list its prompt closes with: the
  # list becomes the options, four of them kept). Every key is derived again here from the source sample, with this test's own parse.
  "$BA" --workspace "$ws" -q build "$BA_SHARED_DIR/queries/multi_perspective_event_reasoning.json" > "$tmp/full.out" 2> "$tmp/full.err"
  check "query build succeeds" test $? -eq 0
  check "query build: the items and their keys, derived again from the source" py '
import glob, json, re, sys
pool = sys.argv[1]
items = [json.loads(l) for l in open(glob.glob(pool.split("|")[1] + "/out/*/items.jsonl")[0])]
def load(name):
    return {s["id"]: s for s in json.load(open(pool.split("|")[0] + "/datasets/nlp/" + name + "/annotation.json"))["data"]}
coref, temporal = load("Event-Coreference-Resolution"), load("Temporal-Event-Reasoning")
st = {"st1": 0, "st2": 0}
for it in items:
    st[it["subtask"]] += 1
    shown = it["question"] + (it.get("context") or "") + "".join(it.get("choices") or [])
    assert "<<<" not in shown and ">>>" not in shown, it["id"]
    src = (coref if it["subtask"] == "st1" else temporal)[it["source"]["sample_id"]]
    assert it["context"].strip() == src["input"]["raw_text"].strip(), it["id"]
    if it["subtask"] == "st1":
        opts = dict(re.findall(r"^([A-Z])\. (.*)$", src["input"]["prompt"], re.M))
        assert set(it["choices"]) == set(opts.values()), (it["id"], it["choices"])
        assert it["choices"][ord(it["answer"]) - 65] == opts[src["output"]["text"]], it["id"]
        assert not re.search(r"^[A-D]\. ", it["question"], re.M), it["question"]
    else:
        labels = re.search(r"relation types are: ([A-Z_, ]+)\.", src["input"]["prompt"]).group(1).split(", ")
        assert len(it["choices"]) == 4 and set(it["choices"]) <= set(labels), it["choices"]
        assert it["choices"][ord(it["answer"]) - 65] == src["output"]["text"], it["id"]
        assert it["question"].endswith("Determine the temporal relation between these events."), it["question"]
assert len(items) == 120 and st["st1"] >= 50 and st["st2"] >= 50, st
' "$POOL|$ws"
fi
finish
