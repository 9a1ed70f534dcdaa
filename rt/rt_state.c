/* SPDX-License-Identifier: MIT */
/*
 * rt_state.c - the runtime's state: rt_g, process-wide (fields after its
 * lock guarded by it), and rt_tls, the hot path's per-thread block
 * (rt_internal.h). The bottom of the runtime: every other file reads them,
 * this one calls nothing.
 */
#include "rt_internal.h"

struct rt_global rt_g = {
	.fd = -1,
	.lock = PTHREAD_MUTEX_INITIALIZER,
};

RT_TLS struct rt_tls rt_tls;
