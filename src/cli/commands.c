/*
 * commands.c - the command table. One line per command.
 */
#include "cli.h"

#include <string.h>

extern const ba_command ba_cmd_init;
extern const ba_command ba_cmd_status;
extern const ba_command ba_cmd_plan;
extern const ba_command ba_cmd_build;
extern const ba_command ba_cmd_gen;
extern const ba_command ba_cmd_cards;
extern const ba_command ba_cmd_eval;
extern const ba_command ba_cmd_refresh;
extern const ba_command ba_cmd_audit;
extern const ba_command ba_cmd_review;
extern const ba_command ba_cmd_report;
extern const ba_command ba_cmd_export;
extern const ba_command ba_cmd_chat;
extern const ba_command ba_cmd_batch;
extern const ba_command ba_cmd_cost;
extern const ba_command ba_cmd_help;

/* In pipeline order, as `benchagent help` lists them. */
const ba_command *const ba_commands[] = {
	&ba_cmd_init,
	&ba_cmd_status,
	&ba_cmd_plan,
	&ba_cmd_build,
	&ba_cmd_gen,
	&ba_cmd_cards,
	&ba_cmd_eval,
	&ba_cmd_refresh,
	&ba_cmd_audit,
	&ba_cmd_review,
	&ba_cmd_report,
	&ba_cmd_export,
	&ba_cmd_chat,
	&ba_cmd_batch,
	&ba_cmd_cost,
	&ba_cmd_help,
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
