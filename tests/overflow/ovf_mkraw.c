/* SPDX-License-Identifier: MIT */
/*
 * ovf_mkraw.c - writes the raw profiles of the overflow tests
 * (tests/overflow/check_overflow.py): a profile of this program itself, so
 * that show, report and export can symbolize it, with counts given on the
 * command line:
 *
 *   ovf_mkraw OUT [KEY=VALUE]...
 *
 *   mode=count|time   the profile's mode (default count)
 *   edge=C1,C2,...    calls main -> ovf_leaf at call site A: C1 in the
 *                     table of shard 1, C2 in shard 2, ... (default 1)
 *   edge2=C           calls main -> ovf_leaf at call site B, shard 1
 *   ticks=T1,T2,...   time mode: total and self ticks of the site-A edge
 *                     per shard (default 0)
 *   self=S1,S2,...    time mode: its self ticks instead, per shard
 *   fnticks=T1,...    time mode: a function record of ovf_leaf (inclusive
 *                     ticks of its outermost calls) per shard
 *   nspertick=N       time mode: a TSC clock calibrated at N ns per tick
 *                     (default: CLOCK_MONOTONIC, 1 ns per tick)
 *   arcs=A1,A2,...    one gcov object (GCC 12.2, copy mode, counted) with
 *                     one function (ident 100) of these arc counters
 *   gcda=PATH         its .gcda path (default /tmp/ovf.gcda)
 *   runs=N            header merged_runs (default 0: one run)
 *   lost=N            header lost_calls (default 0)
 *
 * Numbers are decimal, up to 2^64-1. Exits 0, or 2 on a bad argument.
 */
#define _GNU_SOURCE
#include <elf.h>
#include <errno.h>
#include <link.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "test_tool_rawgen.h"

#define MAX_SHARDS 8

static uint64_t sites[2];         /* call sites A and B in main */

int main(int argc, char **argv);

__attribute__((noinline, noclone)) void ovf_leaf(int i)
{
	sites[i] = (uint64_t)(uintptr_t)__builtin_return_address(0);
	__asm__ volatile("" ::: "memory");
}

static int parse_u64(const char *s, uint64_t *v)
{
	char *end;

	errno = 0;
	if (!*s || *s == '-')
		return -1;
	*v = strtoull(s, &end, 10);
	return errno || *end ? -1 : 0;
}

/* "A,B,..." into v (at most max); returns the count, or -1. */
static int parse_list(const char *s, uint64_t *v, int max)
{
	char buf[1024], *tok, *save;
	int n = 0;

	snprintf(buf, sizeof buf, "%s", s);
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		if (n == max || parse_u64(tok, &v[n]) != 0)
			return -1;
		n++;
	}
	return n;
}

int main(int argc, char **argv)
{
	uint64_t edge[MAX_SHARDS] = {1}, ticks[MAX_SHARDS] = {0}, arcs[64];
	uint64_t self[MAX_SHARDS] = {0}, fnticks[MAX_SHARDS] = {0};
	uint64_t edge2 = 0, nspertick = 0, runs = 0, lost = 0;
	int n_edge = 1, n_ticks = 0, n_self = 0, n_fnticks = 0, n_arcs = 0, timed = 0, i;
	const char *gcda = "/tmp/ovf.gcda";
	struct rawgen g;
	ssize_t r;

	ovf_leaf(0);
	__asm__ volatile("" ::: "memory");
	ovf_leaf(1);
	__asm__ volatile("" ::: "memory");
	if (argc < 2) {
		fprintf(stderr, "usage: %s OUT [KEY=VALUE]...\n", argv[0]);
		return 2;
	}
	for (i = 2; i < argc; i++) {
		const char *a = argv[i], *v = strchr(a, '=');
		int bad = !v;

		if (bad)
			;
		else if (strncmp(a, "mode=", 5) == 0)
			bad = strcmp(v + 1, "time") ? strcmp(v + 1, "count") != 0 : !(timed = 1);
		else if (strncmp(a, "edge=", 5) == 0)
			bad = (n_edge = parse_list(v + 1, edge, MAX_SHARDS)) < 1;
		else if (strncmp(a, "edge2=", 6) == 0)
			bad = parse_u64(v + 1, &edge2) != 0;
		else if (strncmp(a, "ticks=", 6) == 0)
			bad = (n_ticks = parse_list(v + 1, ticks, MAX_SHARDS)) < 1;
		else if (strncmp(a, "self=", 5) == 0)
			bad = (n_self = parse_list(v + 1, self, MAX_SHARDS)) < 1;
		else if (strncmp(a, "fnticks=", 8) == 0)
			bad = (n_fnticks = parse_list(v + 1, fnticks, MAX_SHARDS)) < 1;
		else if (strncmp(a, "nspertick=", 10) == 0)
			bad = parse_u64(v + 1, &nspertick) != 0 || !nspertick || nspertick > 1000;
		else if (strncmp(a, "arcs=", 5) == 0)
			bad = (n_arcs = parse_list(v + 1, arcs, 64)) < 1;
		else if (strncmp(a, "gcda=", 5) == 0)
			gcda = v + 1;
		else if (strncmp(a, "runs=", 5) == 0)
			bad = parse_u64(v + 1, &runs) != 0;
		else if (strncmp(a, "lost=", 5) == 0)
			bad = parse_u64(v + 1, &lost) != 0;
		else
			bad = 1;
		if (bad) {
			fprintf(stderr, "%s: bad argument '%s'\n", argv[0], a);
			return 2;
		}
	}

	rg_begin(&g, timed ? VPR_MODE_TIME : VPR_MODE_COUNT);
	rg_hdr(&g)->pid = getpid();
	rg_hdr(&g)->ppid = getppid();
	rg_hdr(&g)->merged_runs = runs;
	rg_hdr(&g)->lost_calls = lost;
	if (nspertick) {
		/* TSC: nspertick ns per tick (1 MHz at most, as the reader wants) */
		rg_hdr(&g)->clock = VPR_CLOCK_TSC;
		rg_hdr(&g)->calib_tick0 = 0;
		rg_hdr(&g)->calib_ns0 = 0;
		rg_hdr(&g)->calib_tick1 = 1000000;
		rg_hdr(&g)->calib_ns1 = 1000000 * nspertick;
	} else {
		rg_hdr(&g)->clock = VPR_CLOCK_MONOTONIC;
	}
	r = readlink("/proc/self/exe", rg_hdr(&g)->exe_path, VPR_PATH_MAX - 1);
	rg_hdr(&g)->exe_path[r > 0 ? r : 0] = '\0';
	rg_self_modules(&g);
	rg_modules_end(&g);
	for (i = 0; i < n_edge; i++) {
		uint64_t fn = (uint64_t)(uintptr_t)&ovf_leaf;
		uint64_t t = i < n_ticks ? ticks[i] : 0;
		struct rg_slot s[3] = {{sites[0], fn, edge[i], t, i < n_self ? self[i] : t}};
		size_t n = 1;

		if (i == 0 && edge2)
			s[n++] = (struct rg_slot){sites[1], fn, edge2, 0, 0};
		if (i < n_fnticks)
			s[n++] = (struct rg_slot){VPR_SITE_FUNCTION, fn, 0, fnticks[i], 0};
		rg_table(&g, (uint64_t)i + 1, 0, 1, 16, s, n);
	}
	rg_hdr(&g)->n_threads = (uint64_t)n_edge;
	if (n_arcs) {
		const uint32_t na = (uint32_t)n_arcs;
		const uint64_t off = 0;
		rg_arcs(&g, 1, VPR_ARCS_COPY, 0, arcs, (size_t)n_arcs, 1);
		rg_gcov_object(&g, 1, 0x4232322a, 0xabcd, gcda, 1, &na, &off);
		rg_gcov_end(&g);
	}
	rg_finish(&g);
	if (rg_write(&g, argv[1]) != 0) {
		perror(argv[1]);
		return 1;
	}
	rg_free(&g);
	return 0;
}
