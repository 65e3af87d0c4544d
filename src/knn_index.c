/* knn_index.c - the nearest-neighbour search of images of 64 to 16384
 * pixels, through an index of the base set that lets a query skip most
 * base images without touching them.
 *
 * Every image gets m coordinates (16 to 64) on a basis Q close to the
 * principal directions, the strongest first (knn_basis.c):
 * |Q^T (x - y)| <= g |x - y|, g the basis's growth (1 and a rounding),
 * for the first 16 coordinates as for all m. The base images are
 * clustered by their first 16 coordinates (k-means on a sample, about
 * sqrt(n) / 2 clusters: fewer, larger windows cost less than more, smaller
 * ones); each keeps its distance r to its cluster's centre,
 * and a cluster's images are stored by r, ascending. For a query at
 * distance d from a centre, the triangle inequality gives
 * g |x - y| >= |d - r| - eta: only the images whose r lies within
 * g sqrt(T) + eta of d can come as near as T (the query's k-th best
 * distance so far), a window found by binary search. The images in it are
 * tried on the 16 coordinates (a group of 8 or two at a time), the few
 * left on all m (8 or 16 at a time), and those left measured exactly:
 * where the CPU has 8-bit dot products, as |q|^2 + |b|^2 - 2 q.b in
 * integers (each base image's |b|^2 and pixel sum kept with it), else
 * as a sum of squared differences given up as soon as it passes T.
 * Each bound on j coordinates also counts what lies off them: with P the
 * projection on the span of Q's first j columns, rho(x) = |x - P x| and
 * |(I - P)(x - y)| >= |rho(x) - rho(y)|, so the square of the gap between
 * two images' rho (each known as an interval, residuals()) adds to the
 * coordinates' squared distance, the sum still at most g^2 |x - y|^2.
 * The seeds come first: of the NEAR nearest clusters (1: a second costs
 * more than the seeds it adds save), the k + 15 images nearest on the 16
 * coordinates are measured, setting T near its final value; then those
 * clusters, nearest first, and the others. Queries are taken by their
 * nearest cluster, QUERY_CHUNK at a time (fewer as they run out), and a
 * chunk meets the clusters one after another, each one's images read once
 * for all of its queries: all of them scan a cluster's 16 coordinates
 * before any goes on to its further bounds and pixels.
 *
 * The floats' error budget. The coordinates are computed in float blocks
 * of at most B = FMNI_PROJECT_BLOCK products added in double
 * (fmni_ssd.project), from Q rounded to float: each is off from the exact
 * Q^T x by at most e = g |x| ((B + 3) 2^-24 + px 2^-53) (1.01), |x| at
 * most 255 sqrt(px). Two images' coordinates on j of them differ from the
 * exact ones' by at most eta_j = 2 e sqrt(j) in norm. A float sum L of j
 * squared differences is within (j + 3) 2^-24 of its value, relatively;
 * a pair is dropped when (sqrt(L) (1 - 2e-4) - eta_j) / g > sqrt(T), that
 * is when L > ((g sqrt(T) + eta_j) / (1 - 2e-4))^2, the relative slack
 * far above every rounding. The scan's sum of 16 may instead be
 * |q|^2 + |b|^2 - 2 q . b (half the operations), off by up to about ten
 * roundings of |q|^2 + |b|^2, which may be far more than the sum (near
 * copies): its norms are taken 2^-19 (32 roundings) short, and the sum is
 * then no more than its exact value. The centres are floats, r is computed in
 * double from the coordinates as stored (to which the triangle inequality
 * applies exactly), d from a float sum of 16 squares (within 2^-19 of it,
 * allowed for), both off by far less than the window's slack. An
 * interval of rho is made in double from |x|^2 (exact), the computed
 * coordinates (each off by at most e) and Q^T Q's distance from I
 * (delta), widened by far more than its rounding, and rounded outwards
 * to floats; the gap between two is a float difference, its rounding
 * inside the same relative slack as the coordinates' sum.
 * The answer is the plain loop's, bit for bit (tests/test_knn.c). */
#include "knn.h"

#include <math.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

enum {
    QUERY_CHUNK = 256,         /* queries a thread takes at a time, */
    QUERY_CHUNK_MIN = 32,      /* ... and at least, at the end */
    PROJECT_CHUNK = 128,       /* images a thread projects at a time */
    ASSIGN_CHUNK = 1024,       /* images a thread assigns at a time */
    PIECE = 1024,              /* a window's images tried at a time */
    MEASURE_AHEAD = 8,         /* images asked for ahead of their measure */
    DEFERRED = 32,             /* pieces' candidates a thread holds, in
                                  PIECE + 16s, while a chunk scans a
                                  cluster */
    PLACE_CHUNK = 4,           /* clusters a thread places at a time */
    NEAR = 1,                  /* clusters seeded from, and searched first */
    ROUNDS = 3,                /* k-means rounds, on a sample */
    SAMPLE_PER_CLUSTER = 32,   /* the sample's size per cluster */
    CLUSTERS_MAX = 4096,
    LEVELS_MAX = 2             /* the bounds: on FMNI_SCAN coordinates, then
                                  on all m where m is more */
};

/* A base image's |b|^2 and the sum of its pixels, for measures by dot8
 * (at most 16384 * 65025 and 16384 * 255). */
typedef struct pixel_sums {
    uint32_t norm2, sum;
} pixel_sums;

typedef struct knn_index {
    size_t m;           /* coordinates an image */
    size_t nc;          /* clusters */
    /* the base, in cluster order: */
    float *scan;        /* the first FMNI_SCAN coordinates, in groups of 8 */
    float *rest;        /* a row of `row` floats an image: its other
                           m - FMNI_SCAN coordinates, then its residual
                           interval on all m, a low and a high (read with
                           the coordinates: the same cache lines) */
    size_t row;
    float *scan_norm;   /* the squared norm of the first FMNI_SCAN
                           coordinates, shrunk (shrunk_norm()), one an
                           image, padded to whole groups of 8 */
    float *scan_res;    /* the residual intervals on the first FMNI_SCAN
                           (level 0), 16 floats a group of 8: lows, then
                           highs */
    pixel_sums *pix;    /* each image's, where measures take dot8 */
    double *radius;     /* the distance to the cluster's centre (on the
                           first FMNI_SCAN), ascending in each cluster */
    size_t *item;       /* the index in the base set */
    size_t *where;      /* against itself: each item's position */
    size_t *start;      /* cluster c: positions [start[c], start[c + 1]) */
    float *centre;      /* FMNI_SCAN coordinates each, in groups of 8 */
    size_t *order;      /* the queries, by their nearest cluster */
    size_t levels;      /* the bounds tried: the first on FMNI_SCAN
                           coordinates, the second (where m is more) on
                           upto[1] = m */
    size_t upto[LEVELS_MAX];
    float eta[LEVELS_MAX]; /* float errors in |Q^T (x - y)| on upto[l] */
    double growth;      /* |Q^T v| <= growth |v| (fmni_knn_basis) */
    double delta;       /* Q_j^T Q_j's eigenvalues lie within 1 +- delta */
    double error;       /* a coordinate of an image x is off by at most
                           error |x| */
    double slack;
} knn_index;

/* A piece's candidates that passed the scan, kept in the worker's
 * deferred arrays (from `at`) until every query of the chunk has scanned
 * the cluster. */
typedef struct deferred {
    struct query *u;
    size_t g0, at, n;
} deferred;

/* What one thread needs of its own. */
typedef struct worker {
    float *dist;                /* nc: squared distances to the centres */
    fmn_neighbor *seed;         /* a max-heap of the seeds */
    uint32_t cand[PIECE + 16];  /* a piece's candidates, from its group */
    size_t pos[PIECE + 16];     /* ... as positions, to measure */
    float sums[PIECE + 16];     /* ... their sums on the 16 coordinates */
    float *dists;               /* per query taken: its squared distances
                                   to the centres (nc of them), -1 for a
                                   cluster met */
    size_t have[QUERY_CHUNK];   /* ... and its neighbours found */
    uint32_t *dcand;            /* DEFERRED * (PIECE + 16) candidates */
    float *dsums;               /* ... and their sums */
    size_t dused;               /* ... in use */
    deferred *def;              /* the pieces they belong to (each takes
                                   n + 16 of the arrays: at most a
                                   sixteenth as many) */
    size_t ndef;
} worker;

/* One call: the index, the threads' work, and a shared counter. */
typedef struct job {
    const fmni_knn_call *c;
    knn_index x;
    worker *w;
    float *qf;          /* the basis as floats: px rows of m */
    float *coords;      /* the m coordinates of the base images, then of
                           the queries (unless they are the base), in
                           their order */
    float *res;         /* ... their residual intervals, LEVELS_MAX pairs
                           each */
    pixel_sums *pix;    /* ... and their |x|^2 and pixel sums (the sum
                           for the base images only), where measures take
                           dot8 */
    uint8_t *ones;      /* px pixels of 129: dot8 with them is the sum */
    uint8_t *zero;      /* px pixels of 0 */
    size_t *label;      /* ... and the nearest cluster of each */
    struct by_radius *by_radius; /* while the base is arranged */
    size_t nq, nb;
    size_t samples;     /* the base images k-means assigns */
    unsigned threads;   /* at most this many run a phase */
    atomic_size_t next;
} job;

/* One query as the search meets it. */
typedef struct query {
    size_t i;           /* its index */
    const float *q;     /* its m coordinates */
    const float *res;   /* ... its residual intervals, 2 a level */
    const uint8_t *image;
    fmn_neighbor *best; /* its row of k */
    size_t *have;       /* ... filled so far */
    uint64_t win_T;     /* the T win and lim were made for (UINT64_MAX -
                           1, which no T is, before the first) */
    double win;         /* the window's half-width for that T, less the
                           rounding of the distance to a centre */
    float lim[LEVELS_MAX]; /* ... and each level's limit (limit()) */
    uint64_t norm2;     /* |q|^2, where measures take dot8 */
    float qq;           /* its first FMNI_SCAN coordinates' squared norm,
                           shrunk (shrunk_norm()) */
} query;

/* ---- memory -------------------------------------------------------------- */

/* n items of `size` bytes (1 byte for none), or NULL; at the start of a
 * cache line, so that no vector load of the scan's groups spans two (from
 * malloc, 16 bytes past a line, every one of them did, and fmn_knn took
 * 2 to 6% longer), and freed by fmni_free_aligned. */
static void *array(size_t n, size_t size)
{
    return fmni_alloc_aligned(n, size);
}

/* Asks for the n bytes at p to be brought into the second-level cache. */
static void prefetch(const void *p, size_t n)
{
#if defined(__GNUC__) || defined(__clang__)
    for (size_t o = 0; o < n; o += 64)
        __builtin_prefetch((const char *)p + o, 0, 2);
#else
    (void)p;
    (void)n;
#endif
}

static void free_job(job *j, unsigned threads)
{
    knn_index *x = &j->x;
    for (unsigned t = 0; j->w && t < threads; t++) {
        fmni_free_aligned(j->w[t].dist);
        fmni_free_aligned(j->w[t].dists);
        fmni_free_aligned(j->w[t].seed);
        fmni_free_aligned(j->w[t].dcand);
        fmni_free_aligned(j->w[t].dsums);
        fmni_free_aligned(j->w[t].def);
    }
    fmni_free_aligned(j->w);
    fmni_free_aligned(j->qf);
    fmni_free_aligned(j->coords);
    fmni_free_aligned(j->res);
    fmni_free_aligned(j->pix);
    fmni_free_aligned(j->ones);
    fmni_free_aligned(x->pix);
    fmni_free_aligned(j->zero);
    fmni_free_aligned(x->scan_res);
    fmni_free_aligned(x->scan_norm);
    fmni_free_aligned(j->label);
    fmni_free_aligned(x->scan);
    fmni_free_aligned(x->rest);
    fmni_free_aligned(x->radius);
    fmni_free_aligned(x->item);
    fmni_free_aligned(x->where);
    fmni_free_aligned(x->start);
    fmni_free_aligned(x->centre);
    fmni_free_aligned(x->order);
}

/* Everything but the arranged base; 0 when memory ran out. */
static int allocate(job *j, unsigned threads)
{
    knn_index *x = &j->x;
    size_t groups = (x->nc + 7) / 8, ns = fmni_knn_seed_count(j->c->k);
    size_t firsts = j->nb + (j->c->self ? 0 : j->nq);
    j->coords = firsts >= j->nb && firsts <= SIZE_MAX / x->m
                    ? array(firsts * x->m, sizeof *j->coords)
                    : NULL;
    j->label = array(firsts, sizeof *j->label);
    x->item = array(j->nb, sizeof *x->item);
    x->where = j->c->self ? array(j->nb, sizeof *x->where) : NULL;
    x->start = array(x->nc + 1, sizeof *x->start);
    x->centre = array(groups, 8 * FMNI_SCAN * sizeof *x->centre);
    x->order = array(j->nq, sizeof *x->order);
    j->w = array(threads, sizeof *j->w);
    if (j->w)
        memset(j->w, 0, threads * sizeof *j->w);
    j->res = array(firsts, 2 * LEVELS_MAX * sizeof *j->res);
    if (j->c->ssd.dot8) {
        j->pix = array(firsts, sizeof *j->pix);
        j->ones = array(j->c->px, 1);
        if (j->ones)
            memset(j->ones, 129, j->c->px);
    }
    j->zero = array(j->c->px, 1);
    if (j->zero)
        memset(j->zero, 0, j->c->px);
    int ok = j->coords && j->res && j->zero && j->label && x->item &&
             (!j->c->ssd.dot8 || (j->pix && j->ones)) &&
             (x->where || !j->c->self) && x->start && x->centre && x->order &&
             j->w;
    for (unsigned t = 0; ok && t < threads; t++) {
        worker *w = &j->w[t];
        w->dist = array(groups * 8, sizeof *w->dist);
        w->dists = array(groups * 8, QUERY_CHUNK * sizeof *w->dists);
        w->seed = array(ns, sizeof *w->seed);
        w->dcand = array(DEFERRED * (PIECE + 16), sizeof *w->dcand);
        w->dsums = array(DEFERRED * (PIECE + 16), sizeof *w->dsums);
        w->def = array(DEFERRED * (PIECE + 16) / 16, sizeof *w->def);
        ok = w->dist && w->dists && w->seed && w->dcand && w->dsums &&
             w->def;
    }
    return ok;
}

static void run_phase(job *j, unsigned threads, void (*fn)(void *, unsigned))
{
    atomic_store(&j->next, 0);
    fmni_knn_parallel(threads, fn, j);
}

/* The next `chunk` of [0, total) for a thread: *first, returned as its
 * end, or 0 when all are taken. */
static size_t take(job *j, size_t chunk, size_t total, size_t *first)
{
    *first = atomic_fetch_add(&j->next, chunk);
    if (*first >= total)
        return 0;
    return total - *first > chunk ? *first + chunk : total;
}

/* The next queries for a thread: a share of those left that shrinks as
 * they run out (QUERY_CHUNK at most, QUERY_CHUNK_MIN at least), so that
 * the threads end close together. */
static size_t take_queries(job *j, unsigned threads, size_t *first)
{
    size_t at = atomic_load(&j->next), chunk;
    do {
        if (at >= j->nq)
            return 0;
        chunk = (j->nq - at) / (2 * (size_t)threads);
        chunk = chunk > QUERY_CHUNK       ? QUERY_CHUNK
                : chunk < QUERY_CHUNK_MIN ? QUERY_CHUNK_MIN
                                          : chunk;
    } while (!atomic_compare_exchange_weak(&j->next, &at, at + chunk));
    *first = at;
    return j->nq - at > chunk ? at + chunk : j->nq;
}

/* ---- coordinates --------------------------------------------------------- */

/* Q, m columns of the base's principal directions, as floats; the error
 * bounds that follow from them. 0 when memory ran out. */
static int make_basis(job *j)
{
    const fmni_knn_call *c = j->c;
    knn_index *x = &j->x;
    size_t m = x->m;
    double *q = array(c->px, m * sizeof *q);
    j->qf = array(c->px, m * sizeof *j->qf);
    double growth = 1;
    int ok = q && j->qf && fmni_knn_basis(c->b, m, &c->ssd, c->threads, q,
                                              &growth);
    for (size_t i = 0; ok && i < c->px * m; i++)
        j->qf[i] = (float)q[i];
    fmni_free_aligned(q);
    double px = (double)c->px, norm = 255 * sqrt(px);
    x->error = growth *
               ((FMNI_PROJECT_BLOCK + 3) * 0x1p-24 + px * 0x1p-53) * 1.01;
    double e = norm * x->error;
    x->growth = growth;
    /* growth^2 = 1 + the largest Gershgorin row sum of |Q^T Q - I|, which
     * bounds every leading block's too; its rounding, and more */
    x->delta = (growth * growth - 1) * (1 + 1e-6) + 1e-15;
    x->levels = m > FMNI_SCAN ? 2 : 1;
    x->upto[0] = FMNI_SCAN;
    x->upto[1] = m;
    for (size_t l = 0; l < LEVELS_MAX; l++)
        x->eta[l] = (float)(2 * e * sqrt((double)x->upto[l]) * 1.01 + 1e-6);
    x->slack = 1e-9 * (norm + 1);
    return ok;
}

/* d as a float no more than d (down) or no less (up). */
static float float_down(double d)
{
    float f = (float)d;
    return (double)f > d ? nextafterf(f, -INFINITY) : f;
}

static float float_up(double d)
{
    float f = (float)d;
    return (double)f < d ? nextafterf(f, INFINITY) : f;
}

/* The residual intervals of an image of squared norm x2 and coordinates
 * c, for each level l: where rho = |x - P x| lies, P the projection on the
 * span of Q's first upto[l] columns. |P x|^2 = c^T (Q^T Q)^-1 c for the
 * exact c, so it lies within |c|^2 / (1 +- delta); |c| within
 * eps = error |x| sqrt(upto) of the computed coordinates' norm s. For two
 * images x and y, |(I - P)(x - y)| >= |rho(x) - rho(y)|, at least the gap
 * between their intervals, and |Q^T v|^2 <= (1 + delta) |P v|^2: the
 * gap's square added to the squared distance on the coordinates is at
 * most growth^2 |x - y|^2, the same bound as the coordinates' alone. */
static void residuals(const knn_index *x, const float *c, uint64_t x2,
                      float *out)
{
    double n2 = (double)x2, nx = sqrt(n2), part[4] = {0, 0, 0, 0};
    double slack = 1e-9 * (n2 + 1); /* far above the roundings */
    size_t done = 0;
    for (size_t l = 0; l < x->levels; l++) {
        for (; done < x->upto[l]; done += 4) /* four sums: no add waits on
                                                the one before */
            for (size_t h = 0; h < 4; h++)
                part[h] += (double)c[done + h] * c[done + h];
        double S = (part[0] + part[1]) + (part[2] + part[3]);
        double s = sqrt(S), eps = x->error * nx * sqrt((double)done) * 1.01;
        double under = s > eps ? s - eps : 0;
        double lo2 = x->delta < 0.5 ? n2 - (s + eps) * (s + eps) /
                                                (1 - x->delta) - slack
                                    : 0;
        double hi2 = n2 - under * under / (1 + x->delta) + slack;
        out[2 * l] = lo2 > 0 ? float_down(sqrt(lo2) * (1 - 1e-12)) : 0;
        out[2 * l + 1] = float_up(sqrt(hi2 > 0 ? hi2 : 0) * (1 + 1e-12));
    }
    for (size_t l = x->levels; l < LEVELS_MAX; l++)
        out[2 * l] = out[2 * l + 1] = 0; /* never read */
}

/* The m coordinates of the base images [0, nb) and of the queries after
 * them (unless they are the base), a chunk at a time: one pass over each
 * image's pixels; then their residual intervals. */
static void project_main(void *arg, unsigned t)
{
    job *j = arg;
    const fmni_knn_call *c = j->c;
    size_t total = j->nb + (c->self ? 0 : j->nq), first, end, m = j->x.m;
    const uint8_t *images[FMNI_PROJECT_MANY];
    (void)t;
    while ((end = take(j, PROJECT_CHUNK, total, &first)) != 0)
        for (size_t i = first; i < end; i += FMNI_PROJECT_MANY) {
            size_t n = end - i < FMNI_PROJECT_MANY ? end - i : FMNI_PROJECT_MANY;
            for (size_t u = 0; u < n; u++)
                images[u] = i + u < j->nb
                                ? c->b.data + (i + u) * c->px
                                : c->q.data + (i + u - j->nb) * c->px;
            c->ssd.project(images, n, c->px, j->qf, m, 0, m,
                           j->coords + i * m, m);
            for (size_t u = 0; u < n; u++) {
                uint64_t x2 = c->ssd.ssd8(images[u], j->zero, c->px,
                                          UINT64_MAX);
                residuals(&j->x, j->coords + (i + u) * m, x2,
                          j->res + (i + u) * 2 * LEVELS_MAX);
                if (j->pix)
                    j->pix[i + u] = (pixel_sums){
                        (uint32_t)x2,
                        i + u < j->nb ? (uint32_t)c->ssd.dot8(
                                            j->ones, images[u], c->px)
                                      : 0};
            }
        }
}

/* Query i's m coordinates. */
static const float *query_coords(const job *j, size_t i)
{
    return j->coords + ((j->c->self ? 0 : j->nb) + i) * j->x.m;
}

/* ... and its residual intervals. */
static const float *query_res(const job *j, size_t i)
{
    return j->res + ((j->c->self ? 0 : j->nb) + i) * 2 * LEVELS_MAX;
}

/* ---- clusters ------------------------------------------------------------ */

static size_t cluster_count(size_t n)
{
    size_t c = (size_t)(sqrt((double)n) / 2 + 0.5);
    return c < 1 ? 1 : c > CLUSTERS_MAX ? CLUSTERS_MAX : c;
}

/* Centre k's coordinate c. */
static float *centre_at(const knn_index *x, size_t k, size_t c)
{
    return &x->centre[(k / 8) * 8 * FMNI_SCAN + 8 * c + k % 8];
}

/* The base image that is sample s of ns. */
static const float *sample_coords(const job *j, size_t s, size_t ns)
{
    return j->coords + (s * j->nb / ns) * j->x.m;
}

/* The nearest centre of every sample image (into j->label, free until
 * assign_main), a chunk at a time. */
static void sample_main(void *arg, unsigned t)
{
    job *j = arg;
    size_t ns = j->samples, first, end;
    while ((end = take(j, ASSIGN_CHUNK, ns, &first)) != 0)
        for (size_t s = first; s < end; s++)
            j->label[s] = j->c->ssd.nearest(sample_coords(j, s, ns),
                                            j->x.centre, j->x.nc,
                                            j->w[t].dist);
}

/* k-means on a sample of the base, from centres spread over it: ROUNDS
 * rounds of assigning each to its nearest centre (on up to `threads`
 * threads) and moving each centre to its images' mean. 0 when memory ran
 * out. */
static int cluster(job *j, unsigned threads)
{
    knn_index *x = &j->x;
    size_t nb = j->nb, nc = x->nc;
    size_t ns = nb < SAMPLE_PER_CLUSTER * nc ? nb : SAMPLE_PER_CLUSTER * nc;
    double *sum = array(nc, (FMNI_SCAN + 1) * sizeof *sum);
    if (!sum)
        return 0;
    j->samples = ns;
    memset(x->centre, 0, (nc + 7) / 8 * 8 * FMNI_SCAN * sizeof *x->centre);
    for (size_t k = 0; k < nc; k++)
        for (size_t c = 0; c < FMNI_SCAN; c++)
            *centre_at(x, k, c) = j->coords[(k * nb / nc) * x->m + c];
    for (int round = 0; round < ROUNDS; round++) {
        run_phase(j, threads, sample_main);
        memset(sum, 0, nc * (FMNI_SCAN + 1) * sizeof *sum);
        for (size_t s = 0; s < ns; s++) {
            const float *p = sample_coords(j, s, ns);
            double *to = sum + j->label[s] * (FMNI_SCAN + 1);
            for (size_t c = 0; c < FMNI_SCAN; c++)
                to[c] += p[c];
            to[FMNI_SCAN] += 1;
        }
        for (size_t k = 0; k < nc; k++) {
            const double *from = sum + k * (FMNI_SCAN + 1);
            for (size_t c = 0; from[FMNI_SCAN] > 0 && c < FMNI_SCAN; c++)
                *centre_at(x, k, c) = (float)(from[c] / from[FMNI_SCAN]);
        }
    }
    fmni_free_aligned(sum);
    return 1;
}

/* The nearest centre of every base image and query (j->label), a chunk
 * at a time. */
static void assign_main(void *arg, unsigned t)
{
    job *j = arg;
    size_t total = j->nb + (j->c->self ? 0 : j->nq), first, end;
    while ((end = take(j, ASSIGN_CHUNK, total, &first)) != 0)
        for (size_t i = first; i < end; i++)
            j->label[i] = j->c->ssd.nearest(j->coords + i * j->x.m,
                                            j->x.centre, j->x.nc,
                                            j->w[t].dist);
}

/* The distance from coordinates p to centre k, in double. */
static double centre_distance(const knn_index *x, const float *p, size_t k)
{
    double s = 0;
    for (size_t c = 0; c < FMNI_SCAN; c++) {
        double d = (double)p[c] - *centre_at(x, k, c);
        s += d * d;
    }
    return sqrt(s);
}

typedef struct by_radius {
    double r;
    size_t j;
} by_radius;

static int radius_order(const void *a, const void *b)
{
    const by_radius *p = a, *q = b;
    if (p->r != q->r)
        return p->r < q->r ? -1 : 1;
    return p->j < q->j ? -1 : p->j > q->j;
}

/* Counts each cluster's images (start[k + 1]) and places them, then puts
 * `n` indices of `label` in order of cluster, as `to`. */
static void by_cluster(const size_t *label, size_t n, size_t nc,
                       size_t *start, size_t *to)
{
    memset(start, 0, (nc + 1) * sizeof *start);
    for (size_t i = 0; i < n; i++)
        start[label[i] + 1]++;
    for (size_t k = 0; k < nc; k++)
        start[k + 1] += start[k];
    for (size_t i = 0; i < n; i++)
        to[start[label[i]]++] = i;
    for (size_t k = nc; k > 0; k--) /* the counts again */
        start[k] = start[k - 1];
    start[0] = 0;
}

/* The squared norm of the first FMNI_SCAN coordinates c, less 2^-19 of
 * it: the scan may take a sum of squared differences as |q|^2 + |b|^2 -
 * 2 q . b (fmni_ssd.scan), which its roundings (about ten of 2^-24 of
 * |q|^2 + |b|^2) would otherwise take above its value. */
static float shrunk_norm(const float *c)
{
    double s = 0;
    for (size_t i = 0; i < FMNI_SCAN; i++)
        s += (double)c[i] * c[i];
    return (float)(s * (1 - 0x1p-19));
}

/* Cluster k's images, by radius, into their positions with their
 * coordinates and intervals (r: the positions' work space). */
static void place_cluster(const job *j, size_t k, by_radius *r)
{
    const knn_index *x = &j->x;
    size_t s0 = x->start[k], s1 = x->start[k + 1], rest = x->m - FMNI_SCAN;
    size_t row = x->m * sizeof *j->coords;
    for (size_t p = s0; p < s1; p++) { /* the images lie all over the base:
                                          each asked for 8 ahead */
        if (p + 8 < s1)
            prefetch(j->coords + x->item[p + 8] * x->m, row);
        size_t i = x->item[p];
        r[p].j = i;
        r[p].r = centre_distance(x, j->coords + i * x->m, k);
    }
    qsort(r + s0, s1 - s0, sizeof *r, radius_order);
    for (size_t p = s0; p < s1; p++) {
        if (p + 8 < s1)
            prefetch(j->res + r[p + 8].j * 2 * LEVELS_MAX,
                     2 * LEVELS_MAX * sizeof *j->res);
        const float *from = j->coords + r[p].j * x->m;
        const float *res = j->res + r[p].j * 2 * LEVELS_MAX;
        float *to = x->rest + p * x->row;
        x->item[p] = r[p].j;
        x->radius[p] = r[p].r;
        if (x->where)
            x->where[r[p].j] = p;
        for (size_t c = 0; c < FMNI_SCAN; c++)
            x->scan[(p / 8) * 8 * FMNI_SCAN + 8 * c + p % 8] = from[c];
        memcpy(to, from + FMNI_SCAN, rest * sizeof *to);
        memcpy(to + rest, res + 2, (x->row - rest) * sizeof *to);
        x->scan_norm[p] = shrunk_norm(from);
        if (x->pix)
            x->pix[p] = j->pix[r[p].j];
        x->scan_res[(p / 8) * 16 + p % 8] = res[0];
        x->scan_res[(p / 8) * 16 + 8 + p % 8] = res[1];
    }
}

/* The clusters placed, a few at a time. */
static void place_main(void *arg, unsigned t)
{
    job *j = arg;
    size_t first, end;
    (void)t;
    while ((end = take(j, PLACE_CHUNK, j->x.nc, &first)) != 0)
        for (size_t k = first; k < end; k++)
            place_cluster(j, k, j->by_radius);
}

/* The base in cluster order, by radius in each, with its coordinates
 * there (on up to `threads` threads); the queries by cluster. 0 when
 * memory ran out. */
static int arrange(job *j, unsigned threads)
{
    knn_index *x = &j->x;
    size_t nb = j->nb, groups = (nb + 7) / 8;
    size_t *qstart = array(x->nc + 1, sizeof *qstart);
    j->by_radius = array(nb, sizeof *j->by_radius);
    x->scan = array(groups, 8 * FMNI_SCAN * sizeof *x->scan);
    x->radius = array(nb, sizeof *x->radius);
    x->row = x->m - FMNI_SCAN + 2 * (x->levels - 1);
    x->rest = array(nb, x->row * sizeof *x->rest);
    x->scan_res = array(groups, 16 * sizeof *x->scan_res);
    x->scan_norm = array(groups, 8 * sizeof *x->scan_norm);
    x->pix = j->pix ? array(nb, sizeof *x->pix) : NULL;
    int ok = j->by_radius && qstart && x->scan && x->radius && x->rest &&
             x->scan_res && x->scan_norm && (x->pix || !j->pix);
    if (ok) {
        by_cluster(j->label, nb, x->nc, x->start, x->item);
        /* a group's padding, beyond the last image, is read */
        memset(x->scan, 0, groups * 8 * FMNI_SCAN * sizeof *x->scan);
        memset(x->scan_res, 0, groups * 16 * sizeof *x->scan_res);
        memset(x->scan_norm, 0, groups * 8 * sizeof *x->scan_norm);
        run_phase(j, threads, place_main);
        by_cluster(j->label + (j->c->self ? 0 : nb), j->nq, x->nc, qstart,
                   x->order);
    }
    fmni_free_aligned(j->by_radius);
    j->by_radius = NULL;
    fmni_free_aligned(qstart);
    return ok;
}

/* ---- one query ----------------------------------------------------------- */

/* n images rounded up to whole groups of 8: the scan's padding, beyond
 * the last group's images, is there to read. */
static size_t groups_of(size_t n)
{
    return (n + 7) & ~(size_t)7;
}

static uint64_t threshold(const query *u, size_t k)
{
    return *u->have == k ? u->best[k - 1].distance2 : UINT64_MAX;
}

/* The largest float sum of squared coordinate differences (with eta, of
 * that many coordinates) that may still reach T. */
static float limit(uint64_t T, double growth, float eta)
{
    if (T == UINT64_MAX)
        return INFINITY;
    double l = (sqrt((double)T) * growth + eta) / (1 - 2e-4);
    return (float)(l * l);
}

/* The query's window and limits for its T, made again only when T fell. */
static void bounds(const knn_index *x, query *u, uint64_t T)
{
    if (T == u->win_T)
        return;
    u->win_T = T;
    u->win = T == UINT64_MAX
                 ? INFINITY
                 : (sqrt((double)T) * x->growth + x->eta[0]) / (1 - 2e-4) +
                       x->slack;
    for (size_t l = 0; l < x->levels; l++)
        u->lim[l] = limit(T, x->growth, x->eta[l]);
}

/* Measures base positions pos[0 .. n) against the query, keeping the
 * best: by dot8 where there is one, else by ssd8, given up once its sum
 * passes the query's T (dot8's whole sums took fmn_knn 6 to 8% less time
 * here all the same). The images are scattered over the base: the first
 * MEASURE_AHEAD are asked for at once, then each MEASURE_AHEAD ahead (a
 * list that has any holds about 40). */
static void measure(const job *j, const query *u, const size_t *pos, size_t n)
{
    const fmni_knn_call *c = j->c;
    const pixel_sums *pix = j->x.pix;
    for (size_t t = 0; t < n && t < MEASURE_AHEAD; t++)
        prefetch(c->b.data + j->x.item[pos[t]] * c->px, c->px);
    for (size_t t = 0; t < n; t++) {
        if (t + MEASURE_AHEAD < n)
            prefetch(c->b.data + j->x.item[pos[t + MEASURE_AHEAD]] * c->px,
                     c->px);
        size_t b = j->x.item[pos[t]];
        if (c->self && b == u->i) /* the query itself, which the bounds
                                     let through */
            continue;
        const uint8_t *image = c->b.data + b * c->px;
        uint64_t d;
        if (pix) { /* |q|^2 + |b|^2 - 2 q.b, all exact */
            const pixel_sums *s = &pix[pos[t]];
            int64_t qb = c->ssd.dot8(u->image, image, c->px) +
                         128 * (int64_t)s->sum;
            d = u->norm2 + s->norm2 - 2 * (uint64_t)qb;
        } else {
            d = c->ssd.ssd8(u->image, image, c->px, threshold(u, c->k));
        }
        fmni_knn_keep(u->best, c->k, u->have, d, b);
    }
}

/* The seeds: of the first clusters' images, the k + 15 nearest on the 16
 * coordinates, measured. */
static void seed(const job *j, worker *w, const query *u, const size_t *near,
                 size_t nnear)
{
    const knn_index *x = &j->x;
    const fmni_knn_call *c = j->c;
    size_t ns = fmni_knn_seed_count(c->k), m = 0;
    for (size_t t = 0; t < nnear; t++) {
        size_t s1 = x->start[near[t] + 1];
        for (size_t p0 = x->start[near[t]]; p0 < s1;) {
            size_t g0 = p0 & ~(size_t)7, end = s1 - g0 > PIECE ? g0 + PIECE : s1;
            c->ssd.scan_sums(u->q, x->scan + g0 * FMNI_SCAN, groups_of(end - g0),
                             w->sums);
            for (size_t p = p0; p < end; p++) {
                if (c->self && x->item[p] == u->i)
                    continue;
                uint32_t key;
                memcpy(&key, &w->sums[p - g0], sizeof key); /* orders as
                                                  the float does, >= 0 */
                if (m < ns || key < w->seed[0].distance2)
                    fmni_knn_seed(w->seed, ns, &m, key, p);
            }
            p0 = end;
        }
    }
    for (size_t t = 0; t < m; t++)
        w->pos[t] = w->seed[t].index;
    measure(j, u, w->pos, m);
}

/* The n candidates of a piece from position g0 that passed the scan (in
 * cand and sums, which hold n + 16): all m coordinates, then the pixels. */
static void finish_piece(const job *j, worker *w, query *u, size_t g0,
                         uint32_t *cand, const float *sums, size_t n)
{
    const knn_index *x = &j->x;
    const fmni_knn_call *c = j->c;
    if (x->levels > 1 && n > 0) {
        bounds(x, u, threshold(u, c->k));
        n = c->ssd.keep(u->q + FMNI_SCAN, u->res + 2, x->rest + g0 * x->row,
                        x->row, x->m - FMNI_SCAN, u->lim[1], cand, sums, n);
    }
    for (size_t t = 0; t < n; t++)
        w->pos[t] = g0 + cand[t];
    measure(j, u, w->pos, n);
}

/* The deferred pieces finished, in the order they were scanned. */
static void finish_deferred(const job *j, worker *w)
{
    for (size_t d = 0; d < w->ndef; d++) {
        const deferred *f = &w->def[d];
        finish_piece(j, w, f->u, f->g0, w->dcand + f->at, w->dsums + f->at,
                     f->n);
    }
    w->ndef = w->dused = 0;
}

/* Tries base positions [p0, end) of one window on the 16 coordinates,
 * then finishes them at once or (defer) with the chunk's other queries'
 * pieces of the cluster, after all of them have scanned it, so that the
 * further coordinates and the pixels do not push the cluster's first 16
 * out of the cache between two scans (fmn_knn 2 to 3% faster here, with
 * AVX-512 or AVX2, in alternating runs). */
static void try_piece(const job *j, worker *w, query *u, size_t p0,
                      size_t end, int defer)
{
    const knn_index *x = &j->x;
    const fmni_knn_call *c = j->c;
    bounds(x, u, threshold(u, c->k));
    size_t g0 = p0 & ~(size_t)7;
    uint32_t *cand = w->cand;
    float *sums = w->sums;
    if (defer) {
        if (w->dused + PIECE + 16 > DEFERRED * (PIECE + 16))
            finish_deferred(j, w);
        cand = w->dcand + w->dused;
        sums = w->dsums + w->dused;
    }
    size_t n = c->ssd.scan(u->q, u->qq, u->res, x->scan + g0 * FMNI_SCAN,
                           x->scan_norm + g0, x->scan_res + g0 * 2, p0 - g0,
                           end - g0, u->lim[0], cand, sums);
    if (!defer)
        finish_piece(j, w, u, g0, cand, sums, n);
    else if (n > 0) {
        w->def[w->ndef++] = (deferred){u, g0, w->dused, n};
        w->dused += n + 16;
    }
}

/* The first position of [lo, hi) whose radius is more than r (above: 1)
 * or at least r (above: 0). */
static size_t radius_search(const double *radius, size_t lo, size_t hi,
                            double r, int above)
{
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (above ? radius[mid] <= r : radius[mid] < r)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* The query against cluster k, at the squared distance d2 from its centre
 * (a float sum of 16 squares, within 2^-19 of its value): the images
 * whose radius may reach T. */
static void visit(const job *j, worker *w, query *u, size_t k, float d2,
                  int defer)
{
    const knn_index *x = &j->x;
    size_t s0 = x->start[k], s1 = x->start[k + 1];
    if (s0 == s1)
        return;
    bounds(x, u, threshold(u, j->c->k));
    /* the cluster left out when d - r > win + d 2^-19 for every r, or
     * r - d > win + d 2^-19: compared in squares first, without a root */
    double near = x->radius[s1 - 1] + u->win, far = x->radius[s0] - u->win;
    double dd = (double)d2;
    if (dd * (1 - 0x1p-19) * (1 - 0x1p-19) > near * near ||
        (far > 0 && far * far > dd * (1 + 0x1p-19) * (1 + 0x1p-19)))
        return;
    double d = sqrt(dd), win = u->win + d * 0x1p-19;
    size_t lo = radius_search(x->radius, s0, s1, d - win, 0);
    size_t hi = radius_search(x->radius, lo, s1, d + win, 1);
    while (lo < hi) {
        size_t g0 = lo & ~(size_t)7, end = hi - g0 > PIECE ? g0 + PIECE : hi;
        try_piece(j, w, u, lo, end, defer);
        lo = end;
    }
}

/* The nearest clusters that hold images, up to NEAR, nearest first, into
 * near, their squared distances in dist (nc of them) made -1: met.
 * Returns how many. */
static size_t nearest_clusters(const knn_index *x, float *dist, size_t *near,
                               float *near_d2)
{
    size_t n = 0;
    for (; n < NEAR; n++) {
        size_t best = SIZE_MAX;
        for (size_t k = 0; k < x->nc; k++)
            if (dist[k] >= 0 && x->start[k] < x->start[k + 1] &&
                (best == SIZE_MAX || dist[k] < dist[best]))
                best = k;
        if (best == SIZE_MAX)
            break;
        near[n] = best;
        near_d2[n] = dist[best];
        dist[best] = -1;
    }
    return n;
}

/* The query's start: its distances to the centres (dist), its seeds
 * measured, then its nearest clusters. */
static void start_query(const job *j, worker *w, query *u, float *dist)
{
    const knn_index *x = &j->x;
    size_t near[NEAR];
    float near_d2[NEAR];
    *u->have = 0;
    j->c->ssd.scan_sums(u->q, x->centre, x->nc, dist);
    size_t nnear = nearest_clusters(x, dist, near, near_d2);
    seed(j, w, u, near, nnear);
    for (size_t t = 0; t < nnear; t++)
        visit(j, w, u, near[t], near_d2[t], 0);
}

/* Queries order[first .. end): each one's start, then every other
 * cluster met by all of them in turn, its images read once for all. */
static void search_chunk(const job *j, worker *w, size_t first, size_t end)
{
    const fmni_knn_call *c = j->c;
    const size_t *order = j->x.order, nc = j->x.nc;
    query u[QUERY_CHUNK];
    for (size_t o = first; o < end; o++) {
        query *v = &u[o - first];
        v->i = order[o];
        v->q = query_coords(j, v->i);
        v->res = query_res(j, v->i);
        v->image = c->q.data + v->i * c->px;
        v->best = c->out + v->i * c->k;
        v->have = &w->have[o - first];
        v->win_T = UINT64_MAX - 1; /* no T yet: none is UINT64_MAX - 1 */
        v->qq = shrunk_norm(v->q);
        v->norm2 = j->pix ? j->pix[(c->self ? 0 : j->nb) + v->i].norm2 : 0;
        start_query(j, w, v, w->dists + (o - first) * nc);
    }
    for (size_t k = 0; k < nc; k++) {
        for (size_t o = first; o < end; o++) {
            float d2 = w->dists[(o - first) * nc + k];
            if (d2 >= 0)
                visit(j, w, &u[o - first], k, d2, 1);
        }
        finish_deferred(j, w);
    }
    for (size_t o = first; o < end; o++)
        fmni_knn_fill(u[o - first].best, c->k, w->have[o - first]);
}

static void search_main(void *arg, unsigned t)
{
    job *j = arg;
    size_t first, end;
    while ((end = take_queries(j, j->threads, &first)) != 0)
        search_chunk(j, &j->w[t], first, end);
}

/* ---- the call ------------------------------------------------------------ */

fmn_status fmni_knn_index(const fmni_knn_call *c, fmn_error *err)
{
    job j;
    memset(&j, 0, sizeof j);
    j.c = c;
    j.nq = c->q.count;
    j.nb = c->b.count;
    j.x.m = fmni_knn_coordinates(c->px);
    j.x.nc = cluster_count(j.nb);
    atomic_init(&j.next, 0);
    unsigned threads = c->threads ? c->threads : 1;
    j.threads = threads;
    int ok = allocate(&j, threads) && make_basis(&j);
    if (ok) {
        run_phase(&j, threads, project_main);
        ok = cluster(&j, threads);
    }
    if (ok) {
        run_phase(&j, threads, assign_main);
        ok = arrange(&j, threads);
    }
    if (ok) {
        run_phase(&j, threads, search_main);
    }
    free_job(&j, threads);
    if (!ok)
        return fmni_fail(err, FMN_ERR_NOMEM, "libfmnist", 0, 0,
                         "fmn_knn: out of memory for the index of %zu "
                         "images",
                         c->q.count + (c->self ? 0 : c->b.count));
    return FMN_OK;
}
