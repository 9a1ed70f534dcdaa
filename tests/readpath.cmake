# SPDX-License-Identifier: MIT
# What the reading commands load and what they say (issue 12; driver
# tests/readpath/check_readpath.py, programs tests/readpath/*.c):
#   readpath.returns-O0/-O2  gcov_functions[].returns and entry_count
#                            against gcov -b's "returned" and "called"
#                            (functions that always longjmp out, sometimes
#                            do, call exit(), return)
#   readpath.entry-setjmp    entry_count is gcov's "called": calls plus the
#                            longjmps back into a setjmp (-O2)
#   readpath.gcda-rebuilt    vitprof gcda refuses a rebuilt or removed
#                            program as show does; says what it wrote
#   readpath.documents-*     show, report, export, flamegraph on a .vitprof
#                            document against the raw profile it came from
#   ctest -R readpath --output-on-failure
find_package(Python3 COMPONENTS Interpreter)
if(NOT Python3_Interpreter_FOUND OR NOT TARGET vitprof OR NOT TARGET vitprof_rt)
  message(WARNING "python3, vitprof and vitprof_rt are needed by the readpath tests")
  return()
endif()
set(readpath_extra)
if(VITPROF_SANITIZE)
  set(readpath_extra --sanitized)
endif()
foreach(c returns-O0 returns-O2 entry-setjmp gcda-rebuilt documents-count documents-time)
  add_test(NAME readpath.${c}
    COMMAND ${Python3_EXECUTABLE} -B ${CMAKE_CURRENT_SOURCE_DIR}/readpath/check_readpath.py
            ${c} --vitprof $<TARGET_FILE:vitprof> --src ${CMAKE_CURRENT_SOURCE_DIR}/readpath
            --scratch ${CMAKE_CURRENT_BINARY_DIR}/readpath-scratch/${c}
            --cc ${CMAKE_C_COMPILER} ${readpath_extra})
  set_tests_properties(readpath.${c} PROPERTIES TIMEOUT 120 LABELS e2e SKIP_RETURN_CODE 77)
endforeach()
