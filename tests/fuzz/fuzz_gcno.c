/* SPDX-License-Identifier: MIT */
/*
 * fuzz_gcno.c - libFuzzer harness of the .gcno reader (gcno_read_mem(),
 * tools/gcno_read.c): any byte string is refused with one line or read
 * into a gcno_file, then freed. docs/fuzzing.md.
 */
#include <stddef.h>
#include <stdint.h>

#include "base/tool.h"
#include "read/gcov_files.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct gcno_file g = {0};

	tool_error_mute(1);
	(void)gcno_read_mem(data, size, "fuzz.gcno", &g);
	gcno_free(&g);
	return 0;
}
