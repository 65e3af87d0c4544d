#!/usr/bin/env python3
"""family_fixtures.py - QMNIST and EMNIST files made as their publishers
lay them out (names, label matrices, letters' labels 1-26, transposed
images, EMNIST's gzip.zip), with the standard library alone.

    family_fixtures.py DIR

DIR/emnist: emnist-letters-{train,test}-* (the test split of EMNIST
Letters' published size, 20,800, its first images drawn, the rest blank),
emnist-letters-mapping.txt, and a small emnist-byclass split; DIR/gzip.zip
holds them under gzip/, as EMNIST's does. DIR/qmnist: a small QMNIST
split (N x 8 int32 label matrices) and, in DIR/qmnist-test, the test
labels of QMNIST's published size. DIR/bad: zips that are damaged."""
import gzip
import os
import struct
import sys
import zipfile


def idx(code, dims, payload):
    head = struct.pack(">BBBB", 0, 0, code, len(dims))
    return head + b"".join(struct.pack(">I", d) for d in dims) + payload


def images(n, drawn):
    """n 28x28 images; image i < drawn is pixel (r, c) = (7r + 3c + i) % 256,
    so that no image equals its transpose."""
    one = lambda i: bytes((7 * r + 3 * c + i) % 256 for r in range(28) for c in range(28))
    body = b"".join(one(i) for i in range(drawn)) + bytes(784 * (n - drawn))
    return idx(0x08, [n, 28, 28], body)


def labels(values):
    return idx(0x08, [len(values)], bytes(values))


def matrix(rows):
    body = b"".join(struct.pack(">8i", *r) for r in rows)
    return idx(0x0C, [len(rows), 8], body)


def put(path, data, gz=True):
    with open(path, "wb") as f:
        f.write(gzip.compress(data, compresslevel=1, mtime=0) if gz else data)


def main(out):
    em = os.path.join(out, "emnist")
    os.makedirs(em)
    put(os.path.join(em, "emnist-letters-train-images-idx3-ubyte.gz"), images(26, 3))
    put(os.path.join(em, "emnist-letters-train-labels-idx1-ubyte.gz"), labels([1 + i % 26 for i in range(26)]))
    put(os.path.join(em, "emnist-letters-test-images-idx3-ubyte.gz"), images(20800, 3))
    put(os.path.join(em, "emnist-letters-test-labels-idx1-ubyte.gz"), labels([1 + i % 26 for i in range(20800)]))
    with open(os.path.join(em, "emnist-letters-mapping.txt"), "w") as f:
        f.writelines("%d %d %d\n" % (i + 1, 65 + i, 97 + i) for i in range(26))
    put(os.path.join(em, "emnist-byclass-train-images-idx3-ubyte.gz"), images(62, 2))
    put(os.path.join(em, "emnist-byclass-train-labels-idx1-ubyte.gz"), labels(list(range(62))))
    put(os.path.join(em, "emnist-byclass-test-images-idx3-ubyte.gz"), images(5, 1))
    put(os.path.join(em, "emnist-byclass-test-labels-idx1-ubyte.gz"), labels([61, 0, 10, 36, 9]))
    with zipfile.ZipFile(os.path.join(out, "gzip.zip"), "w") as z:
        for name in sorted(os.listdir(em)):
            kind = zipfile.ZIP_STORED if "byclass" in name else zipfile.ZIP_DEFLATED
            z.write(os.path.join(em, name), "gzip/" + name, compress_type=kind)

    q = os.path.join(out, "qmnist")
    os.makedirs(q)
    for split, n in (("train", 20), ("test", 7)):
        rows = [[i % 10, 4, 2000 + i, i % 3, 48 + i % 10, 7 * i, -1 if split == "test" else 0, 0]
                for i in range(n)]
        put(os.path.join(q, "qmnist-%s-images-idx3-ubyte.gz" % split), images(n, n))
        put(os.path.join(q, "qmnist-%s-labels-idx2-int.gz" % split), matrix(rows))
        put(os.path.join(out, "qmnist-%s-labels.raw" % split), matrix(rows), gz=False)
    qt = os.path.join(out, "qmnist-test")
    os.makedirs(qt)
    put(os.path.join(qt, "qmnist-test-labels-idx2-int.gz"),
        matrix([[i % 10, 0, i, 0, 48 + i % 10, i, 0, 0] for i in range(60000)]))

    bad = os.path.join(out, "bad")
    os.makedirs(bad)
    good = gzip.compress(labels([1 + i % 26 for i in range(26)]), mtime=0)
    with zipfile.ZipFile(os.path.join(bad, "cut.zip"), "w") as z:
        # a member that is a truncated gzip file
        z.writestr("emnist-letters-train-labels-idx1-ubyte.gz", good[:len(good) // 2])
        z.writestr("emnist-letters-train-images-idx3-ubyte.gz", gzip.compress(images(26, 3), mtime=0))
    with zipfile.ZipFile(os.path.join(bad, "crc.zip"), "w") as z:
        z.writestr("emnist-letters-train-labels-idx1-ubyte", labels([1 + i % 26 for i in range(26)]))
        z.writestr("emnist-letters-train-images-idx3-ubyte", images(26, 3))
    data = bytearray(open(os.path.join(bad, "crc.zip"), "rb").read())
    name = "emnist-letters-train-labels-idx1-ubyte"
    data[30 + len(name) + 10] ^= 0x01  # a label of the stored member: a CRC error
    open(os.path.join(bad, "crc.zip"), "wb").write(bytes(data))
    open(os.path.join(bad, "junk.zip"), "wb").write(b"PK\x03\x04" + b"\x00" * 60)
    open(os.path.join(bad, "text.zip"), "wb").write(b"this is not a zip archive\n")


if __name__ == "__main__":
    main(sys.argv[1])
