# SPDX-License-Identifier: MIT
# Function names of the functions DWARF says little about (issue 12, item
# 5): C++ lambdas and their static invokers, template instantiations,
# static functions, dynamic initializers of globals, a header's static
# inline function copied into two units, GCC nested functions. Each program
# is built -O0, -O2 and -O2 -fno-inline with -finstrument-functions and the
# shared runtime; tests/names/check_names.py compares the exported document
# with nm, addr2line and the sources' DEF: markers. Label: e2e.
find_package(Python3 COMPONENTS Interpreter)
if(NOT Python3_Interpreter_FOUND OR NOT TARGET vitprof OR NOT TARGET vitprof_rt)
  message(WARNING "python3, vitprof and vitprof_rt are needed by the names tests")
  return()
endif()
include(CheckLanguage)
check_language(CXX)

set(names_src ${CMAKE_CURRENT_SOURCE_DIR}/names)
set(names_bin ${CMAKE_CURRENT_BINARY_DIR}/names-bin)

# names_case(<lang c|cxx> <opt tag> <flags...>): one program, one test.
function(names_case lang tag)
  if(lang STREQUAL "cxx")
    set(srcs ${names_src}/names_main.cpp ${names_src}/names_b.cpp)
  else()
    set(srcs ${names_src}/names_nested.c)
  endif()
  set(target names_${lang}_${tag})
  add_executable(${target} ${srcs})
  target_compile_options(${target} PRIVATE -g ${ARGN} -finstrument-functions)
  target_link_libraries(${target} PRIVATE vitprof_rt)
  set_target_properties(${target} PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${names_bin})
  set(extra)
  if(VITPROF_SANITIZE)
    list(APPEND extra --sanitized)
  endif()
  if(tag STREQUAL "O2")
    list(APPEND extra --inlined)
  endif()
  add_test(NAME e2e.names.${lang}.${tag}
    COMMAND ${Python3_EXECUTABLE} -B ${names_src}/check_names.py
            --lang ${lang}
            --prog $<TARGET_FILE:${target}>
            --vitprof $<TARGET_FILE:vitprof>
            --scratch ${CMAKE_CURRENT_BINARY_DIR}/names-scratch/${lang}.${tag}
            --schema ${PROJECT_SOURCE_DIR}/docs/vitprof.schema.json
            --src ${names_src}
            ${extra})
  set_tests_properties(e2e.names.${lang}.${tag} PROPERTIES TIMEOUT 120
    LABELS e2e SKIP_RETURN_CODE 77)
endfunction()

foreach(lang c cxx)
  if(lang STREQUAL "cxx")
    if(NOT CMAKE_CXX_COMPILER)
      message(STATUS "no C++ compiler: the C++ names tests are not registered")
      continue()
    endif()
    enable_language(CXX)
  endif()
  names_case(${lang} O0 -O0)
  names_case(${lang} O2 -O2)
  names_case(${lang} O2_noinline -O2 -fno-inline)
endforeach()
