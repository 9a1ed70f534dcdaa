/* SPDX-License-Identifier: MIT */
/* cmd_flamegraph.c - placeholder: `vitprof flamegraph` is not in this build yet. */
#include "tool_internal.h"

int cmd_flamegraph(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	tool_error(NULL, "flamegraph: not available in this build");
	return TOOL_EXIT_ERROR;
}
