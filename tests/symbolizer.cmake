# SPDX-License-Identifier: MIT
# Symbolizer unit tests. They read objects built here from symbolizer_data/
# with fixed flags (not the project's: no sanitizers, known optimization):
# a non-PIE -O0 program, a -O2 PIE, a -gdwarf-4 build, a shared library, a
# C++ program, and copies without DWARF (--strip-debug) and without .symtab
# (--strip-all, .dynsym only). Ground truth comes from binutils (nm,
# addr2line, readelf) run by the test on the same objects.
set(symtest_src ${CMAKE_CURRENT_LIST_DIR}/symbolizer_data)
set(symtest_obj ${CMAKE_CURRENT_BINARY_DIR}/symbolizer-objs)
set(symtest_scratch ${CMAKE_CURRENT_BINARY_DIR}/symbolizer-unit)
file(MAKE_DIRECTORY ${symtest_obj} ${symtest_scratch})

# C++ only for the one C++ object: the project itself stays C.
if(CMAKE_CXX_COMPILER)
  set(symtest_cxx ${CMAKE_CXX_COMPILER})
else()
  find_program(symtest_cxx NAMES c++ g++)
endif()
foreach(tool ADDR2LINE NM OBJCOPY READELF)
  if(NOT CMAKE_${tool})
    string(TOLOWER ${tool} t)
    find_program(CMAKE_${tool} ${t} REQUIRED)
  endif()
endforeach()

set(symtest_prog_src ${symtest_src}/prog_main.c ${symtest_src}/prog_util.c)
set(symtest_prog_deps ${symtest_prog_src} ${symtest_src}/prog.h
    ${symtest_src}/inline_helpers.h)
set(symtest_cc ${CMAKE_C_COMPILER} -Wl,--build-id)

add_custom_command(OUTPUT ${symtest_obj}/prog_O0
  COMMAND ${symtest_cc} -g -O0 -fno-pie -no-pie -o ${symtest_obj}/prog_O0 ${symtest_prog_src}
  DEPENDS ${symtest_prog_deps} VERBATIM)
add_custom_command(OUTPUT ${symtest_obj}/prog_O2_pie
  COMMAND ${symtest_cc} -g -O2 -fPIE -pie -o ${symtest_obj}/prog_O2_pie ${symtest_prog_src}
  DEPENDS ${symtest_prog_deps} VERBATIM)
add_custom_command(OUTPUT ${symtest_obj}/prog_dwarf4
  COMMAND ${symtest_cc} -gdwarf-4 -O2 -fno-pie -no-pie -o ${symtest_obj}/prog_dwarf4 ${symtest_prog_src}
  DEPENDS ${symtest_prog_deps} VERBATIM)
add_custom_command(OUTPUT ${symtest_obj}/libshlib.so
  COMMAND ${symtest_cc} -g -O2 -fPIC -shared -o ${symtest_obj}/libshlib.so ${symtest_src}/shlib.c
  DEPENDS ${symtest_src}/shlib.c ${symtest_src}/inline_helpers.h VERBATIM)
add_custom_command(OUTPUT ${symtest_obj}/prog_nodebug
  COMMAND ${CMAKE_OBJCOPY} --strip-debug ${symtest_obj}/prog_O2_pie ${symtest_obj}/prog_nodebug
  DEPENDS ${symtest_obj}/prog_O2_pie VERBATIM)
add_custom_command(OUTPUT ${symtest_obj}/libshlib_dynsym.so
  COMMAND ${CMAKE_OBJCOPY} --strip-all ${symtest_obj}/libshlib.so ${symtest_obj}/libshlib_dynsym.so
  DEPENDS ${symtest_obj}/libshlib.so VERBATIM)
set(symtest_objects prog_O0 prog_O2_pie prog_dwarf4 libshlib.so prog_nodebug
    libshlib_dynsym.so)
set(symtest_have_cxx 0)
if(symtest_cxx)
  add_custom_command(OUTPUT ${symtest_obj}/cxx_prog
    COMMAND ${symtest_cxx} -Wl,--build-id -g -O2 -o ${symtest_obj}/cxx_prog ${symtest_src}/cxx_ns.cpp
    DEPENDS ${symtest_src}/cxx_ns.cpp VERBATIM)
  list(APPEND symtest_objects cxx_prog)
  set(symtest_have_cxx 1)
endif()
list(TRANSFORM symtest_objects PREPEND ${symtest_obj}/)
add_custom_target(symbolizer_test_objects DEPENDS ${symtest_objects})

vitprof_add_cunit_test(NAME test_symbolizer
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_symbolizer.c
  LIBRARIES vitprof_symbolizer)
add_dependencies(test_symbolizer symbolizer_test_objects)
target_compile_definitions(test_symbolizer PRIVATE
  SYMTEST_OBJ_DIR="${symtest_obj}"
  SYMTEST_SRC_DIR="${symtest_src}"
  SYMTEST_HAVE_CXX=${symtest_have_cxx}
  SYMTEST_ADDR2LINE="${CMAKE_ADDR2LINE}"
  SYMTEST_NM="${CMAKE_NM}"
  SYMTEST_READELF="${CMAKE_READELF}")
get_property(symtest_tests DIRECTORY PROPERTY TESTS)
foreach(t IN LISTS symtest_tests)
  if(t MATCHES "^test_symbolizer\\.")
    set_property(TEST ${t} APPEND PROPERTY ENVIRONMENT VP_TEST_DIR=${symtest_scratch})
  endif()
endforeach()
