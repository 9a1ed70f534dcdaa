/* SPDX-License-Identifier: MIT */
/* test_tool_rawgen.c - synthetic raw profiles for the tool's tests. */
#define _GNU_SOURCE
#include "test_tool_rawgen.h"

#include <elf.h>
#include <link.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void *at(struct rawgen *g, size_t off)
{
	return g->buf + off;
}

/* Appends size zero bytes (a page multiple); returns their offset. */
static size_t append(struct rawgen *g, size_t size)
{
	size_t off = g->size;

	if (g->size + size > g->cap) {
		size_t ncap = g->cap ? g->cap : 4 * RG_PAGE;
		while (ncap < g->size + size)
			ncap *= 2;
		g->buf = realloc(g->buf, ncap);
		if (!g->buf)
			abort();
		memset(g->buf + g->cap, 0, ncap - g->cap);
		g->cap = ncap;
	}
	g->size += size;
	return off;
}

struct vpr_file_header *rg_hdr(struct rawgen *g)
{
	return at(g, 0);
}

void rg_begin(struct rawgen *g, uint32_t mode)
{
	struct vpr_file_header *h;

	memset(g, 0, sizeof *g);
	g->mode = mode;
	append(g, RG_PAGE);
	h = rg_hdr(g);
	memcpy(h->magic, VPR_MAGIC, sizeof h->magic);
	h->version = VPR_VERSION;
	h->byte_order = VPR_BYTE_ORDER;
	h->header_size = sizeof *h;
	h->page_size = RG_PAGE;
	h->first_section = RG_PAGE;
	h->end = RG_PAGE;
	h->state = VPR_STATE_EXITED;
	h->mode = mode;
	h->pid = 4242;
	h->ppid = 1;
	h->start_realtime_ns = 1700000000000000000ull;
	h->end_realtime_ns = 1700000001000000000ull;
	h->clock = VPR_CLOCK_TSC;
	h->calib_tick0 = 1000;
	h->calib_ns0 = 5000;
	h->calib_tick1 = 1000 + 3000000;   /* 3 ticks per ns */
	h->calib_ns1 = 5000 + 1000000;
	h->n_threads = 2;
	strcpy(h->host, "testhost");
	strcpy(h->exe_path, "/fake/prog");
}

void rg_module(struct rawgen *g, uint32_t id, const char *path, uint64_t load_bias,
               uint64_t lo, uint64_t hi, const uint8_t *build_id, unsigned build_id_len)
{
	size_t plen = strlen(path);
	uint32_t size = (uint32_t)((sizeof(struct vpr_module_record) + plen + 1 + 7) & ~(size_t)7);
	struct vpr_modules *m;
	struct vpr_module_record *r;

	if (!g->modules_at) {
		g->modules_at = append(g, 4 * RG_PAGE);
		m = at(g, g->modules_at);
		m->sec.magic = VPR_SECTION_MAGIC;
		m->sec.type = VPR_SEC_MODULES;
		m->sec.offset = g->modules_at;
		m->sec.size = 4 * RG_PAGE;
		g->n_sections++;
	}
	m = at(g, g->modules_at);
	if (sizeof *m + m->used + size > m->sec.size)
		abort();
	r = (struct vpr_module_record *)((unsigned char *)(m + 1) + m->used);
	r->record_size = size;
	r->id = id;
	r->load_bias = load_bias;
	r->lo = lo;
	r->hi = hi;
	r->build_id_len = (uint8_t)build_id_len;
	if (build_id_len)
		memcpy(r->build_id, build_id, build_id_len);
	r->path_len = (uint16_t)plen;
	memcpy(r->path, path, plen + 1);
	m->used += size;
	m->n_records++;
}

void rg_modules_end(struct rawgen *g)
{
	g->modules_at = 0;
}

size_t rg_table(struct rawgen *g, uint64_t shard_id, uint32_t generation, uint32_t live,
                uint64_t capacity, const struct rg_slot *slots, size_t n)
{
	uint32_t es = g->mode == VPR_MODE_TIME ? sizeof(struct vpr_edge_time)
	                                        : sizeof(struct vpr_edge_count);
	uint64_t eoff = (sizeof(struct vpr_edges) + 63) & ~(uint64_t)63;
	size_t size = (size_t)((eoff + capacity * es + RG_PAGE - 1) & ~(uint64_t)(RG_PAGE - 1));
	size_t off = append(g, size), i;
	struct vpr_edges *t = at(g, off);

	t->sec.magic = VPR_SECTION_MAGIC;
	t->sec.type = VPR_SEC_EDGES;
	t->sec.offset = off;
	t->sec.size = size;
	t->shard_id = shard_id;
	t->thread_id = 1000 + shard_id;
	t->generation = generation;
	t->live = live;
	t->entry_size = es;
	t->capacity = capacity;
	t->n_used = n;
	t->entries_offset = eoff;
	for (i = 0; i < n; i++) {
		uint64_t v[5] = {slots[i].site, slots[i].fn, slots[i].count,
		                 slots[i].total_ticks, slots[i].self_ticks};
		unsigned char *base = (unsigned char *)t + eoff;
		uint64_t *e = vpr_edges_probe(base, capacity - 1,
		                              64u - (63u - (unsigned)__builtin_clzll(capacity)),
		                              es, v[0], v[1]);
		/* a key given twice: the next empty slot (a table the reader refuses) */
		while (e[1] != 0)
			e = (uint64_t *)(base + ((uint64_t)((unsigned char *)e - base) / es + 1) %
			                 capacity * es);
		memcpy(e, v, es);
	}
	g->n_sections++;
	return off;
}

size_t rg_arcs(struct rawgen *g, uint32_t arcs_id, uint32_t mode, uint64_t base,
               const uint64_t *values, size_t n, uint64_t n_copies)
{
	size_t data = (n * 8 + RG_PAGE - 1) & ~(size_t)(RG_PAGE - 1);
	size_t off = append(g, RG_PAGE + (data ? data : RG_PAGE));
	struct vpr_arcs *a = at(g, off);

	a->sec.magic = VPR_SECTION_MAGIC;
	a->sec.type = VPR_SEC_ARCS;
	a->sec.offset = off;
	a->sec.size = g->size - off;
	a->arcs_id = arcs_id;
	a->mode = mode;
	a->base = base;
	a->data_offset = RG_PAGE;
	a->data_size = n * 8;
	a->n_copies = n_copies;
	memcpy((unsigned char *)a + RG_PAGE, values, n * 8);
	g->n_sections++;
	return off;
}

void rg_gcov_object(struct rawgen *g, uint32_t arcs_id, uint32_t version, uint32_t stamp,
                    const char *gcda, size_t n, const uint32_t *n_arcs,
                    const uint64_t *arcs_offset)
{
	size_t flen = strlen(gcda), i;
	uint32_t size = (uint32_t)((sizeof(struct vpr_gcov_object) +
	                            n * sizeof(struct vpr_gcov_function) + flen + 1 + 7) & ~(size_t)7);
	struct vpr_modules *m;
	struct vpr_gcov_object *o;
	struct vpr_gcov_function *f;

	if (!g->gcov_at) {
		g->gcov_at = append(g, 2 * RG_PAGE);
		m = at(g, g->gcov_at);
		m->sec.magic = VPR_SECTION_MAGIC;
		m->sec.type = VPR_SEC_GCOV;
		m->sec.offset = g->gcov_at;
		m->sec.size = 2 * RG_PAGE;
		g->n_sections++;
	}
	m = at(g, g->gcov_at);
	if (sizeof *m + m->used + size > m->sec.size)
		abort();
	o = (struct vpr_gcov_object *)((unsigned char *)(m + 1) + m->used);
	o->record_size = size;
	o->arcs_id = arcs_id;
	o->version = version;
	o->stamp = stamp;
	o->checksum = 0x1234;
	o->n_functions = (uint32_t)n;
	o->counter_mask = 1;
	o->filename_len = (uint16_t)flen;
	f = (struct vpr_gcov_function *)(o + 1);
	for (i = 0; i < n; i++) {
		f[i].ident = (uint32_t)(100 + i);
		f[i].lineno_checksum = (uint32_t)(200 + i);
		f[i].cfg_checksum = (uint32_t)(300 + i);
		f[i].n_arcs = n_arcs[i];
		f[i].arcs_offset = arcs_offset[i];
	}
	memcpy(f + n, gcda, flen + 1);
	m->used += size;
	m->n_records++;
}

void rg_gcov_end(struct rawgen *g)
{
	g->gcov_at = 0;
}

void rg_sample_gcov(struct rawgen *g)
{
	static const uint64_t in_place[6] = {10, 11, 12, 13, 14, 15};
	static const uint64_t copied[2] = {7, 9};
	static const uint32_t a_arcs[2] = {4, 2}, b_arcs[1] = {2};
	static const uint64_t a_off[2] = {0, 32}, b_off[1] = {0};
	struct vpr_file_header *h;
	size_t end;

	rg_sample(g, VPR_MODE_COUNT);
	h = rg_hdr(g);
	end = h->end;
	g->size = end;
	rg_arcs(g, 1, VPR_ARCS_IN_PLACE, 0x601000, in_place, 6, 0);
	rg_arcs(g, 2, VPR_ARCS_COPY, 0, copied, 2, 1);
	rg_gcov_object(g, 1, 0x4232322a, 0xabcd, "/o/a.gcda", 2, a_arcs, a_off);
	rg_gcov_object(g, 2, 0x4232322a, 0xbcde, "/o/b.gcda", 1, b_arcs, b_off);
	rg_gcov_end(g);
	rg_finish(g);
}

size_t rg_trace_table(struct rawgen *g, uint64_t shard_id, uint32_t generation,
                      uint32_t live, uint64_t capacity, const struct rg_trace_id *ids,
                      size_t n)
{
	uint32_t es = sizeof(struct vpr_edge_trace);
	uint64_t eoff = VPR_EDGES_ENTRIES_OFFSET;
	size_t size = (size_t)((eoff + capacity * es + RG_PAGE - 1) & ~(uint64_t)(RG_PAGE - 1));
	size_t off = append(g, size), i;
	struct vpr_edges *t = at(g, off);
	unsigned char *base = (unsigned char *)t + eoff;

	t->sec.magic = VPR_SECTION_MAGIC;
	t->sec.type = VPR_SEC_EDGES;
	t->sec.offset = off;
	t->sec.size = size;
	t->shard_id = shard_id;
	t->thread_id = 1000 + shard_id;
	t->generation = generation;
	t->live = live;
	t->entry_size = es;
	t->capacity = capacity;
	t->n_used = n;
	t->entries_offset = eoff;
	for (i = 0; i < n; i++) {
		struct vpr_edge_trace v = {ids[i].site, ids[i].fn, ids[i].count, ids[i].id,
		                           ids[i].flags};
		uint64_t *e = vpr_edges_probe(base, capacity - 1,
		                              64u - (63u - (unsigned)__builtin_clzll(capacity)),
		                              es, v.site, v.fn);
		while (e[1] != 0)
			e = (uint64_t *)(base + ((uint64_t)((unsigned char *)e - base) / es + 1) %
			                 capacity * es);
		memcpy(e, &v, es);
	}
	g->n_sections++;
	return off;
}

void rg_ev_bytes(struct rg_events *e, const void *p, size_t n)
{
	if (e->len + n > e->cap) {
		size_t ncap = e->cap ? e->cap : 256;
		while (ncap < e->len + n)
			ncap *= 2;
		e->buf = realloc(e->buf, ncap);
		if (!e->buf)
			abort();
		e->cap = ncap;
	}
	memcpy(e->buf + e->len, p, n);
	e->len += n;
}

void rg_uleb(struct rg_events *e, uint64_t v)
{
	unsigned char b[10];
	size_t n = 0;

	do {
		b[n] = v & 0x7f;
		v >>= 7;
		if (v)
			b[n] |= 0x80;
		n++;
	} while (v);
	rg_ev_bytes(e, b, n);
}

void rg_sleb(struct rg_events *e, int64_t v)
{
	unsigned char b[10];
	size_t n = 0;
	int more = 1;

	while (more) {
		unsigned char byte = v & 0x7f;
		v >>= 7;            /* arithmetic on every supported compiler */
		if ((v == 0 && !(byte & 0x40)) || (v == -1 && (byte & 0x40)))
			more = 0;
		else
			byte |= 0x80;
		b[n++] = byte;
	}
	rg_ev_bytes(e, b, n);
}

void rg_ev_enter(struct rg_events *e, uint64_t id, uint64_t dt)
{
	rg_uleb(e, id << 2 | VPR_TEV_ENTER);
	rg_uleb(e, dt);
}

void rg_ev_exit(struct rg_events *e, uint64_t dt)
{
	rg_uleb(e, dt << 2 | VPR_TEV_EXIT);
}

void rg_ev_instant(struct rg_events *e, uint64_t dt, uint64_t name)
{
	rg_uleb(e, VPR_TEV_INSTANT << 2 | VPR_TEV_MARK);
	rg_uleb(e, dt);
	rg_uleb(e, name);
}

void rg_ev_counter(struct rg_events *e, uint64_t dt, uint64_t name, int64_t value)
{
	rg_uleb(e, VPR_TEV_COUNTER << 2 | VPR_TEV_MARK);
	rg_uleb(e, dt);
	rg_uleb(e, name);
	rg_sleb(e, value);
}

void rg_ev_tag(struct rg_events *e, uint64_t name)
{
	rg_uleb(e, VPR_TEV_TAG << 2 | VPR_TEV_MARK);
	rg_uleb(e, 0);
	rg_uleb(e, name);
}

void rg_ev_open(struct rg_events *e, uint64_t id, uint64_t ticks)
{
	rg_uleb(e, VPR_TEV_OPEN << 2 | VPR_TEV_MARK);
	rg_uleb(e, 0);
	rg_uleb(e, id);
	rg_uleb(e, ticks);
}

void rg_ev_free(struct rg_events *e)
{
	free(e->buf);
	memset(e, 0, sizeof *e);
}

size_t rg_trace_chunk(struct rawgen *g, uint64_t shard_id, uint64_t tid, uint64_t seq,
                      uint64_t base_tick, uint64_t depth, uint32_t flags,
                      const unsigned char *ev, size_t len, size_t room)
{
	size_t data = room > len ? room : len;
	size_t size = (RG_CHUNK_DATA + data + RG_PAGE - 1) & ~(size_t)(RG_PAGE - 1);
	size_t off = append(g, size);
	struct vpr_trace *t = at(g, off);

	t->sec.magic = VPR_SECTION_MAGIC;
	t->sec.type = VPR_SEC_TRACE;
	t->sec.offset = off;
	t->sec.size = size;
	t->shard_id = shard_id;
	t->thread_id = tid;
	t->seq = seq;
	t->base_tick = base_tick;
	t->data_offset = RG_CHUNK_DATA;
	t->data_size = data;
	t->used = len;
	t->depth = depth;
	t->flags = flags;
	if (len)
		memcpy((unsigned char *)t + RG_CHUNK_DATA, ev, len);
	g->n_sections++;
	return off;
}

/* Appends one names record (kind, id, tid, text). */
static void name_record(struct rawgen *g, uint32_t kind, uint32_t id, uint64_t tid,
                        const char *name)
{
	size_t len = strlen(name);
	uint32_t size = (uint32_t)((sizeof(struct vpr_name_record) + len + 1 + 7) & ~(size_t)7);
	struct vpr_modules *m;
	struct vpr_name_record *r;

	if (!g->names_at) {
		g->names_at = append(g, RG_PAGE);
		m = at(g, g->names_at);
		m->sec.magic = VPR_SECTION_MAGIC;
		m->sec.type = VPR_SEC_NAMES;
		m->sec.offset = g->names_at;
		m->sec.size = RG_PAGE;
		g->n_sections++;
	}
	m = at(g, g->names_at);
	if (sizeof *m + m->used + size > m->sec.size)
		abort();
	r = (struct vpr_name_record *)((unsigned char *)(m + 1) + m->used);
	r->record_size = size;
	r->kind = kind;
	r->id = id;
	r->len = (uint32_t)len;
	r->thread_id = tid;
	memcpy(r->name, name, len + 1);
	m->used += size;
	m->n_records++;
}

void rg_name(struct rawgen *g, uint32_t id, const char *name)
{
	name_record(g, VPR_NAME_STRING, id, 0, name);
}

void rg_thread_name(struct rawgen *g, uint64_t tid, const char *name)
{
	name_record(g, VPR_NAME_THREAD, 0, tid, name);
}

void rg_names_end(struct rawgen *g)
{
	g->names_at = 0;
}

void rg_finish(struct rawgen *g)
{
	struct vpr_file_header *h = rg_hdr(g);

	h->end = g->size;
	h->n_sections = g->n_sections;
}

void rg_sample(struct rawgen *g, uint32_t mode)
{
	static const uint8_t bid[4] = {0xde, 0xad, 0xbe, 0xef};
	struct rg_slot s1[] = {
		{0x11005, 0x12000, 3, 300, 200},
		{0x11010, 0x12000, 4, 400, 100},
		{0x7000105, 0x13000, 1, 50, 50},
		{VPR_SITE_FUNCTION, 0x12000, 0, 700, 0},
	};
	struct rg_slot s2[] = {
		{0x11005, 0x12000, 10, 1000, 1000},
	};

	rg_begin(g, mode);
	rg_module(g, 0, "/fake/prog", 0x10000, 0x10000, 0x20000, bid, sizeof bid);
	rg_module(g, 1, "/fake/lib.so", 0x7000000, 0x7000000, 0x7010000, NULL, 0);
	rg_modules_end(g);
	rg_table(g, 1, 0, 1, 16, s1, mode == VPR_MODE_TIME ? 4 : 3);
	rg_table(g, 2, 0, 1, 16, s2, 1);
	rg_finish(g);
}

void rg_sample_trace(struct rawgen *g)
{
	static const uint8_t bid[4] = {0xde, 0xad, 0xbe, 0xef};
	struct rg_trace_id t1[] = {
		{0x11005, 0x12000, 1, 1, 0},
		{0x12010, 0x13000, 2, 2, 0},
		{0x11020, VPR_NAME_FN(1), 1, 3, 0},
	};
	struct rg_trace_id t2[] = {{0x11005, 0x12000, 1, 1, 0}};
	struct rg_events a = {0}, b = {0}, c = {0};

	rg_begin(g, VPR_MODE_TRACE);
	rg_hdr(g)->clock = VPR_CLOCK_MONOTONIC;
	rg_hdr(g)->session = 0x5e5510;
	rg_module(g, 0, "/fake/prog", 0x10000, 0x10000, 0x20000, bid, sizeof bid);
	rg_module(g, 1, "/fake/lib.so", 0x7000000, 0x7000000, 0x7010000, NULL, 0);
	rg_modules_end(g);
	rg_name(g, 1, "phase");
	rg_name(g, 2, "ev");
	rg_name(g, 3, "ctr");
	rg_name(g, 4, "tagA");
	rg_thread_name(g, 101, "worker-a");
	rg_names_end(g);
	rg_trace_table(g, 1, 0, 1, 8, t1, 3);
	rg_trace_table(g, 2, 0, 1, 4, t2, 1);
	rg_ev_enter(&a, 1, 0);
	rg_ev_tag(&a, 4);
	rg_ev_enter(&a, 2, 10);
	rg_ev_exit(&a, 20);
	rg_ev_enter(&a, 2, 5);
	rg_ev_exit(&a, 5);
	rg_ev_instant(&a, 0, 2);
	rg_trace_chunk(g, 1, 101, 1, 1000, 0, 0, a.buf, a.len, 0);
	rg_ev_enter(&b, 3, 0);
	rg_ev_counter(&b, 10, 3, -5);
	rg_ev_exit(&b, 10);
	rg_ev_exit(&b, 30);
	rg_trace_chunk(g, 1, 101, 2, 1050, 1, 0, b.buf, b.len, 0);
	rg_ev_enter(&c, 1, 0);
	rg_ev_instant(&c, 50, 2);
	rg_trace_chunk(g, 2, 102, 1, 2000, 0, 0, c.buf, c.len, 0);
	rg_ev_free(&a);
	rg_ev_free(&b);
	rg_ev_free(&c);
	rg_finish(g);
}

int rg_write(const struct rawgen *g, const char *path)
{
	FILE *f = fopen(path, "wb");
	int rc = 0;

	if (!f)
		return -1;
	if (fwrite(g->buf, 1, g->size, f) != g->size)
		rc = -1;
	if (fclose(f) != 0)
		rc = -1;
	return rc;
}

void rg_free(struct rawgen *g)
{
	free(g->buf);
	memset(g, 0, sizeof *g);
}

/* ---- the modules of this very process (rg_self_modules) ---------------- */

struct self_modules {
	struct rawgen *g;
	uint32_t next_id;
};

/* Records one loaded object with a path, as the runtime does. */
static int record_object(struct dl_phdr_info *info, size_t size, void *arg)
{
	struct self_modules *sm = arg;
	struct rawgen *g = sm->g;
	uint64_t lo = UINT64_MAX, hi = 0;
	uint8_t bid[VPR_BUILD_ID_MAX];
	unsigned bid_len = 0;
	char exe[VPR_PATH_MAX];
	const char *path = info->dlpi_name;
	int i;

	(void)size;
	for (i = 0; i < info->dlpi_phnum; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
		if (ph->p_type == PT_LOAD) {
			uint64_t a = info->dlpi_addr + ph->p_vaddr;
			if (a < lo)
				lo = a;
			if (a + ph->p_memsz > hi)
				hi = a + ph->p_memsz;
		} else if (ph->p_type == PT_NOTE && !bid_len) {
			const unsigned char *p = (const unsigned char *)(info->dlpi_addr + ph->p_vaddr);
			const unsigned char *end = p + ph->p_memsz;
			while (p + sizeof(ElfW(Nhdr)) <= end) {
				const ElfW(Nhdr) *n = (const ElfW(Nhdr) *)p;
				const unsigned char *desc = p + sizeof *n + ((n->n_namesz + 3u) & ~3u);
				if (n->n_type == NT_GNU_BUILD_ID && n->n_namesz == 4 &&
				    n->n_descsz <= VPR_BUILD_ID_MAX) {
					memcpy(bid, desc, n->n_descsz);
					bid_len = n->n_descsz;
					break;
				}
				p = desc + ((n->n_descsz + 3u) & ~3u);
			}
		}
	}
	if (sm->next_id == 0) {
		ssize_t r = readlink("/proc/self/exe", exe, sizeof exe - 1);
		exe[r > 0 ? r : 0] = '\0';
		path = exe;
	}
	if (!path || path[0] != '/' || !hi)
		return 0;
	rg_module(g, sm->next_id++, path, info->dlpi_addr, lo, hi, bid, bid_len);
	return 0;
}

void rg_self_modules(struct rawgen *g)
{
	struct self_modules sm = {g, 0};

	dl_iterate_phdr(record_object, &sm);
}
