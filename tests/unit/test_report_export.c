/*
 * test_report_export.c - exports of a small benchmark folder to HF,
 * lm-eval, inspect_ai and OpenAI batch formats; exact choice conversion;
 * refusal of unconvertible answers and unsafe media paths.
 */
#include "support.h"

#include "benchagent/alloc.h"
#include "benchagent/export.h"
#include "benchagent/fs.h"
#include "benchagent/json.h"
#include "benchagent/yaml.h"
#include "../../src/report/export_internal.h" /* ba_export_put_buf */

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char items_text[] =
	"{\"id\":\"b-0001\",\"subtask\":\"arith\",\"question\":\"What is 2+3?\",\"choices\":[\"4\",\"6\",\"5\",\"7\"],\"answer\":\"C\",\"answer_type\":\"choice\",\"difficulty\":1}\n"
	"{\"id\":\"b-0002\",\"subtask\":\"dates\",\"context\":\"Today is Monday.\",\"question\":\"What day is it in 3 days?\",\"answer\":\"Thursday\",\"answer_type\":\"short\"}\n"
	"{\"id\":\"b-0003\",\"subtask\":\"charts\",\"question\":\"How many bars are there?\",\"answer\":4,\"answer_type\":\"numeric\",\"media\":[{\"type\":\"image\",\"path\":\"media/abc.png\",\"sha256\":\"abc\"}]}\n";

static int setup(void **state)
{
	char *dir = bt_tmpdir("export"), *f;
	f = bt_write(dir, "bench/items.jsonl", items_text);
	free(f);
	f = bt_write(dir, "bench/manifest.json", "{\"id\": \"toy_bench\"}");
	free(f);
	f = bt_write(dir, "bench/media/abc.png", "\x89PNG fake image bytes");
	free(f);
	*state = dir;
	return 0;
}

static int teardown(void **state)
{
	bt_rmrf(*state);
	free(*state);
	return 0;
}

static char *file_in(const char *dir, const char *rel)
{
	char *p = ba_path_join(dir, rel), *t = bt_read(p);
	free(p);
	return t;
}

static json_t *line_n(const char *text, int n)
{
	const char *p = text;
	json_t *j;
	while (n-- > 0 && p)
		p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL;
	assert_non_null(p);
	j = json_loadb(p, strcspn(p, "\n"), 0, NULL);
	assert_non_null(j);
	return j;
}

static void export__all_formats_written_and_exact(void **state)
{
	char *bench = ba_path_join(*state, "bench"), *t;
	ba_export_opts o = BA_EXPORT_OPTS_INIT;
	ba_error err = BA_ERROR_INIT;
	json_t *written = NULL, *j, *y, *lines;

	o.bench_dir = bench;
	o.model = "my-model";
	assert_int_equal(ba_export("all", &o, &written, &err), 0);
	assert_true(json_array_size(written) >= 10);
	json_decref(written);

	/* Hugging Face: all three items; an image benchmark is an imagefolder
	 * (metadata.jsonl + file_name relative to it), YAML header */
	t = file_in(bench, "exports/hf/README.md");
	assert_non_null(strstr(t, "configs:\n- config_name: default\n  data_files:\n  - split: test\n    path: data/test/**"));
	assert_non_null(strstr(t, "  - name: image\n    dtype: image\n"));
	free(t);
	t = file_in(bench, "exports/hf/data/test/metadata.jsonl");
	j = line_n(t, 2);
	assert_string_equal(ba_json_str(j, "file_name", ""), "media/abc.png");
	assert_string_equal(ba_json_str(j, "answer", ""), "4");
	json_decref(j);
	j = line_n(t, 0);
	assert_true(json_is_null(json_object_get(j, "file_name")));
	json_decref(j);
	free(t);
	t = file_in(bench, "exports/hf/data/test/media/abc.png");
	assert_non_null(t);
	free(t);

	/* lm-eval: the choice item's target index is 2 (answer C), image item left out */
	t = file_in(bench, "exports/lm-eval/toy_bench_mc.jsonl");
	j = line_n(t, 0);
	assert_int_equal(json_integer_value(json_object_get(j, "target_index")), 2);
	assert_non_null(strstr(ba_json_str(j, "prompt", ""), "\nC. 5"));
	json_decref(j);
	free(t);
	t = file_in(bench, "exports/lm-eval/toy_bench_gen.jsonl");
	assert_int_equal((int)(strchr(t, '\n') - t + 1), (int)strlen(t)); /* exactly one line */
	j = line_n(t, 0);
	assert_string_equal(ba_json_str(j, "answer", ""), "Thursday");
	assert_non_null(strstr(ba_json_str(j, "prompt", ""), "Today is Monday."));
	json_decref(j);
	free(t);
	t = file_in(bench, "exports/lm-eval/toy_bench_mc.yaml");
	assert_int_equal(ba_yaml_parse(&y, &lines, t, strlen(t), "mc.yaml", &err), 0);
	assert_string_equal(ba_json_str(y, "output_type", ""), "multiple_choice");
	assert_string_equal(ba_json_str(y, "dataset_path", ""), "json");
	assert_string_equal(ba_json_str(y, "doc_to_target", ""), "target_index");
	assert_non_null(strstr(json_string_value(ba_json_path(y, "dataset_kwargs.data_files.test")), "toy_bench_mc.jsonl"));
	json_decref(y);
	json_decref(lines);
	free(t);
	t = file_in(bench, "exports/lm-eval/toy_bench_gen.yaml");
	assert_int_equal(ba_yaml_parse(&y, NULL, t, strlen(t), "gen.yaml", &err), 0);
	assert_string_equal(ba_json_str(y, "output_type", ""), "generate_until");
	assert_int_equal(json_integer_value(ba_json_path(y, "generation_kwargs.max_gen_toks")), 512);
	assert_string_equal(json_string_value(ba_json_path(y, "metric_list.0.metric")), "exact_match");
	json_decref(y);
	free(t);
	t = file_in(bench, "exports/lm-eval/toy_bench.yaml");
	assert_int_equal(ba_yaml_parse(&y, NULL, t, strlen(t), "group.yaml", &err), 0);
	assert_int_equal(json_array_size(json_object_get(y, "task")), 2);
	json_decref(y);
	free(t);

	/* inspect: letter target, image as a chat content part */
	t = file_in(bench, "exports/inspect/samples.jsonl");
	j = line_n(t, 0);
	assert_string_equal(ba_json_str(j, "target", ""), "C");
	assert_int_equal(json_array_size(json_object_get(j, "choices")), 4);
	json_decref(j);
	j = line_n(t, 2);
	assert_string_equal(json_string_value(ba_json_path(j, "input.0.content.0.type")), "image");
	/* relative to samples.jsonl (inspect_ai resolves it there), copied along */
	assert_string_equal(json_string_value(ba_json_path(j, "input.0.content.0.image")), "media/abc.png");
	assert_string_equal(ba_json_str(j, "target", ""), "4");
	json_decref(j);
	free(t);

	/* OpenAI batch: one request per item, image as a data URL */
	t = file_in(bench, "exports/openai-batch/requests.jsonl");
	j = line_n(t, 2);
	assert_string_equal(ba_json_str(j, "custom_id", ""), "b-0003");
	assert_string_equal(ba_json_str(j, "url", ""), "/v1/chat/completions");
	assert_string_equal(json_string_value(ba_json_path(j, "body.model")), "my-model");
	assert_non_null(strstr(json_string_value(ba_json_path(j, "body.messages.0.content.0.image_url.url")),
			       "data:image/png;base64,iVBORyBmYWtl"));
	json_decref(j);
	free(t);
	free(bench);
}

static void export__refuses_what_it_cannot_convert(void **state)
{
	char *bench = ba_path_join(*state, "bad"), *f;
	ba_export_opts o = BA_EXPORT_OPTS_INIT;
	ba_error err = BA_ERROR_INIT;

	o.bench_dir = bench;
	assert_int_equal(ba_export("hf", &o, NULL, &err), BA_ENOTFOUND);
	assert_non_null(strstr(err.msg, "no items.jsonl"));

	f = bt_write(*state, "bad/items.jsonl",
		     "{\"id\":\"x1\",\"question\":\"q\",\"choices\":[\"a\",\"b\"],\"answer\":\"c\"}\n");
	free(f);
	assert_int_equal(ba_export("lm-eval", &o, NULL, &err), BA_EINVAL);
	assert_non_null(strstr(err.msg, "item x1: answer matches no option"));
	assert_int_equal(ba_export("inspect", &o, NULL, &err), BA_EINVAL);

	f = bt_write(*state, "bad/items.jsonl",
		     "{\"id\":\"x2\",\"question\":\"q\",\"answer\":\"a\",\"media\":[{\"type\":\"image\",\"path\":\"../../../etc/passwd\"}]}\n");
	free(f);
	assert_int_equal(ba_export("hf", &o, NULL, &err), BA_EINVAL);
	assert_non_null(strstr(err.msg, "outside the benchmark"));
	assert_int_equal(ba_export("openai-batch", &o, NULL, &err), BA_EINVAL);

	f = bt_write(*state, "bad/items.jsonl", "{\"id\":\"x3\",\"question\":\"q\"}\n");
	free(f);
	assert_int_equal(ba_export("hf", &o, NULL, &err), BA_EINVAL);
	assert_non_null(strstr(err.msg, "items.jsonl:1:"));
	assert_int_equal(ba_export("csv", &o, NULL, &err), BA_EINVAL);
	free(bench);
}

/* issue 12 item 2: `all` on an image-only benchmark writes every format
 * that applies, warns about lm-eval (no text items), succeeds */
static void export__all_on_image_benchmark_skips_lmeval_with_warning(void **state)
{
	char *bench = ba_path_join(*state, "img"), *f, *t;
	ba_export_opts o = BA_EXPORT_OPTS_INIT;
	ba_error err = BA_ERROR_INIT;

	f = bt_write(*state, "img/items.jsonl",
		     "{\"id\":\"i1\",\"subtask\":\"s\",\"question\":\"How many?\",\"answer\":\"3\",\"answer_type\":\"numeric\","
		     "\"media\":[{\"type\":\"image\",\"path\":\"media/a.png\"}]}\n");
	free(f);
	f = bt_write(*state, "img/media/a.png", "png bytes");
	free(f);
	o.bench_dir = bench;
	o.warnings = json_array();
	assert_int_equal(ba_export("all", &o, NULL, &err), 0);
	assert_int_equal(json_array_size(o.warnings), 1);
	assert_non_null(strstr(json_string_value(json_array_get(o.warnings, 0)), "lm-eval skipped: no text items"));
	json_decref(o.warnings);
	o.warnings = NULL;
	t = file_in(bench, "exports/hf/data/test/metadata.jsonl");
	assert_non_null(t);
	free(t);
	t = file_in(bench, "exports/inspect/samples.jsonl");
	assert_non_null(t);
	free(t);
	t = file_in(bench, "exports/openai-batch/requests.jsonl");
	assert_non_null(t);
	free(t);
	t = file_in(bench, "exports/reference/evaluation.json");
	assert_non_null(t);
	free(t);
	assert_null(file_in(bench, "exports/lm-eval/README.md"));
	/* asked for by name it is an error, with the reason */
	assert_int_equal(ba_export("lm-eval", &o, NULL, &err), BA_EINVAL);
	assert_non_null(strstr(err.msg, "no text items"));
	free(bench);
}

/* issue 12 item 8: the reference system's evaluation.json, exactly */
static void export__reference_evaluation_json_exact(void **state)
{
	char *bench = ba_path_join(*state, "bench"), *p;
	ba_export_opts o = BA_EXPORT_OPTS_INIT;
	ba_error err = BA_ERROR_INIT;
	json_t *ev = NULL, *r;
	size_t i;

	o.bench_dir = bench;
	assert_int_equal(ba_export("reference", &o, NULL, &err), 0);
	p = ba_path_join(bench, "exports/reference/evaluation.json");
	assert_int_equal(ba_json_load_file(&ev, p, 0, &err), 0);
	free(p);
	assert_int_equal(json_array_size(ev), 3);
	json_array_foreach(ev, i, r) {
		/* exactly the five keys, in the reference's order */
		const char *want[] = { "subtask_id", "dataset_id", "idx", "id", "sample" };
		void *it = json_object_iter(r);
		int k;
		assert_int_equal(json_object_size(r), 5);
		for (k = 0; k < 5; k++, it = json_object_iter_next(r, it))
			assert_string_equal(json_object_iter_key(it), want[k]);
		assert_true(json_is_integer(json_object_get(r, "idx")));
		assert_true(json_is_string(ba_json_path(r, "sample.input.question")));
		assert_true(json_is_string(ba_json_path(r, "sample.output.answer")));
	}
	r = json_array_get(ev, 0);
	assert_string_equal(ba_json_str(r, "subtask_id", ""), "arith");
	assert_string_equal(json_string_value(ba_json_path(r, "sample.input.question")),
			    "What is 2+3?\nOptions:\nA) 4\nB) 6\nC) 5\nD) 7");
	assert_string_equal(json_string_value(ba_json_path(r, "sample.output.answer")), "C");
	r = json_array_get(ev, 1);
	assert_string_equal(json_string_value(ba_json_path(r, "sample.input.context")), "Today is Monday.");
	r = json_array_get(ev, 2);
	assert_string_equal(json_string_value(ba_json_path(r, "sample.input.image_url")), "media/abc.png");
	assert_string_equal(json_string_value(ba_json_path(r, "sample.output.answer")), "4");
	json_decref(ev);
	p = file_in(bench, "exports/reference/media/abc.png");
	assert_non_null(p);
	free(p);
	free(bench);
}

/* issue 12 item 9: lm-eval data_files are absolute (datasets resolves a
 * relative one against the working directory), the regex filter takes the
 * last "Answer:" (RegexFilter: findall()[group_select]) */
static void export__lmeval_paths_absolute_and_last_answer(void **state)
{
	char *bench = ba_path_join(*state, "bench"), *t;
	ba_export_opts o = BA_EXPORT_OPTS_INIT;
	ba_error err = BA_ERROR_INIT;
	json_t *y;
	const char *df;

	o.bench_dir = bench;
	assert_int_equal(ba_export("lm-eval", &o, NULL, &err), 0);
	t = file_in(bench, "exports/lm-eval/toy_bench_gen.yaml");
	assert_int_equal(ba_yaml_parse(&y, NULL, t, strlen(t), "gen.yaml", &err), 0);
	free(t);
	df = json_string_value(ba_json_path(y, "dataset_kwargs.data_files.test"));
	assert_non_null(df);
	assert_int_equal(df[0], '/');
	assert_true(ba_fs_exists(df));
	assert_non_null(strstr(df, "/exports/lm-eval/toy_bench_gen.jsonl"));
	assert_int_equal(json_integer_value(ba_json_path(y, "filter_list.0.filter.0.group_select")), -1);
	assert_string_equal(json_string_value(ba_json_path(y, "filter_list.0.filter.0.regex_pattern")),
			    "(?i)answer[ *]*(?::|is:)\\s*([^\\n]+)");
	json_decref(y);
	free(bench);
}

/* issue 12 item 11: media that leave the benchmark through a symlink are
 * refused; media sharing a base name keep apart */
static void export__symlinks_out_refused_and_basenames_kept_apart(void **state)
{
	char *bench = ba_path_join(*state, "links"), *f, *t, *link;
	ba_export_opts o = BA_EXPORT_OPTS_INIT;
	ba_error err = BA_ERROR_INIT;

	f = bt_write(*state, "links/items.jsonl",
		     "{\"id\":\"a\",\"question\":\"q1\",\"answer\":\"1\",\"media\":[{\"type\":\"image\",\"path\":\"media/a/x.png\"}]}\n"
		     "{\"id\":\"b\",\"question\":\"q2\",\"answer\":\"2\",\"media\":[{\"type\":\"image\",\"path\":\"media/b/x.png\"}]}\n");
	free(f);
	f = bt_write(*state, "links/media/a/x.png", "first image");
	free(f);
	f = bt_write(*state, "links/media/b/x.png", "second image");
	free(f);
	o.bench_dir = bench;
	assert_int_equal(ba_export("hf", &o, NULL, &err), 0);
	t = file_in(bench, "exports/hf/data/test/media/a/x.png");
	assert_string_equal(t, "first image");
	free(t);
	t = file_in(bench, "exports/hf/data/test/media/b/x.png");
	assert_string_equal(t, "second image");
	free(t);
	assert_int_equal(ba_export("inspect", &o, NULL, &err), 0);
	t = file_in(bench, "exports/inspect/media/b/x.png");
	assert_string_equal(t, "second image");
	free(t);

	/* a media file that is a symlink to a file outside the folder */
	f = bt_write(*state, "secret.txt", "outside the benchmark");
	link = ba_path_join(bench, "media/a/x.png");
	unlink(link);
	assert_int_equal(symlink(f, link), 0);
	free(f);
	free(link);
	assert_int_equal(ba_export("hf", &o, NULL, &err), BA_EINVAL);
	assert_non_null(strstr(err.msg, "outside the benchmark"));
	/* the failed export left the previous complete one in place */
	t = file_in(bench, "exports/hf/data/test/media/a/x.png");
	assert_string_equal(t, "first image");
	free(t);
	assert_int_equal(ba_export("inspect", &o, NULL, &err), BA_EINVAL);
	assert_int_equal(ba_export("openai-batch", &o, NULL, &err), BA_EINVAL);
	assert_int_equal(ba_export("reference", &o, NULL, &err), BA_EINVAL);
	free(bench);
}

/* issue 12 item 4: a re-export replaces the folder whole: files of items
 * that are gone do not survive beside the new ones */
static void export__reexport_replaces_stale_files(void **state)
{
	char *bench = ba_path_join(*state, "bench"), *f, *t;
	ba_export_opts o = BA_EXPORT_OPTS_INIT;
	ba_error err = BA_ERROR_INIT;

	o.bench_dir = bench;
	assert_int_equal(ba_export("hf", &o, NULL, &err), 0);
	t = file_in(bench, "exports/hf/data/test/media/abc.png");
	assert_non_null(t);
	free(t);
	f = bt_write(*state, "bench/items.jsonl",
		     "{\"id\":\"b-0002\",\"subtask\":\"dates\",\"question\":\"Q?\",\"answer\":\"A\",\"answer_type\":\"short\"}\n");
	free(f);
	assert_int_equal(ba_export("hf", &o, NULL, &err), 0);
	assert_null(file_in(bench, "exports/hf/data/test/media/abc.png"));
	assert_null(file_in(bench, "exports/hf/data/test/metadata.jsonl"));
	t = file_in(bench, "exports/hf/data/test.jsonl");
	assert_non_null(strstr(t, "\"Q?\""));
	free(t);
	free(bench);
}

static void export__answer_index_conversions(void **state)
{
	json_t *it = json_pack("{s:[s,s,s],s:s}", "choices", "red", "green", "blue", "answer", "B");
	(void)state;
	assert_int_equal(ba_export_answer_index(it), 1);
	json_object_set_new(it, "answer", json_string("blue"));
	assert_int_equal(ba_export_answer_index(it), 2);
	json_object_set_new(it, "answer", json_integer(0));
	assert_int_equal(ba_export_answer_index(it), 0);
	json_object_set_new(it, "answer", json_string("D"));
	assert_int_equal(ba_export_answer_index(it), -1);
	json_object_set_new(it, "answer", json_integer(3));
	assert_int_equal(ba_export_answer_index(it), -1);
	json_decref(it);
}

/* The rows of a JSONL file as one JSON array (new ref). */
static json_t *rows_of(const char *text)
{
	json_t *rows = json_array();
	const char *p;

	assert_non_null(text);
	for (p = text; *p; p = strchr(p, '\n') + 1) {
		json_t *j = json_loadb(p, strcspn(p, "\n"), 0, NULL);
		assert_non_null(j);
		json_array_append_new(rows, j);
		if (!strchr(p, '\n'))
			break;
	}
	return rows;
}

static json_t *export_rows(const char *bench, const char *format, const char *file)
{
	ba_export_opts o = BA_EXPORT_OPTS_INIT;
	ba_error err = BA_ERROR_INIT;
	char *rel = ba_asprintf("exports/%s/%s", format, file), *t;
	json_t *rows;

	o.bench_dir = bench;
	if (ba_export(format, &o, NULL, &err) != 0)
		fail_msg("export %s: %s", format, err.msg);
	t = file_in(bench, rel);
	rows = rows_of(t);
	free(t);
	free(rel);
	return rows;
}

/* A choice key given as the option's text or as its index is the option's
 * letter in the hf answer column (lm-eval and inspect read a letter there:
 * a copied "Paris" or 2 converted wrongly), answer_text its text; a key
 * matching no option is refused in one line naming the item. */
static void export__hf_choice_answer_is_the_letter(void **state)
{
	char *bench = ba_path_join(*state, "keys"), *f;
	ba_export_opts o = BA_EXPORT_OPTS_INIT;
	ba_error err = BA_ERROR_INIT;
	json_t *rows, *r;
	size_t i;
	static const char *const want[] = { "C", "B", "C", "A" };
	static const char *const text[] = { "7", "Paris", "Jupiter", "B" };

	f = bt_write(*state, "keys/items.jsonl",
		     "{\"id\":\"k-letter\",\"question\":\"Which is prime?\",\"choices\":[\"4\",\"6\",\"7\"],\"answer\":\"C\"}\n"
		     "{\"id\":\"k-text\",\"question\":\"Capital of France?\",\"choices\":[\"Berlin\",\"Paris\",\"Rome\"],\"answer\":\"Paris\"}\n"
		     "{\"id\":\"k-index\",\"question\":\"Largest planet?\",\"choices\":[\"Mars\",\"Venus\",\"Jupiter\"],\"answer\":2}\n"
		     /* an option whose text is a letter: the letter A is the first option, never the text "B" */
		     "{\"id\":\"k-a\",\"question\":\"Which letter?\",\"choices\":[\"B\",\"A\"],\"answer\":\"A\",\"answer_text\":\"B\"}\n");
	free(f);
	rows = export_rows(bench, "hf", "data/test.jsonl");
	assert_int_equal(json_array_size(rows), 4);
	json_array_foreach(rows, i, r) {
		assert_string_equal(ba_json_str(r, "answer", ""), want[i]);
		assert_string_equal(ba_json_str(r, "answer_text", ""), text[i]);
	}
	json_decref(rows);
	/* the other formats write the same letter (and lm-eval its index) */
	rows = export_rows(bench, "inspect", "samples.jsonl");
	json_array_foreach(rows, i, r)
		assert_string_equal(ba_json_str(r, "target", ""), want[i]);
	json_decref(rows);
	rows = export_rows(bench, "lm-eval", "keys_mc.jsonl");
	json_array_foreach(rows, i, r) {
		assert_int_equal(json_integer_value(json_object_get(r, "target_index")), want[i][0] - 'A');
		assert_string_equal(ba_json_str(r, "answer", ""), want[i]);
	}
	json_decref(rows);

	f = bt_write(*state, "keys/items.jsonl",
		     "{\"id\":\"k-1\",\"question\":\"q\",\"choices\":[\"a\",\"b\"],\"answer\":\"B\"}\n"
		     "{\"id\":\"k-none\",\"question\":\"q\",\"choices\":[\"Paris\",\"Rome\"],\"answer\":\"paris\"}\n");
	free(f);
	o.bench_dir = bench;
	assert_int_equal(ba_export("hf", &o, NULL, &err), BA_EINVAL);
	assert_string_equal(err.msg, "export hf: item k-none: answer matches no option: 'paris' is not a letter A-B, "
				     "an index 0-1 or an option's exact text");
	f = bt_write(*state, "keys/items.jsonl", "{\"id\":\"k-far\",\"question\":\"q\",\"choices\":[\"a\",\"b\"],\"answer\":5}\n");
	free(f);
	assert_int_equal(ba_export("hf", &o, NULL, &err), BA_EINVAL);
	assert_non_null(strstr(err.msg, "item k-far: answer matches no option: '5' is not"));
	free(bench);
}

/* A binary key is written in the words its question asks for, the words
 * eval asks for when it names none: lm-eval's exact_match and inspect's
 * match compare the text, so "true" for a model's "yes" scores it wrong. */
static void export__binary_key_in_the_words_asked(void **state)
{
	char *bench = ba_path_join(*state, "yn"), *f;
	ba_export_opts o = BA_EXPORT_OPTS_INIT;
	ba_error err = BA_ERROR_INIT;
	json_t *rows, *r;
	size_t i;
	static const char *const want[] = { "yes", "no", "false", "true", "no", "incorrect", "yes" };

	f = bt_write(*state, "yn/items.jsonl",
		     "{\"id\":\"y-bool\",\"question\":\"Is 7 prime?\",\"answer\":true,\"answer_type\":\"binary\"}\n"
		     "{\"id\":\"y-false\",\"question\":\"Is 8 prime?\",\"answer\":\"false\",\"answer_type\":\"binary\"}\n"
		     "{\"id\":\"y-tf\",\"question\":\"Is the formula a and not a true or false? Answer true or false.\","
		     "\"answer\":\"false\",\"answer_type\":\"binary\"}\n"
		     "{\"id\":\"y-tf2\",\"question\":\"True/False: 2 is even.\",\"answer\":\"yes\",\"answer_type\":\"binary\"}\n"
		     /* the pair named last is the one asked for */
		     "{\"id\":\"y-last\",\"question\":\"Is it true or false that 9 is prime? Answer yes or no.\",\"answer\":false,"
		     "\"answer_type\":\"binary\"}\n"
		     "{\"id\":\"y-corr\",\"question\":\"Is 2+2=5 correct or incorrect?\",\"answer\":\"no\",\"answer_type\":\"binary\"}\n"
		     /* by its scorer: item.scorer binary */
		     "{\"id\":\"y-scorer\",\"question\":\"Does it rain?\",\"answer\":\"valid\",\"scorer\":\"binary\"}\n");
	free(f);
	rows = export_rows(bench, "hf", "data/test.jsonl");
	json_array_foreach(rows, i, r)
		assert_string_equal(ba_json_str(r, "answer", ""), want[i]);
	json_decref(rows);
	rows = export_rows(bench, "inspect", "samples.jsonl");
	json_array_foreach(rows, i, r) {
		const char *in = ba_json_str(r, "input", "");
		assert_string_equal(ba_json_str(r, "target", ""), want[i]);
		/* a question naming no pair is asked for yes or no, the key's words */
		if (i == 0 || i == 1 || i == 6)
			assert_non_null(strstr(in, "?\n\nAnswer yes or no."));
		else
			assert_null(strstr(in, "\n\nAnswer yes or no."));
	}
	json_decref(rows);
	rows = export_rows(bench, "lm-eval", "yn_gen.jsonl");
	json_array_foreach(rows, i, r)
		assert_string_equal(ba_json_str(r, "answer", ""), want[i]);
	json_decref(rows);
	rows = export_rows(bench, "openai-batch", "requests.jsonl");
	assert_non_null(strstr(json_string_value(ba_json_path(json_array_get(rows, 0), "body.messages.0.content")),
			       "Answer yes or no.\n\nGive the final answer on the last line, as 'Answer: yes' or 'Answer: no'."));
	assert_non_null(strstr(json_string_value(ba_json_path(json_array_get(rows, 2), "body.messages.0.content")),
			       "as 'Answer: true' or 'Answer: false'."));
	json_decref(rows);

	f = bt_write(*state, "yn/items.jsonl", "{\"id\":\"y-bad\",\"question\":\"Is it?\",\"answer\":\"maybe\",\"answer_type\":\"binary\"}\n");
	free(f);
	o.bench_dir = bench;
	assert_int_equal(ba_export("inspect", &o, NULL, &err), BA_EINVAL);
	assert_string_equal(err.msg, "export inspect: item y-bad: binary answer 'maybe' is not yes/no (or true/false, "
				     "correct/incorrect, valid/invalid)");
	free(bench);
}

/* OpenAI reasoning models reject temperature 0 and max_tokens: their
 * request bodies carry neither (max_completion_tokens only with a cap
 * given); other models temperature 0 and max_tokens. */
static void export__batch_body_fits_the_model(void **state)
{
	char *bench = ba_path_join(*state, "bench"), *t;
	static const char *const reasoning[] = { "o1", "o1-mini", "o3", "o3-mini-2025-01-31", "o4-mini", "gpt-5",
						 "gpt-5-mini", "gpt-5.2", "gpt-5.1-codex", "openai/o3", "ft:o4-mini-2025-04-16:org::x",
						 "codex-mini-latest", NULL };
	static const char *const chat[] = { "gpt-4o-mini", "gpt-4.1", "gpt-4o", "gpt-5-chat-latest", "gpt-5.2-chat-latest",
					    "gpt-3.5-turbo", "llama3-8b", "local/qwen2.5-7b", "omni", "", NULL };
	ba_export_opts o = BA_EXPORT_OPTS_INIT;
	ba_error err = BA_ERROR_INIT;
	json_t *line, *body;
	size_t i;

	for (i = 0; reasoning[i]; i++)
		if (!ba_export_reasoning_model(reasoning[i]))
			fail_msg("%s is a reasoning model", reasoning[i]);
	for (i = 0; chat[i]; i++)
		if (ba_export_reasoning_model(chat[i]))
			fail_msg("%s is no reasoning model", chat[i]);

	o.bench_dir = bench;
	o.model = "o3-mini";
	assert_int_equal(ba_export("openai-batch", &o, NULL, &err), 0);
	t = file_in(bench, "exports/openai-batch/requests.jsonl");
	line = line_n(t, 0);
	body = json_object_get(line, "body");
	assert_string_equal(ba_json_str(body, "model", ""), "o3-mini");
	assert_null(json_object_get(body, "temperature"));
	assert_null(json_object_get(body, "max_tokens"));
	assert_null(json_object_get(body, "max_completion_tokens"));
	json_decref(line);
	free(t);

	o.max_tokens = 4000;
	assert_int_equal(ba_export("openai-batch", &o, NULL, &err), 0);
	t = file_in(bench, "exports/openai-batch/requests.jsonl");
	line = line_n(t, 1);
	body = json_object_get(line, "body");
	assert_int_equal(json_integer_value(json_object_get(body, "max_completion_tokens")), 4000);
	assert_null(json_object_get(body, "max_tokens"));
	assert_null(json_object_get(body, "temperature"));
	json_decref(line);
	free(t);

	/* a chat model; then a name the rule does not know, said to be a reasoning model */
	o.max_tokens = 0;
	o.model = "gpt-4o-mini";
	assert_int_equal(ba_export("openai-batch", &o, NULL, &err), 0);
	t = file_in(bench, "exports/openai-batch/requests.jsonl");
	line = line_n(t, 0);
	body = json_object_get(line, "body");
	assert_true(json_is_real(json_object_get(body, "temperature")));
	assert_true(json_real_value(json_object_get(body, "temperature")) == 0.0);
	assert_int_equal(json_integer_value(json_object_get(body, "max_tokens")), 512);
	assert_null(json_object_get(body, "max_completion_tokens"));
	json_decref(line);
	free(t);
	o.model = "my-azure-deployment";
	o.reasoning = 1;
	assert_int_equal(ba_export("openai-batch", &o, NULL, &err), 0);
	t = file_in(bench, "exports/openai-batch/requests.jsonl");
	line = line_n(t, 0);
	body = json_object_get(line, "body");
	assert_null(json_object_get(body, "temperature"));
	assert_null(json_object_get(body, "max_tokens"));
	json_decref(line);
	free(t);
	free(bench);
}

/* A file built from unchecked ba_export_line appends is never written
 * with lines missing: a buffer whose append failed is refused. */
static void export__failed_buffer_is_not_written(void **state)
{
	char *dir = bt_tmpdir("exportbuf"), *path;
	ba_export_opts o;
	ba_export_ctx ctx;
	ba_buf b = BA_BUF_INIT(60);
	ba_error err = BA_ERROR_INIT;
	json_t *line = json_pack("{s:s}", "question", "What is two plus two, in words?");
	int i;

	(void)state;
	memset(&o, 0, sizeof(o));
	memset(&ctx, 0, sizeof(ctx));
	ctx.opts = &o;
	ctx.out_dir = dir;
	ctx.final_dir = "out/x/exports/fmt";
	ctx.written = json_array();
	for (i = 0; i < 3; i++)
		ba_export_line(&b, line); /* the second one does not fit */
	assert_int_equal(ba_export_put_buf(&ctx, "lines.jsonl", &b, &err), BA_ELIMIT);
	assert_non_null(strstr(err.msg, "out/x/exports/fmt/lines.jsonl"));
	path = ba_path_join(dir, "lines.jsonl");
	assert_false(ba_fs_exists(path));
	assert_int_equal(json_array_size(ctx.written), 0);
	ba_buf_reset(&b);
	ba_export_line(&b, line);
	assert_int_equal(ba_export_put_buf(&ctx, "lines.jsonl", &b, &err), 0);
	assert_true(ba_fs_exists(path));
	free(path);
	ba_buf_free(&b);
	json_decref(line);
	json_decref(ctx.written);
	bt_rmrf(dir);
	free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(export__all_formats_written_and_exact, setup, teardown),
		cmocka_unit_test_setup_teardown(export__refuses_what_it_cannot_convert, setup, teardown),
		cmocka_unit_test_setup_teardown(export__all_on_image_benchmark_skips_lmeval_with_warning, setup, teardown),
		cmocka_unit_test_setup_teardown(export__reference_evaluation_json_exact, setup, teardown),
		cmocka_unit_test_setup_teardown(export__lmeval_paths_absolute_and_last_answer, setup, teardown),
		cmocka_unit_test_setup_teardown(export__symlinks_out_refused_and_basenames_kept_apart, setup, teardown),
		cmocka_unit_test_setup_teardown(export__reexport_replaces_stale_files, setup, teardown),
		cmocka_unit_test(export__answer_index_conversions),
		cmocka_unit_test_setup_teardown(export__hf_choice_answer_is_the_letter, setup, teardown),
		cmocka_unit_test_setup_teardown(export__binary_key_in_the_words_asked, setup, teardown),
		cmocka_unit_test_setup_teardown(export__batch_body_fits_the_model, setup, teardown),
		cmocka_unit_test(export__failed_buffer_is_not_written),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
