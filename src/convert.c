/* convert.c - uint8 pixels and labels to the float32 or float64 a model
 * eats, and labels to one-hot rows or int32/int64 class indices: plain
 * loops over caller-provided buffers, written so that compilers vectorise
 * the inner loop (one image row-major, no aliasing, no calls). */
#include "internal.h"

#include <float.h>
#include <math.h>
#include <string.h>

/* Pixels of one image (or a run of consecutive images) to floats. */
static void to_float(const uint8_t *restrict src, size_t n,
                     float *restrict dst, float mean, float std)
{
    for (size_t i = 0; i < n; i++)
        dst[i] = ((float)src[i] / 255.0f - mean) / std;
}

static void to_double(const uint8_t *restrict src, size_t n,
                      double *restrict dst, double mean, double std)
{
    for (size_t i = 0; i < n; i++)
        dst[i] = ((double)src[i] / 255.0 - mean) / std;
}

static size_t image_size(fmn_images images)
{
    return images.height * images.width;
}

fmn_status fmn_images_pixel_stats(fmn_images images, fmn_items items,
                                  fmn_pixel_stats *out, fmn_error *err)
{
    fmni_clear(err);
    if (!out)
        return fmni_bad_argument(err);
    memset(out, 0, sizeof *out);
    fmn_status st = fmni_items_check(items, images.count,
                                     "fmn_images_pixel_stats", err);
    if (st != FMN_OK)
        return st;
    uint64_t hist[256] = {0};
    size_t px = image_size(images);
    if (items.count == 0)
        ; /* nothing to count */
    else if (!items.indices)
        fmn_histogram_add(hist, images.data + items.start * px,
                          items.count * px);
    else
        for (size_t i = 0; i < items.count; i++)
            fmn_histogram_add(hist, images.data + items.indices[i] * px, px);
    *out = fmn_histogram_stats(hist);
    return FMN_OK;
}

fmn_scale fmn_scale_from_stats(const fmn_pixel_stats *stats)
{
    fmn_scale s = {0.0f, 1.0f};
    if (!stats || stats->count == 0)
        return s;
    s.mean = (float)(stats->mean / 255.0);
    if (stats->std > 0)
        s.std = (float)(stats->std / 255.0);
    return s;
}

size_t fmn_float_shape(fmn_images images, size_t n, fmn_layout layout,
                       size_t shape[4])
{
    switch (layout) {
    case FMN_LAYOUT_NHW:
        shape[0] = n;
        shape[1] = images.height;
        shape[2] = images.width;
        return 3;
    case FMN_LAYOUT_NCHW:
        shape[0] = n;
        shape[1] = 1;
        shape[2] = images.height;
        shape[3] = images.width;
        return 4;
    }
    return 0;
}

/* The checks both conversions make, the scale's aside: *px the pixels of
 * an image. */
static fmn_status conversion_check(fmn_images images, fmn_items items,
                                   fmn_layout layout, const void *out,
                                   size_t out_count, const char *what,
                                   size_t *px, fmn_error *err)
{
    fmni_clear(err);
    if (!out && items.count > 0)
        return fmni_bad_argument(err);
    if (layout != FMN_LAYOUT_NHW && layout != FMN_LAYOUT_NCHW)
        return fmni_fail(err, FMN_ERR_INVALID_ARGUMENT, what, FMN_NO_OFFSET,
                         0, "unknown layout %d", (int)layout);
    fmn_status st = fmni_items_check(items, images.count, what, err);
    if (st != FMN_OK)
        return st;
    *px = image_size(images);
    if (*px && items.count > SIZE_MAX / *px)
        return fmni_bad_argument(err);
    return fmni_out_check(items.count * *px, out_count, what, err);
}

static fmn_status bad_scale(double mean, double std, const char *what,
                            fmn_error *err)
{
    return fmni_fail(err, FMN_ERR_INVALID_ARGUMENT, what, FMN_NO_OFFSET, 0,
                     "the scale's std must be positive and finite (mean %g, "
                     "std %g)", mean, std);
}

/* A range is one run of pixels; a list is one run per image. */
static size_t runs_of(fmn_items items, size_t px, size_t *run)
{
    *run = items.indices ? px : items.count * px;
    return items.indices ? items.count : (items.count ? 1 : 0);
}

static size_t run_first(fmn_items items, size_t r)
{
    return items.indices ? items.indices[r] : items.start;
}

fmn_status fmn_images_to_float(fmn_images images, fmn_items items,
                               const fmn_scale *scale, fmn_layout layout,
                               float *out, size_t out_count, fmn_error *err)
{
    const char *what = "fmn_images_to_float";
    size_t px = 0, run;
    fmn_status st = conversion_check(images, items, layout, out, out_count,
                                     what, &px, err);
    if (st != FMN_OK)
        return st;
    fmn_scale s = scale ? *scale : (fmn_scale){0.0f, 1.0f};
    if (!(s.std > 0.0f) || !isfinite(s.std) || !isfinite(s.mean))
        return bad_scale(s.mean, s.std, what, err);
    size_t runs = runs_of(items, px, &run);
    for (size_t r = 0; r < runs; r++) /* {0, 1}: exactly v/255 */
        to_float(images.data + run_first(items, r) * px, run, out + r * run,
                 s.mean, s.std);
    return FMN_OK;
}

fmn_status fmn_images_to_double(fmn_images images, fmn_items items,
                                const fmn_scale64 *scale, fmn_layout layout,
                                double *out, size_t out_count, fmn_error *err)
{
    const char *what = "fmn_images_to_double";
    size_t px = 0, run;
    fmn_status st = conversion_check(images, items, layout, out, out_count,
                                     what, &px, err);
    if (st != FMN_OK)
        return st;
    fmn_scale64 s = scale ? *scale : (fmn_scale64){0.0, 1.0};
    if (!(s.std > 0.0) || !(fabs(s.std) <= DBL_MAX) ||
        !(fabs(s.mean) <= DBL_MAX))
        return bad_scale(s.mean, s.std, what, err);
    size_t runs = runs_of(items, px, &run);
    for (size_t r = 0; r < runs; r++)
        to_double(images.data + run_first(items, r) * px, run, out + r * run,
                  s.mean, s.std);
    return FMN_OK;
}

/* The checks both integer conversions make. */
static fmn_status labels_check(const uint8_t *labels, size_t n_labels,
                               fmn_items items, const void *out,
                               size_t out_count, const char *what,
                               fmn_error *err)
{
    fmni_clear(err);
    if ((!labels && n_labels > 0) || (!out && items.count > 0))
        return fmni_bad_argument(err);
    fmn_status st = fmni_items_check(items, n_labels, what, err);
    if (st == FMN_OK)
        st = fmni_out_check(items.count, out_count, what, err);
    return st;
}

fmn_status fmn_labels_to_int32(const uint8_t *labels, size_t n_labels,
                               fmn_items items, int32_t *out,
                               size_t out_count, fmn_error *err)
{
    fmn_status st = labels_check(labels, n_labels, items, out, out_count,
                                 "fmn_labels_to_int32", err);
    for (size_t i = 0; st == FMN_OK && i < items.count; i++)
        out[i] = labels[fmn_items_at(items, i)];
    return st;
}

fmn_status fmn_labels_to_int64(const uint8_t *labels, size_t n_labels,
                               fmn_items items, int64_t *out,
                               size_t out_count, fmn_error *err)
{
    fmn_status st = labels_check(labels, n_labels, items, out, out_count,
                                 "fmn_labels_to_int64", err);
    for (size_t i = 0; st == FMN_OK && i < items.count; i++)
        out[i] = labels[fmn_items_at(items, i)];
    return st;
}

fmn_status fmn_labels_one_hot(const uint8_t *labels, size_t n_labels,
                              fmn_items items, unsigned num_classes,
                              float *out, size_t out_count, fmn_error *err)
{
    const char *what = "fmn_labels_one_hot";
    fmni_clear(err);
    if ((!labels && n_labels > 0) || (!out && items.count > 0) ||
        num_classes == 0)
        return fmni_bad_argument(err);
    fmn_status st = fmni_items_check(items, n_labels, what, err);
    if (st != FMN_OK)
        return st;
    if (items.count > SIZE_MAX / num_classes)
        return fmni_bad_argument(err);
    if ((st = fmni_out_check(items.count * num_classes, out_count, what,
                             err)) != FMN_OK)
        return st;
    for (size_t i = 0; i < items.count; i++) {
        size_t item = fmn_items_at(items, i);
        if (labels[item] >= num_classes)
            return fmni_fail(err, FMN_ERR_BAD_LABEL, what, FMN_NO_OFFSET, 0,
                             "item %zu has label %u, not below the %u "
                             "classes", item, labels[item], num_classes);
    }
    for (size_t i = 0; i < items.count; i++) {
        float *row = out + i * num_classes;
        for (unsigned c = 0; c < num_classes; c++)
            row[c] = 0.0f;
        row[labels[fmn_items_at(items, i)]] = 1.0f;
    }
    return FMN_OK;
}
