/* SPDX-License-Identifier: MIT */
/*
 * fuzz_merge.c - libFuzzer harness of the merge core (rt/vpr_merge.c) on
 * its own, as the runtime uses it on a pool file (docs/runtime.md,
 * "Online merging"): any byte string is added twice (weights 1 and 2)
 * without the tool's reader in front; what the core accepts, it must sum
 * and write, and its output must be added again. docs/fuzzing.md.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "vpr_merge.h"

struct block {
	struct block *next;
	_Alignas(16) unsigned char data[];
};

static void *block_alloc(void *ctx, size_t n)
{
	struct block **head = ctx, *b = malloc(sizeof *b + n);

	if (!b)
		return NULL;
	b->next = *head;
	*head = b;
	return b->data;
}

static void blocks_free(struct block **head)
{
	while (*head) {
		struct block *b = *head;
		*head = b->next;
		free(b);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct block *blocks = NULL;
	struct vpm_alloc a = {block_alloc, &blocks};
	struct vpm *m = vpm_new(&a), *again;
	unsigned char *out;
	uint64_t n;

	if (!m || vpm_add(m, data, size, 1, "a") != 0 || vpm_add(m, data, size, 2, "b") != 0)
		goto done;
	n = vpm_size(m);
	if (!n || n > ((uint64_t)1 << 28))
		goto done;
	out = calloc(1, n);
	if (!out)
		goto done;
	vpm_write(m, out);
	again = vpm_new(&a);
	if (again)
		(void)vpm_add(again, out, n, 1, "merged");
	free(out);
done:
	blocks_free(&blocks);
	return 0;
}
