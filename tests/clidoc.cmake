# SPDX-License-Identifier: MIT
# The command line's documents against `vitprof --help` (tests/clidoc/):
#   clidoc.options     docs/cli.md has a section per command and names
#                      every option of its --help (helpopts.py says how
#                      options are read from --help)
#   clidoc.defaults    the default outputs --help states, run
#   clidoc.man         the manual page generated from docs/cli.md: no
#                      groff warning, every command and option in it
#   clidoc.completion  tools/completion/vitprof.bash, sourced in bash:
#                      commands, each command's options, option values
# Label: clidoc.
if(NOT TARGET vitprof)
  return()
endif()
find_package(Python3 COMPONENTS Interpreter)
if(NOT Python3_Interpreter_FOUND)
  message(STATUS "python3 not found: the clidoc tests are not registered")
  return()
endif()
set(CLIDOC_SRC ${CMAKE_CURRENT_SOURCE_DIR}/clidoc)
add_test(NAME clidoc.options
  COMMAND ${Python3_EXECUTABLE} -B ${CLIDOC_SRC}/check_cli_doc.py options
          $<TARGET_FILE:vitprof> ${PROJECT_SOURCE_DIR}/docs/cli.md)
add_test(NAME clidoc.defaults
  COMMAND ${Python3_EXECUTABLE} -B ${CLIDOC_SRC}/check_cli_doc.py defaults
          $<TARGET_FILE:vitprof> ${CMAKE_CURRENT_BINARY_DIR}/clidoc-defaults
          ${CMAKE_C_COMPILER})
set_tests_properties(clidoc.options clidoc.defaults PROPERTIES TIMEOUT 60 LABELS clidoc)
if(VITPROF_SANITIZE)
  # The runtime is built with the sanitizers: so must the program be.
  set_tests_properties(clidoc.defaults PROPERTIES ENVIRONMENT
    "VP_CONSUMER_CFLAGS=-fsanitize=address,undefined")
endif()
if(TARGET vitprof_man)
  add_test(NAME clidoc.man
    COMMAND ${Python3_EXECUTABLE} -B ${CLIDOC_SRC}/check_cli_doc.py man
            $<TARGET_FILE:vitprof> ${VITPROF_MAN_PAGE})
  set_tests_properties(clidoc.man PROPERTIES TIMEOUT 60 LABELS clidoc SKIP_RETURN_CODE 77)
endif()
add_test(NAME clidoc.completion
  COMMAND ${Python3_EXECUTABLE} -B ${CLIDOC_SRC}/check_cli_doc.py completion
          $<TARGET_FILE:vitprof> ${PROJECT_SOURCE_DIR}/tools/completion/vitprof.bash
          ${CMAKE_CURRENT_BINARY_DIR}/clidoc-completion)
set_tests_properties(clidoc.completion PROPERTIES TIMEOUT 60 LABELS clidoc)
