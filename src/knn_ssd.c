/* knn_ssd.c - the inner loops of the nearest-neighbour search: sums of
 * squared differences between two int16 vectors (block sums) and between
 * two uint8 images, exactly; between coordinates on the basis, in float;
 * and an image's coordinates. In AVX2 (and FMA) where the CPU has them
 * and in portable C everywhere; fmni_ssd_pick takes knn_avx512.c's where
 * the CPU has AVX-512. */
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

/* The squared differences of the FMNI_SCAN coordinates of q and image j
 * of a run of groups of 8. */
static float scan_sum(const float *q, const float *b, size_t j)
{
    const float *g = b + (j / 8) * 8 * FMNI_SCAN + j % 8;
    float L = 0;
    for (size_t c = 0; c < FMNI_SCAN; c++) {
        float d = q[c] - g[8 * c];
        L += d * d;
    }
    return L;
}

static void scan_sums_c(const float *q, const float *b, size_t count,
                        float *out)
{
    for (size_t j = 0; j < count; j++)
        out[j] = scan_sum(q, b, j);
}

static size_t nearest_c(const float *q, const float *b, size_t count,
                        float *dist)
{
    size_t best = 0;
    for (size_t j = 0; j < count; j++) {
        dist[j] = scan_sum(q, b, j);
        best = dist[j] < dist[best] ? j : best;
    }
    return best;
}

/* The residual gap of the query (qres) and image j of a run of groups
 * of 8 (res: 16 floats a group, its lows, then its highs). */
static float scan_gap(const float *qres, const float *res, size_t j)
{
    const float *g = res + (j / 8) * 16 + j % 8;
    return fmni_residual_gap(qres[0], qres[1], g[0], g[8]);
}

static size_t scan_c(const float *q, float qq, const float *qres,
                     const float *b, const float *norm, const float *res,
                     size_t skip, size_t count, float limit, uint32_t *cand,
                     float *sums)
{
    (void)qq; /* the sums of the squares themselves: no norms */
    (void)norm;
    size_t n = 0;
    for (size_t j = skip; j < count; j++) {
        float L = scan_sum(q, b, j), r = scan_gap(qres, res, j);
        cand[n] = (uint32_t)j;
        sums[n] = L;
        n += L + r * r <= limit;
    }
    return n;
}

static size_t keep_c(const float *q, const float *qres, const float *b,
                     size_t stride, size_t width, float limit, uint32_t *cand,
                     const float *sums, size_t n)
{
    size_t kept = 0;
    for (size_t t = 0; t < n; t++) {
        uint32_t j = cand[t];
        const float *x = b + j * stride;
        float L = sums[t];
        for (size_t c = 0; c < width; c++) {
            float d = q[c] - x[c];
            L += d * d;
        }
        float r = fmni_residual_gap(qres[0], qres[1], x[width], x[width + 1]);
        cand[kept] = j;
        kept += L + r * r <= limit;
    }
    return kept;
}

/* In double throughout: closer than the float blocks allow. */
static void project_c(const uint8_t *const *images, size_t count, size_t px,
                      const float *qf, size_t stride, size_t from, size_t to,
                      float *out, size_t out_stride)
{
    for (size_t i = 0; i < count; i++) {
        double acc[FMNI_BASIS_MAX] = {0};
        for (size_t k = 0; k < px; k++) {
            if (!images[i][k])
                continue;
            double v = images[i][k];
            for (size_t j = from; j < to; j++)
                acc[j - from] += v * qf[k * stride + j];
        }
        for (size_t j = from; j < to; j++)
            out[i * out_stride + j - from] = (float)acc[j - from];
    }
}

static void scatter_c(const uint8_t *const *images, size_t count, size_t px,
                      const float *y, size_t m, float *z)
{
    for (size_t i = 0; i < count; i++)
        for (size_t p = 0; p < px; p++) {
            if (!images[i][p])
                continue;
            float v = images[i][p];
            for (size_t j = 0; j < m; j++)
                z[p * m + j] += v * y[i * m + j];
        }
}

static void gram_c(const double *a, const double *b, size_t n, size_t m,
                   double *g)
{
    memset(g, 0, m * m * sizeof *g);
    for (size_t p = 0; p < n; p++)
        for (size_t i = 0; i < m; i++) {
            double v = a[p * m + i];
            for (size_t j = 0; j < m; j++)
                g[i * m + j] += v * b[p * m + j];
        }
}

/* Each output's sum in the order of i, as a loop over i per output would
 * add it; a row of outputs at a time, so that the compiler may add them
 * in vectors, not in one chain of adds each. */
static void times_c(const double *a, size_t n, size_t k, size_t m,
                    const double *r, double *out)
{
    for (size_t p = 0; p < n; p++) {
        double *o = out + p * m;
        for (size_t j = 0; j < m; j++)
            o[j] = 0;
        for (size_t i = 0; i < k; i++) {
            double v = a[p * k + i];
            for (size_t j = 0; j < m; j++)
                o[j] += v * r[i * m + j];
        }
    }
}

/* As times_c: each sum in the order of i, a row of 16 at a time. */
static void cov_tile_c(const float *a, const float *b, size_t n,
                       float *out)
{
    float s[FMNI_TILE_ROWS * FMNI_PANEL] = {0};
    for (size_t i = 0; i < n; i++)
        for (size_t r = 0; r < FMNI_TILE_ROWS; r++) {
            float v = a[i * FMNI_TILE_ROWS + r];
            for (size_t j = 0; j < FMNI_PANEL; j++)
                s[r * FMNI_PANEL + j] += v * b[i * FMNI_PANEL + j];
        }
    memcpy(out, s, sizeof s);
}

static uint64_t ssd8_c(const uint8_t *a, const uint8_t *b, size_t n,
                       uint64_t limit)
{
    uint64_t s = 0;
    while (n > 0 && s <= limit) {
        /* 32-bit partial sums (65025 each, 66051 of them fit), of 256
         * pixels before a look at the limit */
        size_t m = n < 256 ? n : 256;
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

/* Each pixel value as a float, loaded where a conversion would wait on
 * its register's last value. */
const float fmni_pixel_value[256] = {
#define V4(i) i, i + 1, i + 2, i + 3
#define V16(i) V4(i), V4(i + 4), V4(i + 8), V4(i + 12)
    V16(0),   V16(16),  V16(32),  V16(48),  V16(64),  V16(80),
    V16(96),  V16(112), V16(128), V16(144), V16(160), V16(176),
    V16(192), V16(208), V16(224), V16(240)
#undef V16
#undef V4
};

#if FMNI_KNN_AVX2
#include <immintrin.h>

#define AVX2 __attribute__((target("avx2")))
#define AVX2FMA __attribute__((target("avx2,fma")))

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

_Static_assert(FMNI_SCAN == 16, "group_sums takes 16 coordinates");

/* The FMNI_SCAN coordinates' squared differences of q (qc, broadcast)
 * and a group of 8 images, in the 8 lanes. */
__attribute__((always_inline)) AVX2FMA static inline __m256
group_sums(const __m256 *qc, const float *g)
{
#define TWO(c)                                                           \
    d0 = _mm256_sub_ps(qc[c], _mm256_loadu_ps(g + 8 * (c)));             \
    d1 = _mm256_sub_ps(qc[c + 1], _mm256_loadu_ps(g + 8 * (c) + 8));     \
    L0 = _mm256_fmadd_ps(d0, d0, L0);                                    \
    L1 = _mm256_fmadd_ps(d1, d1, L1)
    __m256 L0 = _mm256_setzero_ps(), L1 = _mm256_setzero_ps(), d0, d1;
    TWO(0);
    TWO(2);
    TWO(4);
    TWO(6);
    TWO(8);
    TWO(10);
    TWO(12);
    TWO(14);
#undef TWO
    return _mm256_add_ps(L0, L1);
}

/* The dot products of q's FMNI_SCAN coordinates (qc, broadcast) and a
 * group of 8 images', in the 8 lanes. */
__attribute__((always_inline)) AVX2FMA static inline __m256
group_dots(const __m256 *qc, const float *g)
{
    __m256 e = _mm256_setzero_ps(), o = _mm256_setzero_ps();
    for (size_t c = 0; c < FMNI_SCAN; c += 2) {
        e = _mm256_fmadd_ps(qc[c], _mm256_loadu_ps(g + 8 * c), e);
        o = _mm256_fmadd_ps(qc[c + 1], _mm256_loadu_ps(g + 8 * c + 8), o);
    }
    return _mm256_add_ps(e, o);
}

AVX2FMA static void scan_sums_avx2(const float *q, const float *b,
                                   size_t count, float *out)
{
    __m256 qc[FMNI_SCAN];
    for (size_t c = 0; c < FMNI_SCAN; c++)
        qc[c] = _mm256_set1_ps(q[c]);
    size_t j = 0;
    for (; j + 8 <= count; j += 8)
        _mm256_storeu_ps(out + j, group_sums(qc, b + j * FMNI_SCAN));
    for (; j < count; j++)
        out[j] = scan_sum(q, b, j);
}

/* The smallest of the 8 lanes of v, in every lane. */
AVX2 static __m256 lanes_min(__m256 v)
{
    v = _mm256_min_ps(v, _mm256_permute2f128_ps(v, v, 1));
    v = _mm256_min_ps(v, _mm256_shuffle_ps(v, v, 0x4e));
    return _mm256_min_ps(v, _mm256_shuffle_ps(v, v, 0xb1));
}

AVX2FMA static size_t nearest_avx2(const float *q, const float *b,
                                   size_t count, float *dist)
{
    scan_sums_avx2(q, b, count, dist);
    size_t j = 0, best = 0;
    if (count >= 8) { /* the least in each lane, then where it is first */
        __m256 low = _mm256_loadu_ps(dist);
        for (j = 8; j + 8 <= count; j += 8)
            low = _mm256_min_ps(low, _mm256_loadu_ps(dist + j));
        float least = _mm256_cvtss_f32(lanes_min(low));
        while (dist[best] != least)
            best++;
    }
    for (; j < count; j++)
        best = dist[j] < dist[best] ? j : best;
    return best;
}

/* For each 8-bit mask, the positions of its set bits, lowest first, a
 * nibble each: what moves the survivors of a group of 8 together. */
static const uint32_t PACK[256] = {
    0x00000000, 0x00000000, 0x00000001, 0x00000010, 0x00000002, 0x00000020,
    0x00000021, 0x00000210, 0x00000003, 0x00000030, 0x00000031, 0x00000310,
    0x00000032, 0x00000320, 0x00000321, 0x00003210, 0x00000004, 0x00000040,
    0x00000041, 0x00000410, 0x00000042, 0x00000420, 0x00000421, 0x00004210,
    0x00000043, 0x00000430, 0x00000431, 0x00004310, 0x00000432, 0x00004320,
    0x00004321, 0x00043210, 0x00000005, 0x00000050, 0x00000051, 0x00000510,
    0x00000052, 0x00000520, 0x00000521, 0x00005210, 0x00000053, 0x00000530,
    0x00000531, 0x00005310, 0x00000532, 0x00005320, 0x00005321, 0x00053210,
    0x00000054, 0x00000540, 0x00000541, 0x00005410, 0x00000542, 0x00005420,
    0x00005421, 0x00054210, 0x00000543, 0x00005430, 0x00005431, 0x00054310,
    0x00005432, 0x00054320, 0x00054321, 0x00543210, 0x00000006, 0x00000060,
    0x00000061, 0x00000610, 0x00000062, 0x00000620, 0x00000621, 0x00006210,
    0x00000063, 0x00000630, 0x00000631, 0x00006310, 0x00000632, 0x00006320,
    0x00006321, 0x00063210, 0x00000064, 0x00000640, 0x00000641, 0x00006410,
    0x00000642, 0x00006420, 0x00006421, 0x00064210, 0x00000643, 0x00006430,
    0x00006431, 0x00064310, 0x00006432, 0x00064320, 0x00064321, 0x00643210,
    0x00000065, 0x00000650, 0x00000651, 0x00006510, 0x00000652, 0x00006520,
    0x00006521, 0x00065210, 0x00000653, 0x00006530, 0x00006531, 0x00065310,
    0x00006532, 0x00065320, 0x00065321, 0x00653210, 0x00000654, 0x00006540,
    0x00006541, 0x00065410, 0x00006542, 0x00065420, 0x00065421, 0x00654210,
    0x00006543, 0x00065430, 0x00065431, 0x00654310, 0x00065432, 0x00654320,
    0x00654321, 0x06543210, 0x00000007, 0x00000070, 0x00000071, 0x00000710,
    0x00000072, 0x00000720, 0x00000721, 0x00007210, 0x00000073, 0x00000730,
    0x00000731, 0x00007310, 0x00000732, 0x00007320, 0x00007321, 0x00073210,
    0x00000074, 0x00000740, 0x00000741, 0x00007410, 0x00000742, 0x00007420,
    0x00007421, 0x00074210, 0x00000743, 0x00007430, 0x00007431, 0x00074310,
    0x00007432, 0x00074320, 0x00074321, 0x00743210, 0x00000075, 0x00000750,
    0x00000751, 0x00007510, 0x00000752, 0x00007520, 0x00007521, 0x00075210,
    0x00000753, 0x00007530, 0x00007531, 0x00075310, 0x00007532, 0x00075320,
    0x00075321, 0x00753210, 0x00000754, 0x00007540, 0x00007541, 0x00075410,
    0x00007542, 0x00075420, 0x00075421, 0x00754210, 0x00007543, 0x00075430,
    0x00075431, 0x00754310, 0x00075432, 0x00754320, 0x00754321, 0x07543210,
    0x00000076, 0x00000760, 0x00000761, 0x00007610, 0x00000762, 0x00007620,
    0x00007621, 0x00076210, 0x00000763, 0x00007630, 0x00007631, 0x00076310,
    0x00007632, 0x00076320, 0x00076321, 0x00763210, 0x00000764, 0x00007640,
    0x00007641, 0x00076410, 0x00007642, 0x00076420, 0x00076421, 0x00764210,
    0x00007643, 0x00076430, 0x00076431, 0x00764310, 0x00076432, 0x00764320,
    0x00764321, 0x07643210, 0x00000765, 0x00007650, 0x00007651, 0x00076510,
    0x00007652, 0x00076520, 0x00076521, 0x00765210, 0x00007653, 0x00076530,
    0x00076531, 0x00765310, 0x00076532, 0x00765320, 0x00765321, 0x07653210,
    0x00007654, 0x00076540, 0x00076541, 0x00765410, 0x00076542, 0x00765420,
    0x00765421, 0x07654210, 0x00076543, 0x00765430, 0x00765431, 0x07654310,
    0x00765432, 0x07654320, 0x07654321, 0x76543210,
};

/* Every group of 8 at once (their sums as qq + norm - 2 q . b), and the
 * survivors written out without a branch (a branch on them would be
 * mispredicted often); the last images one at a time. */
AVX2FMA static size_t scan_avx2(const float *q, float qq, const float *qres,
                                const float *b, const float *norm,
                                const float *res, size_t skip, size_t count,
                                float limit, uint32_t *cand, float *sums)
{
    const __m256 lim = _mm256_set1_ps(limit), qqv = _mm256_set1_ps(qq);
    const __m256 m2 = _mm256_set1_ps(-2);
    const __m256 qlo = _mm256_set1_ps(qres[0]);
    const __m256 qhi = _mm256_set1_ps(qres[1]);
    const __m256i shifts = _mm256_setr_epi32(0, 4, 8, 12, 16, 20, 24, 28);
    const __m256i nibble = _mm256_set1_epi32(15);
    __m256 qc[FMNI_SCAN];
    for (size_t c = 0; c < FMNI_SCAN; c++)
        qc[c] = _mm256_set1_ps(q[c]);
    size_t n = 0, j = 0;
    unsigned head = 0xffu << skip & 0xffu; /* the first group's images kept */
    for (; j + 8 <= count; j += 8, head = 0xff) {
        __m256 L = _mm256_fmadd_ps(
            group_dots(qc, b + j * FMNI_SCAN), m2,
            _mm256_add_ps(_mm256_loadu_ps(norm + j), qqv));
        const float *r = res + 2 * j; /* the group's lows, then highs */
        __m256 gap = _mm256_max_ps(
            _mm256_max_ps(_mm256_sub_ps(qlo, _mm256_loadu_ps(r + 8)),
                          _mm256_sub_ps(_mm256_loadu_ps(r), qhi)),
            _mm256_setzero_ps());
        unsigned in = head & (unsigned)_mm256_movemask_ps(_mm256_cmp_ps(
            _mm256_fmadd_ps(gap, gap, L), lim, _CMP_LE_OQ));
        __m256i pos = _mm256_and_si256(
            _mm256_srlv_epi32(_mm256_set1_epi32((int)PACK[in]), shifts), nibble);
        _mm256_storeu_si256((__m256i *)(cand + n),
                            _mm256_add_epi32(pos, _mm256_set1_epi32((int)j)));
        _mm256_storeu_ps(sums + n, _mm256_permutevar8x32_ps(L, pos));
        n += (size_t)__builtin_popcount(in);
    }
    for (j = j > skip ? j : skip; j < count; j++) { /* the last images, as
                                                       scan_c does */
        float L = scan_sum(q, b, j), r = scan_gap(qres, res, j);
        cand[n] = (uint32_t)j;
        sums[n] = L;
        n += L + r * r <= limit;
    }
    return n;
}

/* Candidate x's squared differences on `width` coordinates (known where
 * it is inlined: the loop unrolled) and the square of its residual gap
 * (qoff: -qhi, qlo; sign: 1, -1: its low less qhi, qlo less its high, the
 * two not both positive), in 8 lanes to be added. */
__attribute__((always_inline)) AVX2FMA static inline __m256
row_sums(const float *q, const float *x, size_t width, __m128 sign,
         __m128 qoff)
{
    __m256 L0 = _mm256_setzero_ps(), L1 = _mm256_setzero_ps();
#pragma GCC unroll 4
    for (size_t c = 0; c < width; c += 16) {
        __m256 d0 = _mm256_sub_ps(_mm256_loadu_ps(q + c),
                                  _mm256_loadu_ps(x + c));
        __m256 d1 = _mm256_sub_ps(_mm256_loadu_ps(q + c + 8),
                                  _mm256_loadu_ps(x + c + 8));
        L0 = _mm256_fmadd_ps(d0, d0, L0);
        L1 = _mm256_fmadd_ps(d1, d1, L1);
    }
    __m128 r = _mm_castpd_ps(_mm_load_sd((const double *)(x + width)));
    __m128 g = _mm_max_ps(_mm_fmadd_ps(r, sign, qoff), _mm_setzero_ps());
    L0 = _mm256_add_ps(L0, _mm256_set_m128(_mm_setzero_ps(), _mm_mul_ps(g, g)));
    return _mm256_add_ps(L0, L1);
}

/* The sums of the k candidates cand[0 .. k) (k known where it is inlined,
 * at most 8) in lanes 0 .. k, added across in one tree as they come (two
 * rows at a time: the registers are few); the four after them asked for
 * meanwhile (`ahead` there are). */
__attribute__((always_inline)) AVX2FMA static inline __m256
batch(const float *q, const float *b, size_t stride, size_t width,
      const uint32_t *cand, size_t k, size_t ahead, __m128 sign, __m128 qoff)
{
    __m256 h[4];
#pragma GCC unroll 8
    for (size_t i = 0; i < 8; i++) {
        if (i + 4 < ahead) /* on its way while four are summed */
            fmni_prefetch_row(b + (size_t)cand[i + 4] * stride, width);
        __m256 v = i < k ? row_sums(q, b + (size_t)cand[i] * stride, width,
                                    sign, qoff)
                         : _mm256_setzero_ps();
        h[i / 2] = i % 2 ? _mm256_hadd_ps(h[i / 2], v) : v;
    }
    /* h[i]: rows 2i, 2i + 1 in pairs; a: rows 0-3's low halves' sums,
     * then their high halves'; c: rows 4-7's */
    __m256 a = _mm256_hadd_ps(h[0], h[1]), c = _mm256_hadd_ps(h[2], h[3]);
    return _mm256_add_ps(_mm256_permute2f128_ps(a, c, 0x20),
                         _mm256_permute2f128_ps(a, c, 0x31));
}

/* Eight candidates a step; the kept moved together by PACK, as the
 * scan's. */
__attribute__((always_inline)) AVX2FMA static inline size_t
keep_n(const float *q, const float *qres, const float *b, size_t stride,
       size_t width, float limit, uint32_t *cand, const float *sums,
       size_t n)
{
    const __m128 sign = _mm_setr_ps(1, -1, 0, 0);
    const __m128 qoff = _mm_setr_ps(-qres[1], qres[0], 0, 0);
    const __m256 lim = _mm256_set1_ps(limit);
    const __m256i shifts = _mm256_setr_epi32(0, 4, 8, 12, 16, 20, 24, 28);
    const __m256i nibble = _mm256_set1_epi32(15);
    size_t kept = 0;
    for (size_t t = 0; t < n; t += 8) {
        size_t k = n - t < 8 ? n - t : 8;
        __m256 L = k == 8 ? batch(q, b, stride, width, cand + t, 8, n - t,
                                  sign, qoff)
                          : batch(q, b, stride, width, cand + t, k, k, sign,
                                  qoff);
        L = _mm256_add_ps(L, _mm256_loadu_ps(sums + t));
        unsigned in = (unsigned)_mm256_movemask_ps(
                          _mm256_cmp_ps(L, lim, _CMP_LE_OQ)) &
                      (0xffu >> (8 - k));
        __m256i pos = _mm256_and_si256(
            _mm256_srlv_epi32(_mm256_set1_epi32((int)PACK[in]), shifts), nibble);
        __m256i c = _mm256_loadu_si256((const __m256i *)(cand + t));
        _mm256_storeu_si256((__m256i *)(cand + kept),
                            _mm256_permutevar8x32_epi32(c, pos));
        kept += (size_t)__builtin_popcount(in);
    }
    return kept;
}

AVX2FMA static size_t keep_avx2(const float *q, const float *qres,
                                const float *b, size_t stride, size_t width,
                                float limit, uint32_t *cand,
                                const float *sums, size_t n)
{
    switch (width) { /* multiples of 16 */
    case 16: return keep_n(q, qres, b, stride, 16, limit, cand, sums, n);
    case 32: return keep_n(q, qres, b, stride, 32, limit, cand, sums, n);
    case 48: return keep_n(q, qres, b, stride, 48, limit, cand, sums, n);
    default: return keep_n(q, qres, b, stride, width, limit, cand, sums, n);
    }
}

/* The bits of the pixels of at[0 .. len) that are not 0, of the first
 * 32 of them. */
AVX2 static inline uint32_t nonzero32(const uint8_t *at, size_t len)
{
    uint8_t tail[32];
    if (len < 32) { /* the last pixels, padded with 0 */
        memset(tail, 0, sizeof tail);
        memcpy(tail, at, len);
        at = tail;
    }
    __m256i x = _mm256_loadu_si256((const __m256i *)at);
    return ~(uint32_t)_mm256_movemask_epi8(
        _mm256_cmpeq_epi8(x, _mm256_setzero_si256()));
}

/* One image's pixels [0, len) of a block (len at most FMNI_PROJECT_BLOCK)
 * on the n columns (a multiple of 8, n / 8 registers) at qf of rows of
 * `stride`, the block's first pixel's row first: the products of its
 * non-zero pixels added in float, those sums added to the double ones in
 * total (2 n / 8 of them). Inlined for each n, so that the sums stay in
 * registers. */
__attribute__((always_inline)) AVX2FMA static inline void
project_block(const uint8_t *image, size_t len, const float *qf,
              size_t stride, size_t n, __m256d *total)
{
    __m256 acc[FMNI_BASIS_MAX / 8];
#pragma GCC unroll 8
    for (size_t r = 0; r < n / 8; r++)
        acc[r] = _mm256_setzero_ps();
    for (size_t h = 0; h < len; h += 32) {
        uint32_t nonzero = nonzero32(image + h, len - h);
        while (nonzero) {
            unsigned b = (unsigned)__builtin_ctz(nonzero);
            nonzero &= nonzero - 1;
            __m256 x = _mm256_broadcast_ss(&fmni_pixel_value[image[h + b]]);
            const float *row = qf + (h + b) * stride;
#pragma GCC unroll 8
            for (size_t r = 0; r < n / 8; r++)
                acc[r] = _mm256_fmadd_ps(x, _mm256_loadu_ps(row + 8 * r),
                                         acc[r]);
        }
    }
#pragma GCC unroll 8
    for (size_t r = 0; r < n / 8; r++) {
        total[2 * r] = _mm256_add_pd(
            total[2 * r], _mm256_cvtps_pd(_mm256_castps256_ps128(acc[r])));
        total[2 * r + 1] = _mm256_add_pd(
            total[2 * r + 1], _mm256_cvtps_pd(_mm256_extractf128_ps(acc[r], 1)));
    }
}

/* Up to FMNI_PROJECT_MANY images at once, a block of FMNI_PROJECT_BLOCK
 * pixels at a time: the block's rows of the basis (64 columns of them,
 * 16 KiB) are read from the first-level cache by every image, not from
 * the second by each. */
AVX2FMA static void project_avx2(const uint8_t *const *images, size_t count,
                                 size_t px, const float *qf, size_t stride,
                                 size_t from, size_t to, float *out,
                                 size_t out_stride)
{
    __m256d total[FMNI_PROJECT_MANY][2 * 64 / 8];
    for (size_t c = from; c < to; c += 64) { /* 64 columns at a time */
        size_t n = to - c < 64 ? to - c : 64;
        for (size_t i = 0; i < count; i++)
            for (size_t r = 0; r < 2 * n / 8; r++)
                total[i][r] = _mm256_setzero_pd();
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
            for (size_t r = 0; r < n / 8; r++)
                _mm256_storeu_ps(out + i * out_stride + c - from + 8 * r,
                                 _mm256_set_m128(_mm256_cvtpd_ps(total[i][2 * r + 1]),
                                                 _mm256_cvtpd_ps(total[i][2 * r])));
    }
}

/* A block of FMNI_PROJECT_BLOCK rows of z at a time, for every image:
 * the rows stay in the first-level cache. */
AVX2FMA static void scatter_avx2(const uint8_t *const *images, size_t count,
                                 size_t px, const float *y, size_t m, float *z)
{
    for (size_t k = 0; k < px; k += FMNI_PROJECT_BLOCK) {
        size_t len = px - k < FMNI_PROJECT_BLOCK ? px - k : FMNI_PROJECT_BLOCK;
        for (size_t i = 0; i < count; i++)
            for (size_t h = 0; h < len; h += 32) {
                const uint8_t *at = images[i] + k + h;
                uint32_t nonzero = nonzero32(at, len - h);
                while (nonzero) {
                    unsigned b = (unsigned)__builtin_ctz(nonzero);
                    nonzero &= nonzero - 1;
                    __m256 x = _mm256_broadcast_ss(&fmni_pixel_value[at[b]]);
                    float *row = z + (k + h + b) * m;
                    const float *yi = y + i * m;
                    for (size_t j = 0; j < m; j += 8)
                        _mm256_storeu_ps(row + j,
                                         _mm256_fmadd_ps(x, _mm256_loadu_ps(yi + j),
                                                         _mm256_loadu_ps(row + j)));
                }
            }
    }
}

/* Two rows of g and 8 of its columns at a time, their 4 sums in registers
 * over every row p (no store until the end); m a multiple of 4: a last
 * block of 4 columns on its own. */
AVX2FMA static void gram_avx2(const double *a, const double *b, size_t n,
                              size_t m, double *g)
{
    for (size_t i = 0; i < m; i += 2)
        for (size_t j = 0; j < m; j += 8) {
            int wide = m - j >= 8;
            __m256d s00 = _mm256_setzero_pd(), s01 = s00, s10 = s00, s11 = s00;
            for (size_t p = 0; p < n; p++) {
                const double *ar = a + p * m + i, *br = b + p * m + j;
                __m256d b0 = _mm256_loadu_pd(br);
                __m256d b1 = wide ? _mm256_loadu_pd(br + 4) : b0;
                __m256d x0 = _mm256_set1_pd(ar[0]);
                __m256d x1 = _mm256_set1_pd(ar[1]);
                s00 = _mm256_fmadd_pd(x0, b0, s00);
                s01 = _mm256_fmadd_pd(x0, b1, s01);
                s10 = _mm256_fmadd_pd(x1, b0, s10);
                s11 = _mm256_fmadd_pd(x1, b1, s11);
            }
            _mm256_storeu_pd(g + i * m + j, s00);
            _mm256_storeu_pd(g + (i + 1) * m + j, s10);
            if (wide) {
                _mm256_storeu_pd(g + i * m + j + 4, s01);
                _mm256_storeu_pd(g + (i + 1) * m + j + 4, s11);
            }
        }
}

AVX2FMA static void times_avx2(const double *a, size_t n, size_t kk,
                               size_t m, const double *r, double *out)
{
    for (size_t p = 0; p < n; p++) {
        const double *ar = a + p * kk;
        double *o = out + p * m;
        for (size_t j = 0; j < m; j += 16) { /* 16 columns in registers */
            size_t w = m - j < 16 ? m - j : 16; /* 4, 8, 12 or 16 */
            __m256d s0 = _mm256_setzero_pd(), s1 = s0, s2 = s0, s3 = s0;
            for (size_t k = 0; k < kk; k++) {
                __m256d v = _mm256_set1_pd(ar[k]);
                const double *rk = r + k * m + j;
                s0 = _mm256_fmadd_pd(v, _mm256_loadu_pd(rk), s0);
                if (w > 4)
                    s1 = _mm256_fmadd_pd(v, _mm256_loadu_pd(rk + 4), s1);
                if (w > 8)
                    s2 = _mm256_fmadd_pd(v, _mm256_loadu_pd(rk + 8), s2);
                if (w > 12)
                    s3 = _mm256_fmadd_pd(v, _mm256_loadu_pd(rk + 12), s3);
            }
            _mm256_storeu_pd(o + j, s0);
            if (w > 4)
                _mm256_storeu_pd(o + j + 4, s1);
            if (w > 8)
                _mm256_storeu_pd(o + j + 8, s2);
            if (w > 12)
                _mm256_storeu_pd(o + j + 12, s3);
        }
    }
}

_Static_assert(FMNI_PANEL == 16 && FMNI_TILE_ROWS == 6,
               "cov_tile_avx2 makes 6 rows of 16");

/* Twelve sums of 8 lanes in registers, each row's value broadcast. */
AVX2FMA static void cov_tile_avx2(const float *a, const float *b, size_t n,
                                  float *out)
{
    __m256 s00 = _mm256_setzero_ps(), s01 = s00, s10 = s00, s11 = s00,
           s20 = s00, s21 = s00, s30 = s00, s31 = s00, s40 = s00, s41 = s00,
           s50 = s00, s51 = s00;
    for (size_t i = 0; i < n; i++) {
        const float *ai = a + i * FMNI_TILE_ROWS, *bi = b + i * FMNI_PANEL;
        __m256 b0 = _mm256_loadu_ps(bi), b1 = _mm256_loadu_ps(bi + 8), x;
#define ROW(r, lo, hi)                                                   \
    x = _mm256_broadcast_ss(ai + (r));                                   \
    lo = _mm256_fmadd_ps(x, b0, lo);                                     \
    hi = _mm256_fmadd_ps(x, b1, hi)
        ROW(0, s00, s01);
        ROW(1, s10, s11);
        ROW(2, s20, s21);
        ROW(3, s30, s31);
        ROW(4, s40, s41);
        ROW(5, s50, s51);
#undef ROW
    }
    __m256 all[2 * FMNI_TILE_ROWS] = {s00, s01, s10, s11, s20, s21,
                                      s30, s31, s40, s41, s50, s51};
    for (size_t v = 0; v < 2 * FMNI_TILE_ROWS; v++)
        _mm256_storeu_ps(out + 8 * v, all[v]);
}

AVX2 static uint64_t ssd8_avx2(const uint8_t *a, const uint8_t *b, size_t n,
                               uint64_t limit)
{
    /* 32 pixels a step: |a - b| in bytes (two saturating subtractions),
     * widened to 16 bits and squared in pairs; after 8 steps (at most
     * 8 * 130050 in a 32-bit lane) the sum so far, and a look at the
     * limit */
    const __m256i zero = _mm256_setzero_si256();
    __m256i total = zero;
    size_t i = 0;
    while (n - i >= 2 * FMNI_CHUNK) {
        size_t steps = (n - i) / (2 * FMNI_CHUNK);
        if (steps > 8)
            steps = 8;
        __m256i acc0 = zero, acc1 = zero;
        for (size_t s = 0; s < steps; s++, i += 2 * FMNI_CHUNK) {
            __m256i x = _mm256_loadu_si256((const __m256i *)(a + i));
            __m256i y = _mm256_loadu_si256((const __m256i *)(b + i));
            __m256i d = _mm256_or_si256(_mm256_subs_epu8(x, y),
                                        _mm256_subs_epu8(y, x));
            __m256i lo = _mm256_unpacklo_epi8(d, zero);
            __m256i hi = _mm256_unpackhi_epi8(d, zero);
            acc0 = _mm256_add_epi32(acc0, _mm256_madd_epi16(lo, lo));
            acc1 = _mm256_add_epi32(acc1, _mm256_madd_epi16(hi, hi));
        }
        total = _mm256_add_epi64(total, widen(_mm256_add_epi32(acc0, acc1)));
        if (limit != UINT64_MAX) {
            uint64_t so_far = hsum64(total);
            if (so_far > limit)
                return so_far;
        }
    }
    if (n - i >= FMNI_CHUNK) { /* 16 more, as 28x28 images have */
        __m128i x = _mm_loadu_si128((const __m128i *)(a + i));
        __m128i y = _mm_loadu_si128((const __m128i *)(b + i));
        __m256i d = _mm256_cvtepu8_epi16(
            _mm_or_si128(_mm_subs_epu8(x, y), _mm_subs_epu8(y, x)));
        total = _mm256_add_epi64(total, widen(_mm256_madd_epi16(d, d)));
        i += FMNI_CHUNK;
    }
    return hsum64(total) + ssd8_c(a + i, b + i, n - i, UINT64_MAX);
}
#endif

fmni_ssd fmni_ssd_pick(fmni_isa isa)
{
    fmni_ssd f = {ssd16_c,   ssd16_many_c, ssd16_list_c, scan_sums_c,
                  nearest_c, scan_c,       keep_c,       project_c,
                  scatter_c, gram_c,       times_c,      cov_tile_c,
                  ssd8_c,    NULL};
#if FMNI_KNN_AVX2
    if (isa != FMNI_ISA_PORTABLE && __builtin_cpu_supports("avx2") &&
        __builtin_cpu_supports("fma")) {
        f.ssd16 = ssd16_avx2;
        f.ssd16_many = ssd16_many_avx2;
        f.ssd16_list = ssd16_list_avx2;
        f.scan_sums = scan_sums_avx2;
        f.nearest = nearest_avx2;
        f.scan = scan_avx2;
        f.keep = keep_avx2;
        f.project = project_avx2;
        f.scatter = scatter_avx2;
        f.gram = gram_avx2;
        f.times = times_avx2;
        f.cov_tile = cov_tile_avx2;
        f.ssd8 = ssd8_avx2;
        if (isa == FMNI_ISA_BEST)
            fmni_ssd_avx512(&f);
    }
#else
    (void)isa;
#endif
    return f;
}
