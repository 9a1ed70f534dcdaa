/* SPDX-License-Identifier: MIT */
/*
 * cov_dump.c - test driver: reads .gcno files and their .gcda (same path,
 * .gcda suffix) with tools/gcno_read.c and gcda_read.c, builds one report
 * with tools/cov_solve.c and cov_loops.c, and prints it as JSON for the
 * checkers (check_gcov.py compares it with `gcov --json-format`).
 *
 *   cov_dump A.gcno [B.gcno...]
 *
 * Prints {"lines": [...], "functions": [...], "loops": [...]}. Exit 0, or 1
 * after one "vitprof: ..." line.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/json_write.h"
#include "coverage/coverage.h"
#include "read/gcov_files.h"

static void dump(const struct cov_report *r)
{
	struct json_writer w;

	json_init(&w, stdout, 2);
	json_begin_object(&w);
	json_key(&w, "lines");
	json_begin_array(&w);
	for (size_t i = 0; i < r->n_lines; i++) {
		const struct cov_line *l = &r->lines[i];

		json_begin_object(&w);
		json_kv_string(&w, "file", l->file);
		json_kv_uint(&w, "line", l->line);
		json_kv_uint(&w, "count", l->count);
		json_kv_bool(&w, "unexecuted_block", l->unexecuted_block);
		json_key(&w, "branches");
		json_begin_array(&w);
		for (size_t k = 0; k < l->n_branches; k++) {
			json_begin_object(&w);
			json_kv_uint(&w, "count", l->branches[k].count);
			json_kv_bool(&w, "fallthrough", l->branches[k].fallthrough);
			json_kv_bool(&w, "throw", l->branches[k].is_throw);
			json_end_object(&w);
		}
		json_end_array(&w);
		json_end_object(&w);
	}
	json_end_array(&w);
	json_key(&w, "functions");
	json_begin_array(&w);
	for (size_t i = 0; i < r->n_functions; i++) {
		const struct cov_function *f = &r->functions[i];

		json_begin_object(&w);
		json_kv_string(&w, "name", f->name);
		json_kv_string(&w, "file", f->file);
		json_kv_uint(&w, "start_line", f->start_line);
		json_kv_uint(&w, "end_line", f->end_line);
		json_kv_uint(&w, "execution_count", f->entry_count);
		json_kv_uint(&w, "exit_count", f->exit_count);
		json_kv_uint(&w, "blocks", f->blocks);
		json_kv_uint(&w, "blocks_executed", f->blocks_executed);
		json_end_object(&w);
	}
	json_end_array(&w);
	json_key(&w, "loops");
	json_begin_array(&w);
	for (size_t i = 0; i < r->n_loops; i++) {
		const struct cov_loop *l = &r->loops[i];

		json_begin_object(&w);
		json_kv_string(&w, "function", l->function);
		json_kv_string(&w, "file", l->file);
		json_kv_uint(&w, "line", l->line);
		json_kv_uint(&w, "entries", l->entries);
		json_kv_uint(&w, "iterations", l->iterations);
		json_kv_uint(&w, "depth", l->depth);
		json_end_object(&w);
	}
	json_end_array(&w);
	json_end_object(&w);
	json_finish(&w);
}

int main(int argc, char **argv)
{
	struct cov_report r;
	int rc = 0;

	if (argc < 2) {
		fprintf(stderr, "usage: cov_dump A.gcno [B.gcno...]\n");
		return 2;
	}
	cov_report_init(&r);
	for (int i = 1; i < argc && rc == 0; i++) {
		struct gcno_file g;
		struct gcda_file d;
		size_t len = strlen(argv[i]);
		char *gcda = malloc(len + 6);

		if (!gcda)
			return 1;
		memcpy(gcda, argv[i], len + 1);
		if (len > 5 && strcmp(gcda + len - 5, ".gcno") == 0)
			memcpy(gcda + len - 5, ".gcda", 6);
		else
			strcat(gcda, ".gcda");
		if (gcno_read(argv[i], &g) != 0) {
			rc = 1;
		} else {
			if (gcda_read(gcda, &d) != 0)
				rc = 1;
			else if (cov_report_add(&r, &g, d.functions, d.n_functions) != 0)
				rc = 1;
			gcda_free(&d);
		}
		gcno_free(&g);
		free(gcda);
	}
	if (rc == 0) {
		cov_report_finish(&r);
		dump(&r);
	}
	cov_report_free(&r);
	return rc;
}
