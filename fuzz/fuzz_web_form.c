/*
 * fuzz_web_form.c - review-server request input is untrusted: the form
 * body parser (URL decoding, '&'/'=' splitting, UTF-8), the Origin/Referer
 * matcher and HTML escaping must never crash, read out of bounds or leak.
 * Invariants: a parsed form is an object of non-empty keys and string
 * values; escaped text has no raw '<', '>' or '"'; an Origin with anything
 * after the authority never matches; the server's own origin always does.
 */
#include "../src/web/web_internal.h"
#include "benchagent/json.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ba_review_server srv;
	json_t *form, *v;
	const char *k;
	char *text, *esc;

	memset(&srv, 0, sizeof(srv));
	srv.port = 8765;
	snprintf(srv.bind, sizeof(srv.bind), "127.0.0.2");
	form = ba_web_parse_form((const char *)data, size);
	if (form) {
		if (!json_is_object(form))
			abort();
		json_object_foreach(form, k, v)
			if (!*k || !json_is_string(v))
				abort();
		json_decref(form);
	}
	text = malloc(size + 1);
	memcpy(text, data, size);
	text[size] = '\0';
	esc = ba_html_escape(text);
	if (esc && strpbrk(esc, "<>\""))
		abort();
	free(esc);
	if (ba_web_same_origin(&srv, text, 0) && strncmp(text, "http://", 7))
		abort();
	ba_web_same_origin(&srv, text, 1);
	if (!ba_web_same_origin(&srv, "http://127.0.0.1:8765", 0) || !ba_web_same_origin(&srv, "http://127.0.0.2:8765/x", 1) ||
	    ba_web_same_origin(&srv, "http://127.0.0.1:8765.evil.example", 0) ||
	    ba_web_same_origin(&srv, "http://127.0.0.1:8765/x", 0))
		abort();
	free(text);
	return 0;
}
