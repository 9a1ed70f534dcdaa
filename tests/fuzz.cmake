# SPDX-License-Identifier: MIT
# libFuzzer harnesses of every reader (tests/fuzz, docs/fuzzing.md): the raw
# profile, .gcno, .gcda (and the .gcda model `vitprof gcda` merges into),
# the .vitprof document `vitprof merge` reads, and the ELF objects (DWARF,
# symbol tables, build-id) the symbolizer opens for every profiled module.
# vitprof builds with gcc, so the harnesses are a clang project of their
# own, built by the fuzz.build test; fuzz.seeds makes the seed corpus from
# one real instrumented run (and, for the symbolizer, objects built there);
# fuzz.<reader> fuzzes for 8 s; fuzz.replay.<reader> runs the harness once
# over every saved crash in tests/fuzz/regressions/<reader>/.
#   ctest -R fuzz --output-on-failure
# Not registered again in the sanitized pass: the harnesses always carry
# ASan + UBSan.
if(VITPROF_SANITIZE OR NOT TARGET vitprof)
  return()
endif()

set(fuzz_sh ${CMAKE_CURRENT_SOURCE_DIR}/fuzz/fuzz.sh)
set(fuzz_dir ${CMAKE_CURRENT_BINARY_DIR}/fuzz-build)
find_program(VITPROF_FUZZ_CLANG NAMES clang clang-14)
set(fuzz_ok OFF)
if(VITPROF_FUZZ_CLANG)
  set(probe ${CMAKE_CURRENT_BINARY_DIR}/fuzz-probe.c)
  file(WRITE ${probe}
    "int LLVMFuzzerTestOneInput(const unsigned char *d, unsigned long n) { return 0; }\n")
  execute_process(COMMAND ${VITPROF_FUZZ_CLANG} -fsanitize=fuzzer,address,undefined
                          ${probe} -o ${CMAKE_CURRENT_BINARY_DIR}/fuzz-probe
                  RESULT_VARIABLE probe_rc OUTPUT_QUIET ERROR_QUIET)
  if(probe_rc EQUAL 0)
    set(fuzz_ok ON)
  endif()
endif()
if(NOT fuzz_ok)
  message(STATUS "fuzz: clang with libFuzzer not found (Debian: clang libclang-rt-14-dev): fuzz tests skipped")
  add_test(NAME fuzz.unavailable
    COMMAND sh -c "echo 'fuzz: clang with libFuzzer not found (clang, libclang-rt-14-dev)'; exit 77")
  set_tests_properties(fuzz.unavailable PROPERTIES SKIP_RETURN_CODE 77 LABELS fuzz)
  return()
endif()

add_test(NAME fuzz.build COMMAND sh ${fuzz_sh} build ${fuzz_dir})
set_tests_properties(fuzz.build PROPERTIES TIMEOUT 300 LABELS fuzz SKIP_RETURN_CODE 77
  ENVIRONMENT CLANG=${VITPROF_FUZZ_CLANG} FIXTURES_SETUP fuzz_build)
add_test(NAME fuzz.seeds COMMAND sh ${fuzz_sh} seeds ${fuzz_dir} $<TARGET_FILE:vitprof>)
# The symbolizer's seeds are objects built by CC (and CXX, when there is one);
# the trace reader's are traces test_tool_mkraw writes.
set(fuzz_seed_env CC=${CMAKE_C_COMPILER} OBJCOPY=${CMAKE_OBJCOPY}
    MKRAW=$<TARGET_FILE:test_tool_mkraw>)
if(CMAKE_CXX_COMPILER)
  list(APPEND fuzz_seed_env CXX=${CMAKE_CXX_COMPILER})
endif()
set_tests_properties(fuzz.seeds PROPERTIES TIMEOUT 120 LABELS fuzz
  ENVIRONMENT "${fuzz_seed_env}" FIXTURES_SETUP fuzz_seeds)
foreach(reader raw merge gcno gcda vitprof symbolizer trace)
  add_test(NAME fuzz.${reader} COMMAND sh ${fuzz_sh} run ${fuzz_dir} ${reader})
  set_tests_properties(fuzz.${reader} PROPERTIES TIMEOUT 60 LABELS fuzz
    SKIP_RETURN_CODE 77 FIXTURES_REQUIRED "fuzz_build;fuzz_seeds")
  add_test(NAME fuzz.replay.${reader} COMMAND sh ${fuzz_sh} replay ${fuzz_dir} ${reader})
  set_tests_properties(fuzz.replay.${reader} PROPERTIES TIMEOUT 60 LABELS fuzz
    SKIP_RETURN_CODE 77 FIXTURES_REQUIRED fuzz_build)
endforeach()
# The trace readers fuzzed for 10 minutes (label long).
add_test(NAME fuzz.trace.long COMMAND sh ${fuzz_sh} run ${fuzz_dir} trace -max_total_time=600)
# Run with -DVITPROF_LONG_TESTS=ON only (tests/trace_read.cmake).
option(VITPROF_LONG_TESTS "run the tests labelled long" OFF)
set_tests_properties(fuzz.trace.long PROPERTIES TIMEOUT 900 LABELS "fuzz;long"
  SKIP_RETURN_CODE 77 FIXTURES_REQUIRED "fuzz_build;fuzz_seeds"
  DISABLED $<NOT:$<BOOL:${VITPROF_LONG_TESTS}>>)
