/* SPDX-License-Identifier: MIT */
/*
 * model/value_sites.h - value profiles by function and site
 * (value_sites.c): the value counters of a coverage's objects as the
 * .vitprof document and `vitprof show --values` present them.
 */
#ifndef VITPROF_VALUE_SITES_H
#define VITPROF_VALUE_SITES_H

#include <stddef.h>
#include <stdint.h>

#include "base/json_write.h"
#include "coverage/coverage.h"

/* ---- value_sites.c: value profiles by function and site (show-values) -----
 *
 * The value counters of -fprofile-generate code (kinds 1 to 6) as the
 * .vitprof document and `vitprof show --values` present them: one site per
 * (function, kind, site index). GCC numbers a function's sites of one kind
 * in the order it instruments them; neither the .gcno nor DWARF says which
 * source line a site is on, so a site is keyed by its function (assembler
 * name, file and line of the definition, as the .gcno gives them) and its
 * index (docs/vitprof-format.md, "value_sites").
 */

/* One entry of a topn or indirect_call list. */
struct vpdoc_value {
	int64_t value;              /* topn: the value; indirect_call: the
	                               callee's profile id (0 .. 2^32-1) */
	uint64_t count;
	char *function, *file;      /* indirect_call: the callee, NULL unknown */
	uint64_t line;
};

struct vpdoc_value_site {
	char *function, *file;      /* the function holding the site (file NULL:
	                               unknown) */
	uint64_t line;              /* its first line */
	char *site_file;            /* the site's own line, from the training
	                               object's line table (site_file NULL:
	                               unknown) */
	uint64_t site_line;
	unsigned kind;              /* GCOV_KIND_INTERVAL .. GCOV_KIND_IOR */
	uint64_t site;              /* index among its function's sites of kind */
	/* topn kinds */
	uint64_t total;             /* executions of the site */
	int dropped;                /* a merge dropped or replaced values */
	struct vpdoc_value *values; /* by count, descending, then value */
	size_t n_values;
	/* the other kinds: the site's counters, as libgcov has them */
	int64_t *counters;
	size_t n_counters;
};

/* The largest number of counters one site of a fixed-size kind may have. */
#define VALUE_SITE_COUNTERS_MAX 64u

/* The value sites of every object in c's report (records of one .gcda
 * merged as libgcov merges them), the targets of indirect calls named by
 * the profile ids of every .gcno of c, in canonical order
 * (value_sites_sort). Returns 0, or -1 after reporting; *out (n_out
 * sites) is freed with value_sites_free() either way. */
int value_sites_build(struct coverage *c, struct vpdoc_value_site **out, size_t *n_out);

/* The time profiler's first call of a function of c's report (name, file,
 * line as in cov_report.functions): 1 and *first_call, or 0 when its object
 * had no time profiler. first is built once by value_first_calls(). */
struct value_first_calls;
struct value_first_calls *value_first_calls(struct coverage *c);
int value_first_call(const struct value_first_calls *fc, const char *name,
                     const char *file, uint32_t line, uint64_t *first_call);
size_t value_first_calls_count(const struct value_first_calls *fc);
void value_first_calls_free(struct value_first_calls *fc);

/* Canonical order: file, line, function, kind, site. */
void value_sites_sort(struct vpdoc_value_site *v, size_t n);
/* Writes the "value_sites" member (key and array). */
void value_sites_write(struct json_writer *w, const struct vpdoc_value_site *v, size_t n);
void value_site_free(struct vpdoc_value_site *s);   /* its members */
void value_sites_free(struct vpdoc_value_site *v, size_t n);

#endif /* VITPROF_VALUE_SITES_H */
