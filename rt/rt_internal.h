/* SPDX-License-Identifier: MIT */
/*
 * rt_internal.h - declarations shared between the runtime's files.
 *
 * Naming: the exported ABI is __cyg_profile_func_* (rt_hooks.c), vitprof_*
 * (vitprof.h, rt_api.c), and libgcov's __gcov_* and clang's llvm_gcov_init
 * entry points (rt_gcov_api.c); helpers shared between rt/ files are rt_*;
 * everything else is static. The library is built with -fvisibility=hidden,
 * so nothing here is exported.
 *
 * Layers, bottom first (tests/layers/rt.spec; a file calls its own layer
 * and those below, never above):
 *   format   vpr_merge.c: the merge core (vpr_merge.h), shared with the
 *            tool; it calls nothing of the runtime
 *   base     rt_state.c (rt_g, rt_tls), rt_util.c, rt_env.c, rt_clock.c
 *   log      rt_log.c
 *   file     rt_file.c: the raw file, its sections, path safety
 *   record   rt_modules.c, rt_shard.c, rt_gcov.c, rt_gcov_values.c,
 *            rt_gcov_object.c, rt_llvm_gcov.c, rt_names.c (the NAMES
 *            section), rt_filter.c (VITPROF_FILTER, symbols at record time)
 *   trace    rt_trace.c: trace mode's events
 *   path     rt_path.c: VITPROF_FILE expanded, the %m signature
 *   merge    rt_merge.c: online merging, through vpr_merge.c
 *   entry    rt_init.c (start-up, exit, fork), rt_api.c, rt_hooks.c,
 *            rt_gcov_api.c, rt_exec.c (shared runtime only), rt_marks.c
 *            (scopes and marks of vitprof.h)
 * rt_init() is called from the entry layer only.
 *
 * Rules for everything reachable from a hook: no malloc, no stdio, no
 * locks on the fast path, errno preserved, never exit or abort.
 */
#ifndef VITPROF_RT_INTERNAL_H
#define VITPROF_RT_INTERNAL_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include "vitprof_raw.h"

#define RT_LIKELY(x) __builtin_expect(!!(x), 1)
#define RT_UNLIKELY(x) __builtin_expect(!!(x), 0)
#define RT_TLS __thread __attribute__((tls_model("initial-exec")))

/* One shadow-stack frame (time, context and trace modes). */
struct rt_frame {
	uintptr_t fn;
	uintptr_t site;
	/* NULL: not timed (table moved by fork). Context modes: the frame's
	 * struct vpr_ctx_node, whose first five words match vpr_edge_time. */
	struct vpr_edge_time *edge;
	struct vpr_edge_time *func;  /* the callee's function record, or NULL */
	uintptr_t sp;                /* the call's stack address (its CFA, rt_hooks.c),
	                              * | RT_SP_INEXACT when not found */
	uint64_t start;              /* tick at entry */
	uint64_t child;              /* ticks spent in instrumented callees;
	                              * trace mode: RT_TF_* state bits, and the
	                              * frames eligible for recording up to
	                              * this one << RT_TF_DEPTH_SHIFT */
	uint64_t node;               /* context modes: the frame's node id;
	                              * trace mode: its table entry's id */
};

/* rt_frame.child in trace mode (rt_trace.c). */
#define RT_TF_RECORDED 0x1u     /* on the timeline: its ENTER is (or was to be) written */
#define RT_TF_PENDING 0x2u      /* recorded if it lasts filter_min_ns or a
                                 * descendant is recorded */
#define RT_TF_EXCLUDED 0x4u     /* inside a function VITPROF_FILTER excludes */
#define RT_TF_INCLUDED 0x8u     /* inside a function VITPROF_FILTER includes */
#define RT_TF_DEPTH_SHIFT 8

/*
 * A thread shard: one thread's edge table (a section of the raw file) and,
 * in time mode, its shadow stack. Shards live in runtime memory, are never
 * freed, and go back to a free list when their thread exits, so a program
 * that starts a million short threads uses as many shards as it ever had
 * threads alive at once.
 */
struct rt_shard {
	struct vpr_edges *table;     /* the live table section */
	uint64_t shard_id;
	uint64_t grow_at;            /* grow when table->n_used reaches this */
	struct rt_frame *stack;      /* time mode: shadow stack (anonymous) */
	size_t depth;                /* frames in use */
	size_t stack_cap;            /* frames mapped */
	size_t overflow;             /* frames entered past stack_cap */
	unsigned epoch;              /* bumped each time the table moves */
	int in_use;
	struct rt_shard *next_all;   /* every shard, for reset and fork */
	struct rt_shard *next_free;
	/* Trace mode: the shard's event stream (rt_trace.c). tw == tend ==
	 * NULL until the next event starts a chunk: a new stream when
	 * tfresh (a new thread took the shard), one beginning with OPEN marks
	 * when topen (a fork child). */
	struct vpr_trace *chunk;     /* the chunk events go to, or NULL */
	unsigned char *tw;           /* where the next event goes */
	unsigned char *tend;         /* a new chunk is started at or past this */
	unsigned char *tdata;        /* event byte 0 of chunk */
	uint64_t tlast;              /* tick of the stream's last event */
	uint64_t tseq;               /* seq of the last chunk started */
	uint64_t trec;               /* recorded frames open (RT_TF_RECORDED) */
	uint64_t tpend;              /* pending frames open (RT_TF_PENDING) */
	uint64_t tchunk_size;        /* bytes of the next whole-run chunk */
	struct vpr_trace **ring;     /* flight recorder: its chunks, ring_n of them */
	size_t ring_n, ring_next;
	int tfresh, topen;
	int tlost;                   /* no more events: counted as lost */
};

/* Hot-path copy of the current thread's table, in one TLS block. */
struct rt_tls {
	unsigned char *slots;        /* entry 0 of the live table */
	uint64_t mask;               /* capacity - 1 */
	unsigned shift;              /* 64 - log2(capacity) */
	int busy;                    /* recursion guard */
	int timed;                   /* RT_TIMED_* bits; 0 in count mode */
	struct rt_shard *shard;      /* NULL until the thread's first call */
	uintptr_t stack_top;         /* above every frame of the thread's stack:
	                              * where call_stack_address() stops */
	int detached;                /* the thread's shard was released at its
	                              * exit (TSD destructor): a later call of the
	                              * thread attaches again, not a new thread */
};

/* rt_frame.sp: not a CFA but an address below it (rt_hooks.c); stack
 * addresses are word-aligned, so bit 0 is free. */
#define RT_SP_INEXACT ((uintptr_t)1)

/* rt_tls.timed: the hooks keep a shadow stack; it reads the clock; the
 * stack is a calling-context path (context modes). */
#define RT_TIMED_STACK 1
#define RT_TIMED_CLOCK 2
#define RT_TIMED_CONTEXT 4
#define RT_TIMED_TRACE 8        /* trace mode: events on the thread's timeline */

extern RT_TLS struct rt_tls rt_tls;     /* rt_state.c */

/* Shadow stack capacity per thread, in frames (virtual memory, NORESERVE). */
#define RT_STACK_FRAMES (1u << 22)
#define RT_INITIAL_CAPACITY 1024u

/* Process-wide state; fields after `lock` are guarded by it. */
struct rt_global {
	int ready;                   /* 1 once rt_init() completed */
	uint32_t mode;               /* VPR_MODE_* */
	uint32_t entry_size;
	uint32_t page_size;
	int timed;                   /* RT_TIMED_* bits of mode */
	int verbose;
	int reported;                /* the one loss line has been printed */
	pthread_mutex_t lock;
	int fd;                      /* raw file, or -1 when there is none */
	struct vpr_file_header *hdr; /* mapped header page (anonymous if no file) */
	char path[VPR_PATH_MAX];     /* raw file path in use */
	char pattern[VPR_PATH_MAX];  /* VITPROF_FILE as given */
	char pool[VPR_PATH_MAX];     /* %m: the pool merged into at exit, else "" */
	struct rt_shard *shards;     /* every shard */
	struct rt_shard *free_shards;
	uint64_t next_shard_id;
	pthread_key_t thread_key;
	/* Trace mode. trace_on: events are recorded (vitprof_trace_start/stop,
	 * VITPROF_TRACE_START), read by the hooks without the lock. The
	 * filter_* fields are VITPROF_FILTER's, set by rt_filter_init(). */
	int trace_on;
	int filter_active;           /* rt_filter_fn() has something to say */
	uint32_t filter_depth;       /* recorded frames at most this deep; 0 none */
	uint64_t filter_min_ns;      /* calls shorter than this leave no events */
	int filter_include;          /* VITPROF_FILTER has include terms: only
	                              * calls under a VPR_TRACE_FN_INCLUDE frame
	                              * are recorded */
};

extern struct rt_global rt_g;          /* rt_state.c */

/* rt_log.c: the lines the runtime prints (write(2) only). */
void rt_report_once(const char *what, const char *path, int err);
void rt_report_once_why(const char *what, const char *path, const char *why);
void rt_log(const char *a, const char *b);
void rt_write_stderr(const char *s, size_t n);

/* rt_util.c: string helpers usable in hooks (no malloc, no stdio, no state). */
size_t rt_append(char *line, size_t n, size_t cap, const char *s);
size_t rt_append_escaped(char *line, size_t n, size_t cap, const char *s);
size_t rt_strlcpy(char *dst, const char *src, size_t cap);
size_t rt_u64_to_dec(char *out, uint64_t v);

/* rt_env.c */
const char *rt_getenv(const char *name);

/* Bytes of an untrusted string (path, environment value) a message shows. */
#define RT_PRINT_MAX 256u

/* rt_shard.c */
struct rt_shard *rt_thread_attach(void);
void *rt_edge_insert(uintptr_t site, uintptr_t fn);
void *rt_ctx_insert(uint64_t parent, uintptr_t fn, uintptr_t site);
void rt_shards_after_fork(struct rt_shard *keep);
void rt_shards_reset(void);
void rt_shards_key_create(void);
void rt_shard_close_frames(struct rt_shard *s, uint64_t now);
void rt_time_exit(uintptr_t fn, uintptr_t site, uint64_t now);
void rt_frames_drop_dead(struct rt_shard *s, uintptr_t sp, uintptr_t site);
size_t rt_frames_alive(struct rt_shard *s, uintptr_t sp, uintptr_t site);
size_t rt_frame_returning(struct rt_shard *s, uintptr_t fn, uintptr_t site);
void *rt_trace_insert(uintptr_t site, uintptr_t fn, uint32_t flags);
void rt_thread_name_record(uint64_t tid);

/* rt_file.c: the raw file and its sections. Callers hold rt_g.lock. */
int rt_fallocate(int fd, uint64_t off, uint64_t len);
int rt_file_open(const char *path);
void *rt_section_alloc(uint32_t type, uint64_t size, uint64_t *size_out);
void rt_section_retire(void *addr);
int rt_file_move(const char *new_path, int keep_counts);
int rt_file_sync(void);
void *rt_anon_alloc(size_t size);
int rt_section_alias(void *sec, void *addr, uint64_t off, uint64_t size);
void rt_section_unalias(void *sec);
int rt_section_in_file(const void *sec);
void rt_copy_words(void *dst, const void *src, size_t n);

/*
 * What the runtime finds at a path it wants to create, replace, read or
 * remove (never following a symlink). Only RT_PATH_OURS, a regular file
 * owned by the effective uid with no other hard link, is ever opened
 * without O_EXCL or removed; anything else is refused (docs/runtime.md,
 * "Security").
 */
#define RT_PATH_ABSENT 0
#define RT_PATH_OURS 1
#define RT_PATH_REFUSED 2
struct stat;
int rt_path_check(const char *path, struct stat *st, const char **why);
int rt_open_own(const char *path, int flags, struct stat *st, const char **why);
int rt_unlink_same(const char *path, const struct stat *created);
int rt_unlink_fd_file(const char *path, int fd);

/* rt_gcov.c: gcov arc counters (-fprofile-arcs code). Callers hold rt_g.lock. */
void rt_gcov_flush(void);
void rt_gcov_reset(void);
void rt_gcov_validate(void);
void rt_gcov_after_fork_child(void);

/* rt_modules.c */
struct dl_phdr_info;
void rt_modules_init(void);
void rt_module_check(uintptr_t addr);
unsigned rt_module_build_id(const struct dl_phdr_info *info, uint8_t *out);
/* The loaded object holding addr (lock-free, as rt_module_check): its
 * index among the known objects (never reused in the process; < 0 when addr
 * is in none), *path its path (NULL when its record could not be written)
 * and *bias its load bias. */
int rt_module_find(uintptr_t addr, const char **path, uintptr_t *bias);

/* rt_path.c: VITPROF_FILE expanded; with %m, the pool and the own file. */
size_t rt_expand_path(char *out, size_t cap, const char *pattern);
int rt_profile_paths(const char *pattern, char *own, char *pool);

/* rt_merge.c: online merging (%m). */
int rt_merge_into_pool(void);

/* rt_init.c: starts the runtime once (safe from any thread, errno
 * preserved). Called by the entry points only: the enter hook, the public
 * API (rt_api.c), the gcov entry points (rt_gcov_api.c). */
void rt_init(void);

/* rt_hooks.c: a call the API makes on the program's behalf (a scope),
 * recorded in every mode as the hooks record one. sp: the call's stack
 * address, as call_stack_address() finds it for a hooked call. */
int rt_call_enter(uintptr_t fn, uintptr_t site, uintptr_t sp);
int rt_call_exit(uintptr_t fn, uintptr_t site);

/* rt_filter.c: VITPROF_FILTER and VITPROF_TRACE_START (trace mode).
 * rt_filter_init() runs once at start, after the modules are known, and
 * sets rt_g.filter_*; rt_filter_fn() is the verdict (VPR_TRACE_FN_*) on
 * function fn, asked once per new table entry from the hooks' slow path:
 * no malloc, no stdio, no lock a hook may hold. */
void rt_filter_init(void);
uint32_t rt_filter_fn(uintptr_t fn);
/* 1 if s matches the shell glob pat (*, ?, [...] with ranges and ! or ^,
 * \ quoting the next character), else 0. No allocation. */
int rt_glob_match(const char *pat, const char *s);

/* rt_names.c: the NAMES section. rt_name_intern() returns the id of
 * string s (recorded once per process), 0 when it cannot be recorded;
 * rt_name_thread() records a thread's name. After fork the child's file
 * gets every name again (rt_names_after_fork). Safe from any thread;
 * not from inside a hook (rt_tls.busy is the caller's to check). */
uint32_t rt_name_intern(const char *s);
void rt_name_thread(uint64_t tid, const char *name);
void rt_names_after_fork(void);
/* The name of thread tid given by the program (vitprof_thread_name):
 * recorded, and later rt_name_thread() names of tid are ignored. */
void rt_name_thread_pin(uint64_t tid, const char *name);
/* The text of name id (lock-free; NULL when id is not a string's), valid
 * for the life of the process. */
const char *rt_name_text(uint32_t id);

/* rt_trace.c: trace mode's events. rt_trace_mark() puts a MARK
 * (VPR_TEV_INSTANT, _COUNTER, _TAG) on the calling thread's timeline
 * (nothing in other modes); rt_trace_set() starts (1) or stops (0)
 * recording for every thread. */
void rt_trace_mark(unsigned kind, uint32_t name_id, int64_t value);
void rt_trace_set(int on);
/* The rest of rt_trace.c, for the entry layer: rt_trace_init() at start
 * (after rt_filter_init); the hooks' enter and exit in trace mode;
 * rt_trace_after_fork() in a fork child (after rt_shards_after_fork);
 * rt_trace_names() records the names of the live threads (exit, dump);
 * rt_trace_finish() reports a loss at exit. rt_session_env is
 * "VITPROF_SESSION=<16 hex digits>" in trace mode, else "" (rt_exec.c
 * gives it to exec'd images). */
void rt_trace_init(void);
void rt_trace_enter(uintptr_t fn, uintptr_t site, uintptr_t sp);
void rt_trace_exit(uintptr_t fn, uintptr_t site, uint64_t now);
void rt_trace_after_fork(struct rt_shard *keep);
void rt_trace_names(void);
void rt_trace_finish(void);
extern char rt_session_env[];

/* rt_clock.c */
void rt_clock_init(struct vpr_file_header *hdr, int timed);
uint64_t rt_clock_ticks_of_ns(const struct vpr_file_header *hdr, uint64_t ns);
void rt_clock_mark(struct vpr_file_header *hdr);
uint64_t rt_clock_now(void);
extern int rt_clock_is_tsc;

#endif /* VITPROF_RT_INTERNAL_H */

/* ---- hot-path helpers, inlined into the hooks ---------------------------- */
#ifndef VITPROF_RT_INLINES
#define VITPROF_RT_INLINES

/*
 * Finds the slot of (site, fn) in the current thread's table, inserting it
 * when it is new. Returns NULL when the call cannot be counted. stride is a
 * constant at each call site, so each mode gets its own specialised loop
 * (vpr_edges_probe, inlined).
 */
static inline uint64_t *rt_slot(uintptr_t site, uintptr_t fn, size_t stride)
{
	uint64_t *e = vpr_edges_probe(rt_tls.slots, rt_tls.mask, rt_tls.shift, stride,
	                              site, fn);

	/* e holds the key, or is empty (fn, a function's address, is not 0):
	 * tested so that the hit path tests nothing more than the probe did */
	if (RT_LIKELY(e[1] == fn))
		return e;
	return rt_edge_insert(site, fn);
}

/* The tick frames are closed at outside the exit hook: 0 in context mode
 * (no clock; frames start at 0 too). */
static inline uint64_t rt_frame_clock(void)
{
	return (rt_g.timed & RT_TIMED_CLOCK) ? rt_clock_now() : 0;
}

/* Closes the top frame of s at tick now, charging its edge and function. */
static inline void rt_frame_pop(struct rt_shard *s, uint64_t now)
{
	struct rt_frame *f = &s->stack[--s->depth];
	uint64_t incl = now > f->start ? now - f->start : 0;
	uint64_t self = incl > f->child ? incl - f->child : 0;

	/* The function's total first, then the edge's total, then its self
	 * time: a SIGKILL between two of these stores leaves self <= total in
	 * the file (the fences keep the compiler from reordering them). */
	if (f->func && f->func->count && --f->func->count == 0)
		f->func->total_ticks += incl;
	__atomic_signal_fence(__ATOMIC_SEQ_CST);
	if (f->edge) {
		f->edge->total_ticks += incl;
		__atomic_signal_fence(__ATOMIC_SEQ_CST);
		f->edge->self_ticks += self;
	}
	if (s->depth)
		s->stack[s->depth - 1].child += incl;
}
#endif
