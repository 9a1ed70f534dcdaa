/* SPDX-License-Identifier: MIT */
/* export_callgrind.c - placeholder: callgrind is not in this build yet. */
#include "tool_internal.h"

int export_callgrind(FILE *out, const struct profile *p, struct coverage *cov)
{
	(void)out;
	(void)p;
	(void)cov;
	tool_error(NULL, "export: callgrind: not available in this build");
	return -2;
}
