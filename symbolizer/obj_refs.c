/* SPDX-License-Identifier: MIT */
/*
 * obj_refs.c - the source lines of the references from code to data in a
 * relocatable x86-64 object (.o): for every relocation of an executable
 * section whose target lies in a data symbol with a given name prefix,
 * the symbol, the offset in it, and the file:line the object's own line
 * table (.debug_line, with its relocations applied here) gives the
 * referencing instruction.
 *
 * Every byte is untrusted (the symbolizer's fuzz target reads objects
 * through it too): each offset and length is checked before it is
 * followed, the bytes read through a bounded cursor (byte_cursor.c). The
 * line table reader is separate from the symbolizer's libdwarf path
 * because that path refuses relocated debug sections (dwarf_precheck.c).
 *
 * Target of a reference: for R_X86_64_32, _32S and _64 the symbol's value
 * plus the addend; for R_X86_64_PC32 the addend is relative to the end of
 * the 4-byte field, which ends the instruction only when no immediate
 * follows it (a lea or a load of an address: the way GCC passes a
 * counter array to a profiler), so value + addend + 4 is the target of
 * exactly those references. Other relocation types are ignored.
 */
#define _GNU_SOURCE
#include "symbolizer_internal.h"

#include <dwarf.h>
#include <fcntl.h>
#include <libelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct obj_sym {
	const char *name;    /* NULL: not a candidate target */
	uint64_t value, size;
	uint32_t shndx;
};

struct obj_row {
	uint32_t shndx;      /* section of the code */
	uint64_t addr;       /* offset in it */
	const char *file;
	uint32_t line, order;
	int end;
};

struct obj_reloc {       /* one relocation of .debug_line */
	uint64_t off;
	uint32_t sym;
	int64_t addend;
};

struct obj_ctx {
	Elf *elf;
	const char *path;
	struct obj_sym *syms;
	size_t nsyms;
	struct obj_reloc *lrel;   /* sorted by off */
	size_t nlrel;
	struct obj_row *rows;
	size_t nrows, caprows;
	struct sym_obj_refs *out;
	char *err;
	size_t errlen;
};

static int obj_fail(struct obj_ctx *c, const char *what)
{
	snprintf(c->err, c->errlen, "%s: %s", c->path, what);
	return -1;
}

/* The bytes of section scn (inflated when SHF_COMPRESSED), or NULL. */
static Elf_Data *section_data(Elf_Scn *scn, const GElf_Shdr *sh)
{
	if (sh->sh_type == SHT_NOBITS)
		return NULL;
	if ((sh->sh_flags & SHF_COMPRESSED) && elf_compress(scn, 0, 0) < 0)
		return NULL;
	return elf_getdata(scn, NULL);
}

static const char *scn_name(Elf *elf, size_t shstr, const GElf_Shdr *sh)
{
	const char *n = elf_strptr(elf, shstr, sh->sh_name);

	return n ? n : "";
}

/* ---- the line table ----------------------------------------------------- */

/* The relocation of .debug_line at off, or NULL. */
static const struct obj_reloc *line_reloc(const struct obj_ctx *c, uint64_t off)
{
	size_t lo = 0, hi = c->nlrel;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (c->lrel[mid].off < off)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < c->nlrel && c->lrel[lo].off == off ? &c->lrel[lo] : NULL;
}

/* The string at offset raw (relocated when a relocation is at field) of
 * strs, or NULL. */
static const char *str_at(const struct obj_ctx *c, const Elf_Data *strs, uint64_t field,
                          uint64_t raw)
{
	const struct obj_reloc *r = line_reloc(c, field);
	uint64_t off = raw;

	if (r) {
		if (r->sym >= c->nsyms)
			return NULL;
		off = c->syms[r->sym].value + (uint64_t)r->addend;
	}
	if (!strs || !strs->d_buf || off >= strs->d_size ||
	    !memchr((const char *)strs->d_buf + off, 0, strs->d_size - off))
		return NULL;
	return (const char *)strs->d_buf + off;
}

/* DWARF 5 entry formats: content type, form. */
struct fmt {
	uint64_t type, form;
};

#define MAX_FORMATS 16

/* Reads one entry of a DWARF 5 directory or file table; *path, *dir. */
static void read_entry(struct obj_ctx *c, struct sym_cursor *k, const struct fmt *f, unsigned nf,
                       unsigned osz, const Elf_Data *line_str, const Elf_Data *str,
                       const char **path, uint64_t *dir)
{
	*path = NULL;
	*dir = 0;
	for (unsigned i = 0; i < nf && !k->bad; i++) {
		uint64_t v = 0, at = k->off;
		const char *s = NULL;

		switch (f[i].form) {
		case DW_FORM_string: s = sym_cur_cstr(k); break;
		case DW_FORM_line_strp:
			v = sym_cur_uint(k, osz);
			s = str_at(c, line_str, at, v);
			break;
		case DW_FORM_strp:
			v = sym_cur_uint(k, osz);
			s = str_at(c, str, at, v);
			break;
		case DW_FORM_udata: v = sym_cur_uleb(k); break;
		case DW_FORM_data1: v = sym_cur_uint(k, 1); break;
		case DW_FORM_data2: v = sym_cur_uint(k, 2); break;
		case DW_FORM_data4: v = sym_cur_uint(k, 4); break;
		case DW_FORM_data8: v = sym_cur_uint(k, 8); break;
		case DW_FORM_data16: sym_cur_skip(k, 16); break;
		case DW_FORM_block: sym_cur_skip(k, sym_cur_uleb(k)); break;
		default: k->bad = 1; break;
		}
		if (f[i].type == DW_LNCT_path)
			*path = s;
		else if (f[i].type == DW_LNCT_directory_index)
			*dir = v;
	}
}

/*
 * A DWARF 5 directory or file table at k: its entry formats, then its
 * entries' paths into *paths and, with dirs_of, their directory indexes
 * into *dirs_of (arrays of *n, which the caller frees). Returns 0, with
 * k->bad set when the table is corrupt, or -1 on OOM (reason in c->err).
 */
static int read_entry_table(struct obj_ctx *c, struct sym_cursor *k, unsigned osz,
                            const Elf_Data *line_str, const Elf_Data *str,
                            const char ***paths, uint64_t **dirs_of, size_t *n)
{
	struct fmt f[MAX_FORMATS];
	unsigned nf, i;
	uint64_t count;

	nf = (unsigned)sym_cur_uint(k, 1);
	if (nf > MAX_FORMATS) {
		k->bad = 1;
		return 0;
	}
	for (i = 0; i < nf; i++) {
		f[i].type = sym_cur_uleb(k);
		f[i].form = sym_cur_uleb(k);
	}
	count = sym_cur_uleb(k);
	if (k->bad || count > k->end - k->off) { /* each entry is at least one byte */
		k->bad = 1;
		return 0;
	}
	*paths = calloc(count ? count : 1, sizeof **paths);
	if (dirs_of)
		*dirs_of = calloc(count ? count : 1, sizeof **dirs_of);
	if (!*paths || (dirs_of && !*dirs_of))
		return obj_fail(c, "out of memory");
	for (*n = 0; *n < count && !k->bad; (*n)++) {
		uint64_t dir;
		read_entry(c, k, f, nf, osz, line_str, str, &(*paths)[*n], &dir);
		if (dirs_of)
			(*dirs_of)[*n] = dir;
	}
	return 0;
}

static int add_row(struct obj_ctx *c, uint32_t shndx, uint64_t addr, const char *file,
                   uint64_t line, int end)
{
	struct obj_row *r;

	if (sym_grow((void **)&c->rows, &c->caprows, c->nrows + 1, sizeof *c->rows) < 0)
		return obj_fail(c, "out of memory");
	r = &c->rows[c->nrows];
	r->shndx = shndx;
	r->addr = addr;
	r->file = file;
	r->line = line > UINT32_MAX ? 0 : (uint32_t)line;
	r->order = (uint32_t)c->nrows;
	r->end = end;
	c->nrows++;
	return 0;
}

/* Pooled "dir/name" of file index i of the table (names, dirs). */
static const char *file_name(struct obj_ctx *c, const char **names, const uint64_t *ndir,
                             size_t nnames, const char **dirs, size_t ndirs, uint64_t i)
{
	const char *d;

	if (i >= nnames || !names[i])
		return NULL;
	d = ndir[i] < ndirs ? dirs[ndir[i]] : NULL;
	return sym_str_join_path(&c->out->pool, d, names[i]);
}

/*
 * One line-number program unit at k (its unit_length next). Rows go to
 * c->rows, code section by the relocation of DW_LNE_set_address. Returns
 * 0 with k past the unit, or -1 (reason in c->err).
 */
static int read_unit(struct obj_ctx *c, struct sym_cursor *k, const Elf_Data *line_str,
                     const Elf_Data *str)
{
	uint64_t len, hdr_len, ver;
	unsigned osz = 4, min_inst, line_range, opcode_base, i;
	int line_base;
	size_t unit_end, prog;
	const unsigned char *std_len;
	const char **dirs = NULL, **names = NULL;
	uint64_t *ndir = NULL;
	size_t ndirs = 0, nnames = 0;
	int rc = -1;

	len = sym_cur_uint(k, 4);
	if (len == 0xffffffffu) {
		osz = 8;
		len = sym_cur_uint(k, 8);
	}
	if (k->bad || len > k->end - k->off)
		return obj_fail(c, ".debug_line: a unit longer than the section");
	unit_end = k->off + len;
	struct sym_cursor u = {k->base, k->off, unit_end, 0, 0};
	k->off = unit_end;
	ver = sym_cur_uint(&u, 2);
	if (ver < 2 || ver > 5)
		return obj_fail(c, ".debug_line: a unit of an unknown version");
	if (ver == 5 && (sym_cur_uint(&u, 1) != 8 || sym_cur_uint(&u, 1) != 0))
		return obj_fail(c, ".debug_line: an address size other than 8");
	hdr_len = sym_cur_uint(&u, osz);
	if (u.bad || hdr_len > u.end - u.off)
		return obj_fail(c, ".debug_line: a header longer than its unit");
	prog = u.off + hdr_len;
	min_inst = (unsigned)sym_cur_uint(&u, 1);
	if (ver >= 4)
		sym_cur_uint(&u, 1);                      /* maximum_operations_per_instruction */
	sym_cur_uint(&u, 1);                          /* default_is_stmt */
	line_base = (int)(int8_t)sym_cur_uint(&u, 1);
	line_range = (unsigned)sym_cur_uint(&u, 1);
	opcode_base = (unsigned)sym_cur_uint(&u, 1);
	if (u.bad || line_range == 0 || opcode_base == 0 || opcode_base - 1 > u.end - u.off)
		return obj_fail(c, ".debug_line: a corrupt unit header");
	std_len = u.base + u.off;
	u.off += opcode_base - 1;

	if (ver == 5) {
		if (read_entry_table(c, &u, osz, line_str, str, &dirs, NULL, &ndirs) < 0 ||
		    (!u.bad && read_entry_table(c, &u, osz, line_str, str, &names, &ndir,
		                                &nnames) < 0))
			goto oom;
	} else {
		size_t cap = 0, capn = 0;
		const char *s;

		/* directory 0 is the compilation directory, not in the table */
		if (sym_grow((void **)&dirs, &cap, 1, sizeof *dirs) < 0)
			goto oom;
		dirs[ndirs++] = NULL;
		while ((s = sym_cur_cstr(&u)) != NULL && *s) {
			if (sym_grow((void **)&dirs, &cap, ndirs + 1, sizeof *dirs) < 0)
				goto oom;
			dirs[ndirs++] = s;
		}
		/* file 0 is unused before DWARF 5 */
		if (sym_grow((void **)&names, &capn, 1, sizeof *names) < 0)
			goto oom;
		capn = 0;
		if (sym_grow((void **)&ndir, &capn, 1, sizeof *ndir) < 0)
			goto oom;
		capn = 1;
		names[0] = NULL;
		ndir[0] = 0;
		nnames = 1;
		while (!u.bad && (s = sym_cur_cstr(&u)) != NULL && *s) {
			size_t c2 = capn;
			if (sym_grow((void **)&names, &capn, nnames + 1, sizeof *names) < 0 ||
			    sym_grow((void **)&ndir, &c2, nnames + 1, sizeof *ndir) < 0)
				goto oom;
			names[nnames] = s;
			ndir[nnames] = sym_cur_uleb(&u);
			sym_cur_uleb(&u);
			sym_cur_uleb(&u);
			nnames++;
		}
	}
	if (u.bad)
		goto corrupt;

	/* the program */
	{
		struct sym_cursor p = {u.base, prog, unit_end, 0, 0};
		uint64_t addr = 0, file = 1, line = 1;
		uint32_t shndx = SHN_UNDEF;

		while (!p.bad && p.off < p.end) {
			unsigned op = (unsigned)sym_cur_uint(&p, 1);

			if (op >= opcode_base) {
				unsigned adj = op - opcode_base;
				addr += (uint64_t)(adj / line_range) * min_inst;
				line += (uint64_t)(int64_t)(line_base + (int)(adj % line_range));
				if (add_row(c, shndx, addr, file_name(c, names, ndir, nnames, dirs,
				            ndirs, file), line, 0) < 0)
					goto out;
				continue;
			}
			switch (op) {
			case 0: {                                   /* extended */
				uint64_t n = sym_cur_uleb(&p), at;
				unsigned sub;
				if (p.bad || n == 0 || n > p.end - p.off)
					goto corrupt;
				at = p.off + n;
				sub = (unsigned)sym_cur_uint(&p, 1);
				if (sub == 1) {                         /* end_sequence */
					if (add_row(c, shndx, addr, NULL, line, 1) < 0)
						goto out;
					addr = 0;
					file = 1;
					line = 1;
					shndx = SHN_UNDEF;
				} else if (sub == 2 && n == 9) {        /* set_address */
					const struct obj_reloc *r = line_reloc(c, p.off);
					addr = sym_cur_uint(&p, 8);
					shndx = SHN_UNDEF;
					if (r && r->sym < c->nsyms) {
						shndx = c->syms[r->sym].shndx;
						addr = c->syms[r->sym].value + (uint64_t)r->addend;
					}
				}
				p.off = at;
				break;
			}
			case 1:                                     /* copy */
				if (add_row(c, shndx, addr, file_name(c, names, ndir, nnames, dirs,
				            ndirs, file), line, 0) < 0)
					goto out;
				break;
			case 2: addr += sym_cur_uleb(&p) * min_inst; break;
			case 3: line += (uint64_t)sym_cur_sleb(&p); break;
			case 4: file = sym_cur_uleb(&p); break;
			case 8: addr += (uint64_t)((255 - opcode_base) / line_range) * min_inst; break;
			case 9: addr += sym_cur_uint(&p, 2); break;
			default:                                    /* skip its operands */
				for (i = 0; i < std_len[op - 1] && !p.bad; i++)
					sym_cur_uleb(&p);
				break;
			}
		}
		if (p.bad)
			goto corrupt;
	}
	rc = 0;
	goto out;
corrupt:
	obj_fail(c, ".debug_line: a corrupt unit");
	goto out;
oom:
	obj_fail(c, "out of memory");
out:
	free(dirs);
	free(names);
	free(ndir);
	return rc;
}

static int cmp_row(const void *a, const void *b)
{
	const struct obj_row *x = a, *y = b;

	if (x->shndx != y->shndx)
		return x->shndx < y->shndx ? -1 : 1;
	if (x->addr != y->addr)
		return x->addr < y->addr ? -1 : 1;
	return x->order < y->order ? -1 : x->order > y->order;
}

/* The row that applies at (shndx, addr): the last one at or before it in
 * the same section, unless that one ends a sequence. */
static const struct obj_row *row_at(const struct obj_ctx *c, uint32_t shndx, uint64_t addr)
{
	size_t lo = 0, hi = c->nrows;
	const struct obj_row *r;

	while (lo < hi) { /* first row after (shndx, addr) */
		size_t mid = lo + (hi - lo) / 2;
		const struct obj_row *m = &c->rows[mid];
		if (m->shndx < shndx || (m->shndx == shndx && m->addr <= addr))
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == 0)
		return NULL;
	r = &c->rows[lo - 1];
	return r->shndx == shndx && !r->end && r->shndx != SHN_UNDEF ? r : NULL;
}

static int cmp_reloc(const void *a, const void *b)
{
	const struct obj_reloc *x = a, *y = b;

	return x->off < y->off ? -1 : x->off > y->off;
}

/* ---- the object ------------------------------------------------------------ */

static int read_symbols(struct obj_ctx *c, Elf_Scn *scn, const GElf_Shdr *sh,
                        const char *prefix)
{
	Elf_Data *d = elf_getdata(scn, NULL);
	size_t n, plen = strlen(prefix);

	if (!d || !sh->sh_entsize || sh->sh_entsize != sizeof(Elf64_Sym))
		return obj_fail(c, "unreadable .symtab");
	n = d->d_size / sh->sh_entsize;
	c->syms = calloc(n ? n : 1, sizeof *c->syms);
	if (!c->syms)
		return obj_fail(c, "out of memory");
	c->nsyms = n;
	for (size_t i = 0; i < n; i++) {
		GElf_Sym s;
		const char *name;
		if (!gelf_getsym(d, (int)i, &s))
			continue;
		c->syms[i].value = s.st_value;
		c->syms[i].size = s.st_size;
		c->syms[i].shndx = s.st_shndx;
		if (GELF_ST_TYPE(s.st_info) == STT_OBJECT && s.st_shndx != SHN_UNDEF &&
		    s.st_shndx < SHN_LORESERVE &&
		    (name = elf_strptr(c->elf, sh->sh_link, s.st_name)) != NULL &&
		    strncmp(name, prefix, plen) == 0)
			c->syms[i].name = name;
	}
	return 0;
}

/* Candidate symbols sorted by section and value, for the target search. */
static int cmp_cand(const void *a, const void *b)
{
	const struct obj_sym *x = *(const struct obj_sym *const *)a;
	const struct obj_sym *y = *(const struct obj_sym *const *)b;

	if (x->shndx != y->shndx)
		return x->shndx < y->shndx ? -1 : 1;
	return x->value < y->value ? -1 : x->value > y->value;
}

static const struct obj_sym *cand_find(struct obj_sym *const *v, size_t n, uint32_t shndx,
                                       uint64_t t)
{
	size_t lo = 0, hi = n;

	while (lo < hi) { /* first candidate after (shndx, t) */
		size_t mid = lo + (hi - lo) / 2;
		if (v[mid]->shndx < shndx || (v[mid]->shndx == shndx && v[mid]->value <= t))
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == 0)
		return NULL;
	const struct obj_sym *s = v[lo - 1];
	return s->shndx == shndx && t - s->value < s->size ? s : NULL;
}

static int add_ref(struct obj_ctx *c, const struct obj_sym *s, uint64_t off,
                   const struct obj_row *row)
{
	struct sym_obj_refs *o = c->out;
	struct sym_obj_ref *r;

	if (sym_grow((void **)&o->v, &o->cap, o->n + 1, sizeof *o->v) < 0)
		return obj_fail(c, "out of memory");
	r = &o->v[o->n++];
	r->symbol = sym_str_intern(&o->pool, s->name);
	r->symbol_size = s->size;
	r->offset = off;
	r->file = row ? row->file : NULL;
	r->line = row ? row->line : 0;
	if (!r->symbol)
		return obj_fail(c, "out of memory");
	return 0;
}

/* The references of the relocation section scn (header sh) of code. */
static int scan_code_relocs(struct obj_ctx *c, Elf_Scn *scn, const GElf_Shdr *sh,
                            struct obj_sym *const *cand, size_t ncand)
{
	Elf_Data *d = elf_getdata(scn, NULL);
	size_t n;

	if (!d || sh->sh_entsize != sizeof(Elf64_Rela))
		return 0;
	n = d->d_size / sh->sh_entsize;
	for (size_t i = 0; i < n; i++) {
		GElf_Rela r;
		const struct obj_sym *t, *s;
		uint64_t target;
		size_t si;

		if (!gelf_getrela(d, (int)i, &r))
			continue;
		si = GELF_R_SYM(r.r_info);
		if (si >= c->nsyms)
			continue;
		s = &c->syms[si];
		target = s->value + (uint64_t)r.r_addend;
		switch (GELF_R_TYPE(r.r_info)) {
		case R_X86_64_PC32: target += 4; break;
		case R_X86_64_32: case R_X86_64_32S: case R_X86_64_64: break;
		default: continue;
		}
		if (!(t = cand_find(cand, ncand, s->shndx, target)))
			continue;
		if (add_ref(c, t, target - t->value, row_at(c, (uint32_t)sh->sh_info,
		            r.r_offset)) < 0)
			return -1;
	}
	return 0;
}

static int by_symbol(const void *a, const void *b)
{
	const struct sym_obj_ref *x = a, *y = b;
	int d = strcmp(x->symbol, y->symbol);

	return d ? d : x->offset < y->offset ? -1 : x->offset > y->offset;
}

static int read_object(struct obj_ctx *c, const char *prefix)
{
	GElf_Ehdr eh;
	size_t shstr;
	Elf_Scn *scn = NULL, *symtab = NULL;
	GElf_Shdr symsh = {0};
	Elf_Data *line = NULL, *line_str = NULL, *str = NULL;
	size_t line_idx = 0;
	struct obj_sym **cand = NULL;
	size_t ncand = 0;
	int rc = -1;

	if (!gelf_getehdr(c->elf, &eh) || eh.e_ident[EI_CLASS] != ELFCLASS64 ||
	    eh.e_ident[EI_DATA] != ELFDATA2LSB)
		return obj_fail(c, "not a 64-bit little-endian ELF object");
	if (eh.e_type != ET_REL || eh.e_machine != EM_X86_64)
		return obj_fail(c, "not a relocatable x86-64 object");
	if (elf_getshdrstrndx(c->elf, &shstr) != 0)
		return obj_fail(c, "no section names");
	while ((scn = elf_nextscn(c->elf, scn)) != NULL) {
		GElf_Shdr sh;
		const char *name;
		if (!gelf_getshdr(scn, &sh))
			continue;
		name = scn_name(c->elf, shstr, &sh);
		if (sh.sh_type == SHT_SYMTAB && !symtab) {
			symtab = scn;
			symsh = sh;
		} else if (strcmp(name, ".debug_line") == 0) {
			line = section_data(scn, &sh);
			line_idx = elf_ndxscn(scn);
		} else if (strcmp(name, ".debug_line_str") == 0) {
			line_str = section_data(scn, &sh);
		} else if (strcmp(name, ".debug_str") == 0) {
			str = section_data(scn, &sh);
		}
	}
	if (!symtab)
		return obj_fail(c, "no .symtab");
	if (read_symbols(c, symtab, &symsh, prefix) < 0)
		return -1;
	if (!line || !line->d_buf)
		return obj_fail(c, "no .debug_line (built without -g?)");

	/* the relocations of .debug_line, then the table */
	scn = NULL;
	while ((scn = elf_nextscn(c->elf, scn)) != NULL) {
		GElf_Shdr sh;
		Elf_Data *d;
		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_RELA || sh.sh_info != line_idx ||
		    sh.sh_entsize != sizeof(Elf64_Rela) || !(d = elf_getdata(scn, NULL)))
			continue;
		size_t n = d->d_size / sh.sh_entsize;
		c->lrel = calloc(n ? n : 1, sizeof *c->lrel);
		if (!c->lrel)
			return obj_fail(c, "out of memory");
		for (size_t i = 0; i < n; i++) {
			GElf_Rela r;
			if (!gelf_getrela(d, (int)i, &r))
				continue;
			c->lrel[c->nlrel++] = (struct obj_reloc){r.r_offset,
			        (uint32_t)GELF_R_SYM(r.r_info), r.r_addend};
		}
		qsort(c->lrel, c->nlrel, sizeof *c->lrel, cmp_reloc);
		break;
	}
	{
		struct sym_cursor k = {line->d_buf, 0, line->d_size, 0, 0};
		while (k.off < k.end)
			if (read_unit(c, &k, line_str, str) < 0)
				return -1;
	}
	if (c->nrows)
		qsort(c->rows, c->nrows, sizeof *c->rows, cmp_row);

	/* the references */
	cand = calloc(c->nsyms ? c->nsyms : 1, sizeof *cand);
	if (!cand)
		return obj_fail(c, "out of memory");
	for (size_t i = 0; i < c->nsyms; i++)
		if (c->syms[i].name && c->syms[i].size)
			cand[ncand++] = &c->syms[i];
	qsort(cand, ncand, sizeof *cand, cmp_cand);
	scn = NULL;
	while ((scn = elf_nextscn(c->elf, scn)) != NULL) {
		GElf_Shdr sh, th;
		Elf_Scn *target;
		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_RELA ||
		    !(target = elf_getscn(c->elf, sh.sh_info)) || !gelf_getshdr(target, &th) ||
		    !(th.sh_flags & SHF_EXECINSTR))
			continue;
		if (scan_code_relocs(c, scn, &sh, cand, ncand) < 0)
			goto out;
	}
	if (c->out->n)
		qsort(c->out->v, c->out->n, sizeof *c->out->v, by_symbol);
	rc = 0;
out:
	free(cand);
	return rc;
}

struct sym_obj_refs *sym_obj_refs_read(const char *path, const char *prefix, char *err,
                                       size_t errlen)
{
	struct obj_ctx c;
	char dummy[1];
	int fd, rc;

	memset(&c, 0, sizeof c);
	c.path = path;
	c.err = err ? err : dummy;
	c.errlen = err ? errlen : sizeof dummy;
	if (elf_version(EV_CURRENT) == EV_NONE) {
		obj_fail(&c, "libelf unusable");
		return NULL;
	}
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		obj_fail(&c, "cannot open");
		return NULL;
	}
	c.out = calloc(1, sizeof *c.out);
	c.elf = elf_begin(fd, ELF_C_READ, NULL);
	if (!c.out)
		rc = obj_fail(&c, "out of memory");
	else if (!c.elf || elf_kind(c.elf) != ELF_K_ELF)
		rc = obj_fail(&c, "not an ELF object");
	else
		rc = read_object(&c, prefix);
	if (c.elf)
		elf_end(c.elf);
	close(fd);
	free(c.syms);
	free(c.lrel);
	free(c.rows);
	if (rc < 0) {
		sym_obj_refs_free(c.out);
		return NULL;
	}
	sym_strpool_seal(&c.out->pool);
	return c.out;
}

void sym_obj_refs_free(struct sym_obj_refs *r)
{
	if (!r)
		return;
	free(r->v);
	sym_strpool_free(&r->pool);
	free(r);
}

const struct sym_obj_ref *sym_obj_refs_list(const struct sym_obj_refs *r, size_t *n)
{
	*n = r ? r->n : 0;
	return r ? r->v : NULL;
}
