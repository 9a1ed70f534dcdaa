/* SPDX-License-Identifier: MIT */
/*
 * pgo_main.c - a training program for `vitprof flags --pgo`
 * (tests/flags/pgo_link.sh): divisions and remainders (GCC's interval and
 * pow2 value profilers), calls through a pointer table (indirect-call and
 * topn profilers), and, with a second argument, dlopen() of a plugin built
 * the same way (pgo_plugin.c). Prints one sum, which an uninstrumented
 * build must print too.
 *   pgo_main N [PLUGIN.so]
 */
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>

static int twice(int x)
{
	return 2 * x;
}

static int thrice(int x)
{
	return 3 * x;
}

int (*volatile pick[2])(int) = {twice, thrice};

int main(int argc, char **argv)
{
	long sum = 0;
	int n = argc > 1 ? atoi(argv[1]) : 1000;

	for (int i = 1; i <= n; i++) {
		sum += pick[i % 7 == 0](i);
		sum += (unsigned)i % (unsigned)(i % 5 + 1) + (unsigned)i % (1u << (i % 4));
	}
	if (argc > 2) {
		void *h = dlopen(argv[2], RTLD_NOW | RTLD_LOCAL);
		long (*work)(int);

		if (!h) {
			fprintf(stderr, "pgo_main: dlopen: %s\n", dlerror());
			return 1;
		}
		work = (long (*)(int))dlsym(h, "plugin_work");
		if (!work) {
			fprintf(stderr, "pgo_main: dlsym: %s\n", dlerror());
			return 1;
		}
		sum += work(n);
	}
	printf("%ld\n", sum);
	return 0;
}
