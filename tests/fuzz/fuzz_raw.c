/* SPDX-License-Identifier: MIT */
/*
 * fuzz_raw.c - libFuzzer harness of the raw profile reader
 * (raw_profile_read_mem(), tools/raw_read.c): any byte string is either
 * refused with one line or read into a profile, which is then merged with
 * itself as `vitprof merge` does (raw_merge.c), written to an image
 * (raw_write.c) and read back. docs/fuzzing.md.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "base/tool.h"
#include "export/raw_write.h"
#include "merge/raw_merge.h"
#include "read/raw_profile.h"

/* rp twice through a raw merge, the result written and read back. */
static void merge_and_rewrite(const struct raw_profile *rp)
{
	struct raw_merge *m = raw_merge_new();
	const struct raw_profile *sum;
	unsigned char *image = NULL;
	size_t image_size = 0;
	uint64_t runs = 0;

	if (!m)
		return;
	if (raw_merge_add(m, rp, 1, 1) == 0 && raw_merge_add(m, rp, 3, 2) == 0) {
		sum = raw_merge_result(m, &runs);
		if (sum && raw_profile_image(sum, runs, &image, &image_size) == 0) {
			struct raw_profile back = {0};

			(void)raw_profile_read_mem(image, image_size, "fuzz-merged.vitraw", &back);
			raw_profile_free(&back);
		}
		free(image);
	}
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
		merge_and_rewrite(&rp);
	}
	raw_profile_free(&rp);
	return 0;
}
