/*
 * testserver.h - what ba-testserver's files share: the reply being built,
 * the chat/messages handler (so batch lines are answered by the same rules
 * as direct requests) and the provider batch APIs (batch.c).
 */
#ifndef BA_TESTSERVER_H
#define BA_TESTSERVER_H

#include <jansson.h>
#include <microhttpd.h>
#include <stddef.h>

typedef struct {
	int status;
	char *body;                /* malloc'd; freed by the server */
	size_t len;
	const char *ctype;
	long retry_after;
	int drop;
} out_reply;

/* testserver.c: answer one chat/messages/embeddings request by the rules. */
void ts_handle(struct MHD_Connection *conn, const char *path, const char *raw, size_t rawlen, out_reply *o);
void ts_error_reply(out_reply *o, int status, const char *msg);
char *ts_dump_free(json_t *j);

/* media.c: check the media parts of a chat (anthropic: Messages) request;
 * 0 with *audio the records [{sha256, bytes, format}] of its audio parts
 * (new ref), or -1 with msg saying what is malformed (a 400). */
int ts_media_check(const json_t *req, int anthropic, json_t **audio, char *msg, size_t mlen);

/* batch.c: OpenAI Files + Batches and Anthropic Message Batches. */
void ts_batch_init(const json_t *cfg);           /* RULES.json "batch" (may be NULL) */
int ts_batch_claims(const char *method, const char *url);
void ts_batch_route(struct MHD_Connection *conn, const char *method, const char *url, const char *raw,
		    size_t len, out_reply *o);
json_t *ts_batch_stats(void);                    /* new ref: [{id, protocol, requests}] */

#endif
