/*
 * migrations.c - the schema, as an ordered list of migrations per dialect.
 * SQLite: the version is user_version; PostgreSQL: the table ba_schema.
 * Migration N takes it from N-1 to N. Append new migrations at the end;
 * never edit a released one. The PostgreSQL list starts at the SQLite
 * schema of version 8 (one migration), with DOUBLE PRECISION for REAL,
 * BIGINT for INTEGER, BIGSERIAL for INTEGER PRIMARY KEY, and a rowid
 * column where SQLite's implicit one is read (first-stored order).
 */
#include "store_internal.h"

const char *const ba_store_migrations[] = {
	/* 1: foundation */
	"CREATE TABLE runs("
	"  id INTEGER PRIMARY KEY, kind TEXT NOT NULL, key TEXT NOT NULL,"
	"  status TEXT NOT NULL DEFAULT 'open', created REAL NOT NULL, updated REAL NOT NULL,"
	"  UNIQUE(kind, key));"
	"CREATE TABLE stages("
	"  run_id INTEGER NOT NULL, name TEXT NOT NULL, input_hash TEXT NOT NULL,"
	"  output TEXT NOT NULL, updated REAL NOT NULL, PRIMARY KEY(run_id, name));"
	"CREATE TABLE items("
	"  run_id INTEGER NOT NULL, key TEXT NOT NULL, subtask TEXT, status TEXT NOT NULL,"
	"  data TEXT NOT NULL, updated REAL NOT NULL, PRIMARY KEY(run_id, key));"
	"CREATE INDEX items_status ON items(run_id, status);"
	"CREATE TABLE media("
	"  sha256 TEXT PRIMARY KEY, path TEXT NOT NULL, mime TEXT, bytes INTEGER NOT NULL,"
	"  created REAL NOT NULL);"
	"CREATE TABLE llm_calls("
	"  key TEXT PRIMARY KEY, run_id INTEGER, role TEXT, provider TEXT, model TEXT,"
	"  request TEXT NOT NULL, response TEXT, status TEXT NOT NULL,"
	"  prompt_tokens INTEGER DEFAULT 0, completion_tokens INTEGER DEFAULT 0,"
	"  cost REAL DEFAULT 0, latency_ms REAL DEFAULT 0, mock INTEGER DEFAULT 0,"
	"  created REAL NOT NULL);"
	"CREATE INDEX llm_calls_run ON llm_calls(run_id);"
	"CREATE TABLE events("
	"  id INTEGER PRIMARY KEY, run_id INTEGER, ts REAL NOT NULL, level TEXT NOT NULL,"
	"  kind TEXT NOT NULL, message TEXT NOT NULL);"
	"CREATE TABLE kv(key TEXT PRIMARY KEY, value TEXT NOT NULL, updated REAL NOT NULL);",
	/* 2: LLM gateway cache hits, for `benchagent cost` savings by run/role/model */
	"CREATE TABLE llm_hits("
	"  id INTEGER PRIMARY KEY, key TEXT NOT NULL, run_id INTEGER, role TEXT, model TEXT,"
	"  saved_usd REAL DEFAULT 0, created REAL NOT NULL);"
	"CREATE INDEX llm_hits_run ON llm_hits(run_id);",
	/* 3: evaluation: per (benchmark, model, item, epoch) response, extracted answer, score */
	"CREATE TABLE eval_results("
	"  bench TEXT NOT NULL, model TEXT NOT NULL, item TEXT NOT NULL, epoch INTEGER NOT NULL,"
	"  request_hash TEXT NOT NULL, response TEXT, extracted TEXT, score REAL, judge TEXT,"
	"  error TEXT, call_key TEXT, updated REAL NOT NULL,"
	"  PRIMARY KEY(bench, model, item, epoch));",
	/* 4: human review: one verdict per (benchmark, item, annotator) */
	"CREATE TABLE reviews("
	"  bench TEXT NOT NULL, item TEXT NOT NULL, annotator TEXT NOT NULL,"
	"  verdict TEXT NOT NULL CHECK(verdict IN ('accept','reject')), comment TEXT,"
	"  updated REAL NOT NULL, PRIMARY KEY(bench, item, annotator));",
	/* 5: provider batch APIs: every batch submitted and the requests in it,
	 * so a rerun polls a pending batch instead of submitting it again */
	"CREATE TABLE llm_batches("
	"  id TEXT PRIMARY KEY, provider TEXT NOT NULL, protocol TEXT NOT NULL,"
	"  status TEXT NOT NULL, requests INTEGER NOT NULL, created REAL NOT NULL,"
	"  updated REAL NOT NULL);"
	"CREATE TABLE llm_batch_keys("
	"  batch_id TEXT NOT NULL, custom_id TEXT NOT NULL, key TEXT NOT NULL,"
	"  PRIMARY KEY(batch_id, custom_id));"
	"CREATE INDEX llm_batch_keys_key ON llm_batch_keys(key);",
	/* 6: endpoint pools: attempts, failures and latency per base URL, for `cost` */
	"CREATE TABLE llm_endpoints("
	"  provider TEXT NOT NULL, url TEXT NOT NULL, requests INTEGER NOT NULL DEFAULT 0,"
	"  failures INTEGER NOT NULL DEFAULT 0, oks INTEGER NOT NULL DEFAULT 0,"
	"  ok_ms REAL NOT NULL DEFAULT 0, updated REAL NOT NULL, PRIMARY KEY(provider, url));",
	/* 7: audit: one judgement per (benchmark, item, judge) with the request
	 * hash it answered, the panel's flags per item (read by refresh and
	 * build --audit), and the last audit report per benchmark */
	"CREATE TABLE audit_scores("
	"  bench TEXT NOT NULL, item TEXT NOT NULL, judge TEXT NOT NULL,"
	"  request_hash TEXT NOT NULL, status TEXT NOT NULL CHECK(status IN ('ok','failed')),"
	"  scores TEXT, mock INTEGER NOT NULL DEFAULT 0, error TEXT, updated REAL NOT NULL,"
	"  PRIMARY KEY(bench, item, judge));"
	"CREATE TABLE audit_flags("
	"  bench TEXT NOT NULL, item TEXT NOT NULL,"
	"  verdict TEXT NOT NULL CHECK(verdict IN ('pass','fail')), score REAL, criterion TEXT,"
	"  reason TEXT, threshold REAL NOT NULL, judges TEXT NOT NULL, updated REAL NOT NULL,"
	"  PRIMARY KEY(bench, item));"
	"CREATE TABLE audit_reports("
	"  bench TEXT PRIMARY KEY, report TEXT NOT NULL, updated REAL NOT NULL);",
	/* 8: the work queue several processes share (src/store/queue.c) */
	"CREATE TABLE work_queue("
	"  run_id INTEGER NOT NULL, stage TEXT NOT NULL, key TEXT NOT NULL, unit TEXT NOT NULL,"
	"  state TEXT NOT NULL CHECK(state IN ('open','leased','done')), worker TEXT,"
	"  lease_until REAL NOT NULL DEFAULT 0, claims INTEGER NOT NULL DEFAULT 0, updated REAL NOT NULL,"
	"  PRIMARY KEY(run_id, stage, key));"
	"CREATE INDEX work_queue_open ON work_queue(run_id, stage, state, key);",
	/* 9: the report reads an item's rows (every model and sample) at once:
	 * an index in that order, so no pass sorts the whole table; and the
	 * results' fingerprint (is eval's kept report current?) from a covering
	 * index instead of every row */
	"CREATE INDEX IF NOT EXISTS eval_results_item ON eval_results(bench, item, model, epoch);"
	"CREATE INDEX IF NOT EXISTS eval_results_fp ON eval_results(bench, updated, score, epoch, error);",
	NULL
};

const char *const ba_store_pg_migrations[] = {
	/* 1: the SQLite schema of version 8 */
	"CREATE TABLE runs("
	"  id BIGSERIAL PRIMARY KEY, kind TEXT NOT NULL, key TEXT NOT NULL,"
	"  status TEXT NOT NULL DEFAULT 'open', created DOUBLE PRECISION NOT NULL,"
	"  updated DOUBLE PRECISION NOT NULL, UNIQUE(kind, key));"
	"CREATE TABLE stages("
	"  run_id BIGINT NOT NULL, name TEXT NOT NULL, input_hash TEXT NOT NULL,"
	"  output TEXT NOT NULL, updated DOUBLE PRECISION NOT NULL, PRIMARY KEY(run_id, name));"
	"CREATE TABLE items("
	"  run_id BIGINT NOT NULL, key TEXT NOT NULL, subtask TEXT, status TEXT NOT NULL,"
	"  data TEXT NOT NULL, updated DOUBLE PRECISION NOT NULL, PRIMARY KEY(run_id, key));"
	"CREATE INDEX items_status ON items(run_id, status);"
	"CREATE TABLE media("
	"  sha256 TEXT PRIMARY KEY, path TEXT NOT NULL, mime TEXT, bytes BIGINT NOT NULL,"
	"  created DOUBLE PRECISION NOT NULL);"
	"CREATE TABLE llm_calls("
	"  key TEXT PRIMARY KEY, run_id BIGINT, role TEXT, provider TEXT, model TEXT,"
	"  request TEXT NOT NULL, response TEXT, status TEXT NOT NULL,"
	"  prompt_tokens BIGINT DEFAULT 0, completion_tokens BIGINT DEFAULT 0,"
	"  cost DOUBLE PRECISION DEFAULT 0, latency_ms DOUBLE PRECISION DEFAULT 0, mock INTEGER DEFAULT 0,"
	"  created DOUBLE PRECISION NOT NULL);"
	"CREATE INDEX llm_calls_run ON llm_calls(run_id);"
	"CREATE TABLE events("
	"  id BIGSERIAL PRIMARY KEY, run_id BIGINT, ts DOUBLE PRECISION NOT NULL, level TEXT NOT NULL,"
	"  kind TEXT NOT NULL, message TEXT NOT NULL);"
	"CREATE TABLE kv(key TEXT PRIMARY KEY, value TEXT NOT NULL, updated DOUBLE PRECISION NOT NULL);"
	"CREATE TABLE llm_hits("
	"  id BIGSERIAL PRIMARY KEY, key TEXT NOT NULL, run_id BIGINT, role TEXT, model TEXT,"
	"  saved_usd DOUBLE PRECISION DEFAULT 0, created DOUBLE PRECISION NOT NULL);"
	"CREATE INDEX llm_hits_run ON llm_hits(run_id);"
	"CREATE TABLE eval_results("
	"  rowid BIGSERIAL, bench TEXT NOT NULL, model TEXT NOT NULL, item TEXT NOT NULL, epoch INTEGER NOT NULL,"
	"  request_hash TEXT NOT NULL, response TEXT, extracted TEXT, score DOUBLE PRECISION, judge TEXT,"
	"  error TEXT, call_key TEXT, updated DOUBLE PRECISION NOT NULL,"
	"  PRIMARY KEY(bench, model, item, epoch));"
	"CREATE TABLE reviews("
	"  bench TEXT NOT NULL, item TEXT NOT NULL, annotator TEXT NOT NULL,"
	"  verdict TEXT NOT NULL CHECK(verdict IN ('accept','reject')), comment TEXT,"
	"  updated DOUBLE PRECISION NOT NULL, PRIMARY KEY(bench, item, annotator));"
	"CREATE TABLE llm_batches("
	"  rowid BIGSERIAL, id TEXT PRIMARY KEY, provider TEXT NOT NULL, protocol TEXT NOT NULL,"
	"  status TEXT NOT NULL, requests BIGINT NOT NULL, created DOUBLE PRECISION NOT NULL,"
	"  updated DOUBLE PRECISION NOT NULL);"
	"CREATE TABLE llm_batch_keys("
	"  batch_id TEXT NOT NULL, custom_id TEXT NOT NULL, key TEXT NOT NULL,"
	"  PRIMARY KEY(batch_id, custom_id));"
	"CREATE INDEX llm_batch_keys_key ON llm_batch_keys(key);"
	"CREATE TABLE llm_endpoints("
	"  provider TEXT NOT NULL, url TEXT NOT NULL, requests BIGINT NOT NULL DEFAULT 0,"
	"  failures BIGINT NOT NULL DEFAULT 0, oks BIGINT NOT NULL DEFAULT 0,"
	"  ok_ms DOUBLE PRECISION NOT NULL DEFAULT 0, updated DOUBLE PRECISION NOT NULL,"
	"  PRIMARY KEY(provider, url));"
	"CREATE TABLE audit_scores("
	"  bench TEXT NOT NULL, item TEXT NOT NULL, judge TEXT NOT NULL,"
	"  request_hash TEXT NOT NULL, status TEXT NOT NULL CHECK(status IN ('ok','failed')),"
	"  scores TEXT, mock INTEGER NOT NULL DEFAULT 0, error TEXT, updated DOUBLE PRECISION NOT NULL,"
	"  PRIMARY KEY(bench, item, judge));"
	"CREATE TABLE audit_flags("
	"  bench TEXT NOT NULL, item TEXT NOT NULL,"
	"  verdict TEXT NOT NULL CHECK(verdict IN ('pass','fail')), score DOUBLE PRECISION, criterion TEXT,"
	"  reason TEXT, threshold DOUBLE PRECISION NOT NULL, judges TEXT NOT NULL,"
	"  updated DOUBLE PRECISION NOT NULL, PRIMARY KEY(bench, item));"
	"CREATE TABLE audit_reports("
	"  bench TEXT PRIMARY KEY, report TEXT NOT NULL, updated DOUBLE PRECISION NOT NULL);"
	"CREATE TABLE work_queue("
	"  run_id BIGINT NOT NULL, stage TEXT NOT NULL, key TEXT NOT NULL, unit TEXT NOT NULL,"
	"  state TEXT NOT NULL CHECK(state IN ('open','leased','done')), worker TEXT,"
	"  lease_until DOUBLE PRECISION NOT NULL DEFAULT 0, claims INTEGER NOT NULL DEFAULT 0,"
	"  updated DOUBLE PRECISION NOT NULL, PRIMARY KEY(run_id, stage, key));"
	"CREATE INDEX work_queue_open ON work_queue(run_id, stage, state, key);",
	/* 2: as SQLite's 9 (the report's indexes) */
	"CREATE INDEX IF NOT EXISTS eval_results_item ON eval_results(bench, item, model, epoch);"
	"CREATE INDEX IF NOT EXISTS eval_results_fp ON eval_results(bench, updated, score, epoch, error);",
	/* 3: a team store keeps every media file's bytes (base64), so any
	 * machine can materialise it into its own workspace (media.c); the
	 * embedded store has the files themselves and needs no such table */
	"CREATE TABLE media_blobs(sha256 TEXT PRIMARY KEY, data TEXT NOT NULL);",
	NULL
};
