/* test_sources.c - loads from sources other than paths: open descriptors
 * (a file, a pipe) and read callbacks, gzipped and raw, for files and
 * splits: the same bytes and identification as a load of the path; the
 * descriptor left open; a callback that fails in the middle of the file
 * fails the load with its name and offset; bad arguments. And the
 * buffers taken out of a split (fmn_split_release). */
#define _POSIX_C_SOURCE 200809L
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fixture.h"
#include "os.h"
#include "fmnist.h"

/* A callback over a buffer: at most `step` bytes a call, -1 once `fail_at`
 * bytes have been given (0: never). */
typedef struct feed {
    const uint8_t *p;
    size_t n, at, step, fail_at;
} feed;

static long from_feed(void *ctx, void *dst, size_t n)
{
    feed *f = ctx;
    if (f->fail_at && f->at >= f->fail_at)
        return -1;
    size_t k = f->n - f->at;
    if (k > n)
        k = n;
    if (k > f->step)
        k = f->step;
    if (f->fail_at && f->at + k > f->fail_at)
        k = f->fail_at - f->at;
    memcpy(dst, f->p + f->at, k);
    f->at += k;
    return (long)k;
}

static void images_and_gz(buf *raw, buf *gz)
{
    uint32_t dims[3] = {50, 28, 28};
    *raw = idx_u8(3, dims);
    *gz = gz_member(raw->data, raw->size, 0);
}

static void same_as(const fmn_idx *idx, const buf *raw)
{
    fmn_array a = fmn_idx_array(idx);
    assert_int_equal(a.nbytes + 16, raw->size);
    assert_memory_equal(a.data, raw->data + 16, a.nbytes);
    assert_int_equal(fmn_idx_info(idx)->complete, 1);
}

static void loads_from_descriptors(void **state)
{
    (void)state;
    buf raw, gz;
    images_and_gz(&raw, &gz);
    char *dir = tmpdir_make();
    char *pr = write_file(dir, "images.idx", raw.data, raw.size);
    char *pg = write_file(dir, "images.idx.gz", gz.data, gz.size);
    for (int k = 0; k < 2; k++) {
        int fd = os_open_read(k ? pg : pr);
        assert_true(fd >= 0);
        fmn_idx *idx;
        fmn_error err;
        assert_int_equal(fmn_idx_load_fd(fd, "mine", NULL, &idx, &err), FMN_OK);
        same_as(idx, &raw);
        assert_string_equal(fmn_idx_info(idx)->path, "mine"); /* copied */
        assert_int_equal(fmn_idx_info(idx)->compression,
                         k ? FMN_COMPRESSION_GZIP : FMN_COMPRESSION_NONE);
        fmn_idx_free(idx);
        assert_true(os_fd_open(fd)); /* still the caller's */
        os_close(fd);
    }
    /* a pipe */
    int p[2];
    assert_int_equal(os_pipe(p), 0);
    assert_int_equal(os_write(p[1], gz.data, gz.size), 0);
    os_close(p[1]);
    fmn_idx *idx;
    fmn_error err;
    assert_int_equal(fmn_idx_load_fd(p[0], NULL, NULL, &idx, &err), FMN_OK);
    same_as(idx, &raw);
    assert_non_null(strstr(fmn_idx_info(idx)->path, "<descriptor"));
    fmn_idx_free(idx);
    os_close(p[0]);
    /* a closed descriptor: an error, named */
    assert_int_not_equal(fmn_idx_load_fd(p[0], "gone", NULL, &idx, &err),
                         FMN_OK);
    assert_null(idx);
    assert_true(strncmp(err.message, "gone: ", 6) == 0);
    assert_int_equal(fmn_idx_load_fd(0, NULL, NULL, NULL, &err),
                     FMN_ERR_INVALID_ARGUMENT);
    free(pr);
    free(pg);
    free(raw.data);
    free(gz.data);
    tmpdir_remove(dir);
}

static void loads_through_callbacks(void **state)
{
    (void)state;
    buf raw, gz;
    images_and_gz(&raw, &gz);
    for (int k = 0; k < 2; k++) {
        const buf *b = k ? &gz : &raw;
        for (size_t step = 1; step < 100000; step = step * 7 + 3) {
            feed f = {b->data, b->size, 0, step, 0};
            fmn_idx *idx;
            fmn_error err;
            assert_int_equal(fmn_idx_load_callback(from_feed, &f, "cb", NULL,
                                                   &idx, &err),
                             FMN_OK);
            same_as(idx, &raw);
            fmn_idx_free(idx);
        }
        /* failing in the middle: the load fails, naming where */
        feed f = {b->data, b->size, 0, 4096, b->size / 2};
        fmn_idx *idx;
        fmn_error err;
        assert_int_equal(fmn_idx_load_callback(from_feed, &f, "half", NULL,
                                               &idx, &err),
                         FMN_ERR_IO);
        assert_null(idx);
        assert_true(strncmp(err.message, "half: read failed at byte ", 26) ==
                    0);
        assert_non_null(strstr(err.message, "the read callback failed"));
    }
    fmn_idx *idx;
    fmn_error err;
    assert_int_equal(fmn_idx_load_callback(NULL, NULL, "x", NULL, &idx, &err),
                     FMN_ERR_INVALID_ARGUMENT);
    free(raw.data);
    free(gz.data);
}

static void splits_from_descriptors_and_callbacks(void **state)
{
    (void)state;
    buf raw, gz;
    images_and_gz(&raw, &gz);
    uint32_t n[1] = {50};
    buf lb = idx_header(0x08, 1, n);
    for (int i = 0; i < 50; i++)
        buf_u8(&lb, (uint8_t)(i % 10));
    char *dir = tmpdir_make();
    char *pi = write_file(dir, "i.gz", gz.data, gz.size);
    char *pl = write_file(dir, "l", lb.data, lb.size);
    int fi = os_open_read(pi), fl = os_open_read(pl);
    fmn_split *sp;
    fmn_error err;
    assert_int_equal(fmn_split_load_fd(fi, "images", fl, "labels", NULL, &sp,
                                       &err),
                     FMN_OK);
    assert_int_equal(fmn_split_count(sp), 50);
    assert_memory_equal(fmn_split_labels(sp), lb.data + 8, 50);
    assert_memory_equal(fmn_split_images(sp).data, raw.data + 16, 50 * 784);
    fmn_split_free(sp);
    os_close(fi);
    os_close(fl);
    feed a = {gz.data, gz.size, 0, 1000, 0}, b = {lb.data, lb.size, 0, 7, 0};
    assert_int_equal(fmn_split_load_callback(from_feed, &a, "images",
                                             from_feed, &b, "labels", NULL,
                                             &sp, &err),
                     FMN_OK);
    assert_memory_equal(fmn_split_labels(sp), lb.data + 8, 50);
    fmn_split_free(sp);
    /* the labels fail: no split, the labels named */
    feed c = {gz.data, gz.size, 0, 1000, 0}, d = {lb.data, lb.size, 0, 7, 20};
    assert_int_equal(fmn_split_load_callback(from_feed, &c, "images",
                                             from_feed, &d, "labels", NULL,
                                             &sp, &err),
                     FMN_ERR_IO);
    assert_null(sp);
    assert_true(strncmp(err.message, "labels: ", 8) == 0);
    assert_int_equal(fmn_split_load_callback(NULL, NULL, NULL, from_feed, &d,
                                             NULL, NULL, &sp, &err),
                     FMN_ERR_INVALID_ARGUMENT);
    free(pi);
    free(pl);
    free(raw.data);
    free(gz.data);
    free(lb.data);
    tmpdir_remove(dir);
}

/* fmn_split_release: the pixels and labels as buffers of their own, the
 * same bytes, freed with free(); from a gzip load, a raw mapped load and
 * a range. */
static void split_release_gives_buffers(void **state)
{
    (void)state;
    buf raw, gz;
    uint32_t dims[3] = {1400, 28, 28}; /* 1.1 MB: mapped when asked */
    raw = idx_u8(3, dims);
    gz = gz_member(raw.data, raw.size, 0);
    uint32_t n[1] = {1400};
    buf lb = idx_header(0x08, 1, n);
    for (int i = 0; i < 1400; i++)
        buf_u8(&lb, (uint8_t)(i % 10));
    char *dir = tmpdir_make();
    char *pg = write_file(dir, "i.gz", gz.data, gz.size);
    char *pr = write_file(dir, "i.raw", raw.data, raw.size);
    char *pl = write_file(dir, "l", lb.data, lb.size);
    fmn_options mapped;
    fmn_options_init(&mapped);
    mapped.map_raw = 1;
    for (int k = 0; k < 3; k++) {
        fmn_split *sp;
        fmn_error err;
        fmn_status st = k == 2 ? fmn_split_load_range(pg, pl, 100, 50, NULL,
                                                      &sp, &err)
                               : fmn_split_load(k ? pr : pg, pl,
                                                k ? &mapped : NULL, &sp, &err);
        assert_int_equal(st, FMN_OK);
        size_t count = fmn_split_count(sp), first = k == 2 ? 100 : 0;
        uint8_t *x, *y;
        assert_int_equal(fmn_split_release(sp, &x, &y, &err), FMN_OK);
        assert_memory_equal(x, raw.data + 16 + first * 784, count * 784);
        assert_memory_equal(y, lb.data + 8 + first, count);
        free(x);
        free(y);
    }
    uint8_t *x, *y;
    fmn_error err;
    assert_int_equal(fmn_split_release(NULL, &x, &y, &err),
                     FMN_ERR_INVALID_ARGUMENT);
    assert_null(x);
    free(pg);
    free(pr);
    free(pl);
    free(raw.data);
    free(gz.data);
    free(lb.data);
    tmpdir_remove(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(loads_from_descriptors),
        cmocka_unit_test(loads_through_callbacks),
        cmocka_unit_test(splits_from_descriptors_and_callbacks),
        cmocka_unit_test(split_release_gives_buffers),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
