/*
 * protocols.h - the table of provider protocols: one X() line a protocol,
 *   X(ID, name, default base_url or NULL, 1 when it speaks HTTP)
 * From this line come the enum value BA_PROTO_<ID>, the name a provider's
 * `protocol:` accepts (src/config/protocols.c) and the gateway's entry
 * `ba_protocol_<name>` (src/llm/protocols.c), a ba_wire_protocol that the
 * protocol's own file defines (src/llm/openai.c, anthropic.c, mock.c).
 * A new protocol is that file plus its line here. BA_TEST_PROTOCOLS holds
 * the lines only the test build compiles in (tests/toys/).
 */
#ifndef BA_PROTOCOLS_H
#define BA_PROTOCOLS_H

#ifdef BA_TEST_TOYS
#define BA_TEST_PROTOCOLS X(TOY, toy, NULL, 1)
#else
#define BA_TEST_PROTOCOLS
#endif

#define BA_PROTOCOLS                                              \
	X(OPENAI, openai, NULL, 1)                                \
	X(ANTHROPIC, anthropic, "https://api.anthropic.com", 1)   \
	X(MOCK, mock, NULL, 0)                                    \
	BA_TEST_PROTOCOLS

#endif
