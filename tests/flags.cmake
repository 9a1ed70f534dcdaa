# SPDX-License-Identifier: MIT
# `vitprof flags` (tools/cmd_flags.c) and the flavours it prints:
#   flags.cli                 exact flags per flavour and compiler, usage
#                             errors, the static exports = rt/vitprof_rt.map
#                             = vitprof_instrument(STATIC)'s
#   flags.pgo_link            --pgo objects linked with the shared and static
#                             runtimes, both orders, one step; a dlopen()ed
#                             plugin (tests/flags/pgo_link.sh)
#   flags.pgo_test_coverage   -ftest-coverage leaves GCC's code and .gcda
#                             checksums alone (libgcov as reference)
#   flags.calls_only          --calls-only: hooks without arc counters,
#                             exact counts, no gcov symbol, with the
#                             runtime alone and with the full --link
#   flags.clang_hooks*        clang -finstrument-functions[-after-inlining],
#                             exact counts (tests/e2e/check_clang_hooks.py)
# Label: flags (the three builds with programs also e2e).
if(NOT TARGET vitprof OR NOT TARGET vitprof_gcov)
  return()
endif()
set(FLAGS_SRC ${CMAKE_CURRENT_SOURCE_DIR}/flags)
set(FLAGS_SCRATCH ${CMAKE_CURRENT_BINARY_DIR}/flags-scratch)
# `vitprof flags` names these; the tool itself does not depend on them.
add_custom_target(flags_test_deps ALL DEPENDS vitprof_gcov vitprof_rt vitprof_rt_static)

add_test(NAME flags.cli
  COMMAND ${FLAGS_SRC}/check_flags.sh $<TARGET_FILE:vitprof>
          ${PROJECT_SOURCE_DIR}/rt/vitprof_rt.map "${VITPROF_STATIC_EXPORTS}")
add_test(NAME flags.pgo_link
  COMMAND ${FLAGS_SRC}/pgo_link.sh $<TARGET_FILE:vitprof> ${FLAGS_SRC}
          ${FLAGS_SCRATCH}/pgo_link ${CMAKE_C_COMPILER})
add_test(NAME flags.pgo_test_coverage
  COMMAND ${FLAGS_SRC}/pgo_test_coverage.sh $<TARGET_FILE:vitprof> ${FLAGS_SRC}
          ${FLAGS_SCRATCH}/pgo_test_coverage ${CMAKE_C_COMPILER})
add_test(NAME flags.calls_only
  COMMAND ${FLAGS_SRC}/calls_only.sh $<TARGET_FILE:vitprof>
          ${FLAGS_SCRATCH}/calls_only ${CMAKE_C_COMPILER})
set_tests_properties(flags.calls_only PROPERTIES TIMEOUT 60 LABELS "flags;e2e")
if(VITPROF_SANITIZE)
  # The runtime is built with the sanitizers: so must the program be.
  set_tests_properties(flags.calls_only PROPERTIES ENVIRONMENT
    "VP_CONSUMER_CFLAGS=-fsanitize=address,undefined")
endif()
set_tests_properties(flags.cli PROPERTIES TIMEOUT 60 LABELS flags)
set_tests_properties(flags.pgo_link flags.pgo_test_coverage PROPERTIES
  TIMEOUT 120 LABELS "flags;e2e")
if(VITPROF_SANITIZE)
  # The runtime would be ASan-built and these programs are not.
  set_tests_properties(flags.pgo_link PROPERTIES DISABLED TRUE)
endif()

find_package(Python3 COMPONENTS Interpreter)
find_program(VITPROF_CLANG NAMES clang clang-14)
if(Python3_Interpreter_FOUND AND VITPROF_CLANG AND NOT VITPROF_SANITIZE)
  foreach(hooks plain after-inlining)
    add_test(NAME flags.clang_hooks.${hooks}
      COMMAND ${Python3_EXECUTABLE} -B ${PROJECT_SOURCE_DIR}/tests/e2e/check_clang_hooks.py
              --hooks ${hooks} --cc ${VITPROF_CLANG}
              --prog ${FLAGS_SCRATCH}/clang_hooks_${hooks}/clang_hooks
              --vitprof $<TARGET_FILE:vitprof>
              --scratch ${FLAGS_SCRATCH}/clang_hooks_${hooks}/run
              --schema ${PROJECT_SOURCE_DIR}/docs/vitprof.schema.json
              --src ${PROJECT_SOURCE_DIR}/tests/programs)
    set_tests_properties(flags.clang_hooks.${hooks} PROPERTIES TIMEOUT 120
      LABELS "flags;e2e" SKIP_RETURN_CODE 77)
  endforeach()
elseif(NOT VITPROF_CLANG)
  message(STATUS "clang not found: the flags.clang_hooks tests are not registered")
endif()
