/* SPDX-License-Identifier: MIT */
/*
 * fuzz_trace.c - libFuzzer harness of the trace readers: a byte string the
 * raw reader accepts as a trace-mode profile (raw_profile_read_mem(),
 * raw_read.c's trace index) has every stream walked by the cursor
 * (trace_read.c), which must refuse (one line) or give well-nested events
 * with timestamps that never decrease; then walked through the view with
 * every filter (trace_view.c), then aggregated (trace_aggregate.c).
 * docs/fuzzing.md.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "base/tool.h"
#include "model/trace_view.h"
#include "read/raw_profile.h"
#include "read/trace_read.h"

/* The cursor's contract, or abort (a finding). */
static void walk_streams(const struct raw_profile *rp)
{
	for (size_t s = 0; s < rp->trace->n_streams; s++) {
		struct trace_cursor *c = trace_cursor_open(rp, s);
		struct trace_event ev;
		uint64_t last = 0;
		uint32_t depth = 0;
		int r, any = 0;

		if (!c)
			abort();
		while ((r = trace_cursor_next(c, &ev)) == 1) {
			if (ev.kind == TRACE_ENTER && ev.depth != depth++)
				abort();
			if (ev.kind == TRACE_EXIT && (depth == 0 || ev.depth != --depth))
				abort();
			/* an OPEN mark's ENTER may start before the stream's first event */
			if (any && ev.ns < last && !(ev.kind == TRACE_ENTER && ev.synthetic))
				abort();
			if (ev.ns > last || !any)
				last = ev.ns;
			any = 1;
		}
		if (r == 0 && depth != 0)
			abort();
		trace_cursor_close(c);
	}
}

/* The view through some filters; names by address only: the module
 * records are hidden from profile_build() (no symbolizer is opened). */
static void walk_view(struct raw_profile *rp, const char *const *opts, size_t n)
{
	struct raw_profile *rps[1] = {rp};
	size_t n_modules = rp->n_modules, nt, i;
	struct trace_filter f = {0};
	struct trace_view *v;

	for (i = 0; i + 1 < n; i += 2)
		if (trace_filter_option(&f, opts[i], opts[i + 1]) != 0)
			abort();
	rp->n_modules = 0;
	v = trace_view_open(rps, 1, &f);
	rp->n_modules = n_modules;
	if (v) {
		const struct trace_view_thread *th = trace_view_threads(v, &nt);
		for (i = 0; i < nt; i++) {
			struct trace_event ev;
			uint32_t depth = 0;
			int r = trace_view_begin(v, i);
			while (r == 1 && (r = trace_view_next(v, &ev)) == 1) {
				if (ev.kind == TRACE_ENTER) {
					if (ev.depth != depth++)
						abort();
					(void)trace_view_fn_name(v, &th[i], ev.fn);
				} else if (ev.kind == TRACE_EXIT && (depth == 0 || ev.depth != --depth)) {
					abort();
				}
			}
			if (r == 0 && depth != 0)
				abort();
		}
	}
	trace_view_close(v);
	trace_filter_free(&f);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const filters[] = {
		"depth", "2", "filter", "0x1*", "filter", "-*3*", "min-duration", "20",
		"since", "50", "until", "2us",
	};
	struct raw_profile rp = {0};

	tool_error_mute(1);
	if (raw_profile_read_mem(data, size, "fuzz.vitraw", &rp) == 0 && rp.trace) {
		walk_streams(&rp);
		walk_view(&rp, NULL, 0);
		walk_view(&rp, filters, sizeof filters / sizeof *filters);
		if (trace_aggregate(&rp) == 0)
			(void)raw_ticks_to_ns(&rp, UINT64_MAX);
	}
	raw_profile_free(&rp);
	return 0;
}
