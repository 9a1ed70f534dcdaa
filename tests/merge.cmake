# SPDX-License-Identifier: MIT
# `vitprof merge` and `vitprof overlap` (docs/merge.md): unit tests of the
# raw merge, the raw writer, the .vitprof reader (truncation, byte flips)
# and the document merge; end-to-end tests that run a sample program with
# known counts several times and check the merged profiles.
vitprof_add_cunit_test(NAME test_merge
  SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/test_merge.c
          ${CMAKE_CURRENT_SOURCE_DIR}/test_tool_rawgen.c
  LIBRARIES vitprof_tool
  TIMEOUT 300)

find_package(Python3 COMPONENTS Interpreter)
if(NOT Python3_Interpreter_FOUND)
  message(WARNING "python3 not found: the merge end-to-end tests are not registered")
  return()
endif()

# mergeprog.c with hooks and arc counters (in place), and another build of
# it (-DVARIANT: other build-id, other gcov stamp).
foreach(variant mergeprog mergeprog_variant)
  add_executable(${variant} ${CMAKE_CURRENT_SOURCE_DIR}/merge/mergeprog.c)
  target_compile_options(${variant} PRIVATE -g -O0 -finstrument-functions
    -fprofile-arcs -ftest-coverage -fdata-sections)
  target_link_libraries(${variant} PRIVATE vitprof_rt)
  target_link_options(${variant} PRIVATE -Wl,--build-id
    -Wl,-T,${PROJECT_SOURCE_DIR}/rt/vitprof_arcs.ld)
  set_target_properties(${variant} PROPERTIES
    RUNTIME_OUTPUT_DIRECTORY ${CMAKE_CURRENT_BINARY_DIR}/merge-bin)
endforeach()
target_compile_definitions(mergeprog_variant PRIVATE VARIANT)

foreach(case raw time weights doc assoc mismatch overlap identity)
  add_test(NAME merge.${case}
    COMMAND ${Python3_EXECUTABLE} -B ${CMAKE_CURRENT_SOURCE_DIR}/merge/check_merge.py ${case}
            --vitprof $<TARGET_FILE:vitprof>
            --prog $<TARGET_FILE:mergeprog>
            --variant $<TARGET_FILE:mergeprog_variant>
            --scratch ${CMAKE_CURRENT_BINARY_DIR}/merge-scratch/${case}
            --schema ${PROJECT_SOURCE_DIR}/docs/vitprof.schema.json)
  set_tests_properties(merge.${case} PROPERTIES TIMEOUT 300 LABELS e2e)
endforeach()
