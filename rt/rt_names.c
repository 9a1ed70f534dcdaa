/* SPDX-License-Identifier: MIT */
/*
 * rt_names.c - the NAMES sections: names of scopes, marks and tags
 * (VPR_NAME_STRING, one id per distinct string, from 1, process-wide) and
 * of threads (VPR_NAME_THREAD).
 *
 * The runtime keeps its own copy of every string in an arena of anonymous
 * memory, in id order, and finds a string already seen without a lock:
 * first by the caller's pointer (a direct-mapped cache of the last string
 * seen at each pointer, checked against the text, since a buffer may be
 * reused with other text), then by content (an open-addressing table keyed
 * by a hash of the text). A new string is inserted under rt_g.lock: its
 * record is written to the file (n_records published after the record),
 * then the table slot publishes it. The file's records are rewritten from
 * the arena in a fork child (rt_names_after_fork).
 *
 * Limits: NAMES_SLOTS * 3 / 4 distinct strings and THREAD_SLOTS threads
 * with a remembered name; a string past the first returns id 0 (not
 * recorded), a thread past the second is named every time it is named.
 * No malloc, no stdio.
 */
#define _GNU_SOURCE
#include <string.h>
#include <unistd.h>

#include "rt_internal.h"

#define NAMES_SLOTS (1u << 17)
#define NAMES_MAX (NAMES_SLOTS / 4u * 3u)
#define PTR_SLOTS 4096u
#define THREAD_SLOTS 4096u
#define ARENA_CHUNK 65536u
#define FIRST_SECTION_SIZE 4096u
#define SECTION_SIZE 65536u
#define MAX_SECTIONS 4096u

/* One string (id != 0) or thread name (id 0) the runtime holds, in the
 * arena, in the order the records were made. */
struct name_entry {
	struct name_entry *next;    /* the next entry made (arena order) */
	uint64_t hash;
	uint32_t id;                /* 0: a thread's name */
	uint32_t len;               /* bytes of text, at most VPR_NAME_MAX */
	char text[];                /* NUL-terminated */
};

struct thread_slot {
	uint64_t tid;               /* 0: empty */
	struct name_entry *name;
	int pinned;                 /* named by the program: rt_name_thread ignored */
};

static struct name_entry **slots;          /* content table, NAMES_SLOTS */
static struct name_entry **by_id;          /* id -> entry, NAMES_MAX + 1 */
static struct name_entry *ptr_cache[PTR_SLOTS];
static struct thread_slot *threads;        /* THREAD_SLOTS */
static uint32_t n_names;                   /* ids given */
static struct name_entry *first, *last;    /* arena order */
static unsigned char *arena;
static size_t arena_left;
static struct vpr_modules *secs[MAX_SECTIONS];
static uint64_t sec_size[MAX_SECTIONS];
static unsigned n_secs;                    /* sections allocated */
static unsigned cur_sec;                   /* the one records go to */
static int tables_failed;

/* The name a thread gave itself here, for a fork child's one thread. */
static RT_TLS struct name_entry *tls_own_name;
static RT_TLS int tls_own_pinned;

static uint64_t text_hash(const char *s, size_t n)
{
	uint64_t h = 0xcbf29ce484222325ull;
	size_t i;

	for (i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 0x100000001b3ull;
	return h ? h : 1;
}

static size_t name_len(const char *s)
{
	return strnlen(s, VPR_NAME_MAX);
}

static int entry_is(const struct name_entry *e, const char *s, size_t n)
{
	return e->len == n && memcmp(e->text, s, n) == 0;
}

static unsigned ptr_slot(const char *s)
{
	return (unsigned)(((uintptr_t)s * 0x9E3779B97F4A7C15ull) >> 52) & (PTR_SLOTS - 1);
}

/* The anonymous tables, once. Caller holds rt_g.lock. */
static int tables_ready(void)
{
	if (slots)
		return 1;
	if (tables_failed)
		return 0;
	threads = rt_anon_alloc(THREAD_SLOTS * sizeof *threads);
	by_id = rt_anon_alloc((NAMES_MAX + 1) * sizeof *by_id);
	if (threads && by_id)
		__atomic_store_n(&slots, rt_anon_alloc(NAMES_SLOTS * sizeof *slots),
		                 __ATOMIC_RELEASE);
	if (!slots)
		tables_failed = 1;
	return slots != NULL;
}

/* A new arena entry holding s[0..n). Caller holds rt_g.lock. */
static struct name_entry *entry_new(const char *s, size_t n, uint64_t hash, uint32_t id)
{
	size_t need = (sizeof(struct name_entry) + n + 1 + 7) & ~(size_t)7;
	struct name_entry *e;

	if (arena_left < need) {
		arena = rt_anon_alloc(ARENA_CHUNK);
		arena_left = arena ? ARENA_CHUNK : 0;
		if (!arena)
			return NULL;
	}
	e = (struct name_entry *)arena;
	arena += need;
	arena_left -= need;
	e->next = NULL;
	e->hash = hash;
	e->id = id;
	e->len = (uint32_t)n;
	memcpy(e->text, s, n);
	e->text[n] = '\0';
	if (last)
		last->next = e;
	else
		first = e;
	last = e;
	return e;
}

/*
 * Appends one record to the last NAMES section, starting a new section
 * when it is full. Returns 0, or -1 when no section could be had. Caller
 * holds rt_g.lock.
 */
static int record_put(uint32_t kind, uint32_t id, uint64_t tid, const char *text, uint32_t len)
{
	uint32_t size = (uint32_t)((sizeof(struct vpr_name_record) + len + 1 + 7) & ~7u);
	struct vpr_modules *m;
	struct vpr_name_record *r;

	for (;;) {
		uint64_t got;

		if (cur_sec < n_secs) {
			m = secs[cur_sec];
			if (sizeof *m + m->used + size <= sec_size[cur_sec])
				break;
			if (cur_sec + 1 < n_secs) {
				cur_sec++;
				continue;
			}
		}
		if (n_secs == MAX_SECTIONS)
			return -1;
		m = rt_section_alloc(VPR_SEC_NAMES, n_secs ? SECTION_SIZE : FIRST_SECTION_SIZE,
		                     &got);
		if (!m)
			return -1;
		secs[n_secs] = m;
		sec_size[n_secs] = got;
		cur_sec = n_secs++;
	}
	r = (struct vpr_name_record *)((unsigned char *)(m + 1) + m->used);
	r->record_size = size;
	r->kind = kind;
	r->id = id;
	r->len = len;
	r->thread_id = tid;
	memcpy(r->name, text, len);
	memset(r->name + len, 0, size - sizeof *r - len);
	m->used += size;
	__atomic_thread_fence(__ATOMIC_RELEASE);
	m->n_records++;
	return 0;
}

/* The content-table slot of (s, n, hash): the entry holding it or the
 * empty slot where it belongs. */
static struct name_entry **slot_of(const char *s, size_t n, uint64_t hash)
{
	uint32_t i = (uint32_t)(hash >> 40) & (NAMES_SLOTS - 1);

	for (;; i = (i + 1) & (NAMES_SLOTS - 1)) {
		struct name_entry *e = __atomic_load_n(&slots[i], __ATOMIC_ACQUIRE);
		if (!e || (e->hash == hash && entry_is(e, s, n)))
			return &slots[i];
	}
}

uint32_t rt_name_intern(const char *s)
{
	struct name_entry **tab = __atomic_load_n(&slots, __ATOMIC_ACQUIRE), **sl, *e;
	unsigned p;
	uint64_t hash;
	size_t n;

	if (!s)
		return 0;
	n = name_len(s);
	p = ptr_slot(s);
	e = __atomic_load_n(&ptr_cache[p], __ATOMIC_ACQUIRE);
	if (e && entry_is(e, s, n))
		return e->id;
	hash = text_hash(s, n);
	if (tab) {
		e = *slot_of(s, n, hash);
		if (e) {
			__atomic_store_n(&ptr_cache[p], e, __ATOMIC_RELEASE);
			return e->id;
		}
	}
	pthread_mutex_lock(&rt_g.lock);
	e = NULL;
	if (tables_ready()) {
		sl = slot_of(s, n, hash);
		e = *sl;
		if (!e && n_names < NAMES_MAX &&
		    record_put(VPR_NAME_STRING, n_names + 1, 0, s, (uint32_t)n) == 0) {
			/* the id is taken even when no arena entry can be had
			 * (the record then names an id nothing uses) */
			e = entry_new(s, n, hash, ++n_names);
			if (e) {
				__atomic_store_n(&by_id[e->id], e, __ATOMIC_RELEASE);
				__atomic_store_n(sl, e, __ATOMIC_RELEASE);
			}
		}
	}
	pthread_mutex_unlock(&rt_g.lock);
	if (!e)
		return 0;
	__atomic_store_n(&ptr_cache[p], e, __ATOMIC_RELEASE);
	return e->id;
}

const char *rt_name_text(uint32_t id)
{
	struct name_entry **tab = __atomic_load_n(&slots, __ATOMIC_ACQUIRE);
	struct name_entry *e;

	if (!tab || id == 0 || id > NAMES_MAX)
		return NULL;
	e = __atomic_load_n(&by_id[id], __ATOMIC_ACQUIRE);
	return e ? e->text : NULL;
}

/* The slot of tid in the thread table (empty if new), NULL when full. */
static struct thread_slot *thread_slot(uint64_t tid)
{
	uint32_t i = (uint32_t)((tid * 0x9E3779B97F4A7C15ull) >> 52) & (THREAD_SLOTS - 1);
	uint32_t k;

	for (k = 0; k < THREAD_SLOTS / 4 * 3; k++, i = (i + 1) & (THREAD_SLOTS - 1))
		if (threads[i].tid == tid || threads[i].tid == 0)
			return &threads[i];
	return NULL;
}

/* Records name for tid unless tid has that name already (or is pinned and
 * this is not a pin). Caller holds rt_g.lock. */
static void thread_name_locked(uint64_t tid, const char *name, int pin)
{
	size_t n = name_len(name);
	struct thread_slot *t = tables_ready() ? thread_slot(tid) : NULL;
	struct name_entry *e;

	if (t && t->tid == tid && ((t->pinned && !pin) ||
	                           (t->name && entry_is(t->name, name, n))))
		return;
	if (record_put(VPR_NAME_THREAD, 0, tid, name, (uint32_t)n) != 0)
		return;
	e = entry_new(name, n, 0, 0);
	if (t && e) {
		t->tid = tid;
		t->name = e;
		t->pinned |= pin;
	}
	if (tid == (uint64_t)gettid() && e) {
		tls_own_name = e;
		tls_own_pinned |= pin;
	}
}

void rt_name_thread(uint64_t tid, const char *name)
{
	if (!name)
		return;
	pthread_mutex_lock(&rt_g.lock);
	thread_name_locked(tid, name, 0);
	pthread_mutex_unlock(&rt_g.lock);
}

void rt_name_thread_pin(uint64_t tid, const char *name)
{
	if (!name)
		return;
	pthread_mutex_lock(&rt_g.lock);
	thread_name_locked(tid, name, 1);
	pthread_mutex_unlock(&rt_g.lock);
}

/*
 * In a fork child, after the sections moved to its file (rt_file_move,
 * which keeps them at their addresses): rewrites the NAMES sections from
 * the arena, every string with its id, in id order, and of the thread
 * names only the forking thread's own, under the child's tid (the
 * parent's other threads do not exist here). Needs no lock: only this
 * thread exists.
 */
void rt_names_after_fork(void)
{
	struct name_entry *e;
	struct thread_slot *t;
	uint64_t tid = (uint64_t)gettid();
	unsigned i;

	for (i = 0; i < n_secs; i++) {
		secs[i]->n_records = 0;
		secs[i]->used = 0;
	}
	/* The same sections in the same order: the strings are a subset of
	 * what they held, so they fit without a new section. */
	cur_sec = 0;
	for (e = first; e; e = e->next)
		if (e->id)
			record_put(VPR_NAME_STRING, e->id, 0, e->text, e->len);
	if (!threads)
		return;
	memset(threads, 0, THREAD_SLOTS * sizeof *threads);
	t = thread_slot(tid);
	if (tls_own_name && t && record_put(VPR_NAME_THREAD, 0, tid, tls_own_name->text,
	                                    tls_own_name->len) == 0) {
		t->tid = tid;
		t->name = tls_own_name;
		t->pinned = tls_own_pinned;
	}
}
