/*
 * test_data_pool.c - the dataset pool over the real general-bench subset:
 * every card loads, every sample's roles resolve, every image path of the
 * image datasets is found; bad cards and dataset files give clear errors;
 * media resolution never leaves the pool root; BM25 ranks sensibly and its
 * cache round-trips.
 */
#include "support.h"
#include "benchagent/fs.h"
#include "benchagent/json.h"
#include "benchagent/pool.h"
#include "benchagent/config.h"
#include "benchagent/llm.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char *pool_root(void)
{
	char buf[4096];
	snprintf(buf, sizeof(buf), "%s/datasets/general-bench-subset", bt_shared());
	return strdup(buf);
}

static void test_real_pool_loads(void **state)
{
	char *root = pool_root();
	const char *roots[1] = { root };
	ba_pool *p = NULL;
	ba_error err = BA_ERROR_INIT;
	size_t i, images = 0, resolved = 0, image_datasets = 0, samples = 0;

	(void)state;
	assert_int_equal(ba_pool_open(&p, roots, 1, 1, &err), 0);
	assert_int_equal(ba_pool_count(p), 18);
	assert_non_null(ba_pool_find(p, "076fdf72"));
	assert_string_equal(ba_pool_find(p, "076fdf72")->name, "Car Brands Recognition");
	for (i = 0; i < ba_pool_count(p); i++) {
		const ba_card *c = ba_pool_card(p, i);
		ba_dataset *d = NULL;
		int is_image = 0;
		size_t k;
		json_t *m;

		json_array_foreach(json_object_get(c->json, "modalities"), k, m)
			is_image |= !strcmp(json_string_value(m), "image");
		assert_int_equal(ba_dataset_load(&d, c, 0, &err), 0);
		assert_int_equal((long)ba_dataset_count(d), c->size_samples);
		samples += ba_dataset_count(d);
		image_datasets += is_image;
		for (k = 0; k < ba_dataset_count(d); k++) {
			json_t *s = ba_dataset_sample(d, k);
			json_t *ref = ba_json_path(s, "input.image_file");
			int miss = 0, mm = 0;
			json_t *r = ba_dataset_resolve(d, c, k, &miss, &mm);
			json_decref(r);
			if (!is_image)
				continue;
			assert_true(json_is_string(ref));
			images++;
			{
				char *path = ba_dataset_media(d, json_string_value(ref));
				if (path) {
					resolved++;
					assert_true(ba_fs_exists(path));
					/* inside the pool root */
					assert_memory_equal(path, root, strlen(root));
				} else {
					/* the README says exactly one chinese-fine-art image is absent */
					assert_string_equal(c->id, "791bc8ca");
				}
				free(path);
			}
		}
		ba_dataset_free(d);
	}
	assert_int_equal(image_datasets, 8);
	assert_int_equal(images, 192 + 200 + 200 + 158 + 44 + 8 + 120 + 200);
	assert_int_equal(resolved, images - 1);
	printf("pool: 18 cards, %zu samples, %zu image refs, %zu resolved\n", samples, images, resolved);
	ba_pool_free(p);
	free(root);
}

static void test_usable_counts(void **state)
{
	char *root = pool_root();
	const char *roots[1] = { root };
	ba_pool *p = NULL;
	ba_dataset *d = NULL;
	ba_error err = BA_ERROR_INIT;
	json_t *r;
	int miss = 0, mm = 0;

	(void)state;
	assert_int_equal(ba_pool_open(&p, roots, 1, 1, &err), 0);
	/* chinese-fine-art: 158 samples, one image absent */
	assert_int_equal(ba_dataset_load(&d, ba_pool_find(p, "791bc8ca"), 0, &err), 0);
	assert_int_equal(ba_dataset_usable(d, ba_pool_find(p, "791bc8ca")), 157);
	ba_dataset_free(d);
	/* foreign prefixes: fall-human-detection */
	assert_int_equal(ba_dataset_load(&d, ba_pool_find(p, "b06e6da3"), 0, &err), 0);
	assert_int_equal(ba_dataset_usable(d, ba_pool_find(p, "b06e6da3")), 200);
	r = ba_dataset_resolve(d, ba_pool_find(p, "b06e6da3"), 0, &miss, &mm);
	assert_int_equal(miss, 0);
	assert_int_equal(mm, 0);
	assert_non_null(strstr(json_string_value(json_object_get(r, "image")),
			       "fall-human-detection/images/"));
	assert_true(json_is_array(json_object_get(r, "bbox")));
	json_decref(r);
	/* never escape the root, whatever the sample says */
	{
		char *x = ba_dataset_media(d, "../../../../../../etc/passwd");
		assert_null(x);
		x = ba_dataset_media(d, "/etc/passwd");
		assert_null(x);
	}
	ba_dataset_free(d);
	/* a multi-path role gives an array */
	assert_int_equal(ba_dataset_load(&d, ba_pool_find(p, "a538c57a"), 0, &err), 0);
	r = ba_dataset_resolve(d, ba_pool_find(p, "a538c57a"), 0, &miss, &mm);
	assert_int_equal(json_array_size(json_object_get(r, "question")), 2);
	json_decref(r);
	ba_dataset_free(d);
	ba_pool_free(p);
	free(root);
}

static void test_bad_cards(void **state)
{
	char *dir = bt_tmpdir("pool");
	const char *roots[1] = { dir };
	ba_pool *p = NULL;
	ba_error err = BA_ERROR_INIT;
	ba_card *c = NULL;
	char *f;

	(void)state;
	/* empty pool: loads, zero cards */
	assert_int_equal(ba_pool_open(&p, roots, 1, 1, &err), 0);
	assert_int_equal(ba_pool_count(p), 0);
	ba_pool_free(p);

	f = bt_write(dir, "dataset_cards/x_card.json", "{\"dataset_id\": \"x\", \"name\": \"X\", "
		     "\"modalities\": [\"text\"], \"meta\": {\"fields\": {\"answer\": {\"paths\": \"output\"}}}}");
	assert_int_equal(ba_card_load(&c, f, dir, &err), BA_EINVAL);
	assert_non_null(strstr(err.msg, "x_card.json"));
	assert_non_null(strstr(err.msg, "meta.fields.answer.paths"));
	free(f);

	f = bt_write(dir, "dataset_cards/y_card.json", "{\"name\": \"Y\"}");
	assert_int_equal(ba_card_load(&c, f, dir, &err), BA_EINVAL);
	assert_non_null(strstr(err.msg, "dataset_id: missing"));
	free(f);

	f = bt_write(dir, "dataset_cards/z_card.json", "{\"dataset_id\": \"z\", \"name\": \"Z\", "
		     "\"modalities\": [\"text\"], \"meta\": {\"fields\": {\"answer\": {\"paths\": [\"a\"]}}},"
		     "\"raw_meta\": {\"source_json\": \"../../etc/passwd\"}}");
	assert_int_equal(ba_card_load(&c, f, dir, &err), BA_EINVAL);
	assert_non_null(strstr(err.msg, "raw_meta.source_json"));
	free(f);

	/* strict pool open fails on the first bad card, lenient skips them */
	assert_int_equal(ba_pool_open(&p, roots, 1, 1, &err), BA_EINVAL);
	assert_int_equal(ba_pool_open(&p, roots, 1, 0, &err), 0);
	assert_int_equal(ba_pool_count(p), 0);
	ba_pool_free(p);
	bt_rmrf(dir);
	free(dir);
}

static void test_dataset_formats(void **state)
{
	char *dir = bt_tmpdir("ds");
	ba_dataset *d = NULL;
	ba_error err = BA_ERROR_INIT;
	char *f;

	(void)state;
	f = bt_write(dir, "a.json", "{\"data\": [{\"q\": 1}, {\"q\": 2}]}");
	assert_int_equal(ba_dataset_load_file(&d, f, dir, 0, &err), 0);
	assert_int_equal(ba_dataset_count(d), 2);
	ba_dataset_free(d);
	free(f);

	f = bt_write(dir, "b.jsonl", "{\"q\": 1}\n{\"q\": 2}\n{\"q\": 3}\n");
	assert_int_equal(ba_dataset_load_file(&d, f, dir, 0, &err), 0);
	assert_int_equal(ba_dataset_count(d), 3);
	ba_dataset_free(d);
	free(f);

	f = bt_write(dir, "c.csv", "input.question,output.answer\n\"What, is \"\"x\"\"?\",4\nb,5\n");
	assert_int_equal(ba_dataset_load_file(&d, f, dir, 0, &err), 0);
	assert_int_equal(ba_dataset_count(d), 2);
	assert_string_equal(json_string_value(ba_json_path(ba_dataset_sample(d, 0), "input.question")),
			    "What, is \"x\"?");
	assert_string_equal(json_string_value(ba_json_path(ba_dataset_sample(d, 1), "output.answer")), "5");
	ba_dataset_free(d);
	free(f);

	/* not JSON: the error names the file and line */
	f = bt_write(dir, "bad.json", "{\"data\": [1, 2,\n oops]}");
	assert_int_equal(ba_dataset_load_file(&d, f, dir, 0, &err), BA_EINVAL);
	assert_non_null(strstr(err.msg, "bad.json:2"));
	free(f);
	f = bt_write(dir, "obj.json", "{\"rows\": []}");
	assert_int_equal(ba_dataset_load_file(&d, f, dir, 0, &err), BA_EINVAL);
	assert_non_null(strstr(err.msg, "`data` array"));
	free(f);
	f = bt_write(dir, "bad.jsonl", "{\"q\": 1}\nnot json\n");
	assert_int_not_equal(ba_dataset_load_file(&d, f, dir, 0, &err), 0);
	assert_non_null(strstr(err.msg, "bad.jsonl:2"));
	free(f);
	assert_int_equal(ba_dataset_load_file(&d, "/nonexistent/x.json", dir, 0, &err), BA_ENOTFOUND);
	bt_rmrf(dir);
	free(dir);
}

/* issue 12 item 10: pool symlinks that leave the pool root are refused: a
 * media file linking to a file outside, a source_json symlink outside;
 * `cards check` reports the media one */
static void test_symlinks_outside_pool_refused(void **state)
{
	char *top = bt_tmpdir("poollinks"), *root = ba_path_join(top, "pool"), *f, *link, *card;
	ba_dataset *d = NULL;
	ba_card *c = NULL;
	ba_error err = BA_ERROR_INIT;
	json_t *rep = NULL, *p;
	char *m;
	size_t i;
	int reported = 0;

	(void)state;
	f = bt_write(top, "secret.txt", "root:x:0:0:outside the pool");
	free(f);
	f = bt_write(top, "outside.json", "{\"data\": [{\"input\": {\"question\": \"leaked\"}, \"output\": {\"answer\": \"x\"}}]}");
	free(f);
	f = bt_write(top, "pool/ds/data.json", "{\"data\": [{\"input\": {\"question\": \"q\", \"image_file\": \"images/ok.png\"}, "
		     "\"output\": {\"answer\": \"a\"}}, {\"input\": {\"question\": \"q2\", \"image_file\": \"images/evil.png\"}, "
		     "\"output\": {\"answer\": \"b\"}}]}");
	free(f);
	f = bt_write(top, "pool/ds/images/ok.png", "png");
	free(f);
	link = ba_path_join(root, "ds/images/evil.png");
	f = ba_path_join(top, "secret.txt");
	assert_int_equal(symlink(f, link), 0);
	free(f);
	free(link);
	/* a link that stays inside the pool is fine */
	link = ba_path_join(root, "ds/images/alias.png");
	assert_int_equal(symlink("ok.png", link), 0);
	free(link);

	f = ba_path_join(root, "ds/data.json");
	assert_int_equal(ba_dataset_load_file(&d, f, root, 0, &err), 0);
	free(f);
	m = ba_dataset_media(d, "images/ok.png");
	assert_non_null(m);
	free(m);
	m = ba_dataset_media(d, "images/alias.png");
	assert_non_null(m);
	free(m);
	assert_null(ba_dataset_media(d, "images/evil.png"));
	assert_null(ba_dataset_media(d, "evil.png"));
	assert_int_equal(ba_dataset_media_outside(d, "images/evil.png"), 1);
	assert_int_equal(ba_dataset_media_outside(d, "images/ok.png"), 0);
	ba_dataset_free(d);

	/* source_json that is a symlink to a file outside the pool */
	link = ba_path_join(root, "ds/linked.json");
	f = ba_path_join(top, "outside.json");
	assert_int_equal(symlink(f, link), 0);
	assert_int_equal(ba_dataset_load_file(&d, link, root, 0, &err), BA_EINVAL);
	assert_non_null(strstr(err.msg, "outside"));
	free(f);
	free(link);
	card = bt_write(top, "pool/dataset_cards/l_card.json", "{\"dataset_id\": \"l\", \"name\": \"L\", \"modalities\": [\"text\"], "
			"\"meta\": {\"fields\": {\"question\": {\"paths\": [\"input.question\"]}, \"answer\": {\"paths\": [\"output.answer\"]}}},"
			"\"raw_meta\": {\"source_json\": \"ds/linked.json\"}}");
	assert_int_equal(ba_card_load(&c, card, root, &err), 0);
	assert_int_not_equal(ba_card_check(c, &rep, &err), 0);
	assert_non_null(strstr(err.msg, "outside"));
	ba_card_free(c);
	free(card);

	/* cards check names the media symlink */
	card = bt_write(top, "pool/dataset_cards/m_card.json", "{\"dataset_id\": \"m\", \"name\": \"M\", \"modalities\": [\"image\"], "
			"\"meta\": {\"fields\": {\"question\": {\"paths\": [\"input.question\"]}, \"image\": {\"paths\": [\"input.image_file\"], "
			"\"modality\": \"image\"}, \"answer\": {\"paths\": [\"output.answer\"]}}},"
			"\"raw_meta\": {\"source_json\": \"ds/data.json\"}}");
	assert_int_equal(ba_card_load(&c, card, root, &err), 0);
	assert_int_equal(ba_card_check(c, &rep, &err), BA_EINVAL);
	assert_non_null(rep);
	json_array_foreach(json_object_get(rep, "problems"), i, p)
		reported |= strstr(json_string_value(p), "images/evil.png") && strstr(json_string_value(p), "outside the pool root");
	assert_true(reported);
	json_decref(rep);
	ba_card_free(c);
	free(card);
	free(root);
	bt_rmrf(top);
	free(top);
}

static void test_bm25(void **state)
{
	char *root = pool_root();
	const char *roots[1] = { root };
	ba_pool *p = NULL;
	ba_error err = BA_ERROR_INIT;
	json_t *hits, *dump;
	ba_bm25 *ix, *ix2;
	int cached = -1;

	(void)state;
	ix = ba_bm25_new();
	ba_bm25_add(ix, "a", "cats and dogs playing");
	ba_bm25_add(ix, "b", "car brand recognition from images");
	ba_bm25_add(ix, "c", "dogs dogs dogs");
	hits = ba_bm25_search(ix, "dog", 5);
	assert_int_equal(json_array_size(hits), 2);
	assert_string_equal(ba_json_str(json_array_get(hits, 0), "id", ""), "c");
	json_decref(hits);
	dump = ba_bm25_dump(ix);
	ix2 = ba_bm25_restore(dump);
	assert_non_null(ix2);
	hits = ba_bm25_search(ix2, "car images", 5);
	assert_string_equal(ba_json_str(json_array_get(hits, 0), "id", ""), "b");
	json_decref(hits);
	json_decref(dump);
	ba_bm25_free(ix);
	ba_bm25_free(ix2);

	assert_int_equal(ba_pool_open(&p, roots, 1, 1, &err), 0);
	assert_int_equal(ba_pool_index(p, NULL, NULL, NULL, &cached, &err), 0);
	assert_int_equal(cached, 0);
	hits = ba_pool_search(p, "car brand logo recognition", 3);
	assert_string_equal(ba_json_str(json_array_get(hits, 0), "id", ""), "076fdf72");
	json_decref(hits);
	hits = ba_pool_search(p, "causal reasoning cause effect", 3);
	assert_string_equal(ba_json_str(json_array_get(hits, 0), "id", ""), "7fb63e11");
	json_decref(hits);
	ba_pool_free(p);
	free(root);
}

static void test_index_cache(void **state)
{
	char *root = pool_root(), *ws = bt_tmpdir("ws");
	const char *roots[1] = { root };
	ba_pool *p = NULL;
	ba_store *st = NULL;
	ba_error err = BA_ERROR_INIT;
	json_t *a, *b;
	char *sa, *sb;
	int cached = -1;

	(void)state;
	assert_int_equal(ba_store_open(&st, ws, &err), 0);
	assert_int_equal(ba_pool_open(&p, roots, 1, 1, &err), 0);
	assert_int_equal(ba_pool_index(p, st, NULL, NULL, &cached, &err), 0);
	assert_int_equal(cached, 0);
	a = ba_pool_search(p, "temporal event order news", 5);
	ba_pool_free(p);
	assert_int_equal(ba_pool_open(&p, roots, 1, 1, &err), 0);
	assert_int_equal(ba_pool_index(p, st, NULL, NULL, &cached, &err), 0);
	assert_int_equal(cached, 1);
	b = ba_pool_search(p, "temporal event order news", 5);
	sa = ba_json_canonical(a);
	sb = ba_json_canonical(b);
	assert_string_equal(sa, sb);
	free(sa);
	free(sb);
	json_decref(a);
	json_decref(b);
	ba_pool_free(p);
	ba_store_close(st);
	bt_rmrf(ws);
	free(ws);
	free(root);
}

/* With an "embedding" role the search blends BM25 and cosine similarity
 * (mock embeddings here: hashed word features). */
static void test_hybrid_embeddings(void **state)
{
	char *root = pool_root(), *dir = bt_tmpdir("cfg"), *yaml;
	const char *roots[1] = { root };
	ba_config *cfg = NULL;
	ba_gateway *gw = NULL;
	ba_pool *p = NULL;
	ba_error err = BA_ERROR_INIT;
	json_t *hits, *plain;
	size_t i;

	(void)state;
	yaml = bt_write(dir, "benchagent.yaml", "roles:\n  default: mock/mock\n  embedding: mock/embed\n");
	assert_int_equal(ba_config_load(&cfg, yaml, 0, &err), 0);
	assert_int_equal(ba_gateway_new(&gw, cfg, NULL, NULL, &err), 0);
	assert_int_equal(ba_pool_open(&p, roots, 1, 1, &err), 0);
	assert_int_equal(ba_pool_index(p, NULL, gw, cfg, NULL, &err), 0);
	hits = ba_pool_search(p, "car brand logo recognition", 5);
	assert_true(json_array_size(hits) >= 3);
	assert_string_equal(ba_json_str(json_array_get(hits, 0), "id", ""), "076fdf72");
	/* hybrid scores are in [0, 1] (0.5 * normalised BM25 + 0.5 * cosine), BM25 ones are not */
	json_array_foreach(hits, i, plain) {
		double sc = ba_json_num(plain, "score", -1);
		assert_true(sc > 0 && sc <= 1.0001);
	}
	json_decref(hits);
	ba_pool_free(p);
	ba_gateway_free(gw);
	ba_config_free(cfg);
	bt_rmrf(dir);
	free(dir);
	free(yaml);
	free(root);
}

/* Ranked lists: positive scores only, highest first, equal scores in index order. */
static void test_rank_scores(void **state)
{
	const double sc[] = {0.5, 0, 2.0, 0.5, -1, 2.0, 0.25};
	size_t order[7], n;
	(void)state;

	n = ba_rank_scores(sc, 7, order);
	assert_int_equal(n, 5);
	assert_int_equal(order[0], 2);
	assert_int_equal(order[1], 5);
	assert_int_equal(order[2], 0);
	assert_int_equal(order[3], 3);
	assert_int_equal(order[4], 6);
	assert_int_equal(ba_rank_scores(sc, 0, order), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_real_pool_loads),
		cmocka_unit_test(test_rank_scores),
		cmocka_unit_test(test_usable_counts),
		cmocka_unit_test(test_bad_cards),
		cmocka_unit_test(test_dataset_formats),
		cmocka_unit_test(test_symlinks_outside_pool_refused),
		cmocka_unit_test(test_bm25),
		cmocka_unit_test(test_index_cache),
		cmocka_unit_test(test_hybrid_embeddings),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
