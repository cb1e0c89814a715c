/*
 * sql.c - the statement interface every store file uses, dispatched to the
 * store's backend (sql_sqlite.c or sql_pg.c), and the placeholder rewrite
 * the PostgreSQL backend needs.
 */
#include "store_internal.h"
#include "benchagent/alloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int ba_sql_prepare(ba_store *st, const char *sql, ba_sql **out)
{
	return st->be->prepare(st, sql, 0, out) == 0 ? 0 : BA_EIO;
}

int ba_sql_prepare_persistent(ba_store *st, const char *sql, ba_sql **out)
{
	return st->be->prepare(st, sql, 1, out) == 0 ? 0 : BA_EIO;
}

void ba_sql_text(ba_sql *s, int i, const char *v)
{
	s->be->bind(s, i, v ? BA_SQL_TEXT : BA_SQL_NULL, v, -1, 0, 0);
}

void ba_sql_textn(ba_sql *s, int i, const char *v, int n)
{
	s->be->bind(s, i, v ? BA_SQL_TEXT : BA_SQL_NULL, v, n, 0, 0);
}

void ba_sql_int(ba_sql *s, int i, int64_t v) { s->be->bind(s, i, BA_SQL_INT, NULL, 0, v, 0); }
void ba_sql_real(ba_sql *s, int i, double v) { s->be->bind(s, i, BA_SQL_FLOAT, NULL, 0, 0, v); }
void ba_sql_null(ba_sql *s, int i) { s->be->bind(s, i, BA_SQL_NULL, NULL, 0, 0, 0); }
int ba_sql_step(ba_sql *s) { return s->be->step(s); }
int ba_sql_col_count(ba_sql *s) { return s->be->col_count(s); }
const char *ba_sql_col_name(ba_sql *s, int i) { return s->be->col_name(s, i); }
int ba_sql_col_type(ba_sql *s, int i) { return s->be->col_type(s, i); }
const char *ba_sql_col_text(ba_sql *s, int i) { return s->be->col_text(s, i); }
int64_t ba_sql_col_int(ba_sql *s, int i) { return s->be->col_int(s, i); }
double ba_sql_col_real(ba_sql *s, int i) { return s->be->col_real(s, i); }
void ba_sql_reset(ba_sql *s) { s->be->reset(s); }

void ba_sql_finalize(ba_sql *s)
{
	if (s)
		s->be->finalize(s);
}

char *ba_sql_dollar(const char *sql, int *nparams)
{
	size_t n = strlen(sql), o = 0;
	char *out = ba_malloc(n * 4 + 1);
	int next = 0, max = 0, quote = 0;
	const char *p;

	for (p = sql; *p; p++) {
		if (*p == '\'') {
			quote = !quote;
		} else if (*p == '?' && !quote) {
			int num;
			if (p[1] >= '0' && p[1] <= '9') {
				char *end;
				num = (int)strtol(p + 1, &end, 10);
				p = end - 1;
			} else {
				num = ++next;
			}
			if (num > max)
				max = num;
			o += (size_t)snprintf(out + o, 16, "$%d", num);
			continue;
		}
		out[o++] = *p;
	}
	out[o] = 0;
	*nparams = max;
	return out;
}
