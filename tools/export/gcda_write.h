/* SPDX-License-Identifier: MIT */
/*
 * export/gcda_write.h - the .gcda files libgcov (gcda_write.c) and
 * compiler-rt (gcda_llvm.c) would write, made offline from a raw
 * profile's arc counters, and merged into existing ones (`vitprof gcda`).
 */
#ifndef VITPROF_GCDA_WRITE_H
#define VITPROF_GCDA_WRITE_H

#include <stddef.h>
#include <stdint.h>

#include "read/gcov_files.h"
#include "read/raw_profile.h"

/*
 * The .gcda libgcov would write, made offline. The model is a struct
 * gcda_file whose functions[] has one entry per FUNCTION record in
 * gcov_info order, the empty record of a COMDAT copy the linker dropped
 * included (ident 0, n_arcs 0: gcda_slot_empty()). Free with gcda_free().
 */

/* Where serialized bytes go: returns 0, or -1 to stop (the serializer then
 * returns -1). */
typedef int (*gcda_write_fn)(void *ctx, const void *data, size_t len);

/* A growing buffer, for gcda_buffer_write (ctx); data is malloc'd. */
struct gcda_buffer {
	unsigned char *data;
	size_t size, cap;
};
int gcda_buffer_write(void *ctx, const void *data, size_t len);

/* 1 when f stands for an empty FUNCTION record (dropped COMDAT copy). */
int gcda_slot_empty(const struct gcov_counters *f);

/* Writes d as libgcov's write_one_data() does, in this machine's byte order,
 * in the layout of d->version (GCC 10 to 14). Returns 0, or -1 when write
 * failed or the version is unknown (not reported). */
int gcda_serialize(const struct gcda_file *d, gcda_write_fn write, void *ctx);

/* The largest arc counter of o (signed compare, from 0), as libgcov's
 * compute_summary() takes it; sum_max of a run is the largest over every
 * object of the loaded module. */
uint64_t gcda_object_max(const struct raw_gcov_object *o);

/* The .gcda of one run of o into *out (freed with gcda_free()): runs 1,
 * sum_max = run_max (32 bits kept, as libgcov writes it). */
void gcda_from_object(struct gcda_file *out, const struct raw_gcov_object *o,
                      uint64_t run_max);

/* An existing .gcda as a model (empty FUNCTION records kept in place), read
 * with gcda_read_mem(); one libgcov cannot merge an arcs-only run into (no
 * summary, value-profile counters, other byte order) is refused. Returns 0,
 * or -1 after reporting one line naming the file. */
int gcda_model_read_mem(struct gcda_file *out, const void *data, size_t size,
                        const char *name);
int gcda_model_read(struct gcda_file *out, const char *path);

/* Adds add to acc as libgcov merges a run into an existing file: counters
 * added, runs and sum_max added, a record empty on one side taken from the
 * other. Version, stamp, checksum, number of functions and each function's
 * ident, checksums and number of arcs must be equal, the counter sums must
 * stay within int64 and runs within 32 bits (sum_max keeps its low 32
 * bits, as libgcov); otherwise acc is left unchanged, the reason (one
 * line, no file name; "count overflow: ..." for a sum) is put in why, and
 * -1 is returned. */
int gcda_merge(struct gcda_file *acc, const struct gcda_file *add, char *why, size_t whylen);

/*
 * Writes d as compiler-rt's llvm_gcda_* calls write a new file (the
 * functions in writeout order, each FUNCTION followed by its arcs
 * counters, then a PROGRAM_SUMMARY whose only field is runs, then two zero
 * words), in this machine's byte order. Returns 0, or -1 when write failed
 * or d->version is not an LLVM layout (not reported). (gcda_llvm.c)
 */
int gcda_serialize_llvm(const struct gcda_file *d, gcda_write_fn write, void *ctx);

#endif /* VITPROF_GCDA_WRITE_H */
