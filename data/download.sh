#!/usr/bin/env bash
# download.sh - fetch the four Fashion-MNIST files into data/fashion/ and
# check them against the MD5 sums Zalando publishes.
#
#   data/download.sh                     from the official mirror
#   data/download.sh --mirror URL        from another mirror (same file names)
#   data/download.sh --from DIR          copy from a local folder, e.g.
#                                        /usr/share/datasets/fashion-mnist
#   data/download.sh --dest DIR          put the files in DIR instead
#
# A file is accepted when its MD5 is the published one, or when it is
# Debian's repack (another gzip header around the same bytes): then the
# decompressed content must have the MD5 of the published content. Files
# are written under a temporary name and renamed only once they check out,
# and a good file already in place is kept. Exit 0 when all four are good.
set -euo pipefail

MIRROR=http://fashion-mnist.s3-website.eu-central-1.amazonaws.com
FROM=
DEST="$(cd "$(dirname "$0")" && pwd)/fashion"

usage() { sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'; }
while [ $# -gt 0 ]; do
  case "$1" in
    --mirror) MIRROR=${2:?--mirror needs a URL}; shift 2 ;;
    --from) FROM=${2:?--from needs a directory}; shift 2 ;;
    --dest) DEST=${2:?--dest needs a directory}; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) echo "download.sh: unknown argument '$1'" >&2; echo "Try 'data/download.sh --help'." >&2; exit 2 ;;
  esac
done

# name, published .gz MD5, MD5 of the decompressed content
FILES="
train-images-idx3-ubyte.gz 8d4fb7e6c68d591d4c3dfef9ec88bf0d f4a8712d7a061bf5bd6d2ca38dc4d50a
train-labels-idx1-ubyte.gz 25c81989df183df01b3e8a0aad5dffbe 9018921c3c673c538a1fc5bad174d6f9
t10k-images-idx3-ubyte.gz bef4ecab320f06d8554ea6380940ec79 8181f5470baa50b63fa0f6fddb340f0a
t10k-labels-idx1-ubyte.gz bb300cfdad3c16e7a12a480ee83cd310 15d484375f8d13e6eb1aabb0c3f46965
"

# check FILE GZ_MD5 CONTENT_MD5: prints what the file is; 0 if good
check() {
  local got
  got=$(md5sum <"$1" | cut -d' ' -f1)
  if [ "$got" = "$2" ]; then echo "identical to the published file"; return 0; fi
  if got=$(gzip -dc <"$1" 2>/dev/null | md5sum | cut -d' ' -f1) && [ "$got" = "$3" ]; then
    echo "repacked: the published content in another gzip container"; return 0
  fi
  echo "BAD: MD5 $(md5sum <"$1" | cut -d' ' -f1), expected $2"
  return 1
}

fetch() { # URL OUT
  if command -v curl >/dev/null; then curl -fsSL --retry 3 -o "$2" "$1"
  elif command -v wget >/dev/null; then wget -q -O "$2" "$1"
  else echo "download.sh: neither curl nor wget is installed" >&2; return 1; fi
}

mkdir -p "$DEST"
status=0
while read -r name gzmd5 rawmd5; do
  [ -n "$name" ] || continue
  out="$DEST/$name"
  if [ -f "$out" ] && what=$(check "$out" "$gzmd5" "$rawmd5"); then
    echo "$name: already present, $what"
    continue
  fi
  tmp=$(mktemp "$DEST/.$name.XXXXXX")
  if [ -n "$FROM" ]; then
    src="$FROM/$name"
    if ! cp -- "$src" "$tmp" 2>/dev/null; then
      echo "$name: cannot copy $src" >&2; rm -f "$tmp"; status=1; continue
    fi
  else
    src="$MIRROR/$name"
    if ! fetch "$src" "$tmp"; then
      echo "$name: download from $src failed" >&2; rm -f "$tmp"; status=1; continue
    fi
  fi
  if what=$(check "$tmp" "$gzmd5" "$rawmd5"); then
    chmod a+r,u+w "$tmp"
    mv -f -- "$tmp" "$out"
    echo "$name: $what"
  else
    rm -f "$tmp"
    echo "$name: $src is not the published file: $what" >&2
    status=1
  fi
done <<<"$FILES"
if [ "$status" -eq 0 ]; then echo "all four files are in $DEST"; fi
exit "$status"
