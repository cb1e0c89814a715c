/*
 * prices.c - the dated price table: USD per million input / output tokens
 * for the common OpenAI and Anthropic models, used when a provider in
 * benchagent.yaml sets no price_input / price_output of its own (a
 * provider's prices always win). Model names match by the longest prefix,
 * so dated snapshots ("gpt-4o-mini-2024-07-18", "claude-sonnet-4-20250514")
 * take their family's row. Prices are list prices for standard (not
 * batch, not cached-input) usage as published on openai.com/api/pricing
 * and anthropic.com/pricing; they change: check them, and override per
 * provider when they do. Checked on 2026-12-01 against the Anthropic
 * pricing page (docs.anthropic.com/en/docs/about-claude/pricing) and
 * dated third-party copies of OpenAI's pricing page (March-June 2026);
 * no newer OpenAI source was reachable from here.
 */
#include "benchagent/llm.h"

#include <string.h>

const char ba_price_table_date[] = "2026-12-01";

typedef struct {
	const char *model;  /* prefix of the model name */
	double in, out;     /* USD per 1M tokens */
} price_row;

static const price_row prices[] = {
	/* OpenAI */
	{ "gpt-5", 1.25, 10.00 },
	{ "gpt-5.1", 1.25, 10.00 },
	{ "gpt-5.4", 2.50, 15.00 },
	{ "gpt-5-pro", 15.00, 120.00 },
	{ "gpt-5-mini", 0.25, 2.00 },
	{ "gpt-5-nano", 0.05, 0.40 },
	{ "gpt-4.1", 2.00, 8.00 },
	{ "gpt-4.1-mini", 0.40, 1.60 },
	{ "gpt-4.1-nano", 0.10, 0.40 },
	{ "gpt-4o", 2.50, 10.00 },
	{ "gpt-4o-mini", 0.15, 0.60 },
	{ "gpt-4-turbo", 10.00, 30.00 },
	{ "gpt-4", 30.00, 60.00 },
	{ "gpt-3.5-turbo", 0.50, 1.50 },
	{ "o1", 15.00, 60.00 },
	{ "o1-mini", 1.10, 4.40 },
	{ "o3", 2.00, 8.00 },
	{ "o3-mini", 1.10, 4.40 },
	{ "o4-mini", 1.10, 4.40 },
	{ "text-embedding-3-small", 0.02, 0.0 },
	{ "text-embedding-3-large", 0.13, 0.0 },
	/* Anthropic */
	{ "claude-opus-4-6", 5.00, 25.00 },
	{ "claude-opus-4-5", 5.00, 25.00 },
	{ "claude-opus-4-1", 15.00, 75.00 },
	{ "claude-opus-4", 15.00, 75.00 },
	{ "claude-sonnet-4", 3.00, 15.00 },
	{ "claude-haiku-4-5", 1.00, 5.00 },
	{ "claude-3-7-sonnet", 3.00, 15.00 },
	{ "claude-3-5-sonnet", 3.00, 15.00 },
	{ "claude-3-5-haiku", 0.80, 4.00 },
	{ "claude-3-opus", 15.00, 75.00 },
	{ "claude-3-haiku", 0.25, 1.25 },
	{ NULL, 0, 0 },
};

/* A prefix match ends at the name's end or before '-', so "o1" prices
 * "o1-2024-12-17" but not "o10", and "gpt-4" not "gpt-4o". */
static int prefix_of(const char *prefix, const char *model)
{
	size_t n = strlen(prefix);
	return !strncmp(model, prefix, n) && (model[n] == '\0' || model[n] == '-');
}

int ba_llm_price_lookup(const char *model, double *in, double *out)
{
	const price_row *best = NULL;
	size_t i;

	if (!model)
		return BA_ENOTFOUND;
	for (i = 0; prices[i].model; i++)
		if (prefix_of(prices[i].model, model) && (!best || strlen(prices[i].model) > strlen(best->model)))
			best = &prices[i];
	if (!best)
		return BA_ENOTFOUND;
	*in = best->in;
	*out = best->out;
	return 0;
}

void ba_llm_price(const ba_provider_cfg *prov, const char *model, double *in, double *out)
{
	*in = prov ? prov->price_in : 0;
	*out = prov ? prov->price_out : 0;
	if (!prov || prov->price_set || prov->protocol == BA_PROTO_MOCK)
		return;
	if (ba_llm_price_lookup(model, in, out) != 0)
		*in = *out = 0;
}
