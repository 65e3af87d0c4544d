/* knn_avx512.c - the nearest-neighbour search's inner loops for CPUs with
 * AVX-512 (F, BW, VL and DQ, and an OS that keeps their registers): the
 * same sums as knn_ssd.c's AVX2 ones, 16 floats or 64 pixels a step, the
 * ends of a run by masks. fmni_ssd_pick takes them where the CPU has
 * them; FMNI_ISA_AVX2 keeps the AVX2 ones (the tests compare all three). */
#include "knn.h"

#if FMNI_KNN_AVX512
#include <immintrin.h>

#define AVX512 __attribute__((target("avx512f,avx512bw,avx512vl,avx512dq,fma")))

_Static_assert(FMNI_SCAN == 16, "the scan's pairs take 16 coordinates");

/* The query's coordinates in pairs: register c holds coordinate 2 c in
 * lanes 0-7 and 2 c + 1 in lanes 8-15, as a group's rows 2 c and 2 c + 1
 * lie in memory. */
AVX512 static void pair_query(const float *q, __m512 *qp)
{
    for (size_t c = 0; c < FMNI_SCAN / 2; c++)
        qp[c] = _mm512_insertf32x8(_mm512_set1_ps(q[2 * c]),
                                   _mm256_set1_ps(q[2 * c + 1]), 1);
}

/* A group of 8's squared differences, its first `mask` lanes of each row
 * read: the even coordinates' sums in lanes 0-7, the odd ones' in 8-15. */
__attribute__((always_inline)) AVX512 static inline __m512
group_pairs(const __m512 *qp, const float *g, __mmask16 mask)
{
    __m512 e = _mm512_setzero_ps(), o = _mm512_setzero_ps();
    for (size_t c = 0; c < FMNI_SCAN / 2; c += 2) {
        __m512 d0 = _mm512_sub_ps(qp[c], _mm512_maskz_loadu_ps(mask, g + 16 * c));
        __m512 d1 = _mm512_sub_ps(qp[c + 1],
                                  _mm512_maskz_loadu_ps(mask, g + 16 * c + 16));
        e = _mm512_fmadd_ps(d0, d0, e);
        o = _mm512_fmadd_ps(d1, d1, o);
    }
    return _mm512_add_ps(e, o);
}

/* Two groups' sums, images 0-15. */
__attribute__((always_inline)) AVX512 static inline __m512
two_groups(const __m512 *qp, const float *g)
{
    __m512 a = group_pairs(qp, g, 0xffff);
    __m512 b = group_pairs(qp, g + 8 * FMNI_SCAN, 0xffff);
    return _mm512_add_ps(_mm512_shuffle_f32x4(a, b, 0x44),
                         _mm512_shuffle_f32x4(a, b, 0xee));
}

/* One group's sums, of its first n images (1 to 8), in lanes 0-7. */
__attribute__((always_inline)) AVX512 static inline __m256
one_group(const __m512 *qp, const float *g, size_t n)
{
    __mmask16 half = (__mmask16)((1u << n) - 1);
    __m512 p = group_pairs(qp, g, (__mmask16)(half | half << 8));
    return _mm256_add_ps(_mm512_castps512_ps256(p),
                         _mm512_extractf32x8_ps(p, 1));
}

AVX512 static void scan_sums_512(const float *q, const float *b, size_t count,
                                 float *out)
{
    __m512 qp[FMNI_SCAN / 2];
    pair_query(q, qp);
    size_t j = 0;
    for (; j + 16 <= count; j += 16)
        _mm512_storeu_ps(out + j, two_groups(qp, b + j * FMNI_SCAN));
    for (; j < count; j += 8) {
        size_t n = count - j < 8 ? count - j : 8;
        _mm256_mask_storeu_ps(out + j, (__mmask8)((1u << n) - 1),
                              one_group(qp, b + j * FMNI_SCAN, n));
    }
}

AVX512 static size_t nearest_512(const float *q, const float *b,
                                 size_t count, float *dist)
{
    scan_sums_512(q, b, count, dist);
    size_t j = 0, best = 0;
    if (count >= 16) { /* the least in each lane, then where it is first */
        __m512 low = _mm512_loadu_ps(dist);
        for (j = 16; j + 16 <= count; j += 16)
            low = _mm512_min_ps(low, _mm512_loadu_ps(dist + j));
        float least = _mm512_reduce_min_ps(low);
        while (dist[best] != least)
            best++;
    }
    for (; j < count; j++)
        best = dist[j] < dist[best] ? j : best;
    return best;
}

/* The residual gaps' squares of images whose intervals are lo, hi. */
__attribute__((always_inline)) AVX512 static inline __m512
gap2(__m512 lo, __m512 hi, __m512 qlo, __m512 qhi)
{
    __m512 gap = _mm512_max_ps(_mm512_max_ps(_mm512_sub_ps(qlo, hi),
                                             _mm512_sub_ps(lo, qhi)),
                               _mm512_setzero_ps());
    return _mm512_mul_ps(gap, gap);
}

/* The dot products of q's FMNI_SCAN coordinates (qp, in pairs) and two
 * groups' (16 images). */
__attribute__((always_inline)) AVX512 static inline __m512
two_dots(const __m512 *qp, const float *g)
{
    const float *h = g + 8 * FMNI_SCAN; /* the second group */
    __m512 e0 = _mm512_setzero_ps(), o0 = _mm512_setzero_ps();
    __m512 e1 = _mm512_setzero_ps(), o1 = _mm512_setzero_ps();
    for (size_t c = 0; c < FMNI_SCAN / 2; c += 2) {
        e0 = _mm512_fmadd_ps(qp[c], _mm512_loadu_ps(g + 16 * c), e0);
        o0 = _mm512_fmadd_ps(qp[c + 1], _mm512_loadu_ps(g + 16 * c + 16), o0);
        e1 = _mm512_fmadd_ps(qp[c], _mm512_loadu_ps(h + 16 * c), e1);
        o1 = _mm512_fmadd_ps(qp[c + 1], _mm512_loadu_ps(h + 16 * c + 16), o1);
    }
    __m512 a = _mm512_add_ps(e0, o0), b = _mm512_add_ps(e1, o1);
    return _mm512_add_ps(_mm512_shuffle_f32x4(a, b, 0x44),
                         _mm512_shuffle_f32x4(a, b, 0xee));
}

/* 16 images a step (their sums as qq + norm - 2 q . b); the survivors
 * packed by compression in registers, not branches, and stored whole
 * (cand and sums hold count + 16: a step stores 16); the last images a
 * group (8) at a time, by masks, their sums of squares as they are. */
AVX512 static size_t scan_512(const float *q, float qq, const float *qres,
                              const float *b, const float *norm,
                              const float *res, size_t skip, size_t count,
                              float limit, uint32_t *cand, float *sums)
{
    const __m512 qqv = _mm512_set1_ps(qq), m2 = _mm512_set1_ps(-2);
    const __m512 lim = _mm512_set1_ps(limit);
    const __m512 qlo = _mm512_set1_ps(qres[0]), qhi = _mm512_set1_ps(qres[1]);
    const __m512i iota = _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10,
                                           11, 12, 13, 14, 15);
    __m512 qp[FMNI_SCAN / 2];
    pair_query(q, qp);
    size_t n = 0, j = 0;
    unsigned head = 0xffffu << skip & 0xffffu; /* the first images kept */
    for (; j + 16 <= count; j += 16, head = 0xffff) {
        __m512 norms = _mm512_add_ps(_mm512_loadu_ps(norm + j), qqv);
        __m512 L = _mm512_fmadd_ps(two_dots(qp, b + j * FMNI_SCAN), m2, norms);
        /* two groups' lows and highs */
        __m512 r0 = _mm512_loadu_ps(res + 2 * j);
        __m512 r1 = _mm512_loadu_ps(res + 2 * j + 16);
        __m512 g = gap2(_mm512_shuffle_f32x4(r0, r1, 0x44),
                        _mm512_shuffle_f32x4(r0, r1, 0xee), qlo, qhi);
        __mmask16 in = _mm512_mask_cmp_ps_mask((__mmask16)head,
                                               _mm512_add_ps(L, g), lim,
                                               _CMP_LE_OQ);
        __m512i at = _mm512_add_epi32(iota, _mm512_set1_epi32((int)j));
        _mm512_storeu_si512(cand + n, _mm512_maskz_compress_epi32(in, at));
        _mm512_storeu_ps(sums + n, _mm512_maskz_compress_ps(in, L));
        n += (size_t)__builtin_popcount(in);
    }
    for (; j < count; j += 8, head = 0xffff) { /* a group, or the first
                                                  images of one */
        size_t k = count - j < 8 ? count - j : 8;
        __mmask8 some = (__mmask8)((1u << k) - 1);
        __m256 L = one_group(qp, b + j * FMNI_SCAN, k);
        __m512 r = _mm512_maskz_loadu_ps((__mmask16)(some | some << 8),
                                         res + 2 * j);
        __m256 g = _mm512_castps512_ps256(gap2(
            r, _mm512_castps256_ps512(_mm512_extractf32x8_ps(r, 1)), qlo,
            qhi));
        __mmask8 in = _mm256_mask_cmp_ps_mask(some & (__mmask8)head,
                                              _mm256_add_ps(L, g),
                                              _mm512_castps512_ps256(lim),
                                              _CMP_LE_OQ);
        __m256i at = _mm256_add_epi32(_mm512_castsi512_si256(iota),
                                      _mm256_set1_epi32((int)j));
        _mm256_storeu_si256((__m256i *)(cand + n),
                            _mm256_maskz_compress_epi32(in, at));
        _mm256_storeu_ps(sums + n, _mm256_maskz_compress_ps(in, L));
        n += (size_t)__builtin_popcount(in);
    }
    return n;
}

/* Candidate x's squared differences on `width` coordinates (known where
 * it is inlined) and the square of its residual gap (qoff: -qhi, qlo;
 * sign: 1, -1: its low less qhi and qlo less its high, the two not both
 * positive), in 16 lanes to be added. */
__attribute__((always_inline)) AVX512 static inline __m512
row_sums(const float *q, const float *x, size_t width, __m512 sign,
         __m512 qoff)
{
    __m512 L = _mm512_setzero_ps();
    for (size_t c = 0; c < width; c += 16) {
        __m512 d = _mm512_sub_ps(_mm512_loadu_ps(q + c), _mm512_loadu_ps(x + c));
        L = _mm512_fmadd_ps(d, d, L);
    }
    __m512 r = _mm512_maskz_loadu_ps(3, x + width);
    __m512 g = _mm512_max_ps(_mm512_fmadd_ps(r, sign, qoff),
                             _mm512_setzero_ps());
    return _mm512_fmadd_ps(g, g, L);
}

/* Lane j: the sum of v[j]'s 16 lanes (a tree of shuffles: pairs of rows
 * within 128-bit lanes, then fours, then across lanes). */
__attribute__((always_inline)) AVX512 static inline __m512
sum16(const __m512 *v)
{
    __m512 a[8], b[4];
    for (size_t i = 0; i < 8; i++) /* rows 2i, 2i + 1 alternate */
        a[i] = _mm512_add_ps(_mm512_unpacklo_ps(v[2 * i], v[2 * i + 1]),
                             _mm512_unpackhi_ps(v[2 * i], v[2 * i + 1]));
    for (size_t i = 0; i < 4; i++) /* rows 4i .. 4i + 3 in each 128 bits */
        b[i] = _mm512_add_ps(_mm512_shuffle_ps(a[2 * i], a[2 * i + 1], 0x44),
                             _mm512_shuffle_ps(a[2 * i], a[2 * i + 1], 0xee));
    __m512 s01 = _mm512_add_ps(_mm512_shuffle_f32x4(b[0], b[1], 0x44),
                               _mm512_shuffle_f32x4(b[0], b[1], 0xee));
    __m512 s23 = _mm512_add_ps(_mm512_shuffle_f32x4(b[2], b[3], 0x44),
                               _mm512_shuffle_f32x4(b[2], b[3], 0xee));
    return _mm512_add_ps(_mm512_shuffle_f32x4(s01, s23, 0x88),
                         _mm512_shuffle_f32x4(s01, s23, 0xdd));
}

/* The sums of the k candidates cand[0 .. k) (k known where it is inlined),
 * the four after them asked for meanwhile (`ahead` there are). */
__attribute__((always_inline)) AVX512 static inline __m512
batch(const float *q, const float *b, size_t stride, size_t width,
      const uint32_t *cand, size_t k, size_t ahead, __m512 sign, __m512 qoff)
{
    __m512 v[16];
#pragma GCC unroll 16
    for (size_t i = 0; i < 16; i++) {
        if (i + 4 < ahead) /* on its way while four are summed */
            fmni_prefetch_row(b + (size_t)cand[i + 4] * stride, width);
        v[i] = i < k ? row_sums(q, b + (size_t)cand[i] * stride, width, sign,
                                qoff)
                     : _mm512_setzero_ps();
    }
    return sum16(v);
}

/* 16 candidates a step; the kept packed by compression in registers. */
__attribute__((always_inline)) AVX512 static inline size_t
keep_n(const float *q, const float *qres, const float *b, size_t stride,
       size_t width, float limit, uint32_t *cand, const float *sums,
       size_t n)
{
    const __m512 sign = _mm512_setr_ps(1, -1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
                                       0, 0, 0, 0);
    const __m512 qoff = _mm512_setr_ps(-qres[1], qres[0], 0, 0, 0, 0, 0, 0,
                                       0, 0, 0, 0, 0, 0, 0, 0);
    const __m512 lim = _mm512_set1_ps(limit);
    size_t kept = 0;
    for (size_t t = 0; t < n; t += 16) {
        size_t k = n - t < 16 ? n - t : 16;
        __m512 L = k == 16 ? batch(q, b, stride, width, cand + t, 16, n - t,
                                   sign, qoff)
                           : batch(q, b, stride, width, cand + t, k, k, sign,
                                   qoff);
        L = _mm512_add_ps(L, _mm512_loadu_ps(sums + t));
        __mmask16 in = _mm512_mask_cmp_ps_mask((__mmask16)(0xffffu >> (16 - k)),
                                               L, lim, _CMP_LE_OQ);
        __m512i c = _mm512_loadu_si512(cand + t);
        _mm512_storeu_si512(cand + kept, _mm512_maskz_compress_epi32(in, c));
        kept += (size_t)__builtin_popcount(in);
    }
    return kept;
}

AVX512 static size_t keep_512(const float *q, const float *qres,
                              const float *b, size_t stride, size_t width,
                              float limit, uint32_t *cand, const float *sums,
                              size_t n)
{
    switch (width) { /* multiples of 16 */
    case 16: return keep_n(q, qres, b, stride, 16, limit, cand, sums, n);
    case 32: return keep_n(q, qres, b, stride, 32, limit, cand, sums, n);
    case 48: return keep_n(q, qres, b, stride, 48, limit, cand, sums, n);
    default: return keep_n(q, qres, b, stride, width, limit, cand, sums, n);
    }
}

/* |a - b| for 64 pixels in bytes (two saturating subtractions), widened
 * to 16 bits and squared in pairs, added to the 32-bit lanes of acc. */
__attribute__((always_inline)) AVX512 static inline __m512i
sq_step(__m512i x, __m512i y, __m512i acc)
{
    const __m512i zero = _mm512_setzero_si512();
    __m512i d = _mm512_or_si512(_mm512_subs_epu8(x, y), _mm512_subs_epu8(y, x));
    __m512i lo = _mm512_unpacklo_epi8(d, zero), hi = _mm512_unpackhi_epi8(d, zero);
    return _mm512_add_epi32(acc, _mm512_add_epi32(_mm512_madd_epi16(lo, lo),
                                                  _mm512_madd_epi16(hi, hi)));
}

/* 256 pixels (4 steps of 64) between looks at the limit (at most 8 *
 * 65025 in a 32-bit lane, 256 * 65025 in all); the last pixels by a
 * mask. */
AVX512 static uint64_t ssd8_512(const uint8_t *a, const uint8_t *b, size_t n,
                                uint64_t limit)
{
    uint64_t total = 0;
    size_t i = 0;
    for (; n - i >= 256; i += 256) {
        __m512i acc = _mm512_setzero_si512();
        for (size_t s = 0; s < 256; s += 64)
            acc = sq_step(_mm512_loadu_si512(a + i + s),
                          _mm512_loadu_si512(b + i + s), acc);
        total += (uint32_t)_mm512_reduce_add_epi32(acc);
        if (total > limit)
            return total;
    }
    __m512i acc = _mm512_setzero_si512();
    for (; n - i >= 64; i += 64)
        acc = sq_step(_mm512_loadu_si512(a + i), _mm512_loadu_si512(b + i),
                      acc);
    if (i < n) {
        __mmask64 take = ((__mmask64)1 << (n - i)) - 1;
        acc = sq_step(_mm512_maskz_loadu_epi8(take, a + i),
                      _mm512_maskz_loadu_epi8(take, b + i), acc);
    }
    return total + (uint32_t)_mm512_reduce_add_epi32(acc);
}

/* dot8 with AVX-512 VNNI: 64 pixels a step, q's less 128 (a flip of its
 * top bit) as signed bytes times b's, four products into each 32-bit lane
 * (each at most 255 * 128 in size: 1024 steps, 65536 pixels, stay below
 * 2^31); the last pixels by a mask. */
__attribute__((target("avx512f,avx512bw,avx512vnni"))) static int64_t
dot8_vnni(const uint8_t *q, const uint8_t *b, size_t n)
{
    const __m512i top = _mm512_set1_epi8((char)0x80);
    __m512i acc = _mm512_setzero_si512();
    size_t i = 0;
    for (; n - i >= 64; i += 64)
        acc = _mm512_dpbusd_epi32(
            acc, _mm512_loadu_si512(b + i),
            _mm512_xor_si512(_mm512_loadu_si512(q + i), top));
    if (i < n) {
        __mmask64 take = ((__mmask64)1 << (n - i)) - 1;
        acc = _mm512_dpbusd_epi32(
            acc, _mm512_maskz_loadu_epi8(take, b + i),
            _mm512_xor_si512(_mm512_maskz_loadu_epi8(take, q + i), top));
    }
    return (int64_t)_mm512_reduce_add_epi32(acc);
}

/* One image's pixels [0, len) of a block (len at most FMNI_PROJECT_BLOCK,
 * 64) on the n columns (a multiple of 16, n / 16 registers) at qf of rows
 * of `stride`: the products of its non-zero pixels added in float, those
 * sums added to the double ones in total (2 n / 16 of them). */
__attribute__((always_inline)) AVX512 static inline void
project_block(const uint8_t *image, size_t len, const float *qf,
              size_t stride, size_t n, __m512d *total)
{
    /* two sums a register, of alternate pixels: an add waits 4 cycles on
     * the one before it, and a pixel's adds take 2 */
    __m512 acc[FMNI_BASIS_MAX / 16], alt[FMNI_BASIS_MAX / 16];
#pragma GCC unroll 4
    for (size_t r = 0; r < n / 16; r++)
        acc[r] = alt[r] = _mm512_setzero_ps();
    __mmask64 take = len >= 64 ? ~(__mmask64)0 : ((__mmask64)1 << len) - 1;
    __m512i px = _mm512_maskz_loadu_epi8(take, image);
    uint64_t nonzero = _mm512_test_epi8_mask(px, px);
    while (nonzero) {
        unsigned at = (unsigned)__builtin_ctzll(nonzero);
        nonzero &= nonzero - 1;
        __m512 x = _mm512_set1_ps(fmni_pixel_value[image[at]]);
        const float *row = qf + at * stride;
#pragma GCC unroll 4
        for (size_t r = 0; r < n / 16; r++)
            acc[r] = _mm512_fmadd_ps(x, _mm512_loadu_ps(row + 16 * r), acc[r]);
        if (!nonzero)
            break;
        at = (unsigned)__builtin_ctzll(nonzero);
        nonzero &= nonzero - 1;
        x = _mm512_set1_ps(fmni_pixel_value[image[at]]);
        row = qf + at * stride;
#pragma GCC unroll 4
        for (size_t r = 0; r < n / 16; r++)
            alt[r] = _mm512_fmadd_ps(x, _mm512_loadu_ps(row + 16 * r), alt[r]);
    }
#pragma GCC unroll 4
    for (size_t r = 0; r < n / 16; r++) {
        __m512 sum = _mm512_add_ps(acc[r], alt[r]);
        total[2 * r] = _mm512_add_pd(
            total[2 * r], _mm512_cvtps_pd(_mm512_castps512_ps256(sum)));
        total[2 * r + 1] = _mm512_add_pd(
            total[2 * r + 1], _mm512_cvtps_pd(_mm512_extractf32x8_ps(sum, 1)));
    }
}

_Static_assert(FMNI_PROJECT_BLOCK == 64, "a block's pixels in one mask");

/* Up to FMNI_PROJECT_MANY images at once, a block of FMNI_PROJECT_BLOCK
 * pixels at a time, as knn_ssd.c's project_avx2. */
AVX512 static void project_512(const uint8_t *const *images, size_t count,
                               size_t px, const float *qf, size_t stride,
                               size_t from, size_t to, float *out,
                               size_t out_stride)
{
    __m512d total[FMNI_PROJECT_MANY][2 * 64 / 16];
    for (size_t c = from; c < to; c += 64) { /* 64 columns at a time */
        size_t n = to - c < 64 ? to - c : 64;
        for (size_t i = 0; i < count; i++)
            for (size_t r = 0; r < 2 * n / 16; r++)
                total[i][r] = _mm512_setzero_pd();
        for (size_t k = 0; k < px; k += FMNI_PROJECT_BLOCK) {
            size_t len = px - k < FMNI_PROJECT_BLOCK ? px - k
                                                     : FMNI_PROJECT_BLOCK;
            const float *rows = qf + k * stride + c;
            for (size_t i = 0; i < count; i++)
                switch (n) {
                case 16: project_block(images[i] + k, len, rows, stride, 16, total[i]); break;
                case 32: project_block(images[i] + k, len, rows, stride, 32, total[i]); break;
                case 48: project_block(images[i] + k, len, rows, stride, 48, total[i]); break;
                default: project_block(images[i] + k, len, rows, stride, 64, total[i]); break;
                }
        }
        for (size_t i = 0; i < count; i++)
            for (size_t r = 0; r < n / 16; r++)
                _mm512_storeu_ps(out + i * out_stride + c - from + 16 * r,
                                 _mm512_insertf32x8(
                                     _mm512_castps256_ps512(
                                         _mm512_cvtpd_ps(total[i][2 * r])),
                                     _mm512_cvtpd_ps(total[i][2 * r + 1]), 1));
    }
}

_Static_assert(FMNI_PANEL == 16 && FMNI_TILE_ROWS == 6,
               "cov_tile_512 makes 6 rows of 16");

/* A row of 16 in a register; the even and the odd rows of a and b in
 * sums of their own (12 in all), so that no sum waits on its last add. */
AVX512 static void cov_tile_512(const float *a, const float *b, size_t n,
                                float *out)
{
    __m512 e[FMNI_TILE_ROWS], o[FMNI_TILE_ROWS];
    for (size_t r = 0; r < FMNI_TILE_ROWS; r++)
        e[r] = o[r] = _mm512_setzero_ps();
    size_t i = 0;
    for (; i + 2 <= n; i += 2) {
        const float *a0 = a + i * FMNI_TILE_ROWS, *a1 = a0 + FMNI_TILE_ROWS;
        __m512 b0 = _mm512_loadu_ps(b + i * FMNI_PANEL);
        __m512 b1 = _mm512_loadu_ps(b + (i + 1) * FMNI_PANEL);
        for (size_t r = 0; r < FMNI_TILE_ROWS; r++) {
            e[r] = _mm512_fmadd_ps(_mm512_set1_ps(a0[r]), b0, e[r]);
            o[r] = _mm512_fmadd_ps(_mm512_set1_ps(a1[r]), b1, o[r]);
        }
    }
    if (i < n) {
        __m512 b0 = _mm512_loadu_ps(b + i * FMNI_PANEL);
        for (size_t r = 0; r < FMNI_TILE_ROWS; r++)
            e[r] = _mm512_fmadd_ps(_mm512_set1_ps(a[i * FMNI_TILE_ROWS + r]),
                                   b0, e[r]);
    }
    for (size_t r = 0; r < FMNI_TILE_ROWS; r++)
        _mm512_storeu_ps(out + r * FMNI_PANEL, _mm512_add_ps(e[r], o[r]));
}

int fmni_ssd_avx512(fmni_ssd *f)
{
    if (!__builtin_cpu_supports("avx512f") ||
        !__builtin_cpu_supports("avx512bw") ||
        !__builtin_cpu_supports("avx512vl") ||
        !__builtin_cpu_supports("avx512dq"))
        return 0;
    f->scan_sums = scan_sums_512;
    f->nearest = nearest_512;
    f->scan = scan_512;
    f->keep = keep_512;
    f->project = project_512;
    f->cov_tile = cov_tile_512;
    f->ssd8 = ssd8_512;
    if (__builtin_cpu_supports("avx512vnni"))
        f->dot8 = dot8_vnni;
    return 1;
}
#else
int fmni_ssd_avx512(fmni_ssd *f)
{
    (void)f;
    return 0;
}
#endif
