#!/usr/bin/env bash
# read_fault_test.sh FMNIST SHIM: a read error in the middle of a file (made
# by the LD_PRELOAD shim fault_read.so) gives exit status 1 and a message
# naming the file, the byte and the cause, for raw and gzipped files alike.
# A file that grows after its size was taken (the shim appends to it in the
# middle of the read) is reported as having grown, with numbers that are
# true, never an unsigned difference that wrapped.
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
# growth while read: raw gains 8 bytes, gzip gains a member and junk
{ printf '\x00\x00\x08\x01'; be32 4; printf '\x01\x02\x03\x04'; } >"$TMP/small.idx"
gzip -n -c "$TMP/small.idx" >"$TMP/small.idx.gz"
printf 'ABCDEFGH' >"$TMP/extra"
{ printf 'x' | gzip -n; printf 'JUNKJUNK'; } >"$TMP/extra.gz"
# FILE AT APPEND EXPECT [ARGS]: exit 1 and the one expected line; or, for
# a gzip file a build decodes whole by the size it took (a mapping, the
# parallel decoder), the file as it was when opened, which is true too
grow() {
  local f=$1 at=$2 add=$3 want=$4
  shift 4
  cp "$TMP/small.${f#*.}" "$TMP/$f"
  FMNIST_FAULT_FILE="/$f" FMNIST_FAULT_AFTER=$at FMNIST_FAULT_APPEND="$TMP/$add" \
    LD_PRELOAD="$SHIM" "$FMNIST" "$@" "$TMP/$f" >"$TMP/out" 2>"$TMP/err"
  rc=$?
  local as_opened=0
  case "$f" in *.gz) grep -q "grew" "$TMP/err" || as_opened=1 ;; esac
  if [ "$as_opened" -eq 1 ] && ! grep -q '1844674' "$TMP/err" &&
    { [ "$rc" -eq 0 ] || grep -q "not the shape of any known release" "$TMP/err"; }; then
    pass=$((pass + 1))
    echo "note: $f ($*) was read as it was when opened (a whole-file decoder)"
  elif [ "$rc" -eq 1 ] && [ "$(wc -l <"$TMP/err")" -eq 1 ] &&
    grep -qF "fmnist: $TMP/$f: $want" "$TMP/err" && ! grep -q '1844674' "$TMP/err"; then
    pass=$((pass + 1))
  else
    fail=$((fail + 1))
    echo "FAIL: $f grown at $at ($*): exit $rc, stderr: $(cat "$TMP/err")"
  fi
}
grow g.idx 4 extra "the file grew while it was read: it had 12 bytes when opened, and now at least 8 unexpected bytes follow the IDX data, which ends at byte 12" info
grow g.idx.gz 10 extra.gz "the file grew while it was read: it had 32 bytes when opened, and now garbage follows the last gzip member, from byte 53 (starting 4a 55 4e 4b" info
grow g.idx.gz 10 extra.gz "the file grew while it was read: it had 32 bytes when opened" verify
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
