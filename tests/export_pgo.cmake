# SPDX-License-Identifier: MIT
# `vitprof export --format sample-profile|link-order` fed to their consumers
# (tests/export_pgo/check_export_pgo.py): pgo_prog.c trained with gcc and
# `vitprof flags`, then
#   export_pgo.sample      llvm-profdata reads (and rewrites unchanged) the
#                          sample profile; clang -O2 -fprofile-sample-use
#                          builds with it, and its IR carries our counts.
#   export_pgo.link_order  the order, linked with lld --symbol-ordering-file
#                          and gold --section-ordering-file: nm -n shows the
#                          functions that ran in our order, then the others.
# Skipped (77) when clang/llvm-profdata, or both lld and gold, are missing.
#   test_export_pgo.*      CUnit: both exports on profiles built by hand
#                          (exact text, C3 on a graph worked out by hand).
#   ctest -R export_pgo --output-on-failure
vitprof_add_cunit_test(NAME test_export_pgo
  SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/export_pgo/test_export_pgo.c
  LIBRARIES vitprof_tool)

find_package(Python3 COMPONENTS Interpreter)
if(NOT Python3_Interpreter_FOUND OR NOT TARGET vitprof OR NOT TARGET vitprof_rt)
  message(WARNING "python3, vitprof and vitprof_rt are needed by the export_pgo tests")
  return()
endif()

set(EXPORT_PGO_EXTRA)
if(VITPROF_SANITIZE)
  set(EXPORT_PGO_EXTRA --sanitized)   # the runtime has the sanitizers
endif()
foreach(case sample link-order)
  string(REPLACE "-" "_" name ${case})
  add_test(NAME export_pgo.${name}
    COMMAND ${Python3_EXECUTABLE} -B ${CMAKE_CURRENT_SOURCE_DIR}/export_pgo/check_export_pgo.py
            ${case} --vitprof $<TARGET_FILE:vitprof>
            --src ${CMAKE_CURRENT_SOURCE_DIR}/export_pgo
            --scratch ${CMAKE_CURRENT_BINARY_DIR}/export_pgo-scratch/${name}
            ${EXPORT_PGO_EXTRA})
  set_tests_properties(export_pgo.${name} PROPERTIES TIMEOUT 300 LABELS e2e
    SKIP_RETURN_CODE 77)
endforeach()
