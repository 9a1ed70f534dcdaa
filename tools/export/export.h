/* SPDX-License-Identifier: MIT */
/*
 * export/export.h - the writers of `vitprof export`'s formats other than
 * the .vitprof document (docs/export-formats.md,
 * docs/formats-callgraph.md), the calling-context tree that the folded
 * export and the flame graph share (export_folded.c), and the timeline
 * writers of trace profiles (export_chrome.c, export_perfetto.c;
 * docs/trace.md, "Exports").
 */
#ifndef VITPROF_EXPORT_H
#define VITPROF_EXPORT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "coverage/coverage.h"
#include "model/profile.h"
#include "model/trace_view.h"

/*
 * The other export formats (docs/export-formats.md). Each returns 0, -1 on
 * a write error (the caller reports it), or -2 after reporting a problem
 * of its own.
 *   export_sample.c      clang's sample-profile text of p, with cov's line
 *                        counts when cov is not NULL
 *   export_link_order.c  a function order for the linker from p's call
 *                        graph (C3): symbols, one per line (lld's
 *                        --symbol-ordering-file), or section names for
 *                        gold's --section-ordering-file
 */
int export_sample_profile(FILE *out, const struct profile *p, struct coverage *cov);
int export_link_order(FILE *out, const struct profile *p, struct coverage *cov);
int export_link_order_gold(FILE *out, const struct profile *p, struct coverage *cov);

/* Call-graph formats (docs/formats-callgraph.md), same return convention:
 *   export_callgrind.c  callgrind's profile format (KCachegrind)
 *   export_dot.c        a Graphviz call graph, cold nodes and edges pruned
 *   export_table.c      csv, and prometheus' text exposition format
 *   export_folded.c     folded stacks of a context-mode profile */
int export_callgrind(FILE *out, const struct profile *p, struct coverage *cov);
int export_dot(FILE *out, const struct profile *p, struct coverage *cov);
int export_csv(FILE *out, const struct profile *p, struct coverage *cov);
int export_prometheus(FILE *out, const struct profile *p, struct coverage *cov);
int export_folded(FILE *out, const struct profile *p, struct coverage *cov);

/*
 * export_folded.c: the calling-context tree of a context-mode profile,
 * merged over threads by path (function by function from the root), for
 * the folded export and the SVG flame graph (cmd_flamegraph.c).
 *
 * Node 0 is the synthetic root (name "all"). value is what the flame graph
 * counts for the node's own path: the calls that reached exactly this path
 * (timed false), or their self time in ns (timed true: context,time mode
 * with a usable clock). total is value plus the totals of its children, so
 * nodes[0].total is the sum of every value. Children of a node are linked
 * first_child / next_sibling in ascending name order (0: none).
 */
struct ctx_tree_node {
	const char *name;           /* function name, escaped (tool_text.c), ';' replaced by ':' */
	uint32_t parent;            /* node index; the root's is 0 */
	uint32_t depth;             /* root 0 */
	uint32_t first_child, next_sibling;
	uint64_t key;               /* function id, or 2^32 + address if unknown */
	uint64_t calls;             /* calls that reached exactly this path */
	uint64_t value, total;
};

struct ctx_tree {
	struct ctx_tree_node *nodes;
	size_t n, cap;
	uint32_t max_depth;
	int timed;                  /* values are self ns */
	char **owned;               /* names made here (unknown addresses) */
	size_t n_owned;
};

/* Builds the tree of p (p->raw must be a context-mode profile; otherwise
 * reports that and returns -1). Returns 0 or -1 after reporting; free with
 * ctx_tree_free() either way. */
int ctx_tree_build(struct ctx_tree *t, const struct profile *p);
void ctx_tree_free(struct ctx_tree *t);

/*
 * Bounds on what folded stacks and flame graphs show (docs/export-formats.md,
 * "Pruning"): a path whose total (calls, or ns, of it and everything below
 * it) is under min_share of the root's total is left out with its subtree,
 * as flame-graph tools drop frames too narrow to see; a path deeper than
 * max_depth frames is cut at that depth: below its frame at depth
 * max_depth, one frame "[deeper]" holds the totals of everything deeper
 * (sums are kept). min_share 0 and max_depth 0 keep everything.
 */
#define CTX_MIN_SHARE_DEFAULT 0.001      /* 0.1 % */
#define CTX_MAX_DEPTH_DEFAULT 256u
#define CTX_DEEPER_NAME "[deeper]"

struct ctx_limits {
	double min_share;           /* fraction of the root's total, 0..1 */
	uint32_t max_depth;         /* frames; 0: no limit */
};

struct ctx_pruned {
	uint64_t total;             /* the root's total before */
	size_t small_paths;         /* paths (folded lines) left out */
	uint64_t small_value;       /* and their values */
	size_t deep_paths;          /* paths cut into [deeper] frames */
	uint64_t deep_value;
};

/* Applies l to t (rebuilt in place) and says what it left out in *st. */
void ctx_tree_limit(struct ctx_tree *t, const struct ctx_limits *l, struct ctx_pruned *st);
/* One note line on stderr naming file, what (e.g. "folded") and what was
 * left out, when anything was. */
void ctx_pruned_note(const char *file, const char *what, const struct ctx_tree *t,
                     const struct ctx_pruned *st);
/* Parses --min-share's PCT ("0.1", "0.1%", "0") into *share (a fraction)
 * and --max-depth's N. Return 0 or -1. */
int ctx_parse_min_share(const char *arg, double *share);
int ctx_parse_max_depth(const char *arg, uint32_t *depth);
/* The limits `vitprof export --format folded` applies (cmd_export.c sets
 * them from the command line; the defaults otherwise). */
extern struct ctx_limits export_folded_limits;

/*
 * Timeline writers of trace profiles (docs/trace.md, "Exports"). A writer is
 * given the threads of a trace one after the other (trace_view_threads()
 * order: process by process) and, after each thread, that thread's events
 * in order, well nested (every ENTER has its EXIT, as trace_view_next()
 * gives them); it writes each event as it comes and keeps only tables as
 * large as the trace's distinct names, never events.
 *
 *   open(out, start_ns)   a writer on out; start_ns: CLOCK_MONOTONIC ns of
 *                         the trace's start (trace_view_start_ns())
 *   thread(w, t)          the events that follow are thread t's (t and the
 *                         strings it points to stay valid until the next
 *                         thread() or close())
 *   event(w, ev, name)    one event; name: the function's or scope's name
 *                         (ENTER, EXIT), the mark's or counter's
 *                         (INSTANT, COUNTER); never NULL
 *   close(w)              ends the output and frees w
 *
 * thread, event and close return 0, or -1 when writing failed (the caller
 * reports it; close still frees w).
 *   export_chrome.c    Chrome's Trace Event JSON (chrome://tracing,
 *                      Perfetto UI, speedscope)
 *   export_perfetto.c  Perfetto's protobuf trace (TrackEvent, interned
 *                      names, incremental timestamps)
 */
struct trace_export_ops {
	const char *name;                   /* the --format name */
	void *(*open)(FILE *out, uint64_t start_ns);
	int (*thread)(void *w, const struct trace_view_thread *t);
	int (*event)(void *w, const struct trace_event *ev, const char *name);
	int (*close)(void *w);
};
extern const struct trace_export_ops export_chrome_ops;
extern const struct trace_export_ops export_perfetto_ops;

#endif /* VITPROF_EXPORT_H */
