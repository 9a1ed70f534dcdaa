/* SPDX-License-Identifier: MIT */
/* cmd_report.c - placeholder: `vitprof report` is not in this build yet. */
#include "tool_internal.h"

int cmd_report(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	tool_error(NULL, "report: not available in this build");
	return TOOL_EXIT_ERROR;
}
