# SPDX-License-Identifier: MIT
# Finds libdwarf (Debian: libdwarf-dev) and defines the IMPORTED target
# LibDwarf::LibDwarf. Sets LibDwarf_FOUND, LibDwarf_INCLUDE_DIR, LibDwarf_LIBRARY.
find_package(PkgConfig QUIET)
if(PkgConfig_FOUND)
  pkg_check_modules(PC_LIBDWARF QUIET libdwarf)
endif()
find_path(LibDwarf_INCLUDE_DIR NAMES libdwarf.h
  HINTS ${PC_LIBDWARF_INCLUDE_DIRS} PATH_SUFFIXES libdwarf libdwarf-0)
find_library(LibDwarf_LIBRARY NAMES dwarf HINTS ${PC_LIBDWARF_LIBRARY_DIRS})
include(FindPackageHandleStandardArgs)
find_package_handle_standard_args(LibDwarf
  REQUIRED_VARS LibDwarf_LIBRARY LibDwarf_INCLUDE_DIR)
if(LibDwarf_FOUND AND NOT TARGET LibDwarf::LibDwarf)
  add_library(LibDwarf::LibDwarf UNKNOWN IMPORTED)
  set_target_properties(LibDwarf::LibDwarf PROPERTIES
    IMPORTED_LOCATION "${LibDwarf_LIBRARY}"
    INTERFACE_INCLUDE_DIRECTORIES "${LibDwarf_INCLUDE_DIR}")
  if(PC_LIBDWARF_LIBRARIES)
    # libdwarf's own dependencies (libelf, zlib) when it says so.
    list(REMOVE_ITEM PC_LIBDWARF_LIBRARIES dwarf)
    set_property(TARGET LibDwarf::LibDwarf PROPERTY
      INTERFACE_LINK_LIBRARIES "${PC_LIBDWARF_LIBRARIES}")
  endif()
endif()
mark_as_advanced(LibDwarf_INCLUDE_DIR LibDwarf_LIBRARY)
