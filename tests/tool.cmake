# SPDX-License-Identifier: MIT
# Tests of the offline tool (tools/): unit tests of the raw reader, the
# profile builder and the JSON writer, and end-to-end tests of the command
# line (tests/test_tool_cli.sh, one ctest entry per case).
vitprof_add_cunit_test(NAME test_rawfile
  SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/test_rawfile.c
          ${CMAKE_CURRENT_SOURCE_DIR}/test_tool_rawgen.c
  LIBRARIES vitprof_tool)
vitprof_add_cunit_test(NAME test_profile
  SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/test_profile.c
          ${CMAKE_CURRENT_SOURCE_DIR}/test_tool_rawgen.c
  LIBRARIES vitprof_tool)
vitprof_add_cunit_test(NAME test_tool_json
  SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/test_tool_json.c
  LIBRARIES vitprof_tool)

# Writes synthetic raw profiles (and a real one of itself) for the CLI tests.
add_executable(test_tool_mkraw
  ${CMAKE_CURRENT_SOURCE_DIR}/test_tool_mkraw.c
  ${CMAKE_CURRENT_SOURCE_DIR}/test_tool_rawgen.c)
target_include_directories(test_tool_mkraw PRIVATE ${PROJECT_SOURCE_DIR}/rt)
target_compile_options(test_tool_mkraw PRIVATE -g -fno-inline -fno-optimize-sibling-calls)
target_link_options(test_tool_mkraw PRIVATE -Wl,--build-id)

foreach(case missing truncated version swapped zeroed missing_exe usage self selftime
             flags_build doc_example special_output)
  add_test(NAME tool.cli.${case}
    COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/test_tool_cli.sh ${case}
            $<TARGET_FILE:vitprof> $<TARGET_FILE:test_tool_mkraw>
            ${PROJECT_SOURCE_DIR} ${CMAKE_CURRENT_BINARY_DIR}/tool-cli)
  set_tests_properties(tool.cli.${case} PROPERTIES TIMEOUT 120 LABELS e2e)
endforeach()
if(VITPROF_SANITIZE)
  # The runtime is built with the sanitizers: so must the program be.
  set_tests_properties(tool.cli.flags_build PROPERTIES ENVIRONMENT
    "VP_CONSUMER_CFLAGS=-fsanitize=address,undefined")
endif()
