/* SPDX-License-Identifier: MIT */
/*
 * raw_write.c - writes a struct raw_profile back as a version-1 raw profile
 * (.vitraw), the output of `vitprof merge` for raw inputs, so that every
 * command reading raw profiles (show, export, gcda) reads a merged one.
 *
 * Layout written (docs/raw-format.md, "Merged raw profiles"): the header
 * page; one modules section; one edge table (shard 1, generation 0, live),
 * its slots placed by the runtime's hash so the table is a valid one (a
 * context-mode profile: its calling-context nodes, rp->ctx_nodes); for
 * each gcov object one COPY arcs section (counters packed in function
 * order, n_copies 1, or 0 when its counts are unknown); one gcov objects
 * section. Page size 4096. Everything is built in memory, read back with
 * raw_profile_read_mem() as a self-check, then written.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/tool.h"
#include "export/raw_write.h"
#include "read/gcov_values.h"
#include "read/raw_profile.h"

#define PAGE 4096u

struct image {
	unsigned char *data;
	size_t size, cap;
};

static void *image_grow(struct image *im, size_t bytes)
{
	size_t need = (im->size + bytes + PAGE - 1) / PAGE * PAGE;
	void *p;

	if (need > im->cap) {
		size_t cap = im->cap ? im->cap : 1u << 16;
		while (cap < need)
			cap *= 2;
		p = xrealloc(im->data, cap);
		im->data = p;
		im->cap = cap;
	}
	memset(im->data + im->size, 0, need - im->size);
	p = im->data + im->size;
	im->size = need;
	return p;
}

static size_t section_begin(struct image *im, uint32_t type, size_t bytes)
{
	size_t off = im->size;
	struct vpr_section *s = image_grow(im, bytes);

	s->magic = VPR_SECTION_MAGIC;
	s->type = type;
	s->offset = off;
	s->size = im->size - off;
	return off;
}

static size_t modules_bytes(const struct raw_profile *rp)
{
	size_t i, n = sizeof(struct vpr_modules);

	for (i = 0; i < rp->n_modules; i++)
		n += (sizeof(struct vpr_module_record) + strlen(rp->modules[i].path) + 1 + 7) / 8 * 8;
	return n;
}

static void put_modules(struct image *im, const struct raw_profile *rp)
{
	size_t off = section_begin(im, VPR_SEC_MODULES, modules_bytes(rp)), pos, i;
	struct vpr_modules *ms = (struct vpr_modules *)(im->data + off);

	pos = off + sizeof *ms;
	for (i = 0; i < rp->n_modules; i++) {
		const struct raw_module *m = &rp->modules[i];
		struct vpr_module_record *r = (struct vpr_module_record *)(im->data + pos);
		size_t len = strlen(m->path);

		r->record_size = (uint32_t)((sizeof *r + len + 1 + 7) / 8 * 8);
		r->id = m->id;
		r->load_bias = m->load_bias;
		r->lo = m->lo;
		r->hi = m->hi;
		r->build_id_len = m->build_id_len;
		memcpy(r->build_id, m->build_id, m->build_id_len);
		r->path_len = (uint16_t)len;
		memcpy(r->path, m->path, len + 1);
		pos += r->record_size;
	}
	ms->n_records = (uint32_t)rp->n_modules;
	ms->used = pos - off - sizeof *ms;
}

_Static_assert(VPR_EDGES_ENTRIES_OFFSET == 192, "docs/raw-format.md gives 192");

static void put_edges(struct image *im, const struct raw_profile *rp)
{
	int timed = rp->mode == VPR_MODE_TIME;
	int ctx = rp->mode == VPR_MODE_CONTEXT || rp->mode == VPR_MODE_CONTEXT_TIME;
	size_t esz = ctx ? sizeof(struct vpr_ctx_node) : timed ? sizeof(struct vpr_edge_time)
	             : sizeof(struct vpr_edge_count);
	size_t n = ctx ? rp->n_ctx_nodes : rp->n_edges + (timed ? rp->n_functions : 0), i;
	uint64_t cap = 16, mask;
	unsigned log2cap = 4;
	size_t off;
	struct vpr_edges *t;
	unsigned char *slots;

	while (cap < 2 * (uint64_t)n) {
		cap *= 2;
		log2cap++;
	}
	mask = cap - 1;
	off = section_begin(im, VPR_SEC_EDGES, VPR_EDGES_ENTRIES_OFFSET + cap * esz);
	t = (struct vpr_edges *)(im->data + off);
	t->shard_id = 1;
	t->thread_id = (uint64_t)rp->pid;
	t->live = 1;
	t->entry_size = (uint32_t)esz;
	t->capacity = cap;
	t->n_used = n;
	t->entries_offset = VPR_EDGES_ENTRIES_OFFSET;
	t->lost_frames = rp->lost_frames;
	slots = im->data + off + VPR_EDGES_ENTRIES_OFFSET;
	for (i = 0; i < n; i++) {
		uint64_t v[7] = {0};
		uint64_t k;
		if (ctx) {              /* key (parent, fn), as the runtime's */
			const struct raw_ctx_node *c = &rp->ctx_nodes[i];
			v[0] = c->parent;
			v[1] = c->fn;
			v[2] = c->count;
			v[3] = c->total_ticks;
			v[4] = c->self_ticks;
			v[5] = c->id;
			v[6] = c->site;
		} else if (i < rp->n_edges) {
			const struct raw_edge *e = &rp->edges[i];
			v[0] = e->site;
			v[1] = e->fn;
			v[2] = e->count;
			v[3] = e->total_ticks;
			v[4] = e->self_ticks;
		} else {
			v[0] = VPR_SITE_FUNCTION;
			v[1] = rp->functions[i - rp->n_edges].fn;
			v[3] = rp->functions[i - rp->n_edges].total_ticks;
		}
		for (k = vpr_slot_hash(v[0], v[1], 64 - log2cap) & mask;;
		     k = (k + 1) & mask) {
			uint64_t *slot = (uint64_t *)(slots + k * esz);
			if (slot[1] == 0) {
				memcpy(slot, v, esz);
				break;
			}
		}
	}
}

/* Value kinds o has and records (bits 1.. of its counter_mask). */
static unsigned other_kinds(const struct raw_gcov_object *o)
{
	return o->has_kinds ? (unsigned)__builtin_popcount(o->counter_mask & ~1u) : 0;
}

/* Memory counters of kind t of f: the topn kinds' are 3 per site. */
static uint64_t kind_num(const struct gcov_counters *f, unsigned t)
{
	if (t >= GCOV_KINDS)
		return 0;
	return gcov_kind_is_topn(t) ? 3ull * f->kinds[t].sites : f->kinds[t].n_words;
}

/* Topn entries of every object (the value arena's size). */
static uint64_t topn_entries(const struct raw_profile *rp)
{
	uint64_t n = 0;

	for (size_t i = 0; i < rp->n_gcov; i++) {
		const struct raw_gcov_object *o = &rp->gcov[i];
		if (!other_kinds(o))
			continue;
		for (size_t j = 0; j < o->n_functions; j++)
			for (unsigned t = GCOV_KIND_TOPN; t <= GCOV_KIND_INDIRECT; t++)
				if (o->counter_mask & (1u << t))
					n += (o->functions[j].kinds[t].n_words -
					      2ull * o->functions[j].kinds[t].sites) / 2;
	}
	return n;
}

/*
 * Writes counters of kind t of f in memory form at data: topn sites as
 * [run count, entries, reference of the first], their lists appended to
 * the arena (entries, *next_entry the next free one, references from 1).
 */
static void put_kind(int64_t *data, const struct gcov_counters *f, unsigned t,
                     struct vpr_value_entry *entries, uint64_t *next_entry)
{
	const struct gcov_values *v = &f->kinds[t];
	uint64_t i = 0;

	if (!gcov_kind_is_topn(t)) {
		if (v->n_words)
			memcpy(data, v->v, v->n_words * 8);
		return;
	}
	for (uint32_t s = 0; s < v->sites; s++) {
		int64_t n = v->v[i + 1];
		data[3 * s] = v->v[i];
		data[3 * s + 1] = n;
		data[3 * s + 2] = n ? (int64_t)(*next_entry + 1) : 0;
		for (int64_t k = 0; k < n; k++) {
			struct vpr_value_entry *e = &entries[(*next_entry)++];
			e->value = v->v[i + 2 + 2 * k];
			e->count = v->v[i + 3 + 2 * k];
			e->next = k + 1 < n ? *next_entry + 1 : 0;
		}
		i += 2 + 2 * (uint64_t)n;
	}
}

/*
 * One COPY arcs section per gcov object (ids from 1, in order): the arcs
 * function by function, then each other kind function by function, as the
 * runtime packs them; then one value-arena chunk holding every topn list;
 * then the gcov objects section naming them.
 */
static void put_gcov(struct image *im, const struct raw_profile *rp)
{
	size_t i, j, rec_bytes = sizeof(struct vpr_modules), pos, off, voff = 0;
	uint64_t n_entries = topn_entries(rp), next_entry = 0;
	uint64_t **kind_offsets = xcalloc(rp->n_gcov, sizeof *kind_offsets);
	struct vpr_modules *gs;

	if (n_entries) {
		struct vpr_values *v;
		voff = section_begin(im, VPR_SEC_VALUES, 128 + n_entries * sizeof(struct vpr_value_entry));
		v = (struct vpr_values *)(im->data + voff);
		v->chunk = 0;
		v->chunk_entries = (uint32_t)n_entries;
		v->entries_offset = 128;
	}
	for (i = 0; i < rp->n_gcov; i++) {
		const struct raw_gcov_object *o = &rp->gcov[i];
		unsigned n_other = other_kinds(o), c, t;
		size_t words = 0;
		struct vpr_arcs *a;
		int64_t *data;

		for (j = 0; j < o->n_functions; j++) {
			words += o->functions[j].n_arcs;
			for (t = 1; t < 32; t++)
				if (n_other && (o->counter_mask & (1u << t)))
					words += kind_num(&o->functions[j], t);
		}
		off = section_begin(im, VPR_SEC_ARCS, PAGE + words * 8);
		a = (struct vpr_arcs *)(im->data + off);
		a->arcs_id = (uint32_t)(i + 1);
		a->mode = VPR_ARCS_COPY;
		a->data_offset = PAGE;
		a->data_size = words * 8;
		a->n_copies = o->counts_known ? 1 : 0;
		a->object = o->object;
		data = (int64_t *)(im->data + off + PAGE);
		kind_offsets[i] = xcalloc(o->n_functions * (n_other + 1) + 1, sizeof **kind_offsets);
		words = 0;
		for (j = 0; j < o->n_functions; j++) {
			const struct gcov_counters *f = &o->functions[j];
			kind_offsets[i][j * (n_other + 1)] = words * 8;
			if (f->n_arcs)
				memcpy(data + words, f->arcs, f->n_arcs * 8);
			words += f->n_arcs;
		}
		for (c = 0, t = 1; n_other && t < 32; t++) {
			if (!(o->counter_mask & (1u << t)))
				continue;
			c++;
			for (j = 0; j < o->n_functions; j++) {
				const struct gcov_counters *f = &o->functions[j];
				kind_offsets[i][j * (n_other + 1) + c] = words * 8;
				if (t < GCOV_KINDS)
					put_kind(data + words, f, t, n_entries ? (struct vpr_value_entry *)
					         (im->data + voff + 128) : NULL, &next_entry);
				words += kind_num(f, t);
			}
		}
		rec_bytes += sizeof(struct vpr_gcov_object) +
		             o->n_functions * (sizeof(struct vpr_gcov_function) +
		                               n_other * sizeof(struct vpr_gcov_counters)) +
		             (strlen(o->gcda_path) + 1 + 7) / 8 * 8;
	}
	if (!rp->n_gcov) {
		free(kind_offsets);
		return;
	}
	off = section_begin(im, VPR_SEC_GCOV, rec_bytes);
	pos = off + sizeof *gs;
	for (i = 0; i < rp->n_gcov; i++) {
		const struct raw_gcov_object *o = &rp->gcov[i];
		struct vpr_gcov_object *r = (struct vpr_gcov_object *)(im->data + pos);
		struct vpr_gcov_function *fr = (struct vpr_gcov_function *)(r + 1);
		unsigned n_other = other_kinds(o), c, t;
		struct vpr_gcov_counters *kr = (struct vpr_gcov_counters *)(fr + o->n_functions);
		size_t len = strlen(o->gcda_path);

		r->record_size = (uint32_t)(sizeof *r + o->n_functions * (sizeof *fr +
		                            n_other * sizeof *kr) + (len + 1 + 7) / 8 * 8);
		r->arcs_id = (uint32_t)(i + 1);
		r->version = o->version;
		r->stamp = o->stamp;
		r->checksum = o->checksum;
		r->n_functions = (uint32_t)o->n_functions;
		r->counter_mask = o->counter_mask;
		r->filename_len = (uint16_t)len;
		r->flags = n_other ? VPR_GCOV_HAS_KINDS : 0;
		for (j = 0; j < o->n_functions; j++) {
			const struct gcov_counters *f = &o->functions[j];
			struct vpr_gcov_counters *k = kr + j * n_other;
			if (f->ident == 0 && f->n_arcs == 0 && !f->arcs &&
			    f->lineno_checksum == 0 && f->cfg_checksum == 0) {
				fr[j].arcs_offset = UINT64_MAX;   /* dropped COMDAT copy */
				for (c = 0; c < n_other; c++)
					k[c].offset = UINT64_MAX;
				continue;
			}
			fr[j].ident = f->ident;
			fr[j].lineno_checksum = f->lineno_checksum;
			fr[j].cfg_checksum = f->cfg_checksum;
			fr[j].n_arcs = f->n_arcs;
			fr[j].arcs_offset = kind_offsets[i][j * (n_other + 1)];
			for (c = 0, t = 1; n_other && t < 32; t++) {
				if (!(o->counter_mask & (1u << t)))
					continue;
				k[c].num = (uint32_t)kind_num(f, t);
				k[c].offset = kind_offsets[i][j * (n_other + 1) + c + 1];
				c++;
			}
		}
		memcpy((char *)(kr + o->n_functions * n_other), o->gcda_path, len + 1);
		pos += r->record_size;
		free(kind_offsets[i]);
	}
	free(kind_offsets);
	gs = (struct vpr_modules *)(im->data + off);
	gs->n_records = (uint32_t)rp->n_gcov;
	gs->used = pos - off - sizeof *gs;
}

/* Builds the image with flags; returns 0 or -1 (a path too long). */
static int build_image(const struct raw_profile *rp, uint64_t runs, uint32_t flags,
                       struct image *im)
{
	struct vpr_file_header *h;
	size_t i;

	for (i = 0; i < rp->n_modules; i++)
		if (strlen(rp->modules[i].path) > UINT16_MAX)
			return -1;
	for (i = 0; i < rp->n_gcov; i++)
		if (strlen(rp->gcov[i].gcda_path) > UINT16_MAX)
			return -1;
	memset(im, 0, sizeof *im);
	image_grow(im, PAGE);
	put_modules(im, rp);
	put_edges(im, rp);
	put_gcov(im, rp);

	h = (struct vpr_file_header *)im->data;
	memcpy(h->magic, VPR_MAGIC, sizeof h->magic);
	h->version = VPR_VERSION;
	h->byte_order = VPR_BYTE_ORDER;
	h->header_size = sizeof *h;
	h->page_size = PAGE;
	h->first_section = PAGE;
	h->end = im->size;
	h->n_sections = 2 + (uint32_t)rp->n_gcov + (rp->n_gcov ? 1 : 0) +
	                (topn_entries(rp) ? 1 : 0);     /* the value arena */
	h->state = rp->state;
	h->mode = rp->mode;
	h->flags = flags;
	h->pid = rp->pid;
	h->ppid = rp->ppid;
	h->start_realtime_ns = rp->start_realtime_ns;
	h->end_realtime_ns = rp->end_realtime_ns;
	h->clock = rp->clock;
	/* TSC: ns = ticks * dns / dtick, one pair at 0 and the other at the
	 * ratio. CLOCK_MONOTONIC ticks are nanoseconds: no calibration. */
	if (rp->clock == VPR_CLOCK_TSC && rp->time_available) {
		h->calib_tick1 = rp->calib_dtick;
		h->calib_ns1 = rp->calib_dns;
	}
	h->lost_calls = rp->lost_calls;
	h->lost_sections = rp->lost_sections;
	h->lost_values = rp->lost_values;
	h->n_threads = rp->n_threads;
	snprintf(h->host, sizeof h->host, "%s", rp->host);
	snprintf(h->exe_path, sizeof h->exe_path, "%s", rp->exe_path);
	h->merged_runs = runs;
	return 0;
}

int raw_profile_image(const struct raw_profile *rp, uint64_t runs,
                      unsigned char **data, size_t *size)
{
	struct raw_profile check;
	struct image im;
	int rc;

	*data = NULL;
	*size = 0;
	if (build_image(rp, runs, rp->flags & VPR_FLAG_FORK_CHILD, &im) != 0) {
		tool_error(rp->file, "a path is too long for a raw profile");
		return -1;
	}
	/* Self-check: what is written must read back. */
	tool_error_mute(1);
	memset(&check, 0, sizeof check);
	rc = raw_profile_read_mem(im.data, im.size, "<merged>", &check);
	raw_profile_free(&check);
	tool_error_mute(0);
	if (rc != 0) {
		tool_error(rp->file, "internal error: the raw profile written does not read back (%s)",
		           tool_last_error());
		free(im.data);
		return -1;
	}
	*data = im.data;
	*size = im.size;
	return 0;
}

static int write_image(FILE *out, void *arg)
{
	const struct image *im = arg;

	return fwrite(im->data, 1, im->size, out) == im->size ? 0 : -1;
}

int raw_profile_write(const char *path, const struct raw_profile *rp, uint64_t runs)
{
	struct image im;
	int rc;

	memset(&im, 0, sizeof im);
	if (raw_profile_image(rp, runs, &im.data, &im.size) != 0)
		return -1;
	rc = tool_write_file(path, write_image, &im);
	free(im.data);
	return rc;
}

uint64_t raw_profile_runs(const char *path)
{
	struct vpr_file_header h;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	uint64_t runs = 1;

	if (fd < 0)
		return 1;
	if (pread(fd, &h, sizeof h, 0) == (ssize_t)sizeof h && h.merged_runs)
		runs = h.merged_runs;
	close(fd);
	return runs;
}
