/*
 * fs.c - file-system helpers.
 */
#define _GNU_SOURCE
#include "benchagent/fs.h"
#include "benchagent/alloc.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int ba_fs_exists(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0;
}

int ba_fs_is_dir(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

int ba_fs_mkdir_p(const char *path, ba_error *err)
{
	char *tmp = ba_strdup(path), *p;
	int rc = 0;

	for (p = tmp + 1; ; p++) {
		if (*p == '/' || *p == '\0') {
			char c = *p;
			*p = '\0';
			if (mkdir(tmp, 0755) != 0 && errno != EEXIST) {
				rc = ba_error_set(err, BA_EIO, "%s: cannot create directory: %s", tmp, strerror(errno));
				break;
			}
			*p = c;
			if (c == '\0')
				break;
		}
	}
	if (rc == 0 && !ba_fs_is_dir(path))
		rc = ba_error_set(err, BA_EIO, "%s: not a directory", path);
	free(tmp);
	return rc;
}

int ba_fs_read(const char *path, ba_buf *out, ba_error *err)
{
	char chunk[65536];
	FILE *f = fopen(path, "rb");
	size_t n;
	int rc = 0;

	if (!f)
		return ba_error_set(err, errno == ENOENT ? BA_ENOTFOUND : BA_EIO, "%s: cannot open: %s",
				    path, strerror(errno));
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
		if (ba_buf_append(out, chunk, n) != 0) {
			rc = ba_error_set(err, BA_ELIMIT, "%s: larger than %zu bytes", path, out->max);
			break;
		}
	}
	if (rc == 0 && ferror(f))
		rc = ba_error_set(err, BA_EIO, "%s: read error", path);
	fclose(f);
	return rc;
}

/* A temporary name no other process, thread or call shares. */
char *ba_fs_temp_name(const char *path)
{
	static unsigned long counter;
	unsigned long n = __atomic_add_fetch(&counter, 1, __ATOMIC_RELAXED);

	return ba_asprintf("%s.tmp.%ld.%ld.%lu", path, (long)getpid(), (long)gettid(), n);
}

int ba_fs_write_atomic(const char *path, const void *data, size_t len, ba_error *err)
{
	char *tmp = ba_fs_temp_name(path);
	const char *p = data;
	int fd, rc = 0;

	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (fd < 0) {
		rc = ba_error_set(err, BA_EIO, "%s: cannot write: %s", path, strerror(errno));
		goto cleanup;
	}
	while (len) {
		ssize_t w = write(fd, p, len);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			rc = ba_error_set(err, BA_EIO, "%s: write failed: %s", path, strerror(errno));
			break;
		}
		p += w;
		len -= (size_t)w;
	}
	if (rc == 0 && fsync(fd) != 0)
		rc = ba_error_set(err, BA_EIO, "%s: fsync failed: %s", path, strerror(errno));
	close(fd);
	if (rc == 0 && rename(tmp, path) != 0)
		rc = ba_error_set(err, BA_EIO, "%s: rename failed: %s", path, strerror(errno));
	if (rc != 0)
		unlink(tmp);
cleanup:
	free(tmp);
	return rc;
}

char *ba_path_join(const char *a, const char *b)
{
	size_t la;

	if (!a || !*a)
		return ba_strdup(b);
	if (b[0] == '/')
		return ba_strdup(b);
	la = strlen(a);
	return ba_asprintf("%s%s%s", a, a[la - 1] == '/' ? "" : "/", b);
}

char *ba_path_dirname(const char *path)
{
	const char *s = strrchr(path, '/');
	if (!s)
		return ba_strdup(".");
	if (s == path)
		return ba_strdup("/");
	return ba_strndup(path, (size_t)(s - path));
}

int ba_path_is_safe(const char *rel)
{
	const char *p = rel;

	if (!rel || !*rel || rel[0] == '/')
		return 0;
	if (strchr(rel, '\\'))
		return 0;
	while (*p) {
		const char *slash = strchr(p, '/');
		size_t n = slash ? (size_t)(slash - p) : strlen(p);
		if (n == 2 && p[0] == '.' && p[1] == '.')
			return 0;
		p += n;
		if (*p == '/')
			p++;
	}
	return 1;
}

char *ba_path_sanitize(const char *name)
{
	size_t n = strlen(name), i;
	char *s;

	if (n > 128)
		n = 128;
	s = ba_malloc(n + 2);
	for (i = 0; i < n; i++) {
		char c = name[i];
		int ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			 (c >= '0' && c <= '9') || c == '-' || c == '_' || (c == '.' && i > 0);
		s[i] = ok ? c : '_';
	}
	if (n == 0)
		s[n++] = '_';
	s[n] = '\0';
	return s;
}

static int rm_entry(const char *p, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb; (void)flag; (void)ftw;
	return remove(p) == 0 || errno == ENOENT ? 0 : -1;
}

int ba_fs_rmtree(const char *path, ba_error *err)
{
	if (!ba_fs_exists(path) && access(path, F_OK) != 0)
		return 0;
	if (nftw(path, rm_entry, 16, FTW_DEPTH | FTW_PHYS) != 0)
		return ba_error_set(err, BA_EIO, "%s: cannot remove: %s", path, strerror(errno));
	return 0;
}

char *ba_fs_mkdtemp(const char *tag, ba_error *err)
{
	const char *base = getenv("TMPDIR");
	char *tmpl;

	if (!base || !*base)
		base = "/tmp";
	tmpl = ba_asprintf("%s/ba-%s-XXXXXX", base, tag);
	if (!mkdtemp(tmpl)) {
		ba_error_set(err, BA_EIO, "%s: cannot create a temporary directory: %s", base, strerror(errno));
		free(tmpl);
		return NULL;
	}
	return tmpl;
}

int ba_fs_path_inside(const char *root, const char *path, char **out_resolved, ba_error *err)
{
	char *rroot = NULL, *rpath = NULL;
	size_t n;
	int rc = 0;

	if (out_resolved)
		*out_resolved = NULL;
	if (!root || !path)
		return ba_error_set(err, BA_EINVAL, "path check: needs a root and a path");
	rroot = realpath(root, NULL);
	if (!rroot) {
		rc = ba_error_set(err, errno == ENOENT ? BA_ENOTFOUND : BA_EIO, "%s: cannot resolve: %s", root,
				  strerror(errno));
		goto cleanup;
	}
	rpath = realpath(path, NULL);
	if (!rpath) {
		rc = ba_error_set(err, errno == ENOENT ? BA_ENOTFOUND : BA_EIO, "%s: cannot resolve: %s", path,
				  strerror(errno));
		goto cleanup;
	}
	n = strlen(rroot);
	/* inside: the root itself or below it; "/" contains everything */
	if (strcmp(rpath, rroot) != 0 &&
	    !(strncmp(rpath, rroot, n) == 0 && (rpath[n] == '/' || (n == 1 && rroot[0] == '/')))) {
		rc = ba_error_set(err, BA_EINVAL, "%s: resolves to %s, outside %s", path, rpath, rroot);
		goto cleanup;
	}
	if (out_resolved) {
		*out_resolved = rpath;
		rpath = NULL;
	}
cleanup:
	free(rroot);
	free(rpath);
	return rc;
}

int ba_fs_rel_inside(const char *root, const char *rel, char **out_resolved, ba_error *err)
{
	char *p;
	int rc;

	if (out_resolved)
		*out_resolved = NULL;
	if (!ba_path_is_safe(rel))
		return ba_error_set(err, BA_EINVAL, "'%s': not a relative path inside %s", rel ? rel : "", root);
	p = ba_path_join(root, rel);
	rc = ba_fs_path_inside(root, p, out_resolved, err);
	free(p);
	return rc;
}
