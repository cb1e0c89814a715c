/*
 * test_exec_render.c - render_text_image, the executor's text -> image
 * conversion: a passage, a table, a list and a dialogue become stored
 * PNGs (checked by decoding the file: size, ink where the text is) that
 * tesseract reads back (the recall is on the media entry), the rendered
 * text leaves the item, a question that repeats it is refused, text that
 * cannot be read back is refused, and the tool is in the table as a
 * text -> image conversion the planner sees.
 * BA_RENDER_KEEP=DIR copies the PNGs there for a look.
 */
#include "support.h"
#include "benchagent/audio.h"
#include "benchagent/exec.h"
#include "benchagent/json.h"
#include "benchagent/plan.h"
#include "benchagent/store.h"

#include <cairo.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static ba_store *st;
static char *ws;

static int setup(void **state)
{
	(void)state;
	ws = bt_tmpdir("render");
	assert_int_equal(ba_store_open(&st, ws, NULL), 0);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	ba_store_close(st);
	bt_rmrf(ws);
	free(ws);
	return 0;
}

static json_t *J(const char *txt)
{
	json_t *j = json_loads(txt, 0, NULL);
	assert_non_null(j);
	return j;
}

/* Render item (JSON text) with args; rc out; the output (or NULL). */
static json_t *render(const char *item, const char *args, int *rc, char *msg, size_t msgn)
{
	ba_tool_ctx c = { 0 };
	ba_error e = BA_ERROR_INIT;
	json_t *in = J(item), *a = J(args), *out = NULL;

	c.st = st;
	c.seed = 3;
	*rc = ba_tool_run(&c, "render_text_image", a, in, &out, &e);
	if (msg)
		snprintf(msg, msgn, "%s", e.msg);
	json_decref(in);
	json_decref(a);
	return out;
}

/* The image entry of an output, its file decoded: width, height and the
 * share of dark pixels (the text's ink). */
static const json_t *image_of(const json_t *out, int *w, int *h, double *ink, const char *keep_as)
{
	const json_t *m = json_array_get(json_object_get(out, "media"), json_array_size(json_object_get(out, "media")) - 1);
	char *path;
	cairo_surface_t *s;
	unsigned char *px;
	int x, y, stride;
	long dark = 0;

	assert_string_equal(ba_json_str(m, "type", ""), "image");
	assert_string_equal(ba_json_str(m, "mime", ""), "image/png");
	path = ba_media_path(st, ba_json_str(m, "sha256", ""));
	assert_non_null(path);
	s = cairo_image_surface_create_from_png(path);
	assert_int_equal(cairo_surface_status(s), CAIRO_STATUS_SUCCESS);
	*w = cairo_image_surface_get_width(s);
	*h = cairo_image_surface_get_height(s);
	stride = cairo_image_surface_get_stride(s);
	px = cairo_image_surface_get_data(s);
	for (y = 0; y < *h; y++)
		for (x = 0; x < *w; x++)
			dark += (px[(size_t)y * stride + 4 * x + 1] < 100);
	*ink = (double)dark / ((double)*w * *h);
	if (getenv("BA_RENDER_KEEP")) {
		char dst[4096];
		snprintf(dst, sizeof(dst), "%s/%s.png", getenv("BA_RENDER_KEEP"), keep_as);
		cairo_surface_write_to_png(s, dst);
	}
	cairo_surface_destroy(s);
	free(path);
	return m;
}

static void test_passage(void **state)
{
	int rc, w, h;
	double ink;
	const json_t *m;
	json_t *out;
	char *ocr = NULL;

	(void)state;
	out = render("{\"question\":\"Which happened first?\",\"context\":\"The council approved the new bridge "
		     "in March after a long debate. Construction began in June, and the first cars crossed it "
		     "two years later, on a rainy Tuesday in October.\",\"choices\":[\"the approval\","
		     "\"the construction\"],\"answer\":\"A\",\"answer_type\":\"choice\"}",
		     "{}", &rc, NULL, 0);
	assert_int_equal(rc, 0);
	/* the passage is in the picture only */
	assert_null(json_object_get(out, "context"));
	assert_string_equal(ba_json_str(out, "question", ""), "Which happened first?");
	m = image_of(out, &w, &h, &ink, "passage");
	assert_int_equal(w, 900);
	assert_int_equal(json_integer_value(json_object_get(m, "width")), w);
	assert_int_equal(json_integer_value(json_object_get(m, "height")), h);
	assert_true(h > 60 && h < 400); /* a few wrapped lines */
	assert_true(ink > 0.005 && ink < 0.3);
	assert_string_equal(ba_json_str(json_object_get(m, "rendered"), "from", ""), "context");
	assert_int_equal(ba_json_int(json_object_get(m, "rendered"), "words", 0), 31);
	assert_true(ba_json_num(json_object_get(m, "ocr"), "recall", 0) >= 0.9);
	/* read back independently of the tool's own reading */
	{
		char *path = ba_media_path(st, ba_json_str(m, "sha256", ""));
		assert_int_equal(ba_ocr_file(path, 1, &ocr, NULL), 0);
		assert_true(ba_ocr_contains(ocr, "Construction began in June"));
		free(path);
		free(ocr);
	}
	json_decref(out);
}

static void test_table_list_dialogue(void **state)
{
	int rc, w, h;
	double ink;
	const json_t *m, *lay;
	json_t *out;

	(void)state;
	out = render("{\"question\":\"Which city had the most rain?\",\"context\":\"Rainfall in 2023:\\n"
		     "| City | January | July |\\n|---|---|---|\\n| Lisbon | 96 mm | 4 mm |\\n"
		     "| Bergen | 243 mm | 141 mm |\\n| Madrid | 33 mm | 12 mm |\\nFigures from the national weather offices.\","
		     "\"answer\":\"Bergen\",\"answer_type\":\"short\"}",
		     "{}", &rc, NULL, 0);
	assert_int_equal(rc, 0);
	m = image_of(out, &w, &h, &ink, "table");
	lay = json_object_get(json_object_get(m, "rendered"), "layout");
	assert_int_equal(ba_json_int(lay, "tables", 0), 1);
	assert_int_equal(ba_json_int(lay, "rows", 0), 4);      /* header + 3, the rule line dropped */
	assert_int_equal(ba_json_int(lay, "paragraphs", 0), 2); /* the title and the source line */
	assert_true(ba_json_num(json_object_get(m, "ocr"), "recall", 0) >= 0.9);
	json_decref(out);

	out = render("{\"question\":\"What does Ann bring?\",\"context\":\"Ann: I will bring the salad and two "
		     "lemons.\\nBen: Then I bring bread.\\n- picnic at noon\\n- meet at the north gate\\n"
		     "1. bring a blanket\\n2) check the weather\",\"answer\":\"the salad\",\"answer_type\":\"short\"}",
		     "{\"font_size\":24}", &rc, NULL, 0);
	assert_int_equal(rc, 0);
	m = image_of(out, &w, &h, &ink, "dialogue_list");
	lay = json_object_get(json_object_get(m, "rendered"), "layout");
	assert_int_equal(ba_json_int(lay, "dialogue_lines", 0), 2);
	assert_int_equal(ba_json_int(lay, "list_items", 0), 4);
	assert_true(ba_json_num(json_object_get(m, "ocr"), "recall", 0) >= 0.9);
	json_decref(out);
}

static void test_refusals(void **state)
{
	char msg[1024], big[20000];
	int rc, i;
	size_t n = 0;
	json_t *out;

	(void)state;
	/* the question repeats the passage: the image would not be needed */
	out = render("{\"question\":\"The council approved the new bridge in March: when?\",\"context\":\"The "
		     "council approved the new bridge in March after a long debate.\",\"answer\":\"March\","
		     "\"answer_type\":\"short\"}", "{}", &rc, msg, sizeof(msg));
	assert_int_equal(rc, BA_EINVAL);
	assert_null(out);
	assert_non_null(strstr(msg, "repeat the rendered text"));
	/* an option carrying the passage leaks it as well */
	out = render("{\"question\":\"When?\",\"context\":\"The council approved the new bridge in March after "
		     "a long debate.\",\"choices\":[\"the council approved the new bridge in March\",\"June\"],"
		     "\"answer\":\"A\",\"answer_type\":\"choice\"}", "{}", &rc, msg, sizeof(msg));
	assert_int_equal(rc, BA_EINVAL);
	/* words cut across lines (at 48 px in a narrow picture) are not read
	 * back: refused as not legible, nothing made */
	out = render("{\"question\":\"q?\",\"context\":\"Pneumonoultramicroscopicsilicovolcanoconiosis "
		     "floccinaucinihilipilification antidisestablishmentarianism "
		     "supercalifragilisticexpialidocious\",\"answer\":\"a\",\"answer_type\":\"short\"}",
		     "{\"width\":320,\"font_size\":48,\"min_recall\":1}", &rc, msg, sizeof(msg));
	assert_int_equal(rc, BA_EINVAL);
	assert_null(out);
	assert_non_null(strstr(msg, "not legible"));
	/* nothing to render; too much to render */
	out = render("{\"question\":\"\",\"answer\":\"a\",\"answer_type\":\"short\"}", "{}", &rc, msg, sizeof(msg));
	assert_int_equal(rc, BA_EINVAL);
	assert_non_null(strstr(msg, "0 words"));
	n += (size_t)snprintf(big + n, sizeof(big) - n, "{\"question\":\"q?\",\"answer\":\"a\",\"context\":\"");
	for (i = 0; i < 1600; i++)
		n += (size_t)snprintf(big + n, sizeof(big) - n, "word ");
	snprintf(big + n, sizeof(big) - n, "\"}");
	out = render(big, "{}", &rc, msg, sizeof(msg));
	assert_int_equal(rc, BA_EINVAL);
	assert_non_null(strstr(msg, "1600 words"));
}

/* News markup (<DOC ...>, <P>) is not rendered; a question that named
 * the passage by the dataset's placeholder names the image instead. */
static void test_markup(void **state)
{
	int rc, w, h;
	double ink;
	const json_t *m;
	json_t *out;
	char *path, *ocr = NULL;

	(void)state;
	out = render("{\"question\":\"<<<raw_text>>>. Which came first, the vote or the strike?\",\"context\":"
		     "\"<DOC id=\\\"NYT_1\\\" type=\\\"story\\\"\\nfrom_file=\\\"/a/b.xml\\\">\\n<TEXT>\\n<P>\\nThe union voted "
		     "on Monday. </P>\\n<P>\\nThe strike began a week later.\\n</P>\\n</TEXT>\",\"answer\":\"the vote\","
		     "\"answer_type\":\"short\"}", "{}", &rc, NULL, 0);
	assert_int_equal(rc, 0);
	assert_string_equal(ba_json_str(out, "question", ""),
			    "[the text in the image]. Which came first, the vote or the strike?");
	m = image_of(out, &w, &h, &ink, "markup");
	assert_int_equal(ba_json_int(json_object_get(m, "rendered"), "words", 0), 11);
	path = ba_media_path(st, ba_json_str(m, "sha256", ""));
	assert_int_equal(ba_ocr_file(path, 1, &ocr, NULL), 0);
	assert_true(ba_ocr_contains(ocr, "The union voted on Monday"));
	assert_null(strstr(ocr, "DOC"));
	assert_null(strstr(ocr, "TEXT"));
	free(ocr);
	free(path);
	json_decref(out);
	/* entities decoded, cp1252 punctuation stored as C1 controls mapped
	 * (U+0092: an apostrophe), one "Headline: more" line is no dialogue */
	out = render("{\"question\":\"Who merges?\",\"context\":\"Law firms: Orrick &amp; Sutcliffe talk\\n"
		     "The firm\\u0092s partners agreed on Monday.\",\"answer\":\"Orrick\",\"answer_type\":\"short\"}",
		     "{}", &rc, NULL, 0);
	assert_int_equal(rc, 0);
	m = image_of(out, &w, &h, &ink, "entities");
	assert_int_equal(ba_json_int(json_object_get(json_object_get(m, "rendered"), "layout"), "dialogue_lines", 0), 0);
	path = ba_media_path(st, ba_json_str(m, "sha256", ""));
	assert_int_equal(ba_ocr_file(path, 1, &ocr, NULL), 0);
	assert_null(strstr(ocr, "amp"));
	assert_true(ba_ocr_contains(ocr, "partners agreed on Monday"));
	free(ocr);
	free(path);
	json_decref(out);
}

/* The question itself rendered: the item's question then points at the
 * picture; the same input makes the same file (content-addressed). */
static void test_question_source(void **state)
{
	int rc, w, h;
	double ink;
	json_t *out, *again;
	const char *item = "{\"question\":\"How many legs does a spider have?\",\"answer\":\"8\",\"answer_type\":\"numeric\"}";

	(void)state;
	out = render(item, "{\"source\":\"question\"}", &rc, NULL, 0);
	assert_int_equal(rc, 0);
	assert_non_null(strstr(ba_json_str(out, "question", ""), "image"));
	image_of(out, &w, &h, &ink, "question");
	again = render(item, "{\"source\":\"question\"}", &rc, NULL, 0);
	assert_string_equal(ba_json_str(json_array_get(json_object_get(out, "media"), 0), "sha256", "x"),
			    ba_json_str(json_array_get(json_object_get(again, "media"), 0), "sha256", "y"));
	json_decref(out);
	json_decref(again);
}

/* The tool is a text -> image conversion of the table, and the planner's
 * registry (filled from the table when the executor is linked in) has it. */
static void test_in_table(void **state)
{
	const ba_tool *t = ba_tool_find("render_text_image");
	json_t *conv = ba_plan_conversions(), *c;
	size_t i;
	int found = 0;

	(void)state;
	assert_non_null(t);
	assert_string_equal(t->consumes, "text");
	assert_string_equal(t->produces, "image");
	json_array_foreach(conv, i, c)
		found += !strcmp(ba_json_str(c, "tool", ""), "render_text_image") &&
			 !strcmp(ba_json_str(c, "from", ""), "text") && !strcmp(ba_json_str(c, "to", ""), "image");
	assert_int_equal(found, 1);
	json_decref(conv);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_passage),
		cmocka_unit_test(test_table_list_dialogue),
		cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_markup),
		cmocka_unit_test(test_question_source),
		cmocka_unit_test(test_in_table),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
