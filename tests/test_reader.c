/* test_reader.c - fmn_reader: item by item, the same bytes and the same
 * checks as a whole load, in any chunk size, raw and gzipped. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fixture.h"
#include "fmnist.h"

static char *g_dir;

/* Reads the whole file through a reader in chunks of `chunk` items and
 * compares with fmn_idx_load_file. */
static void same_as_load(const char *path, size_t chunk)
{
    fmn_error err;
    fmn_idx *idx;
    if (fmn_idx_load_file(path, NULL, &idx, &err) != FMN_OK)
        fail_msg("%s", err.message);
    fmn_array want = fmn_idx_array(idx);
    fmn_reader *r;
    if (fmn_reader_open(path, &r, &err) != FMN_OK)
        fail_msg("%s", err.message);
    fmn_array shape = fmn_reader_shape(r);
    assert_int_equal(shape.ndim, want.ndim);
    assert_int_equal(shape.count, want.count);
    assert_int_equal(shape.dtype, want.dtype);
    assert_null(shape.data);
    size_t item = fmn_reader_item_bytes(r);
    uint8_t *data = malloc(chunk * item + 1);
    size_t off = 0, n;
    assert_false(fmn_reader_info(r)->complete);
    while (fmn_reader_read(r, data, chunk, &n, &err) == FMN_OK && n > 0) {
        assert_true(off + n * item <= want.nbytes);
        assert_memory_equal(data, (const uint8_t *)want.data + off, n * item);
        off += n * item;
    }
    assert_int_equal(err.status, FMN_OK);
    assert_int_equal(off, want.nbytes);
    const fmn_file_info *a = fmn_reader_info(r), *b = fmn_idx_info(idx);
    assert_true(a->complete);
    assert_int_equal(a->crc32, b->crc32);
    assert_int_equal(a->decoded_size, b->decoded_size);
    assert_int_equal(a->release, b->release);
    assert_int_equal(a->compression, b->compression);
    /* past the end: nothing more, no error */
    assert_int_equal(fmn_reader_read(r, data, chunk, &n, &err), FMN_OK);
    assert_int_equal(n, 0);
    free(data);
    fmn_reader_free(r);
    fmn_idx_free(idx);
}

static void reads_equal_loads(void **state)
{
    (void)state;
    uint32_t dims[3] = {50, 4, 3};
    buf raw = idx_u8(3, dims);
    char *p_raw = write_file(g_dir, "raw", raw.data, raw.size);
    buf gz = gz_member(raw.data, 100, 0);
    buf_cat(&gz, gz_member(raw.data + 100, raw.size - 100, 0));
    char *p_gz = write_file(g_dir, "gz", gz.data, gz.size);
    /* int16, big-endian in the file */
    uint32_t d16[1] = {5};
    buf i16 = idx_header(0x0B, 1, d16);
    for (int i = 0; i < 5; i++)
        buf_put(&i16, (uint8_t[]){(uint8_t)(i + 1), (uint8_t)(0x10 * i)}, 2);
    char *p_16 = write_file(g_dir, "i16", i16.data, i16.size);
    uint32_t d0[2] = {0, 7};
    buf empty = idx_header(0x08, 2, d0);
    char *p_0 = write_file(g_dir, "empty", empty.data, empty.size);
    size_t chunks[4] = {1, 7, 50, 1000};
    for (int c = 0; c < 4; c++) {
        same_as_load(p_raw, chunks[c]);
        same_as_load(p_gz, chunks[c]);
        same_as_load(p_16, chunks[c]);
        same_as_load(p_0, chunks[c]);
    }
    free(raw.data), free(gz.data), free(i16.data), free(empty.data);
    free(p_raw), free(p_gz), free(p_16), free(p_0);
}

static void errors_as_a_load_reports_them(void **state)
{
    (void)state;
    uint32_t dims[3] = {20, 2, 2};
    buf raw = idx_u8(3, dims);
    fmn_error err;
    fmn_reader *r;
    uint8_t buf8[1000];
    size_t n;
    /* a raw file shorter than declared: refused at open */
    char *p = write_file(g_dir, "short", raw.data, raw.size - 1);
    assert_int_equal(fmn_reader_open(p, &r, &err), FMN_ERR_TRUNCATED);
    assert_null(r);
    free(p);
    /* gzipped and cut: found when the data runs out, with the item count */
    buf gz = gz_member(raw.data, raw.size - 6, 0);
    p = write_file(g_dir, "short.gz", gz.data, gz.size);
    assert_int_equal(fmn_reader_open(p, &r, &err), FMN_OK);
    assert_int_equal(fmn_reader_read(r, buf8, 10, &n, &err), FMN_OK);
    assert_int_equal(n, 10);
    assert_int_equal(fmn_reader_read(r, buf8, 100, &n, &err),
                     FMN_ERR_TRUNCATED);
    assert_non_null(strstr(err.message, "after 18 complete items of 20"));
    fmn_reader_free(r);
    free(p);
    free(gz.data);
    /* bytes after the data: the last read says so */
    buf more = idx_u8(3, dims);
    buf_put(&more, "xyz", 3);
    p = write_file(g_dir, "trailing", more.data, more.size);
    assert_int_equal(fmn_reader_open(p, &r, &err), FMN_OK);
    assert_int_equal(fmn_reader_read(r, buf8, 19, &n, &err), FMN_OK);
    assert_int_equal(fmn_reader_read(r, buf8, 19, &n, &err),
                     FMN_ERR_TRAILING_DATA);
    assert_false(fmn_reader_info(r)->complete);
    fmn_reader_free(r);
    free(p);
    free(more.data);
    /* not IDX, missing */
    p = write_file(g_dir, "html", "<!DOCTYPE html>", 15);
    assert_int_equal(fmn_reader_open(p, &r, &err), FMN_ERR_BAD_MAGIC);
    free(p);
    assert_int_equal(fmn_reader_open("/nonexistent/x", &r, &err),
                     FMN_ERR_NOT_FOUND);
    assert_int_equal(fmn_reader_open(NULL, &r, &err),
                     FMN_ERR_INVALID_ARGUMENT);
    free(raw.data);
}


/* ---- the split reader ------------------------------------------------- */

/* Reads a split through a split reader in chunks of `chunk` items (pixels
 * kept, or dropped with keep 0) until the end or an error; returns the
 * last status with *err filled, and checks the bytes against `want` when
 * it is not NULL. */
static fmn_status stream_split(const char *ip, const char *lp,
                               const fmn_options *opt, size_t chunk, int keep,
                               const fmn_split *want, fmn_error *err)
{
    fmn_split_reader *r;
    fmn_status st = fmn_split_reader_open(ip, lp, opt, &r, err);
    if (st != FMN_OK) {
        assert_null(r);
        return st;
    }
    fmn_images sh = fmn_split_reader_shape(r);
    size_t item = sh.height * sh.width, off = 0, n;
    uint8_t *px = malloc(chunk * item + 1), *lb = malloc(chunk);
    while ((st = fmn_split_reader_read(r, keep ? px : NULL, lb, chunk, &n,
                                       err)) == FMN_OK &&
           n > 0) {
        if (want) {
            fmn_images im = fmn_split_images(want);
            assert_memory_equal(lb, fmn_split_labels(want) + off, n);
            if (keep)
                assert_memory_equal(px, im.data + off * item, n * item);
        }
        off += n;
    }
    if (st == FMN_OK) {
        assert_true(fmn_split_reader_complete(r));
        assert_int_equal(off, sh.count);
        if (want) {
            assert_int_equal(fmn_split_reader_num_classes(r),
                             fmn_split_num_classes(want));
            assert_int_equal(fmn_split_reader_dataset(r),
                             fmn_split_dataset(want));
            assert_int_equal(fmn_split_reader_file(r, FMN_FILE_IMAGES)->crc32,
                             fmn_split_file(want, FMN_FILE_IMAGES)->crc32);
        }
        /* past the end: nothing more, no error */
        assert_int_equal(fmn_split_reader_read(r, px, lb, chunk, &n, err),
                         FMN_OK);
        assert_int_equal(n, 0);
    } else {
        assert_false(fmn_split_reader_complete(r));
        /* a failed reader stays failed, with the same words */
        fmn_error again;
        assert_int_equal(fmn_split_reader_read(r, px, lb, chunk, &n, &again),
                         st);
        assert_string_equal(again.message, err->message);
    }
    free(px);
    free(lb);
    fmn_split_reader_free(r);
    return st;
}

static buf labels_of(size_t n, unsigned modulo)
{
    uint32_t dims[1] = {(uint32_t)n};
    buf b = idx_header(0x08, 1, dims);
    for (size_t i = 0; i < n; i++)
        buf_u8(&b, (uint8_t)(i % modulo));
    return b;
}

static void split_reader_equals_a_load(void **state)
{
    (void)state;
    uint32_t dims[3] = {30, 4, 3};
    buf im = idx_u8(3, dims), lb = labels_of(30, 10);
    buf gz = gz_member(im.data, im.size, 0);
    char *ip = write_file(g_dir, "sr-images.gz", gz.data, gz.size);
    char *lp = write_file(g_dir, "sr-labels", lb.data, lb.size);
    fmn_split *sp;
    fmn_error err;
    assert_int_equal(fmn_split_load(ip, lp, NULL, &sp, &err), FMN_OK);
    size_t chunks[4] = {1, 7, 30, 100};
    for (int c = 0; c < 4; c++)
        for (int keep = 0; keep < 2; keep++)
            assert_int_equal(stream_split(ip, lp, NULL, chunks[c], keep, sp,
                                          &err),
                             FMN_OK);
    /* no items at all: complete on the first read */
    uint32_t d0[3] = {0, 28, 28};
    buf im0 = idx_header(0x08, 3, d0), lb0 = labels_of(0, 10);
    char *ip0 = write_file(g_dir, "sr-images0", im0.data, im0.size);
    char *lp0 = write_file(g_dir, "sr-labels0", lb0.data, lb0.size);
    assert_int_equal(stream_split(ip0, lp0, NULL, 5, 1, NULL, &err), FMN_OK);
    fmn_split_free(sp);
    free(im.data), free(lb.data), free(gz.data), free(im0.data);
    free(lb0.data), free(ip), free(lp), free(ip0), free(lp0);
}

/* One fault, written as the images and labels files of a split. */
typedef struct fault {
    const char *name;
    buf images, labels;
    unsigned classes; /* fmn_options.num_classes */
    fmn_status want;
} fault;

static buf cut(buf b, size_t drop)
{
    b.size -= drop;
    return b;
}

static buf gz_of(buf b)
{
    buf g = gz_member(b.data, b.size, 0);
    free(b.data);
    return g;
}

static buf plus(buf b, const char *tail)
{
    buf_put(&b, tail, strlen(tail));
    return b;
}

/* The faults a split can have, one at a time. */
static size_t make_faults(fault *f)
{
    uint32_t d[3] = {12, 3, 3}, d2[2] = {12, 9}, l2[2] = {12, 1};
    size_t n = 0;
    f[n++] = (fault){"counts differ", idx_u8(3, d), labels_of(11, 10), 0,
                     FMN_ERR_COUNT_MISMATCH};
    f[n++] = (fault){"raw images cut", cut(idx_u8(3, d), 5),
                     labels_of(12, 10), 0, FMN_ERR_TRUNCATED};
    f[n++] = (fault){"gzipped images cut", cut(gz_of(idx_u8(3, d)), 30),
                     labels_of(12, 10), 0, FMN_ERR_GZIP_TRUNCATED};
    f[n++] = (fault){"gzipped labels cut", idx_u8(3, d),
                     cut(gz_of(labels_of(12, 10)), 9), 0,
                     FMN_ERR_GZIP_TRUNCATED};
    f[n++] = (fault){"label 10 of 10 classes", idx_u8(3, d),
                     labels_of(12, 11), 0, FMN_ERR_BAD_LABEL};
    f[n++] = (fault){"label 3 of 3 classes", idx_u8(3, d), labels_of(12, 10),
                     3, FMN_ERR_BAD_LABEL};
    f[n++] = (fault){"11 classes allowed", idx_u8(3, d), labels_of(12, 11),
                     11, FMN_OK};
    f[n++] = (fault){"bytes after the images", plus(idx_u8(3, d), "xy"),
                     labels_of(12, 10), 0, FMN_ERR_TRAILING_DATA};
    f[n++] = (fault){"bytes after the labels in gzip", idx_u8(3, d),
                     gz_of(plus(labels_of(12, 10), "x")), 0,
                     FMN_ERR_TRAILING_DATA};
    f[n++] = (fault){"garbage after the gzip member", idx_u8(3, d),
                     plus(gz_of(labels_of(12, 10)), "junk"), 0,
                     FMN_ERR_GZIP_TRAILING};
    buf bad_crc = gz_of(idx_u8(3, d));
    bad_crc.data[bad_crc.size - 6] ^= 1;
    f[n++] = (fault){"gzip CRC", bad_crc, labels_of(12, 10), 0,
                     FMN_ERR_GZIP_CRC};
    f[n++] = (fault){"2-D images", idx_u8(2, d2), labels_of(12, 10), 0,
                     FMN_ERR_NOT_IMAGES};
    f[n++] = (fault){"2-D labels", idx_u8(3, d), idx_u8(2, l2), 0,
                     FMN_ERR_NOT_LABELS};
    buf html = {0};
    buf_put(&html, "<!DOCTYPE html>", 15);
    f[n++] = (fault){"an HTML page for labels", idx_u8(3, d), html, 0,
                     FMN_ERR_BAD_MAGIC};
    return n;
}

static void split_reader_fails_as_a_load_does(void **state)
{
    (void)state;
    fault f[16];
    size_t n = make_faults(f);
    for (size_t i = 0; i < n; i++) {
        char in[64], ln[64];
        snprintf(in, sizeof in, "fault-%zu-images", i);
        snprintf(ln, sizeof ln, "fault-%zu-labels", i);
        char *ip = write_file(g_dir, in, f[i].images.data, f[i].images.size);
        char *lp = write_file(g_dir, ln, f[i].labels.data, f[i].labels.size);
        fmn_options opt;
        fmn_options_init(&opt);
        opt.num_classes = f[i].classes;
        fmn_split *sp;
        fmn_error load, stream;
        fmn_status a = fmn_split_load(ip, lp, &opt, &sp, &load);
        fmn_split_free(sp);
        for (int keep = 0; keep < 2; keep++) {
            fmn_status b = stream_split(ip, lp, &opt, 5, keep, NULL, &stream);
            if (a != f[i].want || b != a ||
                (a != FMN_OK && strcmp(load.message, stream.message) != 0))
                fail_msg("%s: load %d (%s), stream %d (%s), expected %d",
                         f[i].name, a, a ? load.message : "",
                         b, b ? stream.message : "", f[i].want);
        }
        free(ip), free(lp), free(f[i].images.data), free(f[i].labels.data);
    }
}

typedef struct seen {
    char msg[8][600];
    int n;
} seen;

static void keep_report(void *ctx, const fmn_error *e)
{
    seen *s = ctx;
    if (s->n < 8)
        snprintf(s->msg[s->n], sizeof s->msg[0], "%s", e->message);
    s->n++;
}

static void split_reader_reports_both_bad_files(void **state)
{
    (void)state;
    uint32_t d[3] = {12, 3, 3};
    buf im = cut(gz_of(idx_u8(3, d)), 20), lb = plus(labels_of(12, 10), "!");
    char *ip = write_file(g_dir, "both-bad-images.gz", im.data, im.size);
    char *lp = write_file(g_dir, "both-bad-labels", lb.data, lb.size);
    for (int streamed = 0; streamed < 2; streamed++) {
        seen s = {.n = 0};
        fmn_options opt;
        fmn_options_init(&opt);
        opt.report = keep_report;
        opt.report_ctx = &s;
        fmn_error err;
        if (streamed) {
            stream_split(ip, lp, &opt, 4, 1, NULL, &err);
        } else {
            fmn_split *sp;
            assert_int_equal(fmn_split_load(ip, lp, &opt, &sp, &err),
                             FMN_ERR_TRAILING_DATA);
        }
        /* each bad file once, labels first (the order a load reads) */
        assert_int_equal(s.n, 2);
        assert_non_null(strstr(s.msg[0], "both-bad-labels: 1 unexpected"));
        assert_non_null(strstr(s.msg[1], "both-bad-images.gz: gzip stream "
                                         "is truncated"));
        assert_string_equal(err.message, s.msg[0]);
    }
    free(ip), free(lp), free(im.data), free(lb.data);
}

static void reader_stays_failed(void **state)
{
    (void)state;
    uint32_t dims[3] = {4, 2, 2};
    buf more = plus(idx_u8(3, dims), "tail");
    char *p = write_file(g_dir, "stays-failed", more.data, more.size);
    fmn_reader *r;
    fmn_error err, again;
    uint8_t b[64];
    size_t n;
    assert_int_equal(fmn_reader_open(p, &r, &err), FMN_OK);
    assert_int_equal(fmn_reader_read(r, b, 4, &n, &err), FMN_ERR_TRAILING_DATA);
    assert_int_equal(fmn_reader_read(r, b, 4, &n, &again),
                     FMN_ERR_TRAILING_DATA);
    assert_string_equal(again.message, err.message);
    assert_false(fmn_reader_info(r)->complete);
    fmn_reader_free(r);
    free(p), free(more.data);
}

int main(void)
{
    g_dir = tmpdir_make();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(reads_equal_loads),
        cmocka_unit_test(errors_as_a_load_reports_them),
        cmocka_unit_test(reader_stays_failed),
        cmocka_unit_test(split_reader_equals_a_load),
        cmocka_unit_test(split_reader_fails_as_a_load_does),
        cmocka_unit_test(split_reader_reports_both_bad_files),
    };
    int failed = cmocka_run_group_tests(tests, NULL, NULL);
    tmpdir_remove(g_dir);
    return failed;
}
