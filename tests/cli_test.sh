#!/usr/bin/env bash
# cli_test.sh - runs the fmnist binary on broken, synthetic and real files
# and checks exit statuses, stdout and stderr.
#   cli_test.sh FMNIST synthetic   broken and synthetic files made here
#   cli_test.sh FMNIST real        the real dataset ($FMNIST_DATA, Debian's);
#                                  exits 77 (skipped) when there is none
#   cli_test.sh FMNIST audit       fmnist audit on the first of those
#                                  against NumPy's answers; 77 without data
#   cli_test.sh FMNIST layouts     the real files of the first of those in
#                                  the layouts users have, through every
#                                  command (and MNIST's, with
#                                  $FMNIST_MNIST_DATA); 77 without data
set -u
FMNIST=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
MODE=$2
TMP=$(mktemp -d "${TMPDIR:-/tmp}/fmnist-cli-XXXXXX")
trap 'umount "$TMP/full" 2>/dev/null; rm -rf "$TMP"' EXIT
pass=0
fail=0

ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }

# run EXPECTED_STATUS ARGS...: runs fmnist, keeps stdout/stderr in $TMP
run() {
    local want=$1
    shift
    # FMNIST_RUNNER (e.g. "valgrind --error-exitcode=99 -q") wraps each run
    # shellcheck disable=SC2086
    ${FMNIST_RUNNER:-} "$FMNIST" "$@" >"$TMP/out" 2>"$TMP/err"
    local got=$?
    if [ "$got" -ne "$want" ]; then
        bad "fmnist $*: exit $got, wanted $want; stderr: $(head -c 400 "$TMP/err")"
        return 1
    fi
    return 0
}
out_has() { grep -qF -- "$1" "$TMP/out" || { bad "stdout lacks '$1' ($2)"; return 1; }; }
err_has() { grep -qF -- "$1" "$TMP/err" || { bad "stderr lacks '$1' ($2): $(cat "$TMP/err")"; return 1; }; }
# one line on stderr, "fmnist: PATH: ..."
one_error_line() {
    local n
    n=$(wc -l <"$TMP/err")
    [ "$n" -eq 1 ] || { bad "$2: $n lines on stderr: $(cat "$TMP/err")"; return 1; }
    grep -q "^fmnist: $1: ." "$TMP/err" || { bad "$2: stderr not 'fmnist: $1: ...': $(cat "$TMP/err")"; return 1; }
    [ ! -s "$TMP/out" ] || { bad "$2: stdout not empty"; return 1; }
    ok
}

be32() { printf "$(printf '\\x%02x\\x%02x\\x%02x\\x%02x' $(($1 >> 24 & 255)) $(($1 >> 16 & 255)) $(($1 >> 8 & 255)) $(($1 & 255)))"; }
# idx3 N H W: a uint8 image file header + N*H*W bytes
idx3() { printf '\x00\x00\x08\x03'; be32 "$1"; be32 "$2"; be32 "$3"; head -c $(($1 * $2 * $3)) /dev/zero | tr '\0' '\7'; }
# idx1 N MOD: labels i % MOD
idx1() { printf '\x00\x00\x08\x01'; be32 "$1"; local i; for ((i = 0; i < $1; i++)); do printf "\\x$(printf %02x $((i % $2)))"; done; }

synthetic() {
    # usage and help
    run 0 --help && out_has "usage: fmnist" "--help" && out_has "info" "--help lists info" && ok
    run 0 info --help && out_has "usage: fmnist info" "info --help" && out_has "--json" "info --help" &&
        out_has "--prove" "info --help" && ok
    run 2 verify --prove && err_has "unknown option '--prove'" "verify always proves" && ok
    run 0 --version && out_has "zlib" "--version" && ok
    run 2 && err_has "Try 'fmnist --help'." "no command" && ok
    run 2 frobnicate && err_has "'frobnicate' is not a command" "unknown command" && ok
    run 2 info --frob && err_has "unknown option '--frob'" "unknown option" && err_has "Try 'fmnist info --help'." "hint" && ok
    run 2 info --max-bytes && err_has "needs a value" "missing value" && ok
    run 2 info --max-bytes 12Q x && err_has "--max-bytes" "bad size" && ok
    run 2 info --dataset cifar x && err_has "--dataset" "bad dataset" && ok

    # a valid synthetic pair, not any release
    mkdir "$TMP/syn"
    idx3 12 28 28 | gzip -c >"$TMP/syn/train-images-idx3-ubyte.gz"
    idx1 12 10 >"$TMP/syn/train-labels-idx1-ubyte"
    run 0 info "$TMP/syn" && out_has "unidentified dataset, 12 items of 28x28" "synthetic" &&
        out_has "unidentified: not the shape of any known release" "synthetic" && ok
    run 0 info --json "$TMP/syn" && out_has '"dataset": null' "json dataset" &&
        out_has '"release": null' "json release" && out_has '"name": null' "json class name" &&
        out_has '"compression": "gzip"' "json gz" && out_has '"compression": "none"' "json raw" &&
        out_has '"dims": [12, 28, 28]' "json dims" && ok
    # an override names the classes; it never says what the content is
    run 0 info --dataset mnist "$TMP/syn" &&
        out_has "train: unidentified dataset, 12 items of 28x28, 10 classes (class names of MNIST, by --dataset)" "forced dataset" &&
        out_has "      3  3" "forced dataset's class names" && ok
    run 0 info --json --dataset mnist "$TMP/syn" && out_has '"dataset": null' "override json dataset" &&
        out_has '"class_names": "mnist"' "override json names" && ok
    if command -v python3 >/dev/null; then
        run 0 info --json "$TMP/syn" "$TMP/syn/train-labels-idx1-ubyte"
        python3 - "$TMP/out" <<'EOF' && ok || bad "JSON schema"
import json, sys
d = json.load(open(sys.argv[1]))
s = d["splits"][0]
assert s["name"] == "train" and s["count"] == 12 and s["height"] == 28 and s["width"] == 28
assert s["images"]["dtype"] == "uint8" and s["labels"]["dims"] == [12]
assert [c["count"] for c in s["classes"]] == [2, 2] + [1] * 8
assert d["files"][0]["dims"] == [12] and d["valid"] is True and d["errors"] == []
EOF
    fi
    # JSON stays valid UTF-8 whatever bytes a file name holds
    if command -v python3 >/dev/null; then
        local odd
        odd="$TMP/$(printf 'caf\xc3\xa9-\xff')"
        cp "$TMP/syn/train-labels-idx1-ubyte" "$odd"
        run 0 info --json "$odd" && python3 -c '
import json, sys
d = json.loads(open(sys.argv[1], "rb").read().decode("utf-8"))
assert d["files"][0]["path"].endswith("caf\u00e9-\ufffd"), d["files"][0]["path"]
' "$TMP/out" && ok || bad "JSON of a non-UTF-8 file name"
        rm -f "$odd"
    fi
    # FMNIST_DATA is the default PATH
    FMNIST_DATA="$TMP/syn" run 0 info && out_has "12 items" "FMNIST_DATA default" && ok
    FMNIST_DATA="$TMP/nowhere" run 1 info && one_error_line "$TMP/nowhere" "FMNIST_DATA missing"

    # broken inputs: each exits 1 with one line naming the file
    local B="$TMP/bad"
    mkdir "$B"
    : >"$B/empty"
    printf '<!DOCTYPE html><html><body>Not Found</body></html>\n' >"$B/page.gz"
    printf '<!DOCTYPE html><html><body>Not Found</body></html>\n' | gzip -c >"$B/page-gz.gz"
    printf 'version https://git-lfs.github.com/spec/v1\noid sha256:0\nsize 26421880\n' >"$B/lfs"
    printf '\x00\x00\x08' >"$B/short-magic"
    { printf '\x00\x00\x08\x03'; be32 60000; } >"$B/short-dims"
    { printf '\x00\x00\x07\x01'; be32 1; printf 'x'; } >"$B/bad-type"
    printf '\x00\x00\x08\x00' >"$B/zero-dims"
    { printf '\x00\x00\x08\x03'; be32 4294967295; be32 4294967295; be32 4294967295; } >"$B/overflow"
    { printf '\x00\x00\x08\x03'; be32 4000000000; be32 28; be32 28; head -c 1000 /dev/zero; } >"$B/claims-tb"
    idx3 10 28 28 | head -c 5000 >"$B/truncated"
    { idx3 2 28 28; printf 'extra'; } >"$B/trailing"
    { idx3 2 28 28; printf 'extra'; } | gzip -c >"$B/trailing-in-gz.gz"
    { printf '\x00\x00\x08\x03'; be32 50; be32 28; be32 28; seq 1 100000 | head -c 39200; } | gzip -c >"$B/whole.gz"
    head -c 200 "$B/whole.gz" >"$B/gz-truncated.gz"
    local sz
    sz=$(stat -c %s "$B/whole.gz")
    head -c $((sz - 8)) "$B/whole.gz" >"$B/gz-no-trailer.gz"
    { head -c $((sz - 8)) "$B/whole.gz"; printf '\x00\x00\x00\x00'; tail -c 4 "$B/whole.gz"; } >"$B/gz-bad-crc.gz"
    { head -c $((sz - 4)) "$B/whole.gz"; printf '\x01\x00\x00\x00'; } >"$B/gz-bad-length.gz"
    { cat "$B/whole.gz"; printf 'garbage'; } >"$B/gz-garbage.gz"
    { head -c 3 "$B/whole.gz"; printf '\xe0'; tail -c +5 "$B/whole.gz"; } >"$B/gz-reserved.gz"
    local f
    for f in empty page.gz page-gz.gz lfs short-magic short-dims bad-type zero-dims overflow \
        claims-tb truncated trailing trailing-in-gz.gz gz-truncated.gz gz-no-trailer.gz \
        gz-bad-crc.gz gz-bad-length.gz gz-garbage.gz gz-reserved.gz; do
        run 1 info "$B/$f" && one_error_line "$B/$f" "$f"
        run 1 info --json "$B/$f" && out_has '"valid": false' "$f --json" &&
            out_has "\"$B/$f: " "$f in --json errors"
    done
    run 1 info "$B/page.gz" && err_has "HTML" "html hint" && ok
    run 1 info "$B/lfs" && err_has "Git LFS" "lfs hint" && ok
    run 1 info "$B/gz-bad-crc.gz" && err_has "CRC-32 mismatch" "crc" && ok
    run 1 info "$B/claims-tb" && err_has "bytes short" "claim" && ok
    run 1 info "$TMP/missing.idx" && one_error_line "$TMP/missing.idx" "missing file"
    mkdir "$TMP/empty-dir"
    run 1 info "$TMP/empty-dir" && one_error_line "$TMP/empty-dir" "no dataset in directory"
    mkdir "$TMP/half"
    idx3 3 28 28 >"$TMP/half/t10k-images-idx3-ubyte"
    run 1 info "$TMP/half" && one_error_line "$TMP/half" "labels missing"
    mkdir "$TMP/mismatch"
    idx3 3 28 28 >"$TMP/mismatch/train-images-idx3-ubyte"
    idx1 4 10 >"$TMP/mismatch/train-labels-idx1-ubyte"
    run 1 info "$TMP/mismatch" && err_has "not a pair" "count mismatch" && ok
    mkdir "$TMP/labels11"
    idx3 12 28 28 >"$TMP/labels11/train-images-idx3-ubyte"
    idx1 12 11 >"$TMP/labels11/train-labels-idx1-ubyte"
    run 1 info "$TMP/labels11" && err_has "label 10 of item 10" "bad label" && ok
    run 0 info --classes 11 "$TMP/labels11" && ok
    # one good and one bad input: both reported, exit 1
    run 1 info "$TMP/syn" "$B/empty" && out_has "12 items" "good beside bad" &&
        [ "$(wc -l <"$TMP/err")" -eq 1 ] && err_has "fmnist: $B/empty: " "bad beside good" && ok
    # stats, counts, dupes and verify on a synthetic dataset
    mkdir "$TMP/dup"
    # train: 6 images, images 1 and 4 identical; test: 3 images, test 2 = train 1
    img() { head -c 784 /dev/zero | tr '\0' "$(printf "\\$(printf %03o "$1")")"; }
    { printf '\x00\x00\x08\x03'; be32 6; be32 28; be32 28; img 1; img 2; img 3; img 4; img 2; img 5; } >"$TMP/dup/train-images-idx3-ubyte"
    idx1 6 10 >"$TMP/dup/train-labels-idx1-ubyte"
    { printf '\x00\x00\x08\x03'; be32 3; be32 28; be32 28; img 7; img 8; img 2; } >"$TMP/dup/t10k-images-idx3-ubyte"
    idx1 3 10 >"$TMP/dup/t10k-labels-idx1-ubyte"
    run 0 dupes "$TMP/dup" && out_has "group 1: train:1 (1) train:4 (4) test:2 (2)" "dupes group" &&
        out_has "train: 6 images, 1 group of identical images (2 images, 1 redundant copy)" "dupes train" &&
        out_has "across: 1 test image also appears in train" "dupes leak" && ok
    run 0 dupes --split test "$TMP/dup" && out_has "test: 3 images, 0 groups" "dupes test only" && ok
    run 0 stats --json --split train "$TMP/dup" && out_has '"sum": 13328,' "stats sum (784*(1+2+3+4+2+5))" &&
        out_has '"min": 1, "max": 5' "stats min max" && ok
    run 0 counts --json "$TMP/dup" && out_has '{"label": 0, "name": null, "count": 1, "share": 0.16666666666666666}' "counts share" && ok
    run 1 verify "$TMP/dup" && out_has "FAILED: 4 of 4 files are not the official published release" "verify synthetic" &&
        out_has "unknown" "verify unknown" && ok
    run 1 stats --split test "$TMP/syn" && one_error_line "$TMP/syn" "stats on a missing split"
    run 2 stats --split bogus "$TMP/syn" && err_has "--split" "bad split" && ok
    run 2 counts "$TMP/syn" "$TMP/dup" && err_has "one PATH at most" "two paths" && ok
    local cmd
    for cmd in info stats counts dupes verify show export grid; do
        run 0 "$cmd" --help && out_has "usage: fmnist $cmd" "$cmd --help" && ok
    done

    run 0 show "$TMP/syn" train:3 && out_has "train:3  label 3" "show synthetic" &&
        [ "$(wc -l <"$TMP/out")" -eq 29 ] && ok || bad "show: 28 rows and a title"
    run 1 show "$TMP/syn" train:12 && err_has "holds 12 items" "show out of range" && ok
    run 1 show "$TMP/syn" test:0 && err_has "no test split" "show missing split" && ok
    run 2 show "$TMP/syn" && err_has "which images" "show nothing" && ok
    run 2 show "$TMP/syn" train:x && err_has "is not SPLIT:INDEX" "show bad selector" && ok

    # --stream: the same figures as a load, in constant memory
    for cmd in stats counts; do
        for fmt in "" --json; do
            run 0 $cmd $fmt "$TMP/syn" && cp "$TMP/out" "$TMP/loaded" &&
                run 0 $cmd $fmt --stream "$TMP/syn" && cmp -s "$TMP/out" "$TMP/loaded" && ok ||
                bad "$cmd $fmt --stream differs from the loaded figures: $(diff "$TMP/loaded" "$TMP/out" | head -5)"
        done
    done
    run 0 stats --help && out_has "--stream" "stats --help" && ok
    mkdir "$TMP/st"
    idx3 5 28 28 >"$TMP/st/train-images-idx3-ubyte"
    idx1 4 10 >"$TMP/st/train-labels-idx1-ubyte"
    # a stream fails as a load does, in the same words
    run 1 stats "$TMP/st" && cp "$TMP/err" "$TMP/load-err" &&
        run 1 stats --stream "$TMP/st" && cmp -s "$TMP/err" "$TMP/load-err" &&
        err_has "holds 4 labels, but the images file" "stream count mismatch" && ok ||
        bad "stream count mismatch: $(cat "$TMP/load-err" "$TMP/err")"
    idx1 5 10 >"$TMP/st/train-labels-idx1-ubyte"
    idx3 5 28 28 | head -c 3000 >"$TMP/st/train-images-idx3-ubyte"
    run 1 stats --stream "$TMP/st" && err_has "truncated" "stream truncated" && ok
    run 1 counts --stream --split test "$TMP/st" && err_has "no test split" "stream missing split" && ok
    idx3 5 28 28 >"$TMP/st/train-images-idx3-ubyte"
    run 1 stats --stream --classes 3 "$TMP/st" &&
        err_has "label 3 of item 3 (byte 11 of the IDX data) is not a valid class: expected 0 to 2" "stream --classes" && ok
    run 0 counts --stream --json "$TMP/st" && out_has '"count": 5' "stream counts" && ok
    # every bad file reported once, and JSON even when a split failed
    mkdir "$TMP/bad2"
    idx3 5 28 28 | head -c 3000 >"$TMP/bad2/train-images-idx3-ubyte"
    printf '<html>' >"$TMP/bad2/train-labels-idx1-ubyte"
    idx3 3 28 28 >"$TMP/bad2/t10k-images-idx3-ubyte"
    idx1 3 10 >"$TMP/bad2/t10k-labels-idx1-ubyte"
    for cmd in info stats counts "stats --stream" "counts --stream"; do
        # shellcheck disable=SC2086
        run 1 $cmd "$TMP/bad2" && [ "$(wc -l <"$TMP/err")" -eq 2 ] && err_has "train-labels-idx1-ubyte: not an IDX file" "$cmd" &&
            err_has "train-images-idx3-ubyte: IDX data is truncated" "$cmd" && ok || bad "$cmd: a line per bad file: $(cat "$TMP/err")"
    done
    for cmd in stats counts; do
        run 1 $cmd --json "$TMP/bad2" && python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert d["valid"] is False and len(d["errors"]) == 2, d["errors"]
assert [s["name"] for s in d["splits"]] == ["test"], d["splits"]' "$TMP/out" && ok || bad "$cmd --json with a bad split"
    done

    # convert: every format, names, no replacing without --force
    mkdir "$TMP/cv"
    run 0 convert --help && out_has "usage: fmnist convert" "convert --help" && out_has "Kaggle" "convert --help" && ok
    run 2 convert "$TMP/syn" -o "$TMP/cv" && err_has "no format" "convert without --to" && ok
    run 2 convert "$TMP/syn" --to tiff && err_has "'tiff' is not idx" "convert bad format" && ok
    run 2 convert "$TMP/syn" --to npy --name x && err_has "--name names one split" "convert --name all" && ok
    run 1 convert "$TMP/syn" --to npy -o "$TMP/nope" && err_has "no such directory" "convert missing dir" && ok
    run 0 convert "$TMP/syn" --to idx.gz -o "$TMP/cv" && out_has "train-images-idx3-ubyte.gz: 12 images" "convert idx.gz" &&
        out_has "train-labels-idx1-ubyte.gz: 12 labels" "convert idx.gz" && ok
    run 0 info --json "$TMP/cv" && out_has '"count": 12' "converted reads back" && out_has '"compression": "gzip"' "gz" && ok
    run 1 convert "$TMP/syn" --to idx.gz -o "$TMP/cv" && err_has "exists; nothing written" "convert exists" && ok
    run 0 convert "$TMP/syn" --to idx.gz -o "$TMP/cv" --force --index 2-4 && out_has "3 images" "convert --force" && ok
    run 0 info "$TMP/cv" && out_has "3 items of 28x28" "subset is a valid IDX split" && ok
    run 0 convert "$TMP/syn" --to idx --split train --name sub --class 3 -o "$TMP/cv" &&
        out_has "sub-images-idx3-ubyte: 1 image," "convert --class --name" && ok
    cmp -s <(tail -c +17 "$TMP/cv/sub-images-idx3-ubyte") <(head -c 784 /dev/zero | tr '\0' '\7') && ok || bad "convert idx pixels"
    run 0 convert "$TMP/syn" --to csv -o "$TMP/cv" && out_has "train.csv: 12 images" "convert csv" &&
        [ "$(head -1 "$TMP/cv/train.csv" | tr ',' '\n' | wc -l)" -eq 785 ] &&
        [ "$(sed -n 2p "$TMP/cv/train.csv" | cut -d, -f1-3)" = "0,7,7" ] &&
        [ "$(wc -l <"$TMP/cv/train.csv")" -eq 13 ] && ok || bad "convert csv content"
    run 0 convert "$TMP/syn" --to pgm -o "$TMP/cv" --index 1 && out_has "train-images.pgm: 1 image," "convert pgm" &&
        [ "$(head -c 30 "$TMP/cv/train-images.pgm" | tr '\n' '|')" = "P5|# item 1 label 1|28 28|255|" ] && ok ||
        bad "convert pgm header: $(head -c 30 "$TMP/cv/train-images.pgm")"
    run 1 convert "$TMP/syn" --to npy --class 9 --index 0-5 -o "$TMP/cv" && err_has "no image of the train split" "convert empty" && ok
    [ -z "$(ls -A "$TMP/cv" | grep '^\.')" ] && ok || bad "convert left temporary files: $(ls -A "$TMP/cv")"
    # --sample K --seed S is the library's draw: the first K of the seed's
    # permutation (for 10 items and seed 42: 1, 6, 7, 8, ... as test_train
    # pins it), in order
    mkdir "$TMP/ten" "$TMP/ten-out"
    idx3 10 28 28 >"$TMP/ten/train-images-idx3-ubyte"
    idx1 10 10 >"$TMP/ten/train-labels-idx1-ubyte"
    run 0 export "$TMP/ten" -o "$TMP/ten-out" --sample 4 --seed 42 &&
        [ "$(ls "$TMP/ten-out" | cut -c7-11 | tr '\n' ' ')" = "00001 00006 00007 00008 " ] && ok ||
        bad "--sample 4 --seed 42 drew $(ls "$TMP/ten-out" | tr '\n' ' ')"
    # a link to nothing is a name taken: refused before anything is written
    mkdir "$TMP/cv2" && ln -s no-such-file "$TMP/cv2/train-labels-idx1-ubyte"
    run 1 convert "$TMP/syn" --to idx -o "$TMP/cv2" && err_has "train-labels-idx1-ubyte: exists; nothing written" "dangling link" &&
        [ ! -e "$TMP/cv2/train-images-idx3-ubyte" ] && ok || bad "convert wrote beside a dangling link: $(ls -A "$TMP/cv2")"

    # a full disk while exporting: a clear error, no partial file left
    mkdir "$TMP/full"
    if mount -t tmpfs -o size=16k tmpfs "$TMP/full" 2>/dev/null; then
        # (all or nothing: not one image of those that fitted is kept)
        run 1 export "$TMP/dup" -o "$TMP/full" --all --scale 8 --compression 0 &&
            err_has "No space left on device" "disk full" &&
            [ -z "$(ls -A "$TMP/full")" ] && ok || bad "export to a full disk left $(ls -A "$TMP/full" | head -3)"
        run 1 export "$TMP/dup" -o "$TMP/full" --all --scale 8 --compression 0 --layout class-folders &&
            [ -z "$(ls -A "$TMP/full")" ] && ok || bad "export to class folders on a full disk left $(ls -A "$TMP/full" | head -3)"
        run 1 grid "$TMP/dup" -o "$TMP/full/g.png" --scale 16 --compression 0 &&
            err_has "No space left on device" "grid disk full" && [ ! -e "$TMP/full/g.png" ] && ok ||
            bad "grid to a full disk"
        umount "$TMP/full"
    else
        echo "note: cannot mount a small tmpfs (not root?): the disk-full test did not run"
    fi
    # several files are all written or none: the test images meet a file
    # size limit (EFBIG) after the train files were complete, and those
    # are not kept either
    mkdir "$TMP/lim" "$TMP/lim-out"
    idx3 10 28 28 >"$TMP/lim/train-images-idx3-ubyte"
    idx1 10 10 >"$TMP/lim/train-labels-idx1-ubyte"
    idx3 2000 28 28 >"$TMP/lim/t10k-images-idx3-ubyte"
    idx1 2000 10 >"$TMP/lim/t10k-labels-idx1-ubyte"
    (trap '' XFSZ; ulimit -f 1000; exec "$FMNIST" convert "$TMP/lim" --to npy -o "$TMP/lim-out") >"$TMP/out" 2>"$TMP/err"
    [ $? -eq 1 ] && err_has "test-images.npy: File too large" "size limit" &&
        [ -z "$(ls -A "$TMP/lim-out")" ] && ok || bad "convert under a size limit: exit, left $(ls -A "$TMP/lim-out")"
    # a file that appears after the check is not replaced, and undoes the
    # others: a folder in a target's place is refused even with --force
    mkdir "$TMP/lim-out/test-labels.npy"
    run 1 convert "$TMP/lim" --to npy -o "$TMP/lim-out" --force &&
        err_has "test-labels.npy: is a folder; not replaced" "folder target" &&
        [ "$(ls -A "$TMP/lim-out")" = test-labels.npy ] && ok || bad "convert over a folder left $(ls -A "$TMP/lim-out")"
    rm -rf "$TMP/lim" "$TMP/lim-out"
    # a reader that goes away early: stop quietly, as git does (600 images,
    # about 1 MB: far more than a pipe holds, so writes after head has gone
    # meet the closed pipe)
    local rc sel
    read -r -a sel <<<"$(printf 'train:0-5 %.0s' $(seq 100))"
    "$FMNIST" show --ascii "$TMP/dup" "${sel[@]}" 2>"$TMP/err" | head -c 1 >/dev/null
    rc=${PIPESTATUS[0]}
    { [ "$rc" -eq 141 ] || [ "$rc" -eq 0 ]; } && [ ! -s "$TMP/err" ] && ok ||
        bad "stdout closed early: exit $rc, $(cat "$TMP/err")"
    # a full stdout is an error, not silence
    if [ -w /dev/full ]; then
        "$FMNIST" info "$TMP/syn" >/dev/full 2>"$TMP/err"
        [ $? -eq 1 ] && grep -q "error writing to standard output" "$TMP/err" && ok || bad "stdout to /dev/full"
    fi
}

# The real data folders: $FMNIST_DATA, then Debian's, one a line.
real_dirs() {
    [ -n "${FMNIST_DATA:-}" ] && [ -d "$FMNIST_DATA" ] && echo "$FMNIST_DATA"
    [ -d /usr/share/datasets/fashion-mnist ] && [ "${FMNIST_DATA:-}" != /usr/share/datasets/fashion-mnist ] &&
        echo /usr/share/datasets/fashion-mnist
    return 0
}

# The command line as people's hands expect it (issue 12's conventions).
conventions() {
    local C="$TMP/conv" py
    py="$(dirname "$0")/pty_run.py"
    mkdir -p "$C/set" "$C/out"
    # an image of value V (1 to 255, not 10: a newline)
    img() { head -c 784 /dev/zero | tr '\0' "$(printf "\\$(printf %03o "$1")")"; }
    { printf '\x00\x00\x08\x03'; be32 4; be32 28; be32 28; img 11; img 21; img 31; img 41; } >"$C/set/train-images-idx3-ubyte"
    idx1 4 10 >"$C/set/train-labels-idx1-ubyte"
    # help and commands
    run 0 help counts && out_has "usage: fmnist counts" "help CMD" && ok
    local cmd dup
    for cmd in info stats counts dupes show export grid convert verify; do
        run 0 "$cmd" --help
        dup=$(grep -oE '^ +(-[a-z], )?--[a-z-]+' "$TMP/out" | sed 's/^ *//; s/^-., //' | sort | uniq -d)
        [ -z "$dup" ] && ok || bad "$cmd --help lists $dup twice"
    done
    run 2 help frob && err_has "'frob' is not a command" "help unknown" && ok
    run 2 infp && err_has "did you mean 'info'?" "nearest command" && ok
    run 2 verfy && err_has "did you mean 'verify'?" "nearest command" && ok
    run 2 xyzzy && err_has "'xyzzy' is not a command" "no near command" && ! grep -q "did you mean" "$TMP/err" && ok
    # conflicting or impossible options: usage errors, or a clear note
    run 2 export "$C/set" -o "$C/out" --all --index 1 && err_has "--all chooses every image" "--all with --index" && ok
    run 2 grid "$C/set" -o "$C/out/g.png" --cols 0 && err_has "--cols: must be at least 1" "--cols 0" && ok
    run 0 export "$C/set" -o "$C/out" --class 1 --sample 9 && err_has "--sample 9, but the choice holds 1 image" "--sample note" &&
        out_has "exported 1 image to" "--sample note" && ok
    # a sheet too large is refused before anything is allocated
    run 1 grid "$C/set" -o "$C/out/huge.png" --all --padding 1000 --scale 64 &&
        err_has "megapixels) is past the limit of 256 megapixels" "grid size" && [ ! -e "$C/out/huge.png" ] && ok
    # -o -: the PNG on standard output, no file named -
    (cd "$C/out" && ${FMNIST_RUNNER:-} "$FMNIST" grid "$C/set" -o - >"$TMP/out" 2>"$TMP/err") &&
        [ "$(head -c 4 "$TMP/out" | od -An -c | tr -d ' ')" = "211PNG" ] && [ ! -e "$C/out/-" ] && ok ||
        bad "grid -o -: $(head -c 100 "$TMP/err")"
    # files named alone
    run 0 stats --images "$C/set/train-images-idx3-ubyte" && out_has "sum      81536" "stats --images alone" &&
        out_has "torchvision: transforms.Normalize((" "the Normalize line" && ! grep -q "per class" "$TMP/out" && ok
    run 0 counts --json --labels "$C/set/train-labels-idx1-ubyte" && out_has '"count": 4' "counts --labels alone" && ok
    idx1 4 11 | sed 's/\x00\x00\x00\x04\x00\x01\x02\x03/\x00\x00\x00\x04\x00\x01\x02\x0a/' >"$C/bad-labels"
    run 1 counts --labels "$C/bad-labels" && err_has "label 10 of item 3" "counts --labels checks the labels" && ok
    local f="--images $C/set/train-images-idx3-ubyte --labels $C/set/train-labels-idx1-ubyte" c
    for c in "stats %F" "counts %F" "dupes %F" "show %F 0-1" "grid %F -o $C/out/files.png" "export %F --all -o $C/out" \
        "convert %F --to npy -o $C/out"; do
        # shellcheck disable=SC2086
        run 0 ${c/\%F/$f} && [ -s "$TMP/out" ] && ok || bad "$c with --images and --labels: $(cat "$TMP/err")"
    done
    run 2 show --images "$C/set/train-images-idx3-ubyte" 0 && err_has "name both --images and --labels" "show needs both" && ok
    run 2 stats "$C/set" --images "$C/set/train-images-idx3-ubyte" && err_has "a PATH, or --images and --labels" "both a PATH and files" && ok
    # dupes --check, groups in order of their first member
    run 0 dupes --check "$C/set" && ok
    run 1 dupes --check "$TMP/dup" && err_has "1 test image also in train" "dupes --check" && ok
    run 0 dupes "$TMP/dup" && [ "$(head -1 "$TMP/out")" = "group 1: train:1 (1) train:4 (4) test:2 (2)" ] && ok ||
        bad "dupes order: $(head -2 "$TMP/out")"
    # K at random of each class: full rows, drawn reproducibly
    local labels10 i
    { printf '\x00\x00\x08\x03'; be32 40; be32 28; be32 28; for ((i = 0; i < 40; i++)); do img $((i * 6 + 1)); done; } >"$C/forty-images"
    idx1 40 4 >"$C/forty-labels"
    run 0 grid --images "$C/forty-images" --labels "$C/forty-labels" -o "$C/out/pc.png" --per-class 3 --sample 3 --seed 5 &&
        out_has "12 images in 4 rows of 3" "grid --per-class --sample" && ok
    run 2 grid "$C/set" -o "$C/out/pc2.png" --per-class 3 --sample 2 && err_has "give both the same K" "per-class with another sample" && ok
    # what reaches the terminal is escaped: names and messages
    local evil
    evil="$C/$(printf 'x\033]0;pwned\007.gz')"
    cp "$C/set/train-labels-idx1-ubyte" "$evil"
    run 0 info "$evil" && ! grep -q "$(printf '\033')" "$TMP/out" && out_has 'x\e]0;pwned\x07.gz' "escaped name" && ok
    run 1 info "$evil.missing" && ! grep -q "$(printf '\033')" "$TMP/err" && err_has 'x\e]0;pwned\x07.gz.missing' "escaped message" && ok
    run 1 verify "$evil" && ! grep -q "$(printf '\033')" "$TMP/out" "$TMP/err" && out_has 'x\e]0;pwned\x07.gz' "verify: escaped name" && ok
    run 1 verify "$evil.missing" && ! grep -q "$(printf '\033')" "$TMP/out" "$TMP/err" && ok || bad "verify: escaped message"
    # no fixed table drops input: 70 paths, 70 verdicts
    local many=() i
    for ((i = 0; i < 70; i++)); do many+=("$evil"); done
    run 1 verify "${many[@]}" && [ "$(grep -c 'pwned' "$TMP/out")" -ge 70 ] &&
        out_has "70 of 70 files" "verify of 70 paths" && ok || bad "verify of 70 paths: $(tail -1 "$TMP/out")"
    run 0 info "${many[@]}" && [ "$(grep -c 'pwned' "$TMP/out")" -eq 70 ] && ok || bad "info of 70 paths"
    # a file compressed twice gets a hint
    gzip -c "$C/set/train-labels-idx1-ubyte" | gzip -c >"$C/twice.gz"
    run 1 info "$C/twice.gz" && err_has "compressed twice" "double gzip hint" && ok
    # class folders for ImageFolder and Keras
    run 0 export "$C/set" -o "$C/out" --layout class-folders --all &&
        [ -f "$C/out/train/0/00000.png" ] && [ -f "$C/out/train/3/00003.png" ] && ok || bad "class folders: $(find "$C/out/train" | head)"
    run 0 export "$C/set" -o "$C/out" --layout class-folders --all --dataset fashion-mnist --force &&
        [ -f "$C/out/train/0-t-shirt-top/00000.png" ] && [ -f "$C/out/train/3-dress/00003.png" ] && ok || bad "named class folders"
    # the terminal: Unicode and colour only on a UTF-8 terminal without
    # NO_COLOR; TERM=dumb and pipes keep ASCII
    if command -v python3 >/dev/null; then
        python3 "$py" LANG=C.UTF-8 LC_ALL= LC_CTYPE= TERM=xterm NO_COLOR= COLUMNS=100 -- "$FMNIST" show "$C/set" train:0-3 >"$TMP/out"
        grep -q "$(printf '\342\226\200')" "$TMP/out" && grep -q "$(printf '\033')\[38;5;" "$TMP/out" &&
            [ "$(grep -c 'label' "$TMP/out")" -eq 2 ] && ok || bad "show on a UTF-8 terminal: blocks, colour, 3 a row: $(head -c 300 "$TMP/out" | cat -v)"
        python3 "$py" LANG=C.UTF-8 LC_ALL= LC_CTYPE= TERM=xterm NO_COLOR= -- "$FMNIST" counts "$C/set" >"$TMP/out"
        grep -q "$(printf '\342\226\210')" "$TMP/out" && ok || bad "counts on a UTF-8 terminal: no blocks"
        local e
        for e in "LANG=C LC_ALL= LC_CTYPE= TERM=xterm NO_COLOR=" "LANG=C.UTF-8 LC_ALL= LC_CTYPE= TERM=xterm NO_COLOR=1" \
            "LANG=C.UTF-8 LC_ALL=C LC_CTYPE= TERM=xterm NO_COLOR=" "LANG=C.UTF-8 LC_ALL= LC_CTYPE= TERM=dumb NO_COLOR="; do
            # shellcheck disable=SC2086
            python3 "$py" $e -- "$FMNIST" show "$C/set" train:0 >"$TMP/out"
            # shellcheck disable=SC2086
            python3 "$py" $e -- "$FMNIST" counts "$C/set" >>"$TMP/out"
            ! grep -q "$(printf '\033')" "$TMP/out" && ! grep -q "$(printf '\342\226')" "$TMP/out" && ok || bad "$e: not plain ASCII"
        done
    else
        echo "note: python3 is missing: the terminal tests did not run"
    fi
    run 0 show "$C/set" train:0-3 && ! grep -q "$(printf '\033')" "$TMP/out" && ok || bad "show to a pipe: not ASCII"
    # a build without libcurl says how to get one that can download
    if ! "$FMNIST" --version | grep -q "libcurl)"; then
        run 1 download -o "$C/dl" --no-default-mirrors --mirror http://127.0.0.1:9/ &&
            err_has "built without libcurl" "download without libcurl" && ok
    fi
}

real() {
    local dirs=() d
    mapfile -t dirs < <(real_dirs)
    if [ ${#dirs[@]} -eq 0 ]; then
        echo "SKIP: no Fashion-MNIST data: set FMNIST_DATA, or 'apt-get install dataset-fashion-mnist'"
        exit 77
    fi
    for d in "${dirs[@]}"; do
        echo "real data in $d"
        local want=repacked
        [ "$(stat -c %s "$d/train-images-idx3-ubyte.gz" 2>/dev/null)" = 26421880 ] && want=identical
        run 0 info "$d" || continue
        out_has "train: Fashion-MNIST, 60000 items of 28x28, 10 classes" "$d train" &&
            out_has "test: Fashion-MNIST, 10000 items of 28x28, 10 classes" "$d test" &&
            out_has "Ankle boot" "$d names" && ok
        # info hashes nothing: what the CRC-32 says; --prove hashes
        [ "$(grep -c "^          published: the Fashion-MNIST" "$TMP/out")" -eq 4 ] && ok || bad "$d: 4 files not 'published'"
        run 0 info --prove "$d" || continue
        [ "$(grep -c "^          $want" "$TMP/out")" -eq 4 ] && ok || bad "$d: 4 files not '$want' with --prove"
        run 0 info --json "$d" || continue
        [ "$(grep -c '"count": 6000}' "$TMP/out")" -eq 10 ] && ok || bad "$d: 6000 per class"
        [ "$(grep -c '"count": 1000}' "$TMP/out")" -eq 10 ] && ok || bad "$d: 1000 per class"
        [ "$(grep -c '"release": "published"' "$TMP/out")" -eq 4 ] && [ "$(grep -c '"sha256": null' "$TMP/out")" -eq 4 ] &&
            ok || bad "$d: json release, unproven"
        run 0 info --prove --json "$d" || continue
        [ "$(grep -c "\"release\": \"$want\"" "$TMP/out")" -eq 4 ] && ok || bad "$d: json release"
        if [ "$want" = repacked ]; then # sha256sum of each file's zcat
            out_has '"sha256": "0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34"' "$d: sha256 of the test labels" &&
                [ "$(grep -c '"sha256": "[0-9a-f]\{64\}"' "$TMP/out")" -eq 4 ] && ok || bad "$d: json sha256"
        fi
        out_has '"name": "T-shirt/top"' "$d json names" && out_has '"dataset": "fashion-mnist"' "$d json dataset" && ok
        # stats, counts, verify and dupes against the known answers
        run 0 stats --json "$d" && python3 - "$TMP/out" <<'EOF' && ok || bad "$d: stats known answers"
import json, sys
d = json.load(open(sys.argv[1]))
tr, te = d["splits"]
assert tr["name"] == "train" and tr["count"] == 60000
p = tr["pixels"]
assert p["count"] == 47040000 and p["sum"] == 3431114169 and p["min"] == 0 and p["max"] == 255
assert repr(p["mean"]) == "72.94035223214286", p["mean"]
assert "%.7f" % p["mean01"] == "0.2860406" and "%.7f" % p["std01"] == "0.3530242"
assert te["pixels"]["sum"] == 573469082
assert sum(tr["histogram"]) == 47040000
assert sum(c["pixels"]["sum"] for c in tr["classes"]) == 3431114169
assert [c["count"] for c in te["classes"]] == [1000] * 10
EOF
        run 0 stats "$d" && out_has "normalize: mean=0.2860406 std=0.3530242" "$d normalize" &&
            out_has "mean     72.94035223214286 (0-255)" "$d mean" && ok
        run 0 counts --json "$d" && [ "$(grep -c '"count": 6000, "share": 0.1}' "$TMP/out")" -eq 10 ] && ok || bad "$d: counts"
        run 0 verify "$d" && out_has "VERIFIED: 4 of 4 files are the official Fashion-MNIST release" "$d verify" &&
            [ "$(grep -c "^t[a-z]* *[a-z]* *$want" "$TMP/out")" -eq 4 ] && ok || bad "$d: verify"
        run 0 dupes --json "$d" && out_has '"test_in_train": 0' "$d dupes" && out_has '"groups_total": 0' "$d dupes" && ok
        # PNGs read back by an independent decoder equal the IDX bytes
        local py
        py="$(dirname "$0")/png_independent.py"
        mkdir -p "$TMP/png"
        rm -f "$TMP/png"/*
        run 0 export "$d" -o "$TMP/png" --index 0,59999 --compression 9 &&
            python3 "$py" export "$d/train-images-idx3-ubyte.gz" "$TMP/png/train-00000-9-ankle-boot.png" 0 &&
            python3 "$py" export "$d/train-images-idx3-ubyte.gz" "$TMP/png/train-59999-5-sandal.png" 59999 && ok ||
            bad "$d: export read back independently"
        run 0 grid "$d" --split test -o "$TMP/png/grid.png" --index 3-9 --cols 3 --padding 1 --pad-value 77 &&
            python3 "$py" grid "$d/t10k-images-idx3-ubyte.gz" "$TMP/png/grid.png" 3 1 77 3 4 5 6 7 8 9 && ok ||
            bad "$d: grid read back independently"
        run 0 show "$d" train:0 test:1 && out_has "train:0  label 9  Ankle boot" "$d show" &&
            out_has "test:1  label 2  Pullover" "$d show" && [ "$(wc -l <"$TMP/out")" -eq 59 ] && ok || bad "$d: show"
        # the streamed figures equal the loaded ones
        run 0 stats --json "$d" && cp "$TMP/out" "$TMP/loaded" && run 0 stats --json --stream "$d" &&
            cmp -s "$TMP/out" "$TMP/loaded" && ok || bad "$d: stats --stream differs"
        # and so do those of one thread and of three (the test split: 4.4 MB
        # of gzip, cut in parts)
        run 0 stats --json --split test --threads 1 "$d" && cp "$TMP/out" "$TMP/loaded" &&
            run 0 stats --json --split test --threads 3 "$d" && cmp -s "$TMP/out" "$TMP/loaded" && ok ||
            bad "$d: stats --threads differs"
        run 2 info --threads 0 "$d" && err_has "--threads: '0' is not a number from 1 to 64" "$d --threads 0" && ok
        # convert: the gzipped IDX re-encoding is the same release, repacked
        rm -rf "$TMP/rcv" && mkdir "$TMP/rcv"
        run 0 convert "$d" --to idx.gz -o "$TMP/rcv" && run 0 verify "$TMP/rcv" &&
            [ "$(grep -c "^t[a-z]* *[a-z]* *repacked" "$TMP/out")" -eq 4 ] && ok || bad "$d: convert idx.gz: $(cat "$TMP/out")"
        run 0 convert "$d" --to csv --split test --per-class 1 -o "$TMP/rcv" &&
            [ "$(wc -l <"$TMP/rcv/fashion-mnist_test.csv")" -eq 11 ] &&
            [ "$(sed -n 2p "$TMP/rcv/fashion-mnist_test.csv" | cut -d, -f1)" = 9 ] && ok || bad "$d: convert csv"
        # one file alone
        run 0 info --json "$d/t10k-labels-idx1-ubyte.gz" && out_has '"kind": "labels"' "$d file alone" &&
            out_has '"splits": []' "$d file alone" && ok
    done
}

# The layouts users have, built from the first real data folder found.
real_layouts() {
    local d
    d=$(real_dirs | head -1)
    if [ -z "$d" ]; then
        echo "SKIP: no Fashion-MNIST data: set FMNIST_DATA, or 'apt-get install dataset-fashion-mnist'"
        exit 77
    fi
    echo "layouts made from $d"
    local want=repacked
    [ "$(stat -c %s "$d/train-images-idx3-ubyte.gz" 2>/dev/null)" = 26421880 ] && want=identical
    layouts "$d" "$want"
    if [ -n "${FMNIST_MNIST_DATA:-}" ] && [ -f "$FMNIST_MNIST_DATA/train-images-idx3-ubyte" ]; then
        mnist "$FMNIST_MNIST_DATA" "$d"
    else
        echo "note: FMNIST_MNIST_DATA (unpacked MNIST files) is not set: the MNIST cases did not run"
    fi
}


# layouts D WANT: the real files of directory D in the layouts users have,
# through every command (WANT: identical for the published .gz, else
# repacked)
layouts() {
    local d=$1 want=$2 L="$TMP/layouts" f c
    rm -rf "$L" && mkdir -p "$L"
    # torchvision: ROOT/FashionMNIST/raw, each .gz beside its unpacked copy
    local raw="$L/root/FashionMNIST/raw"
    mkdir -p "$raw" "$L/root/FashionMNIST/processed"
    for f in train-images-idx3-ubyte train-labels-idx1-ubyte t10k-images-idx3-ubyte t10k-labels-idx1-ubyte; do
        cp "$d/$f.gz" "$raw/" && gzip -dc "$d/$f.gz" >"$raw/$f"
    done
    run 0 info "$L/root" && out_has "train: Fashion-MNIST, 60000 items" "torchvision root" &&
        out_has "the same bytes: $raw/train-images-idx3-ubyte" "copies listed" && ok
    run 0 verify "$L/root" && out_has "VERIFIED: 8 of 8 files" "verify every copy" &&
        [ "$(grep -c "repacked (same content)  $raw/[a-z0-9-]*ubyte$" "$TMP/out")" -eq 4 ] && ok ||
        bad "torchvision root verify: $(cat "$TMP/out")"
    run 0 verify --json "$L/root" && out_has '"verdict": "verified"' "verify json" && ok
    # the unpacked copy, the one torchvision reads, damaged by one byte
    printf '\001' | dd of="$raw/t10k-images-idx3-ubyte" bs=1 seek=100000 conv=notrunc 2>/dev/null
    run 1 verify "$L/root" && out_has "FAILED" "damaged copy: verify" &&
        out_has "test images   not known                $raw/t10k-images-idx3-ubyte" "damaged copy: its verdict" &&
        err_has "differs from $raw/t10k-images-idx3-ubyte.gz" "damaged copy: the copies differ" && ok
    ! grep -q "modified" "$TMP/out" && ok || bad "a file whose content may be KMNIST's called modified"
    for c in "info @" "counts --split test @" "stats --split test @" "counts --split test --stream @" \
        "stats --split test --stream @" "dupes --split test @" "show @ test:0" "grid --split test -o $L/g.png @" \
        "export --split test --all -o $L @" "convert --split test --to npy -o $L @"; do
        # shellcheck disable=SC2086
        run 1 ${c/@/$L/root} && err_has "t10k-images-idx3-ubyte: differs from" "damaged copy: $c" && ok
    done
    [ ! -e "$L/g.png" ] && [ -z "$(ls "$L" | grep -v root)" ] && ok || bad "a command wrote output from a damaged folder"
    # renamed downloads: paired by content and the words of their names
    mkdir "$L/renamed"
    cp "$d/train-images-idx3-ubyte.gz" "$L/renamed/fashion_train_images.gz"
    cp "$d/train-labels-idx1-ubyte.gz" "$L/renamed/fashion_train_labels.gz"
    gzip -dc "$d/t10k-images-idx3-ubyte.gz" >"$L/renamed/fashion_test_images.idx"
    cp "$d/t10k-labels-idx1-ubyte.gz" "$L/renamed/fashion_test_labels.gz"
    echo "downloaded from the course page" >"$L/renamed/README.txt"
    run 0 info "$L/renamed" && out_has "test: Fashion-MNIST, 10000 items" "renamed files" && ok
    run 0 verify "$L/renamed" && out_has "VERIFIED: 4 of 4" "renamed files verified" && ok
    run 0 counts --stream --json "$L/renamed" && [ "$(grep -c '"count": 1000, "share": 0.1}' "$TMP/out")" -eq 10 ] && ok ||
        bad "renamed files streamed"
    # a truncated download: a stream fails as a load does, in its words
    mkdir "$L/cut"
    head -c 2000000 "$d/t10k-images-idx3-ubyte.gz" >"$L/cut/t10k-images-idx3-ubyte.gz"
    cp "$d/t10k-labels-idx1-ubyte.gz" "$L/cut/"
    for c in counts stats; do
        run 1 $c "$L/cut" && cp "$TMP/err" "$TMP/load-err" && run 1 $c --stream "$L/cut" &&
            cmp -s "$TMP/err" "$TMP/load-err" && err_has "gzip stream is truncated" "$c --stream on a cut file" && ok ||
            bad "$c --stream on a cut file: $(cat "$TMP/err")"
        run 1 $c --json "$L/cut" && out_has '"valid": false' "$c --json valid" &&
            out_has "\"$L/cut/t10k-images-idx3-ubyte.gz: gzip stream is truncated" "$c --json errors" && ok
    done
    # a damaged gzip trailer, past the images show draws: still refused
    mkdir "$L/crc"
    cp "$d/t10k-labels-idx1-ubyte.gz" "$L/crc/"
    local size
    size=$(stat -c %s "$d/t10k-images-idx3-ubyte.gz")
    { head -c $((size - 8)) "$d/t10k-images-idx3-ubyte.gz"; printf '\0\0\0\0'; tail -c 4 "$d/t10k-images-idx3-ubyte.gz"; } \
        >"$L/crc/t10k-images-idx3-ubyte.gz"
    run 1 show "$L/crc" test:0 && err_has "CRC-32 mismatch" "show on a damaged file" && [ ! -s "$TMP/out" ] && ok ||
        bad "show drew a damaged file"
    # every bad file is reported once
    mkdir "$L/bad4"
    head -c 5000000 "$d/train-images-idx3-ubyte.gz" >"$L/bad4/train-images-idx3-ubyte.gz"
    printf '<html><body>404</body></html>' >"$L/bad4/train-labels-idx1-ubyte.gz"
    gzip -dc "$d/t10k-images-idx3-ubyte.gz" | head -c 100000 >"$L/bad4/t10k-images-idx3-ubyte"
    { gzip -dc "$d/t10k-labels-idx1-ubyte.gz"; echo junk; } >"$L/bad4/t10k-labels-idx1-ubyte"
    for c in info "counts --stream" stats; do
        # shellcheck disable=SC2086
        run 1 $c "$L/bad4" && [ "$(wc -l <"$TMP/err")" -eq 4 ] &&
            [ "$(cut -d: -f2 "$TMP/err" | sort -u | wc -l)" -eq 4 ] && ok || bad "$c: not one line per bad file: $(cat "$TMP/err")"
    done
    run 1 info --json "$L/bad4" && python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert len(d["errors"]) == 4 and d["valid"] is False and d["splits"] == [], d' "$TMP/out" && ok || bad "info --json: an error per bad file"
    # an override names the classes; the content stays what it is
    run 0 info --dataset kmnist "$d" &&
        out_has "train: Fashion-MNIST, 60000 items of 28x28, 10 classes (class names of KMNIST, by --dataset)" "--dataset" &&
        out_has "published: the Fashion-MNIST train images" "--dataset keeps the identification" &&
        out_has "      0  o" "--dataset names" && ok
    run 0 counts --json --dataset kmnist "$d" && out_has '"dataset": "fashion-mnist", "class_names": "kmnist"' "counts --dataset" && ok
    # verify FILE...: split and kind from the content
    run 0 verify --json "$d/t10k-labels-idx1-ubyte.gz" "$raw/train-labels-idx1-ubyte" &&
        out_has '"split": "test", "kind": "labels", "status": "'"$want"'"' "verify FILE split" &&
        out_has '"split": "train", "kind": "labels", "status": "repacked"' "verify FILE unpacked" && ok
    # through a pipe: the same verdict as the file itself
    cat "$d/t10k-labels-idx1-ubyte.gz" | ${FMNIST_RUNNER:-} "$FMNIST" verify /dev/stdin >"$TMP/out" 2>"$TMP/err" &&
        out_has "test labels   $want" "verify through a pipe" && ok || bad "pipe: $(cat "$TMP/out" "$TMP/err")"
    # changed content: "modified" only where every content of that shape is
    # known; else not known (train labels: EMNIST MNIST's is not known)
    mkdir "$L/edit"
    gzip -dc "$d/train-labels-idx1-ubyte.gz" | sed 's/\x09/\x08/' >"$L/edit/train-labels-idx1-ubyte"
    gzip -dc "$d/t10k-labels-idx1-ubyte.gz" | sed 's/\x09/\x08/' >"$L/edit/t10k-labels-idx1-ubyte"
    run 1 verify "$L/edit/train-labels-idx1-ubyte" "$L/edit/t10k-labels-idx1-ubyte" &&
        out_has "train labels  not known" "edited train labels" && out_has "test labels   not known" "edited test labels" && ok
    rm -rf "$L"
}

# mnist M D: unpacked MNIST files in M (published SHA-256s checked by the
# caller) beside the Fashion-MNIST files of D
mnist() {
    local m=$1 d=$2 L="$TMP/mnist" f c
    rm -rf "$L" && mkdir -p "$L/raw" "$L/gz" "$L/pair"
    cp "$m"/*-ubyte "$L/raw/"
    for f in "$m"/*-ubyte; do gzip -1c "$f" >"$L/gz/$(basename "$f").gz"; done
    for c in raw gz; do
        run 0 info "$L/$c" && out_has "train: MNIST, 60000 items" "MNIST $c" &&
            [ "$(grep -c "published: the MNIST" "$TMP/out")" -eq 4 ] && ok || bad "MNIST $c: $(cat "$TMP/out")"
        run 0 info --prove "$L/$c" &&
            [ "$(grep -c "repacked: the published MNIST" "$TMP/out")" -eq 4 ] && ok || bad "MNIST $c --prove: $(cat "$TMP/out")"
        run 0 verify "$L/$c" && out_has "VERIFIED: 4 of 4 files are the official MNIST release" "MNIST $c verify" && ok
    done
    # MNIST images with Fashion-MNIST labels: every command refuses the pair
    cp "$m/t10k-images-idx3-ubyte" "$L/pair/"
    cp "$d/t10k-labels-idx1-ubyte.gz" "$L/pair/"
    for c in "info @" "show @ test:0" "counts @" "stats @" "counts --stream @" "stats --stream @" "dupes @" \
        "grid --split test -o $L/g.png @" "export --split test --all -o $L @" "convert --to npy -o $L @"; do
        # shellcheck disable=SC2086
        run 1 ${c/@/$L/pair} && err_has "these are the fashion-mnist test labels, but" "bad pair: $c" && ok
    done
    [ ! -e "$L/g.png" ] && [ -z "$(ls "$L" | grep -v 'raw\|gz\|pair')" ] && ok || bad "output written from a bad pair: $(ls "$L")"
    run 1 verify "$L/pair" && err_has "these are the fashion-mnist test labels" "verify bad pair" && ok
}

# fmnist audit on made-up splits whose distances are known by hand: images
# of one value each, so two images of values a and b are 784 (a - b)^2 apart.
audit_synthetic() {
    local A="$TMP/aud"
    mkdir -p "$A/set" "$A/out"
    img() { head -c 784 /dev/zero | tr '\0' "$(printf "\\$(printf %03o "$1")")"; }
    # train: values 1 2 3 4 2 5 (labels 0-5: items 1 and 4 are copies);
    # test: 7 8 2 (labels 0 1 2: test 2 is a copy of train 1 and 4)
    { printf '\x00\x00\x08\x03'; be32 6; be32 28; be32 28; img 1; img 2; img 3; img 4; img 2; img 5; } >"$A/set/train-images-idx3-ubyte"
    idx1 6 10 >"$A/set/train-labels-idx1-ubyte"
    { printf '\x00\x00\x08\x03'; be32 3; be32 28; be32 28; img 7; img 8; img 2; } >"$A/set/t10k-images-idx3-ubyte"
    idx1 3 10 >"$A/set/t10k-labels-idx1-ubyte"
    run 0 audit "$A/set" && out_has "1-NN accuracy: 0.00% (0 of 3)" "audit accuracy" &&
        out_has "exact copies: 1 test image in train, 2 train images with a copy in the split" "audit copies" &&
        out_has "test 2 (2) ~ train 1 (1): 0" "audit closest pair (the lower index of two copies)" &&
        out_has "test 0 (0) ~ train 5 (5): 3136" "audit 784 * 2^2" &&
        out_has "train 1 (1) ~ train 4 (4): 0" "audit within" && ok
    run 0 audit --json --near 3136 --top 2 "$A/set" && python3 - "$TMP/out" <<'PY' && ok || bad "audit --json: $(head -c 600 "$TMP/out")"
import json, sys
j = json.load(open(sys.argv[1]))
a = j["across"]
assert j["near"] == 3136 and a["count"] == 3 and a["copies"] == 1 and a["near_count"] == 2, a
assert a["accuracy_1nn"] == 0 and a["correct_1nn"] == 0
assert a["pairs"] == [{"test": 2, "train": 1, "distance2": 0, "test_label": 2, "train_label": 1},
                      {"test": 0, "train": 5, "distance2": 3136, "test_label": 0, "train_label": 5}], a["pairs"]
assert [h["count"] for h in a["histogram"]][:6] == [1, 0, 0, 1, 1, 0] and a["histogram"][-1]["up_to"] is None
tr, te = j["within"]
assert tr["split"] == "train" and tr["copies"] == 2 and tr["near_count"] == 6, tr
assert tr["pairs"][0] == {"a": 1, "b": 4, "distance2": 0, "label_a": 1, "label_b": 4}
assert te["split"] == "test" and te["near_count"] == 2, te
c = {x["split"]: x["count"] for x in j["label_conflicts"]}
assert c == {"test-train": 2, "train": 11, "test": 1}, c
assert [s["split"] for s in j["suspects"]] == ["train", "test"]
PY
    # a split whose neighbours mostly share another label: suspects
    { printf '\x00\x00\x08\x03'; be32 5; be32 28; be32 28; img 1; img 2; img 3; img 60; img 61; } >"$A/s-images"
    printf '\x00\x00\x08\x01\x00\x00\x00\x05\x00\x00\x00\x01\x01' >"$A/s-labels"
    run 0 audit --k 2 --json --images "$A/s-images" --labels "$A/s-labels" && python3 - "$TMP/out" <<'PY' && ok || bad "audit suspects: $(cat "$TMP/out")"
import json, sys
j = json.load(open(sys.argv[1]))
assert "across" not in j and len(j["within"]) == 1
s = j["suspects"][0]
# item 2 (value 3, label 0): its 2 nearest are 1 and 0 (label 0): not a
# suspect; item 3 (value 60, label 1): 4 (label 1) and 2 (label 0): 1 of 2
assert s["k"] == 2 and s["count"] == 0, s
PY
    run 0 audit --k 3 --json --images "$A/s-images" --labels "$A/s-labels" && python3 - "$TMP/out" <<'PY' && ok || bad "audit suspects k 3: $(cat "$TMP/out")"
import json, sys
s = json.load(open(sys.argv[1]))["suspects"][0]
# item 2 (label 0): 1, 0 and 3... nearest 1 (0), 0 (0), 3 (1): no; item 3
# (label 1): 4 (1), 2 (0), 1 (0): 2 of 3 say 0: a suspect; item 4 (label
# 1): 3 (1), 2 (0), 1 (0): 2 of 3 say 0
assert s["count"] == 2 and s["items"] == [{"index": 3, "label": 1, "neighbours": 0, "votes": 2},
                                          {"index": 4, "label": 1, "neighbours": 0, "votes": 2}], s
assert s["by_class"] == [{"given": 1, "neighbours": 0, "count": 2}], s
PY
    # the sheet: a PNG, to a file or to standard output
    run 0 audit "$A/set" --top 2 -o "$A/out/pairs.png" && out_has "wrote $A/out/pairs.png: 6 pairs" "audit -o" &&
        [ "$(head -c 8 "$A/out/pairs.png" | od -An -tx1 | tr -d ' ')" = 89504e470d0a1a0a ] && ok || bad "audit sheet"
    run 1 audit "$A/set" -o "$A/out/pairs.png" && err_has "exists" "audit -o exists" && ok
    "$FMNIST" audit "$A/set" -o - 2>/dev/null | head -c 8 | od -An -tx1 | tr -d ' ' | grep -q 89504e470d0a1a0a && ok ||
        bad "audit -o - : not a PNG on stdout"
    run 2 audit --json -o - "$A/set" && err_has "-o -: the sheet takes standard output" "audit --json -o -" && ok
    # usage errors
    run 2 audit --k 0 "$A/set" && err_has "--k: '0' is not a number from 1 to 1000000" "audit --k 0" && ok
    run 2 audit --near x "$A/set" && err_has "--near" "audit --near" && ok
    run 2 audit --top -1 "$A/set" && err_has "--top" "audit --top" && ok
    run 2 audit --images "$A/s-images" && err_has "--labels" "audit --images alone" && ok
    run 0 audit --help && out_has "usage: fmnist audit" "audit --help" && ok
}

# fmnist audit on the real data against an independent NumPy computation
# (exact squared distances in float64 BLAS, every partial sum an integer
# below 2^53; ties to the lower index): the known answers.
audit_real() {
    local d
    d=$(real_dirs | head -1)
    if [ -z "$d" ]; then
        echo "SKIP: no Fashion-MNIST data: set FMNIST_DATA, or 'apt-get install dataset-fashion-mnist'"
        exit 77
    fi
    run 0 audit --json --top 4 -o "$TMP/pairs.png" "$d" && python3 - "$TMP/out" <<'PY' && ok || bad "$d: audit known answers: $(head -c 800 "$TMP/out")"
import json, sys
j = json.load(open(sys.argv[1]))
a = j["across"]
assert a["count"] == 10000 and a["correct_1nn"] == 8497 and a["accuracy_1nn"] == 0.8497, a
assert a["copies"] == 0 and a["near"] == 20000 and a["near_count"] == 6, a
assert [h["count"] for h in a["histogram"]] == [0, 1, 0, 1, 3, 1, 6, 13, 210, 2176, 4145, 2854, 587, 3]
assert [(p["test"], p["train"], p["distance2"], p["test_label"], p["train_label"]) for p in a["pairs"]] == \
    [(4998, 13360, 433, 0, 0), (9867, 58762, 4319, 0, 0), (2605, 11932, 5961, 6, 6), (6210, 19456, 9042, 4, 4)]
w = {x["split"]: x for x in j["within"]}
assert w["train"]["near_count"] == 37 and w["test"]["near_count"] == 2 and w["train"]["copies"] == 0
assert [(p["distance2"], p["a"], p["b"]) for p in w["train"]["pairs"][:3]] == [(352, 20554, 36357), (423, 29413, 43549), (485, 753, 29413)]
assert [(p["distance2"], p["a"], p["b"]) for p in w["test"]["pairs"][:3]] == [(1727, 2115, 4926), (58747, 802, 9921), (79335, 4263, 8597)]
assert {c["split"]: c["count"] for c in j["label_conflicts"]} == {"test-train": 0, "train": 0, "test": 0}
assert {s["split"]: s["count"] for s in j["suspects"]} == {"train": 5811, "test": 1159}
PY
    [ "$(head -c 8 "$TMP/pairs.png" | od -An -tx1 | tr -d ' ')" = 89504e470d0a1a0a ] && ok || bad "$d: audit sheet"
}

# Images of no pixels (N x 0 x W, N x H x 0): every command works or
# refuses in one line, never crashes
zero_extents() {
    local Z="$TMP/zero" shape shapes="0 28 28|3 0 28|3 28 0"
    # under a runner (valgrind), one shape: each run costs a second there
    [ -z "${FMNIST_RUNNER:-}" ] || shapes="3 0 28"
    local IFS_was=$IFS
    IFS='|'
    set -f
    # shellcheck disable=SC2086
    set -- $shapes
    IFS=$IFS_was
    set +f
    for shape in "$@"; do
        rm -rf "$Z" && mkdir -p "$Z/out"
        # shellcheck disable=SC2086
        idx3 $shape >"$Z/train-images-idx3-ubyte"
        idx1 "${shape%% *}" 3 >"$Z/train-labels-idx1-ubyte"
        if [ "${shape%% *}" = 0 ]; then # no items: nothing to choose
            run 1 grid "$Z" -o "$Z/g.png" && one_error_line "$Z" "no items: grid" && ok
            run 1 export "$Z" --all -o "$Z/out" && one_error_line "$Z" "no items: export" && ok
            run 0 audit "$Z" && ok
            run 0 stats "$Z" && ok
            run 0 stats --stream "$Z" && ok
            run 0 counts "$Z" && ok
            run 0 dupes "$Z" && ok
            run 0 convert "$Z" --to npy -o "$Z/out" && ok
            run 0 info "$Z" && ok
            continue
        fi
        run 1 grid "$Z" --padding 0 -o "$Z/g.png" && one_error_line "$Z" "zero ($shape): grid" &&
            err_has "pixels: no picture can show them" "zero ($shape): grid" && ok
        run 1 export "$Z" --all -o "$Z/out" && one_error_line "$Z" "zero ($shape): export" && ok
        run 0 audit "$Z" && out_has "exact copies: 3 train images" "zero ($shape): audit" && ok
        run 0 audit "$Z" -o "$Z/pairs.png" && ok
        run 0 stats "$Z" && out_has "pixels   0" "zero ($shape): stats" && ok
        run 0 stats --stream "$Z" && ok
        run 0 counts "$Z" && ok
        run 0 show "$Z" train:0 && ok
        run 0 dupes "$Z" && ok
        run 0 convert "$Z" --to csv -o "$Z/out" && ok
        run 0 convert "$Z" --to npy -o "$Z/out" && ok
        run 0 info "$Z" && ok
    done
}

# A label that is no class: the same one line from a load and a stream
streams_as_loads() {
    local L="$TMP/lab37"
    mkdir -p "$L"
    idx3 3 2 2 >"$L/train-images-idx3-ubyte"
    { printf '\x00\x00\x08\x01'; be32 3; printf '\x01\x25\x02'; } >"$L/train-labels-idx1-ubyte"
    local cmd want="label 37 of item 1 (byte 9 of the IDX data) is not a valid class: expected 0 to 9"
    for cmd in "counts" "counts --stream" "stats" "stats --stream"; do
        # shellcheck disable=SC2086
        run 1 $cmd "$L" && one_error_line "$L/train-labels-idx1-ubyte" "label 37: $cmd" &&
            err_has "$want" "label 37: $cmd" && ok
    done
}

# A FIFO with no writer opens and ends at once: never a hang
fifo_input() {
    command -v mkfifo >/dev/null || return 0
    mkfifo "$TMP/fifo" || return 0
    local t0=$SECONDS
    run 1 info "$TMP/fifo" && one_error_line "$TMP/fifo" "a FIFO" && ok
    [ $((SECONDS - t0)) -lt 30 ] && ok || bad "a FIFO took $((SECONDS - t0)) s"
    rm -f "$TMP/fifo"
}

# One item of 200 MB (10000 x 20000) streamed by stats: memory stays at a
# chunk (peak RSS under 64 MiB), whatever one item's size
huge_item() {
    [ -z "${FMNIST_RUNNER:-}" ] || { echo "huge_item: skipped under ${FMNIST_RUNNER%% *}"; return 0; }
    command -v python3 >/dev/null || return 0
    local H="$TMP/huge"
    mkdir -p "$H"
    # gzip members, concatenated: the header, then 2 of 100 MB of zeros
    { printf '\x00\x00\x08\x03'; be32 1; be32 10000; be32 20000; } | gzip -1 >"$H/train-images-idx3-ubyte.gz"
    head -c 100000000 /dev/zero | gzip -1 >"$H/zeros.gz"
    local i
    for i in 1 2; do cat "$H/zeros.gz" >>"$H/train-images-idx3-ubyte.gz"; done
    rm "$H/zeros.gz"
    idx1 1 10 >"$H/train-labels-idx1-ubyte"
    python3 - "$FMNIST" "$H" "$TMP/out" <<'PY' && ok || bad "huge_item: stats --stream"
import resource, subprocess, sys
out = subprocess.run([sys.argv[1], "stats", "--stream", sys.argv[2]], capture_output=True, text=True)
open(sys.argv[3], "w").write(out.stdout)
assert out.returncode == 0, out.stderr
assert "pixels   200000000" in out.stdout, out.stdout
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # KiB
assert peak < 64 * 1024, "peak RSS %d KiB" % peak
PY
    rm -rf "$H"
}

# info describes a file, then frees it: one 96 MB bomb named four times
# peaks where naming it once does (within 32 MiB), not at four times that
info_frees() {
    [ -z "${FMNIST_RUNNER:-}" ] || { echo "info_frees: skipped under ${FMNIST_RUNNER%% *}"; return 0; }
    command -v python3 >/dev/null || return 0
    { printf '\x00\x00\x08\x03'; be32 122000; be32 28; be32 28; head -c 95648000 /dev/zero; } | gzip -1 >"$TMP/bomb.gz"
    python3 - "$FMNIST" "$TMP/bomb.gz" <<'PY' && ok || bad "info_frees: four copies"
import os, resource, subprocess, sys
# under AddressSanitizer freed memory waits in a quarantine (256 MB):
# none, so that what is freed is seen freed
env = dict(os.environ)
env["ASAN_OPTIONS"] = (env.get("ASAN_OPTIONS", "") + ":quarantine_size_mb=0").lstrip(":")
def peak(n):
    out = subprocess.run([sys.argv[1], "info", "--max-bytes", "200000000"] + [sys.argv[2]] * n,
                         capture_output=True, text=True, env=env)
    assert out.returncode == 0, out.stderr
    assert out.stdout.count("122000") == n, out.stdout
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # KiB, the peak so far
one = peak(1)
four = peak(4)
assert 90 * 1024 < one and four < one + 32 * 1024, "peak RSS: %d KiB once, %d KiB four times" % (one, four)
PY
    rm -f "$TMP/bomb.gz"
}

# A signal in the middle of a write (SIGINT, SIGTERM, SIGHUP) leaves no
# temporary file and no half of the output: convert --to csv of 60,000
# images (about 94 MB) and export of 3,000 PNGs are stopped once their
# first temporary file exists; the process still dies by the signal.
signals() {
    [ -z "${FMNIST_RUNNER:-}" ] || { echo "signals: skipped under ${FMNIST_RUNNER%% *}"; return 0; }
    command -v python3 >/dev/null || return 0
    local S="$TMP/sig"
    mkdir -p "$S/in"
    idx3 60000 28 28 >"$S/in/train-images-idx3-ubyte"
    { printf '\x00\x00\x08\x01'; be32 60000; head -c 60000 /dev/zero; } >"$S/in/train-labels-idx1-ubyte"
    python3 - "$FMNIST" "$S" <<'PY' && ok || bad "signals: temporary files left"
import os, signal, subprocess, sys, time
fmnist, root = sys.argv[1], sys.argv[2]
def stop(args, sig, what):
    out = os.path.join(root, "out")
    os.makedirs(out, exist_ok=True)
    p = subprocess.Popen([fmnist] + args + ["-o", out], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    t0 = time.time()
    while not any(n.startswith(".") for n in os.listdir(out)):
        assert p.poll() is None, "%s finished before a signal could stop it" % what
        assert time.time() - t0 < 30, "%s: no temporary file within 30 s" % what
        time.sleep(0.001)
    p.send_signal(sig)
    p.wait(timeout=30)
    assert p.returncode == -sig, "%s: exit %s after signal %d" % (what, p.returncode, sig)
    left = os.listdir(out)
    assert not left, "%s, signal %d: left %s" % (what, sig, left[:3])
    os.rmdir(out)
data = os.path.join(root, "in")
for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
    stop(["convert", data, "--to", "csv"], sig, "convert --to csv")
for sig in (signal.SIGTERM, signal.SIGINT):
    stop(["export", data, "--index", "0-2999"], sig, "export")
PY
    rm -rf "$S"
}

# The MNIST family: EMNIST's names, letters 1-26 and transposed images,
# QMNIST's label matrices, zip archives read in place (family_fixtures.py)
family() {
    local F="$TMP/family" py here
    here=$(dirname "$0")
    py="$here/png_independent.py"
    command -v python3 >/dev/null || { echo "family: no python3, skipped"; return 0; }
    python3 "$here/family_fixtures.py" "$F" || { bad "family fixtures"; return 1; }
    local E="$F/emnist" Z="$F/gzip.zip"
    if [ -n "${FMNIST_RUNNER:-}" ]; then # under valgrind: the archives' code
        family_zip
        return
    fi
    run 0 info "$E" && out_has "test: EMNIST Letters, 20800 items of 28x28, 26 classes" "family: info text" &&
        out_has "     26  z                 800    3.8%" "family: letters' last class" && ok
    # a folder of two datasets is not one to load; FOLDER/PREFIX is
    run 1 stats "$E" && one_error_line "$E" "family: two datasets" &&
        err_has "holds 2 datasets side by side (emnist-byclass, emnist-letters): name one, as $E/emnist-byclass" "family: which" && ok
    run 0 counts "$E/emnist-letters" && cp "$TMP/out" "$TMP/counts" &&
        run 0 counts --stream "$E/emnist-letters" && cmp -s "$TMP/out" "$TMP/counts" &&
        out_has "test: 20800 items (emnist-letters)" "family: counts" && ok || bad "family: counts --stream differs"
    # (the pictures: of the train split, 26 items, the first 3 drawn)
    # EMNIST upright in every picture, and as stored with --as-stored
    mkdir -p "$TMP/fpng"
    run 0 export "$E/emnist-letters" --split train --index 0,2 -o "$TMP/fpng" &&
        err_has "train: EMNIST Letters stores its images transposed: shown upright" "family: the note" &&
        python3 "$py" export-t "$E/emnist-letters-train-images-idx3-ubyte.gz" "$TMP/fpng/train-00000-1-a.png" 0 >/dev/null &&
        python3 "$py" export-t "$E/emnist-letters-train-images-idx3-ubyte.gz" "$TMP/fpng/train-00002-3-c.png" 2 >/dev/null && ok ||
        bad "family: export upright"
    # show: the upright image is the stored one transposed (a plain copy,
    # transposed here, shown as stored)
    python3 - "$E/emnist-letters-train-images-idx3-ubyte.gz" "$TMP/up-images" "$E/emnist-letters-train-labels-idx1-ubyte.gz" "$TMP/up-labels" <<'PY' || bad "family: transposed copy"
import gzip, sys
d = gzip.open(sys.argv[1]).read()
n = int.from_bytes(d[4:8], "big")
out = bytearray(d[:16])
for i in range(n):
    im = d[16 + 784 * i:16 + 784 * (i + 1)]
    out += bytes(im[x * 28 + y] for y in range(28) for x in range(28))
open(sys.argv[2], "wb").write(out)
open(sys.argv[4], "wb").write(gzip.open(sys.argv[3]).read())
PY
    run 0 show --ascii "$E/emnist-letters" train:0-2 && cp "$TMP/out" "$TMP/shown" &&
        run 0 show --ascii --as-stored --dataset emnist-letters --images "$TMP/up-images" --labels "$TMP/up-labels" 0-2 &&
        grep -v '  label ' "$TMP/shown" >"$TMP/shown.px" && grep -v '  label ' "$TMP/out" | cmp -s - "$TMP/shown.px" &&
        [ "$(wc -l <"$TMP/shown.px")" -gt 20 ] && ok || bad "family: show upright"
    # the letters' labels: 0 is no class
    python3 -c 'import gzip,sys; open(sys.argv[1],"wb").write(gzip.compress(b"\0\0\x08\x01\0\0\0\x1a" + bytes([0] + list(range(2, 27)))))' "$TMP/emnist-letters-train-labels-idx1-ubyte.gz"
    run 1 counts --images "$E/emnist-letters-train-images-idx3-ubyte.gz" --labels "$TMP/emnist-letters-train-labels-idx1-ubyte.gz" &&
        err_has "label 0 of item 0 (byte 8 of the IDX data) is not a valid class: expected 1 to 26 for a 26-class dataset" "family: letters' label 0" && ok
    # a mapping file that disagrees
    mkdir "$TMP/map" && cp "$E"/emnist-letters-* "$TMP/map/" && sed -i 's/^3 67 99$/3 88 120/' "$TMP/map/emnist-letters-mapping.txt"
    rm "$TMP/map"/emnist-letters-test-*
    run 1 info "$TMP/map" && err_has "emnist-letters-mapping.txt: line 3 maps label 3 to another character than 'c', class 3 of EMNIST Letters" "family: mapping" &&
        [ "$(wc -l <"$TMP/err")" -eq 1 ] && ok || bad "family: mapping said once"
    # QMNIST: label matrices, the class column the labels, the whole matrix kept
    local Q="$F/qmnist"
    run 0 info --json "$Q" && python3 - "$TMP/out" <<'PY' && ok || bad "family: QMNIST info"
import json, sys
j = json.load(open(sys.argv[1]))
t = {s["name"]: s for s in j["splits"]}["train"]
assert t["labels"]["dtype"] == "int32" and t["labels"]["dims"] == [20, 8], t["labels"]
assert t["class_names"] == "qmnist" and [c["count"] for c in t["classes"]] == [2] * 10
PY
    run 0 counts --stream "$Q" && out_has "train: 20 items (unidentified dataset; class names of qmnist, by its files' names)" "family: QMNIST stream" && ok
    mkdir "$TMP/qout"
    run 0 convert "$Q" --to idx -o "$TMP/qout" && cmp -s "$TMP/qout/train-labels-idx2-int" "$F/qmnist-train-labels.raw" &&
        cmp -s "$TMP/qout/t10k-labels-idx2-int" "$F/qmnist-test-labels.raw" && ok || bad "family: QMNIST convert keeps the matrix"
    run 0 info --json "$F/qmnist-test/qmnist-test-labels-idx2-int.gz" &&
        out_has '"release": "named"' "family: QMNIST by name" && out_has '"dataset": "qmnist"' "family: QMNIST by name" &&
        out_has "QMNIST test labels by name" "family: QMNIST verdict" && ok
    run 1 info "$F/bad/text.zip" && one_error_line "$F/bad/text.zip" "family: a text file named .zip" && ok
    run 2 stats --dataset emnist-lettres "$E" && err_has "is not one of fashion-mnist, mnist, kmnist, qmnist, emnist-byclass" "family: --dataset names" && ok
    if run 0 --version && grep -q "zip archives: libzip" "$TMP/out"; then
        family_zip
    else
        echo "family: built without libzip: zip archives refused, not read"
        run 1 info "$Z" && one_error_line "$Z" "family: no libzip" && err_has "built without libzip" "family: no libzip" && ok
    fi
}

# family(), the zip archives: read in place, damaged ones refused
family_zip() {
    local F="$TMP/family" py
    py="$(dirname "$0")/png_independent.py"
    local E="$F/emnist" Z="$F/gzip.zip"
    mkdir -p "$TMP/fpng"
    # info --json on the zip: every dataset of the folder in it, named
    run 0 info --json "$Z" && python3 - "$TMP/out" <<'PY' && ok || bad "family: info --json of the zip"
import json, sys
j = json.load(open(sys.argv[1]))
assert j["valid"] and j["errors"] == [], j["errors"]
s = {(x["dataset"] or x["class_names"], x["name"]): x for x in j["splits"]}
assert len(j["splits"]) == 4, len(j["splits"])
t = s[("emnist-letters", "test")]
assert (t["count"], t["num_classes"]) == (20800, 26)
assert [(c["label"], c["name"], c["count"]) for c in t["classes"]] == [(i + 1, chr(97 + i), 800) for i in range(26)]
assert t["images"]["release"] == "named" and t["labels"]["release"] == "named"
assert "EMNIST Letters test images by name" in t["images"]["verdict"]
assert "no published checksum for the file" in t["images"]["verdict"]
assert t["images"]["path"].endswith("gzip.zip/gzip/emnist-letters-test-images-idx3-ubyte.gz")
b = s[("emnist-byclass", "train")]
assert b["dataset"] is None and b["num_classes"] == 62
assert [c["name"] for c in b["classes"]][9:12] == ["9", "A", "B"] and b["classes"][61]["name"] == "z"
PY
    run 0 stats --json --split train "$Z/gzip/emnist-letters" && cp "$TMP/out" "$TMP/zs" &&
        run 0 stats --json --split train "$E/emnist-letters" && sed "s#$E#$Z/gzip#g" "$TMP/out" | cmp -s - "$TMP/zs" && ok ||
        bad "family: stats in the zip differ from the folder's"
    run 0 export "$Z/gzip/emnist-letters" --as-stored --split train --index 1 -o "$TMP/fpng" &&
        [ ! -s "$TMP/err" ] &&
        python3 "$py" export "$E/emnist-letters-train-images-idx3-ubyte.gz" "$TMP/fpng/train-00001-2-b.png" 1 >/dev/null && ok ||
        bad "family: export --as-stored"
    run 0 grid "$Z/gzip/emnist-letters" --split train --index 0-2 --cols 2 --padding 1 --pad-value 9 -o "$TMP/fpng/g.png" &&
        python3 "$py" grid-t "$E/emnist-letters-train-images-idx3-ubyte.gz" "$TMP/fpng/g.png" 2 1 9 0 1 2 >/dev/null && ok ||
        bad "family: grid upright"
    # zips that are damaged, or not zips
    run 1 info "$F/bad/cut.zip" && one_error_line "$F/bad/cut.zip/emnist-letters-train-labels-idx1-ubyte.gz" "family: a cut member" &&
        err_has "gzip stream is truncated" "family: a cut member" && ok
    run 1 info "$F/bad/crc.zip" && err_has "crc.zip/emnist-letters-train-labels-idx1-ubyte: read failed at byte" "family: a damaged member" &&
        err_has "damaged in the zip archive" "family: a damaged member" && ok
    run 1 info "$F/bad/junk.zip" && one_error_line "$F/bad/junk.zip" "family: not a zip" &&
        err_has "cannot read the zip archive" "family: not a zip" && ok
    run 1 info "$Z/gzip/nothing" && one_error_line "$Z/gzip/nothing" "family: no such member" && ok
}

case "$MODE" in
synthetic) synthetic && conventions && audit_synthetic && zero_extents && streams_as_loads && fifo_input && huge_item && info_frees && signals && family ;;
real) real ;;
layouts) real_layouts ;;
audit) audit_real ;;
family) family ;;
zero) zero_extents && streams_as_loads && fifo_input && huge_item && info_frees && signals ;;
*) echo "usage: $0 FMNIST synthetic|real|layouts|audit|family|zero" >&2; exit 2 ;;
esac
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
