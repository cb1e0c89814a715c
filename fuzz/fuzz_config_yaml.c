/*
 * fuzz_config_yaml.c - the YAML reader and the configuration validator on
 * arbitrary bytes: never crash, leak or hang; always either a config or a
 * one-line error; an accepted config has every section value in its range
 * and only http(s) provider URLs.
 */
#include "benchagent/config.h"
#include "benchagent/fs.h"
#include "benchagent/yaml.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	json_t *doc = NULL, *lines = NULL;
	ba_error err = BA_ERROR_INIT;
	char path[64];
	ba_config *cfg = NULL;

	if (ba_yaml_parse(&doc, &lines, (const char *)data, size, "fuzz.yaml", &err) == 0) {
		json_decref(doc);
		json_decref(lines);
	} else if (strchr(err.msg, '\n')) {
		abort();
	}
	/* the full loader, through a file */
	snprintf(path, sizeof(path), "/tmp/ba-fuzz-config-%ld.yaml", (long)getpid());
	if (ba_fs_write_atomic(path, data, size, NULL) == 0) {
		if (ba_config_load(&cfg, path, 0, &err) == 0) {
			size_t i;
			if (cfg->execution.workers < 1 || cfg->execution.workers > 256 ||
			    !(cfg->gateway.max_reply_mb > 0 && cfg->gateway.max_reply_mb <= 1024) ||
			    cfg->gateway.max_retries < 0 || cfg->gateway.max_retries > 100 ||
			    !(cfg->verification.near_duplicate_threshold >= 0 &&
			      cfg->verification.near_duplicate_threshold <= 1) ||
			    cfg->grounding.candidates < 1 || cfg->grounding.candidates > 6 ||
			    !cfg->execution.fallback_role)
				abort();
			for (i = 0; i < cfg->nproviders; i++) {
				const char *u = cfg->providers[i].base_url;
				if (u && strncmp(u, "http://", 7) && strncmp(u, "https://", 8))
					abort();
			}
			ba_config_free(cfg);
		}
		else if (strchr(err.msg, '\n') || !err.msg[0])
			abort();
		unlink(path);
	}
	return 0;
}
