/* SPDX-License-Identifier: MIT */
/*
 * pgo_values.c - kernels where a -fprofile-generate profile changes the
 * code GCC emits, through its value profiles (bench/pgo_values.py):
 *
 *   icall   a hot call through a table of function pointers whose target
 *           is chosen at run time and is always the same one: the
 *           indirect-call profile lets -fprofile-use promote the call to a
 *           guarded direct call and inline it
 *   divmod  unsigned 64-bit division and modulo by a variable that is
 *           almost always 1000 (one call in 1024 uses 997): the topn
 *           profile specializes the hot value, a multiply instead of a div
 *   string  memcpy and memset of a variable size that is almost always 24
 *           and 40: the topn profile of the size lets -fprofile-use inline
 *           the common size as a few moves
 *   layout  1024 functions of which 64 are hot, one in every 16, so the hot
 *           ones sit 2 KiB apart in a plain -O2 link (and map to the same
 *           few cache sets); the rest run once, at
 *           the end. The counts and the time profiler (order of first
 *           calls) let -fprofile-use group the hot ones together
 *   all     every kernel (the training run)
 *
 *   pgo_values KERNEL [SCALE]   prints a checksum (the same for every build)
 *
 * The values a site sees depend only on the arguments, and the buffers are
 * at a fixed address, so a training run profiles the same values and alignments under
 * libgcov and under vitprof's runtime.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

/* ---- icall ---------------------------------------------------------------- */

typedef uint64_t (*step_fn)(uint64_t acc, uint64_t i);

static uint64_t step_mix(uint64_t acc, uint64_t i) { return (acc ^ i) * 0x9e3779b97f4a7c15ull; }
static uint64_t step_add(uint64_t acc, uint64_t i) { return acc + i * 3; }
static uint64_t step_rot(uint64_t acc, uint64_t i) { return (acc << 7 | acc >> 57) + i; }
static uint64_t step_sub(uint64_t acc, uint64_t i) { return acc - (i ^ 0x55); }
static step_fn steps[4] = {step_mix, step_add, step_rot, step_sub};

/* The target is a run-time choice (a configuration, as a comparator or a
 * codec's callback would be), so -O2 alone cannot resolve it. */
static uint64_t kernel_icall(long scale, unsigned choice)
{
	step_fn f = steps[choice & 3];
	uint64_t acc = 1;

	for (uint64_t i = 0; i < (uint64_t)scale * 16000000u; i++)
		acc = f(acc, i);
	return acc;
}

/* ---- divmod --------------------------------------------------------------- */

static uint64_t bucket_counts[1024];

__attribute__((noinline)) static uint64_t bucket_of(uint64_t h, uint64_t n)
{
	return h % n + h / n;
}

static uint64_t kernel_divmod(long scale, uint64_t nbuckets)
{
	uint64_t h = 88172645463325252ull, sum = 0;

	for (uint64_t i = 0; i < (uint64_t)scale * 8000000u; i++) {
		h ^= h << 13;
		h ^= h >> 7;
		h ^= h << 17;
		/* one table in 1024 is sized otherwise */
		uint64_t b = bucket_of(h, (i & 1023) == 1023 ? nbuckets - 3 : nbuckets);
		bucket_counts[b & 1023]++;
		sum += b;
	}
	return sum;
}

/* ---- string --------------------------------------------------------------- */

/* At a fixed address rather than in .bss: the alignment profile is the OR
 * of the addresses, and .bss lies elsewhere in each link. */
#define STRING_AREA ((void *)0x200000000ul)
#define AREA_BYTES (1u << 16)
static unsigned char *arena, *records;

__attribute__((noinline)) static void put_record(unsigned char *dst, const unsigned char *src,
                                                 size_t len, size_t pad)
{
	memcpy(dst, src, len);
	memset(dst + len, 0, pad);
}

static uint64_t kernel_string(long scale, size_t len)
{
	uint64_t sum = 0;
	unsigned char *area = mmap(STRING_AREA, 2 * AREA_BYTES, PROT_READ | PROT_WRITE,
	                           MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);

	if (area == MAP_FAILED)
		area = mmap(NULL, 2 * AREA_BYTES, PROT_READ | PROT_WRITE,
		            MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (area == MAP_FAILED)
		exit(1);
	arena = area;
	records = area + AREA_BYTES;
	for (size_t i = 0; i < AREA_BYTES; i++)
		records[i] = (unsigned char)(i * 131 + 7);
	for (uint64_t i = 0; i < (uint64_t)scale * 3000000u; i++) {
		size_t off = (i * 64) & (AREA_BYTES - 128);
		/* one record in 512 is longer */
		size_t l = (i & 511) == 511 ? len + 13 : len;
		put_record(arena + off, records + ((i * 8) & (AREA_BYTES - 128)), l, 64 - l);
		sum += arena[off + (i & 31)];
	}
	return sum;
}

/* ---- layout --------------------------------------------------------------- */

/* F(n): a distinct function of about 70 bytes (128 with the alignment); n
 * is three hex digits. */
#define F(n)                                                                      \
	__attribute__((noinline)) static uint64_t f_##n(uint64_t x)               \
	{                                                                         \
		x ^= x >> 29;                                                     \
		x *= 0x##n##9e3779b1ull;                                         \
		x ^= x >> 31;                                                     \
		x += 0x##n##5ull;                                                 \
		x *= 0xbf58476d##n##ull;                                          \
		return x ^ (x >> 27);                                             \
	}
#define F16(p)                                                                    \
	F(p##0) F(p##1) F(p##2) F(p##3) F(p##4) F(p##5) F(p##6) F(p##7) F(p##8) \
	F(p##9) F(p##a) F(p##b) F(p##c) F(p##d) F(p##e) F(p##f)
#define F256(p)                                                                   \
	F16(p##0) F16(p##1) F16(p##2) F16(p##3) F16(p##4) F16(p##5) F16(p##6)   \
	F16(p##7) F16(p##8) F16(p##9) F16(p##a) F16(p##b) F16(p##c) F16(p##d)   \
	F16(p##e) F16(p##f)
F256(0) F256(1) F256(2) F256(3)

#define C(n) case 0x##n: return f_##n(x);
#define C16(p)                                                                    \
	C(p##0) C(p##1) C(p##2) C(p##3) C(p##4) C(p##5) C(p##6) C(p##7) C(p##8) \
	C(p##9) C(p##a) C(p##b) C(p##c) C(p##d) C(p##e) C(p##f)
#define C256(p)                                                                   \
	C16(p##0) C16(p##1) C16(p##2) C16(p##3) C16(p##4) C16(p##5) C16(p##6)   \
	C16(p##7) C16(p##8) C16(p##9) C16(p##a) C16(p##b) C16(p##c) C16(p##d)   \
	C16(p##e) C16(p##f)

/* Direct calls through a jump table: no indirect-call profile here. */
__attribute__((noinline)) static uint64_t call_f(unsigned k, uint64_t x)
{
	switch (k) {
		C256(0) C256(1) C256(2) C256(3)
	}
	return x;
}

#define N_FUNCS 1024u
#define HOT_STRIDE 16u

static uint64_t kernel_layout(long scale)
{
	uint64_t x = 1;

	for (uint64_t r = 0; r < (uint64_t)scale * 60000u; r++)
		for (unsigned k = 0; k < N_FUNCS; k += HOT_STRIDE)
			x = call_f(k, x);
	/* The cold ones: once each, after the hot ones (the time profiler
	 * orders functions by their first call). */
	for (unsigned k = 0; k < N_FUNCS; k++)
		if (k % HOT_STRIDE)
			x = call_f(k, x);
	return x;
}

/* ---- main ----------------------------------------------------------------- */

int main(int argc, char **argv)
{
	const char *kernel = argc > 1 ? argv[1] : "all";
	long scale = argc > 2 ? atol(argv[2]) : 10;
	int all = !strcmp(kernel, "all");
	/* Run-time configuration the compiler cannot see: argc is 3. */
	unsigned knob = (unsigned)argc - 3;
	uint64_t sum = 0;
	int ran = 0;

	if (all || !strcmp(kernel, "icall"))
		sum += kernel_icall(scale, knob), ran++;
	if (all || !strcmp(kernel, "divmod"))
		sum += kernel_divmod(scale, 1000 + knob), ran++;
	if (all || !strcmp(kernel, "string"))
		sum += kernel_string(scale, 24 + knob), ran++;
	if (all || !strcmp(kernel, "layout"))
		sum += kernel_layout(scale), ran++;
	if (!ran) {
		fprintf(stderr, "usage: pgo_values icall|divmod|string|layout|all [SCALE]\n");
		return 2;
	}
	printf("%s %ld %llu\n", kernel, scale, (unsigned long long)sum);
	return 0;
}
