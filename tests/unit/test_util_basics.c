/*
 * test_util_basics.c - buffer caps, SHA-256 vectors, RNG determinism and
 * range, canonical JSON, dotted paths, safe paths, prompt rendering.
 */
#include "support.h"

#include "benchagent/alloc.h"
#include "benchagent/base64.h"
#include "benchagent/buf.h"
#include "benchagent/fs.h"
#include "benchagent/json.h"
#include "benchagent/prompt.h"
#include "benchagent/rng.h"
#include "benchagent/sha256.h"

#include <stdlib.h>
#include <string.h>

static void util__buf_respects_cap(void **state)
{
	ba_buf b = BA_BUF_INIT(10);
	(void)state;
	assert_int_equal(ba_buf_puts(&b, "12345"), 0);
	assert_int_equal(ba_buf_puts(&b, "67890"), 0);
	assert_int_equal(ba_buf_puts(&b, "x"), BA_ELIMIT);
	assert_int_equal(b.len, 10);
	assert_string_equal(ba_buf_cstr(&b), "1234567890");
	ba_buf_reset(&b);
	assert_int_equal(ba_buf_printf(&b, "%d-%s", 42, "ab"), 0);
	assert_string_equal(ba_buf_cstr(&b), "42-ab");
	assert_int_equal(ba_buf_printf(&b, "%s", "this is far too long"), BA_ELIMIT);
	assert_string_equal(ba_buf_cstr(&b), "42-ab");
	ba_buf_free(&b);
}

static void sha256_vectors(void)
{
	char hex[65];
	char *million;
	ba_sha256_hex("", 0, hex);
	assert_string_equal(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	ba_sha256_hex("abc", 3, hex);
	assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	ba_sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", 56, hex);
	assert_string_equal(hex, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
	million = malloc(1000000);
	memset(million, 'a', 1000000);
	ba_sha256_hex(million, 1000000, hex);
	assert_string_equal(hex, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
	free(million);
}

/* both block functions (the SHA extensions where the processor has them,
 * and the portable one), on the known vectors and on each other for every
 * length up to 300 bytes and split updates */
static void util__sha256_known_vectors(void **state)
{
	unsigned char buf[300], a[32], b[32];
	ba_sha256_ctx c;
	size_t n, cut;
	(void)state;
	sha256_vectors();
	ba_sha256_portable(1);
	sha256_vectors();
	for (n = 0; n < sizeof(buf); n++)
		buf[n] = (unsigned char)(n * 131 + 7);
	for (n = 0; n <= sizeof(buf); n += 7) {
		ba_sha256_portable(1);
		ba_sha256(buf, n, a);
		ba_sha256_portable(0);
		for (cut = 0; cut <= n; cut += 13) {
			ba_sha256_init(&c);
			ba_sha256_update(&c, buf, cut);
			ba_sha256_update(&c, buf + cut, n - cut);
			ba_sha256_final(&c, b);
			assert_memory_equal(a, b, 32);
		}
	}
	ba_sha256_portable(0);
}

static void util__rng_is_deterministic_and_in_range(void **state)
{
	ba_rng a, b, c;
	int i, counts[6] = { 0 };
	(void)state;
	ba_rng_seed(&a, 42, 1);
	ba_rng_seed(&b, 42, 1);
	ba_rng_seed(&c, 42, 2);
	int differ = 0;
	for (i = 0; i < 1000; i++) {
		uint32_t x = ba_rng_u32(&a), y = ba_rng_u32(&b), z = ba_rng_u32(&c);
		assert_int_equal(x, y);
		differ += x != z;
	}
	assert_true(differ > 990);
	for (i = 0; i < 60000; i++) {
		int64_t v = ba_rng_range(&a, -2, 3);
		assert_true(v >= -2 && v <= 3);
		counts[v + 2]++;
	}
	for (i = 0; i < 6; i++)
		assert_true(counts[i] > 9000 && counts[i] < 11000);
	for (i = 0; i < 1000; i++) {
		double d = ba_rng_double(&a);
		assert_true(d >= 0 && d < 1);
	}
	assert_true(ba_rng_seed_from(1, "a") != ba_rng_seed_from(1, "b"));
	assert_true(ba_rng_seed_from(1, "a") == ba_rng_seed_from(1, "a"));
}

static void util__shuffle_is_a_permutation(void **state)
{
	ba_rng r;
	int v[50], seen[50] = { 0 }, i, moved = 0;
	(void)state;
	for (i = 0; i < 50; i++)
		v[i] = i;
	ba_rng_seed(&r, 7, 0);
	ba_rng_shuffle(&r, v, 50, sizeof(int));
	for (i = 0; i < 50; i++) {
		seen[v[i]]++;
		moved += v[i] != i;
	}
	for (i = 0; i < 50; i++)
		assert_int_equal(seen[i], 1);
	assert_true(moved > 30);
}

static void util__json_canonical_sorts_keys(void **state)
{
	json_t *a = json_pack("{s:i,s:{s:s,s:i}}", "b", 1, "a", "y", "q", "x", 2);
	json_t *b = json_pack("{s:{s:i,s:s},s:i}", "a", "x", 2, "y", "q", "b", 1);
	char *ca = ba_json_canonical(a), *cb = ba_json_canonical(b);
	char ha[65], hb[65];
	(void)state;
	assert_string_equal(ca, "{\"a\":{\"x\":2,\"y\":\"q\"},\"b\":1}");
	assert_string_equal(ca, cb);
	ba_json_hash(a, ha);
	ba_json_hash(b, hb);
	assert_string_equal(ha, hb);
	free(ca);
	free(cb);
	json_decref(a);
	json_decref(b);
}

static void util__json_path_and_errors(void **state)
{
	json_t *j = NULL;
	ba_error err = BA_ERROR_INIT;
	const char *txt = "{\"input\": {\"q\": [\"x\", {\"deep\": 5}]}}";
	(void)state;
	assert_int_equal(ba_json_parse(&j, txt, strlen(txt), "t.json", &err), 0);
	assert_int_equal(json_integer_value(ba_json_path(j, "input.q.1.deep")), 5);
	assert_string_equal(json_string_value(ba_json_path(j, "input.q.0")), "x");
	assert_null(ba_json_path(j, "input.q.7"));
	assert_null(ba_json_path(j, "input.nope.x"));
	json_decref(j);
	assert_int_equal(ba_json_parse(&j, "{\n\"a\": }", 8, "bad.json", &err), BA_EINVAL);
	assert_non_null(strstr(err.msg, "bad.json:2:"));
	assert_int_equal(ba_json_parse(&j, "{\"a\":1,\"a\":2}", 13, "dup.json", &err), BA_EINVAL);
}

static int count_line(void *ud, json_t *obj, size_t lineno, ba_error *err)
{
	(void)obj; (void)lineno; (void)err;
	(*(int *)ud)++;
	return 0;
}

static void util__jsonl_reports_bad_line(void **state)
{
	char *dir = bt_tmpdir("jsonl"), *good, *bad;
	ba_error err = BA_ERROR_INIT;
	int n = 0;
	(void)state;
	good = bt_write(dir, "good.jsonl", "{\"a\":1}\n\n{\"a\":2}\n");
	bad = bt_write(dir, "bad.jsonl", "{\"a\":1}\n{\"a\":\n{\"a\":3}\n");
	assert_int_equal(ba_jsonl_foreach(good, count_line, &n, &err), 0);
	assert_int_equal(n, 2);
	n = 0;
	assert_int_equal(ba_jsonl_foreach(bad, count_line, &n, &err), BA_EINVAL);
	assert_int_equal(n, 1);
	assert_non_null(strstr(err.msg, "bad.jsonl:2:"));
	free(good);
	free(bad);
	bt_rmrf(dir);
	free(dir);
}

static void util__paths_stay_inside(void **state)
{
	char *s;
	(void)state;
	assert_true(ba_path_is_safe("media/x.png"));
	assert_true(ba_path_is_safe("a/b..c/d"));
	assert_false(ba_path_is_safe("/etc/passwd"));
	assert_false(ba_path_is_safe("../x"));
	assert_false(ba_path_is_safe("a/../../x"));
	assert_false(ba_path_is_safe("a\\..\\x"));
	assert_false(ba_path_is_safe(""));
	s = ba_path_sanitize("../../etc/passwd");
	assert_null(strchr(s, '/'));
	assert_true(s[0] != '.');
	free(s);
	s = ba_path_join("a/", "b");
	assert_string_equal(s, "a/b");
	free(s);
}

static void util__atomic_write_replaces(void **state)
{
	char *dir = bt_tmpdir("atomic"), *path = ba_path_join(dir, "f.txt"), *txt;
	ba_error err = BA_ERROR_INIT;
	(void)state;
	assert_int_equal(ba_fs_write_atomic(path, "one", 3, &err), 0);
	assert_int_equal(ba_fs_write_atomic(path, "two!", 4, &err), 0);
	txt = bt_read(path);
	assert_string_equal(txt, "two!");
	free(txt);
	free(path);
	path = ba_path_join(dir, "missing/dir/f.txt");
	assert_int_equal(ba_fs_write_atomic(path, "x", 1, &err), BA_EIO);
	assert_non_null(strstr(err.msg, "missing/dir/f.txt"));
	free(path);
	bt_rmrf(dir);
	free(dir);
}

static void util__prompt_render_fills_and_refuses_missing(void **state)
{
	char *dir = bt_tmpdir("prompts"), *out = NULL, *f;
	ba_error err = BA_ERROR_INIT;
	json_t *vars = json_pack("{s:s,s:i}", "topic", "dates", "n", 3);
	(void)state;
	f = bt_write(dir, "t.txt", "Topic: {{topic}}; count {{ n }}.");
	free(f);
	setenv("BENCHAGENT_PROMPTS", dir, 1);
	assert_int_equal(ba_prompt_render("t.txt", vars, &out, &err), 0);
	assert_string_equal(out, "Topic: dates; count 3.");
	free(out);
	json_object_del(vars, "n");
	assert_int_equal(ba_prompt_render("t.txt", vars, &out, &err), BA_EINVAL);
	assert_non_null(strstr(err.msg, "{{n}}"));
	assert_int_equal(ba_prompt_render("none.txt", vars, &out, &err), BA_ENOTFOUND);
	unsetenv("BENCHAGENT_PROMPTS");
	json_decref(vars);
	bt_rmrf(dir);
	free(dir);
}

static void util__base64_round_trips(void **state)
{
	const char *cases[] = { "", "f", "fo", "foo", "foob", "fooba", "foobar" };
	const char *want[] = { "", "Zg==", "Zm8=", "Zm9v", "Zm9vYg==", "Zm9vYmE=", "Zm9vYmFy" };
	size_t i, n;
	(void)state;
	for (i = 0; i < 7; i++) {
		char *e = ba_base64_encode(cases[i], strlen(cases[i]));
		unsigned char *d;
		assert_string_equal(e, want[i]);
		d = ba_base64_decode(e, strlen(e), &n);
		assert_non_null(d);
		assert_int_equal(n, strlen(cases[i]));
		assert_memory_equal(d, cases[i], n);
		free(d);
		free(e);
	}
	assert_null(ba_base64_decode("Zm9v!", 5, &n));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(util__buf_respects_cap),
		cmocka_unit_test(util__sha256_known_vectors),
		cmocka_unit_test(util__rng_is_deterministic_and_in_range),
		cmocka_unit_test(util__shuffle_is_a_permutation),
		cmocka_unit_test(util__json_canonical_sorts_keys),
		cmocka_unit_test(util__json_path_and_errors),
		cmocka_unit_test(util__jsonl_reports_bad_line),
		cmocka_unit_test(util__paths_stay_inside),
		cmocka_unit_test(util__atomic_write_replaces),
		cmocka_unit_test(util__prompt_render_fills_and_refuses_missing),
		cmocka_unit_test(util__base64_round_trips),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
