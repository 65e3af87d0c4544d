#!/usr/bin/env bash
# header_test.sh HEADER - every function fmnist.h declares has a comment
# above it with a usage example (lines indented " *     ").
set -eu
missing=$(awk '
/^\/\*/ { buf = ""; incom = 1 }
incom { buf = buf "\n" $0 }
/\*\// { incom = 0; last = buf }
/^(FMN_API|static inline)/ {
    match($0, /fmn_[a-z0-9_]+\(/)
    name = substr($0, RSTART, RLENGTH - 1)
    n++
    if (last !~ /\n \*     /) print name
    last = ""
}
END { if (n < 50) print "(only " n " declarations found: is this fmnist.h?)" }
' "$1")
if [ -n "$missing" ]; then
    echo "FAIL: no usage example above: $missing"
    exit 1
fi
echo "ok: every function in $1 documents a usage example"
