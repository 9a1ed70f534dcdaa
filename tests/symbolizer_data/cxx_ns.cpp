// SPDX-License-Identifier: MIT
// cxx_ns.cpp - C++ names for the symbolizer's tests: namespaces, a class,
// a template, an overload.
#include <cstdio>
#include <cstdlib>

volatile int sink;

namespace app {
namespace detail {

__attribute__((noinline)) int scale(int x)
{
	sink += x;
	return x * 3;
}

__attribute__((noinline)) double scale(double x)
{
	sink += 1;
	return x * 1.5;
}

} // namespace detail

class Counter {
public:
	explicit Counter(int start) : value_(start) {}
	__attribute__((noinline)) int bump(int by);

private:
	int value_;
};

int Counter::bump(int by)
{
	value_ += detail::scale(by);
	return value_;
}

template <typename T> __attribute__((noinline)) T twice(T v)
{
	sink += 2;
	return v + v;
}

} // namespace app

int main(int argc, char **argv)
{
	app::Counter c(argc);
	int n = argc > 1 ? std::atoi(argv[1]) : 4;
	int r = c.bump(n) + app::twice(n);
	double d = app::detail::scale(1.0 * n) + app::twice(0.5);
	std::printf("%d %f\n", r, d);
	return 0;
}
