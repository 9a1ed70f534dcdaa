/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of the record-time filters (rt_filter.c) and the NAMES table
 * (rt_names.c), linked with the static runtime: the glob matcher, the
 * parser of VITPROF_FILTER (bad terms reported on stderr, good ones kept),
 * rt_filter_fn's verdicts on this program's static functions (found in
 * its .symtab only) and on a shared library's (@MODULE), on scopes, and
 * VITPROF_TRACE_START. Each test runs in its own process.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "rt_internal.h"
#include "vitprof.h"
#include "vp_test.h"

int marks_lib_fn(int x);

static volatile int sink;

/* Static: named by .symtab only, never exported. */
__attribute__((noinline)) static void filt_alpha(void) { sink++; }
__attribute__((noinline)) static void filt_beta(void) { sink += 2; }
__attribute__((noinline)) static void other_gamma(void) { sink += 3; }

static void start(const char *name, const char *filter, const char *trace_start)
{
	char path[512];

	snprintf(path, sizeof path, "%s/marks-%s-%d.vitraw", vp_test_dir(), name, (int)getpid());
	setenv("VITPROF_FILE", path, 1);
	setenv("VITPROF_MODE", "count", 1);
	if (filter)
		setenv("VITPROF_FILTER", filter, 1);
	else
		unsetenv("VITPROF_FILTER");
	if (trace_start)
		setenv("VITPROF_TRACE_START", trace_start, 1);
	else
		unsetenv("VITPROF_TRACE_START");
	rt_init();
	rt_g.trace_on = 1;
}

/* Runs rt_filter_init() with stderr going to a file; returns what it wrote. */
static const char *filter_init_stderr(void)
{
	static char buf[4096];
	char path[512];
	int fd, saved = dup(2);
	ssize_t n;

	snprintf(path, sizeof path, "%s/stderr-%d.txt", vp_test_dir(), (int)getpid());
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	CU_ASSERT_FATAL(fd >= 0);
	dup2(fd, 2);
	rt_filter_init();
	dup2(saved, 2);
	close(saved);
	n = pread(fd, buf, sizeof buf - 1, 0);
	buf[n > 0 ? n : 0] = '\0';
	close(fd);
	unlink(path);
	return buf;
}

static unsigned lines(const char *s)
{
	unsigned n = 0;

	for (; *s; s++)
		n += *s == '\n';
	return n;
}

VP_TEST(glob, matches)
{
	static const struct { const char *pat, *s; int want; } cases[] = {
		{"foo", "foo", 1}, {"foo", "foobar", 0}, {"foo*", "foobar", 1},
		{"*bar", "foobar", 1}, {"*o*a*", "foobar", 1}, {"f?o", "foo", 1},
		{"f?o", "fo", 0}, {"*", "", 1}, {"", "", 1}, {"", "x", 0},
		{"a*b*c", "aXXbYYc", 1}, {"a*b*c", "aXXbYY", 0}, {"a*b", "abab", 1},
		{"[abc]x", "bx", 1}, {"[abc]x", "dx", 0}, {"[a-c]x", "cx", 1},
		{"[!a-c]x", "dx", 1}, {"[^a-c]x", "ax", 0}, {"[]]", "]", 1},
		{"\\*", "*", 1}, {"\\*", "a", 0}, {"lib*.so*", "libc.so.6", 1},
		{"_ZN*parse*", "_ZN3foo5parseEv", 1}, {"**x", "abx", 1}, {"[a-", "[a-", 1},
	};
	size_t i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		int got = rt_glob_match(cases[i].pat, cases[i].s);
		if (got != cases[i].want)
			fprintf(stderr, "glob '%s' on '%s': %d\n", cases[i].pat, cases[i].s, got);
		CU_ASSERT_EQUAL(got, cases[i].want);
	}
}

VP_TEST(filter, parser_reports_bad_terms)
{
	const char *err;

	start("parse", " filt_* , -filt_beta,depth=4,time=20us,bad[x,depth=x,time=5xs,-,@,"
	      "depth=0,,time=3", NULL);
	err = filter_init_stderr();
	CU_ASSERT_EQUAL(lines(err), 6);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "vitprof: VITPROF_FILTER: bad term 'bad[x' ignored"));
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "'depth=x'"));
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "'time=5xs'"));
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "'-'"));
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "'@'"));
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "'depth=0'"));
	CU_ASSERT_PTR_NULL(strstr(err, "filt_"));
	/* the good terms are kept; the last time= wins (3 ns, no suffix) */
	CU_ASSERT_EQUAL(rt_g.filter_depth, 4);
	CU_ASSERT_EQUAL(rt_g.filter_min_ns, 3);
	CU_ASSERT_EQUAL(rt_g.filter_active, 1);
	CU_ASSERT_EQUAL(rt_g.filter_include, 1);
	CU_ASSERT_EQUAL(rt_g.trace_on, 1);
	CU_ASSERT_EQUAL(rt_filter_fn((uintptr_t)&filt_alpha), VPR_TRACE_FN_INCLUDE);
	/* exclusion wins over the include term that matches too */
	CU_ASSERT_EQUAL(rt_filter_fn((uintptr_t)&filt_beta), VPR_TRACE_FN_EXCLUDE);
	CU_ASSERT_EQUAL(rt_filter_fn((uintptr_t)&other_gamma), 0);
	/* an address inside a function is that function */
	CU_ASSERT_EQUAL(rt_filter_fn((uintptr_t)&filt_alpha + 1), VPR_TRACE_FN_INCLUDE);
}

VP_TEST(filter, durations)
{
	start("durations", "time=7s", NULL);
	CU_ASSERT_EQUAL(lines(filter_init_stderr()), 0);
	CU_ASSERT_EQUAL(rt_g.filter_min_ns, 7000000000ull);
	/* depth and time alone: nothing for rt_filter_fn to say */
	CU_ASSERT_EQUAL(rt_g.filter_active, 0);
	setenv("VITPROF_FILTER", "time=15ms,time=99999999999999999999s", 1);
	CU_ASSERT_EQUAL(lines(filter_init_stderr()), 1);
	CU_ASSERT_EQUAL(rt_g.filter_min_ns, 15000000ull);
}

VP_TEST(filter, none_is_inactive)
{
	start("none", NULL, NULL);
	CU_ASSERT_EQUAL(lines(filter_init_stderr()), 0);
	CU_ASSERT_EQUAL(rt_g.filter_active, 0);
	CU_ASSERT_EQUAL(rt_g.filter_include, 0);
	CU_ASSERT_EQUAL(rt_g.filter_depth, 0);
	CU_ASSERT_EQUAL(rt_g.trace_on, 1);
	CU_ASSERT_EQUAL(rt_filter_fn((uintptr_t)&filt_alpha), 0);
}

VP_TEST(filter, modules)
{
	start("modules", "@libvpmarks*", NULL);
	CU_ASSERT_EQUAL(lines(filter_init_stderr()), 0);
	CU_ASSERT_EQUAL(marks_lib_fn(1), 4);
	CU_ASSERT_EQUAL(rt_filter_fn((uintptr_t)&marks_lib_fn), VPR_TRACE_FN_INCLUDE);
	CU_ASSERT_EQUAL(rt_filter_fn((uintptr_t)&filt_alpha), 0);
	setenv("VITPROF_FILTER", "-@libvpmarks*,filt_alpha", 1);
	CU_ASSERT_EQUAL(lines(filter_init_stderr()), 0);
	CU_ASSERT_EQUAL(rt_filter_fn((uintptr_t)&marks_lib_fn), VPR_TRACE_FN_EXCLUDE);
	CU_ASSERT_EQUAL(rt_filter_fn((uintptr_t)&filt_alpha), VPR_TRACE_FN_INCLUDE);
	/* the library's function by name, from its .symtab or .dynsym */
	setenv("VITPROF_FILTER", "marks_lib_*", 1);
	CU_ASSERT_EQUAL(lines(filter_init_stderr()), 0);
	CU_ASSERT_EQUAL(rt_filter_fn((uintptr_t)&marks_lib_fn), VPR_TRACE_FN_INCLUDE);
	CU_ASSERT_EQUAL(rt_filter_fn((uintptr_t)&other_gamma), 0);
}

VP_TEST(filter, trace_start)
{
	start("trace_start", NULL, "other_g*");
	CU_ASSERT_EQUAL(lines(filter_init_stderr()), 0);
	CU_ASSERT_EQUAL(rt_g.trace_on, 0);
	CU_ASSERT_EQUAL(rt_g.filter_active, 1);
	CU_ASSERT_EQUAL(rt_g.filter_include, 0);
	CU_ASSERT_EQUAL(rt_filter_fn((uintptr_t)&other_gamma), VPR_TRACE_FN_START);
	CU_ASSERT_EQUAL(rt_filter_fn((uintptr_t)&filt_alpha), 0);
	setenv("VITPROF_TRACE_START", "bad[", 1);
	rt_g.trace_on = 1;
	CU_ASSERT_EQUAL(lines(filter_init_stderr()), 1);
	CU_ASSERT_EQUAL(rt_g.trace_on, 1);
	CU_ASSERT_EQUAL(rt_g.filter_active, 0);
}

VP_TEST(filter, scopes)
{
	uint32_t id;

	start("scopes", "scope-*,-scope-no", NULL);
	CU_ASSERT_EQUAL(lines(filter_init_stderr()), 0);
	id = rt_name_intern("scope-yes");
	CU_ASSERT_NOT_EQUAL(id, 0);
	CU_ASSERT_EQUAL(rt_filter_fn(VPR_NAME_FN(id)), VPR_TRACE_FN_INCLUDE);
	id = rt_name_intern("scope-no");
	CU_ASSERT_EQUAL(rt_filter_fn(VPR_NAME_FN(id)), VPR_TRACE_FN_EXCLUDE);
	id = rt_name_intern("other");
	CU_ASSERT_EQUAL(rt_filter_fn(VPR_NAME_FN(id)), 0);
}

VP_TEST(names, intern)
{
	char buf[32], long_name[400];
	uint32_t a, b, c, d;

	start("names", NULL, NULL);
	a = rt_name_intern("alpha");
	CU_ASSERT_EQUAL(a, 1);
	strcpy(buf, "alpha");
	CU_ASSERT_EQUAL(rt_name_intern(buf), a);     /* same text, other pointer */
	strcpy(buf, "beta");
	b = rt_name_intern(buf);                     /* same pointer, other text */
	CU_ASSERT_EQUAL(b, 2);
	CU_ASSERT_EQUAL(rt_name_intern("beta"), b);
	CU_ASSERT_STRING_EQUAL(rt_name_text(a), "alpha");
	CU_ASSERT_STRING_EQUAL(rt_name_text(b), "beta");
	CU_ASSERT_PTR_NULL(rt_name_text(0));
	CU_ASSERT_PTR_NULL(rt_name_text(99));
	memset(long_name, 'x', sizeof long_name - 1);
	long_name[sizeof long_name - 1] = '\0';
	c = rt_name_intern(long_name);
	CU_ASSERT_EQUAL(strlen(rt_name_text(c)), VPR_NAME_MAX);
	long_name[VPR_NAME_MAX] = '\0';
	d = rt_name_intern(long_name);               /* the cut text: the same name */
	CU_ASSERT_EQUAL(d, c);
	CU_ASSERT_EQUAL(rt_name_intern(NULL), 0);
}

VP_TEST(names, many)
{
	char buf[32];
	unsigned i;

	start("names_many", NULL, NULL);
	for (i = 0; i < 5000; i++) {
		snprintf(buf, sizeof buf, "name-%u", i);
		CU_ASSERT_EQUAL_FATAL(rt_name_intern(buf), i + 1);
	}
	for (i = 0; i < 5000; i += 97) {
		snprintf(buf, sizeof buf, "name-%u", i);
		CU_ASSERT_EQUAL(rt_name_intern(buf), i + 1);
		CU_ASSERT_STRING_EQUAL(rt_name_text(i + 1), buf);
	}
}

/* The NAMES records of the raw file at path: strings (ids[i], texts[i])
 * and thread records (tids[], tnames[]); returns the number of strings. */
struct names_seen {
	unsigned n, nt;
	uint32_t ids[64];
	char texts[64][32];
	uint64_t tids[8];
	char tnames[8][32];
};

static void read_names(const char *path, struct names_seen *out)
{
	struct vpr_file_header h;
	uint64_t off;
	int fd = open(path, O_RDONLY);

	memset(out, 0, sizeof *out);
	CU_ASSERT_FATAL(fd >= 0);
	CU_ASSERT_FATAL(pread(fd, &h, sizeof h, 0) == (ssize_t)sizeof h);
	for (off = h.first_section; off < h.end;) {
		struct vpr_modules m;
		unsigned char rec[512];
		uint64_t p;
		uint32_t i;

		CU_ASSERT_FATAL(pread(fd, &m, sizeof m, (off_t)off) == (ssize_t)sizeof m);
		CU_ASSERT_FATAL(m.sec.magic == VPR_SECTION_MAGIC && m.sec.size > 0);
		p = off + sizeof m;
		for (i = 0; m.sec.type == VPR_SEC_NAMES && i < m.n_records; i++) {
			struct vpr_name_record *r = (struct vpr_name_record *)rec;
			CU_ASSERT_FATAL(pread(fd, rec, sizeof rec, (off_t)p) > 0);
			CU_ASSERT_FATAL(r->record_size <= sizeof rec && r->len < 32);
			if (r->kind == VPR_NAME_STRING && out->n < 64) {
				out->ids[out->n] = r->id;
				memcpy(out->texts[out->n++], r->name, r->len + 1);
			} else if (r->kind == VPR_NAME_THREAD && out->nt < 8) {
				out->tids[out->nt] = r->thread_id;
				memcpy(out->tnames[out->nt++], r->name, r->len + 1);
			}
			p += r->record_size;
		}
		off += m.sec.size;
	}
	close(fd);
}

VP_TEST(names, thread_names)
{
	struct names_seen seen;
	uint64_t tid = (uint64_t)gettid();

	start("threads", NULL, NULL);
	rt_name_thread(tid, "comm-1");
	rt_name_thread(tid, "comm-1");              /* the same: not again */
	rt_name_thread(tid, "comm-2");
	rt_name_thread_pin(tid, "api");
	rt_name_thread(tid, "comm-3");              /* the program's name wins */
	rt_name_thread(tid + 100000, "other");
	read_names(rt_g.path, &seen);
	CU_ASSERT_EQUAL_FATAL(seen.nt, 4);
	CU_ASSERT_STRING_EQUAL(seen.tnames[0], "comm-1");
	CU_ASSERT_STRING_EQUAL(seen.tnames[1], "comm-2");
	CU_ASSERT_STRING_EQUAL(seen.tnames[2], "api");
	CU_ASSERT_EQUAL(seen.tids[2], tid);
	CU_ASSERT_STRING_EQUAL(seen.tnames[3], "other");
	CU_ASSERT_EQUAL(seen.n, 0);
}

/* A fork child's file gets every string again with the same ids, and the
 * forking thread's name under the child's tid (rt_names_after_fork, as
 * the fork path calls it after the sections moved to the child's file). */
VP_TEST(names, after_fork)
{
	struct names_seen seen;
	char child_path[VPR_PATH_MAX + 32];
	unsigned i;
	pid_t pid;
	int status;

	start("fork", NULL, NULL);
	for (i = 0; i < 40; i++) {
		char buf[32];
		snprintf(buf, sizeof buf, "n%u", i);
		CU_ASSERT_EQUAL(rt_name_intern(buf), i + 1);
	}
	rt_name_thread_pin((uint64_t)gettid(), "parent-main");
	rt_name_thread((uint64_t)gettid() + 100000, "parent-other");
	pid = fork();
	CU_ASSERT_FATAL(pid >= 0);
	if (pid == 0) {
		rt_names_after_fork();
		_exit(rt_name_intern("n7") == 8 && rt_name_intern("new") == 41 ? 0 : 3);
	}
	CU_ASSERT_FATAL(waitpid(pid, &status, 0) == pid);
	CU_ASSERT_EQUAL(status, 0);
	snprintf(child_path, sizeof child_path, "%s.%d", rt_g.path, (int)pid);
	read_names(child_path, &seen);
	CU_ASSERT_EQUAL_FATAL(seen.n, 41);
	for (i = 0; i < 40; i++) {
		char buf[32];
		snprintf(buf, sizeof buf, "n%u", i);
		CU_ASSERT_EQUAL(seen.ids[i], i + 1);
		CU_ASSERT_STRING_EQUAL(seen.texts[i], buf);
	}
	CU_ASSERT_STRING_EQUAL(seen.texts[40], "new");
	CU_ASSERT_EQUAL_FATAL(seen.nt, 1);
	CU_ASSERT_EQUAL(seen.tids[0], (uint64_t)pid);
	CU_ASSERT_STRING_EQUAL(seen.tnames[0], "parent-main");
	unlink(child_path);
}

/* A mark made while a hook of the thread runs (a signal handler that
 * interrupted it): -1, EBUSY, one lost call, nothing recorded. */
VP_TEST(api, busy_counts_a_loss)
{
	uint64_t before;

	start("busy", NULL, NULL);
	CU_ASSERT_EQUAL(vitprof_instant("warm-up"), 0);   /* attaches the thread */
	CU_ASSERT_PTR_NOT_NULL_FATAL(rt_tls.shard);
	before = rt_tls.shard->table->lost_calls;
	rt_tls.busy = 1;
	errno = 0;
	CU_ASSERT_EQUAL(vitprof_scope_begin("busy-scope", NULL), -1);
	CU_ASSERT_EQUAL(errno, EBUSY);
	CU_ASSERT_EQUAL(vitprof_instant("busy-instant"), -1);
	CU_ASSERT_EQUAL(vitprof_thread_name("busy-name"), -1);
	rt_tls.busy = 0;
	CU_ASSERT_EQUAL(rt_tls.shard->table->lost_calls, before + 3);
	CU_ASSERT_PTR_NULL(rt_name_text(2));     /* no name was interned */
	errno = 77;
	CU_ASSERT_EQUAL(vitprof_instant("after"), 0);
	CU_ASSERT_EQUAL(errno, 77);
}
