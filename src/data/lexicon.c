/*
 * lexicon.c - query expansion from WordNet (Debian's wordnet-base, read in
 * place from /usr/share/wordnet or $BA_WORDNET_DIR): a request phrased in
 * other words than a card's ("automobile" for "car", "tumour" for
 * "nodule", "timetable" for "schedule") still meets it. For a word, the
 * synonyms of its first senses (noun, verb, adjective) and the words of
 * their direct hypernyms, similar adjectives and derivationally related
 * forms. The index files are sorted, so a lookup is a binary search in
 * memory; synsets are read from the data files at their byte offset.
 * Missing WordNet only means no expansion (a debug line, never an error).
 */
#define BA_LOG_MODULE "pool"
#include "pool_internal.h"
#include "benchagent/alloc.h"
#include "benchagent/log.h"

#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define NPOS 3
#define SYNSET_MAX 16384

static const char *const pos_name[NPOS] = { "noun", "verb", "adj" };

struct ba_lexicon {
	char *index[NPOS];   /* whole index.<pos> file */
	size_t index_len[NPOS];
	int data[NPOS];      /* fd of data.<pos> */
};

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	long n;

	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) > 0 && n < (1L << 28) && fseek(f, 0, SEEK_SET) == 0) {
		buf = ba_malloc((size_t)n + 1);
		if (fread(buf, 1, (size_t)n, f) != (size_t)n) {
			free(buf);
			buf = NULL;
		} else {
			buf[n] = '\0';
			*len = (size_t)n;
		}
	}
	fclose(f);
	return buf;
}

void ba_lexicon_free(ba_lexicon *lx)
{
	int i;
	if (!lx)
		return;
	for (i = 0; i < NPOS; i++) {
		free(lx->index[i]);
		if (lx->data[i] >= 0)
			close(lx->data[i]);
	}
	free(lx);
}

int ba_lexicon_open(ba_lexicon **out, const char *dir, ba_error *err)
{
	ba_lexicon *lx = ba_calloc(1, sizeof(*lx));
	char path[4200];
	int i;

	*out = NULL;
	for (i = 0; i < NPOS; i++)
		lx->data[i] = -1;
	for (i = 0; i < NPOS; i++) {
		snprintf(path, sizeof(path), "%s/index.%s", dir, pos_name[i]);
		if (!(lx->index[i] = slurp(path, &lx->index_len[i])))
			goto missing;
		snprintf(path, sizeof(path), "%s/data.%s", dir, pos_name[i]);
		if ((lx->data[i] = open(path, O_RDONLY | O_CLOEXEC)) < 0)
			goto missing;
	}
	*out = lx;
	return 0;
missing:
	ba_lexicon_free(lx);
	return ba_error_set(err, BA_ENOTFOUND, "%s: no WordNet files (install wordnet-base)", path);
}

/* Start of the line holding position i. */
static const char *line_start(const char *buf, size_t i)
{
	while (i > 0 && buf[i - 1] != '\n')
		i--;
	return buf + i;
}

/* Compare the lemma at line s (up to its space) with w. */
static int cmp_lemma(const char *s, const char *w)
{
	for (; *w && *s != ' ' && *s != '\n'; s++, w++)
		if (*s != *w)
			return (unsigned char)*s - (unsigned char)*w;
	if (!*w)
		return *s == ' ' ? 0 : 1;
	return -1;
}

/* The index line of lemma w in pos, or NULL. */
static const char *index_line(const ba_lexicon *lx, int pos, const char *w)
{
	const char *buf = lx->index[pos];
	size_t lo = 0, hi = lx->index_len[pos];

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const char *l = line_start(buf, mid);
		int c = l[0] == ' ' ? -1 : cmp_lemma(l, w); /* license lines sort first */
		if (c == 0)
			return l;
		if (c < 0) {
			const char *e = strchr(l, '\n');
			lo = e ? (size_t)(e - buf) + 1 : hi;
		} else {
			hi = (size_t)(l - buf);
		}
	}
	return NULL;
}

/* Append the words of the synset at offset (pos) to out; with ptrs, also
 * follow its hypernym / similar / derivation pointers one step. */
static void synset_words(const ba_lexicon *lx, int pos, long off, int ptrs, json_t *out)
{
	char buf[SYNSET_MAX + 1], *p, *end;
	ssize_t n = pread(lx->data[pos], buf, SYNSET_MAX, off);
	long wc, pc, k;

	if (n <= 0)
		return;
	buf[n] = '\0';
	if ((end = strchr(buf, '\n')))
		*end = '\0';
	p = buf;
	strtol(p, &p, 10);          /* offset */
	strtol(p, &p, 10);          /* lex_filenum */
	while (*p == ' ')
		p++;
	p++;                        /* ss_type */
	wc = strtol(p, &p, 16);
	for (k = 0; k < wc && *p; k++) {
		char word[128], *q;
		size_t m = 0;
		while (*p == ' ')
			p++;
		while (*p && *p != ' ' && m < sizeof(word) - 1)
			word[m++] = *p == '_' ? ' ' : (char)(*p >= 'A' && *p <= 'Z' ? *p + 32 : *p), p++;
		word[m] = '\0';
		if ((q = strchr(word, '(')))
			*q = '\0';       /* adjective markers such as "(a)" */
		json_array_append_new(out, json_string(word));
		strtol(p, &p, 16);  /* lex_id */
	}
	pc = strtol(p, &p, 10);
	for (k = 0; ptrs && k < pc && *p; k++) {
		char sym[4] = "", pc_pos;
		long to;
		int tp = -1;
		if (sscanf(p, " %3s %ld %c", sym, &to, &pc_pos) != 3)
			break;
		if (pc_pos == 'n')
			tp = 0;
		else if (pc_pos == 'v')
			tp = 1;
		else if (pc_pos == 'a' || pc_pos == 's')
			tp = 2;
		if (tp >= 0 && (!strcmp(sym, "@") || !strcmp(sym, "@i") || !strcmp(sym, "&") || !strcmp(sym, "+")))
			synset_words(lx, tp, to, 0, out);
		/* skip the 4 fields of the pointer */
		{
			int f;
			for (f = 0; f < 4 && *p; f++) {
				while (*p == ' ')
					p++;
				while (*p && *p != ' ')
					p++;
			}
		}
	}
}

/* WordNet's base forms of w for pos (a few detachment rules). */
static int base_forms(const char *w, int pos, char forms[4][64])
{
	static const char *const rules[NPOS][8][2] = {
		/* nouns; "sse", "che", "she" undo the tokenizer's plural fold */
		{ { "ses", "s" }, { "xes", "x" }, { "ies", "y" }, { "men", "man" }, { "s", "" }, { "sse", "ss" },
		  { "che", "ch" }, { "she", "sh" } },
		{ { "ies", "y" }, { "es", "e" }, { "es", "" }, { "ed", "e" }, { "ed", "" }, { "ing", "e" },
		  { "ing", "" }, { "s", "" } },
		{ { "er", "" }, { "est", "" }, { "er", "e" }, { "est", "e" }, { NULL, NULL } },
	};
	size_t n = strlen(w);
	int k = 0, r;

	snprintf(forms[k++], 64, "%s", w);
	for (r = 0; r < 8 && rules[pos][r][0] && k < 4; r++) {
		size_t sl = strlen(rules[pos][r][0]);
		if (n > sl + 1 && !strcmp(w + n - sl, rules[pos][r][0]))
			snprintf(forms[k++], 64, "%.*s%s", (int)(n - sl), w, rules[pos][r][1]);
	}
	return k;
}

void ba_lexicon_related(const ba_lexicon *lx, const char *word, int senses, json_t *out)
{
	int pos, f, nf;
	char forms[4][64];

	if (!lx || !word || strlen(word) < 3 || strlen(word) >= 60)
		return;
	for (pos = 0; pos < NPOS; pos++) {
		nf = base_forms(word, pos, forms);
		for (f = 0; f < nf; f++) {
			const char *l = index_line(lx, pos, forms[f]), *p;
			long scnt, pcnt, k;
			char *e;
			if (!l)
				continue;
			p = strchr(l, ' ');
			p = p ? strchr(p + 1, ' ') : NULL; /* skip lemma and pos */
			if (!p)
				break;
			scnt = strtol(p, &e, 10);
			pcnt = strtol(e, &e, 10);
			for (k = 0; k < pcnt; k++) {
				while (*e == ' ')
					e++;
				while (*e && *e != ' ')
					e++;
			}
			strtol(e, &e, 10); /* sense_cnt */
			strtol(e, &e, 10); /* tagsense_cnt */
			for (k = 0; k < scnt && k < senses; k++)
				synset_words(lx, pos, strtol(e, &e, 10), 1, out);
			break; /* the first base form found in this part of speech */
		}
	}
}

static pthread_once_t once = PTHREAD_ONCE_INIT;
static ba_lexicon *shared;

static void open_default(void)
{
	const char *dir = getenv("BA_WORDNET_DIR");
	ba_error e = BA_ERROR_INIT;
	if (ba_lexicon_open(&shared, dir && *dir ? dir : "/usr/share/wordnet", &e) != 0)
		BA_DEBUG("query expansion off: %s", e.msg);
}

const ba_lexicon *ba_lexicon_default(void)
{
	pthread_once(&once, open_default);
	return shared;
}

void ba_text_expand(json_t *qterms, const char *text, double w, int (*known)(void *ud, const char *term),
		    void *ud)
{
	const ba_lexicon *lx = ba_lexicon_default();
	json_t *toks, *rel, *t, *r;
	size_t i, j;

	if (!lx)
		return;
	toks = ba_text_tokens(text);
	json_array_foreach(toks, i, t) {
		if (known) {
			json_t *term = ba_text_terms(json_string_value(t));
			int k = json_array_size(term) && known(ud, json_string_value(json_array_get(term, 0)));
			json_decref(term);
			if (k)
				continue;
		}
		rel = json_array();
		ba_lexicon_related(lx, json_string_value(t), 1, rel);
		json_array_foreach(rel, j, r)
			if (strcmp(json_string_value(r), json_string_value(t)))
				ba_text_weigh(qterms, json_string_value(r), w);
		json_decref(rel);
	}
	json_decref(toks);
}
