/* SPDX-License-Identifier: MIT */
/*
 * rt_hooks.c - __cyg_profile_func_enter/exit, the hot path.
 *
 * Count mode: the enter hook hashes (call site, callee) into the thread's
 * own table and adds one; the exit hook returns at once. Time mode: the
 * enter hook also pushes a shadow-stack frame with a timestamp, and the
 * exit hook pops it and charges inclusive and self ticks to the edge and
 * the function. Context modes: the enter hook finds the node (parent path =
 * the top frame's node, callee) in the thread's calling-context table, adds
 * one and pushes a frame naming it; the exit hook pops it (and charges
 * ticks in context+time mode).
 *
 * Rules: a per-thread guard (rt_tls.busy) makes a hook that interrupts a
 * hook (a signal handler calling instrumented code) count a loss instead of
 * corrupting the table; errno is never changed; no lock, no atomic, no libc
 * call on the fast path.
 */
#include <errno.h>

#include "rt_internal.h"

#define HOOK __attribute__((visibility("default"), no_instrument_function))

void __cyg_profile_func_enter(void *this_fn, void *call_site) HOOK;
void __cyg_profile_func_exit(void *this_fn, void *call_site) HOOK;

/* A call that cannot be counted: into the shard if there is one. */
static __attribute__((noinline, cold)) void count_lost(void)
{
	if (rt_tls.shard)
		rt_tls.shard->table->lost_calls++;
	else if (rt_g.hdr)
		__atomic_fetch_add(&rt_g.hdr->lost_calls, 1, __ATOMIC_RELAXED);
}

static __attribute__((noinline)) void time_enter(uintptr_t fn, uintptr_t site,
                                                uintptr_t sp)
{
	struct rt_shard *s = rt_tls.shard;
	unsigned epoch = s->epoch;
	struct vpr_edge_time *e, *f;
	struct rt_frame *fr;

	/* A call shallower than the top frame: frames were left by longjmp
	 * since. (An equal address is no proof: inlined bodies run their hooks
	 * from the frame of the function they were inlined into.) */
	if (RT_UNLIKELY(s->depth && s->stack[s->depth - 1].sp < sp))
		rt_frames_drop_dead(s, sp);

	e = (struct vpr_edge_time *)rt_slot(site, fn, sizeof *e);
	f = (struct vpr_edge_time *)rt_slot(VPR_SITE_FUNCTION, fn, sizeof *f);
	if (RT_UNLIKELY(s->epoch != epoch))     /* the table grew under e */
		e = (struct vpr_edge_time *)rt_slot(site, fn, sizeof *e);
	if (RT_UNLIKELY(!e)) {
		s->overflow++;   /* its exit must find no frame of ours */
		return;
	}
	e->count++;
	if (RT_UNLIKELY(s->depth == s->stack_cap)) {
		s->overflow++;
		return;
	}
	if (f)
		f->count++;
	fr = &s->stack[s->depth++];
	fr->fn = fn;
	fr->site = site;
	fr->sp = sp;
	fr->edge = e;
	fr->func = f;
	fr->child = 0;
	fr->start = rt_clock_now();
}

/*
 * Context modes: the node of (top frame's node, site, fn), inserted if
 * new. The same open-addressing probe as rt_slot(), keyed by (parent,
 * site, fn): two call sites of one caller path are two nodes, so the
 * per-site edges made of the nodes are exact.
 */
static inline struct vpr_ctx_node *ctx_slot(uint64_t parent, uintptr_t fn,
                                            uintptr_t site)
{
	uint64_t i = rt_hash(rt_ctx_key(parent, site), fn, rt_tls.shift);

	for (;;) {
		struct vpr_ctx_node *n = (struct vpr_ctx_node *)(rt_tls.slots +
		        i * sizeof(struct vpr_ctx_node));
		if (RT_LIKELY(n->fn == fn && n->parent == parent && n->site == site))
			return n;
		if (n->fn == 0)
			return rt_ctx_insert(parent, fn, site);
		i = (i + 1) & rt_tls.mask;
	}
}

static __attribute__((noinline)) void ctx_enter(uintptr_t fn, uintptr_t site,
                                               uintptr_t sp)
{
	struct rt_shard *s = rt_tls.shard;
	struct vpr_ctx_node *n;
	struct rt_frame *fr;

	if (RT_UNLIKELY(s->depth && s->stack[s->depth - 1].sp <= sp))
		rt_ctx_drop_dead(s, sp, site);
	n = ctx_slot(s->depth ? s->stack[s->depth - 1].node : 0, fn, site);
	if (RT_UNLIKELY(!n)) {
		s->overflow++;   /* its exit must find no frame of ours */
		return;
	}
	n->count++;
	if (RT_UNLIKELY(s->depth == s->stack_cap)) {
		s->overflow++;
		return;
	}
	fr = &s->stack[s->depth++];
	fr->fn = fn;
	fr->site = site;
	fr->sp = sp;
	fr->edge = (struct vpr_edge_time *)n;
	fr->func = NULL;
	fr->node = n->id;
	fr->child = 0;
	fr->start = (rt_tls.timed & RT_TIMED_CLOCK) ? rt_clock_now() : 0;
}

/* First call of a thread (or of the process), or a call inside a hook. */
static __attribute__((noinline, cold)) int enter_slow(void)
{
	int saved = errno;
	struct rt_shard *s;

	if (rt_tls.busy) {
		count_lost();
		return -1;
	}
	rt_tls.busy = 1;
	s = rt_thread_attach();
	rt_tls.busy = 0;
	errno = saved;
	if (!s) {
		count_lost();
		return -1;
	}
	return 0;
}

void __cyg_profile_func_enter(void *this_fn, void *call_site)
{
	uintptr_t fn = (uintptr_t)this_fn, site = (uintptr_t)call_site;
	struct vpr_edge_count *e;

	if (RT_UNLIKELY(rt_tls.busy || !rt_tls.slots) && enter_slow() != 0)
		return;
	rt_tls.busy = 1;
	__atomic_signal_fence(__ATOMIC_SEQ_CST);
	if (RT_UNLIKELY(rt_tls.timed)) {
		if (rt_tls.timed & RT_TIMED_CONTEXT)
			ctx_enter(fn, site, (uintptr_t)__builtin_frame_address(0));
		else
			time_enter(fn, site, (uintptr_t)__builtin_frame_address(0));
	} else {
		e = (struct vpr_edge_count *)rt_slot(site, fn, sizeof *e);
		if (RT_LIKELY(e != NULL))
			e->count++;
	}
	__atomic_signal_fence(__ATOMIC_SEQ_CST);
	rt_tls.busy = 0;
}

void __cyg_profile_func_exit(void *this_fn, void *call_site)
{
	uint64_t now;

	if (RT_LIKELY(!rt_tls.timed) || rt_tls.busy || !rt_tls.shard)
		return;
	now = (rt_tls.timed & RT_TIMED_CLOCK) ? rt_clock_now() : 0;
	rt_tls.busy = 1;
	__atomic_signal_fence(__ATOMIC_SEQ_CST);
	rt_time_exit((uintptr_t)this_fn, (uintptr_t)call_site, now);
	__atomic_signal_fence(__ATOMIC_SEQ_CST);
	rt_tls.busy = 0;
}
