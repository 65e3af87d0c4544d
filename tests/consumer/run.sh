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

echo "== the installed, moved fmnist runs (it finds its libfmnist itself)"
env -u LD_LIBRARY_PATH "$prefix/bin/fmnist" --version | grep -q "^fmnist " ||
  { echo "the installed fmnist does not run"; exit 1; }
if [ -n "${FMNIST_DATA:-}" ] || [ -d /usr/share/datasets/fashion-mnist ]; then
  env -u LD_LIBRARY_PATH "$prefix/bin/fmnist" info >/dev/null ||
    { echo "the installed fmnist info failed"; exit 1; }
fi

echo "== the package names its dependencies, never a path of this machine"
if grep -h "INTERFACE_LINK_LIBRARIES" "$libdir"/cmake/fmnist/fmnistTargets*.cmake | grep -q '[^-]/[a-z]'; then
  echo "the exported fmnist target carries a path:"
  grep -h "INTERFACE_LINK_LIBRARIES" "$libdir"/cmake/fmnist/fmnistTargets*.cmake
  exit 1
fi

echo "== find_package(fmnist)"
cmake -S "$src/tests/consumer" -B "$tmp/cmake-build" -DCMAKE_PREFIX_PATH="$prefix" \
  -DCMAKE_C_COMPILER="$cc" >/dev/null
cmake --build "$tmp/cmake-build" >/dev/null
LD_LIBRARY_PATH="$libdir" "$tmp/cmake-build/consumer"
# and with real data: a file, then a folder's two splits in one call
for d in "${FMNIST_DATA:-}" /usr/share/datasets/fashion-mnist; do
  [ -n "$d" ] && [ -f "$d/t10k-labels-idx1-ubyte.gz" ] || continue
  LD_LIBRARY_PATH="$libdir" "$tmp/cmake-build/consumer" "$d/t10k-labels-idx1-ubyte.gz" "$d" |
    tee "$tmp/both" | grep -q ": 60000 train, 10000 test$" ||
    { echo "the consumer's fmn_dataset_load of $d: $(cat "$tmp/both")"; exit 1; }
  break
done

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

# README blocks between <!-- NAME:begin --> and <!-- NAME:end -->, fences cut
readme_block() {
  sed -n "/<!-- $1:begin -->/,/<!-- $1:end -->/p" "$src/README.md" | sed '/^<!--/d; /^```/d'
}
# run_accuracy PROGRAM: the example on the real data, above 80%
run_accuracy() {
  local rc=0
  LD_LIBRARY_PATH="$libdir" bash "$src/tests/example_test.sh" "$1" 0.80 1.0 || rc=$?
  if [ "$rc" -eq 77 ]; then echo "(not run: no dataset)"; elif [ "$rc" -ne 0 ]; then exit 1; fi
}

echo "== the README's training program: load, shuffle, batch, convert"
readme_block train-example >"$tmp/train.c"
[ -s "$tmp/train.c" ] || { echo "README.md has no train-example block"; exit 1; }
# shellcheck disable=SC2086
"$cc" -std=c11 -Wall -Wextra -Werror $flags "$tmp/train.c" -o "$tmp/train" $libs
data=${FMNIST_DATA:-}
[ -n "$data" ] && [ -d "$data" ] || data=/usr/share/datasets/fashion-mnist
if [ -d "$data" ]; then
  out=$(LD_LIBRARY_PATH="$libdir" "$tmp/train" "$data")
  echo "$out"
  [ "$out" = "epoch 0: first batch starts with image 36651, label 5
938 batches, mean pixel 0.2860406 on [0,1]" ] || { echo "the training program printed something else"; exit 1; }
else
  echo "(not run: no dataset)"
fi

echo "== tools/examples/example_softmax.c built with the README's CMakeLists.txt"
mkdir "$tmp/softmax-cmake"
readme_block consumer-cmake >"$tmp/softmax-cmake/CMakeLists.txt"
grep -q find_package "$tmp/softmax-cmake/CMakeLists.txt" || { echo "README.md has no consumer-cmake block"; exit 1; }
cp "$src/tools/examples/example_softmax.c" "$tmp/softmax-cmake/"
cmake -S "$tmp/softmax-cmake" -B "$tmp/softmax-cmake/build" -DCMAKE_PREFIX_PATH="$prefix" \
  -DCMAKE_BUILD_TYPE=Release -DCMAKE_C_COMPILER="$cc" >/dev/null
cmake --build "$tmp/softmax-cmake/build" >/dev/null
run_accuracy "$tmp/softmax-cmake/build/example_softmax"

echo "== tools/examples/example_softmax.c built with the README's pkg-config command"
mkdir "$tmp/softmax-pc"
cp "$src/tools/examples/example_softmax.c" "$tmp/softmax-pc/"
cmd=$(readme_block consumer-pkgconfig)
case "$cmd" in "cc "*) ;; *) echo "README.md's consumer-pkgconfig block is not a cc command: $cmd"; exit 1 ;; esac
cmd="\"\$cc\" ${cmd#cc }"
if [ -z "$(find "$libdir" -maxdepth 1 -name 'libfmnist.so*' -print -quit)" ]; then
  cmd=${cmd//--libs fmnist/--static --libs fmnist}
fi
echo "$cmd"
(cd "$tmp/softmax-pc" && eval "$cmd")
run_accuracy "$tmp/softmax-pc/example_softmax"

echo "consumer: built and ran with find_package and with pkg-config"
