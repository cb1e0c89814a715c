/*
 * visible.c - checks on what the examinee sees: the answer must not leak
 * into any visible field (question, the context of an item whose input is
 * its media, the other options, media file names, alt text), compared
 * after folding case, underscores, punctuation and accents; and every
 * distractor must be a value of the key's kind (a number for a number, a
 * date for a date, text - entity or sentence - for text) and, for text, of
 * similar length; never "none/all of the above".
 */
#include "verify_internal.h"
#include "benchagent/alloc.h"
#include "benchagent/buf.h"
#include "benchagent/json.h"
#include "benchagent/score.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* U+00C0..U+017F to their base letter (' ': no letter). */
static const char latin[] =
	"aaaaaaaceeeeiiiidnooooo ouuuuytsaaaaaaaceeeeiiiidnooooo ouuuuyty"
	"aaaaaaccccccccddddeeeeeeeeeegggggggghhhhiiiiiiiiiiiijjkkkllllllllllnnnnnnnnnoooooooorrrrrrssssssssttttttuuuuuuuuuuuuwwyyyzzzzzzs";

char *ba_verify_fold(const char *s)
{
	size_t n = s ? strlen(s) : 0, o = 0;
	char *t = ba_malloc(n + 1), *out;
	const unsigned char *p = (const unsigned char *)(s ? s : "");

	while (*p) {
		if (p[0] >= 0xC3 && p[0] <= 0xC5 && (p[1] & 0xC0) == 0x80) {
			unsigned cp = ((unsigned)(p[0] & 0x1F) << 6) | (unsigned)(p[1] & 0x3F);
			t[o++] = latin[cp - 0xC0];
			p += 2;
		} else {
			t[o++] = (char)*p++;
		}
	}
	t[o] = 0;
	out = ba_verify_normalize(t);
	free(t);
	return out;
}

static int is_month(const char *w)
{
	static const char *m[] = { "january", "february", "march", "april", "may", "june", "july", "august",
				   "september", "october", "november", "december", "jan", "feb", "mar", "apr",
				   "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", NULL };
	int i;
	for (i = 0; m[i]; i++)
		if (!strcmp(w, m[i]))
			return 1;
	return 0;
}

/* A year (1000-2999) or a decade ("1950s") as a word of norm. */
static int has_year_or_month(const char *norm)
{
	char *dup = ba_strdup(norm), *w, *save = NULL;
	int found = 0;

	for (w = strtok_r(dup, " ", &save); w && !found; w = strtok_r(NULL, " ", &save)) {
		size_t n = strlen(w);
		if ((n == 4 || (n == 5 && w[4] == 's')) && (w[0] == '1' || w[0] == '2') && isdigit((unsigned char)w[1]) &&
		    isdigit((unsigned char)w[2]) && isdigit((unsigned char)w[3]))
			found = 1;
		found |= is_month(w);
	}
	free(dup);
	return found;
}

/* "12", "-3.5", "1,200", "$4", "50%", "3/4", "12 cm", "3:45", "2.5 kg". */
static int is_number(const char *s)
{
	double v;
	const char *sp, *p;
	char *head;
	int ok;

	while (isspace((unsigned char)*s))
		s++;
	if (ba_score_parse_number(s, &v) == 0)
		return 1;
	/* h:mm */
	for (p = s; isdigit((unsigned char)*p); p++)
		;
	if (p > s && *p == ':' && isdigit((unsigned char)p[1]) && isdigit((unsigned char)p[2]) && !p[3])
		return 1;
	/* a number and one short unit word */
	sp = strrchr(s, ' ');
	if (!sp || strlen(sp + 1) > 8)
		return 0;
	for (p = sp + 1; *p; p++)
		if (!isalpha((unsigned char)*p) && *p != '.' && *p != '%' && *p != '/')
			return 0;
	head = ba_strndup(s, (size_t)(sp - s));
	ok = ba_score_parse_number(head, &v) == 0;
	free(head);
	return ok;
}

const char *ba_verify_value_kind(const char *s)
{
	char *n = ba_verify_fold(s);
	size_t w = ba_verify_word_count(n), len = s ? strlen(s) : 0;
	const char *k;

	while (len && isspace((unsigned char)s[len - 1]))
		len--;
	if (s && is_number(s))
		k = "number";
	else if (w <= 6 && has_year_or_month(n))
		k = "date";
	else if (w >= 6 || (w >= 2 && len && strchr(".!?", s[len - 1])))
		k = "sentence";
	else
		k = "entity";
	free(n);
	return k;
}

static int none_of_the_above(const char *norm)
{
	static const char *p[] = { "none of the above", "all of the above", "none of these", "all of these",
				   "none of them", "all of them", "both a and b", "neither a nor b", NULL };
	int i;
	for (i = 0; p[i]; i++)
		if (!strcmp(norm, p[i]))
			return 1;
	return 0;
}

#define FAIL(...) (snprintf(reason, rlen, __VA_ARGS__), 0)

/* Entities and sentences are both text: a distractor of one for a key of
 * the other is judged by its length (a dataset's own options mix "Solution
 * A" and "neither; their concentrations are the same"); numbers and dates
 * must match exactly. */
static int textual(const char *kind)
{
	return !strcmp(kind, "entity") || !strcmp(kind, "sentence");
}

static const char *an(const char *kind)
{
	return kind[0] == 'e' ? "an" : "a";
}

int ba_verify_check_distractors(const json_t *it, char *reason, size_t rlen)
{
	json_t *choices = json_object_get(it, "choices"), *c;
	int li = ba_letter_index(ba_json_str(it, "answer", ""));
	const char *key, *kk;
	char *nk;
	size_t i, wk;
	int ok = 1;

	if (json_array_size(choices) < 2 || li < 0 || (size_t)li >= json_array_size(choices))
		return -1;
	key = json_string_value(json_array_get(choices, (size_t)li));
	if (!key)
		return -1;
	nk = ba_verify_fold(key);
	kk = ba_verify_value_kind(key);
	wk = ba_verify_word_count(nk);
	if (none_of_the_above(nk))
		ok = FAIL("the key is '%.40s': 'none/all of the above' options are not used", key);
	json_array_foreach(choices, i, c) {
		const char *t = json_string_value(c), *kt;
		char *nt;
		size_t wt;
		if ((int)i == li || !t || !ok)
			continue;
		nt = ba_verify_fold(t);
		kt = ba_verify_value_kind(t);
		wt = ba_verify_word_count(nt);
		if (none_of_the_above(nt))
			ok = FAIL("option %c '%.40s': 'none/all of the above' options are not used", (char)('A' + i), t);
		else if (strcmp(kt, kk) && !(textual(kt) && textual(kk)))
			ok = FAIL("option %c '%.40s' is %s %s, the key '%.40s' is %s %s", (char)('A' + i), t,
				  an(kt), kt, key, an(kk), kk);
		else if (textual(kk) && (wt > 3 * wk + 2 || wk > 3 * wt + 2))
			ok = FAIL("option %c has %zu words, the key %zu: not a look-alike of the key", (char)('A' + i),
				  wt, wk);
		free(nt);
	}
	free(nk);
	return ok;
}

static int phrase_in(const char *needle, const char *hay)
{
	char *pn = ba_asprintf(" %s ", needle), *ph = ba_asprintf(" %s ", hay);
	int r = *needle && strstr(ph, pn) != NULL;
	free(pn);
	free(ph);
	return r;
}

/* Word bigram containment of a in b (share of a's bigrams found in b). */
static double bigrams_in(const char *a, const char *b)
{
	char *dup = ba_strdup(a), *w, *save = NULL, *prev = NULL, *pb = ba_asprintf(" %s ", b);
	size_t n = 0, found = 0;

	for (w = strtok_r(dup, " ", &save); w; w = strtok_r(NULL, " ", &save)) {
		if (prev) {
			char *bg = ba_asprintf(" %s %s ", prev, w);
			found += strstr(pb, bg) != NULL;
			n++;
			free(bg);
		}
		prev = w;
	}
	free(dup);
	free(pb);
	return n ? (double)found / (double)n : 0;
}

/* The answer (folded) in text: a whole phrase, or for answers over three
 * words 80% of its bigrams (a near copy). */
static int leaks_into(const char *na, const char *text)
{
	char *nt = ba_verify_fold(text);
	int r = phrase_in(na, nt) || (ba_verify_word_count(na) > 3 && bigrams_in(na, nt) >= 0.8);
	free(nt);
	return r;
}

/* Naming most options in the stem ("red or blue?") gives nothing away. */
static int names_most_options(const json_t *it, const char *text)
{
	json_t *c;
	size_t i, named = 0, n = json_array_size(json_object_get(it, "choices"));
	char *nq = ba_verify_fold(text);

	json_array_foreach(json_object_get(it, "choices"), i, c) {
		char *nc = ba_verify_fold(json_string_value(c));
		named += *nc && phrase_in(nc, nq);
		free(nc);
	}
	free(nq);
	return n > 1 && named * 2 > n;
}

/* The stem's own enumerations of names ("You meet Eli, Fatima, Hana and
 * Rosa.", "You meet Rosa and Uma."): every run of two or more capitalised
 * words joined by ", ", ", and " or " and ", folded, as " name " entries
 * in one string. */
static char *enumerated_names(const char *q)
{
	ba_buf out = BA_BUF_INIT(1 << 20);
	const char *p = q;

	while (*p) {
		const char *start[32], *end[32];
		size_t n = 0, i;
		const char *r = p;
		while (n < 32 && isupper((unsigned char)*r)) {
			const char *w = r;
			while (isalpha((unsigned char)*r) || *r == '-' || *r == '\'')
				r++;
			start[n] = w;
			end[n++] = r;
			if (!strncmp(r, ", and ", 6))
				r += 6;
			else if (!strncmp(r, ", ", 2) || !strncmp(r, " and ", 5))
				r += r[0] == ',' ? 2 : 5;
			else
				break;
		}
		if (n >= 2)
			for (i = 0; i < n; i++) {
				char *w = ba_strndup(start[i], (size_t)(end[i] - start[i])), *f = ba_verify_fold(w);
				ba_buf_printf(&out, " %s ", f);
				free(w);
				free(f);
			}
		p = r > p ? r : p + 1;
	}
	return ba_buf_detach(&out);
}

/* A short answer naming one or more of the candidates the stem lists
 * ("Which of them are knights?" - "Eli, Hana"): choosing among them is the
 * task, naming them is no leak. */
static int picks_listed_names(const char *ans, const char *q)
{
	char *names = enumerated_names(q), *dup = ba_strdup(ans), *save = NULL, *part;
	int all = *names != 0, parts = 0;

	for (part = strtok_r(dup, ",", &save); part && all; part = strtok_r(NULL, ",", &save)) {
		char *f = ba_verify_fold(part), *pf = ba_asprintf(" %s ", f);
		all = *f && strstr(names, pf) != NULL;
		parts++;
		free(f);
		free(pf);
	}
	free(dup);
	free(names);
	return all && parts > 0;
}

static const char *const not_names[] = { "who", "what", "which", "where", "when", "why", "how", "answer",
					 "the", "a", "an", "if", "in", "on", "at", "it", "this", "that", "there",
					 "each", "every", "then", "is", "are", "do", "does", "you", "your", "give",
					 "name", "find", "order", "sort", "list", "write", "count", "after",
					 "before", "from", "of", "to", "and", "or", NULL };

/* The names of one sentence [p, end): capitalised words that are no
 * question or instruction word, distinct, into seen (up to 8 in all). */
static void sentence_names(const char *p, const char *end, char seen[8][32], size_t *nseen)
{
	const char *q0 = p;

	for (; p < end && *nseen < 8; p++) {
		const char *e = p;
		size_t len, i, k;
		int skip = 0;
		if (!isupper((unsigned char)*p) || (p > q0 && isalpha((unsigned char)p[-1])))
			continue;
		while (e < end && (isalpha((unsigned char)*e) || *e == '-' || *e == '\''))
			e++;
		len = (size_t)(e - p);
		for (k = 0; not_names[k] && !skip; k++)
			skip = strlen(not_names[k]) == len && !strncasecmp(p, not_names[k], len);
		for (i = 0; i < *nseen && !skip; i++)
			skip = strlen(seen[i]) == len && !strncmp(seen[i], p, len);
		if (!skip && len < 32) {
			memcpy(seen[*nseen], p, len);
			seen[(*nseen)++][len] = 0;
		}
		p = e - 1;
	}
}

/* A one-word name for an answer that is one of three or more names the
 * stem sets side by side, every sentence naming it naming another too
 * ("Quinn is slower than Ava. Quinn is faster than Fatima. ... Who is the
 * third fastest?" - "Fatima"): picking among them is the task. "Eli is the
 * knight. Which of Fatima and Hana ...?" - "Eli" states it and leaks. */
static int picks_named_candidate(const char *ans, const char *q)
{
	char all[8][32], one[8][32];
	const char *p = q;
	size_t n = strlen(ans), nall = 0, i;
	int named = 0;

	if (!n || n >= 32 || !isupper((unsigned char)ans[0]) ||
	    strspn(ans, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-'") != n)
		return 0;
	sentence_names(q, q + strlen(q), all, &nall);
	while (*p) {
		const char *end = p + strcspn(p, ".?!\n");
		size_t none = 0;
		int has = 0;
		sentence_names(p, end, one, &none);
		for (i = 0; i < none; i++)
			has |= !strcmp(one[i], ans);
		if (has && none < 2)
			return 0;
		named |= has;
		p = *end ? end + 1 : end;
	}
	return named && nall >= 3;
}

/* The stem offers the answer as an allowed form: ... or answer "none". */
static int offered_form(const char *ans, const char *q)
{
	const char *p;
	size_t n = strlen(ans);

	for (p = q; (p = strchr(p, '"')); p++)
		if (!strncasecmp(p + 1, ans, n) && p[1 + n] == '"') {
			const char *b = p - 1;
			while (b > q && *b == ' ')
				b--;
			if ((b - q >= 1 && !strncasecmp(b - 1, "or", 2)) || (b - q >= 5 && !strncasecmp(b - 5, "answer", 6)))
				return 1;
		}
	return 0;
}

/* A numeric answer equal to one of the numbers a computation starts from
 * ("Wen has 15 books ... how many now?" - 15): the stem has two or more
 * other numbers and no occurrence of the answer follows "is", "=",
 * "equals" or "answer". */
static int operand_coincidence(const char *ans, const char *q)
{
	const char *p;
	size_t n = strlen(ans), others = 0;
	int stated = 0;

	if (!n || strspn(ans, "0123456789.-") != n)
		return 0;
	for (p = q; *p; p++) {
		const char *e;
		if (!isdigit((unsigned char)*p) || (p > q && (isdigit((unsigned char)p[-1]) || p[-1] == '.')))
			continue;
		for (e = p; isdigit((unsigned char)*e) || (*e == '.' && isdigit((unsigned char)e[1])); e++)
			;
		if ((size_t)(e - p) == n && !strncmp(p, ans, n)) {
			const char *b = p;
			while (b > q && b[-1] == ' ')
				b--;
			stated |= (b - q >= 1 && b[-1] == '=') || (b - q >= 2 && !strncasecmp(b - 2, "is", 2)) ||
				  (b - q >= 6 && !strncasecmp(b - 6, "equals", 6)) || (b - q >= 6 && !strncasecmp(b - 6, "answer", 6));
		} else {
			others++;
		}
	}
	return !stated && others >= 2;
}

int ba_verify_check_leakage(const json_t *it, char *reason, size_t rlen)
{
	static const char *mkeys[] = { "path", "ref", "name", "alt", "alt_text", "caption", NULL };
	const char *at = ba_json_str(it, "answer_type", ""), *ans = ba_draft_answer_text(it), *t;
	int choice = !strcmp(at, "choice"), li = ba_letter_index(ba_json_str(it, "answer", ""));
	int has_media = json_array_size(json_object_get(it, "media")) > 0, ok = 1;
	json_t *c, *m;
	size_t i, k;
	char *na;

	if (!strcmp(at, "binary") || !ans)
		return -1;
	na = ba_verify_fold(ans);
	if (strlen(na) < 2 || (choice && strlen(na) < 3)) {
		free(na);
		return -1;
	}
	t = ba_json_str(it, "question", "");
	if (leaks_into(na, t) && !(choice && names_most_options(it, t)) &&
	    !(!choice && (picks_listed_names(ans, t) || picks_named_candidate(ans, t) || offered_form(ans, t) ||
			  operand_coincidence(ans, t))))
		ok = FAIL("the stem contains the answer '%.60s'%s", ans, ba_verify_word_count(na) > 3 ? " (or a near copy)" : "");
	/* the context is the input of a text item (a passage may hold the
	 * answer); with media the input is the picture or sound */
	t = ba_json_str(it, "context", NULL);
	if (ok && has_media && t && leaks_into(na, t) && !(choice && names_most_options(it, t)))
		ok = FAIL("the context of an item whose input is its media contains the answer '%.60s'", ans);
	json_array_foreach(json_object_get(it, "choices"), i, c)
		if (ok && choice && (int)i != li && json_string_value(c)) {
			char *nc = ba_verify_fold(json_string_value(c));
			if (strcmp(nc, na) && phrase_in(na, nc))
				ok = FAIL("option %c '%.40s' contains the answer '%.40s'", (char)('A' + i),
					  json_string_value(c), ans);
			free(nc);
		}
	json_array_foreach(json_object_get(it, "media"), i, m)
		for (k = 0; ok && mkeys[k]; k++)
			if ((t = ba_json_str(m, mkeys[k], NULL)) && leaks_into(na, t))
				ok = FAIL("media[%zu].%s '%.60s' contains the answer '%.40s'", i, mkeys[k], t, ans);
	if (ok && (t = ba_json_str(it, "alt_text", NULL)) && leaks_into(na, t))
		ok = FAIL("the alt text contains the answer '%.40s'", ans);
	free(na);
	return ok;
}
