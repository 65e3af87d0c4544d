# Cross-compiling for 64-bit Windows with mingw-w64 (Debian:
# gcc-mingw-w64-x86-64, libz-mingw-w64-dev), the tests run under wine
# (Debian: wine64):
#   cmake -B build-mingw \
#     -DCMAKE_TOOLCHAIN_FILE=cmake/toolchains/mingw-w64-x86_64.cmake
set(CMAKE_SYSTEM_NAME Windows)
set(CMAKE_SYSTEM_PROCESSOR x86_64)
set(FMNIST_MINGW_TRIPLE x86_64-w64-mingw32)

# the win32 thread model: the library's threads are Windows' own
find_program(CMAKE_C_COMPILER NAMES ${FMNIST_MINGW_TRIPLE}-gcc-win32
                                    ${FMNIST_MINGW_TRIPLE}-gcc REQUIRED)
find_program(CMAKE_RC_COMPILER NAMES ${FMNIST_MINGW_TRIPLE}-windres)

# the system's mingw-w64 libraries (zlib), after any root given with
# -DCMAKE_FIND_ROOT_PATH=DIR (cmocka and libpng built for Windows there)
list(APPEND CMAKE_FIND_ROOT_PATH /usr/${FMNIST_MINGW_TRIPLE})
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)

# the tests run under wine where it is installed
find_program(FMNIST_WINE NAMES wine64 wine PATHS /usr/lib/wine)
if(FMNIST_WINE)
  set(CMAKE_CROSSCOMPILING_EMULATOR ${FMNIST_WINE})
endif()
