// SPDX-License-Identifier: MIT
// names test (C++): the functions whose DWARF says little about them.
// Two lambdas of one function with the same signature, two more on one
// line, a function template instantiated twice, a static function (no
// linkage name in DWARF) and a dynamic initializer of a global (GCC's
// _GLOBAL__sub_I_* and __static_initialization_and_destruction_0). Each
// definition line carries a DEF: marker the checker looks for.
#include "names_hdr.h"

#include <cstdio>
#include <cstdlib>

template <typename T>
T twice(T x) // DEF:twice
{
	return x + x;
}

static int compute_seed(int k) // DEF:compute_seed
{
	return std::atoi("5") + k;
}

int main_global = compute_seed(2); // dynamic initialization

int main(int argc, char **argv) // DEF:main
{
	auto first = [](int x) { return x + 1; };  // DEF:lambda_first
	auto second = [](int x) { return x * 2; }; // DEF:lambda_second
	int (*l)(int) = [](int x) { return x - 1; }, (*r)(int) = [](int x) { return x + 7; }; // DEF:lambda_pair
	int s = 0;
	for (int i = 0; i < 3; i++)
		s += first(i);
	for (int i = 0; i < 5; i++)
		s += second(i);
	s += l(argc) + r(argc) + r(argc);
	s += twice<int>(argc) + (int)twice<double>(1.5) + twice<int>(4);
	s += hdr_helper(argc) + b_entry(4);
	std::printf("%d %d %d\n", s, main_global, b_global);
	return 0;
}
