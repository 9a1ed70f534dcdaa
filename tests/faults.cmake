# SPDX-License-Identifier: MIT
# The runtime under faults (label `faults`): SIGKILL at random moments, a
# full disk, a read-only directory, a missing directory, no file
# descriptors left, 64 threads, 100 forked children, signal handlers
# inside hooks, recursion 1e6 deep, dlclose of an instrumented library,
# exec chains. Programs in tests/faults/ (and a few of tests/programs/ and
# tests/rt/), one checker: tests/faults/check_faults.py CASE, built on the
# e2e helpers (tests/e2e/vpcheck.py). Each case prints what it measured.
#   ctest -L faults --output-on-failure
find_package(Python3 COMPONENTS Interpreter)
if(NOT Python3_Interpreter_FOUND OR NOT TARGET vitprof OR NOT TARGET vitprof_rt)
  message(WARNING "python3, vitprof and vitprof_rt are needed by the fault tests")
  return()
endif()

set(FAULTS_SRC ${CMAKE_CURRENT_SOURCE_DIR}/faults)
set(FAULTS_BIN ${CMAKE_CURRENT_BINARY_DIR}/faults-bin)

# faults_program(<target> [ARCS] SOURCES <paths relative to tests/>...)
# -g -O0 -finstrument-functions with the shared runtime; ARCS: the full
# `vitprof flags` instrumentation (vitprof_instrument: hooks and in-place
# -fprofile-arcs counters).
function(faults_program target)
  cmake_parse_arguments(A "ARCS" "" "SOURCES" ${ARGN})
  list(TRANSFORM A_SOURCES PREPEND ${CMAKE_CURRENT_SOURCE_DIR}/)
  add_executable(${target} ${A_SOURCES})
  target_include_directories(${target} PRIVATE ${FAULTS_SRC})
  target_compile_options(${target} PRIVATE -O0)
  if(A_ARCS)
    vitprof_instrument(${target})
  else()
    target_compile_options(${target} PRIVATE -g -finstrument-functions)
    target_link_libraries(${target} PRIVATE vitprof_rt)
  endif()
  target_link_libraries(${target} PRIVATE Threads::Threads ${CMAKE_DL_LIBS})
  set_target_properties(${target} PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${FAULTS_BIN})
endfunction()

faults_program(faults_progress SOURCES faults/progress.c)
faults_program(faults_progress_arcs ARCS SOURCES faults/progress.c)
faults_program(faults_work SOURCES faults/work.c)
faults_program(faults_unwritable SOURCES programs/unwritable.c)
faults_program(faults_signal SOURCES rt/signal_reentry.c)
faults_program(faults_deeprec SOURCES programs/deeprec.c)
faults_program(faults_dlreload SOURCES faults/dlreload.c)
faults_program(faults_execchain ARCS SOURCES faults/execchain.c)
faults_program(faults_atfork SOURCES faults/atfork.c)
# The library dlreload loads: instrumented, not linked with the runtime
# (the hooks come from the program), with a build-id.
add_library(faults_plugin MODULE ${CMAKE_CURRENT_SOURCE_DIR}/programs/plugin.c)
target_compile_options(faults_plugin PRIVATE -g -O0 -finstrument-functions)
target_link_options(faults_plugin PRIVATE -Wl,--build-id)
set_target_properties(faults_plugin PROPERTIES LIBRARY_OUTPUT_DIRECTORY ${FAULTS_BIN})
add_dependencies(faults_dlreload faults_plugin)
add_dependencies(faults_atfork faults_plugin)

# faults_test(<case> PROGRAM <target> [TIMEOUT s] [ARGS ...])
function(faults_test case)
  cmake_parse_arguments(A "" "PROGRAM;TIMEOUT" "ARGS" ${ARGN})
  if(NOT A_TIMEOUT)
    set(A_TIMEOUT 120)
  endif()
  set(extra)
  if(VITPROF_SANITIZE)
    set(extra --sanitized)
  endif()
  add_test(NAME faults.${case}
    COMMAND ${Python3_EXECUTABLE} -B ${FAULTS_SRC}/check_faults.py ${case}
            --prog $<TARGET_FILE:${A_PROGRAM}>
            --vitprof $<TARGET_FILE:vitprof>
            --scratch ${CMAKE_CURRENT_BINARY_DIR}/faults-scratch/${case}
            --schema ${PROJECT_SOURCE_DIR}/docs/vitprof.schema.json
            --src ${CMAKE_CURRENT_SOURCE_DIR}
            ${extra} ${A_ARGS})
  set_tests_properties(faults.${case} PROPERTIES TIMEOUT ${A_TIMEOUT} LABELS faults
    SKIP_RETURN_CODE 77)
endfunction()

faults_test(sigkill_random PROGRAM faults_progress TIMEOUT 300
  ARGS --arcs-prog $<TARGET_FILE:faults_progress_arcs>)
faults_test(disk_full PROGRAM faults_work)
faults_test(readonly_dir PROGRAM faults_work)
faults_test(missing_dir PROGRAM faults_unwritable)
faults_test(emfile PROGRAM faults_work)
faults_test(threads64 PROGRAM faults_work)
faults_test(fork100 PROGRAM faults_work TIMEOUT 300)
faults_test(signal_in_hook PROGRAM faults_signal TIMEOUT 300)
faults_test(recursion_1e6 PROGRAM faults_deeprec TIMEOUT 600)
faults_test(dlclose PROGRAM faults_dlreload ARGS --plugin $<TARGET_FILE:faults_plugin>)
faults_test(exec_chain PROGRAM faults_execchain ARGS --other $<TARGET_FILE:faults_work>)
# A pthread_atfork prepare handler of the program runs while the runtime's
# own prepare handler holds rt_g.lock; its first call into a library not
# recorded yet would take the lock again and hang in fork(): atfork_prepare()
# raises the hooks' guard (rt_tls.busy) for the duration of fork, so those
# calls are counted as lost instead (docs/reliability.md, faults).
faults_test(atfork_handler PROGRAM faults_atfork TIMEOUT 120
  ARGS --plugin $<TARGET_FILE:faults_plugin>)
