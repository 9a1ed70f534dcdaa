/* SPDX-License-Identifier: MIT */
/* protect.c - entry_count is gcov's "called", not the hooked calls:
 * protect() is called 6 times (the hooks see 6) and longjmped back into 3
 * times through its setjmp (x odd). At -O2 GCC's fake arc from ENTRY to
 * the setjmp receiver carries those 3 re-entries: gcov says "called 9". */
#include <setjmp.h>
#include <stdio.h>

static jmp_buf *cur;

__attribute__((noinline)) static void thrower(int x)
{
	if (x % 2)
		longjmp(*cur, 1);
}

__attribute__((noinline)) static int protect(int x)
{
	jmp_buf b;
	int status = 0;

	cur = &b;
	if (setjmp(b) == 0)
		thrower(x);
	else
		status = 1;
	return status;
}

int main(void)
{
	int s = 0;

	for (int i = 0; i < 6; i++)
		s += protect(i);
	printf("%d\n", s);
	return 0;
}
