/*
 * test_util_holes.c - the small holes of issue 12 items 13 and 15, each
 * with the behaviour that was wrong before: a buffer capped at SIZE_MAX,
 * a failed append followed by a successful one (a hole in the text),
 * ba_array_reserve overflowing, a prompt rendered with a piece missing,
 * temporary files shared between threads. (A NUL in a query id:
 * test_config_load.c.)
 */
#include "support.h"

#include "benchagent/alloc.h"
#include "benchagent/buf.h"
#include "benchagent/fs.h"
#include "benchagent/prompt.h"

#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* cap SIZE_MAX used to wrap cap + 1 to 0 and leave a 1-byte buffer */
static void holes__buf_uncapped_grows(void **state)
{
	ba_buf b = BA_BUF_INIT(SIZE_MAX);
	char line[300];
	int i;

	(void)state;
	memset(line, 'x', sizeof(line) - 1);
	line[sizeof(line) - 1] = 0;
	for (i = 0; i < 100; i++)
		assert_int_equal(ba_buf_puts(&b, line), 0);
	assert_int_equal(b.len, 100 * (sizeof(line) - 1));
	assert_true(b.cap > b.len);
	assert_int_equal(b.ptr[b.len - 1], 'x');
	assert_int_equal(ba_buf_status(&b), 0);
	ba_buf_free(&b);
}

/* after one failed append every later one fails: no hole */
static void holes__buf_failure_is_sticky(void **state)
{
	ba_buf b = BA_BUF_INIT(10);

	(void)state;
	assert_int_equal(ba_buf_puts(&b, "12345678"), 0);
	assert_int_equal(ba_buf_puts(&b, "abcdef"), BA_ELIMIT);
	assert_int_equal(ba_buf_puts(&b, "9"), BA_ELIMIT);
	assert_int_equal(ba_buf_printf(&b, "%d", 0), BA_ELIMIT);
	assert_string_equal(ba_buf_cstr(&b), "12345678");
	assert_int_equal(ba_buf_status(&b), BA_ELIMIT);
	ba_buf_reset(&b);
	assert_int_equal(ba_buf_status(&b), 0);
	assert_int_equal(ba_buf_puts(&b, "ok"), 0);
	assert_string_equal(ba_buf_cstr(&b), "ok");
	/* exactly at the cap is fine, one byte past it is not */
	assert_int_equal(ba_buf_puts(&b, "34567890"), 0);
	assert_int_equal(b.len, 10);
	assert_int_equal(ba_buf_status(&b), 0);
	ba_buf_free(&b);
}

/* a request whose size overflows dies loudly (like any allocation that
 * cannot be satisfied) instead of returning a tiny array */
static void holes__array_reserve_overflow_aborts(void **state)
{
	pid_t pid;
	int status;

	(void)state;
	fflush(NULL);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		void *arr = NULL;
		size_t cap = 0;
		int fd = open("/dev/null", 1);
		dup2(fd, 2);
		ba_array_reserve(&arr, &cap, SIZE_MAX / 4, 8); /* 2^62 elements of 8 bytes */
		_exit(cap == 0 ? 3 : 0);                  /* reached only when it did not refuse */
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT);
	/* ordinary growth still works */
	{
		int *a = NULL;
		size_t cap = 0, i;
		for (i = 0; i < 1000; i++) {
			ba_array_reserve((void **)&a, &cap, i + 1, sizeof(int));
			a[i] = (int)i;
		}
		assert_true(cap >= 1000);
		assert_int_equal(a[999], 999);
		free(a);
	}
}

/* a value too big for the prompt used to vanish, and the rest was sent */
static void holes__prompt_with_a_hole_is_refused(void **state)
{
	char *dir = bt_tmpdir("holes"), *out = NULL, *f, *big;
	size_t n = (size_t)17 << 20;
	ba_error err = BA_ERROR_INIT;
	json_t *vars;

	(void)state;
	f = bt_write(dir, "t.txt", "before {{x}} after");
	free(f);
	big = ba_malloc(n + 1);
	memset(big, 'y', n);
	big[n] = 0;
	vars = json_pack("{s:s}", "x", big);
	free(big);
	setenv("BENCHAGENT_PROMPTS", dir, 1);
	assert_int_equal(ba_prompt_render("t.txt", vars, &out, &err), BA_ELIMIT);
	assert_null(out);
	assert_non_null(strstr(err.msg, "prompts/t.txt"));
	json_object_set_new(vars, "x", json_string("small"));
	assert_int_equal(ba_prompt_render("t.txt", vars, &out, &err), 0);
	assert_string_equal(out, "before small after");
	free(out);
	unsetenv("BENCHAGENT_PROMPTS");
	json_decref(vars);
	bt_rmrf(dir);
	free(dir);
}

typedef struct {
	const char *path;
	int id, failures;
} writer;

static void *write_many(void *ud)
{
	writer *w = ud;
	char text[64];
	int i;

	for (i = 0; i < 200; i++) {
		ba_error err = BA_ERROR_INIT;
		int n = snprintf(text, sizeof(text), "writer %d, round %d, padding padding padding\n", w->id, i);
		if (ba_fs_write_atomic(w->path, text, (size_t)n, &err) != 0)
			w->failures++;
	}
	return NULL;
}

/* threads writing one file used to share a temporary name */
static void holes__atomic_write_from_threads(void **state)
{
	char *dir = bt_tmpdir("holes"), *path = ba_path_join(dir, "f.txt"), *txt, *a, *b;
	pthread_t t[8];
	writer w[8];
	int i, fails = 0, wid, round;

	(void)state;
	for (i = 0; i < 8; i++) {
		w[i] = (writer){ path, i, 0 };
		pthread_create(&t[i], NULL, write_many, &w[i]);
	}
	for (i = 0; i < 8; i++) {
		pthread_join(t[i], NULL);
		fails += w[i].failures;
	}
	assert_int_equal(fails, 0);
	txt = bt_read(path);
	/* the file is one whole write, never a mix */
	assert_int_equal(sscanf(txt, "writer %d, round %d,", &wid, &round), 2);
	assert_int_equal(strchr(txt, '\n') - txt + 1, (long)strlen(txt));
	free(txt);
	a = ba_fs_temp_name(path);
	b = ba_fs_temp_name(path);
	assert_string_not_equal(a, b);
	free(a);
	free(b);
	free(path);
	bt_rmrf(dir);
	free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(holes__buf_uncapped_grows),
		cmocka_unit_test(holes__buf_failure_is_sticky),
		cmocka_unit_test(holes__array_reserve_overflow_aborts),
		cmocka_unit_test(holes__prompt_with_a_hole_is_refused),
		cmocka_unit_test(holes__atomic_write_from_threads),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
