#!/usr/bin/env bash
# download_test.sh FMNIST - `fmnist download` against a misbehaving HTTP
# server of its own (tests/http_server.py, on 127.0.0.1, stopped on exit)
# serving the real files: a failing first mirror and a second that drops
# the big file mid-way (resumed), HTML pages, the wrong files, a server
# that ignores Range, a slow one, an interrupted run's .part, a folder
# already complete (no request), a damaged file replaced, another
# release's file kept, --from a folder, the default destination. Nothing
# may ever stand under a final name unless the library checked it. Exits
# 77 (skipped) without data, python3 or a build with libcurl.
set -u
FMNIST=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
HERE=$(cd "$(dirname "$0")" && pwd)
SRC=
for d in "${FMNIST_DATA:-}" /usr/share/datasets/fashion-mnist; do
    [ -n "$d" ] && [ -f "$d/train-images-idx3-ubyte.gz" ] && { SRC=$d; break; }
done
[ -n "$SRC" ] || { echo "SKIP: no Fashion-MNIST data to serve"; exit 77; }
command -v python3 >/dev/null || { echo "SKIP: no python3 for the test server"; exit 77; }
"$FMNIST" --version | grep -q "libcurl)" || { echo "SKIP: this fmnist has no libcurl"; exit 77; }

TMP=$(mktemp -d "${TMPDIR:-/tmp}/fmnist-download-XXXXXX")
python3 "$HERE/http_server.py" "$SRC" "$TMP/port" "$TMP/log" 240 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null; wait $SERVER 2>/dev/null; rm -rf "$TMP"' EXIT
for _ in $(seq 100); do [ -s "$TMP/port" ] && break; sleep 0.1; done
[ -s "$TMP/port" ] || { echo "FAIL: the test server did not start"; exit 1; }
U=http://127.0.0.1:$(cat "$TMP/port")
FILES="train-images-idx3-ubyte.gz train-labels-idx1-ubyte.gz t10k-images-idx3-ubyte.gz t10k-labels-idx1-ubyte.gz"
pass=0
fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }

# get WANT DIR ARGS...: fmnist download -o DIR ARGS (only the mirrors given)
get() {
    local want=$1 dir=$2
    shift 2
    : >"$TMP/log"
    "$FMNIST" download -o "$dir" --no-default-mirrors --timeout 2 "$@" >"$TMP/out" 2>"$TMP/err"
    local got=$?
    [ "$got" -eq "$want" ] || { bad "download $*: exit $got, wanted $want: $(cat "$TMP/err")"; return 1; }
}
# every file of DIR byte for byte the served one
same() {
    local f
    for f in $FILES; do cmp -s "$SRC/$f" "$1/$f" || { bad "$1/$f: not the served bytes"; return 1; }; done
}
# nothing under a final name in DIR
no_final() {
    local f
    for f in $FILES; do [ ! -e "$1/$f" ] || { bad "$1/$f: left under its final name"; return 1; }; done
}
err_has() { grep -qF -- "$1" "$TMP/err" || { bad "stderr lacks '$1' ($2): $(cat "$TMP/err")"; return 1; }; }
log_has() { grep -qF -- "$1" "$TMP/log" || { bad "the server saw no '$1' ($2): $(cat "$TMP/log")"; return 1; }; }

# through a failing first mirror and a second that drops every file
# half-way: all four arrive byte-exact, the transfers resumed
get 0 "$TMP/a" --mirror "$U/403/" --mirror "$U/drop/" && same "$TMP/a" &&
    err_has "403/train-images-idx3-ubyte.gz: HTTP 403" "403" && err_has "; resuming" "drop" &&
    log_has "GET /drop/train-images-idx3-ubyte.gz bytes=$(($(stat -c %s "$SRC/train-images-idx3-ubyte.gz") / 2))-" "a resume" &&
    grep -q "fashion-mnist: 4 of 4 files in $TMP/a, each checked" "$TMP/out" && ok
# a complete folder is checked and left alone: no request at all
get 0 "$TMP/a" --mirror "$U/ok/" && [ ! -s "$TMP/log" ] && [ "$(grep -c "already in place" "$TMP/out")" -eq 4 ] && ok ||
    bad "a complete folder: $(cat "$TMP/log")"
# a damaged file in place is replaced; another release's file is not
head -c 1000 "$SRC/t10k-images-idx3-ubyte.gz" >"$TMP/a/t10k-images-idx3-ubyte.gz"
get 0 "$TMP/a" --mirror "$U/ok/" && same "$TMP/a" && err_has "t10k-images-idx3-ubyte.gz: IDX data is truncated" "damaged" &&
    err_has "replacing it" "damaged" && ok
cp "$SRC/t10k-labels-idx1-ubyte.gz" "$TMP/a/train-labels-idx1-ubyte.gz"
get 1 "$TMP/a" --mirror "$U/ok/" && err_has "holds the Fashion-MNIST test labels, not the Fashion-MNIST train labels; not replaced" "another release" &&
    cmp -s "$SRC/t10k-labels-idx1-ubyte.gz" "$TMP/a/train-labels-idx1-ubyte.gz" && ok
# an interrupted run's .part is resumed from where it stopped
mkdir "$TMP/b"
head -c 3000000 "$SRC/t10k-images-idx3-ubyte.gz" >"$TMP/b/t10k-images-idx3-ubyte.gz.part"
get 0 "$TMP/b" --mirror "$U/ok/" && same "$TMP/b" && log_has "GET /ok/t10k-images-idx3-ubyte.gz bytes=3000000-" "the .part resumed" &&
    [ -z "$(ls -A "$TMP/b" | grep '\.part$')" ] && ok
# a server that ignores Range: the .part starts over
mkdir "$TMP/c"
head -c 1000000 "$SRC/t10k-images-idx3-ubyte.gz" >"$TMP/c/t10k-images-idx3-ubyte.gz.part"
get 0 "$TMP/c" --mirror "$U/norange/" && same "$TMP/c" && log_has "GET /norange/t10k-images-idx3-ubyte.gz bytes=1000000-" "range asked" && ok
# a slow server is left for the next, which resumes where it stopped
get 0 "$TMP/d" --timeout 1 --mirror "$U/slow/" --mirror "$U/ok/" && same "$TMP/d" &&
    err_has "slow/train-images-idx3-ubyte.gz: Operation too slow" "slow" && log_has "GET /ok/train-images-idx3-ubyte.gz bytes=" "resumed on the next" && ok
# bad servers: nothing under a final name, exit 1, what was wrong named
get 1 "$TMP/e" --mirror "$U/html/" && no_final "$TMP/e" && err_has "an HTML page, not a gzip file" "html" &&
    err_has "not downloaded: no mirror served the published file" "html" && ok
get 1 "$TMP/f" --mirror "$U/swap/" && no_final "$TMP/f" &&
    err_has "swap/train-images-idx3-ubyte.gz: holds the Fashion-MNIST test images, not the Fashion-MNIST train images" "wrong files" && ok
get 1 "$TMP/g" --mirror "$U/404/" --mirror "$U/500/" && no_final "$TMP/g" && err_has "HTTP 404" "404" && err_has "HTTP 500" "500" && ok
get 1 "$TMP/h" --mirror "$U/dropall/" && no_final "$TMP/h" && ok
[ -z "$(find "$TMP/e" "$TMP/f" "$TMP/g" -name '*.part' -size 0)" ] && ok || bad "empty .part files left"
# --json: a summary per file
get 0 "$TMP/a2" --json --mirror "$U/ok/" && python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
ds = d["datasets"][0]
assert d["valid"] is True and d["errors"] == [] and ds["dataset"] == "fashion-mnist", d
assert [f["ok"] for f in ds["files"]] == [True] * 4 and ds["files"][0]["source"].endswith("/ok/train-images-idx3-ubyte.gz")
assert ds["files"][0]["bytes"] > 0 and ds["files"][0]["verdict"].startswith(("identical", "repacked"))' "$TMP/out" && ok || bad "--json: $(cat "$TMP/out")"
# --from a folder, checked alike; the default destination, where every
# command looks
mkdir "$TMP/home"
env -u FMNIST_DATA XDG_DATA_HOME="$TMP/home" "$FMNIST" download --from "$SRC" >"$TMP/out" 2>"$TMP/err" &&
    same "$TMP/home/fmnist/fashion-mnist" && ok ||
    bad "--from into the default place: $(cat "$TMP/err")"
(cd "$TMP" && env -u FMNIST_DATA XDG_DATA_HOME="$TMP/home" "$FMNIST" info) >"$TMP/out" 2>&1 &&
    grep -q "$TMP/home/fmnist/fashion-mnist/train-images-idx3-ubyte.gz" "$TMP/out" && ok || bad "info does not find the download: $(head -3 "$TMP/out")"
# usage
"$FMNIST" download cifar >/dev/null 2>"$TMP/err"; [ $? -eq 2 ] && err_has "'cifar' is not fashion-mnist, mnist or kmnist" "usage" && ok
"$FMNIST" download --from "$SRC" --mirror "$U/ok/" >/dev/null 2>"$TMP/err"; [ $? -eq 2 ] && ok || bad "--from with --mirror"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
