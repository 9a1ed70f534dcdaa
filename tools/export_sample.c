/* SPDX-License-Identifier: MIT */
/* export_sample.c - placeholder until the sample-profile export lands. */
#include "tool_internal.h"

int export_sample_profile(FILE *out, const struct profile *p, struct coverage *cov)
{
	(void)out;
	(void)p;
	(void)cov;
	tool_error(NULL, "export: sample-profile: not available in this build");
	return -1;
}
