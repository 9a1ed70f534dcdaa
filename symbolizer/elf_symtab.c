/* SPDX-License-Identifier: MIT */
/*
 * elf_symtab.c - the fallback: FUNC symbols of .symtab and .dynsym, for the
 * addresses no DWARF function covers (names only, no source file).
 */
#include "symbolizer_internal.h"

#include <stdlib.h>

struct symcand {
	uint64_t lo, size, sec_end;
	const char *name;  /* in libelf's string table, not owned */
	unsigned rank;     /* lower is preferred among aliases */
};

static int cmp_cand(const void *a, const void *b)
{
	const struct symcand *x = a, *y = b;

	if (x->lo != y->lo)
		return x->lo < y->lo ? -1 : 1;
	if (x->rank != y->rank)
		return x->rank < y->rank ? -1 : 1;
	if (x->size != y->size) /* a sized alias tells more */
		return x->size > y->size ? -1 : 1;
	return 0;
}

/* GLOBAL before WEAK before LOCAL; .symtab before .dynsym. */
static unsigned sym_rank(const GElf_Sym *s, int dynamic)
{
	unsigned b = GELF_ST_BIND(s->st_info);
	unsigned r = b == STB_GLOBAL ? 0 : b == STB_WEAK ? 1 : b == STB_LOCAL ? 2 : 3;
	return r * 2 + (dynamic ? 1 : 0);
}

/*
 * Appends the defined FUNC/IFUNC symbols of the symbol table section scn
 * to *c (count *n, capacity *cap). Unreadable entries are skipped.
 * Returns 0, or -1 on OOM.
 */
static int collect(Elf *elf, Elf_Scn *scn, const GElf_Shdr *sh,
                   struct symcand **c, size_t *n, size_t *cap)
{
	Elf_Data *data = elf_getdata(scn, NULL);
	size_t i, count, esz = gelf_fsize(elf, ELF_T_SYM, 1, EV_CURRENT);

	if (!data || esz == 0)
		return 0;
	count = data->d_size / esz;
	for (i = 0; i < count; i++) {
		GElf_Sym s;
		GElf_Shdr ssh;
		Elf_Scn *sscn;
		const char *name;
		unsigned type;

		if (!gelf_getsym(data, (int)i, &s))
			continue;
		type = GELF_ST_TYPE(s.st_info);
		if ((type != STT_FUNC && type != STT_GNU_IFUNC) ||
		    s.st_shndx == SHN_UNDEF || s.st_shndx >= SHN_LORESERVE ||
		    s.st_value == 0)
			continue;
		name = elf_strptr(elf, sh->sh_link, s.st_name);
		if (!name || !name[0])
			continue;
		sscn = elf_getscn(elf, s.st_shndx);
		if (!sscn || !gelf_getshdr(sscn, &ssh))
			continue;
		if (sym_grow((void **)c, cap, *n + 1, sizeof **c) < 0)
			return -1;
		(*c)[(*n)++] = (struct symcand){
			.lo = s.st_value,
			.size = s.st_size,
			.sec_end = ssh.sh_addr + ssh.sh_size,
			.name = name,
			.rank = sym_rank(&s, sh->sh_type == SHT_DYNSYM),
		};
	}
	return 0;
}

/*
 * One function per address (the best-ranked alias). A symbol without a
 * size covers up to the next symbol or the end of its section.
 */
int sym_symtab_index(struct sym_module *m, Elf *elf)
{
	struct symcand *c = NULL;
	struct sym_range *r = NULL;
	size_t n = 0, cap = 0, nr = 0, i, j;
	Elf_Scn *scn = NULL;
	int ret = -1;

	while ((scn = elf_nextscn(elf, scn)) != NULL) {
		GElf_Shdr sh;
		if (!gelf_getshdr(scn, &sh) ||
		    (sh.sh_type != SHT_SYMTAB && sh.sh_type != SHT_DYNSYM))
			continue;
		if (collect(elf, scn, &sh, &c, &n, &cap) < 0)
			goto out;
	}
	m->nsymfuncs = 0;
	if (n == 0) {
		ret = 0;
		goto out;
	}
	qsort(c, n, sizeof *c, cmp_cand);
	r = malloc(n * sizeof *r);
	if (!r || sym_grow((void **)&m->funcs, &m->capfuncs, m->nfuncs + n,
	                   sizeof *m->funcs) < 0)
		goto out;
	for (i = 0; i < n; i = j) {
		struct sym_function *f;
		uint64_t hi;
		const char *linkage;

		for (j = i + 1; j < n && c[j].lo == c[i].lo; j++)
			;
		if (c[i].size)
			hi = c[i].lo + c[i].size;
		else if (j < n && c[j].lo < c[i].sec_end)
			hi = c[j].lo;
		else
			hi = c[i].sec_end;
		if (hi <= c[i].lo)
			continue;
		linkage = sym_str_intern(&m->strings, c[i].name);
		f = &m->funcs[m->nfuncs];
		f->linkage_name = linkage;
		f->name = linkage ? sym_display_name(&m->strings, linkage) : NULL;
		if (!f->name)
			goto out;
		f->file = NULL;
		f->line = 0;
		f->lowpc = c[i].lo;
		f->highpc = c[i].lo + c[i].size;
		r[nr++] = (struct sym_range){c[i].lo, hi, (uint32_t)m->nfuncs, 0};
		m->nfuncs++;
	}
	m->nsymfuncs = m->nfuncs;
	ret = sym_spans_build(r, nr, &m->symtab_spans);
out:
	free(c);
	free(r);
	return ret;
}
