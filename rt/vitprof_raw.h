/* SPDX-License-Identifier: MIT */
/*
 * vitprof_raw.h - the raw profile (.vitraw) format, version 1.
 *
 * Shared by the runtime (rt/, the writer) and the offline tool (tools/, the
 * reader). The runtime maps these structures straight onto the file with
 * MAP_SHARED, so every count written before a crash or a SIGKILL is in the
 * file. docs/raw-format.md describes the format for people; this header is
 * the definition, and both sides must match it.
 *
 * Layout
 *   offset 0            struct vpr_file_header, padded to page_size
 *   offset page_size    sections, back to back, each page-aligned and a
 *                       multiple of page_size long, each starting with a
 *                       struct vpr_section.
 *   header.end          end of the last complete section. Bytes past it
 *                       (a section being allocated when the program died)
 *                       are ignored.
 *
 * The section table is the chain of section headers: a reader starts at
 * header.first_section and steps by each section's size until header.end,
 * checking every section's magic, self-offset and size before it reads it.
 * header.n_sections must equal the number of sections found.
 *
 * All fields are in the writer's byte order; byte_order lets a reader tell.
 * All structures have fixed-width fields and explicit padding.
 */
#ifndef VITPROF_RAW_H
#define VITPROF_RAW_H

#include <stdint.h>

#define VPR_MAGIC "VITPRAW"     /* 8 bytes with the terminating NUL */
#define VPR_VERSION 1u
#define VPR_BYTE_ORDER 0x01020304u

/* header.state */
#define VPR_STATE_RUNNING 1u    /* still running, or died without exiting */
#define VPR_STATE_EXITED 2u     /* exit() ran the runtime's destructor */

/* header.mode */
#define VPR_MODE_COUNT 1u       /* call counts only */
#define VPR_MODE_TIME 2u        /* call counts plus inclusive/self ticks */
#define VPR_MODE_CONTEXT 3u     /* counts per calling-context path (vpr_ctx_node) */
#define VPR_MODE_CONTEXT_TIME 4u /* the same plus inclusive/self ticks per path */
#define VPR_MODE_TRACE 5u       /* every call on a timeline: per-thread event
                                 * streams (VPR_SEC_TRACE) naming the entries
                                 * of the thread's table (vpr_edge_trace) */

/* header.clock: what a tick is */
#define VPR_CLOCK_TSC 1u        /* rdtsc; calibrated by calib_* pairs */
#define VPR_CLOCK_MONOTONIC 2u  /* CLOCK_MONOTONIC nanoseconds */

/* header.flags */
#define VPR_FLAG_FORK_CHILD 0x1u   /* written by a fork child; ppid is the parent */
#define VPR_FLAG_MOVED 0x2u        /* counters were moved here by vitprof_set_file() */
#define VPR_FLAG_EXEC 0x4u         /* trace: written by an image exec()ed by a
                                    * traced process of the same session */

#define VPR_PATH_MAX 1024u
#define VPR_HOST_MAX 64u

struct vpr_file_header {
	char magic[8];              /* VPR_MAGIC, NUL-terminated */
	uint32_t version;           /* VPR_VERSION */
	uint32_t byte_order;        /* VPR_BYTE_ORDER as the writer stored it */
	uint32_t header_size;       /* sizeof(struct vpr_file_header) */
	uint32_t page_size;         /* section alignment, a power of two >= 4096 */
	uint64_t first_section;     /* offset of the first section (= page_size) */
	uint64_t end;               /* offset just past the last complete section */
	uint32_t n_sections;        /* complete sections in [first_section, end) */
	uint32_t state;             /* VPR_STATE_* */
	uint32_t mode;              /* VPR_MODE_* */
	uint32_t flags;             /* VPR_FLAG_* */
	int64_t pid;
	int64_t ppid;
	uint64_t start_realtime_ns; /* CLOCK_REALTIME at start */
	uint64_t end_realtime_ns;   /* CLOCK_REALTIME at exit or last dump; 0 if never */
	uint32_t clock;             /* VPR_CLOCK_* */
	uint32_t reserved0;
	/* Two (tick, CLOCK_MONOTONIC ns) pairs; ns per tick =
	 * (calib_ns1 - calib_ns0) / (calib_tick1 - calib_tick0). */
	uint64_t calib_tick0, calib_ns0;
	uint64_t calib_tick1, calib_ns1;
	/* Losses not attributable to one thread (per-thread ones are in the
	 * edge sections). */
	uint64_t lost_calls;        /* calls seen but not counted */
	uint64_t lost_sections;     /* sections that could not be put in the file */
	uint64_t n_threads;         /* threads that ever recorded a call */
	char host[VPR_HOST_MAX];    /* gethostname(), NUL-terminated */
	char exe_path[VPR_PATH_MAX];/* /proc/self/exe at start, NUL-terminated */
	/* 0 in the file of one run. In a pool (online merging, a %m in
	 * VITPROF_FILE): the number of runs whose counts it holds, summed. Such a
	 * file is otherwise an ordinary profile: see docs/raw-format.md. */
	uint64_t merged_runs;
	/* Value-profile entries (topn and indirect-call targets) that found no
	 * room in the value arena (VPR_SEC_VALUES): each one is a value that
	 * libgcov would have recorded and this file does not hold. */
	uint64_t lost_values;
	/* Trace mode. session: one random id shared by a process, its fork
	 * children and the images they exec (their files belong to one trace);
	 * 0 unknown. lost_events: events not recorded, summed over threads
	 * (VITPROF_TRACE_MAX reached, no room in the file); every thread's own
	 * share is in its table's lost_events. anchor_realtime_ns:
	 * CLOCK_REALTIME read together with calib_ns0, so that wall time =
	 * monotonic ns - calib_ns0 + anchor_realtime_ns (0: unknown). */
	uint64_t session;
	uint64_t lost_events;
	uint64_t anchor_realtime_ns;
	uint64_t reserved[3];
};

#define VPR_SECTION_MAGIC 0x43455356u   /* "VSEC" little-endian */

/*
 * How ticks of the profile with header h become nanoseconds: ns = ticks *
 * *dns / *dtick. CLOCK_MONOTONIC ticks are nanoseconds (1/1); a TSC is
 * trusted when its two calibration pairs are increasing and give a tick
 * rate between 1 MHz and 1 THz. Returns 1, or 0 with *why when the times
 * cannot be converted (the counts stay good). Only time modes have times.
 */
static inline int vpr_tick_rate(const struct vpr_file_header *h, uint64_t *dns,
                                uint64_t *dtick, const char **why)
{
	unsigned __int128 dt, dn;

	if (h->clock == VPR_CLOCK_MONOTONIC) {
		*dns = *dtick = 1;
		return 1;
	}
	if (h->calib_tick1 <= h->calib_tick0 || h->calib_ns1 <= h->calib_ns0) {
		*why = "the clock was not calibrated (calib_tick1 <= calib_tick0)";
		return 0;
	}
	dt = h->calib_tick1 - h->calib_tick0;
	dn = h->calib_ns1 - h->calib_ns0;
	if (dn * 1000 < dt || dn > dt * 1000) {
		*why = "the clock calibration is implausible";
		return 0;
	}
	*dns = (uint64_t)dn;
	*dtick = (uint64_t)dt;
	return 1;
}

/* vpr_section.type */
#define VPR_SEC_MODULES 1u      /* loaded objects: struct vpr_modules */
#define VPR_SEC_EDGES 2u        /* one thread shard's call-edge table */
#define VPR_SEC_ARCS 3u         /* gcov arc counters of one loaded object */
#define VPR_SEC_GCOV 4u         /* records of gcov objects (struct vpr_gcov_object) */
#define VPR_SEC_VALUES 5u       /* one chunk of the value arena (struct vpr_values) */
#define VPR_SEC_TRACE 6u        /* one chunk of one thread's event stream (struct vpr_trace) */
#define VPR_SEC_NAMES 7u        /* names of scopes, marks and threads (struct vpr_name_record) */

struct vpr_section {
	uint32_t magic;             /* VPR_SECTION_MAGIC */
	uint32_t type;              /* VPR_SEC_* */
	uint64_t offset;            /* this section's own file offset */
	uint64_t size;              /* bytes, this header included; page multiple */
	uint64_t reserved;
};

/*
 * VPR_SEC_MODULES: records of every object that was loaded while the program
 * ran (executable, shared libraries, dlopen()ed ones), in load order. A
 * record is published by incrementing n_records after it is written, so a
 * reader never sees a half-written record. When one section is full the
 * runtime starts another; module ids keep increasing across sections.
 * A record is one load: the runtime keeps an unloaded object's range from
 * later loads (rt_modules.c); when it could not, the later record owns
 * the addresses where two overlap.
 */
struct vpr_modules {
	struct vpr_section sec;
	uint32_t n_records;         /* complete records that follow */
	uint32_t reserved0;
	uint64_t used;              /* bytes of records after this header */
};

#define VPR_BUILD_ID_MAX 40u

struct vpr_module_record {
	uint32_t record_size;       /* bytes, a multiple of 8, path included */
	uint32_t id;                /* process-wide module id, from 0 */
	uint64_t load_bias;         /* runtime address = ELF vaddr + load_bias */
	uint64_t lo, hi;            /* runtime range [lo, hi) of its PT_LOAD segments */
	uint8_t build_id_len;       /* 0 when the object has no NT_GNU_BUILD_ID */
	uint8_t build_id[VPR_BUILD_ID_MAX];
	uint8_t reserved0;
	uint16_t path_len;          /* strlen(path) */
	uint32_t reserved1;
	char path[];                /* NUL-terminated; absolute when known */
};

/*
 * VPR_SEC_EDGES: one thread shard's open-addressing hash table of call
 * edges, keyed by (call site, callee). site is the return address passed as
 * call_site to __cyg_profile_func_enter (so the call instruction is at
 * site - 1); fn is the callee's entry address. A slot with fn == 0 is empty.
 *
 * Growth: when a table fills, its thread copies it into a larger table with
 * generation + 1, then sets that table's live = 1, then the old one's live =
 * 0. For each shard_id a reader uses only the live table of the highest
 * generation, so a table is never counted twice, even after a crash in the
 * middle of a copy. The runtime punches a hole in a retired table past its
 * first page (it reads as zeros): only the section header is kept.
 *
 * In time mode (entry_size == sizeof(struct vpr_edge_time)) the table also
 * holds one function record per callee, with site == VPR_SITE_FUNCTION:
 * total_ticks is then the inclusive time of the outermost activations only
 * (recursion counted once) and count and self_ticks are scratch, not data.
 */
struct vpr_edges {
	struct vpr_section sec;
	uint64_t shard_id;          /* stable identity of the shard, from 1 */
	uint64_t thread_id;         /* kernel tid of the thread that created it */
	uint32_t generation;        /* 0 for the first table of a shard */
	uint32_t live;              /* 1: this table holds the shard's counts */
	uint32_t entry_size;        /* sizeof(struct vpr_edge_count or _time) */
	uint32_t reserved0;
	uint64_t capacity;          /* slots, a power of two */
	uint64_t n_used;            /* occupied slots */
	uint64_t entries_offset;    /* offset of slot 0 from the section start */
	uint64_t lost_calls;        /* calls this shard saw but could not count */
	uint64_t lost_frames;       /* time mode: returns that could not be timed */
	uint64_t lost_events;       /* trace mode: events this shard could not record */
	uint64_t reserved[3];
};

/* Where slot 0 of an edge table is: the header rounded up to a cache line
 * (192 bytes). The runtime, its merge and the tool's writer place tables
 * with this one definition. */
#define VPR_EDGES_ENTRIES_OFFSET ((sizeof(struct vpr_edges) + 63u) & ~(uint64_t)63u)

/* The slot hash of an edge table: key (site, fn) hashed to the top log2
 * (capacity) bits (shift = 64 - log2(capacity)), then linear probing. The
 * runtime's tables and the tool's written ones place slots by it, so a
 * written table is one the runtime could go on counting into. */
static inline uint64_t vpr_slot_hash(uint64_t site, uint64_t fn, unsigned shift)
{
	return ((site + (fn << 17)) * 0x9E3779B97F4A7C15ull) >> shift;
}

/*
 * The probe of an edge table, the one walk every writer and reader makes.
 * slots is slot 0 (the section start + entries_offset), mask = capacity - 1,
 * shift = 64 - log2(capacity) (capacity >= 2), stride = entry_size. The key
 * is the entry's first two words: (site, fn) of a call edge or a function
 * record, (parent, fn) of a context node (struct vpr_ctx_node starts with
 * them too); fn is never 0, which marks an empty slot. Starting at the
 * key's home slot (vpr_slot_hash) and stepping one slot at a time, wrapping
 * at the end, returns the first entry holding the key or, before it, the
 * first empty entry: where the key belongs, which the caller fills to
 * insert it (key0 first, then fn, then n_used). The table must hold the key
 * or an empty slot, as every table with n_used < capacity does.
 */
static inline uint64_t *vpr_edges_probe(unsigned char *slots, uint64_t mask,
                                        unsigned shift, uint64_t stride,
                                        uint64_t key0, uint64_t fn)
{
	uint64_t i = vpr_slot_hash(key0, fn, shift);

	for (;; i = (i + 1) & mask) {
		uint64_t *e = (uint64_t *)(slots + i * stride);
		if (__builtin_expect(e[1] == fn && e[0] == key0, 1) || e[1] == 0)
			return e;
	}
}

#define VPR_SITE_FUNCTION 1u

struct vpr_edge_count {
	uint64_t site;
	uint64_t fn;
	uint64_t count;
};

struct vpr_edge_time {
	uint64_t site;
	uint64_t fn;
	uint64_t count;
	uint64_t total_ticks;       /* inclusive ticks, summed over calls */
	uint64_t self_ticks;        /* ticks not spent in instrumented callees */
};

/*
 * Context modes (header.mode VPR_MODE_CONTEXT or VPR_MODE_CONTEXT_TIME):
 * each VPR_SEC_EDGES table holds, with entry_size == sizeof(struct
 * vpr_ctx_node), one thread shard's calling-context tree instead of call
 * edges. Sections, shards, generations, live, growth and retirement work
 * exactly as above; only the entries differ. The hash key is (parent, fn).
 *
 * A node is one calling-context path: the path of its parent followed by a
 * call of fn (call sites are not distinguished: two calls of fn from one
 * caller path share a node). id is the node's number in its shard, from 1,
 * unique and never reused (it is n_used just after the node was inserted,
 * so 1 <= id <= n_used); parent is the id of the parent node in the same
 * shard's live table, or 0 for a root (a call with no instrumented caller
 * on the thread's shadow stack). Parents are always inserted before their
 * children, so parent < id: the tree has no cycles. count is the number of
 * calls that reached exactly this path. In VPR_MODE_CONTEXT_TIME,
 * total_ticks is the inclusive and self_ticks the self time of those calls
 * (recursion: every activation is its own node, so nothing is counted
 * twice); in VPR_MODE_CONTEXT both are 0. The first five words are laid out
 * like struct vpr_edge_time. A node is written (parent, id, site) before
 * fn publishes it, then n_used is incremented: a crash in between leaves a
 * complete node with id == n_used + 1 <= capacity.
 */
struct vpr_ctx_node {
	uint64_t parent;            /* parent node id, 0 for a root */
	uint64_t fn;                /* callee entry address; 0 = empty slot */
	uint64_t count;             /* calls that reached this path */
	uint64_t total_ticks;       /* context+time: inclusive ticks */
	uint64_t self_ticks;        /* context+time: ticks not in instrumented callees */
	uint64_t id;                /* this node's id in its shard, from 1 */
	uint64_t site;              /* call site of the node's first call */
};

/*
 * gcov arc counters (-fprofile-arcs code linked with vitprof's runtime).
 *
 * VPR_SEC_ARCS: one range of counter memory. The section's first page holds
 * struct vpr_arcs; the counters are data_size bytes at data_offset (a page
 * multiple) from the section start, as int64 values in the writer's byte
 * order. base is the runtime address that data byte 0 stands for.
 *
 *   VPR_ARCS_IN_PLACE: the program was linked with vitprof's linker-script
 *     fragment, which gathers every counter array of the object (executable
 *     or shared library) into one page-aligned section. The runtime mapped
 *     the data pages of this section over it (MAP_FIXED|MAP_SHARED): the
 *     compiled code increments the file directly, and a SIGKILL loses
 *     nothing. One ARCS section per loaded object.
 *   VPR_ARCS_COPY: no fragment (compiled with -fprofile-arcs by hand). The
 *     counters are copied here at exit, at __gcov_dump()/vitprof_dump() and
 *     before exec; n_copies says how often. A process killed before the
 *     first copy leaves n_copies == 0: its counts are unknown, not zero.
 *     One ARCS section per gcov object (compilation unit).
 *
 * VPR_SEC_GCOV: the same header as VPR_SEC_MODULES (struct vpr_modules:
 * n_records published after each record is complete, used bytes), followed
 * by struct vpr_gcov_object records, one per gcov_info the program
 * registered with __gcov_init, in registration order.
 */
#define VPR_ARCS_IN_PLACE 1u
#define VPR_ARCS_COPY 2u
/*
 * Conventions (docs/raw-format.md has the details):
 * - IN_PLACE: one section per loaded object; its data is an image of the
 *   object's whole .vitprof_arcs section (padding included), base is that
 *   section's runtime address, data_offset = page_size, n_copies = 0, and
 *   a function's arcs_offset = its counters' address - base.
 * - COPY: one section per gcov object, arcs packed in function order,
 *   base = 0; n_copies == 0 means the counts are unknown, not zero.
 * - mode 0 with data_size 0: the runtime died setting the section up; a
 *   failed in-place setup leaves mode COPY, data_size 0 and no record
 *   naming it. Readers skip both.
 * - A COMDAT copy the linker dropped (its gcov_fn_info belongs to another
 *   unit): a vpr_gcov_function with every field 0 and arcs_offset
 *   UINT64_MAX.
 * - A library loaded again after dlclose registers new records and a new
 *   ARCS section: readers add the counters of records naming one .gcda.
 * - A fork child's sections start from zero (libgcov's __gcov_fork).
 */

struct vpr_arcs {
	struct vpr_section sec;
	uint32_t arcs_id;           /* process-wide id of this counter range, from 1 */
	uint32_t mode;              /* VPR_ARCS_* */
	uint64_t base;              /* runtime address of data byte 0 */
	uint64_t data_offset;       /* from the section start; page multiple */
	uint64_t data_size;         /* bytes of counters; a multiple of 8 */
	uint64_t n_copies;          /* VPR_ARCS_COPY: completed copies */
	/* The load of the object (executable or shared library) whose
	 * counters these are: a hash of its path (FNV-1a 64, never 0), mixed
	 * once more for each later load of the same path in the process (a
	 * library dlopen()ed again after dlclose); 0 unknown. The first load's
	 * is equal in every run of one program, so merged profiles keep it.
	 * libgcov's sum_max is a maximum per load of an object. */
	uint64_t object;
	uint64_t reserved[2];
};

struct vpr_gcov_function {
	uint32_t ident;             /* gcov_fn_info.ident */
	uint32_t lineno_checksum;
	uint32_t cfg_checksum;
	uint32_t n_arcs;            /* arc counters (GCOV_COUNTER_ARCS) */
	uint64_t arcs_offset;       /* byte offset of the first one in the data
	                               of the ARCS section arcs_id; 8-aligned */
};

/*
 * Counters of the other kinds (-fprofile-generate, -fprofile-values: the
 * value profilers and the time profiler), one per function and kind, in
 * records with VPR_GCOV_HAS_KINDS (see vpr_gcov_object).
 */
struct vpr_gcov_counters {
	uint32_t num;               /* gcov_ctr_info.num: int64 counters in memory */
	uint32_t reserved0;
	uint64_t offset;            /* byte offset of the first one in the data of
	                               the object's ARCS section; 8-aligned */
};

/* vpr_gcov_object.flags */
#define VPR_GCOV_HAS_KINDS 0x1u /* vpr_gcov_counters follow the functions */

struct vpr_gcov_object {
	uint32_t record_size;       /* bytes, a multiple of 8, everything included */
	uint32_t arcs_id;           /* the ARCS section holding its counters */
	uint32_t version;           /* gcov_info.version, e.g. 0x4232322a "B22*" */
	uint32_t stamp;             /* gcov_info.stamp: equals the .gcno's */
	uint32_t checksum;          /* gcov_info.checksum (GCC >= 12), else 0 */
	uint32_t n_functions;
	uint32_t counter_mask;      /* bit t: counter kind t is present (merge[t]) */
	uint16_t filename_len;      /* strlen(filename) */
	uint16_t flags;             /* VPR_GCOV_* */
	/* then n_functions struct vpr_gcov_function, in gcov_info order; then,
	 * with VPR_GCOV_HAS_KINDS, n_functions * n_other struct
	 * vpr_gcov_counters, function by function, kind by kind in index order,
	 * where n_other is the number of bits of counter_mask above bit 0 (a
	 * dropped COMDAT copy: num 0, offset UINT64_MAX); then the .gcda path
	 * the compiler recorded (gcov_info.filename), NUL-terminated,
	 * zero-padded to a multiple of 8 */
};

/*
 * The value arena. libgcov keeps the values of its topn and indirect-call
 * counters (kinds 3 and 4) in malloc'd lists; vitprof keeps them here, in
 * the file, so that a SIGKILL keeps them too.
 *
 * A topn site has three int64 counters in the ARCS data, as in libgcov:
 * [0] the number of times the site ran, [1] the number of entries in its
 * list, [2] the reference of the list's first entry, or 0. A reference r is
 * 1 + the index of an entry in the arena: entry r lives in the VALUES
 * section whose chunk is (r - 1) / chunk_entries, at slot (r - 1) %
 * chunk_entries. Entries are appended to a list (next = 0 at its end) and
 * never move; a list holds at most 32 entries (GCC's
 * GCOV_TOPN_MAXIMUM_TRACKED_VALUES). An entry is written before the
 * reference that links it, so a list read after a SIGKILL is complete.
 * Readers check every reference against the arena and the list length
 * against 32 plus the slack a race between threads can add.
 *
 * Chunks are allocated when a gcov object with topn sites registers,
 * enough for 32 entries per site; an entry that finds the arena full is
 * counted in header.lost_values. A fork child starts with an empty arena.
 */
struct vpr_values {
	struct vpr_section sec;
	uint32_t chunk;             /* this chunk's number, from 0 */
	uint32_t chunk_entries;     /* entries a chunk holds; equal in every chunk */
	uint64_t entries_offset;    /* offset of entry 0 from the section start */
	uint64_t reserved[4];
};

struct vpr_value_entry {
	int64_t value;
	int64_t count;
	uint64_t next;              /* reference of the next entry, 0 at the end */
};

#define VPR_TOPN_MAX 32u        /* entries one topn list holds */

/*
 * Trace mode (header.mode VPR_MODE_TRACE; docs/raw-format.md, "Trace").
 *
 * Each thread shard's VPR_SEC_EDGES table holds struct vpr_edge_trace
 * entries (entry_size 32), keyed by (site, fn) and probed like call edges.
 * Each entry has a small id, from 1, unique and never reused within its
 * shard (n_used just after the entry was inserted; growth keeps it), which
 * the shard's events name. count is exact for every call of the edge,
 * recorded on the timeline or not (filtered, tracing stopped, lost).
 * An entry is written (site, id, flags) before fn publishes it, then n_used
 * is incremented; an event naming an id is written after its entry.
 */
struct vpr_edge_trace {
	uint64_t site;
	uint64_t fn;
	uint64_t count;             /* calls of the edge */
	uint32_t id;                /* from 1: the id events name */
	uint32_t flags;             /* VPR_TRACE_FN_*: the record-time filter's verdict on fn */
};

/* vpr_edge_trace.flags, set once when the entry is inserted */
#define VPR_TRACE_FN_EXCLUDE 0x1u  /* VITPROF_FILTER excludes fn (and what it calls) */
#define VPR_TRACE_FN_INCLUDE 0x2u  /* VITPROF_FILTER includes fn (and what it calls) */
#define VPR_TRACE_FN_START 0x4u    /* fn is VITPROF_TRACE_START's function */

/*
 * Names that are not functions: scopes, instant events, counters, tags
 * (vitprof.h). A scope is recorded like a call of the pseudo-address
 * VPR_NAME_FN(id) (in every mode: counted, timed, on the timeline);
 * no code lives at these addresses (they are kernel addresses on every
 * supported target), so readers name them from the NAMES section.
 */
#define VPR_NAME_FN_BASE 0xfff0000000000000ull
#define VPR_NAME_FN(id) (VPR_NAME_FN_BASE | (uint64_t)(id))
#define VPR_IS_NAME_FN(fn) (((uint64_t)(fn) & VPR_NAME_FN_BASE) == VPR_NAME_FN_BASE)

/*
 * VPR_SEC_TRACE: one chunk of one thread shard's event stream. A thread
 * appends events to its current chunk and, after each complete event,
 * stores the new `used`; when a chunk is full it starts the next one (seq
 * + 1). A shard taken over by a new thread (the old one ended) starts a new
 * chunk. A reader orders a shard's chunks by seq; in one stream (same
 * shard and thread_id) consecutive seqs follow one another without gaps,
 * except in a flight recorder (VPR_TRACE_RING), where only the last chunks
 * survive: a reused chunk gets used = 0, then its new seq, base_tick and
 * depth, then events.
 *
 * Events, each a uleb128 v followed by more uleb128 (or sleb128) fields:
 *   v & 3 == 0  ENTER  id = v >> 2 (an entry of the shard's table), dt
 *   v & 3 == 1  EXIT   dt = v >> 2: the innermost open frame returns
 *   v & 3 == 2  MARK   kind = v >> 2 (VPR_TEV_*), dt, then the kind's fields
 *   v & 3 == 3  reserved: a reader refuses it
 * dt is ticks (header.clock) since the previous event of the chunk, or
 * since base_tick for its first. Timestamps never decrease in a stream.
 * A chunk starts with `depth` frames open (entered before it, not yet
 * returned). Every chunk of a flight recorder after its stream's first,
 * and a fork child's first chunk, begins with VPR_TEV_OPEN marks for the
 * innermost min(depth, VPR_TRACE_OPEN_MAX) of them, outermost first (a
 * ring's oldest survivor may be any chunk). A reader uses the OPEN marks
 * of a chunk that does not follow its predecessor (seq + 1): the frames
 * below those are unknown to it; in a chunk that follows, they repeat
 * frames it knows and are skipped. The stream is well nested: every EXIT
 * closes a frame that is open. Frames still open at the end of a stream
 * (a SIGKILL, a thread that ended inside a call, events lost) are closed
 * by readers at the stream's last timestamp.
 */
#define VPR_TEV_ENTER 0u
#define VPR_TEV_EXIT 1u
#define VPR_TEV_MARK 2u
/* MARK kinds and their fields after dt */
#define VPR_TEV_INSTANT 1u      /* name id: an instant event */
#define VPR_TEV_COUNTER 2u      /* name id, sleb128 value: a counter's new value */
#define VPR_TEV_TAG 3u          /* name id: a tag of the innermost open frame (dt 0) */
#define VPR_TEV_OPEN 4u         /* id, ticks from the frame's start to base_tick (dt 0) */

#define VPR_TRACE_OPEN_MAX 256u  /* OPEN marks a chunk starts with, at most */

/* vpr_trace.flags */
#define VPR_TRACE_RING 0x1u     /* flight recorder: the shard's chunks are reused */

struct vpr_trace {
	struct vpr_section sec;
	uint64_t shard_id;          /* whose table the ids name */
	uint64_t thread_id;         /* kernel tid of the thread writing it */
	uint64_t seq;               /* chunk number in the shard's stream, from 1 */
	uint64_t base_tick;         /* the first event's dt counts from it */
	uint64_t data_offset;       /* event byte 0, from the section start */
	uint64_t data_size;         /* bytes available for events */
	uint64_t used;              /* bytes of complete events */
	uint64_t depth;             /* frames open before the first event */
	uint32_t flags;             /* VPR_TRACE_* */
	uint32_t reserved0;
	uint64_t reserved[3];
};

/*
 * VPR_SEC_NAMES: the same header as VPR_SEC_MODULES (struct vpr_modules:
 * n_records published after each record is complete, used bytes),
 * followed by records. A VPR_NAME_STRING record gives a name id (from 1,
 * process-wide, each string once) its text; a VPR_NAME_THREAD record names
 * a thread (the last record for a tid wins).
 */
#define VPR_NAME_STRING 1u
#define VPR_NAME_THREAD 2u
#define VPR_NAME_MAX 255u       /* bytes of a name kept (longer ones are cut) */

struct vpr_name_record {
	uint32_t record_size;       /* bytes, a multiple of 8, name included */
	uint32_t kind;              /* VPR_NAME_* */
	uint32_t id;                /* VPR_NAME_STRING: the name id; else 0 */
	uint32_t len;               /* strlen(name) */
	uint64_t thread_id;         /* VPR_NAME_THREAD: the kernel tid; else 0 */
	char name[];                /* NUL-terminated, zero-padded */
};

#endif /* VITPROF_RAW_H */
