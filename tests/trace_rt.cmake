# SPDX-License-Identifier: MIT
# Trace mode's recording (rt/rt_trace.c): programs with known call
# sequences (tests/trace_rt/trace_prog.c), run in trace mode, their raw
# files decoded by an independent decoder (tests/trace_rt/vptrace.py).
find_package(Python3 COMPONENTS Interpreter REQUIRED)
add_executable(trace_rt_prog trace_rt/trace_prog.c)
target_compile_options(trace_rt_prog PRIVATE -O1 -fno-optimize-sibling-calls)
vitprof_instrument(trace_rt_prog CALLS_ONLY)
# The same program linked with the static runtime, calling its hidden
# rt_trace_mark/rt_trace_set (marks, stop and start) directly.
add_executable(trace_rt_prog_internal trace_rt/trace_prog.c)
target_compile_options(trace_rt_prog_internal PRIVATE -O1 -fno-optimize-sibling-calls)
target_compile_definitions(trace_rt_prog_internal PRIVATE TRACE_RT_INTERNAL)
vitprof_instrument(trace_rt_prog_internal STATIC CALLS_ONLY)
add_test(NAME trace_rt.marks
  COMMAND Python3::Interpreter ${CMAKE_CURRENT_SOURCE_DIR}/trace_rt/check_trace_rt.py marks
          --prog $<TARGET_FILE:trace_rt_prog_internal> --vitprof $<TARGET_FILE:vitprof>
          --scratch ${CMAKE_CURRENT_BINARY_DIR}/trace-rt-scratch/marks)
set_tests_properties(trace_rt.marks PROPERTIES TIMEOUT 60 LABELS e2e SKIP_RETURN_CODE 77)
set(trace_rt_cases seq counts bytes kill max ring threads8 threads64 fork_exec longjmp
    signal deep merge_refused full_disk)
foreach(c IN LISTS trace_rt_cases)
  add_test(NAME trace_rt.${c}
    COMMAND Python3::Interpreter ${CMAKE_CURRENT_SOURCE_DIR}/trace_rt/check_trace_rt.py ${c}
            --prog $<TARGET_FILE:trace_rt_prog> --vitprof $<TARGET_FILE:vitprof>
            --scratch ${CMAKE_CURRENT_BINARY_DIR}/trace-rt-scratch/${c})
  set_tests_properties(trace_rt.${c} PROPERTIES TIMEOUT 60 LABELS e2e SKIP_RETURN_CODE 77)
endforeach()
