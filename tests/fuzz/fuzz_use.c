/* fuzz_use.c - libFuzzer target: split pairs of arbitrary shape (0 to 40
 * items, 0 to 12 rows and columns, any labels, an EMNIST Letters naming or
 * none) through what the commands do with a loaded split: statistics,
 * every selection, class names, floats and one-hot labels, batches, every
 * writer, nearest neighbours and their votes. Nothing may crash, and what
 * each call promises is checked. The input: 8 bytes of parameters, then
 * the pixels and labels (cycled when short). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fmnist.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(int ok)
{
    if (!ok)
        __builtin_trap();
}

static void put_be32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

static int discard(void *ctx, const void *p, size_t n)
{
    (void)p;
    *(size_t *)ctx += n;
    return 0;
}

/* A split of n items of h x w from the input's bytes; NULL when the load
 * refuses it (labels that are no class). */
static fmn_split *make_split(const uint8_t *in, size_t in_n, size_t n,
                             size_t h, size_t w, unsigned classes,
                             int letters)
{
    size_t px = n * h * w;
    uint8_t *im = malloc(16 + px), *lb = malloc(8 + n);
    if (!im || !lb) {
        free(im);
        free(lb);
        return NULL;
    }
    memcpy(im, "\0\0\x08\x03", 4);
    put_be32(im + 4, (uint32_t)n);
    put_be32(im + 8, (uint32_t)h);
    put_be32(im + 12, (uint32_t)w);
    memcpy(lb, "\0\0\x08\x01", 4);
    put_be32(lb + 4, (uint32_t)n);
    for (size_t i = 0; i < px; i++)
        im[16 + i] = in_n ? in[i % in_n] : 0;
    for (size_t i = 0; i < n; i++) {
        unsigned v = in_n ? in[(px + i) % in_n] : 0;
        /* letters: 1 to 26; else now and then one that is no class */
        lb[8 + i] = (uint8_t)(letters ? 1 + v % 26 : v % (classes + 1));
    }
    fmn_options opt;
    fmn_options_init(&opt);
    opt.num_classes = letters ? 0 : classes;
    opt.dataset = letters ? FMN_DATASET_EMNIST_LETTERS : FMN_DATASET_UNKNOWN;
    opt.upright = letters;
    fmn_split *sp = NULL;
    fmn_error err;
    fmn_status st = fmn_split_load_memory(im, 16 + px, "im", lb, 8 + n, "lb",
                                          &opt, &sp, &err);
    check((st == FMN_OK) == (sp != NULL));
    check(st == FMN_OK || st == FMN_ERR_BAD_LABEL);
    free(im);
    free(lb);
    return sp;
}

static void selections(const fmn_split *sp, const uint8_t *p)
{
    size_t n = fmn_split_count(sp), total;
    fmn_items all = fmn_items_range(0, n);
    uint32_t *out = malloc((n + 1) * sizeof *out), *rest = malloc((n + 1) * sizeof *rest);
    if (!out || !rest) {
        free(out);
        free(rest);
        return;
    }
    fmn_error err;
    unsigned first = fmn_split_first_label(sp);
    if (fmn_select_class(sp, all, p[0] % 30, out, n, &total, &err) == FMN_OK)
        for (size_t i = 0; i < total; i++)
            check(fmn_split_labels(sp)[out[i]] == p[0] % 30);
    unsigned pick[3] = {p[0] % 30, p[1] % 30, first};
    check(fmn_select_classes(sp, all, pick, 3, out, n, &total, &err) == FMN_OK);
    check(fmn_select_sample(sp, all, p[1] % 50, p[2], out, n, &total, &err) ==
          FMN_OK);
    check(total == (p[1] % 50 < n ? p[1] % 50 : n));
    check(fmn_select_sample_per_class(sp, all, p[2] % 5, p[3], out, n, &total,
                                      &err) == FMN_OK);
    check(fmn_select_first_per_class(sp, all, p[2] % 5, out, n, &total,
                                     &err) == FMN_OK);
    size_t per = p[3] % 3, ncls = fmn_split_num_classes(sp);
    fmn_status st = fmn_select_stratified(sp, all, per, p[4], out, n, rest, n,
                                          &err);
    check(st == FMN_OK || st == FMN_ERR_RANGE || st == FMN_ERR_BUFFER_TOO_SMALL);
    if (st == FMN_OK && per)
        check(ncls * per <= n);
    char text[5] = {(char)(p[5] % 128), (char)(p[6] % 128), 0, 0, 0};
    unsigned c;
    if (fmn_split_find_class(sp, text, &c, &err) == FMN_OK)
        check(c >= first && c < first + ncls);
    free(out);
    free(rest);
}

static void conversions(const fmn_split *sp, const uint8_t *p)
{
    fmn_images im = fmn_split_images(sp);
    size_t n = im.count, px = im.height * im.width;
    fmn_items all = fmn_items_range(0, n);
    fmn_error err;
    fmn_pixel_stats s;
    check(fmn_images_pixel_stats(im, all, &s, &err) == FMN_OK);
    check(s.count == (uint64_t)n * px);
    uint64_t hist[256] = {0};
    fmn_histogram_add(hist, im.data, n * px);
    check(fmn_histogram_stats(hist).sum == s.sum);
    fmn_scale sc = fmn_scale_from_stats(&s);
    float *f = malloc((n * px + 1) * sizeof *f);
    if (f) {
        check(fmn_images_to_float(im, all, &sc, (fmn_layout)(p[0] & 1), f,
                                  n * px, &err) == FMN_OK);
        free(f);
    }
    unsigned end = fmn_split_first_label(sp) + fmn_split_num_classes(sp);
    float *oh = malloc((n * end + 1) * sizeof *oh);
    if (oh) {
        check(fmn_labels_one_hot(fmn_split_labels(sp), n, all, end, oh,
                                 n * end, &err) == FMN_OK);
        free(oh);
    }
    fmn_batch_options bo = {(size_t)(p[1] % 9), p[2] & 1, p[3], p[4] & 1,
                            p[5] & 1};
    fmn_batcher *b;
    if (fmn_batcher_new(sp, all, &bo, &b, &err) == FMN_OK) {
        fmn_batch batch;
        size_t seen = 0;
        while (fmn_batcher_next(b, &batch))
            seen += batch.count;
        check(seen <= n);
        fmn_batcher_free(b);
    }
    for (int format = FMN_FORMAT_IDX; format <= FMN_FORMAT_PGM; format++)
        for (int kind = FMN_FILE_IMAGES; kind <= FMN_FILE_LABELS; kind++) {
            size_t bytes = 0;
            fmn_status st = fmn_split_write(sp, all, (fmn_format)format,
                                            (fmn_file_kind)kind, discard,
                                            &bytes, &err);
            check(st == FMN_OK || (format == FMN_FORMAT_PGM &&
                                   kind == FMN_FILE_LABELS));
        }
}

static void neighbours(const fmn_split *sp, const uint8_t *p)
{
    fmn_images im = fmn_split_images(sp);
    size_t k = 1 + p[0] % 4, n = im.count;
    fmn_neighbor *nn = malloc((n * k + 1) * sizeof *nn);
    if (!nn)
        return;
    fmn_knn_options o;
    fmn_knn_options_init(&o);
    o.k = k;
    o.threads = 1 + (p[1] & 1);
    fmn_error err;
    check(fmn_knn(im, NULL, &o, nn, n * k, &err) == FMN_OK);
    const uint8_t *lb = fmn_split_labels(sp);
    for (size_t i = 0; i < n; i++) {
        for (size_t t = 0; t < k; t++) {
            size_t j = nn[i * k + t].index;
            check(j == FMN_NO_NEIGHBOR || (j < n && j != i));
            check(t == 0 || nn[i * k + t].distance2 >= nn[i * k + t - 1].distance2 ||
                  j == FMN_NO_NEIGHBOR);
        }
        int c = fmn_knn_vote(nn + i * k, k, lb, NULL);
        check(c == -1 || (n > 1 && c >= 0 && c < 256));
        (void)fmn_knn_suspect(nn + i * k, k, lb, lb[i], NULL);
    }
    free(nn);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 8)
        return 0;
    size_t n = data[0] % 41, h = data[1] % 13, w = data[2] % 13;
    unsigned classes = 1 + data[3] % 30;
    int letters = data[4] & 1;
    const uint8_t *p = data; /* the 8 parameter bytes, reused */
    fmn_split *sp = make_split(data + 8, size - 8, n, h, w, classes, letters);
    if (!sp)
        return 0;
    fmn_images im = fmn_split_images(sp);
    check(im.count == n && (n == 0 || im.data != NULL));
    check(letters ? (im.height == w && im.width == h)
                  : (im.height == h && im.width == w));
    selections(sp, p);
    conversions(sp, p);
    neighbours(sp, p);
    fmn_split_free(sp);
    return 0;
}
