#!/usr/bin/env bash
# large_file_test.sh FMNIST: an IDX file over 4 GiB loads, raw and gzipped,
# with 64-bit sizes throughout (the CRC-32 and sizes of the decoded bytes
# are checked); streams and loads stay within their memory bounds (not
# with FMNIST_LARGE_MEMORY=0). Takes about half a minute and 4 GiB of memory, so it runs
# only with FMNIST_LARGE_TESTS=1 (CI sets it for one build); else skipped.
set -u
FMNIST=$1
if [ "${FMNIST_LARGE_TESTS:-0}" != 1 ]; then
  echo "SKIP: set FMNIST_LARGE_TESTS=1 to load a file over 4 GiB"
  exit 77
fi
TMP=$(mktemp -d "${TMPDIR:-/tmp}/fmnist-large-XXXXXX")
trap 'rm -rf "$TMP"' EXIT
# 1 x 65537 x 65536 uint8: 2^32 + 65536 bytes of zeros after the header
printf '\x00\x00\x08\x03\x00\x00\x00\x01\x00\x01\x00\x01\x00\x01\x00\x00' >"$TMP/big.idx"
truncate -s $((16 + 65537 * 65536)) "$TMP/big.idx"
gzip -1 -n -c "$TMP/big.idx" >"$TMP/big.idx.gz"
fail=0
for f in big.idx big.idx.gz; do
  out=$("$FMNIST" info --max-bytes 5G "$TMP/$f" 2>&1)
  rc=$?
  case "$out" in
    *"4295032848"*"uint8 [1, 65537, 65536], crc32 3ff04ab8"*) [ "$rc" -eq 0 ] || fail=1 ;;
    *) fail=1 ;;
  esac
  echo "$out"
  # and the default limit refuses it before allocating
  "$FMNIST" info "$TMP/$f" 2>&1 | grep -q "more than the limit" || fail=1
done

# peak RSS of a command (VmHWM, sampled until it ends), in KiB, into $peak;
# its exit status into $rc
sampled() {
  "$@" >"$TMP/out" 2>"$TMP/err" &
  local pid=$! hwm
  peak=0
  while kill -0 "$pid" 2>/dev/null; do
    hwm=$(awk '/^VmHWM/ {print $2}' "/proc/$pid/status" 2>/dev/null)
    [ -n "$hwm" ] && [ "$hwm" -gt "$peak" ] && peak=$hwm
    sleep 0.05
  done
  wait "$pid"
  rc=$?
}
# a split of 5 GB (6,400,000 images of 28x28, sparse zeros) streamed by
# stats and counts in constant memory: peak RSS (VmHWM, sampled until the
# process ends) under 64 MiB, and the right figures
mkdir "$TMP/split"
n=6400000
be32() { printf "$(printf '\\x%02x\\x%02x\\x%02x\\x%02x' $(($1 >> 24 & 255)) $(($1 >> 16 & 255)) $(($1 >> 8 & 255)) $(($1 & 255)))"; }
{ printf '\x00\x00\x08\x03'; be32 $n; be32 28; be32 28; } >"$TMP/split/train-images-idx3-ubyte"
truncate -s $((16 + n * 784)) "$TMP/split/train-images-idx3-ubyte"
{ printf '\x00\x00\x08\x01'; be32 $n; } >"$TMP/split/train-labels-idx1-ubyte"
truncate -s $((8 + n)) "$TMP/split/train-labels-idx1-ubyte"
for cmd in stats counts; do
  sampled "$FMNIST" $cmd --stream --json "$TMP/split"
  echo "$cmd --stream on 5.0 GB: exit $rc, peak RSS $((peak / 1024)) MiB (sampled)"
  [ "$rc" -eq 0 ] && [ "$peak" -gt 0 ] && [ "$peak" -le $((64 * 1024)) ] || { fail=1; cat "$TMP/err"; }
  grep -q '"label": 0, "name": null, "count": 6400000' "$TMP/out" || { echo "$cmd: wrong counts"; fail=1; }
  [ "$cmd" = counts ] || grep -q '"count": 5017600000, "min": 0, "max": 0, "sum": 0,' "$TMP/out" ||
    { echo "stats: wrong figures"; fail=1; }
done
# gzip members of 100 MB of zeros each, appended to $1 $2 times
zeros_gz() {
  head -c 100000000 /dev/zero | gzip -1 -n >"$TMP/z.gz"
  local i
  for ((i = 0; i < $2; i++)); do cat "$TMP/z.gz" >>"$1"; done
  rm "$TMP/z.gz"
}

if [ "${FMNIST_LARGE_MEMORY:-1}" = 0 ]; then # (the memory checks, once)
  [ "$fail" -eq 0 ] && echo "4 passed, 0 failed" || echo "some failed"
  exit "$fail"
fi

# one image of 40000 x 40000 (1.6 GB of zeros, 1.5 MB of gzip) streamed by
# stats: memory of a chunk, not of the item (peak RSS under 64 MiB)
mkdir "$TMP/one"
{ printf '\x00\x00\x08\x03'; be32 1; be32 40000; be32 40000; } | gzip -1 -n >"$TMP/one/train-images-idx3-ubyte.gz"
zeros_gz "$TMP/one/train-images-idx3-ubyte.gz" 16
printf '\x00\x00\x08\x01\x00\x00\x00\x01\x03' >"$TMP/one/train-labels-idx1-ubyte"
sampled "$FMNIST" stats --stream "$TMP/one"
echo "stats --stream, one item of 1.6 GB: exit $rc, peak RSS $((peak / 1024)) MiB (sampled)"
[ "$rc" -eq 0 ] && [ "$peak" -gt 0 ] && [ "$peak" -le $((64 * 1024)) ] &&
  grep -q "pixels   1600000000" "$TMP/out" || { fail=1; cat "$TMP/err"; }

# a gzip load of 1 GiB of data peaks under 1.15 x the data + 64 MiB
{ printf '\x00\x00\x08\x03'; be32 1; be32 16384; be32 65536; } | gzip -1 -n >"$TMP/gib.gz"
zeros_gz "$TMP/gib.gz" 10
head -c $((1073741824 - 1000000000)) /dev/zero | gzip -1 -n >>"$TMP/gib.gz"
for t in 1; do # (concatenated members decode on one thread)
  sampled "$FMNIST" info --threads $t --max-bytes 2G "$TMP/gib.gz"
  limit=$(( (1073741824 * 115 / 100 + 64 * 1048576) / 1024 ))
  echo "info, a gzip load of 1 GiB on $t thread(s): exit $rc, peak RSS $((peak / 1024)) MiB (limit $((limit / 1024)))"
  [ "$rc" -eq 0 ] && [ "$peak" -gt 0 ] && [ "$peak" -le "$limit" ] || { fail=1; cat "$TMP/err"; }
done
[ "$fail" -eq 0 ] && echo "6 passed, 0 failed" || echo "some failed"
exit "$fail"
