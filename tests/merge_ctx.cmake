# SPDX-License-Identifier: MIT
# `vitprof merge` of context-mode profiles and `vitprof overlap` of two
# builds of one program (docs/merge.md; issue 12, items 6 and 7), on
# tests/merge_ctx/recprog.c whose counts are known by construction:
#   merge_ctx.ctx_raw    context runs merged as raw profiles keep their
#                        trees (folded export of the merge = sum of the
#                        inputs'), byte-identical in any order; mixing
#                        modes is refused with one line
#   merge_ctx.ctx_doc    the same with .vitprof documents
#   merge_ctx.builds     overlap of two builds differing by one inserted
#                        line: 100% for identical runs, the known fraction
#                        otherwise, one line saying the builds differ
#   ctest -R merge_ctx --output-on-failure
find_package(Python3 COMPONENTS Interpreter)
if(NOT Python3_Interpreter_FOUND OR NOT TARGET vitprof OR NOT TARGET vitprof_rt)
  message(WARNING "python3, vitprof and vitprof_rt are needed by the merge_ctx tests")
  return()
endif()

add_executable(merge_ctx_recprog ${CMAKE_CURRENT_SOURCE_DIR}/merge_ctx/recprog.c)
target_compile_options(merge_ctx_recprog PRIVATE -g -O0 -finstrument-functions)
target_link_libraries(merge_ctx_recprog PRIVATE vitprof_rt)
set_target_properties(merge_ctx_recprog PROPERTIES RUNTIME_OUTPUT_DIRECTORY
  ${CMAKE_CURRENT_BINARY_DIR}/merge_ctx-bin)

set(merge_ctx_extra)
if(VITPROF_SANITIZE)
  set(merge_ctx_extra --sanitized)   # the runtime has the sanitizers
endif()
foreach(case ctx_raw ctx_doc builds)
  add_test(NAME merge_ctx.${case}
    COMMAND ${Python3_EXECUTABLE} -B ${CMAKE_CURRENT_SOURCE_DIR}/merge_ctx/check_merge_ctx.py
            ${case} --vitprof $<TARGET_FILE:vitprof>
            --prog $<TARGET_FILE:merge_ctx_recprog>
            --src ${CMAKE_CURRENT_SOURCE_DIR}/merge_ctx/recprog.c
            --scratch ${CMAKE_CURRENT_BINARY_DIR}/merge_ctx-scratch/${case}
            --cc ${CMAKE_C_COMPILER} ${merge_ctx_extra})
  set_tests_properties(merge_ctx.${case} PROPERTIES TIMEOUT 120 LABELS "e2e;context")
endforeach()
