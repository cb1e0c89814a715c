/*
 * store.c - opening the store (SQLite in the workspace or a PostgreSQL URL),
 * migrations, locking, transactions.
 */
#define _GNU_SOURCE
#include "store_internal.h"
#include "benchagent/alloc.h"
#include "benchagent/fs.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>

double ba_now(void)
{
	struct timeval tv;
	gettimeofday(&tv, NULL);
	return (double)tv.tv_sec + tv.tv_usec / 1e6;
}

int ba_store_latest_version(void)
{
	int n = 0;
	while (ba_store_migrations[n])
		n++;
	return n;
}

int ba_store_fail(ba_store *st, ba_error *err, const char *what)
{
	int code = st->be->busy(st) ? BA_EBUSY : BA_EIO;
	if (code == BA_EBUSY)
		return ba_error_set(err, code, "%s: %s: database is locked by another process (try again when it finishes)",
				    st->label, what);
	return ba_error_set(err, code, "%s: %s: %s", st->label, what, st->be->errmsg(st));
}

int ba_store_exec(ba_store *st, const char *sql, ba_error *err)
{
	int rc;

	ba_store_lock(st);
	rc = st->be->exec(st, sql);
	if (rc != 0)
		rc = ba_store_fail(st, err, "exec");
	ba_store_unlock(st);
	return rc;
}

void ba_store_set_busy_timeout(ba_store *st, int ms)
{
	if (st->db)
		sqlite3_busy_timeout(st->db, ms);
}

void ba_store_lock(ba_store *st) { pthread_mutex_lock(&st->lock); }
void ba_store_unlock(ba_store *st) { pthread_mutex_unlock(&st->lock); }

int ba_store_begin(ba_store *st, ba_error *err)
{
	ba_store_lock(st);
	if (st->txn_depth++ == 0) {
		st->txn_failed = 0;
		if (st->be->exec(st, st->be->begin_sql) != 0) {
			int rc = ba_store_fail(st, err, "begin");
			st->txn_depth--;
			ba_store_unlock(st);
			return rc;
		}
	}
	return 0;
}

int ba_store_commit(ba_store *st, ba_error *err)
{
	int rc = 0;

	if (--st->txn_depth == 0) {
		if (st->txn_failed) {
			st->be->exec(st, "ROLLBACK");
			rc = ba_error_set(err, BA_EIO, "%s: transaction rolled back after an inner failure", st->label);
		} else if (st->be->exec(st, "COMMIT") != 0) {
			rc = ba_store_fail(st, err, "commit");
			st->be->exec(st, "ROLLBACK");
		}
	}
	ba_store_unlock(st);
	return rc;
}

void ba_store_rollback(ba_store *st)
{
	if (--st->txn_depth == 0)
		st->be->exec(st, "ROLLBACK");
	else
		st->txn_failed = 1;
	ba_store_unlock(st);
}

int ba_store_schema_version(ba_store *st)
{
	int v;

	ba_store_lock(st);
	v = st->be->get_version(st);
	ba_store_unlock(st);
	return v;
}

static int backend_latest(const ba_sql_backend *be)
{
	int n = 0;
	while (be->migrations[n])
		n++;
	return n;
}

static int migrate(ba_store *st, ba_error *err)
{
	int have = ba_store_schema_version(st), latest = backend_latest(st->be), v, rc;

	if (have < 0)
		return ba_store_fail(st, err, "reading schema version");
	if (have > latest)
		return ba_error_set(err, BA_EVERSION,
				    "%s: schema version %d is newer than this benchagent supports (%d); upgrade benchagent",
				    st->label, have, latest);
	for (v = have; v < latest; v++) {
		if ((rc = ba_store_begin(st, err)) != 0)
			return rc;
		/* another process opening the same store may have just done it */
		if ((have = st->be->get_version(st)) > v) {
			v = have - 1;
			if ((rc = ba_store_commit(st, err)) != 0)
				return rc;
			continue;
		}
		if (st->be->exec(st, st->be->migrations[v]) != 0 || st->be->set_version(st, v + 1) != 0) {
			rc = ba_store_fail(st, err, "migration");
			ba_error_prefix(err, "migration %d: ", v + 1);
			ba_store_rollback(st);
			return rc;
		}
		if ((rc = ba_store_commit(st, err)) != 0)
			return rc;
	}
	return 0;
}

/* PostgreSQL: migrate under an advisory lock, so workers starting together
 * apply each migration once. */
static int migrate_shared(ba_store *st, ba_error *err)
{
	int rc;

	if (st->be->exec(st, "SELECT pg_advisory_lock(7316504)") != 0)
		return ba_store_fail(st, err, "locking the schema");
	rc = migrate(st, err);
	st->be->exec(st, "SELECT pg_advisory_unlock(7316504)");
	return rc;
}

int ba_store_is_url(const char *target)
{
	return target && (!strncmp(target, "postgresql://", 13) || !strncmp(target, "postgres://", 11));
}

/* The URL without user:password@ and without query parameters. */
static char *redact(const char *url)
{
	const char *scheme_end = strstr(url, "://") + 3, *at = strchr(scheme_end, '@');
	const char *host = at && (!strchr(scheme_end, '/') || at < strchr(scheme_end, '/')) ? at + 1 : scheme_end;
	size_t n = strcspn(host, "?");
	return ba_asprintf("%.*s%.*s", (int)(scheme_end - url), url, (int)n, host);
}

static ba_store *store_new(const char *workspace)
{
	ba_store *st = ba_calloc(1, sizeof(*st));
	pthread_mutexattr_t attr;

	st->workspace = ba_strdup(workspace);
	st->dir = ba_path_join(workspace, ".benchagent");
	pthread_mutexattr_init(&attr);
	pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_RECURSIVE);
	pthread_mutex_init(&st->lock, &attr);
	pthread_mutexattr_destroy(&attr);
	return st;
}

int ba_store_open_at(ba_store **out, const char *workspace, const char *target, ba_error *err)
{
	ba_store *st;
	char *media;
	int rc, shared = ba_store_is_url(target);

	*out = NULL;
	if (target && *target && !shared && strcmp(target, "sqlite") != 0)
		return ba_error_set(err, BA_EINVAL,
				    "store: %s: expected \"sqlite\" or a postgresql://... URL", target);
	if (ba_fs_mkdir_p(workspace, err) != 0)
		return ba_error_prefix(err, "workspace: ");
	st = store_new(workspace);
	media = ba_path_join(st->dir, "media");
	rc = ba_fs_mkdir_p(media, err);
	free(media);
	if (rc == 0 && access(st->dir, W_OK) != 0)
		rc = ba_error_set(err, BA_EIO, "%s: workspace is not writable: %s", st->dir, strerror(errno));
	if (rc) {
		ba_store_close(st);
		return rc;
	}
	if (shared) {
		st->be = &ba_sql_pg;
		st->label = redact(target);
		rc = st->be->open(st, target, err);
		if (rc == 0)
			rc = migrate_shared(st, err);
	} else {
		st->be = &ba_sql_sqlite;
		st->label = ba_path_join(st->dir, "state.db");
		rc = st->be->open(st, st->label, err);
		if (rc == 0)
			rc = migrate(st, err);
	}
	if (rc) {
		ba_store_close(st);
		return rc;
	}
	*out = st;
	return 0;
}

int ba_store_open(ba_store **out, const char *workspace, ba_error *err)
{
	return ba_store_open_at(out, workspace, NULL, err);
}

void ba_store_close(ba_store *st)
{
	if (!st)
		return;
	if (st->be)
		st->be->close(st);
	pthread_mutex_destroy(&st->lock);
	free(st->workspace);
	free(st->dir);
	free(st->label);
	free(st);
}

const char *ba_store_workspace(const ba_store *st) { return st->workspace; }
const char *ba_store_dir(const ba_store *st) { return st->dir; }
sqlite3 *ba_store_db(ba_store *st) { return st->db; }
int ba_store_is_pg(const ba_store *st) { return st->be == &ba_sql_pg; }
const char *ba_store_backend(const ba_store *st) { return st->be->name; }
const char *ba_store_label(const ba_store *st) { return st->label; }

int ba_store_clone(ba_store *st, const char *dir, ba_store **out, ba_error *err)
{
	char *bdir = ba_path_join(dir, ".benchagent"), *path = NULL, *media = NULL, *src_media = NULL;
	sqlite3 *dst = NULL;
	sqlite3_backup *b;
	int rc;

	*out = NULL;
	if (!st->db) {
		free(bdir);
		return ba_error_set(err, BA_EINVAL, "%s: --dry-run needs the embedded SQLite store (a postgresql store cannot be copied)",
				    st->label);
	}
	if ((rc = ba_fs_mkdir_p(bdir, err)) != 0)
		goto cleanup;
	path = ba_path_join(bdir, "state.db");
	if (sqlite3_open(path, &dst) != SQLITE_OK) {
		rc = ba_error_set(err, BA_EIO, "%s: cannot create: %s", path, sqlite3_errmsg(dst));
		goto cleanup;
	}
	ba_store_lock(st);
	b = sqlite3_backup_init(dst, "main", st->db, "main");
	if (!b || sqlite3_backup_step(b, -1) != SQLITE_DONE) {
		rc = ba_error_set(err, BA_EIO, "%s: cannot copy the store: %s", path, sqlite3_errmsg(dst));
		sqlite3_backup_finish(b);
		ba_store_unlock(st);
		goto cleanup;
	}
	sqlite3_backup_finish(b);
	ba_store_unlock(st);
	sqlite3_close(dst);
	dst = NULL;
	media = ba_path_join(bdir, "media");
	{
		/* an absolute target: the link lives in another folder */
		char *rel = ba_path_join(st->dir, "media"), real[PATH_MAX];
		src_media = ba_strdup(realpath(rel, real) ? real : rel);
		free(rel);
	}
	if (symlink(src_media, media) != 0) {
		rc = ba_error_set(err, BA_EIO, "%s: cannot link media: %s", media, strerror(errno));
		goto cleanup;
	}
	rc = ba_store_open(out, dir, err);
cleanup:
	if (dst)
		sqlite3_close(dst);
	free(bdir);
	free(path);
	free(media);
	free(src_media);
	return rc;
}
