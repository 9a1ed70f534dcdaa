/* SPDX-License-Identifier: MIT */
/* export_dot.c - placeholder: dot is not in this build yet. */
#include "tool_internal.h"

int export_dot(FILE *out, const struct profile *p, struct coverage *cov)
{
	(void)out;
	(void)p;
	(void)cov;
	tool_error(NULL, "export: dot: not available in this build");
	return -2;
}
