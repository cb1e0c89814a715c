/*
 * export_toy.c - a toy export format, compiled in only by the test build
 * (its line: BA_TEST_EXPORTERS in src/report/exporters.c): items.toy, one
 * "id<TAB>answer" line an item.
 */
#include "export_internal.h"
#include "benchagent/json.h"

#include <stdio.h>

static int run_toy(ba_export_ctx *ctx, ba_error *err)
{
	ba_buf b = BA_BUF_INIT(1u << 26);
	json_t *item, *a;
	size_t i;
	int rc;

	json_array_foreach(ctx->items, i, item) {
		a = json_object_get(item, "answer");
		ba_buf_printf(&b, "%s\t%s\n", ba_json_str(item, "id", "?"), json_is_string(a) ? json_string_value(a) : "?");
	}
	rc = ba_export_put_buf(ctx, "items.toy", &b, err);
	ba_buf_free(&b);
	return rc;
}

const ba_exporter ba_export_toy = {
	.name = "toy",
	.summary = "items.toy: one id<TAB>answer line an item (test build only)",
	.run = run_toy,
};
