/* SPDX-License-Identifier: MIT */
/*
 * dwarf_precheck.c - checks, before libdwarf reads them, the DWARF bytes
 * that libdwarf (the 20210528 release this is built against) does not
 * survive when they are corrupt; libdwarf refuses every other corruption
 * itself, with an error.
 *  - A range list table (.debug_rnglists, and .debug_rnglists.dwo of split
 *    DWARF) whose header has a bad length, version or address size makes
 *    libdwarf's loader free memory twice: every table header is walked
 *    here.
 *  - A DWARF 5 line table whose file entry names directory N of N (one
 *    past the last) makes dwarf_srcfiles() read past its directory array.
 *    Line table headers are found through the units (DW_AT_stmt_list), so
 *    they are checked while indexing: sym_line_header_check()
 *    (dwarf_line_guard.c) on the .debug_line bytes kept in the guard.
 * Section names and contents are read from the file as libdwarf reads
 * them, whatever the section types say, inflated as libdwarf inflates them
 * (SHF_COMPRESSED and the legacy .zdebug_ form). Relocations of these
 * sections (only relocatable objects have them) are refused: libdwarf
 * would apply them after the check. An object that fails is treated as
 * having unreadable DWARF (symbol tables only). One input of each kind
 * refused here is kept under tests/fuzz/regressions/symbolizer/.
 */
#include "symbolizer_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/*
 * Walks the table headers of the range list section name (d, size bytes):
 * unit length within the section, version 5, the object's address size,
 * the offset array within the table. Returns 0, or -1 with the reason.
 */
static int check_rnglists(const char *name, const unsigned char *d,
                          size_t size, int big, unsigned addr_size, char *why,
                          size_t whylen)
{
	size_t off = 0;

	while (off < size) {
		uint64_t len, count;
		unsigned osz = 4, hdr = 4;
		const unsigned char *u;

		if (size - off < 4)
			goto bad;
		len = sym_get_uint(d + off, 4, big);
		if (len == 0xffffffffu) {
			if (size - off < 12)
				goto bad;
			len = sym_get_uint(d + off + 4, 8, big);
			osz = 8;
			hdr = 12;
		} else if (len >= 0xfffffff0u) {
			goto bad;
		}
		if (len < 8 || len > size - off - hdr)
			goto bad;
		u = d + off + hdr;
		count = sym_get_uint(u + 4, 4, big);
		if (sym_get_uint(u, 2, big) != 5 || u[2] != addr_size ||
		    count > (len - 8) / osz)
			goto bad;
		off += hdr + len;
	}
	return 0;
bad:
	snprintf(why, whylen, "corrupt %s table at offset 0x%zx", name, off);
	return -1;
}

enum checked { NOT_CHECKED, RNGLISTS, LINE };

/* What the check does with a section named name; *legacy says whether it
 * is a .zdebug_ one (libdwarf inflates those itself). */
static enum checked classify(const char *name, int *legacy)
{
	*legacy = strncmp(name, ".zdebug_", 8) == 0;
	if (*legacy)
		name += 2; /* ".zdebug_x" -> "debug_x": compare from "debug_" */
	else if (name[0] == '.')
		name += 1;
	else
		return NOT_CHECKED;
	if (strcmp(name, "debug_rnglists") == 0 ||
	    strcmp(name, "debug_rnglists.dwo") == 0)
		return RNGLISTS;
	if (strcmp(name, "debug_line") == 0)
		return LINE;
	return NOT_CHECKED;
}

/* A section's bytes, owned (malloc). */
struct bytes {
	unsigned char *p;
	size_t n;
};

/* Reads the n bytes at off of fd into b. Returns 0, or -1 when they do not
 * lie within the file or cannot be read. */
static int read_file_bytes(int fd, uint64_t off, uint64_t n, struct bytes *b)
{
	struct stat st;
	size_t done = 0;

	if (fstat(fd, &st) != 0 || st.st_size < 0 || off > (uint64_t)st.st_size ||
	    n > (uint64_t)st.st_size - off || n > SIZE_MAX ||
	    !(b->p = malloc(n ? (size_t)n : 1)))
		return -1;
	while (done < n) {
		ssize_t r = pread(fd, b->p + done, (size_t)n - done,
		                  (off_t)(off + done));
		if (r <= 0)
			return -1;
		done += (size_t)r;
	}
	b->n = (size_t)n;
	return 0;
}

/*
 * The name at offset off of the section name table (read from the file as
 * libdwarf reads it, whatever the table's type: libelf's elf_strptr()
 * only reads a well-formed SHT_STRTAB). NULL when off is not the start of a
 * string.
 */
static const char *section_name(const struct bytes *names, uint64_t off)
{
	const char *base;

	if (!names->p || off >= names->n)
		return NULL;
	base = (const char *)names->p + off;
	return memchr(base, '\0', names->n - off) ? base : NULL;
}

/* 1 if the section (header sh, name) relocates a checked section, by its
 * name or by its target (sh_info). */
static int relocates_checked(Elf *elf, const struct bytes *names,
                             const GElf_Shdr *sh, const char *name)
{
	Elf_Scn *target;
	GElf_Shdr th;
	const char *tname;
	int legacy;

	if (strncmp(name, ".rela.", 6) == 0 && classify(name + 5, &legacy))
		return 1;
	if (strncmp(name, ".rel.", 5) == 0 && classify(name + 4, &legacy))
		return 1;
	if (sh->sh_type != SHT_REL && sh->sh_type != SHT_RELA)
		return 0;
	target = elf_getscn(elf, sh->sh_info);
	return target && gelf_getshdr(target, &th) &&
	       (tname = section_name(names, th.sh_name)) && classify(tname, &legacy);
}

/* The contents of section scn (header sh, name) as libdwarf sees them:
 * inflated when compressed, else read from the file. Returns 0, or -1
 * with the reason in why. */
static int section_bytes(Elf_Scn *scn, int fd, const GElf_Shdr *sh,
                         const char *name, int legacy, struct bytes *b,
                         char *why, size_t whylen)
{
	Elf_Data *data;
	int rc;

	if (sh->sh_type == SHT_NOBITS) {
		snprintf(why, whylen, "%s has no contents (SHT_NOBITS)", name);
		return -1;
	}
	if (!legacy && !(sh->sh_flags & SHF_COMPRESSED)) {
		if (read_file_bytes(fd, sh->sh_offset, sh->sh_size, b) == 0)
			return 0;
		snprintf(why, whylen, "cannot read %s", name);
		return -1;
	}
	rc = legacy ? elf_compress_gnu(scn, 0, 0) : elf_compress(scn, 0, 0);
	if (rc < 0 || !(data = elf_getdata(scn, NULL)) ||
	    (!data->d_buf && data->d_size) ||
	    !(b->p = malloc(data->d_size ? data->d_size : 1))) {
		snprintf(why, whylen, "cannot decompress %s: %s", name, elf_errmsg(-1));
		return -1;
	}
	if (data->d_size)
		memcpy(b->p, data->d_buf, data->d_size);
	b->n = data->d_size;
	return 0;
}

/* Checks one section (scn, header sh, name) of kind k; a .debug_line goes
 * into the guard. Returns 0 / -1 with the reason. */
static int check_section(Elf_Scn *scn, int fd, const GElf_Ehdr *eh,
                         const GElf_Shdr *sh, const char *name,
                         enum checked k, int legacy,
                         struct sym_dwarf_guard *g, char *why, size_t whylen)
{
	struct bytes b = {0};
	int big = eh->e_ident[EI_DATA] == ELFDATA2MSB;

	if (k == LINE && g->line) {
		snprintf(why, whylen, "more than one line table section (%s)", name);
		return -1;
	}
	if (section_bytes(scn, fd, sh, name, legacy, &b, why, whylen) < 0) {
		free(b.p);
		return -1;
	}
	if (k == LINE) {
		g->line = b.p;
		g->nline = b.n;
		g->big = big;
		return 0;
	}
	if (check_rnglists(name, b.p, b.n, big,
	                   eh->e_ident[EI_CLASS] == ELFCLASS64 ? 8 : 4, why,
	                   whylen) < 0) {
		free(b.p);
		return -1;
	}
	free(b.p);
	return 0;
}

int sym_dwarf_precheck(Elf *elf, int fd, struct sym_dwarf_guard *g, char *why,
                       size_t whylen)
{
	struct bytes names = {0};
	Elf_Scn *scn = NULL;
	GElf_Shdr nsh;
	GElf_Ehdr eh;
	size_t shstr;
	int ret = 0;

	*g = (struct sym_dwarf_guard){0};
	if (!gelf_getehdr(elf, &eh) || elf_getshdrstrndx(elf, &shstr) != 0 ||
	    !(scn = elf_getscn(elf, shstr)) || !gelf_getshdr(scn, &nsh) ||
	    nsh.sh_type == SHT_NOBITS ||
	    read_file_bytes(fd, nsh.sh_offset, nsh.sh_size, &names) < 0) {
		free(names.p);
		return 0; /* libdwarf finds no named sections either */
	}
	scn = NULL;
	while (ret == 0 && (scn = elf_nextscn(elf, scn)) != NULL) {
		GElf_Shdr sh;
		const char *name;
		enum checked k;
		int legacy;

		if (!gelf_getshdr(scn, &sh) ||
		    !(name = section_name(&names, sh.sh_name)))
			continue;
		if (relocates_checked(elf, &names, &sh, name)) {
			snprintf(why, whylen,
			         "relocations of debug sections (%s) are not supported",
			         name);
			ret = -1;
		} else if ((k = classify(name, &legacy)) != NOT_CHECKED) {
			ret = check_section(scn, fd, &eh, &sh, name, k, legacy, g, why,
			                    whylen);
		}
	}
	free(names.p);
	if (ret < 0)
		sym_dwarf_guard_free(g);
	return ret;
}

void sym_dwarf_guard_free(struct sym_dwarf_guard *g)
{
	free(g->line);
	*g = (struct sym_dwarf_guard){0};
}
