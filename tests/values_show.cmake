# SPDX-License-Identifier: MIT
# Value profiles by function and site: `vitprof export` (value_sites,
# first_call, the schema), `vitprof show --values`, the document merge,
# against tests/values_show/known.c, whose values are known by construction.
#   ctest -R values_show --output-on-failure
find_package(Python3 COMPONENTS Interpreter)
if(NOT Python3_Interpreter_FOUND OR NOT TARGET vitprof OR NOT TARGET vitprof_gcov)
  message(WARNING "python3, vitprof and vitprof_gcov are needed by the values_show test")
  return()
endif()
if(VITPROF_SANITIZE)
  return()   # the runtime has the sanitizers; the program here does not
endif()
add_test(NAME values_show.known
  COMMAND ${Python3_EXECUTABLE} -B ${CMAKE_CURRENT_SOURCE_DIR}/values_show/check_values_show.py
          --vitprof $<TARGET_FILE:vitprof> --rtdir $<TARGET_FILE_DIR:vitprof_rt>
          --ldscript ${PROJECT_SOURCE_DIR}/rt/vitprof_arcs.ld
          --src ${CMAKE_CURRENT_SOURCE_DIR}/values_show
          --schema ${PROJECT_SOURCE_DIR}/docs/vitprof.schema.json
          --scratch ${CMAKE_CURRENT_BINARY_DIR}/values_show-scratch)
set_tests_properties(values_show.known PROPERTIES TIMEOUT 120 LABELS e2e)
# The same with GCC 11 (Debian's gcc-11), when installed: its objects give
# the same site lines.
find_program(VITPROF_GCC11 gcc-11)
if(VITPROF_GCC11)
  add_test(NAME values_show.gcc11
    COMMAND ${Python3_EXECUTABLE} -B ${CMAKE_CURRENT_SOURCE_DIR}/values_show/check_values_show.py
            --cc ${VITPROF_GCC11}
            --vitprof $<TARGET_FILE:vitprof> --rtdir $<TARGET_FILE_DIR:vitprof_rt>
            --ldscript ${PROJECT_SOURCE_DIR}/rt/vitprof_arcs.ld
            --src ${CMAKE_CURRENT_SOURCE_DIR}/values_show
            --schema ${PROJECT_SOURCE_DIR}/docs/vitprof.schema.json
            --scratch ${CMAKE_CURRENT_BINARY_DIR}/values_show-scratch-gcc11)
  set_tests_properties(values_show.gcc11 PROPERTIES TIMEOUT 120 LABELS e2e)
endif()
