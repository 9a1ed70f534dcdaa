/* SPDX-License-Identifier: MIT */
/*
 * layouts.c - registers hand-made gcov_info structures in the layouts of
 * GCC 11 (no checksum), 13 and 14 (nine counter kinds), as those compilers
 * emit them, with known counters, then exits: the raw file must hold each
 * as GCC's own would be. The GCC 14 one also has a function the linker
 * "dropped" (its key is another gcov_info) and one with no arcs counters.
 * Not compiled with -fprofile-arcs.
 */
#include <stdint.h>
#include <stdio.h>

typedef void (*merge_fn)(int64_t *, uint32_t);

struct ctr_info {
	uint32_t num;
	int64_t *values;
};

struct fn_info {
	const void *key;
	uint32_t ident, lineno_checksum, cfg_checksum;
	struct ctr_info ctrs[2];
};

struct info_gcc11 {
	uint32_t version;
	void *next;
	uint32_t stamp;
	const char *filename;
	merge_fn merge[8];
	uint32_t n_functions;
	const struct fn_info *const *functions;
};

struct info_gcc12 {
	uint32_t version;
	void *next;
	uint32_t stamp;
	uint32_t checksum;
	const char *filename;
	merge_fn merge[8];
	uint32_t n_functions;
	const struct fn_info *const *functions;
};

struct info_gcc14 {
	uint32_t version;
	void *next;
	uint32_t stamp;
	uint32_t checksum;
	const char *filename;
	merge_fn merge[9];
	uint32_t n_functions;
	const struct fn_info *const *functions;
};

void __gcov_init(void *info);
void __gcov_merge_add(int64_t *, uint32_t);

#define VERSION(a, b, c) (((uint32_t)(a) << 24) | ((uint32_t)(b) << 16) | ((uint32_t)(c) << 8) | '*')

static int64_t c11[3] = {1, 2, 3};
static int64_t c13[2] = {40, 50};
static int64_t c14a[4] = {6, 7, 8, 9};
static int64_t c14b[1] = {100};       /* a second kind (ior) */
static int64_t other[1];

extern struct info_gcc11 i11;
extern struct info_gcc12 i13;
extern struct info_gcc14 i14;

static const struct fn_info f11 = {&i11, 11, 111, 1111, {{3, c11}}};
static const struct fn_info f13 = {&i13, 13, 131, 1313, {{2, c13}}};
static const struct fn_info f14a = {&i14, 14, 141, 1414, {{4, c14a}, {1, c14b}}};
static const struct fn_info f14dropped = {&i13, 99, 999, 9999, {{1, other}}};
static const struct fn_info f14none = {&i14, 15, 151, 1515, {{0, NULL}, {0, NULL}}};
static const struct fn_info *const fns11[] = {&f11};
static const struct fn_info *const fns13[] = {&f13};
static const struct fn_info *const fns14[] = {&f14a, &f14dropped, &f14none};

struct info_gcc11 i11 = {VERSION('B', '1', '4'), NULL, 0x11111111, "/gcovrt/gcc11.gcda",
                         {__gcov_merge_add}, 1, fns11};
struct info_gcc12 i13 = {VERSION('B', '3', '2'), NULL, 0x13131313, 0xc13c13, "/gcovrt/gcc13.gcda",
                         {__gcov_merge_add}, 1, fns13};
struct info_gcc14 i14 = {VERSION('B', '4', '1'), NULL, 0x14141414, 0xc14c14, "/gcovrt/gcc14.gcda",
                         {__gcov_merge_add, NULL, NULL, NULL, NULL, NULL, __gcov_merge_add},
                         3, fns14};

int main(void)
{
	__gcov_init(&i11);
	__gcov_init(&i13);
	__gcov_init(&i14);
	__gcov_init(&i14);      /* twice: recorded once */
	c11[0] += 10;           /* counts after registration are copied at exit */
	puts("ok");
	return 0;
}
