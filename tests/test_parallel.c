/* test_parallel.c - the parallel inflater (src/gz_parallel.c) and the
 * deflate decoder under it (src/deflate.c), against zlib, on streams
 * generated here: stored, fixed and dynamic blocks and mixtures of them,
 * back-references crossing wherever the chunks are cut at distances of 1
 * to 32 KiB, boundaries only near the start or the end, invalid and
 * truncated streams, on 1, 2, 3, 5 and 8 threads; and the CRC-32 of
 * a buffer cut between threads. Built from the
 * library's sources (the functions are internal). */
#define _POSIX_C_SOURCE 200809L
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "deflate.h"
#include "internal.h"
#include "os.h"

typedef struct bytes {
    uint8_t *p;
    size_t n;
} bytes;

static uint64_t g_rng = 0x9e3779b97f4a7c15ull;

static uint32_t rnd(void)
{
    g_rng ^= g_rng << 13;
    g_rng ^= g_rng >> 7;
    g_rng ^= g_rng << 17;
    return (uint32_t)(g_rng >> 16);
}

/* Image-like bytes: runs of zeros, noise, and copies of what came up to
 * 32 KiB before at distances that sweep 1..32768, so that matches of
 * every distance are everywhere, across every place a chunk may start. */
static bytes image_like(size_t n)
{
    bytes b = {malloc(n), n};
    assert_non_null(b.p);
    size_t i = 0, step = 0;
    while (i < n) {
        size_t kind = rnd() % 4, len = 16 + rnd() % 200;
        if (len > n - i)
            len = n - i;
        if (kind == 0) {
            memset(b.p + i, 0, len);
        } else if (kind == 1 || i < 32768) {
            for (size_t k = 0; k < len; k++)
                b.p[i + k] = (uint8_t)(rnd() % 7 * 37);
        } else {
            size_t dist = 1 + (step++ * 7919) % 32768;
            for (size_t k = 0; k < len; k++)
                b.p[i + k] = b.p[i + k - dist];
        }
        i += len;
    }
    return b;
}

static bytes noise(size_t n)
{
    bytes b = {malloc(n), n};
    assert_non_null(b.p);
    for (size_t i = 0; i < n; i++)
        b.p[i] = (uint8_t)rnd();
    return b;
}

/* One part of a stream: its bytes go in with these zlib settings. */
typedef struct part {
    size_t len;
    int level, strategy;
} part;

/* Raw deflate of `in`, cut into parts of their own settings (level 0
 * makes stored blocks, Z_FIXED fixed ones, the rest dynamic ones). */
static bytes deflate_parts(const bytes *in, const part *parts, size_t nparts)
{
    z_stream z;
    memset(&z, 0, sizeof z);
    assert_int_equal(deflateInit2(&z, parts[0].level, Z_DEFLATED, -15, 9,
                                  parts[0].strategy),
                     Z_OK);
    size_t cap = in->n + in->n / 8 + 4096;
    bytes out = {malloc(cap), 0};
    assert_non_null(out.p);
    z.next_out = out.p;
    z.avail_out = (uInt)cap;
    size_t at = 0;
    for (size_t k = 0; k < nparts; k++) {
        if (k > 0)
            assert_int_equal(deflateParams(&z, parts[k].level,
                                           parts[k].strategy),
                             Z_OK);
        size_t len = k + 1 == nparts ? in->n - at : parts[k].len;
        z.next_in = in->p + at;
        z.avail_in = (uInt)len;
        at += len;
        int r = deflate(&z, k + 1 == nparts ? Z_FINISH : Z_NO_FLUSH);
        assert_true(r == Z_OK || r == Z_STREAM_END);
    }
    out.n = cap - z.avail_out;
    deflateEnd(&z);
    /* what follows a member in a gzip file: a trailer */
    memset(out.p + out.n, 0, cap - out.n < 8 ? cap - out.n : 8);
    return out;
}

/* The parallel inflater on in[0..len) (memory, and a file read through
 * its feeds, which must agree), told the length n. */
static int par(const uint8_t *in, size_t len, size_t n, unsigned threads,
               uint8_t *out, size_t cap, uint64_t *end, uint32_t *crc)
{
    fmni_input mem = {in, -1, len, {NULL, NULL, NULL, NULL}};
    int r = fmni_inflate_parallel(&mem, 0, out, n, cap, threads, end, crc);
    int fd = os_anonymous_file();
    assert_true(fd >= 0);
    assert_int_equal(os_write(fd, in, len), 0);
    uint8_t *out2 = malloc(cap);
    assert_non_null(out2);
    uint64_t end2 = 0;
    uint32_t crc2 = 0;
    fmni_input file = {NULL, fd, len, {NULL, NULL, NULL, NULL}};
    int r2 = fmni_inflate_parallel(&file, 0, out2, n, cap, threads, &end2,
                                   &crc2);
    os_close(fd);
    assert_int_equal(r, r2);
    if (r == 1) {
        assert_memory_equal(out, out2, n);
        assert_true(*end == end2);
        assert_int_equal(*crc, crc2);
    }
    free(out2);
    return r;
}

/* The parallel inflater on `threads` threads must give exactly `want`. */
static void expect_parallel(const bytes *z, const bytes *want,
                            unsigned threads)
{
    size_t cap = want->n + want->n / 8 + (1u << 16);
    uint8_t *out = malloc(cap);
    assert_non_null(out);
    uint64_t end = 0;
    uint32_t crc = 0;
    int r = par(z->p, z->n + 8, want->n, threads, out, cap, &end, &crc);
    if (r != 1)
        fail_msg("%u threads: result %d", threads, r);
    assert_memory_equal(out, want->p, want->n);
    assert_true(end == z->n);
    assert_int_equal(crc, (uint32_t)crc32(0, want->p, (uInt)want->n));
    free(out);
}

static void thread_counts(const bytes *data, const part *parts,
                          size_t nparts)
{
    bytes z = deflate_parts(data, parts, nparts);
    static const unsigned threads[] = {1, 2, 3, 5, 8};
    for (size_t t = 0; t < sizeof threads / sizeof threads[0]; t++)
        expect_parallel(&z, data, threads[t]);
    free(z.p);
}

static void parallel_dynamic_blocks(void **state)
{
    (void)state;
    bytes data = image_like(3u << 20);
    static const part levels[][1] = {{{0, 9, Z_DEFAULT_STRATEGY}},
                                     {{0, 6, Z_DEFAULT_STRATEGY}},
                                     {{0, 1, Z_DEFAULT_STRATEGY}},
                                     {{0, 9, Z_RLE}},
                                     {{0, 9, Z_HUFFMAN_ONLY}},
                                     {{0, 9, Z_FILTERED}}};
    for (size_t i = 0; i < sizeof levels / sizeof levels[0]; i++)
        thread_counts(&data, levels[i], 1);
    free(data.p);
}

static void parallel_fixed_and_stored_blocks(void **state)
{
    (void)state;
    bytes data = image_like(2u << 20);
    static const part fixed[] = {{0, 9, Z_FIXED}};
    static const part stored[] = {{0, 0, Z_DEFAULT_STRATEGY}};
    thread_counts(&data, fixed, 1);
    thread_counts(&data, stored, 1);
    free(data.p);
}

/* Stored, fixed and dynamic blocks taking turns, cut anywhere. */
static void parallel_mixed_blocks(void **state)
{
    (void)state;
    bytes data = image_like(4u << 20);
    part parts[24];
    for (size_t k = 0; k < 24; k++) {
        static const int levels[] = {9, 0, 6, 9, 1};
        static const int strategies[] = {Z_DEFAULT_STRATEGY, Z_FIXED,
                                         Z_DEFAULT_STRATEGY, Z_RLE};
        parts[k].len = 60000 + rnd() % 200000;
        parts[k].level = levels[rnd() % 5];
        parts[k].strategy = strategies[rnd() % 4];
    }
    thread_counts(&data, parts, 24);
    free(data.p);
}

/* The only block boundaries a search can find near the start, or near
 * the end: the rest of the stream is stored (noise). */
static void parallel_boundaries_near_the_ends(void **state)
{
    (void)state;
    size_t n = 3u << 20;
    bytes head = image_like(n), tail = noise(n);
    memcpy(tail.p, head.p, n / 20); /* compressible first 5% */
    thread_counts(&tail, (part[]){{0, 9, Z_DEFAULT_STRATEGY}}, 1);
    memcpy(head.p, tail.p + n / 20, n - n / 20); /* ... or last 5% */
    thread_counts(&head, (part[]){{0, 9, Z_DEFAULT_STRATEGY}}, 1);
    free(head.p);
    free(tail.p);
}

/* Small streams: a chunk of a few bytes, or none at all. */
static void parallel_small_streams(void **state)
{
    (void)state;
    for (size_t n = 0; n < 5000; n += 1 + n / 3) {
        bytes data = image_like(n ? n : 1);
        data.n = n;
        thread_counts(&data, (part[]){{0, 9, Z_DEFAULT_STRATEGY}}, 1);
        free(data.p);
    }
}

/* Invalid and truncated streams, and a length other than the stream's:
 * never a result (the serial path then says what is wrong). */
static void parallel_refuses_what_is_wrong(void **state)
{
    (void)state;
    bytes data = image_like(3u << 20);
    bytes z = deflate_parts(&data, (part[]){{0, 9, Z_DEFAULT_STRATEGY}}, 1);
    size_t cap = data.n + data.n / 8 + (1u << 16);
    uint64_t end;
    uint32_t crc;
    uint8_t *out = malloc(cap);
    assert_non_null(out);
    for (unsigned t = 1; t <= 4; t++) {
        /* one byte too many, or too few, expected */
        assert_int_equal(par(z.p, z.n + 8, data.n + 1, t, out, cap, &end,
                             &crc),
                         0);
        assert_int_equal(par(z.p, z.n + 8, data.n - 1, t, out, cap, &end,
                             &crc),
                         0);
        /* cut short: in the first quarter, the middle, at the very end */
        size_t cuts[] = {z.n / 4, z.n / 2, z.n - 1};
        for (size_t c = 0; c < 3; c++)
            assert_int_equal(par(z.p, cuts[c], data.n, t, out, cap, &end,
                                 &crc),
                             0);
    }
    /* damaged: one byte flipped at a time, at seven places; zlib judges */
    for (size_t at = 1000; at < z.n; at += z.n / 7) {
        z.p[at] ^= 0x5a;
        uint8_t *ref = malloc(data.n);
        z_stream s;
        memset(&s, 0, sizeof s);
        assert_int_equal(inflateInit2(&s, -15), Z_OK);
        s.next_in = z.p;
        s.avail_in = (uInt)z.n;
        s.next_out = ref;
        s.avail_out = (uInt)data.n;
        int zr = inflate(&s, Z_FINISH);
        int zlib_ok = zr == Z_STREAM_END && s.avail_out == 0;
        inflateEnd(&s);
        int r = par(z.p, z.n + 8, data.n, 2, out, cap, &end, &crc);
        if (r == 1) { /* only if zlib agrees, byte for byte */
            assert_true(zlib_ok);
            assert_memory_equal(out, ref, data.n);
        }
        free(ref);
        z.p[at] ^= 0x5a;
    }
    free(out);
    free(z.p);
    free(data.p);
}

/* The serial decoder alone (one block at a time, any start) against zlib,
 * and its FULL: a call with more room goes on where it stopped. */
static void decoder_resumes_when_out_of_room(void **state)
{
    (void)state;
    bytes data = image_like(1u << 20);
    bytes z = deflate_parts(&data, (part[]){{0, 9, Z_DEFAULT_STRATEGY}}, 1);
    uint8_t *out = malloc(data.n);
    assert_non_null(out);
    fmni_dfl *d = malloc(sizeof *d);
    assert_non_null(d);
    fmni_dfl_start(d, z.p, z.n, 0, 1, 0);
    size_t pos = 0, cap = 0;
    fmni_dfl_result r;
    do {
        cap = cap + 1 + rnd() % 70000 < data.n ? cap + 1 + rnd() % 70000
                                               : data.n;
        r = fmni_dfl_decode8(d, out, &pos, cap, 0);
        assert_true(r == FMNI_DFL_BLOCK || r == FMNI_DFL_FULL ||
                    r == FMNI_DFL_END);
        assert_true(pos <= cap);
    } while (r != FMNI_DFL_END);
    assert_int_equal(pos, data.n);
    assert_memory_equal(out, data.p, data.n);
    assert_int_equal((fmni_dfl_bit(d) + 7) / 8, z.n); /* where it ends */
    free(d);
    free(out);
    free(z.p);
    free(data.p);
}

/* CRC-32 of a large buffer in parts on several threads, chained from a
 * value before it, equals zlib's over the whole (parts of every size the
 * cut gives, an odd length so that the last part is longer). */
static void crc_on_threads_is_zlibs(void **state)
{
    (void)state;
    size_t n = (33u << 20) + 12345;
    uint8_t *p = malloc(n);
    assert_non_null(p);
    for (size_t i = 0; i < n; i++)
        p[i] = (uint8_t)rnd();
    uint32_t before = (uint32_t)crc32(0, (const Bytef *)"head", 4);
    uint32_t want = (uint32_t)crc32(before, p, (uInt)n);
    for (unsigned t = 1; t <= 9; t++)
        assert_int_equal(fmni_crc32_threads(before, p, n, t), want);
    assert_int_equal(fmni_crc32_threads(0, p, 100, 4),
                     (uint32_t)crc32(0, p, 100));
    free(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(parallel_dynamic_blocks),
        cmocka_unit_test(parallel_fixed_and_stored_blocks),
        cmocka_unit_test(parallel_mixed_blocks),
        cmocka_unit_test(parallel_boundaries_near_the_ends),
        cmocka_unit_test(parallel_small_streams),
        cmocka_unit_test(parallel_refuses_what_is_wrong),
        cmocka_unit_test(decoder_resumes_when_out_of_room),
        cmocka_unit_test(crc_on_threads_is_zlibs),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
