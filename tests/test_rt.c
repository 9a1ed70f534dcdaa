/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of the runtime, linked with the static library and driving the
 * hooks by hand with synthetic addresses. Each test runs in its own process
 * (one ctest per test), so each starts the runtime afresh.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "rt_internal.h"
#include "vitprof.h"
#include "vp_test.h"

void __cyg_profile_func_enter(void *fn, void *site);
void __cyg_profile_func_exit(void *fn, void *site);

static char scratch[512];

/* Starts the runtime on a fresh file in the test's scratch directory. */
static void start(const char *name, const char *mode)
{
	snprintf(scratch, sizeof scratch, "%s/rt-%s-%d.vitraw", vp_test_dir(), name, (int)getpid());
	setenv("VITPROF_FILE", scratch, 1);
	setenv("VITPROF_MODE", mode, 1);
	unlink(scratch);
}

/* Addresses inside this executable, so module checks find them known. */
static void *fn_addr(unsigned i) { return (char *)(uintptr_t)&start + 16u * i; }
static void *site_addr(unsigned i) { return (char *)(uintptr_t)&start + 7u + 5u * i; }

static uint64_t *lookup(uintptr_t site, uintptr_t fn)
{
	struct vpr_edges *t = rt_tls.shard->table;
	unsigned char *slots = (unsigned char *)t + t->entries_offset;
	uint64_t i;

	for (i = 0; i < t->capacity; i++) {
		uint64_t *e = (uint64_t *)(slots + i * t->entry_size);
		if (e[0] == site && e[1] == fn)
			return e;
	}
	return NULL;
}

static uint64_t count_of(void *site, void *fn)
{
	uint64_t *e = lookup((uintptr_t)site, (uintptr_t)fn);
	return e ? e[2] : 0;
}

VP_TEST(path, expands_patterns)
{
	char out[256], want[256];

	rt_expand_path(out, sizeof out, "a-%p-%%-%q.vitraw");
	snprintf(want, sizeof want, "a-%d-%%-%%q.vitraw", (int)getpid());
	CU_ASSERT_STRING_EQUAL(out, want);
	rt_expand_path(out, sizeof out, "%e.raw");
	CU_ASSERT_STRING_EQUAL(out, "test_rt.raw");
	CU_ASSERT_EQUAL(rt_expand_path(out, 8, "0123456789"), 0);
	CU_ASSERT_EQUAL(rt_expand_path(out, sizeof out, "trailing%"), 9);
	CU_ASSERT_STRING_EQUAL(out, "trailing%");
}

VP_TEST(path, decimal)
{
	char b[24];

	rt_u64_to_dec(b, 0);
	CU_ASSERT_STRING_EQUAL(b, "0");
	rt_u64_to_dec(b, UINT64_MAX);
	CU_ASSERT_STRING_EQUAL(b, "18446744073709551615");
}

VP_TEST(hooks, exact_counts_and_growth)
{
	unsigned i, j;

	start("growth", "count");
	/* 20000 distinct edges, edge (i, j) called j + 1 times: the table
	 * grows several generations under the calls. */
	for (j = 0; j < 3; j++)
		for (i = 0; i < 20000; i++) {
			unsigned k;
			for (k = 0; k <= j; k++)
				__cyg_profile_func_enter(fn_addr(i), site_addr(j));
		}
	CU_ASSERT(rt_tls.shard->table->generation >= 2);
	CU_ASSERT_EQUAL(rt_tls.shard->table->n_used, 60000);
	for (i = 0; i < 20000; i += 997)
		for (j = 0; j < 3; j++)
			CU_ASSERT_EQUAL(count_of(site_addr(j), fn_addr(i)), j + 1);
	CU_ASSERT_EQUAL(rt_tls.shard->table->lost_calls, 0);
	CU_ASSERT_EQUAL(rt_tls.shard->table->live, 1);
}

VP_TEST(hooks, million_edges_with_defaults)
{
	unsigned f, k;

	start("million", "count");
	/* 100k functions, each called from 10 sites: 1M distinct edges, all
	 * with the default configuration. */
	for (f = 0; f < 100000; f++)
		for (k = 0; k < 10; k++)
			__cyg_profile_func_enter(fn_addr(f), site_addr(f + 3 * k));
	__cyg_profile_func_enter(fn_addr(99999), site_addr(99999 + 27));
	CU_ASSERT_EQUAL(rt_tls.shard->table->n_used, 1000000);
	CU_ASSERT_EQUAL(rt_tls.shard->table->lost_calls, 0);
	CU_ASSERT_EQUAL(rt_g.hdr->lost_sections, 0);
	CU_ASSERT_EQUAL(count_of(site_addr(0), fn_addr(0)), 1);
	CU_ASSERT_EQUAL(count_of(site_addr(99999 + 27), fn_addr(99999)), 2);
	unlink(scratch);
}

VP_TEST(hooks, guard_counts_reentry_as_lost)
{
	start("guard", "count");
	__cyg_profile_func_enter(fn_addr(1), site_addr(1));
	rt_tls.busy = 1;            /* as if a signal arrived inside a hook */
	__cyg_profile_func_enter(fn_addr(1), site_addr(1));
	__cyg_profile_func_enter(fn_addr(2), site_addr(1));
	rt_tls.busy = 0;
	CU_ASSERT_EQUAL(count_of(site_addr(1), fn_addr(1)), 1);
	CU_ASSERT_EQUAL(count_of(site_addr(1), fn_addr(2)), 0);
	CU_ASSERT_EQUAL(rt_tls.shard->table->lost_calls, 2);
}

VP_TEST(hooks, errno_preserved)
{
	unsigned i;

	start("errno", "time");
	for (i = 0; i < 5000; i++) {   /* inserts, growth, module checks */
		errno = 1234;
		__cyg_profile_func_enter(fn_addr(i), site_addr(i));
		CU_ASSERT_EQUAL_FATAL(errno, 1234);
		__cyg_profile_func_exit(fn_addr(i), site_addr(i));
		CU_ASSERT_EQUAL_FATAL(errno, 1234);
	}
}

VP_TEST(time, nesting_and_longjmp_recovery)
{
	uint64_t *e;

	start("time", "time");
	/* a -> b -> c, then an exit of a (c and b skipped, as by longjmp). */
	__cyg_profile_func_enter(fn_addr(1), site_addr(0));
	__cyg_profile_func_enter(fn_addr(2), site_addr(1));
	__cyg_profile_func_enter(fn_addr(3), site_addr(2));
	CU_ASSERT_EQUAL(rt_tls.shard->depth, 3);
	__cyg_profile_func_exit(fn_addr(1), site_addr(0));
	CU_ASSERT_EQUAL(rt_tls.shard->depth, 0);
	/* An exit with no frame is counted, not fatal. */
	__cyg_profile_func_exit(fn_addr(9), site_addr(9));
	CU_ASSERT_EQUAL(rt_tls.shard->table->lost_frames, 1);
	/* Recursion: a -> a -> a; the function total counts the outer one. */
	__cyg_profile_func_enter(fn_addr(1), site_addr(0));
	__cyg_profile_func_enter(fn_addr(1), site_addr(5));
	__cyg_profile_func_enter(fn_addr(1), site_addr(5));
	__cyg_profile_func_exit(fn_addr(1), site_addr(5));
	__cyg_profile_func_exit(fn_addr(1), site_addr(5));
	__cyg_profile_func_exit(fn_addr(1), site_addr(0));
	e = lookup(VPR_SITE_FUNCTION, (uintptr_t)fn_addr(1));
	CU_ASSERT_PTR_NOT_NULL_FATAL(e);
	CU_ASSERT_EQUAL(e[2], 0);                       /* active depth back to 0 */
	{
		uint64_t *outer = lookup((uintptr_t)site_addr(0), (uintptr_t)fn_addr(1));
		uint64_t *inner = lookup((uintptr_t)site_addr(5), (uintptr_t)fn_addr(1));
		CU_ASSERT_EQUAL(outer[2], 2);
		CU_ASSERT_EQUAL(inner[2], 2);
		/* function total = the outermost activations only */
		CU_ASSERT(e[3] <= outer[3]);
		CU_ASSERT(inner[3] <= outer[3]);
		CU_ASSERT(outer[4] <= outer[3]);
	}
}

VP_TEST(api, reset_dump_set_file)
{
	char path[512], moved[600];
	struct stat st;

	start("api", "count");
	__cyg_profile_func_enter(fn_addr(1), site_addr(1));
	__cyg_profile_func_enter(fn_addr(1), site_addr(1));
	CU_ASSERT_EQUAL(vitprof_get_file(path, sizeof path), 0);
	CU_ASSERT_STRING_EQUAL(path, scratch);
	CU_ASSERT_EQUAL(vitprof_dump(), 0);
	CU_ASSERT_EQUAL(vitprof_reset(), 0);
	CU_ASSERT_EQUAL(count_of(site_addr(1), fn_addr(1)), 0);
	__cyg_profile_func_enter(fn_addr(1), site_addr(1));
	snprintf(moved, sizeof moved, "%s.moved-%%p", scratch);
	CU_ASSERT_EQUAL(vitprof_set_file(moved), 0);
	CU_ASSERT_EQUAL(stat(scratch, &st), -1);        /* old file removed */
	CU_ASSERT_EQUAL(vitprof_get_file(path, sizeof path), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(path, ".moved-"));
	CU_ASSERT_EQUAL(stat(path, &st), 0);
	CU_ASSERT_EQUAL(st.st_mode & 0777, 0600);
	/* Counts came along, and counting goes on into the new file. */
	CU_ASSERT_EQUAL(count_of(site_addr(1), fn_addr(1)), 1);
	__cyg_profile_func_enter(fn_addr(1), site_addr(1));
	CU_ASSERT_EQUAL(count_of(site_addr(1), fn_addr(1)), 2);
	CU_ASSERT_EQUAL(rt_g.hdr->flags & VPR_FLAG_MOVED, VPR_FLAG_MOVED);
	CU_ASSERT_EQUAL(vitprof_get_file(path, 3), -1);
	CU_ASSERT_EQUAL(errno, ERANGE);
	CU_ASSERT_EQUAL(vitprof_set_file(""), -1);
	unlink(path);
}

VP_TEST(api, no_file_then_rescued)
{
	char path[512];

	/* Under a device: no directory can be made there (missing ones are). */
	setenv("VITPROF_FILE", "/dev/null/no-dir/x.vitraw", 1);
	setenv("VITPROF_MODE", "count", 1);
	__cyg_profile_func_enter(fn_addr(1), site_addr(1));
	CU_ASSERT_EQUAL(vitprof_get_file(path, sizeof path), -1);
	CU_ASSERT_EQUAL(count_of(site_addr(1), fn_addr(1)), 1);  /* counted in memory */
	CU_ASSERT(rt_g.hdr->lost_sections > 0);
	snprintf(path, sizeof path, "%s/rt-rescued-%d.vitraw", vp_test_dir(), (int)getpid());
	CU_ASSERT_EQUAL(vitprof_set_file(path), 0);
	CU_ASSERT_EQUAL(rt_g.hdr->lost_sections, 0);
	CU_ASSERT_EQUAL(count_of(site_addr(1), fn_addr(1)), 1);
	unlink(path);
}

VP_TEST(api, refuses_symlink)
{
	char target[512], link[512];
	FILE *f;

	snprintf(target, sizeof target, "%s/rt-victim-%d", vp_test_dir(), (int)getpid());
	snprintf(link, sizeof link, "%s/rt-link-%d.vitraw", vp_test_dir(), (int)getpid());
	f = fopen(target, "w");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	fputs("precious\n", f);
	fclose(f);
	unlink(link);
	CU_ASSERT_EQUAL_FATAL(symlink(target, link), 0);
	setenv("VITPROF_FILE", link, 1);
	__cyg_profile_func_enter(fn_addr(1), site_addr(1));
	/* O_EXCL|O_NOFOLLOW: the symlink itself is replaced, never followed. */
	{
		char buf[32] = {0};
		f = fopen(target, "r");
		CU_ASSERT_PTR_NOT_NULL_FATAL(f);
		CU_ASSERT_PTR_NOT_NULL(fgets(buf, sizeof buf, f));
		fclose(f);
		CU_ASSERT_STRING_EQUAL(buf, "precious\n");
	}
	unlink(link);
	unlink(target);
}
