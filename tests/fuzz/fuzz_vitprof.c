/* SPDX-License-Identifier: MIT */
/*
 * fuzz_vitprof.c - libFuzzer harness of the .vitprof document reader as
 * `vitprof merge` and `vitprof overlap` use it (vitprof_read_mem(),
 * tools/read/vitprof_read.c): any byte string is refused with one line or read
 * into a document, which is then merged with itself (doc_merge.c) and
 * written, as `vitprof merge -o` does. docs/fuzzing.md.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "base/tool.h"
#include "tool_internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vpdoc d = {0};

	tool_error_mute(1);
	if (vitprof_read_mem(data, size, "fuzz.vitprof", &d) == 0) {
		struct doc_merge *m = doc_merge_new();

		if (m && doc_merge_add(m, &d, 1) == 0 && doc_merge_add(m, &d, 2) == 0) {
			FILE *out = fopen("/dev/null", "w");

			if (out) {
				struct vpdoc sum;
				doc_merge_result(m, &sum);
				(void)vitprof_write(out, &sum);
				document_free(&sum);
				fclose(out);
			}
		}
		doc_merge_free(m);
	}
	document_free(&d);
	return 0;
}
