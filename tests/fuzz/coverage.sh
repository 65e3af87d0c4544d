#!/usr/bin/env bash
# coverage.sh [BUILD_DIR] - how much of src/ the fuzzers' replayed corpora
# reach: builds the replay targets with clang's source-based coverage in
# BUILD_DIR (default /tmp/fmnist-coverage), replays every corpus and
# crasher, and prints llvm-cov's report of the lines of each file in src/.
# Needs clang, llvm-profdata and llvm-cov (Debian: clang, llvm).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
B=${1:-/tmp/fmnist-coverage}
targets="idx gzip split stream use cli inflate files hash knn"
CC=clang cmake -S "$root" -B "$B" -DCMAKE_BUILD_TYPE=Debug -DBUILD_SHARED_LIBS=ON \
  -DCMAKE_C_FLAGS="-fprofile-instr-generate -fcoverage-mapping" >/dev/null
cmake --build "$B" -j"$(nproc)" --target $(for t in $targets; do printf 'fuzz_%s_replay ' "$t"; done) >/dev/null
P="$B/profiles"
rm -rf "$P" && mkdir -p "$P"
objs=()
for t in $targets; do
  crashers=()
  [ -d "$here/crashers/$t" ] && crashers=("$here/crashers/$t")
  LLVM_PROFILE_FILE="$P/$t-%p.profraw" "$B/tests/fuzz_${t}_replay" "$here/corpus/$t" "${crashers[@]}" >/dev/null 2>&1
  objs+=(-object "$B/tests/fuzz_${t}_replay")
done
llvm-profdata merge -sparse "$P"/*.profraw -o "$P/all.profdata"
llvm-cov report "$B/libfmnist.so" "${objs[@]}" -instr-profile="$P/all.profdata" "$root"/src/*.c |
  awk 'NR > 2 && $1 != "TOTAL" && NF > 10 { printf "%-16s %5s lines, %5s missed, %s\n", $1, $8, $9, $10 }
       $1 == "TOTAL" { printf "%-16s %5s lines, %5s missed, %s\n", $1, $8, $9, $10 }'
