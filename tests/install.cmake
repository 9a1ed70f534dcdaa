# SPDX-License-Identifier: MIT
# Install layout and the three ways to build against an installed vitprof.
add_test(NAME install.consumers
  COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/install/install_test.sh
          ${PROJECT_BINARY_DIR} ${PROJECT_SOURCE_DIR}
          ${CMAKE_CURRENT_BINARY_DIR}/install-scratch)
set_tests_properties(install.consumers PROPERTIES TIMEOUT 300 LABELS e2e)
if(VITPROF_SANITIZE)
  # The installed runtime would be ASan-built and the consumer programs are
  # not: packaging is checked by the normal build.
  set_tests_properties(install.consumers PROPERTIES DISABLED TRUE)
endif()

# vitprof_instrument() with the plain and the keyword signature of
# target_link_libraries, and the CALLS_ONLY flavour (tests/install/signatures.sh).
add_test(NAME install.signatures
  COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/install/signatures.sh
          ${PROJECT_BINARY_DIR} ${PROJECT_SOURCE_DIR}
          ${CMAKE_CURRENT_BINARY_DIR}/install-signatures)
set_tests_properties(install.signatures PROPERTIES TIMEOUT 180 LABELS e2e)
if(VITPROF_SANITIZE)
  set_tests_properties(install.signatures PROPERTIES DISABLED TRUE)
endif()
