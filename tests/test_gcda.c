/* SPDX-License-Identifier: MIT */
/*
 * test_gcda.c - the .gcda writer (tools/gcda_write.c): serializer, model of
 * an existing file, merge.
 *
 * Ground truth is libgcov itself: tests/gcda's sample programs (C, and C++
 * inline and template functions in two units) are built with gcc/g++ -fprofile-arcs
 * in a temporary directory and run: once into A (run 1), once into B (run 2
 * alone), and run 2 again into A (libgcov's merge). Every file read as a
 * model and serialized again must give libgcov's bytes; model(A1) merged
 * with model(B2) must give libgcov's merged A12. Synthetic models cover the
 * edge cases (zero counters, empty records, 32-bit sum_max, GCC 11 layout)
 * and every refusal.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/tool.h"
#include "export/gcda_write.h"
#include "read/gcov_files.h"
#include "read/gcov_values.h"
#include "read/raw_profile.h"
#include "vp_test.h"

#define V12 0x4232322au        /* "B22*": GCC 12.2 */
#define V11 0x4231342au        /* "B14*": GCC 11.4 */

/* ---- libgcov's files ------------------------------------------------------- */

static const char *const real_names[] = {
	"pgo_main.gcda", "pgo_work.gcda", "comdat_a.gcda", "comdat_b.gcda",
};
#define N_REAL (sizeof real_names / sizeof real_names[0])

struct real {
	unsigned char *a1[N_REAL], *b2[N_REAL], *a12[N_REAL];
	size_t a1_size[N_REAL], b2_size[N_REAL], a12_size[N_REAL];
};

static void load(const char *dir, const char *sub, const char *name, unsigned char **data,
                 size_t *size)
{
	char path[1024];

	snprintf(path, sizeof path, "%s/%s/%s", dir, sub, name);
	CU_ASSERT_EQUAL_FATAL(gcov_file_load(path, data, size), 0);
}

/* Builds and runs the samples with libgcov; fills *r. */
static void real_files(struct real *r)
{
	char dir[] = "/tmp/vitprof-test-gcda-XXXXXX";
	char cmd[8192];

	memset(r, 0, sizeof *r);
	CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(dir));
	snprintf(cmd, sizeof cmd,
	         "set -e; cd %s; S=%s; mkdir A B; printf 'some Words 42 and, more\\n' > in.txt; "
	         "for d in A B; do (cd $d && "
	         " " CC " -O2 -fprofile-arcs -c $S/pgo_main.c -o pgo_main.o && "
	         " " CC " -O2 -fprofile-arcs -c $S/pgo_work.c -o pgo_work.o && "
	         " " CC " -fprofile-arcs pgo_main.o pgo_work.o -o pgo && "
	         " g++ -O0 -fprofile-arcs -c $S/comdat_a.cc -o comdat_a.o && "
	         " g++ -O0 -fprofile-arcs -c $S/comdat_b.cc -o comdat_b.o && "
	         " g++ -fprofile-arcs comdat_a.o comdat_b.o -o comdat); done; "
	         "(cd A && ./pgo ../in.txt 3 >/dev/null && ./comdat 27 >/dev/null); "
	         "mkdir A1; cp A/*.gcda A1/; "
	         /* B's objects are another compilation: run 2 alone must go to
	          * A's files, so run A's programs with B as GCOV_PREFIX */
	         "(cd A && GCOV_PREFIX=../B2 ./pgo ../in.txt 5 >/dev/null && "
	         " GCOV_PREFIX=../B2 ./comdat 97 >/dev/null && ./pgo ../in.txt 5 >/dev/null && "
	         " ./comdat 97 >/dev/null); "
	         "mkdir B2f; find B2 -name '*.gcda' -exec cp {} B2f/ \\;",
	         dir, VP_GCDA_SAMPLES);
	CU_ASSERT_EQUAL_FATAL(system(cmd), 0);
	for (size_t i = 0; i < N_REAL; i++) {
		load(dir, "A1", real_names[i], &r->a1[i], &r->a1_size[i]);
		load(dir, "B2f", real_names[i], &r->b2[i], &r->b2_size[i]);
		load(dir, "A", real_names[i], &r->a12[i], &r->a12_size[i]);
	}
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	CU_ASSERT_EQUAL(system(cmd), 0);
}

static void real_free(struct real *r)
{
	for (size_t i = 0; i < N_REAL; i++) {
		free(r->a1[i]);
		free(r->b2[i]);
		free(r->a12[i]);
	}
}

/* The bytes of d serialized (caller frees buf->data). */
static void serialize(const struct gcda_file *d, struct gcda_buffer *buf)
{
	memset(buf, 0, sizeof *buf);
	CU_ASSERT_EQUAL_FATAL(gcda_serialize(d, gcda_buffer_write, buf), 0);
}

static int same_bytes(const struct gcda_buffer *b, const unsigned char *data, size_t size)
{
	return b->size == size && memcmp(b->data, data, size) == 0;
}

VP_TEST(gcda, roundtrip_libgcov)
{
	struct real r;

	real_files(&r);
	for (size_t i = 0; i < N_REAL; i++) {
		const unsigned char *imgs[3] = {r.a1[i], r.b2[i], r.a12[i]};
		size_t sizes[3] = {r.a1_size[i], r.b2_size[i], r.a12_size[i]};

		for (int k = 0; k < 3; k++) {
			struct gcda_file d;
			struct gcda_buffer b;

			CU_ASSERT_EQUAL_FATAL(gcda_model_read_mem(&d, imgs[k], sizes[k],
			                                          real_names[i]), 0);
			serialize(&d, &b);
			if (!same_bytes(&b, imgs[k], sizes[k]))
				fprintf(stderr, "%s (%d): %zu bytes vs libgcov's %zu\n", real_names[i],
				        k, b.size, sizes[k]);
			CU_ASSERT(same_bytes(&b, imgs[k], sizes[k]));
			free(b.data);
			gcda_free(&d);
		}
	}
	real_free(&r);
}

/* Finds 32-bit word w in the image; returns its offset or -1. */
static long find_word(const unsigned char *p, size_t n, uint32_t w)
{
	for (size_t i = 0; i + 4 <= n; i += 4)
		if (memcmp(p + i, &w, 4) == 0)
			return (long)i;
	return -1;
}

VP_TEST(gcda, libgcov_zero_counters)
{
	struct real r;
	struct gcda_file d;
	int zero = 0;

	real_files(&r);
	/* pgo_cold never ran: libgcov's negative length, kept by the model */
	CU_ASSERT_EQUAL_FATAL(gcda_model_read_mem(&d, r.a1[1], r.a1_size[1], "pgo_work"), 0);
	for (size_t i = 0; i < d.n_functions; i++) {
		int all = d.functions[i].n_arcs > 0;
		for (uint32_t k = 0; k < d.functions[i].n_arcs; k++)
			all = all && d.functions[i].arcs[k] == 0;
		zero += all;
	}
	CU_ASSERT(zero >= 1);
	gcda_free(&d);
	/* (GCC 12 keeps per-unit counters for the C++ inline functions here:
	 * these files have no empty record; layout_gcc12 and from_object cover
	 * it.) */
	real_free(&r);
}

VP_TEST(gcda, merge_equals_libgcov)
{
	struct real r;

	real_files(&r);
	for (size_t i = 0; i < N_REAL; i++) {
		struct gcda_file a, b;
		struct gcda_buffer buf;
		char why[900];

		CU_ASSERT_EQUAL_FATAL(gcda_model_read_mem(&a, r.a1[i], r.a1_size[i], "a1"), 0);
		CU_ASSERT_EQUAL_FATAL(gcda_model_read_mem(&b, r.b2[i], r.b2_size[i], "b2"), 0);
		CU_ASSERT_EQUAL(a.runs, 1);
		CU_ASSERT_EQUAL_FATAL(gcda_merge(&a, &b, why, sizeof why), 0);
		CU_ASSERT_EQUAL(a.runs, 2);
		serialize(&a, &buf);
		if (!same_bytes(&buf, r.a12[i], r.a12_size[i]))
			fprintf(stderr, "%s: merged %zu bytes vs libgcov's %zu\n", real_names[i],
			        buf.size, r.a12_size[i]);
		CU_ASSERT(same_bytes(&buf, r.a12[i], r.a12_size[i]));
		free(buf.data);
		gcda_free(&a);
		gcda_free(&b);
	}
	real_free(&r);
}

/* ---- synthetic models -------------------------------------------------------- */

/* A model with n functions; function i has i arcs valued base + k (0 arcs:
 * an empty record when empty_at == i). */
static void synth(struct gcda_file *d, uint32_t version, size_t n, uint64_t base,
                  long empty_at)
{
	memset(d, 0, sizeof *d);
	d->path = strdup("synth.gcda");
	d->version = version;
	d->stamp = 0x11223344;
	d->checksum = version >= V12 ? 0xcafef00d : 0;
	d->runs = 1;
	d->sum_max = 1000;
	d->has_summary = 1;
	d->functions = calloc(n, sizeof *d->functions);
	d->n_functions = n;
	for (size_t i = 0; i < n; i++) {
		struct gcov_counters *f = &d->functions[i];

		if ((long)i == empty_at)
			continue;
		f->ident = (uint32_t)(100 + i);
		f->lineno_checksum = (uint32_t)(0x1000 + i);
		f->cfg_checksum = (uint32_t)(0x2000 + i);
		f->n_arcs = (uint32_t)i;
		f->arcs = calloc(i ? i : 1, sizeof *f->arcs);
		for (size_t k = 0; k < i; k++)
			f->arcs[k] = base ? base + k : 0;
	}
}

static uint32_t word(const struct gcda_buffer *b, size_t i)
{
	uint32_t w;

	memcpy(&w, b->data + 4 * i, 4);
	return w;
}

VP_TEST(gcda, layout_gcc12)
{
	struct gcda_file d, back;
	struct gcda_buffer b;

	synth(&d, V12, 3, 0, 1);     /* f0: 0 arcs, f1: empty, f2: 2 zero arcs */
	d.functions[2].arcs[1] = 0;
	serialize(&d, &b);
	CU_ASSERT_EQUAL(word(&b, 0), 0x67636461u);
	CU_ASSERT_EQUAL(word(&b, 1), V12);
	CU_ASSERT_EQUAL(word(&b, 3), 0xcafef00du);
	CU_ASSERT_EQUAL(word(&b, 4), 0xa1000000u);
	CU_ASSERT_EQUAL(word(&b, 5), 8);
	CU_ASSERT_EQUAL(word(&b, 6), 1);
	CU_ASSERT_EQUAL(word(&b, 7), 1000);
	/* f0: FUNCTION 12, 3 words, arcs tag, length 0 */
	CU_ASSERT_EQUAL(word(&b, 8), 0x01000000u);
	CU_ASSERT_EQUAL(word(&b, 9), 12);
	CU_ASSERT_EQUAL(word(&b, 13), 0x01a10000u);
	CU_ASSERT_EQUAL(word(&b, 14), 0);
	/* f1: the empty record */
	CU_ASSERT_EQUAL(word(&b, 15), 0x01000000u);
	CU_ASSERT_EQUAL(word(&b, 16), 0);
	/* f2: all zero: negative length, no payload, then the terminator */
	CU_ASSERT_EQUAL(word(&b, 17), 0x01000000u);
	CU_ASSERT_EQUAL(word(&b, 22), 0x01a10000u);
	CU_ASSERT_EQUAL(word(&b, 23), (uint32_t)-16);
	CU_ASSERT_EQUAL(word(&b, 24), 0);
	CU_ASSERT_EQUAL(b.size, 25 * 4);
	/* and it reads back */
	CU_ASSERT_EQUAL_FATAL(gcda_model_read_mem(&back, b.data, b.size, "synth"), 0);
	CU_ASSERT_EQUAL(back.n_functions, 3);
	CU_ASSERT(gcda_slot_empty(&back.functions[1]));
	CU_ASSERT_EQUAL(back.functions[2].n_arcs, 2);
	gcda_free(&back);
	free(b.data);
	gcda_free(&d);
}

VP_TEST(gcda, layout_gcc11_words)
{
	struct gcda_file d, back;
	struct gcda_buffer b;

	synth(&d, V11, 3, 7, -1);
	serialize(&d, &b);
	CU_ASSERT_EQUAL(word(&b, 2), 0x11223344u);       /* stamp; no checksum */
	CU_ASSERT_EQUAL(word(&b, 3), 0xa1000000u);
	CU_ASSERT_EQUAL(word(&b, 4), 2);                 /* words */
	CU_ASSERT_EQUAL(word(&b, 8), 3);                 /* FUNCTION: 3 words */
	CU_ASSERT_EQUAL_FATAL(gcda_model_read_mem(&back, b.data, b.size, "synth11"), 0);
	CU_ASSERT_EQUAL(back.version, V11);
	CU_ASSERT_EQUAL(back.functions[2].n_arcs, 2);
	CU_ASSERT_EQUAL(back.functions[2].arcs[1], 8);
	gcda_free(&back);
	free(b.data);
	/* all zero in GCC 11: -(2 words per counter) */
	for (uint32_t k = 0; k < 2; k++)
		d.functions[2].arcs[k] = 0;
	serialize(&d, &b);
	CU_ASSERT_NOT_EQUAL(find_word(b.data, b.size, (uint32_t)-4), -1);
	free(b.data);
	gcda_free(&d);
}

VP_TEST(gcda, merge_arithmetic)
{
	struct gcda_file a, b;
	char why[900];

	synth(&a, V12, 4, 10, 1);
	synth(&b, V12, 4, 1000, 3);           /* f3 empty in b: a's record kept */
	a.sum_max = 0xfffffff0u;
	b.sum_max = 0x20;                     /* wraps at 32 bits, as libgcov */
	b.runs = 3;
	b.functions[1].arcs[0] = 77;          /* f1 empty in a: b's record taken */
	b.functions[2].arcs[1] = (uint64_t)-1; /* wraps as gcov_type does */
	CU_ASSERT_EQUAL_FATAL(gcda_merge(&a, &b, why, sizeof why), 0);
	CU_ASSERT_EQUAL(a.runs, 4);
	CU_ASSERT_EQUAL(a.sum_max, 0x10);
	CU_ASSERT_EQUAL(a.functions[1].ident, 101);
	CU_ASSERT_EQUAL(a.functions[1].arcs[0], 77);
	CU_ASSERT_EQUAL(a.functions[2].arcs[0], 10 + 1000);
	CU_ASSERT_EQUAL(a.functions[2].arcs[1], 10);   /* 11 + (-1) */
	CU_ASSERT_EQUAL(a.functions[3].n_arcs, 3);
	CU_ASSERT_EQUAL(a.functions[3].arcs[2], 12);
	gcda_free(&a);
	gcda_free(&b);
}

/* Each way two models can disagree: refused, acc untouched. */
VP_TEST(gcda, merge_refusals)
{
	for (int c = 0; c < 9; c++) {
		struct gcda_file a, b;
		struct gcda_buffer before, after;
		char why[900] = "";

		synth(&a, V12, 4, 10, -1);
		synth(&b, V12, 4, 10, -1);
		switch (c) {
		case 0: b.version = 0x4233312au; break;
		case 1: b.stamp++; break;
		case 2: b.checksum++; break;
		case 3: b.n_functions = 3; break;
		case 4: b.functions[2].ident++; break;
		case 5: b.functions[2].lineno_checksum++; break;
		case 6: b.functions[2].cfg_checksum++; break;
		case 7: b.functions[3].n_arcs = 2; break;
		case 8: a.functions[0].ident = 9; b.functions[0].ident = 8; break;
		}
		serialize(&a, &before);
		CU_ASSERT_EQUAL(gcda_merge(&a, &b, why, sizeof why), -1);
		CU_ASSERT(why[0] != '\0' && !strchr(why, '\n'));
		serialize(&a, &after);
		CU_ASSERT(before.size == after.size &&
		          memcmp(before.data, after.data, before.size) == 0);
		free(before.data);
		free(after.data);
		if (c == 3)
			b.n_functions = 4;
		gcda_free(&a);
		gcda_free(&b);
	}
}

/* Existing files libgcov could not merge an arcs-only run into. */
VP_TEST(gcda, model_refusals)
{
	struct gcda_file d, m;
	struct gcda_buffer b;
	unsigned char *img;
	size_t n;

	tool_error_mute(1);
	synth(&d, V12, 3, 5, -1);
	serialize(&d, &b);
	/* accepted as is */
	CU_ASSERT_EQUAL(gcda_model_read_mem(&m, b.data, b.size, "ok.gcda"), 0);
	gcda_free(&m);
	/* every truncation is refused or read, never a crash; most are refused */
	for (n = 0; n + 4 < b.size; n++)
		if (gcda_model_read_mem(&m, b.data, n, "cut.gcda") == 0)
			gcda_free(&m);
	/* no OBJECT_SUMMARY: drop words 4..7 */
	img = malloc(b.size);
	memcpy(img, b.data, 16);
	memcpy(img + 16, b.data + 32, b.size - 32);
	CU_ASSERT_EQUAL(gcda_model_read_mem(&m, img, b.size - 16, "nosum.gcda"), -1);
	CU_ASSERT(strstr(tool_last_error(), "nosum.gcda: no OBJECT_SUMMARY") != NULL);
	/* a function whose arcs record became another kind's (interval) */
	memcpy(img, b.data, b.size);
	{
		uint32_t t = 0x01a30000u;
		long at = find_word(img, b.size, 0x01a10000u);
		CU_ASSERT_FATAL(at > 0);
		memcpy(img + at, &t, 4);
	}
	CU_ASSERT_EQUAL(gcda_model_read_mem(&m, img, b.size, "vp.gcda"), -1);
	CU_ASSERT(strstr(tool_last_error(), "lacks counter kinds") != NULL);
	/* the other byte order */
	for (size_t i = 0; i < b.size; i += 4) {
		unsigned char *w = img + i;
		w[0] = b.data[i + 3];
		w[1] = b.data[i + 2];
		w[2] = b.data[i + 1];
		w[3] = b.data[i];
	}
	CU_ASSERT_EQUAL(gcda_model_read_mem(&m, img, b.size, "swapped.gcda"), -1);
	CU_ASSERT(strstr(tool_last_error(), "other byte order") != NULL);
	free(img);
	free(b.data);
	gcda_free(&d);
	tool_error_mute(0);
}

VP_TEST(gcda, from_object)
{
	uint64_t a0[] = {5, 0, 9}, a2[] = {(uint64_t)-3, 7};
	struct gcov_counters fns[3] = {
		{.ident = 11, .lineno_checksum = 12, .cfg_checksum = 13, .n_arcs = 3, .arcs = a0},
		{.arcs = NULL},                  /* dropped COMDAT copy */
		{.ident = 21, .lineno_checksum = 22, .cfg_checksum = 23, .n_arcs = 2, .arcs = a2},
	};
	struct raw_gcov_object o = {
		.gcda_path = "/x/y.gcda", .version = V12, .stamp = 1, .checksum = 2,
		.counter_mask = 1, .arcs_mode = VPR_ARCS_IN_PLACE, .counts_known = 1,
		.functions = fns, .n_functions = 3,
	};
	struct gcda_file d;
	struct gcda_buffer b;

	/* signed compare, as libgcov: the "negative" counter is not the max */
	CU_ASSERT_EQUAL(gcda_object_max(&o), 9);
	gcda_from_object(&d, &o, 0x100000005ull);
	CU_ASSERT_EQUAL(d.runs, 1);
	CU_ASSERT_EQUAL(d.sum_max, 5);       /* 32 bits, as libgcov writes it */
	CU_ASSERT(gcda_slot_empty(&d.functions[1]));
	CU_ASSERT(d.functions[0].arcs != a0);
	CU_ASSERT_EQUAL(d.functions[2].arcs[1], 7);
	serialize(&d, &b);
	CU_ASSERT_EQUAL(word(&b, 8), 0x01000000u);
	CU_ASSERT_EQUAL(word(&b, 9), 12);
	CU_ASSERT_EQUAL(word(&b, 10), 11);
	free(b.data);
	gcda_free(&d);
}
