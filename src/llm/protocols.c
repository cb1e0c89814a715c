/*
 * protocols.c - the gateway's protocol table, one entry a line of
 * include/benchagent/protocols.h: X(ID, name, ...) names the
 * `const ba_wire_protocol ba_protocol_<name>` its own file defines.
 */
#include "internal.h"

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
