#!/usr/bin/env bash
# download.sh - fetch the four Fashion-MNIST files into data/fashion/: a thin
# wrapper around `fmnist download`, which checks each file with the library
# before it takes its name (see data/README.md).
#
#   data/download.sh                     from the built-in mirrors
#   data/download.sh --mirror URL        another mirror first (same names)
#   data/download.sh --from DIR          copy from a local folder, e.g.
#                                        /usr/share/datasets/fashion-mnist
#   data/download.sh --dest DIR          put the files in DIR instead
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
dest="$here/fashion"
args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --mirror) args+=(--mirror "${2:?--mirror needs a URL}"); shift 2 ;;
    --from) args+=(--from "${2:?--from needs a directory}"); shift 2 ;;
    --dest) dest=${2:?--dest needs a directory}; shift 2 ;;
    -h|--help) sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "download.sh: unknown argument '$1'" >&2; echo "Try 'data/download.sh --help'." >&2; exit 2 ;;
  esac
done
fmnist=$(command -v fmnist || true)
[ -n "$fmnist" ] || fmnist="$here/../build/tools/fmnist"
[ -x "$fmnist" ] || { echo "download.sh: no fmnist: build it first (cmake -S . -B build && cmake --build build)" >&2; exit 1; }
exec "$fmnist" download fashion-mnist -o "$dest" "${args[@]+"${args[@]}"}"
