/* SPDX-License-Identifier: MIT */
/*
 * vitprof.h - the public API of vitprof's runtime (libvitprof_rt).
 *
 * A program built with `vitprof flags --compile` / `--link` needs none of
 * this: the runtime starts by itself at the first instrumented call, writes
 * the raw profile while the program runs (the counters live in a file
 * mapping, so a crash or SIGKILL loses nothing) and closes it at exit.
 * -fprofile-arcs code needs none of it either: the runtime also provides
 * libgcov's entry points (__gcov_init, __gcov_dump, __gcov_reset, ...; see
 * docs/runtime.md) and records the arc counters in the same file.
 * These calls are for programs that want more control. Each returns 0 on
 * success and -1 on failure (with errno set), never aborts, and is safe to
 * call before the first instrumented call.
 *
 * Environment, read once at start:
 *   VITPROF_FILE     raw profile path; %p pid, %h host name, %e executable
 *                    name, %m the program's signature (online merging: each
 *                    run counts into <path>.<pid> and adds it into <path>,
 *                    under a lock, at exit; see docs/runtime.md), %% a
 *                    percent sign. Default "%e.%p.vitraw" in the current
 *                    directory.
 *   VITPROF_MODE     "count" (default): exact call counts per call edge;
 *                    "time": also inclusive and self time per edge and
 *                    function, from a per-thread shadow stack;
 *                    "context": exact call counts per calling-context path
 *                    (a tree per thread, for flame graphs; per-site counts
 *                    are those of each path's first call site);
 *                    "context,time" (or "time,context"): also inclusive
 *                    and self time per path. Anything else counts calls,
 *                    with one stderr line. Online merging (%m) merges
 *                    context pools by path, as `vitprof merge` does.
 *   VITPROF_VERBOSE  "1": one stderr line per event worth knowing (file
 *                    created, module recorded, table grown). Losses are
 *                    reported once even without it.
 */
#ifndef VITPROF_H
#define VITPROF_H

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__)
#define VITPROF_API __attribute__((visibility("default"), no_instrument_function))
#else
#define VITPROF_API
#endif

/*
 * Makes the raw profile complete and durable now: copies the gcov arc
 * counters kept in copy mode into the file (in-place ones are always
 * there), updates the header (clock calibration, end time), and msync()s
 * the file. Counting goes on. With %m it does not merge: only exit does.
 */
VITPROF_API int vitprof_dump(void);

/*
 * Sets every counter (and time) of every thread to zero, e.g. after a warm-up
 * phase, and every gcov arc counter (-fprofile-arcs code). Counts that other
 * threads make while the reset runs may survive it.
 */
VITPROF_API int vitprof_reset(void);

/*
 * Moves the raw profile to path (VITPROF_FILE's % patterns apply), keeping
 * the counts so far: later counts go to the new file and the old file is
 * removed. Call it while no other thread is making instrumented calls (e.g.
 * at the start of main). On failure the old file stays in use.
 */
VITPROF_API int vitprof_set_file(const char *path);

/*
 * Writes the path of the raw profile in use into buf (size len) and returns
 * 0, or returns -1 when there is none (not started, or the file could not
 * be created). With %m this is the run's own file, <pool>.<pid>, not the
 * pool it is merged into at exit.
 */
VITPROF_API int vitprof_get_file(char *buf, unsigned long len);

/* ---- trace mode and marks ------------------------------------------------
 *
 * VITPROF_MODE=trace records every call of every thread on a timeline
 * (docs/trace.md). These calls work in every mode and never fail the
 * program: a name is any NUL-terminated string (the first 255 bytes are
 * kept); the runtime keeps its own copy. Called from a signal handler
 * that interrupted the runtime's hook, a call records nothing, counts a
 * loss and returns -1 with errno EBUSY.
 */

/*
 * Opens a named scope (a phase of the program), closed by the matching
 * vitprof_scope_end() in the same function, or by VITPROF_SCOPE at the end
 * of the block. It is recorded as a call from the calling function: in
 * count mode it is counted, in time and context modes counted and timed
 * (the calls made inside it nest under it), in trace mode it is a span on
 * the timeline; tag (NULL: none) is shown with it in trace exports. A
 * longjmp out of the function closes the scope as it closes the function.
 * Up to 7 scopes may be open at once in one call of a function (an 8th
 * closes the 7th). -1 with errno EINVAL for a NULL name, ENOMEM when no
 * more names can be recorded.
 */
VITPROF_API int vitprof_scope_begin(const char *name, const char *tag);
/* Closes the calling function's innermost open scope named name, with the
 * scopes it opened after it and left open. A name not among them closes
 * nothing: -1 with errno ENOENT (that scope closes when its function
 * returns). Count mode keeps no stack and returns 0 without checking. */
VITPROF_API int vitprof_scope_end(const char *name);

/* An instant event on the timeline (trace mode); elsewhere a call of name
 * with no duration, counted in the calling function. */
VITPROF_API int vitprof_instant(const char *name);
/* The value of counter name from now on, on the timeline (trace mode;
 * nothing elsewhere). */
VITPROF_API int vitprof_counter(const char *name, long long value);
/* Names the calling thread in the profile. Names the runtime sees
 * otherwise (pthread_setname_np(), the thread's comm) do not replace it. */
VITPROF_API int vitprof_thread_name(const char *name);

/*
 * Trace mode: stops and starts recording events, for every thread (a
 * call that was recorded when it began is recorded when it returns, so
 * the timeline stays well nested). VITPROF_TRACE_START=FUNCTION starts
 * stopped and starts at the first call of FUNCTION. Counts go on.
 */
VITPROF_API int vitprof_trace_start(void);
VITPROF_API int vitprof_trace_stop(void);

/* Scope of the rest of the enclosing block: VITPROF_SCOPE("parse"); */
#if defined(__GNUC__)
static inline __attribute__((always_inline, no_instrument_function, unused)) void
vitprof_scope_cleanup__(const char *const *name)
{
	vitprof_scope_end(*name);
}
#define VITPROF_CAT2__(a, b) a##b
#define VITPROF_CAT__(a, b) VITPROF_CAT2__(a, b)
#define VITPROF_SCOPE(name)                                                   \
	const char *const VITPROF_CAT__(vitprof_scope__, __LINE__)                \
		__attribute__((cleanup(vitprof_scope_cleanup__), unused)) =           \
		(vitprof_scope_begin((name), 0), (name))
#endif

#ifdef __cplusplus
}
#endif

#endif /* VITPROF_H */
