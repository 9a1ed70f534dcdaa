# SPDX-License-Identifier: MIT
# `vitprof gcda` (tools/cmd_gcda.c, tools/gcda_write.c): unit tests of the
# serializer and merge (tests/test_gcda.c), and end-to-end checks against
# libgcov (tests/gcda/check_gcda.py): the same objects linked with libgcov
# and with vitprof, .gcda compared byte for byte (one run, a second run
# merged, GCOV_PREFIX/GCOV_PREFIX_STRIP, C++ COMDAT, shared libraries, a
# reloaded library, copy mode, threads), -fprofile-use objects compared,
# mismatching existing files refused.
#   ctest -R gcda --output-on-failure
vitprof_add_cunit_test(NAME test_gcda
  SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/test_gcda.c
  LIBRARIES vitprof_tool)
target_compile_definitions(test_gcda PRIVATE CC="${CMAKE_C_COMPILER}"
  VP_GCDA_SAMPLES="${CMAKE_CURRENT_SOURCE_DIR}/gcda")

find_package(Python3 COMPONENTS Interpreter)
if(NOT Python3_Interpreter_FOUND OR NOT TARGET vitprof_rt)
  message(WARNING "python3 and vitprof_rt are needed by the gcda tests")
  return()
endif()
# The arcs-only flavour through CMake.
add_executable(gcda_pgo_arcs_only ${CMAKE_CURRENT_SOURCE_DIR}/gcda/pgo_main.c
  ${CMAKE_CURRENT_SOURCE_DIR}/gcda/pgo_work.c)
target_compile_options(gcda_pgo_arcs_only PRIVATE -O2)
vitprof_instrument(gcda_pgo_arcs_only ARCS_ONLY)

set(gcda_extra)
if(VITPROF_SANITIZE)
  set(gcda_extra --sanitized)
endif()
foreach(c identical pgo pool cmake_arcs_only hooked mismatch prefix comdat layouts unknown
          rt_libs rt_reload rt_copy rt_threads rt_fork rt_dumpreset)
  add_test(NAME gcda.${c}
    COMMAND ${Python3_EXECUTABLE} -B ${CMAKE_CURRENT_SOURCE_DIR}/gcda/check_gcda.py ${c}
            --vitprof $<TARGET_FILE:vitprof> --src ${CMAKE_CURRENT_SOURCE_DIR}/gcda
            --scratch ${CMAKE_CURRENT_BINARY_DIR}/gcda-scratch/${c}
            --rtbin $<TARGET_FILE_DIR:gcovrt_libs_vp>
            --cmake-prog $<TARGET_FILE:gcda_pgo_arcs_only>
            --cc ${CMAKE_C_COMPILER} --cxx g++ ${gcda_extra})
  set_tests_properties(gcda.${c} PROPERTIES TIMEOUT 300 LABELS e2e SKIP_RETURN_CODE 77)
endforeach()
