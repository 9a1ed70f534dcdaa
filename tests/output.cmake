# SPDX-License-Identifier: MIT
# Text outputs (issue 12): tests/output/out_prog.c (known calls, two call
# sites on one line, a 300-deep recursion, a source file name holding
# terminal escapes) checked by tests/output/check_output.py: strings from
# files printed escaped and the header's program path compared with the
# main module record (escape), show's totals and shares (show), call-site
# columns against llvm-symbolizer (columns), pruning of folded stacks and
# flame graphs (prune), --color, NO_COLOR, help X, plurals (cli).
# Label: output.
#   ctest -L output --output-on-failure
find_package(Python3 COMPONENTS Interpreter)
if(NOT Python3_Interpreter_FOUND OR NOT TARGET vitprof OR NOT TARGET vitprof_rt)
  message(WARNING "python3, vitprof and vitprof_rt are needed by the output tests")
  return()
endif()

add_executable(out_prog ${CMAKE_CURRENT_SOURCE_DIR}/output/out_prog.c)
target_compile_options(out_prog PRIVATE -g -O0 -finstrument-functions)
target_link_libraries(out_prog PRIVATE vitprof_rt)
set_target_properties(out_prog PROPERTIES
  RUNTIME_OUTPUT_DIRECTORY ${CMAKE_CURRENT_BINARY_DIR}/output-bin)

set(out_extra)
if(VITPROF_SANITIZE)
  set(out_extra --sanitized)
endif()
foreach(case escape show columns prune cli)
  add_test(NAME output.${case}
    COMMAND Python3::Interpreter -B ${CMAKE_CURRENT_SOURCE_DIR}/output/check_output.py
            ${case} --prog $<TARGET_FILE:out_prog> --vitprof $<TARGET_FILE:vitprof>
            --src ${CMAKE_CURRENT_SOURCE_DIR}/output/out_prog.c
            --scratch ${CMAKE_CURRENT_BINARY_DIR}/output-scratch/${case} ${out_extra})
  set_tests_properties(output.${case} PROPERTIES TIMEOUT 120 LABELS output)
endforeach()
