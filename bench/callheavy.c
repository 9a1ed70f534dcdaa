/* SPDX-License-Identifier: MIT */
/*
 * callheavy.c - the benchmark workload: almost nothing but calls.
 * A tiny bytecode interpreter whose opcodes are functions called through a
 * table (indirect calls, ~40 distinct call edges), plus naive recursive
 * fib (deep direct recursion). Prints a checksum so nothing is optimised out.
 *   callheavy [scale]   scale 1 = about 10 million instrumented calls
 */
#include <stdio.h>
#include <stdlib.h>

typedef long (*op_fn)(long acc, long arg);

#define OP(name, expr) \
	__attribute__((noinline)) static long name(long acc, long arg) { return (expr); }
OP(op_add, acc + arg)
OP(op_sub, acc - arg / 3)
OP(op_xor, acc ^ (arg << 3))
OP(op_mul, acc * 3 + arg)
OP(op_shr, (acc >> 1) + arg)
OP(op_neg, -acc + arg)
OP(op_and, (acc & 0xffff) + arg)
OP(op_or, (acc | arg) - 1)

static const op_fn ops[8] = {op_add, op_sub, op_xor, op_mul, op_shr, op_neg, op_and, op_or};

__attribute__((noinline)) static long run_program(const unsigned char *code, int n, long acc)
{
	int pc;
	for (pc = 0; pc < n; pc++)
		acc = ops[code[pc] & 7](acc, pc);
	return acc;
}

__attribute__((noinline)) static long fib(int n)
{
	return n < 2 ? n : fib(n - 1) + fib(n - 2);
}

int main(int argc, char **argv)
{
	int scale = argc > 1 ? atoi(argv[1]) : 1, i, r;
	unsigned char code[256];
	long acc = 1;

	for (i = 0; i < 256; i++)
		code[i] = (unsigned char)(i * 37 + 11);
	for (r = 0; r < scale; r++) {
		for (i = 0; i < 20000; i++)              /* 20000 * 257 calls */
			acc = run_program(code, 256, acc);
		acc += fib(24);                          /* 2*fib(25)-1 = 150049 calls */
	}
	printf("%ld\n", acc);
	return 0;
}
