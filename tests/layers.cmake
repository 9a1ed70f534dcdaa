# SPDX-License-Identifier: MIT
# Layers without cycles (tests/layers/check_layers.py): for each library
# with a spec tests/layers/<name>.spec, its file-level call graph (from the
# object files' symbols) has no cycle and no file calls a layer above its
# own; every file built into the library is in the spec.
find_package(Python3 COMPONENTS Interpreter)
if(Python3_Interpreter_FOUND)
  foreach(pair rt:vitprof_rt symbolizer:vitprof_symbolizer tools:vitprof_tool)
    string(REPLACE ":" ";" parts "${pair}")
    list(GET parts 0 lib)
    list(GET parts 1 target)
    set(spec ${CMAKE_CURRENT_SOURCE_DIR}/layers/${lib}.spec)
    if(EXISTS ${spec} AND TARGET ${target})
      add_test(NAME layers.${lib}
        COMMAND ${Python3_EXECUTABLE} -B ${CMAKE_CURRENT_SOURCE_DIR}/layers/check_layers.py
                ${spec} $<TARGET_OBJECTS:${target}>
        COMMAND_EXPAND_LISTS)
    endif()
  endforeach()
endif()
