/* SPDX-License-Identifier: MIT */
/*
 * load.c - what a command reads, a raw profile or a .vitprof document, as
 * the model it works on: a symbolized profile (load_profile(): show,
 * report, export, flamegraph) or a document (load_document(): merge,
 * overlap).
 *
 * A raw profile's program is checked before anything is read from it,
 * also when no address needs it (an arcs-only run), as gcda does. A raw
 * profile becomes a document directly (document_from_profile()), as
 * `vitprof export` would write it, checked for what a reader of that
 * document accepts.
 *
 * Bad input returns -1 after its one line; allocation failure exits
 * (tool_oom()).
 */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>

#include "tool_internal.h"

/* A raw profile's symbolized profile (profile_build() with the real
 * symbolizer). Returns 0 or -1 after reporting. */
static int load_raw_profile(const char *path, struct raw_profile *raw, struct profile *prof)
{
	if (raw_profile_read(path, raw) != 0 || profile_check_program(raw) != 0 ||
	    trace_aggregate(raw) != 0)
		return -1;
	return profile_build(prof, raw, NULL);
}

int load_profile(const char *path, unsigned needs, struct raw_profile *raw,
                 struct profile *prof)
{
	struct vpdoc d;

	memset(prof, 0, sizeof *prof);
	memset(raw, 0, sizeof *raw);
	if (!vitprof_read_is_document(path))
		return load_raw_profile(path, raw, prof);
	if (needs & LOAD_NEEDS_CONTEXTS) {
		tool_error(path, "a .vitprof document keeps no calling contexts: flame graphs and"
		           " folded stacks need the raw profile of a context-mode run");
		return -1;
	}
	if (needs & LOAD_NEEDS_ARCS) {
		tool_error(path, "a .vitprof document keeps solved lines, branches and loops, not"
		           " the arc counters this reads: give the raw profile");
		return -1;
	}
	if (vitprof_read(path, &d) != 0) {
		document_free(&d);
		return -1;
	}
	doc_profile_build(prof, raw, &d, path);
	return 0;
}

/* A raw profile's document, symbolized and solved. Returns 0 or -1 after
 * reporting. */
static int load_raw_document(const char *path, const char *gcno_dir, struct vpdoc *d)
{
	struct raw_profile raw;
	struct profile prof;
	struct coverage cov;
	char why[512];
	int rc = -1;

	memset(&cov, 0, sizeof cov);
	memset(&prof, 0, sizeof prof);
	memset(&raw, 0, sizeof raw);
	memset(d, 0, sizeof *d);
	if (load_raw_profile(path, &raw, &prof) == 0 && coverage_build(&cov, &raw, gcno_dir) == 0) {
		if (document_from_profile(d, &prof, &cov, path) != 0)
			tool_error(path, "cannot build its document");
		else if (document_check(d, why, sizeof why) != 0)
			tool_error(path, "its .vitprof document cannot be read back: %s", why);
		else
			rc = 0;
	}
	coverage_free(&cov);
	profile_free(&prof);
	raw_profile_free(&raw);
	return rc;
}

int load_document(const char *path, const char *gcno_dir, struct vpdoc *d)
{
	if (raw_profile_is_raw(path))
		return load_raw_document(path, gcno_dir, d);
	return vitprof_read(path, d);
}
