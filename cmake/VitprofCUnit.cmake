# SPDX-License-Identifier: MIT
# vitprof_add_cunit_test(NAME <exe> SOURCES <files...> [LIBRARIES <libs...>]
#                        [TIMEOUT <seconds>])
#
# Builds one CUnit test executable and registers every test it defines with
# VP_TEST(suite, name) (tests/vp_test.h) as its own ctest entry, named
# <exe>.<suite>.<name>, each run alone (`<exe> -t suite.name`) with a
# timeout, so `ctest -R` selects one test and a hang cannot stall the suite.
function(vitprof_add_cunit_test)
  cmake_parse_arguments(A "" "NAME;TIMEOUT" "SOURCES;LIBRARIES" ${ARGN})
  if(NOT A_TIMEOUT)
    set(A_TIMEOUT 60)
  endif()
  add_executable(${A_NAME} ${A_SOURCES} ${PROJECT_SOURCE_DIR}/tests/vp_test.c)
  target_include_directories(${A_NAME} PRIVATE ${PROJECT_SOURCE_DIR}/tests)
  target_link_libraries(${A_NAME} PRIVATE CUnit::CUnit ${A_LIBRARIES})
  foreach(src IN LISTS A_SOURCES)
    get_filename_component(abs ${src} ABSOLUTE)
    set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${abs})
    file(STRINGS ${abs} lines REGEX "^VP_TEST\\(")
    foreach(line IN LISTS lines)
      string(REGEX MATCH "^VP_TEST\\(([A-Za-z0-9_]+), *([A-Za-z0-9_]+)\\)" _ "${line}")
      set(t "${CMAKE_MATCH_1}.${CMAKE_MATCH_2}")
      add_test(NAME ${A_NAME}.${t} COMMAND ${A_NAME} -t ${t})
      set_tests_properties(${A_NAME}.${t} PROPERTIES TIMEOUT ${A_TIMEOUT}
        LABELS unit)
    endforeach()
  endforeach()
endfunction()
