/*
 * sse.c - what the two streaming protocols (openai.c, anthropic.c) share:
 * reading a server-sent-events body event by event, and handing the text
 * and tool calls gathered from its events to the reply.
 */
#include "internal.h"
#include "benchagent/alloc.h"

#include <string.h>

int ba_sse_each(const char *body, size_t len, ba_sse_fn fn, void *ud, int *done, ba_error *err)
{
	const char *p = body, *end = body + len;
	ba_buf ev = BA_BUF_INIT(64 << 20);
	int rc = 0;

	*done = 0;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl ? nl : end;
		size_t n = (size_t)(le - p);
		if (n && p[n - 1] == '\r')
			n--;
		if (n == 0) {
			/* blank line: dispatch the event */
			if (ev.len) {
				if (ev.len == 6 && !memcmp(ev.ptr, "[DONE]", 6))
					*done = 1;
				else if ((rc = fn(ud, ev.ptr, ev.len, err)) != 0)
					break;
				ba_buf_reset(&ev);
			}
		} else if (n >= 5 && !memcmp(p, "data:", 5)) {
			const char *d = p + 5;
			size_t dn = n - 5;
			if (dn && *d == ' ')
				d++, dn--;
			if (ev.len)
				ba_buf_append(&ev, "\n", 1);
			if (ba_buf_append(&ev, d, dn) != 0) {
				rc = ba_error_set(err, BA_ELIMIT, "stream event too large");
				break;
			}
		}
		/* other fields (event:, id:, retry:, comments) carry nothing we need */
		p = nl ? nl + 1 : end;
	}
	if (!rc && ev.len) {
		if (ev.len == 6 && !memcmp(ev.ptr, "[DONE]", 6))
			*done = 1;
		else
			rc = fn(ud, ev.ptr, ev.len, err);
	}
	ba_buf_free(&ev);
	return rc;
}

int ba_sse_reply_end(ba_buf *text, json_t **tools, ba_wire_reply *out, int rc)
{
	if (!rc) {
		out->content = ba_buf_detach(text);
		if (json_array_size(*tools)) {
			out->tool_calls = *tools;
			*tools = NULL;
		}
	}
	ba_buf_free(text);
	json_decref(*tools);
	*tools = NULL;
	if (rc)
		ba_wire_reply_clear(out);
	return rc;
}
