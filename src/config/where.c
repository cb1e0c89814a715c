/*
 * where.c - where configuration errors point: "file:line: key: message"
 * (shared by config.c and sections.c).
 */
#include "config_internal.h"

long ba_cfg_line(ba_cfg_ctx *v, const char *path)
{
	json_t *l = v->lines ? json_object_get(v->lines, path) : NULL;
	return l ? (long)json_integer_value(l) : 0;
}

int ba_cfg_bad(ba_cfg_ctx *v, const char *path, const char *what)
{
	long l = ba_cfg_line(v, path);
	if (l)
		return ba_error_set(v->err, BA_EINVAL, "%s:%ld: %s: %s", v->file, l, path, what);
	return ba_error_set(v->err, BA_EINVAL, "%s: %s: %s", v->file, path, what);
}
