/* SPDX-License-Identifier: MIT */
/*
 * json_write.c - a small streaming JSON writer.
 *
 * Written by hand on purpose: a profile can hold a million call edges, and
 * a DOM library (jansson, cJSON) would build the whole document in memory
 * before writing a byte of it, several times the size of the profile
 * itself. This writer emits each value as it comes, straight into a
 * buffered FILE, so memory stays that of the profile. It also gives exact
 * output where libraries differ: integers are written as exact unsigned
 * 64-bit decimals (never through a double), and strings are escaped here:
 * '"', '\\' and control characters are escaped (\n, \t, ... or \u00XX),
 * valid UTF-8 passes through unchanged, and each byte that is not part of
 * valid UTF-8 (a Latin-1 file name, say) becomes U+FFFD, so the output is
 * always valid JSON.
 *
 * The writer checks the nesting (keys only in objects, a value after each
 * key, containers closed in order); json_finish() reports a misuse or a
 * write error.
 */
#include <inttypes.h>
#include <string.h>

#include "base/json_write.h"

void json_init(struct json_writer *w, FILE *out, int pretty_depth)
{
	memset(w, 0, sizeof *w);
	w->out = out;
	w->pretty_depth = pretty_depth;
}

/*
 * Length of the valid UTF-8 sequence at p (2 to 4), or 0 when the bytes at
 * p are not one (overlong forms, surrogates and values past U+10FFFF are
 * not valid). p[0] >= 0x80.
 */
int json_utf8_len(const unsigned char *p)
{
	unsigned c = p[0];
	unsigned lo = 0x80, hi = 0xBF;
	int n, i;

	if (c >= 0xC2 && c <= 0xDF)
		n = 2;
	else if (c >= 0xE0 && c <= 0xEF)
		n = 3;
	else if (c >= 0xF0 && c <= 0xF4)
		n = 4;
	else
		return 0;
	if (c == 0xE0)
		lo = 0xA0;
	else if (c == 0xED)
		hi = 0x9F;
	else if (c == 0xF0)
		lo = 0x90;
	else if (c == 0xF4)
		hi = 0x8F;
	if (p[1] < lo || p[1] > hi)
		return 0;
	for (i = 2; i < n; i++)
		if (p[i] < 0x80 || p[i] > 0xBF)
			return 0;
	return n;
}

void json_write_escaped(FILE *out, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	putc('"', out);
	while (*p) {
		unsigned c = *p;
		int n;

		if (c == '"' || c == '\\') {
			putc('\\', out);
			putc((int)c, out);
			p++;
		} else if (c < 0x20) {
			switch (c) {
			case '\b': fputs("\\b", out); break;
			case '\f': fputs("\\f", out); break;
			case '\n': fputs("\\n", out); break;
			case '\r': fputs("\\r", out); break;
			case '\t': fputs("\\t", out); break;
			default: fprintf(out, "\\u%04x", c);
			}
			p++;
		} else if (c < 0x80) {
			putc((int)c, out);
			p++;
		} else if ((n = json_utf8_len(p)) > 0) {
			fwrite(p, 1, (size_t)n, out);
			p += n;
		} else {
			fputs("\\ufffd", out);
			p++;
		}
	}
	putc('"', out);
}

static void newline(struct json_writer *w, int depth)
{
	int i;

	putc('\n', w->out);
	for (i = 0; i < depth; i++)
		putc('\t', w->out);
}

/*
 * Writes what goes before a key (is_key) or a value: the separator and
 * layout, and checks that the item is allowed here. Returns 0, or -1 (and
 * sets w->error) on a nesting error.
 */
static int before(struct json_writer *w, int is_key)
{
	int d;

	if (w->error)
		return -1;
	if (w->depth == 0) {
		if (is_key || w->has_items[0] == 2) {
			w->error = 1;
			return -1;
		}
		w->has_items[0] = 2;        /* the document's one value */
		return 0;
	}
	d = w->depth - 1;
	if (w->is_object[d] && !is_key) {
		if (!w->after_key) {
			w->error = 1;
			return -1;
		}
		w->after_key = 0;
		return 0;
	}
	if (w->after_key || (is_key && !w->is_object[d])) {
		w->error = 1;
		return -1;
	}
	if (w->has_items[d + 1])
		putc(',', w->out);
	if (d < w->pretty_depth)
		newline(w, w->depth);
	else if (w->has_items[d + 1])
		putc(' ', w->out);
	w->has_items[d + 1] = 1;
	return 0;
}

/* has_items[k + 1] tells whether the container at depth k has members;
 * has_items[0] whether the document has its value. */
static void begin(struct json_writer *w, int is_object)
{
	if (before(w, 0) != 0)
		return;
	if (w->depth + 1 >= JSON_MAX_DEPTH) {
		w->error = 1;
		return;
	}
	putc(is_object ? '{' : '[', w->out);
	w->is_object[w->depth] = (unsigned char)is_object;
	w->depth++;
	w->has_items[w->depth] = 0;
}

static void end(struct json_writer *w, int is_object)
{
	int d = w->depth - 1;

	if (w->error)
		return;
	if (w->depth == 0 || w->is_object[d] != is_object || w->after_key) {
		w->error = 1;
		return;
	}
	if (w->has_items[w->depth] && d < w->pretty_depth)
		newline(w, d);
	putc(is_object ? '}' : ']', w->out);
	w->depth--;
}

void json_begin_object(struct json_writer *w)
{
	begin(w, 1);
}

void json_end_object(struct json_writer *w)
{
	end(w, 1);
}

void json_begin_array(struct json_writer *w)
{
	begin(w, 0);
}

void json_end_array(struct json_writer *w)
{
	end(w, 0);
}

void json_key(struct json_writer *w, const char *key)
{
	if (before(w, 1) != 0)
		return;
	json_write_escaped(w->out, key);
	fputs(": ", w->out);
	w->after_key = 1;
}

void json_string(struct json_writer *w, const char *s)
{
	if (!s) {
		json_null(w);
		return;
	}
	if (before(w, 0) == 0)
		json_write_escaped(w->out, s);
}

void json_uint(struct json_writer *w, uint64_t v)
{
	if (before(w, 0) == 0)
		fprintf(w->out, "%" PRIu64, v);
}

void json_int(struct json_writer *w, int64_t v)
{
	if (before(w, 0) == 0)
		fprintf(w->out, "%" PRId64, v);
}

void json_bool(struct json_writer *w, int v)
{
	if (before(w, 0) == 0)
		fputs(v ? "true" : "false", w->out);
}

void json_null(struct json_writer *w)
{
	if (before(w, 0) == 0)
		fputs("null", w->out);
}

int json_finish(struct json_writer *w)
{
	if (w->depth != 0 || w->after_key || w->has_items[0] != 2)
		w->error = 1;
	if (!w->error)
		putc('\n', w->out);
	if (fflush(w->out) != 0 || ferror(w->out))
		w->error = 1;
	return w->error ? -1 : 0;
}

void json_kv_string(struct json_writer *w, const char *key, const char *s)
{
	json_key(w, key);
	json_string(w, s);
}

void json_kv_uint(struct json_writer *w, const char *key, uint64_t v)
{
	json_key(w, key);
	json_uint(w, v);
}

void json_kv_int(struct json_writer *w, const char *key, int64_t v)
{
	json_key(w, key);
	json_int(w, v);
}

void json_kv_bool(struct json_writer *w, const char *key, int v)
{
	json_key(w, key);
	json_bool(w, v);
}
