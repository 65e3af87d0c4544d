/* knn_basis.c - the directions in which images differ most (close to the
 * principal components of a sample, by subspace iteration), as an exactly
 * orthonormal basis, and each image's coordinates on it: the coarsest and
 * strongest of the nearest-neighbour search's lower bounds. For any
 * orthonormal basis Q, |Q^T x - Q^T y| <= |x - y|; how close Q is to the
 * principal components only decides how often the bound prunes, never
 * whether it holds. */
#include "knn.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

enum { SAMPLE_MAX = 512, ROUNDS = 3 };

/* A fixed pseudo-random value in [-1, 1) for (i, j): the start. */
static double start_value(size_t i, size_t j)
{
    uint64_t x = (uint64_t)i * 0x9E3779B97F4A7C15ull ^ (uint64_t)(j + 1) * 0xBF58476D1CE4E5B9ull;
    x ^= x >> 31;
    x *= 0x94D049BB133111EBull;
    x ^= x >> 29;
    return (double)(x >> 11) / 4503599627370496.0 - 1.0;
}

static double column_norm2(const double *q, size_t n, size_t m, size_t j)
{
    double s = 0;
    for (size_t p = 0; p < n; p++)
        s += q[p * m + j] * q[p * m + j];
    return s;
}

/* Makes the m columns of q (rows of m) orthonormal, twice over (modified
 * Gram-Schmidt, "twice is enough"). A column that (nearly) vanishes in it,
 * as when the sample has fewer directions than m, becomes 0: a zero
 * coordinate weakens the bound, never breaks it. */
static void orthonormalise(double *q, size_t n, size_t m)
{
    for (size_t j = 0; j < m; j++) {
        double before = column_norm2(q, n, m, j);
        for (int pass = 0; pass < 2; pass++)
            for (size_t c = 0; c < j; c++) {
                double dot = 0;
                for (size_t p = 0; p < n; p++)
                    dot += q[p * m + c] * q[p * m + j];
                for (size_t p = 0; p < n; p++)
                    q[p * m + j] -= dot * q[p * m + c];
            }
        double after = column_norm2(q, n, m, j);
        double scale = after > 1e-12 * before && after > 0 ? 1 / sqrt(after) : 0;
        for (size_t p = 0; p < n; p++)
            q[p * m + j] *= scale;
    }
}

/* The sample: up to SAMPLE_MAX images spread over the set, centred. */
static double *centred_sample(fmn_images im, size_t *ns)
{
    size_t px = im.height * im.width, n = im.count < SAMPLE_MAX ? im.count
                                                                 : SAMPLE_MAX;
    double *x = malloc((n ? n : 1) * px * sizeof *x);
    double *mean = calloc(px ? px : 1, sizeof *mean);
    if (!x || !mean) {
        free(x);
        free(mean);
        return NULL;
    }
    for (size_t s = 0; s < n; s++) {
        const uint8_t *p = im.data + (s * im.count / n) * px;
        for (size_t i = 0; i < px; i++) {
            x[s * px + i] = p[i];
            mean[i] += p[i];
        }
    }
    for (size_t s = 0; s < n; s++)
        for (size_t i = 0; i < px; i++)
            x[s * px + i] -= mean[i] / (double)n;
    free(mean);
    *ns = n;
    return x;
}

int fmni_knn_basis(fmn_images im, size_t m, double *q)
{
    size_t px = im.height * im.width, ns = 0;
    double *x = centred_sample(im, &ns);
    double *y = malloc((ns ? ns : 1) * m * sizeof *y);
    if (!x || !y) {
        free(x);
        free(y);
        return 0;
    }
    for (size_t p = 0; p < px; p++)
        for (size_t j = 0; j < m; j++)
            q[p * m + j] = start_value(p, j);
    orthonormalise(q, px, m);
    for (int round = 0; round < ROUNDS; round++) {
        /* q = X^T (X q): the sample's covariance applied, then made
         * orthonormal again */
        memset(y, 0, ns * m * sizeof *y);
        for (size_t s = 0; s < ns; s++)
            for (size_t p = 0; p < px; p++) {
                double v = x[s * px + p];
                for (size_t j = 0; j < m; j++)
                    y[s * m + j] += v * q[p * m + j];
            }
        memset(q, 0, px * m * sizeof *q);
        for (size_t s = 0; s < ns; s++)
            for (size_t p = 0; p < px; p++) {
                double v = x[s * px + p];
                for (size_t j = 0; j < m; j++)
                    q[p * m + j] += v * y[s * m + j];
            }
        orthonormalise(q, px, m);
    }
    free(x);
    free(y);
    return 1;
}

void fmni_knn_project(fmn_images im, const double *q, size_t m, float *out)
{
    size_t px = im.height * im.width;
    double acc[FMNI_BASIS_MAX];
    for (size_t i = 0; i < im.count; i++) {
        const uint8_t *p = im.data + i * px;
        memset(acc, 0, m * sizeof *acc);
        for (size_t k = 0; k < px; k++) {
            if (!p[k])
                continue;
            double v = p[k];
            for (size_t j = 0; j < m; j++)
                acc[j] += v * q[k * m + j];
        }
        for (size_t j = 0; j < m; j++)
            out[i * m + j] = (float)acc[j];
    }
}
