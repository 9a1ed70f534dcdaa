/* SPDX-License-Identifier: MIT */
#ifndef PGO_H
#define PGO_H
#include <stddef.h>
unsigned long pgo_scan(const char *s, size_t n);
unsigned long pgo_numbers(unsigned long seed, unsigned n);
unsigned long pgo_unused(unsigned long x);
unsigned long pgo_cold(const char *why);
#endif
