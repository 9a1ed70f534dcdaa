/* SPDX-License-Identifier: MIT */
/*
 * badver.c - registers a hand-made gcov_info whose version is "X99*" (no
 * GCC has it). The runtime must print one `vitprof:` line and change
 * nothing else: this prints "hello" and exits with status 3.
 */
#include <stdint.h>
#include <stdio.h>

struct fake_gcov_info {
	uint32_t version;
	void *next;
	uint32_t stamp;
	uint32_t checksum;
	const char *filename;
	void (*merge[8])(int64_t *, uint32_t);
	uint32_t n_functions;
	const void *const *functions;
};

void __gcov_init(struct fake_gcov_info *info);

static struct fake_gcov_info fake = {
	.version = ((uint32_t)'X' << 24) | ((uint32_t)'9' << 16) | ((uint32_t)'9' << 8) | '*',
	.stamp = 1,
	.filename = "/nonexistent/badver.gcda",
	.n_functions = 0,
};

int main(void)
{
	__gcov_init(&fake);
	__gcov_init(&fake);     /* reported once */
	puts("hello");
	return 3;
}
