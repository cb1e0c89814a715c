/*
 * test_exec_tools.c - the executor's tool table and pure tools: argument
 * schemas, choice shuffling with balanced positions, answer normalisation,
 * image crop/degrade, and the tool memo (a rerun skips the tool).
 */
#include "support.h"
#include "benchagent/exec.h"
#include "benchagent/config.h"
#include "benchagent/fs.h"
#include "benchagent/json.h"
#include "benchagent/llm.h"
#include "benchagent/plan.h"
#include "benchagent/store.h"

#include <cairo.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static json_t *J(const char *txt)
{
	json_t *j = json_loads(txt, 0, NULL);
	assert_non_null(j);
	return j;
}

static void test_table(void **state)
{
	size_t n, i, llm = 0, pure = 0;
	const ba_tool *t = ba_tool_table(&n);
	static const char *want[] = { "context_construction", "question_rewrite", "dialogue_synthesis",
				      "reasoning_transform", "distractor_writing", "choice_shuffle",
				      "answer_normalize", "image_crop", "image_degrade", "metadata_question",
				      "text_to_speech", "audio_noise", "audio_effect", "render_text_image", "ocr_check", NULL };
	(void)state;
	for (i = 0; want[i]; i++)
		assert_non_null(ba_tool_find(want[i]));
	assert_null(ba_tool_find("rm_rf"));
	for (i = 0; i < n; i++) {
		json_t *s = json_loads(t[i].args_schema, 0, NULL), *d = json_loads(t[i].default_args, 0, NULL);
		assert_non_null(s);
		assert_non_null(d);
		/* each tool's default args satisfy its own schema */
		assert_int_equal(ba_tool_check_args(&t[i], d, NULL), 0);
		json_decref(s);
		json_decref(d);
		if (t[i].kind == BA_TOOL_LLM)
			llm++;
		else
			pure++;
	}
	assert_int_equal(llm, 5);
	assert_int_equal(pure, 10); /* + metadata_question (type-B sources), 3 audio tools, render_text_image, ocr_check */
	{
		ba_error e = BA_ERROR_INIT;
		json_t *bad = J("{\"kind\":\"melt\",\"severity\":9}");
		assert_int_not_equal(ba_tool_check_args(ba_tool_find("image_degrade"), bad, &e), 0);
		assert_non_null(strstr(e.msg, "image_degrade"));
		json_decref(bad);
	}
}

/* The planner sees this table and nothing else: every entry is a step a
 * plan may name, and the grounding agent is offered by name exactly the
 * entries marked .planner (no conversion among them), in table order. */
static void test_table_registered_with_planner(void **state)
{
	size_t n, i;
	const ba_tool *t = ba_tool_table(&n);
	char *names = ba_plan_tool_list(0), *noted = ba_plan_tool_list(1);
	char want[4096] = "";
	int offered = 0;

	(void)state;
	for (i = 0; i < n; i++) {
		assert_true(ba_plan_tool_known(t[i].name));
		if (!t[i].planner)
			continue;
		assert_null(t[i].consumes);
		snprintf(want + strlen(want), sizeof(want) - strlen(want), "%s%s", offered++ ? ", " : "", t[i].name);
	}
	assert_string_equal(names, want);
	assert_int_equal(offered, 10);
	assert_non_null(strstr(names, "metadata_question"));
	assert_null(strstr(names, "text_to_speech"));
	/* the prompt's list carries the notes */
	assert_non_null(strstr(noted, "metadata_question (a source with no ready question"));
	assert_false(ba_plan_tool_known("rm_rf"));
	free(names);
	free(noted);
}

static void test_shuffle_balanced(void **state)
{
	json_t *sub = J("{\"id\":\"st1\"}");
	int pos[4] = { 0 };
	long k;
	(void)state;
	for (k = 0; k < 40; k++) {
		ba_tool_ctx c = { 0 };
		json_t *out = NULL, *in = J("{\"question\":\"q\",\"choices\":[\"right\",\" wrong one \",\"other\",\"third\"],"
		       "\"answer\":\"A\",\"answer_type\":\"choice\"}");
		c.seed = (uint64_t)(1000 + k);
		c.ordinal = k;
		c.subtask = sub;
		assert_int_equal(ba_tool_run(&c, "choice_shuffle", NULL, in, &out, NULL), 0);
		{
			const char *a = ba_json_str(out, "answer", "");
			int li = a[0] - 'A';
			assert_true(li >= 0 && li < 4);
			assert_string_equal(json_string_value(json_array_get(json_object_get(out, "choices"), (size_t)li)),
					    "right");
			assert_string_equal(ba_json_str(out, "answer_text", ""), "right");
			pos[li]++;
		}
		json_decref(in);
		json_decref(out);
	}
	/* 40 items, 4 options: exactly 10 per position */
	assert_int_equal(pos[0], 10);
	assert_int_equal(pos[1], 10);
	assert_int_equal(pos[2], 10);
	assert_int_equal(pos[3], 10);
	json_decref(sub);
}

static void test_shuffle_dedup_and_errors(void **state)
{
	ba_tool_ctx c = { 0 };
	ba_error e = BA_ERROR_INIT;
	json_t *in = J("{\"question\":\"q\",\"choices\":[\"Paris\",\"paris.\",\"Lyon\",\"\"],\"answer\":\"A\","
		       "\"answer_type\":\"choice\"}"), *out = NULL;
	(void)state;
	assert_int_equal(ba_tool_run(&c, "choice_shuffle", NULL, in, &out, NULL), 0);
	/* the copy of the answer and the empty option are gone */
	assert_int_equal(json_array_size(json_object_get(out, "choices")), 2);
	json_decref(out);
	json_decref(in);
	/* "A. " labels carried by every option are stripped */
	in = J("{\"question\":\"q\",\"choices\":[\"A. right\",\"B. wrong\",\"C. other\"],\"answer\":\"A\","
	       "\"answer_type\":\"choice\"}");
	assert_int_equal(ba_tool_run(&c, "choice_shuffle", NULL, in, &out, NULL), 0);
	assert_string_equal(ba_json_str(out, "answer_text", ""), "right");
	{
		size_t k;
		for (k = 0; k < 3; k++)
			assert_null(strstr(json_string_value(json_array_get(json_object_get(out, "choices"), k)), ". "));
	}
	json_decref(out);
	json_decref(in);
	/* options written into the question (Chemistry VQA's options role is
	 * its question) become the item's options, cut out of the stem */
	in = J("{\"question\":\"Which solution is denser? The candidate choices are ['Solution B', 'Solution A', "
	       "'neither']. \",\"answer\":\"Solution A\",\"answer_type\":\"choice\"}");
	assert_int_equal(ba_tool_run(&c, "choice_shuffle", NULL, in, &out, NULL), 0);
	assert_int_equal(json_array_size(json_object_get(out, "choices")), 3);
	assert_string_equal(ba_json_str(out, "question", ""), "Which solution is denser?");
	assert_string_equal(ba_json_str(out, "answer_text", ""), "Solution A");
	assert_string_equal(json_string_value(json_array_get(json_object_get(out, "choices"),
							     (size_t)(ba_json_str(out, "answer", "A")[0] - 'A'))),
			    "Solution A");
	json_decref(out);
	json_decref(in);
	in = J("{\"question\":\"no options here\",\"answer\":\"x\",\"answer_type\":\"choice\"}");
	assert_int_equal(ba_tool_run(&c, "choice_shuffle", NULL, in, &out, &e), BA_EINVAL);
	assert_non_null(strstr(e.msg, "0 option(s)"));
	json_decref(in);
	in = J("{\"question\":\"q\",\"choices\":[\"x\",\"y\"],\"answer\":\"zebra\",\"answer_type\":\"choice\"}");
	assert_int_equal(ba_tool_run(&c, "choice_shuffle", NULL, in, &out, &e), BA_EINVAL);
	assert_non_null(strstr(e.msg, "no option matches"));
	json_decref(in);
}

static void norm_case(const char *item, const char *args, const char *want_answer, int want_rc)
{
	ba_tool_ctx c = { 0 };
	json_t *in = J(item), *a = J(args), *out = NULL;
	int rc = ba_tool_run(&c, "answer_normalize", a, in, &out, NULL);
	assert_int_equal(rc, want_rc);
	if (rc == 0)
		assert_string_equal(ba_json_str(out, "answer", ""), want_answer);
	json_decref(out);
	json_decref(in);
	json_decref(a);
}

static void test_answer_normalize(void **state)
{
	(void)state;
	norm_case("{\"question\":\"q\",\"answer\":\" 1,234.50 \",\"answer_type\":\"numeric\"}", "{}", "1234.5", 0);
	norm_case("{\"question\":\"q\",\"answer\":\"about ten\",\"answer_type\":\"numeric\"}", "{}", "", BA_EINVAL);
	norm_case("{\"question\":\"q\",\"answer\":\"True\",\"answer_type\":\"binary\"}", "{}", "yes", 0);
	norm_case("{\"question\":\"q\",\"answer\":\"(b)\",\"choices\":[\"x\",\"y\"],\"answer_type\":\"choice\"}", "{}", "B", 0);
	norm_case("{\"question\":\"q\",\"answer\":\"Y\",\"choices\":[\"x\",\"y\"],\"answer_type\":\"choice\"}",
		  "{\"format\":\"letter\"}", "B", 0);
	norm_case("{\"question\":\"q\",\"answer\":\"  Land   Rover. \",\"answer_type\":\"label\"}", "{}", "Land Rover", 0);
	/* inline options in the stem become choices and leave the stem */
	{
		ba_tool_ctx c = { 0 };
		json_t *in = J("{\"question\":\"Which solution has more particles? The candidate choices are "
			       "['Solution B', 'Solution A', 'neither; their concentrations are the same'].\","
			       "\"answer\":\"Solution A\",\"answer_type\":\"choice\"}"), *out = NULL;
		assert_int_equal(ba_tool_run(&c, "answer_normalize", NULL, in, &out, NULL), 0);
		assert_string_equal(ba_json_str(out, "answer", ""), "B");
		assert_int_equal(json_array_size(json_object_get(out, "choices")), 3);
		assert_string_equal(ba_json_str(out, "question", ""), "Which solution has more particles?");
		json_decref(out);
		json_decref(in);
	}
}

/* A 64x48 PNG with a left red and right blue half, put into the store. */
static json_t *image_item(ba_store *st)
{
	cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, 64, 48);
	cairo_t *cr = cairo_create(s);
	char *tmp = bt_tmpdir("img"), *p = NULL, sha[65], *rel = NULL, *data;
	json_t *it;
	size_t n;
	FILE *f;

	cairo_set_source_rgb(cr, 1, 0, 0);
	cairo_rectangle(cr, 0, 0, 32, 48);
	cairo_fill(cr);
	cairo_set_source_rgb(cr, 0, 0, 1);
	cairo_rectangle(cr, 32, 0, 32, 48);
	cairo_fill(cr);
	cairo_destroy(cr);
	p = malloc(strlen(tmp) + 16);
	snprintf(p, strlen(tmp) + 16, "%s/a.png", tmp);
	assert_int_equal(cairo_surface_write_to_png(s, p), CAIRO_STATUS_SUCCESS);
	cairo_surface_destroy(s);
	data = bt_read(p);
	f = fopen(p, "rb");
	fseek(f, 0, SEEK_END);
	n = (size_t)ftell(f);
	fclose(f);
	assert_int_equal(ba_media_put(st, data, n, "png", "image/png", sha, &rel, NULL), 0);
	it = json_pack("{s:s, s:s, s:s, s:[{s:s, s:s, s:s}]}", "question", "What colour?", "answer", "red",
		       "answer_type", "label", "media", "type", "image", "path", rel, "sha256", sha);
	free(data);
	free(rel);
	free(p);
	bt_rmrf(tmp);
	free(tmp);
	return it;
}

static void test_images(void **state)
{
	char *ws = bt_tmpdir("exec-img");
	ba_store *st = NULL;
	json_t *in, *out = NULL, *args;
	ba_tool_ctx c = { 0 };
	const char *kinds[] = { "blur", "noise", "jpeg", "occlusion", "brightness", "contrast", NULL };
	size_t i;
	(void)state;

	assert_int_equal(ba_store_open(&st, ws, NULL), 0);
	c.st = st;
	c.seed = 7;
	in = image_item(st);
	args = J("{\"box\":[0.0,0.0,0.5,1.0],\"mode\":\"crop\"}");
	assert_int_equal(ba_tool_run(&c, "image_crop", args, in, &out, NULL), 0);
	{
		const char *sha = ba_json_str(json_array_get(json_object_get(out, "media"), 0), "sha256", "");
		char *p = ba_media_path(st, sha);
		cairo_surface_t *s = cairo_image_surface_create_from_png(p);
		unsigned char *d;
		assert_int_equal(cairo_image_surface_get_width(s), 32);
		assert_int_equal(cairo_image_surface_get_height(s), 48);
		d = cairo_image_surface_get_data(s);
		/* only the red half is left */
		assert_int_equal(((uint32_t *)d)[31] & 0xffffff, 0xff0000);
		cairo_surface_destroy(s);
		free(p);
		assert_string_not_equal(sha, ba_json_str(json_array_get(json_object_get(in, "media"), 0), "sha256", ""));
	}
	json_decref(out);
	json_decref(args);
	for (i = 0; kinds[i]; i++) {
		char *a = NULL;
		int sev;
		char prev[65] = "";
		for (sev = 1; sev <= 5; sev += 4) {
			const char *sha;
			args = json_pack("{s:s, s:i}", "kind", kinds[i], "severity", sev);
			assert_int_equal(ba_tool_run(&c, "image_degrade", args, in, &out, NULL), 0);
			sha = ba_json_str(json_array_get(json_object_get(out, "media"), 0), "sha256", "");
			assert_int_equal(strlen(sha), 64);
			/* severity changes the result */
			assert_string_not_equal(sha, prev);
			snprintf(prev, sizeof(prev), "%s", sha);
			json_decref(out);
			json_decref(args);
		}
		free(a);
	}
	/* degrading an item without image fails clearly */
	{
		ba_error e = BA_ERROR_INIT;
		json_t *noimg = J("{\"question\":\"q\",\"answer\":\"a\",\"answer_type\":\"short\"}");
		args = J("{\"kind\":\"blur\"}");
		assert_int_equal(ba_tool_run(&c, "image_degrade", args, noimg, &out, &e), BA_EINVAL);
		assert_non_null(strstr(e.msg, "no image"));
		json_decref(noimg);
		json_decref(args);
	}
	json_decref(in);
	ba_store_close(st);
	bt_rmrf(ws);
	free(ws);
}

static void test_memo(void **state)
{
	char *ws = bt_tmpdir("exec-memo");
	ba_store *st = NULL;
	ba_tool_ctx c = { 0 };
	json_t *in = J("{\"question\":\"q\",\"choices\":[\"a\",\"b\",\"c\"],\"answer\":\"A\",\"answer_type\":\"choice\"}");
	json_t *o1 = NULL, *o2 = NULL;
	(void)state;

	assert_int_equal(ba_store_open(&st, ws, NULL), 0);
	c.st = st;
	c.seed = 99;
	c.ordinal = 5;
	assert_int_equal(ba_tool_run(&c, "choice_shuffle", NULL, in, &o1, NULL), 0);
	assert_int_equal(c.cached, 0);
	assert_int_equal(ba_tool_run(&c, "choice_shuffle", NULL, in, &o2, NULL), 0);
	assert_int_equal(c.cached, 1);
	assert_true(json_equal(o1, o2));
	json_decref(o1);
	json_decref(o2);
	/* a different input is a different memo entry */
	c.ordinal = 6;
	assert_int_equal(ba_tool_run(&c, "choice_shuffle", NULL, in, &o1, NULL), 0);
	assert_int_equal(c.cached, 0);
	json_decref(o1);
	/* an LLM tool without a gateway fails with a clear message */
	{
		ba_error e = BA_ERROR_INIT;
		assert_int_equal(ba_tool_run(&c, "question_rewrite", NULL, in, &o1, &e), BA_EINVAL);
		assert_non_null(strstr(e.msg, "needs a model"));
	}
	json_decref(in);
	ba_store_close(st);
	bt_rmrf(ws);
	free(ws);
}


/* A JPEG from the real pool is decoded, degraded with a JPEG round trip
 * and stored as PNG. */
static void test_jpeg_source(void **state)
{
	char *ws = bt_tmpdir("exec-jpeg"), path[1024], sha[65], *rel = NULL;
	ba_store *st = NULL;
	ba_buf b = BA_BUF_INIT(64u << 20);
	ba_tool_ctx c = { 0 };
	json_t *in, *out = NULL, *args;
	(void)state;

	snprintf(path, sizeof(path),
		 "%s/datasets/general-bench-subset/datasets/image/ArtImageVisualQuestionAnswering/images/00418-4saints2.jpg",
		 bt_shared());
	assert_int_equal(ba_store_open(&st, ws, NULL), 0);
	assert_int_equal(ba_fs_read(path, &b, NULL), 0);
	assert_int_equal(ba_media_put(st, b.ptr, b.len, "jpg", "image/jpeg", sha, &rel, NULL), 0);
	in = json_pack("{s:s, s:s, s:s, s:[{s:s, s:s, s:s}]}", "question", "Who stands in the middle?", "answer",
		       "saints", "answer_type", "short", "media", "type", "image", "path", rel, "sha256", sha);
	c.st = st;
	c.seed = 3;
	args = json_pack("{s:s, s:i}", "kind", "jpeg", "severity", 5);
	assert_int_equal(ba_tool_run(&c, "image_degrade", args, in, &out, NULL), 0);
	{
		json_t *m = json_array_get(json_object_get(out, "media"), 0);
		char *p = ba_media_path(st, ba_json_str(m, "sha256", ""));
		cairo_surface_t *s = cairo_image_surface_create_from_png(p);
		assert_int_equal(cairo_surface_status(s), CAIRO_STATUS_SUCCESS);
		assert_true(cairo_image_surface_get_width(s) > 10);
		cairo_surface_destroy(s);
		free(p);
		assert_non_null(strstr(ba_json_str(m, "path", ""), ".png"));
	}
	json_decref(out);
	json_decref(args);
	/* a file that is not an image fails clearly */
	{
		ba_error e = BA_ERROR_INIT;
		json_t *bad;
		free(rel);
		rel = NULL;
		assert_int_equal(ba_media_put(st, "not an image", 12, "png", "image/png", sha, &rel, NULL), 0);
		bad = json_pack("{s:s, s:s, s:s, s:[{s:s, s:s, s:s}]}", "question", "q", "answer", "a", "answer_type",
				"short", "media", "type", "image", "path", rel, "sha256", sha);
		args = json_pack("{s:s}", "kind", "blur");
		assert_int_not_equal(ba_tool_run(&c, "image_degrade", args, bad, &out, &e), 0);
		assert_non_null(strstr(e.msg, "not a PNG or JPEG"));
		json_decref(args);
		json_decref(bad);
	}
	json_decref(in);
	free(rel);
	ba_buf_free(&b);
	ba_store_close(st);
	bt_rmrf(ws);
	free(ws);
}

static int blank_question(void *ud, const ba_llm_request *req, uint64_t seed, ba_llm_response *resp)
{
	(void)ud;
	(void)req;
	(void)seed;
	resp->json = json_pack("{s:s, s:s, s:s, s:[s, s]}", "question", "   ", "context", "", "explanation", "",
			       "distractors", "Paris", "paris");
	return 0;
}

/* The LLM tools through the mock gateway: each sets only its own fields,
 * the answer never changes, bad replies fail with a clear message. */
static void test_llm_tools(void **state)
{
	char *ws = bt_tmpdir("exec-llm");
	ba_store *st = NULL;
	ba_config *cfg;
	ba_gateway *gw = NULL;
	ba_tool_ctx c = { 0 };
	json_t *in, *out = NULL, *sub;
	static const char *tools[] = { "context_construction", "question_rewrite", "dialogue_synthesis",
				       "reasoning_transform", "distractor_writing", NULL };
	size_t i;
	(void)state;

	unsetenv("OPENAI_API_KEY");
	unsetenv("OPENAI_BASE_URL");
	assert_int_equal(ba_store_open(&st, ws, NULL), 0);
	cfg = ba_config_default();
	ba_exec_register_mocks();
	ba_mock_register("blank", blank_question, NULL);
	assert_int_equal(ba_gateway_new(&gw, cfg, st, NULL, NULL), 0);
	sub = json_pack("{s:s, s:s, s:s, s:s}", "id", "st1", "name", "capitals", "description", "capital cities",
			"answer_type", "choice");
	in = json_pack("{s:s, s:s, s:s, s:s, s:{s:[s, s, s, s]}}", "question", "Which city is the capital of France?",
		       "context", "France is a country in Europe. Its government sits in Paris.", "answer", "Paris",
		       "answer_type", "short", "aux", "answer_pool", "Lyon", "Paris", "Berlin", "Madrid");
	c.gw = gw;
	c.st = st;
	c.subtask = sub;
	c.seed = 1;
	for (i = 0; tools[i]; i++) {
		json_t *args = json_loads(ba_tool_find(tools[i])->default_args, 0, NULL);
		ba_error e = BA_ERROR_INIT;
		if (ba_tool_run(&c, tools[i], args, in, &out, &e) != 0)
			fail_msg("%s: %s", tools[i], e.msg);
		assert_true(c.mock);
		assert_string_equal(c.model, "mock/mock");
		if (strcmp(tools[i], "distractor_writing") == 0) {
			json_t *ch = json_object_get(out, "choices");
			size_t j;
			assert_string_equal(ba_json_str(out, "answer", ""), "A");
			assert_string_equal(ba_json_str(out, "answer_text", ""), "Paris");
			assert_int_equal(json_array_size(ch), 4);
			for (j = 1; j < 4; j++)
				assert_string_not_equal(json_string_value(json_array_get(ch, j)), "Paris");
		} else {
			assert_string_equal(ba_json_str(out, "answer", ""), "Paris");
			assert_null(json_object_get(out, "choices"));
		}
		if (strcmp(tools[i], "dialogue_synthesis") == 0)
			assert_non_null(strstr(ba_json_str(out, "context", ""), "A: "));
		json_decref(out);
		json_decref(args);
	}
	/* a blank reply is refused; distractors equal to the answer are dropped */
	c.role = "blank";
	{
		ba_error e = BA_ERROR_INIT;
		assert_int_equal(ba_tool_run(&c, "question_rewrite", NULL, in, &out, &e), BA_EINVAL);
		assert_non_null(strstr(e.msg, "'question' is empty"));
		assert_int_equal(ba_tool_run(&c, "distractor_writing", NULL, in, &out, &e), BA_EINVAL);
		assert_non_null(strstr(e.msg, "no usable distractor"));
	}
	json_decref(in);
	json_decref(sub);
	ba_gateway_free(gw);
	ba_config_free(cfg);
	ba_store_close(st);
	bt_rmrf(ws);
	free(ws);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_table_registered_with_planner),
		cmocka_unit_test(test_shuffle_balanced),
		cmocka_unit_test(test_shuffle_dedup_and_errors),
		cmocka_unit_test(test_answer_normalize),
		cmocka_unit_test(test_images),
		cmocka_unit_test(test_memo),
		cmocka_unit_test(test_jpeg_source),
		cmocka_unit_test(test_llm_tools),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
