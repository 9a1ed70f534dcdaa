/* SPDX-License-Identifier: MIT */
/*
 * rt_shard.c - per-thread shards: attaching a thread, inserting a new call
 * edge, growing a table, and the shard-wide operations (fork, reset).
 *
 * A shard's table is touched by its own thread only, so counting needs no
 * atomics and shares no cache line. The global lock is taken only here, on
 * slow paths: a thread's first call, a table that grows, a shard released.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "rt_internal.h"

/* ld.so: the stack pointer at the process's entry, above main's frames. */
extern void *__libc_stack_end;

/*
 * An address above every frame of the calling thread's stack, below which
 * the stack is mapped from frame up: the scan of call_stack_address()
 * (rt_hooks.c) never reads past it, even for a hook called by hand with a
 * call site that is on no stack. A glibc thread's descriptor
 * (pthread_self()) sits at the top of its stack block; the initial thread's
 * frames are below __libc_stack_end. A stack that is neither (a coroutine's,
 * the alternate signal stack) gets frame itself: no scan, the enter hook's
 * frame address is used.
 */
static uintptr_t stack_top_of(uintptr_t frame)
{
	uintptr_t self = (uintptr_t)pthread_self();
	uintptr_t initial = (uintptr_t)__libc_stack_end;

	if (frame < self && self - frame < ((uintptr_t)1 << 32))
		return self;
	if (frame < initial && initial - frame < ((uintptr_t)1 << 32))
		return initial;
	return frame;
}


static unsigned log2u64(uint64_t v)
{
	return 63u - (unsigned)__builtin_clzll(v);
}

/* Points the thread's hot-path copy at s's live table. */
static void tls_load(struct rt_shard *s)
{
	rt_tls.slots = (unsigned char *)s->table + s->table->entries_offset;
	rt_tls.mask = s->table->capacity - 1;
	rt_tls.shift = 64u - log2u64(s->table->capacity);
	rt_tls.shard = s;
	rt_tls.timed = rt_g.timed;
}

/* Allocates an empty, not yet live table. Caller holds rt_g.lock. */
static struct vpr_edges *table_new(uint64_t shard_id, uint32_t generation,
                                   uint64_t capacity)
{
	uint64_t size;
	struct vpr_edges *t = rt_section_alloc(VPR_SEC_EDGES,
	        VPR_EDGES_ENTRIES_OFFSET + capacity * rt_g.entry_size, &size);

	if (!t)
		return NULL;
	t->shard_id = shard_id;
	t->thread_id = (uint64_t)gettid();
	t->generation = generation;
	t->entry_size = rt_g.entry_size;
	t->capacity = capacity;
	t->entries_offset = VPR_EDGES_ENTRIES_OFFSET;
	return t;
}

/* The probe of table t for the key (key0, fn): vitprof_raw.h. */
static uint64_t *table_probe(struct vpr_edges *t, uint64_t key0, uint64_t fn)
{
	return vpr_edges_probe((unsigned char *)t + t->entries_offset, t->capacity - 1,
	                       64u - log2u64(t->capacity), t->entry_size, key0, fn);
}

/* Inserts a key known to be absent into table t (no growth, no checks). */
static uint64_t *table_put(struct vpr_edges *t, uintptr_t site, uintptr_t fn)
{
	uint64_t *e = table_probe(t, site, fn);

	e[0] = site;
	__atomic_signal_fence(__ATOMIC_SEQ_CST);
	e[1] = fn;
	t->n_used++;
	return e;
}

/* Finds a key in the thread's current table; NULL when absent. */
static uint64_t *table_find(uintptr_t site, uintptr_t fn)
{
	uint64_t *e = vpr_edges_probe(rt_tls.slots, rt_tls.mask, rt_tls.shift,
	                              rt_g.entry_size, site, fn);

	return e[1] ? e : NULL;
}

/* Re-points every shadow-stack frame of s into its current table (trace
 * frames name their entry by id, which growth keeps). */
static void frames_resolve(struct rt_shard *s)
{
	size_t i;

	if (rt_g.timed & RT_TIMED_TRACE)
		return;
	for (i = 0; i < s->depth; i++) {
		struct rt_frame *f = &s->stack[i];
		if (f->edge && (rt_g.timed & RT_TIMED_CONTEXT))
			f->edge = (struct vpr_edge_time *)table_find(
			        i ? s->stack[i - 1].node : 0, f->fn);
		else if (f->edge)
			f->edge = (struct vpr_edge_time *)table_find(f->site, f->fn);
		if (f->func)
			f->func = (struct vpr_edge_time *)table_find(VPR_SITE_FUNCTION, f->fn);
	}
}

/*
 * Moves s's table into one four times larger (a new generation), then makes
 * it live. Returns 0, or -1 when no memory could be had (the old table
 * stays, and growth is retried a little later).
 */
static int table_grow(struct rt_shard *s)
{
	struct vpr_edges *old = s->table, *t;
	unsigned char *slots = (unsigned char *)old + old->entries_offset;
	uint64_t i, cap = old->capacity;
	int keep_old;

	pthread_mutex_lock(&rt_g.lock);
	t = table_new(s->shard_id, old->generation + 1, cap * 4);
	keep_old = t && !rt_section_in_file(t) && rt_section_in_file(old);
	pthread_mutex_unlock(&rt_g.lock);
	if (!t) {
		uint64_t later = old->n_used + cap / 16;
		s->grow_at = later < cap - cap / 16 ? later : cap - cap / 16;
		return -1;
	}
	for (i = 0; i < cap; i++) {
		uint64_t *e = (uint64_t *)(slots + i * old->entry_size);
		if (e[1])
			memcpy(table_put(t, (uintptr_t)e[0], (uintptr_t)e[1]), e,
			       old->entry_size);
	}
	t->lost_calls = old->lost_calls;
	t->lost_frames = old->lost_frames;
	t->lost_events = old->lost_events;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	t->live = 1;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	/* An anonymous table (the file is full) cannot replace the one in the
	 * file: leave that live and mapped, stale but never double counted.
	 * Only rt_section_in_file() tells (an anonymous section has an offset
	 * too); retiring the file's table would punch a hole in it and lose
	 * every count the thread made before the disk filled. */
	if (!keep_old)
		old->live = 0;
	s->table = t;
	s->grow_at = t->capacity / 2;
	s->epoch++;
	tls_load(s);
	if (s->depth)
		frames_resolve(s);
	if (!keep_old) {
		pthread_mutex_lock(&rt_g.lock);
		rt_section_retire(old);
		pthread_mutex_unlock(&rt_g.lock);
	}
	rt_log("table grown for a thread, slots:", NULL);
	return 0;
}

/*
 * What both slow paths do before inserting: records the modules of fn and
 * of the call site if not seen yet, and grows the table when it is half
 * full. Returns 0, or -1 when there is no room (the call is counted lost).
 */
static int make_room(struct rt_shard *s, uintptr_t fn, uintptr_t site)
{
	rt_module_check(fn);
	if (site != VPR_SITE_FUNCTION)
		rt_module_check(site);
	if (s->table->n_used + 1 >= s->grow_at && table_grow(s) != 0 &&
	    s->table->n_used + 1 >= s->grow_at) {
		s->table->lost_calls++;
		return -1;
	}
	return 0;
}

/*
 * Slow path of rt_slot(): (site, fn) is not in the table. Records any
 * module not seen yet, grows the table when it is half full, and inserts
 * the key. Returns the new slot, or NULL (the call is lost and counted).
 * Preserves errno.
 */
void *rt_edge_insert(uintptr_t site, uintptr_t fn)
{
	struct rt_shard *s = rt_tls.shard;
	int saved = errno;
	uint64_t *e;

	if (make_room(s, fn, site) != 0) {
		errno = saved;
		return NULL;
	}
	e = table_put(s->table, site, fn);
	errno = saved;
	return e;
}

/*
 * Context modes, slow path of the node lookup: the path (parent, fn) is
 * new. Records unseen modules (of fn and of the call site), grows the
 * table when half full, inserts the node and gives it the next id.
 * Returns the node, or NULL (the call is lost and counted). Preserves errno.
 */
void *rt_ctx_insert(uint64_t parent, uintptr_t fn, uintptr_t site)
{
	struct rt_shard *s = rt_tls.shard;
	int saved = errno;
	struct vpr_ctx_node *n;

	if (make_room(s, fn, site) != 0) {
		errno = saved;
		return NULL;
	}
	{
		struct vpr_edges *t = s->table;

		n = (struct vpr_ctx_node *)table_probe(t, parent, fn);
		n->parent = parent;
		n->id = t->n_used + 1;
		n->site = site;
		__atomic_signal_fence(__ATOMIC_SEQ_CST);
		n->fn = fn;
		t->n_used++;
	}
	errno = saved;
	return n;
}

/*
 * Trace mode, slow path of the entry lookup: (site, fn) is new. As
 * rt_edge_insert(), then gives the entry the next id (n_used after the
 * insertion) and flags (the filter's verdict on fn). Returns the entry, or
 * NULL (the call is lost and counted). Preserves errno.
 */
void *rt_trace_insert(uintptr_t site, uintptr_t fn, uint32_t flags)
{
	struct rt_shard *s = rt_tls.shard;
	int saved = errno;
	struct vpr_edge_trace *e;

	if (make_room(s, fn, site) != 0) {
		errno = saved;
		return NULL;
	}
	{
		struct vpr_edges *t = s->table;

		e = (struct vpr_edge_trace *)table_probe(t, site, fn);
		e->site = site;
		e->id = (uint32_t)(t->n_used + 1);
		e->flags = flags;
		__atomic_signal_fence(__ATOMIC_SEQ_CST);
		e->fn = fn;
		t->n_used++;
	}
	errno = saved;
	return e;
}

static struct rt_shard *shard_new(void)
{
	static unsigned char *arena;
	static size_t arena_left;
	struct rt_shard *s;
	size_t need = (sizeof *s + 63u) & ~(size_t)63u;

	if (arena_left < need) {
		arena = rt_anon_alloc(65536);
		arena_left = arena ? 65536 : 0;
		if (!arena)
			return NULL;
	}
	s = (struct rt_shard *)arena;
	arena += need;
	arena_left -= need;
	memset(s, 0, sizeof *s);
	s->shard_id = ++rt_g.next_shard_id;
	s->table = table_new(s->shard_id, 0, RT_INITIAL_CAPACITY);
	if (!s->table)
		return NULL;
	s->table->live = 1;
	s->grow_at = RT_INITIAL_CAPACITY / 2;
	s->next_all = rt_g.shards;
	rt_g.shards = s;
	return s;
}

/*
 * Gives the calling thread a shard (a released one if any, else a new one)
 * and loads it into the thread's TLS. The runtime has started (rt_init(),
 * called by the entry point: the enter hook).
 * A thread counts in the header's n_threads once: a thread that calls
 * instrumented code again after its shard was released (another TSD
 * destructor, running after the runtime's) attaches again, its calls
 * counted, without counting as another thread. Returns the shard, or NULL
 * when no memory could be had.
 */
struct rt_shard *rt_thread_attach(void)
{
	struct rt_shard *s;

	pthread_mutex_lock(&rt_g.lock);
	s = rt_g.free_shards;
	if (s)
		rt_g.free_shards = s->next_free;
	else
		s = shard_new();
	if (s) {
		s->in_use = 1;
		s->table->thread_id = (uint64_t)gettid();
		if (!rt_tls.detached)
			rt_g.hdr->n_threads++;
	}
	pthread_mutex_unlock(&rt_g.lock);
	if (!s)
		return NULL;
	if ((rt_g.timed & RT_TIMED_STACK) && !s->stack) {
		size_t cap = RT_STACK_FRAMES;
		while (cap >= 1024 && !(s->stack = rt_anon_alloc(cap * sizeof *s->stack)))
			cap /= 16;
		s->stack_cap = s->stack ? cap : 0;
	}
	s->depth = 0;
	s->overflow = 0;
	/* Trace mode: the thread's events start a stream of their own. */
	s->tw = s->tend = NULL;
	s->trec = s->tpend = 0;
	s->tfresh = 1;
	s->topen = 0;
	s->tlost = 0;
	tls_load(s);
	rt_tls.stack_top = stack_top_of((uintptr_t)__builtin_frame_address(0));
	pthread_setspecific(rt_g.thread_key, s);
	return s;
}

/* Closes every open frame of s at tick now (exit, thread exit). */
void rt_shard_close_frames(struct rt_shard *s, uint64_t now)
{
	s->overflow = 0;
	while (s->depth)
		rt_frame_pop(s, now);
}

/*
 * A return of fn from site whose frame is not on top of s's shadow stack
 * (frames above it were left by longjmp or an exception): the depth of its
 * frame (pop while s->depth >= it), or 0 when it has none (entered before
 * a reset or while the guard was up), counted in lost_frames.
 */
size_t rt_frame_returning(struct rt_shard *s, uintptr_t fn, uintptr_t site)
{
	size_t j;

	for (j = s->depth; j > 0; j--)
		if (s->stack[j - 1].fn == fn && s->stack[j - 1].site == site)
			return j;
	s->table->lost_frames++;
	return 0;
}

/*
 * Time mode, the exit of fn: pops its frame. When the top frame is not fn,
 * frames above fn's were left by longjmp or an exception: they are closed
 * now. An exit with no frame (entered before a reset or while the guard was
 * up) is counted in lost_frames.
 */
void rt_time_exit(uintptr_t fn, uintptr_t site, uint64_t now)
{
	struct rt_shard *s = rt_tls.shard;
	size_t j;

	if (RT_UNLIKELY(s->overflow)) {
		s->overflow--;
		s->table->lost_frames++;
		return;
	}
	if (RT_LIKELY(s->depth && s->stack[s->depth - 1].fn == fn)) {
		rt_frame_pop(s, now);
		return;
	}
	j = rt_frame_returning(s, fn, site);
	while (j && s->depth >= j)
		rt_frame_pop(s, now);
}

/*
 * Time and context modes: a new call at stack address sp (the address just
 * above its return-address slot, rt_hooks.c) from call site site, not
 * deeper than the top frame. A live ancestor of the call is a frame at a
 * higher address, or at the same address when the call is inlined into it
 * (inlined bodies run their hooks in their host's frame, and gcc passes
 * them the host's own call site). So the frames above the nearest possible
 * ancestor, and then the frames at exactly sp with another site (siblings
 * called from the same stack depth), were left by longjmp: they are closed
 * now, at the moment the program left them behind at the latest. When no
 * frame is at sp or above, the call runs on another stack (sigaltstack, a
 * coroutine) and nothing is touched. Limit: a call from the very call site
 * (same instruction, same depth) a dead frame was called from looks inlined
 * into it, and is filed under it.
 */
/* The frames of s still alive for a call at sp from site, by the rule
 * above: the depth to pop down to (s->depth when none is dead). */
size_t rt_frames_alive(struct rt_shard *s, uintptr_t sp, uintptr_t site)
{
	size_t j;

	for (j = s->depth; j > 0; j--)
		if (s->stack[j - 1].sp >= sp)
			break;
	if (j == 0)
		return s->depth;
	/* An inexact address (a hook called by hand, another stack) keeps the
	 * rule of the enter hook's frame address: equal is no proof in time
	 * and trace modes (two hand-made nested calls from one function), a
	 * sibling in context modes. */
	if (!(sp & RT_SP_INEXACT) || (rt_g.timed & RT_TIMED_CONTEXT))
		while (j > 0 && s->stack[j - 1].sp == sp && s->stack[j - 1].site != site)
			j--;
	return j;
}

void rt_frames_drop_dead(struct rt_shard *s, uintptr_t sp, uintptr_t site)
{
	size_t j = rt_frames_alive(s, sp, site);
	uint64_t now;

	if (j == s->depth)
		return;
	now = rt_frame_clock();
	while (s->depth > j)
		rt_frame_pop(s, now);
}

/*
 * pthread key destructor: the thread exits; its shard becomes reusable.
 * Other keys' destructors may still run instrumented code after this one:
 * the thread then attaches again (rt_thread_attach, not counted as a new
 * thread), which sets the key again, so that libc calls this destructor
 * once more in its next round (up to PTHREAD_DESTRUCTOR_ITERATIONS rounds;
 * a call made in the last round, after this destructor, keeps its shard
 * until the process exits).
 */
/*
 * Trace mode: records the name of thread tid of this process
 * (/proc/self/task/TID/comm: pthread_setname_np()'s, or the executable's)
 * in the NAMES section. Not from a hook.
 */
void rt_thread_name_record(uint64_t tid)
{
	char path[64] = "/proc/self/task/", name[64];
	ssize_t n;
	int fd;

	rt_u64_to_dec(path + strlen(path), tid);
	strcat(path, "/comm");
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	n = read(fd, name, sizeof name - 1);
	close(fd);
	if (n <= 0)
		return;
	if (name[n - 1] == '\n')
		n--;
	name[n] = '\0';
	rt_name_thread(tid, name);
}

static void thread_detach(void *arg)
{
	struct rt_shard *s = arg;
	int saved = errno;

	rt_tls.busy = 1;
	if (rt_g.timed & RT_TIMED_TRACE) {
		/* Frames still open end the stream open (readers close them). */
		s->depth = 0;
		s->overflow = 0;
		rt_thread_name_record(s->table->thread_id);
	} else if (s->stack) {
		rt_shard_close_frames(s, rt_frame_clock());
	}
	pthread_mutex_lock(&rt_g.lock);
	s->in_use = 0;
	s->next_free = rt_g.free_shards;
	rt_g.free_shards = s;
	pthread_mutex_unlock(&rt_g.lock);
	rt_tls.shard = NULL;
	rt_tls.slots = NULL;
	rt_tls.detached = 1;
	rt_tls.busy = 0;
	errno = saved;
}

void rt_shards_key_create(void)
{
	pthread_key_create(&rt_g.thread_key, thread_detach);
}

/*
 * In a fork child, after rt_file_move(): only the forking thread exists,
 * so every other shard is free again, and the forking thread's frames no
 * longer point at valid slots (its table was emptied).
 */
void rt_shards_after_fork(struct rt_shard *keep)
{
	struct rt_shard *s;
	size_t i;

	rt_g.free_shards = NULL;
	for (s = rt_g.shards; s; s = s->next_all) {
		if (s == keep)
			continue;
		s->in_use = 0;
		s->depth = 0;
		s->overflow = 0;
		s->next_free = rt_g.free_shards;
		rt_g.free_shards = s;
	}
	rt_g.hdr->n_threads = keep ? 1 : 0;
	if (keep && (rt_g.timed & RT_TIMED_CONTEXT)) {
		/* The emptied table has none of the frames' nodes: the child's
		 * calls start new paths at the root; the old frames' exits are
		 * counted as lost frames. */
		keep->table->thread_id = (uint64_t)gettid();
		keep->depth = 0;
		keep->overflow = 0;
		keep->epoch++;
	} else if (keep) {
		keep->table->thread_id = (uint64_t)gettid();
		for (i = 0; i < keep->depth; i++)
			keep->stack[i].edge = keep->stack[i].func = NULL;
		keep->epoch++;
	}
}

/*
 * Zeroes every count and time of every shard. Function records keep their
 * activation depth (count), which is state, not data.
 */
void rt_shards_reset(void)
{
	struct rt_shard *s;

	for (s = rt_g.shards; s; s = s->next_all) {
		struct vpr_edges *t = s->table;
		unsigned char *slots = (unsigned char *)t + t->entries_offset;
		uint64_t i;

		for (i = 0; i < t->capacity; i++) {
			uint64_t *e = (uint64_t *)(slots + i * t->entry_size);
			if (!e[1])
				continue;
			if (e[0] != VPR_SITE_FUNCTION || t->entry_size != sizeof(struct vpr_edge_time))
				e[2] = 0;
			if (t->entry_size >= sizeof(struct vpr_edge_time))
				e[3] = e[4] = 0;   /* time tables and context nodes */
		}
		t->lost_calls = t->lost_frames = 0;
	}
}
