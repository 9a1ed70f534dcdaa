/* SPDX-License-Identifier: MIT */
/*
 * dlreload.c - faults.dlclose: an instrumented library is loaded, used and
 * unloaded twice while the profile is open.
 *
 *   dlreload PLUGIN.so K1 M K2
 *
 * dlopen, plugin_fn() K1 times, dlclose; between() M times with the library
 * gone, and a mapping placed where the library was so that the second
 * dlopen puts it at another address (prints "moved" when the mapping
 * could be placed);
 * dlopen again, plugin_fn() K2 times, dlclose; between() once more. Prints
 * "first BASE", "second BASE" (load addresses) and "sum S"; exits 0.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <link.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>

static volatile long sink;

__attribute__((noinline)) void between(long i)
{
	sink += i;
}

/* Loads the plugin, calls it k times, unloads it; returns the sum and
 * the load address, or -1. */
__attribute__((noinline)) long use_plugin(const char *path, long k, unsigned long *base)
{
	void *h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
	int (*fn)(int);
	struct link_map *lm;
	long s = 0, i;

	if (!h) {
		fprintf(stderr, "dlopen: %s\n", dlerror());
		return -1;
	}
	fn = (int (*)(int))dlsym(h, "plugin_fn");
	if (!fn || dlinfo(h, RTLD_DI_LINKMAP, &lm) != 0) {
		fprintf(stderr, "dlsym: %s\n", dlerror());
		return -1;
	}
	*base = (unsigned long)lm->l_addr;
	for (i = 0; i < k; i++)
		s += fn((int)i);
	if (dlclose(h) != 0) {
		fprintf(stderr, "dlclose: %s\n", dlerror());
		return -1;
	}
	return s;
}

int main(int argc, char **argv)
{
	long k1, m, k2, i, s1, s2;
	unsigned long b1 = 0, b2 = 0;

	if (argc < 5)
		return 2;
	k1 = atol(argv[2]);
	m = atol(argv[3]);
	k2 = atol(argv[4]);
	s1 = use_plugin(argv[1], k1, &b1);
	if (s1 < 0)
		return 2;
	for (i = 0; i < m; i++)
		between(i);
	/* Occupy the old place (best effort): the reload goes elsewhere. */
	if (mmap((void *)b1, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE,
	         -1, 0) == (void *)b1)
		printf("moved\n");
	s2 = use_plugin(argv[1], k2, &b2);
	if (s2 < 0)
		return 2;
	between(m);
	printf("first %#lx\nsecond %#lx\nsum %ld\n", b1, b2, s1 + s2);
	return 0;
}
