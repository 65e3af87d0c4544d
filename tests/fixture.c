/* fixture.c - see fixture.h. Aborts on allocation failure: tests only. */
#include "fixture.h"
#include "fmnist.h"
#include "os.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

static void *xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (!q) {
        fputs("fixture: out of memory\n", stderr);
        abort();
    }
    return q;
}

void buf_put(buf *b, const void *p, size_t n)
{
    if (n > b->cap - b->size) {
        size_t cap = b->cap ? b->cap : 64;
        while (cap - b->size < n)
            cap *= 2;
        b->data = xrealloc(b->data, cap);
        b->cap = cap;
    }
    if (n)
        memcpy(b->data + b->size, p, n);
    b->size += n;
}

void buf_u8(buf *b, uint8_t v) { buf_put(b, &v, 1); }

void buf_be32(buf *b, uint32_t v)
{
    uint8_t p[4] = {(uint8_t)(v >> 24), (uint8_t)(v >> 16), (uint8_t)(v >> 8),
                    (uint8_t)v};
    buf_put(b, p, 4);
}

void buf_le32(buf *b, uint32_t v)
{
    uint8_t p[4] = {(uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16),
                    (uint8_t)(v >> 24)};
    buf_put(b, p, 4);
}

void buf_cat(buf *b, buf b2)
{
    buf_put(b, b2.data, b2.size);
    free(b2.data);
}

buf idx_header(uint8_t type, size_t ndim, const uint32_t *dims)
{
    buf b = {0};
    uint8_t magic[4] = {0, 0, type, (uint8_t)ndim};
    buf_put(&b, magic, 4);
    for (size_t i = 0; i < ndim; i++)
        buf_be32(&b, dims[i]);
    return b;
}

buf idx_u8(size_t ndim, const uint32_t *dims)
{
    buf b = idx_header(0x08, ndim, dims);
    size_t n = 1;
    for (size_t i = 0; i < ndim; i++)
        n *= dims[i];
    b.data = xrealloc(b.data, b.size + n); /* grown once */
    b.cap = b.size + n;
    for (size_t i = 0; i < n; i++)
        b.data[b.size + i] = (uint8_t)(i * 7 + 3);
    b.size += n;
    return b;
}

buf gz_member(const void *p, size_t n, uint8_t flags)
{
    buf b = {0};
    uint8_t h[10] = {0x1f, 0x8b, 8, flags, 0, 0, 0, 0, 0, 3};
    buf_put(&b, h, sizeof h);
    z_stream z;
    memset(&z, 0, sizeof z);
    if (deflateInit2(&z, 6, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY) != Z_OK)
        abort();
    size_t cap = deflateBound(&z, (uLong)n) + 16;
    uint8_t *out = xrealloc(NULL, cap);
    z.next_in = (Bytef *)(uintptr_t)p;
    z.avail_in = (uInt)n;
    z.next_out = out;
    z.avail_out = (uInt)cap;
    if (deflate(&z, Z_FINISH) != Z_STREAM_END)
        abort();
    buf_put(&b, out, cap - z.avail_out);
    deflateEnd(&z);
    free(out);
    buf_le32(&b, (uint32_t)crc32(0, p, (uInt)n));
    buf_le32(&b, (uint32_t)n);
    return b;
}

char *tmpdir_make(void)
{
    char *d = os_tmpdir("fmnist-test");
    if (!d)
        abort();
    return d;
}

void tmpdir_remove(char *dir)
{
    if (dir)
        os_remove_tree(dir);
    free(dir);
}

char *write_file(const char *dir, const char *name, const void *p, size_t n)
{
    size_t len = strlen(dir) + strlen(name) + 2;
    char *path = xrealloc(NULL, len);
    snprintf(path, len, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    if (!f || (n && fwrite(p, 1, n, f) != n) || fclose(f) != 0)
        abort();
    return path;
}

struct fmn_split *split_make(void)
{
    enum { PX = SPLIT_H * SPLIT_W };
    uint32_t dims[3] = {SPLIT_N, SPLIT_H, SPLIT_W};
    buf img = idx_u8(3, dims);
    uint8_t *px = img.data + 16;
    for (size_t i = 0; i < SPLIT_N; i++)
        for (size_t k = 0; k < PX; k++)
            px[i * PX + k] = (uint8_t)(i * 7 + k);
    px[0] = 0;
    px[1] = 128;
    px[2] = 255;
    uint32_t ldims[1] = {SPLIT_N};
    buf lab = idx_u8(1, ldims);
    for (size_t i = 0; i < SPLIT_N; i++)
        lab.data[8 + i] = (uint8_t)(i < 5 ? 3 : i % 10);
    fmn_split *sp = NULL;
    fmn_error err;
    fmn_status st = fmn_split_load_memory(img.data, img.size, "images",
                                          lab.data, lab.size, "labels", NULL,
                                          &sp, &err);
    free(img.data);
    free(lab.data);
    if (st != FMN_OK)
        fprintf(stderr, "split_make: %s\n", err.message);
    return sp;
}
