#!/usr/bin/env bash
# npy_test.sh FMNIST - `fmnist convert --to npy`, `--to npz` and `--to csv`
# read back by NumPy itself (numpy.load, numpy.loadtxt): random synthetic files made by
# NumPy here, then the real dataset when present. Exits 77 (skipped) when
# no python3 with NumPy is found ('apt-get install python3-numpy').
set -eu
FMNIST=$1
PY=
for p in python3 /usr/bin/python3; do
    if command -v "$p" >/dev/null && "$p" -c 'import numpy' 2>/dev/null; then PY=$p; break; fi
done
if [ -z "$PY" ]; then
    echo "SKIP: no python3 with NumPy: 'apt-get install python3-numpy'"
    exit 77
fi
TMP=$(mktemp -d "${TMPDIR:-/tmp}/fmnist-npy-XXXXXX")
trap 'rm -rf "$TMP"' EXIT
mkdir "$TMP/syn" "$TMP/out"

# random images (odd sizes) and labels, written as IDX by NumPy
"$PY" - "$TMP/syn" <<'PYEOF'
import gzip, sys, numpy as np
rng = np.random.default_rng(7)
d = sys.argv[1]
for name, n in (("train", 257), ("t10k", 31)):
    x = rng.integers(0, 256, size=(n, 5, 3), dtype=np.uint8)
    y = rng.integers(0, 10, size=n, dtype=np.uint8)
    hdr = np.array([0x00000803, n, 5, 3], dtype=">u4").tobytes()
    with gzip.open(f"{d}/{name}-images-idx3-ubyte.gz", "wb") as f:
        f.write(hdr + x.tobytes())
    with open(f"{d}/{name}-labels-idx1-ubyte", "wb") as f:
        f.write(np.array([0x00000801, n], dtype=">u4").tobytes() + y.tobytes())
    np.save(f"{d}/{name}-x.npy", x)
    np.save(f"{d}/{name}-y.npy", y)
PYEOF
"$FMNIST" convert "$TMP/syn" --to npy -o "$TMP/out" >/dev/null
"$FMNIST" convert "$TMP/syn" --to csv -o "$TMP/out" >/dev/null
"$FMNIST" convert "$TMP/syn" --to npy --split train --name odd --index 3,1,200-210 -o "$TMP/out" >/dev/null
"$FMNIST" convert "$TMP/syn" --to npz -o "$TMP/out" >/dev/null
"$PY" - "$TMP/syn" "$TMP/out" <<'PYEOF'
import sys, numpy as np
syn, out = sys.argv[1:]
for split, stem in (("train", "train"), ("test", "t10k")):
    x, y = np.load(f"{syn}/{stem}-x.npy"), np.load(f"{syn}/{stem}-y.npy")
    gx, gy = np.load(f"{out}/{split}-images.npy"), np.load(f"{out}/{split}-labels.npy")
    assert gx.dtype == np.uint8 and gx.shape == x.shape and (gx == x).all(), split
    assert gy.dtype == np.uint8 and gy.shape == y.shape and (gy == y).all(), split
    c = np.loadtxt(f"{out}/{split}.csv", delimiter=",", skiprows=1, dtype=np.int64, ndmin=2)
    head = open(f"{out}/{split}.csv").readline().strip().split(",")
    assert head == ["label"] + [f"pixel{i}" for i in range(1, 16)], head
    assert (c[:, 0] == y).all() and (c[:, 1:] == x.reshape(len(x), -1)).all(), split
x = np.load(f"{syn}/train-x.npy")
sel = [1, 3] + list(range(200, 211))  # the CLI writes a choice ascending
assert (np.load(f"{out}/odd-images.npy") == x[sel]).all()
# Keras' mnist.npz layout, both splits in one file
z = np.load(f"{out}/dataset.npz")
assert sorted(z.files) == ["x_test", "x_train", "y_test", "y_train"], z.files
for split, stem in (("train", "train"), ("test", "t10k")):
    assert (z[f"x_{split}"] == np.load(f"{syn}/{stem}-x.npy")).all(), split
    assert (z[f"y_{split}"] == np.load(f"{syn}/{stem}-y.npy")).all(), split
print("ok: .npy, .npz and CSV read back by NumPy equal the synthetic data")
PYEOF

# the real dataset, when present
for d in "${FMNIST_DATA:-}" /usr/share/datasets/fashion-mnist; do
    [ -n "$d" ] && [ -d "$d" ] || continue
    rm -f "$TMP/out"/*
    "$FMNIST" convert "$d" --to npy -o "$TMP/out" >/dev/null
    "$FMNIST" convert "$d" --to npz -o "$TMP/out" >/dev/null
    "$PY" - "$TMP/out" <<'PYEOF'
import sys, numpy as np
out = sys.argv[1]
z = np.load(f"{out}/fashion-mnist.npz")
assert z["x_train"].shape == (60000, 28, 28) and z["y_test"].shape == (10000,)
assert int(z["x_train"].sum(dtype=np.uint64)) == 3431114169
assert int(z["x_test"].sum(dtype=np.uint64)) == 573469082
x, y = np.load(f"{out}/train-images.npy"), np.load(f"{out}/train-labels.npy")
t, u = np.load(f"{out}/test-images.npy"), np.load(f"{out}/test-labels.npy")
assert x.shape == (60000, 28, 28) and x.dtype == np.uint8 and t.shape == (10000, 28, 28)
assert int(x.sum(dtype=np.uint64)) == 3431114169 and int(t.sum(dtype=np.uint64)) == 573469082
assert list(y[:10]) == [9, 0, 0, 3, 0, 2, 7, 2, 5, 5]
assert (np.bincount(y) == 6000).all() and (np.bincount(u) == 1000).all()
print("ok: the real dataset as .npy, read by numpy.load, gives the known answers")
PYEOF
    echo "  ($d)"
done
