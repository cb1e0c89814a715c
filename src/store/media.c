/*
 * media.c - content-addressed media files: .benchagent/media/ab/<sha256>.<ext>
 *
 * On a team store (PostgreSQL) the files live on the machine that made
 * them, so the store also keeps every file's bytes (media_blobs, base64)
 * and ba_media_path writes a file that is missing here from them, checked
 * against its sha256, before returning its path: any worker, eval, review
 * or export on any machine sees the same media. A file that is neither
 * here nor in the store gives NULL (and a warning naming it).
 */
#define BA_LOG_MODULE "store"
#include "store_internal.h"
#include "benchagent/alloc.h"
#include "benchagent/base64.h"
#include "benchagent/fs.h"
#include "benchagent/log.h"
#include "benchagent/sha256.h"

#include <stdlib.h>
#include <string.h>

/* The shared backend: the files are not everyone's */
static int shared(const ba_store *st) { return st->db == NULL; }

/* Keep the bytes in the store (a team store only). Lock held. */
static int blob_put(ba_store *st, const char *sha, const void *data, size_t len, ba_error *err)
{
	char *b64 = ba_base64_encode(data, len);
	ba_sql *s = NULL;
	int rc = 0;

	if (ba_sql_prepare(st, "INSERT INTO media_blobs(sha256, data) VALUES(?,?) ON CONFLICT(sha256) DO NOTHING",
			   &s) != 0) {
		rc = ba_store_fail(st, err, "media blob put");
	} else {
		ba_sql_text(s, 1, sha);
		ba_sql_text(s, 2, b64);
		if (ba_sql_step(s) != BA_SQL_DONE)
			rc = ba_store_fail(st, err, "media blob put");
	}
	ba_sql_finalize(s);
	free(b64);
	return rc;
}

/* Write the missing file abs from the store's copy of sha's bytes: 0, or
 * -1 when the store has none or it does not hash to sha (warned). */
static int materialise(ba_store *st, const char *sha, const char *abs)
{
	ba_sql *s = NULL;
	unsigned char *bytes = NULL;
	size_t len = 0;
	char got[65], *dir;
	int rc = -1;

	ba_store_lock(st);
	if (ba_sql_prepare(st, "SELECT data FROM media_blobs WHERE sha256 = ?", &s) == 0) {
		ba_sql_text(s, 1, sha);
		if (ba_sql_step(s) == BA_SQL_ROW && ba_sql_col_text(s, 0))
			bytes = ba_base64_decode(ba_sql_col_text(s, 0), strlen(ba_sql_col_text(s, 0)), &len);
	}
	ba_sql_finalize(s);
	ba_store_unlock(st);
	if (!bytes) {
		BA_WARN("media %.12s: not in this workspace and not in the team store %s", sha, st->label);
		return -1;
	}
	ba_sha256_hex(bytes, len, got);
	dir = ba_path_dirname(abs);
	if (strcmp(got, sha))
		BA_WARN("media %.12s: the team store's copy does not match its sha256", sha);
	else if (ba_fs_mkdir_p(dir, NULL) == 0 && ba_fs_write_atomic(abs, bytes, len, NULL) == 0)
		rc = 0;
	else
		BA_WARN("media %.12s: cannot write %s", sha, abs);
	free(dir);
	free(bytes);
	return rc;
}

static int ext_ok(const char *ext)
{
	size_t i, n = strlen(ext);
	if (n == 0 || n > 8)
		return 0;
	for (i = 0; i < n; i++)
		if (!((ext[i] >= 'a' && ext[i] <= 'z') || (ext[i] >= '0' && ext[i] <= '9')))
			return 0;
	return 1;
}

int ba_media_put(ba_store *st, const void *data, size_t len, const char *ext,
		 const char *mime, char sha_out[65], char **relpath_out, ba_error *err)
{
	char sha[65], sub[3];
	char *rel, *abs, *dir;
	ba_sql *s = NULL;
	int rc = 0;

	if (!ext_ok(ext))
		return ba_error_set(err, BA_EINVAL, "media: bad extension '%s'", ext);
	ba_sha256_hex(data, len, sha);
	memcpy(sub, sha, 2);
	sub[2] = '\0';
	rel = ba_asprintf(".benchagent/media/%s/%s.%s", sub, sha, ext);
	abs = ba_path_join(st->workspace, rel);
	dir = ba_path_dirname(abs);
	if (!ba_fs_exists(abs)) {
		if ((rc = ba_fs_mkdir_p(dir, err)) == 0)
			rc = ba_fs_write_atomic(abs, data, len, err);
	}
	if (rc == 0) {
		ba_store_lock(st);
		if (ba_sql_prepare(st, "INSERT INTO media(sha256, path, mime, bytes, created) VALUES(?,?,?,?,?)"
				       " ON CONFLICT(sha256) DO NOTHING", &s) != 0) {
			rc = ba_store_fail(st, err, "media put");
		} else {
			ba_sql_text(s, 1, sha);
			ba_sql_text(s, 2, rel);
			ba_sql_text(s, 3, mime);
			ba_sql_int(s, 4, (int64_t)len);
			ba_sql_real(s, 5, ba_now());
			if (ba_sql_step(s) != BA_SQL_DONE)
				rc = ba_store_fail(st, err, "media put");
		}
		ba_sql_finalize(s);
		if (rc == 0 && shared(st))
			rc = blob_put(st, sha, data, len, err);
		ba_store_unlock(st);
	}
	if (rc == 0) {
		if (sha_out)
			memcpy(sha_out, sha, 65);
		if (relpath_out) {
			*relpath_out = rel;
			rel = NULL;
		}
	}
	free(rel);
	free(abs);
	free(dir);
	return rc;
}

char *ba_media_path(ba_store *st, const char *sha)
{
	ba_sql *s = NULL;
	char *path = NULL;

	ba_store_lock(st);
	if (ba_sql_prepare(st, "SELECT path FROM media WHERE sha256 = ?", &s) == 0) {
		ba_sql_text(s, 1, sha);
		if (ba_sql_step(s) == BA_SQL_ROW)
			path = ba_path_join(st->workspace, ba_sql_col_text(s, 0));
	}
	ba_sql_finalize(s);
	ba_store_unlock(st);
	if (path && shared(st) && !ba_fs_exists(path) && materialise(st, sha, path) != 0) {
		free(path);
		path = NULL;
	}
	return path;
}
