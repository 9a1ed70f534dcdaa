/* SPDX-License-Identifier: MIT */
/*
 * rt_gcov_object.c - the part of libgcov that is state of one loaded
 * object: the time profiler's clock, which -fprofile-generate code reads
 * and increments directly (`if (!c[0]) c[0] = ++__gcov_time_profiler_counter`).
 *
 * libgcov is a static archive and defines this counter hidden, so every
 * executable and shared library numbers the first calls of its own
 * functions from 1. (Its indirect-call pair and profiler, by contrast, are
 * exported and so shared by the whole process; they live in the runtime,
 * rt_gcov_values.c.) To give the same profiles, this file is built twice:
 *
 *   libvitprof_gcov.a   a hidden definition, linked into each instrumented
 *                       object before the runtime (vitprof flags --link):
 *                       one clock per object, exactly as libgcov.
 *   libvitprof_rt.so/.a an exported one: the fallback for an object linked
 *                       with the runtime alone, which then shares one clock
 *                       with every such object (documented in gcda.md).
 */
#include <stdint.h>

#ifdef VITPROF_GCOV_OBJECT
#define OBJ_VIS __attribute__((visibility("hidden")))
#else
#define OBJ_VIS __attribute__((visibility("default")))
#endif

extern int64_t __gcov_time_profiler_counter OBJ_VIS;
int64_t __gcov_time_profiler_counter;
