/* SPDX-License-Identifier: MIT */
/*
 * rt_trace.c - trace mode (VITPROF_MODE=trace): every call of every thread
 * on a timeline, in the raw file (vitprof_raw.h, "Trace mode";
 * docs/trace.md, "Recording").
 *
 * Each thread shard writes one event stream into VPR_SEC_TRACE chunks of
 * the mapped file: ENTER (the entry id of its table, a tick delta) when a
 * call begins, EXIT (a tick delta) when it returns, MARKs (instants,
 * counters, tags, OPEN). `used` is stored after each complete event, so a
 * SIGKILL loses nothing written before it. The shadow stack is time
 * mode's (struct rt_frame: the entry id in node, the frame's RT_TF_* state
 * in child); frames left by a longjmp are closed (EXIT) at the next call
 * that shows it, as time mode closes them.
 *
 * Buffers. Chunks are sections allocated on the slow path under rt_g.lock:
 * a thread's first chunk is CHUNK_FIRST bytes, each next one twice the
 * last, up to CHUNK_MAX. The whole run: at most VITPROF_TRACE_MAX bytes of
 * chunks per process (default 1g); past it, or when the file refuses a
 * section, the thread records no more events, each counted in its table's
 * lost_events and header.lost_events, reported in one line at exit. A
 * flight recorder (VITPROF_TRACE_RING=SIZE): each thread keeps SIZE bytes
 * of chunks, reused round robin; every chunk of a stream but its first
 * starts with OPEN marks for the frames open at that point (any chunk may
 * be the oldest one left).
 *
 * Filters (rt_g.filter_*, set by rt_filter.c): a call is recorded when
 * tracing is on, it is not inside an excluded function, it is inside an
 * included one (when VITPROF_FILTER includes any), and it is at most
 * filter_depth recorded frames deep. With filter_min_ns its ENTER waits
 * (a pending frame): it is written, with the frame's own start tick, when
 * the call returns after at least that long or when something inside it
 * is recorded; so timestamps never decrease.
 *
 * Hot path: no lock, no libc call; the hooks' guard (rt_tls.busy) is up.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "rt_internal.h"

#define TEV_MAX 48u                     /* bytes of the longest event */
#define CHUNK_HEADER 128u               /* data_offset: the header, cache-aligned */
#define CHUNK_FIRST (64u << 10)         /* a stream's first whole-run chunk */
#define CHUNK_MAX (1u << 20)            /* whole-run chunks grow to this */
#define RING_CHUNK_MIN (64u << 10)      /* holds VPR_TRACE_OPEN_MAX OPEN marks */
#define TRACE_MAX_DEFAULT (1ull << 30)
#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23          /* Linux 5.14 */
#endif
_Static_assert(sizeof(struct vpr_trace) <= CHUNK_HEADER, "chunk header");
_Static_assert(VPR_TRACE_OPEN_MAX * 17u + TEV_MAX < RING_CHUNK_MIN - CHUNK_HEADER,
               "OPEN marks fit in a chunk");

char rt_session_env[sizeof "VITPROF_SESSION=" + 16];

static uint64_t trace_max = TRACE_MAX_DEFAULT; /* bytes of chunks per process */
static uint64_t trace_bytes;                   /* allocated so far (rt_g.lock) */
static uint64_t ring_chunk;                    /* flight recorder: bytes per chunk */
static size_t ring_chunks;                     /* chunks per thread; 0: whole run */
static int filtering;                          /* any record-time filter */
static uint64_t min_ticks;                     /* filter_min_ns in ticks */
static const char *lost_why;                   /* why events were first lost */

/* ---- encoding ----------------------------------------------------------- */

static inline unsigned char *put_uleb(unsigned char *w, uint64_t v)
{
	while (v >= 0x80) {
		*w++ = (unsigned char)(v | 0x80);
		v >>= 7;
	}
	*w++ = (unsigned char)v;
	return w;
}

static unsigned char *put_sleb(unsigned char *w, int64_t v)
{
	for (;;) {
		unsigned char b = (unsigned char)(v & 0x7f);
		v >>= 7;   /* arithmetic on every supported compiler */
		if ((v == 0 && !(b & 0x40)) || (v == -1 && (b & 0x40))) {
			*w++ = b;
			return w;
		}
		*w++ = b | 0x80;
	}
}

/* Ticks from the stream's last event to tick (never negative), which
 * becomes the last event's tick. */
static inline uint64_t take_dt(struct rt_shard *s, uint64_t tick)
{
	uint64_t dt = tick > s->tlast ? tick - s->tlast : 0;

	s->tlast += dt;
	return dt;
}

/* The event ending at w is complete: publish it. */
static inline void publish(struct rt_shard *s, unsigned char *w)
{
	s->tw = w;
	__atomic_signal_fence(__ATOMIC_SEQ_CST);
	s->chunk->used = (uint64_t)(w - s->tdata);
}

/* n events of s's thread not recorded. */
static void lost_events(struct rt_shard *s, uint64_t n)
{
	s->table->lost_events += n;
	__atomic_fetch_add(&rt_g.hdr->lost_events, n, __ATOMIC_RELAXED);
}

/* ---- chunks ------------------------------------------------------------- */

/*
 * A new chunk section of size bytes, or NULL when the process's budget
 * (VITPROF_TRACE_MAX) is spent or the file cannot take it (lost_why says
 * which).
 */
static struct vpr_trace *chunk_alloc(uint64_t size)
{
	struct vpr_trace *c = NULL;
	uint64_t got = 0;

	pthread_mutex_lock(&rt_g.lock);
	if (trace_bytes + size > trace_max) {
		if (!lost_why)
			lost_why = "the trace reached VITPROF_TRACE_MAX";
	} else {
		c = rt_section_alloc(VPR_SEC_TRACE, size, &got);
		if (c && !rt_section_in_file(c)) {
			rt_section_retire(c);   /* events there would never be read */
			c = NULL;
		}
		if (!c && !lost_why)
			lost_why = "no room for the trace in the file";
		if (c) {
			trace_bytes += got;
			c->data_offset = CHUNK_HEADER;
			c->data_size = got - CHUNK_HEADER;
		}
	}
	pthread_mutex_unlock(&rt_g.lock);
	/* Fault the chunk's pages in now, writable, in one call: a page
	 * fault per 4 KiB page on the hot path would cost more than the
	 * events (ignored where the kernel cannot: the pages fault later). */
	if (c)
		madvise(c, got, MADV_POPULATE_WRITE);
	return c;
}

/* The chunk s goes on in: a new one, or in a flight recorder the oldest
 * of the thread's once it has them all. */
static struct vpr_trace *chunk_take(struct rt_shard *s)
{
	struct vpr_trace *c;
	uint64_t size;

	if (!ring_chunks) {
		size = s->tchunk_size < CHUNK_FIRST ? CHUNK_FIRST : s->tchunk_size;
		c = chunk_alloc(size);
		s->tchunk_size = size * 2 < CHUNK_MAX ? size * 2 : CHUNK_MAX;
		return c;
	}
	if (!s->ring) {
		s->ring = rt_anon_alloc(ring_chunks * sizeof *s->ring);
		if (!s->ring)
			return NULL;
	}
	if (s->ring_n < ring_chunks) {
		c = chunk_alloc(ring_chunk);
		if (c) {
			s->ring[s->ring_n++] = c;
			return c;
		}
		if (!s->ring_n)
			return NULL;
	}
	c = s->ring[s->ring_next % s->ring_n];
	s->ring_next = (s->ring_next + 1) % s->ring_n;
	return c;
}

/* The frames of s with state bit `bit`, innermost `want` of them: the
 * index of the outermost. */
static size_t frames_from(const struct rt_shard *s, uint64_t bit, uint64_t want)
{
	size_t i = s->depth;

	while (want && i > 0)
		if (s->stack[--i].child & bit)
			want--;
	return i;
}

/* OPEN marks for the innermost recorded frames of s, outermost first. */
static unsigned char *put_open_marks(struct rt_shard *s, unsigned char *w, uint64_t base)
{
	uint64_t n = s->trec < VPR_TRACE_OPEN_MAX ? s->trec : VPR_TRACE_OPEN_MAX;
	size_t i;

	for (i = frames_from(s, RT_TF_RECORDED, n); n && i < s->depth; i++) {
		const struct rt_frame *f = &s->stack[i];
		if (!(f->child & RT_TF_RECORDED))
			continue;
		w = put_uleb(w, VPR_TEV_OPEN << 2 | VPR_TEV_MARK);
		w = put_uleb(w, 0);
		w = put_uleb(w, f->node);
		w = put_uleb(w, base > f->start ? base - f->start : 0);
		n--;
	}
	return w;
}

/*
 * The current chunk of s is full, or there is none: starts the next one,
 * for an event at tick. Returns 0, or -1 when the event is lost (counted):
 * once a thread could not have a chunk it records no more events.
 */
static __attribute__((noinline, cold)) int chunk_next(struct rt_shard *s, uint64_t tick)
{
	struct vpr_trace *c;
	unsigned char *w;

	if (s->tlost) {
		lost_events(s, 1);
		return -1;
	}
	if (s->tfresh) {
		s->tlast = tick;
		s->tchunk_size = CHUNK_FIRST;
	}
	c = chunk_take(s);
	if (!c) {
		s->tlost = 1;
		s->tw = s->tend = NULL;
		lost_events(s, 1);
		return -1;
	}
	c->used = 0;
	__atomic_signal_fence(__ATOMIC_SEQ_CST);
	c->shard_id = s->shard_id;
	c->thread_id = s->table->thread_id;
	c->seq = ++s->tseq;
	c->base_tick = s->tlast;
	c->depth = s->tfresh ? 0 : s->trec;
	c->flags = ring_chunks ? VPR_TRACE_RING : 0;
	s->chunk = c;
	s->tdata = (unsigned char *)c + c->data_offset;
	s->tend = s->tdata + c->data_size - TEV_MAX;
	w = s->tdata;
	/* In a flight recorder any chunk may be the oldest left, where a
	 * reader starts: each one says which frames are open. */
	if ((ring_chunks || s->topen) && !s->tfresh)
		w = put_open_marks(s, w, s->tlast);
	s->tfresh = s->topen = 0;
	publish(s, w);
	return 0;
}

/* ---- events -------------------------------------------------------------- */

static inline void put_enter(struct rt_shard *s, uint64_t id, uint64_t tick)
{
	unsigned char *w;

	if (RT_UNLIKELY((uintptr_t)s->tw >= (uintptr_t)s->tend) && chunk_next(s, tick) != 0)
		return;
	w = put_uleb(s->tw, id << 2 | VPR_TEV_ENTER);
	w = put_uleb(w, take_dt(s, tick));
	publish(s, w);
}

static inline void put_exit(struct rt_shard *s, uint64_t tick)
{
	if (RT_UNLIKELY((uintptr_t)s->tw >= (uintptr_t)s->tend) && chunk_next(s, tick) != 0)
		return;
	publish(s, put_uleb(s->tw, take_dt(s, tick) << 2 | VPR_TEV_EXIT));
}

/* Writes the ENTERs of the pending frames of s (each at its own start),
 * outermost first: something inside them is recorded. */
static __attribute__((noinline)) void pending_record(struct rt_shard *s)
{
	size_t i;

	for (i = frames_from(s, RT_TF_PENDING, s->tpend); s->tpend && i < s->depth; i++) {
		struct rt_frame *f = &s->stack[i];
		if (!(f->child & RT_TF_PENDING))
			continue;
		f->child &= ~(uint64_t)RT_TF_PENDING;
		s->tpend--;
		put_enter(s, f->node, f->start);
		f->child |= RT_TF_RECORDED;
		s->trec++;
	}
}

/*
 * The top frame of s returns at now, then is popped. It stays on the
 * stack while its EXIT is written: a chunk started for that EXIT counts
 * it among the open frames (depth, OPEN marks).
 */
static inline void frame_pop(struct rt_shard *s, uint64_t now)
{
	struct rt_frame *f = &s->stack[s->depth - 1];

	if (RT_LIKELY(f->child & RT_TF_RECORDED)) {
		put_exit(s, now);
		s->trec--;
	} else if (f->child & RT_TF_PENDING) {
		f->child &= ~(uint64_t)RT_TF_PENDING;
		s->tpend--;
		if (now >= f->start && now - f->start >= min_ticks) {
			if (s->tpend)
				pending_record(s);
			put_enter(s, f->node, f->start);
			f->child |= RT_TF_RECORDED;
			s->trec++;
			put_exit(s, now);
			s->trec--;
		}
	}
	s->depth--;
}

/* Frames above depth j of s were left by longjmp: they return now. */
static __attribute__((noinline)) void frames_drop(struct rt_shard *s, size_t j)
{
	uint64_t now = rt_clock_now();

	while (s->depth > j)
		frame_pop(s, now);
}

/* The entry of (site, fn) in the thread's table, inserted if new. */
static inline struct vpr_edge_trace *trace_slot(uintptr_t site, uintptr_t fn)
{
	uint64_t *e = vpr_edges_probe(rt_tls.slots, rt_tls.mask, rt_tls.shift,
	                              sizeof(struct vpr_edge_trace), site, fn);

	if (RT_LIKELY(e[1] == fn))
		return (struct vpr_edge_trace *)e;
	return rt_trace_insert(site, fn, rt_g.filter_active ? rt_filter_fn(fn) : 0);
}

/* A call entered with filters, or while tracing is stopped: its state
 * (fr is the frame above s's top, pushed after its ENTER is written). */
static __attribute__((noinline)) void enter_filtered(struct rt_shard *s, struct rt_frame *fr,
                                                    const struct vpr_edge_trace *e)
{
	uint64_t up = s->depth ? s->stack[s->depth - 1].child : 0;
	uint64_t st = up & (RT_TF_EXCLUDED | RT_TF_INCLUDED);
	uint64_t rd = up >> RT_TF_DEPTH_SHIFT;

	if (e->flags & VPR_TRACE_FN_EXCLUDE)
		st |= RT_TF_EXCLUDED;
	if (e->flags & VPR_TRACE_FN_INCLUDE)
		st |= RT_TF_INCLUDED;
	if ((e->flags & VPR_TRACE_FN_START) && !rt_g.trace_on)
		rt_trace_set(1);
	if (__atomic_load_n(&rt_g.trace_on, __ATOMIC_RELAXED) && !(st & RT_TF_EXCLUDED) &&
	    ((st & RT_TF_INCLUDED) || !rt_g.filter_include) &&
	    (!rt_g.filter_depth || rd < rt_g.filter_depth)) {
		rd++;
		if (min_ticks) {
			st |= RT_TF_PENDING;
			s->tpend++;
		} else {
			st |= RT_TF_RECORDED;
		}
	}
	fr->child = st | rd << RT_TF_DEPTH_SHIFT;
	if (st & RT_TF_RECORDED)
		put_enter(s, fr->node, fr->start);
	s->depth++;
	if (st & RT_TF_RECORDED)
		s->trec++;
}

/* The enter hook in trace mode: a call of fn from site at stack address sp
 * (rt_hooks.c). The guard is up. */
void rt_trace_enter(uintptr_t fn, uintptr_t site, uintptr_t sp)
{
	struct rt_shard *s = rt_tls.shard;
	struct vpr_edge_trace *e;
	struct rt_frame *fr;
	uint64_t now;

	if (RT_UNLIKELY(s->depth && s->stack[s->depth - 1].sp <= sp)) {
		size_t j = rt_frames_alive(s, sp, site);
		if (j != s->depth)
			frames_drop(s, j);
	}
	e = trace_slot(site, fn);
	if (RT_UNLIKELY(!e)) {
		s->overflow++;   /* its exit must find no frame of ours */
		return;
	}
	e->count++;
	if (RT_UNLIKELY(s->depth == s->stack_cap)) {
		s->overflow++;
		lost_events(s, 2);
		return;
	}
	/* Pushed once its ENTER is written: a chunk started for the ENTER
	 * does not count the frame among those open before it. */
	fr = &s->stack[s->depth];
	fr->fn = fn;
	fr->site = site;
	fr->sp = sp;
	fr->node = e->id;
	fr->start = now = rt_clock_now();
	if (RT_LIKELY(!filtering && rt_g.trace_on)) {
		fr->child = RT_TF_RECORDED;
		put_enter(s, e->id, now);
		s->depth++;
		s->trec++;
	} else {
		enter_filtered(s, fr, e);
	}
}

/* The exit hook in trace mode: fn returns at tick now. A return whose
 * frame is not on top closes the frames above it (longjmp, exceptions);
 * one with no frame is counted in lost_frames. */
void rt_trace_exit(uintptr_t fn, uintptr_t site, uint64_t now)
{
	struct rt_shard *s = rt_tls.shard;
	size_t j;

	if (RT_UNLIKELY(s->overflow)) {
		s->overflow--;
		s->table->lost_frames++;
		return;
	}
	if (RT_LIKELY(s->depth && s->stack[s->depth - 1].fn == fn)) {
		/* The common case, inlined: a recorded frame with no filter state
		 * and room for its EXIT in the chunk. */
		if (RT_LIKELY(s->stack[s->depth - 1].child == RT_TF_RECORDED &&
		              (uintptr_t)s->tw < (uintptr_t)s->tend)) {
			publish(s, put_uleb(s->tw, take_dt(s, now) << 2 | VPR_TEV_EXIT));
			s->trec--;
			s->depth--;
			return;
		}
		frame_pop(s, now);
		return;
	}
	j = rt_frame_returning(s, fn, site);
	while (j && s->depth >= j)
		frame_pop(s, now);
}

/* ---- marks, start and stop ------------------------------------------------ */

/* Whether a mark now goes on s's timeline (pending frames are recorded
 * first); a tag needs a frame to belong to. */
static int mark_recorded(struct rt_shard *s, unsigned kind)
{
	if (s->depth) {
		const struct rt_frame *f = &s->stack[s->depth - 1];
		if (!(f->child & (RT_TF_RECORDED | RT_TF_PENDING)))
			return 0;
		if (kind != VPR_TEV_TAG && !__atomic_load_n(&rt_g.trace_on, __ATOMIC_RELAXED))
			return 0;
		if (s->tpend)
			pending_record(s);
		return 1;
	}
	return kind != VPR_TEV_TAG && !rt_g.filter_include &&
	       __atomic_load_n(&rt_g.trace_on, __ATOMIC_RELAXED);
}

void rt_trace_mark(unsigned kind, uint32_t name_id, int64_t value)
{
	int saved = errno;
	struct rt_shard *s;
	unsigned char *w;
	uint64_t now;

	if (!__atomic_load_n(&rt_g.ready, __ATOMIC_ACQUIRE) || !(rt_g.timed & RT_TIMED_TRACE) ||
	    (kind != VPR_TEV_INSTANT && kind != VPR_TEV_COUNTER && kind != VPR_TEV_TAG))
		return;
	if (rt_tls.busy) {
		if (rt_tls.shard)
			lost_events(rt_tls.shard, 1);
		return;
	}
	rt_tls.busy = 1;
	s = rt_tls.slots ? rt_tls.shard : rt_thread_attach();
	if (s && mark_recorded(s, kind)) {
		now = kind == VPR_TEV_TAG ? s->tlast : rt_clock_now();
		if (!((uintptr_t)s->tw >= (uintptr_t)s->tend && chunk_next(s, now) != 0)) {
			w = put_uleb(s->tw, (uint64_t)kind << 2 | VPR_TEV_MARK);
			w = put_uleb(w, take_dt(s, now));
			w = put_uleb(w, name_id);
			if (kind == VPR_TEV_COUNTER)
				w = put_sleb(w, value);
			publish(s, w);
		}
	}
	rt_tls.busy = 0;
	errno = saved;
}

void rt_trace_set(int on)
{
	__atomic_store_n(&rt_g.trace_on, on ? 1 : 0, __ATOMIC_RELAXED);
}

/* ---- start-up, fork, exit -------------------------------------------------- */

/* A size: digits with an optional k, m or g (powers of 1024); 0 if bad. */
static uint64_t parse_size(const char *v)
{
	uint64_t n = 0, mul = 1;

	if (!v || *v < '0' || *v > '9')
		return 0;
	for (; *v >= '0' && *v <= '9'; v++) {
		if (n > (UINT64_MAX - 9) / 10)
			return 0;
		n = n * 10 + (uint64_t)(*v - '0');
	}
	switch (*v) {
	case 'k': case 'K': mul = 1ull << 10; v++; break;
	case 'm': case 'M': mul = 1ull << 20; v++; break;
	case 'g': case 'G': mul = 1ull << 30; v++; break;
	default: break;
	}
	if (*v || n > UINT64_MAX / mul)
		return 0;
	return n * mul;
}

static void bad_size_line(const char *name, const char *v, const char *using)
{
	char line[4 * RT_PRINT_MAX + 256];
	size_t n;

	n = rt_append(line, 0, 100, "vitprof: ");
	n = rt_append(line, n, 100, name);
	n = rt_append(line, n, 120, "='");
	n = rt_append_escaped(line, n, n + 4 * RT_PRINT_MAX + 4, v);
	n = rt_append(line, n, sizeof line - 1, "' is not a size (digits, then k, m or g): ");
	n = rt_append(line, n, sizeof line - 1, using);
	line[n++] = '\n';
	rt_write_stderr(line, n);
}

/* header.session: VITPROF_SESSION's (an exec'd image), else a new one. */
static void session_init(void)
{
	const char *v = rt_getenv("VITPROF_SESSION");
	uint64_t id = 0;
	size_t i;

	for (i = 0; v && i < 16 && v[i]; i++) {
		char c = v[i];
		unsigned d = c >= '0' && c <= '9' ? (unsigned)(c - '0')
		           : c >= 'a' && c <= 'f' ? (unsigned)(c - 'a' + 10)
		           : c >= 'A' && c <= 'F' ? (unsigned)(c - 'A' + 10) : 16u;
		if (d == 16u)
			break;
		id = id << 4 | d;
	}
	if (v && (i == 0 || v[i] != '\0'))
		id = 0;   /* not 1 to 16 hex digits: a session of our own */
	if (id && (rt_g.timed & RT_TIMED_TRACE))
		rt_g.hdr->flags |= VPR_FLAG_EXEC;
	while (!id) {
		if (getrandom(&id, sizeof id, GRND_NONBLOCK) != (ssize_t)sizeof id) {
			struct timespec ts;
			clock_gettime(CLOCK_REALTIME, &ts);
			id = ((uint64_t)ts.tv_nsec << 20 ^ (uint64_t)ts.tv_sec) * 0x9E3779B97F4A7C15ull ^
			     (uint64_t)getpid();
		}
	}
	rt_g.hdr->session = id;
	if (rt_g.timed & RT_TIMED_TRACE) {
		static const char hex[] = "0123456789abcdef";
		char *p = rt_session_env + strlen(strcpy(rt_session_env, "VITPROF_SESSION="));
		for (i = 0; i < 16; i++)
			p[i] = hex[(id >> (60 - 4 * i)) & 15];
		p[16] = '\0';
	}
}

/*
 * At start, after rt_filter_init(): the session, and in trace mode the
 * buffer policy (VITPROF_TRACE_MAX, VITPROF_TRACE_RING) and the filters'
 * fast-path summary. Called once, before any thread records.
 */
void rt_trace_init(void)
{
	const char *max = rt_getenv("VITPROF_TRACE_MAX");
	const char *ring = rt_getenv("VITPROF_TRACE_RING");
	uint64_t v;

	session_init();
	if (!(rt_g.timed & RT_TIMED_TRACE))
		return;
	if (max && *max) {
		v = parse_size(max);
		if (v)
			trace_max = v;
		else
			bad_size_line("VITPROF_TRACE_MAX", max, "using 1g");
	}
	if (ring && *ring) {
		v = parse_size(ring);
		if (!v) {
			bad_size_line("VITPROF_TRACE_RING", ring, "recording the whole run");
		} else {
			/* About 8 chunks, each 64 KiB to 1 MiB; 2 at least. */
			uint64_t c = v / 8;
			uint64_t page = rt_g.page_size;
			c = c < RING_CHUNK_MIN ? RING_CHUNK_MIN : c > CHUNK_MAX ? CHUNK_MAX : c;
			c = (c + page - 1) & ~(page - 1);
			ring_chunk = c;
			ring_chunks = v / c < 2 ? 2 : (size_t)(v / c);
		}
	}
	if (rt_g.filter_min_ns)
		min_ticks = rt_clock_ticks_of_ns(rt_g.hdr, rt_g.filter_min_ns);
	if (min_ticks == 0 && rt_g.filter_min_ns)
		min_ticks = 1;
	filtering = rt_g.filter_active || rt_g.filter_depth || min_ticks || rt_g.filter_include;
}

/*
 * In a fork child, after rt_shards_after_fork(): the parent's chunks are
 * not in the child's file (rt_file_move leaves them out), so every stream
 * starts again; the forking thread's goes on in a chunk beginning with
 * OPEN marks for its open frames, whose entries are put again into its
 * emptied table (new ids, count 0: the calls were counted in the parent).
 */
void rt_trace_after_fork(struct rt_shard *keep)
{
	struct rt_shard *s;
	size_t i;

	if (!(rt_g.timed & RT_TIMED_TRACE))
		return;
	trace_bytes = 0;
	rt_g.hdr->lost_events = 0;
	for (s = rt_g.shards; s; s = s->next_all) {
		s->chunk = NULL;
		s->tw = s->tend = s->tdata = NULL;
		s->ring_n = s->ring_next = 0;
		s->tlost = 0;
		s->tchunk_size = CHUNK_FIRST;
		if (s != keep) {
			s->tfresh = 1;
			s->trec = s->tpend = 0;
		}
	}
	if (!keep)
		return;
	keep->topen = 1;
	for (i = 0; i < keep->depth; i++) {
		struct rt_frame *f = &keep->stack[i];
		struct vpr_edge_trace *e = trace_slot(f->site, f->fn);
		if (e) {
			f->node = e->id;
		} else {
			/* No entry: the frame leaves the timeline. */
			if (f->child & RT_TF_RECORDED)
				keep->trec--;
			if (f->child & RT_TF_PENDING)
				keep->tpend--;
			f->child &= ~(uint64_t)(RT_TF_RECORDED | RT_TF_PENDING);
		}
	}
}

/* The names of every live thread (exit, vitprof_dump): not from a hook. */
void rt_trace_names(void)
{
	struct rt_shard *s;

	if (!(rt_g.timed & RT_TIMED_TRACE))
		return;
	for (s = __atomic_load_n(&rt_g.shards, __ATOMIC_ACQUIRE); s; s = s->next_all)
		if (s->in_use)
			rt_thread_name_record(s->table->thread_id);
}

/* At exit, with rt_g.lock held: the one line saying events were lost. */
void rt_trace_finish(void)
{
	if (!(rt_g.timed & RT_TIMED_TRACE) || !rt_g.hdr->lost_events)
		return;
	rt_report_once_why("trace events were not recorded in", rt_g.path,
	                   lost_why ? lost_why : "a thread could not record them");
}
