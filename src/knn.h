/* knn.h - the nearest-neighbour search's parts inside the library: the
 * sums of squared differences (knn_ssd.c) that knn.c runs. */
#ifndef FMNIST_KNN_H
#define FMNIST_KNN_H

#include "internal.h"

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define FMNI_KNN_AVX2 1
#else
#define FMNI_KNN_AVX2 0
#endif

/* The int16 values compared in one step; sketches are padded to it. The
 * coordinates on the basis (knn_basis.c): 16 floats an image. */
enum { FMNI_CHUNK = 16, FMNI_BASIS_MAX = 16 };

typedef enum fmni_isa {
    FMNI_ISA_BEST = 0,    /* AVX2 where the CPU has it, else portable C */
    FMNI_ISA_PORTABLE = 1 /* portable C (the tests compare the two) */
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
    /* Coordinates on the basis: q one image's 16 in order, b those of
     * count images in groups of 8 (coordinate c of image 8 g + l at
     * b[128 g + 8 c + l]). basis_low: out[j], the sum of the squared
     * differences of the first 4 coordinates (to choose seeds by);
     * basis_scan: writes to cand the images j whose sum over all 16 is at
     * most limit, in order, and returns how many; cand holds count + 8 */
    void (*basis_low)(const float *q, const float *b, size_t count,
                      float *out);
    size_t (*basis_scan)(const float *q, const float *b, size_t count,
                         float limit, uint32_t *cand);
    /* sum over n pixels of (a[i] - b[i])^2 */
    uint64_t (*ssd8)(const uint8_t *a, const uint8_t *b, size_t n);
} fmni_ssd;

/* The functions for `isa` on this CPU. */
fmni_ssd fmni_ssd_pick(fmni_isa isa);

/* Chunks a 32-bit lane sums when no difference exceeds max_diff. */
size_t fmni_ssd_flush(uint64_t max_diff);

/* An orthonormal basis of m columns (q: px rows of m doubles), close to
 * the principal directions of a sample of `im`; 0 when memory ran out. */
int fmni_knn_basis(fmn_images im, size_t m, double *q);

/* Each image's m coordinates on basis q, as floats: out[i * m + j]. */
void fmni_knn_project(fmn_images im, const double *q, size_t m, float *out);

/* fmn_knn with the functions of `isa`. */
fmn_status fmni_knn(fmn_images queries, const fmn_images *base,
                    const fmn_knn_options *opt, fmn_neighbor *out,
                    size_t out_len, fmn_error *err, fmni_isa isa);

#endif
