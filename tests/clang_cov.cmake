# SPDX-License-Identifier: MIT
# clang --coverage on vitprof's runtime (rt/rt_llvm_gcov.c) against
# compiler-rt's profile runtime: tests/clang_cov/check_clang_cov.py builds
# the two-unit sample with each clang found (clang = 14 on Debian 12;
# clang-15 and clang-16 when installed, with their llvm-cov and
# compiler-rt), links the same objects with either runtime, and compares
# the .gcda bytes (`cmp`) and every line and branch count with `llvm-cov
# gcov -b -c`; clang_cov.*.kill checks a SIGKILLed copy-mode run, .killinplace one
# mapped in place.
#   ctest -R clang_cov --output-on-failure
find_package(Python3 COMPONENTS Interpreter)
if(NOT Python3_Interpreter_FOUND OR NOT TARGET vitprof_rt)
  message(WARNING "python3 and vitprof_rt are needed by the clang_cov tests")
  return()
endif()
if(VITPROF_SANITIZE)
  # A sanitized libvitprof_rt.so needs its sanitizer runtime loaded first,
  # which clang's link of the sample does not arrange.
  message(STATUS "clang_cov tests skipped in a sanitized build")
  return()
endif()

set(CLANGCOV_SRC ${CMAKE_CURRENT_SOURCE_DIR}/clang_cov)
set(CLANGCOV_WORK ${CMAKE_CURRENT_BINARY_DIR}/clang_cov-work)
file(WRITE ${CMAKE_CURRENT_BINARY_DIR}/clang_cov-probe.c "int main(void) { return 0; }\n")

# <name> <clang> <llvm-cov>: a version is tested when both programs exist
# and `clang --coverage` links (its compiler-rt is installed).
foreach(spec "14;clang;llvm-cov" "15;clang-15;llvm-cov-15" "16;clang-16;llvm-cov-16")
  list(GET spec 0 ver)
  list(GET spec 1 cc_name)
  list(GET spec 2 cov_name)
  find_program(CLANGCOV_CC_${ver} ${cc_name})
  find_program(CLANGCOV_COV_${ver} ${cov_name})
  if(NOT CLANGCOV_CC_${ver} OR NOT CLANGCOV_COV_${ver})
    continue()
  endif()
  execute_process(COMMAND ${CLANGCOV_CC_${ver}} --coverage
                          ${CMAKE_CURRENT_BINARY_DIR}/clang_cov-probe.c
                          -o ${CMAKE_CURRENT_BINARY_DIR}/clang_cov-probe
                  WORKING_DIRECTORY ${CMAKE_CURRENT_BINARY_DIR}
                  RESULT_VARIABLE rc OUTPUT_QUIET ERROR_QUIET)
  if(NOT rc EQUAL 0)
    message(STATUS "clang_cov: ${cc_name} --coverage does not link, not tested")
    continue()
  endif()
  foreach(t "gcda;O0" "gcda;O2" "kill;O2" "killinplace;O2")
    list(GET t 0 case)
    list(GET t 1 opt)
    if(case MATCHES "^kill")
      set(name clang_cov.${ver}.${case})
    else()
      set(name clang_cov.${ver}.${case}.${opt})
    endif()
    add_test(NAME ${name}
      COMMAND ${Python3_EXECUTABLE} -B ${CLANGCOV_SRC}/check_clang_cov.py ${case} ${opt}
              --clang ${CLANGCOV_CC_${ver}} --llvm-cov ${CLANGCOV_COV_${ver}}
              --vitprof $<TARGET_FILE:vitprof> --rt-dir $<TARGET_FILE_DIR:vitprof_rt>
              --src ${CLANGCOV_SRC} --work ${CLANGCOV_WORK}/${name})
    set_tests_properties(${name} PROPERTIES TIMEOUT 120 LABELS "e2e;cov")
  endforeach()
endforeach()
