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

# The program with the shared runtime, and with the static one (its hooks
# exported for the libraries, as `vitprof flags --link --static` does).
add_executable(modules_modprog ${MODULES_DIR}/modprog.c)
target_link_libraries(modules_modprog PRIVATE vitprof_rt ${CMAKE_DL_LIBS})
add_executable(modules_modprog_static ${MODULES_DIR}/modprog.c)
target_link_libraries(modules_modprog_static PRIVATE vitprof_rt_static Threads::Threads
  ${CMAKE_DL_LIBS})
target_link_options(modules_modprog_static PRIVATE
  -Wl,--export-dynamic-symbol=__cyg_profile_func_enter
  -Wl,--export-dynamic-symbol=__cyg_profile_func_exit)
foreach(p modules_modprog modules_modprog_static)
  target_compile_options(${p} PRIVATE -g -O0 -finstrument-functions)
  set_target_properties(${p} PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${MODULES_BIN})
endforeach()
foreach(lib one two)
  # Not linked with the runtime: the hooks come from the program.
  add_library(modules_lib${lib} MODULE ${MODULES_DIR}/lib${lib}.c)
  target_compile_options(modules_lib${lib} PRIVATE -g -O0 -finstrument-functions)
  target_link_options(modules_lib${lib} PRIVATE -Wl,--build-id)
  set_target_properties(modules_lib${lib} PROPERTIES
    LIBRARY_OUTPUT_DIRECTORY ${MODULES_BIN} PREFIX "" OUTPUT_NAME lib${lib})
  add_dependencies(modules_modprog modules_lib${lib})
  add_dependencies(modules_modprog_static modules_lib${lib})
endforeach()

set(modules_extra)
if(VITPROF_SANITIZE)
  set(modules_extra --sanitized)
endif()
# modules.<scenario> (shared runtime), modules.<scenario>.static
foreach(sc swap reload aba both swap.static aba.static)
  string(REGEX REPLACE "\\..*" "" scenario ${sc})
  set(prog modules_modprog)
  if(sc MATCHES "\\.static$")
    set(prog modules_modprog_static)
  endif()
  add_test(NAME modules.${sc}
    COMMAND ${Python3_EXECUTABLE} -B ${MODULES_DIR}/check_modules.py
            --prog $<TARGET_FILE:${prog}>
            --vitprof $<TARGET_FILE:vitprof>
            --scratch ${CMAKE_CURRENT_BINARY_DIR}/modules-scratch/${sc}
            --schema ${PROJECT_SOURCE_DIR}/docs/vitprof.schema.json
            --src ${MODULES_DIR}
            --scenario ${scenario}
            --libone $<TARGET_FILE:modules_libone>
            --libtwo $<TARGET_FILE:modules_libtwo>
            ${modules_extra})
  set_tests_properties(modules.${sc} PROPERTIES TIMEOUT 120 LABELS e2e
    SKIP_RETURN_CODE 77)
endforeach()
