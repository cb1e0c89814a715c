/*
 * prompt.c - {{var}} templates from the embedded prompts/ folder.
 */
#include "benchagent/prompt.h"
#include "benchagent/alloc.h"
#include "benchagent/buf.h"
#include "benchagent/embed.h"
#include "benchagent/fs.h"

#include <stdlib.h>
#include <string.h>

const char *ba_prompt_text(const char *name)
{
	const ba_embedded_file *f = ba_embed_find(ba_prompts, name);
	return f ? f->data : NULL;
}

int ba_prompt_render(const char *name, const json_t *vars, char **out, ba_error *err)
{
	const char *dir = getenv("BENCHAGENT_PROMPTS"), *p, *tpl;
	ba_buf file = BA_BUF_INIT(1 << 20), o = BA_BUF_INIT(16 << 20);
	int rc = 0;

	*out = NULL;
	tpl = ba_prompt_text(name);
	if (dir && *dir && ba_path_is_safe(name)) {
		char *path = ba_path_join(dir, name);
		if (ba_fs_exists(path) && ba_fs_read(path, &file, NULL) == 0)
			tpl = ba_buf_cstr(&file);
		free(path);
	}
	if (!tpl)
		return ba_error_set(err, BA_ENOTFOUND, "prompts/%s: no such prompt", name);
	for (p = tpl; *p;) {
		const char *open = strstr(p, "{{"), *close;
		char key[128];
		size_t n;
		json_t *v;

		if (!open) {
			ba_buf_puts(&o, p);
			break;
		}
		ba_buf_append(&o, p, (size_t)(open - p));
		close = strstr(open + 2, "}}");
		if (!close) {
			rc = ba_error_set(err, BA_EINVAL, "prompts/%s: unclosed '{{'", name);
			break;
		}
		n = (size_t)(close - open - 2);
		while (n && open[2] == ' ')
			open++, n--;
		while (n && open[2 + n - 1] == ' ')
			n--;
		if (n == 0 || n >= sizeof(key)) {
			rc = ba_error_set(err, BA_EINVAL, "prompts/%s: bad placeholder", name);
			break;
		}
		memcpy(key, open + 2, n);
		key[n] = '\0';
		v = vars ? json_object_get(vars, key) : NULL;
		if (!v) {
			rc = ba_error_set(err, BA_EINVAL, "prompts/%s: no value for {{%s}}", name, key);
			break;
		}
		if (json_is_string(v)) {
			ba_buf_puts(&o, json_string_value(v));
		} else {
			char *s = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
			ba_buf_puts(&o, s ? s : "null");
			free(s);
		}
		p = close + 2;
	}
	/* one check for every append above: a prompt with a piece missing
	 * is never sent */
	if (rc == 0 && ba_buf_status(&o) != 0)
		rc = ba_error_set(err, BA_ELIMIT, "prompts/%s: the rendered prompt exceeds %zu MiB", name,
				  o.max >> 20);
	ba_buf_free(&file);
	if (rc) {
		ba_buf_free(&o);
		return rc;
	}
	*out = ba_buf_detach(&o);
	return 0;
}
