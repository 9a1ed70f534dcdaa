# SPDX-License-Identifier: MIT
# Reading traces (docs/trace.md, "Reading"): the trace index of raw_read.c and
# the event cursor (trace_read.c) on generated traces with known events,
# and their refusal of damaged ones (test_trace_read); the aggregates, the
# view's filters and `vitprof replay` end to end (trace_read.cli.*).
vitprof_add_cunit_test(NAME test_trace_read
  SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/trace_read/test_trace_read.c
          ${CMAKE_CURRENT_SOURCE_DIR}/test_tool_rawgen.c
  LIBRARIES vitprof_tool)

find_package(Python3 COMPONENTS Interpreter)
if(NOT Python3_Interpreter_FOUND)
  message(WARNING "python3 not found: the trace command tests are not registered")
  return()
endif()
set(trace_cli_cases replay filters aggregate multi clocks ring corrupt)
if(NOT VITPROF_SANITIZE)
  list(APPEND trace_cli_cases memory)   # ASan's own memory hides the reader's
endif()
foreach(case IN LISTS trace_cli_cases)
  add_test(NAME trace_read.cli.${case}
    COMMAND ${Python3_EXECUTABLE} -B ${CMAKE_CURRENT_SOURCE_DIR}/trace_read/check_trace_cli.py
            ${case} --vitprof $<TARGET_FILE:vitprof> --mkraw $<TARGET_FILE:test_tool_mkraw>
            --scratch ${CMAKE_CURRENT_BINARY_DIR}/trace-read-cli)
  set_tests_properties(trace_read.cli.${case} PROPERTIES TIMEOUT 120 LABELS e2e)
endforeach()
# 10^7 calls (2*10^7 events, 31 MB) through replay and show: memory as on
# a small trace, and the speed (printed). Long; the default run has 10^6.
if(VITPROF_SANITIZE)
  return()
endif()
# Tests labelled long run with -DVITPROF_LONG_TESTS=ON only (else they are
# listed as disabled): the default run stays a few minutes.
option(VITPROF_LONG_TESTS "run the tests labelled long" OFF)
set_tests_properties(trace_read.cli.memory PROPERTIES TIMEOUT 900 LABELS "e2e;long"
  DISABLED $<NOT:$<BOOL:${VITPROF_LONG_TESTS}>>)
add_test(NAME trace_read.cli.memory_short
  COMMAND ${Python3_EXECUTABLE} -B ${CMAKE_CURRENT_SOURCE_DIR}/trace_read/check_trace_cli.py
          memory --calls 1000000 --vitprof $<TARGET_FILE:vitprof>
          --mkraw $<TARGET_FILE:test_tool_mkraw>
          --scratch ${CMAKE_CURRENT_BINARY_DIR}/trace-read-cli-short)
set_tests_properties(trace_read.cli.memory_short PROPERTIES TIMEOUT 120 LABELS e2e)
