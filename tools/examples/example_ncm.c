/* example_ncm.c - a nearest-class-mean classifier on Fashion-MNIST with
 * libfmnist: the mean image of each class of the train split, then each
 * test image goes to the class whose mean is nearest (squared Euclidean
 * distance on [0,1] pixels). Prints the test accuracy, about 0.677.
 *
 *   example_ncm [DIR]
 *
 * DIR defaults to $FMNIST_DATA, else /usr/share/datasets/fashion-mnist.
 */
#include <fmnist.h>

#include <stdio.h>
#include <stdlib.h>

enum { BATCH = 500 };

/* The split in order, BATCH images at a time (views into it: no copy). */
static fmn_batcher *in_order(const fmn_split *split)
{
    fmn_batch_options opt;
    fmn_batch_options_init(&opt);
    opt.batch_size = BATCH;
    fmn_batcher *b = NULL;
    fmn_error err;
    if (fmn_batcher_new(split, fmn_items_range(0, fmn_split_count(split)),
                        &opt, &b, &err) != FMN_OK)
        fprintf(stderr, "%s\n", err.message);
    return b;
}

/* The next batch, its pixels as floats on [0,1] in x; 0 at the end. */
static int next_floats(fmn_batcher *b, fmn_batch *batch, float *x, size_t px)
{
    if (!fmn_batcher_next(b, batch))
        return 0;
    return fmn_images_to_float(batch->images,
                               fmn_items_range(0, batch->count), NULL,
                               FMN_LAYOUT_NHW, x, BATCH * px, NULL) == FMN_OK;
}

int main(int argc, char **argv)
{
    const char *dir = argc > 1 ? argv[1] : getenv("FMNIST_DATA");
    if (!dir || !*dir)
        dir = "/usr/share/datasets/fashion-mnist";
    fmn_split *train, *test;
    fmn_error err;
    if (fmn_dataset_load(dir, NULL, &train, &test, &err) != FMN_OK) {
        fprintf(stderr, "%s\n", err.message);
        return 1;
    }
    fmn_images im = fmn_split_images(train);
    size_t px = im.height * im.width, classes = fmn_split_num_classes(train);
    double *sum = calloc(classes * px, sizeof *sum);
    float *mean = malloc(classes * px * sizeof *mean);
    float *x = malloc(BATCH * px * sizeof *x);
    size_t *count = calloc(classes, sizeof *count);
    if (!sum || !mean || !x || !count) {
        fprintf(stderr, "out of memory\n");
        return 1;
    }

    /* the mean image of each class */
    fmn_batch batch;
    fmn_batcher *b = in_order(train);
    if (!b)
        return 1;
    while (next_floats(b, &batch, x, px)) {
        for (size_t k = 0; k < batch.count; k++) {
            double *s = sum + batch.labels[k] * px;
            for (size_t i = 0; i < px; i++)
                s[i] += x[k * px + i];
            count[batch.labels[k]]++;
        }
    }
    fmn_batcher_free(b);
    for (size_t c = 0; c < classes; c++)
        for (size_t i = 0; i < px; i++)
            mean[c * px + i] =
                count[c] ? (float)(sum[c * px + i] / (double)count[c]) : 0;

    /* the nearest mean of each test image */
    size_t right = 0, n = fmn_split_count(test);
    if (!(b = in_order(test)))
        return 1;
    while (next_floats(b, &batch, x, px)) {
        for (size_t k = 0; k < batch.count; k++) {
            size_t best = 0;
            double best_d = -1;
            for (size_t c = 0; c < classes; c++) {
                double dist = 0;
                for (size_t i = 0; i < px; i++) {
                    double t = (double)x[k * px + i] - mean[c * px + i];
                    dist += t * t;
                }
                if (best_d < 0 || dist < best_d)
                    best = c, best_d = dist;
            }
            right += best == batch.labels[k];
        }
    }
    fmn_batcher_free(b);
    printf("nearest class mean: %zu of %zu test images right\n", right, n);
    printf("test accuracy %.4f\n", n ? (double)right / (double)n : 0.0);
    free(sum);
    free(mean);
    free(x);
    free(count);
    fmn_split_free(train);
    fmn_split_free(test);
    return 0;
}
