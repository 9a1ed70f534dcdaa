/* SPDX-License-Identifier: MIT */
/*
 * gcda_llvm.c - the .gcda compiler-rt writes for clang --coverage code,
 * made offline from a run's counters (vitprof gcda), byte for byte.
 *
 * compiler-rt's layout for version "408*" (GCDAProfiling.c, LLVM 14 to 16;
 * 32-bit words in the machine's byte order, lengths in words, int64 as low
 * word then high word):
 *
 *   "gcda" magic, version, stamp              (no checksum word)
 *   per function, in the unit's writeout order:
 *     0x01000000 FUNCTION, 3, ident, lineno_checksum, cfg_checksum
 *     0x01a10000 ARCS, 2 * n, n counters     (also when all are zero)
 *   0xa3000000 PROGRAM_SUMMARY, 3, 0, 0, runs
 *   0, 0                                      (end of file)
 *
 * Unlike libgcov there is no OBJECT_SUMMARY, no sum_max, no empty FUNCTION
 * record and no negative length for zero counters.
 */
#include <stdint.h>

#include "export/gcda_write.h"
#include "read/gcov_files.h"
#include "read/gcov_llvm.h"
#include "read/gcov_values.h"

#define GCDA_MAGIC 0x67636461u
#define TAG_FUNCTION 0x01000000u
#define TAG_ARCS_COUNTERS 0x01a10000u
#define TAG_PROGRAM_SUMMARY 0xa3000000u

struct sink {
	gcda_write_fn write;
	void *ctx;
	int failed;
};

static void put_u32(struct sink *s, uint32_t v)
{
	if (!s->failed && s->write(s->ctx, &v, sizeof v) != 0)
		s->failed = 1;
}

int gcda_serialize_llvm(const struct gcda_file *d, gcda_write_fn write, void *ctx)
{
	struct sink s = {write, ctx, 0};

	if (!gcov_version_is_llvm(d->version))
		return -1;
	put_u32(&s, GCDA_MAGIC);
	put_u32(&s, d->version);
	put_u32(&s, d->stamp);
	for (size_t i = 0; i < d->n_functions; i++) {
		const struct gcov_counters *f = &d->functions[i];

		if (f->n_arcs > UINT32_MAX / 2)
			return -1;
		put_u32(&s, TAG_FUNCTION);
		put_u32(&s, 3);
		put_u32(&s, f->ident);
		put_u32(&s, f->lineno_checksum);
		put_u32(&s, f->cfg_checksum);
		put_u32(&s, TAG_ARCS_COUNTERS);
		put_u32(&s, f->n_arcs * 2);
		for (uint32_t k = 0; k < f->n_arcs; k++) {
			put_u32(&s, (uint32_t)f->arcs[k]);
			put_u32(&s, (uint32_t)(f->arcs[k] >> 32));
		}
	}
	put_u32(&s, TAG_PROGRAM_SUMMARY);
	put_u32(&s, 3);
	put_u32(&s, 0);
	put_u32(&s, 0);
	put_u32(&s, d->runs);
	put_u32(&s, 0);
	put_u32(&s, 0);
	return s.failed ? -1 : 0;
}
