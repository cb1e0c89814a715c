/*
 * media.c - resolving media references found in samples. Real pools mix
 * "images/x.png", bare names that live in images/, and paths with foreign
 * prefixes ("./data/comprehension/<ds>/images/x.jpg"). We try the direct
 * joins first, then suffixes, then a basename index of the dataset folder
 * built once per dataset. Nothing resolves outside the pool root.
 */
#define BA_LOG_MODULE "pool"
#include "dataset_internal.h"
#include "benchagent/alloc.h"
#include "benchagent/fs.h"
#include "benchagent/log.h"

#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define MEDIA_MAX_FILES 200000
#define MEDIA_MAX_DEPTH 8

static const char *basename_of(const char *p)
{
	const char *s = strrchr(p, '/');
	return s ? s + 1 : p;
}

static int is_file(const char *p)
{
	struct stat sb;
	return stat(p, &sb) == 0 && S_ISREG(sb.st_mode);
}

/* Annotation folders whose media live beside them, one level up. */
static int annotation_dir(const char *name)
{
	static const char *const names[] = { "json", "jsonl", "annotation", "annotations",
					     "meta", "labels", "data", "csv", NULL };
	int i;
	for (i = 0; names[i]; i++)
		if (!strcmp(name, names[i]))
			return 1;
	return 0;
}

static void set_base(struct ba_dataset *d)
{
	if (d->base)
		return;
	if (annotation_dir(basename_of(d->dir)) && strcmp(d->dir, d->root) &&
	    strlen(d->dir) > strlen(d->root))
		d->base = ba_path_dirname(d->dir);
	else
		d->base = ba_strdup(d->dir);
}

static void walk(struct ba_dataset *d, const char *abs, const char *rel, int depth, size_t *cap)
{
	DIR *dir;
	struct dirent *e;

	if (depth > MEDIA_MAX_DEPTH || !(dir = opendir(abs)))
		return;
	while ((e = readdir(dir)) != NULL && d->nfiles < MEDIA_MAX_FILES) {
		char *a, *r;
		struct stat sb;

		if (e->d_name[0] == '.')
			continue;
		a = ba_path_join(abs, e->d_name);
		r = *rel ? ba_path_join(rel, e->d_name) : ba_strdup(e->d_name);
		if (lstat(a, &sb) == 0 && S_ISDIR(sb.st_mode)) {
			walk(d, a, r, depth + 1, cap);
			free(r);
		} else if (S_ISREG(sb.st_mode)) {
			ba_array_reserve((void **)&d->files, cap, d->nfiles + 1, sizeof(char *));
			d->files[d->nfiles++] = r;
		} else {
			free(r);
		}
		free(a);
	}
	closedir(dir);
}

static int cmp_base(const void *a, const void *b)
{
	const char *x = *(char *const *)a, *y = *(char *const *)b;
	int c = strcmp(basename_of(x), basename_of(y));
	return c ? c : strcmp(x, y);
}

static void build_index(struct ba_dataset *d)
{
	size_t cap = 0;

	d->indexed = 1;
	walk(d, d->base, "", 0, &cap);
	if (d->nfiles)
		qsort(d->files, d->nfiles, sizeof(char *), cmp_base);
}

void ba_media_index_free(struct ba_dataset *d)
{
	size_t i;

	for (i = 0; i < d->nfiles; i++)
		free(d->files[i]);
	free(d->files);
	free(d->base);
}

static char *try_join(const char *dir, const char *rel)
{
	char *p = ba_path_join(dir, rel);
	if (is_file(p))
		return p;
	free(p);
	return NULL;
}

/* Index lookup: among files with this basename, prefer the one whose
 * relative path is the longest suffix of ref. */
static char *index_lookup(struct ba_dataset *d, const char *ref, const char *bn)
{
	size_t lo = 0, hi = d->nfiles, best = (size_t)-1, bestlen = 0;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (strcmp(basename_of(d->files[mid]), bn) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; lo < d->nfiles && !strcmp(basename_of(d->files[lo]), bn); lo++) {
		const char *f = d->files[lo];
		size_t fl = strlen(f), rl = strlen(ref), score = 1;
		if (rl >= fl && !strcmp(ref + rl - fl, f))
			score = fl + 1;
		if (best == (size_t)-1 || score > bestlen) {
			best = lo;
			bestlen = score;
		}
	}
	return best == (size_t)-1 ? NULL : ba_path_join(d->base, d->files[best]);
}

/* The file found for a reference, or NULL when it resolves (through a
 * symlink) outside the pool root: a pool media file linking to /etc/passwd
 * must never become a benchmark image. */
static char *inside_root(struct ba_dataset *d, char *p)
{
	if (!p)
		return NULL;
	if (ba_fs_path_inside(d->root, p, NULL, NULL) != 0) {
		BA_WARN("%s: media file resolves outside the pool root %s; refused", p, d->root);
		free(p);
		return NULL;
	}
	return p;
}

static char *find_media(ba_dataset *d, const char *ref);

char *ba_dataset_media(ba_dataset *d, const char *ref)
{
	return inside_root(d, find_media(d, ref));
}

int ba_dataset_media_outside(ba_dataset *d, const char *ref)
{
	char *p = find_media(d, ref);
	int out = p && ba_fs_path_inside(d->root, p, NULL, NULL) != 0;

	free(p);
	return out;
}

static char *find_media(ba_dataset *d, const char *ref)
{
	const char *bn, *s;
	char *p = NULL, *img;
	int safe;

	if (!ref)
		return NULL;
	while (ref[0] == '.' && ref[1] == '/')
		ref += 2;
	while (ref[0] == '/')
		ref++; /* absolute foreign paths: only suffixes are tried */
	if (!*ref || strlen(ref) > 4096)
		return NULL;
	bn = basename_of(ref);
	if (!*bn || !strcmp(bn, ".") || !strcmp(bn, "..") || strchr(bn, '\\'))
		return NULL;
	safe = ba_path_is_safe(ref);
	set_base(d);
	if (safe && ((p = try_join(d->dir, ref)) || (p = try_join(d->base, ref))))
		return p;
	img = ba_path_join(d->dir, "images");
	p = try_join(img, bn);
	free(img);
	if (p)
		return p;
	img = ba_path_join(d->base, "images");
	p = try_join(img, bn);
	free(img);
	if (p || (p = try_join(d->dir, bn)) || (p = try_join(d->base, bn)))
		return p;
	/* foreign prefix: try each suffix "a/b/c" -> "b/c" -> "c" under base */
	for (s = strchr(ref, '/'); s && s[1]; s = strchr(s + 1, '/')) {
		if (ba_path_is_safe(s + 1) && (p = try_join(d->base, s + 1)))
			return p;
	}
	if (!d->indexed)
		build_index(d);
	return index_lookup(d, ref, bn);
}
