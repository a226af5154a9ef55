# One list of compiler warnings for every target of the project (core, programs, UI, tests).
option(ODYNN_WERROR "Treat compiler warnings as errors" OFF)

set(ODYNN_WARNINGS -Wall -Wextra -Wpedantic)
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
  # GCC 12 reports false maybe-uninitialized (AVX-512 intrinsics used by Eigen) and restrict
  # (std::string concatenation, GCC bug 105329) warnings.
  list(APPEND ODYNN_WARNINGS -Wno-maybe-uninitialized -Wno-restrict)
endif()
if(ODYNN_WERROR)
  list(APPEND ODYNN_WARNINGS -Werror)
endif()
add_compile_options(${ODYNN_WARNINGS})
