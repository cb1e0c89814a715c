/*
 * test_report_benchout.c - the benchmark writer: every file of out/<id>/,
 * media copied from the store by SHA-256, the dataset card's Hugging Face
 * header, evaluation.json, byte-identical rewrites, and refusal of media
 * that is not in the store (nothing written outside the folder).
 */
#define _GNU_SOURCE
#include "support.h"
#include "benchagent/benchout.h"
#include "benchagent/buf.h"
#include "benchagent/fs.h"
#include "benchagent/json.h"
#include "benchagent/store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char *path2(const char *a, const char *b)
{
	char *p = NULL;
	if (asprintf(&p, "%s/%s", a, b) < 0)
		abort();
	return p;
}

static void test_writes_every_file(void **state)
{
	char *ws = bt_tmpdir("benchout"), *out = path2(ws, "out/bench1"), *p, *txt, *txt2, *rel = NULL;
	ba_store *st = NULL;
	ba_error err = BA_ERROR_INIT;
	char sha[65];
	json_t *query, *plan, *items, *extra, *ev = NULL, *man = NULL;
	const char png[] = "\x89PNG\r\n\x1a\nfake image bytes";
	(void)state;

	assert_int_equal(ba_store_open(&st, ws, &err), 0);
	assert_int_equal(ba_media_put(st, png, sizeof(png) - 1, "png", "image/png", sha, &rel, &err), 0);
	query = json_pack("{s:s,s:s,s:i}", "id", "bench1", "description", "Charts <b>and</b> | sums", "target_size", 3);
	plan = json_pack("{s:i,s:O,s:[{s:s,s:s,s:s,s:s}],s:[{s:s,s:s},{s:s,s:s}],s:{s:[s]}}", "version", 1, "query", query,
			 "subtasks", "id", "st1", "name", "Sums", "answer_type", "numeric", "description", "add",
			 "sources", "id", "gen:x", "kind", "generator", "id", "ds:rejected_all", "kind", "dataset",
			 "analysis", "modalities", "image");
	items = json_pack("[{s:s,s:s,s:s,s:s,s:s,s:[{s:s,s:s,s:s}],s:{s:s,s:s}},{s:s,s:s,s:s,s:[s,s],s:s,s:s,s:s}]",
			  "id", "bench1-0001", "subtask", "st1", "question", "1+1?", "answer", "2", "answer_type", "numeric",
			  "media", "type", "image", "path", rel, "sha256", sha, "source", "kind", "generator", "generator", "x",
			  "id", "bench1-0002", "subtask", "st1", "question", "pick", "choices", "x", "y", "answer", "B",
			  "answer_text", "y", "answer_type", "choice");
	extra = json_pack("{s:{s:{s:i,s:i}},s:i}", "checks", "verify", "passed", 2, "total", 4, "seed", 5);
	assert_int_equal(ba_benchout_write(out, query, plan, items, extra, st, &err), 0);

	/* items.jsonl: two lines, media path rewritten into the folder */
	p = path2(out, "items.jsonl");
	txt = bt_read(p);
	assert_non_null(txt);
	assert_non_null(strstr(txt, "\"path\":\"media/"));
	assert_null(strstr(txt, ".benchagent"));
	{
		int lines = 0;
		char *c;
		for (c = txt; *c; c++)
			lines += *c == '\n';
		assert_int_equal(lines, 2);
	}
	free(p);
	/* the media file exists under media/ with the same bytes */
	{
		char *mp = NULL, *data;
		if (asprintf(&mp, "%s/media/%s.png", out, sha) < 0)
			abort();
		data = bt_read(mp);
		assert_non_null(data);
		assert_memory_equal(data, png, 8);
		free(data);
		free(mp);
	}
	/* README: HF YAML header first, user text escaped */
	p = path2(out, "README.md");
	txt2 = bt_read(p);
	assert_non_null(txt2);
	assert_int_equal(strncmp(txt2, "---\nconfigs:\n- config_name: default\n  data_files:\n  - split: test\n    path: items.jsonl\n", 86), 0);
	assert_non_null(strstr(txt2, "&lt;b&gt;and&lt;/b&gt; \\| sums"));
	assert_null(strstr(txt2, "<b>"));
	assert_non_null(strstr(txt2, "visual-question-answering"));
	/* issue 12 item 7: the card names only sources that produced accepted items */
	assert_non_null(strstr(txt2, "- source `gen:x` (generator): 1 items"));
	assert_null(strstr(txt2, "rejected_all"));
	free(txt2);
	free(p);
	/* evaluation.json: the reference system's exact record shape (its
	 * tools/shared/export_results.py): {subtask_id, dataset_id, idx, id,
	 * sample: {input: {question, context?, image_url?}, output: {answer}}},
	 * options written into the question, a letter answer */
	p = path2(out, "evaluation.json");
	assert_int_equal(ba_json_load_file(&ev, p, 0, &err), 0);
	assert_int_equal(json_array_size(ev), 2);
	{
		json_t *r0 = json_array_get(ev, 0), *r1 = json_array_get(ev, 1);
		assert_int_equal(json_object_size(r0), 5);
		assert_string_equal(ba_json_str(r0, "subtask_id", ""), "st1");
		assert_true(json_is_string(json_object_get(r0, "dataset_id")));
		assert_int_equal(json_integer_value(json_object_get(r0, "idx")), -1);
		assert_string_equal(ba_json_str(r0, "id", ""), "bench1-0001");
		assert_int_equal(json_object_size(json_object_get(r0, "sample")), 2);
		assert_int_equal(strncmp(json_string_value(ba_json_path(r0, "sample.input.image_url")), "media/", 6), 0);
		assert_string_equal(json_string_value(ba_json_path(r0, "sample.input.question")), "1+1?");
		assert_string_equal(json_string_value(ba_json_path(r0, "sample.output.answer")), "2");
		assert_null(ba_json_path(r1, "sample.input.image_url"));
		assert_string_equal(json_string_value(ba_json_path(r1, "sample.input.question")), "pick\nOptions:\nA) x\nB) y");
		assert_string_equal(json_string_value(ba_json_path(r1, "sample.output.answer")), "B");
		assert_int_equal(json_object_size(json_object_get(json_object_get(r1, "sample"), "output")), 1);
	}
	json_decref(ev);
	free(p);
	/* manifest: counts, acceptance rate per check, seed, file hashes */
	p = path2(out, "manifest.json");
	assert_int_equal(ba_json_load_file(&man, p, 0, &err), 0);
	assert_int_equal(ba_json_int(man, "item_count", 0), 2);
	assert_int_equal(ba_json_int(json_object_get(man, "counts_per_subtask"), "st1", 0), 2);
	assert_true(ba_json_num(ba_json_path(man, "acceptance.verify"), "rate", 0) == 0.5);
	assert_int_equal(ba_json_int(man, "seed", 0), 5);
	assert_int_equal(strlen(ba_json_str(json_object_get(man, "files"), "items.jsonl", "")), 64);
	json_decref(man);
	free(p);
	p = path2(out, "plan.json");
	assert_true(ba_fs_exists(p));
	free(p);

	/* rewriting gives the same bytes, and no temporary files are left */
	assert_int_equal(ba_benchout_write(out, query, plan, items, extra, st, &err), 0);
	p = path2(out, "items.jsonl");
	txt2 = bt_read(p);
	assert_string_equal(txt, txt2);
	free(txt2);
	free(txt);
	free(p);
	{
		char *cmd = NULL;
		int found;
		if (asprintf(&cmd, "find %s -name '*.tmp*' | grep -q .", out) < 0)
			abort();
		found = system(cmd);
		assert_int_not_equal(found, 0);
		free(cmd);
	}
	json_decref(query);
	json_decref(plan);
	json_decref(items);
	json_decref(extra);
	free(rel);
	ba_store_close(st);
	bt_rmrf(ws);
	free(ws);
	free(out);
}

static void test_refuses_bad_media(void **state)
{
	char *ws = bt_tmpdir("benchout2"), *out = path2(ws, "out/b"), *p;
	ba_store *st = NULL;
	ba_error err = BA_ERROR_INIT;
	json_t *query = json_pack("{s:s,s:s,s:i}", "id", "b", "description", "d", "target_size", 1);
	json_t *items;
	(void)state;

	assert_int_equal(ba_store_open(&st, ws, &err), 0);
	/* a path that tries to leave the folder, and a sha not in the store */
	items = json_pack("[{s:s,s:s,s:s,s:[{s:s,s:s,s:s}]}]", "id", "x-1", "question", "q", "answer", "a", "media",
			  "type", "image", "path", "../../../etc/passwd", "sha256",
			  "0000000000000000000000000000000000000000000000000000000000000000");
	assert_int_equal(ba_benchout_write(out, query, NULL, items, NULL, st, &err), BA_ENOTFOUND);
	assert_non_null(strstr(err.msg, "x-1"));
	p = path2(ws, "etc");
	assert_false(ba_fs_exists(p));
	free(p);
	json_decref(items);
	/* not a sha at all */
	items = json_pack("[{s:s,s:s,s:s,s:[{s:s,s:s}]}]", "id", "x-2", "question", "q", "answer", "a", "media",
			  "type", "image", "sha256", "../evil");
	assert_int_equal(ba_benchout_write(out, query, NULL, items, NULL, st, &err), BA_EINVAL);
	json_decref(items);
	/* items without an id */
	items = json_pack("[{s:s}]", "question", "q");
	assert_int_equal(ba_benchout_write(out, query, NULL, items, NULL, st, &err), BA_EINVAL);
	json_decref(items);
	json_decref(query);
	ba_store_close(st);
	bt_rmrf(ws);
	free(ws);
	free(out);
}

/* issue 12 item 4: a rebuild with other items removes the old exports and
 * moves the old versions aside; a rebuild with the same items keeps both */
static void test_rebuild_clears_stale_outputs(void **state)
{
	char *ws = bt_tmpdir("benchout3"), *out = path2(ws, "out/r"), *p, *f;
	ba_error err = BA_ERROR_INIT;
	json_t *query = json_pack("{s:s,s:s,s:i}", "id", "r", "description", "d", "target_size", 1);
	json_t *items = json_pack("[{s:s,s:s,s:s}]", "id", "r-1", "question", "old question", "answer", "a");
	json_t *items2 = json_pack("[{s:s,s:s,s:s}]", "id", "r-1", "question", "new question", "answer", "b");
	json_t *man = NULL;
	char sha[13] = "";

	(void)state;

	assert_int_equal(ba_benchout_write(out, query, NULL, items, NULL, NULL, &err), 0);
	p = path2(out, "manifest.json");
	assert_int_equal(ba_json_load_file(&man, p, 0, &err), 0);
	free(p);
	snprintf(sha, sizeof(sha), "%s", json_string_value(json_object_get(json_object_get(man, "files"), "items.jsonl")));
	json_decref(man);
	assert_int_equal(strlen(sha), 12);
	f = bt_write(out, "exports/hf/data/test.jsonl", "{\"question\": \"old question\"}\n");
	free(f);
	f = bt_write(out, "versions/v2/items.jsonl", "{\"question\": \"old question\"}\n");
	free(f);
	/* the same items again: nothing touched */
	assert_int_equal(ba_benchout_write(out, query, NULL, items, NULL, NULL, &err), 0);
	p = path2(out, "exports/hf/data/test.jsonl");
	assert_true(ba_fs_exists(p));
	free(p);
	p = path2(out, "versions/v2/items.jsonl");
	assert_true(ba_fs_exists(p));
	free(p);
	/* other items: exports gone, versions moved aside under the old hash */
	assert_int_equal(ba_benchout_write(out, query, NULL, items2, NULL, NULL, &err), 0);
	p = path2(out, "exports");
	assert_false(ba_fs_exists(p));
	free(p);
	p = path2(out, "versions");
	assert_false(ba_fs_exists(p));
	free(p);
	{
		char rel[64];
		snprintf(rel, sizeof(rel), "versions.stale-%s/v2/items.jsonl", sha);
		p = path2(out, rel);
		assert_true(ba_fs_exists(p));
		free(p);
	}
	json_decref(items);
	json_decref(items2);
	json_decref(query);
	bt_rmrf(ws);
	free(ws);
	free(out);
}

/* A build that made nothing keeps the items an earlier build wrote
 * (byte for byte); into a new folder it still writes (an empty file). */
static void test_empty_build_keeps_earlier_items(void **state)
{
	char *ws = bt_tmpdir("benchout4"), *out = path2(ws, "out/e"), *fresh = path2(ws, "out/f");
	char *p;
	ba_buf before = BA_BUF_INIT(1 << 20), after = BA_BUF_INIT(1 << 20);
	ba_error err = BA_ERROR_INIT;
	json_t *query = json_pack("{s:s,s:s,s:i}", "id", "e", "description", "d", "target_size", 1);
	json_t *items = json_pack("[{s:s,s:s,s:s}]", "id", "e-1", "question", "kept question", "answer", "a");
	json_t *none = json_array();

	(void)state;
	assert_int_equal(ba_benchout_write(out, query, NULL, items, NULL, NULL, &err), 0);
	p = path2(out, "items.jsonl");
	assert_int_equal(ba_fs_read(p, &before, &err), 0);
	assert_int_equal(ba_benchout_write(out, query, NULL, none, NULL, NULL, &err), 0);
	assert_int_equal(ba_fs_read(p, &after, &err), 0);
	assert_int_equal(before.len, after.len);
	assert_memory_equal(ba_buf_cstr(&before), ba_buf_cstr(&after), before.len);
	assert_non_null(strstr(ba_buf_cstr(&after), "kept question"));
	free(p);
	assert_int_equal(ba_benchout_write(fresh, query, NULL, none, NULL, NULL, &err), 0);
	p = path2(fresh, "items.jsonl");
	assert_true(ba_fs_exists(p));
	free(p);
	ba_buf_free(&before);
	ba_buf_free(&after);
	json_decref(items);
	json_decref(none);
	json_decref(query);
	bt_rmrf(ws);
	free(ws);
	free(out);
	free(fresh);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_writes_every_file),
		cmocka_unit_test(test_refuses_bad_media),
		cmocka_unit_test(test_rebuild_clears_stale_outputs),
		cmocka_unit_test(test_empty_build_keeps_earlier_items),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
