/* test_reader.c - fmn_reader: item by item, the same bytes and the same
 * checks as a whole load, in any chunk size, raw and gzipped. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

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

int main(void)
{
    g_dir = tmpdir_make();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(reads_equal_loads),
        cmocka_unit_test(errors_as_a_load_reports_them),
    };
    int failed = cmocka_run_group_tests(tests, NULL, NULL);
    tmpdir_remove(g_dir);
    return failed;
}
