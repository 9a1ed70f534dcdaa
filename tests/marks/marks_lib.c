/* SPDX-License-Identifier: MIT */
/* A shared library whose functions test_marks.c asks the filter about. */
int marks_lib_fn(int x);

int marks_lib_fn(int x)
{
	return x * 3 + 1;
}
