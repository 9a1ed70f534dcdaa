/* SPDX-License-Identifier: MIT */
/*
 * base/json_write.h - a streaming JSON writer (json_write.c): objects,
 * arrays and scalars written as they come, pretty-printed down to a chosen
 * depth, with nesting and write errors kept until json_finish().
 */
#ifndef VITPROF_JSON_WRITE_H
#define VITPROF_JSON_WRITE_H

#include <stdint.h>
#include <stdio.h>

#define JSON_MAX_DEPTH 32

struct json_writer {
	FILE *out;
	int depth;                  /* open containers */
	int pretty_depth;           /* containers deeper than this are one line */
	int error;                  /* a nesting error or a write error */
	unsigned char has_items[JSON_MAX_DEPTH];
	unsigned char is_object[JSON_MAX_DEPTH];
	int after_key;              /* a key was written, its value is due */
};

/* pretty_depth: members of containers opened at depth < pretty_depth go on
 * their own lines (indented by tabs); 0 writes everything on one line. */
void json_init(struct json_writer *w, FILE *out, int pretty_depth);
void json_begin_object(struct json_writer *w);
void json_end_object(struct json_writer *w);
void json_begin_array(struct json_writer *w);
void json_end_array(struct json_writer *w);
void json_key(struct json_writer *w, const char *key);
void json_string(struct json_writer *w, const char *s);   /* NULL: null */
void json_uint(struct json_writer *w, uint64_t v);
void json_int(struct json_writer *w, int64_t v);
void json_bool(struct json_writer *w, int v);
void json_null(struct json_writer *w);
/* An object member: json_key then the value. */
void json_kv_string(struct json_writer *w, const char *key, const char *s);
void json_kv_uint(struct json_writer *w, const char *key, uint64_t v);
void json_kv_int(struct json_writer *w, const char *key, int64_t v);
void json_kv_bool(struct json_writer *w, const char *key, int v);
/* Ends the document (a newline). Returns 0, or -1 when a container was left
 * open, a value was misplaced, or writing failed. */
int json_finish(struct json_writer *w);

/* Length of the valid UTF-8 sequence at p (2 to 4), or 0 when the bytes
 * at p are not one (overlong forms, surrogates and values past U+10FFFF are
 * not valid): what json_write_escaped() keeps, the rest it replaces with
 * U+FFFD. p[0] >= 0x80. */
int json_utf8_len(const unsigned char *p);

/* Writes s as a JSON string literal, quotes included. */
void json_write_escaped(FILE *out, const char *s);

#endif /* VITPROF_JSON_WRITE_H */
