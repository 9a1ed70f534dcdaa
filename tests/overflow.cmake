# SPDX-License-Identifier: MIT
# The tool never trusts counts, sizes or offsets (docs/cli.md, "Limits";
# docs/reliability.md): inputs crafted at and just past each limit. Each
# case of tests/overflow/check_overflow.py is one ctest entry,
# overflow.<case>; a refusal must be one line "vitprof: FILE: ..." naming
# the file, a non-zero exit and no output file (an existing .gcda left byte
# for byte), and the in-range limit case must give the exact value.
# Label: overflow.
find_package(Python3 COMPONENTS Interpreter)
if(NOT Python3_Interpreter_FOUND OR NOT TARGET vitprof)
  message(WARNING "python3 or the vitprof target missing: the overflow tests are not registered")
  return()
endif()

# Writes raw profiles of itself (symbolizable) with the counts it is given.
add_executable(ovf_mkraw
  ${CMAKE_CURRENT_SOURCE_DIR}/overflow/ovf_mkraw.c
  ${CMAKE_CURRENT_SOURCE_DIR}/test_tool_rawgen.c)
target_include_directories(ovf_mkraw PRIVATE ${PROJECT_SOURCE_DIR}/rt
                                             ${CMAKE_CURRENT_SOURCE_DIR})
target_compile_options(ovf_mkraw PRIVATE -g -fno-inline -fno-optimize-sibling-calls)
target_link_options(ovf_mkraw PRIVATE -Wl,--build-id)

foreach(case raw_merge weighted_merge doc_merge gcda json_read aggregate time_ns
             overlap raw_sizes coverage)
  add_test(NAME overflow.${case}
    COMMAND ${Python3_EXECUTABLE} -B ${CMAKE_CURRENT_SOURCE_DIR}/overflow/check_overflow.py
            ${case} --vitprof $<TARGET_FILE:vitprof> --mkraw $<TARGET_FILE:ovf_mkraw>
            --scratch ${CMAKE_CURRENT_BINARY_DIR}/overflow-scratch/${case})
  set_tests_properties(overflow.${case} PROPERTIES TIMEOUT 120 LABELS overflow
    SKIP_RETURN_CODE 77)
endforeach()
if(VITPROF_SANITIZE)
  # overflow.coverage links a program with the runtime `vitprof flags`
  # names, ASan-built there, without -fsanitize: libasan is not first.
  set_tests_properties(overflow.coverage PROPERTIES ENVIRONMENT
    "ASAN_OPTIONS=verify_asan_link_order=0:detect_leaks=0")
endif()
