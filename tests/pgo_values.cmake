# SPDX-License-Identifier: MIT
# -fprofile-generate (every value profiler) on vitprof's runtime against
# libgcov, with GCC 12 and GCC 11 (Debian's gcc-11): the .gcda `vitprof
# gcda` writes must equal libgcov's byte for byte, and `gcc -fprofile-use
# -Werror` must build the same object from both
# (tests/pgo_values/check_values.py says what each case does).
#   ctest -R pgo_values --output-on-failure
# A compiler that is not installed skips its cases (77).
find_package(Python3 COMPONENTS Interpreter)
if(NOT Python3_Interpreter_FOUND OR NOT TARGET vitprof OR NOT TARGET vitprof_gcov)
  message(WARNING "python3, vitprof and vitprof_gcov are needed by the pgo_values tests")
  return()
endif()

set(PGO_VALUES_EXTRA)
if(VITPROF_SANITIZE)
  set(PGO_VALUES_EXTRA --sanitized)   # the runtime has the sanitizers
endif()
foreach(cc gcc gcc-11)
  string(REPLACE "-" "" ccname ${cc})
  foreach(case one merge kill fork threads dlopen use arena corrupt vmerge dirs gcovjson exec symbols)
    add_test(NAME pgo_values.${ccname}.${case}
      COMMAND ${Python3_EXECUTABLE} -B ${CMAKE_CURRENT_SOURCE_DIR}/pgo_values/check_values.py
              ${case} --cc ${cc} --vitprof $<TARGET_FILE:vitprof>
              --rtdir $<TARGET_FILE_DIR:vitprof_rt>
              --ldscript ${PROJECT_SOURCE_DIR}/rt/vitprof_arcs.ld
              --src ${CMAKE_CURRENT_SOURCE_DIR}/pgo_values
              --scratch ${CMAKE_CURRENT_BINARY_DIR}/pgo_values-scratch/${ccname}-${case}
              ${PGO_VALUES_EXTRA})
    set_tests_properties(pgo_values.${ccname}.${case} PROPERTIES TIMEOUT 300 LABELS e2e
      SKIP_RETURN_CODE 77)
  endforeach()
endforeach()
