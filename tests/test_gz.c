/* test_gz.c - the gzip container: members, header fields, trailers,
 * truncation at every byte, garbage. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "fixture.h"
#include "fmnist.h"

static fmn_status load(buf b, fmn_error *err, fmn_idx **out)
{
    fmn_idx *tmp;
    fmn_idx **o = out ? out : &tmp;
    fmn_status st = fmn_idx_load_memory(b.data, b.size, "f.gz", NULL, o, err);
    if (!out)
        fmn_idx_free(*o);
    if (st != FMN_OK)
        assert_null(*o);
    return st;
}

static buf sample(void)
{
    uint32_t dims[3] = {5, 4, 3};
    return idx_u8(3, dims);
}

static void gz_loads_a_single_member(void **state)
{
    (void)state;
    buf b = sample();
    buf g = gz_member(b.data, b.size, 0);
    fmn_idx *idx;
    fmn_error err;
    assert_int_equal(load(g, &err, &idx), FMN_OK);
    assert_memory_equal(fmn_idx_array(idx).data, b.data + 16, 60);
    assert_int_equal(fmn_idx_info(idx)->compression, FMN_COMPRESSION_GZIP);
    assert_int_equal(fmn_idx_info(idx)->crc32, crc32(0, b.data, (uInt)b.size));
    fmn_idx_free(idx);
    free(b.data);
    free(g.data);
}

static void gz_joins_members_split_inside_the_header(void **state)
{
    (void)state;
    buf b = sample();
    /* cut after 2, 7 and 40 bytes, plus an empty member: one stream */
    size_t cuts[] = {0, 2, 7, 7, 40, b.size};
    buf g = {0};
    for (size_t i = 0; i + 1 < sizeof cuts / sizeof cuts[0]; i++)
        buf_cat(&g, gz_member(b.data + cuts[i], cuts[i + 1] - cuts[i], 0));
    fmn_idx *idx;
    fmn_error err;
    assert_int_equal(load(g, &err, &idx), FMN_OK);
    assert_memory_equal(fmn_idx_array(idx).data, b.data + 16, 60);
    assert_int_equal(fmn_idx_info(idx)->crc32, crc32(0, b.data, (uInt)b.size));
    fmn_idx_free(idx);
    free(b.data);
    free(g.data);
}

static void gz_accepts_every_optional_header_field(void **state)
{
    (void)state;
    buf b = sample();
    buf g = gz_member(b.data, b.size, 0);
    /* rebuild the header with FEXTRA (65535 bytes), FNAME, FCOMMENT, FHCRC */
    buf h = {0};
    uint8_t fixed[10] = {0x1f, 0x8b, 8, 2 | 4 | 8 | 16, 0, 0, 0, 0, 0, 3};
    buf_put(&h, fixed, 10);
    buf_put(&h, "\xff\xff", 2);
    uint8_t *extra = calloc(65535, 1);
    buf_put(&h, extra, 65535);
    free(extra);
    buf_put(&h, "name.idx", 9);
    buf_put(&h, "a comment", 10);
    uint32_t hcrc = (uint32_t)crc32(0, h.data, (uInt)h.size);
    buf_u8(&h, (uint8_t)hcrc);
    buf_u8(&h, (uint8_t)(hcrc >> 8));
    buf_put(&h, g.data + 10, g.size - 10);
    assert_int_equal(load(h, NULL, NULL), FMN_OK);
    /* a wrong header CRC is caught */
    h.data[10 + 2 + 65535 + 9 + 10] ^= 1;
    fmn_error err;
    assert_int_equal(load(h, &err, NULL), FMN_ERR_GZIP_HEADER);
    assert_non_null(strstr(err.message, "header CRC"));
    free(h.data);
    free(b.data);
    free(g.data);
}

static void gz_rejects_reserved_flags_and_other_methods(void **state)
{
    (void)state;
    buf b = sample();
    buf g = gz_member(b.data, b.size, 0);
    fmn_error err;
    for (int bit = 5; bit < 8; bit++) {
        g.data[3] = (uint8_t)(1u << bit);
        assert_int_equal(load(g, &err, NULL), FMN_ERR_GZIP_HEADER);
        assert_non_null(strstr(err.message, "reserved gzip flag bits"));
        assert_int_equal(err.offset, 3);
    }
    g.data[3] = 0;
    g.data[2] = 7;
    assert_int_equal(load(g, &err, NULL), FMN_ERR_GZIP_HEADER);
    assert_non_null(strstr(err.message, "compression method 7"));
    free(b.data);
    free(g.data);
}

static void gz_rejects_bad_crc_and_length(void **state)
{
    (void)state;
    buf b = sample();
    buf g = gz_member(b.data, b.size, 0);
    fmn_error err;
    g.data[g.size - 8] ^= 0x01;
    assert_int_equal(load(g, &err, NULL), FMN_ERR_GZIP_CRC);
    assert_int_equal(err.offset, g.size - 8);
    g.data[g.size - 8] ^= 0x01;
    g.data[g.size - 4] ^= 0x01;
    assert_int_equal(load(g, &err, NULL), FMN_ERR_GZIP_LENGTH);
    assert_non_null(strstr(err.message, "76"));
    free(b.data);
    free(g.data);
}

static void gz_rejects_truncation_at_every_byte(void **state)
{
    (void)state;
    buf b = sample();
    buf g = gz_member(b.data, b.size, 0);
    size_t full = g.size;
    for (size_t n = 1; n < full; n++) {
        g.size = n;
        fmn_error err;
        fmn_status st = load(g, &err, NULL);
        if (n == 1) { /* a lone 1f byte is no gzip magic: raw, bad magic */
            assert_int_equal(st, FMN_ERR_HEADER_SHORT);
            continue;
        }
        if (st != FMN_ERR_GZIP_TRUNCATED && st != FMN_ERR_TRUNCATED &&
            st != FMN_ERR_HEADER_SHORT)
            fail_msg("cut at %zu of %zu: status %d: %s", n, full, st,
                     err.message);
        assert_true(strlen(err.message) > 10);
    }
    free(b.data);
    free(g.data);
}

static void gz_rejects_a_missing_trailer(void **state)
{
    (void)state;
    buf b = sample();
    buf g = gz_member(b.data, b.size, 0);
    g.size -= 8;
    fmn_error err;
    assert_int_equal(load(g, &err, NULL), FMN_ERR_GZIP_TRUNCATED);
    assert_non_null(strstr(err.message, "trailer"));
    free(b.data);
    free(g.data);
}

static void gz_rejects_garbage_after_the_last_member(void **state)
{
    (void)state;
    buf b = sample();
    buf g = gz_member(b.data, b.size, 0);
    size_t end = g.size;
    buf_put(&g, "\0\0\0\0", 4);
    fmn_error err;
    assert_int_equal(load(g, &err, NULL), FMN_ERR_GZIP_TRAILING);
    assert_int_equal(err.offset, end);
    assert_non_null(strstr(err.message, "4 bytes of garbage"));
    g.size = end;
    buf_put(&g, "\x1f\x8b", 2); /* the start of a member, cut short */
    assert_int_equal(load(g, &err, NULL), FMN_ERR_GZIP_TRUNCATED);
    buf_put(&g, "\x07\0\0\0\0\0\0\x03", 8); /* not deflate */
    assert_int_equal(load(g, &err, NULL), FMN_ERR_GZIP_HEADER);
    free(b.data);
    free(g.data);
}

static void gz_rejects_corrupt_deflate_data(void **state)
{
    (void)state;
    buf b = sample();
    buf g = gz_member(b.data, b.size, 0);
    g.data[10] = 0xff; /* block type 3 is reserved */
    fmn_error err;
    assert_int_equal(load(g, &err, NULL), FMN_ERR_GZIP_DATA);
    assert_non_null(strstr(err.message, "corrupt deflate data"));
    free(b.data);
    free(g.data);
}

static void gz_rejects_an_html_page_gzipped(void **state)
{
    (void)state;
    const char html[] = "<html><head><title>Error</title></head></html>";
    buf g = gz_member(html, sizeof html - 1, 0);
    fmn_error err;
    assert_int_equal(load(g, &err, NULL), FMN_ERR_BAD_MAGIC);
    assert_non_null(strstr(err.message, "of the decompressed data"));
    assert_non_null(strstr(err.message, "HTML"));
    free(g.data);
}

static void gz_stops_a_bomb_at_the_limit(void **state)
{
    (void)state;
    /* header claims 64 MiB, the stream holds 64 MiB of zeros: over a 1 MiB
     * limit it is refused before inflating */
    uint32_t dims[2] = {65536, 1024};
    buf b = idx_header(0x08, 2, dims);
    size_t n = (size_t)65536 * 1024;
    uint8_t *zeros = calloc(n + b.size, 1);
    memcpy(zeros, b.data, b.size);
    buf g = gz_member(zeros, n + b.size, 0);
    free(zeros);
    assert_true(g.size < 100000);
    fmn_options opt;
    fmn_options_init(&opt);
    opt.max_bytes = 1 << 20;
    fmn_idx *idx;
    fmn_error err;
    assert_int_equal(fmn_idx_load_memory(g.data, g.size, "bomb.gz", &opt, &idx,
                                         &err),
                     FMN_ERR_TOO_LARGE);
    assert_null(idx);
    /* and at a limit it fits, it loads */
    opt.max_bytes = 64u << 20;
    assert_int_equal(fmn_idx_load_memory(g.data, g.size, "bomb.gz", &opt, &idx,
                                         &err),
                     FMN_OK);
    assert_int_equal(fmn_idx_array(idx).nbytes, n);
    fmn_idx_free(idx);
    free(b.data);
    free(g.data);
}

static void gz_members_ending_at_every_offset_near_a_read_chunk(void **state)
{
    (void)state;
    /* Files are read in 256 KiB chunks, and an inflater may read a few
     * bytes past the end of a member before it knows the member ended
     * (ISA-L does), to hand them back later. The first member's end is
     * moved across a chunk boundary a byte at a time: wherever it falls,
     * both members decode and their trailers are found. */
    uint32_t dims[1] = {300000};
    buf idx = idx_header(0x08, 1, dims);
    uint32_t x = 1;
    for (size_t i = 0; i < dims[0]; i++) {
        x = x * 1103515245u + 12345u; /* incompressible */
        buf_u8(&idx, (uint8_t)(x >> 24));
    }
    char *dir = tmpdir_make();
    size_t chunk = 256 * 1024, hits = 0;
    for (size_t cut = chunk - 160; cut < chunk + 16; cut++) {
        buf g = gz_member(idx.data, cut, 0);
        size_t end1 = g.size;
        buf_cat(&g, gz_member(idx.data + cut, idx.size - cut, 0));
        hits += end1 >= chunk - 8 && end1 <= chunk + 8;
        char *p = write_file(dir, "two.gz", g.data, g.size);
        fmn_idx *out;
        fmn_error err;
        if (fmn_idx_load_file(p, NULL, &out, &err) != FMN_OK)
            fail_msg("first member ending at byte %zu: %s", end1, err.message);
        assert_memory_equal(fmn_idx_array(out).data, idx.data + 8, dims[0]);
        assert_int_equal(fmn_idx_info(out)->crc32,
                         crc32(0, idx.data, (uInt)idx.size));
        fmn_idx_free(out);
        free(p);
        free(g.data);
    }
    assert_true(hits >= 8); /* the sweep did cross the boundary */
    tmpdir_remove(dir);
    free(idx.data);
}

/* ---- large members: decoded at once (in parts, on several threads, or
 * by libdeflate), with the results and the errors of the streamed path */

/* An IDX file of 4 MiB of 6-bit noise: about 3 MiB gzipped, large enough
 * to be cut into parts. */
static buf large_idx(void)
{
    uint32_t dims[3] = {5350, 28, 28};
    size_t n = (size_t)5350 * 784;
    uint8_t *px = malloc(n);
    assert_non_null(px);
    uint64_t x = 88172645463325252ull;
    for (size_t i = 0; i < n; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        px[i] = (uint8_t)(i % 784 < 200 ? 0 : x & 0x3f);
    }
    buf b = idx_header(0x08, 3, dims);
    buf_put(&b, px, n);
    free(px);
    return b;
}

static fmn_status load_with(buf b, unsigned threads, fmn_error *err,
                            fmn_idx **out)
{
    fmn_options opt;
    fmn_options_init(&opt);
    opt.threads = threads;
    fmn_status st = fmn_idx_load_memory(b.data, b.size, "f.gz", &opt, out,
                                        err);
    if (st != FMN_OK)
        assert_null(*out);
    return st;
}

static void gz_large_member_same_on_every_thread_count(void **state)
{
    (void)state;
    buf b = large_idx();
    buf g = gz_member(b.data, b.size, 0);
    assert_true(g.size > (2u << 20));
    char *dir = tmpdir_make();
    char *path = write_file(dir, "large.gz", g.data, g.size);
    for (unsigned t = 1; t <= 4; t++) {
        fmn_idx *idx;
        fmn_error err;
        assert_int_equal(load_with(g, t, &err, &idx), FMN_OK);
        assert_memory_equal(fmn_idx_array(idx).data, b.data + 16, b.size - 16);
        assert_int_equal(fmn_idx_info(idx)->crc32,
                         crc32(0, b.data, (uInt)b.size));
        assert_int_equal(fmn_idx_info(idx)->decoded_size, b.size);
        fmn_idx_free(idx);
        /* from a file: a mapping, its pages handed back as read */
        fmn_options opt;
        fmn_options_init(&opt);
        opt.threads = t;
        assert_int_equal(fmn_idx_load_file(path, &opt, &idx, &err), FMN_OK);
        assert_memory_equal(fmn_idx_array(idx).data, b.data + 16, b.size - 16);
        fmn_idx_free(idx);
    }
    /* three members: streamed whatever the threads, the same bytes */
    buf m = gz_member(b.data, 1000000, 0);
    buf_cat(&m, gz_member(b.data + 1000000, 2000000, 0));
    buf_cat(&m, gz_member(b.data + 3000000, b.size - 3000000, 0));
    for (unsigned t = 1; t <= 3; t++) {
        fmn_idx *idx;
        fmn_error err;
        assert_int_equal(load_with(m, t, &err, &idx), FMN_OK);
        assert_memory_equal(fmn_idx_array(idx).data, b.data + 16, b.size - 16);
        fmn_idx_free(idx);
    }
    free(m.data);
    free(path);
    tmpdir_remove(dir);
    free(b.data);
    free(g.data);
}

/* Every kind of damage to a large member: the same status, message and
 * offset on 1, 2 and 4 threads as streamed (the parts give up, the
 * streamed path says what is wrong). */
static void gz_large_member_errors_same_on_every_thread_count(void **state)
{
    (void)state;
    buf b = large_idx();
    buf g = gz_member(b.data, b.size, 0);
    size_t n = g.size;
    enum { CRC, LEN, CUT_END, CUT_MID, FLIP, GARBAGE, SECOND, MORE_ITEMS,
           FEWER_ITEMS, CASES };
    for (int c = 0; c < CASES; c++) {
        buf d = {malloc(n + 64), n, n + 64};
        assert_non_null(d.data);
        memcpy(d.data, g.data, n);
        if (c == MORE_ITEMS || c == FEWER_ITEMS) {
            /* the IDX header claims one item more, or one fewer */
            b.data[7] = (uint8_t)(c == MORE_ITEMS ? 0xe7 : 0xe5);
            buf h = gz_member(b.data, b.size, 0);
            b.data[7] = 0xe6;
            free(d.data);
            d = h;
        }
        switch (c) {
        case CRC: d.data[n - 8] ^= 1; break;
        case LEN: d.data[n - 4] ^= 1; break;
        case CUT_END: d.size = n - 100; break;
        case CUT_MID: d.size = n / 2; break;
        case FLIP: d.data[n / 2] ^= 0x10; break;
        case GARBAGE: memcpy(d.data + n, "garbage!", 8); d.size = n + 8; break;
        case SECOND: /* a second member: 8 bytes more than the header says */
            {
                buf extra = gz_member("12345678", 8, 0);
                memcpy(d.data + n, extra.data, extra.size);
                d.size = n + extra.size;
                free(extra.data);
            }
            break;
        default: break;
        }
        fmn_error e1, e;
        fmn_idx *idx;
        fmn_status s1 = load_with(d, 1, &e1, &idx);
        assert_int_not_equal(s1, FMN_OK);
        for (unsigned t = 2; t <= 4; t += 2) {
            fmn_status st = load_with(d, t, &e, &idx);
            assert_int_equal(st, s1);
            assert_string_equal(e.message, e1.message);
            assert_true(e.offset == e1.offset);
        }
        free(d.data);
    }
    free(b.data);
    free(g.data);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(gz_loads_a_single_member),
        cmocka_unit_test(gz_joins_members_split_inside_the_header),
        cmocka_unit_test(gz_accepts_every_optional_header_field),
        cmocka_unit_test(gz_rejects_reserved_flags_and_other_methods),
        cmocka_unit_test(gz_rejects_bad_crc_and_length),
        cmocka_unit_test(gz_rejects_truncation_at_every_byte),
        cmocka_unit_test(gz_rejects_a_missing_trailer),
        cmocka_unit_test(gz_rejects_garbage_after_the_last_member),
        cmocka_unit_test(gz_rejects_corrupt_deflate_data),
        cmocka_unit_test(gz_rejects_an_html_page_gzipped),
        cmocka_unit_test(gz_stops_a_bomb_at_the_limit),
        cmocka_unit_test(gz_members_ending_at_every_offset_near_a_read_chunk),
        cmocka_unit_test(gz_large_member_same_on_every_thread_count),
        cmocka_unit_test(gz_large_member_errors_same_on_every_thread_count),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
