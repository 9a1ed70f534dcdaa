# SPDX-License-Identifier: MIT
# Security of the runtime's files and environment (docs/runtime.md,
# "Security"): each test is a real attack on an instrumented program
# (tests/security/sec_prog.c) - symlinks, hard links, FIFOs, directories and
# other users' files planted at the profile path or at the %m pool, lock and
# temporary file; hostile VITPROF_* values; a setuid and a setgid copy of
# the program - checked by tests/security/check_security.py: the victim is
# unchanged, the program's stdout and exit status are unchanged, stderr has
# at most one "vitprof:" line. Most cases need root (chown, setpriv, setuid)
# and are skipped (77) otherwise. Label: security.
#   ctest -L security --output-on-failure
find_package(Python3 COMPONENTS Interpreter)
if(NOT Python3_Interpreter_FOUND OR NOT TARGET vitprof_rt OR NOT TARGET vitprof)
  message(WARNING "python3, vitprof and vitprof_rt are needed by the security tests")
  return()
endif()

set(SEC_SRC ${CMAKE_CURRENT_SOURCE_DIR}/security)
add_executable(sec_prog ${SEC_SRC}/sec_prog.c)
target_compile_options(sec_prog PRIVATE -g -O0 -finstrument-functions)
target_link_libraries(sec_prog PRIVATE vitprof_rt)
set_target_properties(sec_prog PROPERTIES
  RUNTIME_OUTPUT_DIRECTORY ${CMAKE_CURRENT_BINARY_DIR}/security-bin)

set(sec_cases symlink_victim symlink_predicted_pid dangling_symlink
  foreign_file_sticky foreign_file_world_writable hardlink_victim fifo directory
  own_stale_file race_swap file_modes merge_pool merge_lock merge_tmp hostile_env
  setuid setgid)
set(sec_extra)
if(VITPROF_SANITIZE)
  set(sec_extra --sanitized)
endif()
foreach(case IN LISTS sec_cases)
  add_test(NAME security.${case}
    COMMAND Python3::Interpreter -B ${SEC_SRC}/check_security.py ${case}
            --prog $<TARGET_FILE:sec_prog> --vitprof $<TARGET_FILE:vitprof>
            --scratch ${CMAKE_CURRENT_BINARY_DIR}/security-scratch/${case}
            ${sec_extra})
  set_tests_properties(security.${case} PROPERTIES TIMEOUT 120 LABELS security
    SKIP_RETURN_CODE 77)
endforeach()
