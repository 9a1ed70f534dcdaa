/* SPDX-License-Identifier: MIT */
/*
 * rt_gcov.c - the recording behind the libgcov drop-in: what
 * -fprofile-arcs code calls (the entry points, __gcov_init, __gcov_exit,
 * __gcov_dump, __gcov_reset, __gcov_fork, __gcov_exec*, are in
 * rt_gcov_api.c) puts the arc counters into the raw file:
 *
 *   in place  The object (executable or shared library) was linked with
 *             vitprof_arcs.ld, which gathers every counter array into one
 *             page-aligned, page-padded NOBITS section, .vitprof_arcs. The
 *             first __gcov_init of the object checks that section in the
 *             object's ELF file, copies it into a VPR_SEC_ARCS section and
 *             maps the file pages over it (MAP_FIXED|MAP_SHARED): from then
 *             on the compiled code increments the file itself, and a
 *             SIGKILL loses nothing. One ARCS section per object.
 *   copy      Anything else (no fragment, no -fdata-sections, no file, any
 *             doubt): one ARCS section per gcov_info, into which the
 *             counters are copied at exit (__gcov_exit), __gcov_dump,
 *             vitprof_dump and before exec; n_copies counts the copies.
 *
 * Every gcov_info also gets a record in a VPR_SEC_GCOV section (ident and
 * checksums of each function, where its arc counters are, the .gcda path),
 * so the tool can write .gcda files offline. No .gcda is written here.
 *
 * The gcov_info layout is chosen from its version word (GCC 10 to 14);
 * another version is reported once and its counters are not recorded.
 *
 * Called from constructors and destructors, in fork children and before
 * exec: no malloc (tables are anonymous mappings), no stdio, errno
 * preserved, never exit or abort. Callers hold rt_g.lock.
 */
#define _GNU_SOURCE
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <link.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include "rt_gcov.h"
#include "rt_internal.h"

/* The output section vitprof_arcs.ld creates; both must say the same. */
#define ARCS_SECTION_NAME ".vitprof_arcs"
#define GCOV_SECTION_SIZE 65536u

#define OFF_NEXT 8u
#define OFF_STAMP 16u
#define OFF_CHECKSUM 20u
#define OFF_FILENAME 24u
#define OFF_MERGE 32u

static const struct rt_gcov_layout layout_gcc10 = {8, 0, 96, 104};  /* 10, 11 */
const struct rt_gcov_layout rt_gcov_layout_gcc12 = {8, 1, 96, 104};  /* 12, 13 */
static const struct rt_gcov_layout layout_gcc14 = {9, 1, 104, 112}; /* 14 */

/* One registered gcov_info (compilation unit). */
struct unit {
	const struct gcov_info *info;
	const struct rt_gcov_layout *lay;
	size_t obj;                  /* index in objects[] */
	struct vpr_arcs *copy;       /* copy mode: its section; NULL in place */
	int live;                    /* 0 once its object was unloaded */
};

/* One loaded object that registered gcov data. */
struct object {
	uintptr_t lo, hi;            /* its PT_LOAD range */
	uint64_t path_hash;          /* FNV-1a of its path */
	uint64_t hash;               /* vpr_arcs.object: path_hash, told apart
	                                for each later load of the same path */
	int probed;                  /* 1: arcs_lo/hi valid; -1: no usable section */
	uintptr_t arcs_lo, arcs_hi;  /* .vitprof_arcs at run time */
	struct vpr_arcs *arcs;       /* the in-place section, once mapped */
	int live;
};

static struct unit *units;
static size_t n_units, cap_units;
static size_t n_copy_units;          /* live units in copy mode */
static struct object *objects;
static size_t n_objects, cap_objects;
static struct vpr_modules *gsec;     /* current VPR_SEC_GCOV section */
static uint64_t gsec_size;
static uint32_t next_arcs_id = 1;
static unsigned long long seen_subs;  /* dlpi_subs when last validated */
/* Stored in gcov_info.next (libgcov's list link, free for us) when we
 * register it: a gcov_info with it is registered already; one without it
 * but at the address of a registered one is a library loaded anew. */
static const char registered_mark;

/* Grows an anonymous-memory array to hold one more element. 0 or -1. */
static int grow(void **arr, size_t n, size_t *cap, size_t elem)
{
	size_t ncap;
	void *p;

	if (n < *cap)
		return 0;
	ncap = *cap ? *cap * 2 : 64;
	p = rt_anon_alloc(ncap * elem);
	if (!p)
		return -1;
	if (*arr) {
		memcpy(p, *arr, n * elem);
		munmap(*arr, *cap * elem);
	}
	*arr = p;
	*cap = ncap;
	return 0;
}

static uint32_t info_u32(const struct gcov_info *gi, size_t off)
{
	uint32_t v;
	memcpy(&v, (const unsigned char *)gi + off, sizeof v);
	return v;
}

static const void *info_ptr(const struct gcov_info *gi, size_t off)
{
	const void *v;
	memcpy(&v, (const unsigned char *)gi + off, sizeof v);
	return v;
}

/*
 * The layout for a version word ('A' + major / 10, '0' + major % 10,
 * '0' + minor, '*', most significant byte first), or NULL.
 */
static const struct rt_gcov_layout *layout_for(uint32_t version)
{
	unsigned c0 = version >> 24, c1 = (version >> 16) & 0xffu;
	unsigned c2 = (version >> 8) & 0xffu, c3 = version & 0xffu;
	unsigned major;

	if (c0 < 'A' || c0 > 'Z' || c1 < '0' || c1 > '9' || c2 < '0' || c2 > '9' || c3 != '*')
		return NULL;
	major = (c0 - 'A') * 10 + (c1 - '0');
	if (major == 10 || major == 11)
		return &layout_gcc10;
	if (major == 12 || major == 13)
		return &rt_gcov_layout_gcc12;
	if (major == 14)
		return &layout_gcc14;
	return NULL;
}

static unsigned counter_mask(const struct unit *u)
{
	unsigned t, mask = 0;

	for (t = 0; t < u->lay->n_kinds; t++)
		if (info_ptr(u->info, OFF_MERGE + t * sizeof(void *)))
			mask |= 1u << t;
	return mask;
}

static uint32_t n_functions(const struct unit *u)
{
	return info_u32(u->info, u->lay->off_n_functions);
}

/* The i-th function of u, or NULL when the linker dropped it (COMDAT). */
static const struct gcov_fn_info *function(const struct unit *u, uint32_t i)
{
	const struct gcov_fn_info *const *fns = info_ptr(u->info, u->lay->off_functions);
	const struct gcov_fn_info *f = fns ? fns[i] : NULL;

	return f && f->key == u->info ? f : NULL;
}

/* ---- which object, and does it have a usable .vitprof_arcs? ------------- */

struct find_ctx {
	uintptr_t addr;
	int found;
	uintptr_t lo, hi, bias;
	const ElfW(Phdr) *phdr;
	ElfW(Half) phnum;
	char name[VPR_PATH_MAX];
};

static int find_cb(struct dl_phdr_info *info, size_t size, void *arg)
{
	struct find_ctx *f = arg;
	uintptr_t lo = UINTPTR_MAX, hi = 0;
	int i, inside = 0;

	for (i = 0; i < info->dlpi_phnum; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
		uintptr_t a = info->dlpi_addr + ph->p_vaddr;
		if (ph->p_type != PT_LOAD)
			continue;
		if (f->addr >= a && f->addr < a + ph->p_memsz)
			inside = 1;
		if (a < lo)
			lo = a;
		if (a + ph->p_memsz > hi)
			hi = a + ph->p_memsz;
	}
	if (!inside)
		return 0;
	f->found = 1;
	f->lo = lo;
	f->hi = hi;
	f->bias = info->dlpi_addr;
	f->phdr = info->dlpi_phdr;
	f->phnum = info->dlpi_phnum;
	rt_strlcpy(f->name, info->dlpi_name && *info->dlpi_name ? info->dlpi_name
	                                                        : "/proc/self/exe",
	           sizeof f->name);
	return 1;
}

/* The name to show for an object found by find_object(). */
static const char *shown_name(const struct find_ctx *f)
{
	if (!f->found)
		return "(unknown object)";
	if (strcmp(f->name, "/proc/self/exe") == 0 && rt_g.hdr && rt_g.hdr->exe_path[0])
		return rt_g.hdr->exe_path;
	return f->name;
}

/* Finds the loaded object holding addr. 0, or -1 when none does. */
static int find_object(uintptr_t addr, struct find_ctx *f)
{
	memset(f, 0, sizeof *f);
	f->addr = addr;
	dl_iterate_phdr(find_cb, f);
	return f->found ? 0 : -1;
}

/*
 * Reads the object's ELF file (the one that was loaded: its program headers
 * must equal the loaded ones) and finds .vitprof_arcs: NOBITS, allocated and
 * writable, page-aligned and a page multiple long, inside a writable
 * PT_LOAD, overlapping no other allocated section. Returns 0 and its run
 * time range, or -1.
 */
static int probe_arcs_section(const struct find_ctx *f, uintptr_t *lo, uintptr_t *hi)
{
	const ElfW(Ehdr) *eh;
	const ElfW(Shdr) *sh, *found = NULL, *strtab;
	const unsigned char *map;
	struct stat st;
	size_t size, shnum, shstrndx, i;
	uint64_t page = rt_g.page_size;
	int fd, ok = 0;

	/* O_NONBLOCK: a FIFO swapped in at the object's path must not block. */
	fd = open(f->name, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return -1;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size < (off_t)sizeof *eh) {
		close(fd);
		return -1;
	}
	size = (size_t)st.st_size;
	map = mmap(NULL, size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (map == MAP_FAILED)
		return -1;
	eh = (const ElfW(Ehdr) *)map;
	if (memcmp(eh->e_ident, ELFMAG, SELFMAG) != 0 ||
	    eh->e_ident[EI_CLASS] != (sizeof(void *) == 8 ? ELFCLASS64 : ELFCLASS32) ||
	    eh->e_phentsize != sizeof(ElfW(Phdr)) || eh->e_shentsize != sizeof(ElfW(Shdr)) ||
	    eh->e_phnum != f->phnum || eh->e_phoff > size ||
	    (size - eh->e_phoff) / sizeof(ElfW(Phdr)) < eh->e_phnum ||
	    memcmp(map + eh->e_phoff, f->phdr, eh->e_phnum * sizeof(ElfW(Phdr))) != 0 ||
	    eh->e_shoff == 0 || eh->e_shoff > size ||
	    (size - eh->e_shoff) / sizeof(ElfW(Shdr)) < 1)
		goto out;
	sh = (const ElfW(Shdr) *)(map + eh->e_shoff);
	shnum = eh->e_shnum ? eh->e_shnum : sh[0].sh_size;
	shstrndx = eh->e_shstrndx == SHN_XINDEX ? sh[0].sh_link : eh->e_shstrndx;
	if ((size - eh->e_shoff) / sizeof(ElfW(Shdr)) < shnum || shstrndx >= shnum)
		goto out;
	strtab = &sh[shstrndx];
	if (strtab->sh_type != SHT_STRTAB || strtab->sh_offset > size ||
	    strtab->sh_size > size - strtab->sh_offset)
		goto out;
	for (i = 0; i < shnum; i++) {
		const char *name = (const char *)map + strtab->sh_offset + sh[i].sh_name;
		size_t room = sh[i].sh_name < strtab->sh_size ? strtab->sh_size - sh[i].sh_name : 0;
		if (room > sizeof ARCS_SECTION_NAME - 1 &&
		    memcmp(name, ARCS_SECTION_NAME, sizeof ARCS_SECTION_NAME) == 0) {
			if (found)
				goto out;       /* two of them: no guess */
			found = &sh[i];
		}
	}
	if (!found || found->sh_type != SHT_NOBITS ||
	    (found->sh_flags & (SHF_ALLOC | SHF_WRITE)) != (SHF_ALLOC | SHF_WRITE) ||
	    (found->sh_flags & SHF_TLS) || found->sh_size == 0 ||
	    found->sh_addr % page || found->sh_size % page)
		goto out;
	for (i = 0; i < shnum; i++) {
		const ElfW(Shdr) *s = &sh[i];
		if (s == found || !(s->sh_flags & SHF_ALLOC) || (s->sh_flags & SHF_TLS) ||
		    s->sh_size == 0)
			continue;
		if (s->sh_addr < found->sh_addr + found->sh_size &&
		    found->sh_addr < s->sh_addr + s->sh_size)
			goto out;       /* something else shares those pages */
	}
	for (i = 0; i < eh->e_phnum; i++) {
		const ElfW(Phdr) *ph = &f->phdr[i];
		if (ph->p_type == PT_LOAD && (ph->p_flags & PF_W) &&
		    found->sh_addr >= ph->p_vaddr &&
		    found->sh_addr + found->sh_size <= ph->p_vaddr + ph->p_memsz)
			ok = 1;
	}
	if (ok) {
		*lo = f->bias + found->sh_addr;
		*hi = *lo + found->sh_size;
	}
out:
	munmap((void *)map, size);
	return ok ? 0 : -1;
}

/* vpr_arcs.object of the object at path: FNV-1a 64, never 0. */
static uint64_t object_hash(const char *path)
{
	uint64_t h = 0xcbf29ce484222325ull;

	for (; *path; path++)
		h = (h ^ (unsigned char)*path) * 0x100000001b3ull;
	return h ? h : 1;
}

/* The live object record holding addr, or NULL. */
static struct object *object_at(uintptr_t addr)
{
	size_t i;

	for (i = 0; i < n_objects; i++)
		if (objects[i].live && addr >= objects[i].lo && addr < objects[i].hi)
			return &objects[i];
	return NULL;
}

/* The record of the object holding addr, created when new; NULL on failure. */
static struct object *object_for(uintptr_t addr, struct find_ctx *f)
{
	struct object *o = object_at(addr);

	if (o) {
		f->found = 0;
		return o;
	}
	if (find_object(addr, f) != 0 ||
	    grow((void **)&objects, n_objects, &cap_objects, sizeof *objects) != 0)
		return NULL;
	o = &objects[n_objects++];
	memset(o, 0, sizeof *o);
	o->lo = f->lo;
	o->hi = f->hi;
	o->path_hash = object_hash(shown_name(f));
	o->hash = o->path_hash;
	for (size_t k = 0; k + 1 < n_objects; k++)   /* loaded again (dlclose) */
		if (objects[k].path_hash == o->path_hash)
			o->hash = (o->hash ^ 0x9E3779B97F4A7C15ull) * 0x100000001b3ull;
	if (!o->hash)
		o->hash = 1;
	o->live = 1;
	return o;
}

/* Stops using an object that is no longer loaded (or was loaded anew). */
static void object_retire(struct object *o)
{
	size_t i, k = (size_t)(o - objects);

	for (i = 0; i < n_units; i++) {
		if (units[i].obj == k && units[i].live) {
			units[i].live = 0;
			if (units[i].copy)
				n_copy_units--;
		}
	}
	if (o->arcs)
		rt_section_unalias(o->arcs);  /* dlclose unmapped it */
	o->live = 0;
}

struct subs_ctx {
	unsigned long long subs;
	int first;
	struct object *check;            /* NULL: only read subs */
	int present;
};

static int subs_cb(struct dl_phdr_info *info, size_t size, void *arg)
{
	struct subs_ctx *c = arg;
	uintptr_t lo = UINTPTR_MAX, hi = 0;
	int i;

	if (c->first) {
		c->first = 0;
		c->subs = info->dlpi_subs;
		if (!c->check)
			return 1;
	}
	for (i = 0; i < info->dlpi_phnum; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
		uintptr_t a = info->dlpi_addr + ph->p_vaddr;
		if (ph->p_type != PT_LOAD)
			continue;
		if (a < lo)
			lo = a;
		if (a + ph->p_memsz > hi)
			hi = a + ph->p_memsz;
	}
	if (lo == c->check->lo && hi == c->check->hi) {
		c->present = 1;
		return 1;
	}
	return 0;
}

/*
 * 0 if a gcov_info of object k lost the mark we left in it: the object at
 * its addresses was loaded anew, with fresh data.
 */
static int marks_intact(size_t k)
{
	size_t i;

	for (i = 0; i < n_units; i++)
		if (units[i].live && units[i].obj == k &&
		    info_ptr(units[i].info, OFF_NEXT) != &registered_mark)
			return 0;
	return 1;
}

/*
 * Forgets the objects unloaded since the last call (dlclose): their
 * gcov_info and counters are gone. Cheap when nothing was unloaded. A
 * library's destructors run while it is still loaded, so its copy-mode
 * counters were copied by its own __gcov_exit calls before this sees it go.
 */
static void validate_objects(void)
{
	struct subs_ctx c = {0, 1, NULL, 0};
	size_t i;

	dl_iterate_phdr(subs_cb, &c);
	if (c.subs == seen_subs)
		return;
	seen_subs = c.subs;
	for (i = 0; i < n_objects; i++) {
		if (!objects[i].live)
			continue;
		c.first = 1;
		c.check = &objects[i];
		c.present = 0;
		dl_iterate_phdr(subs_cb, &c);
		if (!c.present || !marks_intact(i))
			object_retire(&objects[i]);
	}
}

/* 1 if every counter array of u lies in [lo, hi), 8-aligned. */
static int counters_inside(const struct unit *u, uintptr_t lo, uintptr_t hi)
{
	unsigned mask = counter_mask(u), n_ctrs = (unsigned)__builtin_popcount(mask);
	uint32_t i, nf = n_functions(u);
	unsigned c;

	for (i = 0; i < nf; i++) {
		const struct gcov_fn_info *fn = function(u, i);
		if (!fn)
			continue;
		for (c = 0; c < n_ctrs; c++) {
			uintptr_t v = (uintptr_t)fn->ctrs[c].values;
			uint64_t len = (uint64_t)fn->ctrs[c].num * sizeof(int64_t);
			if (!fn->ctrs[c].num)
				continue;
			if (v % sizeof(int64_t) || v < lo || v > hi || len > hi - v)
				return 0;
		}
	}
	return 1;
}

/*
 * Puts the object's counter section into the file: a new ARCS section
 * holding a copy of it, whose data pages are then mapped over it. 0 or -1.
 */
static int map_in_place(struct object *o, const char *name)
{
	uint64_t page = rt_g.page_size, size = o->arcs_hi - o->arcs_lo, got;
	struct vpr_arcs *a;

	if (rt_g.fd < 0)
		return -1;
	a = rt_section_alloc(VPR_SEC_ARCS, page + size, &got);
	if (!a)
		return -1;
	a->arcs_id = next_arcs_id++;
	a->base = o->arcs_lo;
	a->object = o->hash;
	a->data_offset = page;
	if (!rt_section_in_file(a)) {
		a->base = 0;
		a->mode = VPR_ARCS_COPY;        /* empty, referenced by no record */
		return -1;
	}
	rt_copy_words((unsigned char *)a + page, (const void *)o->arcs_lo, size);
	if (rt_section_alias(a, (void *)o->arcs_lo, page, size) != 0) {
		/* Nothing is lost: the counters are copied instead. */
		rt_log("cannot map the gcov counters in place, copying them:", name);
		a->base = 0;
		a->mode = VPR_ARCS_COPY;
		return -1;
	}
	a->data_size = size;
	__atomic_store_n(&a->mode, VPR_ARCS_IN_PLACE, __ATOMIC_RELEASE);
	o->arcs = a;
	rt_log("gcov counters mapped in place for", name);
	return 0;
}

/*
 * Copy mode packs a unit's counters kind by kind, in index order, and
 * within a kind function by function: the arcs first (as vitprof 0.2 did),
 * then the value counters. Calls fn(u, function, ctr, packed offset in
 * counters) for every (function, kind) with counters; returns the total.
 */
static uint64_t each_packed(const struct unit *u,
                            void (*fn)(uint32_t i, unsigned c,
                                       const struct gcov_ctr_info *, uint64_t, void *),
                            void *arg)
{
	unsigned n_ctrs = (unsigned)__builtin_popcount(counter_mask(u)), c;
	uint32_t i, nf = n_functions(u);
	uint64_t k = 0;

	for (c = 0; c < n_ctrs; c++) {
		for (i = 0; i < nf; i++) {
			const struct gcov_fn_info *f = function(u, i);
			if (!f || !f->ctrs[c].num)
				continue;
			if (fn)
				fn(i, c, &f->ctrs[c], k, arg);
			k += f->ctrs[c].num;
		}
	}
	return k;
}

/* Allocates the copy-mode ARCS section of u. 0 or -1. */
static int make_copy_section(struct unit *u)
{
	uint64_t page = rt_g.page_size, n = each_packed(u, NULL, NULL), got;
	struct vpr_arcs *a;

	a = rt_section_alloc(VPR_SEC_ARCS, page + n * sizeof(int64_t), &got);
	if (!a)
		return -1;
	a->arcs_id = next_arcs_id++;
	a->base = 0;
	a->object = u->obj != SIZE_MAX ? objects[u->obj].hash : 0;
	a->data_offset = page;
	a->data_size = n * sizeof(int64_t);
	__atomic_store_n(&a->mode, VPR_ARCS_COPY, __ATOMIC_RELEASE);
	u->copy = a;
	return 0;
}

static void copy_counters(uint32_t i, unsigned c, const struct gcov_ctr_info *ctr,
                          uint64_t k, void *arg)
{
	int64_t *dst = (int64_t *)arg + k;
	uint32_t j;

	(void)i;
	(void)c;
	for (j = 0; j < ctr->num; j++)
		dst[j] = __atomic_load_n(&ctr->values[j], __ATOMIC_RELAXED);
}

/* Copies u's counters (every kind) into its copy-mode section. */
static void copy_unit(struct unit *u)
{
	each_packed(u, copy_counters,
	            (unsigned char *)u->copy + u->copy->data_offset);
	__atomic_thread_fence(__ATOMIC_RELEASE);
	u->copy->n_copies++;
}

/* Zeroes every counter (every kind) of u. */
static void zero_unit(struct unit *u)
{
	unsigned n_ctrs = (unsigned)__builtin_popcount(counter_mask(u)), c;
	uint32_t i, nf = n_functions(u);

	for (i = 0; i < nf; i++) {
		const struct gcov_fn_info *fn = function(u, i);
		if (!fn)
			continue;
		for (c = 0; c < n_ctrs; c++)
			if (fn->ctrs[c].num)
				memset(fn->ctrs[c].values, 0, fn->ctrs[c].num * sizeof(int64_t));
	}
}

/* The record being written, for its copy-mode offsets. */
struct record_fill {
	struct vpr_gcov_function *out;
	struct vpr_gcov_counters *kinds;
	unsigned n_other, has_arcs;
};

static void fill_packed(uint32_t i, unsigned c, const struct gcov_ctr_info *ctr,
                        uint64_t k, void *arg)
{
	struct record_fill *r = arg;

	(void)ctr;
	if (r->has_arcs && c == 0)
		r->out[i].arcs_offset = k * sizeof(int64_t);
	else
		r->kinds[(uint64_t)i * r->n_other + c - r->has_arcs].offset = k * sizeof(int64_t);
}

/* Topn and indirect-call sites of u (three counters each). */
static uint64_t topn_sites(const struct unit *u)
{
	unsigned mask = counter_mask(u), c = 0, t;
	uint32_t i, nf = n_functions(u);
	uint64_t n = 0;

	for (t = 0; t < u->lay->n_kinds; t++) {
		if (!(mask & (1u << t)))
			continue;
		if (t == RT_GCOV_TOPN || t == RT_GCOV_INDIRECT)
			for (i = 0; i < nf; i++)
				if (function(u, i))
					n += function(u, i)->ctrs[c].num / 3;
		c++;
	}
	return n;
}

/* Appends u's record to the gcov section (a new one when full). */
static void record_unit(const struct unit *u, uint32_t arcs_id, uintptr_t base)
{
	const char *filename = info_ptr(u->info, OFF_FILENAME);
	uint32_t i, nf = n_functions(u);
	size_t name_len = filename ? strnlen(filename, 65535) : 0;
	unsigned mask = counter_mask(u), n_other = (unsigned)__builtin_popcount(mask & ~1u);
	uint64_t size = (sizeof(struct vpr_gcov_object) + nf * sizeof(struct vpr_gcov_function)
	                 + (uint64_t)nf * n_other * sizeof(struct vpr_gcov_counters)
	                 + name_len + 1 + 7) & ~(uint64_t)7;
	struct vpr_gcov_object *r;
	struct vpr_gcov_function *out;
	struct vpr_gcov_counters *kinds;
	unsigned char *name;

	if (size > UINT32_MAX)
		return;
	if (!gsec || sizeof *gsec + gsec->used + size > gsec_size) {
		uint64_t want = size + sizeof *gsec > GCOV_SECTION_SIZE
		              ? size + sizeof *gsec : GCOV_SECTION_SIZE;
		gsec = rt_section_alloc(VPR_SEC_GCOV, want, &gsec_size);
		if (!gsec)
			return;
	}
	r = (struct vpr_gcov_object *)((unsigned char *)(gsec + 1) + gsec->used);
	r->record_size = (uint32_t)size;
	r->arcs_id = arcs_id;
	r->version = info_u32(u->info, 0);
	r->stamp = info_u32(u->info, OFF_STAMP);
	r->checksum = u->lay->has_checksum ? info_u32(u->info, OFF_CHECKSUM) : 0;
	r->n_functions = nf;
	r->counter_mask = mask;
	r->filename_len = (uint16_t)name_len;
	r->flags = n_other ? VPR_GCOV_HAS_KINDS : 0;
	out = (struct vpr_gcov_function *)(r + 1);
	kinds = (struct vpr_gcov_counters *)(out + nf);
	for (i = 0; i < nf; i++) {
		const struct gcov_fn_info *fn = function(u, i);
		struct vpr_gcov_counters *k = kinds + (uint64_t)i * n_other;
		unsigned c;
		if (!fn) {
			/* Dropped COMDAT copy: libgcov writes an empty FUNCTION. */
			out[i] = (struct vpr_gcov_function){0, 0, 0, 0, UINT64_MAX};
			for (c = 0; c < n_other; c++)
				k[c] = (struct vpr_gcov_counters){0, 0, UINT64_MAX};
			continue;
		}
		out[i].ident = fn->ident;
		out[i].lineno_checksum = fn->lineno_checksum;
		out[i].cfg_checksum = fn->cfg_checksum;
		out[i].n_arcs = (mask & 1u) ? fn->ctrs[0].num : 0;
		out[i].arcs_offset = base && out[i].n_arcs
		                   ? (uintptr_t)fn->ctrs[0].values - base : 0;
		for (c = 0; c < n_other; c++) {
			const struct gcov_ctr_info *ctr = &fn->ctrs[c + (mask & 1u)];
			k[c] = (struct vpr_gcov_counters){ctr->num, 0,
			                                  base && ctr->num
			                                  ? (uintptr_t)ctr->values - base : 0};
		}
	}
	if (!base) {
		struct record_fill fill = {out, kinds, n_other, mask & 1u};
		each_packed(u, fill_packed, &fill);
	}
	name = (unsigned char *)(kinds + (uint64_t)nf * n_other);
	memcpy(name, filename ? filename : "", name_len);
	memset(name + name_len, 0, (size_t)((unsigned char *)r + size - (name + name_len)));
	gsec->used += size;
	__atomic_thread_fence(__ATOMIC_RELEASE);
	gsec->n_records++;
}

/*
 * A gcov_info of a version we cannot read: a loss, counted; the one loss
 * line (rt_g.reported, shared with rt_report_once) names the object,
 * escaped, and the version.
 */
static void report_version(uint32_t version, const char *object)
{
	static const char hex[] = "0123456789abcdef";
	char line[VPR_PATH_MAX + 160];
	size_t n;
	int i;

	rt_g.hdr->lost_sections++;
	if (__atomic_exchange_n(&rt_g.reported, 1, __ATOMIC_ACQ_REL))
		return;
	n = rt_strlcpy(line, "vitprof: ", sizeof line);
	n = rt_append_escaped(line, n, sizeof line - 128, object);
	n += rt_strlcpy(line + n, ": gcov version 0x", sizeof line - n);
	for (i = 28; i >= 0; i -= 4)
		line[n++] = hex[(version >> i) & 0xfu];
	line[n++] = ' ';
	line[n++] = '(';
	line[n++] = '\'';
	for (i = 24; i >= 0; i -= 8) {
		unsigned char c = (unsigned char)(version >> i);
		line[n++] = c >= 0x20 && c < 0x7f ? (char)c : '?';
	}
	line[n++] = '\'';
	line[n++] = ')';
	n += rt_strlcpy(line + n, " not supported; its counters are not recorded\n",
	                sizeof line - n);
	while (n) {
		ssize_t w = write(2, line, n);
		if (w <= 0)
			break;
		n -= (size_t)w;
	}
}

/* Registers one gcov_info of layout lay (NULL: a version we cannot read).
 * Caller holds rt_g.lock. */
static void register_as(struct gcov_info *gi, const struct rt_gcov_layout *lay,
                        uintptr_t where)
{
	struct find_ctx f;
	struct object *o;
	struct unit *u;
	size_t i;

	validate_objects();
	if (lay && info_ptr(gi, OFF_NEXT) == &registered_mark) {
		for (i = 0; i < n_units; i++)
			if (units[i].live && units[i].info == gi)
				return;      /* __gcov_init twice: once is enough */
	}
	for (i = 0; i < n_units; i++)
		if (units[i].live && units[i].info == gi && units[i].obj != SIZE_MAX)
			object_retire(&objects[units[i].obj]);   /* loaded anew */
	o = object_for(where, &f);
	if (!lay) {
		if (!f.found)
			find_object(where, &f);
		report_version(info_u32(gi, 0), shown_name(&f));
		return;
	}
	if (grow((void **)&units, n_units, &cap_units, sizeof *units) != 0) {
		rt_g.hdr->lost_sections++;
		return;
	}
	u = &units[n_units];
	memset(u, 0, sizeof *u);
	u->info = gi;
	u->lay = lay;
	u->obj = o ? (size_t)(o - objects) : SIZE_MAX;
	if (n_functions(u) == 0)
		return;
	if (o && o->probed == 0) {
		if (!f.found)
			find_object(where, &f);
		o->probed = f.found && probe_arcs_section(&f, &o->arcs_lo, &o->arcs_hi) == 0
		          ? 1 : -1;
		if (o->probed < 0)
			rt_log("no usable " ARCS_SECTION_NAME " section, gcov counters copied:",
			       shown_name(&f));
	}
	if (o && o->probed == 1 && !o->arcs && counters_inside(u, o->arcs_lo, o->arcs_hi)) {
		if (!f.found)
			find_object(where, &f);
		if (map_in_place(o, shown_name(&f)) != 0)
			o->probed = -1;
	}
	if (o && o->arcs && counters_inside(u, o->arcs_lo, o->arcs_hi))
		record_unit(u, o->arcs->arcs_id, o->arcs_lo);
	else if (make_copy_section(u) == 0)
		record_unit(u, u->copy->arcs_id, 0);
	else
		return;
	if (u->copy)
		n_copy_units++;
	rt_values_reserve(topn_sites(u) * VPR_TOPN_MAX);
	{
		const void *mark = &registered_mark;
		memcpy((unsigned char *)gi + OFF_NEXT, &mark, sizeof mark);  /* as libgcov */
	}
	u->live = 1;
	n_units++;
}

void rt_gcov_register(struct gcov_info *gi, const struct rt_gcov_layout *lay,
                      const void *in_object)
{
	if (gi && lay && in_object)
		register_as(gi, lay, (uintptr_t)in_object);
}

/* __gcov_init(info): registers a GCC unit, its layout told by its version
 * word. Caller holds rt_g.lock. */
void rt_gcov_init_unit(struct gcov_info *info)
{
	register_as(info, layout_for(info_u32(info, 0)), (uintptr_t)info);
}

/* ---- shared with the entry points (caller holds rt_g.lock) ---------------- */

/* Copies every copy-mode unit into the file. */
void rt_gcov_flush(void)
{
	size_t i;

	validate_objects();
	for (i = 0; n_copy_units && i < n_units; i++)
		if (units[i].live && units[i].copy)
			copy_unit(&units[i]);
}

/* Zeroes every counter, in memory and (copy mode) in the file. */
void rt_gcov_reset(void)
{
	size_t i;

	validate_objects();
	for (i = 0; i < n_units; i++) {
		if (!units[i].live)
			continue;
		zero_unit(&units[i]);
		if (units[i].copy)
			copy_unit(&units[i]);
	}
}

/* Before fork and before the file moves: forget unloaded objects. */
void rt_gcov_validate(void)
{
	validate_objects();
}

/*
 * In a fork child, after every section moved to the child's file: in-place
 * counters are already zero pages of that file; copy-mode ones still hold
 * the parent's counts in memory, which belong to the parent.
 */
void rt_gcov_after_fork_child(void)
{
	size_t i;

	for (i = 0; i < n_units; i++)
		if (units[i].live && units[i].copy)
			zero_unit(&units[i]);
	rt_values_after_fork_child();
}
