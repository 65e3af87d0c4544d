/* knn.c - exact k nearest neighbours of uint8 images by squared L2
 * distance: exact integers, ties to the lower index, on every core.
 *
 * Every query meets every base item, but most meetings end early on a
 * lower bound. Over a block of n pixels, Cauchy-Schwarz gives
 *     sum (x_p - y_p)^2 >= (sum x_p - sum y_p)^2 / n,
 * so with each image summed over blocks of at most n pixels (a sketch),
 * n * d >= S, S the sum of squared differences of the two sketches. A
 * pair is given up when S > n * T, T the query's k-th best distance so
 * far: it cannot come nearer than that (equal is kept: a tie may win on
 * its index). Sketches of blocks 7x7, 4x4 and 2x2 (16, 49 and 196 values
 * for 28x28) are tried in turn and the pixels decide.
 *
 * Images of 64 to 16384 pixels start with a stronger bound: their 16
 * coordinates on an orthonormal basis close to the principal directions
 * (knn_basis.c), |Q^T (x - y)| <= |x - y|, which on Fashion-MNIST lets
 * 3.7% of the pairs through where the 7x7 blocks let 10% (the 7x7 and 4x4
 * sketches are then left out). The coordinates are computed in double and
 * kept as floats: each is off by at most e = (its image's norm, at most
 * 255 sqrt(pixels)) times 2^-24 and a little, so a difference of two by
 * 2e and its own rounding. With L the float sum of the 16 squared
 * differences, |Q^T (x - y)| >= sqrt(L) (1 - 6e-7) - eta, eta = 2 sqrt(16)
 * e with a margin; a pair is dropped when sqrt(L) (1 - 2e-4) - eta >
 * sqrt(T), that is L > ((sqrt(T) + eta) / (1 - 2e-4))^2, the slack far
 * above every rounding (first_cut). Seeds come first: the k + 15 base
 * images of the smallest sums over the first 4 coordinates (else of the
 * coarsest sketch) are measured, setting T near its final value; then
 * every base image is tried against T as it falls: 64 queries at a time
 * over 256 base images at a time, the block's coordinates scanned for all
 * of them at once, then the finer sketches and pixels of the few left,
 * still in the cache.
 * The answer is the plain loop's, bit for bit (tests/test_knn.c).
 */
#include "knn.h"

#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

enum {
    LEVELS_MAX = 3,
    QUERY_CHUNK = 64,  /* queries a thread takes at a time */
    SEEDS_EXTRA = 15,  /* seeds beyond k (seed_count) */
    BASIS_PIXELS_MAX = 16384, /* larger images: the block sums only (the
                                 basis costs pixels x 16^2 a round) */
    BASE_BLOCK = 256,  /* base items tried by each of them in turn: their
                          sketches and pixels, 350 KB for 28x28 */
    THREADS_MAX = 64
};

/* One sketch: the images summed over blocks of bh x bw pixels. */
typedef struct level {
    size_t bh, bw;   /* block */
    size_t gh, gw;   /* blocks down and across */
    size_t chunks;   /* int16 per image: chunks * FMNI_CHUNK */
    uint64_t n;      /* pixels of the largest block: the bound's divisor */
    size_t flush;    /* for fmni_ssd.ssd16 */
    int16_t *q, *b;  /* sketches of the queries and the base (b == q when
                        the set is searched against itself) */
} level;

typedef struct search {
    fmn_images q, b;
    int self;           /* base is the queries, each one's own index out */
    size_t k, px;
    int basis;          /* the first bound is the basis's */
    float *qc, *bc;     /* the coordinates on it: the queries' in order, the
                           base's in groups of 8 (fmni_ssd.basis_scan) */
    float eta;
    size_t nlevels;
    level lv[LEVELS_MAX];
    fmni_ssd ssd;
    fmn_neighbor *out;
    atomic_size_t next; /* the next query not taken */
} search;

/* What one thread needs of its own. */
typedef struct worker {
    search *s;
    uint32_t bound[BASE_BLOCK]; /* one query's coarsest bounds of a block
                                   (UINT32_MAX - 1: that or more) */
    uint32_t cand[QUERY_CHUNK][BASE_BLOCK + 8]; /* per query taken: the
                                   items of the block still in play */
    size_t ncand[QUERY_CHUNK];
    float low[BASE_BLOCK];      /* one query's seed keys of a block */
    uint64_t sum[BASE_BLOCK];   /* their finer sketches' sums */
    fmn_neighbor *seed;         /* per query taken: a max-heap of the k
                                   smallest bounds */
    size_t seeds[QUERY_CHUNK];  /* in each heap */
    size_t have[QUERY_CHUNK];   /* neighbours found of each query taken */
    pthread_t thread;
    int started;
} worker;

/* ---- sketches ----------------------------------------------------------- */

static size_t ceil_div(size_t a, size_t b) { return (a + b - 1) / b; }

/* The blocks tried, coarsest first: each a quarter of the pixels or
 * fewer, and fewer values than the sketch before. */
static void plan_levels(search *s)
{
    static const size_t side[LEVELS_MAX] = {7, 4, 2};
    size_t h = s->q.height, w = s->q.width, last = 0;
    s->nlevels = 0;
    s->basis = s->px >= 4 * FMNI_BASIS_MAX && s->px <= BASIS_PIXELS_MAX;
    for (size_t i = 0; i < LEVELS_MAX; i++) {
        size_t bh = side[i] < h ? side[i] : h, bw = side[i] < w ? side[i] : w;
        if (bh == 0 || bw == 0)
            return;
        size_t values = ceil_div(h, bh) * ceil_div(w, bw);
        if (values * 4 > s->px || values == last ||
            (s->basis && values < 4 * FMNI_BASIS_MAX))
            continue;
        level *l = &s->lv[s->nlevels++];
        memset(l, 0, sizeof *l);
        l->bh = bh;
        l->bw = bw;
        l->gh = ceil_div(h, bh);
        l->gw = ceil_div(w, bw);
        l->chunks = ceil_div(values, FMNI_CHUNK);
        l->n = (uint64_t)bh * bw;
        l->flush = fmni_ssd_flush(l->n * 255);
        last = values;
    }
}

/* Sums each image of `im` over the level's blocks into out (chunks *
 * FMNI_CHUNK int16 an image, the padding 0). A block holds 49 pixels at
 * most: 49 * 255 fits int16. */
static void sketch(const level *l, fmn_images im, int16_t *out)
{
    size_t stride = l->chunks * FMNI_CHUNK, w = im.width;
    for (size_t i = 0; i < im.count; i++) {
        int16_t *o = out + i * stride;
        memset(o, 0, stride * sizeof *o);
        const uint8_t *p = im.data + i * im.height * w;
        for (size_t r = 0; r < im.height; r++, p += w) {
            int16_t *row = o + (r / l->bh) * l->gw;
            for (size_t g = 0, c = 0; g < l->gw; g++) {
                size_t end = c + l->bw < w ? c + l->bw : w;
                int sum = row[g];
                for (; c < end; c++)
                    sum += p[c];
                row[g] = (int16_t)sum;
            }
        }
    }
}

static void free_levels(search *s)
{
    free(s->bc);
    free(s->qc);
    s->qc = s->bc = NULL;
    for (size_t i = 0; i < s->nlevels; i++) {
        if (s->lv[i].b != s->lv[i].q)
            free(s->lv[i].b);
        free(s->lv[i].q);
        s->lv[i].q = s->lv[i].b = NULL;
    }
}

/* The basis of the base set, both sets' coordinates on it, and the
 * bound on one coordinate difference's error; 0 when memory ran out. */
static int make_coordinates(search *s)
{
    size_t m = FMNI_BASIS_MAX, groups = (s->b.count + 7) / 8;
    double *q = malloc(s->px * m * sizeof *q);
    float *flat = s->self ? NULL : malloc((s->b.count ? s->b.count : 1) * m *
                                          sizeof *flat);
    s->qc = malloc((s->q.count ? s->q.count : 1) * m * sizeof *s->qc);
    s->bc = calloc(groups ? groups * 8 * m : 1, sizeof *s->bc);
    int ok = q && (s->self || flat) && s->qc && s->bc &&
             fmni_knn_basis(s->b, m, q);
    if (ok) {
        fmni_knn_project(s->q, q, m, s->qc);
        if (!s->self)
            fmni_knn_project(s->b, q, m, flat);
        const float *from = s->self ? s->qc : flat;
        for (size_t j = 0; j < s->b.count; j++) /* in groups of 8 */
            for (size_t c = 0; c < m; c++)
                s->bc[(j / 8) * 8 * m + 8 * c + j % 8] = from[j * m + c];
    }
    free(flat);
    free(q);
    /* a float's rounding, and the double sums' error on 'pixels' terms */
    double px = (double)s->px, norm = 255 * sqrt(px);
    double e = norm * (6.0e-8 + 2.3e-16 * px * sqrt(px));
    s->eta = (float)(2 * 4 * e * 1.01 + 1e-6);
    return ok;
}

/* The sketches of both sets; 0 when memory ran out. */
static int make_sketches(search *s)
{
    if (s->basis && !make_coordinates(s))
        return 0;
    for (size_t i = 0; i < s->nlevels; i++) {
        level *l = &s->lv[i];
        size_t stride = l->chunks * FMNI_CHUNK;
        l->q = malloc((s->q.count ? s->q.count : 1) * stride * sizeof *l->q);
        l->b = s->self ? l->q
                       : malloc((s->b.count ? s->b.count : 1) * stride *
                                sizeof *l->b);
        if (!l->q || !l->b)
            return 0;
        sketch(l, s->q, l->q);
        if (!s->self)
            sketch(l, s->b, l->b);
    }
    return 1;
}

/* ---- the k best of one query ------------------------------------------ */

/* (d, j) before neighbour x: nearer, or as near and a lower index. */
static int before(uint64_t d, size_t j, const fmn_neighbor *x)
{
    return d < x->distance2 || (d == x->distance2 && j < x->index);
}

/* Puts (d, j) into best[0 .. k), kept sorted, *have of them filled;
 * nothing when j is there already (a seed met again). */
static void keep(fmn_neighbor *best, size_t k, size_t *have, uint64_t d,
                 size_t j)
{
    if (*have == k && !before(d, j, &best[k - 1]))
        return;
    size_t pos = *have;
    while (pos > 0 && before(d, j, &best[pos - 1]))
        pos--;
    if (pos > 0 && best[pos - 1].index == j)
        return;
    size_t last = *have < k ? (*have)++ : k - 1;
    memmove(best + pos + 1, best + pos, (last - pos) * sizeof *best);
    best[pos].distance2 = d;
    best[pos].index = j;
}

/* Seeds measured first for a query of k neighbours: more than k, for a
 * T near the final one from the start. */
static size_t seed_count(size_t k)
{
    return k < SIZE_MAX - SEEDS_EXTRA ? k + SEEDS_EXTRA : k;
}

/* The seeds: the k base items of the smallest first bounds (ties: any),
 * as a max-heap in seed[0 .. *m). */
static void seed_push(fmn_neighbor *seed, size_t k, size_t *m, uint64_t d,
                      size_t j)
{
    size_t i;
    if (*m < k) {
        i = (*m)++;
        for (; i > 0 && seed[(i - 1) / 2].distance2 < d; i = (i - 1) / 2)
            seed[i] = seed[(i - 1) / 2];
    } else if (d < seed[0].distance2) {
        i = 0;
        for (;;) { /* sift the hole down */
            size_t c = 2 * i + 1;
            if (c >= k)
                break;
            if (c + 1 < k && seed[c + 1].distance2 > seed[c].distance2)
                c++;
            if (seed[c].distance2 <= d)
                break;
            seed[i] = seed[c];
            i = c;
        }
    } else {
        return;
    }
    seed[i].distance2 = d;
    seed[i].index = j;
}

static uint64_t distance(const search *s, size_t i, size_t j)
{
    return s->ssd.ssd8(s->q.data + i * s->px, s->b.data + j * s->px, s->px);
}

/* Tiny images, no sketch: every pair measured. */
static void measure_all(const search *s, size_t i, size_t *have)
{
    *have = 0;
    for (size_t j = 0; j < s->b.count; j++)
        if (!(s->self && j == i))
            keep(s->out + i * s->k, s->k, have, distance(s, i, j), j);
}

/* The largest sketch sum of blocks of n pixels that may still reach T,
 * below the marker UINT32_MAX (where it is larger, UINT32_MAX - 1). */
static uint64_t reach_limit(uint64_t n, uint64_t T)
{
    if (T == UINT64_MAX || T > (UINT32_MAX - 1) / n)
        return UINT32_MAX - 1;
    return n * T;
}

/* Query i's coarsest bounds of base items [j0, j1) into w->bound, its
 * own index (against itself) UINT32_MAX: the sketch's sums, or the first 4
 * coordinates' sums as keys to choose seeds by (the bits of a float of 0
 * or more order as the float does). */
static void bounds(const search *s, worker *w, size_t i, size_t j0,
                   size_t j1)
{
    const level *v = &s->lv[0];
    size_t stride = v->chunks * FMNI_CHUNK;
    if (s->basis) {
        s->ssd.basis_low(s->qc + i * FMNI_BASIS_MAX,
                         s->bc + j0 * FMNI_BASIS_MAX, j1 - j0, w->low);
        for (size_t j = 0; j < j1 - j0; j++)
            memcpy(&w->bound[j], &w->low[j], sizeof w->bound[j]);
    } else {
        s->ssd.ssd16_many(v->q + i * stride, v->b + j0 * stride, j1 - j0,
                          v->chunks, v->flush, w->bound);
    }
    if (s->self && i >= j0 && i < j1)
        w->bound[i - j0] = UINT32_MAX;
}

/* The items of [j0, j1) whose coarsest bound may reach T, into w->cand
 * (relative to j0); returns how many. */
static size_t first_cut(const search *s, worker *w, size_t i, size_t j0,
                        size_t j1, uint64_t T, uint32_t *cand)
{
    size_t n = 0;
    if (s->basis) {
        /* prune on L when sqrt(L) (1 - 2e-4) - eta > sqrt(T) (knn_basis.c's
         * bound, the float errors of the header taken off) */
        double lim = T == UINT64_MAX
                         ? INFINITY
                         : (sqrt((double)T) + s->eta) / (1 - 2e-4);
        n = s->ssd.basis_scan(s->qc + i * FMNI_BASIS_MAX,
                              s->bc + j0 * FMNI_BASIS_MAX, j1 - j0,
                              (float)(lim * lim), cand);
        size_t m = 0;
        for (size_t t = 0; t < n; t++) { /* its own index out */
            cand[m] = cand[t];
            m += !(s->self && j0 + cand[t] == i);
        }
        return m;
    }
    bounds(s, w, i, j0, j1);
    uint64_t limit = reach_limit(s->lv[0].n, T);
    for (size_t j = j0; j < j1; j++) {
        cand[n] = (uint32_t)(j - j0);
        n += w->bound[j - j0] <= limit;
    }
    return n;
}


/* The query's T: its k-th distance so far, or none. */
static uint64_t threshold(const search *s, size_t i, size_t have)
{
    return have == s->k ? s->out[(i + 1) * s->k - 1].distance2 : UINT64_MAX;
}

/* Tries the candidates of block [j0, j1) left by the first cut on query
 * i: the finer sketches together, then the few left measured. */
static void try_block(const search *s, worker *w, size_t i, size_t *have,
                      size_t j0, uint32_t *cand, size_t n)
{
    uint64_t T = threshold(s, i, *have);
    for (size_t l = s->basis ? 0 : 1; l < s->nlevels && n > 0; l++) {
        const level *v = &s->lv[l];
        size_t stride = v->chunks * FMNI_CHUNK, m = 0;
        s->ssd.ssd16_list(v->q + i * stride, v->b + j0 * stride, cand, n,
                          v->chunks, v->flush, w->sum);
        uint64_t limit = T == UINT64_MAX || T > UINT64_MAX / v->n
                             ? UINT64_MAX
                             : v->n * T;
        for (size_t t = 0; t < n; t++) {
            cand[m] = cand[t];
            m += w->sum[t] <= limit;
        }
        n = m;
    }
    for (size_t t = 0; t < n; t++) {
        size_t j = j0 + cand[t];
        keep(s->out + i * s->k, s->k, have, distance(s, i, j), j);
    }
}

/* Queries [first, end), against the base a block at a time: first the
 * seeds of each (the k smallest bounds, measured: T), then every item
 * tried against T. */
static void search_chunk(const search *s, worker *w, size_t first,
                         size_t end)
{
    size_t nb = s->b.count, k = s->k, ns = seed_count(k);
    for (size_t i = first; i < end; i++)
        w->seeds[i - first] = 0;
    for (size_t j0 = 0; j0 < nb; j0 += BASE_BLOCK) {
        size_t j1 = nb - j0 > BASE_BLOCK ? j0 + BASE_BLOCK : nb;
        for (size_t i = first; i < end; i++) {
            fmn_neighbor *seed = w->seed + (i - first) * ns;
            size_t *m = &w->seeds[i - first];
            bounds(s, w, i, j0, j1);
            uint64_t top = *m == ns ? seed[0].distance2 : UINT32_MAX;
            for (size_t j = j0; j < j1; j++)
                if (w->bound[j - j0] < top) {
                    seed_push(seed, ns, m, w->bound[j - j0], j);
                    top = *m == ns ? seed[0].distance2 : UINT32_MAX;
                }
        }
    }
    for (size_t i = first; i < end; i++) {
        const fmn_neighbor *seed = w->seed + (i - first) * ns;
        w->have[i - first] = 0;
        for (size_t t = 0; t < w->seeds[i - first]; t++)
            keep(s->out + i * k, k, &w->have[i - first],
                 distance(s, i, seed[t].index), seed[t].index);
    }
    for (size_t j0 = 0; j0 < nb; j0 += BASE_BLOCK) {
        size_t j1 = nb - j0 > BASE_BLOCK ? j0 + BASE_BLOCK : nb;
        for (size_t i = first; i < end; i++) /* the block's coarse data hot */
            w->ncand[i - first] =
                first_cut(s, w, i, j0, j1, threshold(s, i, w->have[i - first]),
                          w->cand[i - first]);
        for (size_t i = first; i < end; i++)
            try_block(s, w, i, &w->have[i - first], j0, w->cand[i - first],
                      w->ncand[i - first]);
    }
}

/* Fills the rows of queries [first, end): measured, then the rest
 * FMN_NO_NEIGHBOR. */
static void answer_chunk(const search *s, worker *w, size_t first,
                         size_t end)
{
    int bounded = s->basis || s->nlevels > 0;
    for (size_t i = first; i < end; i++)
        if (!bounded)
            measure_all(s, i, &w->have[i - first]);
    if (bounded)
        search_chunk(s, w, first, end);
    for (size_t i = first; i < end; i++) {
        fmn_neighbor *best = s->out + i * s->k;
        for (size_t t = w->have[i - first]; t < s->k; t++) {
            best[t].distance2 = UINT64_MAX;
            best[t].index = FMN_NO_NEIGHBOR;
        }
    }
}

static void *worker_main(void *arg)
{
    worker *w = arg;
    search *s = w->s;
    for (;;) {
        size_t first = atomic_fetch_add(&s->next, QUERY_CHUNK);
        if (first >= s->q.count)
            break;
        size_t end = s->q.count - first > QUERY_CHUNK ? first + QUERY_CHUNK
                                                      : s->q.count;
        answer_chunk(s, w, first, end);
    }
    return NULL;
}

/* ---- the call ----------------------------------------------------------- */

void fmn_knn_options_init(fmn_knn_options *opt)
{
    if (!opt)
        return;
    memset(opt, 0, sizeof *opt);
    opt->k = 1;
}

static fmn_status check_call(fmn_images queries, const fmn_images *base,
                             size_t k, fmn_neighbor *out, size_t out_len,
                             fmn_error *err)
{
    const fmn_images *b = base ? base : &queries;
    /* images of no pixels have no data to point at */
    int qpx = queries.height && queries.width, bpx = b->height && b->width;
    if ((queries.count && qpx && !queries.data) ||
        (b->count && bpx && !b->data) || (queries.count && !out))
        return fmni_bad_argument(err);
    if (b->height != queries.height || b->width != queries.width)
        return fmni_fail(err, FMN_ERR_INVALID_ARGUMENT, "libfmnist", 0, 0,
                         "fmn_knn: the queries are %zux%zu pixels, the base "
                         "images %zux%zu",
                         queries.height, queries.width, b->height, b->width);
    if (queries.count > SIZE_MAX / k || out_len < queries.count * k)
        return fmni_fail(err, FMN_ERR_BUFFER_TOO_SMALL, "libfmnist", 0, 0,
                         "fmn_knn: %zu queries of %zu neighbours need %zu "
                         "entries, out holds %zu",
                         queries.count, k, queries.count * k, out_len);
    if (queries.height && queries.width > SIZE_MAX / queries.height)
        return fmni_fail(err, FMN_ERR_SIZE_OVERFLOW, "libfmnist", 0, 0,
                         "fmn_knn: images of %zux%zu pixels", queries.height,
                         queries.width);
    return FMN_OK;
}

/* Runs the workers: threads of their own, the calling thread among them;
 * FMN_ERR_NOMEM when a worker's memory could not be had. */
static fmn_status run(search *s, unsigned threads, fmn_error *err)
{
    if (threads > THREADS_MAX)
        threads = THREADS_MAX;
    size_t chunks = (s->q.count + QUERY_CHUNK - 1) / QUERY_CHUNK;
    if (threads > chunks)
        threads = chunks ? (unsigned)chunks : 1;
    worker *w = calloc(threads, sizeof *w);
    if (!w)
        return fmni_fail(err, FMN_ERR_NOMEM, "libfmnist", 0, 0,
                         "fmn_knn: out of memory for %u threads", threads);
    fmn_status st = FMN_OK;
    for (unsigned t = 0; t < threads; t++) {
        w[t].s = s;
        size_t ns = seed_count(s->k);
        w[t].seed = ns <= SIZE_MAX / QUERY_CHUNK / sizeof *w[t].seed
                        ? malloc(QUERY_CHUNK * ns * sizeof *w[t].seed)
                        : NULL;
        if (!w[t].seed) {
            st = fmni_fail(err, FMN_ERR_NOMEM, "libfmnist", 0, 0,
                           "fmn_knn: out of memory for a thread's %zu "
                           "neighbours",
                           QUERY_CHUNK * ns);
            threads = t + 1;
            break;
        }
    }
    atomic_init(&s->next, 0);
    for (unsigned t = 1; st == FMN_OK && t < threads; t++)
        w[t].started =
            pthread_create(&w[t].thread, NULL, worker_main, &w[t]) == 0;
    if (st == FMN_OK)
        worker_main(&w[0]); /* threads that did not start: w[0] does it */
    for (unsigned t = 0; t < threads; t++) {
        if (w[t].started)
            pthread_join(w[t].thread, NULL);
        free(w[t].seed);
    }
    free(w);
    return st;
}

fmn_status fmni_knn(fmn_images queries, const fmn_images *base,
                    const fmn_knn_options *opt, fmn_neighbor *out,
                    size_t out_len, fmn_error *err, fmni_isa isa)
{
    size_t k = opt && opt->k ? opt->k : 1;
    fmn_status st = check_call(queries, base, k, out, out_len, err);
    if (st != FMN_OK || queries.count == 0) {
        if (st == FMN_OK)
            fmni_clear(err);
        return st;
    }
    search s;
    memset(&s, 0, sizeof s);
    s.q = queries;
    s.self = base == NULL;
    s.b = base ? *base : queries;
    s.k = k;
    s.px = queries.height * queries.width;
    /* images of no pixels: a pointer that is never read, not NULL */
    static const uint8_t no_pixels[1];
    if (!s.q.data)
        s.q.data = no_pixels;
    if (!s.b.data)
        s.b.data = no_pixels;
    s.out = out;
    s.ssd = fmni_ssd_pick(isa);
    plan_levels(&s);
    if (!make_sketches(&s)) {
        free_levels(&s);
        return fmni_fail(err, FMN_ERR_NOMEM, "libfmnist", 0, 0,
                         "fmn_knn: out of memory for the block sums of %zu "
                         "images",
                         queries.count + (s.self ? 0 : s.b.count));
    }
    unsigned threads = opt && opt->threads ? opt->threads : fmn_cores();
    st = run(&s, threads, err);
    free_levels(&s);
    if (st == FMN_OK)
        fmni_clear(err);
    return st;
}

fmn_status fmn_knn(fmn_images queries, const fmn_images *base,
                   const fmn_knn_options *opt, fmn_neighbor *out,
                   size_t out_len, fmn_error *err)
{
    return fmni_knn(queries, base, opt, out, out_len, err, FMNI_ISA_BEST);
}

int fmn_knn_vote(const fmn_neighbor *row, size_t k, const uint8_t *labels,
                 unsigned *votes)
{
    unsigned count[256] = {0}, top = 0;
    int best = -1;
    for (size_t t = 0; row && labels && t < k; t++) {
        if (row[t].index == FMN_NO_NEIGHBOR)
            continue;
        unsigned c = labels[row[t].index];
        count[c]++;
    }
    /* nearest first: among classes of equal votes the first met wins */
    for (size_t t = 0; row && labels && t < k; t++) {
        if (row[t].index == FMN_NO_NEIGHBOR)
            continue;
        unsigned c = labels[row[t].index];
        if (count[c] > top) {
            top = count[c];
            best = (int)c;
        }
    }
    if (votes)
        *votes = top;
    return best;
}

int fmn_knn_suspect(const fmn_neighbor *row, size_t k, const uint8_t *labels,
                    unsigned label, unsigned *votes)
{
    unsigned n = 0;
    int c = fmn_knn_vote(row, k, labels, &n);
    int suspect = c >= 0 && (unsigned)c != label && n > k / 2;
    if (votes)
        *votes = suspect ? n : 0;
    return suspect ? c : -1;
}
