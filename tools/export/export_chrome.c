/* SPDX-License-Identifier: MIT */
/*
 * export_chrome.c - `vitprof export --format chrome`: a trace as Chrome's
 * Trace Event JSON (the "JSON Object Format"), which chrome://tracing,
 * Perfetto UI and speedscope open (docs/trace.md, "Exports"):
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
	int have_process;           /* process is valid */
	const void *process;        /* the process whose name was written last */
	char ids[64];               /* ,"pid":P,"tid":T of the current thread */
	size_t ids_len;
	char line[512];             /* the event being written */
};

/* An event is formatted into w->line (p: where the next byte goes) and
 * written with one fwrite; a string that needs escaping, or is long, is
 * written by json_write_escaped() between the parts before and after. */
#define LINE_ROOM(w, p) ((size_t)((w)->line + sizeof (w)->line - (p)))

static char *put(char *p, const char *s, size_t n)
{
	memcpy(p, s, n);
	return p + n;
}

#define PUT_LITERAL(p, s) put(p, s, sizeof s - 1)

static char *put_u64(char *p, uint64_t v)
{
	char tmp[20];
	int n = 0;

	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	while (n)
		*p++ = tmp[--n];
	return p;
}

/* s as a JSON string literal: copied when it is short plain ASCII, else
 * what is formatted so far goes out and json_write_escaped() writes s. */
static char *put_string(struct chrome_writer *w, char *p, const char *s)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t n = 0;

	while (u[n] >= 0x20 && u[n] < 0x7f && u[n] != '"' && u[n] != '\\')
		n++;
	if (u[n] == '\0' && n + 64 < LINE_ROOM(w, p)) {
		*p++ = '"';
		p = put(p, s, n);
		*p++ = '"';
		return p;
	}
	fwrite(w->line, 1, (size_t)(p - w->line), w->out);
	json_write_escaped(w->out, s);
	return w->line;
}

/* Starts an event in w->line: the separator, "ph" and the thread's ids. */
static char *event_head(struct chrome_writer *w, const char *ph)
{
	char *p = w->line;

	if (w->has_events)
		*p++ = ',';
	p = PUT_LITERAL(p, "\n{\"ph\":\"");
	p = put(p, ph, strlen(ph));
	*p++ = '"';
	p = put(p, w->ids, w->ids_len);
	w->has_events = 1;
	return p;
}

/* ,"ts":US.NNN: ns from the trace's start as microseconds (an event
 * before the start, which a view never gives, is put at 0). */
static char *event_ts(struct chrome_writer *w, char *p, uint64_t ns)
{
	uint64_t rel = ns > w->start_ns ? ns - w->start_ns : 0;
	unsigned frac = (unsigned)(rel % 1000);

	p = PUT_LITERAL(p, ",\"ts\":");
	p = put_u64(p, rel / 1000);
	*p++ = '.';
	*p++ = (char)('0' + frac / 100);
	*p++ = (char)('0' + frac / 10 % 10);
	*p++ = (char)('0' + frac % 10);
	return p;
}

static void event_end(struct chrome_writer *w, char *p)
{
	fwrite(w->line, 1, (size_t)(p - w->line), w->out);
}

static void metadata(struct chrome_writer *w, const char *what, const char *name)
{
	char *p = event_head(w, "M");

	p = PUT_LITERAL(p, ",\"name\":\"");
	p = put(p, what, strlen(what));
	p = PUT_LITERAL(p, "\",\"args\":{\"name\":");
	p = put_string(w, p, name);
	p = PUT_LITERAL(p, "}}");
	event_end(w, p);
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
	int n = snprintf(w->ids, sizeof w->ids, ",\"pid\":%" PRId64 ",\"tid\":%" PRIu64,
	                 t->pid, t->tid);

	w->ids_len = n > 0 && (size_t)n < sizeof w->ids ? (size_t)n : 0;
	if (!w->have_process || w->process != (const void *)t->rp) {
		metadata(w, "process_name", t->process_name ? t->process_name : "?");
		w->have_process = 1;
		w->process = t->rp;
	}
	if (t->thread_name)
		metadata(w, "thread_name", t->thread_name);
	return ferror(w->out) ? -1 : 0;
}

static int chrome_event(void *wp, const struct trace_event *ev, const char *name)
{
	struct chrome_writer *w = wp;
	int scope = VPR_IS_NAME_FN(ev->fn);
	char *p;

	switch (ev->kind) {
	case TRACE_ENTER:
		p = event_head(w, "B");
		p = event_ts(w, p, ev->ns);
		p = scope ? PUT_LITERAL(p, ",\"cat\":\"scope\",\"name\":")
		          : PUT_LITERAL(p, ",\"cat\":\"function\",\"name\":");
		break;
	case TRACE_EXIT:
		p = event_head(w, "E");
		p = event_ts(w, p, ev->ns);
		p = scope ? PUT_LITERAL(p, ",\"cat\":\"scope\",\"name\":")
		          : PUT_LITERAL(p, ",\"cat\":\"function\",\"name\":");
		break;
	case TRACE_INSTANT:
		p = event_head(w, "i");
		p = PUT_LITERAL(p, ",\"s\":\"t\"");
		p = event_ts(w, p, ev->ns);
		p = PUT_LITERAL(p, ",\"cat\":\"mark\",\"name\":");
		break;
	case TRACE_COUNTER:
		p = event_head(w, "C");
		p = event_ts(w, p, ev->ns);
		p = PUT_LITERAL(p, ",\"cat\":\"counter\",\"name\":");
		break;
	default:
		return 0;
	}
	p = put_string(w, p, name);
	if (ev->kind == TRACE_COUNTER) {
		p = PUT_LITERAL(p, ",\"args\":{\"value\":");
		if (ev->value < 0) {
			*p++ = '-';
			p = put_u64(p, -(uint64_t)ev->value);
		} else {
			p = put_u64(p, (uint64_t)ev->value);
		}
		*p++ = '}';
	} else if (ev->kind == TRACE_ENTER && ev->tag) {
		p = PUT_LITERAL(p, ",\"args\":{\"tag\":");
		p = put_string(w, p, ev->tag);
		*p++ = '}';
	}
	*p++ = '}';
	event_end(w, p);
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
