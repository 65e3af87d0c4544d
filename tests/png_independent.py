#!/usr/bin/env python3
"""png_independent.py - checks fmnist's PNG output against the IDX bytes
with a PNG decoder written here (zlib and the five PNG filters, nothing of
libpng) and Python's own gzip: an independent reader.

    png_independent.py export IMAGES.gz PNG INDEX
    png_independent.py grid IMAGES.gz PNG COLS PADDING PAD_VALUE INDEX...

export-t and grid-t: against each image transposed (EMNIST's, upright).
"""
import gzip
import struct
import sys
import zlib


def read_png(path):
    data = open(path, "rb").read()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG signature"
    pos, idat, w = 8, b"", None
    while pos < len(data):
        (n,) = struct.unpack(">I", data[pos:pos + 4])
        kind, body = data[pos + 4:pos + 8], data[pos + 8:pos + 8 + n]
        (crc,) = struct.unpack(">I", data[pos + 8 + n:pos + 12 + n])
        assert zlib.crc32(kind + body) == crc, "chunk CRC"
        if kind == b"IHDR":
            w, h, depth, color, _, _, interlace = struct.unpack(">IIBBBBB", body)
            assert depth == 8 and color == 0 and interlace == 0, "8-bit grey"
        elif kind == b"IDAT":
            idat += body
        pos += 12 + n
    raw, out, prev, i = zlib.decompress(idat), bytearray(), bytearray(w), 0
    for _ in range(h):
        f, line = raw[i], bytearray(raw[i + 1:i + 1 + w])
        i += 1 + w
        for x in range(w):
            a = line[x - 1] if x else 0
            b = prev[x]
            c = prev[x - 1] if x else 0
            if f == 1:
                line[x] = (line[x] + a) & 255
            elif f == 2:
                line[x] = (line[x] + b) & 255
            elif f == 3:
                line[x] = (line[x] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                pred = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
                line[x] = (line[x] + pred) & 255
            else:
                assert f == 0, "filter type %d" % f
        out += line
        prev = line
    return w, h, bytes(out)


def idx_images(path):
    data = gzip.open(path).read()
    n, rows, cols = struct.unpack(">III", data[4:16])
    assert data[:4] == b"\x00\x00\x08\x03"
    return rows, cols, lambda i: data[16 + i * rows * cols:16 + (i + 1) * rows * cols]


def transposed(rows, cols, image):
    """The images W x H: row r of the result is column r of the stored."""
    return cols, rows, lambda i: bytes(image(i)[x * cols + y] for y in range(cols) for x in range(rows))


def main(argv):
    mode, images, png = argv[1], argv[2], argv[3]
    H, W, image = idx_images(images)
    if mode.endswith("-t"):
        H, W, image = transposed(H, W, image)
        mode = mode[:-2]
    w, h, px = read_png(png)
    if mode == "export":
        assert (w, h) == (W, H), (w, h)
        assert px == image(int(argv[4])), "pixels differ"
    else:
        cols, pad, value = int(argv[4]), int(argv[5]), int(argv[6])
        idx = [int(a) for a in argv[7:]]
        c = min(cols, len(idx))
        rows = (len(idx) + c - 1) // c
        assert (w, h) == (c * (W + pad) + pad, rows * (H + pad) + pad), (w, h)
        expect = bytearray([value]) * (w * h)
        for k, i in enumerate(idx):
            x0, y0 = (k % c) * (W + pad) + pad, (k // c) * (H + pad) + pad
            src = image(i)
            for y in range(H):
                expect[(y0 + y) * w + x0:(y0 + y) * w + x0 + W] = src[y * W:(y + 1) * W]
        assert px == bytes(expect), "grid pixels differ"
    print("ok: %s equals the IDX bytes" % png)


if __name__ == "__main__":
    main(sys.argv)
