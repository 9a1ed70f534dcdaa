/* SPDX-License-Identifier: MIT */
/* export_table.c - placeholder: csv and prometheus are not in this build yet. */
#include "tool_internal.h"

int export_csv(FILE *out, const struct profile *p, struct coverage *cov)
{
	(void)out;
	(void)p;
	(void)cov;
	tool_error(NULL, "export: csv: not available in this build");
	return -2;
}

int export_prometheus(FILE *out, const struct profile *p, struct coverage *cov)
{
	(void)out;
	(void)p;
	(void)cov;
	tool_error(NULL, "export: prometheus: not available in this build");
	return -2;
}
