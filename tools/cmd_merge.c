/* SPDX-License-Identifier: MIT */
/* cmd_merge.c - `vitprof merge`: placeholder until merging lands. */
#include "tool_internal.h"

int cmd_merge(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	tool_error(NULL, "merge: not available in this build");
	return TOOL_EXIT_ERROR;
}
