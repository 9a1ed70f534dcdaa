/* SPDX-License-Identifier: MIT */
/* cmd_overlap.c - `vitprof overlap`: placeholder until overlap lands. */
#include "tool_internal.h"

int cmd_overlap(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	tool_error(NULL, "overlap: not available in this build");
	return TOOL_EXIT_ERROR;
}
