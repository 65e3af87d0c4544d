/* test_idx.c - the IDX reader on in-memory fixtures: every element type,
 * every header defect, sizes, limits, ranges, paths. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fixture.h"
#ifdef _WIN32
#include <windows.h> /* VirtualQuery */
#endif
#include "os.h"
#include "fmnist.h"

/* Loads `b` from memory expecting `want`; returns the handle on success. */
static fmn_idx *load_expect(buf b, fmn_status want, const char *needle)
{
    fmn_idx *idx = (fmn_idx *)(uintptr_t)1;
    fmn_error err;
    fmn_status st = fmn_idx_load_memory(b.data, b.size, "fixture.idx", NULL,
                                        &idx, &err);
    if (st != want)
        print_error("got status %d (%s), wanted %d: %s\n", st,
                    fmn_strerror(st), want, err.message);
    assert_int_equal(st, want);
    assert_int_equal(err.status, want);
    if (want != FMN_OK) {
        assert_null(idx);
        assert_non_null(strstr(err.message, "fixture.idx: "));
        if (needle && !strstr(err.message, needle))
            fail_msg("message '%s' lacks '%s'", err.message, needle);
    }
    return idx;
}

static void idx_loads_uint8_3d(void **state)
{
    (void)state;
    uint32_t dims[3] = {4, 3, 2};
    buf b = idx_u8(3, dims);
    fmn_idx *idx = load_expect(b, FMN_OK, NULL);
    fmn_array a = fmn_idx_array(idx);
    assert_int_equal(a.dtype, FMN_DTYPE_U8);
    assert_int_equal(a.ndim, 3);
    assert_int_equal(a.dims[0], 4);
    assert_int_equal(a.dims[2], 2);
    assert_int_equal(a.count, 24);
    assert_int_equal(a.nbytes, 24);
    assert_memory_equal(a.data, b.data + 16, 24);
    const fmn_file_info *fi = fmn_idx_info(idx);
    assert_int_equal(fi->compression, FMN_COMPRESSION_NONE);
    assert_int_equal(fi->decoded_size, b.size);
    assert_int_equal(fi->release, FMN_RELEASE_UNKNOWN);
    assert_int_equal(fi->complete, 1);
    fmn_idx_free(idx);
    free(b.data);
}

static void idx_decodes_every_type_to_host_order(void **state)
{
    (void)state;
    uint32_t dims[1] = {3};
    /* int8 */
    buf b = idx_header(0x09, 1, dims);
    buf_put(&b, "\x80\xff\x7f", 3);
    fmn_idx *idx = load_expect(b, FMN_OK, NULL);
    const int8_t *i8 = fmn_idx_array(idx).data;
    assert_int_equal(i8[0], -128);
    assert_int_equal(i8[1], -1);
    assert_int_equal(i8[2], 127);
    fmn_idx_free(idx);
    free(b.data);
    /* int16 */
    b = idx_header(0x0B, 1, dims);
    buf_put(&b, "\x80\x00\xff\xfe\x01\x02", 6);
    idx = load_expect(b, FMN_OK, NULL);
    const int16_t *i16 = fmn_idx_array(idx).data;
    assert_int_equal(i16[0], -32768);
    assert_int_equal(i16[1], -2);
    assert_int_equal(i16[2], 0x0102);
    assert_int_equal(fmn_idx_array(idx).nbytes, 6);
    fmn_idx_free(idx);
    free(b.data);
    /* int32 */
    b = idx_header(0x0C, 1, dims);
    buf_put(&b, "\x80\x00\x00\x00\xff\xff\xff\xff\x01\x02\x03\x04", 12);
    idx = load_expect(b, FMN_OK, NULL);
    const int32_t *i32 = fmn_idx_array(idx).data;
    assert_true(i32[0] == INT32_MIN);
    assert_int_equal(i32[1], -1);
    assert_int_equal(i32[2], 0x01020304);
    fmn_idx_free(idx);
    free(b.data);
    /* float32: 1.5, -0, a quiet NaN with payload: bit-exact */
    b = idx_header(0x0D, 1, dims);
    buf_put(&b, "\x3f\xc0\x00\x00\x80\x00\x00\x00\x7f\xc1\x23\x45", 12);
    idx = load_expect(b, FMN_OK, NULL);
    const float *f32 = fmn_idx_array(idx).data;
    uint32_t bits[3];
    memcpy(bits, f32, 12);
    assert_true(f32[0] == 1.5f);
    assert_int_equal(bits[1], 0x80000000u);
    assert_true(signbit(f32[1]));
    assert_int_equal(bits[2], 0x7fc12345u);
    assert_true(isnan(f32[2]));
    fmn_idx_free(idx);
    free(b.data);
    /* float64: -2.25, -0, NaN with payload */
    b = idx_header(0x0E, 1, dims);
    buf_put(&b, "\xc0\x02\x00\x00\x00\x00\x00\x00"
                "\x80\x00\x00\x00\x00\x00\x00\x00"
                "\x7f\xf8\x00\x00\x00\x00\xbe\xef",
            24);
    idx = load_expect(b, FMN_OK, NULL);
    const double *f64 = fmn_idx_array(idx).data;
    uint64_t b64[3];
    memcpy(b64, f64, 24);
    assert_true(f64[0] == -2.25);
    assert_true(b64[1] == 0x8000000000000000ull);
    assert_true(b64[2] == 0x7ff800000000beefull);
    assert_int_equal(fmn_idx_array(idx).dtype, FMN_DTYPE_F64);
    fmn_idx_free(idx);
    free(b.data);
}

static void idx_accepts_1_and_255_dims(void **state)
{
    (void)state;
    uint32_t one[1] = {5};
    buf b = idx_u8(1, one);
    fmn_idx *idx = load_expect(b, FMN_OK, NULL);
    assert_int_equal(fmn_idx_array(idx).ndim, 1);
    fmn_idx_free(idx);
    free(b.data);
    uint32_t many[255];
    for (int i = 0; i < 255; i++)
        many[i] = i == 7 ? 2 : 1;
    b = idx_u8(255, many);
    idx = load_expect(b, FMN_OK, NULL);
    fmn_array a = fmn_idx_array(idx);
    assert_int_equal(a.ndim, 255);
    assert_int_equal(a.dims[7], 2);
    assert_int_equal(a.count, 2);
    fmn_idx_free(idx);
    free(b.data);
}

static void idx_accepts_empty_extent(void **state)
{
    (void)state;
    uint32_t dims[3] = {0, 28, 28};
    buf b = idx_u8(3, dims);
    fmn_idx *idx = load_expect(b, FMN_OK, NULL);
    assert_int_equal(fmn_idx_array(idx).count, 0);
    assert_null(fmn_idx_array(idx).data);
    fmn_idx_free(idx);
    free(b.data);
}

static void idx_rejects_short_headers(void **state)
{
    (void)state;
    buf b = {0};
    fmn_idx_free(load_expect(b, FMN_ERR_HEADER_SHORT, "empty"));
    buf_put(&b, "\0\0\x08", 3);
    fmn_idx_free(load_expect(b, FMN_ERR_HEADER_SHORT, "byte 3"));
    buf_put(&b, "\x03\0\0\0\x02\0\0", 7); /* 3 dims declared, 1.75 given */
    fmn_idx_free(load_expect(b, FMN_ERR_HEADER_SHORT, "16-byte header"));
    free(b.data);
}

static void idx_rejects_bad_magic_with_a_hint(void **state)
{
    (void)state;
    buf b = {0};
    const char html[] = "<!DOCTYPE html><html><body>404</body></html>";
    buf_put(&b, html, sizeof html - 1);
    fmn_idx_free(load_expect(b, FMN_ERR_BAD_MAGIC, "HTML"));
    free(b.data);
    b = (buf){0};
    const char lfs[] = "version https://git-lfs.github.com/spec/v1\noid "
                       "sha256:abc\nsize 26421880\n";
    buf_put(&b, lfs, sizeof lfs - 1);
    fmn_idx_free(load_expect(b, FMN_ERR_BAD_MAGIC, "Git LFS"));
    free(b.data);
    b = (buf){0};
    buf_put(&b, "\x00\x01\x08\x01\0\0\0\1x", 9);
    fmn_idx_free(load_expect(b, FMN_ERR_BAD_MAGIC, "00 01 08 01"));
    free(b.data);
}

static void idx_rejects_unknown_type_and_zero_dims(void **state)
{
    (void)state;
    uint32_t dims[1] = {1};
    buf b = idx_header(0x07, 1, dims);
    buf_u8(&b, 0);
    fmn_idx_free(load_expect(b, FMN_ERR_BAD_TYPE, "0x07"));
    free(b.data);
    b = idx_header(0x0A, 1, dims);
    buf_u8(&b, 0);
    fmn_idx_free(load_expect(b, FMN_ERR_BAD_TYPE, "0x0a"));
    free(b.data);
    b = idx_header(0x08, 0, NULL);
    fmn_idx_free(load_expect(b, FMN_ERR_ZERO_DIMS, "0 dimensions"));
    free(b.data);
}

static void idx_rejects_dimension_overflow(void **state)
{
    (void)state;
    /* product over 2^64 */
    uint32_t dims[3] = {0xffffffffu, 0xffffffffu, 0xffffffffu};
    buf b = idx_header(0x08, 3, dims);
    fmn_idx_free(load_expect(b, FMN_ERR_SIZE_OVERFLOW, "overflow 64 bits"));
    free(b.data);
    /* product fits, bytes (x8) do not: 2^31 * 2^31 * 8 = 2^65 */
    uint32_t d2[2] = {0x80000000u, 0x80000000u};
    b = idx_header(0x0E, 2, d2);
    fmn_idx_free(load_expect(b, FMN_ERR_SIZE_OVERFLOW, "2^64 bytes"));
    free(b.data);
}

static void idx_rejects_a_product_that_wraps_32_bits(void **state)
{
    (void)state;
    /* 65537 x 65536 = 2^32 + 65536: a 32-bit product would wrap to 65536,
     * and the file holds exactly 65536 data bytes. */
    uint32_t dims[2] = {65537, 65536};
    buf b = idx_header(0x08, 2, dims);
    uint8_t zero[4096] = {0};
    for (int i = 0; i < 16; i++)
        buf_put(&b, zero, sizeof zero);
    fmn_options opt;
    fmn_options_init(&opt);
    opt.max_bytes = UINT64_MAX;
    fmn_idx *idx;
    fmn_error err;
    assert_int_equal(fmn_idx_load_memory(b.data, b.size, "wrap", &opt, &idx,
                                         &err),
                     FMN_ERR_TRUNCATED);
    assert_null(idx);
    assert_non_null(strstr(err.message, "4294967296 bytes short"));
    /* 2^32 + 2^16 items of one byte vs a 64-bit product: same in gzip */
    buf g = gz_member(b.data, b.size, 0);
    assert_int_equal(fmn_idx_load_memory(g.data, g.size, "wrap.gz", &opt, &idx,
                                         &err),
                     FMN_ERR_TRUNCATED);
    free(g.data);
    free(b.data);
}

static void idx_rejects_a_tiny_file_claiming_terabytes_at_once(void **state)
{
    (void)state;
    uint32_t dims[3] = {4000000000u, 28, 28}; /* 3.1 TB */
    buf b = idx_header(0x08, 3, dims);
    uint8_t pad[1000] = {0};
    buf_put(&b, pad, sizeof pad);
    fmn_options opt;
    fmn_options_init(&opt);
    opt.max_bytes = UINT64_MAX; /* only the supply check stands in the way */
    fmn_idx *idx;
    fmn_error err;
    assert_int_equal(fmn_idx_load_memory(b.data, b.size, "claim", &opt, &idx,
                                         &err),
                     FMN_ERR_TRUNCATED);
    assert_null(idx);
    /* gzipped: a 1 KB gzip file cannot hold 3 TB either */
    buf g = gz_member(b.data, b.size, 0);
    assert_int_equal(fmn_idx_load_memory(g.data, g.size, "claim.gz", &opt,
                                         &idx, &err),
                     FMN_ERR_TRUNCATED);
    assert_non_null(strstr(err.message, "gzip file can hold at most"));
    /* whatever the limit: the file is what is wrong, not the limit */
    assert_int_equal(fmn_idx_load_memory(g.data, g.size, "claim.gz", NULL,
                                         &idx, &err),
                     FMN_ERR_TRUNCATED);
    free(b.data);
    free(g.data);
}

static void idx_honours_the_byte_limit(void **state)
{
    (void)state;
    uint32_t dims[2] = {10, 100};
    buf b = idx_u8(2, dims);
    fmn_options opt;
    fmn_options_init(&opt);
    opt.max_bytes = 999;
    fmn_idx *idx;
    fmn_error err;
    assert_int_equal(fmn_idx_load_memory(b.data, b.size, "big", &opt, &idx,
                                         &err),
                     FMN_ERR_TOO_LARGE);
    assert_non_null(strstr(err.message, "limit of 999 bytes"));
    opt.max_bytes = 1000;
    assert_int_equal(fmn_idx_load_memory(b.data, b.size, "big", &opt, &idx,
                                         &err),
                     FMN_OK);
    fmn_idx_free(idx);
    free(b.data);
}

static void idx_rejects_short_payload_with_offsets(void **state)
{
    (void)state;
    uint32_t dims[2] = {10, 4};
    buf b = idx_u8(2, dims);
    b.size -= 5; /* 35 of 40 data bytes */
    fmn_idx *idx = load_expect(b, FMN_ERR_TRUNCATED, "5 bytes short");
    (void)idx;
    buf g = gz_member(b.data, b.size, 0);
    fmn_error err;
    assert_int_equal(fmn_idx_load_memory(g.data, g.size, "t.gz", NULL, &idx,
                                         &err),
                     FMN_ERR_TRUNCATED);
    assert_int_equal(err.offset, 12 + 35);
    assert_int_equal(err.offset_is_decoded, 1);
    assert_non_null(strstr(err.message, "8 complete items of 10"));
    free(b.data);
    free(g.data);
}

static void idx_rejects_trailing_bytes(void **state)
{
    (void)state;
    uint32_t dims[1] = {4};
    buf b = idx_u8(1, dims);
    buf_put(&b, "xyz", 3);
    fmn_idx *idx = load_expect(b, FMN_ERR_TRAILING_DATA, "3 unexpected bytes");
    (void)idx;
    buf g = gz_member(b.data, b.size, 0);
    fmn_error err;
    assert_int_equal(fmn_idx_load_memory(g.data, g.size, "t.gz", NULL, &idx,
                                         &err),
                     FMN_ERR_TRAILING_DATA);
    assert_non_null(strstr(err.message, "inside the gzip stream"));
    assert_int_equal(err.offset, 12);
    free(b.data);
    free(g.data);
}

static void idx_loads_a_range_without_the_rest(void **state)
{
    (void)state;
    uint32_t dims[2] = {10, 3};
    buf b = idx_u8(2, dims);
    char *dir = tmpdir_make();
    buf g = gz_member(b.data, b.size, 0);
    /* corrupt the gzip trailer: a range load never reaches it */
    g.data[g.size - 8] ^= 0xff;
    char *raw = write_file(dir, "r.idx", b.data, b.size);
    char *gz = write_file(dir, "r.idx.gz", g.data, g.size);
    const char *paths[2] = {raw, gz};
    for (int i = 0; i < 2; i++) {
        fmn_idx *idx;
        fmn_error err;
        assert_int_equal(fmn_idx_load_file_range(paths[i], 4, 3, NULL, &idx,
                                                 &err),
                         FMN_OK);
        fmn_array a = fmn_idx_array(idx);
        assert_int_equal(a.dims[0], 3);
        assert_int_equal(a.dims[1], 3);
        assert_memory_equal(a.data, b.data + 12 + 4 * 3, 9);
        assert_int_equal(fmn_idx_info(idx)->complete, 0);
        fmn_idx_free(idx);
        assert_int_equal(fmn_idx_load_file_range(paths[i], 8, 3, NULL, &idx,
                                                 &err),
                         FMN_ERR_RANGE);
        assert_null(idx);
        assert_null(idx);
    }
    /* an empty range at the very end is valid */
    fmn_idx *idx;
    assert_int_equal(fmn_idx_load_file_range(raw, 10, 0, NULL, &idx, NULL),
                     FMN_OK);
    assert_int_equal(fmn_idx_array(idx).count, 0);
    fmn_idx_free(idx);
    /* the whole gzip file fails its CRC check */
    assert_int_equal(fmn_idx_load_file(gz, NULL, &idx, NULL), FMN_ERR_GZIP_CRC);
    free(raw);
    free(gz);
    tmpdir_remove(dir);
    free(b.data);
    free(g.data);
}

static void idx_reports_missing_paths_and_directories(void **state)
{
    (void)state;
    char *dir = tmpdir_make();
    fmn_idx *idx;
    fmn_error err;
    assert_int_equal(fmn_idx_load_file("/nonexistent/x.idx", NULL, &idx, &err),
                     FMN_ERR_NOT_FOUND);
    assert_null(idx);
    assert_non_null(strstr(err.message, "/nonexistent/x.idx: no such file"));
    assert_int_equal(fmn_idx_load_file(dir, NULL, &idx, &err),
                     FMN_ERR_IS_DIRECTORY);
    assert_null(idx);
    assert_int_equal(fmn_idx_load_file(NULL, NULL, &idx, &err),
                     FMN_ERR_INVALID_ARGUMENT);
    tmpdir_remove(dir);
}

static void idx_loads_from_a_file_like_from_memory(void **state)
{
    (void)state;
    uint32_t dims[2] = {300, 1000}; /* larger than one read chunk */
    buf b = idx_u8(2, dims);
    char *dir = tmpdir_make();
    buf g = gz_member(b.data, b.size, 0);
    char *raw = write_file(dir, "a", b.data, b.size);
    char *gz = write_file(dir, "b", g.data, g.size);
    fmn_idx *x, *y;
    assert_int_equal(fmn_idx_load_file(raw, NULL, &x, NULL), FMN_OK);
    assert_int_equal(fmn_idx_load_file(gz, NULL, &y, NULL), FMN_OK);
    assert_int_equal(fmn_idx_array(x).nbytes, 300000);
    assert_memory_equal(fmn_idx_array(x).data, b.data + 12, 300000);
    assert_memory_equal(fmn_idx_array(y).data, b.data + 12, 300000);
    assert_int_equal(fmn_idx_info(x)->crc32, fmn_idx_info(y)->crc32);
    assert_int_equal(fmn_idx_info(y)->compression, FMN_COMPRESSION_GZIP);
    assert_int_equal(fmn_idx_info(y)->file_size, g.size);
    fmn_idx_free(x);
    fmn_idx_free(y);
    free(raw);
    free(gz);
    tmpdir_remove(dir);
    free(b.data);
    free(g.data);
}

static void strerror_names_every_status(void **state)
{
    (void)state;
    /* the version, as a number, the same in the header and the library */
    assert_int_equal(FMN_VERSION_NUMBER, FMN_VERSION_MAJOR * 10000 +
                                             FMN_VERSION_MINOR * 100 +
                                             FMN_VERSION_PATCH);
    assert_int_equal(fmn_version_number(), FMN_VERSION_NUMBER);
    char v[32];
    snprintf(v, sizeof v, "%d.%d.%d", FMN_VERSION_MAJOR, FMN_VERSION_MINOR,
             FMN_VERSION_PATCH);
    assert_string_equal(fmn_version(), v);
    for (int s = 0; s <= FMN_ERR_WRITE; s++) {
        const char *m = fmn_strerror((fmn_status)s);
        assert_non_null(m);
        assert_string_not_equal(m, "unknown status");
    }
    assert_string_equal(fmn_strerror((fmn_status)999), "unknown status");
    assert_string_equal(fmn_version(), FMN_VERSION_STRING);
    assert_string_equal(fmn_dtype_name(FMN_DTYPE_F32), "float32");
    assert_int_equal(fmn_dtype_size(FMN_DTYPE_F64), 8);
    assert_int_equal(fmn_dtype_size((fmn_dtype)7), 0);
}

/* Whether /proc/self/maps lists `path` (Linux); -1 when it cannot tell. */
/* Whether the file `path` is mapped into this process (Linux: its maps),
 * or on Windows whether `p` lies in a mapped view; -1 where neither can be
 * told. */
static int is_mapped(const char *path, const void *p)
{
#ifdef _WIN32
    (void)path;
    MEMORY_BASIC_INFORMATION mbi;
    if (!p || VirtualQuery(p, &mbi, sizeof mbi) != sizeof mbi)
        return -1;
    return mbi.State == MEM_COMMIT && mbi.Type == MEM_MAPPED;
#else
    (void)p;
    FILE *f = fopen("/proc/self/maps", "r");
    if (!f)
        return -1;
    char line[8192];
    int found = 0;
    while (fgets(line, sizeof line, f))
        if (strstr(line, path))
            found = 1;
    fclose(f);
    return found;
#endif
}

static void idx_maps_raw_images_when_asked(void **state)
{
    (void)state;
    char *dir = tmpdir_make();
    uint32_t dims[3] = {2000, 28, 28}, ldims[1] = {2000};
    buf img = idx_u8(3, dims), lab = idx_u8(1, ldims);
    char *pi = write_file(dir, "images", img.data, img.size);
    char *pl = write_file(dir, "labels", lab.data, lab.size);
    fmn_options opt;
    fmn_options_init(&opt);
    opt.map_raw = 1;
    fmn_error err;
    fmn_idx *a = NULL, *b = NULL;
    if (fmn_idx_load_file(pi, &opt, &a, &err) != FMN_OK ||
        fmn_idx_load_file(pi, NULL, &b, &err) != FMN_OK)
        fail_msg("%s", err.message);
    /* the same array, checksum and identification as a copy */
    assert_int_equal(fmn_idx_array(a).nbytes, fmn_idx_array(b).nbytes);
    assert_memory_equal(fmn_idx_array(a).data, fmn_idx_array(b).data,
                        fmn_idx_array(b).nbytes);
    assert_memory_equal(fmn_idx_array(a).data, img.data + 16, img.size - 16);
    assert_int_equal(fmn_idx_info(a)->crc32, fmn_idx_info(b)->crc32);
    assert_int_equal(fmn_idx_info(a)->decoded_size, img.size);
    const void *data = fmn_idx_array(a).data;
    int m = is_mapped(pi, data);
    if (m >= 0)
        assert_int_equal(m, 1);
    fmn_idx_free(a);
    if (m >= 0)
        assert_int_equal(is_mapped(pi, data), 0);
    fmn_idx_free(b);
    /* labels (1-D) are copied, never mapped */
    if (fmn_idx_load_file(pl, &opt, &a, &err) != FMN_OK)
        fail_msg("%s", err.message);
    if (m >= 0)
        assert_int_equal(is_mapped(pl, fmn_idx_array(a).data), 0);
    fmn_idx_free(a);
    /* the checks of a copy: bytes after the data */
    buf_put(&img, "x", 1);
    free(pi);
    pi = write_file(dir, "images", img.data, img.size);
    assert_int_equal(fmn_idx_load_file(pi, &opt, &a, &err),
                     FMN_ERR_TRAILING_DATA);
    assert_null(a);
    int left = is_mapped(pi, NULL); /* Linux only: no pointer to look at */
    if (left >= 0)
        assert_int_equal(left, 0);
    /* a split loads with its images mapped */
    free(pi);
    img.size--;
    pi = write_file(dir, "images", img.data, img.size);
    for (size_t i = 0; i < 2000; i++)
        lab.data[8 + i] = (uint8_t)(i % 10);
    free(pl);
    pl = write_file(dir, "labels", lab.data, lab.size);
    fmn_split *sp;
    if (fmn_split_load(pi, pl, &opt, &sp, &err) != FMN_OK)
        fail_msg("%s", err.message);
    assert_memory_equal(fmn_split_images(sp).data, img.data + 16,
                        img.size - 16);
    if (m >= 0)
        assert_int_equal(is_mapped(pi, fmn_split_images(sp).data), 1);
    fmn_split_free(sp);
    free(img.data);
    free(lab.data);
    free(pi);
    free(pl);
    tmpdir_remove(dir);
}

/* A path of 4,000 characters keeps the cause of the failure whole: the
 * path is shortened in its middle, its start and its end kept. */
static void idx_long_path_keeps_the_cause(void **state)
{
    (void)state;
#ifdef _WIN32
    print_message("Windows' paths stop at 260 characters (MAX_PATH): "
                  "not tried\n");
    skip();
#endif
    char *dir = tmpdir_make();
    char path[4200];
    size_t n = (size_t)snprintf(path, sizeof path, "%s", dir);
    char part[200];
    memset(part, 'd', 180);
    part[180] = '\0';
    while (n < 3900) {
        n += (size_t)snprintf(path + n, sizeof path - n, "/%s", part);
        assert_int_equal(os_mkdir(path), 0);
    }
    n += (size_t)snprintf(path + n, sizeof path - n, "/%s", "train.idx");
    assert_true(n > 3900 && n < 4096);
    uint32_t dims[1] = {4};
    buf b = idx_u8(1, dims);
    buf_put(&b, "XYZ", 3);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(b.data, 1, b.size, f), b.size);
    fclose(f);
    fmn_idx *idx;
    fmn_error err;
    assert_int_equal(fmn_idx_load_file(path, NULL, &idx, &err),
                     FMN_ERR_TRAILING_DATA);
    const char *cause = ": 3 unexpected bytes after the IDX data, which ends "
                        "at byte 12 (the file is larger than its header "
                        "declares)";
    size_t ml = strlen(err.message), cl = strlen(cause);
    assert_true(ml > cl && ml < sizeof err.message);
    assert_string_equal(err.message + ml - cl, cause);
    assert_true(strncmp(err.message, dir, strlen(dir)) == 0);
    assert_non_null(strstr(err.message, "...d"));
    assert_non_null(strstr(err.message, "/train.idx: 3 unexpected"));
    free(b.data);
    tmpdir_remove(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(idx_loads_uint8_3d),
        cmocka_unit_test(idx_decodes_every_type_to_host_order),
        cmocka_unit_test(idx_accepts_1_and_255_dims),
        cmocka_unit_test(idx_accepts_empty_extent),
        cmocka_unit_test(idx_rejects_short_headers),
        cmocka_unit_test(idx_rejects_bad_magic_with_a_hint),
        cmocka_unit_test(idx_rejects_unknown_type_and_zero_dims),
        cmocka_unit_test(idx_rejects_dimension_overflow),
        cmocka_unit_test(idx_rejects_a_product_that_wraps_32_bits),
        cmocka_unit_test(idx_rejects_a_tiny_file_claiming_terabytes_at_once),
        cmocka_unit_test(idx_honours_the_byte_limit),
        cmocka_unit_test(idx_rejects_short_payload_with_offsets),
        cmocka_unit_test(idx_rejects_trailing_bytes),
        cmocka_unit_test(idx_loads_a_range_without_the_rest),
        cmocka_unit_test(idx_reports_missing_paths_and_directories),
        cmocka_unit_test(idx_loads_from_a_file_like_from_memory),
        cmocka_unit_test(strerror_names_every_status),
        cmocka_unit_test(idx_maps_raw_images_when_asked),
        cmocka_unit_test(idx_long_path_keeps_the_cause),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
