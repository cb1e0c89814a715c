/*
 * rounds.c - a stage's provider batch round (--batch-api): the units that
 * stopped at a call not answered yet (BA_EPENDING) wait while every such
 * call goes out as one batch per provider (ba_gateway_batch_round); the
 * pool (run.c) or the queue (queue.c) then runs those units again and they
 * go on from their stored state.
 */
#include "exec_internal.h"

int ba_exec_batch_round(ba_exec_ctx *x, const char *stage, size_t waiting, ba_error *err)
{
	long sent;

	BA_INFO("%s: %zu unit(s) wait for a provider batch", stage, waiting);
	sent = ba_gateway_batch_round(x->gw);
	if (sent < 0)
		return ba_error_set(err, BA_ECANCEL, "%s: the gateway stopped during a batch round", stage);
	if (sent == 0)
		return ba_error_set(err, BA_ERR, "%s: %zu unit(s) wait for a batch call that was never queued", stage,
				    waiting);
	pthread_mutex_lock(&x->mu);
	x->batch_rounds++;
	pthread_mutex_unlock(&x->mu);
	return 0;
}
