/* SPDX-License-Identifier: MIT */
/*
 * tool_write.c - every file the tool writes (merge, export, flamegraph,
 * raw profiles) goes through a temporary name renamed into place, so an
 * interrupted or failed write never leaves a half-written output; a path
 * that is not a regular file (/dev/null, a FIFO) is written in place.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/tool.h"

int tool_write_file(const char *path, int (*write)(FILE *out, void *arg), void *arg)
{
	struct stat st;
	char *tmp = NULL;
	FILE *f;
	int rc, err;

	if (strcmp(path, "-") == 0) {
		rc = write(stdout, arg);
		if (rc == 0 && fflush(stdout) != 0)
			rc = -1;
		if (rc == -1)
			tool_error("<stdout>", "write error: %s", strerror(errno));
		return rc == 0 ? 0 : -1;
	}
	/* Something that is not a regular file (/dev/null, /dev/stdout, a
	 * FIFO) is written in place: a rename would replace it. */
	if (!(stat(path, &st) == 0 && !S_ISREG(st.st_mode)))
		tmp = tool_asprintf("%s.tmp.%ld", path, (long)getpid());
	f = fopen(tmp ? tmp : path, "w");
	if (!f) {
		tool_error(path, "cannot create: %s", strerror(errno));
		free(tmp);
		return -1;
	}
	setvbuf(f, NULL, _IOFBF, 1 << 20);
	rc = write(f, arg);
	err = errno;
	if (fclose(f) != 0 && rc == 0) {
		rc = -1;
		err = errno;
	}
	if (rc == 0 && tmp && rename(tmp, path) != 0) {
		rc = -1;
		err = errno;
	}
	if (rc != 0 && tmp)
		unlink(tmp);
	if (rc == -1)
		tool_error(path, "cannot write: %s", strerror(err));
	free(tmp);
	return rc == 0 ? 0 : -1;
}
