/* SPDX-License-Identifier: MIT */
int __attribute__((noinline)) lib_twice(int x)
{
	return 2 * x;
}
