/* SPDX-License-Identifier: MIT */
/*
 * lookup.c - the queries: binary searches over the indexes built at open.
 */
#include "symbolizer_internal.h"

int sym_lookup_function(struct sym_module *m, uint64_t vaddr,
                        struct sym_function *out)
{
	const struct sym_span *s;

	if (!m || !out)
		return -1;
	s = sym_spans_find(&m->dwarf_spans, vaddr);
	if (s) {
		*out = m->funcs[m->scopes[s->id].func];
		return 0;
	}
	s = sym_spans_find(&m->symtab_spans, vaddr);
	if (s) {
		*out = m->funcs[s->id];
		return 0;
	}
	return -1;
}

/*
 * frames[0] is the line row's location in the innermost scope; each outer
 * frame is the call site of the scope inside it, up to the out-of-line
 * function. Without DWARF scopes there is one frame, named by the symbol
 * table when it knows the address.
 */
int sym_lookup_location(struct sym_module *m, uint64_t vaddr,
                        struct sym_frame *frames, int max_frames)
{
	const struct sym_line *row;
	const struct sym_span *s;
	const struct sym_scope *sc;
	const char *file;
	unsigned line, column;
	int n = 0;

	if (!m || !frames || max_frames <= 0)
		return 0;
	row = sym_lines_find(m, vaddr);
	if (!row)
		return 0;
	file = row->file;
	line = row->line;
	column = row->column;
	s = sym_spans_find(&m->dwarf_spans, vaddr);
	if (!s) {
		s = sym_spans_find(&m->symtab_spans, vaddr);
		frames[0] = (struct sym_frame){s ? m->funcs[s->id].name : NULL, file,
		                               line, column};
		return 1;
	}
	sc = &m->scopes[s->id];
	for (;;) {
		frames[n++] = (struct sym_frame){sc->name, file, line, column};
		if (n == max_frames || sc->parent == SYM_NONE)
			break;
		file = sc->call_file;
		line = sc->call_line;
		column = sc->call_column;
		sc = &m->scopes[sc->parent];
	}
	return n;
}
