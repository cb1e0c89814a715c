/*
 * score.c - the one answer comparison (include/benchagent/score.h).
 *
 * One table of scorers, one row each: name, what *how reports, the
 * function, and a one-line rule. Each function gets the item (for choices,
 * tolerance, aliases), the key as text and an answer already extracted
 * from a reply (eval/extract.c or the Lua util.final), and says 1 or 0.
 */
#include "benchagent/score.h"
#include "benchagent/alloc.h"
#include "benchagent/buf.h"
#include "benchagent/json.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define MAX_CHOICES 26
#define MAX_PARTS 64

/* ---- shared pieces ---- */

char *ba_score_normalize(const char *s)
{
	ba_buf b = BA_BUF_INIT(1 << 20);
	ba_buf w = BA_BUF_INIT(1 << 20);
	const char *p;

	if (!s)
		return ba_strdup("");
	for (p = s;; p++) {
		unsigned char c = (unsigned char)*p;
		if (c && (isalnum(c) || c >= 0x80)) {
			char lc = (char)tolower(c);
			ba_buf_append(&w, &lc, 1);
		} else if (c == '.' && w.len && isdigit((unsigned char)w.ptr[w.len - 1]) &&
			   isdigit((unsigned char)p[1])) {
			ba_buf_append(&w, ".", 1);  /* keep decimals: "3.5" */
		} else {
			if (w.len) {
				const char *t = ba_buf_cstr(&w);
				if (strcmp(t, "a") && strcmp(t, "an") && strcmp(t, "the")) {
					if (b.len)
						ba_buf_append(&b, " ", 1);
					ba_buf_append(&b, w.ptr, w.len);
				}
				ba_buf_reset(&w);
			}
			if (!c)
				break;
		}
	}
	ba_buf_free(&w);
	if (!b.len) {
		ba_buf_free(&b);
		return ba_strdup("");
	}
	return ba_buf_detach(&b);
}

static int text_equal(const char *a, const char *b)
{
	char *na = ba_score_normalize(a), *nb = ba_score_normalize(b);
	int eq = *nb && !strcmp(na, nb);

	free(na);
	free(nb);
	return eq;
}

static int parse_plain(const char *s, double *out)
{
	char clean[128];
	size_t n = 0;
	char *end;
	double v;

	for (; *s; s++) {
		if (*s == ',' || *s == '$' || *s == ' ' || *s == '%')
			continue;
		if (n + 1 >= sizeof(clean))
			return BA_EINVAL;
		clean[n++] = *s;
	}
	clean[n] = '\0';
	if (!n)
		return BA_EINVAL;
	errno = 0;
	v = strtod(clean, &end);
	if (errno || end == clean || *end || !isfinite(v))
		return BA_EINVAL;
	*out = v;
	return 0;
}

/* "a/b" with both sides plain numbers (no spaces inside the numbers). */
static int parse_fraction(const char *s, const char *slash, double *out)
{
	char num[128], den[128];
	size_t n1 = (size_t)(slash - s);
	double a, b;

	if (n1 >= sizeof(num) || strlen(slash + 1) >= sizeof(den))
		return BA_EINVAL;
	memcpy(num, s, n1);
	num[n1] = '\0';
	snprintf(den, sizeof(den), "%s", slash + 1);
	if (parse_plain(num, &a) || parse_plain(den, &b) || b == 0)
		return BA_EINVAL;
	*out = a / b;
	return 0;
}

int ba_score_parse_number(const char *s, double *out)
{
	const char *slash, *sp;

	if (!s)
		return BA_EINVAL;
	while (isspace((unsigned char)*s))
		s++;
	if (!strncmp(s, "\\frac{", 6) || !strncmp(s, "\\dfrac{", 7)) {
		const char *p = strchr(s, '{') + 1, *q = strchr(p, '}');
		char buf[260];
		if (!q || q[1] != '{' || !strchr(q + 2, '}') || strlen(p) >= sizeof(buf))
			return BA_EINVAL;
		snprintf(buf, sizeof(buf), "%.*s/%.*s", (int)(q - p), p, (int)(strchr(q + 2, '}') - q - 2), q + 2);
		return parse_fraction(buf, strchr(buf, '/'), out);
	}
	slash = strchr(s, '/');
	if (slash && slash != s) {
		/* a mixed number "2 1/2" */
		sp = strchr(s, ' ');
		if (sp && sp < slash) {
			double w, f;
			char whole[64];
			size_t n = (size_t)(sp - s);
			if (n >= sizeof(whole))
				return BA_EINVAL;
			memcpy(whole, s, n);
			whole[n] = '\0';
			while (*sp == ' ')
				sp++;
			if (parse_plain(whole, &w) || parse_fraction(sp, slash, &f) || w != floor(w) || f < 0)
				return BA_EINVAL;
			*out = w < 0 || (w == 0 && s[0] == '-') ? w - f : w + f;
			return 0;
		}
		return parse_fraction(s, slash, out);
	}
	return parse_plain(s, out);
}

/* The last number-like token in r (start, length), 0 when none. */
int ba_score_last_number(const char *r, const char **start, size_t *len)
{
	const char *p = r, *bs = NULL, *be = NULL;

	while (*p) {
		if (isdigit((unsigned char)*p) || ((*p == '-' || *p == '.') && isdigit((unsigned char)p[1]))) {
			const char *s = p;
			p++;
			while (*p && (isdigit((unsigned char)*p) || *p == '.' || *p == '/' ||
				      (*p == ',' && isdigit((unsigned char)p[1])) ||
				      ((*p == 'e' || *p == 'E') && (isdigit((unsigned char)p[1]) ||
								   (p[1] == '-' && isdigit((unsigned char)p[2]))))))
				p++;
			bs = s;
			be = p;
		} else {
			p++;
		}
	}
	if (!bs)
		return 0;
	while (be > bs && (be[-1] == '.' || be[-1] == '/' || be[-1] == ','))
		be--;
	*start = bs;
	*len = (size_t)(be - bs);
	return 1;
}

/* The whole answer as a number, else its last number. */
static int answer_number(const char *a, double *out)
{
	const char *s;
	size_t n;
	char *tok;
	int rc;

	if (ba_score_parse_number(a, out) == 0)
		return 0;
	if (!ba_score_last_number(a, &s, &n))
		return BA_EINVAL;
	tok = ba_strndup(s, n);
	rc = ba_score_parse_number(tok, out);
	free(tok);
	return rc;
}

int ba_score_letter(const char *s, size_t n)
{
	if (!s)
		return -1;
	if (n > MAX_CHOICES)
		n = MAX_CHOICES;
	while (*s == '(' || *s == '[' || *s == '*' || isspace((unsigned char)*s))
		s++;
	if (!strncasecmp(s, "option ", 7))
		s += 7;
	else if (!strncasecmp(s, "choice ", 7))
		s += 7;
	if (*s >= 'A' && *s < (char)('A' + n) && !isalnum((unsigned char)s[1]))
		return *s - 'A';
	if (*s >= 'a' && *s < (char)('a' + n) &&
	    (s[1] == ')' || s[1] == '\0' || (s[1] == '.' && s[2] == '\0')))
		return *s - 'a';
	return -1;
}

static size_t nchoices(const json_t *item)
{
	size_t n = json_array_size(json_object_get(item, "choices"));

	return n > MAX_CHOICES ? MAX_CHOICES : n;
}

int ba_score_option_index(const json_t *item, const char *ans)
{
	json_t *choices = json_object_get(item, "choices");
	size_t i, n = nchoices(item);
	char *na = ba_score_normalize(ans);
	int hit = -1;

	for (i = 0; i < n && hit < 0; i++) {
		const char *opt = json_string_value(json_array_get(choices, i));
		char *no;
		if (!opt)
			continue;
		no = ba_score_normalize(opt);
		if (*no && !strcmp(no, na))
			hit = (int)i;
		free(no);
	}
	free(na);
	return hit;
}

const char *const ba_score_yesno_words[BA_SCORE_YESNO_PAIRS][2] = {
	{ "yes", "no" }, { "true", "false" }, { "correct", "incorrect" }, { "valid", "invalid" },
};

int ba_score_yesno(const char *s)
{
	char *n = ba_score_normalize(s), *sp;
	int r = -1;
	size_t i;

	if ((sp = strchr(n, ' ')) != NULL)
		*sp = '\0';
	for (i = 0; i < BA_SCORE_YESNO_PAIRS && r < 0; i++)
		r = !strcmp(n, ba_score_yesno_words[i][0]) ? 1 : !strcmp(n, ba_score_yesno_words[i][1]) ? 0 : -1;
	free(n);
	return r;
}

/* Split a list answer into normalised parts: separators , ; & "and"
 * "then" < > -> and newlines. Returns the count (<= MAX_PARTS) or -1. */
static int split_parts(const char *s, char **parts)
{
	ba_buf b = BA_BUF_INIT(1 << 16);
	const char *p;
	char *all, *tok, *save = NULL;
	int n = 0;

	for (p = s; *p; p++) {
		if (*p == ',' || *p == ';' || *p == '&' || *p == '<' || *p == '>' || *p == '\n')
			ba_buf_append(&b, "|", 1);
		else
			ba_buf_append(&b, p, 1);
	}
	all = ba_buf_detach(&b);
	if (!all)
		all = ba_strdup("");
	for (tok = strtok_r(all, "|", &save); tok; tok = strtok_r(NULL, "|", &save)) {
		char *norm = ba_score_normalize(tok), *w, *wsave = NULL, *cur = NULL;
		/* "a and b" / "a then b" inside one piece */
		for (w = strtok_r(norm, " ", &wsave); w; w = strtok_r(NULL, " ", &wsave)) {
			if (!strcmp(w, "and") || !strcmp(w, "then")) {
				if (cur) {
					if (n >= MAX_PARTS)
						goto overflow;
					parts[n++] = cur;
					cur = NULL;
				}
				continue;
			}
			if (cur) {
				char *j = ba_asprintf("%s %s", cur, w);
				free(cur);
				cur = j;
			} else {
				cur = ba_strdup(w);
			}
		}
		if (cur) {
			if (n >= MAX_PARTS) {
				free(cur);
				goto overflow;
			}
			parts[n++] = cur;
		}
		free(norm);
		continue;
overflow:
		free(norm);
		free(all);
		while (n > 0)
			free(parts[--n]);
		return -1;
	}
	free(all);
	return n;
}

static void free_parts(char **parts, int n)
{
	while (n > 0)
		free(parts[--n]);
}

static int str_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int lists_equal(const char *gold, const char *answer, int ordered)
{
	char *g[MAX_PARTS], *a[MAX_PARTS];
	int ng = split_parts(gold, g), na, i, eq;

	if (ng < 0)
		return 0;
	na = split_parts(answer, a);
	if (na < 0) {
		free_parts(g, ng);
		return 0;
	}
	eq = ng == na;
	if (eq && !ordered) {
		qsort(g, (size_t)ng, sizeof(*g), str_cmp);
		qsort(a, (size_t)na, sizeof(*a), str_cmp);
	}
	for (i = 0; eq && i < ng; i++)
		eq = !strcmp(g[i], a[i]);
	free_parts(g, ng);
	free_parts(a, na);
	return eq;
}

/* "14:05", "2:05 pm", "2 pm", "12:30 a.m." -> minutes after midnight; -1. */
static int parse_clock(const char *s)
{
	char *n = ba_score_normalize(s);
	const char *p = n;
	int h = -1, m = 0, pm, am;

	for (; *p; p++) {
		if (isdigit((unsigned char)*p) && (p == n || !isdigit((unsigned char)p[-1]))) {
			/* the normaliser dropped ':' -> "14 05"; read "hh mm" or "hh" + am/pm */
			char *e;
			long hv = strtol(p, &e, 10);
			if (e - p > 2)
				continue;
			if (*e == ' ' && isdigit((unsigned char)e[1]) && isdigit((unsigned char)e[2]) &&
			    !isdigit((unsigned char)e[3])) {
				h = (int)hv;
				m = (int)strtol(e + 1, NULL, 10);
				p = e + 3;
				break;
			}
			if (!strncmp(e, " pm", 3) || !strncmp(e, " am", 3) || !strncmp(e, " p m", 4) ||
			    !strncmp(e, " m", 2) || !strncmp(e, "pm", 2) || !strncmp(e, "am", 2)) {
				h = (int)hv;
				p = e;
				break;
			}
		}
	}
	if (h < 0 || h > 23 || m > 59) {
		free(n);
		return -1;
	}
	pm = strstr(p, "pm") || strstr(p, "p m");
	am = strstr(p, "am") || strstr(p, "a m");
	free(n);
	if (pm && h < 12)
		h += 12;
	if (am && h == 12)
		h = 0;
	return h * 60 + m;
}

static const char *const weekdays[] = { "monday", "tuesday", "wednesday", "thursday", "friday",
	"saturday", "sunday", NULL };
static const char *const months[] = { "january", "february", "march", "april", "may", "june",
	"july", "august", "september", "october", "november", "december", NULL };

/* The only weekday named in s (index), -1 none, -2 several. */
static int weekday_of(const char *s)
{
	char *n = ba_score_normalize(s);
	int i, hit = -1;

	for (i = 0; weekdays[i]; i++)
		if (strstr(n, weekdays[i]))
			hit = hit == -1 ? i : -2;
	free(n);
	return hit;
}

/* "2024-03-05", "March 5, 2024", "5 March 2024", "Mar 5 2024" -> y*10000+m*100+d; -1. */
static long parse_date(const char *s)
{
	char *n = ba_score_normalize(s);
	int y = -1, mo = -1, d = -1, i;
	long r = -1;
	const char *p;

	if (sscanf(s, "%*[^0-9]%d-%d-%d", &y, &mo, &d) == 3 || sscanf(s, "%d-%d-%d", &y, &mo, &d) == 3) {
		if (y >= 1000 && mo >= 1 && mo <= 12 && d >= 1 && d <= 31)
			r = (long)y * 10000 + mo * 100 + d;
		free(n);
		return r;
	}
	for (i = 0; months[i] && mo < 0; i++) {
		char ab[4];
		const char *after, *q, *e;
		int a = -1, b = -1;

		snprintf(ab, sizeof(ab), "%.3s", months[i]);
		if ((p = strstr(n, months[i])) == NULL && (p = strstr(n, ab)) == NULL)
			continue;
		mo = i + 1;
		for (after = p; isalpha((unsigned char)*after); after++)
			;
		if (sscanf(after, " %d %d", &a, &b) == 2 && a <= 31 && b >= 1000) {
			d = a;  /* March 5 2024 */
			y = b;
			break;
		}
		for (q = p; q > n && q[-1] == ' '; q--)
			;
		for (e = q; q > n && isdigit((unsigned char)q[-1]); q--)
			;
		if (q < e && sscanf(after, " %d", &b) == 1) {
			d = (int)strtol(q, NULL, 10);  /* 5 March 2024 */
			y = b;
		}
	}
	if (mo > 0 && d >= 1 && d <= 31 && y >= 1000)
		r = (long)y * 10000 + mo * 100 + d;
	free(n);
	return r;
}

/* ---- the scorers ---- */

static int score_choice(const json_t *item, const char *gold, const char *answer)
{
	size_t n = nchoices(item);
	int a = ba_score_letter(answer, n ? n : MAX_CHOICES), g = ba_score_letter(gold, n ? n : MAX_CHOICES);

	if (a < 0 && n)
		a = ba_score_option_index(item, answer);
	if (g < 0 && n)
		g = ba_score_option_index(item, gold);
	if (a >= 0 && g >= 0)
		return a == g;
	return text_equal(answer, gold);
}

static int score_numeric(const json_t *item, const char *gold, const char *answer)
{
	const json_t *md = json_object_get(item, "metadata");
	double x, y, tol = ba_json_num(item, "tolerance", -1), rel = ba_json_num(item, "rel_tolerance", -1);

	/* items written before the tolerance fields moved to the item:
	 * metadata.abs_tolerance (absolute) and metadata.tolerance (relative) */
	if (tol < 0 && rel < 0) {
		tol = ba_json_num(md, "abs_tolerance", -1);
		rel = ba_json_num(md, "tolerance", -1);
	}

	if (ba_score_parse_number(gold, &y) != 0)
		return text_equal(answer, gold);
	if (answer_number(answer, &x) != 0)
		return 0;
	/* no stated tolerance: exact, up to binary floating-point noise */
	if (tol < 0 && rel < 0)
		return fabs(x - y) <= 1e-9 * fmax(1, fabs(y));
	return (tol >= 0 && fabs(x - y) <= tol + 1e-12 * fmax(1, fabs(y))) ||
	       (rel >= 0 && fabs(x - y) <= rel * fmax(1e-300, fabs(y)));
}

static int score_binary(const json_t *item, const char *gold, const char *answer)
{
	int a = ba_score_yesno(answer), b = ba_score_yesno(gold);

	(void)item;
	if (b < 0)
		return text_equal(answer, gold);
	return a == b;
}

static int score_text(const json_t *item, const char *gold, const char *answer)
{
	const char *keys[] = { "aliases", "answers" };
	size_t k, i;
	json_t *v;

	if (text_equal(answer, gold))
		return 1;
	for (k = 0; k < 2; k++)
		json_array_foreach(json_object_get(item, keys[k]), i, v)
			if (json_is_string(v) && text_equal(answer, json_string_value(v)))
				return 1;
	return 0;
}

static int score_set(const json_t *item, const char *gold, const char *answer)
{
	(void)item;
	return lists_equal(gold, answer, 0);
}

static int score_list(const json_t *item, const char *gold, const char *answer)
{
	(void)item;
	return lists_equal(gold, answer, 1);
}

static int score_time(const json_t *item, const char *gold, const char *answer)
{
	int g = parse_clock(gold), a = parse_clock(answer), gw = weekday_of(gold);

	(void)item;
	if (g < 0)
		return text_equal(answer, gold);
	if (a != g)
		return 0;
	return gw == -1 || weekday_of(answer) == gw;
}

static int score_clock12(const json_t *item, const char *gold, const char *answer)
{
	int g = parse_clock(gold), a = parse_clock(answer);

	(void)item;
	return g >= 0 && a >= 0 && g % 720 == a % 720;
}

static int score_date(const json_t *item, const char *gold, const char *answer)
{
	long g = parse_date(gold);

	if (g < 0)
		return score_text(item, gold, answer);
	return parse_date(answer) == g;
}

/* Grid cells "C4": the last letter+digits token of the answer. */
static int score_cell(const json_t *item, const char *gold, const char *answer)
{
	const char *p, *last = NULL;
	size_t n = 0, glen = strlen(gold);

	(void)item;
	for (p = answer; *p; p++)
		if (isalpha((unsigned char)*p) && isdigit((unsigned char)p[1]) &&
		    (p == answer || !isalnum((unsigned char)p[-1]))) {
			const char *e = p + 1;
			while (isdigit((unsigned char)*e))
				e++;
			if (!isalnum((unsigned char)*e)) {
				last = p;
				n = (size_t)(e - p);
			}
		}
	return last && n == glen && !strncasecmp(last, gold, n);
}

/* The scorers, each named in the table of scorers.c. */
const ba_scorer ba_scorer_choice = { "choice", "choice", score_choice,
				     "option letter (B, (B), Option B) or the option's text" };
const ba_scorer ba_scorer_numeric = {
	"numeric", "numeric", score_numeric,
	"the answer (or its last number) within item.tolerance (absolute) or item.rel_tolerance; exact when neither"
};
const ba_scorer ba_scorer_binary = { "binary", "binary", score_binary,
				     "first word yes/true/correct/valid or no/false/incorrect/invalid" };
const ba_scorer ba_scorer_text = { "text", "normalized", score_text,
				   "normalised text (case, punctuation, articles) or one of item.aliases" };
const ba_scorer ba_scorer_set = { "set", "set", score_set, "the same names in any order (split on , ; & and)" };
const ba_scorer ba_scorer_list = { "list", "list", score_list,
				   "the same entries in the same order (split on , ; < > and then)" };
const ba_scorer ba_scorer_time = { "time", "time", score_time,
				   "the same clock time (14:05 = 2:05 pm) and weekday when the key has one" };
const ba_scorer ba_scorer_clock12 = { "clock12", "clock12", score_clock12, "the same time on a 12-hour dial" };
const ba_scorer ba_scorer_date = { "date", "date", score_date,
				   "the same date (2024-03-05 = March 5, 2024 = 5 March 2024)" };
const ba_scorer ba_scorer_cell = { "cell", "cell", score_cell, "the last grid cell named (C4)" };

static const char *item_scorer_name(const json_t *item)
{
	const char *s = ba_json_str(item, "scorer", NULL);

	return s ? s : ba_json_str(json_object_get(item, "metadata"), "scorer", NULL);
}

const ba_scorer *ba_score_for(const json_t *item)
{
	const char *type = ba_json_str(item, "answer_type", "short");
	const ba_scorer *s = ba_score_find(item_scorer_name(item));

	if (s)
		return s;
	if (nchoices(item) > 0 || !strcmp(type, "choice"))
		return ba_score_find("choice");
	if (!strcmp(type, "numeric"))
		return ba_score_find("numeric");
	if (!strcmp(type, "binary"))
		return ba_score_find("binary");
	return ba_score_find("text");
}

int ba_score_item(const json_t *item, const char *answer, double *score, const char **how,
		  ba_error *err)
{
	const json_t *g = json_object_get(item, "answer");
	const char *name = item_scorer_name(item), *dummy;
	const ba_scorer *sc;
	char num[64];
	const char *gold;

	if (!how)
		how = &dummy;
	*score = 0;
	*how = "none";
	if (json_is_string(g)) {
		gold = json_string_value(g);
	} else if (json_is_integer(g)) {
		snprintf(num, sizeof(num), "%lld", (long long)json_integer_value(g));
		gold = num;
	} else if (json_is_real(g)) {
		snprintf(num, sizeof(num), "%.17g", json_real_value(g));
		gold = num;
	} else if (json_is_boolean(g)) {
		gold = json_is_true(g) ? "yes" : "no";
	} else {
		return ba_error_set(err, BA_EINVAL, "item %s: answer is not a string or number",
				    ba_json_str(item, "id", "?"));
	}
	if (name && !ba_score_find(name))
		return ba_error_set(err, BA_EINVAL, "item %s: unknown scorer '%.40s'", ba_json_str(item, "id", "?"),
				    name);
	sc = ba_score_for(item);
	*how = sc->how;
	if (sc->fn == score_text && !strcmp(ba_json_str(item, "answer_type", ""), "open"))
		*how = "normalized(open, no judge)";
	*score = sc->fn(item, gold, answer ? answer : "") ? 1 : 0;
	return 0;
}
