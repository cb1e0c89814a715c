/*
 * verify_internal.h - what the verify module's files share (nothing of it
 * is public API; the public view is include/benchagent/verify.h).
 */
#ifndef BA_VERIFY_INTERNAL_H
#define BA_VERIFY_INTERNAL_H

#define BA_LOG_MODULE "verify"
#include "benchagent/log.h"
#include "benchagent/verify.h"

#endif
