// SPDX-License-Identifier: MIT
// comdat.h - an inline function and a template both units instantiate: the
// linker keeps one copy, and the other unit's gcov record of it is the
// empty FUNCTION record libgcov writes for a dropped COMDAT copy.
#ifndef COMDAT_H
#define COMDAT_H
inline __attribute__((noinline)) int shared_step(int x)
{
	return x & 1 ? 3 * x + 1 : x / 2;
}

template <typename T> __attribute__((noinline)) T shared_max(T a, T b)
{
	return a < b ? b : a;
}

int unit_a(int n);
int unit_b(int n);
#endif
