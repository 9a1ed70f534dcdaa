# SPDX-License-Identifier: MIT
# Runtime end-to-end tests with programs of their own (tests/rt/).
find_package(Python3 COMPONENTS Interpreter REQUIRED)
include(CheckLanguage)
check_language(CXX)

add_executable(rt_signal_reentry rt/signal_reentry.c)
vitprof_instrument(rt_signal_reentry)
add_executable(rt_inlined_time ${CMAKE_CURRENT_SOURCE_DIR}/example/wordfreq.c)
target_compile_options(rt_inlined_time PRIVATE -O2)
vitprof_instrument(rt_inlined_time)
add_executable(rt_exec_chain rt/exec_chain.c)
vitprof_instrument(rt_exec_chain)
set(rt_cases signal_reentry inlined_time exec_chain)
if(CMAKE_CXX_COMPILER)
  enable_language(CXX)
  add_executable(rt_cxx_exceptions rt/cxx_exceptions.cpp)
  target_compile_options(rt_cxx_exceptions PRIVATE -O1)
  vitprof_instrument(rt_cxx_exceptions)
  list(APPEND rt_cases cxx_exceptions)
endif()
foreach(c IN LISTS rt_cases)
  add_test(NAME rt.${c}
    COMMAND Python3::Interpreter ${CMAKE_CURRENT_SOURCE_DIR}/rt/check_rt.py ${c}
            $<TARGET_FILE:rt_${c}> $<TARGET_FILE:vitprof> ${CMAKE_CURRENT_BINARY_DIR}/rt-scratch)
  set_tests_properties(rt.${c} PROPERTIES TIMEOUT 180 LABELS e2e)
endforeach()
add_test(NAME rt.rebuilt_binary
  COMMAND Python3::Interpreter ${CMAKE_CURRENT_SOURCE_DIR}/rt/check_rt.py rebuilt_binary
          ${CMAKE_CURRENT_SOURCE_DIR}/example/wordfreq.c $<TARGET_FILE:vitprof>
          ${CMAKE_CURRENT_BINARY_DIR}/rt-scratch)
set_tests_properties(rt.rebuilt_binary PROPERTIES TIMEOUT 120 LABELS e2e)
if(VITPROF_SANITIZE)
  # It links with the runtime `vitprof flags` names, ASan-built there.
  set_tests_properties(rt.rebuilt_binary PROPERTIES ENVIRONMENT
    "ASAN_OPTIONS=verify_asan_link_order=0:detect_leaks=0")
endif()
