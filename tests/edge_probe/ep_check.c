/* SPDX-License-Identifier: MIT */
/*
 * ep_check.c - checks the edge tables of a raw profile with the format's
 * own probe (vpr_edges_probe, rt/vitprof_raw.h), not the tool's reader.
 *
 *   ep_check FILE [KEYS]
 *
 * For each shard, the live table of the highest generation: every used
 * entry must be where vpr_edges_probe() finds its key, and n_used must be
 * the number of used entries. Prints one line per such table:
 * "table SHARD GENERATION CAPACITY N_USED", then one line "key K0 FN" per
 * used entry. With KEYS (a file of "K0 FN" lines, hexadecimal), every key
 * must also be found by the probe in the file's one selected table.
 * Exit status 0 when every check holds, 1 (with a line on stderr) otherwise.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vitprof_raw.h"

static unsigned char *file;
static long file_size;

static int fail(const char *what)
{
	fprintf(stderr, "ep_check: %s\n", what);
	return 1;
}

static unsigned log2u(uint64_t v)
{
	return 63u - (unsigned)__builtin_clzll(v);
}

int main(int argc, char **argv)
{
	struct vpr_file_header *h;
	struct vpr_edges *sel[4096];
	size_t n_sel = 0, i;
	uint64_t off;
	FILE *f;

	if (argc < 2 || !(f = fopen(argv[1], "rb")))
		return fail("usage: ep_check FILE [KEYS]");
	fseek(f, 0, SEEK_END);
	file_size = ftell(f);
	rewind(f);
	file = malloc((size_t)file_size);
	if (!file || fread(file, 1, (size_t)file_size, f) != (size_t)file_size)
		return fail("cannot read the file");
	fclose(f);
	h = (struct vpr_file_header *)file;
	if (memcmp(h->magic, VPR_MAGIC, 8) != 0 || h->end > (uint64_t)file_size)
		return fail("not a complete raw profile");
	for (off = h->first_section; off < h->end;) {
		struct vpr_section *s = (struct vpr_section *)(file + off);
		if (s->magic != VPR_SECTION_MAGIC || s->size == 0 || s->offset != off)
			return fail("bad section chain");
		if (s->type == VPR_SEC_EDGES) {
			struct vpr_edges *t = (struct vpr_edges *)s;
			int replaced = 0;
			for (i = 0; i < n_sel; i++)
				if (sel[i]->shard_id == t->shard_id) {
					if (t->live && (!sel[i]->live || t->generation > sel[i]->generation))
						sel[i] = t;
					replaced = 1;
				}
			if (!replaced && n_sel < sizeof sel / sizeof sel[0])
				sel[n_sel++] = t;
		}
		off += s->size;
	}
	for (i = 0; i < n_sel; i++) {
		struct vpr_edges *t = sel[i];
		unsigned char *slots = (unsigned char *)t + t->entries_offset;
		uint64_t k, used = 0;

		if (!t->live)
			continue;
		if (t->entries_offset != VPR_EDGES_ENTRIES_OFFSET)
			return fail("entries_offset is not VPR_EDGES_ENTRIES_OFFSET");
		printf("table %" PRIu64 " %" PRIu32 " %" PRIu64 " %" PRIu64 "\n", t->shard_id,
		       t->generation, t->capacity, t->n_used);
		for (k = 0; k < t->capacity; k++) {
			uint64_t *e = (uint64_t *)(slots + k * t->entry_size);
			if (!e[1])
				continue;
			used++;
			if (vpr_edges_probe(slots, t->capacity - 1, 64u - log2u(t->capacity),
			                    t->entry_size, e[0], e[1]) != e)
				return fail("an entry is not where the probe finds its key");
			printf("key %" PRIx64 " %" PRIx64 "\n", e[0], e[1]);
		}
		if (used != t->n_used)
			return fail("n_used is not the number of used entries");
	}
	if (argc > 2) {
		struct vpr_edges *t = NULL;
		uint64_t k0, fn, n = 0;
		unsigned char *slots;

		for (i = 0; i < n_sel; i++)
			if (sel[i]->live) {
				if (t)
					return fail("KEYS given, but the file has several live shards");
				t = sel[i];
			}
		if (!t || !(f = fopen(argv[2], "r")))
			return fail("no table, or cannot read KEYS");
		slots = (unsigned char *)t + t->entries_offset;
		while (fscanf(f, "%" SCNx64 " %" SCNx64, &k0, &fn) == 2) {
			uint64_t *e = vpr_edges_probe(slots, t->capacity - 1,
			                              64u - log2u(t->capacity), t->entry_size, k0, fn);
			if (e[0] != k0 || e[1] != fn)
				return fail("a key of KEYS is not found by the probe");
			n++;
		}
		fclose(f);
		fprintf(stderr, "ep_check: %" PRIu64 " keys found\n", n);
	}
	return 0;
}
