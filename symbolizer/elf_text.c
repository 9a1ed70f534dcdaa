/* SPDX-License-Identifier: MIT */
/*
 * elf_text.c - where an object's code is: the address ranges of its
 * executable sections (or segments), sorted and disjoint, so that the
 * DWARF readers can drop line rows and ranges the linker discarded (those
 * are relocated to address 0 or -1, outside every executable range).
 */
#include "symbolizer_internal.h"

#include <stdlib.h>

static int cmp_text(const void *a, const void *b)
{
	const struct sym_text *x = a, *y = b;

	if (x->lo != y->lo)
		return x->lo < y->lo ? -1 : 1;
	return x->hi < y->hi ? -1 : x->hi > y->hi;
}

/*
 * Records where the object's code is: its allocated executable sections,
 * or its executable PT_LOAD segments when it has no section headers.
 * Returns 0, or -1 on OOM.
 */
int sym_text_index(struct sym_module *m, Elf *elf)
{
	size_t cap = 0, nph, i, n;
	Elf_Scn *scn = NULL;

	while ((scn = elf_nextscn(elf, scn)) != NULL) {
		GElf_Shdr sh;
		if (!gelf_getshdr(scn, &sh) || sh.sh_type == SHT_NOBITS ||
		    (sh.sh_flags & (SHF_ALLOC | SHF_EXECINSTR)) !=
		            (SHF_ALLOC | SHF_EXECINSTR) ||
		    sh.sh_size == 0 || sh.sh_addr + sh.sh_size <= sh.sh_addr)
			continue;
		if (sym_grow((void **)&m->text, &cap, m->ntext + 1, sizeof *m->text) < 0)
			return -1;
		m->text[m->ntext++] = (struct sym_text){sh.sh_addr, sh.sh_addr + sh.sh_size};
	}
	if (m->ntext == 0 && elf_getphdrnum(elf, &nph) == 0) {
		for (i = 0; i < nph; i++) {
			GElf_Phdr ph;
			if (!gelf_getphdr(elf, (int)i, &ph) || ph.p_type != PT_LOAD ||
			    !(ph.p_flags & PF_X) || ph.p_memsz == 0 ||
			    ph.p_vaddr + ph.p_memsz <= ph.p_vaddr)
				continue;
			if (sym_grow((void **)&m->text, &cap, m->ntext + 1,
			             sizeof *m->text) < 0)
				return -1;
			m->text[m->ntext++] =
			        (struct sym_text){ph.p_vaddr, ph.p_vaddr + ph.p_memsz};
		}
	}
	if (m->ntext == 0)
		return 0;
	qsort(m->text, m->ntext, sizeof *m->text, cmp_text);
	/* Merge overlapping regions so that they are disjoint. */
	for (i = 0, n = 0; i < m->ntext; i++) {
		if (n && m->text[i].lo <= m->text[n - 1].hi) {
			if (m->text[i].hi > m->text[n - 1].hi)
				m->text[n - 1].hi = m->text[i].hi;
		} else {
			m->text[n++] = m->text[i];
		}
	}
	m->ntext = n;
	return 0;
}

int sym_text_contains(const struct sym_module *m, uint64_t addr)
{
	size_t lo = 0, hi = m->ntext;

	if (m->ntext == 0)
		return 1;
	while (lo < hi) { /* first region with lo > addr */
		size_t mid = lo + (hi - lo) / 2;
		if (m->text[mid].lo <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo > 0 && addr < m->text[lo - 1].hi;
}
