/*
 * test_llm_protocol.c - the exact wire shapes: OpenAI chat-completions and
 * Anthropic Messages request bodies built from one gateway request (every
 * parameter, images, tools, tool results), and the reply parsers on
 * well-formed and broken replies (n > 1, tool calls, streams cut short).
 */
#include "support.h"
#include "../../src/llm/internal.h"
#include "benchagent/json.h"

#include <stdlib.h>
#include <string.h>

static json_t *J(const char *s)
{
	json_error_t e;
	json_t *j = json_loads(s, JSON_DECODE_ANY, &e);
	if (!j)
		fail_msg("bad test JSON: %s: %s", e.text, s);
	return j;
}

static void setup_job(ba_job *j, ba_provider_cfg *prov)
{
	memset(j, 0, sizeof(*j));
	memset(prov, 0, sizeof(*prov));
	prov->name = "p";
	j->prov = prov;
	j->model = "m1";
	j->req = (ba_llm_request)BA_LLM_REQUEST_INIT;
}

static void test_openai_body(void **state)
{
	ba_job j;
	ba_provider_cfg prov;
	json_t *msgs = J("[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"what is this?\"},"
			 "{\"type\":\"image_url\",\"image_url\":{\"url\":\"data:image/png;base64,AAAA\"}}]}]");
	json_t *tools = J("[{\"type\":\"function\",\"function\":{\"name\":\"lookup\",\"description\":\"d\","
			  "\"parameters\":{\"type\":\"object\"}}}]");
	json_t *schema = J("{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"string\"}}}");
	json_t *stop = J("[\"END\"]");
	json_t *b;
	char *s;

	(void)state;
	setup_job(&j, &prov);
	j.messages = msgs;
	j.req.system = "be brief";
	j.req.temperature = 0.5;
	j.req.top_p = 0.9;
	j.req.max_tokens = 64;
	j.req.seed = 11;
	j.req.n = 3;
	j.req.stop = stop;
	j.req.schema = schema;
	j.req.schema_name = "thing";
	j.req.tools = tools;
	j.req.tool_choice = "lookup";
	s = ba_openai_chat_body(&j, 1);
	b = J(s);
	free(s);
	assert_string_equal(ba_json_str(b, "model", ""), "m1");
	assert_string_equal(ba_json_str(ba_json_path(b, "messages.0"), "role", ""), "system");
	assert_string_equal(ba_json_str(ba_json_path(b, "messages.0"), "content", ""), "be brief");
	assert_string_equal(ba_json_str(ba_json_path(b, "messages.1.content.1.image_url"), "url", ""),
			    "data:image/png;base64,AAAA");
	assert_true(ba_json_num(b, "temperature", 0) == 0.5);
	assert_true(ba_json_num(b, "top_p", 0) == 0.9);
	assert_int_equal(ba_json_int(b, "max_tokens", 0), 64);
	assert_int_equal(ba_json_int(b, "seed", 0), 11);
	assert_int_equal(ba_json_int(b, "n", 0), 3);
	assert_true(json_equal(json_object_get(b, "stop"), stop));
	assert_string_equal(ba_json_str(json_object_get(b, "response_format"), "type", ""), "json_schema");
	assert_string_equal(ba_json_str(ba_json_path(b, "response_format.json_schema"), "name", ""), "thing");
	assert_true(json_equal(ba_json_path(b, "response_format.json_schema.schema"), schema));
	assert_true(json_equal(json_object_get(b, "tools"), tools));
	assert_string_equal(ba_json_str(json_object_get(b, "tool_choice"), "type", ""), "function");
	assert_string_equal(ba_json_str(ba_json_path(b, "tool_choice.function"), "name", ""), "lookup");
	assert_true(json_is_true(json_object_get(b, "stream")));
	assert_true(json_is_true(ba_json_path(b, "stream_options.include_usage")));
	json_decref(b);
	/* unset parameters are left out; json_mode gives json_object */
	setup_job(&j, &prov);
	j.messages = msgs;
	j.req.json_mode = 1;
	j.req.tools = tools;
	j.req.tool_choice = "required";
	s = ba_openai_chat_body(&j, 0);
	b = J(s);
	free(s);
	assert_null(json_object_get(b, "temperature"));
	assert_null(json_object_get(b, "top_p"));
	assert_null(json_object_get(b, "max_tokens"));
	assert_null(json_object_get(b, "seed"));
	assert_null(json_object_get(b, "n"));
	assert_null(json_object_get(b, "stream"));
	assert_string_equal(ba_json_str(json_object_get(b, "response_format"), "type", ""), "json_object");
	assert_string_equal(ba_json_str(b, "tool_choice", ""), "required");
	json_decref(b);
	json_decref(msgs);
	json_decref(tools);
	json_decref(schema);
	json_decref(stop);
}

static void test_anthropic_body(void **state)
{
	ba_job j;
	ba_provider_cfg prov;
	json_t *msgs = J("[{\"role\":\"system\",\"content\":\"extra rules\"},"
			 "{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"look\"},"
			 "{\"type\":\"image_url\",\"image_url\":{\"url\":\"data:image/jpeg;base64,QUJD\"}}]},"
			 "{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[{\"id\":\"call_1\",\"type\":\"function\","
			 "\"function\":{\"name\":\"lookup\",\"arguments\":\"{\\\"q\\\":\\\"x\\\"}\"}}]},"
			 "{\"role\":\"tool\",\"tool_call_id\":\"call_1\",\"content\":\"found it\"}]");
	json_t *tools = J("[{\"type\":\"function\",\"function\":{\"name\":\"lookup\",\"description\":\"find\","
			  "\"parameters\":{\"type\":\"object\",\"properties\":{\"q\":{\"type\":\"string\"}}}}}]");
	json_t *b, *blk;
	char *s;

	(void)state;
	setup_job(&j, &prov);
	prov.protocol = BA_PROTO_ANTHROPIC;
	j.messages = msgs;
	j.req.system = "be brief";
	j.req.tools = tools;
	j.req.tool_choice = "required";
	j.req.temperature = 0.3;
	j.req.stop = J("\"STOP\"");
	s = ba_anthropic_body(&j, 0);
	b = J(s);
	free(s);
	json_decref((json_t *)j.req.stop);
	assert_string_equal(ba_json_str(b, "model", ""), "m1");
	assert_int_equal(ba_json_int(b, "max_tokens", 0), 4096); /* required by the protocol */
	assert_string_equal(ba_json_str(b, "system", ""), "be brief\n\nextra rules");
	assert_int_equal(json_array_size(json_object_get(b, "messages")), 3);
	blk = ba_json_path(b, "messages.0.content.1");
	assert_string_equal(ba_json_str(blk, "type", ""), "image");
	assert_string_equal(ba_json_str(json_object_get(blk, "source"), "type", ""), "base64");
	assert_string_equal(ba_json_str(json_object_get(blk, "source"), "media_type", ""), "image/jpeg");
	assert_string_equal(ba_json_str(json_object_get(blk, "source"), "data", ""), "QUJD");
	blk = ba_json_path(b, "messages.1.content.0");
	assert_string_equal(ba_json_str(blk, "type", ""), "tool_use");
	assert_string_equal(ba_json_str(blk, "name", ""), "lookup");
	assert_string_equal(ba_json_str(json_object_get(blk, "input"), "q", ""), "x");
	blk = ba_json_path(b, "messages.2.content.0");
	assert_string_equal(ba_json_str(ba_json_path(b, "messages.2"), "role", ""), "user");
	assert_string_equal(ba_json_str(blk, "type", ""), "tool_result");
	assert_string_equal(ba_json_str(blk, "tool_use_id", ""), "call_1");
	assert_string_equal(ba_json_str(ba_json_path(b, "tools.0"), "name", ""), "lookup");
	assert_non_null(ba_json_path(b, "tools.0.input_schema.properties.q"));
	assert_string_equal(ba_json_str(json_object_get(b, "tool_choice"), "type", ""), "any");
	assert_string_equal(json_string_value(ba_json_path(b, "stop_sequences.0")), "STOP");
	json_decref(b);
	json_decref(msgs);
	json_decref(tools);
}

/* Audio: the OpenAI body carries the input_audio part as given; the
 * canonical request (the cache key's text) names the audio by the SHA-256
 * of its decoded bytes (checked against sha256sum of "RIFF") instead of the
 * base64, so other bytes are another key; which protocols take audio. */
static void test_audio_parts(void **state)
{
	ba_job j;
	ba_provider_cfg prov;
	json_t *msgs = J("[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"listen\"},"
			 "{\"type\":\"input_audio\",\"input_audio\":{\"data\":\"UklGRg==\",\"format\":\"wav\"}}]}]");
	json_t *other = J("[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"listen\"},"
			  "{\"type\":\"input_audio\",\"input_audio\":{\"data\":\"UklGWA==\",\"format\":\"wav\"}}]}]");
	json_t *body, *ia, *c1, *c2;
	char *s, *k1, *k2;

	(void)state;
	setup_job(&j, &prov);
	j.messages = msgs;
	s = ba_openai_chat_body(&j, 0);
	body = json_loads(s, 0, NULL);
	free(s);
	ia = json_object_get(json_array_get(json_object_get(json_array_get(json_object_get(body, "messages"), 0),
							    "content"), 1), "input_audio");
	assert_string_equal(ba_json_str(ia, "data", ""), "UklGRg==");
	assert_string_equal(ba_json_str(ia, "format", ""), "wav");
	json_decref(body);

	j.req.messages = msgs;
	c1 = ba_request_canonical(&j.req, "m1", JOB_CHAT, NULL);
	j.req.messages = other;
	c2 = ba_request_canonical(&j.req, "m1", JOB_CHAT, NULL);
	k1 = ba_json_canonical(c1);
	k2 = ba_json_canonical(c2);
	assert_non_null(strstr(k1, "\"sha256\":\"a40ff3d5900fb7698b8c865041347cb49eccedc8f93945f89629ad104aaecce4\""));
	assert_non_null(strstr(k1, "\"bytes\":4"));
	assert_null(strstr(k1, "UklGRg"));
	assert_non_null(strstr(k2, "\"sha256\":\"7f28d97564bbd8e24fb784e9bf7ebd97b6f0ae1611c002d97f327c9b26b6d78c\""));
	assert_string_not_equal(k1, k2);
	/* the caller's messages keep their data */
	assert_string_equal(ba_json_str(json_object_get(json_array_get(json_object_get(json_array_get(msgs, 0), "content"), 1),
							"input_audio"), "data", ""), "UklGRg==");
	free(k1);
	free(k2);
	json_decref(c1);
	json_decref(c2);

	assert_int_equal(ba_llm_media_needed(msgs), BA_MEDIA_AUDIO);
	prov.protocol = BA_PROTO_OPENAI;
	assert_true(ba_llm_media_accepted(&prov) & BA_MEDIA_AUDIO);
	prov.protocol = BA_PROTO_ANTHROPIC;
	assert_false(ba_llm_media_accepted(&prov) & BA_MEDIA_AUDIO);
	assert_true(ba_llm_media_accepted(&prov) & BA_MEDIA_IMAGE);
	assert_int_equal(ba_llm_media_bit("audio"), BA_MEDIA_AUDIO);
	assert_int_equal(ba_llm_media_bit("video"), 0);
	json_decref(msgs);
	json_decref(other);
}

static void test_parsers(void **state)
{
	ba_wire_reply w;
	ba_error err = BA_ERROR_INIT;
	const char *n2 = "{\"choices\":[{\"index\":0,\"message\":{\"content\":\"a\"},\"finish_reason\":\"stop\"},"
			 "{\"index\":1,\"message\":{\"content\":\"b\"},\"finish_reason\":\"stop\"}],"
			 "\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":2}}";
	const char *cut = "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"par\"}}]}\n\n";
	const char *an = "{\"type\":\"message\",\"content\":[{\"type\":\"text\",\"text\":\"hi \"},{\"type\":\"text\",\"text\":\"there\"}],"
			 "\"stop_reason\":\"max_tokens\",\"usage\":{\"input_tokens\":7,\"output_tokens\":8}}";
	char *m;

	(void)state;
	assert_int_equal(ba_openai_parse_chat(n2, strlen(n2), &w, &err), 0);
	assert_string_equal(w.content, "a");
	assert_int_equal(json_array_size(w.choices), 2);
	assert_string_equal(json_string_value(json_array_get(w.choices, 1)), "b");
	assert_int_equal(w.prompt_tokens, 5);
	assert_int_equal(w.completion_tokens, 2);
	ba_wire_reply_clear(&w);
	assert_int_equal(ba_openai_parse_sse(cut, strlen(cut), &w, &err), BA_EINVAL);
	assert_non_null(strstr(err.msg, "truncated"));
	assert_int_equal(ba_openai_parse_chat("{\"choices\":[]}", 14, &w, &err), BA_EINVAL);
	assert_non_null(strstr(err.msg, "no choices"));
	assert_int_equal(ba_openai_parse_chat("[1]", 3, &w, &err), BA_EINVAL);
	assert_int_equal(ba_anthropic_parse(an, strlen(an), &w, &err), 0);
	assert_string_equal(w.content, "hi there");
	assert_string_equal(w.finish_reason, "length");
	assert_int_equal(w.prompt_tokens, 7);
	ba_wire_reply_clear(&w);
	{
		const char *e1 = "{\"error\":{\"message\":\"quota\",\"type\":\"x\"}}";
		m = ba_wire_error_message(e1, strlen(e1));
	}
	assert_string_equal(m, "quota");
	free(m);
	{
		const char *e2 = "{\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}";
		m = ba_wire_error_message(e2, strlen(e2));
	}
	assert_string_equal(m, "Overloaded");
	free(m);
	assert_null(ba_wire_error_message("<html>", 6));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_openai_body),
		cmocka_unit_test(test_anthropic_body),
		cmocka_unit_test(test_audio_parts),
		cmocka_unit_test(test_parsers),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
