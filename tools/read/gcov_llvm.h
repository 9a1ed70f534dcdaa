/* SPDX-License-Identifier: MIT */
/*
 * read/gcov_llvm.h - clang's --coverage files: the GCC 4.7-4.9 layout clang
 * writes by default (version word "408*" from clang 14 to 16), read by
 * gcno_read.c and gcda_read.c through the shared cursor, and the .gcda
 * compiler-rt's GCDAProfiling.c writes, made offline by gcda_llvm.c
 * (export/gcda_write.h).
 * GCC's own files never use these version words in practice: vitprof reads
 * GCC 10 to 14 only.
 */
#ifndef VITPROF_GCOV_LLVM_H
#define VITPROF_GCOV_LLVM_H

#include <stdint.h>

#include "read/gcov_files.h"

/* The cursor's major (struct gcov_cursor) for this layout: lengths and
 * strings in words, no header checksum, no cwd in the .gcno. */
#define GCOV_MAJOR_LLVM 4u

/* 1 when version is "407*", "408*" or "409*": the layout LLVM writes for
 * versions 4.7 to 7.x (FUNCTION without the artificial flag, columns and
 * end line; BLOCKS one flags word per block; the .gcda's FUNCTION with
 * both checksums). 0 otherwise. */
int gcov_version_is_llvm(uint32_t version);   /* gcov_io.c */

#endif /* VITPROF_GCOV_LLVM_H */
