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
 *   trace      a trace-mode profile of this program (CLOCK_MONOTONIC, ns;
 *              session 0x5e5510, pid 4242 unless a PID follows OUT), known by construction (self_trace() below)
 *   tracetsc   the same events with a TSC clock (3 ticks per ns)
 *   tracebig   (OUT N) a trace of N calls of mk_leaf under main on one thread
 *              (chunks of 1 MiB), for the memory and speed checks
 *   tracelost  the trace with 7 events lost (header and shard 1) and the
 *              id tables counting 4 calls of mk_leaf more than the timeline
 *   tracering  a flight recorder: its oldest chunk is lost, the next
 *              begins inside main and mk_work (OPEN marks)
 *   tracebad-KIND  the trace with one corruption: tag (a reserved event
 *              tag), id (an unknown id), exit (an EXIT with no open frame),
 *              varint (a varint cut by `used`), used (used past
 *              data_size), shard (a chunk of an unknown shard)
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

/*
 * The trace (times in ns from 1000000):
 *   thread 5001 "main-th":
 *     1000000 main {
 *     1000100   mk_work { [tag "job"]
 *     1000200     mk_leaf (site A) 300        1000600 mk_leaf (site B) 50
 *     1001000   }                             INSTANT "checkpoint"
 *     1001100   scope "phase" {
 *     1001200     mk_work { 1001300 mk_leaf (A) 100 }  1001500
 *     1001500     COUNTER "queue" = 3
 *     1002000   }
 *     1003000 }
 *   thread 5002: 1000300 mk_leaf 100; 1000450 mk_leaf, still open at the
 *     last event, INSTANT "checkpoint" at 1000800.
 * Aggregates: main 1 call, total 3000, self 1200; mk_work 2, 1200, 750;
 * mk_leaf 5, 900, 900; phase 1, 900, 600.
 * The first thread's events are in two chunks (seq 1 ends after mk_leaf B).
 */
static void self_trace(struct rawgen *g, uint32_t clock, const char *bad, int ring)
{
	uint64_t leaf = (uint64_t)(uintptr_t)&mk_leaf, work = (uint64_t)(uintptr_t)&mk_work;
	uint64_t main_fn = (uint64_t)(uintptr_t)&main;
	struct rg_trace_id t1[] = {
		{sites[3], main_fn, 1, 1, 0},
		{sites[2], work, 2, 2, 0},
		{sites[0], leaf, 2, 3, 0},
		{sites[1], leaf, 1, 4, 0},
		{sites[2], VPR_NAME_FN(1), 1, 5, 0},
	};
	struct rg_trace_id t2[] = {{sites[0], leaf, 2, 1, 0}};
	struct rg_events a = {0}, b = {0}, c = {0};
	uint64_t m = clock == VPR_CLOCK_TSC ? 3 : 1;   /* ticks per ns */
	uint64_t base = clock == VPR_CLOCK_TSC ? 1000 + 3 * (1000000 - 5000) : 1000000;
	size_t chunk2, chunk3, table1;
	ssize_t r;

	rg_begin(g, VPR_MODE_TRACE);
	rg_hdr(g)->clock = clock;
	rg_hdr(g)->session = 0x5e5510;
	rg_hdr(g)->anchor_realtime_ns = 1700000000000000000ull;
	r = readlink("/proc/self/exe", rg_hdr(g)->exe_path, VPR_PATH_MAX - 1);
	rg_hdr(g)->exe_path[r > 0 ? r : 0] = '\0';
	rg_self_modules(g);
	rg_modules_end(g);
	rg_name(g, 1, "phase");
	rg_name(g, 2, "job");
	rg_name(g, 3, "checkpoint");
	rg_name(g, 4, "queue");
	rg_thread_name(g, 5001, "main-th");
	rg_names_end(g);
	table1 = rg_trace_table(g, 1, 0, 1, 8, t1, 5);
	rg_trace_table(g, 2, 0, 1, 4, t2, 1);
	if (ring) {
		/* seq 1 (lost: overwritten) held main's ENTER, mk_work's and the
		 * first mk_leaf call; seq 2 starts at 1000500 with main and
		 * mk_work open */
		rg_ev_open(&a, 1, 500 * m);
		rg_ev_open(&a, 2, 400 * m);
		rg_ev_enter(&a, 4, 100 * m);     /* 1000600: mk_leaf (B) */
		rg_ev_exit(&a, 50 * m);
		rg_trace_chunk(g, 1, 5001, 2, base + 500 * m, 2, VPR_TRACE_RING, a.buf, a.len, 0);
	} else {
		rg_ev_enter(&a, 1, 0);
		rg_ev_enter(&a, 2, 100 * m);
		rg_ev_tag(&a, 2);
		rg_ev_enter(&a, 3, 100 * m);
		rg_ev_exit(&a, 300 * m);
		rg_ev_enter(&a, 4, 100 * m);
		rg_ev_exit(&a, 50 * m);
		rg_trace_chunk(g, 1, 5001, 1, base, 0, 0, a.buf, a.len, 0);
	}
	rg_ev_exit(&b, 0);                  /* 1000650 + 350: mk_work returns */
	rg_ev_instant(&b, 0, 3);
	rg_ev_enter(&b, 5, 100 * m);
	rg_ev_enter(&b, 2, 100 * m);
	rg_ev_enter(&b, 3, 100 * m);
	rg_ev_exit(&b, 100 * m);
	rg_ev_exit(&b, 100 * m);
	rg_ev_counter(&b, 0, 4, 3);
	rg_ev_exit(&b, 500 * m);
	rg_ev_exit(&b, 1000 * m);
	chunk2 = rg_trace_chunk(g, 1, 5001, ring ? 3 : 2, base + 1000 * m, 2,
	                        ring ? VPR_TRACE_RING : 0, b.buf, b.len, 0);
	/* the events of chunk 2 count from base + 1000 ns */
	rg_ev_enter(&c, 1, 0);
	rg_ev_exit(&c, 100 * m);
	rg_ev_enter(&c, 1, 50 * m);
	rg_ev_instant(&c, 350 * m, 3);
	chunk3 = rg_trace_chunk(g, 2, 5002, 1, base + 300 * m, 0, 0, c.buf, c.len, 0);
	if (bad && strcmp(bad, "lost") == 0) {
		struct vpr_edges *e = (struct vpr_edges *)(g->buf + table1);
		struct vpr_edge_trace *s = (struct vpr_edge_trace *)((unsigned char *)e +
		                                                     e->entries_offset);
		rg_hdr(g)->lost_events = 7;
		e->lost_events = 7;
		for (uint64_t k = 0; k < e->capacity; k++)
			if (s[k].fn == leaf)
				s[k].count += 2;       /* two entries: 4 calls more */
	} else if (bad) {
		struct vpr_trace *t = (struct vpr_trace *)(g->buf + chunk2);
		unsigned char *ev = (unsigned char *)t + RG_CHUNK_DATA;
		/* ev[4]: the scope's ENTER (after an EXIT and an INSTANT) */
		if (strcmp(bad, "tag") == 0)
			ev[4] = 3 | 4 << 2;
		else if (strcmp(bad, "id") == 0)
			ev[4] = 9 << 2;
		else if (strcmp(bad, "exit") == 0)   /* thread 5002 starts with an EXIT */
			((unsigned char *)g->buf + chunk3 + RG_CHUNK_DATA)[0] = VPR_TEV_EXIT;
		else if (strcmp(bad, "varint") == 0)
			ev[t->used - 1] |= 0x80;
		else if (strcmp(bad, "used") == 0)
			t->used = t->data_size + 8;
		else if (strcmp(bad, "shard") == 0)
			t->shard_id = 9;
	}
	rg_ev_free(&a);
	rg_ev_free(&b);
	rg_ev_free(&c);
	rg_finish(g);
}

/* N calls of mk_leaf under main, one thread, chunks of 1 MiB. */
static void big_trace(struct rawgen *g, uint64_t n)
{
	uint64_t leaf = (uint64_t)(uintptr_t)&mk_leaf, main_fn = (uint64_t)(uintptr_t)&main;
	struct rg_trace_id t[] = {
		{sites[3], main_fn, 1, 1, 0},
		{sites[0], leaf, n, 2, 0},
	};
	struct rg_events e = {0};
	uint64_t seq = 1, tick = 1000000, chunk_base = tick;
	ssize_t r;

	rg_begin(g, VPR_MODE_TRACE);
	rg_hdr(g)->clock = VPR_CLOCK_MONOTONIC;
	r = readlink("/proc/self/exe", rg_hdr(g)->exe_path, VPR_PATH_MAX - 1);
	rg_hdr(g)->exe_path[r > 0 ? r : 0] = '\0';
	rg_self_modules(g);
	rg_modules_end(g);
	rg_trace_table(g, 1, 0, 1, 4, t, 2);
	rg_ev_enter(&e, 1, 0);
	for (uint64_t i = 0; i < n; i++) {
		rg_ev_enter(&e, 2, 7);
		rg_ev_exit(&e, 20 + i % 5);
		tick += 27 + i % 5;
		if (e.len > (1u << 20) - 64) {
			/* main is open at every chunk's end; the first chunk entered it */
			rg_trace_chunk(g, 1, 77, seq, chunk_base, seq > 1, 0, e.buf, e.len, 1u << 20);
			seq++;
			e.len = 0;
			chunk_base = tick;
		}
	}
	rg_ev_exit(&e, 3);
	rg_trace_chunk(g, 1, 77, seq, chunk_base, seq > 1, 0, e.buf, e.len, 1u << 20);
	rg_ev_free(&e);
	rg_finish(g);
}

int main(int argc, char **argv)
{
	struct rawgen g;
	const char *kind;

	sites[3] = (uint64_t)(uintptr_t)__builtin_return_address(0);
	mk_work();
	__asm__ volatile("" ::: "memory");
	if (argc != 3 && !(argc == 4 && strncmp(argv[1], "trace", 5) == 0)) {
		fprintf(stderr, "usage: %s valid|truncated|version|swapped|zeroed|self|selftime OUT\n",
		        argv[0]);
		return 2;
	}
	kind = argv[1];
	if (strcmp(kind, "tracebig") == 0 && argc == 4) {
		big_trace(&g, strtoull(argv[3], NULL, 10));
	} else if (strcmp(kind, "trace") == 0 || strcmp(kind, "tracetsc") == 0 ||
	           strcmp(kind, "tracering") == 0 || strncmp(kind, "tracebad-", 9) == 0 ||
	           strcmp(kind, "tracelost") == 0) {
		self_trace(&g, strcmp(kind, "tracetsc") == 0 ? VPR_CLOCK_TSC : VPR_CLOCK_MONOTONIC,
		           strncmp(kind, "tracebad-", 9) == 0 ? kind + 9
		           : strcmp(kind, "tracelost") == 0 ? "lost" : NULL,
		           strcmp(kind, "tracering") == 0);
		if (argc == 4)
			rg_hdr(&g)->pid = atoll(argv[3]);
	} else if (strcmp(kind, "self") == 0 || strcmp(kind, "selftime") == 0) {
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
