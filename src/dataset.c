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
/* EMNIST's characters, as its mapping files give them */
static const char *const BYCLASS_CLASSES[62] = {
    "0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "A", "B", "C", "D", "E",
    "F", "G", "H", "I", "J", "K", "L", "M", "N", "O", "P", "Q", "R", "S", "T",
    "U", "V", "W", "X", "Y", "Z", "a", "b", "c", "d", "e", "f", "g", "h", "i",
    "j", "k", "l", "m", "n", "o", "p", "q", "r", "s", "t", "u", "v", "w", "x",
    "y", "z"};
static const char *const BYMERGE_CLASSES[47] = {
    "0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "A", "B", "C", "D", "E",
    "F", "G", "H", "I", "J", "K", "L", "M", "N", "O", "P", "Q", "R", "S", "T",
    "U", "V", "W", "X", "Y", "Z", "a", "b", "d", "e", "f", "g", "h", "n", "q",
    "r", "t"};
/* Letters: labels 1 to 26, upper and lower case merged */
static const char *const LETTERS_CLASSES[26] = {
    "a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l", "m", "n", "o",
    "p", "q", "r", "s", "t", "u", "v", "w", "x", "y", "z"};

/* Each dataset, at its fmn_dataset value. */
static const struct dataset_desc {
    const char *name, *title;
    const char *const *classes;
    unsigned num_classes, first_label;
    int transposed;
} DATASETS[] = {
    [FMN_DATASET_FASHION_MNIST] = {"fashion-mnist", "Fashion-MNIST",
                                   FASHION_CLASSES, 10, 0, 0},
    [FMN_DATASET_MNIST] = {"mnist", "MNIST", MNIST_CLASSES, 10, 0, 0},
    [FMN_DATASET_KMNIST] = {"kmnist", "KMNIST", KMNIST_CLASSES, 10, 0, 0},
    [FMN_DATASET_QMNIST] = {"qmnist", "QMNIST", MNIST_CLASSES, 10, 0, 0},
    [FMN_DATASET_EMNIST_BYCLASS] = {"emnist-byclass", "EMNIST ByClass",
                                    BYCLASS_CLASSES, 62, 0, 1},
    [FMN_DATASET_EMNIST_BYMERGE] = {"emnist-bymerge", "EMNIST ByMerge",
                                    BYMERGE_CLASSES, 47, 0, 1},
    [FMN_DATASET_EMNIST_BALANCED] = {"emnist-balanced", "EMNIST Balanced",
                                     BYMERGE_CLASSES, 47, 0, 1},
    [FMN_DATASET_EMNIST_LETTERS] = {"emnist-letters", "EMNIST Letters",
                                    LETTERS_CLASSES, 26, 1, 1},
    [FMN_DATASET_EMNIST_DIGITS] = {"emnist-digits", "EMNIST Digits",
                                   MNIST_CLASSES, 10, 0, 1},
    [FMN_DATASET_EMNIST_MNIST] = {"emnist-mnist", "EMNIST MNIST",
                                  MNIST_CLASSES, 10, 0, 1},
};

enum { NDATASETS = sizeof DATASETS / sizeof DATASETS[0] };

static const struct dataset_desc *desc(fmn_dataset dataset)
{
    if ((unsigned)dataset >= NDATASETS || !DATASETS[dataset].name)
        return NULL;
    return &DATASETS[dataset];
}

const char *fmn_dataset_name(fmn_dataset dataset)
{
    const struct dataset_desc *d = desc(dataset);
    return d ? d->name : NULL;
}

const char *fmn_dataset_title(fmn_dataset dataset)
{
    const struct dataset_desc *d = desc(dataset);
    return d ? d->title : NULL;
}

fmn_dataset fmn_dataset_from_name(const char *name)
{
    for (unsigned i = 0; name && i < NDATASETS; i++)
        if (DATASETS[i].name && strcmp(DATASETS[i].name, name) == 0)
            return (fmn_dataset)i;
    return FMN_DATASET_UNKNOWN;
}

int fmn_dataset_transposed(fmn_dataset dataset)
{
    const struct dataset_desc *d = desc(dataset);
    return d && d->transposed;
}

const char *fmn_split_id_name(fmn_split_id split)
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
    const struct dataset_desc *d = desc(dataset);
    return d ? d->num_classes : 0;
}

unsigned fmn_dataset_first_label(fmn_dataset dataset)
{
    const struct dataset_desc *d = desc(dataset);
    return d ? d->first_label : 0;
}

const char *fmn_class_name(fmn_dataset dataset, unsigned label)
{
    const struct dataset_desc *d = desc(dataset);
    if (!d || label < d->first_label ||
        label - d->first_label >= d->num_classes)
        return NULL;
    return d->classes[label - d->first_label];
}

fmn_dataset fmni_dataset_of_name(const char *path)
{
    /* QMNIST's files are named qmnist-{train,test}-..., EMNIST's
     * emnist-VARIANT-{train,test}-..., VARIANT a dataset's name's tail */
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    for (unsigned i = 0; i < NDATASETS; i++) {
        const char *name = DATASETS[i].name;
        size_t n = name ? strlen(name) : 0;
        if (n && (i == FMN_DATASET_QMNIST || fmn_dataset_transposed(i)) &&
            strncmp(base, name, n) == 0 && base[n] == '-')
            return (fmn_dataset)i;
    }
    return FMN_DATASET_UNKNOWN;
}

struct fmn_split {
    fmn_idx *images;
    fmn_idx *labels;
    const uint8_t *label_data; /* labels of items [first, first + count) */
    uint8_t *label_own;        /* ... when made from a label matrix */
    uint32_t label_dims[2];    /* the label array's view for those items */
    size_t count;
    size_t height;
    size_t width;
    uint64_t first;
    fmn_dataset dataset;       /* as identified by content */
    fmn_dataset naming;        /* whose class names: the option, else dataset */
    fmn_split_id id;
    fmni_classes classes;
    int upright;               /* the images were transposed at load */
    fmn_allocator heap;        /* the load's: all but the files' memory */
};

/* ---- problems ----------------------------------------------------------- */

void fmni_problems_init(fmni_problems *p, const fmn_options *opt)
{
    memset(p, 0, sizeof *p);
    p->collect = opt && opt->report;
    if (opt)
        p->heap = opt->alloc;
}

void fmni_problems_add(fmni_problems *p, const fmn_error *e)
{
    p->total++;
    if (!p->have) {
        p->first = *e;
        p->have = 1;
    }
    if (!p->collect)
        return;
    if (p->n == p->cap) {
        size_t cap = p->cap ? p->cap * 2 : 4;
        fmn_error *grown =
            cap <= SIZE_MAX / sizeof *grown
                ? fmni_realloc(&p->heap, p->list, cap * sizeof *grown)
                : NULL;
        if (!grown) {
            p->lost++;
            return;
        }
        p->list = grown;
        p->cap = cap;
    }
    p->list[p->n++] = *e;
}

void fmni_problems_move(fmni_problems *to, fmni_problems *from)
{
    for (size_t i = 0; i < from->n; i++)
        fmni_problems_add(to, &from->list[i]);
    if (from->have && !from->collect)
        fmni_problems_add(to, &from->first);
    to->lost += from->lost;
    fmni_free(&from->heap, from->list);
    fmn_allocator heap = from->heap;
    memset(from, 0, sizeof *from);
    from->heap = heap;
}

fmn_status fmni_problems_end(fmni_problems *p, const fmn_options *opt,
                             fmn_error *err)
{
    for (size_t i = 0; i < p->n; i++)
        opt->report(opt->report_ctx, &p->list[i]);
    if (p->lost && opt && opt->report) {
        /* a report that could not be kept is still a problem reported */
        fmn_error e;
        fmni_fail(&e, FMN_ERR_NOMEM, "libfmnist", FMN_NO_OFFSET, 0,
                  "out of memory: %zu more problems found but not kept",
                  p->lost);
        opt->report(opt->report_ctx, &e);
    }
    fmni_free(&p->heap, p->list);
    p->list = NULL;
    p->n = 0;
    if (!p->have) {
        fmni_clear(err);
        return FMN_OK;
    }
    if (err)
        *err = p->first;
    return p->first.status;
}

/* ---- the pairing rules, for loads and streams alike ---------------------- */

fmn_dataset fmni_naming(const fmn_options *opt, fmn_dataset identified,
                        const char *labels_path)
{
    if (opt && opt->dataset)
        return opt->dataset;
    return identified ? identified : fmni_dataset_of_name(labels_path);
}

fmni_classes fmni_class_range(const fmn_options *opt, const char *labels_path)
{
    fmni_classes c = {0, 10};
    if (opt && opt->num_classes) {
        c.count = opt->num_classes;
        return c;
    }
    fmn_dataset d = opt && opt->dataset ? opt->dataset
                                        : fmni_dataset_of_name(labels_path);
    if (fmn_dataset_num_classes(d)) {
        c.first = fmn_dataset_first_label(d);
        c.count = fmn_dataset_num_classes(d);
    }
    return c;
}

/* Label matrices have at most this many columns (QMNIST's have 8). */
enum { MAX_LABEL_COLUMNS = 64 };

static int is_label_matrix(const fmni_shape *sh)
{
    return sh->dtype == FMN_DTYPE_I32 && sh->ndim == 2 && sh->columns >= 1 &&
           sh->columns <= MAX_LABEL_COLUMNS;
}

/* The kind rule: images 3-D uint8, labels 1-D uint8 or a label matrix. */
static fmn_status check_kind(const fmni_shape *sh, fmn_file_kind kind,
                             fmn_error *err)
{
    if (kind == FMN_FILE_IMAGES && (sh->dtype != FMN_DTYPE_U8 || sh->ndim != 3))
        return fmni_fail(err, FMN_ERR_NOT_IMAGES, sh->path, FMN_NO_OFFSET, 0,
                         "not an images file: expected a 3-D uint8 array (N x "
                         "height x width), found a %zu-D %s array",
                         sh->ndim, fmn_dtype_name(sh->dtype));
    if (kind == FMN_FILE_LABELS &&
        !(sh->dtype == FMN_DTYPE_U8 && sh->ndim == 1) && !is_label_matrix(sh))
        return fmni_fail(err, FMN_ERR_NOT_LABELS, sh->path, FMN_NO_OFFSET, 0,
                         "not a labels file: expected a 1-D uint8 array, or "
                         "an int32 label matrix (N x 1 to %d, the class "
                         "first, as QMNIST's), found a %zu-D %s array",
                         MAX_LABEL_COLUMNS, sh->ndim, fmn_dtype_name(sh->dtype));
    return FMN_OK;
}

fmn_status fmn_check_kind(fmn_array shape, const char *path,
                          fmn_file_kind kind, fmn_error *err)
{
    fmni_clear(err);
    if (!path || (kind != FMN_FILE_IMAGES && kind != FMN_FILE_LABELS) ||
        (shape.ndim && !shape.dims))
        return fmni_bad_argument(err);
    fmni_shape sh = {path, shape.dtype, shape.ndim,
                     shape.ndim ? shape.dims[0] : 0,
                     shape.ndim == 2 ? shape.dims[1] : 0};
    return check_kind(&sh, kind, err);
}

fmn_status fmni_pair_shapes(const fmni_shape *im, const fmni_shape *lb,
                            fmn_error *err)
{
    fmn_status st = check_kind(im, FMN_FILE_IMAGES, err);
    if (st == FMN_OK)
        st = check_kind(lb, FMN_FILE_LABELS, err);
    if (st != FMN_OK)
        return st;
    if (im->items != lb->items)
        return fmni_fail(err, FMN_ERR_COUNT_MISMATCH, lb->path, FMN_NO_OFFSET,
                         0,
                         "holds %llu labels, but the images file %s holds "
                         "%llu images: they are not a pair",
                         (unsigned long long)lb->items, im->path,
                         (unsigned long long)im->items);
    return FMN_OK;
}

fmn_status fmni_pair_identity(const fmn_file_info *ii, const fmn_file_info *li,
                              fmn_error *err)
{
    if (ii->dataset && li->dataset &&
        (ii->dataset != li->dataset || ii->split != li->split))
        return fmni_fail(err, FMN_ERR_MISMATCHED_PAIR, li->path, FMN_NO_OFFSET,
                         0,
                         "these are the %s %s labels, but %s holds the %s %s "
                         "images: pair files of one release",
                         fmn_dataset_name(li->dataset),
                         fmn_split_id_name(li->split), ii->path,
                         fmn_dataset_name(ii->dataset),
                         fmn_split_id_name(ii->split));
    return FMN_OK;
}

int64_t fmni_label_at(const void *data, size_t columns, uint64_t i)
{
    if (!columns)
        return ((const uint8_t *)data)[i];
    return ((const int32_t *)data)[i * columns];
}

fmn_status fmni_label_check(const char *path, int gzip, size_t columns,
                            uint64_t item, int64_t label, fmni_classes c,
                            const fmn_options *opt, fmn_error *err)
{
    if (label >= c.first && label - c.first < c.count)
        return FMN_OK;
    int defaulted = !opt || (!opt->num_classes && !opt->dataset);
    uint64_t at = columns ? 12 + item * columns * 4 : 8 + item;
    return fmni_fail(
        err, FMN_ERR_BAD_LABEL, path, at, gzip,
        "label %lld of item %llu (byte %llu of the IDX data%s) is not a "
        "valid class: expected %u to %u for a %u-class dataset%s",
        (long long)label, (unsigned long long)item, (unsigned long long)at,
        columns ? ", column 0 of the label matrix" : "", c.first,
        c.first + c.count - 1, c.count,
        defaulted ? " (set fmn_options.num_classes, or fmnist --classes, if "
                    "it has more)"
                  : "");
}

/* Every label of a labels array (n items), checked. */
static fmn_status check_all(const fmn_file_info *info, fmn_array a,
                            fmni_classes c, const fmn_options *opt,
                            fmn_error *err)
{
    size_t columns = a.ndim == 2 ? a.dims[1] : 0;
    uint64_t n = a.ndim ? a.dims[0] : 0;
    for (uint64_t i = 0; i < n; i++) {
        int64_t v = fmni_label_at(a.data, columns, i);
        if (v < c.first || v - c.first >= c.count)
            return fmni_label_check(info->path,
                                    info->compression == FMN_COMPRESSION_GZIP,
                                    columns, i, v, c, opt, err);
    }
    return FMN_OK;
}

int64_t fmn_label_class(fmn_array labels, uint64_t i)
{
    return fmni_label_at(labels.data, labels.ndim == 2 ? labels.dims[1] : 0,
                         i);
}

fmn_status fmn_check_labels(const fmn_idx *labels, const fmn_options *opt,
                            unsigned *first_label, unsigned *num_classes,
                            fmn_error *err)
{
    fmni_clear(err);
    if (!labels)
        return fmni_bad_argument(err);
    fmn_options o;
    fmn_status st = fmni_options_take(opt, &o, err);
    if (st != FMN_OK)
        return st;
    const fmn_file_info *info = fmn_idx_info(labels);
    fmn_array a = fmn_idx_array(labels);
    st = fmn_check_kind(a, info->path, FMN_FILE_LABELS, err);
    if (st != FMN_OK)
        return st;
    fmni_classes c = fmni_class_range(&o, info->path);
    if (num_classes)
        *num_classes = c.count;
    if (first_label)
        *first_label = c.first;
    return check_all(info, a, c, &o, err);
}

static fmni_shape shape_of(const fmn_idx *idx)
{
    fmn_array a = fmn_idx_array(idx);
    fmni_shape sh = {fmn_idx_info(idx)->path, a.dtype, a.ndim,
                     fmni_idx_total_items(idx), a.ndim == 2 ? a.dims[1] : 0};
    return sh;
}

/* Checks every label and points the split's labels at items [first,
 * first + count): the file's bytes, or a label matrix's class column. */
static fmn_status take_labels(fmn_split *sp, const fmn_options *opt,
                              fmn_error *err)
{
    fmn_array l = fmn_idx_array(sp->labels);
    const fmn_file_info *info = fmn_idx_info(sp->labels);
    fmn_status st = check_all(info, l, sp->classes, opt, err);
    if (st != FMN_OK || !sp->count)
        return st;
    sp->label_dims[0] = (uint32_t)sp->count;
    if (l.ndim == 1) {
        sp->label_data = (const uint8_t *)l.data + sp->first;
        return FMN_OK;
    }
    sp->label_dims[1] = l.dims[1];
    if (!(sp->label_own = fmni_malloc(&sp->heap, sp->count)))
        return fmni_fail(err, FMN_ERR_NOMEM, info->path, FMN_NO_OFFSET, 0,
                         "out of memory for the labels");
    for (size_t i = 0; i < sp->count; i++)
        sp->label_own[i] = (uint8_t)fmni_label_at(l.data, l.dims[1],
                                                  sp->first + i);
    sp->label_data = sp->label_own;
    return FMN_OK;
}

fmn_status fmni_split_make(fmn_idx *images, fmn_idx *labels, uint64_t first,
                           const fmn_options *opt_in, fmn_split **out,
                           fmn_error *err)
{
    *out = NULL;
    fmn_options opt = fmni_options(opt_in);
    fmni_shape im = shape_of(images), lb = shape_of(labels);
    const fmn_file_info *ii = fmn_idx_info(images);
    const fmn_file_info *li = fmn_idx_info(labels);
    fmn_split *sp = NULL;
    fmn_status st = fmni_pair_shapes(&im, &lb, err);
    if (st == FMN_OK)
        st = fmni_pair_identity(ii, li, err);
    if (st == FMN_OK) {
        sp = fmni_calloc(&opt.alloc, 1, sizeof *sp);
        if (!sp)
            st = fmni_fail(err, FMN_ERR_NOMEM, ii->path, FMN_NO_OFFSET, 0,
                           "out of memory for a split");
    }
    if (st == FMN_OK) {
        sp->heap = opt.alloc;
        sp->images = images;
        sp->labels = labels;
        const fmn_file_info *known = li->dataset ? li : ii;
        sp->dataset = known->dataset;
        sp->id = known->split;
        sp->naming = fmni_naming(&opt, sp->dataset, li->path);
        sp->classes = fmni_class_range(&opt, li->path);
        fmn_array a = fmn_idx_array(images);
        sp->count = a.dims[0];
        sp->height = a.dims[1];
        sp->width = a.dims[2];
        sp->first = first;
        st = take_labels(sp, &opt, err);
    }
    if (st != FMN_OK) {
        fmn_split_free(sp);
        if (!sp) {
            fmn_idx_free(images);
            fmn_idx_free(labels);
        }
        return st;
    }
    *out = sp;
    fmni_clear(err);
    return FMN_OK;
}

fmn_status fmni_split_orient(fmn_split *sp, const fmn_options *opt,
                             fmn_error *err)
{
    fmn_dataset d = sp->dataset ? sp->dataset : sp->naming;
    if (!opt || !opt->upright || !fmn_dataset_transposed(d) || sp->upright)
        return FMN_OK;
    fmn_status st = fmni_idx_transpose(sp->images, err);
    if (st != FMN_OK)
        return st;
    size_t h = sp->height;
    sp->height = sp->width;
    sp->width = h;
    sp->upright = 1;
    return FMN_OK;
}

/* Loads the labels file whole and the images file whole or, with a
 * range, the items asked (the whole file checked all the same), then
 * pairs them; every problem goes to `p`. With p->collect, the images file
 * is read even when the labels file failed. */
fmn_status fmni_split_load_paths(const char *images_path,
                                 const char *labels_path, int ranged,
                                 uint64_t start, uint64_t count,
                                 const fmn_options *opt, fmn_split **out,
                                 fmni_problems *p)
{
    *out = NULL;
    fmn_idx *labels = NULL, *images = NULL;
    fmn_error e;
    fmn_status sl = fmn_idx_load_file(labels_path, opt, &labels, &e);
    if (sl != FMN_OK)
        fmni_problems_add(p, &e);
    if (sl == FMN_OK && ranged) {
        uint64_t n = fmni_idx_total_items(labels);
        if (start > n || count > n - start) {
            sl = fmni_fail(&e, FMN_ERR_RANGE, labels_path, FMN_NO_OFFSET, 0,
                           "items [%llu, %llu) requested, but the split "
                           "holds %llu items",
                           (unsigned long long)start,
                           (unsigned long long)(start + count),
                           (unsigned long long)n);
            fmni_problems_add(p, &e);
        }
    }
    fmn_status si = FMN_OK;
    if (sl == FMN_OK) {
        si = ranged ? fmni_idx_load_checked_range(images_path, start, count,
                                                  opt, &images, &e)
                    : fmn_idx_load_file(images_path, opt, &images, &e);
    } else if (p->collect && !labels) {
        /* the labels file is bad: is the images file too? (whole: a range
         * checked against labels nobody could read means nothing) */
        si = fmn_idx_load_file(images_path, opt, &images, &e);
    }
    if (si != FMN_OK)
        fmni_problems_add(p, &e);
    if (sl != FMN_OK || si != FMN_OK) {
        fmn_idx_free(labels);
        fmn_idx_free(images);
        return sl != FMN_OK ? sl : si;
    }
    fmn_status st = fmni_split_make(images, labels, ranged ? start : 0, opt,
                                    out, &e);
    if (st != FMN_OK)
        fmni_problems_add(p, &e);
    return st;
}

/* Turns a loaded split upright where asked (fmni_split_orient), then
 * ends the problem list (fmni_problems_end). */
static fmn_status orient_end(fmn_split **out, fmni_problems *p,
                             const fmn_options *opt, fmn_error *err)
{
    fmn_error e;
    if (*out && fmni_split_orient(*out, opt, &e) != FMN_OK) {
        fmni_problems_add(p, &e);
        fmn_split_free(*out);
        *out = NULL;
    }
    return fmni_problems_end(p, opt, err);
}

/* Clears *out; FMN_OK when both inputs and `out` are usable. */
/* The start of every split load: *out NULL, the inputs there, the
 * caller's options taken whole into *o (options.c). */
static fmn_status split_args(int inputs_ok, const fmn_options *opt,
                             fmn_options *o, fmn_split **out, fmn_error *err)
{
    if (out)
        *out = NULL;
    if (!inputs_ok || !out)
        return fmni_bad_argument(err);
    return fmni_options_take(opt, o, err);
}

fmn_status fmn_split_load(const char *images_path, const char *labels_path,
                          const fmn_options *opt, fmn_split **out,
                          fmn_error *err)
{
    fmn_options o;
    fmn_status st = split_args(images_path && labels_path, opt, &o, out,
                               err);
    if (st != FMN_OK)
        return st;
    fmni_problems p;
    fmni_problems_init(&p, &o);
    fmni_split_load_paths(images_path, labels_path, 0, 0, 0, &o, out, &p);
    return orient_end(out, &p, &o, err);
}

/* Pairs two loaded files (taken, freed on failure) into *out, upright
 * where asked. */
static fmn_status pair_loaded(fmn_idx *ii, fmn_idx *li, const fmn_options *opt,
                              fmn_split **out, fmn_error *err)
{
    fmn_status st = fmni_split_make(ii, li, 0, opt, out, err);
    if (st == FMN_OK && (st = fmni_split_orient(*out, opt, err)) != FMN_OK) {
        fmn_split_free(*out);
        *out = NULL;
    }
    return st;
}

fmn_status fmn_split_load_memory(const void *images, size_t images_size,
                                 const char *images_name, const void *labels,
                                 size_t labels_size, const char *labels_name,
                                 const fmn_options *opt, fmn_split **out,
                                 fmn_error *err)
{
    fmn_options o;
    fmn_status st = split_args((images || !images_size) &&
                                   (labels || !labels_size),
                               opt, &o, out, err);
    fmn_idx *li = NULL, *ii = NULL;
    if (st == FMN_OK)
        st = fmn_idx_load_memory(labels, labels_size,
                                 labels_name ? labels_name : "<labels>", &o,
                                 &li, err);
    if (st == FMN_OK)
        st = fmn_idx_load_memory(images, images_size,
                                 images_name ? images_name : "<images>", &o,
                                 &ii, err);
    if (st != FMN_OK) {
        fmn_idx_free(li);
        return st;
    }
    return pair_loaded(ii, li, &o, out, err);
}

fmn_status fmn_split_load_fd(int images_fd, const char *images_name,
                             int labels_fd, const char *labels_name,
                             const fmn_options *opt, fmn_split **out,
                             fmn_error *err)
{
    fmn_options o;
    fmn_status st = split_args(1, opt, &o, out, err);
    fmn_idx *li = NULL, *ii = NULL;
    if (st == FMN_OK)
        st = fmn_idx_load_fd(labels_fd, labels_name, &o, &li, err);
    if (st == FMN_OK)
        st = fmn_idx_load_fd(images_fd, images_name, &o, &ii, err);
    if (st != FMN_OK) {
        fmn_idx_free(li);
        return st;
    }
    return pair_loaded(ii, li, &o, out, err);
}

fmn_status fmn_split_load_callback(fmn_read_fn images_read, void *images_ctx,
                                   const char *images_name,
                                   fmn_read_fn labels_read, void *labels_ctx,
                                   const char *labels_name,
                                   const fmn_options *opt, fmn_split **out,
                                   fmn_error *err)
{
    fmn_options o;
    fmn_status st = split_args(images_read && labels_read, opt, &o, out,
                               err);
    fmn_idx *li = NULL, *ii = NULL;
    if (st == FMN_OK)
        st = fmni_idx_load_callback(labels_read, labels_ctx,
                                    labels_name ? labels_name : "<labels>",
                                    &o, &li, err);
    if (st == FMN_OK)
        st = fmni_idx_load_callback(images_read, images_ctx,
                                    images_name ? images_name : "<images>",
                                    &o, &ii, err);
    if (st != FMN_OK) {
        fmn_idx_free(li);
        return st;
    }
    return pair_loaded(ii, li, &o, out, err);
}

fmn_status fmn_split_load_range(const char *images_path,
                                const char *labels_path, uint64_t start,
                                uint64_t count, const fmn_options *opt,
                                fmn_split **out, fmn_error *err)
{
    fmn_options o;
    fmn_status st = split_args(images_path && labels_path, opt, &o, out,
                               err);
    if (st != FMN_OK)
        return st;
    fmni_problems p;
    fmni_problems_init(&p, &o);
    fmni_split_load_paths(images_path, labels_path, 1, start, count, &o, out,
                          &p);
    return orient_end(out, &p, &o, err);
}

fmn_images fmn_split_images(const fmn_split *sp)
{
    fmn_images v;
    memset(&v, 0, sizeof v);
    if (!sp)
        return v;
    /* images of no pixels still have an address, never read */
    static const uint8_t no_pixels[1];
    const uint8_t *px = fmn_idx_array(sp->images).data;
    v.data = !sp->count ? NULL : px ? px : no_pixels;
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

fmn_dataset fmn_split_naming(const fmn_split *sp)
{
    return sp ? sp->naming : FMN_DATASET_UNKNOWN;
}

fmn_split_id fmn_split_id_of(const fmn_split *sp)
{
    return sp ? sp->id : FMN_SPLIT_UNKNOWN;
}

unsigned fmn_split_num_classes(const fmn_split *sp)
{
    return sp ? sp->classes.count : 0;
}

unsigned fmn_split_first_label(const fmn_split *sp)
{
    return sp ? sp->classes.first : 0;
}

int fmn_split_upright(const fmn_split *sp) { return sp && sp->upright; }

fmn_array fmn_split_label_array(const fmn_split *sp)
{
    fmn_array a;
    memset(&a, 0, sizeof a);
    if (!sp)
        return a;
    fmn_array l = fmn_idx_array(sp->labels);
    size_t row = l.ndim == 2 ? (size_t)l.dims[1] * 4 : 1;
    a.dtype = l.dtype;
    a.ndim = l.ndim;
    a.dims = sp->label_dims;
    a.count = (uint64_t)sp->count * (l.ndim == 2 ? l.dims[1] : 1);
    a.nbytes = sp->count * row;
    a.data = sp->count ? (const uint8_t *)l.data + sp->first * row : NULL;
    return a;
}

const char *fmn_split_class_name(const fmn_split *sp, unsigned label)
{
    return sp ? fmn_class_name(sp->naming, label) : NULL;
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

fmn_status fmn_split_release(fmn_split *split, uint8_t **images,
                             uint8_t **labels, fmn_error *err)
{
    fmni_clear(err);
    if (images)
        *images = NULL;
    if (labels)
        *labels = NULL;
    if (!split || !images || !labels)
        return fmni_bad_argument(err);
    uint8_t *lb = fmni_malloc(&split->heap, split->count);
    if (!lb)
        return fmni_fail(err, FMN_ERR_NOMEM, "fmn_split_release",
                         FMN_NO_OFFSET, 0, "out of memory for the labels");
    if (split->count)
        memcpy(lb, split->label_data, split->count);
    uint8_t *im = fmni_idx_take_data(split->images);
    if (!im) {
        fmni_free(&split->heap, lb);
        return fmni_fail(err, FMN_ERR_NOMEM, "fmn_split_release",
                         FMN_NO_OFFSET, 0, "out of memory for the images");
    }
    *images = im;
    *labels = lb;
    fmn_split_free(split);
    return FMN_OK;
}

void fmn_split_free(fmn_split *sp)
{
    if (!sp)
        return;
    fmn_idx_free(sp->images);
    fmn_idx_free(sp->labels);
    fmn_allocator heap = sp->heap;
    fmni_free(&heap, sp->label_own);
    fmni_free(&heap, sp);
}
