/* SPDX-License-Identifier: MIT */
/*
 * cmd_gcda.c - `vitprof gcda [-o DIR | --prefix P --strip N] FILE.vitraw...`:
 * writes, for every gcov object the run recorded, the .gcda file libgcov
 * would have written at the end of the same run (gcda_write.c), for
 * `gcc -fprofile-use`.
 *
 * Where: the path the compiler recorded, rewritten by GCOV_PREFIX_STRIP and
 * GCOV_PREFIX (or --strip, --prefix) as libgcov rewrites it, %p standing for
 * the pid of the run and %q{VAR} for $VAR; or DIR/<base name> with -o.
 *
 * What: records naming one file are added (a library loaded again after
 * dlclose: libgcov wrote at each unload, so each record is one run). A
 * merged profile (a %m pool, `vitprof merge`) stands for merged_runs runs:
 * that is its runs, and its sum_max is the largest summed counter (the sum
 * of each run's largest, which libgcov adds, is no longer known; equal
 * when the runs are alike). An
 * existing file is merged as libgcov merges (counters, runs and sum_max
 * added); one from another build or GCC, or of another shape, is refused
 * with one line and left untouched. Each file is written under a temporary
 * name beside it and renamed into place.
 *
 * sum_max: libgcov adds, per run, the largest arc counter of all the gcov
 * objects of the loaded object (executable or shared library) that dumps.
 * In place, the objects of one loaded object share one ARCS section; the
 * tool's reader does not keep which one, so this file reads the record ->
 * section ids itself (arcs_ids()). In copy mode every object has its own
 * section: the largest counter over all copy-mode objects of the process
 * is used, exact when only the executable is in copy mode.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/tool.h"
#include "cli/commands.h"
#include "export/gcda_write.h"
#include "model/profile.h"
#include "read/gcov_files.h"
#include "read/gcov_llvm.h"
#include "read/gcov_values.h"
#include "read/raw_profile.h"
#include "tool_internal.h"

static const char usage[] =
	"usage: vitprof gcda [-o DIR | -d DIR | --prefix P] [--strip N] [-v|-q] FILE.vitraw...\n"
	"  Writes the .gcda file of every gcov object of the run (programs built\n"
	"  with -fprofile-arcs), byte for byte as libgcov would have, for\n"
	"  gcc -fprofile-use. An existing .gcda is merged into (runs added);\n"
	"  one from another build is refused and left untouched. Several raw\n"
	"  profiles (a test suite, fork children) are merged in turn. The\n"
	"  program that ran must be the one on disk (build-id), as for show.\n"
	"  Ends with one line: the files written, the runs, their directory.\n"
	"  -o, --output-dir DIR  write DIR/<base name>.gcda\n"
	"  -d, --profile-dir DIR write the names gcc -fprofile-use=DIR reads for\n"
	"                        objects compiled with a relative -o: DIR/<object\n"
	"                        path, '/' as '#'>.gcda (GCC's mangling)\n"
	"  --prefix P            as GCOV_PREFIX (default: $GCOV_PREFIX)\n"
	"  --strip N             as GCOV_PREFIX_STRIP (default: $GCOV_PREFIX_STRIP)\n"
	"  -v, --verbose         name each file written\n"
	"  -q, --quiet           no closing line\n";

/* One output file and the records (runs) that go into it. */
struct target {
	char *path;
	size_t *recs;               /* indices in rp->gcov */
	size_t n_recs;
};

/* ---- which ARCS section holds each gcov record ----------------------------- */

static int pread_all(int fd, void *buf, size_t len, uint64_t off)
{
	return pread(fd, buf, len, (off_t)off) == (ssize_t)len ? 0 : -1;
}

/*
 * The arcs_id of every gcov record of the raw file, in the order raw_read.c
 * lists them (section order, then record order), into ids[n]. The file was
 * validated by raw_profile_read(); this walk still checks every bound and
 * that the records are those read (count, function count). Returns 0, or -1
 * (the file changed or cannot be read) without reporting.
 */
static int arcs_ids(const char *path, const struct raw_profile *rp, uint32_t *ids)
{
	struct vpr_file_header h;
	uint64_t off;
	size_t n = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC), rc = -1;

	if (fd < 0)
		return -1;
	if (pread_all(fd, &h, sizeof h, 0) != 0 || h.page_size == 0)
		goto out;
	for (off = h.first_section; off < h.end;) {
		struct vpr_section s;
		struct vpr_modules m;
		uint64_t p;

		if (pread_all(fd, &s, sizeof s, off) != 0 || s.size == 0 || s.size > h.end - off)
			goto out;
		if (s.type == VPR_SEC_GCOV) {
			if (pread_all(fd, &m, sizeof m, off) != 0 || m.used > s.size - sizeof m)
				goto out;
			p = 0;
			for (uint32_t r = 0; r < m.n_records; r++) {
				struct vpr_gcov_object g;

				if (m.used - p < sizeof g ||
				    pread_all(fd, &g, sizeof g, off + sizeof m + p) != 0 ||
				    g.record_size < sizeof g || g.record_size > m.used - p ||
				    n >= rp->n_gcov || g.n_functions != rp->gcov[n].n_functions)
					goto out;
				ids[n++] = g.arcs_id;
				p += g.record_size;
			}
		}
		off += s.size;
	}
	rc = n == rp->n_gcov ? 0 : -1;
out:
	close(fd);
	return rc;
}

/* The runs a raw profile stands for: merged_runs of a pool or of `vitprof
 * merge` (docs/raw-format.md), 0 and unreadable counting as 1. */
static uint64_t raw_runs(const char *path)
{
	struct vpr_file_header h;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	uint64_t runs = 1;

	if (fd < 0)
		return 1;
	if (pread_all(fd, &h, sizeof h, 0) == 0 && h.merged_runs)
		runs = h.merged_runs;
	close(fd);
	return runs;
}

/*
 * run_max[i]: what libgcov adds to sum_max for record i: the largest arc
 * counter over the records of its loaded object (same in-place section;
 * all copy-mode records together). Without section ids, all records of one
 * mode are taken together (a warning says so).
 */
static void run_maxima(const char *file, const struct raw_profile *rp, uint64_t *run_max)
{
	uint64_t *ids = xcalloc(rp->n_gcov, sizeof *ids);
	uint64_t *max = xcalloc(rp->n_gcov, sizeof *max);
	uint32_t *arcs = xcalloc(rp->n_gcov, sizeof *arcs);
	size_t i, k;
	int by_object = 1;

	/* The loaded object of each gcov object: recorded with its counters
	 * (vitprof >= 0.3, every mode, merged profiles too); else, in place,
	 * the ARCS section it shares with the object's other units, and in
	 * copy mode the whole process. */
	for (i = 0; i < rp->n_gcov; i++) {
		ids[i] = rp->gcov[i].object;
		if (!ids[i])
			by_object = 0;
	}
	if (!by_object) {
		if (arcs_ids(file, rp, arcs) != 0) {
			tool_warn(file, "cannot tell which loaded object each gcov object belongs to;"
			          " sum_max is taken over the whole process");
			memset(arcs, 0, rp->n_gcov * sizeof *arcs);
		}
		for (i = 0; i < rp->n_gcov; i++)
			ids[i] = rp->gcov[i].arcs_mode != VPR_ARCS_IN_PLACE ? 0 : arcs[i];
	}
	for (i = 0; i < rp->n_gcov; i++)
		max[i] = rp->gcov[i].counts_known ? gcda_object_max(&rp->gcov[i]) : 0;
	for (i = 0; i < rp->n_gcov; i++) {
		run_max[i] = 0;
		for (k = 0; k < rp->n_gcov; k++)
			if (ids[k] == ids[i] && (by_object ||
			                         rp->gcov[k].arcs_mode == rp->gcov[i].arcs_mode) &&
			    max[k] > run_max[i])
				run_max[i] = max[k];
	}
	free(ids);
	free(max);
	free(arcs);
}

/* ---- where each file goes -------------------------------------------------- */

/* %p -> pid, %q{VAR} -> $VAR (empty when unset), as libgcov's
 * replace_filename_variables(); another '%' ends the expansion. */
static char *expand_variables(const char *s, int64_t pid)
{
	size_t cap = strlen(s) + 64, n = 0;
	char *out = xmalloc(cap);

	for (; *s; s++) {
		char num[32];
		const char *rep = NULL;
		char *var = NULL;

		if (s[0] == '%' && s[1] == 'p') {
			snprintf(num, sizeof num, "%" PRId64, pid);
			rep = num;
			s++;
		} else if (s[0] == '%' && s[1] == 'q' && s[2] == '{' && strchr(s + 3, '}')) {
			const char *e = strchr(s + 3, '}');

			var = strndup(s + 3, (size_t)(e - s - 3));
			if (!var)
				tool_oom();
			rep = getenv(var) ? getenv(var) : "";
			s = e;
		} else if (s[0] == '%' && s[1]) {
			size_t rest = strlen(s);      /* libgcov stops expanding here */

			if (n + rest + 1 > cap)
				out = xrealloc(out, cap = n + rest + 1);
			memcpy(out + n, s, rest + 1);
			return out;
		}
		if (!rep) {
			num[0] = *s;
			num[1] = '\0';
			rep = num;
		}
		if (n + strlen(rep) + 1 > cap) {
			cap = (n + strlen(rep) + 1) * 2;
			out = xrealloc(out, cap);
		}
		memcpy(out + n, rep, strlen(rep));
		n += strlen(rep);
		free(var);
	}
	out[n] = '\0';
	return out;
}

/*
 * The path libgcov opens for the recorded name: GCOV_PREFIX_STRIP leading
 * directories removed (a leading '/' not counted; falling off the end keeps
 * the last component), GCOV_PREFIX (trailing '/' dropped; "." when only a
 * strip is given) put in front with a '/' between, then the variables.
 */
static char *libgcov_path(const char *recorded, const char *prefix, int strip, int64_t pid)
{
	const char *fname = recorded;
	size_t plen = prefix ? strlen(prefix) : 0;
	char *joined, *out;

	if (plen && prefix[plen - 1] == '/')
		plen--;
	if (!plen && strip > 0) {
		prefix = ".";
		plen = 1;
	}
	if (strip > 0) {
		const char *probe = fname;
		int level = strip;

		if (*probe == '/')
			probe++;
		for (; *probe && level; probe++)
			if (*probe == '/') {
				fname = probe;
				level--;
			}
	}
	joined = tool_asprintf("%.*s%s%s", (int)plen, plen ? prefix : "",
	                       plen && *fname != '/' ? "/" : "", fname);
	out = expand_variables(joined, pid);
	free(joined);
	return out;
}

/* ---- writing ---------------------------------------------------------------- */

/* mkdir -p of path's directory part (as libgcov's create_file_directory). */
static int make_parents(const char *path)
{
	char *p = xstrdup(path);

	for (char *s = p + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		if (mkdir(p, 0777) != 0 && errno != EEXIST) {
			tool_error(p, "cannot create directory: %s", strerror(errno));
			free(p);
			return -1;
		}
		*s = '/';
	}
	free(p);
	return 0;
}

static int file_write(void *ctx, const void *data, size_t len)
{
	return fwrite(data, 1, len, ctx) == len ? 0 : -1;
}

static int write_gcda_stream(FILE *out, void *arg)
{
	return gcda_serialize(arg, file_write, out);
}

/* Writes d to path through a temporary file in the same directory. */
static int write_gcda(const char *path, const struct gcda_file *d)
{
	if (make_parents(path) != 0)
		return -1;
	return tool_write_file(path, write_gcda_stream, (void *)d);
}

/* Whether record o can be written; warns (naming the .gcda) when not. */
static int usable(const char *file, const struct raw_gcov_object *o)
{
	if (!gcov_version_major(o->version) && !gcov_version_is_llvm(o->version)) {
		tool_warn(file, "%s: GCC coverage version 0x%08" PRIx32 " is not known: not written",
		          o->gcda_path, o->version);
		return 0;
	}
	if (!o->counts_known) {
		tool_warn(file, "%s: counts unknown (copy mode, the program died before its first"
		          " copy): not written", o->gcda_path);
		return 0;
	}
	if (o->counter_mask & ~GCOV_KINDS_KNOWN) {
		tool_warn(file, "%s: has GCC 14's condition counters, which vitprof does not"
		          " write: not written", o->gcda_path);
		return 0;
	}
	if (o->counter_mask != 1u && !o->has_kinds) {
		tool_warn(file, "%s: has value-profile counters (-fprofile-generate) that the"
		          " runtime which wrote this profile did not record (vitprof < 0.3):"
		          " not written", o->gcda_path);
		return 0;
	}
	return 1;
}

/* gcda_merge() refused a sum, not a mismatch. */
static int is_overflow(const char *why)
{
	return strncmp(why, "count overflow", 14) == 0;
}

/* An arc counter of o past 2^63-1 would be a negative gcov_type (int64) in
 * the .gcda: no run counts that far, the file is damaged. Returns 0, or -1
 * after reporting. */
static int check_counters(const char *file, const struct raw_gcov_object *o)
{
	for (size_t j = 0; j < o->n_functions; j++)
		for (uint32_t k = 0; k < o->functions[j].n_arcs; k++)
			if (o->functions[j].arcs[k] > GCOV_COUNT_MAX) {
				tool_error(file, "%s: count overflow: function %zu (ident %" PRIu32
				           "), arc counter %" PRIu32 " is %" PRIu64 ", past the 2^63-1"
				           " of a gcov counter; not written", o->gcda_path, j,
				           o->functions[j].ident, k, o->functions[j].arcs[k]);
				return -1;
			}
	return 0;
}

/* Builds, merges and writes one target. Returns 0 or -1 (reported). */
static int write_target(const char *file, const struct raw_profile *rp,
                        const struct target *t, const uint64_t *run_max, uint64_t runs,
                        int verbose, int *wrote)
{
	struct gcda_file run, existing;
	char why[900];
	size_t i, used = 0;
	int rc = -1;

	*wrote = 0;
	memset(&run, 0, sizeof run);
	for (i = 0; i < t->n_recs; i++) {
		const struct raw_gcov_object *o = &rp->gcov[t->recs[i]];
		struct gcda_file one;

		if (!usable(file, o))
			continue;
		if (runs > UINT32_MAX) {
			/* the OBJECT_SUMMARY's runs is 32 bits */
			tool_error(file, "%s: count overflow: the profile stands for %" PRIu64 " runs,"
			           " past the 2^32-1 of a .gcda; not written", t->path, runs);
			goto out;
		}
		if (check_counters(file, o) != 0)
			goto out;
		gcda_from_object(used ? &one : &run, o, run_max[t->recs[i]]);
		(used ? &one : &run)->runs = (uint32_t)runs;
		if (used && gcda_merge(&run, &one, why, sizeof why) != 0) {
			gcda_free(&one);
			if (is_overflow(why))
				tool_error(file, "%s: two records of this .gcda: %s", t->path, why);
			else
				tool_error(file, "%s: two records of this .gcda do not match: %s",
				           t->path, why);
			goto out;
		}
		if (used)
			gcda_free(&one);
		used++;
	}
	if (!used)
		return 0;
	if (access(t->path, F_OK) == 0) {
		int bad;

		tool_error_mute(1);
		bad = gcda_model_read(&existing, t->path);
		tool_error_mute(0);
		if (bad) {
			/* one line: the reader's reason (it names the file), then ours */
			char reason[1024];

			snprintf(reason, sizeof reason, "%s", tool_last_error());
			tool_error(NULL, "%s; existing .gcda not overwritten", reason);
			goto out;
		}
		if (gcda_merge(&existing, &run, why, sizeof why) != 0) {
			gcda_free(&existing);
			if (is_overflow(why))
				tool_error(t->path, "existing .gcda plus this run: %s; not overwritten",
				           why);
			else
				tool_error(t->path, "existing .gcda does not match this run (%s); not"
				           " overwritten", why);
			goto out;
		}
		gcda_free(&run);
		run = existing;
	}
	if (write_gcda(t->path, &run) != 0)
		goto out;
	if (verbose)
		printf("%s (runs %" PRIu32 ")\n", t->path, run.runs);
	*wrote = 1;
	rc = 0;
out:
	gcda_free(&run);
	return rc;
}

static int parse_strip(const char *s, int *strip)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < 0 || v > 4096)
		return -1;
	*strip = (int)v;
	return 0;
}

/*
 * The file `gcc -fprofile-use=dir` reads for the object whose training
 * build recorded rec. GCC (coverage_init) names it dir/ + mangle_path(the
 * object's absolute path without .gcda) + .gcda, where mangle_path turns
 * each '/' into '#' and each ".." component into '^', for an object
 * compiled with a relative -o (as build systems do). A recorded name that
 * GCC mangled already (a -fprofile-generate=DIR or -fprofile-dir training:
 * its last component starts with '#') keeps its last component.
 */
static char *profile_dir_path(const char *dir, const char *rec)
{
	const char *base = strrchr(rec, '/') ? strrchr(rec, '/') + 1 : rec;
	size_t n = strlen(rec), o = 0;
	char *mangled, *path;
	const char *p, *q;

	if (base[0] == '#') {
		path = tool_asprintf("%s/%s", dir, base);
		return path;
	}
	if (n > 5 && strcmp(rec + n - 5, ".gcda") == 0)
		n -= 5;
	mangled = xmalloc(n + 1);
	for (p = rec; p < rec + n; p = q) {
		for (q = p; q < rec + n && *q != '/'; q++)
			;
		if (q - p == 2 && p[0] == '.' && p[1] == '.') {
			mangled[o++] = '^';
		} else {
			memcpy(mangled + o, p, (size_t)(q - p));
			o += (size_t)(q - p);
		}
		if (q < rec + n) {
			mangled[o++] = '#';
			q++;
		}
	}
	mangled[o] = '\0';
	path = tool_asprintf("%s/%s.gcda", dir, mangled);
	free(mangled);
	return path;
}

/* Options of one `vitprof gcda` call. */
struct gcda_options {
	const char *outdir;         /* -o, or NULL */
	const char *profile_dir;    /* -d, or NULL */
	const char *prefix;         /* GCOV_PREFIX or --prefix, or NULL */
	int strip;
	int verbose;
	int quiet;
};

/* What every input wrote, for the one line said at the end. */
struct gcda_summary {
	char **paths;               /* distinct files written (owned) */
	size_t n_paths;
	uint64_t runs;              /* runs added, over the inputs */
};

static void summary_add(struct gcda_summary *s, const char *path)
{
	size_t i;

	for (i = 0; i < s->n_paths; i++)
		if (strcmp(s->paths[i], path) == 0)
			return;
	s->paths = xrealloc(s->paths, (s->n_paths + 1) * sizeof *s->paths);
	s->paths[s->n_paths++] = xstrdup(path);
}

/* "vitprof: wrote N .gcda files (R runs) under DIR", DIR the deepest
 * directory holding every file written (stderr, as every message). */
static void summary_say(struct gcda_summary *s)
{
	size_t i, n;
	const char *first;

	if (!s->n_paths) {
		fprintf(stderr, "vitprof: wrote no .gcda files\n");
		return;
	}
	first = s->paths[0];
	n = strrchr(first, '/') ? (size_t)(strrchr(first, '/') - first) : 0;
	for (i = 1; i < s->n_paths; i++) {
		size_t k = 0;
		while (k < n && s->paths[i][k] == first[k])
			k++;
		while (k > 0 && !(first[k] == '/' && (s->paths[i][k] == '/' || k == n)))
			k--;
		n = k;
	}
	fprintf(stderr, "vitprof: wrote %zu .gcda file%s (%" PRIu64 " run%s) under %.*s\n",
	        s->n_paths, s->n_paths == 1 ? "" : "s", s->runs, s->runs == 1 ? "" : "s",
	        n ? (int)n : 1, n ? first : (first[0] == '/' ? "/" : "."));
}

/* Writes the .gcda files of one raw profile. Returns an exit code. */
static int gcda_one(const char *file, const struct gcda_options *opt,
                    struct gcda_summary *sum)
{
	struct raw_profile rp;
	struct target *targets = NULL;
	size_t n_targets = 0, i, k;
	uint64_t *run_max, runs = raw_runs(file);
	int status = TOOL_EXIT_OK, any = 0;

	if (vitprof_read_is_document(file)) {
		tool_error(file, "a .vitprof document keeps no arc counters: vitprof gcda needs the"
		           " raw profiles");
		return TOOL_EXIT_ERROR;
	}
	if (raw_profile_read(file, &rp) != 0) {
		raw_profile_free(&rp);
		return TOOL_EXIT_ERROR;
	}
	if (profile_check_program(&rp) != 0) {
		raw_profile_free(&rp);
		return TOOL_EXIT_ERROR;
	}
	if (rp.lost_values)
		tool_warn(file, "%" PRIu64 " value-profile entries were lost (the value arena was"
		          " full, VITPROF_VALUES_MAX): the topn and indirect-call lists written"
		          " lack them", rp.lost_values);
	if (rp.n_gcov == 0) {
		tool_error(file, "no gcov objects: the program was not built with -fprofile-arcs"
		           " (vitprof flags --compile)");
		raw_profile_free(&rp);
		return TOOL_EXIT_ERROR;
	}
	if (rp.n_tables > 0)
		fprintf(stderr, "vitprof: %s: note: built with -finstrument-functions, which changes"
		        " GCC's flow graphs: use these .gcda only in a -fprofile-use build with the"
		        " same flags, or train with `vitprof flags --arcs-only`\n", file);

	run_max = xcalloc(rp.n_gcov, sizeof *run_max);
	targets = xcalloc(rp.n_gcov, sizeof *targets);
	run_maxima(file, &rp, run_max);

	/* Group the records by the file they go to, in record order. */
	for (i = 0; i < rp.n_gcov; i++) {
		const char *rec = rp.gcov[i].gcda_path;
		char *path;

		if (opt->outdir) {
			const char *base = strrchr(rec, '/') ? strrchr(rec, '/') + 1 : rec;
			path = tool_asprintf("%s/%s", opt->outdir, base);
		} else if (opt->profile_dir) {
			path = profile_dir_path(opt->profile_dir, rec);
		} else {
			path = libgcov_path(rec, opt->prefix, opt->strip, rp.pid);
		}
		for (k = 0; k < n_targets && strcmp(targets[k].path, path) != 0; k++)
			;
		if (k == n_targets) {
			targets[k].path = path;
			targets[k].recs = xcalloc(rp.n_gcov, sizeof *targets[k].recs);
			n_targets++;
		} else {
			free(path);
			if (opt->outdir && strcmp(rp.gcov[targets[k].recs[0]].gcda_path, rec) != 0) {
				tool_error(file, "-o %s: %s and %s have the same name", opt->outdir,
				           rp.gcov[targets[k].recs[0]].gcda_path, rec);
				status = TOOL_EXIT_ERROR;
				goto out;
			}
		}
		targets[k].recs[targets[k].n_recs++] = i;
	}
	for (k = 0; k < n_targets; k++) {
		int wrote;

		if (write_target(file, &rp, &targets[k], run_max, runs, opt->verbose, &wrote) != 0)
			status = TOOL_EXIT_ERROR;
		else if (wrote)
			summary_add(sum, targets[k].path), any = 1;
	}
	if (any)
		sum->runs += runs;
out:
	for (k = 0; k < n_targets; k++) {
		free(targets[k].path);
		free(targets[k].recs);
	}
	free(targets);
	free(run_max);
	raw_profile_free(&rp);
	return status;
}

int cmd_gcda(int argc, char **argv)
{
	static const struct option opts[] = {
		{"output-dir", required_argument, NULL, 'o'},
		{"profile-dir", required_argument, NULL, 'd'},
		{"prefix", required_argument, NULL, 'p'},
		{"strip", required_argument, NULL, 's'},
		{"verbose", no_argument, NULL, 'v'},
		{"quiet", no_argument, NULL, 'q'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	struct gcda_options opt = {NULL, NULL, getenv("GCOV_PREFIX"), 0, 0, 0};
	struct gcda_summary sum = {NULL, 0, 0};
	int c, have_prefix = 0, have_strip = 0, status = TOOL_EXIT_OK;

	if (getenv("GCOV_PREFIX_STRIP")) {
		opt.strip = atoi(getenv("GCOV_PREFIX_STRIP"));   /* as libgcov */
		if (opt.strip < 0)
			opt.strip = 0;
	}
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "o:d:vqh", opts, NULL)) != -1) {
		switch (c) {
		case 'o':
			opt.outdir = optarg;
			break;
		case 'd':
			opt.profile_dir = optarg;
			break;
		case 'p':
			opt.prefix = optarg;
			have_prefix = 1;
			break;
		case 's':
			if (parse_strip(optarg, &opt.strip) != 0) {
				tool_error(NULL, "gcda: --strip wants a count of directories, not '%s'",
				           optarg);
				return TOOL_EXIT_USAGE;
			}
			have_strip = 1;
			break;
		case 'v':
			opt.verbose = 1;
			break;
		case 'q':
			opt.quiet = 1;
			break;
		case 'h':
			fputs(usage, stdout);
			return TOOL_EXIT_OK;
		default:
			return tool_usage_error("gcda", usage, "bad option '%s'", argv[optind - 1]);
		}
	}
	if (optind == argc || ((opt.outdir || opt.profile_dir) && (have_prefix || have_strip)) ||
	    (opt.outdir && opt.profile_dir)) {
		return tool_usage_error("gcda", usage, "%s",
		                        optind == argc ? "which raw profile?"
		                                       : "-o, -d, and --prefix/--strip exclude"
		                                         " each other");
	}
	if (opt.profile_dir) {
		/* as libgcov: the recorded paths' prefix and strip do not apply */
		opt.prefix = NULL;
		opt.strip = 0;
	}
	/* One after the other, each merged into what the previous ones wrote:
	 * what libgcov leaves after the same processes ran. */
	for (; optind < argc; optind++)
		if (gcda_one(argv[optind], &opt, &sum) != TOOL_EXIT_OK)
			status = TOOL_EXIT_ERROR;
	if (!opt.quiet && (sum.n_paths || status == TOOL_EXIT_OK))
		summary_say(&sum);
	for (size_t i = 0; i < sum.n_paths; i++)
		free(sum.paths[i]);
	free(sum.paths);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		tool_error("<stdout>", "write error");
		status = TOOL_EXIT_ERROR;
	}
	return status;
}
