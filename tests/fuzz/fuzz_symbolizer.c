/* SPDX-License-Identifier: MIT */
/*
 * fuzz_symbolizer.c - libFuzzer harness of the symbolizer (symbolizer/):
 * the ELF object `vitprof show/export/report` open for every module of a
 * profile. The input is written to a memfd and opened by its
 * /proc/self/fd path, as the tool opens a recorded binary path:
 *   sym_read_build_id(), then sym_module_open() expecting a different
 *   build-id (must be refused), then expecting the one read;
 *   on success sym_lookup_function() and sym_lookup_location() at
 *   addresses taken from what was indexed (every function's entry, middle,
 *   last byte and end; line-table rows) and at a few fixed ones;
 *   then sym_obj_refs_read() (relocatable objects: references to data
 *   symbols and their lines, through this reader's own .debug_line
 *   parser).
 * Beyond what ASan/UBSan/libFuzzer catch, the harness aborts when the
 * interface contract is broken: a failed open must leave a non-empty
 * one-line reason naming the file; a lookup must not return more frames
 * than asked; every returned string must be readable. docs/fuzzing.md.
 */
#define _GNU_SOURCE
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "symbolizer_internal.h"

#define MAX_PROBED_FUNCS 512  /* bounds the time per input */
#define MAX_PROBED_LINES 1024
#define MAX_FRAMES 8

static int elf_fd = -1;
static char elf_path[64];
static volatile size_t sink; /* keeps the string reads */

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	elf_fd = memfd_create("fuzz-elf", MFD_CLOEXEC);
	if (elf_fd < 0) {
		perror("fuzz_symbolizer: memfd_create");
		abort();
	}
	snprintf(elf_path, sizeof elf_path, "/proc/self/fd/%d", elf_fd);
	return 0;
}

/* The memfd holds exactly data[0..size). */
static void put_input(const uint8_t *data, size_t size)
{
	size_t done = 0;

	if (ftruncate(elf_fd, 0) != 0)
		abort();
	while (done < size) {
		ssize_t n = pwrite(elf_fd, data + done, size - done, (off_t)done);
		if (n <= 0)
			abort();
		done += (size_t)n;
	}
}

/* Reads every byte of s (ASan checks it lies in live memory). */
static void touch(const char *s)
{
	if (s)
		sink += strlen(s);
}

/* A failed or degraded open must say why in one line naming the file. */
static void check_reason(const char *err)
{
	if (err[0] == '\0' || strncmp(err, elf_path, strlen(elf_path)) != 0 ||
	    strchr(err, '\n')) {
		fprintf(stderr, "fuzz_symbolizer: bad reason \"%s\"\n", err);
		abort();
	}
}

static void probe(struct sym_module *m, uint64_t vaddr)
{
	struct sym_frame frames[MAX_FRAMES];
	struct sym_function f;
	int n, i;

	if (sym_lookup_function(m, vaddr, &f) == 0) {
		touch(f.name);
		touch(f.linkage_name);
		touch(f.file);
	}
	n = sym_lookup_location(m, vaddr, frames, MAX_FRAMES);
	if (n < 0 || n > MAX_FRAMES)
		abort();
	for (i = 0; i < n; i++) {
		touch(frames[i].function);
		touch(frames[i].file);
	}
	if (sym_lookup_location(m, vaddr, frames, 1) > 1)
		abort();
}

static void probe_module(struct sym_module *m)
{
	static const uint64_t fixed[] = {0, 1, 0x400000, 0x1000, UINT64_MAX - 1,
	                                 UINT64_MAX};
	size_t i, step;

	(void)sym_module_has_dwarf(m);
	for (i = 0; i < sizeof fixed / sizeof fixed[0]; i++)
		probe(m, fixed[i]);
	step = m->nfuncs / MAX_PROBED_FUNCS + 1;
	for (i = 0; i < m->nfuncs; i += step) {
		const struct sym_function *f = &m->funcs[i];
		probe(m, f->lowpc);
		probe(m, f->lowpc + (f->highpc - f->lowpc) / 2);
		probe(m, f->highpc - 1);
		probe(m, f->highpc);
	}
	step = m->nlines / MAX_PROBED_LINES + 1;
	for (i = 0; i < m->nlines; i += step) {
		probe(m, m->lines[i].addr);
		probe(m, m->lines[i].addr - 1);
	}
	for (i = 0; i < m->ntext; i++) {
		probe(m, m->text[i].lo);
		probe(m, m->text[i].hi - 1);
	}
}

/* sym_obj_refs_read() (the lines of a .o's references to data, what
 * `vitprof export` reads beside each .gcda) with every data symbol a
 * candidate: a failure leaves a reason naming the file; every reference
 * lies within its symbol and its strings are readable. */
static void probe_obj_refs(void)
{
	char err[1024];
	const struct sym_obj_ref *v;
	struct sym_obj_refs *r;
	size_t n;

	r = sym_obj_refs_read(elf_path, "", err, sizeof err);
	if (!r) {
		check_reason(err);
		return;
	}
	v = sym_obj_refs_list(r, &n);
	for (size_t i = 0; i < n; i++) {
		if (!v[i].symbol || v[i].offset >= v[i].symbol_size)
			abort();
		sink += strlen(v[i].symbol) + (v[i].file ? strlen(v[i].file) : 0);
	}
	sym_obj_refs_free(r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t id[256];
	char err[1024];
	enum sym_status st;
	struct sym_module *m;
	int n;

	put_input(data, size);
	n = sym_read_build_id(elf_path, id, sizeof id);
	if (n > (int)sizeof id)
		abort();
	if (n > 0) {
		/* A different build-id: refused before anything is indexed
		 * (or earlier, as a corrupt object). */
		id[0] ^= 0xff;
		m = sym_module_open(elf_path, id, (size_t)n, &st, err, sizeof err);
		if (m || (st != SYM_ERR_BUILD_ID && st != SYM_ERR_NOT_ELF))
			abort();
		check_reason(err);
		id[0] ^= 0xff;
	}
	m = sym_module_open(elf_path, id, n > 0 ? (size_t)n : 0, &st, err,
	                    sizeof err);
	if (!m || st != SYM_OK)
		check_reason(err);
	if (m)
		probe_module(m);
	sym_module_close(m);
	probe_obj_refs();
	return 0;
}
