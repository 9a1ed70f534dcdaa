# SPDX-License-Identifier: MIT
# Runtime unit tests (white-box, static runtime).
vitprof_add_cunit_test(NAME test_rt SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/test_rt.c
                       LIBRARIES vitprof_rt_static Threads::Threads)
target_include_directories(test_rt PRIVATE ${PROJECT_SOURCE_DIR}/rt)
file(MAKE_DIRECTORY ${CMAKE_CURRENT_BINARY_DIR}/rt-unit)
get_property(rt_tests DIRECTORY PROPERTY TESTS)
foreach(t IN LISTS rt_tests)
  if(t MATCHES "^test_rt\\.")
    set_property(TEST ${t} APPEND PROPERTY ENVIRONMENT VP_TEST_DIR=${CMAKE_CURRENT_BINARY_DIR}/rt-unit)
  endif()
endforeach()
