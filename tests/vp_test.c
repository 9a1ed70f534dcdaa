/* SPDX-License-Identifier: MIT */
/* vp_test.c - main() for CUnit test executables built by vitprof_add_cunit_test. */
#include "vp_test.h"

#include <CUnit/Basic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct vp_test_entry {
	const char *suite;
	const char *name;
	void (*fn)(void);
};

static struct vp_test_entry tests[512];
static int n_tests;

void vp_test_register(const char *suite, const char *name, void (*fn)(void))
{
	if (n_tests < (int)(sizeof tests / sizeof tests[0]))
		tests[n_tests++] = (struct vp_test_entry){suite, name, fn};
}

const char *vp_test_dir(void)
{
	const char *d = getenv("VP_TEST_DIR");
	return d ? d : ".";
}

static int matches(const struct vp_test_entry *t, const char *sel)
{
	size_t ls = strlen(t->suite);
	if (!sel)
		return 1;
	return strncmp(sel, t->suite, ls) == 0 && sel[ls] == '.' &&
	       strcmp(sel + ls + 1, t->name) == 0;
}

int main(int argc, char **argv)
{
	const char *sel = NULL;
	int i, found = 0;
	unsigned failed;

	if (argc == 3 && strcmp(argv[1], "-t") == 0)
		sel = argv[2];
	else if (argc != 1) {
		fprintf(stderr, "usage: %s [-t suite.name]\n", argv[0]);
		return 2;
	}
	if (CU_initialize_registry() != CUE_SUCCESS)
		return 2;
	for (i = 0; i < n_tests; i++) {
		CU_pSuite s;
		if (!matches(&tests[i], sel))
			continue;
		s = CU_get_suite(tests[i].suite);
		if (!s)
			s = CU_add_suite(tests[i].suite, NULL, NULL);
		CU_add_test(s, tests[i].name, tests[i].fn);
		found++;
	}
	if (!found) {
		fprintf(stderr, "%s: no test matches '%s'\n", argv[0], sel ? sel : "");
		CU_cleanup_registry();
		return 2;
	}
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	failed = CU_get_number_of_failures() + CU_get_number_of_suites_failed();
	CU_cleanup_registry();
	return failed ? 1 : 0;
}
