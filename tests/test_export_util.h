/* SPDX-License-Identifier: MIT */
/*
 * test_export_util.h - what the unit tests of the export writers share:
 * running a writer into memory, and functions of a hand-built profile.
 */
#ifndef TEST_EXPORT_UTIL_H
#define TEST_EXPORT_UTIL_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <stdio.h>
#include <string.h>

#include <CUnit/CUnit.h>

#include "coverage/coverage.h"
#include "model/profile.h"

typedef int (*export_fn)(FILE *, const struct profile *, struct coverage *);

/* Runs fn into a memory buffer; *rc gets its result. Caller frees. Not
 * inlined: GCC 12 then mistakes open_memstream's buffer for a dangling
 * local (-Wdangling-pointer). */
static __attribute__((noinline, unused)) char *run_export(export_fn fn, const struct profile *p, struct coverage *cov,
                                                          int *rc)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	*rc = fn(f, p, cov);
	fclose(f);
	return buf;
}

/* A function of module 0, instrumented when it was called. */
static inline struct prof_function fn(uint32_t id, const char *name, const char *file,
                                      unsigned line, uint64_t address, uint64_t calls)
{
	struct prof_function f;

	memset(&f, 0, sizeof f);
	f.id = id;
	f.module = 0;
	f.address = address;
	f.name = f.linkage_name = name;
	f.file = file;
	f.line = line;
	f.instrumented = calls != 0;
	f.calls = calls;
	return f;
}

#endif
