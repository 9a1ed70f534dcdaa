# SPDX-License-Identifier: MIT
# The marks API (vitprof.h: scopes, instants, counters, thread names) and
# the record-time filters. marks.count/time/context run tests/marks/
# marksprog.c and read its raw profile (check_marks.py); the CUnit tests
# marks.SUITE.NAME (test_marks.c) check the glob matcher, VITPROF_FILTER's parser, the filter's
# verdicts on this program's static functions and a shared library's, and
# the NAMES table. Label: marks.
#   ctest -R marks --output-on-failure
find_package(Threads REQUIRED)
if(TARGET vitprof_rt)
  find_package(Python3 COMPONENTS Interpreter)
  add_executable(marksprog ${CMAKE_CURRENT_SOURCE_DIR}/marks/marksprog.c)
  target_compile_options(marksprog PRIVATE -g -O0 -finstrument-functions)
  target_link_libraries(marksprog PRIVATE vitprof_rt Threads::Threads)
  set_target_properties(marksprog PROPERTIES RUNTIME_OUTPUT_DIRECTORY
    ${CMAKE_CURRENT_BINARY_DIR}/marks-bin)
  if(Python3_Interpreter_FOUND)
    foreach(mode count time context)
      add_test(NAME marks.${mode}
        COMMAND ${Python3_EXECUTABLE} -B ${CMAKE_CURRENT_SOURCE_DIR}/marks/check_marks.py
                ${mode} --prog $<TARGET_FILE:marksprog>
                --scratch ${CMAKE_CURRENT_BINARY_DIR}/marks-scratch/${mode})
      set_tests_properties(marks.${mode} PROPERTIES TIMEOUT 60 LABELS marks
        SKIP_RETURN_CODE 77)
    endforeach()
  endif()
endif()

# A shared library for @MODULE verdicts (not instrumented: only its
# symbols are read).
add_library(marks_lib SHARED ${CMAKE_CURRENT_SOURCE_DIR}/marks/marks_lib.c)
set_target_properties(marks_lib PROPERTIES OUTPUT_NAME vpmarkslib
  LIBRARY_OUTPUT_DIRECTORY ${CMAKE_CURRENT_BINARY_DIR}/marks-bin)
vitprof_add_cunit_test(NAME marks SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/marks/test_marks.c
                       LIBRARIES vitprof_rt_static marks_lib Threads::Threads TIMEOUT 30)
target_include_directories(marks PRIVATE ${PROJECT_SOURCE_DIR}/rt)
file(MAKE_DIRECTORY ${CMAKE_CURRENT_BINARY_DIR}/marks-unit)
get_property(marks_tests DIRECTORY PROPERTY TESTS)
foreach(t IN LISTS marks_tests)
  if(t MATCHES "^marks\\.[a-z_]+\\.")
    set_property(TEST ${t} APPEND PROPERTY ENVIRONMENT VP_TEST_DIR=${CMAKE_CURRENT_BINARY_DIR}/marks-unit)
    set_property(TEST ${t} APPEND PROPERTY LABELS marks)
  endif()
endforeach()
