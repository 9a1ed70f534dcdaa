# SPDX-License-Identifier: MIT
# End-to-end tests: sample programs (tests/programs/) built with
# -finstrument-functions and linked with the runtime; a Python checker per
# test (tests/e2e/check_*.py) runs the program with VITPROF_FILE in a scratch
# directory, exports the raw profile with `vitprof export --format vitprof`,
# validates the JSON against docs/vitprof.schema.json and compares the
# counts with ground truth computed independently. Label: e2e.
#   ctest -L e2e --output-on-failure
find_package(Python3 COMPONENTS Interpreter)
if(NOT Python3_Interpreter_FOUND)
  message(WARNING "python3 not found: the end-to-end tests are not registered")
  return()
endif()
if(NOT TARGET vitprof OR NOT TARGET vitprof_rt)
  message(WARNING "targets vitprof and vitprof_rt are needed by the end-to-end tests")
  return()
endif()

set(E2E_PROGRAMS ${CMAKE_CURRENT_SOURCE_DIR}/programs)
set(E2E_CHECKERS ${CMAKE_CURRENT_SOURCE_DIR}/e2e)
set(E2E_SCRATCH ${CMAKE_CURRENT_BINARY_DIR}/e2e-scratch)
set(E2E_BIN ${CMAKE_CURRENT_BINARY_DIR}/e2e-bin)

# vitprof_e2e_program(<target> [O2] SOURCES <files in tests/programs>...)
# -g -O0 (or -O2 -fno-inline) -finstrument-functions, linked with the
# shared runtime, threads and libdl.
function(vitprof_e2e_program target)
  cmake_parse_arguments(A "O2" "" "SOURCES" ${ARGN})
  list(TRANSFORM A_SOURCES PREPEND ${E2E_PROGRAMS}/)
  add_executable(${target} ${A_SOURCES})
  if(A_O2)
    target_compile_options(${target} PRIVATE -g -O2 -fno-inline -finstrument-functions)
  else()
    target_compile_options(${target} PRIVATE -g -O0 -finstrument-functions)
  endif()
  target_link_libraries(${target} PRIVATE vitprof_rt Threads::Threads ${CMAKE_DL_LIBS})
  set_target_properties(${target} PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${E2E_BIN})
endfunction()

# vitprof_e2e_test(<name> <checker.py> PROGRAM <target> [TIMEOUT s] [ARGS ...])
function(vitprof_e2e_test name checker)
  cmake_parse_arguments(A "" "PROGRAM;TIMEOUT" "ARGS" ${ARGN})
  if(NOT A_TIMEOUT)
    set(A_TIMEOUT 120)
  endif()
  set(extra)
  if(VITPROF_SANITIZE)
    set(extra --sanitized)
  endif()
  add_test(NAME e2e.${name}
    COMMAND ${Python3_EXECUTABLE} -B ${E2E_CHECKERS}/${checker}
            --prog $<TARGET_FILE:${A_PROGRAM}>
            --vitprof $<TARGET_FILE:vitprof>
            --scratch ${E2E_SCRATCH}/${name}
            --schema ${PROJECT_SOURCE_DIR}/docs/vitprof.schema.json
            --src ${E2E_PROGRAMS}
            ${extra} ${A_ARGS})
  set_tests_properties(e2e.${name} PROPERTIES TIMEOUT ${A_TIMEOUT} LABELS e2e
    SKIP_RETURN_CODE 77)
endfunction()

# The sample programs. A few are also built -O2 -fno-inline: the counts must
# not depend on the optimization level.
vitprof_e2e_program(e2e_recursion SOURCES recursion.c)
vitprof_e2e_program(e2e_recursion_O2 O2 SOURCES recursion.c)
vitprof_e2e_program(e2e_fnptr SOURCES fnptr.c)
vitprof_e2e_program(e2e_fnptr_O2 O2 SOURCES fnptr.c)
vitprof_e2e_program(e2e_static_same_name SOURCES static_main.c static_a.c static_b.c)
vitprof_e2e_program(e2e_threads SOURCES threads.c)
vitprof_e2e_program(e2e_threads_O2 O2 SOURCES threads.c)
vitprof_e2e_program(e2e_dlopen_main SOURCES dlmain.c)
vitprof_e2e_program(e2e_fork SOURCES fork.c)
vitprof_e2e_program(e2e_sigkill SOURCES sigkill.c)
vitprof_e2e_program(e2e_longjmp SOURCES longjmp.c)
vitprof_e2e_program(e2e_timed SOURCES timed.c)
vitprof_e2e_program(e2e_deeprec SOURCES deeprec.c)
vitprof_e2e_program(e2e_cgprog O2 SOURCES cgprog.c)
vitprof_e2e_program(e2e_exitpaths SOURCES exitpaths.c)
vitprof_e2e_program(e2e_unwritable SOURCES unwritable.c)

# The plugin: built like the programs, not linked with the runtime (the
# hooks come from the program that loads it).
add_library(e2e_plugin MODULE ${E2E_PROGRAMS}/plugin.c)
target_compile_options(e2e_plugin PRIVATE -g -O0 -finstrument-functions)
target_link_options(e2e_plugin PRIVATE -Wl,--build-id)
set_target_properties(e2e_plugin PROPERTIES LIBRARY_OUTPUT_DIRECTORY ${E2E_BIN})
add_dependencies(e2e_dlopen_main e2e_plugin)

vitprof_e2e_test(recursion check_recursion.py PROGRAM e2e_recursion)
vitprof_e2e_test(recursion.O2 check_recursion.py PROGRAM e2e_recursion_O2)
vitprof_e2e_test(fnptr check_fnptr.py PROGRAM e2e_fnptr)
vitprof_e2e_test(fnptr.O2 check_fnptr.py PROGRAM e2e_fnptr_O2)
vitprof_e2e_test(static_same_name check_static.py PROGRAM e2e_static_same_name)
vitprof_e2e_test(threads check_threads.py PROGRAM e2e_threads TIMEOUT 240)
vitprof_e2e_test(threads.O2 check_threads.py PROGRAM e2e_threads_O2 TIMEOUT 240)
vitprof_e2e_test(dlopen check_dlopen.py PROGRAM e2e_dlopen_main
  ARGS --plugin $<TARGET_FILE:e2e_plugin>)
vitprof_e2e_test(fork check_fork.py PROGRAM e2e_fork)
vitprof_e2e_test(sigkill check_sigkill.py PROGRAM e2e_sigkill)
vitprof_e2e_test(longjmp check_longjmp.py PROGRAM e2e_longjmp)
vitprof_e2e_test(time_mode check_timed.py PROGRAM e2e_timed)
vitprof_e2e_test(deep_recursion check_deeprec.py PROGRAM e2e_deeprec TIMEOUT 900)
vitprof_e2e_test(callgrind check_callgrind.py PROGRAM e2e_cgprog TIMEOUT 900)
vitprof_e2e_test(exit_paths check_exitpaths.py PROGRAM e2e_exitpaths)
vitprof_e2e_test(unwritable check_unwritable.py PROGRAM e2e_unwritable)

# Arc counters (-fprofile-arcs): branchy.c compiled once, linked with
# libgcov (ground truth for gcov --json-format) and with vitprof's runtime
# and linker-script fragment (counters mapped in place).
add_library(e2e_branchy_obj OBJECT ${E2E_PROGRAMS}/branchy.c)
target_compile_options(e2e_branchy_obj PRIVATE -g -O0 -finstrument-functions
  -fprofile-arcs -ftest-coverage -fdata-sections)
add_executable(e2e_branchy $<TARGET_OBJECTS:e2e_branchy_obj>)
target_link_libraries(e2e_branchy PRIVATE vitprof_rt)
target_link_options(e2e_branchy PRIVATE -Wl,-T,${PROJECT_SOURCE_DIR}/rt/vitprof_arcs.ld)
add_executable(e2e_branchy_gcov $<TARGET_OBJECTS:e2e_branchy_obj>)
target_link_options(e2e_branchy_gcov PRIVATE -fprofile-arcs)
set_target_properties(e2e_branchy e2e_branchy_gcov PROPERTIES
  RUNTIME_OUTPUT_DIRECTORY ${E2E_BIN})
vitprof_e2e_test(arcs check_arcs.py PROGRAM e2e_branchy
  ARGS --gcov-prog $<TARGET_FILE:e2e_branchy_gcov>)
