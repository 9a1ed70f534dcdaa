/* SPDX-License-Identifier: MIT */
/*
 * gcda_read.c - reads the arc counters libgcov writes (.gcda), trusting
 * nothing in the file.
 *
 * Layout (../shared/reference/gcc12-gcov.md, section 3): 32-bit words in
 * the writer's byte order, int64 as low word then high word; a header
 * (GCC >= 12 adds a checksum word), then records "tag, length, payload"
 * with lengths in bytes (GCC >= 12) or words (GCC 10, 11). A counter record
 * of all zeros may be written with a negative length and no payload (topn
 * records never are). Counter records of kinds 0 to 7 (tag 0x01a10000 +
 * kind << 17) are kept, a topn record checked to hold whole sites; other
 * records (GCC 14's conditions, unknown tags) are skipped by their length.
 *
 * The first problem is reported as one line "vitprof: PATH: WHAT at offset
 * 0x..." and -1 is returned; no partial result is kept.
 */
#define _GNU_SOURCE
#include <byteswap.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "base/tool.h"
#include "read/gcov_files.h"
#include "read/gcov_values.h"

#define GCDA_MAGIC 0x67636461u
#define TAG_FUNCTION 0x01000000u
#define TAG_ARCS_COUNTERS 0x01a10000u
#define TAG_OBJECT_SUMMARY 0xa1000000u
/* A function's zero counters may be written as a length alone: the count is
 * bounded here so that a corrupt length cannot ask for gigabytes. */
#define MAX_ZERO_COUNTERS (1u << 24)

/* Entries a topn list of a .gcda may hold: 32, and what racing threads of
 * an atomic build can add past that (a bound against corrupt lengths). */
#define TOPN_READ_MAX 1024u

/* The counters of kind t of the FUNCTION record just read. */
static int read_kind(struct gcov_cursor *c, struct gcov_counters *f, unsigned t,
                     uint32_t length, size_t rec, unsigned *seen)
{
	uint64_t n;
	int32_t slen = (int32_t)length;
	int64_t *v;

	if (*seen & (1u << t))
		return gcov_bad(c, rec, "second %s counter record for function ident %" PRIu32,
		                gcov_kind_name(t), f->ident);
	*seen |= 1u << t;
	if (slen < 0) {
		/* All zeros: the length of the counters, no payload. */
		uint64_t bytes = (uint64_t)-(int64_t)slen;

		if (gcov_kind_is_topn(t))
			return gcov_bad(c, rec, "%s counters with a negative length for function"
			                " ident %" PRIu32, gcov_kind_name(t), f->ident);
		n = c->major >= 12 ? bytes / 8 : bytes / 2;
		if (n > MAX_ZERO_COUNTERS)
			return gcov_bad(c, rec, "%" PRIu64 " zero counters for function ident %"
			           PRIu32, n, f->ident);
		c->end = c->pos;
	} else {
		n = (c->end - c->pos) / 8;
	}
	v = xcalloc(n, sizeof *v);
	if (t == GCOV_KIND_ARCS) {
		f->n_arcs = (uint32_t)n;
		f->arcs = (uint64_t *)v;
	} else {
		f->kinds[t].n_words = (uint32_t)n;
		f->kinds[t].v = v;
	}
	if (slen >= 0)
		for (uint64_t i = 0; i < n; i++)
			if (gcov_get_u64(c, (uint64_t *)&v[i]) != 0)
				return -1;
	if (gcov_kind_is_topn(t)) {
		char why[256];

		if (gcov_topn_sites(v, (uint32_t)n, &f->kinds[t].sites) != 0)
			return gcov_bad(c, rec, "%s counters of function ident %" PRIu32 " are not"
			                " whole sites", gcov_kind_name(t), f->ident);
		if (gcov_topn_check(&f->kinds[t], TOPN_READ_MAX, why, sizeof why) != 0)
			return gcov_bad(c, rec, "%s counters of function ident %" PRIu32 ": %s",
			                gcov_kind_name(t), f->ident, why);
	}
	return 0;
}

static int parse(struct gcov_cursor *c, struct gcda_file *out)
{
	struct gcov_counters *fn = NULL;
	size_t cap = 0;
	unsigned seen = 0;

	if (gcov_read_header(c, GCDA_MAGIC, ".gcda", &out->version, &out->stamp,
	                     &out->checksum) != 0)
		return -1;

	while (c->pos < c->size) {
		size_t rec = c->pos, bytes;
		uint32_t tag, length;
		int32_t slen;

		c->end = c->size;
		if (gcov_get_u32(c, &tag) != 0)
			return -1;
		if (tag == 0)
			break;
		if (gcov_get_u32(c, &length) != 0)
			return -1;
		slen = (int32_t)length;
		bytes = slen < 0 ? 0 : c->major >= 12 ? (size_t)length : (size_t)length * 4;
		/* counter records (0x01a10000 + kind << 17) may be negative */
		if (slen < 0 && (tag & 0xfff1ffffu) != TAG_ARCS_COUNTERS)
			return gcov_bad(c, rec, "record 0x%08" PRIx32 " has a negative length", tag);
		if (bytes > c->size - c->pos)
			return gcov_bad(c, rec, "record 0x%08" PRIx32 " of %zu bytes runs past the end"
			           " of the file", tag, bytes);
		c->end = c->pos + bytes;
		if (tag == TAG_OBJECT_SUMMARY) {
			if (gcov_get_u32(c, &out->runs) != 0 || gcov_get_u32(c, &out->sum_max) != 0)
				return -1;
			out->has_summary = 1;
		} else if (tag == TAG_FUNCTION && bytes == 0) {
			fn = NULL;          /* placeholder of a function not emitted */
		} else if (tag == TAG_FUNCTION) {
			if (bytes != 12)
				return gcov_bad(c, rec, "FUNCTION record of %zu bytes (12 expected)", bytes);
			if (cap <= out->n_functions) {
				size_t ncap = cap ? cap * 2 : 16;
				out->functions = xreallocarray(out->functions, ncap,
				                               sizeof *out->functions);
				cap = ncap;
			}
			fn = &out->functions[out->n_functions++];
			memset(fn, 0, sizeof *fn);
			seen = 0;
			if (gcov_get_u32(c, &fn->ident) != 0 || gcov_get_u32(c, &fn->lineno_checksum) != 0 ||
			    gcov_get_u32(c, &fn->cfg_checksum) != 0)
				return -1;
		} else if ((tag & 0xfff1ffffu) == TAG_ARCS_COUNTERS &&
		           ((tag - TAG_ARCS_COUNTERS) >> 17) < GCOV_KINDS) {
			unsigned t = (tag - TAG_ARCS_COUNTERS) >> 17;

			if (!fn)
				return gcov_bad(c, rec, "%s counters outside a function",
				                gcov_kind_name(t));
			if (read_kind(c, fn, t, length, rec, &seen) != 0)
				return -1;
			out->counter_mask |= 1u << t;
		}
		/* GCC 14's conditions, unknown records: skipped */
		c->pos = c->end;
	}
	/* A function record without an arcs counter record has no arcs. */
	for (size_t i = 0; i < out->n_functions; i++)
		if (!out->functions[i].arcs) {
			out->functions[i].arcs = xcalloc(1, sizeof(uint64_t));
		}
	return 0;
}

int gcda_read_mem(const void *data, size_t size, const char *name, struct gcda_file *out)
{
	struct gcov_cursor c;

	memset(out, 0, sizeof *out);
	memset(&c, 0, sizeof c);
	c.data = data;
	c.size = size;
	out->path = xstrdup(name ? name : "");
	if (parse(&c, out) != 0) {
		tool_error(name, "%s", c.err[0] ? c.err : "unreadable .gcda file");
		gcda_free(out);
		return -1;
	}
	return 0;
}

int gcda_read(const char *path, struct gcda_file *out)
{
	unsigned char *data;
	size_t size;
	int rc;

	memset(out, 0, sizeof *out);
	if (gcov_file_load(path, &data, &size) != 0)
		return -1;
	rc = gcda_read_mem(data, size, path, out);
	free(data);
	return rc;
}

void gcda_free(struct gcda_file *d)
{
	if (!d)
		return;
	for (size_t i = 0; i < d->n_functions; i++) {
		free(d->functions[i].arcs);
		gcov_values_free(&d->functions[i]);
	}
	free(d->functions);
	free(d->path);
	memset(d, 0, sizeof *d);
}
