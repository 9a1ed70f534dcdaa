/* SPDX-License-Identifier: MIT */
/* libdlmod.c - dlopen()ed, called and dlclose()d twice by values.c "d"
 * (not libdl: -ldl would find it):
 * libgcov writes its .gcda at each dlclose, merging the second into the
 * first. */
__attribute__((noinline)) static long dl_mod(long a, long b) { return a % b; }

int dl_work(int n)
{
	long acc = 0;

	for (int i = 0; i < n; i++)
		acc += dl_mod(i * 7 + 3, (i % 6) + 2);
	return (int)acc;
}
