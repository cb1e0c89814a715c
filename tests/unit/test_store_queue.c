/*
 * test_store_queue.c - the work queue on the embedded store (the same SQL
 * runs on PostgreSQL, tests/integration/store_postgres.sh): claims in key
 * order, leases that run out, renewals, completion only by the lease
 * holder, reopening only what an earlier invocation finished; and the
 * placeholder rewrite the PostgreSQL backend uses.
 */
#include "support.h"

#include "benchagent/json.h"
#include "benchagent/store.h"
#include "../../src/store/store_internal.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int setup(void **state)
{
	*state = bt_tmpdir("queue");
	return 0;
}

static int teardown(void **state)
{
	bt_rmrf(*state);
	free(*state);
	return 0;
}

static json_t *units(int n)
{
	json_t *a = json_array();
	int i;
	for (i = 0; i < n; i++)
		json_array_append_new(a, json_pack("{s:o, s:i}", "key", json_sprintf("u%02d", i), "n", i));
	return a;
}

static void queue__claims_in_order_once_each(void **state)
{
	ba_store *st;
	ba_error err = BA_ERROR_INIT;
	ba_queue_unit u;
	json_t *us = units(3), *stats;

	assert_int_equal(ba_store_open(&st, *state, &err), 0);
	assert_int_equal(ba_queue_enqueue(st, 1, "execute", us, ba_now(), &err), 0);
	assert_int_equal(ba_queue_pending(st, 1, "execute"), 3);
	assert_int_equal(ba_queue_claim(st, 1, "execute", "a", 30, &u, &err), 0);
	assert_string_equal(u.key, "u00");
	assert_int_equal(ba_json_int(u.unit, "n", -1), 0);
	assert_int_equal(u.attempts, 1);
	ba_queue_unit_clear(&u);
	assert_int_equal(ba_queue_claim(st, 1, "execute", "b", 30, &u, &err), 0);
	assert_string_equal(u.key, "u01");
	ba_queue_unit_clear(&u);
	/* another stage or run is another queue */
	assert_int_equal(ba_queue_claim(st, 1, "verify", "b", 30, &u, &err), BA_ENOTFOUND);
	assert_int_equal(ba_queue_claim(st, 2, "execute", "b", 30, &u, &err), BA_ENOTFOUND);
	/* only the holder completes; a give-back reopens */
	assert_int_equal(ba_queue_complete(st, 1, "execute", "u00", "b", 1, &err), 0);
	assert_int_equal(ba_queue_pending(st, 1, "execute"), 3);
	assert_int_equal(ba_queue_complete(st, 1, "execute", "u00", "a", 1, &err), 0);
	assert_int_equal(ba_queue_complete(st, 1, "execute", "u01", "b", 0, &err), 0);
	assert_int_equal(ba_queue_pending(st, 1, "execute"), 2);
	assert_int_equal(ba_queue_claim(st, 1, "execute", "a", 30, &u, &err), 0);
	assert_string_equal(u.key, "u01");
	assert_int_equal(u.attempts, 2);
	ba_queue_unit_clear(&u);
	stats = ba_queue_stats(st, 1, "execute");
	assert_int_equal(ba_json_int(stats, "units", 0), 3);
	assert_int_equal(ba_json_int(stats, "done", 0), 1);
	assert_int_equal(ba_json_int(stats, "claims", 0), 3);
	assert_int_equal(ba_json_int(json_object_get(stats, "workers"), "a", 0), 1);
	json_decref(stats);
	json_decref(us);
	ba_store_close(st);
}

static void queue__a_lease_that_runs_out_goes_to_the_next_claim(void **state)
{
	ba_store *st;
	ba_error err = BA_ERROR_INIT;
	ba_queue_unit u;
	json_t *us = units(1);

	assert_int_equal(ba_store_open(&st, *state, &err), 0);
	assert_int_equal(ba_queue_enqueue(st, 1, "s", us, ba_now(), &err), 0);
	assert_int_equal(ba_queue_claim(st, 1, "s", "dead", 1.0, &u, &err), 0);
	ba_queue_unit_clear(&u);
	assert_int_equal(ba_queue_claim(st, 1, "s", "b", 1.0, &u, &err), BA_ENOTFOUND);
	/* renewed, the lease holds past its first end */
	usleep(600000);
	assert_int_equal(ba_queue_renew(st, "dead", 1.0), 1);
	usleep(600000);
	assert_int_equal(ba_queue_claim(st, 1, "s", "b", 1.0, &u, &err), BA_ENOTFOUND);
	/* not renewed: it runs out and b takes the unit over */
	usleep(1200000);
	assert_int_equal(ba_queue_claim(st, 1, "s", "b", 30, &u, &err), 0);
	assert_int_equal(u.attempts, 2);
	ba_queue_unit_clear(&u);
	/* the dead worker can no longer close it; b can */
	assert_int_equal(ba_queue_complete(st, 1, "s", "u00", "dead", 1, &err), 0);
	assert_int_equal(ba_queue_pending(st, 1, "s"), 1);
	assert_int_equal(ba_queue_complete(st, 1, "s", "u00", "b", 1, &err), 0);
	assert_int_equal(ba_queue_pending(st, 1, "s"), 0);
	json_decref(us);
	ba_store_close(st);
}

static void queue__reopens_only_what_an_earlier_invocation_finished(void **state)
{
	ba_store *st;
	ba_error err = BA_ERROR_INIT;
	ba_queue_unit u;
	json_t *us = units(1);
	double t0 = ba_now();

	assert_int_equal(ba_store_open(&st, *state, &err), 0);
	assert_int_equal(ba_queue_enqueue(st, 1, "s", us, t0, &err), 0);
	assert_int_equal(ba_queue_claim(st, 1, "s", "a", 30, &u, &err), 0);
	ba_queue_unit_clear(&u);
	/* enqueued again while leased: left as it is */
	assert_int_equal(ba_queue_enqueue(st, 1, "s", us, t0, &err), 0);
	assert_int_equal(ba_queue_claim(st, 1, "s", "b", 30, &u, &err), BA_ENOTFOUND);
	assert_int_equal(ba_queue_complete(st, 1, "s", "u00", "a", 1, &err), 0);
	/* a worker of the same build (started at t0) does not reopen it */
	assert_int_equal(ba_queue_enqueue(st, 1, "s", us, t0, &err), 0);
	assert_int_equal(ba_queue_pending(st, 1, "s"), 0);
	/* a later invocation does */
	usleep(10000);
	assert_int_equal(ba_queue_enqueue(st, 1, "s", us, ba_now(), &err), 0);
	assert_int_equal(ba_queue_pending(st, 1, "s"), 1);
	json_decref(us);
	ba_store_close(st);
}

static void sql__placeholders_become_dollars_outside_quotes(void **state)
{
	int n;
	char *s = ba_sql_dollar("SELECT ?, '?x', ? WHERE a = ?7 AND b = 'it''s ?' AND c = ?2", &n);

	(void)state;
	assert_string_equal(s, "SELECT $1, '?x', $2 WHERE a = $7 AND b = 'it''s ?' AND c = $2");
	assert_int_equal(n, 7);
	free(s);
}

static void store__bad_target_is_a_clear_error(void **state)
{
	ba_store *st = NULL;
	ba_error err = BA_ERROR_INIT;

	assert_int_equal(ba_store_open_at(&st, *state, "mysql://x/y", &err), BA_EINVAL);
	assert_null(st);
	assert_non_null(strstr(err.msg, "store: mysql://x/y: expected"));
	assert_int_equal(ba_store_open_at(&st, *state, "sqlite", &err), 0);
	assert_string_equal(ba_store_backend(st), "sqlite");
	ba_store_close(st);
	ba_error_clear(&err);
	assert_true(ba_store_open_at(&st, *state, "postgresql://u:pw@127.0.0.1:1/db?sslmode=disable", &err) < 0);
	assert_non_null(strstr(err.msg, "postgresql://127.0.0.1:1/db: cannot connect"));
	assert_null(strstr(err.msg, "pw"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(queue__claims_in_order_once_each, setup, teardown),
		cmocka_unit_test_setup_teardown(queue__a_lease_that_runs_out_goes_to_the_next_claim, setup, teardown),
		cmocka_unit_test_setup_teardown(queue__reopens_only_what_an_earlier_invocation_finished, setup, teardown),
		cmocka_unit_test(sql__placeholders_become_dollars_outside_quotes),
		cmocka_unit_test_setup_teardown(store__bad_target_is_a_clear_error, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
