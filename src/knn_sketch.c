/* knn_sketch.c - the nearest-neighbour search of images too small or too
 * large for a basis (under 64 or over 16384 pixels): every query meets
 * every base item, but most meetings end early on a lower bound. Over a
 * block of n pixels, Cauchy-Schwarz gives
 *     sum (x_p - y_p)^2 >= (sum x_p - sum y_p)^2 / n,
 * so with each image summed over blocks of at most n pixels (a sketch),
 * n * d >= S, S the sum of squared differences of the two sketches. A
 * pair is given up when S > n * T, T the query's k-th best distance so
 * far: it cannot come nearer than that (equal is kept: a tie may win on
 * its index). Sketches of blocks 7x7, 4x4 and 2x2 (16, 49 and 196 values
 * for 28x28) are tried in turn and the pixels decide. Seeds come first:
 * the k + 15 base images of the smallest coarsest sums are measured,
 * setting T near its final value; then every base image is tried against
 * T as it falls, 64 queries at a time over 256 base images at a time.
 * The answer is the plain loop's, bit for bit (tests/test_knn.c). */
#include "knn.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

enum {
    LEVELS_MAX = 3,
    QUERY_CHUNK = 64, /* queries a thread takes at a time */
    BASE_BLOCK = 256  /* base items tried by each of them in turn */
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

/* What one thread needs of its own. */
typedef struct worker {
    uint32_t bound[BASE_BLOCK]; /* one query's coarsest bounds of a block
                                   (UINT32_MAX - 1: that or more) */
    uint32_t cand[QUERY_CHUNK][BASE_BLOCK + 8]; /* per query taken: the
                                   items of the block still in play */
    size_t ncand[QUERY_CHUNK];
    uint64_t sum[BASE_BLOCK];   /* their finer sketches' sums */
    fmn_neighbor *seed;         /* per query taken: a max-heap of the k
                                   smallest bounds */
    size_t seeds[QUERY_CHUNK];  /* in each heap */
    size_t have[QUERY_CHUNK];   /* neighbours found of each query taken */
} worker;

typedef struct search {
    const fmni_knn_call *c;
    size_t nlevels;
    level lv[LEVELS_MAX];
    worker *w;
    atomic_size_t next; /* the next query not taken */
} search;

static size_t ceil_div(size_t a, size_t b) { return (a + b - 1) / b; }

/* The blocks tried, coarsest first: each a quarter of the pixels or
 * fewer, and fewer values than the sketch before. */
static void plan_levels(search *s)
{
    static const size_t side[LEVELS_MAX] = {7, 4, 2};
    size_t h = s->c->q.height, w = s->c->q.width, last = 0;
    s->nlevels = 0;
    for (size_t i = 0; i < LEVELS_MAX; i++) {
        size_t bh = side[i] < h ? side[i] : h, bw = side[i] < w ? side[i] : w;
        if (bh == 0 || bw == 0)
            return;
        size_t values = ceil_div(h, bh) * ceil_div(w, bw);
        if (values * 4 > s->c->px || values == last)
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
    for (size_t i = 0; i < s->nlevels; i++) {
        if (s->lv[i].b != s->lv[i].q)
            fmni_free_aligned(s->lv[i].b);
        fmni_free_aligned(s->lv[i].q);
        s->lv[i].q = s->lv[i].b = NULL;
    }
}

/* The sketches of both sets; 0 when memory ran out. */
static int make_sketches(search *s)
{
    const fmni_knn_call *c = s->c;
    for (size_t i = 0; i < s->nlevels; i++) {
        level *l = &s->lv[i];
        size_t stride = l->chunks * FMNI_CHUNK;
        /* each row at a multiple of 32 bytes (stride is), as the kernels
         * load them */
        l->q = fmni_alloc_aligned(c->q.count, stride * sizeof *l->q);
        l->b = c->self ? l->q
                       : fmni_alloc_aligned(c->b.count, stride * sizeof *l->b);
        if (!l->q || !l->b)
            return 0;
        sketch(l, c->q, l->q);
        if (!c->self)
            sketch(l, c->b, l->b);
    }
    return 1;
}

static uint64_t distance(const fmni_knn_call *c, size_t i, size_t j)
{
    return c->ssd.ssd8(c->q.data + i * c->px, c->b.data + j * c->px, c->px,
                       UINT64_MAX);
}

/* Tiny images, no sketch: every pair measured. */
static void measure_all(const fmni_knn_call *c, size_t i, size_t *have)
{
    *have = 0;
    for (size_t j = 0; j < c->b.count; j++)
        if (!(c->self && j == i))
            fmni_knn_keep(c->out + i * c->k, c->k, have, distance(c, i, j),
                          j);
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
 * own index (against itself) UINT32_MAX. */
static void bounds(const search *s, worker *w, size_t i, size_t j0,
                   size_t j1)
{
    const level *v = &s->lv[0];
    size_t stride = v->chunks * FMNI_CHUNK;
    s->c->ssd.ssd16_many(v->q + i * stride, v->b + j0 * stride, j1 - j0,
                         v->chunks, v->flush, w->bound);
    if (s->c->self && i >= j0 && i < j1)
        w->bound[i - j0] = UINT32_MAX;
}

/* The items of [j0, j1) whose coarsest bound may reach T, into cand
 * (relative to j0); returns how many. */
static size_t first_cut(const search *s, worker *w, size_t i, size_t j0,
                        size_t j1, uint64_t T, uint32_t *cand)
{
    size_t n = 0;
    bounds(s, w, i, j0, j1);
    uint64_t limit = reach_limit(s->lv[0].n, T);
    for (size_t j = j0; j < j1; j++) {
        cand[n] = (uint32_t)(j - j0);
        n += w->bound[j - j0] <= limit;
    }
    return n;
}

/* The query's T: its k-th distance so far, or none. */
static uint64_t threshold(const fmni_knn_call *c, size_t i, size_t have)
{
    return have == c->k ? c->out[(i + 1) * c->k - 1].distance2 : UINT64_MAX;
}

/* Tries the candidates of block [j0, j1) left by the first cut on query
 * i: the finer sketches together, then the few left measured. */
static void try_block(const search *s, worker *w, size_t i, size_t *have,
                      size_t j0, uint32_t *cand, size_t n)
{
    const fmni_knn_call *c = s->c;
    uint64_t T = threshold(c, i, *have);
    for (size_t l = 1; l < s->nlevels && n > 0; l++) {
        const level *v = &s->lv[l];
        size_t stride = v->chunks * FMNI_CHUNK, m = 0;
        c->ssd.ssd16_list(v->q + i * stride, v->b + j0 * stride, cand, n,
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
        fmni_knn_keep(c->out + i * c->k, c->k, have, distance(c, i, j), j);
    }
}

/* Queries [first, end), against the base a block at a time: first the
 * seeds of each (the k + 15 smallest bounds, measured: T), then every
 * item tried against T. */
static void search_chunk(const search *s, worker *w, size_t first,
                         size_t end)
{
    const fmni_knn_call *c = s->c;
    size_t nb = c->b.count, k = c->k, ns = fmni_knn_seed_count(k);
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
                    fmni_knn_seed(seed, ns, m, w->bound[j - j0], j);
                    top = *m == ns ? seed[0].distance2 : UINT32_MAX;
                }
        }
    }
    for (size_t i = first; i < end; i++) {
        const fmn_neighbor *seed = w->seed + (i - first) * ns;
        w->have[i - first] = 0;
        for (size_t t = 0; t < w->seeds[i - first]; t++)
            fmni_knn_keep(c->out + i * k, k, &w->have[i - first],
                          distance(c, i, seed[t].index), seed[t].index);
    }
    for (size_t j0 = 0; j0 < nb; j0 += BASE_BLOCK) {
        size_t j1 = nb - j0 > BASE_BLOCK ? j0 + BASE_BLOCK : nb;
        for (size_t i = first; i < end; i++) /* the block's coarse data hot */
            w->ncand[i - first] =
                first_cut(s, w, i, j0, j1, threshold(c, i, w->have[i - first]),
                          w->cand[i - first]);
        for (size_t i = first; i < end; i++)
            try_block(s, w, i, &w->have[i - first], j0, w->cand[i - first],
                      w->ncand[i - first]);
    }
}

static void worker_main(void *arg, unsigned t)
{
    search *s = arg;
    const fmni_knn_call *c = s->c;
    worker *w = &s->w[t];
    for (;;) {
        size_t first = atomic_fetch_add(&s->next, QUERY_CHUNK);
        if (first >= c->q.count)
            break;
        size_t end = c->q.count - first > QUERY_CHUNK ? first + QUERY_CHUNK
                                                      : c->q.count;
        if (s->nlevels == 0)
            for (size_t i = first; i < end; i++)
                measure_all(c, i, &w->have[i - first]);
        else
            search_chunk(s, w, first, end);
        for (size_t i = first; i < end; i++)
            fmni_knn_fill(c->out + i * c->k, c->k, w->have[i - first]);
    }
}

fmn_status fmni_knn_sketch(const fmni_knn_call *c, fmn_error *err)
{
    search s;
    memset(&s, 0, sizeof s);
    s.c = c;
    plan_levels(&s);
    if (!make_sketches(&s)) {
        free_levels(&s);
        return fmni_fail(err, FMN_ERR_NOMEM, "libfmnist", 0, 0,
                         "fmn_knn: out of memory for the block sums of %zu "
                         "images",
                         c->q.count + (c->self ? 0 : c->b.count));
    }
    unsigned threads = c->threads;
    size_t chunks = (c->q.count + QUERY_CHUNK - 1) / QUERY_CHUNK;
    if (threads > chunks)
        threads = chunks ? (unsigned)chunks : 1;
    size_t ns = fmni_knn_seed_count(c->k);
    s.w = calloc(threads, sizeof *s.w);
    fmn_status st = FMN_OK;
    for (unsigned t = 0; s.w && t < threads; t++)
        if (!(s.w[t].seed = ns <= SIZE_MAX / QUERY_CHUNK / sizeof(fmn_neighbor)
                                ? malloc(QUERY_CHUNK * ns * sizeof(fmn_neighbor))
                                : NULL)) {
            st = fmni_fail(err, FMN_ERR_NOMEM, "libfmnist", 0, 0,
                           "fmn_knn: out of memory for a thread's %zu "
                           "neighbours",
                           QUERY_CHUNK * ns);
            break;
        }
    if (!s.w)
        st = fmni_fail(err, FMN_ERR_NOMEM, "libfmnist", 0, 0,
                       "fmn_knn: out of memory for %u threads", threads);
    if (st == FMN_OK) {
        atomic_init(&s.next, 0);
        fmni_knn_parallel(threads, worker_main, &s);
    }
    for (unsigned t = 0; s.w && t < threads; t++)
        free(s.w[t].seed);
    free(s.w);
    free_levels(&s);
    return st;
}
