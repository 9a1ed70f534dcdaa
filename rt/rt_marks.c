/* SPDX-License-Identifier: MIT */
/*
 * rt_marks.c - the marks API of vitprof.h: scopes, instant events,
 * counters, thread names, trace start and stop.
 *
 * A scope is a call of the pseudo-function VPR_NAME_FN(id), id its name's
 * (rt_names.c), from the caller's return address, made through
 * rt_call_enter()/rt_call_exit() (rt_hooks.c): counted in count mode,
 * counted and timed in time and context modes (nested under the calling
 * function, with the calls made inside it nested under it), an ENTER and
 * an EXIT in trace mode. Its shadow-stack frame must lie strictly between
 * the calling function's frame and those of the calls it makes inside the
 * scope, so its stack address (scope_sp) is taken inside the caller's own
 * frame, just above where the caller's calls start; a longjmp past the
 * caller then closes it with the caller's frame, and a call made inside it
 * nests under it (rt_frames_drop_dead, rt_shard.c).
 *
 * Every function: starts the runtime if needed, preserves errno on
 * success, returns 0 or -1 with errno set, never blocks a hook; called
 * while a hook of the same thread runs (a signal handler interrupting
 * one) it counts a loss and returns -1 with errno EBUSY.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <unistd.h>

#include "rt_internal.h"
#include "vitprof.h"

/*
 * The caller's stack address at its call of the API function whose frame
 * address is frame: the word just above the slot holding the API
 * function's return address (what call_stack_address(), rt_hooks.c, finds
 * for a hooked call made at that point). Calls the caller makes from the
 * same point have exactly this address; the caller's own frame is at
 * least 16 bytes higher (the return address and the 16-byte alignment of
 * the stack at calls, x86-64 ABI). Other targets: the API function's frame
 * address, inexact (below the caller's calls' hook frames, as the hooks
 * use there).
 */
#if defined(__x86_64__)
#define CALL_POINT(frame) ((uintptr_t)(frame) + 2 * sizeof(void *))
#define SCOPE_SLOTS 7u          /* even addresses in (point, point + 16) */
#else
#define CALL_POINT(frame) ((uintptr_t)(frame) | RT_SP_INEXACT)
#define SCOPE_SLOTS 0u
#endif

/* A loss: a mark that could not be recorded. */
static void count_lost(void)
{
	struct rt_shard *s = rt_tls.shard;

	if (s && rt_g.mode == VPR_MODE_TRACE)
		s->table->lost_events++;
	else if (s)
		s->table->lost_calls++;
	else if (rt_g.hdr && rt_g.mode == VPR_MODE_TRACE)
		__atomic_fetch_add(&rt_g.hdr->lost_events, 1, __ATOMIC_RELAXED);
	else if (rt_g.hdr)
		__atomic_fetch_add(&rt_g.hdr->lost_calls, 1, __ATOMIC_RELAXED);
}

/* Entry of every API function: the runtime started, the thread not inside
 * a hook. Returns 0, or -1 (loss counted, errno EBUSY). */
static int api_enter(void)
{
	if (RT_UNLIKELY(rt_tls.busy)) {
		count_lost();
		errno = EBUSY;
		return -1;
	}
	/* held off: a signal handler's hooks must not start it again */
	rt_tls.busy = 1;
	__atomic_signal_fence(__ATOMIC_SEQ_CST);
	rt_init();                      /* preserves errno */
	__atomic_signal_fence(__ATOMIC_SEQ_CST);
	rt_tls.busy = 0;
	return 0;
}

/* The id of name, interned with the hooks of this thread held off (the
 * insert takes rt_g.lock). 0 when it could not be recorded. */
static uint32_t intern(const char *name)
{
	uint32_t id;

	rt_tls.busy = 1;
	__atomic_signal_fence(__ATOMIC_SEQ_CST);
	id = rt_name_intern(name);
	__atomic_signal_fence(__ATOMIC_SEQ_CST);
	rt_tls.busy = 0;
	return id;
}

/* The id of an API call's name: 0 with errno EINVAL (no name) or ENOMEM
 * (not recorded: a loss counted) when there is none. */
static uint32_t api_name(const char *name)
{
	uint32_t id;

	if (!name) {
		errno = EINVAL;
		return 0;
	}
	id = intern(name);
	if (!id) {
		count_lost();
		errno = ENOMEM;
	}
	return id;
}

static int timed_stack(void)
{
	return (rt_g.timed & RT_TIMED_STACK) && rt_tls.shard && rt_tls.shard->stack;
}

static uintptr_t frame_sp(const struct rt_frame *f)
{
	return f->sp & ~RT_SP_INEXACT;
}

/*
 * The stack address of a scope (or instant) opened by a caller at call
 * point point: below the scopes the caller has open (one even address
 * lower each), above point. Frames at or below point are the caller's
 * dead callees (it is running, so they returned or were left by longjmp)
 * and are skipped. Past SCOPE_SLOTS nested scopes of one caller the
 * innermost address is reused, and the new scope closes the innermost
 * one (a sibling at the same address, rt_frames_drop_dead).
 */
static uintptr_t scope_sp(uintptr_t point)
{
	struct rt_shard *s = rt_tls.shard;
	size_t k;

	if (!SCOPE_SLOTS || !timed_stack())
		return point + 2 * SCOPE_SLOTS;
	for (k = s->depth; k > 0 && frame_sp(&s->stack[k - 1]) <= point; k--)
		;
	if (k > 0 && VPR_IS_NAME_FN(s->stack[k - 1].fn) &&
	    frame_sp(&s->stack[k - 1]) < point + 2 * (SCOPE_SLOTS + 1) &&
	    frame_sp(&s->stack[k - 1]) > point + 2)
		return frame_sp(&s->stack[k - 1]) - 2;
	if (k > 0 && VPR_IS_NAME_FN(s->stack[k - 1].fn) &&
	    frame_sp(&s->stack[k - 1]) == point + 2)
		return point + 2;
	return point + 2 * SCOPE_SLOTS;
}

static __attribute__((noinline)) int scope_begin(const char *name, const char *tag,
                                                 uintptr_t site, uintptr_t point)
{
	uint32_t id, tag_id = 0;
	int saved = errno;

	if (api_enter() != 0 || !(id = api_name(name)))
		return -1;
	if (tag)
		tag_id = intern(tag);
	if (rt_call_enter(VPR_NAME_FN(id), site, scope_sp(point)) != 0) {
		errno = EBUSY;
		return -1;
	}
	if (tag_id && rt_g.mode == VPR_MODE_TRACE)
		rt_trace_mark(VPR_TEV_TAG, tag_id, 0);
	errno = saved;
	return 0;
}

int vitprof_scope_begin(const char *name, const char *tag)
{
	return scope_begin(name, tag, (uintptr_t)__builtin_return_address(0),
	                   CALL_POINT(__builtin_frame_address(0)));
}

/*
 * Closes the caller's innermost open scope named name, with the scopes it
 * opened after it and left open, and the caller's dead callees above it
 * (one EXIT each, innermost first, as the exit hook closes frames left by a
 * longjmp). The caller's open scopes are the scope frames just above its
 * own frame: the frames at or below its call point are dead callees, the
 * first function frame below the scopes is the caller's. A scope not among
 * them (never opened, closed already, opened by another function, or
 * closed by a longjmp) is left alone: -1 with errno ENOENT, nothing closed
 * (an open scope of another function closes when that function returns).
 */
static __attribute__((noinline)) int scope_end(const char *name, uintptr_t point)
{
	struct rt_shard *s;
	uintptr_t fn;
	size_t k, j;
	uint32_t id;
	int saved = errno;

	if (api_enter() != 0)
		return -1;
	if (!name) {
		errno = EINVAL;
		return -1;
	}
	if (!rt_g.timed)
		return 0;               /* count mode: nothing to close */
	id = intern(name);
	if (!id) {
		errno = ENOENT;
		return -1;
	}
	fn = VPR_NAME_FN(id);
	if (!timed_stack()) {
		/* no shadow stack of ours (not attached yet, or none could be
		 * had): the exit as the hooks make it */
		if (rt_call_exit(fn, 0) != 0) {
			errno = EBUSY;
			return -1;
		}
		errno = saved;
		return 0;
	}
	s = rt_tls.shard;
	if (s->overflow) {
		/* frames were not pushed: the exit of one of them */
		rt_call_exit(fn, 0);
		errno = saved;
		return 0;
	}
	for (k = s->depth; k > 0 && frame_sp(&s->stack[k - 1]) <= point; k--)
		;
	for (j = k; j > 0 && VPR_IS_NAME_FN(s->stack[j - 1].fn); j--)
		if (s->stack[j - 1].fn == fn)
			break;
	if (j == 0 || s->stack[j - 1].fn != fn) {
		errno = ENOENT;
		return -1;
	}
	while (s->depth >= j && s->depth > 0) {
		struct rt_frame *top = &s->stack[s->depth - 1];
		size_t before = s->depth;
		if (rt_call_exit(top->fn, top->site) != 0 || s->depth >= before) {
			errno = EBUSY;
			return -1;
		}
	}
	errno = saved;
	return 0;
}

int vitprof_scope_end(const char *name)
{
	return scope_end(name, CALL_POINT(__builtin_frame_address(0)));
}

static __attribute__((noinline)) int instant(const char *name, uintptr_t site,
                                             uintptr_t point)
{
	uint32_t id;
	int saved = errno;

	if (api_enter() != 0 || !(id = api_name(name)))
		return -1;
	if (rt_g.mode == VPR_MODE_TRACE) {
		rt_trace_mark(VPR_TEV_INSTANT, id, 0);
	} else {
		/* a call with no duration: counted (and in the tree) elsewhere */
		if (rt_call_enter(VPR_NAME_FN(id), site, scope_sp(point)) != 0 ||
		    rt_call_exit(VPR_NAME_FN(id), site) != 0) {
			errno = EBUSY;
			return -1;
		}
	}
	errno = saved;
	return 0;
}

int vitprof_instant(const char *name)
{
	return instant(name, (uintptr_t)__builtin_return_address(0),
	               CALL_POINT(__builtin_frame_address(0)));
}

int vitprof_counter(const char *name, long long value)
{
	uint32_t id;
	int saved = errno;

	if (api_enter() != 0)
		return -1;
	if (!name) {
		errno = EINVAL;
		return -1;
	}
	if (rt_g.mode != VPR_MODE_TRACE)
		return 0;
	if (!(id = api_name(name)))
		return -1;
	rt_trace_mark(VPR_TEV_COUNTER, id, (int64_t)value);
	errno = saved;
	return 0;
}

int vitprof_thread_name(const char *name)
{
	int saved = errno;

	if (api_enter() != 0)
		return -1;
	if (!name) {
		errno = EINVAL;
		return -1;
	}
	rt_tls.busy = 1;
	__atomic_signal_fence(__ATOMIC_SEQ_CST);
	rt_name_thread_pin((uint64_t)gettid(), name);
	__atomic_signal_fence(__ATOMIC_SEQ_CST);
	rt_tls.busy = 0;
	errno = saved;
	return 0;
}

static int trace_set(int on)
{
	int saved = errno;

	if (api_enter() != 0)
		return -1;
	rt_tls.busy = 1;
	__atomic_signal_fence(__ATOMIC_SEQ_CST);
	rt_trace_set(on);
	__atomic_signal_fence(__ATOMIC_SEQ_CST);
	rt_tls.busy = 0;
	errno = saved;
	return 0;
}

int vitprof_trace_start(void)
{
	return trace_set(1);
}

int vitprof_trace_stop(void)
{
	return trace_set(0);
}
