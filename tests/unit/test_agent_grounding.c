/*
 * test_agent_grounding.c - grounding on the real pool with the mock
 * provider: every shared query grounded on the sources that fit (the
 * temporal subtask of causal_and_temporal_reasoning on a temporal dataset,
 * chart reading on chart generators, ...), the speech request grounded on
 * dialogue datasets through a (test-only) text-to-speech entry of the
 * tool table, a request nothing fits refused with a clear message and
 * filled only with grounding.allow_unrelated; the modality rule; the
 * retrieval (two views, matched fields) behind `cards search`.
 */
#include "support.h"
#include "benchagent/json.h"
#include "benchagent/plan.h"
#include "../../src/agent/planner.h"
#include "plan_tools.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char pool[4096];

static int setup(void **state)
{
	(void)state;
	unsetenv("OPENAI_API_KEY");
	unsetenv("OPENAI_BASE_URL");
	snprintf(pool, sizeof(pool), "%s/datasets/general-bench-subset", bt_shared());
	ba_plan_register_mocks();
	bt_plan_tools(NULL, 0);
	return 0;
}

static ba_config *mock_config(const char *yaml_extra)
{
	ba_error err = BA_ERROR_INIT;
	ba_config *cfg = NULL;
	if (yaml_extra) {
		char *dir = bt_tmpdir("cfg"), *y = bt_write(dir, "benchagent.yaml", yaml_extra);
		assert_int_equal(ba_config_load(&cfg, y, 0, &err), 0);
		free(y);
		free(dir);
	} else {
		cfg = ba_config_default();
	}
	ba_config_set_provider_override(cfg, "mock", &err);
	ba_config_add_pool(cfg, pool);
	return cfg;
}

static json_t *load_query(const char *path)
{
	json_t *q = NULL;
	ba_error err = BA_ERROR_INIT;
	assert_int_equal(ba_query_load(path, &q, &err), 0);
	return q;
}

static json_t *shared_query(const char *name)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s/queries/%s", bt_shared(), name);
	return load_query(path);
}

/* Plan q; *rc and err.msg out. */
static json_t *make(ba_config *cfg, const json_t *q, int *rc, char *msg, size_t msgn)
{
	char *ws = bt_tmpdir("gplan");
	ba_error err = BA_ERROR_INIT;
	ba_gateway *gw = NULL;
	ba_store *st = NULL;
	json_t *plan = NULL;
	int64_t run;

	assert_int_equal(ba_store_open(&st, ws, &err), 0);
	assert_int_equal(ba_run_open(st, "plan", ba_json_str(q, "id", ""), &run, &err), 0);
	assert_int_equal(ba_gateway_new(&gw, cfg, st, NULL, &err), 0);
	*rc = ba_plan_make(gw, st, cfg, q, run, &plan, &err);
	if (msg)
		snprintf(msg, msgn, "%s", err.msg);
	ba_gateway_free(gw);
	ba_store_close(st);
	bt_rmrf(ws);
	free(ws);
	return plan;
}

/* The accepted sources of the subtask whose name contains `name`, as a
 * sorted comma-separated list; the best one into best (if given). */
static const char *grounded(const json_t *plan, const char *name, char *best, size_t bestn)
{
	static char out[1024];
	const char *ids[16];
	json_t *s, *g;
	size_t i, j, n = 0, len = 0, found = 0;
	double top = -1;

	json_array_foreach(json_object_get(plan, "subtasks"), i, s) {
		if (!strstr(ba_json_str(s, "name", ""), name))
			continue;
		found++;
		json_array_foreach(json_object_get(plan, "groundings"), j, g) {
			double f = ba_json_num(json_object_get(g, "scores"), "final", 0);
			if (strcmp(ba_json_str(g, "subtask", ""), ba_json_str(s, "id", "")) ||
			    !json_is_true(json_object_get(g, "accepted")) || n >= 16)
				continue;
			ids[n++] = ba_json_str(g, "source", "");
			if (best && f > top) {
				top = f;
				snprintf(best, bestn, "%s", ba_json_str(g, "source", ""));
			}
		}
	}
	assert_int_equal(found, 1); /* exactly one subtask has that name */
	for (i = 1; i < n; i++) /* insertion sort */
		for (j = i; j > 0 && strcmp(ids[j - 1], ids[j]) > 0; j--) {
			const char *t = ids[j];
			ids[j] = ids[j - 1];
			ids[j - 1] = t;
		}
	out[0] = 0;
	for (i = 0; i < n; i++)
		len += (size_t)snprintf(out + len, sizeof(out) - len, "%s%s", i ? "," : "", ids[i]);
	return out;
}

static json_t *plan_shared(ba_config *cfg, const char *file)
{
	json_t *q = shared_query(file), *plan;
	int rc;
	plan = make(cfg, q, &rc, NULL, 0);
	assert_int_equal(rc, 0);
	json_decref(q);
	return plan;
}

/* Every subtask of every shared query (but the speech one, below) and the
 * sources that ground it: the capabilities the request names, each on the
 * sources a person would pick, and nothing unrelated. */
static void test_shared_queries_grounded(void **state)
{
	ba_config *cfg = mock_config(NULL);
	char best[128];
	const char *acc;
	json_t *plan;

	(void)state;
	/* causal: the cause-or-effect subtask on the causal dataset, the
	 * temporal one on the two temporal datasets and no causal one */
	plan = plan_shared(cfg, "causal_and_temporal_reasoning.json");
	assert_int_equal(json_array_size(json_object_get(plan, "subtasks")), 2);
	assert_string_equal(grounded(plan, "cause or effect", NULL, 0), "ds:7fb63e11");
	assert_string_equal(grounded(plan, "Order events in time", best, sizeof(best)), "ds:37a67448,ds:ca4f9ec3");
	assert_string_equal(best, "ds:ca4f9ec3"); /* ordering two events: Temporal-Event-Reasoning first */
	json_decref(plan);
	/* several accounts of one event: event coreference first, then the
	 * news events of Temporal-Event-Reasoning; not Social-Science-QA (how a
	 * person's behaviour is perceived: no event in it, it matched only on
	 * "infer" and the "multiple" of multiple-choice) and no causal dataset */
	plan = plan_shared(cfg, "multi_perspective_event_reasoning.json");
	acc = grounded(plan, "true nature of an event", best, sizeof(best));
	assert_string_equal(best, "ds:0fa3ee6d");
	assert_string_equal(acc, "ds:0fa3ee6d,ds:ca4f9ec3");
	json_decref(plan);
	/* charts: each of the three capabilities on chart generators only */
	plan = plan_shared(cfg, "visual_chart_reading.json");
	assert_int_equal(json_array_size(json_object_get(plan, "subtasks")), 3);
	assert_string_equal(grounded(plan, "Read exact values", NULL, 0), "gen:chart_reading,gen:line_chart_reading");
	assert_string_equal(grounded(plan, "Compare series", best, sizeof(best)), "gen:chart_reading,gen:line_chart_reading");
	assert_string_equal(best, "gen:line_chart_reading"); /* series are lines */
	assert_string_equal(grounded(plan, "derived quantity", best, sizeof(best)), "gen:chart_reading,gen:line_chart_reading");
	json_decref(plan);
	/* arithmetic: word problems, dates and logic puzzles, each on its generator */
	plan = plan_shared(cfg, "arithmetic_logic_offline.json");
	assert_int_equal(json_array_size(json_object_get(plan, "subtasks")), 3);
	assert_string_equal(grounded(plan, "arithmetic word problems", NULL, 0), "gen:arithmetic_word_problems");
	assert_string_equal(grounded(plan, "Date and calendar", NULL, 0), "gen:date_arithmetic");
	acc = grounded(plan, "logic puzzles", best, sizeof(best));
	assert_string_equal(best, "gen:knights_knaves");
	assert_string_equal(acc, "gen:boolean_formulas,gen:knights_knaves");
	json_decref(plan);
	ba_config_free(cfg);
}

/* A multimodal knowledge request: grounded on image datasets whose
 * questions need knowledge (art, chemistry), not on chart generators. */
static void test_multimodal_knowledge(void **state)
{
	char path[4096];
	ba_config *cfg = mock_config(NULL);
	json_t *q, *plan, *g;
	size_t i, n = 0;
	int rc;

	(void)state;
	snprintf(path, sizeof(path), "%s/tests/data/grounding/multimodal_knowledge.json", BA_SOURCE_DIR);
	q = load_query(path);
	plan = make(cfg, q, &rc, NULL, 0);
	assert_int_equal(rc, 0);
	json_array_foreach(json_object_get(plan, "groundings"), i, g) {
		const char *src = ba_json_str(g, "source", "");
		if (!json_is_true(json_object_get(g, "accepted")))
			continue;
		n++;
		assert_true(!strcmp(src, "ds:9155fd9c") || !strcmp(src, "ds:791bc8ca") || !strcmp(src, "ds:5f3dbd05") ||
			    !strcmp(src, "ds:a538c57a"));
	}
	assert_true(n >= 2);
	json_decref(plan);
	json_decref(q);
	ba_config_free(cfg);
}

/* With a text-to-speech tool in the table, the speech request keeps its
 * audio and grounds on dialogue datasets through it, and on the audio
 * dialogue generators, whose items are speech already (premise changed
 * with the audio generators: before them every accepted source went
 * through text-to-speech). Without the executor's dry build (not linked
 * here) generators may also be accepted for the choice subtasks; with it
 * (tests/integration/grounding_speech.sh) they make no options and are
 * refused. */
static void test_speech_through_tts(void **state)
{
	static const ba_plan_tool_info tts[] = { { "test_text_to_speech", "text", "audio" } };
	ba_config *cfg = mock_config(NULL);
	json_t *q = shared_query("mixed_language_conversation.json"), *plan, *g, *s, *t;
	size_t i, j, audio = 0, via = 0, mixed = 0;
	int rc, dialog = 0;
	ba_error err = BA_ERROR_INIT;

	(void)state;
	bt_plan_tools(tts, 1);
	plan = make(cfg, q, &rc, NULL, 0);
	assert_int_equal(rc, 0);
	assert_int_equal(ba_plan_validate(plan, &err), 0);
	json_array_foreach(json_object_get(plan, "subtasks"), i, s)
		json_array_foreach(json_object_get(s, "modalities"), j, t)
			audio += !strcmp(json_string_value(t), "audio");
	/* every subtask keeps its audio (none had to fall back to text) */
	assert_int_equal(audio, json_array_size(json_object_get(plan, "subtasks")));
	assert_int_equal(json_array_size(json_object_get(plan, "subtasks")), 3);
	json_array_foreach(json_object_get(plan, "groundings"), i, g) {
		int has = 0;
		if (!json_is_true(json_object_get(g, "accepted")))
			continue;
		json_array_foreach(json_object_get(g, "transformation"), j, t)
			has |= !strcmp(ba_json_str(t, "tool", ""), "test_text_to_speech");
		if (!strcmp(ba_json_str(g, "source", ""), "gen:mixed_language_dialogue") ||
		    !strcmp(ba_json_str(g, "source", ""), "gen:who_said")) {
			/* an audio generator: its items are speech already, nothing to speak */
			assert_false(has);
			mixed += !strcmp(ba_json_str(g, "source", ""), "gen:mixed_language_dialogue");
			continue;
		}
		assert_true(has); /* every text source of an audio subtask is spoken */
		/* and it is a dialogue: daily dialogues, TV-scene dialogues, everyday chats */
		assert_true(!strcmp(ba_json_str(g, "source", ""), "ds:f219959e") ||
			    !strcmp(ba_json_str(g, "source", ""), "ds:cc0d075c") ||
			    !strcmp(ba_json_str(g, "source", ""), "ds:37a67448"));
		via++;
		dialog |= !strcmp(ba_json_str(g, "source", ""), "ds:f219959e") ||
			  !strcmp(ba_json_str(g, "source", ""), "ds:cc0d075c");
	}
	assert_true(via >= 1);
	assert_true(dialog);
	(void)mixed; /* the generator may or may not be accepted beside them */
	bt_plan_tools(NULL, 0);
	json_decref(plan);
	json_decref(q);
	ba_config_free(cfg);
}

/* An image subtask that only text datasets fit (a news article shown as
 * an image): with a text -> image entry in the tool table it keeps its
 * image and grounds on the news-event datasets through it; without one
 * it cannot keep its image (design falls back to text). */
static void test_image_through_render(void **state)
{
	static const ba_plan_tool_info render[] = { { "test_render", "text", "image" } };
	char path[4096];
	ba_config *cfg = mock_config(NULL);
	json_t *q, *plan, *g, *t, *st;
	size_t i, j, n = 0;
	int rc;

	(void)state;
	snprintf(path, sizeof(path), "%s/tests/data/grounding/rendered_news.json", BA_SOURCE_DIR);
	q = load_query(path);
	bt_plan_tools(render, 1);
	plan = make(cfg, q, &rc, NULL, 0);
	assert_int_equal(rc, 0);
	st = json_array_get(json_object_get(plan, "subtasks"), 0);
	assert_int_equal(json_array_size(json_object_get(plan, "subtasks")), 1);
	assert_string_equal(json_string_value(json_array_get(json_object_get(st, "modalities"), 1)), "image");
	assert_string_equal(grounded(plan, "news article", NULL, 0), "ds:0fa3ee6d,ds:ca4f9ec3");
	json_array_foreach(json_object_get(plan, "groundings"), i, g) {
		int has = 0;
		if (!json_is_true(json_object_get(g, "accepted")))
			continue;
		json_array_foreach(json_object_get(g, "transformation"), j, t)
			has |= !strcmp(ba_json_str(t, "tool", ""), "test_render");
		assert_true(has);
		assert_string_equal(ba_json_str(json_array_get(json_object_get(g, "via"), 0), "tool", ""), "test_render");
		n++;
	}
	assert_int_equal(n, 2);
	json_decref(plan);
	/* no renderer: the news datasets never ground an image subtask */
	bt_plan_tools(NULL, 0);
	plan = make(cfg, q, &rc, NULL, 0);
	if (rc == 0)
		json_array_foreach(json_object_get(plan, "groundings"), i, g) {
			const json_t *s2 = NULL, *m;
			size_t k;
			int img = 0;
			json_array_foreach(json_object_get(plan, "subtasks"), k, s2)
				if (!strcmp(ba_json_str(s2, "id", ""), ba_json_str(g, "subtask", "")))
					json_array_foreach(json_object_get(s2, "modalities"), j, m)
						img |= !strcmp(json_string_value(m), "image");
			if (img && json_is_true(json_object_get(g, "accepted")))
				assert_true(strcmp(ba_json_str(g, "source", ""), "ds:0fa3ee6d") &&
					    strcmp(ba_json_str(g, "source", ""), "ds:ca4f9ec3"));
		}
	json_decref(plan);
	json_decref(q);
	ba_config_free(cfg);
}

static void test_nothing_fits_refused(void **state)
{
	char path[4096], msg[4096];
	ba_config *cfg = mock_config(NULL), *cfg2;
	json_t *q, *plan, *g;
	size_t i, unrelated = 0;
	int rc;

	(void)state;
	snprintf(path, sizeof(path), "%s/tests/data/grounding/nothing_fits.json", BA_SOURCE_DIR);
	q = load_query(path);
	plan = make(cfg, q, &rc, msg, sizeof(msg));
	assert_int_equal(rc, BA_ENOTFOUND);
	assert_null(plan);
	assert_non_null(strstr(msg, "nothing in the pool fits this request"));
	assert_non_null(strstr(msg, "closest:"));
	assert_non_null(strstr(msg, "what would fit: a dataset of text samples with"));
	/* asked for explicitly, the closest sources fill it and the plan says so */
	cfg2 = mock_config("grounding:\n  allow_unrelated: true\n");
	plan = make(cfg2, q, &rc, msg, sizeof(msg));
	assert_int_equal(rc, 0);
	assert_true(json_array_size(json_object_get(plan, "unfit")) >= 1);
	assert_non_null(ba_json_str(json_array_get(json_object_get(plan, "unfit"), 0), "filled_with", NULL));
	json_array_foreach(json_object_get(plan, "groundings"), i, g)
		unrelated += json_is_true(json_object_get(g, "unrelated"));
	assert_true(unrelated >= 1);
	json_decref(plan);
	json_decref(q);
	ba_config_free(cfg);
	ba_config_free(cfg2);
}

/* A scorer that finds every candidate aligned with its subtask but only
 * Causal-Reasoning aligned with the request as a whole. */
static int request_blind_scorer(void *ud, const ba_llm_request *req, uint64_t seed, ba_llm_response *resp)
{
	json_t *s = ba_agent_request_state(req), *scores = json_array(), *c;
	size_t i;

	(void)ud;
	(void)seed;
	if (!s)
		return 1;
	json_array_foreach(json_object_get(s, "candidates"), i, c) {
		const char *src = ba_json_str(c, "source", "");
		json_array_append_new(
			scores, json_pack("{s:s, s:f, s:f, s:f, s:f, s:f, s:f, s:{}, s:[{s:s, s:s}], s:s}", "source", src,
					  "alignment", 0.9, "request_alignment", strcmp(src, "ds:7fb63e11") ? 0.1 : 0.9,
					  "coverage", 0.9, "simplicity", 0.8, "risk", 0.1, "overall", 0.9, "field_map",
					  "transformation", "tool", "answer_normalize", "purpose", "format", "rationale",
					  strcmp(src, "ds:7fb63e11") ? "fits the subtask, not what the user asked for" : "fits"));
	}
	resp->tool_calls = json_pack("[{s:s, s:s, s:{s:o, s:s}}]", "id", "call_1", "name", "score_candidates",
				     "arguments", "scores", scores, "rationale", "test scorer");
	json_decref(s);
	return 0;
}

/* Alignment with the request is a floor of its own: a source the scorer
 * finds aligned with its subtask but not with the request is refused
 * (final below the threshold) and the plan gives the scorer's reason. */
static void test_request_alignment_floor(void **state)
{
	ba_config *cfg = mock_config(NULL);
	json_t *q = shared_query("causal_and_temporal_reasoning.json"), *plan, *g, *h;
	size_t i, refused = 0, ok = 0;
	int rc, fed_back = 0; /* the reason is in the plan */

	(void)state;
	ba_mock_register("grounding", request_blind_scorer, NULL);
	plan = make(cfg, q, &rc, NULL, 0);
	ba_plan_register_mocks();
	assert_int_equal(rc, 0);
	json_array_foreach(json_object_get(plan, "groundings"), i, g) {
		const json_t *sc = json_object_get(g, "scores");
		if (!strcmp(ba_json_str(g, "source", ""), "ds:7fb63e11")) {
			assert_true(json_is_true(json_object_get(g, "accepted")));
			ok++;
			continue;
		}
		assert_false(json_is_true(json_object_get(g, "accepted")));
		assert_true(ba_json_num(sc, "request_alignment", 1) < 0.3);
		assert_true(ba_json_num(sc, "final", 1) < 0.53); /* the blend alone would be 0.87 */
		refused++;
	}
	assert_true(ok >= 1);
	assert_true(refused >= 1);
	/* the plan says why, in the scorer's words */
	json_array_foreach(json_object_get(json_object_get(plan, "rationale"), "grounding"), i, h)
		fed_back |= strstr(json_string_value(h), "(rejected): fits the subtask, not what the user asked for") != NULL;
	assert_true(fed_back);
	json_decref(plan);
	json_decref(q);
	ba_config_free(cfg);
}

/* A source with no ready question but a label per sample (car brands):
 * grounded through metadata_question, the key asked for from its label. */
static void test_type_b_source(void **state)
{
	char path[4096];
	ba_config *cfg = mock_config(NULL);
	json_t *q, *plan, *g, *t;
	size_t i, j;
	int rc, found = 0;

	(void)state;
	snprintf(path, sizeof(path), "%s/tests/data/grounding/automaker.json", BA_SOURCE_DIR);
	q = load_query(path);
	plan = make(cfg, q, &rc, NULL, 0);
	assert_int_equal(rc, 0);
	json_array_foreach(json_object_get(plan, "groundings"), i, g) {
		int meta = 0, rewrite = 0;
		if (strcmp(ba_json_str(g, "source", ""), "ds:076fdf72") || !json_is_true(json_object_get(g, "accepted")))
			continue;
		json_array_foreach(json_object_get(g, "transformation"), j, t) {
			meta |= !strcmp(ba_json_str(t, "tool", ""), "metadata_question");
			rewrite |= !strcmp(ba_json_str(t, "tool", ""), "question_rewrite");
		}
		assert_true(meta);
		assert_false(rewrite);
		assert_string_equal(ba_json_str(json_object_get(g, "field_map"), "answer", ""), "output.prediction");
		found++;
	}
	assert_true(found >= 1);
	json_decref(plan);
	json_decref(q);
	ba_config_free(cfg);
}

/* A type-B source whose only target is a box (Fall-Human-Detection: no
 * question, no answer role, a "Fall" box per sample): the box is the key,
 * asked for through metadata_question. */
static void test_type_b_box(void **state)
{
	char path[4096];
	ba_config *cfg = mock_config(NULL);
	json_t *q, *plan, *g, *t;
	size_t i, j;
	int rc, found = 0;

	(void)state;
	snprintf(path, sizeof(path), "%s/tests/data/grounding/fallen_box.json", BA_SOURCE_DIR);
	q = load_query(path);
	plan = make(cfg, q, &rc, NULL, 0);
	assert_int_equal(rc, 0);
	assert_string_equal(grounded(plan, "bounding box", NULL, 0), "ds:b06e6da3");
	json_array_foreach(json_object_get(plan, "groundings"), i, g) {
		if (strcmp(ba_json_str(g, "source", ""), "ds:b06e6da3"))
			continue;
		assert_string_equal(ba_json_str(json_object_get(g, "field_map"), "answer", ""), "output.bbox");
		json_array_foreach(json_object_get(g, "transformation"), j, t)
			if (!strcmp(ba_json_str(t, "tool", ""), "metadata_question")) {
				assert_string_equal(ba_json_str(t, "purpose", ""), "ask for the bounding box");
				found++;
			}
	}
	assert_int_equal(found, 1);
	json_decref(plan);
	json_decref(q);
	ba_config_free(cfg);
}

/* What the grounding agent is told about tools comes from the registered
 * table only: the tools offered by name in table order (with their notes
 * in the prompt), not the conversions; every registered tool is a step a
 * transformation may name, nothing else is. */
static void test_tool_list(void **state)
{
	static const ba_plan_tool_info t[] = { { "write", NULL, NULL, 1, NULL },
					       { "speak", "text", "audio", 0, NULL },
					       { "ask", NULL, NULL, 1, "a label per sample: ask for it" } };
	char *names, *noted;

	(void)state;
	ba_plan_register_tools(t, 3);
	names = ba_plan_tool_list(0);
	noted = ba_plan_tool_list(1);
	assert_string_equal(names, "write, ask");
	assert_string_equal(noted, "write, ask (a label per sample: ask for it)");
	assert_true(ba_plan_tool_known("speak"));
	assert_false(ba_plan_tool_known("context_construction"));
	free(names);
	free(noted);
	ba_plan_register_tools(NULL, 0);
	names = ba_plan_tool_list(1);
	assert_string_equal(names, "");
	assert_false(ba_plan_tool_known("write"));
	free(names);
	bt_plan_tools(NULL, 0);
}

static void test_modality_rule(void **state)
{
	static const ba_plan_tool_info tools[] = { { "speak", "text", "audio" }, { "crop", NULL, NULL } };
	json_t *text = json_pack("[s]", "text"), *ti = json_pack("[s, s]", "text", "image");
	json_t *ta = json_pack("[s, s]", "text", "audio"), *conv = json_pack("[s]", "audio"), *via = NULL;
	json_t *img = json_pack("[s]", "image");

	(void)state;
	bt_plan_tools(NULL, 0);
	assert_true(ba_plan_modality_fit(text, text, NULL, &via));
	assert_null(via);
	assert_false(ba_plan_modality_fit(text, ti, conv, &via));  /* image ignored by text items */
	assert_false(ba_plan_modality_fit(ta, text, conv, &via));  /* no tool can speak yet */
	bt_plan_tools(tools, 2);
	assert_true(ba_plan_tool_known("speak"));
	assert_true(ba_plan_modality_fit(ta, text, conv, &via)); /* the table has a text -> audio tool */
	assert_string_equal(ba_json_str(json_array_get(via, 0), "tool", ""), "speak");
	json_decref(via);
	assert_false(ba_plan_modality_fit(ta, text, NULL, &via)); /* the preferences did not allow it */
	assert_false(ba_plan_modality_fit(ti, text, img, &via)); /* no tool renders images */
	{
		/* one line in the table, and text grounds image subtasks */
		static const ba_plan_tool_info more[] = { { "speak", "text", "audio" }, { "draw", "text", "image" } };
		bt_plan_tools(more, 2);
		assert_true(ba_plan_modality_fit(ti, text, img, &via));
		assert_string_equal(ba_json_str(json_array_get(via, 0), "tool", ""), "draw");
		assert_string_equal(ba_json_str(json_array_get(via, 0), "from", ""), "text");
		assert_string_equal(ba_json_str(json_array_get(via, 0), "to", ""), "image");
		json_decref(via);
		assert_false(ba_plan_modality_fit(ti, text, conv, &via)); /* only audio allowed */
		assert_false(ba_plan_modality_fit(text, ti, img, &via));  /* never image -> text */
	}
	bt_plan_tools(NULL, 0);
	assert_false(ba_plan_tool_known("speak"));
	json_decref(text);
	json_decref(ti);
	json_decref(ta);
	json_decref(conv);
	json_decref(img);
}

static void test_search_explains(void **state)
{
	const char *roots[1] = { pool };
	ba_pool *p = NULL;
	ba_gen_registry *gens = NULL;
	ba_error err = BA_ERROR_INIT;
	json_t *hits, *h;

	(void)state;
	assert_int_equal(ba_pool_open(&p, roots, 1, 1, &err), 0);
	assert_int_equal(ba_gen_registry_new(&gens, NULL, &err), 0);
	assert_int_equal(ba_plan_sources_index(p, gens, NULL, NULL, NULL, &err), 0);
	hits = ba_plan_search(p, "which of two events in a news story happened first", NULL, 8);
	h = json_array_get(hits, 0);
	assert_string_equal(ba_json_str(h, "source", ""), "ds:ca4f9ec3");
	assert_non_null(json_object_get(json_object_get(h, "matched"), "event"));
	assert_non_null(strstr(ba_json_str(h, "why", ""), "'event' in name"));
	assert_true(ba_json_num(h, "score", 0) > 0 && ba_json_num(h, "score", 0) <= 1);
	json_decref(hits);
	/* a visual request never returns a text-only dataset */
	hits = ba_plan_search(p, "read the values of the bars in a chart image", NULL, 8);
	assert_true(json_array_size(hits) >= 1);
	{
		size_t i;
		json_array_foreach(hits, i, h) {
			size_t j;
			json_t *m;
			int img = 0;
			json_array_foreach(json_object_get(h, "modalities"), j, m)
				img |= !strcmp(json_string_value(m), "image");
			assert_true(img);
		}
	}
	assert_string_equal(ba_json_str(json_array_get(hits, 0), "source", ""), "gen:chart_reading");
	json_decref(hits);
	ba_gen_registry_free(gens);
	ba_pool_free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_shared_queries_grounded),
		cmocka_unit_test(test_multimodal_knowledge),
		cmocka_unit_test(test_speech_through_tts),
		cmocka_unit_test(test_image_through_render),
		cmocka_unit_test(test_nothing_fits_refused),
		cmocka_unit_test(test_request_alignment_floor),
		cmocka_unit_test(test_type_b_source),
		cmocka_unit_test(test_type_b_box),
		cmocka_unit_test(test_modality_rule),
		cmocka_unit_test(test_tool_list),
		cmocka_unit_test(test_search_explains),
	};
	return cmocka_run_group_tests(tests, setup, NULL);
}
