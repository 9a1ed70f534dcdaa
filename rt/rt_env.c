/* SPDX-License-Identifier: MIT */
/*
 * rt_env.c - the runtime's settings (VITPROF_*) read from the environment:
 * secure_getenv() once libc has set environ, the process's initial
 * environment (/proc/self/environ) before, nothing in secure mode
 * (setuid, setgid). No malloc, no stdio.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <unistd.h>

#include "rt_internal.h"

/*
 * The VITPROF_* entries of the initial environment, "NAME=value\0" one
 * after another, read from /proc/self/environ (rt_getenv). A value longer
 * than the room left is cut to VPR_PATH_MAX bytes or more, so that a
 * VITPROF_FILE that long is still refused as too long.
 */
static char early_env[4 * VPR_PATH_MAX + 256];
static size_t early_env_len;

/* Reads the VITPROF_* entries of /proc/self/environ into early_env with
 * plain system calls (no malloc, no stdio), once; under init_once. */
static void early_env_load(void)
{
	static int loaded;
	char buf[4096];
	size_t n = 0;       /* bytes of the current entry read so far */
	int keep = 1;       /* it starts with VITPROF_ (so far) */
	int fd;
	ssize_t r, i;

	if (loaded)
		return;
	loaded = 1;
	fd = open("/proc/self/environ", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	while ((r = read(fd, buf, sizeof buf)) > 0 || (r < 0 && errno == EINTR)) {
		for (i = 0; i < r; i++) {
			char *cur = early_env + early_env_len;
			size_t room = sizeof early_env - early_env_len;
			char c = buf[i];

			if (keep && n < 8 && c != "VITPROF_"[n])
				keep = 0;
			if (keep && n < room)
				cur[n] = c;
			n++;
			if (c != '\0')
				continue;
			if (keep && n <= room) {
				early_env_len += n;           /* it fits, NUL included */
			} else if (keep && room > VPR_PATH_MAX + 32) {
				cur[room - 1] = '\0';         /* cut, still too long */
				early_env_len += room;
			}
			n = 0;
			keep = 1;
		}
	}
	close(fd);
}

/*
 * getenv() for the runtime's settings: secure_getenv() once libc has set
 * environ; before that (a first call from .preinit_array, before libc's own
 * initialisation), the process's initial environment, read from
 * /proc/self/environ, and nothing in secure mode (AT_SECURE, as
 * secure_getenv). Returns NULL when unset or unreadable.
 */
const char *rt_getenv(const char *name)
{
	size_t off, len = strlen(name);

	if (environ)
		return secure_getenv(name);
	if (getauxval(AT_SECURE))
		return NULL;
	early_env_load();
	for (off = 0; off < early_env_len; off += strlen(early_env + off) + 1)
		if (strncmp(early_env + off, name, len) == 0 && early_env[off + len] == '=')
			return early_env + off + len + 1;
	return NULL;
}
