/* SPDX-License-Identifier: MIT */
/*
 * trace_export_mkraw.c - writes the trace a known.trace file describes
 * (its header says the format) as trace-mode raw profiles, one per
 * process, for `vitprof export --format chrome|perfetto` end to end:
 *
 *   trace_export_mkraw KNOWN OUTDIR
 *       writes OUTDIR/p<PID>.vitraw for each process of KNOWN: pid and
 *       exe_path "/known/<NAME>" in the header, this program's own modules
 *       (so that its functions below symbolize by name), CLOCK_MONOTONIC
 *       ticks from 7e9 ns, one shard per thread (its id table, one chunk
 *       of events), the NAMES section (scopes, marks, counters, tags,
 *       thread names).
 *
 * A function of KNOWN must be one of the functions defined here (main,
 * compute, leaf, worker_loop), which the symbolizer finds in this
 * program's symbol table. Exit 0, or 1 after a message.
 */
#define _GNU_SOURCE
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test_tool_rawgen.h"
#include "vitprof_raw.h"

#define START_NS 7000000000ull
#define MAX_IDS 64
#define MAX_NAMES 64
#define MAX_DEPTH 64

/* The functions a known trace may call: never called, only named. */
__attribute__((noinline, used)) void compute(void) { __asm__ volatile(""); }
__attribute__((noinline, used)) void leaf(void) { __asm__ volatile(""); }
__attribute__((noinline, used)) void worker_loop(void) { __asm__ volatile(""); }
int main(int argc, char **argv);

static void die(const char *what, const char *arg)
{
	fprintf(stderr, "trace_export_mkraw: %s%s%s\n", what, arg ? ": " : "", arg ? arg : "");
	exit(1);
}

static uint64_t function_address(const char *name)
{
	if (strcmp(name, "main") == 0)
		return (uint64_t)(uintptr_t)main;
	if (strcmp(name, "compute") == 0)
		return (uint64_t)(uintptr_t)compute;
	if (strcmp(name, "leaf") == 0)
		return (uint64_t)(uintptr_t)leaf;
	if (strcmp(name, "worker_loop") == 0)
		return (uint64_t)(uintptr_t)worker_loop;
	die("no such function here", name);
	return 0;
}

/* The process being written. */
static struct rawgen g;
static char *names[MAX_NAMES];          /* names[k]: NAMES id k + 1 */
static unsigned n_names;
static int have_process;
static char outdir[512];
static int64_t pid;

/* The thread being written: its table and events. */
static struct rg_trace_id ids[MAX_IDS];
static unsigned n_ids;
static struct rg_events ev;
static uint64_t thread_tid, shard, last_ns;
static int have_thread;
static unsigned depth;

/* The NAMES id of s (added when new). */
static uint64_t name_id(const char *s)
{
	unsigned k;

	for (k = 0; k < n_names; k++)
		if (strcmp(names[k], s) == 0)
			return k + 1;
	if (n_names == MAX_NAMES)
		die("too many names", s);
	names[n_names] = strdup(s);
	return ++n_names;
}

/* The id of a call of fn from a site of its own. */
static uint64_t call_id(uint64_t fn)
{
	unsigned k;

	for (k = 0; k < n_ids; k++)
		if (ids[k].fn == fn) {
			ids[k].count++;
			return ids[k].id;
		}
	if (n_ids == MAX_IDS)
		die("too many functions", NULL);
	ids[n_ids].site = (uint64_t)(uintptr_t)main + 1 + n_ids;
	ids[n_ids].fn = fn;
	ids[n_ids].count = 1;
	ids[n_ids].id = n_ids + 1;
	ids[n_ids].flags = 0;
	return ++n_ids;
}

static uint64_t dt(uint64_t ns)
{
	uint64_t d;

	if (ns < last_ns)
		die("times go back", NULL);
	d = ns - last_ns;
	last_ns = ns;
	return d;
}

/* Threads are written after the names: a process's events are kept as
 * chunks in memory until its end (rawgen appends sections in order). */
struct pending_thread {
	uint64_t tid, shard;
	char *name;
	struct rg_trace_id ids[MAX_IDS];
	unsigned n_ids;
	struct rg_events ev;
};
static struct pending_thread threads[16];
static unsigned n_threads;

static void thread_keep(void)
{
	struct pending_thread *t;

	if (!have_thread)
		return;
	if (depth)
		die("a thread ends with open frames", NULL);
	t = &threads[n_threads - 1];
	memcpy(t->ids, ids, sizeof ids);
	t->n_ids = n_ids;
	t->ev = ev;
	memset(&ev, 0, sizeof ev);
	have_thread = 0;
}

static void process_end(void)
{
	char path[600];
	unsigned i, k;

	thread_keep();
	if (!have_process)
		return;
	for (k = 0; k < n_names; k++)
		rg_name(&g, k + 1, names[k]);
	for (i = 0; i < n_threads; i++)
		if (threads[i].name)
			rg_thread_name(&g, threads[i].tid, threads[i].name);
	rg_names_end(&g);
	for (i = 0; i < n_threads; i++) {
		struct pending_thread *t = &threads[i];
		uint64_t cap = 4;

		while (cap < 2 * t->n_ids)
			cap *= 2;
		rg_trace_table(&g, t->shard, 0, 1, cap, t->ids, t->n_ids);
		rg_trace_chunk(&g, t->shard, t->tid, 1, START_NS, 0, 0, t->ev.buf, t->ev.len, 0);
		rg_ev_free(&t->ev);
		free(t->name);
	}
	rg_finish(&g);
	snprintf(path, sizeof path, "%s/p%" PRId64 ".vitraw", outdir, pid);
	if (rg_write(&g, path) != 0)
		die("cannot write", path);
	rg_free(&g);
	for (k = 0; k < n_names; k++)
		free(names[k]);
	n_names = 0;
	n_threads = 0;
	have_process = 0;
}

int main(int argc, char **argv)
{
	FILE *in;
	char line[1024];

	if (argc != 3)
		die("usage: trace_export_mkraw KNOWN OUTDIR", NULL);
	snprintf(outdir, sizeof outdir, "%s", argv[2]);
	in = fopen(argv[1], "r");
	if (!in)
		die("cannot open", argv[1]);
	while (fgets(line, sizeof line, in)) {
		char *f[5], *p = line;
		unsigned nf;

		line[strcspn(line, "\n")] = '\0';
		if (line[0] == '#' || line[0] == '\0')
			continue;
		for (nf = 0; nf < 5 && p; nf++)
			f[nf] = strsep(&p, "\t");
		if (nf < (strchr("SC", line[0]) ? 4u : strchr("PTFI", line[0]) ? 3u : 2u))
			die("a line lacks fields", line);
		switch (line[0]) {
		case 'P': {
			struct vpr_file_header *h;

			process_end();
			pid = strtoll(f[1], NULL, 10);
			rg_begin(&g, VPR_MODE_TRACE);
			h = rg_hdr(&g);
			h->clock = VPR_CLOCK_MONOTONIC;
			h->session = 0x5e55;
			h->pid = (int32_t)pid;
			snprintf(h->exe_path, sizeof h->exe_path, "/known/%s", f[2]);
			rg_self_modules(&g);
			rg_modules_end(&g);
			have_process = 1;
			break;
		}
		case 'T':
			thread_keep();
			if (n_threads == 16)
				die("too many threads", NULL);
			thread_tid = strtoull(f[1], NULL, 10);
			shard = n_threads + 1;
			threads[n_threads].tid = thread_tid;
			threads[n_threads].shard = shard;
			threads[n_threads].name = strcmp(f[2], "-") ? strdup(f[2]) : NULL;
			n_threads++;
			n_ids = 0;
			last_ns = 0;
			have_thread = 1;
			break;
		case 'F':
			rg_ev_enter(&ev, call_id(function_address(f[2])), dt(strtoull(f[1], NULL, 10)));
			depth++;
			break;
		case 'S': {
			uint64_t d = dt(strtoull(f[1], NULL, 10));

			rg_ev_enter(&ev, call_id(VPR_NAME_FN(name_id(f[2]))), d);
			if (strcmp(f[3], "-"))
				rg_ev_tag(&ev, name_id(f[3]));
			depth++;
			break;
		}
		case 'X':
			if (!depth)
				die("X without an open frame", NULL);
			rg_ev_exit(&ev, dt(strtoull(f[1], NULL, 10)));
			depth--;
			break;
		case 'I':
			rg_ev_instant(&ev, dt(strtoull(f[1], NULL, 10)), name_id(f[2]));
			break;
		case 'C':
			rg_ev_counter(&ev, dt(strtoull(f[1], NULL, 10)), name_id(f[2]),
			              strtoll(f[3], NULL, 10));
			break;
		default:
			die("bad line", line);
		}
	}
	fclose(in);
	process_end();
	return 0;
}
