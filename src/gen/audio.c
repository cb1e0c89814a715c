/*
 * audio.c - an audio generator's sound: the scene its item carries
 * (item.scene, checked by registry.c when the item is built) rendered to a
 * WAV by the audio module (ba_audio_scene_render: every English speech
 * segment recognised back before any degradation, the mix's SNR measured
 * from the WAV bytes), stored by SHA-256 in the media store like a
 * canvas's PNG. The media entry records what was checked (the same shape
 * the text_to_speech tool writes, docs/audio.md), and the scene is settled
 * to the voices and rates the recognition check chose, so a re-render
 * without recognition gives the same bytes.
 */
#include "gen_internal.h"
#include "benchagent/audio.h"
#include "benchagent/json.h"
#include "benchagent/sha256.h"

#include <stdlib.h>
#include <string.h>

/* The media entry of a rendered WAV (rel NULL: rendered in memory). */
static json_t *entry_of(const char *rel, const char *sha, size_t bytes, const json_t *report)
{
	json_t *segs = json_array(), *s;
	size_t i;

	json_array_foreach(json_object_get(report, "segments"), i, s)
		if (json_object_get(s, "say"))
			json_array_append(segs, s);
	return json_pack("{s:s, s:s?, s:s, s:s, s:I, s:O, s:{s:O, s:O, s:o}, s:O, s:O, s:O}", "type", "audio",
			 "path", rel, "sha256", sha, "mime", "audio/wav", "bytes", (json_int_t)bytes, "seconds",
			 json_object_get(report, "seconds"), "speech", "wer", json_object_get(report, "wer"),
			 "asr_possible", json_object_get(report, "asr_possible"), "segments", segs, "snr",
			 json_object_get(report, "snr"), "clipped_samples", json_object_get(report, "clipped_samples"),
			 "peak", json_object_get(report, "peak"));
}

int ba_gen_audio_render(json_t *item, ba_store *st, int asr, json_t **report_out, ba_error *err)
{
	ba_audio_verify_opts o = BA_AUDIO_VERIFY_OPTS_INIT;
	ba_buf wav = BA_BUF_INIT((size_t)BA_AUDIO_MAX_SECONDS * BA_AUDIO_RATE * 2 + 4096);
	json_t *scene = json_object_get(item, "scene"), *report = NULL, *media, *m;
	char sha[65], *rel = NULL;
	size_t i;
	int rc;

	if (report_out)
		*report_out = NULL;
	if (!json_is_object(scene) || !json_is_array(json_object_get(scene, "segments")))
		return ba_error_set(err, BA_EINVAL, "audio item: no audio scene to render");
	if (!json_object_get(scene, "seed")) {
		/* the noise's seed fixed before settling changes the scene */
		char hex[65];
		ba_json_hash(scene, hex);
		hex[12] = '\0';
		json_object_set_new(scene, "seed", json_integer((json_int_t)strtoll(hex, NULL, 16)));
	}
	o.asr = asr;
	if ((rc = ba_audio_scene_render(scene, &o, &wav, &report, err)) != 0) {
		ba_buf_free(&wav);
		return rc;
	}
	if (st)
		rc = ba_media_put(st, wav.ptr, wav.len, "wav", "audio/wav", sha, &rel, err);
	else
		ba_sha256_hex(wav.ptr, wav.len, sha);
	if (rc == 0) {
		if (asr)
			ba_audio_scene_settle(scene, report);
		if (!json_is_array(json_object_get(item, "media")))
			json_object_set_new(item, "media", json_array());
		media = json_object_get(item, "media");
		json_array_foreach(media, i, m)
			if (!strcmp(ba_json_str(m, "type", ""), "audio"))
				break;
		m = entry_of(rel, sha, wav.len, report);
		if (i < json_array_size(media))
			json_array_set_new(media, i, m);
		else
			json_array_append_new(media, m);
	}
	free(rel);
	ba_buf_free(&wav);
	if (rc == 0 && report_out)
		*report_out = report;
	else
		json_decref(report);
	return rc;
}

int gen_audio_item(const char *name, json_t **item, ba_store *st, ba_error *err)
{
	int rc = ba_gen_audio_render(*item, st, 1, NULL, err);

	if (rc != 0) {
		json_decref(*item);
		*item = NULL;
		ba_error_prefix(err, "generator %s: ", name);
	}
	return rc;
}

void ba_gen_audio_provenance(json_t *item)
{
	json_t *m, *step = json_array_get(ba_json_path(item, "provenance.steps"), 0);
	size_t i;

	json_array_foreach(json_object_get(item, "media"), i, m)
		if (step && !strcmp(ba_json_str(m, "type", ""), "audio") && json_object_get(m, "speech")) {
			json_object_set_new(step, "audio", json_pack("{s:O, s:O, s:O, s:O}", "wer",
								    ba_json_path(m, "speech.wer"), "asr_possible",
								    ba_json_path(m, "speech.asr_possible"), "snr",
								    json_object_get(m, "snr"), "seconds",
								    json_object_get(m, "seconds")));
			return;
		}
}
