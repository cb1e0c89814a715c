/*
 * stages.c - persisted stage outputs keyed by the hash of their input.
 *
 * A stage's identity is (run, name); its validity is its input hash. A
 * rerun with the same input reuses the output; a changed input (say, an
 * edited plan) recomputes the stage, and through the hashes every stage
 * that consumes its output.
 */
#include "store_internal.h"
#include "benchagent/alloc.h"
#include "benchagent/json.h"
#include "benchagent/sha256.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int ba_stage_get(ba_store *st, int64_t run_id, const char *name, const char *input_hash,
		 json_t **out, ba_error *err)
{
	ba_sql *s = NULL;
	int rc = BA_ENOTFOUND;

	*out = NULL;
	ba_store_lock(st);
	if (ba_sql_prepare(st, "SELECT output FROM stages WHERE run_id = ? AND name = ? AND input_hash = ?", &s) != 0) {
		rc = ba_store_fail(st, err, "stage get");
		goto out;
	}
	ba_sql_int(s, 1, run_id);
	ba_sql_text(s, 2, name);
	ba_sql_text(s, 3, input_hash);
	if (ba_sql_step(s) == BA_SQL_ROW) {
		const char *txt = ba_sql_col_text(s, 0);
		rc = ba_json_parse(out, txt, strlen(txt), name, err);
	}
out:
	ba_sql_finalize(s);
	ba_store_unlock(st);
	return rc;
}

int ba_stage_put(ba_store *st, int64_t run_id, const char *name, const char *input_hash,
		 const json_t *output, ba_error *err)
{
	ba_sql *s = NULL;
	char *txt = ba_json_canonical(output);
	int rc = 0;

	ba_store_lock(st);
	if (ba_sql_prepare(st, "INSERT INTO stages(run_id, name, input_hash, output, updated) VALUES(?,?,?,?,?)"
			       " ON CONFLICT(run_id, name) DO UPDATE SET input_hash = excluded.input_hash,"
			       " output = excluded.output, updated = excluded.updated", &s) != 0) {
		rc = ba_store_fail(st, err, "stage put");
		goto out;
	}
	ba_sql_int(s, 1, run_id);
	ba_sql_text(s, 2, name);
	ba_sql_text(s, 3, input_hash);
	ba_sql_text(s, 4, txt);
	ba_sql_real(s, 5, ba_now());
	if (ba_sql_step(s) != BA_SQL_DONE)
		rc = ba_store_fail(st, err, "stage put");
out:
	ba_sql_finalize(s);
	ba_store_unlock(st);
	free(txt);
	return rc;
}

int ba_stage_run(ba_store *st, int64_t run_id, const char *name, int version,
		 const json_t *input, ba_stage_fn fn, void *ud, json_t **output,
		 int *reused, ba_error *err)
{
	char hash[65], head[160];
	char *canon = ba_json_canonical(input);
	ba_sha256_ctx c;
	unsigned char d[32];
	json_t *out = NULL;
	int rc;

	*output = NULL;
	if (reused)
		*reused = 0;
	snprintf(head, sizeof(head), "stage:%s:v%d:", name, version);
	ba_sha256_init(&c);
	ba_sha256_update(&c, head, strlen(head));
	ba_sha256_update(&c, canon, strlen(canon));
	ba_sha256_final(&c, d);
	ba_hex_encode(d, 32, hash);
	free(canon);

	rc = ba_stage_get(st, run_id, name, hash, &out, err);
	if (rc == 0) {
		if (reused)
			*reused = 1;
		*output = out;
		return 0;
	}
	if (rc != BA_ENOTFOUND)
		return rc;
	rc = fn(ud, input, &out, err);
	if (rc != 0)
		return rc;
	if (!out)
		return ba_error_set(err, BA_ERR, "stage %s produced no output", name);
	if ((rc = ba_stage_put(st, run_id, name, hash, out, err)) != 0) {
		json_decref(out);
		return rc;
	}
	ba_event_add(st, run_id, "info", "stage", "%s done", name);
	*output = out;
	return 0;
}

json_t *ba_stage_list(ba_store *st, int64_t run_id)
{
	json_t *arr = json_array();
	ba_sql *s = NULL;

	ba_store_lock(st);
	if (ba_sql_prepare(st, "SELECT name, input_hash, updated FROM stages WHERE run_id = ? ORDER BY updated", &s) == 0) {
		ba_sql_int(s, 1, run_id);
		while (ba_sql_step(s) == BA_SQL_ROW)
			json_array_append_new(arr, json_pack("{s:s,s:s,s:f}",
				"name", ba_sql_col_text(s, 0),
				"input_hash", ba_sql_col_text(s, 1),
				"updated", ba_sql_col_real(s, 2)));
	}
	ba_sql_finalize(s);
	ba_store_unlock(st);
	return arr;
}
