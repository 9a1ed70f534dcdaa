/* SPDX-License-Identifier: MIT */
/*
 * fuzz_gcda.c - libFuzzer harness of the .gcda readers: gcda_read_mem()
 * (tools/gcda_read.c) and gcda_model_read_mem(), the existing-file model
 * `vitprof gcda` merges into (tools/gcda_write.c). A file both accept is
 * merged into its own model as libgcov would (gcda_merge()).
 * docs/fuzzing.md.
 */
#include <stddef.h>
#include <stdint.h>

#include "base/tool.h"
#include "export/gcda_write.h"
#include "read/gcov_files.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct gcda_file d = {0}, model = {0};
	char why[256];
	int read_ok, model_ok;

	tool_error_mute(1);
	read_ok = gcda_read_mem(data, size, "fuzz.gcda", &d) == 0;
	model_ok = gcda_model_read_mem(&model, data, size, "fuzz.gcda") == 0;
	if (read_ok && model_ok)
		(void)gcda_merge(&model, &d, why, sizeof(why));
	gcda_free(&d);
	gcda_free(&model);
	return 0;
}
