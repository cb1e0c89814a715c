/*
 * exporters.c - the table of export formats: one X(name) an exporter,
 * naming the `const ba_exporter ba_export_<name>` its file defines
 * (export_<name>.c); `benchagent export --format` and "all" read only this.
 * A new format is that file plus its line here. BA_TEST_EXPORTERS holds
 * the lines only the test build compiles in (tests/toys/).
 */
#include "export_internal.h"

#include <string.h>

#ifdef BA_TEST_TOYS
#define BA_TEST_EXPORTERS X(toy)
#else
#define BA_TEST_EXPORTERS
#endif

#define BA_EXPORTERS X(hf) X(lmeval) X(inspect) X(batch) X(reference) BA_TEST_EXPORTERS

#define X(name) extern const ba_exporter ba_export_##name;
BA_EXPORTERS
#undef X

const ba_exporter *const ba_exporters[] = {
#define X(name) &ba_export_##name,
	BA_EXPORTERS
#undef X
	NULL
};

const char *ba_export_format(size_t i)
{
	return i < sizeof(ba_exporters) / sizeof(ba_exporters[0]) - 1 ? ba_exporters[i]->name : NULL;
}

const char *ba_export_format_summary(size_t i)
{
	return ba_export_format(i) ? ba_exporters[i]->summary : NULL;
}

const char *ba_export_format_list(void)
{
	static char list[512];
	size_t i, at = 0;

	if (list[0])
		return list;
	for (i = 0; ba_exporters[i]; i++) {
		size_t n = strlen(ba_exporters[i]->name);
		if (at + n + 3 > sizeof(list))
			break;
		if (i) {
			memcpy(list + at, ", ", 2);
			at += 2;
		}
		memcpy(list + at, ba_exporters[i]->name, n);
		at += n;
	}
	list[at] = 0;
	return list;
}
