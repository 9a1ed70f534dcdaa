/* SPDX-License-Identifier: MIT */
/*
 * rt_gcov.h - libgcov's structures as the compiler emits them, and the one
 * way into vitprof's gcov recording (rt_gcov.c) for code that describes a
 * compilation unit itself (clang's --coverage entry points).
 *
 * The compiler's emitter must match these declarations (libgcc/libgcov.h);
 * struct gcov_info differs between GCC versions and is read through a
 * struct rt_gcov_layout chosen from its version word.
 */
#ifndef VITPROF_RT_GCOV_H
#define VITPROF_RT_GCOV_H

#include <stddef.h>
#include <stdint.h>

struct gcov_info;

struct gcov_ctr_info {
	uint32_t num;                /* counters of this kind */
	int64_t *values;
};

struct gcov_fn_info {
	const struct gcov_info *key; /* the gcov_info that owns it; else a
	                                COMDAT copy the linker dropped */
	uint32_t ident;
	uint32_t lineno_checksum;
	uint32_t cfg_checksum;
	struct gcov_ctr_info ctrs[]; /* one per kind with merge[t] != NULL */
};

/*
 * struct gcov_info, LP64 offsets:
 *   u32 version @0, next @8, u32 stamp @16, [u32 checksum @20, GCC >= 12],
 *   filename @24, merge[n_kinds] @32, u32 n_functions, functions.
 * (GCC 10/11 have no checksum, but the pointer after stamp is aligned to 24
 * all the same.)
 */
struct rt_gcov_layout {
	unsigned n_kinds;            /* counter kinds (merge[] entries) */
	int has_checksum;
	size_t off_n_functions, off_functions;
};

/* GCC 12's gcov_info as a C struct (layout rt_gcov_layout_gcc12), for a
 * caller that builds one itself. */
struct rt_gcov_info12 {
	uint32_t version;
	const void *next;            /* rt_gcov.c marks registered infos here */
	uint32_t stamp;
	uint32_t checksum;
	const char *filename;
	void (*merge[8])(int64_t *, uint32_t);
	uint32_t n_functions;
	const struct gcov_fn_info *const *functions;
};

extern const struct rt_gcov_layout rt_gcov_layout_gcc12;

/*
 * Registers one compilation unit read through layout lay, whatever its
 * version word says: its counters are recorded (in place when they lie in
 * the object's .vitprof_arcs section, else copied at exit, dump and exec)
 * and a VPR_SEC_GCOV record names them, with gi's version, stamp, checksum
 * and filename as they are. in_object is an address inside the loaded
 * object the unit belongs to (code or data of it: gi itself may live
 * elsewhere); the unit is forgotten when that object is unloaded. gi and
 * everything it points to must stay valid while the unit is loaded.
 * Caller holds rt_g.lock and has run rt_init().
 */
void rt_gcov_register(struct gcov_info *gi, const struct rt_gcov_layout *lay,
                      const void *in_object);

/* __gcov_init(info) (rt_gcov_api.c): rt_gcov_register() with the layout
 * info's version word names. Caller holds rt_g.lock and has run rt_init(). */
void rt_gcov_init_unit(struct gcov_info *info);

/* llvm_gcov_init(writeout, reset) (rt_gcov_api.c) once rt_init() has run:
 * registers every file a clang --coverage unit's writeout describes
 * (rt_llvm_gcov.c). Takes rt_g.lock. */
void rt_llvm_gcov_register(void (*writeout)(void));

/* GCC's counter kinds (gcc/gcov-counter.def). */
#define RT_GCOV_ARCS 0u
#define RT_GCOV_TOPN 3u
#define RT_GCOV_INDIRECT 4u

/* Value profiling (rt_gcov_values.c). */

/* Reserves arena room for n more topn entries (a unit with n / 32 topn
 * sites registered). Caller holds rt_g.lock. */
void rt_values_reserve(uint64_t n);
/* In a fork child: the arena's chunks moved to the child's file empty. */
void rt_values_after_fork_child(void);

#endif /* VITPROF_RT_GCOV_H */
