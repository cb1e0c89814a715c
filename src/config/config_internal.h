/*
 * config_internal.h - shared by the configuration's own files.
 */
#ifndef BA_CONFIG_INTERNAL_H
#define BA_CONFIG_INTERNAL_H

#include "benchagent/config.h"

/* Where errors point: the file and its key -> line map. */
typedef struct ba_cfg_ctx {
	const char *file;
	json_t *lines;
	ba_error *err;
} ba_cfg_ctx;

/* Line of a dotted key path ("providers.0.timeout"), 0 when unknown. */
long ba_cfg_line(ba_cfg_ctx *v, const char *path);
/* Set "file:line: path: what" (BA_EINVAL) and return it. */
int ba_cfg_bad(ba_cfg_ctx *v, const char *path, const char *what);

/* The module sections (sections.c). */
void ba_config_sections_default(ba_config *cfg);
void ba_config_sections_free(ba_config *cfg);
int ba_config_sections_parse(ba_cfg_ctx *v, ba_config *cfg, json_t *root);
/* 1 when name is a module section's top-level key. */
int ba_config_is_section(const char *name);

#endif
