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
 * ticks in context+time mode). Trace mode: the same shadow stack, and
 * each call's ENTER and EXIT on the thread's timeline (rt_trace.c).
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

/*
 * Time and context modes: the stack address of a call, the same whatever
 * the callee's prologue: the address just above the slot that holds the
 * callee's return address (its CFA), which is where the caller's stack
 * pointer was at the call. hook_frame is the enter hook's own frame address;
 * above it lie the hook's saved frame pointer and return address, then the
 * callee's frame (its saved registers and locals), then the slot holding
 * site. The slot is found by looking up from the hook's frame for the first
 * word equal to site: every word read lies in the callee's frame, at or
 * below that slot. (The enter hook's own frame address would not do: it
 * depends on the callee's frame size, so that after a longjmp out of a
 * callee with a small frame, a sibling with a larger one would look deeper
 * than the dead callee and be filed under it.) A stale copy of site left in the
 * callee's uninitialised locals can stop the search early (recursion with
 * frames larger than the caller's): the address is then a little lower, in
 * the callee's frame, still below every live ancestor. The search never
 * passes rt_tls.stack_top (set by rt_thread_attach, rt_shard.c), the top of the thread's stack: a
 * hook called by hand with a made-up site reads no unmapped page.
 * Returned with RT_SP_INEXACT set (compared by the rule for inexact
 * addresses, rt_frames_drop_dead): the end of the search for a frame larger than
 * RT_CFA_SCAN_WORDS words (a lower bound); the hook's own frame address on
 * another stack (a coroutine's, sigaltstack) or when the site is on no
 * stack (a hook called by hand).
 * Not instrumented for ASan: the callee's frame holds poisoned redzones.
 * x86-64 only (i386 passes site to the hook on the stack, below the slot;
 * elsewhere the return address is in a register): other targets keep the
 * hook's frame address.
 */
#define RT_CFA_SCAN_WORDS 2048u
static __attribute__((noinline, no_sanitize_address)) uintptr_t
call_stack_address(uintptr_t hook_frame, uintptr_t site)
{
#if defined(__x86_64__)
	const uintptr_t *w = (const uintptr_t *)hook_frame + 2;
	uintptr_t top = rt_tls.stack_top;
	size_t i, n = RT_CFA_SCAN_WORDS;

	if (top <= (uintptr_t)w)
		return hook_frame | RT_SP_INEXACT;   /* not the thread's stack */
	if ((top - (uintptr_t)w) / sizeof *w < n)
		n = (top - (uintptr_t)w) / sizeof *w;
	/* Four words a step (frames of a few hundred bytes are common); the
	 * first match wins. */
	for (i = 0; i + 4 <= n; i += 4)
		if (RT_UNLIKELY((w[i] == site) | (w[i + 1] == site) |
		                (w[i + 2] == site) | (w[i + 3] == site)))
			break;
	for (; i < n; i++)
		if (w[i] == site)
			return (uintptr_t)(w + i + 1);
	return (i == RT_CFA_SCAN_WORDS ? (uintptr_t)(w + i) : hook_frame) | RT_SP_INEXACT;
#else
	(void)site;
	return hook_frame | RT_SP_INEXACT;
#endif
}

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

	/* A call not deeper than the top frame: frames were left by longjmp
	 * since (rt_frames_drop_dead says which). */
	if (RT_UNLIKELY(s->depth && s->stack[s->depth - 1].sp <= sp))
		rt_frames_drop_dead(s, sp, site);

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
 * Context modes: the node of (top frame's node, fn), inserted if new: the
 * probe of rt_slot(), keyed by (parent, fn) (vitprof_raw.h).
 */
static inline struct vpr_ctx_node *ctx_slot(uint64_t parent, uintptr_t fn,
                                            uintptr_t site)
{
	uint64_t *e = vpr_edges_probe(rt_tls.slots, rt_tls.mask, rt_tls.shift,
	                              sizeof(struct vpr_ctx_node), parent, fn);

	if (RT_LIKELY(e[1] == fn))      /* as rt_slot() */
		return (struct vpr_ctx_node *)e;
	return rt_ctx_insert(parent, fn, site);
}

static __attribute__((noinline)) void ctx_enter(uintptr_t fn, uintptr_t site,
                                               uintptr_t sp)
{
	struct rt_shard *s = rt_tls.shard;
	struct vpr_ctx_node *n;
	struct rt_frame *fr;

	if (RT_UNLIKELY(s->depth && s->stack[s->depth - 1].sp <= sp))
		rt_frames_drop_dead(s, sp, site);
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
	rt_init();
	s = rt_thread_attach();
	rt_tls.busy = 0;
	errno = saved;
	if (!s) {
		count_lost();
		return -1;
	}
	return 0;
}

/* The enter hook's work in time, context (and trace) modes: sp is the
 * call's stack address (call_stack_address). */
static inline __attribute__((always_inline)) void timed_enter(uintptr_t fn, uintptr_t site,
                                                              uintptr_t sp)
{
	if (rt_tls.timed & RT_TIMED_CONTEXT)
		ctx_enter(fn, site, sp);
	else if (rt_tls.timed & RT_TIMED_TRACE)
		rt_trace_enter(fn, site, sp);
	else
		time_enter(fn, site, sp);
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
		timed_enter(fn, site, call_stack_address((uintptr_t)__builtin_frame_address(0), site));
	} else {
		e = (struct vpr_edge_count *)rt_slot(site, fn, sizeof *e);
		if (RT_LIKELY(e != NULL))
			e->count++;
	}
	__atomic_signal_fence(__ATOMIC_SEQ_CST);
	rt_tls.busy = 0;
}

/* The exit hook's work: the top frame returns at tick now. */
static inline __attribute__((always_inline)) void timed_exit(uintptr_t fn, uintptr_t site,
                                                             uint64_t now)
{
	if (rt_tls.timed & RT_TIMED_TRACE)
		rt_trace_exit(fn, site, now);
	else
		rt_time_exit(fn, site, now);
}

void __cyg_profile_func_exit(void *this_fn, void *call_site)
{
	uint64_t now;

	if (RT_LIKELY(!rt_tls.timed) || rt_tls.busy || !rt_tls.shard)
		return;
	now = (rt_tls.timed & RT_TIMED_CLOCK) ? rt_clock_now() : 0;
	rt_tls.busy = 1;
	__atomic_signal_fence(__ATOMIC_SEQ_CST);
	timed_exit((uintptr_t)this_fn, (uintptr_t)call_site, now);
	__atomic_signal_fence(__ATOMIC_SEQ_CST);
	rt_tls.busy = 0;
}

/*
 * A call made by the runtime's API on the program's behalf (a scope of
 * vitprof.h is a call of VPR_NAME_FN(id)): counted, timed and traced as
 * the hooks do a call of fn from site whose stack address is sp. Returns
 * 0, or -1 when it could not be recorded (counted as a loss).
 */
int rt_call_enter(uintptr_t fn, uintptr_t site, uintptr_t sp)
{
	struct vpr_edge_count *e;
	int saved = errno, rc = 0;

	if (RT_UNLIKELY(rt_tls.busy || !rt_tls.slots) && enter_slow() != 0)
		return -1;
	rt_tls.busy = 1;
	__atomic_signal_fence(__ATOMIC_SEQ_CST);
	if (rt_tls.timed) {
		timed_enter(fn, site, sp);
	} else {
		e = (struct vpr_edge_count *)rt_slot(site, fn, sizeof *e);
		if (e)
			e->count++;
		else
			rc = -1;
	}
	__atomic_signal_fence(__ATOMIC_SEQ_CST);
	rt_tls.busy = 0;
	errno = saved;
	return rc;
}

/* The return of a call entered by rt_call_enter(). */
int rt_call_exit(uintptr_t fn, uintptr_t site)
{
	int saved = errno;
	uint64_t now;

	if (!rt_tls.timed || !rt_tls.shard)
		return 0;
	if (rt_tls.busy)
		return -1;
	now = (rt_tls.timed & RT_TIMED_CLOCK) ? rt_clock_now() : 0;
	rt_tls.busy = 1;
	__atomic_signal_fence(__ATOMIC_SEQ_CST);
	timed_exit(fn, site, now);
	__atomic_signal_fence(__ATOMIC_SEQ_CST);
	rt_tls.busy = 0;
	errno = saved;
	return 0;
}
