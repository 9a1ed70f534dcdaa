# SPDX-License-Identifier: MIT
# `vitprof export --format callgrind|dot|csv|prometheus` checked by their
# readers (tests/callgraph/check_callgraph.py) on cgtree.c, whose counts are
# known by construction, run in count and in time mode:
#   callgraph.callgrind   callgrind_annotate prints our calls per function,
#                         per caller and per call-site line (and self time)
#   callgraph.dot         dot -Tsvg renders it; hot path kept, cold pruned
#   callgraph.csv         Python's strict csv reader, rows equal the JSON
#   callgraph.prometheus  a strict exposition-format parser, values equal
# Skipped (77) when callgrind_annotate or dot is missing. Label: e2e.
#   test_callgraph.*      CUnit: exact output of the four writers on
#                         profiles built by hand (quoting and escaping,
#                         clones sharing a name, pruning, write errors).
#   ctest -R callgraph --output-on-failure
vitprof_add_cunit_test(NAME test_callgraph
  SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/callgraph/test_callgraph.c
  LIBRARIES vitprof_tool)

find_package(Python3 COMPONENTS Interpreter)
if(NOT Python3_Interpreter_FOUND OR NOT TARGET vitprof OR NOT TARGET vitprof_rt)
  message(WARNING "python3, vitprof and vitprof_rt are needed by the callgraph tests")
  return()
endif()

add_executable(callgraph_cgtree ${CMAKE_CURRENT_SOURCE_DIR}/callgraph/cgtree.c)
target_compile_options(callgraph_cgtree PRIVATE -g -O0 -finstrument-functions)
target_link_libraries(callgraph_cgtree PRIVATE vitprof_rt)
set_target_properties(callgraph_cgtree PROPERTIES
  RUNTIME_OUTPUT_DIRECTORY ${CMAKE_CURRENT_BINARY_DIR}/callgraph-bin)

set(CALLGRAPH_EXTRA)
if(VITPROF_SANITIZE)
  set(CALLGRAPH_EXTRA --sanitized)   # the runtime has the sanitizers
endif()
foreach(fmt callgrind dot csv prometheus)
  add_test(NAME callgraph.${fmt}
    COMMAND ${Python3_EXECUTABLE} -B ${CMAKE_CURRENT_SOURCE_DIR}/callgraph/check_callgraph.py
            ${fmt}
            --prog $<TARGET_FILE:callgraph_cgtree>
            --vitprof $<TARGET_FILE:vitprof>
            --scratch ${CMAKE_CURRENT_BINARY_DIR}/callgraph-scratch/${fmt}
            --schema ${PROJECT_SOURCE_DIR}/docs/vitprof.schema.json
            --src ${CMAKE_CURRENT_SOURCE_DIR}/callgraph
            ${CALLGRAPH_EXTRA})
  set_tests_properties(callgraph.${fmt} PROPERTIES TIMEOUT 300 LABELS e2e
    SKIP_RETURN_CODE 77)
endforeach()
