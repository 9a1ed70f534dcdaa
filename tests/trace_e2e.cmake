# SPDX-License-Identifier: MIT
# Trace mode end to end: real programs (tests/trace_e2e/*.c) recorded by
# the real runtime in trace mode, read by the real tool (replay, show,
# exports) and checked against their known call structure, the
# independent decoder (tests/trace_rt/vptrace.py) and real consumers.
#   ctest -R trace_e2e --output-on-failure
find_package(Python3 COMPONENTS Interpreter REQUIRED)
set(TE2E_SRC ${CMAKE_CURRENT_SOURCE_DIR}/trace_e2e)
add_library(trace_e2e_lib SHARED trace_e2e/e2e_lib.c)
set_target_properties(trace_e2e_lib PROPERTIES OUTPUT_NAME vpe2elib
  LIBRARY_OUTPUT_DIRECTORY ${CMAKE_CURRENT_BINARY_DIR}/trace-e2e-bin)
target_compile_options(trace_e2e_lib PRIVATE -O1 -fno-optimize-sibling-calls)
vitprof_instrument(trace_e2e_lib CALLS_ONLY)
add_executable(trace_e2e_filters trace_e2e/filters_prog.c)
target_compile_options(trace_e2e_filters PRIVATE -O1 -fno-optimize-sibling-calls)
target_include_directories(trace_e2e_filters PRIVATE ${PROJECT_SOURCE_DIR}/rt)
target_link_libraries(trace_e2e_filters PRIVATE trace_e2e_lib)
set_target_properties(trace_e2e_filters PROPERTIES RUNTIME_OUTPUT_DIRECTORY
  ${CMAKE_CURRENT_BINARY_DIR}/trace-e2e-bin)
vitprof_instrument(trace_e2e_filters CALLS_ONLY)
find_package(Threads REQUIRED)
add_executable(trace_e2e_marks trace_e2e/marks_prog.c)
target_compile_options(trace_e2e_marks PRIVATE -O1 -fno-optimize-sibling-calls)
target_include_directories(trace_e2e_marks PRIVATE ${PROJECT_SOURCE_DIR}/rt)
target_link_libraries(trace_e2e_marks PRIVATE Threads::Threads)
set_target_properties(trace_e2e_marks PROPERTIES RUNTIME_OUTPUT_DIRECTORY
  ${CMAKE_CURRENT_BINARY_DIR}/trace-e2e-bin)
vitprof_instrument(trace_e2e_marks CALLS_ONLY)
# bench/real/cjson: a real program of a few thousand lines
add_executable(trace_e2e_cjson ${PROJECT_SOURCE_DIR}/bench/real/cjson/cJSON.c
               ${PROJECT_SOURCE_DIR}/bench/real/cjson/cjson_bench.c)
target_compile_options(trace_e2e_cjson PRIVATE -O1 -fno-optimize-sibling-calls)
target_link_libraries(trace_e2e_cjson PRIVATE m)
set_target_properties(trace_e2e_cjson PROPERTIES RUNTIME_OUTPUT_DIRECTORY
  ${CMAKE_CURRENT_BINARY_DIR}/trace-e2e-bin)
vitprof_instrument(trace_e2e_cjson CALLS_ONLY)
add_executable(trace_e2e_kill trace_e2e/kill_prog.c)
target_compile_options(trace_e2e_kill PRIVATE -O1 -fno-optimize-sibling-calls)
set_target_properties(trace_e2e_kill PROPERTIES RUNTIME_OUTPUT_DIRECTORY
  ${CMAKE_CURRENT_BINARY_DIR}/trace-e2e-bin)
vitprof_instrument(trace_e2e_kill CALLS_ONLY)
add_executable(trace_e2e_fork trace_e2e/fork_prog.c)
target_compile_options(trace_e2e_fork PRIVATE -O1 -fno-optimize-sibling-calls)
set_target_properties(trace_e2e_fork PROPERTIES RUNTIME_OUTPUT_DIRECTORY
  ${CMAKE_CURRENT_BINARY_DIR}/trace-e2e-bin)
vitprof_instrument(trace_e2e_fork CALLS_ONLY)
set(te2e_cases filters marks real kill fork_exec corrupt)
foreach(c IN LISTS te2e_cases)
  add_test(NAME trace_e2e.${c}
    COMMAND ${Python3_EXECUTABLE} -B ${TE2E_SRC}/check_e2e.py ${c}
            --bindir ${CMAKE_CURRENT_BINARY_DIR}/trace-e2e-bin --vitprof $<TARGET_FILE:vitprof>
            --scratch ${CMAKE_CURRENT_BINARY_DIR}/trace-e2e-scratch/${c}
            --proto ${CMAKE_CURRENT_SOURCE_DIR}/trace_export/perfetto_subset.proto)
  set_tests_properties(trace_e2e.${c} PROPERTIES TIMEOUT 90 LABELS e2e SKIP_RETURN_CODE 77)
endforeach()
add_test(NAME trace_e2e.real_speedscope
  COMMAND ${Python3_EXECUTABLE} -B ${TE2E_SRC}/check_e2e.py real_speedscope
          --bindir ${CMAKE_CURRENT_BINARY_DIR}/trace-e2e-bin --vitprof $<TARGET_FILE:vitprof>
          --scratch ${CMAKE_CURRENT_BINARY_DIR}/trace-e2e-scratch/real_speedscope
          --proto ${CMAKE_CURRENT_SOURCE_DIR}/trace_export/perfetto_subset.proto)
set_tests_properties(trace_e2e.real_speedscope PROPERTIES TIMEOUT 120 LABELS browser
  SKIP_RETURN_CODE 77)
