/* SPDX-License-Identifier: MIT */
/*
 * pgo_dispatch.c - a workload where profile feedback pays (bench/pgo.py):
 * a small bytecode interpreter whose opcode mix is heavily skewed, with
 * validation and error paths that never run, and helpers whose inlining
 * only pays on the hot opcodes. Static heuristics see a flat switch and
 * equally likely branches; the profile says which case, which side and
 * which call matter.
 *
 *   pgo_dispatch [SCALE]   prints a checksum (the same for every build)
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

enum op { ADD, SUB, XOR, SHL, MUL, DIV, MOD, LOAD, STORE, JNZ, CMP, MIN, MAX, ABS, HALT, N_OPS };

struct insn {
	uint8_t op, a, b;
};

static int64_t regs[16];
static int64_t mem[256];
static unsigned long errors;

static void report(const char *what, unsigned pc)
{
	errors++;
	if (errors < 3)
		fprintf(stderr, "pgo_dispatch: %s at %u\n", what, pc);
}

static int64_t checked_div(int64_t x, int64_t y, unsigned pc)
{
	if (y == 0) {
		report("division by zero", pc);
		return 0;
	}
	if (x == INT64_MIN && y == -1) {
		report("overflow", pc);
		return 0;
	}
	return x / y;
}

static int64_t run(const struct insn *code, unsigned n, unsigned long steps)
{
	unsigned pc = 0;

	while (steps--) {
		const struct insn *i = &code[pc];
		int64_t *ra = &regs[i->a & 15], rb = regs[i->b & 15];

		switch (i->op) {
		case ADD: *ra += rb; break;
		case SUB: *ra -= rb; break;
		case XOR: *ra ^= rb + 0x9e3779b97f4a7c15; break;
		case SHL: *ra = (int64_t)((uint64_t)*ra << (rb & 7)); break;
		case MUL: *ra *= rb | 1; break;
		case DIV: *ra = checked_div(*ra, rb | 1, pc); break;
		case MOD: *ra = rb ? *ra % rb : 0; break;
		case LOAD: *ra = mem[(uint64_t)rb & 255]; break;
		case STORE: mem[(uint64_t)rb & 255] = *ra; break;
		case JNZ:
			if (*ra & 1) {
				pc = (unsigned)((uint64_t)rb % n);
				continue;
			}
			break;
		case CMP: *ra = *ra < rb ? -1 : *ra > rb; break;
		case MIN: *ra = *ra < rb ? *ra : rb; break;
		case MAX: *ra = *ra > rb ? *ra : rb; break;
		case ABS: *ra = *ra < 0 ? -*ra : *ra; break;
		case HALT: return regs[0];
		default: report("bad opcode", pc); return -1;
		}
		if (++pc == n)
			pc = 0;
	}
	return regs[0];
}

/* Opcodes drawn with a skewed distribution: ADD, XOR, LOAD, JNZ dominate. */
static void generate(struct insn *code, unsigned n, uint64_t seed)
{
	static const uint8_t mix[32] = {
		ADD, ADD, ADD, ADD, ADD, ADD, XOR, XOR, XOR, XOR, LOAD, LOAD, LOAD, STORE,
		STORE, JNZ, JNZ, JNZ, SUB, SUB, SHL, MUL, ADD, XOR, LOAD, ADD, XOR, MIN,
		ADD, XOR, LOAD, CMP,
	};
	for (unsigned k = 0; k < n; k++) {
		seed = seed * 6364136223846793005ull + 1442695040888963407ull;
		code[k].op = mix[(seed >> 59) & 31];
		code[k].a = (uint8_t)(seed >> 20);
		code[k].b = (uint8_t)(seed >> 28);
	}
}

int main(int argc, char **argv)
{
	unsigned scale = argc > 1 ? (unsigned)atoi(argv[1]) : 10;
	static struct insn code[4096];
	int64_t sum = 0;

	for (unsigned r = 0; r < scale; r++) {
		for (int k = 0; k < 16; k++)
			regs[k] = k * 7 + r;
		generate(code, 4096, 12345 + r);
		sum += run(code, 4096, 2000000);
	}
	printf("%lld %lu\n", (long long)sum, errors);
	return 0;
}
