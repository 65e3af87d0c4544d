#!/usr/bin/env bash
# make_seeds.sh - writes the fuzzers' seed corpus into corpus/{idx,gzip,split}.
# Reproducible: fixed bytes, and gzip -n (no name, no time stamp).
set -eu
cd "$(dirname "$0")"
rm -rf corpus/idx corpus/gzip corpus/split
mkdir -p corpus/idx corpus/gzip corpus/split

be32() { printf "$(printf '\\x%02x\\x%02x\\x%02x\\x%02x' $(($1 >> 24 & 255)) $(($1 >> 16 & 255)) $(($1 >> 8 & 255)) $(($1 & 255)))"; }
hdr() { # TYPE DIMS...
  local t=$1; shift
  printf "$(printf '\\x00\\x00\\x%02x\\x%02x' "$t" $#)"
  local d; for d in "$@"; do be32 "$d"; done
}
pay() { head -c "$1" /dev/zero | tr '\0' '\125'; }

{ hdr 8 3 4 4; pay 48; } >corpus/idx/u8-3d
{ hdr 9 5; pay 5; } >corpus/idx/i8-1d
{ hdr 11 2 3; pay 12; } >corpus/idx/i16-2d
{ hdr 12 2; pay 8; } >corpus/idx/i32-1d
{ hdr 13 1 2; printf '\x7f\xc0\x00\x00\x80\x00\x00\x00'; } >corpus/idx/f32-nan
{ hdr 14 1; printf '\x7f\xf8\x00\x00\x00\x00\x00\x01'; } >corpus/idx/f64-nan
{ hdr 8 2 1 1 1 1 1 1 1; pay 2; } >corpus/idx/u8-8d
{ hdr 8 0 28 28; } >corpus/idx/empty-extent
{ hdr 8 4000000000 28 28; pay 64; } >corpus/idx/claims-tb
{ hdr 8 65537 65536; pay 64; } >corpus/idx/wraps-32
{ hdr 8 2 2 2; pay 8; printf 'xx'; } >corpus/idx/trailing
printf '<!DOCTYPE html><html></html>' >corpus/idx/html
for f in u8-3d i16-2d f64-nan trailing; do gzip -n -c corpus/idx/$f >corpus/idx/$f.gz; done
# two members, split inside the header
{ head -c 6 corpus/idx/u8-3d | gzip -n -c; tail -c +7 corpus/idx/u8-3d | gzip -n -c; } >corpus/idx/two-members.gz

# the gzip target gets the bytes after "1f 8b 08"
for f in corpus/idx/*.gz; do tail -c +4 "$f" >"corpus/gzip/$(basename "$f" .gz)"; done
# flags: name, comment, extra, header CRC (CRC may be wrong: still a seed)
printf '\x1c\0\0\0\0\0\x03\x02\0abname\0comment\0\0\0' >corpus/gzip/all-flags

# the split target: class count, images length (LE16), images, labels
split_seed() { # NAME CLASSES IMAGES LABELS
  local n; n=$(stat -c %s "$3")
  { printf "$(printf '\\x%02x\\x%02x\\x%02x' "$2" $((n & 255)) $((n >> 8 & 255)))"; cat "$3" "$4"; } >"corpus/split/$1"
}
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
{ hdr 8 3 2 2; pay 12; } >"$tmp/im"
{ hdr 8 3; printf '\x00\x01\x09'; } >"$tmp/lb"
{ hdr 8 3; printf '\x00\x0a\x09'; } >"$tmp/lb10"
{ hdr 8 4; printf '\x00\x01\x02\x03'; } >"$tmp/lb4"
gzip -n -c "$tmp/im" >"$tmp/im.gz"
split_seed pair 0 "$tmp/im" "$tmp/lb"
split_seed pair-gz 10 "$tmp/im.gz" "$tmp/lb"
split_seed bad-label 0 "$tmp/im" "$tmp/lb10"
split_seed count-mismatch 0 "$tmp/im" "$tmp/lb4"
split_seed swapped 0 "$tmp/lb" "$tmp/im"
echo "seeds: $(ls corpus/idx | wc -l) idx, $(ls corpus/gzip | wc -l) gzip, $(ls corpus/split | wc -l) split"
