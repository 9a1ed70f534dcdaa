/* SPDX-License-Identifier: MIT */
/*
 * cmd_flags.c - `vitprof flags --compile|--link [--static]
 * [--calls-only|--arcs-only|--pgo] [--compiler=gcc|clang]`: prints, on one line, the
 * compiler or linker flags that build a program with vitprof, with absolute
 * paths, so `gcc $(vitprof flags --compile) ...` needs nothing else.
 *
 * Compile, one of four flavours:
 *   full        -g -finstrument-functions (call counts) and -fprofile-arcs
 *               -ftest-coverage -fdata-sections (gcov arc counters, each
 *               array in a section of its own).
 *   --calls-only -g -finstrument-functions alone: the hooks without arc
 *               counters, the cheapest exact call counts and call graph
 *               (times in time mode); no lines, branches or .gcda.
 *   --arcs-only the same without -finstrument-functions: the hooks change
 *               GCC's flow graphs, so a .gcda from a hooked training build
 *               only fits -fprofile-use builds with the hooks too
 *               (docs/gcda.md); without them the runtime is a drop-in
 *               libgcov and `vitprof gcda` feeds a plain `gcc -O2
 *               -fprofile-use` build.
 *   --pgo       -g -fprofile-generate -ftest-coverage -fdata-sections: the
 *               training build of GCC's own PGO (arcs and value profiles).
 *               -ftest-coverage only writes the .gcno notes (GCC 12: same
 *               code, same checksums, the .gcda differs in its stamp only;
 *               tests/flags/pgo_test_coverage.sh checks it).
 * With --compiler=clang the full flavour's hooks flag is clang's
 * -finstrument-functions-after-inlining (hooks inserted after inlining, so
 * they do not change what is inlined); its arc counters call LLVM's
 * llvm_gcda_* functions, which the runtime serves too (rt_llvm_gcov.c).
 * --calls-only is the same hooks flag alone. --arcs-only and --pgo are GCC's
 * (clang's PGO has a runtime of its own) and are refused for clang. The compiler is named, never guessed from $CC.
 *
 * Link, the same for every flavour but --calls-only: the runtime, which also replaces
 * libgcov, and the linker-script fragment vitprof_arcs.ld that gathers the
 * counter arrays into one page-aligned section the runtime maps into the
 * raw file. With the shared runtime, libvitprof_gcov.a comes first: it holds
 * libgcov's per-object state (time profiler clock, indirect-call pair,
 * rt/rt_gcov_object.c) with hidden symbols, so every executable and shared
 * library linked with these flags has its own, as with libgcov.a. The
 * static runtime has that state in it already (default visibility, in the
 * executable): naming the archive there too would define it twice.
 * The link flags never include -fprofile-arcs, -fprofile-generate or
 * --coverage: with them the driver links libgcov too. (A one-step `gcc
 * $(vitprof flags --compile --link)` does get -lgcov from the driver, but
 * pulls nothing from it: the runtime and libvitprof_gcov.a define every
 * __gcov_* symbol the objects need.) With --calls-only the shared link is
 * the runtime alone: objects without counters need neither the per-object
 * archive nor the fragment (the full --link works for them too); the
 * static one is the same for every flavour.
 *
 * Where the runtime is: an installed vitprof finds it from its own location
 * (PREFIX/bin/vitprof -> PREFIX/lib/libvitprof_rt.so, PREFIX/include/vitprof.h,
 * PREFIX/lib/vitprof/vitprof_arcs.ld); a vitprof run from its build tree uses
 * the runtime's build directory and source directory, compiled in
 * (VITPROF_BUILD_RT_DIR, VITPROF_SOURCE_RT_DIR).
 */
#define _GNU_SOURCE
#include <getopt.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/tool.h"
#include "cli/commands.h"

#ifndef VITPROF_INSTALL_BINDIR
#define VITPROF_INSTALL_BINDIR "bin"
#endif
#ifndef VITPROF_INSTALL_LIBDIR
#define VITPROF_INSTALL_LIBDIR "lib"
#endif
#ifndef VITPROF_INSTALL_INCLUDEDIR
#define VITPROF_INSTALL_INCLUDEDIR "include"
#endif

static const char usage[] =
	"usage: vitprof flags --compile|--link [--static]\n"
	"                     [--calls-only|--arcs-only|--pgo] [--compiler=gcc|clang]\n"
	"  Prints one line of flags with absolute paths:\n"
	"  --compile   compiler flags: -g -finstrument-functions -fprofile-arcs\n"
	"              -ftest-coverage -fdata-sections -I...\n"
	"  --link      linker flags for the shared runtime (-L, -rpath, the\n"
	"              per-object -lvitprof_gcov, -lvitprof_rt) and the gcov\n"
	"              counter fragment (-Wl,-T,.../vitprof_arcs.ld)\n"
	"  --static    with --link: the static runtime, its entry points exported\n"
	"  --calls-only\n"
	"              -g -finstrument-functions alone: call hooks, no arc\n"
	"              counters; the cheapest exact call counts and call graph;\n"
	"              with --link: the shared runtime alone\n"
	"  --arcs-only no -finstrument-functions: arc counters only, the flavour\n"
	"              whose .gcda (vitprof gcda) feeds gcc -fprofile-use builds\n"
	"              without hooks; no call edges or times (entry counts come\n"
	"              from the arcs)\n"
	"  --pgo       GCC's PGO training build: -g -fprofile-generate\n"
	"              -ftest-coverage -fdata-sections (arcs and value profiles)\n"
	"  --compiler=gcc|clang\n"
	"              whose spelling (default gcc); clang: hooks with\n"
	"              -finstrument-functions-after-inlining; no --arcs-only, --pgo\n"
	"  Both --compile and --link print both, for a one-step gcc.\n";

enum flavour { FLAVOUR_FULL, FLAVOUR_CALLS_ONLY, FLAVOUR_ARCS_ONLY, FLAVOUR_PGO };
enum compiler { COMPILER_GCC, COMPILER_CLANG };

/*
 * The compile flags of each flavour for each compiler, -I aside; NULL where
 * the runtime cannot serve what that compiler emits (see the top comment).
 */
static const char *const compile_flags[][2] = {
	[FLAVOUR_FULL] = {
		[COMPILER_GCC] = "-g -finstrument-functions -fprofile-arcs -ftest-coverage"
		                 " -fdata-sections",
		[COMPILER_CLANG] = "-g -finstrument-functions-after-inlining -fprofile-arcs"
		                   " -ftest-coverage -fdata-sections",
	},
	[FLAVOUR_CALLS_ONLY] = {
		[COMPILER_GCC] = "-g -finstrument-functions",
		[COMPILER_CLANG] = "-g -finstrument-functions-after-inlining",
	},
	[FLAVOUR_ARCS_ONLY] = {
		[COMPILER_GCC] = "-g -fprofile-arcs -ftest-coverage -fdata-sections",
	},
	[FLAVOUR_PGO] = {
		[COMPILER_GCC] = "-g -fprofile-generate -ftest-coverage -fdata-sections",
	},
};
static const char *const flavour_option[] = {
	[FLAVOUR_FULL] = "the full flavour",
	[FLAVOUR_CALLS_ONLY] = "--calls-only",
	[FLAVOUR_ARCS_ONLY] = "--arcs-only",
	[FLAVOUR_PGO] = "--pgo",
};

/*
 * What the static runtime exports (-Wl,--export-dynamic-symbol) so that a
 * dlopen()ed instrumented library, which is not linked with a runtime of its
 * own, resolves to it: the hooks and every __gcov_* entry point of
 * rt/vitprof_rt.map, the per-object fallback state included. Keep in step
 * with the map and VITPROF_GCOV_EXPORTS (cmake/VitprofInstrument.cmake);
 * tests/flags/check_flags.sh compares the three.
 */
static const char *const static_exports[] = {
	"__cyg_profile_func_enter", "__cyg_profile_func_exit",
	"__gcov_init", "__gcov_exit", "__gcov_merge_add", "__gcov_dump",
	"__gcov_reset", "__gcov_fork", "__gcov_execl", "__gcov_execlp",
	"__gcov_execle", "__gcov_execv", "__gcov_execvp", "__gcov_execve",
	"__gcov_merge_topn", "__gcov_merge_ior", "__gcov_merge_time_profile",
	"__gcov_interval_profiler", "__gcov_interval_profiler_atomic",
	"__gcov_pow2_profiler", "__gcov_pow2_profiler_atomic",
	"__gcov_topn_values_profiler", "__gcov_topn_values_profiler_atomic",
	"__gcov_indirect_call_profiler_v4", "__gcov_indirect_call_profiler_v4_atomic",
	"__gcov_average_profiler", "__gcov_average_profiler_atomic",
	"__gcov_ior_profiler", "__gcov_ior_profiler_atomic",
	"__gcov_indirect_call", "__gcov_time_profiler_counter",
};

struct rt_location {
	char libdir[PATH_MAX];        /* libvitprof_rt.so and .a, libvitprof_gcov.a */
	char includedir[PATH_MAX];    /* holds vitprof.h */
	char ldscript[PATH_MAX];      /* vitprof_arcs.ld */
};

static int file_exists(const char *dir, const char *name)
{
	char path[PATH_MAX];

	if ((size_t)snprintf(path, sizeof path, "%s/%s", dir, name) >= sizeof path)
		return 0;
	return access(path, R_OK) == 0;
}

/* dir joined with rel, or rel itself when it is absolute. */
static int join(char *out, size_t cap, const char *dir, const char *rel)
{
	int n = rel[0] == '/' ? snprintf(out, cap, "%s", rel)
	                      : snprintf(out, cap, "%s/%s", dir, rel);
	return n < 0 || (size_t)n >= cap ? -1 : 0;
}

/*
 * Finds an installed runtime relative to this executable: strips the
 * install bindir's components from realpath(/proc/self/exe)'s directory.
 * Returns 0 and fills *loc, or -1 when this is not an installed vitprof.
 */
static int find_installed(struct rt_location *loc)
{
	char exe[PATH_MAX], prefix[PATH_MAX];
	const char *b;
	char *slash;
	int depth = 1;

	if (!realpath("/proc/self/exe", exe))
		return -1;
	if (VITPROF_INSTALL_BINDIR[0] == '/')
		return -1;
	for (b = VITPROF_INSTALL_BINDIR; *b; b++)
		if (*b == '/' && b[1] && b[1] != '/')
			depth++;
	memcpy(prefix, exe, sizeof prefix);
	for (depth++; depth > 0; depth--) {   /* the file name, then bindir */
		slash = strrchr(prefix, '/');
		if (!slash)
			return -1;
		*slash = '\0';
	}
	if (!prefix[0])
		strcpy(prefix, "/");
	if (join(loc->libdir, sizeof loc->libdir, prefix, VITPROF_INSTALL_LIBDIR) ||
	    join(loc->includedir, sizeof loc->includedir, prefix, VITPROF_INSTALL_INCLUDEDIR))
		return -1;
	if (!file_exists(loc->libdir, "libvitprof_rt.so") ||
	    !file_exists(loc->libdir, "libvitprof_gcov.a") ||
	    !file_exists(loc->includedir, "vitprof.h") ||
	    !file_exists(loc->libdir, "vitprof/vitprof_arcs.ld") ||
	    (size_t)snprintf(loc->ldscript, sizeof loc->ldscript, "%s/vitprof/vitprof_arcs.ld",
	                     loc->libdir) >= sizeof loc->ldscript)
		return -1;
	return 0;
}

static int find_runtime(struct rt_location *loc)
{
	if (find_installed(loc) == 0)
		return 0;
#if defined(VITPROF_BUILD_RT_DIR) && defined(VITPROF_SOURCE_RT_DIR)
	if (file_exists(VITPROF_SOURCE_RT_DIR, "vitprof.h") &&
	    file_exists(VITPROF_SOURCE_RT_DIR, "vitprof_arcs.ld") &&
	    strlen(VITPROF_BUILD_RT_DIR) < sizeof loc->libdir &&
	    strlen(VITPROF_SOURCE_RT_DIR) < sizeof loc->includedir &&
	    (size_t)snprintf(loc->ldscript, sizeof loc->ldscript, "%s/vitprof_arcs.ld",
	                     VITPROF_SOURCE_RT_DIR) < sizeof loc->ldscript) {
		strcpy(loc->libdir, VITPROF_BUILD_RT_DIR);
		strcpy(loc->includedir, VITPROF_SOURCE_RT_DIR);
		return 0;
	}
#endif
	tool_error(NULL, "flags: cannot find the runtime (libvitprof_rt, vitprof.h, vitprof_arcs.ld)"
	           " next to this vitprof or in its build tree");
	return -1;
}

/* Parses --compiler's value; returns 0, or -1 for a compiler it does not know. */
static int parse_compiler(const char *name, enum compiler *cc)
{
	if (strcmp(name, "gcc") == 0)
		*cc = COMPILER_GCC;
	else if (strcmp(name, "clang") == 0)
		*cc = COMPILER_CLANG;
	else
		return -1;
	return 0;
}

/* Prints the link flags (no newline); calls_only: the shared runtime alone. */
static void print_link(const struct rt_location *loc, int is_static, int calls_only)
{
	size_t i;

	/* Order-proof: glibc has no-op hooks of its own, so a runtime that the
	 * linker dropped (--as-needed, or an archive named before the objects)
	 * would silently record nothing. */
	if (is_static) {
		printf("-Wl,--whole-archive %s/libvitprof_rt.a -Wl,--no-whole-archive",
		       loc->libdir);
		for (i = 0; i < sizeof static_exports / sizeof static_exports[0]; i++)
			printf(" -Wl,--export-dynamic-symbol=%s", static_exports[i]);
		printf(" -Wl,--build-id -Wl,-T,%s", loc->ldscript);
		return;
	}
	if (calls_only) {
		printf("-L%s -Wl,-rpath,%s -Wl,--push-state,--no-as-needed -lvitprof_rt"
		       " -Wl,--pop-state -Wl,--build-id", loc->libdir, loc->libdir);
		return;
	}
	/* --undefined pulls the per-object member out of libvitprof_gcov.a even
	 * when these flags come before the objects (and costs one small object
	 * when nothing uses it); named after the objects, a plain archive would
	 * do, but named before, the objects would bind to the shared runtime's
	 * fallback copy and share its clock. */
	printf("-L%s -Wl,-rpath,%s -Wl,--undefined=__gcov_time_profiler_counter"
	       " -Wl,--push-state,--no-as-needed -lvitprof_gcov -lvitprof_rt -Wl,--pop-state"
	       " -Wl,--build-id -Wl,-T,%s", loc->libdir, loc->libdir, loc->ldscript);
}

int cmd_flags(int argc, char **argv)
{
	static const struct option opts[] = {
		{"compile", no_argument, NULL, 'c'},
		{"link", no_argument, NULL, 'l'},
		{"static", no_argument, NULL, 's'},
		{"calls-only", no_argument, NULL, 'k'},
		{"arcs-only", no_argument, NULL, 'a'},
		{"pgo", no_argument, NULL, 'p'},
		{"compiler", required_argument, NULL, 'C'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	struct rt_location loc;
	enum flavour flavour = FLAVOUR_FULL;
	enum compiler cc = COMPILER_GCC;
	int c, compile = 0, link = 0, is_static = 0, calls_only = 0, arcs_only = 0, pgo = 0;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'c':
			compile = 1;
			break;
		case 'l':
			link = 1;
			break;
		case 's':
			is_static = 1;
			break;
		case 'k':
			calls_only = 1;
			break;
		case 'a':
			arcs_only = 1;
			break;
		case 'p':
			pgo = 1;
			break;
		case 'C':
			if (parse_compiler(optarg, &cc) != 0)
				return tool_usage_error("flags", usage,
				                        "--compiler: '%s' is neither gcc nor clang",
				                        optarg);
			break;
		case 'h':
			fputs(usage, stdout);
			return TOOL_EXIT_OK;
		default:
			return tool_usage_error("flags", usage, "bad option '%s'", argv[optind - 1]);
		}
	}
	if (optind < argc || (!compile && !link)) {
		return tool_usage_error("flags", usage, "%s",
		                        optind < argc ? "unexpected argument"
		                                      : "--compile or --link?");
	}
	if (calls_only + arcs_only + pgo > 1)
		return tool_usage_error("flags", usage, "--calls-only, --arcs-only or --pgo?"
		                        " (one flavour)");
	if (calls_only)
		flavour = FLAVOUR_CALLS_ONLY;
	else if (arcs_only)
		flavour = FLAVOUR_ARCS_ONLY;
	else if (pgo)
		flavour = FLAVOUR_PGO;
	if (!compile_flags[flavour][cc]) {
		/* Refused with --link too: a link line for objects that clang
		 * cannot build that way would only hide the mistake. */
		return tool_usage_error("flags", usage, "%s is GCC's (libgcov's counters);"
		                        " for clang the full flavour or --calls-only",
		                        flavour_option[flavour]);
	}
	if (find_runtime(&loc) != 0)
		return TOOL_EXIT_ERROR;
	if (compile)
		printf("%s -I%s", compile_flags[flavour][cc], loc.includedir);
	if (compile && link)
		putchar(' ');
	if (link)
		print_link(&loc, is_static, flavour == FLAVOUR_CALLS_ONLY);
	putchar('\n');
	if (fflush(stdout) != 0 || ferror(stdout)) {
		tool_error("<stdout>", "write error");
		return TOOL_EXIT_ERROR;
	}
	return TOOL_EXIT_OK;
}
