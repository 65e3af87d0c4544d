#!/usr/bin/env bash
# make_seeds.sh - writes the fuzzers' seed corpus into corpus/{idx,gzip,split,inflate}.
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
# the inflate target: a byte that picks the threads, then raw deflate
# streams of every block type and mixtures (python3's zlib)
rm -rf corpus/inflate && mkdir -p corpus/inflate
python3 - corpus/inflate <<'PY'
import random, sys, zlib
out = sys.argv[1]
rng = random.Random(1)
def image_like(n):
    b = bytearray()
    while len(b) < n:
        k = rng.randrange(4)
        if k == 0 or len(b) < 64:
            b += bytes(rng.randrange(40))
        elif k == 1:
            b += bytes(rng.randrange(0, 256, 37) for _ in range(rng.randrange(40)))
        else:
            d = rng.randrange(1, min(len(b), 32768) + 1)
            for _ in range(rng.randrange(3, 80)):
                b.append(b[-d])
    return bytes(b[:n])
def raw(data, level=9, strategy=zlib.Z_DEFAULT_STRATEGY, pieces=()):
    z = zlib.compressobj(level, zlib.DEFLATED, -15, 9, strategy)
    s, at = b"", 0
    for cut, lv, st in pieces:
        s += z.compress(data[at:cut]) + z.flush(zlib.Z_FULL_FLUSH)
        at = cut
    return s + z.compress(data[at:]) + z.flush()
data = image_like(60000)
seeds = {
    "dynamic": raw(data), "fixed": raw(data, 9, zlib.Z_FIXED),
    "stored": raw(data[:3000], 0), "rle": raw(data, 9, zlib.Z_RLE),
    "huffman": raw(data, 9, zlib.Z_HUFFMAN_ONLY), "level1": raw(data, 1),
    "flushed": raw(data, 6, pieces=((10000, 6, 0), (30000, 6, 0))),
    "empty": raw(b""), "one-byte": raw(b"x"),
    "noise": raw(bytes(rng.randrange(256) for _ in range(20000))),
}
for i, (name, s) in enumerate(sorted(seeds.items())):
    open(f"{out}/{name}", "wb").write(bytes([i]) + s + bytes(8))
PY
echo "seeds: $(ls corpus/idx | wc -l) idx, $(ls corpus/gzip | wc -l) gzip, $(ls corpus/split | wc -l) split, $(ls corpus/inflate | wc -l) inflate"
