# SPDX-License-Identifier: MIT
# vitprof_instrument(<target> [STATIC])
#
# Instruments every C/C++ source of <target> with -finstrument-functions (and
# -g, so the profile can name files and lines) and links vitprof's runtime:
# the shared one by default, the static one with STATIC (exporting the hooks
# so dlopen()ed instrumented libraries find them).
function(vitprof_instrument target)
  cmake_parse_arguments(A "STATIC" "" "" ${ARGN})
  target_compile_options(${target} PRIVATE -g -finstrument-functions)
  if(A_STATIC)
    target_link_libraries(${target} PRIVATE vitprof::vitprof_rt_static)
    target_link_options(${target} PRIVATE
      -Wl,--export-dynamic-symbol=__cyg_profile_func_enter
      -Wl,--export-dynamic-symbol=__cyg_profile_func_exit)
  else()
    target_link_libraries(${target} PRIVATE vitprof::vitprof_rt)
  endif()
endfunction()
