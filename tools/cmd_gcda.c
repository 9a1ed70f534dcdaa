/* SPDX-License-Identifier: MIT */
/* cmd_gcda.c - `vitprof gcda`: placeholder until the .gcda writer lands. */
#include "tool_internal.h"

int cmd_gcda(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	tool_error(NULL, "gcda: not available in this build");
	return TOOL_EXIT_ERROR;
}
