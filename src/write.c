/* write.c - a split's items out as IDX, gzipped IDX, NumPy .npy, Kaggle
 * CSV or PGM, through a caller's write callback: small pieces gathered
 * into 64 KiB, large runs of bytes (a range of raw images) passed on in
 * one call, gzip output in pieces of at most 64 KiB. */
#include "internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { SINK_SIZE = 64 * 1024 };

/* Buffered output, deflated on the way when gzip is asked. */
typedef struct sink {
    fmn_write_fn write;
    void *ctx;
    uint8_t *buf;       /* SINK_SIZE bytes being gathered */
    size_t used;
    int gzip;
    z_stream z;
    uint8_t *zbuf;      /* SINK_SIZE bytes of deflate output */
    fmn_status status;  /* the first failure, or FMN_OK */
} sink;

static void emit(sink *s, const void *p, size_t n)
{
    if (s->status == FMN_OK && n && s->write(s->ctx, p, n) != 0)
        s->status = FMN_ERR_WRITE;
}

/* Passes `n` bytes at `p` on: deflated, or as they are. */
static void drain(sink *s, const uint8_t *p, size_t n, int finish)
{
    if (!s->gzip) {
        emit(s, p, n);
        return;
    }
    s->z.next_in = (Bytef *)(uintptr_t)p;
    do {
        /* zlib's avail_in is 32-bit: feed at most 1 GiB at a time */
        size_t chunk = n < ((size_t)1 << 30) ? n : ((size_t)1 << 30);
        s->z.avail_in = (uInt)chunk;
        n -= chunk;
        int flush = finish && n == 0 ? Z_FINISH : Z_NO_FLUSH;
        int zr;
        do {
            s->z.next_out = s->zbuf;
            s->z.avail_out = SINK_SIZE;
            zr = deflate(&s->z, flush);
            if (zr == Z_STREAM_ERROR) {
                s->status = FMN_ERR_NOMEM;
                return;
            }
            emit(s, s->zbuf, SINK_SIZE - s->z.avail_out);
        } while (s->z.avail_out == 0 || (flush == Z_FINISH &&
                                         zr != Z_STREAM_END));
    } while (n > 0 && s->status == FMN_OK);
}

static void flush_sink(sink *s)
{
    drain(s, s->buf, s->used, 0);
    s->used = 0;
}

static void put(sink *s, const void *p, size_t n)
{
    if (s->used + n > SINK_SIZE) {
        flush_sink(s);
        if (n >= SINK_SIZE) { /* large blocks go out without a copy */
            drain(s, p, n, 0);
            return;
        }
    }
    memcpy(s->buf + s->used, p, n);
    s->used += n;
}

/* printf into the sink (short texts: headers). */
static void putf(sink *s, const char *fmt, ...) FMNI_PRINTF(2, 3);
static void putf(sink *s, const char *fmt, ...)
{
    char text[256];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    if (n > 0)
        put(s, text, (size_t)n < sizeof text ? (size_t)n : sizeof text - 1);
}

static void put_be32(sink *s, uint32_t v)
{
    uint8_t b[4] = {(uint8_t)(v >> 24), (uint8_t)(v >> 16), (uint8_t)(v >> 8),
                    (uint8_t)v};
    put(s, b, 4);
}

/* The .npy v1.0 header: magic, version, a little-endian header length,
 * and a Python dict padded with spaces and a newline so that the data
 * starts at a multiple of 64 bytes. */
static void put_npy_header(sink *s, const size_t *dims, size_t ndim)
{
    char shape[96];
    if (ndim == 1)
        snprintf(shape, sizeof shape, "(%zu,)", dims[0]);
    else
        snprintf(shape, sizeof shape, "(%zu, %zu, %zu)", dims[0], dims[1],
                 dims[2]);
    char dict[192];
    int len = snprintf(dict, sizeof dict,
                       "{'descr': '|u1', 'fortran_order': False, "
                       "'shape': %s, }", shape);
    size_t total = 10 + (size_t)len + 1;
    size_t pad = (64 - total % 64) % 64;
    size_t hlen = (size_t)len + pad + 1;
    uint8_t pre[10] = {0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0,
                       (uint8_t)(hlen & 0xff), (uint8_t)(hlen >> 8)};
    put(s, pre, sizeof pre);
    put(s, dict, (size_t)len);
    for (size_t i = 0; i < pad; i++)
        put(s, " ", 1);
    put(s, "\n", 1);
}

/* Decimal texts of 0..255 with a leading comma, for CSV rows. */
typedef struct csv_digits {
    char text[256][5];
    uint8_t len[256];
} csv_digits;

static void csv_digits_init(csv_digits *d)
{
    for (int v = 0; v < 256; v++)
        d->len[v] = (uint8_t)snprintf(d->text[v], sizeof d->text[v], ",%d", v);
}

static void put_csv_row(sink *s, const csv_digits *d, uint8_t label,
                        const uint8_t *px, size_t n)
{
    char row[1 + 4 + 784 * 4 + 1];
    size_t used = 0;
    char *p = row;
    /* the label without its comma */
    memcpy(p, d->text[label] + 1, d->len[label] - 1u);
    used = d->len[label] - 1u;
    for (size_t i = 0; i < n; i++) {
        if (used + 5 > sizeof row) {
            put(s, row, used);
            used = 0;
        }
        memcpy(row + used, d->text[px[i]], 4);
        used += d->len[px[i]];
    }
    row[used++] = '\n';
    put(s, row, used);
}

/* A label matrix (QMNIST's N x 8 int32) as an IDX file, every column. */
static void write_matrix(sink *s, fmn_array m, fmn_items items)
{
    uint8_t magic[4] = {0, 0, FMN_DTYPE_I32, 2};
    size_t cols = m.dims[1];
    put(s, magic, 4);
    put_be32(s, (uint32_t)items.count);
    put_be32(s, (uint32_t)cols);
    const int32_t *rows = m.data;
    for (size_t i = 0; i < items.count && s->status == FMN_OK; i++)
        for (size_t c = 0; c < cols; c++)
            put_be32(s, (uint32_t)rows[fmn_items_at(items, i) * cols + c]);
}

static void write_items(sink *s, const fmn_split *split, fmn_items items,
                        fmn_format format, fmn_file_kind kind)
{
    fmn_array lm = fmn_split_label_array(split);
    if (kind == FMN_FILE_LABELS && lm.ndim == 2 &&
        (format == FMN_FORMAT_IDX || format == FMN_FORMAT_IDX_GZ)) {
        write_matrix(s, lm, items);
        return;
    }
    fmn_images im = fmn_split_images(split);
    const uint8_t *labels = fmn_split_labels(split);
    size_t px = im.height * im.width;
    size_t n = items.count;
    int images = kind == FMN_FILE_IMAGES;

    switch (format) {
    case FMN_FORMAT_IDX:
    case FMN_FORMAT_IDX_GZ: {
        uint8_t magic[4] = {0, 0, FMN_DTYPE_U8, (uint8_t)(images ? 3 : 1)};
        put(s, magic, 4);
        put_be32(s, (uint32_t)n);
        if (images) {
            put_be32(s, (uint32_t)im.height);
            put_be32(s, (uint32_t)im.width);
        }
        break;
    }
    case FMN_FORMAT_NPY: {
        size_t dims[3] = {n, im.height, im.width};
        put_npy_header(s, dims, images ? 3 : 1);
        break;
    }
    case FMN_FORMAT_CSV:
        if (images) {
            put(s, "label", 5);
            for (size_t i = 1; i <= px; i++)
                putf(s, ",pixel%zu", i);
            put(s, "\n", 1);
            csv_digits d;
            csv_digits_init(&d);
            for (size_t i = 0; i < n && s->status == FMN_OK; i++) {
                size_t item = fmn_items_at(items, i);
                put_csv_row(s, &d, labels[item], im.data + item * px, px);
            }
        } else {
            put(s, "label\n", 6);
            for (size_t i = 0; i < n; i++)
                putf(s, "%u\n", labels[fmn_items_at(items, i)]);
        }
        return;
    case FMN_FORMAT_PGM:
        for (size_t i = 0; i < n && s->status == FMN_OK; i++) {
            size_t item = fmn_items_at(items, i);
            const char *name = fmn_split_class_name(split, labels[item]);
            putf(s, "P5\n# item %llu label %u%s%s%s\n%zu %zu\n255\n",
                 (unsigned long long)(fmn_split_first_index(split) + item),
                 labels[item], name ? " (" : "", name ? name : "",
                 name ? ")" : "", im.width, im.height);
            put(s, im.data + item * px, px);
        }
        return;
    }
    /* IDX and NPY: the bytes themselves */
    if (!items.indices && n) {
        if (images)
            put(s, im.data + items.start * px, n * px);
        else
            put(s, labels + items.start, n);
        return;
    }
    for (size_t i = 0; i < n && s->status == FMN_OK; i++) {
        size_t item = items.indices[i];
        if (images)
            put(s, im.data + item * px, px);
        else
            put(s, labels + item, 1);
    }
}

fmn_status fmn_split_write(const fmn_split *split, fmn_items items,
                           fmn_format format, fmn_file_kind kind,
                           fmn_write_fn write, void *ctx, fmn_error *err)
{
    const char *what = "fmn_split_write";
    fmni_clear(err);
    if (!split || !write)
        return fmni_bad_argument(err);
    if ((int)format < 0 || (int)format > (int)FMN_FORMAT_PGM)
        return fmni_fail(err, FMN_ERR_INVALID_ARGUMENT, what, FMN_NO_OFFSET,
                         0, "unknown format %d", (int)format);
    if (kind != FMN_FILE_IMAGES && kind != FMN_FILE_LABELS)
        return fmni_fail(err, FMN_ERR_INVALID_ARGUMENT, what, FMN_NO_OFFSET,
                         0, "the file kind must be images or labels");
    if (format == FMN_FORMAT_PGM && kind == FMN_FILE_LABELS)
        return fmni_fail(err, FMN_ERR_INVALID_ARGUMENT, what, FMN_NO_OFFSET,
                         0, "PGM holds images only; each image's label is "
                         "in its comment");
    fmn_status st = fmni_split_items_check(split, items, what, err);
    if (st != FMN_OK)
        return st;

    sink s;
    memset(&s, 0, sizeof s);
    s.write = write;
    s.ctx = ctx;
    s.gzip = format == FMN_FORMAT_IDX_GZ;
    s.buf = malloc(SINK_SIZE);
    if (s.buf && s.gzip) {
        s.zbuf = malloc(SINK_SIZE);
        /* windowBits 15 + 16: a gzip wrapper, no name, mtime 0 */
        if (s.zbuf && deflateInit2(&s.z, 6, Z_DEFLATED, 15 + 16, 8,
                                   Z_DEFAULT_STRATEGY) != Z_OK) {
            free(s.zbuf);
            s.zbuf = NULL;
        }
    }
    if (!s.buf || (s.gzip && !s.zbuf)) {
        /* (deflateInit2 frees what it allocated when it fails) */
        free(s.buf);
        free(s.zbuf);
        return fmni_fail(err, FMN_ERR_NOMEM, what, FMN_NO_OFFSET, 0,
                         "no memory for the output buffers");
    }
    write_items(&s, split, items, format, kind);
    drain(&s, s.buf, s.used, 1);
    if (s.gzip) {
        deflateEnd(&s.z);
        free(s.zbuf);
    }
    free(s.buf);
    if (s.status == FMN_ERR_NOMEM)
        return fmni_fail(err, s.status, what, FMN_NO_OFFSET, 0,
                         "the compressor failed");
    if (s.status != FMN_OK)
        return fmni_fail(err, s.status, what, FMN_NO_OFFSET, 0,
                         "the write callback failed");
    return FMN_OK;
}
