# SPDX-License-Identifier: MIT
# Where the runtime writes (rt/rt_file.c, rt/rt_exec.c; docs/runtime.md): a
# live profile of another process (a parent that started this program, a
# concurrent run) is never removed or replaced; missing directories of
# VITPROF_FILE are created; VITPROF_* reaches children started with an
# environment of their own (posix_spawn, execve, ...). Counts are known by
# construction (tests/rt_files/rtf_prog.c).
#   ctest -R rt_files --output-on-failure
find_package(Python3 COMPONENTS Interpreter)
if(NOT Python3_Interpreter_FOUND OR NOT TARGET vitprof_rt OR NOT TARGET vitprof)
  message(WARNING "python3, vitprof and vitprof_rt are needed by the rt_files tests")
  return()
endif()

add_executable(rtf_prog ${CMAKE_CURRENT_SOURCE_DIR}/rt_files/rtf_prog.c)
target_compile_options(rtf_prog PRIVATE -g -O0 -finstrument-functions)
target_link_libraries(rtf_prog PRIVATE vitprof_rt)
set_target_properties(rtf_prog PROPERTIES
  RUNTIME_OUTPUT_DIRECTORY ${CMAKE_CURRENT_BINARY_DIR}/rt_files-bin)

set(rtf_cases live_system live_forkexec live_spawn concurrent finished_run mkdir
  mkdir_unwritable env_spawn env_spawnp env_execve env_execle env_execvpe env_fexecve
  env_spawn_own)
set(rtf_extra)
if(VITPROF_SANITIZE)
  set(rtf_extra --sanitized)
endif()
foreach(case IN LISTS rtf_cases)
  add_test(NAME rt_files.${case}
    COMMAND Python3::Interpreter -B ${CMAKE_CURRENT_SOURCE_DIR}/rt_files/check_rt_files.py
            ${case} --prog $<TARGET_FILE:rtf_prog> --vitprof $<TARGET_FILE:vitprof>
            --scratch ${CMAKE_CURRENT_BINARY_DIR}/rt_files-scratch/${case} ${rtf_extra})
  set_tests_properties(rt_files.${case} PROPERTIES TIMEOUT 120 LABELS e2e)
endforeach()
