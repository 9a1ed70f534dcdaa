# SPDX-License-Identifier: MIT
# The trace exports (`vitprof export --format chrome|perfetto`,
# tools/export/export_chrome.c, export_perfetto.c) read by real consumers.
# trace_export_gen feeds the writers the trace tests/trace_export/known.trace
# describes (2 processes, 3 threads, nested calls, scopes with tags, marks,
# counters, names to escape), and
#   trace_export.chrome      python's json parses the export; every event
#                            is checked (check_chrome.py)
#   trace_export.perfetto    protoc --decode against perfetto_subset.proto
#                            (Perfetto's field numbers), every packet
#                            checked (check_perfetto.py); skipped (77)
#                            without protoc
#   trace_export.speedscope  speedscope, in headless Chromium, loads the
#                            Chrome export: frame names in its table view,
#                            a screenshot that is not blank, no page error
#                            (tests/browser/speedscope_test.js); skipped
#                            (77) without chromium or tests/browser/
#                            node_modules (.ci/install-deps installs both)
#   trace_export.bench       events/s and bytes/event of both writers on a
#                            2e6-event trace (label bench; 2 s)
#   ctest -R trace_export --output-on-failure
find_package(Python3 COMPONENTS Interpreter REQUIRED)
add_executable(trace_export_gen trace_export/trace_export_gen.c)
target_link_libraries(trace_export_gen PRIVATE vitprof_tool)

set(TE_SRC ${CMAKE_CURRENT_SOURCE_DIR}/trace_export)
set(TE_OUT ${CMAKE_CURRENT_BINARY_DIR}/trace_export-scratch)
file(MAKE_DIRECTORY ${TE_OUT})
# 7e9: the start of trace_export_gen's traces (CLOCK_MONOTONIC ns)
add_test(NAME trace_export.chrome
  COMMAND sh -c "$0 chrome $1/known.json --known $2/known.trace && $3 -B $2/check_chrome.py $2/known.trace $1/known.json"
          $<TARGET_FILE:trace_export_gen> ${TE_OUT} ${TE_SRC} ${Python3_EXECUTABLE})
add_test(NAME trace_export.perfetto
  COMMAND sh -c "$0 perfetto $1/known.pftrace --known $2/known.trace && $3 -B $2/check_perfetto.py $2/known.trace $1/known.pftrace 7000000000 $2/perfetto_subset.proto"
          $<TARGET_FILE:trace_export_gen> ${TE_OUT} ${TE_SRC} ${Python3_EXECUTABLE})
set_tests_properties(trace_export.chrome trace_export.perfetto PROPERTIES
  TIMEOUT 60 SKIP_RETURN_CODE 77)
add_test(NAME trace_export.speedscope
  COMMAND sh ${TE_SRC}/run_speedscope.sh $<TARGET_FILE:trace_export_gen> ${TE_OUT}
          ${TE_SRC} ${CMAKE_CURRENT_SOURCE_DIR}/browser)
set_tests_properties(trace_export.speedscope PROPERTIES
  TIMEOUT 120 SKIP_RETURN_CODE 77 LABELS browser)
add_test(NAME trace_export.bench
  COMMAND sh -c "$0 chrome $1/bench.json --large 2000000 && $0 perfetto $1/bench.pftrace --large 2000000 && rm -f $1/bench.json $1/bench.pftrace"
          $<TARGET_FILE:trace_export_gen> ${TE_OUT})
set_tests_properties(trace_export.bench PROPERTIES TIMEOUT 120 LABELS bench)

# End to end: known.trace written as trace-mode raw profiles (one per
# process; its functions are trace_export_mkraw's own, symbolized by name),
# exported by `vitprof export` (both files: one session) and checked by
# the same checks.
#   trace_export.cli_chrome, trace_export.cli_perfetto
add_executable(trace_export_mkraw trace_export/trace_export_mkraw.c test_tool_rawgen.c)
target_include_directories(trace_export_mkraw PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}
                           ${PROJECT_SOURCE_DIR}/rt)
target_compile_options(trace_export_mkraw PRIVATE -g -O0)
target_link_options(trace_export_mkraw PRIVATE -Wl,--build-id)
add_test(NAME trace_export.cli_chrome
  COMMAND sh -c "mkdir -p $1/cli && $0 $2/known.trace $1/cli && $4 export --format chrome -o $1/cli/known.json $1/cli/p4242.vitraw $1/cli/p4300.vitraw && $3 -B $2/check_chrome.py $2/known.trace $1/cli/known.json"
          $<TARGET_FILE:trace_export_mkraw> ${TE_OUT} ${TE_SRC} ${Python3_EXECUTABLE}
          $<TARGET_FILE:vitprof>)
add_test(NAME trace_export.cli_perfetto
  COMMAND sh -c "mkdir -p $1/cli-pf && $0 $2/known.trace $1/cli-pf && $4 export --format perfetto -o $1/cli-pf/known.pftrace $1/cli-pf/p4242.vitraw $1/cli-pf/p4300.vitraw && $3 -B $2/check_perfetto.py $2/known.trace $1/cli-pf/known.pftrace 7000000000 $2/perfetto_subset.proto"
          $<TARGET_FILE:trace_export_mkraw> ${TE_OUT} ${TE_SRC} ${Python3_EXECUTABLE}
          $<TARGET_FILE:vitprof>)
set_tests_properties(trace_export.cli_chrome trace_export.cli_perfetto PROPERTIES
  TIMEOUT 60 SKIP_RETURN_CODE 77 LABELS e2e)
#   trace_export.cli_filters  each trace filter's export holds exactly what
#                            it keeps; bad values and misuse are usage
#                            errors; default names; non-traces refused
add_test(NAME trace_export.cli_filters
  COMMAND ${Python3_EXECUTABLE} -B ${TE_SRC}/check_cli_filters.py $<TARGET_FILE:vitprof>
          $<TARGET_FILE:trace_export_mkraw> ${TE_SRC}/known.trace ${TE_OUT}/filters)
set_tests_properties(trace_export.cli_filters PROPERTIES TIMEOUT 60 LABELS e2e)
