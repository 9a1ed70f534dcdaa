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
 */
#define _GNU_SOURCE
#include <elf.h>
#include <link.h>
#include <string.h>
#include <sys/auxv.h>
#include <unistd.h>

#include "rt_internal.h"

#define MAX_RANGES 1024u
/* One page holds some 30 records (a new section is chained when full).
 * Small on purpose: the modules section is the first one a run needs, and
 * on a nearly full disk a 64 KiB one did not fit where a thread's table
 * still did, leaving a profile whose every function was a bare address
 * (faults.disk_full). */
#define MODULES_SECTION_SIZE 4096u

struct range {
	uintptr_t lo, hi;
};

static struct range ranges[MAX_RANGES];
static unsigned n_ranges;           /* published with release stores */
static unsigned long long seen_adds;
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

static int range_known(uintptr_t lo)
{
	unsigned i, n = __atomic_load_n(&n_ranges, __ATOMIC_ACQUIRE);

	for (i = 0; i < n; i++)
		if (ranges[i].lo == lo)
			return 1;
	return 0;
}

/* Appends one module record to the modules section (a new one when full). */
static void record_module(const struct dl_phdr_info *info, uintptr_t lo,
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
			return;
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
	record_module(info, lo, hi, name);
	if (n_ranges < MAX_RANGES) {
		ranges[n_ranges].lo = lo;
		ranges[n_ranges].hi = hi;
		__atomic_store_n(&n_ranges, n_ranges + 1, __ATOMIC_RELEASE);
	}
	return 0;
}

/* Walks the loaded objects and records new ones. Caller holds rt_g.lock. */
static void scan(void)
{
	first_object = 1;
	dl_iterate_phdr(scan_one, NULL);
}

void rt_modules_init(void)
{
	pthread_mutex_lock(&rt_g.lock);
	scan();
	pthread_mutex_unlock(&rt_g.lock);
}

/*
 * Makes sure the object holding addr is recorded (called for each new call
 * edge). Lock-free when addr is in a known object.
 */
void rt_module_check(uintptr_t addr)
{
	unsigned i, n = __atomic_load_n(&n_ranges, __ATOMIC_ACQUIRE);

	if (tls_last_range < n && addr >= ranges[tls_last_range].lo &&
	    addr < ranges[tls_last_range].hi)
		return;
	for (i = 0; i < n; i++) {
		if (addr >= ranges[i].lo && addr < ranges[i].hi) {
			tls_last_range = i;
			return;
		}
	}
	pthread_mutex_lock(&rt_g.lock);
	scan();
	pthread_mutex_unlock(&rt_g.lock);
}
