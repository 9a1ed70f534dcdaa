/* SPDX-License-Identifier: MIT */
/*
 * gcda_write.c - the .gcda files libgcov writes, made offline: the
 * in-memory model of one file (struct gcda_file, with the empty FUNCTION
 * records of dropped COMDAT copies kept in place), built from a raw
 * profile's gcov object or from an existing .gcda, merged as libgcov merges,
 * and serialized through a writer callback (a buffer, a file), byte for
 * byte as libgcov's write_one_data() does.
 *
 * Layout (../shared/reference/gcc12-gcov.md, section 3), GCC 10 to 14:
 *
 *   magic "gcda", version, stamp, [checksum: GCC >= 12]
 *   a1000000 OBJECT_SUMMARY: runs, sum_max (32 bits, truncated as libgcov's
 *                            gcov_write_unsigned does)
 *   per function, in gcov_info.functions[] order:
 *     01000000 FUNCTION: ident, lineno_checksum, cfg_checksum
 *              (length 0 and no payload: a COMDAT copy the linker dropped)
 *     per counter kind t of the object (merge[t] set), in index order:
 *     01a10000 + t << 17: num x int64 (low word first); all zero: the
 *              negated length and no payload; topn kinds (3, 4): per
 *              site its run count, n, n (value, count) pairs, never
 *              negated (libgcov's write_topn_counters)
 *   0 terminator
 *
 * Lengths count bytes from GCC 12 on and 32-bit words before. Words are in
 * this machine's byte order, as libgcov writes them.
 */
#define _GNU_SOURCE
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "base/tool.h"
#include "export/gcda_write.h"
#include "read/gcov_files.h"
#include "read/gcov_llvm.h"
#include "read/gcov_values.h"
#include "read/raw_profile.h"

#define GCDA_MAGIC 0x67636461u
#define TAG_FUNCTION 0x01000000u
#define TAG_ARCS_COUNTERS 0x01a10000u
#define TAG_OBJECT_SUMMARY 0xa1000000u

/* ---- serializer ------------------------------------------------------------ */

struct sink {
	gcda_write_fn write;
	void *ctx;
	unsigned major;
	int failed;
};

static void put_u32(struct sink *s, uint32_t v)
{
	if (!s->failed && s->write(s->ctx, &v, sizeof v) != 0)
		s->failed = 1;
}

/* A record length: bytes from GCC 12 on, words before. */
static uint32_t rec_len(const struct sink *s, uint32_t bytes)
{
	return s->major >= 12 ? bytes : bytes / 4;
}

static void put_i64(struct sink *s, int64_t v)
{
	put_u32(s, (uint32_t)(uint64_t)v);
	put_u32(s, (uint32_t)((uint64_t)v >> 32));
}

/* One counter record of n words; all zero and not topn: the negated length
 * alone. */
static void put_counters(struct sink *s, unsigned t, const int64_t *v, uint32_t n)
{
	int all_zero = !gcov_kind_is_topn(t);

	for (uint32_t k = 0; k < n && all_zero; k++)
		all_zero = v[k] == 0;
	put_u32(s, TAG_ARCS_COUNTERS + (t << 17));
	if (all_zero) {
		/* libgcov: GCOV_TAG_COUNTER_LENGTH(-n_counts), no payload */
		put_u32(s, (uint32_t)-(int64_t)rec_len(s, 8 * n));
		return;
	}
	put_u32(s, rec_len(s, 8 * n));
	for (uint32_t k = 0; k < n; k++)
		put_i64(s, v[k]);
}

int gcda_serialize(const struct gcda_file *d, gcda_write_fn write, void *ctx)
{
	struct sink s = {write, ctx, gcov_version_major(d->version), 0};
	uint32_t mask = d->counter_mask ? d->counter_mask : 1u;

	if (gcov_version_is_llvm(d->version))
		return gcda_serialize_llvm(d, write, ctx);
	if (!s.major || (mask & ~GCOV_KINDS_KNOWN))
		return -1;
	put_u32(&s, GCDA_MAGIC);
	put_u32(&s, d->version);
	put_u32(&s, d->stamp);
	if (s.major >= 12)
		put_u32(&s, d->checksum);
	put_u32(&s, TAG_OBJECT_SUMMARY);
	put_u32(&s, rec_len(&s, 8));
	put_u32(&s, d->runs);
	put_u32(&s, d->sum_max);
	for (size_t i = 0; i < d->n_functions; i++) {
		const struct gcov_counters *f = &d->functions[i];

		put_u32(&s, TAG_FUNCTION);
		if (gcda_slot_empty(f)) {
			put_u32(&s, 0);
			continue;
		}
		put_u32(&s, rec_len(&s, 12));
		put_u32(&s, f->ident);
		put_u32(&s, f->lineno_checksum);
		put_u32(&s, f->cfg_checksum);
		for (unsigned t = 0; t < GCOV_KINDS; t++) {
			if (!(mask & (1u << t)))
				continue;
			if (t == GCOV_KIND_ARCS)
				put_counters(&s, t, (const int64_t *)f->arcs, f->n_arcs);
			else
				put_counters(&s, t, f->kinds[t].v, f->kinds[t].n_words);
		}
	}
	put_u32(&s, 0);
	return s.failed ? -1 : 0;
}

int gcda_buffer_write(void *ctx, const void *data, size_t len)
{
	struct gcda_buffer *b = ctx;

	if (len > b->cap - b->size) {
		size_t cap = b->cap ? b->cap : 256;

		while (cap - b->size < len) {
			if (cap > SIZE_MAX / 2)
				tool_oom();
			cap *= 2;
		}
		b->data = xrealloc(b->data, cap);
		b->cap = cap;
	}
	memcpy(b->data + b->size, data, len);
	b->size += len;
	return 0;
}

/* ---- the model: from a raw record, from an existing file ----------------- */

int gcda_slot_empty(const struct gcov_counters *f)
{
	return f->ident == 0 && f->n_arcs == 0 && f->lineno_checksum == 0 &&
	       f->cfg_checksum == 0;
}

/* Frees n counters and the array. */
static void free_functions(struct gcov_counters *f, size_t n)
{
	for (size_t i = 0; f && i < n; i++) {
		free(f[i].arcs);
		gcov_values_free(&f[i]);
	}
	free(f);
}

/* Deep copy of n counters (arcs NULL for empty slots). */
static struct gcov_counters *copy_functions(const struct gcov_counters *src, size_t n)
{
	struct gcov_counters *dst = xcalloc(n, sizeof *dst);

	for (size_t i = 0; i < n; i++) {
		dst[i] = src[i];
		dst[i].arcs = NULL;
		memset(dst[i].kinds, 0, sizeof dst[i].kinds);
		if (gcda_slot_empty(&src[i]))
			continue;
		dst[i].arcs = xcalloc(src[i].n_arcs, sizeof *dst[i].arcs);
		gcov_values_copy(&dst[i], &src[i]);
		if (src[i].n_arcs)
			memcpy(dst[i].arcs, src[i].arcs, src[i].n_arcs * sizeof *dst[i].arcs);
	}
	return dst;
}

uint64_t gcda_object_max(const struct raw_gcov_object *o)
{
	int64_t max = 0;

	/* libgcov's compute_summary(): the largest arcs counter, compared as a
	 * signed gcov_type, from 0 */
	for (size_t i = 0; i < o->n_functions; i++)
		for (uint32_t k = 0; k < o->functions[i].n_arcs; k++)
			if ((int64_t)o->functions[i].arcs[k] > max)
				max = (int64_t)o->functions[i].arcs[k];
	return (uint64_t)max;
}

void gcda_from_object(struct gcda_file *out, const struct raw_gcov_object *o, uint64_t run_max)
{
	memset(out, 0, sizeof *out);
	out->path = xstrdup(o->gcda_path ? o->gcda_path : "");
	out->functions = copy_functions(o->functions, o->n_functions);
	out->n_functions = o->n_functions;
	out->counter_mask = o->counter_mask;
	out->version = o->version;
	out->stamp = o->stamp;
	out->checksum = o->checksum;
	out->runs = 1;
	out->sum_max = (uint32_t)run_max;   /* libgcov keeps 32 bits */
	out->has_summary = 1;
}

/*
 * The FUNCTION records of a .gcda image that gcda_read_mem() accepted, in
 * file order: slot[k] is -1 for an empty record, else the index of the
 * function in d->functions. Also checks what libgcov's merge needs beyond
 * what the reader checks: an OBJECT_SUMMARY, and in every function one
 * record of each counter kind the file has (d->counter_mask, arcs at
 * least) and no other record. Returns the number of slots, or -1 with the
 * reason in why.
 */
static long function_slots(const void *data, size_t size, const struct gcda_file *d,
                           long **slots, char *why, size_t whylen)
{
	struct gcov_cursor c;
	uint32_t version, stamp, checksum;
	long n = 0, j = 0, *s = xcalloc(d->n_functions + 1, sizeof *s);
	size_t cap = d->n_functions + 1;
	uint32_t mask = d->counter_mask | 1u, fn_kinds = mask;
	int in_fn = 0;

	*slots = NULL;
	memset(&c, 0, sizeof c);
	c.data = data;
	c.size = size;
	if (gcov_read_header(&c, GCDA_MAGIC, ".gcda", &version, &stamp, &checksum) != 0)
		goto bad;
	if (c.swapped) {
		snprintf(why, whylen, "written on a machine of the other byte order");
		goto fail;
	}
	while (c.pos < c.size) {
		uint32_t tag, length;
		size_t rec = c.pos;

		c.end = c.size;
		if (gcov_get_u32(&c, &tag) != 0)
			goto bad;
		if (tag == 0)
			break;
		if (gcov_get_u32(&c, &length) != 0)
			goto bad;
		if (tag == TAG_FUNCTION) {
			if (in_fn && fn_kinds != mask) {
				snprintf(why, whylen, "function before offset 0x%zx lacks counter kinds"
				         " (0x%" PRIx32 " of 0x%" PRIx32 ")", rec, fn_kinds, mask);
				goto fail;
			}
			if ((size_t)n + 1 >= cap) {
				s = xreallocarray(s, 2 * cap, sizeof *s);
				cap *= 2;
			}
			in_fn = length != 0;
			fn_kinds = 0;
			s[n++] = length == 0 ? -1 : j++;
		} else if ((tag & 0xfff1ffffu) == TAG_ARCS_COUNTERS) {
			fn_kinds |= 1u << ((tag - TAG_ARCS_COUNTERS) >> 17);
		} else if (tag != TAG_OBJECT_SUMMARY) {
			snprintf(why, whylen, "record 0x%08" PRIx32 " at offset 0x%zx (GCC 14's"
			         " condition counters, or unknown)", tag, rec);
			goto fail;
		}
		if ((int32_t)length < 0)
			length = 0;
		c.pos += gcov_record_bytes(&c, length);
	}
	if (in_fn && fn_kinds != mask) {
		snprintf(why, whylen, "last function lacks counter kinds (0x%" PRIx32 " of 0x%"
		         PRIx32 ")", fn_kinds, mask);
		goto fail;
	}
	if (!d->has_summary) {
		snprintf(why, whylen, "no OBJECT_SUMMARY record");
		goto fail;
	}
	if ((size_t)j != d->n_functions) {
		snprintf(why, whylen, "unreadable function records");
		goto fail;
	}
	*slots = s;
	return n;
bad:
	snprintf(why, whylen, "%s", c.err[0] ? c.err : "unreadable");
fail:
	free(s);
	return -1;
}

int gcda_model_read_mem(struct gcda_file *out, const void *data, size_t size,
                        const char *name)
{
	struct gcda_file d;
	struct gcov_counters *fns;
	char why[800];
	long *slots, n;

	memset(out, 0, sizeof *out);
	if (gcda_read_mem(data, size, name, &d) != 0)
		return -1;
	n = function_slots(data, size, &d, &slots, why, sizeof why);
	if (n < 0) {
		tool_error(name, "%s", why);
		gcda_free(&d);
		return -1;
	}
	fns = xcalloc((size_t)n, sizeof *fns);
	for (long k = 0; k < n; k++) {
		if (slots[k] < 0)
			continue;
		fns[k] = d.functions[slots[k]];     /* moves the arcs */
		d.functions[slots[k]].arcs = NULL;
	}
	free(slots);
	free(d.functions);
	d.functions = fns;
	d.n_functions = (size_t)n;
	*out = d;
	return 0;
}

int gcda_model_read(struct gcda_file *out, const char *path)
{
	unsigned char *data;
	size_t size;
	int rc;

	memset(out, 0, sizeof *out);
	if (gcov_file_load(path, &data, &size) != 0)
		return -1;
	rc = gcda_model_read_mem(out, data, size, path);
	free(data);
	return rc;
}

/* ---- merging ---------------------------------------------------------------- */

static int mismatch(char *why, size_t whylen, const char *fmt, ...) TOOL_PRINTF(3, 4);
static int mismatch(char *why, size_t whylen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, whylen, fmt, ap);
	va_end(ap);
	return -1;
}

int gcda_merge(struct gcda_file *acc, const struct gcda_file *add, char *why, size_t whylen)
{
	struct gcov_counters *out;

	if (acc->version != add->version)
		return mismatch(why, whylen, "GCC version 0x%08" PRIx32 ", the run has 0x%08"
		                PRIx32, acc->version, add->version);
	if (acc->stamp != add->stamp || acc->checksum != add->checksum)
		return mismatch(why, whylen, "from another compilation (stamp 0x%08" PRIx32
		                ", checksum 0x%08" PRIx32 "; the run has 0x%08" PRIx32 ", 0x%08"
		                PRIx32 ")", acc->stamp, acc->checksum, add->stamp, add->checksum);
	if (acc->n_functions != add->n_functions)
		return mismatch(why, whylen, "%zu functions, the run has %zu", acc->n_functions,
		                add->n_functions);
	if ((acc->counter_mask | 1u) != (add->counter_mask | 1u))
		return mismatch(why, whylen, "counter kinds 0x%" PRIx32 ", the run has 0x%" PRIx32
		                " (built with other profiling options)", acc->counter_mask | 1u,
		                add->counter_mask | 1u);
	for (size_t i = 0; i < acc->n_functions; i++) {
		const struct gcov_counters *a = &acc->functions[i], *b = &add->functions[i];

		if (gcda_slot_empty(a) || gcda_slot_empty(b))
			continue;
		if (a->ident != b->ident || a->lineno_checksum != b->lineno_checksum ||
		    a->cfg_checksum != b->cfg_checksum || a->n_arcs != b->n_arcs)
			return mismatch(why, whylen, "function %zu is ident %" PRIu32 " (checksums 0x%08"
			                PRIx32 " 0x%08" PRIx32 ", %" PRIu32 " arcs), the run has"
			                " ident %" PRIu32 " (0x%08" PRIx32 " 0x%08" PRIx32 ", %"
			                PRIu32 " arcs)", i, a->ident, a->lineno_checksum,
			                a->cfg_checksum, a->n_arcs, b->ident, b->lineno_checksum,
			                b->cfg_checksum, b->n_arcs);
	}
	/* The sums, checked before anything changes: gcov_type is int64 and
	 * libgcov's __gcov_merge_add wraps a sum past 2^63-1 into a negative
	 * count, runs is 32 bits and libgcov wraps it too; both are refused
	 * here. (sum_max is 32 bits in the file and libgcov keeps its low 32
	 * bits: it is a hint for the compiler's hot threshold, kept as libgcov
	 * writes it.) */
	{
		uint32_t runs;

		if (__builtin_add_overflow(acc->runs, add->runs, &runs))
			return mismatch(why, whylen, "count overflow: runs %" PRIu32 " + %" PRIu32
			                " is past 2^32-1", acc->runs, add->runs);
	}
	for (size_t i = 0; i < acc->n_functions; i++) {
		const struct gcov_counters *a = &acc->functions[i], *b = &add->functions[i];

		if (gcda_slot_empty(a) || gcda_slot_empty(b))
			continue;
		for (uint32_t k = 0; k < b->n_arcs; k++) {
			int64_t sum;

			if (__builtin_add_overflow((int64_t)a->arcs[k], (int64_t)b->arcs[k], &sum))
				return mismatch(why, whylen, "count overflow: function %zu (ident %"
				                PRIu32 "), arc counter %" PRIu32 ": %" PRId64 " + %"
				                PRId64 " is past the int64 range of a gcov counter", i,
				                a->ident, k, (int64_t)a->arcs[k], (int64_t)b->arcs[k]);
		}
	}
	/* Checked: now nothing can fail. A slot empty on one side
	 * (a COMDAT copy dropped in one link) takes the other side's record,
	 * as libgcov keeps ("buffers") a record its run does not have. */
	out = copy_functions(acc->functions, acc->n_functions);
	for (size_t i = 0; i < acc->n_functions; i++) {
		const struct gcov_counters *b = &add->functions[i];

		if (gcda_slot_empty(b))
			continue;
		if (gcda_slot_empty(&out[i])) {
			struct gcov_counters *one = copy_functions(b, 1);

			out[i] = *one;
			free(one);
			continue;
		}
		for (uint32_t k = 0; k < b->n_arcs; k++)
			out[i].arcs[k] += b->arcs[k];     /* checked above (as int64) */
		/* The value kinds: the run (add) is libgcov's memory, acc the
		 * file it merges in. */
		for (unsigned t = 1; t < GCOV_KINDS; t++) {
			char kwhy[600];
			if (!(add->counter_mask & (1u << t)))
				continue;
			if (gcov_values_merge(t, &out[i].kinds[t], &b->kinds[t], kwhy,
			                      sizeof kwhy) != 0) {
				free_functions(out, acc->n_functions);
				if (strncmp(kwhy, "count overflow", 14) == 0)
					return mismatch(why, whylen, "count overflow: function %zu (ident %"
					                PRIu32 "), %s", i, b->ident, kwhy + 16);
				return mismatch(why, whylen, "function %zu (ident %" PRIu32 "): %s", i,
				                b->ident, kwhy);
			}
		}
	}
	free_functions(acc->functions, acc->n_functions);
	acc->functions = out;
	acc->runs += add->runs;
	acc->sum_max += add->sum_max;             /* 32 bits, as libgcov */
	return 0;
}
