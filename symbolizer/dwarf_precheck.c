/* SPDX-License-Identifier: MIT */
/*
 * dwarf_precheck.c - checks, before libdwarf reads them, the DWARF bytes
 * that this libdwarf (20210528) cannot survive when corrupt: a
 * .debug_rnglists table header with a bad length, version or address size
 * makes its rnglists loader free memory twice (found by fuzzing the test
 * objects; every other debug section fails cleanly). Such an object is
 * treated as having unreadable DWARF.
 */
#include "symbolizer_internal.h"

#include <stdio.h>
#include <string.h>

/* Reads an n-byte unsigned integer in the object's byte order. */
static uint64_t get_uint(const unsigned char *p, unsigned n, int big)
{
	uint64_t v = 0;
	unsigned i;

	for (i = 0; i < n; i++)
		v |= (uint64_t)p[big ? n - 1 - i : i] << (8 * i);
	return v;
}

/*
 * Walks the table headers of a .debug_rnglists section (d, size bytes):
 * unit length within the section, version 5, the object's address size,
 * the offset array within the table. Returns 0, or -1 with the reason.
 */
static int check_rnglists(const unsigned char *d, size_t size, int big,
                          unsigned addr_size, char *why, size_t whylen)
{
	size_t off = 0;

	while (off < size) {
		uint64_t len, count;
		unsigned osz = 4, hdr = 4;
		const unsigned char *u;

		if (size - off < 4)
			goto bad;
		len = get_uint(d + off, 4, big);
		if (len == 0xffffffffu) {
			if (size - off < 12)
				goto bad;
			len = get_uint(d + off + 4, 8, big);
			osz = 8;
			hdr = 12;
		} else if (len >= 0xfffffff0u) {
			goto bad;
		}
		if (len < 8 || len > size - off - hdr)
			goto bad;
		u = d + off + hdr;
		count = get_uint(u + 4, 4, big);
		if (get_uint(u, 2, big) != 5 || u[2] != addr_size ||
		    count > (len - 8) / osz)
			goto bad;
		off += hdr + len;
	}
	return 0;
bad:
	snprintf(why, whylen, "corrupt .debug_rnglists table at offset 0x%zx", off);
	return -1;
}

int sym_dwarf_precheck(Elf *elf, char *why, size_t whylen)
{
	Elf_Scn *scn = NULL;
	GElf_Ehdr eh;
	size_t shstr;

	if (!gelf_getehdr(elf, &eh) || elf_getshdrstrndx(elf, &shstr) != 0)
		return 0; /* libdwarf finds no sections either */
	while ((scn = elf_nextscn(elf, scn)) != NULL) {
		GElf_Shdr sh;
		Elf_Data *data;
		const char *name;

		if (!gelf_getshdr(scn, &sh) ||
		    !(name = elf_strptr(elf, shstr, sh.sh_name)) ||
		    strcmp(name, ".debug_rnglists") != 0 || sh.sh_type == SHT_NOBITS)
			continue;
		if ((sh.sh_flags & SHF_COMPRESSED) && elf_compress(scn, 0, 0) < 0) {
			snprintf(why, whylen, "cannot decompress .debug_rnglists: %s",
			         elf_errmsg(-1));
			return -1;
		}
		data = elf_getdata(scn, NULL);
		if (!data || (!data->d_buf && data->d_size)) {
			snprintf(why, whylen, "cannot read .debug_rnglists: %s",
			         elf_errmsg(-1));
			return -1;
		}
		if (check_rnglists(data->d_buf, data->d_size,
		                   eh.e_ident[EI_DATA] == ELFDATA2MSB,
		                   eh.e_ident[EI_CLASS] == ELFCLASS64 ? 8 : 4, why,
		                   whylen) < 0)
			return -1;
	}
	return 0;
}
