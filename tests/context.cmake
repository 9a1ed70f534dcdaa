# SPDX-License-Identifier: MIT
# Context mode (VITPROF_MODE=context): tests/context/ctxprog.c builds a known
# calling-context tree; check_context.py compares `vitprof export --format
# folded` with it line by line and checks `vitprof flamegraph`'s SVG with
# xml.etree. Label: context.
#   ctest -L context --output-on-failure
find_package(Python3 COMPONENTS Interpreter)
if(NOT Python3_Interpreter_FOUND OR NOT TARGET vitprof OR NOT TARGET vitprof_rt)
  message(WARNING "python3, vitprof and vitprof_rt are needed by the context tests")
  return()
endif()
find_package(Threads REQUIRED)

add_executable(ctxprog ${CMAKE_CURRENT_SOURCE_DIR}/context/ctxprog.c)
target_compile_options(ctxprog PRIVATE -g -O0 -finstrument-functions)
target_link_libraries(ctxprog PRIVATE vitprof_rt Threads::Threads)
set_target_properties(ctxprog PROPERTIES RUNTIME_OUTPUT_DIRECTORY
  ${CMAKE_CURRENT_BINARY_DIR}/context-bin)

set(ctx_extra)
if(VITPROF_SANITIZE)
  set(ctx_extra --sanitized)
endif()
add_test(NAME context.folded_flamegraph
  COMMAND ${Python3_EXECUTABLE} -B ${CMAKE_CURRENT_SOURCE_DIR}/context/check_context.py
          --prog $<TARGET_FILE:ctxprog> --vitprof $<TARGET_FILE:vitprof>
          --scratch ${CMAKE_CURRENT_BINARY_DIR}/context-scratch ${ctx_extra})
set_tests_properties(context.folded_flamegraph PROPERTIES TIMEOUT 120 LABELS context)
