/*
 * test_web_review.c - the review server over real HTTP on loopback:
 * escaping of untrusted item text, verdicts stored and counted, agreement
 * statistics against hand-computed kappas, media confined to the
 * benchmark folder, malformed and hostile requests refused.
 */
#define _GNU_SOURCE
#include "support.h"

#include "benchagent/fs.h"
#include "benchagent/json.h"
#include "benchagent/review.h"
#include "benchagent/store.h"

#include <arpa/inet.h>
#include <math.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

typedef struct {
	char *dir;
	ba_store *st;
	ba_review_server *srv;
} fixture;

static const char items_text[] =
	"{\"id\":\"b-0001\",\"subtask\":\"s1\",\"question\":\"<script>alert(1)</script> What is 2+3?\",\"choices\":[\"4\",\"<b>5</b>\"],\"answer\":\"B\",\"answer_type\":\"choice\",\"qc\":{\"schema\":{\"verdict\":\"pass\"}},\"provenance\":{\"models\":[\"mock/mock\"],\"mock\":true}}\n"
	"{\"id\":\"b-0002\",\"subtask\":\"s1\",\"question\":\"Count the bars.\",\"answer\":4,\"answer_type\":\"numeric\",\"media\":[{\"type\":\"image\",\"path\":\"media/abc.png\"}]}\n"
	"{\"id\":\"b-0003\",\"subtask\":\"s2\",\"question\":\"q3\",\"answer\":\"x\",\"media\":[{\"type\":\"audio\",\"path\":\"media/q.wav\",\"mime\":\"audio/wav\"}]}\n"
	"{\"id\":\"b-0004\",\"subtask\":\"s2\",\"question\":\"q4\",\"answer\":\"y\"}\n";

static int setup(void **state)
{
	fixture *f = calloc(1, sizeof(*f));
	ba_review_opts o = BA_REVIEW_OPTS_INIT;
	ba_error err = BA_ERROR_INIT;
	char *p;

	f->dir = bt_tmpdir("review");
	free(bt_write(f->dir, "bench/items.jsonl", items_text));
	free(bt_write(f->dir, "bench/manifest.json", "{\"id\":\"toy\"}"));
	free(bt_write(f->dir, "bench/media/abc.png", "\x89PNGbytes"));
	free(bt_write(f->dir, "secret.txt", "top secret"));
	p = ba_path_join(f->dir, "bench/media/escape.png");
	assert_int_equal(symlink("../../secret.txt", p), 0);
	free(p);
	free(bt_write(f->dir, "bench/media/q.wav", "RIFFwavbytes"));
	/* symlinks inside the benchmark folder are refused too */
	p = ba_path_join(f->dir, "bench/media/alias.wav");
	assert_int_equal(symlink("q.wav", p), 0);
	free(p);
	p = ba_path_join(f->dir, "bench/media/items.wav");
	assert_int_equal(symlink("../items.jsonl", p), 0);
	free(p);
	assert_int_equal(ba_store_open(&f->st, f->dir, &err), 0);
	p = ba_path_join(f->dir, "bench");
	o.bench_dir = p;
	o.annotator = "alice";
	assert_int_equal(ba_review_start(&f->srv, &o, f->st, &err), 0);
	free(p);
	assert_true(ba_review_port(f->srv) > 0);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	fixture *f = *state;
	ba_review_stop(f->srv);
	ba_store_close(f->st);
	bt_rmrf(f->dir);
	free(f->dir);
	free(f);
	return 0;
}

/* Send a raw request; returns the status code, *body the response (free it). */
static int http(fixture *f, const char *raw, size_t rawlen, char **resp)
{
	struct sockaddr_in a;
	int fd = socket(AF_INET, SOCK_STREAM, 0), code = -1;
	char buf[8192];
	size_t cap = 1 << 20, len = 0;
	ssize_t n;
	char *out = malloc(cap);

	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_port = htons((uint16_t)ba_review_port(f->srv));
	inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
	assert_int_equal(connect(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	while (rawlen) {
		n = write(fd, raw, rawlen);
		if (n <= 0)
			break;
		raw += n;
		rawlen -= (size_t)n;
	}
	shutdown(fd, SHUT_WR);
	while ((n = read(fd, buf, sizeof(buf))) > 0 && len + (size_t)n < cap - 1) {
		memcpy(out + len, buf, (size_t)n);
		len += (size_t)n;
	}
	out[len] = '\0';
	close(fd);
	sscanf(out, "HTTP/1.%*d %d", &code);
	*resp = out;
	return code;
}

static int get(fixture *f, const char *path, char **resp)
{
	char req[1024];
	int n = snprintf(req, sizeof(req), "GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n", path);
	return http(f, req, (size_t)n, resp);
}

static int post(fixture *f, const char *body, const char *origin, char **resp)
{
	char *req;
	int code, n = asprintf(&req, "POST /review HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n%s%s%s"
				     "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: %zu\r\n\r\n%s",
			       origin ? "Origin: " : "", origin ? origin : "", origin ? "\r\n" : "", strlen(body), body);
	assert_true(n > 0);
	code = http(f, req, (size_t)n, resp);
	free(req);
	return code;
}

static void review__pages_escape_untrusted_text(void **state)
{
	fixture *f = *state;
	char *r;

	assert_int_equal(get(f, "/", &r), 200);
	assert_non_null(strstr(r, "&lt;script&gt;alert(1)&lt;/script&gt;"));
	assert_null(strstr(r, "<script>"));
	assert_non_null(strstr(r, "Content-Security-Policy: default-src 'none'"));
	free(r);
	assert_int_equal(get(f, "/item?id=b-0001", &r), 200);
	assert_null(strstr(r, "<script>"));
	assert_null(strstr(r, "<b>5</b>"));
	assert_non_null(strstr(r, "<li class=correct>&lt;b&gt;5&lt;/b&gt; &#10003;</li>"));
	assert_non_null(strstr(r, "value=\"alice\""));
	free(r);
	assert_int_equal(get(f, "/item?id=b-0002", &r), 200);
	assert_non_null(strstr(r, "<img alt=\"item image\" src=\"/media/abc.png\">"));
	free(r);
	assert_int_equal(get(f, "/item?id=%3Cnope%3E", &r), 404);
	assert_null(strstr(r, "<nope>"));
	free(r);
}

static void review__verdicts_are_stored_and_counted(void **state)
{
	fixture *f = *state;
	char *r;
	json_t *s;

	assert_int_equal(post(f, "id=b-0001&verdict=accept&annotator=alice&comment=fine+item", NULL, &r), 303);
	assert_non_null(strstr(r, "Location: /item?id=b-0002&annotator=alice"));
	free(r);
	assert_int_equal(post(f, "id=b-0002&verdict=reject&annotator=alice&comment=%3Cblurry%3E", "http://127.0.0.1:1", &r), 403);
	free(r);
	assert_int_equal(post(f, "id=b-0002&verdict=reject&annotator=alice&comment=%3Cblurry%3E", NULL, &r), 303);
	free(r);
	/* changing one's mind replaces the verdict */
	assert_int_equal(post(f, "id=b-0001&verdict=reject&annotator=alice", NULL, &r), 303);
	free(r);
	assert_int_equal(post(f, "id=b-0001&verdict=accept&annotator=alice", NULL, &r), 303);
	free(r);
	assert_int_equal(get(f, "/item?id=b-0002", &r), 200);
	assert_non_null(strstr(r, "&lt;blurry&gt;"));
	free(r);
	assert_int_equal(get(f, "/api/stats", &r), 200);
	s = json_loads(strstr(r, "\r\n\r\n") + 4, 0, NULL);
	assert_non_null(s);
	assert_int_equal(ba_json_int(s, "items", 0), 4);
	assert_int_equal(ba_json_int(s, "reviewed", 0), 2);
	assert_int_equal(ba_json_int(s, "verdicts", 0), 2);
	assert_true(fabs(ba_json_num(s, "acceptance_rate", 0) - 0.5) < 1e-9);
	json_decref(s);
	free(r);
}

static void review__agreement_matches_hand_computed(void **state)
{
	fixture *f = *state;
	ba_error err = BA_ERROR_INIT;
	const char *alice[] = { "accept", "accept", "reject", "reject" };
	const char *bob[] = { "accept", "reject", "reject", "reject" };
	const char *ids[] = { "b-0001", "b-0002", "b-0003", "b-0004" };
	json_t *s, *pair;
	int i;

	for (i = 0; i < 4; i++) {
		assert_int_equal(ba_review_put(f->st, "toy", ids[i], "alice", alice[i], "", &err), 0);
		assert_int_equal(ba_review_put(f->st, "toy", ids[i], "bob", bob[i], NULL, &err), 0);
	}
	assert_int_equal(ba_review_put(f->st, "toy", "b-0001", "carol", "maybe", "", &err), BA_EINVAL);
	s = ba_review_stats(f->st, "toy", 4);
	assert_int_equal(ba_json_int(s, "verdicts", 0), 8);
	assert_true(fabs(ba_json_num(s, "acceptance_rate", 0) - 3.0 / 8) < 1e-9);
	pair = json_array_get(ba_json_path(s, "agreement.pairs"), 0);
	/* po = 3/4, pe = .5*.25 + .5*.75 = .5, kappa = .5 */
	assert_true(fabs(ba_json_num(pair, "percent", 0) - 0.75) < 1e-9);
	assert_true(fabs(ba_json_num(pair, "cohen_kappa", 0) - 0.5) < 1e-9);
	/* Fleiss: Pbar = .75, q = 3/8, Pe = .53125, kappa = .21875/.46875 */
	assert_true(fabs(json_real_value(ba_json_path(s, "agreement.fleiss_kappa")) - 0.21875 / 0.46875) < 1e-9);
	assert_int_equal(json_integer_value(ba_json_path(s, "agreement.items_multi")), 4);
	json_decref(s);
}

static void review__media_stays_inside_the_benchmark(void **state)
{
	fixture *f = *state;
	char *r;

	assert_int_equal(get(f, "/media/abc.png", &r), 200);
	assert_non_null(strstr(r, "Content-Type: image/png"));
	assert_non_null(strstr(r, "PNGbytes"));
	free(r);
	assert_int_equal(get(f, "/media/../items.jsonl", &r), 400);
	free(r);
	assert_int_equal(get(f, "/media/escape.png", &r), 404);
	assert_null(strstr(r, "top secret"));
	free(r);
	assert_int_equal(get(f, "/media/none.png", &r), 404);
	free(r);
	/* audio: served as audio/wav, from the media folder, no symlinks */
	assert_int_equal(get(f, "/media/q.wav", &r), 200);
	assert_non_null(strstr(r, "Content-Type: audio/wav"));
	assert_non_null(strstr(r, "RIFFwavbytes"));
	free(r);
	assert_int_equal(get(f, "/media/alias.wav", &r), 404);
	assert_null(strstr(r, "RIFFwavbytes"));
	free(r);
	assert_int_equal(get(f, "/media/items.wav", &r), 404);
	assert_null(strstr(r, "b-0001"));
	free(r);
	/* the item page plays it */
	assert_int_equal(get(f, "/item?id=b-0003", &r), 200);
	assert_non_null(strstr(r, "<audio controls preload=metadata class=media src=\"/media/q.wav\">"));
	assert_non_null(strstr(r, "media-src 'self' data:"));
	free(r);
}

static void review__bad_requests_are_refused(void **state)
{
	fixture *f = *state;
	char *r, *big;
	size_t n = 70000;

	assert_int_equal(get(f, "/nowhere", &r), 404);
	free(r);
	{
		const char *del = "DELETE / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
		assert_int_equal(http(f, del, strlen(del), &r), 405);
	}
	free(r);
	assert_int_equal(post(f, "id=b-0001&verdict=%zz&annotator=a", NULL, &r), 400);
	free(r);
	assert_int_equal(post(f, "id=b-0001&verdict=maybe&annotator=a", NULL, &r), 400);
	assert_non_null(strstr(r, "verdict must be accept or reject"));
	free(r);
	assert_int_equal(post(f, "id=ghost&verdict=accept&annotator=a", NULL, &r), 400);
	free(r);
	assert_int_equal(post(f, "id=b-0001&verdict=accept", NULL, &r), 400);
	free(r);
	big = malloc(n + 1);
	memset(big, 'a', n);
	big[n] = '\0';
	assert_int_equal(post(f, big, NULL, &r), 413);
	free(r);
	free(big);
	assert_int_equal(http(f, "garbage\r\n\r\n", 11, &r) >= 400 || r[0] == '\0', 1);
	free(r);
	/* still serving */
	assert_int_equal(get(f, "/", &r), 200);
	free(r);
}

static void review__start_refuses_bad_options(void **state)
{
	fixture *f = *state;
	ba_review_opts o = BA_REVIEW_OPTS_INIT;
	ba_review_server *srv = NULL;
	ba_error err = BA_ERROR_INIT;
	char *p = ba_path_join(f->dir, "bench");

	o.bench_dir = p;
	o.bind = "0.0.0.0";
	assert_int_equal(ba_review_start(&srv, &o, f->st, &err), BA_EINVAL);
	assert_non_null(strstr(err.msg, "loopback"));
	o.bind = "127.0.0.1";
	o.port = ba_review_port(f->srv);
	assert_int_equal(ba_review_start(&srv, &o, f->st, &err), BA_EIO);
	o.port = 0;
	o.bench_dir = f->dir;
	assert_int_equal(ba_review_start(&srv, &o, f->st, &err), BA_ENOTFOUND);
	assert_non_null(strstr(err.msg, "no items.jsonl"));
	assert_null(srv);
	free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(review__pages_escape_untrusted_text, setup, teardown),
		cmocka_unit_test_setup_teardown(review__verdicts_are_stored_and_counted, setup, teardown),
		cmocka_unit_test_setup_teardown(review__agreement_matches_hand_computed, setup, teardown),
		cmocka_unit_test_setup_teardown(review__media_stays_inside_the_benchmark, setup, teardown),
		cmocka_unit_test_setup_teardown(review__bad_requests_are_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(review__start_refuses_bad_options, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
