# SPDX-License-Identifier: MIT
# The edge table's one probe (rt/vitprof_raw.h, vpr_edges_probe), end to
# end: tables the runtime grew several times on several threads, their
# `vitprof merge` rewrite and a %m pool hold every entry where the probe
# finds its key (checked by ep_check.c with the probe itself, and by the
# tool's reader, which refuses a misplaced entry).
#   ctest -R edge_probe --output-on-failure
find_package(Python3 COMPONENTS Interpreter)
if(NOT Python3_Interpreter_FOUND OR NOT TARGET vitprof_rt OR NOT TARGET vitprof)
  message(WARNING "python3, vitprof and vitprof_rt are needed by the edge_probe tests")
  return()
endif()

set(EP_SRC ${CMAKE_CURRENT_SOURCE_DIR}/edge_probe)
set(EP_BIN ${CMAKE_CURRENT_BINARY_DIR}/edge_probe-bin)
# Not PIE: the executable's addresses are the same in every run and in a
# merged profile, so that the checker can look the run's keys up there.
add_executable(ep_prog ${EP_SRC}/ep_prog.c)
target_compile_options(ep_prog PRIVATE -g -O2 -fno-pie -finstrument-functions)
target_link_options(ep_prog PRIVATE -no-pie -Wl,--build-id)
target_link_libraries(ep_prog PRIVATE vitprof_rt Threads::Threads)
add_executable(ep_check ${EP_SRC}/ep_check.c)
target_include_directories(ep_check PRIVATE ${PROJECT_SOURCE_DIR}/rt)
set_target_properties(ep_prog ep_check PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${EP_BIN})

foreach(mode count time context)
  add_test(NAME edge_probe.${mode}
    COMMAND Python3::Interpreter -B ${EP_SRC}/check_edge_probe.py ${mode}
            --prog $<TARGET_FILE:ep_prog> --check $<TARGET_FILE:ep_check>
            --vitprof $<TARGET_FILE:vitprof>
            --scratch ${CMAKE_CURRENT_BINARY_DIR}/edge_probe-scratch/${mode})
  set_tests_properties(edge_probe.${mode} PROPERTIES TIMEOUT 300 LABELS e2e)
  if(VITPROF_SANITIZE)
    set_tests_properties(edge_probe.${mode} PROPERTIES ENVIRONMENT
      "ASAN_OPTIONS=detect_leaks=0")
  endif()
endforeach()
