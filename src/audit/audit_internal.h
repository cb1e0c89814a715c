/*
 * audit_internal.h - shared between the audit module's files only.
 */
#ifndef BA_AUDIT_INTERNAL_H
#define BA_AUDIT_INTERNAL_H

#include "benchagent/audit.h"
#include "benchagent/config.h"

#include <pthread.h>

enum { AJ_TODO = 0, AJ_SENT, AJ_DONE, AJ_SAVED };

/* What the benchmark folder says about itself: the request (plan.json's
 * query), its subtasks and the models that wrote the items. */
typedef struct audit_ctx {
	char *request;        /* owned; NULL when no plan/manifest records it */
	json_t *subtasks;     /* {id: subtask object} */
	json_t *writers;      /* ["provider/model", ...] */
} audit_ctx;

typedef struct audit_job {
	struct audit_runner *owner;
	size_t judge, item;
	int state;
	int reused;
	int mock;
	int budget;
	int order[BA_AUDIT_NCRIT];
	char rhash[65];
	json_t *scores;       /* the validated reply, or NULL */
	char *error;          /* one line, or NULL */
} audit_job;

typedef struct audit_runner {
	ba_gateway *gw;
	ba_store *st;
	const ba_audit_opts *o;
	const audit_ctx *ctx;
	json_t *items;
	const char *const *specs;
	ba_model_ref *refs;
	char *bench_key;
	json_t *schema;
	audit_job *jobs;
	size_t njobs;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	size_t inflight;
	long submitted, reused, failed;
	size_t not_asked;
	int budget_stop;
} audit_runner;

/* Run every job (see judge.c). */
int ba_audit_judge_all(audit_runner *r, ba_error *err);
int ba_audit_any_done(audit_runner *r);

/* Load the folder's context (never fails: missing parts stay empty). */
void ba_audit_ctx_load(audit_ctx *c, const char *dir, const json_t *items);
void ba_audit_ctx_clear(audit_ctx *c);
/* The subtask object for id (borrowed) or NULL. */
json_t *ba_audit_subtask(const audit_ctx *c, const char *id);

/* Agreement with human reviews (humans.c): NULL-valued json when no item
 * has both a judgement and a human majority. New reference. */
json_t *ba_audit_humans(const json_t *items, const double *minscore, const json_t *humans, double thr);

#endif
