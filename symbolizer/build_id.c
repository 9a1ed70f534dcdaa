/* SPDX-License-Identifier: MIT */
/*
 * build_id.c - the GNU build-id note (NT_GNU_BUILD_ID) of an ELF object,
 * from its SHT_NOTE sections, or from its PT_NOTE segments when it has no
 * section headers.
 */
#include "symbolizer_internal.h"

#include <elf.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

/*
 * Scans the notes in data for NT_GNU_BUILD_ID owned by "GNU". Returns the
 * descriptor length copied to out, 0 when there is none, -1 when it does
 * not fit in cap.
 */
static int scan_notes(Elf_Data *data, uint8_t *out, size_t cap)
{
	size_t off = 0, next, name_off, desc_off;
	GElf_Nhdr nh;

	while (off < data->d_size &&
	       (next = gelf_getnote(data, off, &nh, &name_off, &desc_off)) > 0) {
		const char *name = (const char *)data->d_buf + name_off;
		if (nh.n_type == NT_GNU_BUILD_ID && nh.n_namesz == 4 &&
		    memcmp(name, "GNU", 4) == 0 && nh.n_descsz > 0) {
			if (nh.n_descsz > cap)
				return -1;
			memcpy(out, (const uint8_t *)data->d_buf + desc_off,
			       nh.n_descsz);
			return (int)nh.n_descsz;
		}
		off = next;
	}
	return 0;
}

int sym_elf_build_id(Elf *elf, uint8_t *out, size_t cap)
{
	Elf_Scn *scn = NULL;
	size_t nph, i;
	int r;

	while ((scn = elf_nextscn(elf, scn)) != NULL) {
		GElf_Shdr sh;
		Elf_Data *data;
		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_NOTE)
			continue;
		data = elf_getdata(scn, NULL);
		if (!data || !data->d_buf)
			continue;
		r = scan_notes(data, out, cap);
		if (r != 0)
			return r;
	}
	if (elf_getphdrnum(elf, &nph) != 0)
		return 0;
	for (i = 0; i < nph; i++) {
		GElf_Phdr ph;
		Elf_Data *data;
		if (!gelf_getphdr(elf, (int)i, &ph) || ph.p_type != PT_NOTE)
			continue;
		data = elf_getdata_rawchunk(elf, (int64_t)ph.p_offset, ph.p_filesz,
		                            ph.p_align == 8 ? ELF_T_NHDR8 : ELF_T_NHDR);
		if (!data || !data->d_buf)
			continue;
		r = scan_notes(data, out, cap);
		if (r != 0)
			return r;
	}
	return 0;
}

int sym_read_build_id(const char *path, uint8_t *out, size_t cap)
{
	Elf *elf;
	int fd, r = -1;

	if (!path || !out)
		return -1;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	elf_version(EV_CURRENT);
	elf = elf_begin(fd, ELF_C_READ, NULL);
	if (elf && elf_kind(elf) == ELF_K_ELF)
		r = sym_elf_build_id(elf, out, cap);
	elf_end(elf);
	close(fd);
	return r;
}
