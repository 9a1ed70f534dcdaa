// SPDX-License-Identifier: MIT
// names test (C++), second unit: its own dynamic initializer and its own
// copy of the header's static inline function.
#include "names_hdr.h"

static int b_seed() // DEF:b_seed
{
	return hdr_helper(10);
}

int b_global = b_seed(); // dynamic initialization

int b_entry(int n) // DEF:b_entry
{
	auto sq = [n](int x) { return x * n; }; // DEF:lambda_b
	return sq(n) + hdr_helper(n);
}
