# SPDX-License-Identifier: MIT
# Runtime fixes of issue 12 (tests/rt_fixes/): dead frames after a longjmp
# whatever the prologues (-O0, -O2, with and without frame pointers), the
# settings of a program whose first call runs from .preinit_array, the
# thread count with TSD destructors running instrumented code, and the one
# line of a misspelled VITPROF_MODE. check_rt_fixes.py has the truth of
# each program. Label: e2e.
#   ctest -R rt_fixes --output-on-failure
find_package(Python3 COMPONENTS Interpreter)
if(NOT Python3_Interpreter_FOUND OR NOT TARGET vitprof OR NOT TARGET vitprof_rt)
  message(WARNING "python3, vitprof and vitprof_rt are needed by the rt_fixes tests")
  return()
endif()
find_package(Threads REQUIRED)
set(RTF_SRC ${CMAKE_CURRENT_SOURCE_DIR}/rt_fixes)
set(rtf_extra)
if(VITPROF_SANITIZE)
  set(rtf_extra --sanitized)
endif()

# rtf_program(<name> <source> <compile options>...)
function(rtf_program name src)
  add_executable(rtf_${name} ${RTF_SRC}/${src})
  target_compile_options(rtf_${name} PRIVATE -g -finstrument-functions ${ARGN})
  target_link_libraries(rtf_${name} PRIVATE vitprof_rt Threads::Threads)
  set_target_properties(rtf_${name} PROPERTIES RUNTIME_OUTPUT_DIRECTORY
    ${CMAKE_CURRENT_BINARY_DIR}/rt_fixes-bin)
endfunction()

# rtf_test(<test name> <case> <program>)
function(rtf_test name case prog)
  add_test(NAME rt_fixes.${name}
    COMMAND ${Python3_EXECUTABLE} -B ${RTF_SRC}/check_rt_fixes.py ${case}
            --prog $<TARGET_FILE:rtf_${prog}> --vitprof $<TARGET_FILE:vitprof>
            --scratch ${CMAKE_CURRENT_BINARY_DIR}/rt_fixes-scratch/${name} ${rtf_extra})
  set_tests_properties(rt_fixes.${name} PROPERTIES TIMEOUT 120 LABELS e2e)
endfunction()

# The sanitizer flags keep the frame pointer: the -fomit-frame-pointer
# flavours come after them on the command line.
rtf_program(lj_O0 ljprologue.c -O0)
rtf_program(lj_O0_nofp ljprologue.c -O0 -fomit-frame-pointer)
rtf_program(lj_O2 ljprologue.c -O2 -fno-inline -fomit-frame-pointer)
rtf_program(lj_O2_fp ljprologue.c -O2 -fno-inline -fno-omit-frame-pointer)
foreach(f O0 O0_nofp O2 O2_fp)
  rtf_test(longjmp_prologue.${f} longjmp_prologue lj_${f})
endforeach()
rtf_program(preinit preinit.c -O0)
rtf_test(preinit preinit preinit)
rtf_test(bad_mode bad_mode preinit)
rtf_program(tsd_threads tsd_threads.c -O0)
rtf_test(tsd_threads tsd_threads tsd_threads)
