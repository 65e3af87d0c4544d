/* knn.c - exact k nearest neighbours of uint8 images by squared L2
 * distance: exact integers, ties to the lower index, on every core. The
 * call's checks and what both searches share; images of 64 to 16384
 * pixels are searched through an index of the base set (knn_index.c), the
 * others by block sums (knn_sketch.c). Either way the answer is the plain
 * loop's, bit for bit (tests/test_knn.c). */
#include "knn.h"
#include "thread.h"

#include <stdlib.h>
#include <string.h>

enum {
    SEEDS_EXTRA = 15, /* seeds beyond k (fmni_knn_seed_count) */
    THREADS_MAX = 64,
    INDEX_PIXELS_MIN = 64,     /* fewer: too few for 16 coordinates */
    INDEX_PIXELS_MAX = 16384   /* more: the basis costs pixels x 64^2 */
};

_Static_assert((size_t)INDEX_PIXELS_MAX <= (size_t)FMNI_DOT8_MAX,
               "the index's measures by dot8 stay exact");

size_t fmni_knn_coordinates(size_t px)
{
    if (px < INDEX_PIXELS_MIN || px > INDEX_PIXELS_MAX)
        return 0;
    size_t m = px / INDEX_PIXELS_MIN * FMNI_SCAN;
    return m < FMNI_BASIS_MAX ? m : FMNI_BASIS_MAX;
}

/* ---- running on threads -------------------------------------------------- */

typedef struct runner {
    void (*fn)(void *ctx, unsigned t);
    void *ctx;
    unsigned t;
    fmni_thread thread;
} runner;

static void *runner_main(void *arg)
{
    runner *r = arg;
    r->fn(r->ctx, r->t);
    return NULL;
}

void fmni_knn_parallel(unsigned threads, void (*fn)(void *ctx, unsigned t),
                       void *ctx)
{
    runner r[THREADS_MAX];
    int started[THREADS_MAX];
    if (threads > THREADS_MAX)
        threads = THREADS_MAX;
    for (unsigned t = 1; t < threads; t++) {
        r[t].fn = fn;
        r[t].ctx = ctx;
        r[t].t = t;
        started[t] = fmni_thread_start(&r[t].thread, runner_main, &r[t]);
    }
    fn(ctx, 0);
    for (unsigned t = 1; t < threads; t++)
        if (started[t])
            fmni_thread_join(&r[t].thread);
}

/* ---- the k best of one query ------------------------------------------ */

/* (d, j) before neighbour x: nearer, or as near and a lower index. */
static int before(uint64_t d, size_t j, const fmn_neighbor *x)
{
    return d < x->distance2 || (d == x->distance2 && j < x->index);
}

void fmni_knn_keep(fmn_neighbor *best, size_t k, size_t *have, uint64_t d,
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

size_t fmni_knn_seed_count(size_t k)
{
    return k < SIZE_MAX - SEEDS_EXTRA ? k + SEEDS_EXTRA : k;
}

void fmni_knn_seed(fmn_neighbor *seed, size_t k, size_t *m, uint64_t key,
                   size_t j)
{
    size_t i;
    if (*m < k) {
        i = (*m)++;
        for (; i > 0 && seed[(i - 1) / 2].distance2 < key; i = (i - 1) / 2)
            seed[i] = seed[(i - 1) / 2];
    } else if (key < seed[0].distance2) {
        i = 0;
        for (;;) { /* sift the hole down */
            size_t c = 2 * i + 1;
            if (c >= k)
                break;
            if (c + 1 < k && seed[c + 1].distance2 > seed[c].distance2)
                c++;
            if (seed[c].distance2 <= key)
                break;
            seed[i] = seed[c];
            i = c;
        }
    } else {
        return;
    }
    seed[i].distance2 = key;
    seed[i].index = j;
}

void fmni_knn_fill(fmn_neighbor *row, size_t k, size_t have)
{
    for (size_t t = have; t < k; t++) {
        row[t].distance2 = UINT64_MAX;
        row[t].index = FMN_NO_NEIGHBOR;
    }
}

/* ---- the call ----------------------------------------------------------- */

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

fmn_status fmni_knn(fmn_images queries, const fmn_images *base,
                    const fmn_knn_options *opt, fmn_neighbor *out,
                    size_t out_len, fmn_error *err, fmni_isa isa)
{
    fmn_knn_options o; /* the caller's, whole (options.c) */
    fmn_status st = fmni_knn_options_take(opt, &o, err);
    if (st != FMN_OK)
        return st;
    size_t k = o.k;
    st = check_call(queries, base, k, out, out_len, err);
    if (st != FMN_OK || queries.count == 0) {
        if (st == FMN_OK)
            fmni_clear(err);
        return st;
    }
    fmni_knn_call c;
    memset(&c, 0, sizeof c);
    c.q = queries;
    c.self = base == NULL;
    c.b = base ? *base : queries;
    c.k = k;
    c.px = queries.height * queries.width;
    /* images of no pixels: a pointer that is never read, not NULL */
    static const uint8_t no_pixels[1];
    if (!c.q.data)
        c.q.data = no_pixels;
    if (!c.b.data)
        c.b.data = no_pixels;
    c.out = out;
    c.ssd = fmni_ssd_pick(isa);
    c.threads = o.threads ? o.threads : fmn_cores();
    if (c.threads > THREADS_MAX)
        c.threads = THREADS_MAX;
    st = fmni_knn_coordinates(c.px) && c.b.count > 0 ? fmni_knn_index(&c, err)
                                                     : fmni_knn_sketch(&c, err);
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
