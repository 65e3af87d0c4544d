/* batch.c - the mini-batch iterator: an order per epoch from (seed,
 * epoch), views into the split where items are consecutive, one gather
 * buffer otherwise. */
#include "internal.h"

#include <stdlib.h>
#include <string.h>

struct fmn_batcher {
    const fmn_split *split;
    fmn_batch_options opt;
    size_t n;            /* items per epoch */
    uint32_t *items;     /* the items, as given */
    uint32_t *order;     /* this epoch's items in batch order */
    uint32_t *perm;      /* scratch for the permutation (shuffle only) */
    uint8_t *pixels;     /* gather buffer: batch_size images */
    uint8_t *labels;     /* gather buffer: batch_size labels */
    uint64_t epoch;
    size_t next;         /* position in `order` of the next batch */
    int ready;           /* `order` holds `epoch`'s order */
};

fmn_status fmn_batcher_new(const fmn_split *split, fmn_items items,
                           const fmn_batch_options *opt, fmn_batcher **out,
                           fmn_error *err)
{
    const char *what = "fmn_batcher_new";
    fmni_clear(err);
    if (out)
        *out = NULL;
    if (!split || !out)
        return fmni_bad_argument(err);
    fmn_batch_options o; /* the caller's, whole (options.c) */
    fmn_status st = fmni_batch_options_take(opt, &o, err);
    if (st == FMN_OK)
        st = fmni_split_items_check(split, items, what, err);
    if (st != FMN_OK)
        return st;
    fmn_batcher *b = calloc(1, sizeof *b);
    if (!b)
        goto nomem;
    b->split = split;
    b->opt = o;
    b->n = items.count;
    size_t n = items.count ? items.count : 1;
    b->items = malloc(n * sizeof *b->items);
    b->order = malloc(n * sizeof *b->order);
    if (!b->items || !b->order)
        goto nomem;
    for (size_t i = 0; i < items.count; i++)
        b->items[i] = (uint32_t)fmn_items_at(items, i);
    if (b->opt.shuffle && !(b->perm = malloc(n * sizeof *b->perm)))
        goto nomem;
    if (!b->opt.views_only) {
        fmn_images im = fmn_split_images(split);
        size_t px = im.height * im.width;
        size_t batch = b->opt.batch_size < n ? b->opt.batch_size : n;
        if (px && batch > SIZE_MAX / px) {
            fmn_batcher_free(b);
            return fmni_fail(err, FMN_ERR_SIZE_OVERFLOW, what, FMN_NO_OFFSET,
                             0, "a batch of %zu images does not fit in "
                             "memory", batch);
        }
        b->pixels = malloc(px * batch > 0 ? px * batch : 1);
        b->labels = malloc(batch);
        if (!b->pixels || !b->labels)
            goto nomem;
    }
    *out = b;
    return FMN_OK;
nomem:
    fmn_batcher_free(b);
    return fmni_fail(err, FMN_ERR_NOMEM, what, FMN_NO_OFFSET, 0,
                     "no memory for a batcher over %zu items", items.count);
}

/* Puts `epoch`'s order into b->order. */
static void prepare(fmn_batcher *b)
{
    if (b->opt.shuffle) {
        (void)fmn_permutation(b->perm, b->n, b->opt.seed, b->epoch, NULL);
        for (size_t i = 0; i < b->n; i++)
            b->order[i] = b->items[b->perm[i]];
    } else if (b->n) {
        memcpy(b->order, b->items, b->n * sizeof *b->order);
    }
    b->ready = 1;
}

int fmn_batcher_next(fmn_batcher *b, fmn_batch *batch)
{
    if (!b || !batch)
        return 0;
    if (!b->ready)
        prepare(b);
    size_t left = b->n - b->next;
    size_t count = left < b->opt.batch_size ? left : b->opt.batch_size;
    if (count == 0 || (b->opt.drop_last && count < b->opt.batch_size)) {
        /* end of the epoch: the next call starts the next one */
        b->epoch++;
        b->next = 0;
        b->ready = 0;
        memset(batch, 0, sizeof *batch);
        return 0;
    }
    const uint32_t *ids = b->order + b->next;
    fmn_images all = fmn_split_images(b->split);
    const uint8_t *labels = fmn_split_labels(b->split);
    size_t px = all.height * all.width;

    memset(batch, 0, sizeof *batch);
    batch->epoch = b->epoch;
    batch->index = b->next / b->opt.batch_size; /* all but the last are full */
    batch->count = count;
    batch->items = fmn_items_list(ids, count);
    batch->images.count = count;
    batch->images.height = all.height;
    batch->images.width = all.width;
    size_t run = 1;
    while (run < count && ids[run] == ids[0] + run)
        run++;
    if (run == count) {
        batch->images.data = all.data + (size_t)ids[0] * px;
        batch->labels = labels + ids[0];
    } else if (!b->opt.views_only) {
        for (size_t i = 0; i < count; i++) {
            memcpy(b->pixels + i * px, all.data + (size_t)ids[i] * px, px);
            b->labels[i] = labels[ids[i]];
        }
        batch->images.data = b->pixels;
        batch->labels = b->labels;
        batch->copied = 1;
    }
    b->next += count;
    return 1;
}

void fmn_batcher_seek_epoch(fmn_batcher *b, uint64_t epoch)
{
    if (!b)
        return;
    b->epoch = epoch;
    b->next = 0;
    b->ready = 0;
}

uint64_t fmn_batcher_epoch(const fmn_batcher *b)
{
    return b ? b->epoch : 0;
}

size_t fmn_batcher_num_batches(const fmn_batcher *b)
{
    if (!b)
        return 0;
    size_t full = b->n / b->opt.batch_size;
    return full + (!b->opt.drop_last && b->n % b->opt.batch_size ? 1 : 0);
}

void fmn_batcher_free(fmn_batcher *b)
{
    if (!b)
        return;
    free(b->items);
    free(b->order);
    free(b->perm);
    free(b->pixels);
    free(b->labels);
    free(b);
}
