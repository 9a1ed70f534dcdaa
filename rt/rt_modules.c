/* SPDX-License-Identifier: MIT */
/*
 * rt_modules.c - records every loaded object (executable, shared libraries,
 * dlopen()ed ones) with its path, load bias, address range and GNU
 * build-id, so the tool can symbolize PIE and library addresses offline
 * and tell when the binary on disk is not the one that ran.
 *
 * Objects are found with dl_iterate_phdr() at start and again whenever a
 * new call edge has an address outside every known object (a library was
 * dlopen()ed since). The known ranges are published lock-free for that
 * check; recording takes rt_g.lock.
 *
 * One record, one load. Call edges are keyed by runtime addresses, so the
 * addresses of a load must never be given to another one: a library loaded
 * where a dlclose()d one was would have its calls added to the old one's
 * (a call from one site to one address is one key) and would never be
 * recorded (its range is known). So dlclose() is wrapped: once the loader
 * has unloaded an object any of whose addresses an edge holds, its range is
 * reserved (an inaccessible anonymous mapping, address space only) for the
 * rest of the process, and a later load, of the same library or another,
 * goes elsewhere and gets its own record (the tool sums the records of one
 * object under one name). Nothing is done on the hot path. When the range
 * cannot be reserved (a dlclose() the wrapper does not see, the range taken
 * already, too many objects) it is forgotten as a known range, and an
 * object found at the same place later is recorded anew (the tool credits
 * the later record with the addresses, docs/raw-format.md).
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <elf.h>
#include <errno.h>
#include <link.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <unistd.h>

#include "rt_internal.h"

#define MAX_RANGES 1024u
/* One page holds some 30 records (a new section is chained when full).
 * Small, so that on a nearly full disk the modules section, the first one
 * a run needs, fits wherever a thread's first table does: a profile with
 * tables but no module records names every function by a bare address. */
#define MODULES_SECTION_SIZE 4096u

/* A known object. used and dead are written with relaxed atomic stores
 * (readers may be in other threads' slow paths). */
struct range {
	uintptr_t lo, hi;
	uintptr_t bias;             /* load bias */
	const char *path;           /* the record's path, or NULL */
	unsigned char used;         /* an edge has an address in it */
	unsigned char dead;         /* 0 loaded, else RANGE_*: not a known range */
};

#define RANGE_UNLOADED 1u           /* a later object may load there */
#define RANGE_KEPT 2u               /* reserved: no object loads there again */

static struct range ranges[MAX_RANGES];
static unsigned n_ranges;           /* published with release stores */
static unsigned long long seen_adds;
static unsigned long long seen_subs;
static unsigned char present[MAX_RANGES];   /* scratch of after_dlclose() */
static struct vpr_modules *msec;
static uint64_t msec_size;
static uint32_t next_id;
static int first_object;

static RT_TLS unsigned tls_last_range;

/*
 * Copies the NT_GNU_BUILD_ID of a loaded object out of its PT_NOTEs into
 * out (VPR_BUILD_ID_MAX bytes). Returns its length, 0 when it has none.
 */
unsigned rt_module_build_id(const struct dl_phdr_info *info, uint8_t *out)
{
	int i;

	for (i = 0; i < info->dlpi_phnum; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
		const unsigned char *p, *end;

		if (ph->p_type != PT_NOTE)
			continue;
		p = (const unsigned char *)(info->dlpi_addr + ph->p_vaddr);
		end = p + ph->p_memsz;
		while (p + sizeof(ElfW(Nhdr)) <= end) {
			const ElfW(Nhdr) *n = (const ElfW(Nhdr) *)p;
			const unsigned char *name = p + sizeof *n;
			const unsigned char *desc = name + ((n->n_namesz + 3u) & ~3u);
			if (desc + n->n_descsz > end)
				break;
			if (n->n_type == NT_GNU_BUILD_ID && n->n_namesz == 4 &&
			    memcmp(name, "GNU", 4) == 0) {
				unsigned len = n->n_descsz < VPR_BUILD_ID_MAX
				             ? n->n_descsz : VPR_BUILD_ID_MAX;
				memcpy(out, desc, len);
				return len;
			}
			p = desc + ((n->n_descsz + 3u) & ~3u);
		}
	}
	return 0;
}

static int range_dead(unsigned i)
{
	return __atomic_load_n(&ranges[i].dead, __ATOMIC_RELAXED);
}

static int range_known(uintptr_t lo)
{
	unsigned i, n = __atomic_load_n(&n_ranges, __ATOMIC_ACQUIRE);

	for (i = 0; i < n; i++)
		if (ranges[i].lo == lo && !range_dead(i))
			return 1;
	return 0;
}

/* Appends one module record to the modules section (a new one when full).
 * Returns the record's path, or NULL when it could not be written. */
static const char *record_module(const struct dl_phdr_info *info, uintptr_t lo,
                                 uintptr_t hi, const char *path)
{
	size_t path_len = strlen(path);
	uint32_t size = (uint32_t)((sizeof(struct vpr_module_record) + path_len + 1 + 7) & ~7u);
	struct vpr_module_record *r;

	if (!msec || sizeof *msec + msec->used + size > msec_size) {
		uint64_t want = size + sizeof *msec > MODULES_SECTION_SIZE
		              ? size + sizeof *msec : MODULES_SECTION_SIZE;
		msec = rt_section_alloc(VPR_SEC_MODULES, want, &msec_size);
		if (!msec)
			return NULL;
	}
	r = (struct vpr_module_record *)((unsigned char *)(msec + 1) + msec->used);
	r->record_size = size;
	r->id = next_id++;
	r->load_bias = info->dlpi_addr;
	r->lo = lo;
	r->hi = hi;
	r->build_id_len = (uint8_t)rt_module_build_id(info, r->build_id);
	r->path_len = (uint16_t)path_len;
	memcpy(r->path, path, path_len + 1);
	msec->used += size;
	__atomic_thread_fence(__ATOMIC_RELEASE);
	msec->n_records++;
	rt_log("recorded module", path);
	return r->path;
}

static int scan_one(struct dl_phdr_info *info, size_t size, void *arg)
{
	uintptr_t lo = UINTPTR_MAX, hi = 0;
	char path[VPR_PATH_MAX];
	const char *name = info->dlpi_name;
	int i, is_main = first_object;

	first_object = 0;
	if (is_main && info->dlpi_adds == seen_adds)
		return 1;           /* nothing loaded since the last scan */
	if (is_main)
		seen_adds = info->dlpi_adds;
	for (i = 0; i < info->dlpi_phnum; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
		if (ph->p_type != PT_LOAD)
			continue;
		if (info->dlpi_addr + ph->p_vaddr < lo)
			lo = info->dlpi_addr + ph->p_vaddr;
		if (info->dlpi_addr + ph->p_vaddr + ph->p_memsz > hi)
			hi = info->dlpi_addr + ph->p_vaddr + ph->p_memsz;
	}
	if (hi == 0 || lo == getauxval(AT_SYSINFO_EHDR) || range_known(lo))
		return 0;           /* no code, the vDSO, or known */
	if (is_main && (!name || !*name)) {
		name = rt_g.hdr->exe_path;
	} else if (name && *name && name[0] != '/') {
		size_t n;
		if (!getcwd(path, sizeof path))
			path[0] = '\0';
		n = strlen(path);
		if (n + 1 + strlen(name) < sizeof path) {
			path[n] = '/';
			strcpy(path + n + 1, name);
			name = path;
		}
	}
	if (!name || !*name)
		return 0;
	name = record_module(info, lo, hi, name);
	if (n_ranges < MAX_RANGES) {
		ranges[n_ranges].lo = lo;
		ranges[n_ranges].hi = hi;
		ranges[n_ranges].bias = info->dlpi_addr;
		ranges[n_ranges].path = name;
		__atomic_store_n(&n_ranges, n_ranges + 1, __ATOMIC_RELEASE);
	}
	return 0;
}

static void forget_unloaded(void);

/* Walks the loaded objects and records new ones (and notices unloaded
 * ones, for a dlclose() the wrapper did not see). Caller holds rt_g.lock. */
static void scan(void)
{
	forget_unloaded();
	first_object = 1;
	dl_iterate_phdr(scan_one, NULL);
}

void rt_modules_init(void)
{
	pthread_mutex_lock(&rt_g.lock);
	scan();
	pthread_mutex_unlock(&rt_g.lock);
}

/* addr is in known range i: notes that an edge uses the range. */
static inline void range_use(unsigned i)
{
	if (!__atomic_load_n(&ranges[i].used, __ATOMIC_RELAXED))
		__atomic_store_n(&ranges[i].used, 1, __ATOMIC_RELAXED);
}

/*
 * Makes sure the object holding addr is recorded (called for each new call
 * edge). Lock-free when addr is in a known object.
 */
void rt_module_check(uintptr_t addr)
{
	unsigned i, n = __atomic_load_n(&n_ranges, __ATOMIC_ACQUIRE);

	i = tls_last_range;
	if (i < n && addr >= ranges[i].lo && addr < ranges[i].hi && !range_dead(i)) {
		range_use(i);
		return;
	}
	for (i = 0; i < n; i++) {
		if (addr >= ranges[i].lo && addr < ranges[i].hi && !range_dead(i)) {
			tls_last_range = i;
			range_use(i);
			return;
		}
	}
	pthread_mutex_lock(&rt_g.lock);
	scan();
	pthread_mutex_unlock(&rt_g.lock);
	/* The range is marked used by the next new edge in it; mark it now,
	 * or a library whose only edges are this one would not be kept. */
	n = __atomic_load_n(&n_ranges, __ATOMIC_ACQUIRE);
	for (i = 0; i < n; i++)
		if (addr >= ranges[i].lo && addr < ranges[i].hi && !range_dead(i))
			range_use(i);
}

int rt_module_find(uintptr_t addr, const char **path, uintptr_t *bias)
{
	unsigned i, n = __atomic_load_n(&n_ranges, __ATOMIC_ACQUIRE);

	for (i = 0; i < n; i++) {
		if (addr >= ranges[i].lo && addr < ranges[i].hi && !range_dead(i)) {
			*path = ranges[i].path;
			*bias = ranges[i].bias;
			return (int)i;
		}
	}
	return -1;
}

/* dl_iterate_phdr() callback: notes which known ranges are still loaded. */
static int present_one(struct dl_phdr_info *info, size_t size, void *arg)
{
	uintptr_t lo = UINTPTR_MAX;
	unsigned i;
	int k;

	(void)size;
	(void)arg;
	for (k = 0; k < info->dlpi_phnum; k++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[k];
		if (ph->p_type == PT_LOAD && info->dlpi_addr + ph->p_vaddr < lo)
			lo = info->dlpi_addr + ph->p_vaddr;
	}
	for (i = 0; i < n_ranges; i++)
		if (ranges[i].lo == lo)
			present[i] = 1;
	return 0;
}

/* Reserves [lo, hi) (page-rounded) for good: 0, or -1 when it is taken. */
static int reserve(uintptr_t lo, uintptr_t hi)
{
	uintptr_t page = rt_g.page_size ? rt_g.page_size : 4096;
	uintptr_t a = lo & ~(page - 1), e = (hi + page - 1) & ~(page - 1);
	void *p;

	/* MAP_FIXED_NOREPLACE fails when any page is mapped; a kernel older
	 * than 4.17 takes it as a hint, and may map elsewhere. */
	p = mmap((void *)a, e - a, PROT_NONE,
	         MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED_NOREPLACE, -1, 0);
	if (p == MAP_FAILED)
		return -1;
	if (p != (void *)a) {
		munmap(p, e - a);
		return -1;
	}
	return 0;
}

static int subs_of(struct dl_phdr_info *info, size_t size, void *arg)
{
	(void)size;
	*(unsigned long long *)arg = info->dlpi_subs;
	return 1;
}

/*
 * The known objects the loader has unloaded since the last call are no
 * longer known; the ranges of those an edge uses are reserved (see the
 * top). Cheap when nothing was unloaded. Caller holds rt_g.lock.
 */
static void forget_unloaded(void)
{
	unsigned long long subs = 0;
	unsigned i, n = n_ranges;

	dl_iterate_phdr(subs_of, &subs);
	if (subs == seen_subs)
		return;
	seen_subs = subs;
	memset(present, 0, n);
	dl_iterate_phdr(present_one, NULL);
	for (i = 0; i < n; i++) {
		if (present[i] || ranges[i].dead)
			continue;
		if (ranges[i].used && reserve(ranges[i].lo, ranges[i].hi) == 0) {
			/* Nothing runs or loads there again. */
			__atomic_store_n(&ranges[i].dead, RANGE_KEPT, __ATOMIC_RELAXED);
			rt_log("a library was unloaded; its addresses are kept from"
			       " later loads", NULL);
			continue;
		}
		__atomic_store_n(&ranges[i].dead, RANGE_UNLOADED, __ATOMIC_RELAXED);
		if (ranges[i].used)
			rt_log("a library was unloaded; its addresses could not be"
			       " kept from later loads", NULL);
	}
}

/* After the real dlclose(), outside every hook. */
static void after_dlclose(void)
{
	int saved = errno, busy = rt_tls.busy;

	rt_tls.busy = 1;        /* no hook of this thread takes the lock now */
	pthread_mutex_lock(&rt_g.lock);
	forget_unloaded();
	pthread_mutex_unlock(&rt_g.lock);
	rt_tls.busy = busy;
	errno = saved;
}

/*
 * The program's dlclose() (exported by the shared runtime; the static one
 * defines it in the executable, for the executable's own calls): the real
 * one, then after_dlclose(). Where the real one cannot be found (a static
 * executable) the library is left loaded, which dlclose() may always do.
 */
int dlclose(void *handle) __attribute__((visibility("default")));
int dlclose(void *handle)
{
	static int (*real)(void *);
	int (*fn)(void *) = __atomic_load_n(&real, __ATOMIC_ACQUIRE);
	int rc;

	if (!fn) {
		fn = (int (*)(void *))dlsym(RTLD_NEXT, "dlclose");
		if (!fn)
			return 0;
		__atomic_store_n(&real, fn, __ATOMIC_RELEASE);
	}
	rc = fn(handle);
	if (rc == 0 && __atomic_load_n(&rt_g.ready, __ATOMIC_ACQUIRE))
		after_dlclose();
	return rc;
}
