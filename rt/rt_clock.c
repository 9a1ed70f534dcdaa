/* SPDX-License-Identifier: MIT */
/*
 * rt_clock.c - the time source of time and trace modes.
 *
 * With an invariant TSC (CPUID 0x80000007 EDX bit 8) a tick is one rdtsc
 * count, the cheapest timestamp there is; otherwise a tick is one
 * CLOCK_MONOTONIC nanosecond. The header keeps two (tick, ns) pairs, so the
 * tool converts ticks to nanoseconds: one taken at start, one refreshed at
 * every section allocation, dump and exit; and the wall time of the first
 * pair (anchor_realtime_ns).
 */
#include <time.h>

#include "rt_internal.h"

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#include <x86intrin.h>
#endif

int rt_clock_is_tsc;

static uint64_t monotonic_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static int has_invariant_tsc(void)
{
#if defined(__x86_64__) || defined(__i386__)
	unsigned a, b, c, d;

	if (!__get_cpuid(0x80000000u, &a, &b, &c, &d) || a < 0x80000007u)
		return 0;
	__get_cpuid(0x80000007u, &a, &b, &c, &d);
	return (d >> 8) & 1u;
#else
	return 0;
#endif
}

uint64_t rt_clock_now(void)
{
#if defined(__x86_64__) || defined(__i386__)
	if (RT_LIKELY(rt_clock_is_tsc))
		return __rdtsc();
#endif
	return monotonic_ns();
}

/* Records a (tick, ns) pair taken as close together as possible. */
static void clock_pair(uint64_t *tick, uint64_t *ns)
{
	uint64_t t0 = rt_clock_now();
	uint64_t n = monotonic_ns();
	uint64_t t1 = rt_clock_now();

	*tick = t0 + (t1 - t0) / 2;
	*ns = n;
}

/*
 * Chooses the clock and takes the first calibration pair. In time mode it
 * also waits about 2 ms for a second pair, so that a program killed early
 * still has a usable tick rate.
 */
void rt_clock_init(struct vpr_file_header *hdr, int timed)
{
	struct timespec rt;

	rt_clock_is_tsc = has_invariant_tsc();
	hdr->clock = rt_clock_is_tsc ? VPR_CLOCK_TSC : VPR_CLOCK_MONOTONIC;
	clock_gettime(CLOCK_REALTIME, &rt);
	hdr->start_realtime_ns = (uint64_t)rt.tv_sec * 1000000000u + (uint64_t)rt.tv_nsec;
	clock_pair(&hdr->calib_tick0, &hdr->calib_ns0);
	/* Wall time of calib_ns0 (traces of several processes line up). */
	clock_gettime(CLOCK_REALTIME, &rt);
	hdr->anchor_realtime_ns = (uint64_t)rt.tv_sec * 1000000000u + (uint64_t)rt.tv_nsec -
	                          (monotonic_ns() - hdr->calib_ns0);
	if (timed && rt_clock_is_tsc) {
		uint64_t until = hdr->calib_ns0 + 2000000u;
		while (monotonic_ns() < until)
			;
	}
	rt_clock_mark(hdr);
}

/*
 * ns nanoseconds as ticks of hdr's clock, by its calibration so far
 * (rounded up; ns itself when the clock is not calibrated).
 */
uint64_t rt_clock_ticks_of_ns(const struct vpr_file_header *hdr, uint64_t ns)
{
	uint64_t dns, dtick;
	const char *why;

	if (!vpr_tick_rate(hdr, &dns, &dtick, &why))
		return ns;
	return (uint64_t)(((unsigned __int128)ns * dtick + dns - 1) / dns);
}

/* Refreshes the second calibration pair and the end time. */
void rt_clock_mark(struct vpr_file_header *hdr)
{
	struct timespec rt;
	uint64_t tick, ns;

	clock_pair(&tick, &ns);
	clock_gettime(CLOCK_REALTIME, &rt);
	hdr->calib_tick1 = tick;
	hdr->calib_ns1 = ns;
	hdr->end_realtime_ns = (uint64_t)rt.tv_sec * 1000000000u + (uint64_t)rt.tv_nsec;
}
