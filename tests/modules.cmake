# SPDX-License-Identifier: MIT
# Module records and address symbolization across dlclose()/dlopen():
# modules/modprog.c loads the instrumented libraries modules/libone.c and
# modules/libtwo.c (one layout, so the loader may put one where the other
# was) in turn; modules/check_modules.py checks the counts by construction
# and the modules listed, in count, time and context modes. Label: e2e.
if(NOT COMMAND vitprof_e2e_program OR NOT COMMAND vitprof_e2e_test)
  message(WARNING "the modules tests need tests/e2e.cmake's helpers")
  return()
endif()

set(MODULES_DIR ${CMAKE_CURRENT_SOURCE_DIR}/modules)
set(MODULES_BIN ${CMAKE_CURRENT_BINARY_DIR}/modules-bin)

add_executable(modules_modprog ${MODULES_DIR}/modprog.c)
target_compile_options(modules_modprog PRIVATE -g -O0 -finstrument-functions)
target_link_libraries(modules_modprog PRIVATE vitprof_rt ${CMAKE_DL_LIBS})
set_target_properties(modules_modprog PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${MODULES_BIN})
foreach(lib one two)
  # Not linked with the runtime: the hooks come from the program.
  add_library(modules_lib${lib} MODULE ${MODULES_DIR}/lib${lib}.c)
  target_compile_options(modules_lib${lib} PRIVATE -g -O0 -finstrument-functions)
  target_link_options(modules_lib${lib} PRIVATE -Wl,--build-id)
  set_target_properties(modules_lib${lib} PROPERTIES
    LIBRARY_OUTPUT_DIRECTORY ${MODULES_BIN} PREFIX "" OUTPUT_NAME lib${lib})
  add_dependencies(modules_modprog modules_lib${lib})
endforeach()

set(modules_extra)
if(VITPROF_SANITIZE)
  set(modules_extra --sanitized)
endif()
foreach(sc swap reload aba both)
  add_test(NAME modules.${sc}
    COMMAND ${Python3_EXECUTABLE} -B ${MODULES_DIR}/check_modules.py
            --prog $<TARGET_FILE:modules_modprog>
            --vitprof $<TARGET_FILE:vitprof>
            --scratch ${CMAKE_CURRENT_BINARY_DIR}/modules-scratch/${sc}
            --schema ${PROJECT_SOURCE_DIR}/docs/vitprof.schema.json
            --src ${MODULES_DIR}
            --scenario ${sc}
            --libone $<TARGET_FILE:modules_libone>
            --libtwo $<TARGET_FILE:modules_libtwo>
            ${modules_extra})
  set_tests_properties(modules.${sc} PROPERTIES TIMEOUT 120 LABELS e2e
    SKIP_RETURN_CODE 77)
endforeach()
