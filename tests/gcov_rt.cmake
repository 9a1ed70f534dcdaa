# SPDX-License-Identifier: MIT
# The runtime as a libgcov replacement (rt/rt_gcov.c), against libgcov itself.
# Each program's sources are compiled once (an OBJECT library, the flags
# `vitprof flags --compile` prints) and the same objects are linked three
# ways: *_gcov with libgcov (gcc -fprofile-arcs at link: the ground truth,
# .gcda files), *_vp with vitprof's runtime and linker-script fragment
# (vitprof_instrument: counters in place) and *_copy with the runtime but
# no fragment (counters copied). tests/gcov_rt/check_gcov_rt.py runs them
# and compares every arc counter, read by its own readers (vpgcov.py).
#   ctest -R gcov_rt --output-on-failure
find_package(Python3 COMPONENTS Interpreter)
if(NOT Python3_Interpreter_FOUND OR NOT TARGET vitprof_rt)
  message(WARNING "python3 and vitprof_rt are needed by the gcov_rt tests")
  return()
endif()

set(GCOVRT_SRC ${CMAKE_CURRENT_SOURCE_DIR}/gcov_rt)
set(GCOVRT_BIN ${CMAKE_CURRENT_BINARY_DIR}/gcov_rt-bin)
set(GCOVRT_FLAGS -g -O2 -finstrument-functions -fprofile-arcs -ftest-coverage -fdata-sections)

# Not instrumented: the tests' switches (die, dump, plain fork).
add_library(gcovrt_helpers OBJECT ${GCOVRT_SRC}/helpers.c)

# gcovrt_objects(<name> <sources>... [OPTIONS ...] [PIC])
function(gcovrt_objects name)
  cmake_parse_arguments(A "PIC" "" "OPTIONS" ${ARGN})
  list(TRANSFORM A_UNPARSED_ARGUMENTS PREPEND ${GCOVRT_SRC}/)
  add_library(gcovrt_${name}_obj OBJECT ${A_UNPARSED_ARGUMENTS})
  target_compile_options(gcovrt_${name}_obj PRIVATE ${GCOVRT_FLAGS} ${A_OPTIONS})
  if(A_PIC)
    set_target_properties(gcovrt_${name}_obj PROPERTIES POSITION_INDEPENDENT_CODE ON)
  endif()
endfunction()

# gcovrt_link(<name> <EXECUTABLE|SHARED> [COPY] [LIBS_GCOV ...] [LIBS_VP ...] [LIBS ...])
# Links gcovrt_<name>_obj (+ helpers for executables) as <name>_gcov,
# <name>_vp and, with COPY, <name>_copy.
function(gcovrt_link name kind)
  cmake_parse_arguments(A "COPY" "" "LIBS_GCOV;LIBS_VP;LIBS" ${ARGN})
  set(objs $<TARGET_OBJECTS:gcovrt_${name}_obj>)
  set(variants gcov vp)
  if(A_COPY)
    list(APPEND variants copy)
  endif()
  foreach(v IN LISTS variants)
    if(kind STREQUAL "SHARED")
      set(t gcovrt_${name}_${v})
      add_library(${t} SHARED ${objs})
      set_target_properties(${t} PROPERTIES LIBRARY_OUTPUT_DIRECTORY ${GCOVRT_BIN}
        OUTPUT_NAME gcovrt_${name}_${v})
    else()
      set(t gcovrt_${name}_${v})
      add_executable(${t} ${objs} $<TARGET_OBJECTS:gcovrt_helpers>)
      set_target_properties(${t} PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${GCOVRT_BIN})
    endif()
    if(v STREQUAL "gcov")
      target_link_options(${t} PRIVATE -fprofile-arcs)
      target_link_libraries(${t} PRIVATE ${A_LIBS_GCOV} ${A_LIBS})
    elseif(v STREQUAL "vp")
      vitprof_instrument(${t})
      target_link_libraries(${t} PRIVATE ${A_LIBS_VP} ${A_LIBS})
    else()
      target_link_libraries(${t} PRIVATE vitprof_rt ${A_LIBS})
      target_link_options(${t} PRIVATE -Wl,--build-id)
    endif()
  endforeach()
endfunction()

gcovrt_objects(branchy branchy.c)
gcovrt_link(branchy EXECUTABLE COPY)
gcovrt_objects(forker forker.c)
gcovrt_link(forker EXECUTABLE COPY)
gcovrt_objects(execer execer.c)
gcovrt_link(execer EXECUTABLE COPY)
gcovrt_objects(threads threads.c OPTIONS -fprofile-update=atomic -pthread)
gcovrt_link(threads EXECUTABLE LIBS Threads::Threads)
gcovrt_objects(a liba.c PIC)
gcovrt_link(a SHARED)
gcovrt_objects(b libb.c PIC)
gcovrt_link(b SHARED)
gcovrt_objects(dl libdl.c PIC)
gcovrt_link(dl SHARED)
gcovrt_objects(libs libs_main.c)
gcovrt_link(libs EXECUTABLE
  LIBS_GCOV gcovrt_a_gcov gcovrt_b_gcov LIBS_VP gcovrt_a_vp gcovrt_b_vp LIBS ${CMAKE_DL_LIBS})
add_dependencies(gcovrt_libs_gcov gcovrt_dl_gcov)
add_dependencies(gcovrt_libs_vp gcovrt_dl_vp)
# Not compiled with -fprofile-arcs: it calls __gcov_init by hand.
add_executable(gcovrt_badver ${GCOVRT_SRC}/badver.c)
target_link_libraries(gcovrt_badver PRIVATE vitprof_rt)
# Hand-made gcov_info of GCC 11, 13 and 14 (no such compiler here).
add_executable(gcovrt_layouts ${GCOVRT_SRC}/layouts.c)
target_link_libraries(gcovrt_layouts PRIVATE vitprof_rt)
set_target_properties(gcovrt_badver gcovrt_layouts PROPERTIES
  RUNTIME_OUTPUT_DIRECTORY ${GCOVRT_BIN})

set(gcovrt_extra)
if(VITPROF_SANITIZE)
  set(gcovrt_extra --sanitized)
endif()
foreach(c branchy dumpreset sigkill setfile fork exec threads libs reload layouts badver
         oneshot)
  add_test(NAME gcov_rt.${c}
    COMMAND ${Python3_EXECUTABLE} -B ${GCOVRT_SRC}/check_gcov_rt.py ${c}
            --bin ${GCOVRT_BIN} --scratch ${CMAKE_CURRENT_BINARY_DIR}/gcov_rt-scratch/${c}
            --vitprof $<TARGET_FILE:vitprof> --cc ${CMAKE_C_COMPILER} ${gcovrt_extra})
  set_tests_properties(gcov_rt.${c} PROPERTIES TIMEOUT 180 LABELS e2e)
endforeach()
