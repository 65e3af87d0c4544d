#!/usr/bin/env bash
# run.sh BUILD_DIR SOURCE_DIR C_COMPILER: installs the build into a
# temporary prefix, moves it (the package must be relocatable), then builds
# and runs tests/consumer against it once with find_package(fmnist) and
# once with pkg-config.
set -eu
build=$1
src=$2
cc=$3
tmp=$(mktemp -d "${TMPDIR:-/tmp}/fmnist-consumer-XXXXXX")
trap 'rm -rf "$tmp"' EXIT
cmake --install "$build" --prefix "$tmp/staged" >/dev/null
mv "$tmp/staged" "$tmp/prefix"
prefix=$tmp/prefix
# the tool and its manual are installed with the library
[ -x "$prefix/bin/fmnist" ] || { echo "bin/fmnist not installed"; exit 1; }
[ -f "$prefix/share/man/man1/fmnist.1" ] || { echo "share/man/man1/fmnist.1 not installed"; exit 1; }
libdir=$(dirname "$(find "$prefix" -name 'fmnist.pc' -path '*pkgconfig*' | head -n 1)")/..

echo "== find_package(fmnist)"
cmake -S "$src/tests/consumer" -B "$tmp/cmake-build" -DCMAKE_PREFIX_PATH="$prefix" \
  -DCMAKE_C_COMPILER="$cc" >/dev/null
cmake --build "$tmp/cmake-build" >/dev/null
LD_LIBRARY_PATH="$libdir" "$tmp/cmake-build/consumer"

echo "== pkg-config fmnist"
export PKG_CONFIG_PATH="$libdir/pkgconfig"
pkg-config --exists fmnist
flags=$(pkg-config --cflags fmnist)
libs=$(pkg-config --libs fmnist)
# a static libfmnist needs its private dependencies too
if [ -z "$(find "$libdir" -maxdepth 1 -name 'libfmnist.so*' -print -quit)" ]; then
  libs=$(pkg-config --static --libs fmnist)
fi
case "$flags" in *"$prefix"*) ;; *) echo "pkg-config --cflags does not point into the moved prefix: $flags"; exit 1 ;; esac
# shellcheck disable=SC2086
"$cc" $flags "$src/tests/consumer/main.c" -o "$tmp/pc-consumer" $libs
LD_LIBRARY_PATH="$libdir" "$tmp/pc-consumer"
echo "== the README's example program"
sed -n '/<!-- example:begin -->/,/<!-- example:end -->/p' "$src/README.md" |
  sed -n '/^```c$/,/^```$/p' | grep -v '^```' >"$tmp/example.c"
[ -s "$tmp/example.c" ] || { echo "README.md has no example between its markers"; exit 1; }
# shellcheck disable=SC2086
"$cc" -std=c11 -Wall -Wextra -Werror $flags "$tmp/example.c" -o "$tmp/example" $libs
if [ -d /usr/share/datasets/fashion-mnist ]; then
  out=$(LD_LIBRARY_PATH="$libdir" "$tmp/example")
  echo "$out"
  [ "$out" = "60000 images of 28x28, pixel sum 3431114169, first label 9 (Ankle boot)" ] ||
    { echo "the README example printed something else"; exit 1; }
else
  echo "(not run: no /usr/share/datasets/fashion-mnist)"
fi
echo "consumer: built and ran with find_package and with pkg-config"
