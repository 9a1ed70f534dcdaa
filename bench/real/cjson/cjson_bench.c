/* SPDX-License-Identifier: MIT */
/*
 * cjson_bench.c - a JSON workload on cJSON (cJSON.c, cJSON.h beside this
 * file, MIT, see LICENSE), for bench/pgo_values.py: a program of a few
 * thousand lines whose hot paths are the parser's and printer's branches,
 * string escaping, object lookups by key and allocation through cJSON's
 * hooks.
 *
 * The document is generated (the same for every build): an array of
 * records with string fields that need escaping, integers, a few doubles,
 * booleans, nulls and nested arrays. Each round parses it, looks fields up
 * by name in every record, prints it compact and indented, duplicates and
 * compares the tree, minifies the indented text and parses that again.
 *
 *   cjson_bench [ROUNDS [RECORDS]]   prints a checksum
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cJSON.h"

static const char *const words[] = {
	"alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel",
	"india", "juliett", "kilo", "lima", "mike", "november", "oscar", "papa",
};

static uint32_t rng = 2463534242u;

static uint32_t next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 17;
	rng ^= rng << 5;
	return rng;
}

/* The document's text, malloc'd. */
static char *make_document(unsigned records)
{
	size_t cap = (size_t)records * 512 + 64, len = 0;
	char *s = malloc(cap);

	if (!s)
		exit(1);
	len += (size_t)snprintf(s + len, cap - len, "[");
	for (unsigned i = 0; i < records; i++) {
		uint32_t r = next();
		len += (size_t)snprintf(
			s + len, cap - len,
			"%s{\"id\":%u,\"name\":\"%s %s\",\"note\":\"line\\n\\\"%s\\\"\\t%u\","
			"\"active\":%s,\"parent\":null,\"score\":%u.%02u,"
			"\"tags\":[\"%s\",\"%s\",\"%s\"],\"counts\":[%u,%u,%u,%u],"
			"\"owner\":{\"Group\":\"%s\",\"level\":%u}}",
			i ? "," : "", i, words[r & 15], words[(r >> 4) & 15], words[(r >> 8) & 15],
			r % 1000, (r >> 12) & 1 ? "true" : "false", r % 100, (r >> 7) % 100,
			words[(r >> 16) & 15], words[(r >> 20) & 15], words[(r >> 24) & 15],
			r % 97, r % 89, r % 83, r % 79, words[(r >> 28) & 15], r % 7);
	}
	len += (size_t)snprintf(s + len, cap - len, "]");
	return s;
}

static uint64_t hash_text(const char *s)
{
	uint64_t h = 1469598103934665603ull;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ull;
	return h;
}

/* Looks fields up by name, case-insensitively for "group" as cJSON_GetObjectItem does. */
static uint64_t walk(const cJSON *root)
{
	uint64_t sum = 0;
	const cJSON *rec;

	cJSON_ArrayForEach(rec, root) {
		const cJSON *tags = cJSON_GetObjectItemCaseSensitive(rec, "tags");
		const cJSON *counts = cJSON_GetObjectItem(rec, "counts");
		const cJSON *owner = cJSON_GetObjectItem(rec, "owner");
		const cJSON *t;

		sum += (uint64_t)cJSON_GetNumberValue(cJSON_GetObjectItem(rec, "id"));
		sum += strlen(cJSON_GetStringValue(cJSON_GetObjectItem(rec, "name")));
		sum += cJSON_IsTrue(cJSON_GetObjectItem(rec, "active"));
		sum += cJSON_IsNull(cJSON_GetObjectItem(rec, "parent"));
		cJSON_ArrayForEach(t, tags)
			sum += (unsigned char)t->valuestring[0];
		cJSON_ArrayForEach(t, counts)
			sum += (uint64_t)t->valueint;
		sum += strlen(cJSON_GetStringValue(cJSON_GetObjectItem(owner, "group")));
	}
	return sum;
}

int main(int argc, char **argv)
{
	long rounds = argc > 1 ? atol(argv[1]) : 10;
	unsigned records = argc > 2 ? (unsigned)atol(argv[2]) : 2000;
	char *doc = make_document(records);
	uint64_t sum = 0;

	for (long r = 0; r < rounds; r++) {
		cJSON *root = cJSON_Parse(doc), *copy, *again;
		char *compact, *pretty;

		if (!root) {
			fprintf(stderr, "cjson_bench: parse error near %.20s\n", cJSON_GetErrorPtr());
			return 1;
		}
		sum += walk(root);
		compact = cJSON_PrintUnformatted(root);
		pretty = cJSON_Print(root);
		copy = cJSON_Duplicate(root, 1);
		sum += (uint64_t)cJSON_Compare(root, copy, 1);
		sum += hash_text(compact) ^ strlen(pretty);
		cJSON_Minify(pretty);
		again = cJSON_Parse(pretty);
		sum += (uint64_t)cJSON_Compare(root, again, 0) + (strcmp(pretty, compact) == 0);
		cJSON_Delete(again);
		cJSON_Delete(copy);
		cJSON_Delete(root);
		cJSON_free(compact);
		cJSON_free(pretty);
	}
	printf("cjson_bench %ld %u %llu\n", rounds, records, (unsigned long long)sum);
	free(doc);
	return 0;
}
