# SPDX-License-Identifier: MIT
# vitprof_instrument(<target> [STATIC] [ARCS_ONLY])
#
# Instruments every C/C++ source of <target> with -finstrument-functions
# (call counts; -g so the profile can name files and lines) and
# -fprofile-arcs -ftest-coverage -fdata-sections (gcov arc counters), and
# links vitprof's runtime: the shared one by default, the static one with
# STATIC (exporting the hooks so dlopen()ed instrumented libraries find
# them). The link also gets the linker-script fragment vitprof_arcs.ld,
# which puts the arc counters in one page-aligned section that the runtime
# maps into the raw profile (in place). The link line has no -fprofile-arcs:
# the runtime replaces libgcov, which must not be linked in.
#
# ARCS_ONLY leaves out -finstrument-functions (no call hooks; the arc
# counters still give entry and call-site counts). It is the training
# flavour for `vitprof gcda` and a plain `gcc -O2 -fprofile-use` build: the
# hooks change GCC's flow graphs, so a hooked build's .gcda only fits a
# -fprofile-use build with the hooks too (docs/gcda.md).
#
# VITPROF_ARCS_LDSCRIPT names the fragment; the package config sets it to
# the installed one, a build tree finds it in rt/.
if(NOT VITPROF_ARCS_LDSCRIPT)
  set(VITPROF_ARCS_LDSCRIPT "${CMAKE_CURRENT_LIST_DIR}/../rt/vitprof_arcs.ld")
  get_filename_component(VITPROF_ARCS_LDSCRIPT "${VITPROF_ARCS_LDSCRIPT}" ABSOLUTE)
endif()
set(VITPROF_ARCS_LDSCRIPT "${VITPROF_ARCS_LDSCRIPT}" CACHE INTERNAL
  "vitprof's linker-script fragment for in-place gcov counters")

set(VITPROF_GCOV_EXPORTS __gcov_init __gcov_exit __gcov_merge_add __gcov_dump
    __gcov_reset __gcov_fork __gcov_execl __gcov_execlp __gcov_execle __gcov_execv
    __gcov_execvp __gcov_execve)

function(vitprof_instrument target)
  cmake_parse_arguments(A "STATIC;ARCS_ONLY" "" "" ${ARGN})
  if(A_ARCS_ONLY)
    target_compile_options(${target} PRIVATE -g
      -fprofile-arcs -ftest-coverage -fdata-sections)
  else()
    target_compile_options(${target} PRIVATE -g -finstrument-functions
      -fprofile-arcs -ftest-coverage -fdata-sections)
  endif()
  target_link_options(${target} PRIVATE "LINKER:-T,${VITPROF_ARCS_LDSCRIPT}")
  set_property(TARGET ${target} APPEND PROPERTY LINK_DEPENDS "${VITPROF_ARCS_LDSCRIPT}")
  if(A_STATIC)
    target_link_libraries(${target} PRIVATE vitprof::vitprof_rt_static)
    set(exports __cyg_profile_func_enter __cyg_profile_func_exit ${VITPROF_GCOV_EXPORTS})
    list(TRANSFORM exports PREPEND "LINKER:--export-dynamic-symbol=")
    target_link_options(${target} PRIVATE ${exports})
  else()
    target_link_libraries(${target} PRIVATE vitprof::vitprof_rt)
  endif()
endfunction()
