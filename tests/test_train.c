/* test_train.c - the training-side calls on a synthetic split: PCG32 and
 * the shuffle against pinned values, the batch iterator, selections,
 * stratified splits, float and one-hot conversion. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "fixture.h"
#include "fmnist.h"

enum { N = SPLIT_N, H = SPLIT_H, W = SPLIT_W, PX = H * W };

static fmn_split *make_split(void)
{
    fmn_split *sp = split_make();
    assert_non_null(sp);
    return sp;
}

static void pcg32_reference(void **state)
{
    (void)state;
    /* the reference implementation's demo: seed 42, stream 54 */
    static const uint32_t want[6] = {0xa15c02b7, 0x7b47f409, 0xba1d3330,
                                     0x83d2f293, 0xbfa4784b, 0xcbed606e};
    fmn_rng rng;
    fmn_rng_seed(&rng, 42, 54);
    for (int i = 0; i < 6; i++)
        assert_int_equal(fmn_rng_next(&rng), want[i]);
    assert_int_equal(fmn_rng_below(&rng, 0), 0);
    for (int i = 0; i < 10000; i++)
        assert_true(fmn_rng_below(&rng, 7) < 7);
    /* every residue of a small bound comes up */
    int seen[7] = {0};
    for (int i = 0; i < 1000; i++)
        seen[fmn_rng_below(&rng, 7)] = 1;
    for (int i = 0; i < 7; i++)
        assert_true(seen[i]);
}

static void permutation_pinned(void **state)
{
    (void)state;
    /* the first permutation for seed 42: the same on every compiler */
    static const uint32_t want10[10] = {1, 6, 7, 8, 4, 3, 9, 5, 2, 0};
    static const uint32_t want60k[10] = {36651, 54812, 6856,  36577, 10230,
                                         25335, 291,   1260,  39626, 22610};
    uint32_t p[10];
    assert_int_equal(fmn_permutation(p, 10, 42, 0, NULL), FMN_OK);
    assert_memory_equal(p, want10, sizeof want10);
    uint32_t *q = malloc(60000 * sizeof *q);
    assert_non_null(q);
    assert_int_equal(fmn_permutation(q, 60000, 42, 0, NULL), FMN_OK);
    assert_memory_equal(q, want60k, sizeof want60k);
    /* a permutation: every value once */
    uint8_t *seen = calloc(60000, 1);
    for (size_t i = 0; i < 60000; i++) {
        assert_true(q[i] < 60000);
        assert_false(seen[q[i]]);
        seen[q[i]] = 1;
    }
    /* another epoch, another order; the same epoch, the same order */
    uint32_t e1[10], again[10];
    fmn_permutation(e1, 10, 42, 1, NULL);
    fmn_permutation(again, 10, 42, 0, NULL);
    assert_memory_not_equal(e1, p, sizeof p);
    assert_memory_equal(again, p, sizeof p);
    free(seen);
    free(q);
    fmn_error err;
    assert_int_equal(fmn_permutation(NULL, 3, 1, 0, &err),
                     FMN_ERR_INVALID_ARGUMENT);
#if SIZE_MAX > UINT32_MAX
    assert_int_equal(fmn_permutation(p, (size_t)UINT32_MAX + 1, 1, 0, &err),
                     FMN_ERR_INVALID_ARGUMENT);
#endif
    fmn_rng rng;
    fmn_rng_seed(&rng, 1, 1);
    assert_int_equal(fmn_shuffle(NULL, 0, &rng, NULL), FMN_OK);
}

/* Runs one epoch; counts how often each item came; checks each batch's
 * pixels and labels against the split. Returns the number of batches. */
static size_t run_epoch(fmn_batcher *b, const fmn_split *sp, size_t bs,
                        unsigned *hits, uint32_t *order)
{
    fmn_images all = fmn_split_images(sp);
    const uint8_t *labels = fmn_split_labels(sp);
    fmn_batch batch;
    size_t nb = 0, pos = 0;
    uint64_t epoch = fmn_batcher_epoch(b);
    while (fmn_batcher_next(b, &batch)) {
        assert_int_equal(batch.epoch, epoch);
        assert_int_equal(batch.index, nb);
        assert_true(batch.count >= 1 && batch.count <= bs);
        assert_int_equal(batch.images.count, batch.count);
        for (size_t i = 0; i < batch.count; i++) {
            size_t item = fmn_items_at(batch.items, i);
            hits[item]++;
            if (order)
                order[pos] = (uint32_t)item;
            pos++;
            if (batch.images.data) {
                assert_memory_equal(batch.images.data + i * PX,
                                    all.data + item * PX, PX);
                assert_int_equal(batch.labels[i], labels[item]);
            }
        }
        nb++;
    }
    assert_int_equal(fmn_batcher_epoch(b), epoch + 1);
    return nb;
}

static void batches_cover_each_item_once(void **state)
{
    (void)state;
    fmn_split *sp = make_split();
    fmn_items all = fmn_items_range(0, N);
    for (int drop = 0; drop <= 1; drop++) {
        fmn_batch_options o;
        fmn_batch_options_init(&o);
        o.batch_size = 10;
        o.shuffle = 1;
        o.seed = 42;
        o.drop_last = drop;
        fmn_batcher *b;
        assert_int_equal(fmn_batcher_new(sp, all, &o, &b, NULL), FMN_OK);
        assert_int_equal(fmn_batcher_num_batches(b), drop ? 10 : 11);
        uint32_t first[N], second[N];
        for (int e = 0; e < 3; e++) {
            unsigned hits[N] = {0};
            size_t nb = run_epoch(b, sp, 10, hits, e == 0 ? first : second);
            assert_int_equal(nb, drop ? 10 : 11);
            size_t covered = 0;
            for (size_t i = 0; i < N; i++) {
                assert_true(hits[i] <= 1);
                covered += hits[i];
            }
            assert_int_equal(covered, drop ? 100 : N);
        }
        /* epochs differ; seeking back to epoch 0 repeats it exactly */
        assert_memory_not_equal(first, second, 100 * sizeof first[0]);
        fmn_batcher_seek_epoch(b, 0);
        unsigned hits[N] = {0};
        run_epoch(b, sp, 10, hits, second);
        assert_memory_equal(first, second, 100 * sizeof first[0]);
        /* epoch 0 is fmn_permutation(N, 42, 0) */
        if (!drop) {
            uint32_t perm[N];
            fmn_permutation(perm, N, 42, 0, NULL);
            assert_memory_equal(first, perm, sizeof perm);
        }
        fmn_batcher_free(b);
    }
    fmn_split_free(sp);
}

static void batches_view_without_copy(void **state)
{
    (void)state;
    fmn_split *sp = make_split();
    fmn_images all = fmn_split_images(sp);
    fmn_batcher *b;
    /* in order: every batch is a view into the split */
    fmn_batch_options o;
    fmn_batch_options_init(&o);
    o.batch_size = 16;
    assert_int_equal(fmn_batcher_new(sp, fmn_items_range(0, N), &o, &b, NULL),
                     FMN_OK);
    fmn_batch batch;
    size_t start = 0;
    while (fmn_batcher_next(b, &batch)) {
        assert_false(batch.copied);
        assert_ptr_equal(batch.images.data, all.data + start * PX);
        assert_ptr_equal(batch.labels, fmn_split_labels(sp) + start);
        start += batch.count;
    }
    assert_int_equal(start, N);
    fmn_batcher_free(b);

    /* a subset, shuffled, views only: no pixels unless consecutive */
    uint32_t subset[6] = {5, 6, 7, 50, 51, 90};
    fmn_batch_options v;
    fmn_batch_options_init(&v);
    v.batch_size = 2;
    v.shuffle = 1;
    v.seed = 7;
    v.views_only = 1;
    assert_int_equal(fmn_batcher_new(sp, fmn_items_list(subset, 6), &v, &b,
                                     NULL), FMN_OK);
    unsigned hits[N] = {0};
    assert_int_equal(run_epoch(b, sp, 2, hits, NULL), 3);
    for (size_t i = 0; i < 6; i++)
        assert_int_equal(hits[subset[i]], 1);
    while (fmn_batcher_next(b, &batch)) {
        assert_false(batch.copied);
        int consecutive = batch.items.indices[1] == batch.items.indices[0] + 1;
        assert_int_equal(batch.images.data != NULL, consecutive);
    }
    fmn_batcher_free(b);

    /* NULL options: 64 a batch, in order */
    assert_int_equal(fmn_batcher_new(sp, fmn_items_range(0, N), NULL, &b,
                                     NULL), FMN_OK);
    assert_int_equal(fmn_batcher_num_batches(b), 2);
    fmn_batcher_free(b);
    fmn_error err;
    assert_int_equal(fmn_batcher_new(sp, fmn_items_range(100, 4), NULL, &b,
                                     &err), FMN_ERR_RANGE);
    assert_null(b);
    /* an empty set: no batch at all */
    assert_int_equal(fmn_batcher_new(sp, fmn_items_range(0, 0), NULL, &b,
                                     NULL), FMN_OK);
    assert_int_equal(fmn_batcher_next(b, &batch), 0);
    fmn_batcher_free(b);
    fmn_split_free(sp);
}

static void selections(void **state)
{
    (void)state;
    fmn_split *sp = make_split();
    fmn_items all = fmn_items_range(0, N);
    fmn_error err;
    size_t n;
    /* class 3: items 0-4, then 13, 23, ..., 93 */
    assert_int_equal(fmn_select_class(sp, all, 3, NULL, 0, &n, &err), FMN_OK);
    assert_int_equal(n, 5 + 9);
    uint32_t out[N];
    assert_int_equal(fmn_select_class(sp, all, 3, out, 3, &n, &err),
                     FMN_ERR_BUFFER_TOO_SMALL);
    assert_int_equal(fmn_select_class(sp, all, 3, out, N, &n, &err), FMN_OK);
    assert_int_equal(out[4], 4);
    assert_int_equal(out[5], 13);
    assert_int_equal(out[13], 93);
    /* within a range, and within an index list (its order kept) */
    assert_int_equal(fmn_select_class(sp, fmn_items_range(10, 20), 3, out, N,
                                      &n, NULL), FMN_OK);
    assert_int_equal(n, 2);
    assert_int_equal(out[0], 13);
    uint32_t list[4] = {23, 2, 7, 13};
    assert_int_equal(fmn_select_class(sp, fmn_items_list(list, 4), 3, out, N,
                                      &n, NULL), FMN_OK);
    assert_int_equal(n, 3);
    assert_int_equal(out[0], 23);
    assert_int_equal(out[1], 2);
    assert_int_equal(out[2], 13);
    uint32_t bad[2] = {1, N};
    assert_int_equal(fmn_select_class(sp, fmn_items_list(bad, 2), 3, out, N,
                                      &n, &err), FMN_ERR_RANGE);
    assert_non_null(strstr(err.message, "index 103"));

    /* first 2 per class */
    assert_int_equal(fmn_select_first_per_class(sp, all, 2, out, N, &n, NULL),
                     FMN_OK);
    assert_int_equal(n, 20);
    unsigned per[10] = {0};
    for (size_t i = 0; i < n; i++) {
        per[fmn_split_labels(sp)[out[i]]]++;
        if (i)
            assert_true(out[i] > out[i - 1]);
    }
    for (int c = 0; c < 10; c++)
        assert_int_equal(per[c], 2);
    assert_int_equal(out[0], 0); /* class 3's first two: items 0 and 1 */
    assert_int_equal(out[1], 1);
    fmn_split_free(sp);
}

static void stratified(void **state)
{
    (void)state;
    fmn_split *sp = make_split();
    fmn_items all = fmn_items_range(0, N);
    const uint8_t *labels = fmn_split_labels(sp);
    uint32_t val[30], rest[N], val2[30];
    fmn_error err;
    /* classes 0,1,2 have 9 or 10 items; 3 has 14: 3 per class */
    assert_int_equal(fmn_select_stratified(sp, all, 3, 42, val, 30, rest,
                                           N - 30, &err), FMN_OK);
    unsigned per[10] = {0}, in[N] = {0};
    for (size_t i = 0; i < 30; i++) {
        per[labels[val[i]]]++;
        in[val[i]]++;
        if (i)
            assert_true(val[i] > val[i - 1]);
    }
    for (size_t i = 0; i < N - 30; i++) {
        in[rest[i]]++;
        if (i)
            assert_true(rest[i] > rest[i - 1]);
    }
    for (int c = 0; c < 10; c++)
        assert_int_equal(per[c], 3);
    for (size_t i = 0; i < N; i++)
        assert_int_equal(in[i], 1);
    /* deterministic; another seed, another choice */
    assert_int_equal(fmn_select_stratified(sp, all, 3, 42, val2, 30, NULL, 0,
                                           NULL), FMN_OK);
    assert_memory_equal(val, val2, sizeof val);
    fmn_select_stratified(sp, all, 3, 43, val2, 30, NULL, 0, NULL);
    assert_memory_not_equal(val, val2, sizeof val);
    /* too many per class; buffers too small */
    assert_int_equal(fmn_select_stratified(sp, all, 10, 1, val, 30, NULL, 0,
                                           &err), FMN_ERR_RANGE);
    assert_non_null(strstr(err.message, "has 9 items"));
    assert_int_equal(fmn_select_stratified(sp, all, 3, 1, val, 29, NULL, 0,
                                           &err), FMN_ERR_BUFFER_TOO_SMALL);
    assert_int_equal(fmn_select_stratified(sp, all, 3, 1, val, 30, rest, 72,
                                           &err), FMN_ERR_BUFFER_TOO_SMALL);
    fmn_split_free(sp);
}

static void float_conversion(void **state)
{
    (void)state;
    fmn_split *sp = make_split();
    fmn_images im = fmn_split_images(sp);
    float x[N * PX], y[N * PX];
    fmn_error err;
    /* exact at 0, 128 and 255 (the first three pixels of image 0) */
    assert_int_equal(fmn_images_to_float(im, fmn_items_range(0, N), NULL,
                                         FMN_LAYOUT_NHW, x, N * PX, &err),
                     FMN_OK);
    assert_true(x[0] == 0.0f);
    assert_true(x[1] == 128.0f / 255.0f);
    assert_true(x[2] == 1.0f);
    for (size_t i = 0; i < N * PX; i++)
        assert_true(x[i] == (float)im.data[i] / 255.0f);
    /* NCHW: the same values, another shape */
    fmn_scale unit = {0.0f, 1.0f};
    assert_int_equal(fmn_images_to_float(im, fmn_items_range(0, N), &unit,
                                         FMN_LAYOUT_NCHW, y, N * PX, &err),
                     FMN_OK);
    assert_memory_equal(x, y, sizeof x);
    size_t shape[4];
    assert_int_equal(fmn_float_shape(im, 5, FMN_LAYOUT_NCHW, shape), 4);
    assert_int_equal(shape[0], 5);
    assert_int_equal(shape[1], 1);
    assert_int_equal(shape[2], H);
    assert_int_equal(shape[3], W);
    assert_int_equal(fmn_float_shape(im, 5, FMN_LAYOUT_NHW, shape), 3);
    /* standardised */
    fmn_scale z = {0.25f, 0.5f};
    assert_int_equal(fmn_images_to_float(im, fmn_items_range(0, 1), &z,
                                         FMN_LAYOUT_NHW, y, PX, &err), FMN_OK);
    assert_true(y[0] == -0.5f);
    assert_true(y[2] == 1.5f);
    assert_true(y[1] == (128.0f / 255.0f - 0.25f) / 0.5f);
    /* an index list gathers */
    uint32_t list[3] = {7, 2, 7};
    assert_int_equal(fmn_images_to_float(im, fmn_items_list(list, 3), NULL,
                                         FMN_LAYOUT_NHW, y, 3 * PX, &err),
                     FMN_OK);
    assert_memory_equal(y, x + 7 * PX, PX * sizeof(float));
    assert_memory_equal(y + PX, x + 2 * PX, PX * sizeof(float));
    assert_memory_equal(y + 2 * PX, x + 7 * PX, PX * sizeof(float));
    /* errors */
    assert_int_equal(fmn_images_to_float(im, fmn_items_list(list, 3), NULL,
                                         FMN_LAYOUT_NHW, y, 3 * PX - 1, &err),
                     FMN_ERR_BUFFER_TOO_SMALL);
    assert_non_null(strstr(err.message, "18"));
    fmn_scale zero = {0.5f, 0.0f};
    assert_int_equal(fmn_images_to_float(im, fmn_items_range(0, 1), &zero,
                                         FMN_LAYOUT_NHW, y, PX, &err),
                     FMN_ERR_INVALID_ARGUMENT);
    assert_int_equal(fmn_images_to_float(im, fmn_items_range(N, 1), NULL,
                                         FMN_LAYOUT_NHW, y, PX, &err),
                     FMN_ERR_RANGE);
    assert_int_equal(fmn_images_to_float(im, fmn_items_range(0, 1), NULL,
                                         (fmn_layout)7, y, PX, &err),
                     FMN_ERR_INVALID_ARGUMENT);

    /* statistics over items, and the scale that standardises them */
    fmn_pixel_stats st;
    assert_int_equal(fmn_images_pixel_stats(im, fmn_items_range(0, 1), &st,
                                            &err), FMN_OK);
    uint64_t sum = 0;
    for (size_t k = 0; k < PX; k++)
        sum += im.data[k];
    assert_int_equal(st.count, PX);
    assert_int_equal(st.sum, sum);
    fmn_scale s = fmn_scale_from_stats(&st);
    assert_true(s.mean == (float)(st.mean / 255.0));
    assert_int_equal(fmn_images_pixel_stats(im, fmn_items_list(list, 3), &st,
                                            &err), FMN_OK);
    assert_int_equal(st.count, 3 * PX);
    fmn_split_free(sp);
}

/* float64: every value exactly the double v / 255.0 gives (not a widened
 * float), a scale applied in double, lists and the checks; labels as
 * int32 and int64 class indices. */
static void double_and_integer_conversions(void **state)
{
    (void)state;
    fmn_split *sp = make_split();
    fmn_images im = fmn_split_images(sp);
    size_t n = im.count, px = im.height * im.width;
    double *x = malloc(n * px * sizeof *x);
    assert_non_null(x);
    fmn_error err;
    assert_int_equal(fmn_images_to_double(im, fmn_items_range(0, n), NULL,
                                          FMN_LAYOUT_NCHW, x, n * px, &err),
                     FMN_OK);
    int widened_differs = 0;
    for (size_t i = 0; i < n * px; i++) {
        assert_true(x[i] == (double)im.data[i] / 255.0);
        widened_differs |= (double)((float)im.data[i] / 255.0f) != x[i];
    }
    assert_true(widened_differs); /* what the call is for */
    fmn_scale64 sc = {0.2860406, 0.3530242};
    uint32_t list[2] = {3, 0};
    assert_int_equal(fmn_images_to_double(im, fmn_items_list(list, 2), &sc,
                                          FMN_LAYOUT_NHW, x, 2 * px, &err),
                     FMN_OK);
    assert_true(x[0] == ((double)im.data[3 * px] / 255.0 - 0.2860406) /
                            0.3530242);
    assert_true(x[px] == ((double)im.data[0] / 255.0 - 0.2860406) / 0.3530242);
    fmn_scale64 bad = {0.0, 0.0};
    assert_int_equal(fmn_images_to_double(im, fmn_items_range(0, 1), &bad,
                                          FMN_LAYOUT_NHW, x, px, &err),
                     FMN_ERR_INVALID_ARGUMENT);
    assert_int_equal(fmn_images_to_double(im, fmn_items_range(0, 2), NULL,
                                          FMN_LAYOUT_NHW, x, px, &err),
                     FMN_ERR_BUFFER_TOO_SMALL);
    assert_int_equal(fmn_images_to_double(im, fmn_items_range(n, 1), NULL,
                                          FMN_LAYOUT_NHW, x, px, &err),
                     FMN_ERR_RANGE);
    const uint8_t *lb = fmn_split_labels(sp);
    int32_t y32[4];
    int64_t y64[4];
    uint32_t pick[4] = {5, 0, 2, 1};
    assert_int_equal(fmn_labels_to_int32(lb, n, fmn_items_list(pick, 4), y32,
                                         4, &err),
                     FMN_OK);
    assert_int_equal(fmn_labels_to_int64(lb, n, fmn_items_list(pick, 4), y64,
                                         4, &err),
                     FMN_OK);
    for (int i = 0; i < 4; i++) {
        assert_int_equal(y32[i], lb[pick[i]]);
        assert_true(y64[i] == (int64_t)lb[pick[i]]);
    }
    assert_int_equal(fmn_labels_to_int64(lb, n, fmn_items_range(0, 4), y64, 3,
                                         &err),
                     FMN_ERR_BUFFER_TOO_SMALL);
    assert_int_equal(fmn_labels_to_int32(lb, n, fmn_items_range(n, 1), y32, 4,
                                         &err),
                     FMN_ERR_RANGE);
    assert_int_equal(fmn_labels_to_int32(NULL, n, fmn_items_range(0, 1), y32,
                                         4, &err),
                     FMN_ERR_INVALID_ARGUMENT);
    free(x);
    fmn_split_free(sp);
}

static void one_hot(void **state)
{
    (void)state;
    fmn_split *sp = make_split();
    const uint8_t *labels = fmn_split_labels(sp);
    float y[4 * 10];
    uint32_t list[4] = {0, 11, 19, 102};
    fmn_error err;
    assert_int_equal(fmn_labels_one_hot(labels, N, fmn_items_list(list, 4), 10,
                                        y, 40, &err), FMN_OK);
    for (size_t i = 0; i < 4; i++)
        for (unsigned c = 0; c < 10; c++)
            assert_true(y[i * 10 + c] == (c == labels[list[i]] ? 1.0f : 0.0f));
    assert_true(y[3] == 1.0f);       /* item 0: class 3 */
    assert_true(y[10 + 1] == 1.0f);  /* item 11: class 1 */
    assert_int_equal(fmn_labels_one_hot(labels, N, fmn_items_list(list, 4), 10,
                                        y, 39, &err),
                     FMN_ERR_BUFFER_TOO_SMALL);
    assert_int_equal(fmn_labels_one_hot(labels, N, fmn_items_list(list, 4), 3,
                                        y, 40, &err), FMN_ERR_BAD_LABEL);
    assert_int_equal(fmn_labels_one_hot(labels, N, fmn_items_range(100, 4), 10,
                                        y, 40, &err), FMN_ERR_RANGE);
    fmn_split_free(sp);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(pcg32_reference),
        cmocka_unit_test(permutation_pinned),
        cmocka_unit_test(batches_cover_each_item_once),
        cmocka_unit_test(batches_view_without_copy),
        cmocka_unit_test(selections),
        cmocka_unit_test(stratified),
        cmocka_unit_test(float_conversion),
        cmocka_unit_test(one_hot),
        cmocka_unit_test(double_and_integer_conversions),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
