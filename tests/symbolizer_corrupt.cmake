# SPDX-License-Identifier: MIT
# symbolizer.corrupt_elf: `vitprof show` on a real profile whose recorded
# program file now holds a truncated, corrupt, foreign or missing ELF
# object (tests/symbolizer_corrupt/check_corrupt_elf.py lists the variants
# and what each may do: a one-line error naming the file, or a warning and
# names from the symbol table with the right counts; never a crash, a hang
# or wrong output). The fuzzing side of the same question is fuzz.symbolizer
# (tests/fuzz.cmake). Runs in the sanitized pass too: vitprof then carries
# ASan + UBSan and the checker fails on any report.
#   ctest -R symbolizer.corrupt_elf --output-on-failure
find_package(Python3 COMPONENTS Interpreter)
if(NOT Python3_Interpreter_FOUND OR NOT TARGET vitprof OR NOT TARGET vitprof_rt)
  message(WARNING "python3, vitprof and vitprof_rt are needed by symbolizer.corrupt_elf")
  return()
endif()

# tests/programs/recursion.c: its calls are known by construction.
add_executable(symbolizer_corrupt_prog ${CMAKE_CURRENT_SOURCE_DIR}/programs/recursion.c)
target_compile_options(symbolizer_corrupt_prog PRIVATE -g -O0 -finstrument-functions)
target_link_options(symbolizer_corrupt_prog PRIVATE -Wl,--build-id)
target_link_libraries(symbolizer_corrupt_prog PRIVATE vitprof_rt)
set_target_properties(symbolizer_corrupt_prog PROPERTIES
  RUNTIME_OUTPUT_DIRECTORY ${CMAKE_CURRENT_BINARY_DIR}/symbolizer-corrupt-bin)

add_test(NAME symbolizer.corrupt_elf
  COMMAND ${Python3_EXECUTABLE} -B
          ${CMAKE_CURRENT_SOURCE_DIR}/symbolizer_corrupt/check_corrupt_elf.py
          --prog $<TARGET_FILE:symbolizer_corrupt_prog>
          --vitprof $<TARGET_FILE:vitprof>
          --other $<TARGET_FILE:vitprof>
          --scratch ${CMAKE_CURRENT_BINARY_DIR}/symbolizer-corrupt)
set_tests_properties(symbolizer.corrupt_elf PROPERTIES TIMEOUT 300
  LABELS symbolizer SKIP_RETURN_CODE 77)
