/* SPDX-License-Identifier: MIT */
/*
 * om_lib.c - libom_lib.so, loaded by om_prog: its addresses move with
 * every run (ASLR) independently of the executable's, so merged runs must
 * be re-based per object.
 */
#include "om_lib.h"

int om_lib_step(int i)
{
	if (i % 5 == 0)
		return i - 1;
	return i + 1;
}
