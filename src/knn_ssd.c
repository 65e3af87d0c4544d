/* knn_ssd.c - sums of squared differences, the one loop of the
 * nearest-neighbour search: between two int16 vectors (block sums) and
 * between two uint8 images, exactly, in AVX2 where the CPU has it and in
 * portable C everywhere. */
#include "knn.h"

#include <math.h>
#include <string.h>

/* A 32-bit lane sums `flush` chunks of CHUNK squared differences of at most
 * `max_diff` each without overflow (two products per lane and chunk). */
size_t fmni_ssd_flush(uint64_t max_diff)
{
    uint64_t pair = 2 * max_diff * max_diff;
    uint64_t n = pair ? (uint64_t)INT32_MAX / pair : SIZE_MAX;
    return n == 0 ? 1 : n > SIZE_MAX ? SIZE_MAX : (size_t)n;
}

static uint64_t ssd16_c(const int16_t *a, const int16_t *b, size_t chunks,
                        size_t flush)
{
    (void)flush; /* 64-bit sums throughout */
    uint64_t s = 0;
    for (size_t i = 0; i < chunks * FMNI_CHUNK; i++) {
        int32_t d = (int32_t)a[i] - (int32_t)b[i];
        s += (uint64_t)(d * d);
    }
    return s;
}

/* v as a bound of 32 bits: UINT32_MAX - 1 stands for itself and more
 * (a bound may be weakened, never raised; UINT32_MAX means "no bound"). */
static uint32_t bound32(uint64_t v)
{
    return v < UINT32_MAX - 1 ? (uint32_t)v : UINT32_MAX - 1;
}

static void ssd16_many_c(const int16_t *q, const int16_t *b, size_t count,
                         size_t chunks, size_t flush, uint32_t *out)
{
    for (size_t j = 0; j < count; j++)
        out[j] = bound32(ssd16_c(q, b + j * chunks * FMNI_CHUNK, chunks, flush));
}

static void ssd16_list_c(const int16_t *q, const int16_t *b, const uint32_t *idx,
                         size_t count, size_t chunks, size_t flush,
                         uint64_t *out)
{
    for (size_t t = 0; t < count; t++)
        out[t] = ssd16_c(q, b + (size_t)idx[t] * chunks * FMNI_CHUNK, chunks,
                         flush);
}

static void basis_many_c(const float *q, const float *b, size_t count,
                         float eta, uint32_t *out)
{
    for (size_t j = 0; j < count; j++) {
        float L = 0;
        for (size_t i = 0; i < FMNI_BASIS_MAX; i++) {
            float d = q[i] - b[j * FMNI_BASIS_MAX + i];
            L += d * d;
        }
        float r = sqrtf(L) * (1 - 1e-4f) - eta;
        r = r > 0 ? r * r * (1 - 1e-4f) : 0;
        out[j] = r < 2147483520.0f ? (uint32_t)r : 2147483520u;
    }
}

static uint64_t ssd8_c(const uint8_t *a, const uint8_t *b, size_t n)
{
    uint64_t s = 0;
    while (n > 0) {
        /* 32-bit partial sums: 65025 each, 66051 of them fit */
        size_t m = n < 65536 ? n : 65536;
        uint32_t part = 0;
        for (size_t i = 0; i < m; i++) {
            int32_t d = (int32_t)a[i] - (int32_t)b[i];
            part += (uint32_t)(d * d);
        }
        s += part;
        a += m;
        b += m;
        n -= m;
    }
    return s;
}

#if FMNI_KNN_AVX2
#include <immintrin.h>

#define AVX2 __attribute__((target("avx2")))

/* The four 64-bit lanes of v, added. */
AVX2 static uint64_t hsum64(__m256i v)
{
    __m128i s = _mm_add_epi64(_mm256_castsi256_si128(v),
                              _mm256_extracti128_si256(v, 1));
    return (uint64_t)_mm_cvtsi128_si64(s) +
           (uint64_t)_mm_extract_epi64(s, 1);
}

/* The eight non-negative 32-bit lanes of v as four 64-bit sums. */
AVX2 static __m256i widen(__m256i v)
{
    return _mm256_add_epi64(
        _mm256_cvtepu32_epi64(_mm256_castsi256_si128(v)),
        _mm256_cvtepu32_epi64(_mm256_extracti128_si256(v, 1)));
}

AVX2 static uint64_t ssd16_avx2(const int16_t *a, const int16_t *b,
                                size_t chunks, size_t flush)
{
    __m256i total = _mm256_setzero_si256();
    size_t c = 0;
    while (c < chunks) {
        size_t end = chunks - c > flush ? c + flush : chunks;
        __m256i acc = _mm256_setzero_si256();
        for (; c < end; c++) {
            __m256i d = _mm256_sub_epi16(
                _mm256_loadu_si256((const __m256i *)(a + c * FMNI_CHUNK)),
                _mm256_loadu_si256((const __m256i *)(b + c * FMNI_CHUNK)));
            acc = _mm256_add_epi32(acc, _mm256_madd_epi16(d, d));
        }
        total = _mm256_add_epi64(total, widen(acc));
    }
    return hsum64(total);
}

/* One chunk's squared differences of q and b[j], as eight 32-bit lanes. */
AVX2 static __m256i sq_diff(__m256i q, const int16_t *b)
{
    __m256i d = _mm256_sub_epi16(q, _mm256_loadu_si256((const __m256i *)b));
    return _mm256_madd_epi16(d, d);
}

/* Sketches of one chunk (16 values) whose sums fit 32 bits: eight base
 * items at a time, their lanes added across in one tree. */
AVX2 static void ssd16_many_avx2(const int16_t *q, const int16_t *b,
                                 size_t count, size_t chunks, size_t flush,
                                 uint32_t *out)
{
    size_t j = 0;
    /* 16 values: with 4 chunks to a lane, 16 squares sum below 2^32 - 2 */
    if (chunks == 1 && flush >= 4) {
        __m256i qv = _mm256_loadu_si256((const __m256i *)q);
        for (; j + 8 <= count; j += 8) {
            const int16_t *p = b + j * FMNI_CHUNK;
            __m256i s01 = _mm256_hadd_epi32(sq_diff(qv, p),
                                            sq_diff(qv, p + FMNI_CHUNK));
            __m256i s23 = _mm256_hadd_epi32(sq_diff(qv, p + 2 * FMNI_CHUNK),
                                            sq_diff(qv, p + 3 * FMNI_CHUNK));
            __m256i s45 = _mm256_hadd_epi32(sq_diff(qv, p + 4 * FMNI_CHUNK),
                                            sq_diff(qv, p + 5 * FMNI_CHUNK));
            __m256i s67 = _mm256_hadd_epi32(sq_diff(qv, p + 6 * FMNI_CHUNK),
                                            sq_diff(qv, p + 7 * FMNI_CHUNK));
            __m256i s0123 = _mm256_hadd_epi32(s01, s23);
            __m256i s4567 = _mm256_hadd_epi32(s45, s67);
            /* s0123: items 0-3, their lanes 0-3 summed in the low half,
             * 4-7 in the high; s4567 the same of items 4-7 */
            __m256i lo = _mm256_permute2x128_si256(s0123, s4567, 0x20);
            __m256i hi = _mm256_permute2x128_si256(s0123, s4567, 0x31);
            __m256i sum = _mm256_add_epi32(lo, hi); /* items 0-7, unsigned */
            _mm256_storeu_si256((__m256i *)(out + j), sum);
        }
    }
    for (; j < count; j++)
        out[j] = bound32(
            ssd16_avx2(q, b + j * chunks * FMNI_CHUNK, chunks, flush));
}

AVX2 static void ssd16_list_avx2(const int16_t *q, const int16_t *b,
                                 const uint32_t *idx, size_t count,
                                 size_t chunks, size_t flush, uint64_t *out)
{
    size_t stride = chunks * FMNI_CHUNK;
    for (size_t t = 0; t < count; t++) {
        if (t + 2 < count) /* the one after next, on its way */
            _mm_prefetch((const char *)(b + (size_t)idx[t + 2] * stride),
                         _MM_HINT_T0);
        out[t] = ssd16_avx2(q, b + (size_t)idx[t] * stride, chunks, flush);
    }
}

/* One image's 16 squared coordinate differences, as 8 float lanes. */
AVX2 static __m256 sq_coords(__m256 q0, __m256 q1, const float *b)
{
    __m256 d0 = _mm256_sub_ps(q0, _mm256_loadu_ps(b));
    __m256 d1 = _mm256_sub_ps(q1, _mm256_loadu_ps(b + 8));
    return _mm256_add_ps(_mm256_mul_ps(d0, d0), _mm256_mul_ps(d1, d1));
}

AVX2 static void basis_many_avx2(const float *q, const float *b,
                                 size_t count, float eta, uint32_t *out)
{
    __m256 q0 = _mm256_loadu_ps(q), q1 = _mm256_loadu_ps(q + 8);
    const __m256 shrink = _mm256_set1_ps(1 - 1e-4f), e = _mm256_set1_ps(eta);
    const __m256 top = _mm256_set1_ps(2147483520.0f), zero = _mm256_setzero_ps();
    size_t j = 0;
    for (; j + 8 <= count; j += 8) {
        const float *p = b + j * FMNI_BASIS_MAX;
        /* the tree of ssd16_many_avx2, in floats */
        __m256 s01 = _mm256_hadd_ps(sq_coords(q0, q1, p),
                                    sq_coords(q0, q1, p + 16));
        __m256 s23 = _mm256_hadd_ps(sq_coords(q0, q1, p + 32),
                                    sq_coords(q0, q1, p + 48));
        __m256 s45 = _mm256_hadd_ps(sq_coords(q0, q1, p + 64),
                                    sq_coords(q0, q1, p + 80));
        __m256 s67 = _mm256_hadd_ps(sq_coords(q0, q1, p + 96),
                                    sq_coords(q0, q1, p + 112));
        __m256 s0123 = _mm256_hadd_ps(s01, s23), s4567 = _mm256_hadd_ps(s45, s67);
        __m256 L = _mm256_add_ps(_mm256_permute2f128_ps(s0123, s4567, 0x20),
                                 _mm256_permute2f128_ps(s0123, s4567, 0x31));
        __m256 r = _mm256_sub_ps(_mm256_mul_ps(_mm256_sqrt_ps(L), shrink), e);
        r = _mm256_max_ps(r, zero);
        r = _mm256_min_ps(_mm256_mul_ps(_mm256_mul_ps(r, r), shrink), top);
        _mm256_storeu_si256((__m256i *)(out + j), _mm256_cvttps_epi32(r));
    }
    basis_many_c(q, b + j * FMNI_BASIS_MAX, count - j, eta, out + j);
}

AVX2 static uint64_t ssd8_avx2(const uint8_t *a, const uint8_t *b, size_t n)
{
    /* 16 pixels a step, as 16-bit differences; a 32-bit lane takes 16384
     * steps (130050 at most each) */
    __m256i total = _mm256_setzero_si256();
    size_t i = 0;
    while (n - i >= FMNI_CHUNK) {
        size_t steps = (n - i) / FMNI_CHUNK;
        if (steps > 16384)
            steps = 16384;
        __m256i acc = _mm256_setzero_si256();
        for (size_t s = 0; s < steps; s++, i += FMNI_CHUNK) {
            __m256i x = _mm256_cvtepu8_epi16(
                _mm_loadu_si128((const __m128i *)(a + i)));
            __m256i y = _mm256_cvtepu8_epi16(
                _mm_loadu_si128((const __m128i *)(b + i)));
            __m256i d = _mm256_sub_epi16(x, y);
            acc = _mm256_add_epi32(acc, _mm256_madd_epi16(d, d));
        }
        total = _mm256_add_epi64(total, widen(acc));
    }
    return hsum64(total) + ssd8_c(a + i, b + i, n - i);
}
#endif

fmni_ssd fmni_ssd_pick(fmni_isa isa)
{
    fmni_ssd f = {ssd16_c, ssd16_many_c, ssd16_list_c, basis_many_c, ssd8_c};
#if FMNI_KNN_AVX2
    if (isa == FMNI_ISA_BEST && __builtin_cpu_supports("avx2")) {
        f.ssd16 = ssd16_avx2;
        f.ssd16_many = ssd16_many_avx2;
        f.ssd16_list = ssd16_list_avx2;
        f.basis_many = basis_many_avx2;
        f.ssd8 = ssd8_avx2;
    }
#else
    (void)isa;
#endif
    return f;
}
