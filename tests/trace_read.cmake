# SPDX-License-Identifier: MIT
# Reading traces (docs/trace-read.md): the trace index of raw_read.c and
# the event cursor (trace_read.c) on generated traces with known events,
# and their refusal of damaged ones (test_trace_read); the aggregates, the
# view's filters and `vitprof replay` end to end (trace_read.cli.*).
vitprof_add_cunit_test(NAME test_trace_read
  SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/trace_read/test_trace_read.c
          ${CMAKE_CURRENT_SOURCE_DIR}/test_tool_rawgen.c
  LIBRARIES vitprof_tool)
