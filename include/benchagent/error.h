/*
 * error.h - error codes and the one-line error carrier.
 *
 * Every fallible function returns 0 or a negative BA_E* code and, when the
 * caller passes a ba_error, fills it with a one-line message that names the
 * file/line/field at fault. There is no global "last error".
 */
#ifndef BA_ERROR_H
#define BA_ERROR_H

#include <stddef.h>

enum {
	BA_OK = 0,
	BA_ERR = -1,       /* generic failure */
	BA_ENOMEM = -2,
	BA_EINVAL = -3,    /* bad input: config, query, card, reply ... */
	BA_EIO = -4,       /* file system / database I/O */
	BA_ENOTFOUND = -5,
	BA_EBUSY = -6,     /* database locked, resource busy */
	BA_EBUDGET = -7,   /* budget cap reached: resumable stop */
	BA_ESCHEMA = -8,   /* JSON schema validation failed */
	BA_EVERSION = -9,  /* database from a newer schema, etc. */
	BA_ELIMIT = -10,   /* size / instruction / memory cap hit */
	BA_EHTTP = -11,    /* transport or non-retryable HTTP failure */
	BA_ECANCEL = -12,  /* interrupted */
	BA_EUSAGE = -13,   /* command-line usage error (exit code 2) */
	BA_EPENDING = -14  /* queued for the next provider batch round: call again after
			    * ba_gateway_batch_round() (src/llm/gateway.c) */
};

typedef struct ba_error {
	int code;
	char msg[1024];
} ba_error;

#define BA_ERROR_INIT { 0, { 0 } }

/* Record code and a printf-style one-line message in err (which may be
 * NULL). Newlines in the message are replaced by spaces. Returns code so
 * callers can write `return ba_error_set(err, BA_EINVAL, "...")`. */
int ba_error_set(ba_error *err, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Prefix an existing message with context ("file.yaml: " + old). */
int ba_error_prefix(ba_error *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

void ba_error_clear(ba_error *err);

/* Short name of a code, e.g. "invalid input". */
const char *ba_strerror(int code);

#endif
