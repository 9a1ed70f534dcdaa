/* SPDX-License-Identifier: MIT */
/* export_folded.c - placeholder: folded is not in this build yet. */
#include "tool_internal.h"

int export_folded(FILE *out, const struct profile *p, struct coverage *cov)
{
	(void)out;
	(void)p;
	(void)cov;
	tool_error(NULL, "export: folded: not available in this build");
	return -2;
}
