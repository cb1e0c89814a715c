/*
 * protocols.c - the gateway's protocol table, one entry a line of
 * include/benchagent/protocols.h: X(ID, name, ...) names the
 * `const ba_wire_protocol ba_protocol_<name>` its own file defines.
 */
#include "internal.h"

#include <string.h>

#define X(id, name, url, http) extern const ba_wire_protocol ba_protocol_##name;
BA_PROTOCOLS
#undef X

static const ba_wire_protocol *const table[] = {
#define X(id, name, url, http) &ba_protocol_##name,
	BA_PROTOCOLS
#undef X
};

static const ba_wire_protocol none;

const ba_wire_protocol *ba_wire_of(const ba_provider_cfg *p)
{
	if (!p || (size_t)p->protocol >= sizeof(table) / sizeof(table[0]))
		return &none;
	return table[p->protocol];
}

unsigned ba_llm_media_accepted(const ba_provider_cfg *p)
{
	return ba_wire_of(p)->media;
}

const char *ba_llm_media_name(unsigned bit)
{
	return bit == BA_MEDIA_AUDIO ? "audio" : bit == BA_MEDIA_IMAGE ? "image" : "unknown media";
}

unsigned ba_llm_media_bit(const char *type)
{
	if (type && !strcmp(type, "image"))
		return BA_MEDIA_IMAGE;
	if (type && !strcmp(type, "audio"))
		return BA_MEDIA_AUDIO;
	return 0;
}

unsigned ba_llm_media_needed(const json_t *messages)
{
	unsigned need = 0;
	size_t i, k;
	json_t *m, *p;

	json_array_foreach(messages, i, m) {
		json_array_foreach(json_object_get(m, "content"), k, p) {
			const char *t = json_string_value(json_object_get(p, "type"));
			if (t && !strcmp(t, "image_url"))
				need |= BA_MEDIA_IMAGE;
			else if (t && !strcmp(t, "input_audio"))
				need |= BA_MEDIA_AUDIO;
		}
	}
	return need;
}
