// SPDX-License-Identifier: MIT
// throw.cc - C++ exceptions: calls whose other exits go to catch handlers
// are gcov's "throw" branches, and blocks reached only through them are
// exceptional (they do not mark a line as having unexecuted blocks).
#include <cstdio>
#include <stdexcept>

static int risky(int x)
{
	if (x % 3 == 0)
		throw std::runtime_error("three");
	return x * 2;
}

struct Guard {
	int *n;
	explicit Guard(int *p) : n(p) { ++*n; }
	~Guard() { --*n; }
};

static int wrapped(int x, int *live)
{
	Guard g(live);
	return risky(x) + risky(x + 1);
}

int main()
{
	int acc = 0, live = 0;

	for (int i = 0; i < 10; i++) {
		try {
			acc += wrapped(i, &live);
		} catch (const std::runtime_error &e) {
			acc -= 1;
		}
	}
	std::printf("%d %d\n", acc, live);
	return 0;
}
