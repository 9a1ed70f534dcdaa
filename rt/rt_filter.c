/* SPDX-License-Identifier: MIT */
/*
 * rt_filter.c - trace mode's record-time filters: VITPROF_FILTER and
 * VITPROF_TRACE_START (docs/trace.md, "Filters").
 *
 * VITPROF_FILTER is a comma-separated list of terms:
 *   GLOB        include: a call of a matching function, and everything it
 *               calls, is recorded; with any include term, nothing else is
 *   -GLOB       exclude: a matching function and everything it calls
 *               leave no events (exclusion wins over inclusion)
 *   @GLOB       include the functions of the modules whose file name
 *               (the basename of their path) matches
 *   -@GLOB      exclude them
 *   depth=N     recorded frames at most N deep
 *   time=DUR    calls shorter than DUR (ns, us, ms or s; ns without a
 *               suffix) leave no events
 * A bad term gets one stderr line naming it and is ignored.
 * VITPROF_TRACE_START=GLOB: recording starts stopped and starts at the
 * first call of a matching function.
 *
 * rt_filter_fn() names a function at record time: it finds the module
 * holding the address (rt_modules.c), reads that module's ELF symbol table
 * (.symtab, else .dynsym) once, from a read-only mapping of its file, into
 * an address-sorted array in anonymous memory, and matches the FUNC symbol
 * containing the address. A scope (VPR_NAME_FN) is named by the NAMES
 * table. Globs are matched by rt_glob_match (no fnmatch: it may allocate).
 * Nothing here allocates with malloc or prints with stdio; the symbol
 * tables are loaded under the filter's own lock, which no hook holds.
 * When neither variable is set, rt_g.filter_active is 0 and nothing here
 * runs.
 */
#define _GNU_SOURCE
#include <elf.h>
#include <fcntl.h>
#include <link.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "rt_internal.h"

#define NATIVE_CLASS (__ELF_NATIVE_CLASS == 64 ? ELFCLASS64 : ELFCLASS32)
#define MAX_TERMS 64u
#define PATTERN_BYTES 4096u
#define MAX_MODULES 1024u       /* rt_modules.c's known objects, at most */

#define TERM_FN 0x1u
#define TERM_MODULE 0x2u
#define TERM_EXCLUDE 0x4u

struct term {
	const char *glob;           /* in patterns[] */
	unsigned kind;              /* TERM_* */
};

static struct term terms[MAX_TERMS];
static unsigned n_terms;
static char patterns[PATTERN_BYTES];
static size_t patterns_used;
static const char *start_glob;      /* VITPROF_TRACE_START, or NULL */
static int need_symbols;            /* function terms or a start function */

/* One module's FUNC symbols, sorted by address (ELF virtual addresses). */
struct sym {
	uint64_t lo, size;
	const char *name;               /* in the module file's mapping */
};

#define SYMTAB_NONE 0
#define SYMTAB_READY 1
#define SYMTAB_FAILED 2

struct symtab {
	int state;                      /* SYMTAB_*, published with release */
	size_t n;
	const struct sym *syms;
};

static struct symtab symtabs[MAX_MODULES];
static pthread_mutex_t symtab_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_once_t atfork_once = PTHREAD_ONCE_INIT;

/* A fork child: a thread that was loading a symbol table is gone; its
 * table is still SYMTAB_NONE and is loaded again when asked. */
static void symtab_after_fork(void)
{
	pthread_mutex_init(&symtab_lock, NULL);
}

static void register_atfork(void)
{
	pthread_atfork(NULL, NULL, symtab_after_fork);
}

/* ---- globs ---------------------------------------------------------------- */

/*
 * The bracket expression at p (just after its '[') against c: 1 match, 0
 * no match, -1 when it has no closing ']'. *end: just past the ']'.
 */
static int class_match(const char *p, unsigned char c, const char **end)
{
	int neg = 0, hit = 0;

	if (*p == '!' || *p == '^') {
		neg = 1;
		p++;
	}
	if (*p == ']') {                /* a leading ']' is itself */
		hit |= c == ']';
		p++;
	}
	while (*p && *p != ']') {
		unsigned char lo = (unsigned char)*p, hi;
		if (lo == '\\' && p[1])
			lo = (unsigned char)*++p;
		p++;
		hi = lo;
		if (*p == '-' && p[1] && p[1] != ']') {
			p++;
			hi = (unsigned char)*p;
			if (hi == '\\' && p[1])
				hi = (unsigned char)*++p;
			p++;
		}
		hit |= c >= lo && c <= hi;
	}
	if (*p != ']')
		return -1;
	*end = p + 1;
	return hit ^ neg;
}

int rt_glob_match(const char *p, const char *s)
{
	const char *star_p = NULL, *star_s = NULL;

	for (;;) {
		const char *next;
		int hit;

		if (*p == '*') {
			while (*p == '*')
				p++;
			if (!*p)
				return 1;
			star_p = p;
			star_s = s;
			continue;
		}
		if (!*s)
			return !*p;
		if (*p == '?') {
			hit = 1;
			next = p + 1;
		} else if (*p == '[' && (hit = class_match(p + 1, (unsigned char)*s, &next)) >= 0) {
			/* hit and next set */
		} else if (*p == '\\' && p[1]) {
			hit = p[1] == *s;
			next = p + 2;
		} else {
			hit = *p && *p == *s;
			next = p + 1;
		}
		if (hit) {
			p = next;
			s++;
			continue;
		}
		if (!star_p)
			return 0;
		p = star_p;
		s = ++star_s;
	}
}

/* NULL if pat is a well-formed glob, else what is wrong with it. */
static const char *glob_problem(const char *pat)
{
	const char *p, *end;

	if (!*pat)
		return "empty pattern";
	if (strlen(pat) > VPR_NAME_MAX)
		return "pattern longer than 255 bytes";
	for (p = pat; *p; p++) {
		if (*p == '\\') {
			if (!p[1])
				return "'\\' at the end";
			p++;
		} else if (*p == '[') {
			if (class_match(p + 1, 0, &end) < 0)
				return "'[' without ']'";
			p = end - 1;
		}
	}
	return NULL;
}

/* ---- parsing -------------------------------------------------------------- */

static void bad_term(const char *var, const char *term, size_t len, const char *why)
{
	char t[RT_PRINT_MAX + 1], line[4 * RT_PRINT_MAX + 256];
	size_t n;

	if (len > RT_PRINT_MAX)
		len = RT_PRINT_MAX;
	memcpy(t, term, len);
	t[len] = '\0';
	n = rt_append(line, 0, 64, "vitprof: ");
	n = rt_append(line, n, 96, var);
	n = rt_append(line, n, 128, ": bad term '");
	n = rt_append_escaped(line, n, n + 4 * RT_PRINT_MAX + 4, t);
	n = rt_append(line, n, sizeof line - 1, "' ignored: ");
	n = rt_append(line, n, sizeof line - 1, why);
	line[n++] = '\n';
	rt_write_stderr(line, n);
}

/* A decimal number at s[0..len): 0 and *out, or -1. */
static int parse_u64(const char *s, size_t len, uint64_t *out)
{
	uint64_t v = 0;
	size_t i;

	if (len == 0)
		return -1;
	for (i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9' || v > (UINT64_MAX - 9) / 10)
			return -1;
		v = v * 10 + (uint64_t)(s[i] - '0');
	}
	*out = v;
	return 0;
}

/* A duration at s[0..len) in ns: 0 and *ns, or -1. */
static int parse_duration(const char *s, size_t len, uint64_t *ns)
{
	static const struct { const char *suffix; uint64_t mult; } units[] = {
		{"ns", 1}, {"us", 1000}, {"ms", 1000000}, {"s", 1000000000}};
	size_t digits = 0, i;
	uint64_t v;

	while (digits < len && s[digits] >= '0' && s[digits] <= '9')
		digits++;
	if (parse_u64(s, digits, &v) != 0)
		return -1;
	if (digits == len) {
		*ns = v;
		return 0;
	}
	for (i = 0; i < sizeof units / sizeof units[0]; i++) {
		size_t sl = strlen(units[i].suffix);
		if (len - digits == sl && memcmp(s + digits, units[i].suffix, sl) == 0) {
			if (v > UINT64_MAX / units[i].mult)
				return -1;
			*ns = v * units[i].mult;
			return 0;
		}
	}
	return -1;
}

/* A copy of s[0..len) in patterns[], NUL-terminated; NULL when full. */
static const char *keep(const char *s, size_t len)
{
	char *p;

	if (patterns_used + len + 1 > sizeof patterns)
		return NULL;
	p = patterns + patterns_used;
	memcpy(p, s, len);
	p[len] = '\0';
	patterns_used += len + 1;
	return p;
}

static int starts(const char *s, size_t len, const char *prefix)
{
	size_t n = strlen(prefix);
	return len >= n && memcmp(s, prefix, n) == 0;
}

/* One term of VITPROF_FILTER, s[0..len) (trimmed, not empty). */
static void parse_term(const char *s, size_t len)
{
	const char *why, *glob;
	unsigned kind = TERM_FN;
	size_t at = 0;
	uint64_t v;

	if (starts(s, len, "depth=")) {
		if (parse_u64(s + 6, len - 6, &v) != 0 || v == 0 || v > UINT32_MAX)
			bad_term("VITPROF_FILTER", s, len, "depth=N wants a whole number from 1");
		else
			rt_g.filter_depth = (uint32_t)v;
		return;
	}
	if (starts(s, len, "time=")) {
		if (parse_duration(s + 5, len - 5, &v) != 0)
			bad_term("VITPROF_FILTER", s, len,
			         "time=DUR wants a whole number with ns, us, ms or s");
		else
			rt_g.filter_min_ns = v;
		return;
	}
	if (s[at] == '-') {
		kind |= TERM_EXCLUDE;
		at++;
	}
	if (at < len && s[at] == '@') {
		kind = (kind & ~TERM_FN) | TERM_MODULE;
		at++;
	}
	if (n_terms == MAX_TERMS) {
		bad_term("VITPROF_FILTER", s, len, "more than 64 patterns");
		return;
	}
	glob = keep(s + at, len - at);
	if (!glob) {
		bad_term("VITPROF_FILTER", s, len, "patterns longer than 4095 bytes in all");
		return;
	}
	why = glob_problem(glob);
	if (why) {
		bad_term("VITPROF_FILTER", s, len, why);
		patterns_used -= len - at + 1;
		return;
	}
	terms[n_terms].glob = glob;
	terms[n_terms].kind = kind;
	n_terms++;
}

static int is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n';
}

/*
 * Reads VITPROF_FILTER and VITPROF_TRACE_START (again: each call starts
 * from nothing) and sets rt_g's filter fields; with VITPROF_TRACE_START,
 * rt_g.trace_on = 0 (to be called after trace_on got its default).
 */
void rt_filter_init(void)
{
	const char *f = rt_getenv("VITPROF_FILTER");
	const char *start = rt_getenv("VITPROF_TRACE_START");
	unsigned i;

	n_terms = 0;
	patterns_used = 0;
	start_glob = NULL;
	rt_g.filter_depth = 0;
	rt_g.filter_min_ns = 0;
	while (f && *f) {
		const char *comma = strchr(f, ',');
		size_t len = comma ? (size_t)(comma - f) : strlen(f);
		const char *t = f;
		size_t n = len;

		while (n && is_space(*t)) {
			t++;
			n--;
		}
		while (n && is_space(t[n - 1]))
			n--;
		if (n)
			parse_term(t, n);
		f = comma ? comma + 1 : NULL;
	}
	if (start && *start) {
		const char *why = glob_problem(start);
		start_glob = why ? NULL : keep(start, strlen(start));
		if (why || !start_glob)
			bad_term("VITPROF_TRACE_START", start, strlen(start),
			         why ? why : "too long");
	}
	need_symbols = start_glob != NULL;
	rt_g.filter_include = 0;
	for (i = 0; i < n_terms; i++) {
		need_symbols |= (terms[i].kind & TERM_FN) != 0;
		rt_g.filter_include |= !(terms[i].kind & TERM_EXCLUDE);
	}
	if (start_glob)
		rt_g.trace_on = 0;
	if (n_terms > 0 || start_glob)
		pthread_once(&atfork_once, register_atfork);
	__atomic_store_n(&rt_g.filter_active, n_terms > 0 || start_glob != NULL,
	                 __ATOMIC_RELEASE);
}

/* ---- symbols -------------------------------------------------------------- */

/* Sorts syms by address (heapsort: no allocation, no recursion). */
static void sift(struct sym *a, size_t i, size_t n)
{
	for (;;) {
		size_t c = 2 * i + 1;
		struct sym t;
		if (c >= n)
			return;
		if (c + 1 < n && a[c + 1].lo > a[c].lo)
			c++;
		if (a[c].lo <= a[i].lo)
			return;
		t = a[i];
		a[i] = a[c];
		a[c] = t;
		i = c;
	}
}

static void sort_syms(struct sym *a, size_t n)
{
	size_t i;

	for (i = n / 2; i > 0; i--)
		sift(a, i - 1, n);
	for (i = n; i > 1; i--) {
		struct sym t = a[0];
		a[0] = a[i - 1];
		a[i - 1] = t;
		sift(a, 0, i - 1);
	}
}

/* The section header of type type in the mapped ELF file, or NULL. */
static const ElfW(Shdr) *find_section(const unsigned char *file, const ElfW(Ehdr) *eh,
                                      uint32_t type)
{
	const ElfW(Shdr) *sh = (const ElfW(Shdr) *)(file + eh->e_shoff);
	unsigned i;

	for (i = 0; i < eh->e_shnum; i++)
		if (sh[i].sh_type == type)
			return &sh[i];
	return NULL;
}

static int is_func(const ElfW(Sym) *s)
{
	unsigned type = ELF64_ST_TYPE(s->st_info);   /* = ELF32_ST_TYPE */

	return (type == STT_FUNC || type == STT_GNU_IFUNC) && s->st_shndx != SHN_UNDEF &&
	       s->st_value != 0;
}

/*
 * Reads the FUNC symbols of the ELF file at path into t (once; caller
 * holds symtab_lock), then publishes t's state. The file stays mapped (the
 * names point into it). Anything malformed leaves t failed: its functions
 * have no name.
 */
static void symtab_load(struct symtab *t, const char *path)
{
	const unsigned char *file;
	const ElfW(Ehdr) *eh;
	const ElfW(Shdr) *symsec, *strsec;
	const ElfW(Sym) *syms;
	const char *strs;
	struct sym *out;
	struct stat st;
	size_t i, n = 0, nsyms, k = 0;
	int fd = path ? open(path, O_RDONLY | O_CLOEXEC) : -1;

	if (fd < 0)
		goto failed;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) ||
	    (uint64_t)st.st_size < sizeof(ElfW(Ehdr))) {
		close(fd);
		goto failed;
	}
	file = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (file == MAP_FAILED)
		goto failed;
	eh = (const ElfW(Ehdr) *)file;
	if (memcmp(eh->e_ident, ELFMAG, SELFMAG) != 0 || eh->e_ident[EI_CLASS] != NATIVE_CLASS ||
	    eh->e_shentsize != sizeof(ElfW(Shdr)) || eh->e_shoff == 0 ||
	    eh->e_shoff > (uint64_t)st.st_size ||
	    (uint64_t)eh->e_shnum * sizeof(ElfW(Shdr)) > (uint64_t)st.st_size - eh->e_shoff)
		goto bad;
	symsec = find_section(file, eh, SHT_SYMTAB);
	if (!symsec)
		symsec = find_section(file, eh, SHT_DYNSYM);
	if (!symsec || symsec->sh_link >= eh->e_shnum ||
	    symsec->sh_entsize != sizeof(ElfW(Sym)) ||
	    symsec->sh_offset > (uint64_t)st.st_size ||
	    symsec->sh_size > (uint64_t)st.st_size - symsec->sh_offset)
		goto bad;
	strsec = (const ElfW(Shdr) *)(file + eh->e_shoff) + symsec->sh_link;
	if (strsec->sh_offset > (uint64_t)st.st_size ||
	    strsec->sh_size > (uint64_t)st.st_size - strsec->sh_offset || strsec->sh_size == 0 ||
	    file[strsec->sh_offset + strsec->sh_size - 1] != '\0')
		goto bad;
	syms = (const ElfW(Sym) *)(file + symsec->sh_offset);
	strs = (const char *)file + strsec->sh_offset;
	nsyms = symsec->sh_size / sizeof(ElfW(Sym));
	for (i = 0; i < nsyms; i++)
		n += is_func(&syms[i]) && syms[i].st_name < strsec->sh_size;
	out = n ? rt_anon_alloc(n * sizeof *out) : NULL;
	if (!out)
		goto bad;
	for (i = 0; i < nsyms; i++) {
		if (!is_func(&syms[i]) || syms[i].st_name >= strsec->sh_size)
			continue;
		out[k].lo = syms[i].st_value;
		out[k].size = syms[i].st_size;
		out[k].name = strs + syms[i].st_name;
		k++;
	}
	sort_syms(out, k);
	t->syms = out;
	t->n = k;
	__atomic_store_n(&t->state, SYMTAB_READY, __ATOMIC_RELEASE);
	return;
bad:
	munmap((void *)file, (size_t)st.st_size);
failed:
	__atomic_store_n(&t->state, SYMTAB_FAILED, __ATOMIC_RELEASE);
}

/* The name of the function of module index idx (path, bias) holding fn,
 * or NULL. */
static const char *symbol_of(int idx, const char *path, uintptr_t bias, uintptr_t fn)
{
	struct symtab *t;
	uint64_t a = (uint64_t)(fn - bias);
	size_t lo = 0, hi;

	if (idx < 0 || (unsigned)idx >= MAX_MODULES)
		return NULL;
	t = &symtabs[idx];
	if (__atomic_load_n(&t->state, __ATOMIC_ACQUIRE) == SYMTAB_NONE) {
		pthread_mutex_lock(&symtab_lock);
		if (t->state == SYMTAB_NONE)
			symtab_load(t, path);
		pthread_mutex_unlock(&symtab_lock);
	}
	if (__atomic_load_n(&t->state, __ATOMIC_ACQUIRE) != SYMTAB_READY)
		return NULL;
	/* the last symbol starting at or below a */
	hi = t->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (t->syms[mid].lo <= a)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == 0)
		return NULL;
	{
		const struct sym *s = &t->syms[lo - 1];
		if (a < s->lo + s->size || a == s->lo)
			return s->name;
	}
	return NULL;
}

static const char *base_name(const char *path)
{
	const char *slash = path ? strrchr(path, '/') : NULL;

	return slash ? slash + 1 : path;
}

uint32_t rt_filter_fn(uintptr_t fn)
{
	const char *name = NULL, *module = NULL, *path = NULL;
	uint32_t flags = 0;
	uintptr_t bias = 0;
	unsigned i;
	int idx;

	if (!__atomic_load_n(&rt_g.filter_active, __ATOMIC_ACQUIRE))
		return 0;
	if (VPR_IS_NAME_FN(fn)) {
		name = rt_name_text((uint32_t)(fn & ~VPR_NAME_FN_BASE));
	} else {
		idx = rt_module_find(fn, &path, &bias);
		module = base_name(path);
		if (need_symbols)
			name = symbol_of(idx, path, bias, fn);
	}
	for (i = 0; i < n_terms; i++) {
		const char *subject = (terms[i].kind & TERM_MODULE) ? module : name;
		if (!subject || !rt_glob_match(terms[i].glob, subject))
			continue;
		flags |= (terms[i].kind & TERM_EXCLUDE) ? VPR_TRACE_FN_EXCLUDE
		                                        : VPR_TRACE_FN_INCLUDE;
	}
	if (flags & VPR_TRACE_FN_EXCLUDE)
		flags = VPR_TRACE_FN_EXCLUDE;
	if (start_glob && name && rt_glob_match(start_glob, name))
		flags |= VPR_TRACE_FN_START;
	return flags;
}
