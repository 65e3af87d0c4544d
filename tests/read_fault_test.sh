#!/usr/bin/env bash
# read_fault_test.sh FMNIST SHIM: a read error in the middle of a file (made
# by the LD_PRELOAD shim fault_read.so) gives exit status 1 and a message
# naming the file, the byte and the cause, for raw and gzipped files alike.
set -u
FMNIST=$1
SHIM=$2
TMP=$(mktemp -d "${TMPDIR:-/tmp}/fmnist-fault-XXXXXX")
trap 'rm -rf "$TMP"' EXIT
pass=0 fail=0
be32() { printf "$(printf '\\x%02x\\x%02x\\x%02x\\x%02x' $(($1 >> 24 & 255)) $(($1 >> 16 & 255)) $(($1 >> 8 & 255)) $(($1 & 255)))"; }
{ printf '\x00\x00\x08\x03'; be32 2000; be32 28; be32 28; seq 1 1000000 | head -c 1568000; } >"$TMP/images.idx"
gzip -n -c "$TMP/images.idx" >"$TMP/images.idx.gz"
for f in images.idx images.idx.gz; do
  for at in 100 300000; do
    FMNIST_FAULT_FILE="/$f" FMNIST_FAULT_AFTER=$at LD_PRELOAD="$SHIM" \
      "$FMNIST" info "$TMP/$f" >"$TMP/out" 2>"$TMP/err"
    rc=$?
    if [ "$rc" -eq 1 ] && [ "$(wc -l <"$TMP/err")" -eq 1 ] &&
      grep -q "^fmnist: $TMP/$f: read failed at byte $at: Input/output error" "$TMP/err"; then
      pass=$((pass + 1))
    else
      fail=$((fail + 1))
      echo "FAIL: $f, fault at $at: exit $rc, stderr: $(cat "$TMP/err")"
    fi
  done
done
# the shim itself works: without a fault the same files load
FMNIST_FAULT_FILE=/nothing FMNIST_FAULT_AFTER=0 LD_PRELOAD="$SHIM" "$FMNIST" info "$TMP/images.idx.gz" >/dev/null &&
  pass=$((pass + 1)) || { fail=$((fail + 1)); echo "FAIL: shim breaks good reads"; }
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
