/* SPDX-License-Identifier: MIT */
/*
 * elf_module.c - opening a module: the file, its ELF headers, the build-id
 * check, then the indexes (symbol tables, DWARF); closing it.
 */
#include "symbolizer_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_BUILD_ID 256

/* Writes the one-line reason "<path>: <fmt...>" into err (if any). */
static void set_err(char *err, size_t errlen, const char *path,
                    const char *fmt, ...)
{
	va_list ap;
	int n;
	char *p;

	if (!err || errlen == 0)
		return;
	n = snprintf(err, errlen, "%s: ", path);
	if (n >= 0 && (size_t)n < errlen) {
		va_start(ap, fmt);
		vsnprintf(err + n, errlen - (size_t)n, fmt, ap);
		va_end(ap);
	}
	for (p = err; *p; p++) /* one line, whatever libraries said */
		if (*p == '\n' || *p == '\r')
			*p = ' ';
}

/* Lowercase hex of id into buf (which holds at least 2 * len + 1). */
static void hex(char *buf, const uint8_t *id, size_t len)
{
	static const char digits[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < len; i++) {
		buf[2 * i] = digits[id[i] >> 4];
		buf[2 * i + 1] = digits[id[i] & 15];
	}
	buf[2 * len] = '\0';
}

/* 1 if [off, off + size) lies within a file of fsize bytes. */
static int within(uint64_t off, uint64_t size, uint64_t fsize)
{
	return off <= fsize && size <= fsize - off;
}

/* 0 if the kind ("section" or "program") header table of n entries of
 * entsz bytes at offset off lies within a file of fsize bytes, else -1
 * with the reason in why. */
static int table_in_file(const char *kind, size_t n, uint64_t entsz,
                         uint64_t off, uint64_t fsize, char *why, size_t whylen)
{
	if (n == 0 || (n <= fsize / entsz && within(off, (uint64_t)n * entsz, fsize)))
		return 0;
	snprintf(why, whylen,
	         "its %s header table (%zu x %" PRIu64 " bytes at offset 0x%" PRIx64
	         ") ends past the end of the file (%" PRIu64 " bytes)",
	         kind, n, entsz, off, fsize);
	return -1;
}

/*
 * Checks that the object's tables lie in the file (fsize bytes): the
 * program and section header tables, and the bytes of every section.
 * libelf silently shows a header table that is cut off as an empty one, and
 * libelf and libdwarf refuse sections past the end one by one: a truncated
 * or overwritten object would look like one without symbols or build-id.
 * The counts come from the ELF header itself (libelf's only for extended
 * numbering). Returns 0, or -1 with the reason in why.
 */
static int check_layout(Elf *elf, const GElf_Ehdr *eh, uint64_t fsize,
                        char *why, size_t whylen)
{
	size_t nsh = eh->e_shnum, nph = eh->e_phnum, i;
	uint64_t shsz, phsz;

	if ((nsh == 0 && eh->e_shoff != 0 && elf_getshdrnum(elf, &nsh) != 0) ||
	    (nph == PN_XNUM && elf_getphdrnum(elf, &nph) != 0)) {
		snprintf(why, whylen, "unreadable header table counts (%s)",
		         elf_errmsg(-1));
		return -1;
	}
	if (nsh == 0 && eh->e_shoff != 0)
		nsh = 1; /* extended numbering: entry 0 must be there */
	shsz = gelf_fsize(elf, ELF_T_SHDR, 1, EV_CURRENT);
	phsz = gelf_fsize(elf, ELF_T_PHDR, 1, EV_CURRENT);
	if ((nsh && eh->e_shentsize != shsz) || (nph && eh->e_phentsize != phsz)) {
		snprintf(why, whylen,
		         "section and program header entries of %u and %u bytes "
		         "(expected %" PRIu64 " and %" PRIu64 ")",
		         (unsigned)eh->e_shentsize, (unsigned)eh->e_phentsize, shsz,
		         phsz);
		return -1;
	}
	if (table_in_file("section", nsh, shsz, eh->e_shoff, fsize, why,
	                  whylen) < 0 ||
	    table_in_file("program", nph, phsz, eh->e_phoff, fsize, why,
	                  whylen) < 0)
		return -1;
	for (i = 1; i < nsh; i++) {
		Elf_Scn *scn = elf_getscn(elf, i);
		GElf_Shdr sh;

		if (!scn || !gelf_getshdr(scn, &sh)) {
			snprintf(why, whylen, "unreadable section header %zu (%s)", i,
			         elf_errmsg(-1));
			return -1;
		}
		if (sh.sh_type != SHT_NOBITS &&
		    !within(sh.sh_offset, sh.sh_size, fsize)) {
			snprintf(why, whylen,
			         "its section %zu (0x%" PRIx64 " bytes at offset 0x%" PRIx64
			         ") ends past the end of the file (%" PRIu64 " bytes)",
			         i, (uint64_t)sh.sh_size, (uint64_t)sh.sh_offset, fsize);
			return -1;
		}
	}
	return 0;
}

/*
 * Checks the object's build-id against the expected one. Returns 0 when it
 * matches (or none is expected), else -1 with status and err set.
 */
static int check_build_id(Elf *elf, const char *path, const uint8_t *want,
                          size_t want_len, enum sym_status *st, char *err,
                          size_t errlen)
{
	uint8_t have[MAX_BUILD_ID];
	char hw[2 * MAX_BUILD_ID + 1], hh[2 * MAX_BUILD_ID + 1];
	int n;

	if (want_len == 0)
		return 0;
	n = sym_elf_build_id(elf, have, sizeof have);
	hex(hw, want, want_len < MAX_BUILD_ID ? want_len : MAX_BUILD_ID);
	*st = SYM_ERR_BUILD_ID;
	if (n < 0) {
		set_err(err, errlen, path,
		        "unreadable build-id note, cannot match the profiled "
		        "binary's %s", hw);
		return -1;
	}
	if (n == 0) {
		set_err(err, errlen, path,
		        "has no build-id, cannot match the profiled binary's %s "
		        "(the file on disk is not the one that ran)", hw);
		return -1;
	}
	if ((size_t)n != want_len || memcmp(have, want, want_len) != 0) {
		hex(hh, have, (size_t)n);
		set_err(err, errlen, path,
		        "build-id %s does not match the profiled binary's %s "
		        "(the file on disk was rebuilt since the run)", hh, hw);
		return -1;
	}
	*st = SYM_OK;
	return 0;
}

struct sym_module *sym_module_open(const char *path, const uint8_t *build_id,
                                   size_t build_id_len, enum sym_status *status,
                                   char *err, size_t errlen)
{
	struct sym_module *m = NULL;
	enum sym_status st = SYM_OK, dummy;
	char why[512];
	Elf *elf = NULL;
	GElf_Ehdr eh;
	struct sym_dwarf_guard guard;
	struct stat sb;
	int fd, dwarf_ok;

	if (!status)
		status = &dummy;
	if (err && errlen)
		err[0] = '\0';
	if (!path) {
		*status = SYM_ERR_OPEN;
		set_err(err, errlen, "(null)", "no path given");
		return NULL;
	}
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		*status = SYM_ERR_OPEN;
		set_err(err, errlen, path, "cannot open: %s", strerror(errno));
		return NULL;
	}
	elf_version(EV_CURRENT);
	elf = elf_begin(fd, ELF_C_READ, NULL);
	if (!elf || elf_kind(elf) != ELF_K_ELF) {
		st = SYM_ERR_NOT_ELF;
		set_err(err, errlen, path, "not an ELF object%s%s",
		        elf ? "" : ": ", elf ? "" : elf_errmsg(-1));
		goto fail;
	}
	if (!gelf_getehdr(elf, &eh)) {
		st = SYM_ERR_NOT_ELF;
		set_err(err, errlen, path, "corrupt ELF header: %s", elf_errmsg(-1));
		goto fail;
	}
	if (fstat(fd, &sb) != 0 ||
	    check_layout(elf, &eh, (uint64_t)sb.st_size, why, sizeof why) < 0) {
		st = SYM_ERR_NOT_ELF;
		set_err(err, errlen, path, "truncated or corrupt ELF object: %s", why);
		goto fail;
	}
	if (check_build_id(elf, path, build_id, build_id_len, &st, err, errlen) < 0)
		goto fail;

	m = calloc(1, sizeof *m);
	if (!m || !(m->path = strdup(path)) || sym_text_index(m, elf) < 0 ||
	    sym_symtab_index(m, elf) < 0) {
		st = SYM_ERR_OPEN;
		set_err(err, errlen, path, "out of memory while indexing");
		goto fail;
	}
	dwarf_ok = sym_dwarf_precheck(elf, fd, &guard, why, sizeof why) == 0;
	elf_end(elf);
	elf = NULL;

	if (!dwarf_ok || sym_dwarf_index(m, fd, &guard, why, sizeof why) < 0) {
		st = SYM_ERR_DWARF;
		set_err(err, errlen, path,
		        "unreadable DWARF (%s), using symbol table names only", why);
	}
	sym_dwarf_guard_free(&guard);
	close(fd);
	sym_strpool_seal(&m->strings);
	*status = st;
	return m;

fail:
	*status = st;
	elf_end(elf);
	close(fd);
	sym_module_close(m);
	return NULL;
}

void sym_module_close(struct sym_module *m)
{
	if (!m)
		return;
	sym_spans_free(&m->dwarf_spans);
	sym_spans_free(&m->symtab_spans);
	free(m->funcs);
	free(m->scopes);
	free(m->lines);
	free(m->text);
	sym_strpool_free(&m->strings);
	free(m->path);
	free(m);
}

int sym_module_has_dwarf(const struct sym_module *m)
{
	return m && m->has_dwarf;
}
