// SPDX-License-Identifier: MIT
// Time mode across C++ exceptions: thrower() throws from 3 frames down and
// catcher() catches, N times; then main sleeps 100 ms in sleeper(). If the
// shadow stack were not unwound with the exception, the frames thrown
// through would stay open and absorb the sleep.
#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <time.h>

__attribute__((noinline)) void thrower(int depth)
{
	if (depth == 0)
		throw std::runtime_error("boom");
	thrower(depth - 1);
}

__attribute__((noinline)) int catcher(int i)
{
	try {
		thrower(3);
	} catch (const std::exception &) {
		return i & 1;
	}
	return -1;
}

__attribute__((noinline)) void sleeper()
{
	struct timespec ts = {0, 100 * 1000 * 1000};
	nanosleep(&ts, nullptr);
}

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 1000, s = 0;
	for (int i = 0; i < n; i++)
		s += catcher(i);
	sleeper();
	std::printf("%d\n", s);
	return 0;
}
