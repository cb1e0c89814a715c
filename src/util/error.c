/*
 * error.c - one-line error messages carried by the caller's ba_error.
 */
#include "benchagent/error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static void flatten(char *s)
{
	for (; *s; s++)
		if (*s == '\n' || *s == '\r')
			*s = ' ';
}

int ba_error_set(ba_error *err, int code, const char *fmt, ...)
{
	va_list ap;

	if (!err)
		return code;
	err->code = code;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	flatten(err->msg);
	return code;
}

int ba_error_prefix(ba_error *err, const char *fmt, ...)
{
	char pre[512], old[sizeof(err->msg)];
	va_list ap;

	if (!err)
		return BA_ERR;
	memcpy(old, err->msg, sizeof(old));
	va_start(ap, fmt);
	vsnprintf(pre, sizeof(pre), fmt, ap);
	va_end(ap);
	{
		size_t lp = strlen(pre), lo = strlen(old), cap = sizeof(err->msg) - 1;
		if (lp > cap)
			lp = cap;
		if (lo > cap - lp)
			lo = cap - lp;
		memcpy(err->msg, pre, lp);
		memcpy(err->msg + lp, old, lo);
		err->msg[lp + lo] = '\0';
	}
	flatten(err->msg);
	return err->code;
}

void ba_error_clear(ba_error *err)
{
	if (err) {
		err->code = 0;
		err->msg[0] = '\0';
	}
}

const char *ba_strerror(int code)
{
	switch (code) {
	case BA_OK: return "ok";
	case BA_ENOMEM: return "out of memory";
	case BA_EINVAL: return "invalid input";
	case BA_EIO: return "I/O error";
	case BA_ENOTFOUND: return "not found";
	case BA_EBUSY: return "busy";
	case BA_EBUDGET: return "budget exhausted";
	case BA_ESCHEMA: return "schema violation";
	case BA_EVERSION: return "version mismatch";
	case BA_ELIMIT: return "limit exceeded";
	case BA_EHTTP: return "HTTP failure";
	case BA_ECANCEL: return "cancelled";
	case BA_EUSAGE: return "usage error";
	case BA_EPENDING: return "waiting for a provider batch";
	default: return "failure";
	}
}
