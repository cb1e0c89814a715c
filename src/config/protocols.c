/*
 * protocols.c - the protocol table (include/benchagent/protocols.h) as the
 * configuration sees it: names, default base URLs, HTTP or in-process.
 */
#include "benchagent/config.h"

#include <string.h>

typedef struct {
	const char *name, *url;
	int http;
} proto_row;

static const proto_row rows[] = {
#define X(id, name, url, http) { #name, url, http },
	BA_PROTOCOLS
#undef X
};

#define NROWS (sizeof(rows) / sizeof(rows[0]))

const char *ba_protocol_name(ba_protocol p)
{
	return (size_t)p < NROWS ? rows[p].name : "?";
}

int ba_protocol_parse(const char *name, ba_protocol *out)
{
	size_t i;

	for (i = 0; name && i < NROWS; i++)
		if (!strcmp(rows[i].name, name)) {
			*out = (ba_protocol)i;
			return 0;
		}
	return -1;
}

const char *ba_protocol_default_url(ba_protocol p)
{
	return (size_t)p < NROWS ? rows[p].url : NULL;
}

int ba_protocol_uses_http(ba_protocol p)
{
	return (size_t)p < NROWS && rows[p].http;
}

const char *ba_protocol_names(void)
{
	static char list[256];
	size_t i, at = 0;

	if (list[0])
		return list;
	for (i = 0; i < NROWS; i++) {
		const char *sep = i == 0 ? "" : i + 1 == NROWS ? " or " : ", ";
		size_t need = strlen(sep) + strlen(rows[i].name);
		if (at + need + 1 > sizeof(list))
			break;
		memcpy(list + at, sep, strlen(sep));
		memcpy(list + at + strlen(sep), rows[i].name, strlen(rows[i].name));
		at += need;
	}
	list[at] = 0;
	return list;
}
