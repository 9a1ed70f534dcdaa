# SPDX-License-Identifier: MIT
# vitprof_instrument(<target> [STATIC] [CALLS_ONLY | ARCS_ONLY | PGO])
#
# Instruments every C/C++ source of <target> with -finstrument-functions
# (call counts; -g so the profile can name files and lines) and
# -fprofile-arcs -ftest-coverage -fdata-sections (gcov arc counters), and
# links vitprof's runtime: the shared one by default, the static one with
# STATIC (exporting the hooks and libgcov's entry points so dlopen()ed
# instrumented libraries find them). The link also gets the linker-script
# fragment vitprof_arcs.ld, which puts the counters in one page-aligned
# section that the runtime maps into the raw profile (in place). The link
# line has no -fprofile-arcs or -fprofile-generate: the runtime replaces
# libgcov, which must not be linked in.
#
# With the shared runtime, vitprof::vitprof_gcov comes first: libgcov's
# per-object state (time profiler clock, indirect-call pair) with hidden
# symbols, so each executable and shared library has its own, as with
# libgcov.a; --undefined pulls it in even when instrumented static
# libraries come after it on the link line. The static runtime holds that
# state itself (linking both would define it twice).
#
# Flavours, as `vitprof flags` prints them:
#   (default) hooks and arc counters.
#   CALLS_ONLY -g and the hooks, no arc counters: exact call counts, call
#             graph and times at the least cost (no counters, no .gcno;
#             `vitprof show --branches` and `vitprof gcda` have nothing
#             to read). Linked with the runtime alone: no
#             vitprof_gcov, no fragment (with STATIC, as the others).
#   ARCS_ONLY no -finstrument-functions (no call hooks; the arc counters
#             still give entry and call-site counts). The training flavour
#             for `vitprof gcda` and a plain `gcc -O2 -fprofile-use` build:
#             the hooks change GCC's flow graphs, so a hooked build's .gcda
#             only fits a -fprofile-use build with the hooks too
#             (docs/gcda.md).
#   PGO       -g -fprofile-generate -ftest-coverage -fdata-sections: the
#             training build of GCC's own PGO (arcs and value profiles).
# The compiler is told apart per source language by its id: for clang the
# default flavour's hooks flag is -finstrument-functions-after-inlining
# (hooks inserted after inlining, so they do not change what is inlined;
# clang's arc counters call llvm_gcda_*, which the runtime serves too), and
# ARCS_ONLY and PGO, GCC's, are refused.
#
# The libraries are appended to the target's LINK_LIBRARIES property (and,
# for a static library, to INTERFACE_LINK_LIBRARIES as $<LINK_ONLY:...>),
# which is what target_link_libraries(PRIVATE) does, without calling it:
# CMake refuses to mix its plain signature, `target_link_libraries(app m)`,
# and its keyword one on one target, so either call would break projects
# that use the other, before or after vitprof_instrument() (test
# install.signatures).
#
# VITPROF_ARCS_LDSCRIPT names the fragment; the package config sets it to
# the installed one, a build tree finds it in rt/.
if(NOT VITPROF_ARCS_LDSCRIPT)
  set(VITPROF_ARCS_LDSCRIPT "${CMAKE_CURRENT_LIST_DIR}/../rt/vitprof_arcs.ld")
  get_filename_component(VITPROF_ARCS_LDSCRIPT "${VITPROF_ARCS_LDSCRIPT}" ABSOLUTE)
endif()
set(VITPROF_ARCS_LDSCRIPT "${VITPROF_ARCS_LDSCRIPT}" CACHE INTERNAL
  "vitprof's linker-script fragment for in-place gcov counters")

# Every __gcov_* entry point of rt/vitprof_rt.map; with the hooks, what the
# static runtime exports (the same list as tools/cmd_flags.c, test
# flags.cli compares the three).
set(VITPROF_GCOV_EXPORTS __gcov_init __gcov_exit __gcov_merge_add __gcov_dump
    __gcov_reset __gcov_fork __gcov_execl __gcov_execlp __gcov_execle __gcov_execv
    __gcov_execvp __gcov_execve
    __gcov_merge_topn __gcov_merge_ior __gcov_merge_time_profile
    __gcov_interval_profiler __gcov_interval_profiler_atomic
    __gcov_pow2_profiler __gcov_pow2_profiler_atomic
    __gcov_topn_values_profiler __gcov_topn_values_profiler_atomic
    __gcov_indirect_call_profiler_v4 __gcov_indirect_call_profiler_v4_atomic
    __gcov_average_profiler __gcov_average_profiler_atomic
    __gcov_ior_profiler __gcov_ior_profiler_atomic
    __gcov_indirect_call __gcov_time_profiler_counter)
set(VITPROF_STATIC_EXPORTS __cyg_profile_func_enter __cyg_profile_func_exit
    ${VITPROF_GCOV_EXPORTS})

# Links <target> with the libraries, as target_link_libraries(PRIVATE)
# would, with whichever signature the project uses (see above).
function(_vitprof_link_private target)
  set_property(TARGET ${target} APPEND PROPERTY LINK_LIBRARIES ${ARGN})
  get_target_property(type ${target} TYPE)
  if(type STREQUAL "STATIC_LIBRARY")
    foreach(lib IN LISTS ARGN)
      set_property(TARGET ${target} APPEND PROPERTY INTERFACE_LINK_LIBRARIES
        "$<LINK_ONLY:${lib}>")
    endforeach()
  endif()
endfunction()

function(vitprof_instrument target)
  cmake_parse_arguments(A "STATIC;CALLS_ONLY;ARCS_ONLY;PGO" "" "" ${ARGN})
  if(A_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR "vitprof_instrument(${target}): unknown arguments ${A_UNPARSED_ARGUMENTS}")
  endif()
  set(n_flavours 0)
  foreach(f CALLS_ONLY ARCS_ONLY PGO)
    if(A_${f})
      math(EXPR n_flavours "${n_flavours} + 1")
    endif()
  endforeach()
  if(n_flavours GREATER 1)
    message(FATAL_ERROR "vitprof_instrument(${target}): one of CALLS_ONLY, ARCS_ONLY or PGO")
  endif()
  if(A_ARCS_ONLY OR A_PGO)
    get_property(langs GLOBAL PROPERTY ENABLED_LANGUAGES)
    foreach(lang C CXX)
      if(lang IN_LIST langs AND CMAKE_${lang}_COMPILER_ID MATCHES "Clang")
        message(FATAL_ERROR "vitprof_instrument(${target}): ARCS_ONLY and PGO are GCC's"
          " (libgcov's counters); the ${lang} compiler is ${CMAKE_${lang}_COMPILER_ID}")
      endif()
    endforeach()
  endif()

  set(clang "$<OR:$<COMPILE_LANG_AND_ID:C,Clang,AppleClang>,$<COMPILE_LANG_AND_ID:CXX,Clang,AppleClang>>")
  if(A_PGO)
    target_compile_options(${target} PRIVATE -g
      -fprofile-generate -ftest-coverage -fdata-sections)
  elseif(A_ARCS_ONLY)
    target_compile_options(${target} PRIVATE -g
      -fprofile-arcs -ftest-coverage -fdata-sections)
  elseif(A_CALLS_ONLY)
    target_compile_options(${target} PRIVATE -g
      "$<IF:${clang},-finstrument-functions-after-inlining,-finstrument-functions>")
  else()
    target_compile_options(${target} PRIVATE -g
      "$<IF:${clang},-finstrument-functions-after-inlining,-finstrument-functions>"
      -fprofile-arcs -ftest-coverage -fdata-sections)
  endif()
  if(NOT A_CALLS_ONLY)
    target_link_options(${target} PRIVATE "LINKER:-T,${VITPROF_ARCS_LDSCRIPT}")
    set_property(TARGET ${target} APPEND PROPERTY LINK_DEPENDS "${VITPROF_ARCS_LDSCRIPT}")
  endif()
  if(A_STATIC)
    # --undefined: each exported entry point is in the executable even when
    # its objects do not use it (a dlopen()ed library may).
    _vitprof_link_private(${target} vitprof::vitprof_rt_static)
    set(undefined ${VITPROF_STATIC_EXPORTS})
    set(exports ${VITPROF_STATIC_EXPORTS})
    list(TRANSFORM undefined PREPEND "LINKER:--undefined=")
    list(TRANSFORM exports PREPEND "LINKER:--export-dynamic-symbol=")
    target_link_options(${target} PRIVATE ${undefined} ${exports})
  elseif(A_CALLS_ONLY)
    # No counters: neither the per-object gcov state nor the fragment.
    _vitprof_link_private(${target} vitprof::vitprof_rt)
  else()
    target_link_options(${target} PRIVATE "LINKER:--undefined=__gcov_time_profiler_counter")
    _vitprof_link_private(${target} vitprof::vitprof_gcov vitprof::vitprof_rt)
  endif()
endfunction()
