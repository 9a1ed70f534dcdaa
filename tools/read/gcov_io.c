/* SPDX-License-Identifier: MIT */
/*
 * gcov_io.c - what the .gcno and .gcda readers share: loading a file,
 * GCC's version word, and a bounds-checked cursor over 32-bit words in
 * either byte order that keeps the first problem as "WHAT at offset 0x...".
 */
#define _GNU_SOURCE
#include <byteswap.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "base/tool.h"
#include "read/gcov_files.h"
#include "read/gcov_llvm.h"

/* GCC's version word: 'A' + major / 10, '0' + major % 10, '0' + minor, '*'. */
unsigned gcov_version_major(uint32_t version)
{
	unsigned a = version >> 24, b = (version >> 16) & 0xff;
	unsigned c = (version >> 8) & 0xff, d = version & 0xff;
	unsigned major;

	if (a < 'A' || a > 'Z' || b < '0' || b > '9' || c < '0' || c > '9' || d != '*')
		return 0;
	major = (a - 'A') * 10 + (b - '0');
	return major >= 10 && major <= 14 ? major : 0;
}

/* "407*", "408*", "409*": the layout clang writes (read/gcov_llvm.h). */
int gcov_version_is_llvm(uint32_t version)
{
	unsigned minor = (version >> 8) & 0xffu;

	return (version & 0xffff00ffu) == 0x3430002au && minor >= '7' && minor <= '9';
}

int gcov_file_load(const char *path, unsigned char **data, size_t *size)
{
	FILE *f = fopen(path, "rb");
	unsigned char *buf = NULL;
	size_t len = 0, cap = 0;

	*data = NULL;
	*size = 0;
	if (!f) {
		tool_error(path, "cannot open: %s", strerror(errno));
		return -1;
	}
	for (;;) {
		size_t n;

		if (len == cap) {
			if (cap > SIZE_MAX / 2)
				tool_oom();
			cap = cap ? 2 * cap : 65536;
			buf = xrealloc(buf, cap);
		}
		n = fread(buf + len, 1, cap - len, f);
		len += n;
		if (n == 0)
			break;
	}
	if (ferror(f)) {
		fclose(f);
		free(buf);
		tool_error(path, "read error at offset 0x%zx", len);
		return -1;
	}
	fclose(f);
	*data = buf;
	*size = len;
	return 0;
}

int gcov_bad(struct gcov_cursor *c, size_t off, const char *fmt, ...)
{
	char what[600];
	va_list ap;

	if (c->err[0])
		return -1;
	va_start(ap, fmt);
	vsnprintf(what, sizeof what, fmt, ap);
	va_end(ap);
	snprintf(c->err, sizeof c->err, "%s at offset 0x%zx", what, off);
	return -1;
}

int gcov_get_u32(struct gcov_cursor *c, uint32_t *v)
{
	uint32_t w;

	if (c->end < 4 || c->pos > c->end - 4)
		return gcov_bad(c, c->pos, "truncated: a 4-byte word is cut off");
	memcpy(&w, c->data + c->pos, 4);
	*v = c->swapped ? bswap_32(w) : w;
	c->pos += 4;
	return 0;
}

int gcov_get_u64(struct gcov_cursor *c, uint64_t *v)
{
	uint32_t lo, hi;

	if (gcov_get_u32(c, &lo) != 0 || gcov_get_u32(c, &hi) != 0)
		return -1;
	*v = (uint64_t)hi << 32 | lo;
	return 0;
}

size_t gcov_record_bytes(const struct gcov_cursor *c, uint32_t length)
{
	return c->major >= 12 ? (size_t)length : (size_t)length * 4;
}

static int printable(uint32_t v, int shift)
{
	int ch = (int)(v >> shift) & 0xff;
	return ch >= 0x20 && ch < 0x7f ? ch : '?';
}

int gcov_read_header(struct gcov_cursor *c, uint32_t magic_want, const char *kind,
                     uint32_t *version, uint32_t *stamp, uint32_t *checksum)
{
	uint32_t magic;

	c->end = c->size;
	if (c->size < 4)
		return gcov_bad(c, 0, "truncated: not a GCC %s file (%zu bytes)", kind, c->size);
	memcpy(&magic, c->data, 4);
	if (magic == bswap_32(magic_want))
		c->swapped = 1;
	else if (magic != magic_want)
		return gcov_bad(c, 0, "not a GCC %s file (magic 0x%08" PRIx32 ")", kind, magic);
	c->pos = 4;
	if (gcov_get_u32(c, version) != 0)
		return -1;
	c->major = gcov_version_major(*version);
	if (gcov_version_is_llvm(*version))
		c->major = GCOV_MAJOR_LLVM;      /* clang's default layout */
	if (!c->major)
		return gcov_bad(c, 4, "GCC coverage version 0x%08" PRIx32 " (\"%c%c%c%c\"), this"
		                " vitprof reads GCC 10 to 14 and clang's 408*", *version, printable(*version, 24),
		                printable(*version, 16), printable(*version, 8),
		                printable(*version, 0));
	if (gcov_get_u32(c, stamp) != 0)
		return -1;
	*checksum = 0;
	if (c->major >= 12 && gcov_get_u32(c, checksum) != 0)
		return -1;
	return 0;
}
