/* SPDX-License-Identifier: MIT */
/* helpers.c: built without instrumentation, so that a test's choices
 * (die or not, dump here) do not change the counters of the code under test. */
#ifndef GCOVRT_HELPERS_H
#define GCOVRT_HELPERS_H
#include <sys/types.h>
__attribute__((noreturn)) void gcovrt_die(void);         /* SIGKILL if GCOVRT_KILL, else exit(0) */
void gcovrt_reset(void);                                 /* __gcov_reset() */
__attribute__((noreturn)) void gcovrt_dump_exit(void);   /* __gcov_dump(); _exit(0) */
pid_t gcovrt_fork(void);     /* GCOVRT_PLAIN_FORK set: fork(); else __gcov_fork() */
void gcovrt_set_file(void);  /* vitprof_set_file(GCOVRT_NEWFILE) when linked with vitprof */
#endif
