# SPDX-License-Identifier: MIT
# Every module header of the tool (tools/<layer>/*.h, tools/tool_internal.h)
# compiles alone: one translation unit per header includes it, twice (the
# include guard), and nothing else. Built with the rest, so a header that
# relies on what its includer happened to include first breaks the build.
file(GLOB tool_headers CONFIGURE_DEPENDS RELATIVE ${PROJECT_SOURCE_DIR}/tools
     ${PROJECT_SOURCE_DIR}/tools/*.h ${PROJECT_SOURCE_DIR}/tools/*/*.h)
set(tool_header_units "")
foreach(h IN LISTS tool_headers)
  string(MAKE_C_IDENTIFIER "${h}" id)
  set(unit ${CMAKE_CURRENT_BINARY_DIR}/tool_headers/${id}.c)
  file(CONFIGURE OUTPUT ${unit} CONTENT "#include \"${h}\"\n#include \"${h}\"\n")
  list(APPEND tool_header_units ${unit})
endforeach()
add_library(tool_headers_alone OBJECT ${tool_header_units})
target_link_libraries(tool_headers_alone PRIVATE vitprof_tool)
target_compile_options(tool_headers_alone PRIVATE -Wall -Wextra -Werror)
