/*
 * commands.c - the command table. A new command is its file cmd_<name>.c
 * plus its X(name) in the one line below.
 */
#include "cli.h"

#include <string.h>

/* In pipeline order, as `benchagent help` lists them: one X(name) a
 * command, naming the `const ba_command ba_cmd_<name>` of cmd_<name>.c. */
#define BA_COMMANDS X(init) X(status) X(plan) X(build) X(gen) X(cards) X(eval) X(refresh) X(audit) X(review) \
	X(report) X(export) X(chat) X(batch) X(cost) X(help)

#define X(name) extern const ba_command ba_cmd_##name;
BA_COMMANDS
#undef X

const ba_command *const ba_commands[] = {
#define X(name) &ba_cmd_##name,
	BA_COMMANDS
#undef X
	NULL
};

const ba_command *ba_command_find(const char *name)
{
	int i;

	for (i = 0; ba_commands[i]; i++)
		if (!strcmp(ba_commands[i]->name, name))
			return ba_commands[i];
	return NULL;
}
