/* SPDX-License-Identifier: MIT */
/*
 * vp_test.h - CUnit tests that register themselves.
 *
 *   VP_TEST(suite, name) { CU_ASSERT_EQUAL(1 + 1, 2); }
 *
 * Each VP_TEST must start at the beginning of a line: cmake/VitprofCUnit.cmake
 * finds them there and makes each one its own ctest entry, run as
 * `<exe> -t suite.name`. Without -t the executable runs every test.
 */
#ifndef VP_TEST_H
#define VP_TEST_H

#include <CUnit/CUnit.h>

void vp_test_register(const char *suite, const char *name, void (*fn)(void));

#define VP_TEST(suite, name)                                                  \
	static void vp_test_##suite##_##name(void);                           \
	__attribute__((constructor)) static void vp_reg_##suite##_##name(void) \
	{                                                                     \
		vp_test_register(#suite, #name, vp_test_##suite##_##name);    \
	}                                                                     \
	static void vp_test_##suite##_##name(void)

/* Directory holding test data and built sample programs, from the build. */
const char *vp_test_dir(void);

#endif
