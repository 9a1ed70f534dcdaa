/* SPDX-License-Identifier: MIT */
/*
 * trace_export_gen.c - drives the trace writers (export_chrome_ops,
 * export_perfetto_ops) with events made here, without a raw profile:
 *
 *   trace_export_gen chrome|perfetto OUT --known FILE
 *       the trace FILE describes (tests/trace_export/known.trace: its
 *       header says the format), which the checks expect back exactly;
 *   trace_export_gen chrome|perfetto OUT --large N
 *       about N events on 4 threads of 2 processes (calls 3 deep under
 *       main, 64 function names, steps of 20 to 275 ns), then one line
 *       "events E bytes B seconds S events/s R bytes/event Q" on stdout.
 *
 * Times: ns from the start, the start being CLOCK_MONOTONIC 7e9 ns.
 * Exit 0, or 1 after a message.
 */
#define _GNU_SOURCE
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "export/export.h"
#include "vitprof_raw.h"

#define START_NS 7000000000ull
#define MAX_DEPTH 64
#define MAX_FIELDS 5

static const struct trace_export_ops *ops;
static void *writer;
static uint64_t n_events;
static char processes[16];          /* distinct addresses: one per process */

static void die(const char *what)
{
	fprintf(stderr, "trace_export_gen: %s\n", what);
	exit(1);
}

static void emit(const struct trace_event *ev, const char *name)
{
	if (ops->event(writer, ev, name) != 0)
		die("write error");
	n_events++;
}

/* A function's address: a hash of its name, below the scope range. */
static uint64_t fn_address(const char *name)
{
	uint64_t h = 1469598103934665603ull;

	while (*name)
		h = (h ^ (unsigned char)*name++) * 1099511628211ull;
	return 0x400000 + (h & 0xffffffull) * 16;
}

struct frame {
	char *name, *tag;
	uint64_t fn;
};

static void known(const char *path)
{
	FILE *in = fopen(path, "r");
	char line[1024], *f[MAX_FIELDS];
	struct frame stack[MAX_DEPTH];
	struct trace_view_thread t;
	char *pname = NULL, *tname = NULL;
	unsigned depth = 0, scopes = 0, nf, nproc = 0;
	int64_t pid = 0;
	size_t stream = 0;

	if (!in)
		die("cannot open the trace description");
	memset(&t, 0, sizeof t);
	while (fgets(line, sizeof line, in)) {
		struct trace_event ev;
		char *p = line;

		line[strcspn(line, "\n")] = '\0';
		if (line[0] == '#' || line[0] == '\0')
			continue;
		for (nf = 0; nf < MAX_FIELDS && p; nf++)
			f[nf] = strsep(&p, "\t");
		if (nf < (strchr("SC", line[0]) ? 4u : strchr("PTFI", line[0]) ? 3u : 2u))
			die("a line of the trace description lacks fields");
		memset(&ev, 0, sizeof ev);
		if (nf >= 2)
			ev.ns = START_NS + strtoull(f[1], NULL, 10);
		switch (line[0]) {
		case 'P':
			free(pname);
			pname = strdup(f[2]);
			pid = strtoll(f[1], NULL, 10);
			if (nproc == sizeof processes)
				die("too many processes");
			t.rp = (const struct raw_profile *)(void *)&processes[nproc++];
			break;
		case 'T':
			if (depth)
				die("a thread ends with open frames");
			free(tname);
			tname = strcmp(f[2], "-") ? strdup(f[2]) : NULL;
			t.stream = stream++;
			t.pid = pid;
			t.tid = strtoull(f[1], NULL, 10);
			t.process_name = pname;
			t.thread_name = tname;
			if (ops->thread(writer, &t) != 0)
				die("write error");
			break;
		case 'F':
		case 'S':
			if (depth == MAX_DEPTH)
				die("too deep");
			stack[depth].name = strdup(f[2]);
			stack[depth].tag = line[0] == 'S' && strcmp(f[3], "-") ? strdup(f[3]) : NULL;
			stack[depth].fn = line[0] == 'S' ? VPR_NAME_FN(++scopes) : fn_address(f[2]);
			ev.kind = TRACE_ENTER;
			ev.depth = depth;
			ev.fn = stack[depth].fn;
			ev.site = ev.fn + 5;
			ev.tag = stack[depth].tag;
			ev.name = line[0] == 'S' ? stack[depth].name : NULL;
			emit(&ev, stack[depth].name);
			depth++;
			break;
		case 'X':
			if (depth == 0)
				die("X without an open frame");
			depth--;
			ev.kind = TRACE_EXIT;
			ev.depth = depth;
			ev.fn = stack[depth].fn;
			ev.site = ev.fn + 5;
			emit(&ev, stack[depth].name);
			free(stack[depth].name);
			free(stack[depth].tag);
			break;
		case 'I':
			ev.kind = TRACE_INSTANT;
			ev.name = f[2];
			emit(&ev, f[2]);
			break;
		case 'C':
			ev.kind = TRACE_COUNTER;
			ev.name = f[2];
			ev.value = strtoll(f[3], NULL, 10);
			emit(&ev, f[2]);
			break;
		default:
			die("bad line in the trace description");
		}
	}
	fclose(in);
	free(pname);
	free(tname);
}

static void large(uint64_t n)
{
	static const char *const pnames[] = {"bench", "bench-child"};
	char names[64][32], inner[16][32];
	uint64_t per_thread = n / 4, rnd = 88172645463325252ull;
	unsigned i;

	for (i = 0; i < 64; i++)
		snprintf(names[i], sizeof names[i], "process_request_%02u", i);
	for (i = 0; i < 16; i++)
		snprintf(inner[i], sizeof inner[i], "hash_lookup_%u", i);
	for (i = 0; i < 4; i++) {
		struct trace_view_thread t = {
			.rp = (const struct raw_profile *)(void *)&processes[i / 2],
			.stream = i, .pid = 1000 + i / 2 * 100, .tid = 1000 + i / 2 * 100 + i % 2,
			.process_name = pnames[i / 2], .thread_name = i % 2 ? "worker" : NULL,
		};
		struct trace_event ev;
		uint64_t ns = START_NS + i, k = 0, e = 2;

		if (ops->thread(writer, &t) != 0)
			die("write error");
		memset(&ev, 0, sizeof ev);
		ev.kind = TRACE_ENTER;
		ev.ns = ns;
		ev.fn = fn_address("main");
		emit(&ev, "main");
		for (; e + 4 <= per_thread; e += 4, k++) {
			const char *outer = names[k % 64], *in = inner[k % 16];
			unsigned step;

			for (step = 0; step < 4; step++) {
				rnd ^= rnd << 13;
				rnd ^= rnd >> 7;
				rnd ^= rnd << 17;
				ns += 20 + (rnd & 255);
				memset(&ev, 0, sizeof ev);
				ev.ns = ns;
				ev.kind = step < 2 ? TRACE_ENTER : TRACE_EXIT;
				ev.depth = step == 0 || step == 3 ? 1 : 2;
				ev.fn = ev.depth == 1 ? 0x401000 + k % 64 * 64 : 0x402000 + k % 16 * 64;
				emit(&ev, ev.depth == 1 ? outer : in);
			}
		}
		memset(&ev, 0, sizeof ev);
		ev.kind = TRACE_EXIT;
		ev.ns = ns + 10;
		ev.fn = fn_address("main");
		emit(&ev, "main");
	}
}

int main(int argc, char **argv)
{
	FILE *out;
	struct timespec t0, t1;
	static char buf[1 << 20];
	uint64_t n = 0;

	if (argc != 5)
		die("usage: trace_export_gen chrome|perfetto OUT --known FILE|--large N");
	if (strcmp(argv[1], "chrome") == 0)
		ops = &export_chrome_ops;
	else if (strcmp(argv[1], "perfetto") == 0)
		ops = &export_perfetto_ops;
	else
		die("unknown format");
	out = fopen(argv[2], "wb");
	if (!out)
		die("cannot create the output");
	setvbuf(out, buf, _IOFBF, sizeof buf);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	writer = ops->open(out, START_NS);
	if (strcmp(argv[3], "--known") == 0)
		known(argv[4]);
	else if (strcmp(argv[3], "--large") == 0)
		large(n = strtoull(argv[4], NULL, 10));
	else
		die("--known FILE or --large N");
	if (ops->close(writer) != 0 || fclose(out) != 0)
		die("write error");
	clock_gettime(CLOCK_MONOTONIC, &t1);
	if (n) {
		struct stat st;
		double s = (double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;

		if (stat(argv[2], &st) != 0)
			die("cannot stat the output");
		printf("events %" PRIu64 " bytes %lld seconds %.3f events/s %.0f bytes/event %.2f\n",
		       n_events, (long long)st.st_size, s, n_events / s,
		       (double)st.st_size / (double)n_events);
	}
	return 0;
}
