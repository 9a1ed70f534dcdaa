/* SPDX-License-Identifier: MIT */
/*
 * strpool.c - the module's strings: an append-only arena with an interning
 * index used while the module is built, and the array growth helper.
 */
#include "symbolizer_internal.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* uthash reports allocation failure through hash_oom in the caller. */
#define HASH_NONFATAL_OOM 1
#define uthash_nonfatal_oom(obj) (hash_oom = 1)
#include <uthash.h>

#define CHUNK_SIZE (64 * 1024)

struct sym_chunk {
	struct sym_chunk *next;
	size_t size, used;
	char data[];
};

struct sym_intern {
	const char *s; /* the pooled copy, also the key */
	UT_hash_handle hh;
};

/*
 * Returns len + 1 bytes of pool memory, from the current chunk when it
 * fits, else from a new chunk (its own when len is large). NULL on OOM.
 */
static char *pool_alloc(struct sym_strpool *p, size_t len)
{
	struct sym_chunk *c = p->chunks;
	size_t need = len + 1, size;

	if (need == 0)
		return NULL;
	if (!c || c->size - c->used < need) {
		size = need > CHUNK_SIZE / 4 ? need : CHUNK_SIZE;
		if (size > SIZE_MAX - sizeof *c)
			return NULL;
		c = malloc(sizeof *c + size);
		if (!c)
			return NULL;
		c->size = size;
		c->used = 0;
		if (size == need && p->chunks) {
			/* A big string: keep filling the current chunk. */
			c->next = p->chunks->next;
			p->chunks->next = c;
		} else {
			c->next = p->chunks;
			p->chunks = c;
		}
	}
	c->used += need;
	return c->data + c->used - need;
}

const char *sym_str_intern_n(struct sym_strpool *p, const char *s, size_t len)
{
	struct sym_intern *e = NULL;
	int hash_oom = 0;
	char *copy;

	HASH_FIND(hh, p->interned, s, len, e);
	if (e)
		return e->s;
	copy = pool_alloc(p, len);
	if (!copy)
		return NULL;
	memcpy(copy, s, len);
	copy[len] = '\0';
	e = malloc(sizeof *e);
	if (!e)
		return copy; /* usable, just not shared */
	e->s = copy;
	HASH_ADD_KEYPTR(hh, p->interned, copy, len, e);
	if (hash_oom)
		free(e);
	return copy;
}

const char *sym_str_intern(struct sym_strpool *p, const char *s)
{
	return sym_str_intern_n(p, s, strlen(s));
}

/*
 * Folds "." and ".." segments and repeated slashes of the path in buf
 * away, lexically (the compilation directory may no longer exist), in
 * place, as the tool's coverage tables do for the .gcno's names (one
 * spelling of a path in every table). Returns the new length.
 */
static size_t fold_dots(char *buf)
{
	size_t n = 0, i = 0, len = strlen(buf);
	int absolute = buf[0] == '/';

	while (i < len) {
		size_t j = i, seg;

		while (j < len && buf[j] != '/')
			j++;
		seg = j - i;
		if (seg == 0 || (seg == 1 && buf[i] == '.')) {
			/* empty or "." */
		} else if (seg == 2 && buf[i] == '.' && buf[i + 1] == '.' &&
		           (absolute || (n > 0 && !(n >= 2 && buf[n - 1] == '.' &&
		                                    buf[n - 2] == '.' &&
		                                    (n == 2 || buf[n - 3] == '/'))))) {
			/* up one ("/.." is "/"); a relative path keeps leading ".." */
			while (n > 0 && buf[n - 1] != '/')
				n--;
			if (n > 0)
				n--;
		} else {
			if (n > 0 || absolute)
				buf[n++] = '/';
			memmove(buf + n, buf + i, seg);
			n += seg;
		}
		i = j + 1;
	}
	if (n == 0 && absolute)
		buf[n++] = '/';
	buf[n] = '\0';
	return n;
}

const char *sym_str_join_path(struct sym_strpool *p, const char *dir,
                              const char *name)
{
	size_t ld, ln;
	char *buf;
	const char *r;

	if (name[0] == '/' || !dir || !dir[0])
		dir = "";               /* name alone, folded */
	ld = strlen(dir);
	ln = strlen(name);
	while (ld > 1 && dir[ld - 1] == '/')
		ld--;
	if (ld > SIZE_MAX - ln - 2)
		return NULL;
	buf = malloc(ld + ln + 2);
	if (!buf)
		return NULL;
	if (ld) {
		memcpy(buf, dir, ld);
		buf[ld++] = '/';
	}
	memcpy(buf + ld, name, ln + 1);
	r = sym_str_intern_n(p, buf, fold_dots(buf));
	free(buf);
	return r;
}

void sym_strpool_seal(struct sym_strpool *p)
{
	struct sym_intern *e, *tmp;

	HASH_ITER(hh, p->interned, e, tmp)
	{
		HASH_DEL(p->interned, e);
		free(e);
	}
	p->interned = NULL;
}

void sym_strpool_free(struct sym_strpool *p)
{
	struct sym_chunk *c, *next;

	sym_strpool_seal(p);
	for (c = p->chunks; c; c = next) {
		next = c->next;
		free(c);
	}
	p->chunks = NULL;
}

int sym_grow(void **arr, size_t *cap, size_t need, size_t elsize)
{
	size_t ncap;
	void *n;

	if (need <= *cap)
		return 0;
	ncap = *cap ? *cap : 16;
	while (ncap < need) {
		if (ncap > SIZE_MAX / 2)
			return -1;
		ncap *= 2;
	}
	if (ncap > SIZE_MAX / elsize)
		return -1;
	n = realloc(*arr, ncap * elsize);
	if (!n)
		return -1;
	*arr = n;
	*cap = ncap;
	return 0;
}
