/* SPDX-License-Identifier: MIT */
/* test_tool_json.c - the streaming JSON writer (tools/json_write.c). */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/json_write.h"
#include "vp_test.h"

/* s escaped as a JSON string literal, in a malloc'd buffer. */
static char *escaped(const char *s)
{
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);

	json_write_escaped(f, s);
	fclose(f);
	return out;
}

static void check_escape(const char *in, const char *want)
{
	char *got = escaped(in);

	if (strcmp(got, want) != 0) {
		fprintf(stderr, "\n  escaped: %s\n  wanted:  %s\n", got, want);
		CU_FAIL("escaping");
	}
	free(got);
}

VP_TEST(tool_json, escapes_specials)
{
	check_escape("plain", "\"plain\"");
	check_escape("", "\"\"");
	check_escape("a\"b\\c/d", "\"a\\\"b\\\\c/d\"");
	check_escape("\n\t\r\b\f", "\"\\n\\t\\r\\b\\f\"");
	check_escape("\x01\x1f\x7f", "\"\\u0001\\u001f\x7f\"");
}

VP_TEST(tool_json, utf8_passes_invalid_replaced)
{
	/* valid: 2, 3 and 4 byte sequences */
	check_escape("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80", "\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\"");
	/* a Latin-1 byte, a lone continuation byte, a truncated sequence */
	check_escape("caf\xe9", "\"caf\\ufffd\"");
	check_escape("\x80x", "\"\\ufffdx\"");
	check_escape("\xe2\x82", "\"\\ufffd\\ufffd\"");
	/* overlong '/', a UTF-16 surrogate, past U+10FFFF */
	check_escape("\xc0\xaf", "\"\\ufffd\\ufffd\"");
	check_escape("\xed\xa0\x80", "\"\\ufffd\\ufffd\\ufffd\"");
	check_escape("\xf4\x90\x80\x80", "\"\\ufffd\\ufffd\\ufffd\\ufffd\"");
	check_escape("\xf4\x8f\xbf\xbf", "\"\xf4\x8f\xbf\xbf\"");
}

/* Writes a small document with pretty_depth and returns it. */
static char *document(int pretty_depth, int *rc)
{
	struct json_writer w;
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);

	json_init(&w, f, pretty_depth);
	json_begin_object(&w);
	json_key(&w, "max");
	json_uint(&w, UINT64_MAX);
	json_key(&w, "neg");
	json_int(&w, INT64_MIN);
	json_key(&w, "list");
	json_begin_array(&w);
	json_begin_object(&w);
	json_key(&w, "s");
	json_string(&w, "x");
	json_key(&w, "n");
	json_null(&w);
	json_key(&w, "b");
	json_bool(&w, 1);
	json_end_object(&w);
	json_string(&w, NULL);
	json_begin_array(&w);
	json_end_array(&w);
	json_end_array(&w);
	json_end_object(&w);
	*rc = json_finish(&w);
	fclose(f);
	return out;
}

VP_TEST(tool_json, exact_integers_and_layout)
{
	int rc;
	char *one = document(0, &rc), *pretty;

	CU_ASSERT_EQUAL(rc, 0);
	CU_ASSERT_STRING_EQUAL(one, "{\"max\": 18446744073709551615, \"neg\": -9223372036854775808,"
	                            " \"list\": [{\"s\": \"x\", \"n\": null, \"b\": true}, null, []]}\n");
	pretty = document(2, &rc);
	CU_ASSERT_EQUAL(rc, 0);
	CU_ASSERT_STRING_EQUAL(pretty, "{\n\t\"max\": 18446744073709551615,\n"
	                               "\t\"neg\": -9223372036854775808,\n"
	                               "\t\"list\": [\n\t\t{\"s\": \"x\", \"n\": null, \"b\": true},\n"
	                               "\t\tnull,\n\t\t[]\n\t]\n}\n");
	free(one);
	free(pretty);
}

VP_TEST(tool_json, misuse_is_reported)
{
	struct json_writer w;
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);

	/* a value where a key is due */
	json_init(&w, f, 0);
	json_begin_object(&w);
	json_uint(&w, 1);
	json_end_object(&w);
	CU_ASSERT_EQUAL(json_finish(&w), -1);
	/* a key in an array */
	json_init(&w, f, 0);
	json_begin_array(&w);
	json_key(&w, "k");
	json_end_array(&w);
	CU_ASSERT_EQUAL(json_finish(&w), -1);
	/* left open, closed with the wrong bracket, a key without value */
	json_init(&w, f, 0);
	json_begin_array(&w);
	CU_ASSERT_EQUAL(json_finish(&w), -1);
	json_init(&w, f, 0);
	json_begin_array(&w);
	json_end_object(&w);
	CU_ASSERT_EQUAL(json_finish(&w), -1);
	json_init(&w, f, 0);
	json_begin_object(&w);
	json_key(&w, "k");
	json_end_object(&w);
	CU_ASSERT_EQUAL(json_finish(&w), -1);
	/* two top-level values, none at all */
	json_init(&w, f, 0);
	json_uint(&w, 1);
	json_uint(&w, 2);
	CU_ASSERT_EQUAL(json_finish(&w), -1);
	json_init(&w, f, 0);
	CU_ASSERT_EQUAL(json_finish(&w), -1);
	/* too deep */
	json_init(&w, f, 0);
	for (len = 0; len < JSON_MAX_DEPTH + 2; len++)
		json_begin_array(&w);
	CU_ASSERT_EQUAL(json_finish(&w), -1);
	fclose(f);
	free(out);
}

VP_TEST(tool_json, write_error_is_reported)
{
	struct json_writer w;
	FILE *f = fopen("/dev/full", "w");

	if (!f)
		return;          /* no /dev/full here */
	json_init(&w, f, 0);
	json_begin_array(&w);
	for (int i = 0; i < 100000; i++)
		json_uint(&w, (uint64_t)i);
	json_end_array(&w);
	CU_ASSERT_EQUAL(json_finish(&w), -1);
	fclose(f);
}
