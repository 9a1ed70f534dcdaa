/* SPDX-License-Identifier: MIT */
/*
 * known.c - value profiles known by construction, for `vitprof export`'s
 * value_sites and `vitprof show --values` (check_values_show.py):
 *   dispatch   one indirect call site: tgt_hot 900 times, tgt_cold 100
 *   divide_by  a signed division by 7, 1000 times (topn: 7 x 1000)
 *   umod       an unsigned modulo by 16, a = 0..999 (pow2: 1000 powers of
 *              2; interval of a / 16: 16 zeros, 16 ones, 968 larger)
 *   copy_n     a memcpy of 24 bytes, 1000 times (topn: 24 x 1000;
 *              average: sum 24000, count 1000)
 * The site of each (its "site:" comment) is on a line of its own.
 * First calls: main 1, dispatch 2, tgt_hot 3, divide_by 4, umod 5,
 * copy_n 6, tgt_cold 7 (i = 9), never_called 0.
 */
#include <stddef.h>
#include <string.h>

typedef int (*fn_t)(int);

__attribute__((noinline)) int tgt_hot(int x) { return x + 1; }
__attribute__((noinline)) int tgt_cold(int x) { return x - 1; }
__attribute__((noinline)) int never_called(int x) { return x * 3; }
/* Each value site on a line of its own, below its function's: the
 * "site:" comments say which sites the checker expects on the line. */
__attribute__((noinline)) int dispatch(fn_t f, int x)
{
	x += 2;
	return f(x - 2);        /* site: indirect_call 0 */
}

__attribute__((noinline)) long divide_by(long a, long b)
{
	long q;

	q = a / b;              /* site: topn 0 */
	return q;
}

__attribute__((noinline)) unsigned umod(unsigned a, unsigned b)
{
	unsigned r;

	r = a % b;              /* site: interval 0, pow2 0, topn 0 */
	return r;
}

__attribute__((noinline)) void copy_n(char *d, const char *s, size_t n)
{
	d[0] = 0;
	memcpy(d, s, n);        /* site: topn 0, average 0, ior 0 */
}

volatile long sink;
fn_t volatile spare = never_called;

int main(void)
{
	static char src[64] = "0123456789abcdef0123456789abcdef", dst[64];
	volatile long seven = 7;
	volatile unsigned sixteen = 16;
	volatile size_t size = 24;
	long acc = 0;

	for (int i = 0; i < 1000; i++) {
		acc += dispatch(i % 10 == 9 ? tgt_cold : tgt_hot, i);
		acc += divide_by(i, seven);
		acc += umod((unsigned)i, sixteen);
		copy_n(dst, src, size);
	}
	sink = acc + dst[3];
	return 0;
}
