/* SPDX-License-Identifier: MIT */
/*
 * fns.h - 640 distinct instrumented functions fn_000 .. fn_639 and a table
 * of them, for the fault-injection programs: one call site calling all of
 * them makes 640 edges, so a thread's edge table (1024 slots, grown when
 * half full) must grow at least once. fn_NNN(x) returns x + 1NNN.
 */
#ifndef FAULTS_FNS_H
#define FAULTS_FNS_H

#define FAULTS_NF 640

#define D10(F, p) F(p##0) F(p##1) F(p##2) F(p##3) F(p##4) \
                  F(p##5) F(p##6) F(p##7) F(p##8) F(p##9)
#define D100(F, p) D10(F, p##0) D10(F, p##1) D10(F, p##2) D10(F, p##3) D10(F, p##4) \
                   D10(F, p##5) D10(F, p##6) D10(F, p##7) D10(F, p##8) D10(F, p##9)
#define D640(F) D100(F, 0) D100(F, 1) D100(F, 2) D100(F, 3) D100(F, 4) D100(F, 5) \
                D10(F, 60) D10(F, 61) D10(F, 62) D10(F, 63)

#define FAULTS_DEFINE(n) __attribute__((noinline)) long fn_##n(long x) { return x + 1##n; }
#define FAULTS_ENTRY(n) fn_##n,

D640(FAULTS_DEFINE)

static long (*const faults_fns[FAULTS_NF])(long) = { D640(FAULTS_ENTRY) };

/* The sum of fn_k(x) over every k: FAULTS_NF * x + sum of (1000 + k). */
#define FAULTS_SWEEP_SUM(x) ((long)FAULTS_NF * (x) + 1000L * FAULTS_NF + \
                             (long)FAULTS_NF * (FAULTS_NF - 1) / 2)
#endif
