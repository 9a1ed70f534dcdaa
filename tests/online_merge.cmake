# SPDX-License-Identifier: MIT
# Online merging (a %m in VITPROF_FILE, rt/rt_merge.c): many runs of one
# program accumulate into one pool profile under a lock, and writers killed
# in the middle of their merge never corrupt it. tests/online_merge/
# check_online_merge.py runs the programs below and checks the pool with
# the real tool and by its own reading of the raw file.
#   ctest -R online_merge --output-on-failure
find_package(Python3 COMPONENTS Interpreter)
if(NOT Python3_Interpreter_FOUND OR NOT TARGET vitprof_rt OR NOT TARGET vitprof)
  message(WARNING "python3, vitprof and vitprof_rt are needed by the online_merge tests")
  return()
endif()

set(OM_SRC ${CMAKE_CURRENT_SOURCE_DIR}/online_merge)
set(OM_BIN ${CMAKE_CURRENT_BINARY_DIR}/online_merge-bin)

# Hooks and arc counters in place (the flags `vitprof flags` prints), with
# an instrumented shared library.
add_library(om_lib SHARED ${OM_SRC}/om_lib.c)
vitprof_instrument(om_lib)
add_executable(om_prog ${OM_SRC}/om_prog.c)
vitprof_instrument(om_prog)
target_link_libraries(om_prog PRIVATE om_lib)
# The same program with its arc counters copied at exit (no fragment).
add_executable(om_prog_copy ${OM_SRC}/om_prog.c ${OM_SRC}/om_lib.c)
target_compile_options(om_prog_copy PRIVATE -g -finstrument-functions
  -fprofile-arcs -ftest-coverage -fdata-sections)
target_link_libraries(om_prog_copy PRIVATE vitprof_rt)
target_link_options(om_prog_copy PRIVATE -Wl,--build-id)
# Two plugins at the same address (address randomization off): the pool
# must move the second one.
add_library(om_plugin_a SHARED ${OM_SRC}/om_plugin.c)
add_library(om_plugin_b SHARED ${OM_SRC}/om_plugin.c)
target_compile_definitions(om_plugin_b PRIVATE OM_PLUGIN_B)
vitprof_instrument(om_plugin_a)
vitprof_instrument(om_plugin_b)
target_link_libraries(om_prog PRIVATE ${CMAKE_DL_LIBS})
# Another program, for the refusal test.
add_executable(om_other ${OM_SRC}/om_other.c)
vitprof_instrument(om_other)
set_target_properties(om_lib om_plugin_a om_plugin_b om_prog om_prog_copy om_other PROPERTIES
  RUNTIME_OUTPUT_DIRECTORY ${OM_BIN} LIBRARY_OUTPUT_DIRECTORY ${OM_BIN})

foreach(case sequential concurrent kill time copy fork plugins refuse same_bytes limits)
  add_test(NAME online_merge.${case}
    COMMAND Python3::Interpreter -B ${OM_SRC}/check_online_merge.py ${case}
            --prog $<TARGET_FILE:om_prog> --prog-copy $<TARGET_FILE:om_prog_copy>
            --other $<TARGET_FILE:om_other> --vitprof $<TARGET_FILE:vitprof>
            --plugins $<TARGET_FILE:om_plugin_a> $<TARGET_FILE:om_plugin_b>
            --scratch ${CMAKE_CURRENT_BINARY_DIR}/online_merge-scratch/${case}
            --vpgcov ${CMAKE_CURRENT_SOURCE_DIR}/gcov_rt)
  set_tests_properties(online_merge.${case} PROPERTIES TIMEOUT 300 LABELS e2e)
  if(VITPROF_SANITIZE)
    set_tests_properties(online_merge.${case} PROPERTIES ENVIRONMENT
      "ASAN_OPTIONS=detect_leaks=0")
  endif()
endforeach()
