/* test_knn.c - fmn_knn against the plain loop (every pair measured,
 * sorted by distance then index), bit for bit: images of many shapes,
 * random, sparse (ties), copied (distance 0), extreme (sums past 32 bits),
 * in groups (where the index prunes most), sums of three patterns
 * (nothing off the basis's span), near copies of bright images (large
 * norms, ties past the seeds);
 * the AVX-512, AVX2 and portable functions, 1 and 3 threads; the errors; the
 * vote. Built from the library's sources, as test_parallel is, to reach
 * the portable path on a CPU that has AVX2. */
#include "knn.h"
#include "knn_plain.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

static uint64_t rng = 88172645463325252ull;

static uint32_t next(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (uint32_t)(rng >> 11);
}

enum {
    RANDOM,
    SPARSE,
    COPIES,
    EXTREME,
    KINDS,
    GROUPS = KINDS,
    LOW_RANK,
    BRIGHT_COPIES
};

/* n images of h x w of one kind. */
static uint8_t *make(size_t n, size_t h, size_t w, int kind)
{
    size_t px = h * w;
    uint8_t *p = malloc(n * px + 1);
    assert_non_null(p);
    if (kind == LOW_RANK) { /* sums of 3 patterns, 0 to 2 times each: no
                               image has anything off their span, and
                               27 images are all there are */
        uint8_t *pattern = malloc(3 * px + 1);
        assert_non_null(pattern);
        for (size_t i = 0; i < 3 * px; i++)
            pattern[i] = (uint8_t)(next() % 43);
        for (size_t i = 0; i < n; i++) {
            uint32_t r = next();
            for (size_t at = 0; at < px; at++)
                p[i * px + at] = (uint8_t)(r % 3 * pattern[at] +
                                           r / 3 % 3 * pattern[px + at] +
                                           r / 9 % 3 * pattern[2 * px + at]);
        }
        free(pattern);
        return p;
    }
    if (kind == BRIGHT_COPIES) { /* one texture at 5 levels of
                                    brightness, each image with a pixel of
                                    its own 1 up: most coordinates' norms
                                    large, every pair of a level 1 or 2
                                    apart, ties that the first measures
                                    cannot hold */
        uint8_t texture[FMNI_SCAN * 64];
        for (size_t at = 0; at < px && at < sizeof texture; at++)
            texture[at] = (uint8_t)(next() % 10);
        for (size_t i = 0; i < n; i++) {
            for (size_t at = 0; at < px; at++)
                p[i * px + at] = (uint8_t)(120 + 30 * (i % 5) +
                                           texture[at % sizeof texture]);
            p[i * px + (i * 7) % px]++;
        }
        return p;
    }
    if (kind == GROUPS) { /* 12 made-up images, each seen with noise */
        for (size_t i = 0; i < n * px; i++) {
            size_t g = (i / px) % 12, at = i % px;
            int base = (int)((at * (g + 3) + g * 97) % 256 > 128 ? 200 : 20);
            p[i] = (uint8_t)(base + (int)(next() % 41) - 20);
        }
        return p;
    }
    for (size_t i = 0; i < n * px; i++) {
        uint32_t r = next();
        switch (kind) {
        case SPARSE: p[i] = r % 8 == 0 ? (uint8_t)(r >> 8) % 3 : 0; break;
        case EXTREME: p[i] = r % 2 ? 255 : 0; break;
        default: p[i] = (uint8_t)r; break;
        }
    }
    if (kind == COPIES)
        for (size_t i = 1; i < n; i++)
            if (next() % 3 == 0)
                memcpy(p + i * px, p + (next() % i) * px, px);
    return p;
}

static int by_distance(const void *x, const void *y)
{
    const fmn_neighbor *a = x, *b = y;
    if (a->distance2 != b->distance2)
        return a->distance2 < b->distance2 ? -1 : 1;
    return a->index < b->index ? -1 : a->index > b->index;
}

/* The plain loop: every pair, sorted. */
static void plain_knn(fmn_images q, const fmn_images *b, size_t k,
                      fmn_neighbor *out)
{
    const fmn_images *base = b ? b : &q;
    size_t px = q.height * q.width;
    fmn_neighbor *all = malloc((base->count + 1) * sizeof *all);
    assert_non_null(all);
    for (size_t i = 0; i < q.count; i++) {
        size_t n = 0;
        for (size_t j = 0; j < base->count; j++) {
            if (!b && j == i)
                continue;
            all[n].distance2 =
                plain_distance(q.data + i * px, base->data + j * px, px);
            all[n++].index = j;
        }
        qsort(all, n, sizeof *all, by_distance);
        for (size_t t = 0; t < k; t++) {
            out[i * k + t].distance2 = t < n ? all[t].distance2 : UINT64_MAX;
            out[i * k + t].index = t < n ? all[t].index : FMN_NO_NEIGHBOR;
        }
    }
    free(all);
}

/* The functions compared: the best, the portable, and the AVX2 ones
 * where the best are AVX-512's (else they are the best already). */
static const char *const isa_name[] = {"best", "portable", "AVX2"};

static int isas(void)
{
    fmni_ssd f;
    memset(&f, 0, sizeof f);
    return fmni_ssd_avx512(&f) ? 3 : 2;
}

/* fmn_knn in every way there is equals the plain loop. */
static void check_case(size_t nq, size_t nb, size_t h, size_t w, size_t k,
                       int kind, int self)
{
    uint8_t *qa = make(nq, h, w, kind), *ba = make(nb, h, w, kind);
    if ((kind == COPIES || kind == BRIGHT_COPIES) && !self) /* some
                                            queries copied from the base */
        for (size_t i = 0; i < nq && nb; i++)
            if (next() % 2)
                memcpy(qa + i * h * w, ba + (next() % nb) * h * w, h * w);
    fmn_images q = {nq ? qa : NULL, nq, h, w}, b = {nb ? ba : NULL, nb, h, w};
    const fmn_images *base = self ? NULL : &b;
    size_t len = nq * k > 0 ? nq * k : 1;
    fmn_neighbor *want = malloc(len * sizeof *want);
    fmn_neighbor *got = malloc(len * sizeof *got);
    assert_non_null(want);
    assert_non_null(got);
    plain_knn(q, base, k, want);
    for (int isa = 0; isa < isas(); isa++)
        for (unsigned threads = 1; threads <= 3; threads += 2) {
            fmn_knn_options o;
            fmn_knn_options_init(&o);
            o.k = k;
            o.threads = threads;
            fmn_error err;
            memset(got, 0xa5, len * sizeof *got);
            assert_int_equal(fmni_knn(q, base, &o, got, len, &err,
                                      (fmni_isa)isa),
                             FMN_OK);
            for (size_t t = 0; t < nq * k; t++)
                if (got[t].index != want[t].index ||
                    got[t].distance2 != want[t].distance2)
                    fail_msg("%zux%zu px, %zu queries, %zu base%s, k %zu, "
                             "kind %d, %s, %u threads: query %zu neighbour "
                             "%zu is %zu at %llu, not %zu at %llu",
                             h, w, nq, nb, self ? " (itself)" : "", k, kind,
                             isa_name[isa], threads, t / k, t % k,
                             got[t].index, (unsigned long long)got[t].distance2,
                             want[t].index,
                             (unsigned long long)want[t].distance2);
        }
    free(want);
    free(got);
    free(qa);
    free(ba);
}

static void equals_the_plain_loop(void **state)
{
    (void)state;
    static const size_t shape[][2] = {{1, 1},  {1, 3},  {2, 2},   {3, 5},
                                      {5, 3},  {7, 7},  {8, 9},   {13, 17},
                                      {28, 28}, {30, 2}, {4, 29},  {15, 15}};
    static const size_t ks[] = {1, 10};
    for (size_t s = 0; s < sizeof shape / sizeof shape[0]; s++)
        for (int kind = 0; kind < KINDS; kind++)
            for (size_t ki = 0; ki < 2; ki++) {
                size_t nq = 1 + next() % 40, nb = 1 + next() % 200;
                check_case(nq, nb, shape[s][0], shape[s][1], ks[ki], kind, 0);
                check_case(nb % 90 + 1, 0, shape[s][0], shape[s][1], ks[ki],
                           kind, 1);
            }
}

/* Sets whose images gather in groups, as real ones do: the index's
 * bounds skip most of the base, so the clusters, their windows and every
 * bound are in play (random images are far from all alike). */
static void groups_are_searched_exactly(void **state)
{
    (void)state;
    static const size_t ks[] = {1, 3, 10};
    for (size_t ki = 0; ki < 3; ki++) {
        check_case(60, 800, 28, 28, ks[ki], GROUPS, 0);
        check_case(300, 0, 28, 28, ks[ki], GROUPS, 1);
        check_case(50, 700, 16, 20, ks[ki], GROUPS, 0);
        /* what the coordinates leave out is 0 (to rounding) for every
         * image, the residual intervals at their narrowest, and every
         * distance a tie with others */
        check_case(40, 500, 28, 28, ks[ki], LOW_RANK, 0);
        check_case(200, 0, 16, 20, ks[ki], LOW_RANK, 1);
    }
}

/* Near copies of bright images: sums of squares far below the norms
 * (where a sum taken as |q|^2 + |b|^2 - 2 q . b must not round above its
 * value), and ties past what a query measures first. */
static void near_copies_are_found(void **state)
{
    (void)state;
    check_case(20, 200, 28, 28, 20, BRIGHT_COPIES, 0);
    check_case(150, 0, 28, 28, 20, BRIGHT_COPIES, 1);
}

/* Fewer base items than k; one item against itself; no base at all. */
static void short_rows_are_filled(void **state)
{
    (void)state;
    check_case(5, 3, 28, 28, 10, RANDOM, 0);
    check_case(1, 0, 28, 28, 4, RANDOM, 1);
    check_case(4, 0, 28, 28, 2, COPIES, 0);
    check_case(0, 9, 28, 28, 2, RANDOM, 0);
    check_case(6, 6, 0, 28, 3, RANDOM, 0); /* 0 pixels: all at 0 */
    check_case(6, 0, 5, 0, 3, RANDOM, 1);
}

/* Sums past 32 bits: large extreme images (sketch values up to 12495,
 * thousands of them; 360,000 pixels of 255 against 0). */
static void large_images_sum_exactly(void **state)
{
    (void)state;
    check_case(3, 5, 200, 200, 2, EXTREME, 0);
    check_case(9, 40, 128, 128, 3, EXTREME, 0); /* the basis's largest */
    check_case(30, 0, 100, 120, 2, EXTREME, 1);
    check_case(2, 3, 600, 600, 1, EXTREME, 0);
    size_t px = 600 * 600;
    uint8_t *a = calloc(2, px);
    assert_non_null(a);
    memset(a + px, 255, px);
    fmn_images im = {a, 2, 600, 600};
    fmn_neighbor nn[2];
    fmn_knn_options o;
    fmn_knn_options_init(&o);
    o.threads = 1;
    for (int isa = 0; isa < isas(); isa++) {
        assert_int_equal(fmni_knn(im, NULL, &o, nn, 2, NULL, (fmni_isa)isa),
                         FMN_OK);
        assert_int_equal(nn[0].index, 1);
        assert_true(nn[0].distance2 == (uint64_t)px * 65025);
    }
    free(a);
}

static void refuses_what_cannot_be(void **state)
{
    (void)state;
    uint8_t px[2 * 12] = {0};
    fmn_images a = {px, 2, 3, 4}, b = {px, 2, 4, 3};
    fmn_neighbor nn[4];
    fmn_error err;
    fmn_knn_options o;
    fmn_knn_options_init(&o);
    assert_int_equal(o.k, 1);
    assert_int_equal(fmn_knn(a, &b, &o, nn, 4, &err),
                     FMN_ERR_INVALID_ARGUMENT);
    assert_non_null(strstr(err.message, "3x4"));
    o.k = 3;
    assert_int_equal(fmn_knn(a, NULL, &o, nn, 4, &err),
                     FMN_ERR_BUFFER_TOO_SMALL);
    assert_non_null(strstr(err.message, "need 6"));
    fmn_images none = {NULL, 2, 3, 4};
    assert_int_equal(fmn_knn(none, NULL, NULL, nn, 4, &err),
                     FMN_ERR_INVALID_ARGUMENT);
    assert_int_equal(fmn_knn(a, NULL, NULL, NULL, 4, &err),
                     FMN_ERR_INVALID_ARGUMENT);
    fmn_images empty = {NULL, 0, 3, 4};
    assert_int_equal(fmn_knn(empty, &a, NULL, NULL, 0, &err), FMN_OK);
}

/* The basis spans what the sample varies in: images that are sums of
 * three patterns, less their mean, lie within the span of its first 16
 * columns (to rounding), made either way (the covariance made once, up
 * to 1024 pixels; the sample's product each round, above), with the
 * functions of either ISA and on 1 or 3 threads. */
static void basis_spans_the_sample(void **state)
{
    (void)state;
    static const size_t shape[][2] = {{28, 28}, {16, 20}, {40, 40}};
    for (size_t s = 0; s < 3; s++)
        for (int isa = 0; isa < isas(); isa++)
            for (unsigned threads = 1; threads <= 3; threads += 2) {
                size_t h = shape[s][0], w = shape[s][1], px = h * w, n = 200;
                size_t m = fmni_knn_coordinates(px);
                uint8_t *data = make(n, h, w, LOW_RANK);
                double *q = malloc(px * m * sizeof *q);
                double *mean = calloc(px, sizeof *mean);
                assert_non_null(q);
                assert_non_null(mean);
                fmn_images im = {data, n, h, w};
                fmni_ssd ssd = fmni_ssd_pick((fmni_isa)isa);
                double growth = 0;
                assert_true(fmni_knn_basis(im, m, &ssd, threads, q, &growth));
                assert_true(growth >= 1);
                for (size_t i = 0; i < n * px; i++)
                    mean[i % px] += data[i] / (double)n;
                for (size_t i = 0; i < n; i += 5) { /* 40 of them */
                    double v2 = 0, c2 = 0;
                    for (size_t p = 0; p < px; p++) {
                        double v = data[i * px + p] - mean[p];
                        v2 += v * v;
                    }
                    for (size_t j = 0; j < FMNI_SCAN; j++) {
                        double c = 0;
                        for (size_t p = 0; p < px; p++)
                            c += (data[i * px + p] - mean[p]) * q[p * m + j];
                        c2 += c * c;
                    }
                    if (!(v2 - c2 <= 1e-6 * v2 + 1e-6))
                        fail_msg("%zux%zu px, %s, %u threads: image %zu "
                                 "has %g of %g off the first columns",
                                 h, w, isa_name[isa], threads,
                                 i, v2 - c2, v2);
                }
                free(mean);
                free(q);
                free(data);
            }
}

static void vote_takes_the_most_and_the_nearest(void **state)
{
    (void)state;
    const uint8_t labels[6] = {0, 1, 1, 2, 2, 3};
    fmn_neighbor row[5] = {{1, 3}, {2, 1}, {3, 4}, {4, 2}, {5, 5}};
    unsigned votes = 0;
    /* 2, 1, 2, 1, 3: classes 1 and 2 tie at 2; the nearest is of 2 */
    assert_int_equal(fmn_knn_vote(row, 5, labels, &votes), 2);
    assert_int_equal(votes, 2);
    row[0].index = FMN_NO_NEIGHBOR; /* 1, 2, 1, 3: class 1 */
    assert_int_equal(fmn_knn_vote(row, 5, labels, &votes), 1);
    assert_int_equal(votes, 2);
    assert_int_equal(fmn_knn_vote(row, 1, labels, &votes), -1);
    assert_int_equal(votes, 0);
    /* suspects: more than half of k share one other label */
    fmn_neighbor ten[10];
    const uint8_t lab[10] = {4, 4, 4, 4, 4, 4, 1, 1, 2, 3};
    for (size_t t = 0; t < 10; t++)
        ten[t] = (fmn_neighbor){t, t};
    assert_int_equal(fmn_knn_suspect(ten, 10, lab, 1, &votes), 4);
    assert_int_equal(votes, 6);
    assert_int_equal(fmn_knn_suspect(ten, 10, lab, 4, &votes), -1);
    assert_int_equal(votes, 0);
    ten[0].index = FMN_NO_NEIGHBOR; /* 5 of 10: not more than half */
    assert_int_equal(fmn_knn_suspect(ten, 10, lab, 1, &votes), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(equals_the_plain_loop),
        cmocka_unit_test(groups_are_searched_exactly),
        cmocka_unit_test(near_copies_are_found),
        cmocka_unit_test(short_rows_are_filled),
        cmocka_unit_test(large_images_sum_exactly),
        cmocka_unit_test(refuses_what_cannot_be),
        cmocka_unit_test(basis_spans_the_sample),
        cmocka_unit_test(vote_takes_the_most_and_the_nearest),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
