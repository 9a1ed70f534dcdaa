/* SPDX-License-Identifier: MIT */
/*
 * export_chrome.c - `vitprof export --format chrome`: a trace as Chrome's
 * Trace Event JSON (the "JSON Object Format"), which chrome://tracing,
 * Perfetto UI and speedscope open (docs/trace-export.md):
 *
 *   {"displayTimeUnit":"ns","otherData":{...},"traceEvents":[
 *   {"ph":"M","name":"process_name","pid":P,"tid":T,"args":{"name":"prog"}},
 *   {"ph":"M","name":"thread_name","pid":P,"tid":T,"args":{"name":"worker"}},
 *   {"ph":"B","pid":P,"tid":T,"ts":12.345,"cat":"function","name":"main"},
 *   {"ph":"B",...,"cat":"scope","name":"phase","args":{"tag":"init"}},
 *   {"ph":"i","s":"t",...,"cat":"mark","name":"ready"},
 *   {"ph":"C",...,"cat":"counter","name":"queue","args":{"value":5}},
 *   {"ph":"E",...,"cat":"function","name":"main"},
 *   ...]}
 *
 * ts: microseconds from the trace's start, with the nanoseconds as three
 * decimals. Every E repeats its B's name and category (speedscope matches
 * them by name). Events are written one by one as they come, thread after
 * thread; nothing is kept but the current thread's ids. Strings go through
 * json_write_escaped(), so the output is valid JSON whatever the names.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/json_write.h"
#include "base/tool.h"
#include "export/export.h"
#include "vitprof_raw.h"

struct chrome_writer {
	FILE *out;
	uint64_t start_ns;
	int has_events;             /* an event was written: the next needs a ',' */
	int have_pid;               /* last_pid is valid */
	int64_t last_pid;           /* the process whose name was written last */
	char ids[64];               /* ,"pid":P,"tid":T of the current thread */
};

/* Writes "ph" and the thread's ids: the start of every event. */
static void event_head(struct chrome_writer *w, const char *ph)
{
	fputs(w->has_events ? ",\n{\"ph\":\"" : "\n{\"ph\":\"", w->out);
	fputs(ph, w->out);
	putc('"', w->out);
	fputs(w->ids, w->out);
	w->has_events = 1;
}

/* ,"ts":US.NNN: ns from the trace's start as microseconds (an event
 * before the start, which a view never gives, is put at 0). */
static void event_ts(struct chrome_writer *w, uint64_t ns)
{
	uint64_t rel = ns > w->start_ns ? ns - w->start_ns : 0;

	fprintf(w->out, ",\"ts\":%" PRIu64 ".%03u", rel / 1000, (unsigned)(rel % 1000));
}

static void metadata(struct chrome_writer *w, const char *what, const char *name)
{
	event_head(w, "M");
	fputs(",\"name\":\"", w->out);
	fputs(what, w->out);
	fputs("\",\"args\":{\"name\":", w->out);
	json_write_escaped(w->out, name);
	fputs("}}", w->out);
}

static void *chrome_open(FILE *out, uint64_t start_ns)
{
	struct chrome_writer *w = xcalloc(1, sizeof *w);

	w->out = out;
	w->start_ns = start_ns;
	fprintf(out, "{\"displayTimeUnit\":\"ns\",\"otherData\":{\"producer\":\"%s\","
	        "\"start_monotonic_ns\":%" PRIu64 "},\n\"traceEvents\":[",
	        TOOL_PRODUCER, start_ns);
	return w;
}

/* process_name once per process (threads come process by process), then
 * thread_name when the thread has one. */
static int chrome_thread(void *wp, const struct trace_view_thread *t)
{
	struct chrome_writer *w = wp;

	snprintf(w->ids, sizeof w->ids, ",\"pid\":%" PRId64 ",\"tid\":%" PRIu64, t->pid, t->tid);
	if (!w->have_pid || w->last_pid != t->pid) {
		metadata(w, "process_name", t->process_name ? t->process_name : "?");
		w->have_pid = 1;
		w->last_pid = t->pid;
	}
	if (t->thread_name)
		metadata(w, "thread_name", t->thread_name);
	return ferror(w->out) ? -1 : 0;
}

static int chrome_event(void *wp, const struct trace_event *ev, const char *name)
{
	struct chrome_writer *w = wp;
	const char *cat = VPR_IS_NAME_FN(ev->fn) ? "scope" : "function";

	switch (ev->kind) {
	case TRACE_ENTER:
		event_head(w, "B");
		break;
	case TRACE_EXIT:
		event_head(w, "E");
		break;
	case TRACE_INSTANT:
		event_head(w, "i");
		fputs(",\"s\":\"t\"", w->out);
		cat = "mark";
		break;
	case TRACE_COUNTER:
		event_head(w, "C");
		cat = "counter";
		break;
	default:
		return 0;
	}
	event_ts(w, ev->ns);
	fputs(",\"cat\":\"", w->out);
	fputs(cat, w->out);
	fputs("\",\"name\":", w->out);
	json_write_escaped(w->out, name);
	if (ev->kind == TRACE_COUNTER)
		fprintf(w->out, ",\"args\":{\"value\":%" PRId64 "}", ev->value);
	else if (ev->kind == TRACE_ENTER && ev->tag) {
		fputs(",\"args\":{\"tag\":", w->out);
		json_write_escaped(w->out, ev->tag);
		putc('}', w->out);
	}
	putc('}', w->out);
	return ferror(w->out) ? -1 : 0;
}

static int chrome_close(void *wp)
{
	struct chrome_writer *w = wp;
	int rc;

	fputs("\n]}\n", w->out);
	rc = ferror(w->out) ? -1 : 0;
	free(w);
	return rc;
}

const struct trace_export_ops export_chrome_ops = {
	"chrome", chrome_open, chrome_thread, chrome_event, chrome_close,
};
