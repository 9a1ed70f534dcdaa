/* SPDX-License-Identifier: MIT */
/*
 * fuzz_raw.c - libFuzzer harness of the raw profile reader
 * (raw_profile_read_mem(), tools/raw_read.c): any byte string is either
 * refused with one line or read into a profile, which is then merged with
 * itself as `vitprof merge` does (the merge core, rt/vpr_merge.c) into an
 * image that is read back. docs/fuzzing.md.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "base/tool.h"
#include "merge/raw_merge.h"
#include "read/raw_profile.h"

/* The input twice through the raw merge (weights 1 and 3), as `vitprof
 * merge` does (tools/merge/raw_merge.c, rt/vpr_merge.c); the image it
 * makes is read back there. */
static void merge_twice(const uint8_t *data, size_t size)
{
	struct raw_merge *m = raw_merge_new();
	unsigned char *image = NULL;
	size_t image_size = 0;

	if (raw_merge_add_mem(m, data, size, 1, "fuzz.vitraw") == 0 &&
	    raw_merge_add_mem(m, data, size, 3, "fuzz.vitraw") == 0 &&
	    raw_merge_image(m, &image, &image_size) == 0) {
		struct raw_profile back = {0};

		(void)raw_profile_read_mem(image, image_size, "fuzz-merged.vitraw", &back);
		raw_profile_free(&back);
	}
	free(image);
	raw_merge_free(m);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct raw_profile rp = {0};

	tool_error_mute(1);
	if (raw_profile_read_mem(data, size, "fuzz.vitraw", &rp) == 0) {
		/* The tick conversion reads the header fields the reader kept. */
		(void)raw_ticks_to_ns(&rp, UINT64_MAX);
		(void)raw_mode_name(rp.mode);
		(void)raw_state_name(rp.state);
		merge_twice(data, size);
	}
	raw_profile_free(&rp);
	return 0;
}
