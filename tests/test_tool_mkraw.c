/* SPDX-License-Identifier: MIT */
/*
 * test_tool_mkraw.c - writes raw profiles for the CLI tests
 * (test_tool_cli.sh):
 *
 *   test_tool_mkraw KIND OUT
 *
 *   valid      a small valid profile of /fake/prog (which does not exist)
 *   truncated  the same, cut one page short
 *   version    the same, version 2
 *   swapped    the same, header written in the other byte order
 *   zeroed     8 KiB of zeros
 *   self       a count-mode profile of this program itself, with known
 *              counts, symbolizable for real:
 *                main -> mk_work       3 calls (one site)
 *                mk_work -> mk_leaf    17 calls at site A (7 + 10, two
 *                                      threads), 5 at site B
 *                (libc) -> main        1 call
 *   selftime   the same in time mode (CLOCK_MONOTONIC ticks = ns):
 *                mk_leaf self 2200 total 2200, mk_work self 1800 total
 *                3000, main self 1000 total 4000
 */
#define _GNU_SOURCE
#include <elf.h>
#include <link.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "test_tool_rawgen.h"

static uint64_t sites[4];         /* A, B, main->mk_work, libc->main */

int main(int argc, char **argv);

__attribute__((noinline, noclone)) void mk_leaf(int i)
{
	sites[i] = (uint64_t)(uintptr_t)__builtin_return_address(0);
	__asm__ volatile("" ::: "memory");
}

__attribute__((noinline, noclone)) void mk_work(void)
{
	sites[2] = (uint64_t)(uintptr_t)__builtin_return_address(0);
	mk_leaf(0);
	__asm__ volatile("" ::: "memory");
	mk_leaf(1);
	__asm__ volatile("" ::: "memory");
}

static void self_profile(struct rawgen *g, int timed)
{
	uint64_t leaf = (uint64_t)(uintptr_t)&mk_leaf, work = (uint64_t)(uintptr_t)&mk_work;
	uint64_t main_fn = (uint64_t)(uintptr_t)&main;
	struct rg_slot s1[] = {
		{sites[0], leaf, 7, 700, 700},
		{sites[1], leaf, 5, 500, 500},
		{sites[2], work, 3, 3000, 1800},
		{sites[3], main_fn, 1, 4000, 1000},
		{VPR_SITE_FUNCTION, leaf, 0, 1200, 0},
		{VPR_SITE_FUNCTION, work, 0, 3000, 0},
		{VPR_SITE_FUNCTION, main_fn, 0, 4000, 0},
	};
	struct rg_slot s2[] = {
		{sites[0], leaf, 10, 1000, 1000},
		{VPR_SITE_FUNCTION, leaf, 0, 1000, 0},
	};
	ssize_t r;

	rg_begin(g, timed ? VPR_MODE_TIME : VPR_MODE_COUNT);
	rg_hdr(g)->pid = getpid();
	rg_hdr(g)->ppid = getppid();
	rg_hdr(g)->clock = VPR_CLOCK_MONOTONIC;
	r = readlink("/proc/self/exe", rg_hdr(g)->exe_path, VPR_PATH_MAX - 1);
	rg_hdr(g)->exe_path[r > 0 ? r : 0] = '\0';
	rg_self_modules(g);
	rg_modules_end(g);
	rg_table(g, 1, 0, 1, 16, s1, timed ? 7 : 4);
	rg_table(g, 2, 0, 1, 16, s2, timed ? 2 : 1);
	rg_finish(g);
}

int main(int argc, char **argv)
{
	struct rawgen g;
	const char *kind;

	sites[3] = (uint64_t)(uintptr_t)__builtin_return_address(0);
	mk_work();
	__asm__ volatile("" ::: "memory");
	if (argc != 3) {
		fprintf(stderr, "usage: %s valid|truncated|version|swapped|zeroed|self|selftime OUT\n",
		        argv[0]);
		return 2;
	}
	kind = argv[1];
	if (strcmp(kind, "self") == 0 || strcmp(kind, "selftime") == 0) {
		self_profile(&g, strcmp(kind, "selftime") == 0);
	} else {
		rg_sample(&g, VPR_MODE_COUNT);
		if (strcmp(kind, "truncated") == 0) {
			g.size -= RG_PAGE;
		} else if (strcmp(kind, "version") == 0) {
			rg_hdr(&g)->version = 2;
		} else if (strcmp(kind, "swapped") == 0) {
			rg_hdr(&g)->version = __builtin_bswap32(rg_hdr(&g)->version);
			rg_hdr(&g)->byte_order = __builtin_bswap32(rg_hdr(&g)->byte_order);
		} else if (strcmp(kind, "zeroed") == 0) {
			memset(g.buf, 0, 2 * RG_PAGE);
			g.size = 2 * RG_PAGE;
		} else if (strcmp(kind, "valid") != 0) {
			fprintf(stderr, "%s: unknown kind '%s'\n", argv[0], kind);
			return 2;
		}
	}
	if (rg_write(&g, argv[2]) != 0) {
		perror(argv[2]);
		return 1;
	}
	rg_free(&g);
	return 0;
}
