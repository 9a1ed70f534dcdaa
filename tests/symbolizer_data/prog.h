/* SPDX-License-Identifier: MIT */
/* prog.h - the symbolizer's test program: functions across two files. */
#ifndef SYMTEST_PROG_H
#define SYMTEST_PROG_H

extern int table[64];

int util_sum(int n);
int util_entry(int n);
int split_work(int n);
__attribute__((cold)) void report_cold(const char *what, int v);

#endif
