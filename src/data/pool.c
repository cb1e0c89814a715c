/*
 * pool.c - loading a pool of dataset cards from one or more roots, with a
 * signature over the card files so derived indexes can be cached.
 */
#define BA_LOG_MODULE "pool"
#include "pool_internal.h"
#include "benchagent/alloc.h"
#include "benchagent/fs.h"
#include "benchagent/log.h"
#include "benchagent/sha256.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define POOL_MAX_CARDS 200000

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sorted *.json names in dir (caller frees each and the array). */
static char **list_json(const char *dir, size_t *n)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char **names = NULL;
	size_t cap = 0;

	*n = 0;
	if (!d)
		return NULL;
	while ((e = readdir(d)) != NULL && *n < POOL_MAX_CARDS) {
		size_t l = strlen(e->d_name);
		if (e->d_name[0] == '.' || l < 6 || strcmp(e->d_name + l - 5, ".json"))
			continue;
		ba_array_reserve((void **)&names, &cap, *n + 1, sizeof(char *));
		names[(*n)++] = ba_strdup(e->d_name);
	}
	closedir(d);
	if (*n)
		qsort(names, *n, sizeof(char *), cmp_str);
	return names;
}

static void add_card(ba_pool *p, ba_card *c)
{
	ba_array_reserve((void **)&p->cards, &p->cap, p->n + 1, sizeof(ba_card *));
	json_object_set_new(p->ids, c->id, json_integer((json_int_t)p->n));
	p->cards[p->n++] = c;
}

int ba_pool_open(ba_pool **out, const char *const *roots, size_t nroots, int strict,
		 ba_error *err)
{
	ba_pool *p = ba_calloc(1, sizeof(*p));
	ba_sha256_ctx sig;
	unsigned char d[32];
	size_t r, i;
	int rc = 0;

	p->ids = json_object();

	*out = NULL;
	ba_sha256_init(&sig);
	for (r = 0; r < nroots; r++) {
		char *cdir = ba_path_join(roots[r], "dataset_cards"), *dir;
		char **names;
		size_t n;

		if (!ba_fs_is_dir(roots[r])) {
			free(cdir);
			rc = ba_error_set(err, BA_ENOTFOUND, "pool %s: not a directory", roots[r]);
			goto fail;
		}
		dir = ba_fs_is_dir(cdir) ? cdir : (char *)roots[r];
		names = list_json(dir, &n);
		for (i = 0; i < n; i++) {
			char *file = ba_path_join(dir, names[i]);
			struct stat sb;
			ba_card *c = NULL;
			ba_error e = BA_ERROR_INIT;
			char line[600];

			if (stat(file, &sb) == 0) {
				int l = snprintf(line, sizeof(line), "%s\n%lld\n%lld\n", file,
						 (long long)sb.st_size, (long long)sb.st_mtime);
				ba_sha256_update(&sig, line, (size_t)l);
			}
			if (ba_card_load(&c, file, roots[r], &e) != 0) {
				if (strict) {
					if (err)
						*err = e;
					rc = e.code;
				} else {
					BA_WARN("skipping card: %s", e.msg);
					p->nskipped++;
				}
			} else if (ba_pool_find(p, c->id)) {
				if (strict)
					rc = ba_error_set(err, BA_EINVAL, "%s: dataset_id: '%s' already used by %s",
							  file, c->id, ba_pool_find(p, c->id)->file);
				else
					BA_WARN("%s: duplicate dataset_id '%s' skipped", file, c->id);
				ba_card_free(c);
			} else {
				add_card(p, c);
			}
			free(file);
			free(names[i]);
			if (rc) {
				for (i++; i < n; i++)
					free(names[i]);
				break;
			}
		}
		free(names);
		free(cdir);
		if (rc)
			goto fail;
	}
	ba_sha256_final(&sig, d);
	ba_hex_encode(d, 32, p->signature);
	*out = p;
	return 0;
fail:
	ba_pool_free(p);
	return rc;
}

void ba_pool_free(ba_pool *p)
{
	size_t i;

	if (!p)
		return;
	for (i = 0; i < p->n; i++)
		ba_card_free(p->cards[i]);
	free(p->cards);
	json_decref(p->ids);
	ba_bm25_free(p->bm_text);
	ba_bm25_free(p->bm_meta);
	json_decref(p->docs);
	json_decref(p->extra);
	free(p->emb);
	free(p);
}

size_t ba_pool_count(const ba_pool *p)
{
	return p ? p->n : 0;
}

const ba_card *ba_pool_card(const ba_pool *p, size_t i)
{
	return p && i < p->n ? p->cards[i] : NULL;
}

const ba_card *ba_pool_find(const ba_pool *p, const char *id)
{
	json_t *i;

	if (!p || !id || !(i = json_object_get(p->ids, id)))
		return NULL;
	return p->cards[json_integer_value(i)];
}

const char *ba_pool_signature(const ba_pool *p)
{
	return p->signature;
}
