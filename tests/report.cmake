# SPDX-License-Identifier: MIT
# `vitprof report`: tests/report/rep_prog.c (known call counts) built with
# -finstrument-functions, run in count and time mode; check_report.py parses
# the text report and compares every count and call site with ground truth,
# and checks -n, --sort, --flat-only and --color. Label: report.
#   ctest -L report --output-on-failure
find_package(Python3 COMPONENTS Interpreter)
if(NOT Python3_Interpreter_FOUND OR NOT TARGET vitprof OR NOT TARGET vitprof_rt)
  message(WARNING "python3, vitprof and vitprof_rt are needed by the report tests")
  return()
endif()

add_executable(report_prog ${CMAKE_CURRENT_SOURCE_DIR}/report/rep_prog.c)
target_compile_options(report_prog PRIVATE -g -O0 -finstrument-functions)
target_link_libraries(report_prog PRIVATE vitprof_rt)
set_target_properties(report_prog PROPERTIES
  RUNTIME_OUTPUT_DIRECTORY ${CMAKE_CURRENT_BINARY_DIR}/report-bin)

add_test(NAME report.text
  COMMAND ${Python3_EXECUTABLE} -B ${CMAKE_CURRENT_SOURCE_DIR}/report/check_report.py
          --prog $<TARGET_FILE:report_prog>
          --vitprof $<TARGET_FILE:vitprof>
          --src ${CMAKE_CURRENT_SOURCE_DIR}/report/rep_prog.c
          --scratch ${CMAKE_CURRENT_BINARY_DIR}/report-scratch)
set_tests_properties(report.text PROPERTIES TIMEOUT 120 LABELS "report;e2e")
