/* SPDX-License-Identifier: MIT */
/*
 * modprog.c - modules test: libraries dlopen()ed and dlclose()d in turn.
 *   modprog SCENARIO LIBONE LIBTWO N M
 * Every call into a library goes through run() (one call site), so a call
 * of two_x from there has the key (site, address) of a call of one_a when
 * libtwo is loaded where libone was. Scenarios (calls by construction):
 *   swap    libone: one_a N times; dlclose; libtwo: two_x M times
 *   reload  libone: one_a N times; dlclose; libone again: one_a N times
 *   aba     libone N; dlclose; libtwo M; dlclose; libone N
 *   both    libone and libtwo loaded together: one_a N, two_x M
 * one_a calls one_b once, two_x calls two_y once. Prints the address each
 * load got ("load one 0x...") for the log.
 */
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef int (*entry_t)(int);

static void *open_lib(const char *path)
{
	void *h = dlopen(path, RTLD_NOW | RTLD_LOCAL);

	if (!h) {
		fprintf(stderr, "dlopen: %s\n", dlerror());
		exit(2);
	}
	return h;
}

static entry_t entry(void *h, const char *name, const char *tag)
{
	entry_t fn = (entry_t)dlsym(h, name);

	if (!fn) {
		fprintf(stderr, "dlsym %s: %s\n", name, dlerror());
		exit(2);
	}
	printf("load %s %p\n", tag, (void *)fn);
	return fn;
}

long run(entry_t fn, int n)
{
	long s = 0;
	int i;

	for (i = 0; i < n; i++)
		s += fn(i); /* SITE:run */
	return s;
}

/* Loads lib, calls name n times through run(), unloads it (close != 0). */
static long use(const char *lib, const char *name, const char *tag, int n, int close)
{
	void *h = open_lib(lib);
	long s = run(entry(h, name, tag), n);

	if (close && dlclose(h) != 0) {
		fprintf(stderr, "dlclose: %s\n", dlerror());
		exit(2);
	}
	return s;
}

int main(int argc, char **argv)
{
	const char *sc, *one, *two;
	int n, m;
	long s = 0;

	if (argc != 6) {
		fprintf(stderr, "usage: modprog swap|reload|aba|both LIBONE LIBTWO N M\n");
		return 2;
	}
	sc = argv[1];
	one = argv[2];
	two = argv[3];
	n = atoi(argv[4]);
	m = atoi(argv[5]);
	if (strcmp(sc, "swap") == 0) {
		s += use(one, "one_a", "one", n, 1);
		s += use(two, "two_x", "two", m, 1);
	} else if (strcmp(sc, "reload") == 0) {
		s += use(one, "one_a", "one", n, 1);
		s += use(one, "one_a", "one", n, 1);
	} else if (strcmp(sc, "aba") == 0) {
		s += use(one, "one_a", "one", n, 1);
		s += use(two, "two_x", "two", m, 1);
		s += use(one, "one_a", "one", n, 1);
	} else if (strcmp(sc, "both") == 0) {
		void *h1 = open_lib(one), *h2 = open_lib(two);
		s += run(entry(h1, "one_a", "one"), n);
		s += run(entry(h2, "two_x", "two"), m);
		dlclose(h2);
		dlclose(h1);
	} else {
		fprintf(stderr, "modprog: unknown scenario %s\n", sc);
		return 2;
	}
	printf("sum=%ld\n", s);
	return 0;
}
