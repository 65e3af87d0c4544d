/* knn.h - the nearest-neighbour search's parts inside the library: the
 * sums of squared differences and projections (knn_ssd.c), the basis
 * (knn_basis.c), the two searches (knn_index.c for images of 64 to 16384
 * pixels, knn_sketch.c for the others) and what they share (knn.c). */
#ifndef FMNIST_KNN_H
#define FMNIST_KNN_H

#include "internal.h"

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define FMNI_KNN_AVX2 1
#else
#define FMNI_KNN_AVX2 0
#endif

/* AVX-512 kernels (knn_avx512.c), not on Windows: there GCC does not align
 * the stack to 64 bytes for the registers it spills. */
#if FMNI_KNN_AVX2 && !defined(_WIN32)
#define FMNI_KNN_AVX512 1
#else
#define FMNI_KNN_AVX512 0
#endif

/* FMNI_CHUNK: the int16 values compared in one step; sketches are padded
 * to it. FMNI_SCAN: the coordinates on the basis of the first bound, kept
 * in groups of 8 images (coordinate c of image 8 g + l at
 * [128 g + 8 c + l]). FMNI_BASIS_MAX: the most coordinates an image has
 * (a multiple of FMNI_SCAN). FMNI_PROJECT_BLOCK: the most products a
 * projection adds in float before it adds them to a double (the error
 * budget of knn_index.c rests on it). FMNI_PROJECT_MANY: the most images
 * projected or scattered in one call. FMNI_TILE_ROWS x FMNI_PANEL: the
 * block of a product cov_tile makes. */
enum {
    FMNI_CHUNK = 16,
    FMNI_SCAN = 16,
    FMNI_BASIS_MAX = 64,
    FMNI_PROJECT_BLOCK = 64,
    FMNI_PROJECT_MANY = 16,
    FMNI_PANEL = 16,
    FMNI_TILE_ROWS = 6,
    FMNI_DOT8_MAX = 65536
};

typedef enum fmni_isa {
    FMNI_ISA_BEST = 0,     /* AVX-512 where the CPU has it, else AVX2 and
                              FMA where it has them, else portable C */
    FMNI_ISA_PORTABLE = 1, /* portable C (the tests compare all three) */
    FMNI_ISA_AVX2 = 2      /* AVX2 and FMA where the CPU has them, not
                              AVX-512 */
} fmni_isa;

typedef struct fmni_ssd {
    /* sum over chunks * FMNI_CHUNK values of (a[i] - b[i])^2, each
     * |a[i] - b[i]| small enough that `flush` chunks fit a 32-bit lane */
    uint64_t (*ssd16)(const int16_t *a, const int16_t *b, size_t chunks,
                      size_t flush);
    /* out[j] = ssd16(q, b + j * chunks * FMNI_CHUNK, chunks, flush) for j
     * below count, UINT32_MAX - 1 where it is that or more */
    void (*ssd16_many)(const int16_t *q, const int16_t *b, size_t count,
                       size_t chunks, size_t flush, uint32_t *out);
    /* out[t] = ssd16(q, b + idx[t] * chunks * FMNI_CHUNK, chunks, flush)
     * for t below count */
    void (*ssd16_list)(const int16_t *q, const int16_t *b,
                       const uint32_t *idx, size_t count, size_t chunks,
                       size_t flush, uint64_t *out);
    /* Coordinates in groups of 8 (FMNI_SCAN of them): q one image's in
     * order, b those of count images from a group's start. scan_sums:
     * out[j], the float sum of the squared differences for image j;
     * nearest: the same, and returns the j of the least (the first of
     * equals); scan: of the images [skip, count) (skip below 8), writes
     * to cand those j whose sum, with the square of their residual gap
     * added, is at most limit, in order, their sums (without it) to sums,
     * and returns how many; cand and sums hold count + 16. Its sums are
     * the float sums of the squares, or (AVX2, AVX-512: half the
     * operations) qq + norm[j] - 2 q . b_j, where qq (q's) and norm[j]
     * (one an image, from the group's start) are the squared norms less
     * 2^-19 of them: no more than the exact sum. The residual gap:
     * qres[0 .. 2) is the query's interval, res those of the images, 16
     * floats a group of 8 (its lows, then its highs), and the gap is how
     * far the two intervals lie apart, 0 where they meet */
    void (*scan_sums)(const float *q, const float *b, size_t count,
                      float *out);
    size_t (*nearest)(const float *q, const float *b, size_t count,
                      float *out);
    size_t (*scan)(const float *q, float qq, const float *qres,
                   const float *b, const float *norm, const float *res,
                   size_t skip, size_t count, float limit, uint32_t *cand,
                   float *sums);
    /* The next bound of the scan's candidates cand[0 .. n), sums[t] the
     * scan's sum of cand[t]: image j's row, at b + j * stride, holds its
     * `width` further coordinates (a multiple of 16), then its residual
     * interval (a low and a high) on all of them. Keeps at
     * the front of cand, in order, the candidates whose sum, with the
     * squared differences of their coordinates and q's `width` and the
     * square of their residual gap to qres's interval added, is at most
     * limit; returns how many. cand and sums hold n + 16 (a step reads
     * 16) */
    size_t (*keep)(const float *q, const float *qres, const float *b,
                   size_t stride, size_t width, float limit, uint32_t *cand,
                   const float *sums, size_t n);
    /* The coordinates [from, to) (a multiple of FMNI_SCAN of them) of
     * `count` images (at most FMNI_PROJECT_MANY) on the basis qf (px rows
     * of stride floats), image i's into out[i * out_stride ..
     * i * out_stride + to - from): the products added in float, at most
     * FMNI_PROJECT_BLOCK into one sum, those sums in double, the result
     * rounded to float */
    void (*project)(const uint8_t *const *images, size_t count, size_t px,
                    const float *qf, size_t stride, size_t from, size_t to,
                    float *out, size_t out_stride);
    /* z[p * m .. p * m + m) += images[i][p] * y[i * m .. i * m + m) for
     * every image i below count (at most FMNI_PROJECT_MANY) and pixel p
     * that is not 0 (float) */
    void (*scatter)(const uint8_t *const *images, size_t count, size_t px,
                    const float *y, size_t m, float *z);
    /* Double matrices of m columns (a multiple of 4), row by row. gram:
     * g (m x m) = a^T b for a and b of n rows; times: out (n rows of m)
     * = a (n rows of k) times r (k rows of m), out not a */
    void (*gram)(const double *a, const double *b, size_t n, size_t m,
                 double *g);
    void (*times)(const double *a, size_t n, size_t k, size_t m,
                  const double *r, double *out);
    /* out (FMNI_TILE_ROWS rows of FMNI_PANEL) = a^T b for a of n rows of
     * FMNI_TILE_ROWS floats and b of n rows of FMNI_PANEL: float sums */
    void (*cov_tile)(const float *a, const float *b, size_t n, float *out);
    /* sum over n pixels of (a[i] - b[i])^2 where it is at most limit;
     * else a sum of some of them that exceeds limit */
    uint64_t (*ssd8)(const uint8_t *a, const uint8_t *b, size_t n,
                     uint64_t limit);
    /* sum over n pixels (at most FMNI_DOT8_MAX) of (q[i] - 128) * b[i],
     * exact: with |q|^2, |b|^2 and the sum of b's pixels known, |q - b|^2
     * = |q|^2 + |b|^2 - 2 (dot8 + 128 sum b). NULL where the CPU has no
     * 8-bit dot products (AVX-512 VNNI); measures then take ssd8 */
    int64_t (*dot8)(const uint8_t *q, const uint8_t *b, size_t n);
} fmni_ssd;

/* The residual bound of a pair: how far apart the intervals [qlo, qhi]
 * and [lo, hi] lie, 0 where they meet. */
static inline float fmni_residual_gap(float qlo, float qhi, float lo,
                                      float hi)
{
    float a = qlo - hi, b = lo - qhi;
    float g = a > b ? a : b;
    return g > 0 ? g : 0;
}

/* Asks for the row of a candidate that fmni_ssd.keep tries (its `width`
 * coordinates, then its residual interval) to be brought into the
 * first-level cache, while others are summed. */
static inline void fmni_prefetch_row(const float *row, size_t width)
{
#if defined(__GNUC__) || defined(__clang__)
    for (size_t c = 0; c < width; c += 16)
        __builtin_prefetch(row + c, 0, 3);
    __builtin_prefetch(row + width + 1, 0, 3);
#else
    (void)row;
    (void)width;
#endif
}

/* Each pixel value as a float (knn_ssd.c), for the projections to load
 * where a conversion would wait on its register's last value. */
extern const float fmni_pixel_value[256];

/* The functions for `isa` on this CPU. */
fmni_ssd fmni_ssd_pick(fmni_isa isa);

/* Puts the AVX-512 functions into f and returns 1 where the CPU has
 * AVX-512 F, BW, VL and DQ (and this build the kernels); else 0. */
int fmni_ssd_avx512(fmni_ssd *f);

/* Chunks a 32-bit lane sums when no difference exceeds max_diff. */
size_t fmni_ssd_flush(uint64_t max_diff);

/* A basis of m columns (q: px rows of m doubles), orthonormal to
 * rounding and close to the principal directions of
 * a sample of `im`, the strongest first, made on up to `threads` threads;
 * *growth receives how much longer Q^T v may be than v (1 and a little):
 * |Q^T v| <= *growth |v| for every v. 0 when memory ran out. */
int fmni_knn_basis(fmn_images im, size_t m, const fmni_ssd *ssd,
                   unsigned threads, double *q, double *growth);

/* ---- what the searches share (knn.c) ------------------------------------ */

/* One call's search, as both searches see it. */
typedef struct fmni_knn_call {
    fmn_images q, b;    /* b is q when the set is searched against itself */
    int self;           /* ... and then each query's own index is left out */
    size_t k, px;
    unsigned threads;   /* at most this many, the calling thread among them */
    fmni_ssd ssd;
    fmn_neighbor *out;  /* k a query, as fmn_knn's */
} fmni_knn_call;

/* Runs fn(ctx, t) for t below `threads` at once: t = 0 on the calling
 * thread, the others on threads of their own; returns when all are done.
 * A thread that cannot be started does not run: fn must share its work
 * out (an atomic counter), so that those that run do all of it. */
void fmni_knn_parallel(unsigned threads, void (*fn)(void *ctx, unsigned t),
                       void *ctx);

/* Puts (d, j) into best[0 .. k), kept sorted by distance then index,
 * *have of them filled; nothing when j is there already. */
void fmni_knn_keep(fmn_neighbor *best, size_t k, size_t *have, uint64_t d,
                   size_t j);

/* The seeds: the k items of the smallest keys (ties: any), kept as a
 * max-heap in seed[0 .. *m). */
void fmni_knn_seed(fmn_neighbor *seed, size_t k, size_t *m, uint64_t key,
                   size_t j);

/* Seeds measured first for a query of k neighbours: more than k, for a
 * threshold near the final one from the start. */
size_t fmni_knn_seed_count(size_t k);

/* The rows of queries whose search found fewer than k: the rest of each
 * FMN_NO_NEIGHBOR. */
void fmni_knn_fill(fmn_neighbor *row, size_t k, size_t have);

/* The searches: FMN_OK, or FMN_ERR_NOMEM with err set. */
fmn_status fmni_knn_index(const fmni_knn_call *c, fmn_error *err);
fmn_status fmni_knn_sketch(const fmni_knn_call *c, fmn_error *err);

/* Whether images of px pixels are searched by the index (a basis of
 * 16 or more coordinates: 64 to 16384 pixels), and with how many
 * coordinates (16 a 64 pixels, up to FMNI_BASIS_MAX); 0: by the sketches. */
size_t fmni_knn_coordinates(size_t px);

/* fmn_knn with the functions of `isa`. */
fmn_status fmni_knn(fmn_images queries, const fmn_images *base,
                    const fmn_knn_options *opt, fmn_neighbor *out,
                    size_t out_len, fmn_error *err, fmni_isa isa);

#endif
