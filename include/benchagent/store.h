/*
 * store.h - the workspace store: SQLite (WAL) at <workspace>/.benchagent/state.db
 * (the embedded default) or a shared PostgreSQL database (a team store:
 * `store: postgresql://...` or $BENCHAGENT_STORE), plus content-addressed
 * media files under <workspace>/.benchagent/media/.
 *
 * One handle may be shared by many threads: every call takes the store's
 * (recursive) lock, and ba_store_lock()/unlock() group several calls into
 * one critical section. Writes that must be all-or-nothing go through
 * ba_store_begin()/commit(); a kill -9 at any point leaves the last
 * committed state, never a partial one.
 *
 * The store owns its SQL: every table has typed functions here and no
 * other module prepares statements or sees a database type, so another
 * backend sits behind the same API: src/store/sql_sqlite.c and sql_pg.c.
 * (src/store/store_internal.h gives the store's own files and the store's
 * tests the statement interface and the SQLite connection.)
 */
#ifndef BA_STORE_H
#define BA_STORE_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "benchagent/error.h"

typedef struct ba_store ba_store;

/* Open (creating) the workspace store. Fails with BA_EVERSION when the
 * database comes from a newer schema, BA_EBUSY when it stays locked, BA_EIO
 * when the workspace is not writable. */
int ba_store_open(ba_store **out, const char *workspace, ba_error *err);
/* Open the store target names: NULL, "" or "sqlite" = the workspace's
 * SQLite file; "postgresql://..." (or "postgres://") = that PostgreSQL
 * database, with the workspace still holding media and outputs. Errors
 * name the URL without its credentials. */
int ba_store_open_at(ba_store **out, const char *workspace, const char *target, ba_error *err);
int ba_store_is_url(const char *target);
void ba_store_close(ba_store *st);
const char *ba_store_backend(const ba_store *st);  /* "sqlite" or "postgresql" */
const char *ba_store_label(const ba_store *st);    /* file path or URL without credentials */
/* A private copy of st in workspace dir (created): the database is copied
 * with SQLite's backup API (cache, stages, items, everything), the media
 * folder is shared through a symlink. Used by --dry-run, so a dry run sees
 * what is already done and paid for, and leaves the real store as it was. */
int ba_store_clone(ba_store *st, const char *dir, ba_store **out, ba_error *err);

const char *ba_store_workspace(const ba_store *st);  /* borrowed */
const char *ba_store_dir(const ba_store *st);        /* <ws>/.benchagent, borrowed */
int ba_store_schema_version(ba_store *st);
/* Latest schema version this build knows. */
int ba_store_latest_version(void);

/* How long a call waits for another process's lock before failing with
 * BA_EBUSY (default 5000 ms, or $BENCHAGENT_BUSY_TIMEOUT_MS). */
void ba_store_set_busy_timeout(ba_store *st, int ms);

void ba_store_lock(ba_store *st);
void ba_store_unlock(ba_store *st);
/* Transactions (nestable by depth count: only the outermost commits). */
int ba_store_begin(ba_store *st, ba_error *err);
int ba_store_commit(ba_store *st, ba_error *err);
void ba_store_rollback(ba_store *st);
/* Drop the calling thread's cached statements (the gateway's threads call
 * this, with the store lock held, before they end). */
void ba_store_thread_release(void);

/* ---- runs: one per (kind, key), e.g. ("build", "<benchmark id>") ---- */
int ba_run_open(ba_store *st, const char *kind, const char *key, int64_t *run_id, ba_error *err);
int ba_run_set_status(ba_store *st, int64_t run_id, const char *status, ba_error *err);
/* All runs as a JSON array of {id, kind, key, status, created, updated}. New ref. */
json_t *ba_run_list(ba_store *st);

/* ---- stages: named, persisted outputs keyed by an input hash ---- */
/* Fetch a stage's stored output when its input hash matches. New ref in
 * *out, or BA_ENOTFOUND when absent or stale. */
int ba_stage_get(ba_store *st, int64_t run_id, const char *name, const char *input_hash,
		 json_t **out, ba_error *err);
int ba_stage_put(ba_store *st, int64_t run_id, const char *name, const char *input_hash,
		 const json_t *output, ba_error *err);
/* Compute one stage: input hash = sha256(name, version, canonical input).
 * If a stored output matches, it is returned and fn is not called (*reused
 * = 1). Otherwise fn computes the output, which is stored before returning.
 * The output is a new reference owned by the caller. */
typedef int (*ba_stage_fn)(void *ud, const json_t *input, json_t **output, ba_error *err);
int ba_stage_run(ba_store *st, int64_t run_id, const char *name, int version,
		 const json_t *input, ba_stage_fn fn, void *ud, json_t **output,
		 int *reused, ba_error *err);
/* Stage list for a run: [{name, input_hash, updated}]. New ref. */
json_t *ba_stage_list(ba_store *st, int64_t run_id);

/* ---- items: per-run work units with a status and JSON data ---- */
int ba_item_put(ba_store *st, int64_t run_id, const char *key, const char *subtask,
		const char *status, const json_t *data, ba_error *err);
/* Like ba_item_put, but a unit already present is left as it is (another
 * worker sharing the store may have advanced it). */
int ba_item_add(ba_store *st, int64_t run_id, const char *key, const char *subtask,
		const char *status, const json_t *data, ba_error *err);
/* New ref or BA_ENOTFOUND; status_out (optional) gets a copy (free it). */
int ba_item_get(ba_store *st, int64_t run_id, const char *key, json_t **data,
		char **status_out, ba_error *err);
/* Iterate in key order; status NULL = all. fn returning non-zero stops. */
typedef int (*ba_item_fn)(void *ud, const char *key, const char *subtask, const char *status,
			  json_t *data);
int ba_item_foreach(ba_store *st, int64_t run_id, const char *status, ba_item_fn fn, void *ud,
		    ba_error *err);
/* Count items by status (status NULL = all). */
long ba_item_count(ba_store *st, int64_t run_id, const char *status);
/* {key: status} of every item of a run. New ref. */
json_t *ba_item_statuses(ba_store *st, int64_t run_id);

/* ---- work queue (work_queue): units several processes share ----
 * One row per (run, stage, unit key) with the unit's JSON. A worker claims
 * the first open unit (FOR UPDATE SKIP LOCKED on PostgreSQL) with a lease
 * until now + lease_s; a lease that runs out (its worker died) makes the
 * unit claimable again; done is final until the unit is enqueued again. */
typedef struct ba_queue_unit {
	char *key;
	json_t *unit;   /* new ref */
	int attempts;   /* claims so far, this one included */
} ba_queue_unit;
/* Add units (JSON objects with "key") in one transaction; an open or
 * leased unit is left as it is; a done one is opened again only when it
 * was done before `since` (an earlier invocation: the caller's start
 * time), never when a worker of the same build just finished it. */
int ba_queue_enqueue(ba_store *st, int64_t run_id, const char *stage, const json_t *units, double since,
		     ba_error *err);
/* Claim one open unit: 0 (filled *out), BA_ENOTFOUND (none open now) or an
 * error. */
int ba_queue_claim(ba_store *st, int64_t run_id, const char *stage, const char *worker, double lease_s,
		   ba_queue_unit *out, ba_error *err);
void ba_queue_unit_clear(ba_queue_unit *u);
/* Extend every lease worker holds to now + lease_s; returns how many. */
long ba_queue_renew(ba_store *st, const char *worker, double lease_s);
/* A thread renewing worker's leases every lease_s/3 until stopped (who
 * names the caller in the warning when a renewal fails). Borrowed st and
 * worker outlive it. */
typedef struct ba_queue_heartbeat ba_queue_heartbeat;
ba_queue_heartbeat *ba_queue_heartbeat_start(ba_store *st, const char *worker, double lease_s, const char *who);
void ba_queue_heartbeat_stop(ba_queue_heartbeat *h);
/* done = 1: the unit is finished; 0: give it back (open) for another worker. */
int ba_queue_complete(ba_store *st, int64_t run_id, const char *stage, const char *key, const char *worker,
		      int done, ba_error *err);
/* Units of (run, stage) not done (open or leased), or -1. */
long ba_queue_pending(ba_store *st, int64_t run_id, const char *stage);
/* Statistics of (run, stage): {units, done, claims, workers: {worker: units done}}. New ref. */
json_t *ba_queue_stats(ba_store *st, int64_t run_id, const char *stage);

/* ---- media: content-addressed files ---- */
/* Store bytes; sha_out gets the hex digest, relpath_out (optional,
 * caller frees) the path relative to the workspace. Idempotent. */
int ba_media_put(ba_store *st, const void *data, size_t len, const char *ext,
		 const char *mime, char sha_out[65], char **relpath_out, ba_error *err);
/* Absolute path of a stored media file (caller frees) or NULL. On a team
 * store the bytes are kept in the store too (media_blobs): a file made on
 * another machine is written into this workspace first (checked against
 * its sha256); NULL (with a warning) when the store has no copy. */
char *ba_media_path(ba_store *st, const char *sha);

/* ---- events: an append-only log per run ---- */
int ba_event_add(ba_store *st, int64_t run_id, const char *level, const char *kind,
		 const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* ---- kv: small persistent values for modules (tool outputs, progress) ---- */
int ba_kv_put(ba_store *st, const char *key, const char *value, ba_error *err);
/* *value is a new string (free it) or BA_ENOTFOUND. */
int ba_kv_get(ba_store *st, const char *key, char **value, ba_error *err);

/* ---- llm calls: the gateway's call log and cache (llm_calls, llm_hits) ---- */
typedef struct ba_call_row {
	const char *key;            /* 64 hex digits: the request's cache key */
	int64_t run_id;             /* 0 = none */
	const char *role, *provider, *model;
	const char *request;        /* canonical request JSON */
	const char *response;       /* reply JSON text, or NULL */
	const char *status;         /* "ok", "error", "schema_error", ... */
	long long prompt_tokens, completion_tokens;
	double cost_usd, latency_ms;
	int mock;
} ba_call_row;
/* Record one finished call. An ok row is never replaced by a failure;
 * tokens and cost add up over retries of the same key. */
int ba_call_put(ba_store *st, const ba_call_row *row);
/* The ok, non-mock row of key: fills response, provider, model (new
 * strings, free with ba_call_row_clear), tokens and cost. 0 / BA_ENOTFOUND. */
int ba_call_get(ba_store *st, const char *key, ba_call_row *out);
void ba_call_row_clear(ba_call_row *row);
/* 1 when key has an ok, non-mock row (any thread: no cached statement). */
int ba_call_cached(ba_store *st, const char *key);
/* The canonical request text logged under key, whatever the call's status
 * (what was sent, for transcripts): *request is a new string. 0 /
 * BA_ENOTFOUND. */
int ba_call_request(ba_store *st, const char *key, char **request);
/* Record a reply served from the cache (for `benchagent cost` savings). */
void ba_call_hit(ba_store *st, const char *key, int64_t run_id, const char *role, const char *model,
		 double saved_usd);
/* Spend of sent, non-mock calls: run_id 0 = the whole workspace. */
double ba_call_spent_usd(ba_store *st, int64_t run_id);
long long ba_call_spent_tokens(ba_store *st, int64_t run_id);
/* Spend report (run 0 = all): {total, cache, mock_calls, by_run, by_role,
 * by_model}, each by_* {spend: [...], cache: [...]}. New ref. */
json_t *ba_call_cost_report(ba_store *st, int64_t run);

/* ---- provider batches (llm_batches, llm_batch_keys) ---- */
/* Record a batch the provider accepted, with the cache key and custom_id
 * of each request in it, in one transaction. */
int ba_batch_put(ba_store *st, const char *id, const char *provider, const char *protocol,
		 const char *const *keys, const char *const *custom_ids, size_t n, ba_error *err);
int ba_batch_set_status(ba_store *st, const char *id, const char *status);
/* The newest batch of provider holding key whose status is not failed or
 * cancelled: its id and the request's custom_id in it (written into the
 * caller's buffers). 0 / BA_ENOTFOUND. */
int ba_batch_find(ba_store *st, const char *provider, const char *key, char id[128], char custom_id[80]);
/* Number of batches recorded for provider (NULL = all). */
long ba_batch_count(ba_store *st, const char *provider);

/* ---- endpoints (llm_endpoints): per base URL of a provider, added up ---- */
int ba_endpoint_stats_add(ba_store *st, const char *provider, const char *url, long requests,
			  long failures, long oks, double ok_ms);
/* [{provider, url, requests, failures, oks, mean_ms}] (new ref). */
json_t *ba_endpoint_stats(ba_store *st);

/* ---- eval results: one row per (benchmark, model, item, epoch) ---- */
typedef struct ba_result_row {
	const char *bench, *model, *item;
	int epoch;
	const char *request_hash;
	const char *response, *extracted;  /* NULL = none */
	double score;                      /* NAN = none */
	const char *judge;                 /* canonical JSON text or NULL */
	const char *error;                 /* NULL = the call succeeded */
	const char *call_key;
} ba_result_row;
/* Insert or replace n rows in one transaction (all or none). */
int ba_result_put_many(ba_store *st, const ba_result_row *rows, size_t n, ba_error *err);
/* Answered rows (no error, a response) of bench. fn non-zero stops. */
typedef int (*ba_result_answered_fn)(void *ud, const char *model, const char *item, int epoch,
				     const char *request_hash);
int ba_result_foreach_answered(ba_store *st, const char *bench, ba_result_answered_fn fn, void *ud,
			       ba_error *err);
/* The response (new string) and judge JSON text (new string or NULL;
 * judge may be NULL) of one answered row. 0 / BA_ENOTFOUND. */
int ba_result_get_answer(ba_store *st, const char *bench, const char *model, const char *item, int epoch,
			 char **response, char **judge);
/* Append to models (array) each model with a scored row, in first-stored order. */
int ba_result_models(ba_store *st, const char *bench, json_t *models, ba_error *err);
/* Every scored row of bench (epochs > 0: only epoch < epochs). fn non-zero stops. */
typedef int (*ba_result_score_fn)(void *ud, const char *model, const char *item, double score);
int ba_result_foreach_score(ba_store *st, const char *bench, int epochs, ba_result_score_fn fn, void *ud,
			    ba_error *err);

/* Every row of bench (scored, failed, judged), ordered by item, model,
 * epoch; only the items of items_json (a JSON array of ids) unless it is
 * NULL; with_request joins the request the gateway sent for it
 * (llm_calls.request through call_key: the exact messages; NULL when not
 * recorded). Pointers in row are borrowed for the call. fn non-zero stops. */
typedef int (*ba_result_row_fn)(void *ud, const ba_result_row *row, const char *request);
int ba_result_foreach_row(ba_store *st, const char *bench, int with_request, const char *items_json,
			  ba_result_row_fn fn, void *ud, ba_error *err);
/* The rows of each of items[0..n) in that order (per item ordered by model,
 * epoch), with the request like ba_result_foreach_row; one index range per
 * item (migration 8), so a report of a few items of a large benchmark reads
 * only their rows and nothing is sorted. fn non-zero stops. */
int ba_result_foreach_item(ba_store *st, const char *bench, const char *const *items, size_t n, int with_request,
			   ba_result_row_fn fn, void *ud, ba_error *err);

/* A fingerprint of bench's stored results (row count, last update, score
 * total, errors): it changes whenever a result is added or replaced.
 * *epochs (optional): highest stored epoch + 1. 0 or BA_EIO. */
int ba_result_fingerprint(ba_store *st, const char *bench, char hex[65], int *epochs);

/* ---- verdicts: human reviews, one per (benchmark, item, annotator) ---- */
/* Store (replacing) a verdict; the caller has validated it. */
int ba_verdict_put(ba_store *st, const char *bench, const char *item, const char *annotator,
		   const char *verdict, const char *comment, ba_error *err);
/* Verdicts of bench (item NULL = every item), by item then annotator;
 * comment is "" when none. fn non-zero stops. */
typedef int (*ba_verdict_fn)(void *ud, const char *item, const char *annotator, const char *verdict,
			     const char *comment);
int ba_verdict_foreach(ba_store *st, const char *bench, const char *item, ba_verdict_fn fn, void *ud,
		       ba_error *err);

double ba_now(void); /* wall clock, seconds since the epoch */

#endif
