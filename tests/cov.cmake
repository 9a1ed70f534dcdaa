# SPDX-License-Identifier: MIT
# Tests of the gcov side of the tool: the .gcno/.gcda readers and the
# coverage solver (tools/gcno_read.c, gcda_read.c, cov_solve.c,
# cov_loops.c).
#   test_cov.*       CUnit: synthetic flow graphs with counts known by
#                    construction, both byte orders, GCC 11 and 12 layouts,
#                    every error path, real gcc 12 files truncated at every
#                    offset and corrupted at every byte.
#   cov.gcov.*       end to end: sample programs (tests/cov/*.c) built with
#                    gcc at -O0 and -O2, with and without
#                    -finstrument-functions, run, then every line's count
#                    and branch list and every function's counts compared
#                    with `gcov --json-format` on the same files
#                    (tests/cov/check_gcov.py, driver tests/cov/cov_dump.c);
#                    loops.c's trip counts against the values in its source.
#   cov.random.*     the same comparison on randomly generated programs
#                    (tests/cov/random_programs.py), a few seeds each.
#   cov.gcc11.*      the GCC 11 file layout (clang writes it) against
#                    llvm-cov's line counts.
vitprof_add_cunit_test(NAME test_cov
  SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/test_cov.c
  LIBRARIES vitprof_tool
  TIMEOUT 300)
target_compile_definitions(test_cov PRIVATE
  COV_SAMPLE_DIR="${CMAKE_CURRENT_SOURCE_DIR}/cov")

find_package(Python3 COMPONENTS Interpreter)
if(NOT Python3_Interpreter_FOUND)
  message(WARNING "python3 not found: the cov.gcov tests are not registered")
  return()
endif()

add_executable(cov_dump ${CMAKE_CURRENT_SOURCE_DIR}/cov/cov_dump.c)
target_link_libraries(cov_dump PRIVATE vitprof_tool)

set(COV_CASES branches loops noreturn shared)
find_program(COV_GXX g++)
if(COV_GXX)
  list(APPEND COV_CASES throw)          # C++ exceptions: throw branches
endif()
set(COV_CHECK ${Python3_EXECUTABLE} -B ${CMAKE_CURRENT_SOURCE_DIR}/cov/check_gcov.py
  --cov-dump $<TARGET_FILE:cov_dump> --src ${CMAKE_CURRENT_SOURCE_DIR}/cov
  --work ${CMAKE_CURRENT_BINARY_DIR}/cov-work)
foreach(case IN LISTS COV_CASES)
  foreach(variant O0 O2 O0-finstr O2-finstr)
    add_test(NAME cov.gcov.${case}.${variant} COMMAND ${COV_CHECK} ${case} ${variant})
    set_tests_properties(cov.gcov.${case}.${variant} PROPERTIES TIMEOUT 300
      LABELS "e2e;cov")
  endforeach()
endforeach()

foreach(seed RANGE 1 8)
  foreach(variant O0 O2 O0-finstr O2-finstr)
    add_test(NAME cov.random.${seed}.${variant}
      COMMAND ${COV_CHECK} random ${variant} --seed ${seed})
    set_tests_properties(cov.random.${seed}.${variant} PROPERTIES TIMEOUT 300
      LABELS "e2e;cov")
  endforeach()
endforeach()

# GCC 11's layout, from clang (-coverage-version=B11*), against the line
# counts of `llvm-cov gcov` (gcov 12 cannot read that layout). Only these
# samples: on some generated programs llvm-cov's own rule for which blocks
# belong to a line gives other counts than gcov 12's.
find_program(COV_CLANG clang)
find_program(COV_LLVM_COV llvm-cov)
if(COV_CLANG AND COV_LLVM_COV)
  foreach(case branches loops shared)
    add_test(NAME cov.gcc11.${case} COMMAND ${COV_CHECK} ${case} clang-B11)
    set_tests_properties(cov.gcc11.${case} PROPERTIES TIMEOUT 300 LABELS "e2e;cov")
  endforeach()
endif()
