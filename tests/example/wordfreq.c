/* SPDX-License-Identifier: MIT */
/*
 * wordfreq.c - the bundled example: counts the words of a generated text in
 * a hash table, sorts them by frequency with a recursive quicksort and a
 * comparison callback, and prints the top five. Enough structure (hot
 * leaf functions, recursion, calls through a function pointer) to make a
 * profile worth reading.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TABLE_SIZE 4096

struct word {
	char text[16];
	unsigned count;
	struct word *next;
};

static struct word *table[TABLE_SIZE];
static struct word words[TABLE_SIZE];
static unsigned n_words;

static unsigned hash(const char *s)
{
	unsigned h = 2166136261u;
	while (*s)
		h = (h ^ (unsigned char)*s++) * 16777619u;
	return h;
}

static void add_word(const char *s)
{
	unsigned h = hash(s) % TABLE_SIZE;
	struct word *w;

	for (w = table[h]; w; w = w->next)
		if (strcmp(w->text, s) == 0) {
			w->count++;
			return;
		}
	if (n_words == TABLE_SIZE)
		return;
	w = &words[n_words++];
	snprintf(w->text, sizeof w->text, "%s", s);
	w->count = 1;
	w->next = table[h];
	table[h] = w;
}

/* A deterministic pseudo-random word: Zipf-like, short words are common. */
static void next_word(unsigned *state, char *out)
{
	unsigned len, i;

	*state = *state * 1103515245u + 12345u;
	len = 1 + (*state >> 16) % 3 + ((*state >> 20) % 7 == 0 ? 3 : 0);
	for (i = 0; i < len; i++) {
		*state = *state * 1103515245u + 12345u;
		out[i] = (char)('a' + (*state >> 16) % 6);
	}
	out[len] = '\0';
}

static int by_count(const struct word *a, const struct word *b)
{
	if (a->count != b->count)
		return a->count > b->count ? -1 : 1;
	return strcmp(a->text, b->text);
}

static void quicksort(struct word *v, int n, int (*cmp)(const struct word *, const struct word *))
{
	struct word pivot, tmp;
	int i, last = 0;

	if (n < 2)
		return;
	pivot = v[n / 2];
	v[n / 2] = v[0];
	v[0] = pivot;
	for (i = 1; i < n; i++)
		if (cmp(&v[i], &v[0]) < 0) {
			tmp = v[++last];
			v[last] = v[i];
			v[i] = tmp;
		}
	tmp = v[0];
	v[0] = v[last];
	v[last] = tmp;
	quicksort(v, last, cmp);
	quicksort(v + last + 1, n - last - 1, cmp);
}

int main(int argc, char **argv)
{
	unsigned state = 42, i, n = argc > 1 ? (unsigned)atoi(argv[1]) : 200000;
	char buf[16];

	for (i = 0; i < n; i++) {
		next_word(&state, buf);
		add_word(buf);
	}
	quicksort(words, (int)n_words, by_count);
	printf("%u words, %u distinct; most frequent:\n", n, n_words);
	for (i = 0; i < 5 && i < n_words; i++)
		printf("  %-8s %u\n", words[i].text, words[i].count);
	return 0;
}
