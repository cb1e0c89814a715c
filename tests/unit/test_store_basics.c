/*
 * test_store_basics.c - opening, migrations, newer schemas, locks,
 * unwritable workspaces, runs, stages, items, media, kv, events.
 */
#include "support.h"

#include "benchagent/fs.h"
#include "benchagent/json.h"
#include "benchagent/store.h"
#include "../../src/store/store_internal.h" /* the SQLite connection, to check rows independently */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static int setup(void **state)
{
	*state = bt_tmpdir("store");
	return 0;
}

static int teardown(void **state)
{
	bt_rmrf(*state);
	free(*state);
	return 0;
}

static char *query1(ba_store *st, const char *sql)
{
	sqlite3_stmt *s;
	char *out = NULL;
	ba_store_lock(st);
	if (sqlite3_prepare_v2(ba_store_db(st), sql, -1, &s, NULL) == SQLITE_OK) {
		if (sqlite3_step(s) == SQLITE_ROW && sqlite3_column_text(s, 0))
			out = strdup((const char *)sqlite3_column_text(s, 0));
		sqlite3_finalize(s);
	}
	ba_store_unlock(st);
	return out;
}

static void store__open_creates_wal_db_at_latest_schema(void **state)
{
	ba_store *st;
	ba_error err = BA_ERROR_INIT;
	char *mode, *db;

	assert_int_equal(ba_store_open(&st, *state, &err), 0);
	assert_int_equal(ba_store_schema_version(st), ba_store_latest_version());
	mode = query1(st, "PRAGMA journal_mode");
	assert_string_equal(mode, "wal");
	free(mode);
	db = ba_path_join(ba_store_dir(st), "state.db");
	assert_true(ba_fs_exists(db));
	free(db);
	ba_store_close(st);
	/* reopening is idempotent */
	assert_int_equal(ba_store_open(&st, *state, &err), 0);
	assert_int_equal(ba_store_schema_version(st), ba_store_latest_version());
	ba_store_close(st);
}

static void store__migrates_an_old_database(void **state)
{
	ba_store *st;
	ba_error err = BA_ERROR_INIT;
	char *dir = ba_path_join(*state, ".benchagent"), *path;
	sqlite3 *db;

	/* a version-0 database (created by hand, no tables) */
	ba_fs_mkdir_p(dir, &err);
	path = ba_path_join(dir, "state.db");
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "CREATE TABLE keepme(x); INSERT INTO keepme VALUES(7);", 0, 0, 0), SQLITE_OK);
	sqlite3_close(db);
	assert_int_equal(ba_store_open(&st, *state, &err), 0);
	assert_int_equal(ba_store_schema_version(st), ba_store_latest_version());
	{
		char *v = query1(st, "SELECT x FROM keepme");
		assert_string_equal(v, "7"); /* nothing lost */
		free(v);
		v = query1(st, "SELECT count(*) FROM sqlite_master WHERE name = 'llm_calls'");
		assert_string_equal(v, "1");
		free(v);
	}
	ba_store_close(st);
	free(path);
	free(dir);
}

static void store__refuses_newer_schema(void **state)
{
	ba_store *st = NULL;
	ba_error err = BA_ERROR_INIT;
	char *path;
	sqlite3 *db;

	assert_int_equal(ba_store_open(&st, *state, &err), 0);
	ba_store_close(st);
	path = ba_path_join(*state, ".benchagent/state.db");
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "PRAGMA user_version = 999", 0, 0, 0), SQLITE_OK);
	sqlite3_close(db);
	st = NULL;
	assert_int_equal(ba_store_open(&st, *state, &err), BA_EVERSION);
	assert_null(st);
	assert_non_null(strstr(err.msg, "schema version 999 is newer"));
	assert_null(strchr(err.msg, '\n'));
	free(path);
}

static void store__locked_database_is_a_clear_error(void **state)
{
	ba_store *st;
	ba_error err = BA_ERROR_INIT;
	char *path;
	sqlite3 *other;
	int64_t run;

	assert_int_equal(ba_store_open(&st, *state, &err), 0);
	ba_store_set_busy_timeout(st, 50);
	path = ba_path_join(*state, ".benchagent/state.db");
	assert_int_equal(sqlite3_open(path, &other), SQLITE_OK);
	assert_int_equal(sqlite3_exec(other, "BEGIN EXCLUSIVE", 0, 0, 0), SQLITE_OK);
	assert_int_equal(ba_run_open(st, "build", "x", &run, &err), BA_EBUSY);
	assert_non_null(strstr(err.msg, "locked"));
	sqlite3_exec(other, "ROLLBACK", 0, 0, 0);
	sqlite3_close(other);
	/* usable again once the lock is gone */
	assert_int_equal(ba_run_open(st, "build", "x", &run, &err), 0);
	ba_store_close(st);
	free(path);
}

/* The deadlock the retry above is for, made on purpose: another process
 * holds the new file's write lock (as the first of two openers does while
 * it turns the file to WAL) for 0.3 s. SQLite fails the WAL pragma at once
 * (the busy handler is not called while the asker holds a read lock); the
 * store must wait for the lock and open. */
static void store__open_waits_for_another_opener(void **state)
{
	char *dir = ba_path_join(*state, ".benchagent"), *path = ba_path_join(dir, "state.db");
	ba_store *st = NULL;
	ba_error err = BA_ERROR_INIT;
	int held[2], status;
	pid_t pid;
	char c;

	assert_int_equal(ba_fs_mkdir_p(dir, &err), 0);
	assert_int_equal(pipe(held), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		sqlite3 *db;
		close(held[0]);
		if (sqlite3_open(path, &db) != SQLITE_OK || sqlite3_exec(db, "BEGIN IMMEDIATE", 0, 0, 0) != SQLITE_OK)
			_exit(1);
		if (write(held[1], "x", 1) != 1)
			_exit(1);
		usleep(300000);
		_exit(sqlite3_exec(db, "COMMIT", 0, 0, 0) == SQLITE_OK ? 0 : 1);
	}
	close(held[1]);
	assert_int_equal(read(held[0], &c, 1), 1);
	assert_int_equal(ba_store_open(&st, *state, &err), 0);
	assert_int_equal(ba_store_schema_version(st), ba_store_latest_version());
	ba_store_close(st);
	waitpid(pid, &status, 0);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	close(held[0]);
	free(path);
	free(dir);
}

/* Four processes open the same new workspaces at the same moments (the
 * workers of a queue starting together): every open succeeds. They start
 * together (a pipe the parent closes) and open 40 new workspaces in the
 * same order, so they meet on each. SQLite fails one of two simultaneous
 * WAL conversions at once (without the retry this failed 2 runs of 3). */
static void store__processes_opening_a_new_store_together_all_open(void **state)
{
	enum { STORES = 40, PROCS = 4 };
	pid_t pids[PROCS];
	int go[2], k, failed = 0;

	assert_int_equal(pipe(go), 0);
	for (k = 0; k < PROCS; k++) {
		pids[k] = fork();
		assert_true(pids[k] >= 0);
		if (pids[k] == 0) {
			int r, bad = 0;
			char c;
			close(go[1]);
			if (read(go[0], &c, 1) < 0)
				_exit(3);
			for (r = 0; r < STORES; r++) {
				char name[32], *ws;
				ba_store *st;
				ba_error err = BA_ERROR_INIT;

				snprintf(name, sizeof(name), "ws%d", r);
				ws = ba_path_join(*state, name);
				if (ba_store_open(&st, ws, &err) != 0) {
					fprintf(stderr, "%s\n", err.msg);
					bad++;
				} else {
					bad += ba_store_schema_version(st) != ba_store_latest_version();
					ba_store_close(st);
				}
				free(ws);
			}
			_exit(bad ? 1 : 0);
		}
	}
	close(go[0]);
	usleep(50000);
	close(go[1]); /* all start */
	for (k = 0; k < PROCS; k++) {
		int status;
		waitpid(pids[k], &status, 0);
		failed += !(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	}
	assert_int_equal(failed, 0);
}

static void store__unwritable_workspace_fails(void **state)
{
	ba_store *st = NULL;
	ba_error err = BA_ERROR_INIT;
	char *file = bt_write(*state, "plainfile", "x"), *ws = ba_path_join(file, "ws");

	assert_int_equal(ba_store_open(&st, ws, &err), BA_EIO);
	assert_null(st);
	assert_non_null(strstr(err.msg, "plainfile"));
	free(ws);
	free(file);
}

static int collect(void *ud, const char *key, const char *subtask, const char *status, json_t *data)
{
	json_array_append_new(ud, json_pack("{s:s,s:s?,s:s,s:O}", "key", key, "subtask", subtask, "status", status, "data", data));
	return 0;
}

static void store__runs_items_media_kv(void **state)
{
	ba_store *st;
	ba_error err = BA_ERROR_INIT;
	int64_t a, b, a2;
	json_t *d, *all = json_array();
	char *status, sha[65], *rel, *abs, *val;

	assert_int_equal(ba_store_open(&st, *state, &err), 0);
	assert_int_equal(ba_run_open(st, "build", "bench1", &a, &err), 0);
	assert_int_equal(ba_run_open(st, "build", "bench2", &b, &err), 0);
	assert_int_equal(ba_run_open(st, "build", "bench1", &a2, &err), 0);
	assert_true(a == a2 && a != b);

	d = json_pack("{s:s}", "q", "2+2?");
	assert_int_equal(ba_item_put(st, a, "k2", "st1", "done", d, &err), 0);
	assert_int_equal(ba_item_put(st, a, "k1", "st1", "pending", d, &err), 0);
	assert_int_equal(ba_item_put(st, b, "k1", "st2", "done", d, &err), 0);
	json_decref(d);
	assert_int_equal(ba_item_count(st, a, NULL), 2);
	assert_int_equal(ba_item_count(st, a, "done"), 1);
	assert_int_equal(ba_item_get(st, a, "k1", &d, &status, &err), 0);
	assert_string_equal(status, "pending");
	assert_string_equal(ba_json_str(d, "q", ""), "2+2?");
	free(status);
	json_decref(d);
	assert_int_equal(ba_item_get(st, a, "zz", &d, NULL, &err), BA_ENOTFOUND);
	assert_int_equal(ba_item_foreach(st, a, NULL, collect, all, &err), 0);
	assert_int_equal(json_array_size(all), 2);
	assert_string_equal(ba_json_str(json_array_get(all, 0), "key", ""), "k1");
	json_decref(all);

	assert_int_equal(ba_media_put(st, "PNGDATA", 7, "png", "image/png", sha, &rel, &err), 0);
	assert_int_equal(strlen(sha), 64);
	assert_non_null(strstr(rel, sha));
	abs = ba_media_path(st, sha);
	assert_non_null(abs);
	val = bt_read(abs);
	assert_string_equal(val, "PNGDATA");
	free(val);
	free(abs);
	free(rel);
	assert_int_equal(ba_media_put(st, "PNGDATA", 7, "png", "image/png", sha, NULL, &err), 0);
	assert_int_equal(ba_media_put(st, "x", 1, "../sh", "x", sha, NULL, &err), BA_EINVAL);

	assert_int_equal(ba_kv_put(st, "tool:abc", "{\"out\":1}", &err), 0);
	assert_int_equal(ba_kv_get(st, "tool:abc", &val, &err), 0);
	assert_string_equal(val, "{\"out\":1}");
	free(val);
	assert_int_equal(ba_kv_get(st, "tool:none", &val, &err), BA_ENOTFOUND);
	assert_int_equal(ba_event_add(st, a, "info", "test", "hello %d", 5), 0);
	assert_int_equal(ba_run_set_status(st, a, "done", &err), 0);
	{
		json_t *runs = ba_run_list(st);
		assert_int_equal(json_array_size(runs), 2);
		assert_string_equal(ba_json_str(json_array_get(runs, 0), "status", ""), "done");
		json_decref(runs);
	}
	ba_store_close(st);
}

static void store__transactions_roll_back(void **state)
{
	ba_store *st;
	ba_error err = BA_ERROR_INIT;
	int64_t run;
	json_t *d = json_object();

	assert_int_equal(ba_store_open(&st, *state, &err), 0);
	assert_int_equal(ba_run_open(st, "t", "t", &run, &err), 0);
	assert_int_equal(ba_store_begin(st, &err), 0);
	assert_int_equal(ba_item_put(st, run, "a", NULL, "done", d, &err), 0);
	assert_int_equal(ba_item_put(st, run, "b", NULL, "done", d, &err), 0);
	ba_store_rollback(st);
	assert_int_equal(ba_item_count(st, run, NULL), 0);
	assert_int_equal(ba_store_begin(st, &err), 0);
	assert_int_equal(ba_item_put(st, run, "a", NULL, "done", d, &err), 0);
	assert_int_equal(ba_store_commit(st, &err), 0);
	assert_int_equal(ba_item_count(st, run, NULL), 1);
	json_decref(d);
	ba_store_close(st);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(store__open_creates_wal_db_at_latest_schema, setup, teardown),
		cmocka_unit_test_setup_teardown(store__migrates_an_old_database, setup, teardown),
		cmocka_unit_test_setup_teardown(store__refuses_newer_schema, setup, teardown),
		cmocka_unit_test_setup_teardown(store__locked_database_is_a_clear_error, setup, teardown),
		cmocka_unit_test_setup_teardown(store__open_waits_for_another_opener, setup, teardown),
		cmocka_unit_test_setup_teardown(store__processes_opening_a_new_store_together_all_open, setup, teardown),
		cmocka_unit_test_setup_teardown(store__unwritable_workspace_fails, setup, teardown),
		cmocka_unit_test_setup_teardown(store__runs_items_media_kv, setup, teardown),
		cmocka_unit_test_setup_teardown(store__transactions_roll_back, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
