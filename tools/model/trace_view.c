/* SPDX-License-Identifier: MIT */
/*
 * trace_view.c - the filtered, named view of the traces of one session
 * (model/trace_view.h): its threads, the names of their functions, and
 * one thread's events through the filters.
 *
 * Names: each process's functions are named by a symbolized profile of
 * its raw profile (profile_build(): one symbolizer module per loaded
 * object, opened once), whose edges are the id tables' entries: every
 * function an event can name is a callee of one. Scopes are named from
 * the NAMES section.
 *
 * The walk is a pipeline of three stages, each keeping only the frames
 * open on the thread:
 *   window   --since/--until: events in [since, until) of the view's
 *            start (an EXIT at `since` is before it); the frames open at
 *            `since` get a synthetic ENTER there, those open at `until` a
 *            synthetic EXIT there, and the walk ends.
 *   select   --filter (uftrace -F/-N: a frame is shown when no -GLOB
 *            frame encloses it and, with some GLOB, a GLOB frame does or it
 *            is one) and --depth (shown frames nested below N shown ones
 *            are hidden). A mark is shown when its innermost frame is
 *            (outside every frame: when there is no GLOB).
 *   duration --min-duration: a shown frame's ENTER waits (pending) until
 *            the frame has lasted D, then goes out with the marks queued
 *            after it; a frame returning sooner goes with its ENTER (its
 *            children are shorter still); marks stay. The queue holds the
 *            events of less than D of the thread's time.
 * The output renumbers depths among shown frames, so it is well nested.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <fnmatch.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "base/tool.h"
#include "model/profile.h"
#include "model/trace_view.h"
#include "read/raw_profile.h"

#define uthash_fatal(msg) tool_oom()
#include <uthash.h>

/* A process's function names, by runtime address (cached). */
struct name_ent {
	uint64_t fn;
	const char *name;
	char *owned;                /* name, when made here */
	UT_hash_handle hh;
};

struct process {
	struct raw_profile *rp;
	struct profile prof;
	int built;
	struct name_ent *names;
	const char *exe_name;
};

/* A frame of the select stage. */
struct sel_frame {
	unsigned char shown, inc, exc;
};

/* An event queue (FIFO). */
struct evq {
	struct trace_event *v;
	size_t head, n, cap;
};

struct trace_view {
	struct trace_filter f;      /* copy; globs and tids borrowed from the caller's */
	struct process *procs;
	size_t n_procs;
	struct trace_view_thread *threads;
	size_t n_threads;
	uint64_t start_ns;
	uint64_t since, until;      /* absolute ns; until UINT64_MAX: none */
	size_t n_include;
	struct trace_walk *walk;    /* trace_view_begin()'s */
};

/* One walk over one thread's events (trace_view_walk()). */
struct trace_walk {
	struct trace_view *v;
	size_t cur;                 /* thread being walked */
	struct trace_cursor *c;
	int at_end;
	/* window stage: the frames open (their ENTERs) */
	struct trace_event *win;
	size_t n_win, cap_win;
	int in_window;              /* since reached */
	/* select stage */
	struct sel_frame *sel;
	size_t n_sel, cap_sel;
	uint32_t shown_depth;
	uint64_t in_count, out_count;
	/* duration stage: pending ENTERs and queued marks, then output */
	struct evq pend;
	struct evq out;
	uint32_t out_depth;
	/* per frame of the duration stage: 1 shown (ENTER out), 0 pending */
	unsigned char *dur;
	size_t n_dur, cap_dur;
};

/* ---- options -------------------------------------------------------------- */

/* Parses a duration or time "N[ns|us|ms|s]" (default ns) into *ns. */
static int parse_duration(const char *opt, const char *arg, uint64_t *ns)
{
	char *end;
	unsigned long long v;
	uint64_t mul = 1;

	errno = 0;
	if (!isdigit((unsigned char)arg[0]))
		goto bad;
	v = strtoull(arg, &end, 10);
	if (errno)
		goto bad;
	if (*end == '\0' || strcmp(end, "ns") == 0)
		mul = 1;
	else if (strcmp(end, "us") == 0)
		mul = 1000;
	else if (strcmp(end, "ms") == 0)
		mul = 1000000;
	else if (strcmp(end, "s") == 0)
		mul = 1000000000;
	else
		goto bad;
	if (v > UINT64_MAX / mul)
		goto bad;
	*ns = (uint64_t)v * mul;
	return 0;
bad:
	tool_error(NULL, "--%s '%s': not a time (a number with ns, us, ms or s)", opt, arg);
	return -1;
}

int trace_filter_option(struct trace_filter *f, const char *opt, const char *arg)
{
	char *end;
	unsigned long long v;

	if (strcmp(opt, "tid") == 0) {
		errno = 0;
		v = strtoull(arg, &end, 10);
		if (!isdigit((unsigned char)arg[0]) || *end || errno || v == 0) {
			tool_error(NULL, "--tid '%s': not a thread id", arg);
			return -1;
		}
		f->tids = xreallocarray(f->tids, f->n_tids + 1, sizeof *f->tids);
		f->tids[f->n_tids++] = v;
		return 0;
	}
	if (strcmp(opt, "depth") == 0) {
		errno = 0;
		v = strtoull(arg, &end, 10);
		if (!isdigit((unsigned char)arg[0]) || *end || errno || v == 0 || v > UINT32_MAX) {
			tool_error(NULL, "--depth '%s': not a depth of at least 1", arg);
			return -1;
		}
		f->max_depth = (uint32_t)v;
		return 0;
	}
	if (strcmp(opt, "filter") == 0) {
		if (!arg[0] || (arg[0] == '-' && !arg[1])) {
			tool_error(NULL, "--filter '%s': an empty pattern", arg);
			return -1;
		}
		f->globs = xreallocarray(f->globs, f->n_globs + 1, sizeof *f->globs);
		f->globs[f->n_globs++] = xstrdup(arg);
		return 0;
	}
	if (strcmp(opt, "min-duration") == 0)
		return parse_duration(opt, arg, &f->min_ns);
	if (strcmp(opt, "since") == 0)
		return parse_duration(opt, arg, &f->since_ns);
	if (strcmp(opt, "until") == 0)
		return parse_duration(opt, arg, &f->until_ns);
	tool_error(NULL, "no trace filter --%s", opt);
	return -1;
}

void trace_filter_free(struct trace_filter *f)
{
	size_t i;

	for (i = 0; i < f->n_globs; i++)
		free(f->globs[i]);
	free(f->globs);
	free(f->tids);
	memset(f, 0, sizeof *f);
}

/* ---- the view ------------------------------------------------------------- */

static int tid_selected(const struct trace_filter *f, uint64_t tid)
{
	size_t i;

	if (!f->n_tids)
		return 1;
	for (i = 0; i < f->n_tids; i++)
		if (f->tids[i] == tid)
			return 1;
	return 0;
}

/* CLOCK_MONOTONIC ns of stream s's first event into *ns; 0 (no event),
 * 1, or -1 on corrupt data (reported). */
static int first_ns(const struct raw_profile *rp, size_t s, uint64_t *ns)
{
	struct trace_cursor *c = trace_cursor_open(rp, s);
	struct trace_event ev;
	int r;

	if (!c)
		return -1;
	r = trace_cursor_next(c, &ev);
	if (r == 1)
		*ns = ev.ns;
	trace_cursor_close(c);
	return r;
}

struct trace_view *trace_view_open(struct raw_profile *const *rps, size_t n,
                                   const struct trace_filter *f)
{
	struct trace_view *v = xcalloc(1, sizeof *v);
	size_t i, s, k;
	int have_start = 0;

	if (f)
		v->f = *f;
	for (i = 0; i < v->f.n_globs; i++)
		v->n_include += v->f.globs[i][0] != '-';
	v->procs = xcalloc(n ? n : 1, sizeof *v->procs);
	v->n_procs = n;
	for (i = 0; i < n; i++) {
		struct process *p = &v->procs[i];
		const char *slash;

		p->rp = rps[i];
		if (p->rp->mode != VPR_MODE_TRACE || !p->rp->trace) {
			tool_error(p->rp->file, "a %s-mode profile has no timeline: record it with"
			           " VITPROF_MODE=trace", raw_mode_name(p->rp->mode));
			goto fail;
		}
		if (i && rps[0]->trace->session && p->rp->trace->session &&
		    p->rp->trace->session != rps[0]->trace->session)
			tool_warn(p->rp->file, "not of the trace session of %s (session %016" PRIx64
			          ", not %016" PRIx64 "): its times may not line up", rps[0]->file,
			          p->rp->trace->session, rps[0]->trace->session);
		slash = strrchr(p->rp->exe_path, '/');
		p->exe_name = slash && slash[1] ? slash + 1 : p->rp->exe_path;
		if (profile_build(&p->prof, p->rp, NULL) != 0)
			goto fail;
		p->built = 1;
		for (s = 0; s < p->rp->trace->n_streams; s++) {
			const struct trace_stream *st = &p->rp->trace->streams[s];
			struct trace_view_thread *t;
			uint64_t ns = 0;
			int r = first_ns(p->rp, s, &ns);

			if (r < 0)
				goto fail;
			if (r == 1 && (!have_start || ns < v->start_ns)) {
				v->start_ns = ns;
				have_start = 1;
			}
			if (!tid_selected(&v->f, st->tid))
				continue;
			k = v->n_threads++;
			v->threads = xreallocarray(v->threads, v->n_threads, sizeof *v->threads);
			t = &v->threads[k];
			t->rp = p->rp;
			t->stream = s;
			t->pid = p->rp->pid;
			t->tid = st->tid;
			t->process_name = p->exe_name;
			t->thread_name = st->name;
		}
	}
	v->since = v->start_ns + v->f.since_ns;
	v->until = v->f.until_ns ? v->start_ns + v->f.until_ns : UINT64_MAX;
	if (v->since < v->start_ns || (v->f.until_ns && v->until < v->start_ns))
		v->until = UINT64_MAX;   /* past 2^64 ns: no bound */
	return v;
fail:
	trace_view_close(v);
	return NULL;
}

void trace_view_close(struct trace_view *v)
{
	size_t i;

	if (!v)
		return;
	trace_walk_close(v->walk);
	for (i = 0; i < v->n_procs; i++) {
		struct process *p = &v->procs[i];
		struct name_ent *e, *et;
		HASH_ITER(hh, p->names, e, et) {
			HASH_DEL(p->names, e);
			free(e->owned);
			free(e);
		}
		if (p->built)
			profile_free(&p->prof);
	}
	free(v->procs);
	free(v->threads);
	free(v);
}

const struct trace_view_thread *trace_view_threads(const struct trace_view *v, size_t *n)
{
	*n = v->n_threads;
	return v->threads;
}

uint64_t trace_view_start_ns(const struct trace_view *v)
{
	return v->start_ns;
}

static struct process *process_of(struct trace_view *v, const struct raw_profile *rp)
{
	size_t i;

	for (i = 0; i < v->n_procs; i++)
		if (v->procs[i].rp == rp)
			return &v->procs[i];
	return &v->procs[0];
}

/* The name of fn in process p (cached). */
static const char *fn_name(struct process *p, uint64_t fn)
{
	struct name_ent *e;
	const struct prof_function *f;
	const char *name;

	HASH_FIND(hh, p->names, &fn, sizeof fn, e);
	if (e)
		return e->name;
	f = profile_callee(&p->prof, fn);
	name = f ? f->name : raw_profile_fn_name(p->rp, fn);
	if (!name) {
		/* not in any table: the profile still names it, once */
		e = xcalloc(1, sizeof *e);
		e->owned = VPR_IS_NAME_FN(fn) ? tool_asprintf("scope#%" PRIu64, (uint64_t)(fn & ~VPR_NAME_FN_BASE))
		                              : tool_asprintf("0x%" PRIx64, fn);
		name = e->owned;
	} else {
		e = xcalloc(1, sizeof *e);
	}
	e->fn = fn;
	e->name = name;
	HASH_ADD(hh, p->names, fn, sizeof e->fn, e);
	return name;
}

const char *trace_view_fn_name(struct trace_view *v, const struct trace_view_thread *t,
                               uint64_t fn)
{
	return fn_name(process_of(v, t->rp), fn);
}

/* ---- the walk ------------------------------------------------------------- */

static void q_push(struct evq *q, const struct trace_event *ev)
{
	if (q->n == q->cap) {
		size_t ncap = q->cap ? 2 * q->cap : 64, i;
		struct trace_event *nv = xcalloc(ncap, sizeof *nv);
		for (i = 0; i < q->n; i++)
			nv[i] = q->v[(q->head + i) % q->cap];
		free(q->v);
		q->v = nv;
		q->head = 0;
		q->cap = ncap;
	}
	q->v[(q->head + q->n) % q->cap] = *ev;
	q->n++;
}

static struct trace_event *q_at(struct evq *q, size_t i)
{
	return &q->v[(q->head + i) % q->cap];
}

static void q_pop(struct evq *q, struct trace_event *ev)
{
	*ev = q->v[q->head];
	q->head = (q->head + 1) % q->cap;
	q->n--;
}

/* Output: renumbers the depths among shown frames. */
static void emit(struct trace_walk *w, struct trace_event ev)
{
	if (ev.kind == TRACE_ENTER)
		ev.depth = w->out_depth++;
	else if (ev.kind == TRACE_EXIT)
		ev.depth = --w->out_depth;
	else
		ev.depth = w->out_depth;
	q_push(&w->out, &ev);
}

static void dur_mark(struct trace_walk *w, unsigned char shown)
{
	if (w->n_dur == w->cap_dur) {
		w->cap_dur = w->cap_dur ? 2 * w->cap_dur : 64;
		w->dur = xrealloc(w->dur, w->cap_dur);
	}
	w->dur[w->n_dur++] = shown;
}

/* Sends out the pending ENTERs that have lasted min_ns by time now, with
 * the marks queued behind each. */
static void dur_flush(struct trace_walk *w, uint64_t now)
{
	size_t depth_of_head;

	while (w->pend.n) {
		struct trace_event *h = q_at(&w->pend, 0), ev;
		if (h->kind == TRACE_ENTER && now - h->ns < w->v->f.min_ns)
			return;
		if (h->kind == TRACE_ENTER) {
			/* the pending frames are the last ones of w->dur, in order:
			 * this one is the outermost still pending */
			for (depth_of_head = 0; depth_of_head < w->n_dur && w->dur[depth_of_head];
			     depth_of_head++)
				;
			if (depth_of_head < w->n_dur)
				w->dur[depth_of_head] = 1;
		}
		q_pop(&w->pend, &ev);
		emit(w, ev);
	}
}

/* The duration stage (min_ns > 0). */
static void dur_stage(struct trace_walk *w, const struct trace_event *ev)
{
	if (!w->v->f.min_ns) {
		emit(w, *ev);
		return;
	}
	dur_flush(w, ev->ns);
	switch (ev->kind) {
	case TRACE_ENTER:
		dur_mark(w, 0);
		q_push(&w->pend, ev);
		return;
	case TRACE_EXIT:
		if (w->n_dur && w->dur[--w->n_dur]) {
			emit(w, *ev);
			return;
		}
		/* a short call: its ENTER is the last pending one; drop it,
		 * keeping the marks queued after it */
		for (size_t i = w->pend.n; i-- > 0;) {
			if (q_at(&w->pend, i)->kind != TRACE_ENTER)
				continue;
			for (size_t j = i; j + 1 < w->pend.n; j++)
				*q_at(&w->pend, j) = *q_at(&w->pend, j + 1);
			w->pend.n--;
			break;
		}
		dur_flush(w, ev->ns);
		return;
	default:
		if (w->pend.n)
			q_push(&w->pend, ev);
		else
			emit(w, *ev);
		return;
	}
}

static int glob_match(const char *glob, const char *name)
{
	return fnmatch(glob, name, 0) == 0;
}

/* The select stage. */
static void sel_stage(struct trace_walk *w, const struct trace_event *ev)
{
	struct sel_frame *fr;
	int shown;

	if (ev->kind == TRACE_ENTER) {
		struct sel_frame nf = {0, 0, 0};
		if (w->v->f.n_globs) {
			const struct trace_view_thread *t = &w->v->threads[w->cur];
			const char *name = trace_view_fn_name(w->v, t, ev->fn);
			for (size_t i = 0; i < w->v->f.n_globs; i++) {
				const char *g = w->v->f.globs[i];
				if (g[0] == '-' && !nf.exc && glob_match(g + 1, name))
					nf.exc = 1;
				else if (g[0] != '-' && !nf.inc && glob_match(g, name))
					nf.inc = 1;
			}
		}
		w->in_count += nf.inc;
		w->out_count += nf.exc;
		nf.shown = w->out_count == 0 && (w->v->n_include == 0 || w->in_count > 0) &&
		           (w->v->f.max_depth == 0 || w->shown_depth < w->v->f.max_depth);
		if (w->n_sel == w->cap_sel) {
			w->cap_sel = w->cap_sel ? 2 * w->cap_sel : 64;
			w->sel = xreallocarray(w->sel, w->cap_sel, sizeof *w->sel);
		}
		w->sel[w->n_sel++] = nf;
		if (nf.shown) {
			w->shown_depth++;
			dur_stage(w, ev);
		}
		return;
	}
	if (ev->kind == TRACE_EXIT) {
		if (!w->n_sel)
			return;
		fr = &w->sel[--w->n_sel];
		w->in_count -= fr->inc;
		w->out_count -= fr->exc;
		if (fr->shown) {
			w->shown_depth--;
			dur_stage(w, ev);
		}
		return;
	}
	shown = w->n_sel ? w->sel[w->n_sel - 1].shown : w->v->n_include == 0;
	if (shown)
		dur_stage(w, ev);
}

/* The window stage: one event of the cursor. */
static void win_stage(struct trace_walk *w, const struct trace_event *ev)
{
	size_t i;

	if (ev->ns >= w->v->until) {
		/* the end: what is open closes at until */
		while (w->n_win) {
			struct trace_event x = w->win[--w->n_win];
			if (w->in_window) {
				x.kind = TRACE_EXIT;
				x.ns = w->v->until;
				x.synthetic = 1;
				x.tag = NULL;
				sel_stage(w, &x);
			}
		}
		w->at_end = 1;
		return;
	}
	if (!w->in_window && (ev->ns > w->v->since ||
	                      (ev->ns == w->v->since && ev->kind != TRACE_EXIT))) {
		/* the start: what is open enters at since */
		w->in_window = 1;
		for (i = 0; i < w->n_win; i++) {
			struct trace_event x = w->win[i];
			if (x.ns < w->v->since) {
				x.ns = w->v->since;
				x.synthetic = 1;
			}
			sel_stage(w, &x);
		}
	}
	if (ev->kind == TRACE_ENTER) {
		if (w->n_win == w->cap_win) {
			w->cap_win = w->cap_win ? 2 * w->cap_win : 64;
			w->win = xreallocarray(w->win, w->cap_win, sizeof *w->win);
		}
		w->win[w->n_win++] = *ev;
	} else if (ev->kind == TRACE_EXIT && w->n_win) {
		w->n_win--;
	}
	if (w->in_window)
		sel_stage(w, ev);
}

struct trace_walk *trace_view_walk(struct trace_view *v, size_t i)
{
	struct trace_walk *w;

	if (i >= v->n_threads) {
		tool_error(NULL, "no thread %zu in the trace view (%zu)", i, v->n_threads);
		return NULL;
	}
	w = xcalloc(1, sizeof *w);
	w->v = v;
	w->cur = i;
	w->c = trace_cursor_open(v->threads[i].rp, v->threads[i].stream);
	if (!w->c) {
		free(w);
		return NULL;
	}
	return w;
}

void trace_walk_close(struct trace_walk *w)
{
	if (!w)
		return;
	trace_cursor_close(w->c);
	free(w->win);
	free(w->sel);
	free(w->dur);
	free(w->pend.v);
	free(w->out.v);
	free(w);
}

/* Sends out what is still queued: the walk has ended. */
static void drain(struct trace_walk *w)
{
	while (w->pend.n) {
		struct trace_event x;
		q_pop(&w->pend, &x);
		emit(w, x);
	}
}

int trace_walk_next(struct trace_walk *w, struct trace_event *ev)
{
	while (!w->out.n) {
		struct trace_event in;
		int r;

		if (w->at_end)
			return 0;
		r = trace_cursor_next(w->c, &in);
		if (r < 0)
			return -1;
		if (r == 0) {
			/* the cursor closed every frame: nothing stays pending */
			w->at_end = 1;
			drain(w);
			continue;
		}
		win_stage(w, &in);
		if (w->at_end)
			drain(w);
	}
	q_pop(&w->out, ev);
	return 1;
}

int trace_view_begin(struct trace_view *v, size_t i)
{
	trace_walk_close(v->walk);
	v->walk = trace_view_walk(v, i);
	return v->walk ? 1 : -1;
}

int trace_view_next(struct trace_view *v, struct trace_event *ev)
{
	return v->walk ? trace_walk_next(v->walk, ev) : 0;
}
