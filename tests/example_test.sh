#!/usr/bin/env bash
# example_test.sh PROGRAM MIN MAX [ARGS...] - runs an example classifier on
# the real dataset ($FMNIST_DATA, else Debian's) and checks that the
# "test accuracy X" it prints lies in [MIN, MAX]. Exits 77 (skipped) when
# there is no dataset.
set -eu
prog=$1 min=$2 max=$3
shift 3
dir=${FMNIST_DATA:-}
[ -n "$dir" ] && [ -d "$dir" ] || dir=/usr/share/datasets/fashion-mnist
if [ ! -d "$dir" ]; then
    echo "SKIP: no Fashion-MNIST data: set FMNIST_DATA, or 'apt-get install dataset-fashion-mnist'"
    exit 77
fi
out=$("$prog" "$dir" "$@")
echo "$out"
acc=$(printf '%s\n' "$out" | sed -n 's/^test accuracy \([0-9.]*\)$/\1/p')
[ -n "$acc" ] || { echo "FAIL: no 'test accuracy' line"; exit 1; }
if awk -v a="$acc" -v lo="$min" -v hi="$max" 'BEGIN { exit !(a >= lo && a <= hi) }'; then
    echo "ok: test accuracy $acc in [$min, $max] ($dir)"
else
    echo "FAIL: test accuracy $acc outside [$min, $max] ($dir)"
    exit 1
fi
