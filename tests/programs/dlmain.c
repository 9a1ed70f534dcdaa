/* SPDX-License-Identifier: MIT */
/*
 * dlmain.c - e2e sample: dlopen()s an instrumented plugin (plugin.c) at run
 * time and calls its plugin_fn() K times through call_plugin().
 *   dlopen_main PLUGIN.so [K]   (K defaults to 321)
 */
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>

typedef int (*plugin_fn_t)(int);

int call_plugin(plugin_fn_t fn, int k)
{
	int i, s = 0;

	for (i = 0; i < k; i++)
		s += fn(i); /* SITE:call_plugin */
	return s;
}

int main(int argc, char **argv)
{
	int k = argc > 2 ? atoi(argv[2]) : 321;
	void *h;
	plugin_fn_t fn;

	if (argc < 2) {
		fprintf(stderr, "usage: dlopen_main PLUGIN.so [K]\n");
		return 2;
	}
	h = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
	if (!h) {
		fprintf(stderr, "dlopen: %s\n", dlerror());
		return 2;
	}
	fn = (plugin_fn_t)dlsym(h, "plugin_fn");
	if (!fn) {
		fprintf(stderr, "dlsym: %s\n", dlerror());
		return 2;
	}
	printf("sum=%d\n", call_plugin(fn, k));
	dlclose(h);
	return 0;
}
