/* example_softmax.c - softmax regression on Fashion-MNIST with libfmnist:
 * load both splits, hold out a stratified validation set (600 images per
 * class), train by mini-batch SGD on shuffled batches of standardised
 * floats, and print the validation and test accuracy.
 *
 *   example_softmax [DIR] [EPOCHS]
 *
 * DIR defaults to $FMNIST_DATA, else /usr/share/datasets/fashion-mnist.
 * Build it against an installed libfmnist (see README, "Building against it"):
 *   cc example_softmax.c $(pkg-config --cflags --libs fmnist) -lm
 */
#include <fmnist.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { BATCH = 100, MAX_CLASSES = 64 };

typedef struct model {
    size_t in, out;
    float *w; /* out x in */
    float b[MAX_CLASSES];
    float *x, *y; /* one batch of inputs (BATCH x in), one-hot labels */
} model;

/* Softmax of w.x + b for one image into p. */
static void predict(const model *m, const float *x, float *p)
{
    float top = -INFINITY, sum = 0;
    for (size_t c = 0; c < m->out; c++) {
        const float *w = m->w + c * m->in;
        float z = m->b[c];
        for (size_t i = 0; i < m->in; i++)
            z += w[i] * x[i];
        p[c] = z;
        top = z > top ? z : top;
    }
    for (size_t c = 0; c < m->out; c++)
        sum += p[c] = expf(p[c] - top);
    for (size_t c = 0; c < m->out; c++)
        p[c] /= sum;
}

/* Index of the largest of n values. */
static size_t argmax(const float *v, size_t n)
{
    size_t best = 0;
    for (size_t i = 1; i < n; i++)
        if (v[i] > v[best])
            best = i;
    return best;
}

/* One pass over `items` of `split`: a gradient step per batch when `lr` is
 * positive; returns the share classified right (before each step). */
static double epoch(model *m, const fmn_split *split, fmn_items items,
                    const fmn_batch_options *opt, fmn_scale scale, float lr,
                    fmn_batcher **iter)
{
    float *x = m->x, *y = m->y, p[MAX_CLASSES];
    fmn_error err;
    if (!*iter && fmn_batcher_new(split, items, opt, iter, &err) != FMN_OK) {
        fprintf(stderr, "%s\n", err.message);
        exit(1);
    }
    size_t right = 0, seen = 0;
    fmn_batch b;
    while (fmn_batcher_next(*iter, &b)) {
        fmn_items all = fmn_items_range(0, b.count);
        if (fmn_images_to_float(b.images, all, &scale, FMN_LAYOUT_NHW, x,
                                BATCH * m->in, &err) != FMN_OK ||
            fmn_labels_one_hot(b.labels, b.count, all, (unsigned)m->out, y,
                               BATCH * m->out, &err) != FMN_OK) {
            fprintf(stderr, "%s\n", err.message);
            exit(1);
        }
        for (size_t k = 0; k < b.count; k++) {
            const float *xk = x + k * m->in, *yk = y + k * m->out;
            predict(m, xk, p);
            right += argmax(p, m->out) == b.labels[k];
            if (lr <= 0)
                continue;
            /* cross-entropy gradient: (p - y) x, averaged over the batch */
            for (size_t c = 0; c < m->out; c++) {
                float g = (p[c] - yk[c]) * lr / (float)b.count;
                float *w = m->w + c * m->in;
                for (size_t i = 0; i < m->in; i++)
                    w[i] -= g * xk[i];
                m->b[c] -= g;
            }
        }
        seen += b.count;
    }
    return seen ? (double)right / (double)seen : 0;
}

int main(int argc, char **argv)
{
    const char *dir = argc > 1 ? argv[1] : getenv("FMNIST_DATA");
    if (!dir || !*dir)
        dir = "/usr/share/datasets/fashion-mnist";
    int epochs = argc > 2 ? atoi(argv[2]) : 5;
    fmn_split *train, *test;
    fmn_error err;
    if (fmn_dataset_load(dir, NULL, &train, &test, &err) != FMN_OK) {
        fprintf(stderr, "%s\n", err.message);
        return 1;
    }
    if (fmn_split_num_classes(train) > MAX_CLASSES) {
        fprintf(stderr, "%s: more classes than this example takes\n", dir);
        return 1;
    }
    fmn_images im = fmn_split_images(train);
    model m = {im.height * im.width, fmn_split_num_classes(train), NULL, {0},
               NULL, NULL};

    /* 600 images of each class for validation, the rest to train on */
    size_t n = fmn_split_count(train), nval = 600 * m.out;
    uint32_t *val = malloc(nval * sizeof *val);
    uint32_t *rest = malloc((n - nval) * sizeof *rest);
    m.w = calloc(m.out * m.in, sizeof *m.w);
    m.x = malloc(BATCH * m.in * sizeof *m.x);
    m.y = malloc(BATCH * m.out * sizeof *m.y);
    if (!val || !rest || !m.w || !m.x || !m.y) {
        fprintf(stderr, "out of memory\n");
        return 1;
    }
    if (fmn_select_stratified(train, fmn_items_range(0, n), 600, 42, val,
                              nval, rest, n - nval, &err) != FMN_OK) {
        fprintf(stderr, "%s\n", err.message);
        return 1;
    }
    fmn_items fit = fmn_items_list(rest, n - nval);

    /* standardise with the training images' own mean and std */
    fmn_pixel_stats st;
    fmn_images_pixel_stats(im, fit, &st, NULL);
    fmn_scale scale = fmn_scale_from_stats(&st);
    printf("train %zu, validation %zu, test %zu; mean %.4f std %.4f\n",
           n - nval, nval, fmn_split_count(test), scale.mean, scale.std);

    fmn_batch_options shuffled, in_order;
    fmn_batch_options_init(&shuffled);
    shuffled.batch_size = BATCH;
    shuffled.shuffle = 1;
    shuffled.seed = 42;
    fmn_batch_options_init(&in_order);
    in_order.batch_size = BATCH;
    fmn_batcher *tb = NULL, *vb = NULL, *eb = NULL;
    for (int e = 0; e < epochs; e++) {
        double acc = epoch(&m, train, fit, &shuffled, scale, 0.05f, &tb);
        double vacc = epoch(&m, train, fmn_items_list(val, nval), &in_order,
                            scale, 0, &vb);
        printf("epoch %d: train %.2f%%, validation %.2f%%\n", e + 1,
               100 * acc, 100 * vacc);
    }
    double tacc = epoch(&m, test, fmn_items_range(0, fmn_split_count(test)),
                        &in_order, scale, 0, &eb);
    printf("test accuracy %.4f\n", tacc);
    fmn_batcher_free(tb);
    fmn_batcher_free(vb);
    fmn_batcher_free(eb);
    free(m.w);
    free(m.x);
    free(m.y);
    free(val);
    free(rest);
    fmn_split_free(train);
    fmn_split_free(test);
    return 0;
}
