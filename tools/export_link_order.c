/* SPDX-License-Identifier: MIT */
/* export_link_order.c - placeholder until the link-order export lands. */
#include "tool_internal.h"

int export_link_order(FILE *out, const struct profile *p, struct coverage *cov)
{
	(void)out;
	(void)p;
	(void)cov;
	tool_error(NULL, "export: link-order: not available in this build");
	return -1;
}
