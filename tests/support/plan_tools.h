/*
 * plan_tools.h - the executor's tools as the planner's own tests see them.
 * The planner keeps no tool list: in the binary the executor registers its
 * table (src/exec/tools.c). test_agent_* link the planner without the
 * executor, so they register this stand-in: the tools the mock grounding
 * agent names, offered by name, and no conversion (a test that wants one
 * passes it as extra). Include it in one test file only where used.
 */
#ifndef BA_TEST_PLAN_TOOLS_H
#define BA_TEST_PLAN_TOOLS_H

#include "benchagent/plan.h"

/* Register the stand-in tools plus n extra entries (extra may be NULL). */
static void bt_plan_tools(const ba_plan_tool_info *extra, size_t n)
{
	static const char *const names[] = { "context_construction", "question_rewrite", "dialogue_synthesis",
					     "reasoning_transform", "distractor_writing", "choice_shuffle",
					     "answer_normalize", "image_crop", "image_degrade", "metadata_question" };
	enum { NBASE = sizeof(names) / sizeof(names[0]) };
	ba_plan_tool_info all[NBASE + 8] = { { 0 } };
	size_t i;

	assert_true(n <= 8);
	for (i = 0; i < NBASE; i++) {
		all[i].name = names[i];
		all[i].planner = 1;
	}
	for (i = 0; i < n; i++)
		all[NBASE + i] = extra[i];
	ba_plan_register_tools(all, NBASE + n);
}

#endif
