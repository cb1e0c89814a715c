/*
 * export_reference.c - the reference system's evaluation.json (its
 * tools/shared/export_results.py): a JSON list of {subtask_id, dataset_id,
 * idx, id, sample: {input: {question, context?, image_url?, audio_url?},
 * output: {answer}}}, indented by 2 as json.dump(indent=2) writes it.
 * Media are copied (media/..., relative to the export folder). Our richer
 * fields stay in items.jsonl.
 */
#include "export_internal.h"
#include "benchagent/alloc.h"
#include "benchagent/benchout.h"
#include "benchagent/json.h"

#include <stdlib.h>
#include <string.h>

static int run_reference(ba_export_ctx *ctx, ba_error *err)
{
	json_t *records = json_array(), *item, *m;
	size_t i, k;
	char *text = NULL;
	int rc = 0;

	json_array_foreach(ctx->items, i, item) {
		json_t *copy = json_deep_copy(item);
		json_array_foreach(json_object_get(copy, "media"), k, m) {
			char *rel = NULL;
			if ((rc = ba_export_copy_media(ctx, item, m, NULL, &rel, err)) != 0) {
				json_decref(copy);
				goto cleanup;
			}
			json_object_set_new(m, "path", json_string(rel));
			free(rel);
		}
		json_array_append_new(records, ba_benchout_reference_item(copy));
		json_decref(copy);
	}
	text = ba_json_dumps(records, JSON_INDENT(2));
	if (!text) {
		rc = ba_error_set(err, BA_ENOMEM, "evaluation.json: cannot encode");
		goto cleanup;
	}
	rc = ba_export_put(ctx, "evaluation.json", text, strlen(text), err);
cleanup:
	free(text);
	json_decref(records);
	return rc;
}

const ba_exporter ba_export_reference = {
	.name = "reference",
	.summary = "the reference system's evaluation.json ({subtask_id, dataset_id, idx, id, sample})",
	.run = run_reference,
};
