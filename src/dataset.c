/* dataset.c - splits (an images file paired with a labels file), the
 * datasets' names and their class names. */
#include "internal.h"

#include <stdlib.h>
#include <string.h>

static const char *const FASHION_CLASSES[10] = {
    "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
    "Sandal",      "Shirt",   "Sneaker",  "Bag",   "Ankle boot"};
static const char *const MNIST_CLASSES[10] = {"0", "1", "2", "3", "4",
                                              "5", "6", "7", "8", "9"};
/* Kuzushiji-MNIST: お き す つ な は ま や れ を, romanized as published */
static const char *const KMNIST_CLASSES[10] = {"o",  "ki", "su", "tsu", "na",
                                               "ha", "ma", "ya", "re",  "wo"};

const char *fmn_dataset_name(fmn_dataset dataset)
{
    switch (dataset) {
    case FMN_DATASET_FASHION_MNIST: return "fashion-mnist";
    case FMN_DATASET_MNIST: return "mnist";
    case FMN_DATASET_KMNIST: return "kmnist";
    case FMN_DATASET_UNKNOWN: break;
    }
    return NULL;
}

const char *fmn_split_name(fmn_split_id split)
{
    switch (split) {
    case FMN_SPLIT_TRAIN: return "train";
    case FMN_SPLIT_TEST: return "test";
    case FMN_SPLIT_UNKNOWN: break;
    }
    return NULL;
}

unsigned fmn_dataset_num_classes(fmn_dataset dataset)
{
    return fmn_dataset_name(dataset) ? 10 : 0;
}

const char *fmn_class_name(fmn_dataset dataset, unsigned label)
{
    if (label >= 10)
        return NULL;
    switch (dataset) {
    case FMN_DATASET_FASHION_MNIST: return FASHION_CLASSES[label];
    case FMN_DATASET_MNIST: return MNIST_CLASSES[label];
    case FMN_DATASET_KMNIST: return KMNIST_CLASSES[label];
    case FMN_DATASET_UNKNOWN: break;
    }
    return NULL;
}

unsigned fmni_emnist_classes(const char *path)
{
    /* EMNIST's files are named emnist-VARIANT-{train,test}-...; letters
     * are labelled 1 to 26, so 27 values are valid. */
    static const struct { const char *variant; unsigned classes; } V[] = {
        {"byclass", 62}, {"bymerge", 47}, {"balanced", 47},
        {"letters", 27}, {"digits", 10},  {"mnist", 10}};
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    if (strncmp(base, "emnist-", 7) != 0)
        return 0;
    base += 7;
    for (size_t i = 0; i < sizeof V / sizeof V[0]; i++) {
        size_t n = strlen(V[i].variant);
        if (strncmp(base, V[i].variant, n) == 0 && base[n] == '-')
            return V[i].classes;
    }
    return 0;
}

struct fmn_split {
    fmn_idx *images;
    fmn_idx *labels;
    const uint8_t *label_data; /* labels of items [first, first + count) */
    size_t count;
    size_t height;
    size_t width;
    uint64_t first;
    fmn_dataset dataset;
    fmn_split_id id;
    unsigned num_classes;
};

static fmn_status check_shapes(const fmn_idx *images, const fmn_idx *labels,
                               fmn_error *err)
{
    fmn_array a = fmn_idx_array(images);
    fmn_array l = fmn_idx_array(labels);
    if (a.dtype != FMN_DTYPE_U8 || a.ndim != 3)
        return fmni_fail(err, FMN_ERR_NOT_IMAGES, fmn_idx_info(images)->path,
                         FMN_NO_OFFSET, 0,
                         "not an images file: expected a 3-D uint8 array (N x "
                         "height x width), found a %zu-D %s array",
                         a.ndim, fmn_dtype_name(a.dtype));
    if (l.dtype != FMN_DTYPE_U8 || l.ndim != 1)
        return fmni_fail(err, FMN_ERR_NOT_LABELS, fmn_idx_info(labels)->path,
                         FMN_NO_OFFSET, 0,
                         "not a labels file: expected a 1-D uint8 array, found "
                         "a %zu-D %s array",
                         l.ndim, fmn_dtype_name(l.dtype));
    uint64_t ni = fmni_idx_total_items(images);
    uint64_t nl = fmni_idx_total_items(labels);
    if (ni != nl)
        return fmni_fail(err, FMN_ERR_COUNT_MISMATCH,
                         fmn_idx_info(labels)->path, FMN_NO_OFFSET, 0,
                         "holds %llu labels, but the images file %s holds "
                         "%llu images: they are not a pair",
                         (unsigned long long)nl, fmn_idx_info(images)->path,
                         (unsigned long long)ni);
    return FMN_OK;
}

/* The dataset and split, from options or from what the files were
 * identified as; images and labels of two different releases are refused. */
static fmn_status resolve_identity(fmn_split *sp, const fmn_options *opt,
                                   fmn_error *err)
{
    const fmn_file_info *ii = fmn_idx_info(sp->images);
    const fmn_file_info *li = fmn_idx_info(sp->labels);
    if (ii->dataset && li->dataset &&
        (ii->dataset != li->dataset || ii->split != li->split))
        return fmni_fail(err, FMN_ERR_MISMATCHED_PAIR, li->path, FMN_NO_OFFSET,
                         0,
                         "these are the %s %s labels, but %s holds the %s %s "
                         "images: pair files of one release",
                         fmn_dataset_name(li->dataset),
                         fmn_split_name(li->split), ii->path,
                         fmn_dataset_name(ii->dataset),
                         fmn_split_name(ii->split));
    const fmn_file_info *known = li->dataset ? li : ii;
    sp->dataset = opt->dataset ? opt->dataset : known->dataset;
    sp->id = known->split;
    sp->num_classes = opt->num_classes;
    if (!sp->num_classes)
        sp->num_classes = fmn_dataset_num_classes(sp->dataset);
    if (!sp->num_classes)
        sp->num_classes = fmni_emnist_classes(li->path);
    if (!sp->num_classes)
        sp->num_classes = 10;
    return FMN_OK;
}

static fmn_status check_labels(const fmn_split *sp, fmn_error *err)
{
    fmn_array l = fmn_idx_array(sp->labels);
    const fmn_file_info *info = fmn_idx_info(sp->labels);
    const uint8_t *p = l.data;
    for (size_t i = 0; i < l.nbytes; i++)
        if (p[i] >= sp->num_classes)
            return fmni_fail(
                err, FMN_ERR_BAD_LABEL, info->path, 8 + i,
                info->compression == FMN_COMPRESSION_GZIP,
                "label %u of item %zu (byte %zu of the IDX data) is not a "
                "valid class: expected 0 to %u for a %u-class dataset%s",
                p[i], i, 8 + i, sp->num_classes - 1, sp->num_classes,
                sp->dataset ? ""
                            : " (set fmn_options.num_classes, or fmnist "
                              "--classes, if it has more)");
    return FMN_OK;
}

/* Takes ownership of both handles, freed on failure too. */
static fmn_status make_split(fmn_idx *images, fmn_idx *labels, uint64_t first,
                             const fmn_options *opt_in, fmn_split **out,
                             fmn_error *err)
{
    fmn_options opt = fmni_options(opt_in);
    fmn_split *sp = NULL;
    fmn_status st = check_shapes(images, labels, err);
    if (st == FMN_OK) {
        sp = calloc(1, sizeof *sp);
        if (!sp)
            st = fmni_fail(err, FMN_ERR_NOMEM, fmn_idx_info(images)->path,
                           FMN_NO_OFFSET, 0, "out of memory for a split");
    }
    if (st == FMN_OK) {
        sp->images = images;
        sp->labels = labels;
        st = resolve_identity(sp, &opt, err);
    }
    if (st == FMN_OK)
        st = check_labels(sp, err);
    if (st != FMN_OK) {
        free(sp);
        fmn_idx_free(images);
        fmn_idx_free(labels);
        return st;
    }
    fmn_array a = fmn_idx_array(images);
    sp->count = a.dims[0];
    sp->height = a.dims[1];
    sp->width = a.dims[2];
    sp->first = first;
    const uint8_t *ld = fmn_idx_array(labels).data;
    sp->label_data = ld && sp->count ? ld + first : NULL;
    *out = sp;
    fmni_clear(err);
    return FMN_OK;
}

/* Clears *out; FMN_OK when both inputs and `out` are usable. */
static fmn_status split_args(int inputs_ok, fmn_split **out, fmn_error *err)
{
    if (out)
        *out = NULL;
    return inputs_ok && out ? FMN_OK : fmni_bad_argument(err);
}

fmn_status fmn_split_load(const char *images_path, const char *labels_path,
                          const fmn_options *opt, fmn_split **out,
                          fmn_error *err)
{
    fmn_status st = split_args(images_path && labels_path, out, err);
    fmn_idx *labels = NULL, *images = NULL;
    if (st == FMN_OK)
        st = fmn_idx_load_file(labels_path, opt, &labels, err);
    if (st == FMN_OK)
        st = fmn_idx_load_file(images_path, opt, &images, err);
    if (st != FMN_OK) {
        fmn_idx_free(labels);
        return st;
    }
    return make_split(images, labels, 0, opt, out, err);
}

fmn_status fmn_split_load_memory(const void *images, size_t images_size,
                                 const char *images_name, const void *labels,
                                 size_t labels_size, const char *labels_name,
                                 const fmn_options *opt, fmn_split **out,
                                 fmn_error *err)
{
    fmn_status st = split_args((images || !images_size) &&
                                   (labels || !labels_size),
                               out, err);
    fmn_idx *li = NULL, *ii = NULL;
    if (st == FMN_OK)
        st = fmn_idx_load_memory(labels, labels_size,
                                 labels_name ? labels_name : "<labels>", opt,
                                 &li, err);
    if (st == FMN_OK)
        st = fmn_idx_load_memory(images, images_size,
                                 images_name ? images_name : "<images>", opt,
                                 &ii, err);
    if (st != FMN_OK) {
        fmn_idx_free(li);
        return st;
    }
    return make_split(ii, li, 0, opt, out, err);
}

fmn_status fmn_split_load_range(const char *images_path,
                                const char *labels_path, uint64_t start,
                                uint64_t count, const fmn_options *opt,
                                fmn_split **out, fmn_error *err)
{
    fmn_status st = split_args(images_path && labels_path, out, err);
    fmn_idx *labels = NULL, *images = NULL;
    if (st == FMN_OK)
        st = fmn_idx_load_file(labels_path, opt, &labels, err);
    if (st == FMN_OK) {
        uint64_t n = fmni_idx_total_items(labels);
        if (start > n || count > n - start)
            st = fmni_fail(err, FMN_ERR_RANGE, labels_path, FMN_NO_OFFSET, 0,
                           "items [%llu, %llu) requested, but the split holds "
                           "%llu items",
                           (unsigned long long)start,
                           (unsigned long long)(start + count),
                           (unsigned long long)n);
    }
    if (st == FMN_OK)
        st = fmn_idx_load_file_range(images_path, start, count, opt, &images,
                                     err);
    if (st != FMN_OK) {
        fmn_idx_free(labels);
        return st;
    }
    return make_split(images, labels, start, opt, out, err);
}

fmn_images fmn_split_images(const fmn_split *sp)
{
    fmn_images v;
    memset(&v, 0, sizeof v);
    if (!sp)
        return v;
    v.data = sp->count ? fmn_idx_array(sp->images).data : NULL;
    v.count = sp->count;
    v.height = sp->height;
    v.width = sp->width;
    return v;
}

const uint8_t *fmn_split_labels(const fmn_split *sp)
{
    return sp ? sp->label_data : NULL;
}

size_t fmn_split_count(const fmn_split *sp) { return sp ? sp->count : 0; }

uint64_t fmn_split_first_index(const fmn_split *sp)
{
    return sp ? sp->first : 0;
}

fmn_dataset fmn_split_dataset(const fmn_split *sp)
{
    return sp ? sp->dataset : FMN_DATASET_UNKNOWN;
}

fmn_split_id fmn_split_id_of(const fmn_split *sp)
{
    return sp ? sp->id : FMN_SPLIT_UNKNOWN;
}

unsigned fmn_split_num_classes(const fmn_split *sp)
{
    return sp ? sp->num_classes : 0;
}

const char *fmn_split_class_name(const fmn_split *sp, unsigned label)
{
    return sp ? fmn_class_name(sp->dataset, label) : NULL;
}

const fmn_file_info *fmn_split_file(const fmn_split *sp, fmn_file_kind kind)
{
    if (!sp)
        return NULL;
    if (kind == FMN_FILE_IMAGES)
        return fmn_idx_info(sp->images);
    if (kind == FMN_FILE_LABELS)
        return fmn_idx_info(sp->labels);
    return NULL;
}

void fmn_split_free(fmn_split *sp)
{
    if (!sp)
        return;
    fmn_idx_free(sp->images);
    fmn_idx_free(sp->labels);
    free(sp);
}
