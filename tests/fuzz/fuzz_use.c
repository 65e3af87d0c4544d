/* fuzz_use.c - libFuzzer target: split pairs of arbitrary shape (0 to 40
 * items, 0 to 12 rows and columns, any labels, an EMNIST Letters naming or
 * none) through what the commands do with a loaded split: statistics,
 * every selection, class names, floats (single and double), one-hot and
 * integer labels, batches, every writer, nearest neighbours and their
 * votes; the same files loaded through read callbacks and descriptors,
 * and the buffers taken out of a split. Nothing may crash, and what each
 * call promises is checked. The input: 8 bytes of parameters, then the
 * pixels and labels (cycled when short). */
#define _POSIX_C_SOURCE 200809L
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>



#include "fmnist.h"
#include "os.h"

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

/* A file in memory, read through a callback `step` bytes at a time. */
typedef struct reading {
    const uint8_t *p;
    size_t n, at, step;
} reading;

static long read_some(void *ctx, void *buf, size_t n)
{
    reading *r = ctx;
    size_t take = r->n - r->at < n ? r->n - r->at : n;
    if (take > r->step)
        take = r->step;
    memcpy(buf, r->p + r->at, take);
    r->at += take;
    return (long)take;
}

/* The same pair loaded through read callbacks and through pipes' file
 * descriptors: the same split as from memory, or the same refusal. */
static void other_sources(const uint8_t *im, size_t im_n, const uint8_t *lb,
                          size_t lb_n, const fmn_options *opt,
                          const fmn_split *want, size_t step)
{
    reading ri = {im, im_n, 0, step}, rl = {lb, lb_n, 0, 1 + step / 3};
    fmn_split *got = NULL;
    fmn_error err;
    fmn_status st = fmn_split_load_callback(read_some, &ri, "im", read_some,
                                            &rl, "lb", opt, &got, &err);
    check((st == FMN_OK) == (want != NULL));
    if (got) {
        fmn_images a = fmn_split_images(want), b = fmn_split_images(got);
        size_t bytes = a.count * a.height * a.width;
        check(a.count == b.count && a.height == b.height &&
              a.width == b.width);
        check(bytes == 0 || memcmp(a.data, b.data, bytes) == 0);
        check(a.count == 0 || memcmp(fmn_split_labels(want),
                                     fmn_split_labels(got), a.count) == 0);
        fmn_split_free(got);
        got = NULL;
    }
    int pi[2], pl[2];
    if (im_n > 60000 || lb_n > 60000 || os_pipe(pi) != 0)
        return; /* a pipe holds 64 KiB: written whole before it is read */
    if (os_pipe(pl) != 0) {
        os_close(pi[0]);
        os_close(pi[1]);
        return;
    }
    int written = os_write(pi[1], im, im_n) == 0 &&
                  os_write(pl[1], lb, lb_n) == 0;
    os_close(pi[1]);
    os_close(pl[1]);
    if (written) {
        st = fmn_split_load_fd(pi[0], "im", pl[0], "lb", opt, &got, &err);
        check((st == FMN_OK) == (want != NULL));
        fmn_split_free(got);
    }
    os_close(pi[0]); /* the descriptors stay the caller's */
    os_close(pl[0]);
}

/* A split of n items of h x w from the input's bytes; NULL when the load
 * refuses it (labels that are no class). */
static fmn_split *make_split(const uint8_t *in, size_t in_n, size_t n,
                             size_t h, size_t w, unsigned classes,
                             int letters, size_t step)
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
    if (step)
        other_sources(im, 16 + px, lb, 8 + n, &opt, sp, step);
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
    double *d = malloc((n * px + 1) * sizeof *d);
    if (d) {
        fmn_scale64 sc64 = {p[1] / 255.0, 0.1 + p[2] / 64.0};
        check(fmn_images_to_double(im, all, p[3] & 1 ? &sc64 : NULL,
                                   (fmn_layout)(p[0] & 1), d, n * px,
                                   &err) == FMN_OK);
        for (size_t i = 0; !(p[3] & 1) && i < n * px; i++)
            check(d[i] == im.data[i] / 255.0);
        check(n == 0 || px == 0 ||
              fmn_images_to_double(im, all, NULL, FMN_LAYOUT_NHW, d,
                                   n * px - 1, &err) ==
                  FMN_ERR_BUFFER_TOO_SMALL);
        free(d);
    }
    int32_t *l32 = malloc((n + 1) * sizeof *l32);
    int64_t *l64 = malloc((n + 1) * sizeof *l64);
    if (l32 && l64) {
        const uint8_t *lb = fmn_split_labels(sp);
        check(fmn_labels_to_int32(lb, n, all, l32, n, &err) == FMN_OK);
        check(fmn_labels_to_int64(lb, n, all, l64, n, &err) == FMN_OK);
        for (size_t i = 0; i < n; i++)
            check(l32[i] == lb[i] && l64[i] == lb[i]);
        fmn_items past = fmn_items_range(n, 1);
        check(fmn_labels_to_int32(lb, n, past, l32, n + 1, &err) ==
              FMN_ERR_RANGE);
    }
    free(l32);
    free(l64);
    unsigned end = fmn_split_first_label(sp) + fmn_split_num_classes(sp);
    float *oh = malloc((n * end + 1) * sizeof *oh);
    if (oh) {
        check(fmn_labels_one_hot(fmn_split_labels(sp), n, all, end, oh,
                                 n * end, &err) == FMN_OK);
        free(oh);
    }
    fmn_batch_options bo;
    fmn_batch_options_init(&bo);
    bo.batch_size = (size_t)(p[1] % 9);
    bo.shuffle = p[2] & 1;
    bo.seed = p[3];
    bo.drop_last = p[4] & 1;
    bo.views_only = p[5] & 1;
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

/* Options of any struct_size, as an older or a newer caller (or a buggy
 * one) might pass: each call reads them or refuses them, never more. */
static void option_sizes(const uint8_t *p)
{
    union {
        fmn_options o;
        fmn_knn_options k;
        fmn_batch_options b;
        unsigned char bytes[sizeof(fmn_options) + 32];
    } u;
    size_t n = p[0] % (sizeof(fmn_options) + 24);
    memset(&u, 0, sizeof u);
    if (p[1] & 1) /* what a newer caller's fields would hold */
        u.bytes[sizeof(fmn_options) + p[2] % 16] = 1;
    static const uint8_t tiny[] = {0, 0, 8, 1, 0, 0, 0, 2, 1, 2};
    fmn_error err;
    fmn_idx *idx;
    fmn_options_init_sized(&u.o, n);
    u.o.struct_size = n; /* also below its smallest */
    fmn_status st = fmn_idx_load_memory(tiny, sizeof tiny, "t", &u.o, &idx,
                                        &err);
    check(st == FMN_OK || st == FMN_ERR_INVALID_ARGUMENT);
    check((st == FMN_OK) == (idx != NULL));
    fmn_idx_free(idx);
    memset(&u, 0, sizeof u);
    fmn_knn_options_init_sized(&u.k, n);
    u.k.struct_size = n;
    uint8_t px[4] = {0, 1, 2, 3};
    fmn_images im = {px, 2, 1, 2};
    fmn_neighbor nn[4];
    st = fmn_knn(im, NULL, &u.k, nn, 4, &err);
    check(st == FMN_OK || st == FMN_ERR_INVALID_ARGUMENT ||
          st == FMN_ERR_BUFFER_TOO_SMALL);
    static const uint8_t tiny_images[] = {0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 1,
                                          0, 0, 0, 1, 7, 9};
    fmn_split *sp;
    if (fmn_split_load_memory(tiny_images, sizeof tiny_images, "i", tiny,
                              sizeof tiny, "l", NULL, &sp, &err) != FMN_OK)
        return;
    memset(&u, 0, sizeof u);
    fmn_batch_options_init_sized(&u.b, n);
    u.b.struct_size = n;
    fmn_batcher *b;
    st = fmn_batcher_new(sp, fmn_items_range(0, 2), &u.b, &b, &err);
    check(st == FMN_OK || st == FMN_ERR_INVALID_ARGUMENT);
    if (st == FMN_OK)
        fmn_batcher_free(b);
    fmn_split_free(sp);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 8)
        return 0;
    size_t n = data[0] % 41, h = data[1] % 13, w = data[2] % 13;
    unsigned classes = 1 + data[3] % 30;
    int letters = data[4] & 1;
    const uint8_t *p = data; /* the 8 parameter bytes, reused */
    if (data[7] & 0x80)
        option_sizes(data);
    size_t step = data[5] & 0x80 ? 1 + data[6] % 64 : 0; /* other sources */
    fmn_split *sp = make_split(data + 8, size - 8, n, h, w, classes, letters,
                               step);
    if (!sp)
        return 0;
    fmn_images im = fmn_split_images(sp);
    check(im.count == n && (n == 0 || im.data != NULL));
    check(letters ? (im.height == w && im.width == h)
                  : (im.height == h && im.width == w));
    selections(sp, p);
    conversions(sp, p);
    neighbours(sp, p);
    if (data[5] & 0x40) { /* the buffers taken out, the split freed */
        size_t bytes = im.count * im.height * im.width;
        uint8_t *copy = malloc(bytes + n + 1), *pixels = NULL, *labels = NULL;
        if (copy) {
            memcpy(copy, im.data ? im.data : copy, bytes);
            memcpy(copy + bytes, fmn_split_labels(sp) ? fmn_split_labels(sp)
                                                      : copy, n);
        }
        fmn_error err;
        fmn_status st = fmn_split_release(sp, &pixels, &labels, &err);
        check(st == FMN_OK || st == FMN_ERR_NOMEM);
        if (st == FMN_OK) {
            check(!copy || bytes == 0 || memcmp(pixels, copy, bytes) == 0);
            check(!copy || n == 0 || memcmp(labels, copy + bytes, n) == 0);
            free(pixels);
            free(labels);
        } else {
            fmn_split_free(sp);
        }
        free(copy);
        return 0;
    }
    fmn_split_free(sp);
    return 0;
}
