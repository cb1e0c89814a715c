/*
 * fs.h - file-system helpers: atomic writes, recursive mkdir, bounded
 * reads, safe relative paths (untrusted names never escape a root).
 */
#ifndef BA_FS_H
#define BA_FS_H

#include <stddef.h>

#include "benchagent/buf.h"
#include "benchagent/error.h"

int ba_fs_mkdir_p(const char *path, ba_error *err);
int ba_fs_exists(const char *path);
int ba_fs_is_dir(const char *path);
/* Read a whole file into out (initialised by caller, cap applies). */
int ba_fs_read(const char *path, ba_buf *out, ba_error *err);
/* Write data to path atomically: a unique temporary file, fsync, rename. */
int ba_fs_write_atomic(const char *path, const void *data, size_t len, ba_error *err);
/* "<path>.tmp.<pid>.<tid>.<n>": unique across processes, threads and calls
 * (caller frees). ba_fs_write_atomic writes there and renames. */
char *ba_fs_temp_name(const char *path);
/* Remove a directory tree (no error if absent; symlinks are removed, not
 * followed). */
int ba_fs_rmtree(const char *path, ba_error *err);
/* A new private directory under $TMPDIR (or /tmp) named ba-<tag>-XXXXXX.
 * Caller frees the path. */
char *ba_fs_mkdtemp(const char *tag, ba_error *err);
/* Join two path parts with one '/'. Caller frees. */
char *ba_path_join(const char *a, const char *b);
/* Directory part of path (caller frees), "." when none. */
char *ba_path_dirname(const char *path);
/* 1 when rel is a relative path that stays inside its root: not absolute,
 * no ".." component, no NUL, no backslash, non-empty. */
int ba_path_is_safe(const char *rel);
/* Replace any character outside [A-Za-z0-9._-] by '_' into a new string
 * (max 128 chars); used to turn untrusted ids into file names. */
char *ba_path_sanitize(const char *name);
/* The one "path inside root" check (pool, exec, eval, export, web): path
 * resolved with realpath (every symlink followed) must be root (also
 * resolved) or below it. 0 and *out_resolved (optional, caller frees) the
 * resolved absolute path; BA_ENOTFOUND when missing, BA_EINVAL (message
 * naming both resolved paths) when it leaves the root. */
int ba_fs_path_inside(const char *root, const char *path, char **out_resolved, ba_error *err);
/* Same for an untrusted relative path: refused unless ba_path_is_safe(rel)
 * and root/rel resolves inside root. */
int ba_fs_rel_inside(const char *root, const char *rel, char **out_resolved, ba_error *err);

#endif
