/* SPDX-License-Identifier: MIT */
/*
 * test_symbolizer.c - the symbolizer against binutils on the objects that
 * tests/symbolizer.cmake builds from tests/symbolizer_data/: nm says which
 * functions exist and where, addr2line what every address's source
 * location and inline chain are, readelf what the build-id is. Then the
 * cases binutils cannot judge: cold parts, same-named statics, C++ names,
 * stripped copies, corrupt files, many lookups.
 */
#define _GNU_SOURCE
#include "symbolizer.h"
#include "vp_test.h"

#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_FRAMES 32

/* ---------------------------------------------------------------- helpers */

static const char *obj_path(const char *name)
{
	static char buf[8][4096];
	static int next;
	char *b = buf[next++ % 8];

	snprintf(b, sizeof buf[0], "%s/%s", SYMTEST_OBJ_DIR, name);
	return b;
}

static const char *scratch_path(const char *name)
{
	static char buf[4][4096];
	static int next;
	char *b = buf[next++ % 4];

	snprintf(b, sizeof buf[0], "%s/%s", vp_test_dir(), name);
	return b;
}

static struct sym_module *open_ok(const char *path)
{
	enum sym_status st = SYM_ERR_OPEN;
	char err[1024];
	struct sym_module *m = sym_module_open(path, NULL, 0, &st, err, sizeof err);

	if (!m || st != SYM_OK)
		fprintf(stderr, "open %s: status %d: %s\n", path, (int)st, err);
	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	CU_ASSERT_EQUAL(st, SYM_OK);
	return m;
}

static char *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	long n;

	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 &&
	    fseek(f, 0, SEEK_SET) == 0 && (buf = malloc((size_t)n + 1)) != NULL) {
		*len = fread(buf, 1, (size_t)n, f);
		buf[*len] = '\0';
	}
	fclose(f);
	return buf;
}

static int write_file(const char *path, const void *buf, size_t len)
{
	FILE *f = fopen(path, "wb");
	int ok;

	if (!f)
		return -1;
	ok = fwrite(buf, 1, len, f) == len;
	return (fclose(f) == 0 && ok) ? 0 : -1;
}

/* Line `line` (1-based) of the file at path, into buf; 0 if found. */
static int source_line(const char *path, unsigned line, char *buf, size_t len)
{
	FILE *f = fopen(path, "r");
	unsigned n = 0;
	int found = -1;

	if (!f)
		return -1;
	while (fgets(buf, (int)len, f))
		if (++n == line) {
			found = 0;
			break;
		}
	fclose(f);
	return found;
}

/* The bare identifier of a display name: "app::twice<int>(int)" -> "twice". */
static void simple_name(const char *name, char *out, size_t len)
{
	const char *end = name + strcspn(name, "(<");
	const char *start = name, *p;

	for (p = name; p + 1 < end; p++)
		if (p[0] == ':' && p[1] == ':')
			start = p + 2;
	snprintf(out, len, "%.*s", (int)(end - start), start);
}

static int ends_with(const char *s, const char *suffix)
{
	size_t ls = strlen(s), lx = strlen(suffix);
	return ls >= lx && strcmp(s + ls - lx, suffix) == 0;
}

/* ------------------------------------------------------- nm: the symbols */

struct nm_sym {
	uint64_t addr, size;
	char type;
	char *name;  /* as in the symbol table */
	char *dname; /* nm -C */
};

struct nm_list {
	struct nm_sym *v;
	size_t n;
};

/* Reads `nm -p -S --defined-only [-C] path` into out (symbols with a size
 * only). Returns the number read, -1 on failure. */
static long nm_read(const char *path, int demangle, struct nm_list *out)
{
	char cmd[8192], line[8192];
	FILE *p;
	size_t cap = 0;

	out->v = NULL;
	out->n = 0;
	snprintf(cmd, sizeof cmd, "'%s' -p -S --defined-only %s '%s' 2>/dev/null",
	         SYMTEST_NM, demangle ? "-C" : "", path);
	p = popen(cmd, "r");
	if (!p)
		return -1;
	while (fgets(line, sizeof line, p)) {
		unsigned long long a, s;
		char type;
		int used = 0;

		line[strcspn(line, "\n")] = '\0';
		if (sscanf(line, "%llx %llx %c %n", &a, &s, &type, &used) < 3 || !used)
			continue;
		if (out->n == cap) {
			cap = cap ? cap * 2 : 256;
			out->v = realloc(out->v, cap * sizeof *out->v);
		}
		out->v[out->n++] = (struct nm_sym){a, s, type, strdup(line + used), NULL};
	}
	pclose(p);
	return (long)out->n;
}

static void nm_free(struct nm_list *l)
{
	size_t i;

	for (i = 0; i < l->n; i++) {
		free(l->v[i].name);
		free(l->v[i].dname);
	}
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

/* The function symbols (text, weak, ifunc) with a size, mangled and
 * demangled names side by side. */
static void nm_functions(const char *path, struct nm_list *out)
{
	struct nm_list raw, dem;
	size_t i, k = 0;

	CU_ASSERT_FATAL(nm_read(path, 0, &raw) > 0);
	CU_ASSERT_FATAL(nm_read(path, 1, &dem) == (long)raw.n);
	out->v = calloc(raw.n, sizeof *out->v);
	out->n = 0;
	for (i = 0; i < raw.n; i++) {
		char t = raw.v[i].type;
		CU_ASSERT_EQUAL(raw.v[i].addr, dem.v[i].addr);
		if (!strchr("tTWi", t) || raw.v[i].size == 0)
			continue;
		out->v[k] = raw.v[i];
		out->v[k].dname = dem.v[i].name;
		raw.v[i].name = dem.v[i].name = NULL;
		k++;
	}
	out->n = k;
	nm_free(&raw);
	nm_free(&dem);
}

static const struct nm_sym *nm_find(const struct nm_list *l, const char *name)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (strcmp(l->v[i].name, name) == 0)
			return &l->v[i];
	return NULL;
}

/* ------------------------------------------- addr2line: the locations */

struct a2l_frame {
	char *func; /* NULL for "??" */
	char *file; /* NULL for "??" */
	unsigned line;
};

struct a2l_result {
	int n;
	struct a2l_frame f[MAX_FRAMES];
};

/* "file:line (discriminator n)" -> frame fields. */
static void a2l_parse_loc(char *loc, struct a2l_frame *f)
{
	char *colon, *disc = strstr(loc, " (discriminator");

	if (disc)
		*disc = '\0';
	colon = strrchr(loc, ':');
	f->line = 0;
	if (colon) {
		*colon = '\0';
		f->line = (unsigned)strtoul(colon + 1, NULL, 10);
	}
	f->file = strcmp(loc, "??") == 0 ? NULL : strdup(loc);
}

/*
 * Runs `addr2line -a -f -i -C -e path` on addrs; res[i] gets addrs[i]'s
 * frames. Returns 0, -1 on failure. Every address is asked twice and the
 * second answer kept: in a C++ unit, BFD names a function that has no
 * linkage name (an inlined extern "C" atoi) after the ELF symbol around
 * the address the first time it meets it, and by its DWARF name after.
 */
static int a2l_run(const char *path, const uint64_t *addrs, size_t n,
                   struct a2l_result *res)
{
	char in[4096], cmd[16384], line[8192], func[8192];
	FILE *f, *p;
	size_t i;
	long cur = -1;

	snprintf(in, sizeof in, "%s", scratch_path("a2l-input.XXXXXX"));
	int fd = mkstemp(in);
	if (fd < 0 || !(f = fdopen(fd, "w")))
		return -1;
	for (i = 0; i < 2 * n; i++)
		fprintf(f, "0x%llx\n", (unsigned long long)addrs[i % n]);
	fclose(f);
	snprintf(cmd, sizeof cmd, "'%s' -a -f -i -C -e '%s' < '%s'",
	         SYMTEST_ADDR2LINE, path, in);
	p = popen(cmd, "r");
	if (!p) {
		unlink(in);
		return -1;
	}
	memset(res, 0, n * sizeof *res);
	while (fgets(line, sizeof line, p)) {
		line[strcspn(line, "\n")] = '\0';
		if (strncmp(line, "0x", 2) == 0) {
			cur++;
			continue;
		}
		if (cur < (long)n) /* the first round */
			continue;
		if ((size_t)cur >= 2 * n)
			break;
		snprintf(func, sizeof func, "%s", line);
		if (!fgets(line, sizeof line, p))
			break;
		line[strcspn(line, "\n")] = '\0';
		if (res[cur - n].n < MAX_FRAMES) {
			struct a2l_frame *fr = &res[cur - n].f[res[cur - n].n++];
			fr->func = strcmp(func, "??") == 0 ? NULL : strdup(func);
			a2l_parse_loc(line, fr);
		}
	}
	pclose(p);
	unlink(in);
	return (size_t)(cur + 1) == 2 * n ? 0 : -1;
}

static void a2l_free(struct a2l_result *res, size_t n)
{
	size_t i;
	int k;

	for (i = 0; i < n; i++)
		for (k = 0; k < res[i].n; k++) {
			free(res[i].f[k].func);
			free(res[i].f[k].file);
		}
}

static int str_eq(const char *a, const char *b)
{
	return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

/* ------------------------------------------ ground truth: functions */

/* What sym_lookup_function must say for an address inside symbol s. */
static void expected_name(const struct nm_sym *s, int from_dwarf, char *out,
                          size_t len)
{
	char *cut;

	if (!from_dwarf) { /* symbol table: the symbol itself */
		snprintf(out, len, "%s", s->dname);
		return;
	}
	/* DWARF names the function, not the part or clone: "f.cold" is f. */
	if (strncmp(s->name, "_Z", 2) == 0) {
		snprintf(out, len, "%s", s->dname);
		if ((cut = strstr(out, " [clone ")) != NULL)
			*cut = '\0';
	} else {
		snprintf(out, len, "%s", s->name);
		if ((cut = strchr(out, '.')) != NULL)
			*cut = '\0';
	}
}

/*
 * For every function symbol nm lists, at its first, middle and last byte:
 * the function's name is nm's (the parent's for a ".cold" part, whose
 * lowpc is the parent's address), lowpc/highpc are the symbol's, and a
 * DWARF function's declaration line in its file names the function.
 * Returns how many symbols were described by DWARF.
 */
static size_t check_functions(const char *path, struct sym_module *m)
{
	struct nm_list syms;
	size_t i, from_dwarf = 0, bad = 0;

	nm_functions(path, &syms);
	CU_ASSERT(syms.n > 0);
	for (i = 0; i < syms.n; i++) {
		const struct nm_sym *s = &syms.v[i];
		uint64_t probes[3] = {s->addr, s->addr + s->size / 2,
		                      s->addr + s->size - 1};
		int k;

		for (k = 0; k < 3; k++) {
			struct sym_function f;
			char want[4096], base[4096], text[4096], *dot;
			const struct nm_sym *parent;
			int dw, ok = 1;

			if (sym_lookup_function(m, probes[k], &f) != 0) {
				fprintf(stderr, "%s: no function at 0x%llx (%s)\n", path,
				        (unsigned long long)probes[k], s->name);
				bad++;
				continue;
			}
			dw = f.file != NULL;
			from_dwarf += dw && k == 0;
			expected_name(s, dw, want, sizeof want);
			ok &= strcmp(f.name, want) == 0;
			ok &= f.linkage_name != NULL;
			snprintf(base, sizeof base, "%s", s->name);
			if (dw && (dot = strchr(base, '.')) != NULL && strstr(dot, ".cold")) {
				/* A cold part: the parent function, entered elsewhere. */
				*dot = '\0';
				parent = nm_find(&syms, base);
				ok &= parent && f.lowpc == parent->addr &&
				      f.highpc == parent->addr + parent->size;
			} else {
				ok &= f.lowpc == s->addr && f.highpc == s->addr + s->size;
			}
			if (dw) {
				char id[1024];
				simple_name(f.name, id, sizeof id);
				strcat(id, "(");
				ok &= f.file[0] == '/' && f.line > 0 &&
				      source_line(f.file, f.line, text, sizeof text) == 0 &&
				      strstr(text, id) != NULL;
				if (strncmp(base, "_Z", 2) == 0)
					ok &= strcmp(f.linkage_name, base) == 0;
				else
					ok &= strcmp(f.linkage_name, f.name) == 0;
			} else {
				ok &= strcmp(f.linkage_name, s->name) == 0 && f.line == 0;
			}
			if (!ok) {
				fprintf(stderr,
				        "%s: at 0x%llx in %s [%s]: got %s/%s %s:%u "
				        "[0x%llx,0x%llx), want %s\n",
				        path, (unsigned long long)probes[k], s->name,
				        s->dname, f.name, f.linkage_name,
				        f.file ? f.file : "-", f.line,
				        (unsigned long long)f.lowpc,
				        (unsigned long long)f.highpc, want);
				bad++;
			}
		}
	}
	CU_ASSERT_EQUAL(bad, 0);
	nm_free(&syms);
	return from_dwarf;
}

/* ------------------------------------------ ground truth: locations */

/*
 * Every byte of every function symbol: sym_lookup_location's frames
 * (function, file, line, innermost first) equal addr2line -i's. Returns
 * how many addresses had an inline chain (more than one frame).
 */
static size_t check_locations(const char *path, struct sym_module *m)
{
	struct nm_list syms;
	struct a2l_result *want;
	uint64_t *addrs = NULL;
	size_t n = 0, cap = 0, i, bad = 0, inlined = 0;

	nm_functions(path, &syms);
	for (i = 0; i < syms.n; i++) {
		uint64_t a;
		for (a = syms.v[i].addr; a < syms.v[i].addr + syms.v[i].size; a++) {
			if (n == cap) {
				cap = cap ? cap * 2 : 4096;
				addrs = realloc(addrs, cap * sizeof *addrs);
			}
			addrs[n++] = a;
		}
	}
	want = calloc(n, sizeof *want);
	CU_ASSERT_FATAL(want != NULL);
	CU_ASSERT_FATAL(a2l_run(path, addrs, n, want) == 0);
	for (i = 0; i < n; i++) {
		struct sym_frame got[MAX_FRAMES];
		int k, ng = sym_lookup_location(m, addrs[i], got, MAX_FRAMES);
		int nw = want[i].f[0].file ? want[i].n : 0;
		int ok = ng == nw;

		for (k = 0; ok && k < ng; k++)
			ok = str_eq(got[k].function, want[i].f[k].func) &&
			     str_eq(got[k].file, want[i].f[k].file) &&
			     got[k].line == want[i].f[k].line;
		inlined += ng > 1;
		if (!ok && bad++ < 10) {
			fprintf(stderr, "%s: 0x%llx: got %d frames, addr2line %d\n",
			        path, (unsigned long long)addrs[i], ng, nw);
			for (k = 0; k < ng || k < nw; k++)
				fprintf(stderr, "  got %s %s:%u | want %s %s:%u\n",
				        k < ng && got[k].function ? got[k].function : "-",
				        k < ng && got[k].file ? got[k].file : "-",
				        k < ng ? got[k].line : 0,
				        k < nw && want[i].f[k].func ? want[i].f[k].func : "-",
				        k < nw && want[i].f[k].file ? want[i].f[k].file : "-",
				        k < nw ? want[i].f[k].line : 0);
		}
	}
	if (bad)
		fprintf(stderr, "%s: %zu of %zu addresses differ from addr2line\n",
		        path, bad, n);
	CU_ASSERT_EQUAL(bad, 0);
	CU_ASSERT(n > 0);
	a2l_free(want, n);
	free(want);
	free(addrs);
	nm_free(&syms);
	return inlined;
}

/* min_dwarf: how many of the object's function symbols DWARF describes
 * at least (so that the comparison is not vacuous). */
static void check_against_binutils(const char *name, size_t min_dwarf,
                                   int expect_inlines)
{
	const char *path = obj_path(name);
	struct sym_module *m = open_ok(path);
	size_t dw, inl;

	CU_ASSERT_EQUAL(sym_module_has_dwarf(m), 1);
	dw = check_functions(path, m);
	inl = check_locations(path, m);
	CU_ASSERT(dw >= min_dwarf);
	if (expect_inlines)
		CU_ASSERT(inl > 0);
	sym_module_close(m);
}

VP_TEST(symbolizer, binutils_prog_O0) { check_against_binutils("prog_O0", 8, 1); }

VP_TEST(symbolizer, binutils_prog_O2_pie) { check_against_binutils("prog_O2_pie", 8, 1); }

VP_TEST(symbolizer, binutils_prog_dwarf4) { check_against_binutils("prog_dwarf4", 8, 1); }

VP_TEST(symbolizer, binutils_shlib) { check_against_binutils("libshlib.so", 4, 1); }

VP_TEST(symbolizer, binutils_cxx)
{
#if SYMTEST_HAVE_CXX
	check_against_binutils("cxx_prog", 6, 1);
#endif
}

/* --------------------------------------------------- specific cases */

static uint64_t nm_addr(const char *path, const char *name, uint64_t *size)
{
	struct nm_list syms;
	const struct nm_sym *s;
	uint64_t a = 0;

	nm_functions(path, &syms);
	s = nm_find(&syms, name);
	CU_ASSERT_PTR_NOT_NULL(s);
	if (s) {
		a = s->addr;
		if (size)
			*size = s->size;
	}
	nm_free(&syms);
	return a;
}

/* Split functions: every byte of "f.cold" belongs to f, entered at f. */
static void check_cold(const char *name, const char *func)
{
	const char *path = obj_path(name);
	struct sym_module *m = open_ok(path);
	char cold[256];
	uint64_t hot, hot_size, part, part_size, a;

	snprintf(cold, sizeof cold, "%s.cold", func);
	hot = nm_addr(path, func, &hot_size);
	part = nm_addr(path, cold, &part_size);
	CU_ASSERT(part != 0 && part != hot);
	for (a = part; a < part + part_size; a++) {
		struct sym_function f;
		struct sym_frame fr[MAX_FRAMES];
		int n;
		CU_ASSERT_EQUAL_FATAL(sym_lookup_function(m, a, &f), 0);
		CU_ASSERT_STRING_EQUAL(f.name, func);
		CU_ASSERT_EQUAL(f.lowpc, hot);
		CU_ASSERT_EQUAL(f.highpc, hot + hot_size);
		n = sym_lookup_location(m, a, fr, MAX_FRAMES);
		CU_ASSERT(n >= 1);
		if (n >= 1)
			CU_ASSERT_STRING_EQUAL(fr[n - 1].function, func);
	}
	sym_module_close(m);
}

VP_TEST(symbolizer, cold_part_maps_to_parent)
{
	check_cold("prog_O2_pie", "split_work");
	check_cold("prog_O2_pie", "main");
	check_cold("prog_dwarf4", "split_work");
	check_cold("libshlib.so", "lib_compute");
}

/* Two static functions named same_name, one per file. */
VP_TEST(symbolizer, same_static_name_in_two_files)
{
	const char *path = obj_path("prog_O0");
	struct sym_module *m = open_ok(path);
	struct nm_list syms;
	size_t i;
	int seen_main = 0, seen_util = 0;

	nm_functions(path, &syms);
	for (i = 0; i < syms.n; i++) {
		struct sym_function f;
		if (strcmp(syms.v[i].name, "same_name") != 0)
			continue;
		CU_ASSERT_EQUAL_FATAL(sym_lookup_function(m, syms.v[i].addr, &f), 0);
		CU_ASSERT_STRING_EQUAL(f.name, "same_name");
		CU_ASSERT_PTR_NOT_NULL_FATAL(f.file);
		seen_main += ends_with(f.file, "/symbolizer_data/prog_main.c");
		seen_util += ends_with(f.file, "/symbolizer_data/prog_util.c");
	}
	CU_ASSERT_EQUAL(seen_main, 1);
	CU_ASSERT_EQUAL(seen_util, 1);
	nm_free(&syms);
	sym_module_close(m);
}

/* An address of inner_step inlined into outer_step inlined into
 * uses_inlines: three frames, innermost first, with the call lines. */
VP_TEST(symbolizer, nested_inline_chain)
{
	const char *path = obj_path("prog_O2_pie");
	struct sym_module *m = open_ok(path);
	uint64_t lo, size, a;
	int found = 0;

	lo = nm_addr(path, "uses_inlines", &size);
	for (a = lo; a < lo + size && !found; a++) {
		struct sym_frame fr[MAX_FRAMES], one;
		char text[1024];
		int n = sym_lookup_location(m, a, fr, MAX_FRAMES);

		if (n != 3 || !fr[0].function || strcmp(fr[0].function, "inner_step"))
			continue;
		found = 1;
		CU_ASSERT_STRING_EQUAL(fr[1].function, "outer_step");
		CU_ASSERT_STRING_EQUAL(fr[2].function, "uses_inlines");
		CU_ASSERT(ends_with(fr[0].file, "/inline_helpers.h"));
		CU_ASSERT(ends_with(fr[1].file, "/inline_helpers.h"));
		CU_ASSERT(ends_with(fr[2].file, "/prog_main.c"));
		/* Each caller's line is the one with the call. */
		CU_ASSERT(source_line(fr[1].file, fr[1].line, text, sizeof text) == 0 &&
		          strstr(text, "inner_step(") != NULL);
		CU_ASSERT(source_line(fr[2].file, fr[2].line, text, sizeof text) == 0 &&
		          strstr(text, "outer_step(") != NULL);
		/* max_frames cuts the chain from the outside. */
		CU_ASSERT_EQUAL(sym_lookup_location(m, a, &one, 1), 1);
		CU_ASSERT_STRING_EQUAL(one.function, "inner_step");
		CU_ASSERT_EQUAL(sym_lookup_location(m, a, fr, 0), 0);
	}
	CU_ASSERT(found);
	sym_module_close(m);
}

VP_TEST(symbolizer, cxx_names)
{
#if SYMTEST_HAVE_CXX
	const char *path = obj_path("cxx_prog");
	struct sym_module *m = open_ok(path);
	static const struct {
		const char *mangled, *name;
	} cases[] = {
		{"_ZN3app6detail5scaleEi", "app::detail::scale(int)"},
		{"_ZN3app6detail5scaleEd", "app::detail::scale(double)"},
		{"_ZN3app7Counter4bumpEi", "app::Counter::bump(int)"},
		{"_ZN3app5twiceIiEET_S1_", "int app::twice<int>(int)"},
		{"main", "main"},
	};
	size_t i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct sym_function f;
		uint64_t a = nm_addr(path, cases[i].mangled, NULL);
		CU_ASSERT_EQUAL_FATAL(sym_lookup_function(m, a, &f), 0);
		CU_ASSERT_STRING_EQUAL(f.name, cases[i].name);
		CU_ASSERT_STRING_EQUAL(f.linkage_name, cases[i].mangled);
		CU_ASSERT(f.file && ends_with(f.file, "/symbolizer_data/cxx_ns.cpp"));
		CU_ASSERT_EQUAL(f.lowpc, a);
	}
	sym_module_close(m);
#endif
}

/* Without DWARF: names from .symtab, no files, no lines. */
VP_TEST(symbolizer, symtab_fallback_without_dwarf)
{
	const char *path = obj_path("prog_nodebug");
	struct sym_module *m = open_ok(path);
	struct nm_list syms;
	size_t i;

	CU_ASSERT_EQUAL(sym_module_has_dwarf(m), 0);
	nm_functions(path, &syms);
	CU_ASSERT(syms.n > 5);
	for (i = 0; i < syms.n; i++) {
		struct sym_function f;
		struct sym_frame fr;
		const struct nm_sym *s = &syms.v[i];
		CU_ASSERT_EQUAL_FATAL(sym_lookup_function(m, s->addr + s->size - 1, &f), 0);
		CU_ASSERT_STRING_EQUAL(f.name, s->dname);
		CU_ASSERT_STRING_EQUAL(f.linkage_name, s->name);
		CU_ASSERT_PTR_NULL(f.file);
		CU_ASSERT_EQUAL(f.line, 0);
		CU_ASSERT_EQUAL(f.lowpc, s->addr);
		CU_ASSERT_EQUAL(f.highpc, s->addr + s->size);
		CU_ASSERT_EQUAL(sym_lookup_location(m, s->addr, &fr, 1), 0);
	}
	CU_ASSERT_PTR_NOT_NULL(nm_find(&syms, "split_work.cold"));
	nm_free(&syms);
	sym_module_close(m);
}

/* Only .dynsym left: the exported functions are still named. */
VP_TEST(symbolizer, dynsym_only)
{
	struct sym_module *m = open_ok(obj_path("libshlib_dynsym.so"));
	uint64_t a = nm_addr(obj_path("libshlib.so"), "lib_compute", NULL);
	struct sym_function f;

	CU_ASSERT_EQUAL(sym_module_has_dwarf(m), 0);
	CU_ASSERT_EQUAL_FATAL(sym_lookup_function(m, a + 1, &f), 0);
	CU_ASSERT_STRING_EQUAL(f.name, "lib_compute");
	CU_ASSERT_EQUAL(f.lowpc, a);
	sym_module_close(m);
}

VP_TEST(symbolizer, outside_any_function)
{
	struct sym_module *m = open_ok(obj_path("prog_O2_pie"));
	struct sym_function f;
	struct sym_frame fr[4];

	CU_ASSERT_EQUAL(sym_lookup_function(m, 0, &f), -1);
	CU_ASSERT_EQUAL(sym_lookup_function(m, UINT64_MAX, &f), -1);
	CU_ASSERT_EQUAL(sym_lookup_location(m, 0, fr, 4), 0);
	CU_ASSERT_EQUAL(sym_lookup_location(m, UINT64_MAX, fr, 4), 0);
	sym_module_close(m);
	sym_module_close(NULL);
}

/* ------------------------------------------------------------ build-id */

/* The build-id as `readelf -n` prints it, into out; its length. */
static size_t readelf_build_id(const char *path, uint8_t *out, size_t cap)
{
	char cmd[8192], line[1024], *p;
	FILE *f;
	size_t n = 0;

	snprintf(cmd, sizeof cmd, "'%s' -n '%s'", SYMTEST_READELF, path);
	f = popen(cmd, "r");
	if (!f)
		return 0;
	while (fgets(line, sizeof line, f))
		if ((p = strstr(line, "Build ID: ")) != NULL)
			for (p += 10; n < cap && p[0] && p[1] && p[0] != '\n'; p += 2) {
				unsigned v;
				if (sscanf(p, "%2x", &v) != 1)
					break;
				out[n++] = (uint8_t)v;
			}
	pclose(f);
	return n;
}

VP_TEST(symbolizer, build_id_read)
{
	static const char *names[] = {"prog_O0", "prog_O2_pie", "libshlib.so",
	                              "prog_nodebug", "libshlib_dynsym.so"};
	size_t i;

	for (i = 0; i < sizeof names / sizeof names[0]; i++) {
		uint8_t want[64], got[64];
		size_t nw = readelf_build_id(obj_path(names[i]), want, sizeof want);
		int ng = sym_read_build_id(obj_path(names[i]), got, sizeof got);
		CU_ASSERT(nw >= 8);
		CU_ASSERT_EQUAL(ng, (int)nw);
		CU_ASSERT(ng > 0 && memcmp(got, want, nw) == 0);
		CU_ASSERT_EQUAL(sym_read_build_id(obj_path(names[i]), got, 4), -1);
	}
	{
		uint8_t buf[64];
		CU_ASSERT_EQUAL(sym_read_build_id(obj_path("no-such-file"), buf, 64), -1);
		CU_ASSERT_EQUAL(sym_read_build_id(SYMTEST_SRC_DIR "/prog.h", buf, 64), -1);
	}
}

VP_TEST(symbolizer, build_id_match_and_mismatch)
{
	const char *path = obj_path("prog_O2_pie");
	uint8_t id[64];
	char err[1024], want_msg[1024], hex_file[200], hex_run[200];
	enum sym_status st = SYM_OK;
	struct sym_module *m;
	int n = sym_read_build_id(path, id, sizeof id), i;

	CU_ASSERT_FATAL(n > 0);
	m = sym_module_open(path, id, (size_t)n, &st, err, sizeof err);
	CU_ASSERT_PTR_NOT_NULL(m);
	CU_ASSERT_EQUAL(st, SYM_OK);
	sym_module_close(m);

	for (i = 0; i < n; i++)
		sprintf(hex_file + 2 * i, "%02x", id[i]);
	id[0] ^= 0xff;
	for (i = 0; i < n; i++)
		sprintf(hex_run + 2 * i, "%02x", id[i]);
	m = sym_module_open(path, id, (size_t)n, &st, err, sizeof err);
	CU_ASSERT_PTR_NULL(m);
	CU_ASSERT_EQUAL(st, SYM_ERR_BUILD_ID);
	snprintf(want_msg, sizeof want_msg,
	         "%s: build-id %s does not match the profiled binary's %s "
	         "(the file on disk was rebuilt since the run)",
	         path, hex_file, hex_run);
	CU_ASSERT_STRING_EQUAL(err, want_msg);

	/* A shorter expected id is a mismatch too, not a prefix match. */
	m = sym_module_open(path, id + 1, (size_t)n - 1, &st, err, sizeof err);
	CU_ASSERT_PTR_NULL(m);
	CU_ASSERT_EQUAL(st, SYM_ERR_BUILD_ID);
}

/* ------------------------------------------------------------- errors */

/* err is one line that names the file. */
static void check_err(const char *err, const char *path)
{
	CU_ASSERT(strncmp(err, path, strlen(path)) == 0);
	CU_ASSERT(strchr(err, '\n') == NULL);
	CU_ASSERT(strlen(err) > strlen(path) + 4);
}

VP_TEST(symbolizer, open_errors)
{
	char err[1024];
	enum sym_status st = SYM_OK;
	const char *missing = obj_path("no-such-file");
	const char *text = SYMTEST_SRC_DIR "/prog_main.c";
	const char *trunc = scratch_path("truncated.elf");
	const char *empty = scratch_path("empty.elf");
	size_t len;
	char *bytes;

	CU_ASSERT_PTR_NULL(sym_module_open(missing, NULL, 0, &st, err, sizeof err));
	CU_ASSERT_EQUAL(st, SYM_ERR_OPEN);
	check_err(err, missing);
	CU_ASSERT(strstr(err, strerror(ENOENT)) != NULL);

	CU_ASSERT_PTR_NULL(sym_module_open(text, NULL, 0, &st, err, sizeof err));
	CU_ASSERT_EQUAL(st, SYM_ERR_NOT_ELF);
	check_err(err, text);

	bytes = read_file(obj_path("prog_O2_pie"), &len);
	CU_ASSERT_FATAL(bytes != NULL && len > 4096);
	CU_ASSERT_FATAL(write_file(trunc, bytes, 40) == 0);
	CU_ASSERT_PTR_NULL(sym_module_open(trunc, NULL, 0, &st, err, sizeof err));
	CU_ASSERT_EQUAL(st, SYM_ERR_NOT_ELF);
	check_err(err, trunc);
	CU_ASSERT_FATAL(write_file(empty, bytes, 0) == 0);
	CU_ASSERT_PTR_NULL(sym_module_open(empty, NULL, 0, &st, err, sizeof err));
	CU_ASSERT_EQUAL(st, SYM_ERR_NOT_ELF);
	check_err(err, empty);
	free(bytes);

	/* err and status are optional; a tiny err buffer stays terminated. */
	CU_ASSERT_PTR_NULL(sym_module_open(missing, NULL, 0, NULL, NULL, 0));
	CU_ASSERT_PTR_NULL(sym_module_open(missing, NULL, 0, &st, err, 5));
	CU_ASSERT_EQUAL(strlen(err), 4);
	unlink(trunc);
	unlink(empty);
}

/* File offset and size of section `name` of the ELF image in buf. */
static int find_section(const char *buf, size_t len, const char *name,
                        uint64_t *off, uint64_t *size)
{
	Elf *elf;
	Elf_Scn *scn = NULL;
	size_t shstr;
	int found = -1;

	elf_version(EV_CURRENT);
	elf = elf_memory((char *)buf, len);
	if (!elf || elf_getshdrstrndx(elf, &shstr) != 0) {
		elf_end(elf);
		return -1;
	}
	while ((scn = elf_nextscn(elf, scn)) != NULL) {
		GElf_Shdr sh;
		const char *n;
		if (!gelf_getshdr(scn, &sh) || !(n = elf_strptr(elf, shstr, sh.sh_name)))
			continue;
		if (strcmp(n, name) == 0 && sh.sh_type != SHT_NOBITS) {
			*off = sh.sh_offset;
			*size = sh.sh_size;
			found = 0;
			break;
		}
	}
	elf_end(elf);
	return found;
}

/* Every string a module returns can be read; lookups never crash. */
static void exercise(struct sym_module *m, const struct nm_list *syms)
{
	size_t i;

	for (i = 0; i < syms->n; i++) {
		struct sym_function f;
		struct sym_frame fr[MAX_FRAMES];
		uint64_t a = syms->v[i].addr + syms->v[i].size / 3;
		int n, k;
		if (sym_lookup_function(m, a, &f) == 0) {
			CU_ASSERT(strlen(f.name) + strlen(f.linkage_name) > 0);
			if (f.file)
				CU_ASSERT(strlen(f.file) < 1 << 20);
		}
		n = sym_lookup_location(m, a, fr, MAX_FRAMES);
		CU_ASSERT(n >= 0 && n <= MAX_FRAMES);
		for (k = 0; k < n; k++) {
			if (fr[k].function)
				CU_ASSERT(strlen(fr[k].function) < 1 << 20);
			if (fr[k].file)
				CU_ASSERT(strlen(fr[k].file) < 1 << 20);
		}
	}
}

/* A unit length beyond the section: libdwarf fails, the module falls back
 * to the symbol table and says so. */
VP_TEST(symbolizer, corrupt_dwarf_falls_back_to_symtab)
{
	const char *src = obj_path("prog_O2_pie");
	const char *path = scratch_path("corrupt-unit.elf");
	struct sym_module *m;
	struct sym_function f;
	enum sym_status st = SYM_OK;
	char err[1024];
	uint64_t off, size, main_addr = nm_addr(src, "main", NULL);
	size_t len;
	char *bytes = read_file(src, &len);

	CU_ASSERT_FATAL(bytes != NULL);
	CU_ASSERT_FATAL(find_section(bytes, len, ".debug_info", &off, &size) == 0);
	memcpy(bytes + off, "\xf0\xff\xff\x7f", 4);
	CU_ASSERT_FATAL(write_file(path, bytes, len) == 0);
	free(bytes);

	m = sym_module_open(path, NULL, 0, &st, err, sizeof err);
	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	CU_ASSERT_EQUAL(st, SYM_ERR_DWARF);
	check_err(err, path);
	CU_ASSERT(strstr(err, "DWARF") != NULL);
	CU_ASSERT_EQUAL(sym_module_has_dwarf(m), 0);
	CU_ASSERT_EQUAL_FATAL(sym_lookup_function(m, main_addr, &f), 0);
	CU_ASSERT_STRING_EQUAL(f.name, "main");
	CU_ASSERT_PTR_NULL(f.file);
	sym_module_close(m);
	unlink(path);
}

/* Deterministic pseudo-random numbers (xorshift). */
static uint64_t rnd(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/*
 * Flips random bytes in the given sections (or, with no sections, in the
 * first `head` bytes of the file, all of it for SIZE_MAX) many times over; every open must either
 * fail cleanly or give a module whose answers are readable.
 */
static void fuzz(const char *name, const char *const *sections, size_t head,
                 int rounds)
{
	const char *src = obj_path(name);
	char file[64];
	const char *path;

	/* One file per process: the symbolizer tests share a scratch directory
	 * and ctest runs two fuzz tests at once; a file rewritten under
	 * libdwarf's feet (it reads sections lazily) gave torn inputs. */
	snprintf(file, sizeof file, "fuzzed-%ld.elf", (long)getpid());
	path = scratch_path(file);
	struct nm_list syms;
	size_t len, i;
	char *orig = read_file(src, &len), *bytes = malloc(len);
	uint64_t seed = 0x9e3779b97f4a7c15ull;
	int r, statuses[5] = {0};

	CU_ASSERT_FATAL(orig != NULL && bytes != NULL);
	nm_functions(src, &syms);
	for (r = 0; r < rounds; r++) {
		struct sym_module *m;
		enum sym_status st = SYM_OK;
		char err[1024];
		int flips = 1 + (int)(rnd(&seed) % 16);

		memcpy(bytes, orig, len);
		for (i = 0; i < (size_t)flips; i++) {
			uint64_t off = 0, size = head < len ? head : len;
			if (sections) {
				size_t ns = 0;
				while (sections[ns])
					ns++;
				if (find_section(orig, len, sections[rnd(&seed) % ns], &off,
				                 &size) != 0 || size == 0)
					continue;
			}
			bytes[off + rnd(&seed) % size] ^= (char)(1 + rnd(&seed) % 255);
		}
		CU_ASSERT_FATAL(write_file(path, bytes, len) == 0);
		m = sym_module_open(path, NULL, 0, &st, err, sizeof err);
		CU_ASSERT(st >= SYM_OK && st <= SYM_ERR_DWARF);
		statuses[st >= 0 && st < 5 ? st : 0]++;
		CU_ASSERT((m != NULL) == (st == SYM_OK || st == SYM_ERR_DWARF));
		if (st != SYM_OK)
			check_err(err, path);
		if (m)
			exercise(m, &syms);
		sym_module_close(m);
	}
	fprintf(stderr, "%s: %d rounds: ok %d, dwarf errors %d, not elf %d\n",
	        name, rounds, statuses[SYM_OK], statuses[SYM_ERR_DWARF],
	        statuses[SYM_ERR_NOT_ELF]);
	unlink(path);
	nm_free(&syms);
	free(orig);
	free(bytes);
}

VP_TEST(symbolizer, fuzzed_dwarf_never_crashes)
{
	static const char *const debug[] = {
		".debug_info", ".debug_abbrev", ".debug_line", ".debug_str",
		".debug_line_str", ".debug_rnglists", ".debug_aranges", NULL};
	static const char *const debug4[] = {".debug_info", ".debug_abbrev",
	                                     ".debug_line", ".debug_ranges", NULL};

	fuzz("prog_O2_pie", debug, 0, 300);
	fuzz("prog_dwarf4", debug4, 0, 150);
	fuzz("libshlib.so", NULL, SIZE_MAX, 150); /* anywhere in the file */
}

VP_TEST(symbolizer, fuzzed_elf_headers_never_crash)
{
	static const char *const elf[] = {".symtab", ".strtab", ".dynsym",
	                                  ".note.gnu.build-id", ".shstrtab", NULL};

	fuzz("prog_O2_pie", NULL, 64, 150);  /* the ELF header */
	fuzz("prog_O2_pie", elf, 0, 150);
}

/* ------------------------------------------------------------- volume */

/* 100k lookups of each kind over the whole text (timed by hand only). */
VP_TEST(symbolizer, lookup_100k)
{
	const char *path = obj_path("prog_O2_pie");
	struct sym_module *m = open_ok(path);
	struct nm_list syms;
	uint64_t lo = UINT64_MAX, hi = 0, span;
	size_t i, named = 0, located = 0;

	nm_functions(path, &syms);
	for (i = 0; i < syms.n; i++) {
		if (syms.v[i].addr < lo)
			lo = syms.v[i].addr;
		if (syms.v[i].addr + syms.v[i].size > hi)
			hi = syms.v[i].addr + syms.v[i].size;
	}
	span = hi - lo;
	for (i = 0; i < 100000; i++) {
		uint64_t a = lo + (i * 7919) % span;
		struct sym_function f;
		struct sym_frame fr[8];
		named += sym_lookup_function(m, a, &f) == 0;
		located += sym_lookup_location(m, a, fr, 8) > 0;
	}
	CU_ASSERT(named > 90000);
	CU_ASSERT(located > 50000);
	nm_free(&syms);
	sym_module_close(m);
}
