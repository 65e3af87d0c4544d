/* knn_basis.c - the directions in which images differ most: an
 * orthonormal basis close to the principal components of a sample, each
 * image's coordinates on it being the coarsest and strongest of the
 * nearest-neighbour search's lower bounds (knn_index.c).
 *
 * Subspace iteration: Q <- orth(X^T X Q), X the centred sample, the
 * orthonormalising in double (Cholesky QR). The products are in float:
 * for images of up to COVARIANCE_PX_MAX pixels, X^T X is made once (by
 * fmni_ssd's cov_tile, a block of the sample at a time) and each round
 * multiplies Q by it; for larger ones, where X^T X would not fit, each
 * round projects the sample (X Q) and scatters that back over each
 * image's pixels (X^T Y). A Rayleigh-Ritz step then
 * turns the columns to the principal directions of the subspace found,
 * the strongest first, so that the first 16 coordinates bound best.
 *
 * For an orthonormal Q, |Q^T x - Q^T y| <= |x - y|. Q is orthonormal to
 * rounding; how far it may be off is measured, not assumed: with G =
 * Q^T Q, |Q^T v|^2 <= (1 + delta) |v|^2, delta the largest row sum of
 * |G - I| (Gershgorin), and the search divides by that. How close Q is to
 * the principal components only decides how often the bound prunes,
 * never whether it holds. */
#include "knn.h"

#include <math.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

enum {
    SAMPLE_MAX = 2048, /* images of the sample, spread over the set */
    ROUNDS = 4,        /* rounds of subspace iteration */
    SWEEPS_MAX = 30,   /* Jacobi sweeps, far more than it takes */
    COVARIANCE_PX_MAX = 1024, /* images of at most this many pixels: the
                                 sample's covariance made once (15 MiB at
                                 most while it is made), each round a
                                 product with it */
    KC = 256           /* sample images added to the covariance at a time */
};

/* A fixed pseudo-random value in [-1, 1) for (i, j): the start. */
static double start_value(size_t i, size_t j)
{
    uint64_t x = (uint64_t)i * 0x9E3779B97F4A7C15ull ^
                 (uint64_t)(j + 1) * 0xBF58476D1CE4E5B9ull;
    x ^= x >> 31;
    x *= 0x94D049BB133111EBull;
    x ^= x >> 29;
    return (double)(x >> 11) / 4503599627370496.0 - 1.0;
}

/* Makes the m columns of z (n rows of m) orthonormal: z <- z R^-1, R^T R
 * = z^T z (Cholesky). A column that (nearly) lies in the span of those
 * before it, as when the sample has fewer directions than m, becomes 0:
 * a zero coordinate weakens the bound, never breaks it. g, r, s: m x m;
 * tmp: n rows of m. */
static void cholesky_qr(const fmni_ssd *ssd, double *z, size_t n, size_t m,
                        double *g, double *r, double *s, double *tmp)
{
    ssd->gram(z, z, n, m, g);
    memset(r, 0, m * m * sizeof *r);
    for (size_t j = 0; j < m; j++) {
        double d = g[j * m + j];
        for (size_t k = 0; k < j; k++)
            d -= r[k * m + j] * r[k * m + j];
        if (!(d > 1e-10 * g[j * m + j]) || !(d > 0))
            continue; /* dead: its row of r stays 0 */
        double rjj = sqrt(d);
        r[j * m + j] = rjj;
        for (size_t c = j + 1; c < m; c++) {
            double v = g[j * m + c];
            for (size_t k = 0; k < j; k++)
                v -= r[k * m + j] * r[k * m + c];
            r[j * m + c] = v / rjj;
        }
    }
    /* s = R^-1, row i the solution of q R = e_i (a dead column's q 0) */
    for (size_t i = 0; i < m; i++) {
        double *row = s + i * m;
        for (size_t j = 0; j < m; j++) {
            if (r[j * m + j] == 0) {
                row[j] = 0;
                continue;
            }
            double v = i == j;
            for (size_t k = i; k < j; k++)
                v -= row[k] * r[k * m + j];
            row[j] = v / r[j * m + j];
        }
        for (size_t j = 0; j < i; j++)
            row[j] = 0;
    }
    ssd->times(z, n, m, m, s, tmp);
    memcpy(z, tmp, n * m * sizeof *z);
}

/* The eigenvectors of the symmetric m x m matrix h (destroyed) into the
 * columns of v, by cyclic Jacobi rotations; their eigenvalues into e. */
static void jacobi(double *h, size_t m, double *v, double *e)
{
    memset(v, 0, m * m * sizeof *v);
    for (size_t i = 0; i < m; i++)
        v[i * m + i] = 1;
    for (int sweep = 0; sweep < SWEEPS_MAX; sweep++) {
        double off = 0, diag = 0;
        for (size_t i = 0; i < m; i++) {
            diag += h[i * m + i] * h[i * m + i];
            for (size_t j = i + 1; j < m; j++)
                off += h[i * m + j] * h[i * m + j];
        }
        if (off <= 1e-10 * diag || off == 0) /* each vector to about 1e-5:
                                                 far closer than it needs */
            break;
        for (size_t p = 0; p < m; p++)
            for (size_t q = p + 1; q < m; q++) {
                double apq = h[p * m + q];
                if (apq == 0)
                    continue;
                double theta = (h[q * m + q] - h[p * m + p]) / (2 * apq);
                double t = (theta >= 0 ? 1 : -1) /
                           (fabs(theta) + sqrt(theta * theta + 1));
                double c = 1 / sqrt(t * t + 1), s = t * c;
                for (size_t k = 0; k < m; k++) { /* columns p and q */
                    double hp = h[k * m + p], hq = h[k * m + q];
                    h[k * m + p] = c * hp - s * hq;
                    h[k * m + q] = s * hp + c * hq;
                }
                for (size_t k = 0; k < m; k++) { /* rows p and q */
                    double hp = h[p * m + k], hq = h[q * m + k];
                    h[p * m + k] = c * hp - s * hq;
                    h[q * m + k] = s * hp + c * hq;
                }
                for (size_t k = 0; k < m; k++) {
                    double vp = v[k * m + p], vq = v[k * m + q];
                    v[k * m + p] = c * vp - s * vq;
                    v[k * m + q] = s * vp + c * vq;
                }
            }
    }
    for (size_t i = 0; i < m; i++)
        e[i] = h[i * m + i];
}

/* What one call needs: the sample, and the work space. */
typedef struct basis_work {
    fmn_images im;
    size_t px, m, ns;
    const fmni_ssd *ssd;
    unsigned threads;
    double *mean;     /* px: the sample's mean image */
    float *fmean;     /* ... as floats */
    double *mq;       /* m: mean^T q */
    float *qf;        /* px x m: Q as floats */
    float *z;         /* threads of px x m: each thread's X^T Y */
    double *tmp;      /* px x m */
    double *small;    /* 5 of m x m: g, r, s, h, v; and e, m */
    const uint8_t **image; /* the sample's images */
    float *bp, *ap;   /* the centred sample packed (pack_main), while the
                         covariance is made */
    size_t k0;        /* ... the first image of the block being added */
    double *cov;      /* px x px: X^T X of the centred sample, its rows
                         from their first panel on, while it is made */
    float *cp;        /* ... all of it, in runs of rows (fold_main), or
                         NULL */
    float *qp;        /* a round's q, packed by panels */
    double *out;      /* ... and where the product goes */
    atomic_size_t next;
} basis_work;

static const uint8_t *sample_image(const basis_work *b, size_t s)
{
    return b->im.data + (s * b->im.count / b->ns) * b->px;
}

/* One thread's share of the sample, 64 images at a time, projected and
 * scattered FMNI_PROJECT_MANY at once: their centred coordinates (X q),
 * scattered back over their pixels into the thread's own X^T X q. */
static void sample_main(void *arg, unsigned t)
{
    basis_work *b = arg;
    size_t m = b->m;
    float *z = b->z + (size_t)t * b->px * m;
    float y[FMNI_PROJECT_MANY * FMNI_BASIS_MAX];
    const uint8_t *images[FMNI_PROJECT_MANY];
    for (;;) {
        size_t first = atomic_fetch_add(&b->next, 64);
        if (first >= b->ns)
            break;
        size_t end = b->ns - first > 64 ? first + 64 : b->ns;
        for (size_t s = first; s < end; s += FMNI_PROJECT_MANY) {
            size_t n = end - s < FMNI_PROJECT_MANY ? end - s
                                                   : FMNI_PROJECT_MANY;
            for (size_t i = 0; i < n; i++)
                images[i] = sample_image(b, s + i);
            b->ssd->project(images, n, b->px, b->qf, m, 0, m, y, m);
            for (size_t i = 0; i < n; i++)
                for (size_t j = 0; j < m; j++)
                    y[i * m + j] = (float)(y[i * m + j] - b->mq[j]);
            b->ssd->scatter(images, n, b->px, y, m, z);
        }
    }
}

/* The block of KC sample images from k0, centred, as floats packed twice
 * (0 past px): by panels of FMNI_PANEL pixels (bp) and by runs of
 * FMNI_TILE_ROWS (ap), as fmni_ssd's cov_tile takes them; a panel or a
 * run at a time. */
static void pack_main(void *arg, unsigned t)
{
    basis_work *b = arg;
    size_t px = b->px, k0 = b->k0, n = b->ns - k0 < KC ? b->ns - k0 : KC;
    size_t panels = (px + FMNI_PANEL - 1) / FMNI_PANEL;
    size_t runs = (px + FMNI_TILE_ROWS - 1) / FMNI_TILE_ROWS;
    const float *mean = b->fmean;
    const uint8_t *const *image = b->image + k0;
    (void)t;
    for (;;) {
        size_t task = atomic_fetch_add(&b->next, 1), w = FMNI_PANEL;
        if (task >= panels + runs)
            break;
        float *to = b->bp + task * n * FMNI_PANEL;
        if (task >= panels) {
            task -= panels;
            w = FMNI_TILE_ROWS;
            to = b->ap + task * n * FMNI_TILE_ROWS;
        }
        size_t p0 = task * w, have = px - p0 < w ? px - p0 : w;
        for (size_t s = 0; s < n; s++, to += w) {
            const uint8_t *img = image[s] + p0;
            for (size_t c = 0; c < have; c++)
                to[c] = (float)img[c] - mean[p0 + c];
            for (size_t c = have; c < w; c++)
                to[c] = 0;
        }
    }
}

/* The next run of FMNI_TILE_ROWS rows of the covariance for a thread:
 * its first row, *rows of them; px (and 0 rows) when all are taken. */
static size_t next_run(basis_work *b, size_t *rows)
{
    size_t p0 = atomic_fetch_add(&b->next, 1) * FMNI_TILE_ROWS;
    *rows = 0;
    if (p0 >= b->px)
        return b->px;
    *rows = b->px - p0 < FMNI_TILE_ROWS ? b->px - p0 : FMNI_TILE_ROWS;
    return p0;
}

/* A tile of cov_tile (its first rows and w columns) into the double
 * matrix at `to` (rows of `stride`), added to what is there or not. */
static void put_tile(const float *tile, size_t rows, size_t w, double *to,
                     size_t stride, int add)
{
    for (size_t r = 0; r < rows; r++)
        for (size_t j = 0; j < w; j++)
            to[r * stride + j] =
                (add ? to[r * stride + j] : 0) + tile[r * FMNI_PANEL + j];
}

/* One block of KC sample images (from b->k0) added to the covariance,
 * FMNI_TILE_ROWS rows at a time, each from its first row's panel on. */
static void cov_main(void *arg, unsigned t)
{
    basis_work *b = arg;
    size_t px = b->px, k0 = b->k0, n = b->ns - k0 < KC ? b->ns - k0 : KC;
    size_t panels = (px + FMNI_PANEL - 1) / FMNI_PANEL;
    const float *ap = b->ap, *bp = b->bp;
    double *cov = b->cov;
    float tile[FMNI_TILE_ROWS * FMNI_PANEL];
    (void)t;
    for (size_t p0, rows; (p0 = next_run(b, &rows)) < px;) {
        size_t R = p0 / FMNI_TILE_ROWS;
        for (size_t P = p0 / FMNI_PANEL; P < panels; P++) {
            size_t q0 = P * FMNI_PANEL;
            size_t w = px - q0 < FMNI_PANEL ? px - q0 : FMNI_PANEL;
            b->ssd->cov_tile(ap + R * n * FMNI_TILE_ROWS,
                             bp + P * n * FMNI_PANEL, n, tile);
            /* the first block's sums written, not added: a page of the
             * new array read before it is written would be mapped twice,
             * the second time with a flush of every thread's TLB */
            put_tile(tile, rows, w, cov + p0 * px + q0, px, k0 > 0);
        }
    }
}

/* The whole covariance as floats in runs of FMNI_TILE_ROWS rows (cp, as
 * cov_tile takes them), from the part cov_main made: the entries left of
 * a run's first panel are those of its columns in the rows above. */
static void fold_main(void *arg, unsigned t)
{
    basis_work *b = arg;
    size_t px = b->px;
    const double *cov = b->cov;
    float *cp = b->cp;
    (void)t;
    for (size_t p0, rows; (p0 = next_run(b, &rows)) < px;) {
        size_t left = p0 / FMNI_PANEL * FMNI_PANEL;
        float *run = cp + p0 * px;
        for (size_t i = 0; i < px; i++)
            for (size_t r = 0; r < FMNI_TILE_ROWS; r++) {
                size_t p = p0 + r;
                run[i * FMNI_TILE_ROWS + r] =
                    r >= rows  ? 0
                    : i < left ? (float)cov[i * px + p]
                               : (float)cov[p * px + i];
            }
    }
}

/* X^T X of the centred sample, made once (on every thread) when px is
 * small enough, KC images at a time (their panels stay in the second-level
 * cache); 0 when memory ran out. */
static int make_covariance(basis_work *b)
{
    size_t px = b->px, panels = (px + FMNI_PANEL - 1) / FMNI_PANEL;
    size_t runs = (px + FMNI_TILE_ROWS - 1) / FMNI_TILE_ROWS;
    b->bp = fmni_alloc_aligned(panels * KC * FMNI_PANEL, sizeof *b->bp);
    b->ap = fmni_alloc_aligned(runs * KC * FMNI_TILE_ROWS, sizeof *b->ap);
    b->cov = fmni_alloc_aligned(px * px, sizeof *b->cov);
    b->cp = fmni_alloc_aligned(runs * px * FMNI_TILE_ROWS, sizeof *b->cp);
    b->qp = fmni_alloc_aligned(px * b->m, sizeof *b->qp);
    b->image = fmni_alloc_aligned(b->ns, sizeof *b->image);
    if (!b->bp || !b->ap || !b->cov || !b->cp || !b->qp || !b->image)
        return 0;
    for (size_t s = 0; s < b->ns; s++)
        b->image[s] = sample_image(b, s);
    for (b->k0 = 0; b->k0 < b->ns; b->k0 += KC) {
        atomic_store(&b->next, 0);
        fmni_knn_parallel(b->threads, pack_main, b);
        atomic_store(&b->next, 0);
        fmni_knn_parallel(b->threads, cov_main, b);
    }
    atomic_store(&b->next, 0);
    fmni_knn_parallel(b->threads, fold_main, b);
    fmni_free_aligned(b->bp);
    fmni_free_aligned(b->ap);
    fmni_free_aligned(b->cov);
    b->bp = b->ap = NULL;
    b->cov = NULL;
    return 1;
}

/* q = the covariance times the round's q (qp), FMNI_TILE_ROWS rows at a
 * time. */
static void product_main(void *arg, unsigned t)
{
    basis_work *b = arg;
    size_t px = b->px, m = b->m;
    const float *cp = b->cp, *qp = b->qp;
    double *out = b->out;
    float tile[FMNI_TILE_ROWS * FMNI_PANEL];
    (void)t;
    for (size_t p0, rows; (p0 = next_run(b, &rows)) < px;) {
        size_t R = p0 / FMNI_TILE_ROWS;
        for (size_t P = 0; P < m / FMNI_PANEL; P++) {
            b->ssd->cov_tile(cp + R * px * FMNI_TILE_ROWS,
                             qp + P * px * FMNI_PANEL, px, tile);
            put_tile(tile, rows, FMNI_PANEL, out + p0 * m + P * FMNI_PANEL, m,
                     0);
        }
    }
}

/* q <- X^T X q for the centred sample X, q orthonormal (px x m, double):
 * by the covariance where it was made, else X q = X_raw q - 1 (mean^T q),
 * then X^T (X q) = X_raw^T (X q), the centred coordinates summing to 0
 * over the sample. */
static void covariance_times(basis_work *b, double *q)
{
    size_t px = b->px, m = b->m;
    if (b->cp) { /* by the covariance made once, q packed by panels */
        for (size_t i = 0; i < px; i++)
            for (size_t j = 0; j < m; j++)
                b->qp[(j / FMNI_PANEL * px + i) * FMNI_PANEL +
                      j % FMNI_PANEL] = (float)q[i * m + j];
        b->out = q;
        atomic_store(&b->next, 0);
        fmni_knn_parallel(b->threads, product_main, b);
        return;
    }
    for (size_t i = 0; i < px * m; i++)
        b->qf[i] = (float)q[i];
    memset(b->mq, 0, m * sizeof *b->mq);
    for (size_t p = 0; p < px; p++)
        for (size_t j = 0; j < m; j++)
            b->mq[j] += b->mean[p] * q[p * m + j];
    /* every thread's sums 0, so that one that does not start adds 0 */
    memset(b->z, 0, b->threads * px * m * sizeof *b->z);
    atomic_store(&b->next, 0);
    fmni_knn_parallel(b->threads, sample_main, b);
    for (size_t i = 0; i < px * m; i++) {
        double v = 0;
        for (unsigned t = 0; t < b->threads; t++)
            v += b->z[t * px * m + i];
        q[i] = v;
    }
}

/* Turns the columns of q (orthonormal, spanning the subspace found) to
 * the principal directions within it, the strongest first: the
 * eigenvectors of q^T (X^T X q). */
static void rayleigh_ritz(basis_work *b, double *q)
{
    size_t px = b->px, m = b->m;
    double *h = b->small + 3 * m * m, *v = h + m * m, *e = v + m * m;
    double *cq = b->tmp;
    memcpy(cq, q, px * m * sizeof *cq);
    covariance_times(b, cq);
    b->ssd->gram(q, cq, px, m, h);
    for (size_t i = 0; i < m; i++) /* symmetric, as rounding may not be */
        for (size_t j = i + 1; j < m; j++)
            h[i * m + j] = h[j * m + i] = (h[i * m + j] + h[j * m + i]) / 2;
    jacobi(h, m, v, e);
    /* v's columns by eigenvalue, largest first (a selection: m is small),
     * into h */
    for (size_t j = 0; j < m; j++) {
        size_t top = 0;
        for (size_t k = 1; k < m; k++)
            if (e[k] > e[top])
                top = k;
        for (size_t i = 0; i < m; i++)
            h[i * m + j] = v[i * m + top];
        e[top] = -INFINITY;
    }
    b->ssd->times(q, px, m, m, h, b->tmp);
    memcpy(q, b->tmp, px * m * sizeof *q);
}

/* The sample's mean image. */
static void sample_mean(basis_work *b)
{
    uint32_t *sum = (uint32_t *)b->tmp; /* px of them fit: m >= 1 doubles
                                           a pixel; ns * 255 fits too */
    memset(sum, 0, b->px * sizeof *sum);
    for (size_t s = 0; s < b->ns; s++) {
        const uint8_t *img = sample_image(b, s);
        for (size_t p = 0; p < b->px; p++)
            sum[p] += img[p];
    }
    for (size_t p = 0; p < b->px; p++) {
        b->mean[p] = sum[p] / (double)b->ns;
        b->fmean[p] = (float)b->mean[p];
    }
}

/* How much longer Q^T v may be than v, at most: sqrt(1 + delta), delta
 * the largest row sum of |Q^T Q - I|, plus the rounding of computing it
 * (px terms of at most 1 in size each: px 2^-52 an entry). */
static double measure_growth(const basis_work *b, const double *q,
                             double *g)
{
    size_t m = b->m;
    b->ssd->gram(q, q, b->px, m, g);
    double delta = 0;
    for (size_t i = 0; i < m; i++) {
        double row = 0;
        for (size_t j = 0; j < m; j++)
            row += fabs(g[i * m + j] - (i == j)) + (double)b->px * 0x1p-52;
        delta = row > delta ? row : delta;
    }
    return sqrt(1 + delta);
}

int fmni_knn_basis(fmn_images im, size_t m, const fmni_ssd *ssd,
                   unsigned threads, double *q, double *growth)
{
    basis_work b;
    memset(&b, 0, sizeof b);
    b.im = im;
    b.px = im.height * im.width;
    b.m = m;
    b.ns = im.count < SAMPLE_MAX ? im.count : SAMPLE_MAX;
    b.ssd = ssd;
    b.threads = threads ? threads : 1;
    size_t px = b.px;
    atomic_init(&b.next, 0);
    int small_px = px <= COVARIANCE_PX_MAX;
    b.mean = fmni_alloc_aligned(px, sizeof *b.mean);
    b.fmean = fmni_alloc_aligned(px, sizeof *b.fmean);
    b.tmp = fmni_alloc_aligned(px * m, sizeof *b.tmp);
    b.small = fmni_alloc_aligned(5 * m * m + m, sizeof *b.small);
    if (!small_px) { /* the sample's product each round */
        b.mq = fmni_alloc_aligned(m, sizeof *b.mq);
        b.qf = fmni_alloc_aligned(px * m, sizeof *b.qf);
        b.z = px * m <= SIZE_MAX / sizeof *b.z / b.threads
                  ? fmni_alloc_aligned(b.threads * px * m, sizeof *b.z)
                  : NULL;
    }
    int ok = b.mean && b.fmean && b.tmp && b.small &&
             (small_px || (b.mq && b.qf && b.z));
    if (ok) {
        double *g = b.small, *r = g + m * m, *s = r + m * m;
        for (size_t p = 0; p < px; p++)
            for (size_t j = 0; j < m; j++)
                q[p * m + j] = start_value(p, j);
        cholesky_qr(ssd, q, px, m, g, r, s, b.tmp);
        if (b.ns > 0) {
            sample_mean(&b);
            ok = !small_px || make_covariance(&b);
        }
        if (ok && b.ns > 0) {
            for (int round = 0; round < ROUNDS; round++) {
                covariance_times(&b, q);
                cholesky_qr(ssd, q, px, m, g, r, s, b.tmp);
            }
            cholesky_qr(ssd, q, px, m, g, r, s, b.tmp); /* twice:
                                              orthonormal to rounding */
            rayleigh_ritz(&b, q);
        }
        if (ok)
            *growth = measure_growth(&b, q, g);
    }
    fmni_free_aligned(b.mean);
    fmni_free_aligned(b.fmean);
    fmni_free_aligned(b.mq);
    fmni_free_aligned(b.qf);
    fmni_free_aligned(b.z);
    fmni_free_aligned(b.tmp);
    fmni_free_aligned(b.small);
    fmni_free_aligned(b.bp);
    fmni_free_aligned(b.ap);
    fmni_free_aligned(b.cov);
    fmni_free_aligned(b.cp);
    fmni_free_aligned(b.qp);
    fmni_free_aligned(b.image);
    return ok;
}
