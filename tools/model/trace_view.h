/* SPDX-License-Identifier: MIT */
/*
 * model/trace_view.h - a trace as the commands see it: the streams of one
 * or more trace profiles (processes of one session), functions named
 * through the symbolizer, and the filters every trace command takes
 * (`vitprof replay`, `export --format chrome|perfetto`):
 *
 *   --tid TID          only these threads (repeatable)
 *   --depth N          only frames at depth < N (0 = the outermost)
 *   --filter GLOB      only calls of matching functions and what they call;
 *                      -GLOB: not matching ones nor what they call
 *                      (repeatable; as VITPROF_FILTER at record time)
 *   --min-duration D   only calls lasting at least D (ns, us, ms, s);
 *                      a shorter call's time stays in its caller's
 *   --since T, --until T  only what happens in [T, T'), T from the
 *                      start of the first process (ns, us, ms, s); a call
 *                      crossing an edge is cut at it
 *
 * A filtered view is still well nested: every ENTER it gives has its EXIT.
 * It holds one thread's open frames at a time, never the whole trace.
 */
#ifndef VITPROF_TRACE_VIEW_H
#define VITPROF_TRACE_VIEW_H

#include <stddef.h>
#include <stdint.h>

#include "read/trace_read.h"

struct raw_profile;

struct trace_filter {
	uint64_t *tids;             /* owned; NULL: every thread */
	size_t n_tids;
	uint32_t max_depth;         /* 0: no limit */
	char **globs;               /* owned; a leading '-' excludes */
	size_t n_globs;
	uint64_t min_ns;            /* 0: none */
	uint64_t since_ns, until_ns;  /* relative to the trace start; until 0: no end */
};

/* Parses one of the options above (opt without dashes: "tid", "depth",
 * "filter", "min-duration", "since", "until"); 0, or -1 after a message. */
int trace_filter_option(struct trace_filter *f, const char *opt, const char *arg);
void trace_filter_free(struct trace_filter *f);

/* One thread of the view: process and thread, for the exporters. */
struct trace_view_thread {
	const struct raw_profile *rp;   /* its process's profile */
	size_t stream;                  /* index in rp->trace->streams */
	int64_t pid;
	uint64_t tid;
	const char *process_name;       /* the executable's name */
	const char *thread_name;        /* NULL: unnamed */
};

struct trace_view;

/* The view of the trace profiles rps[0..n) (one per process, read by
 * raw_profile_read()) through filter f (NULL: none). NULL after a message. */
struct trace_view *trace_view_open(struct raw_profile *const *rps, size_t n,
                                   const struct trace_filter *f);
void trace_view_close(struct trace_view *v);

/* Its threads, process by process, and their count. */
const struct trace_view_thread *trace_view_threads(const struct trace_view *v, size_t *n);
/* CLOCK_MONOTONIC ns of the view's first event (times are shown from it). */
uint64_t trace_view_start_ns(const struct trace_view *v);

/* The name of a function or scope of thread t's process (never NULL). */
const char *trace_view_fn_name(struct trace_view *v, const struct trace_view_thread *t,
                               uint64_t fn);

/* Walks thread i's filtered events in order: 1, 0 at the end, -1 on
 * corrupt data (reported). One walk at a time per view. */
int trace_view_begin(struct trace_view *v, size_t i);
int trace_view_next(struct trace_view *v, struct trace_event *ev);

/* Several walks at once (`vitprof replay` interleaves threads): a walk
 * over thread i's filtered events, NULL after a message; its events as
 * trace_view_next() gives them (1, 0 at the end, -1 on corrupt data,
 * reported). Each walk holds its thread's open frames and one chunk. */
struct trace_walk;
struct trace_walk *trace_view_walk(struct trace_view *v, size_t i);
int trace_walk_next(struct trace_walk *w, struct trace_event *ev);
void trace_walk_close(struct trace_walk *w);

#endif /* VITPROF_TRACE_VIEW_H */
