/* split_reader.c - a split read item by item in constant memory: the
 * images and labels files side by side, with every check a load makes
 * (dataset.c's pairing rules, applied as the data passes), and any other
 * copies of either file compared byte for byte as they are read. */
#include "internal.h"

#include <stdlib.h>
#include <string.h>

/* Copies are compared in pieces of this many bytes. */
enum { COMPARE_PIECE = 256 * 1024 };

typedef struct copy {
    fmn_reader *r;
    fmn_file_kind kind;
} copy;

struct fmn_split_reader {
    fmn_reader *images;
    fmn_reader *labels;
    copy *copies;
    size_t ncopies;
    uint8_t *scratch;      /* COMPARE_PIECE bytes, for the copies' bytes */
    uint8_t *discard;      /* COMPARE_PIECE bytes, for pixels not wanted */
    uint8_t *rows;         /* COMPARE_PIECE bytes, for label matrix rows */
    size_t columns;        /* of the label matrix; 0: 1-D labels */
    fmn_options opt;
    fmni_classes classes;
    uint64_t count;        /* items */
    uint64_t next;         /* items read */
    size_t height, width;
    size_t item_bytes;
    fmn_split_id expect[2];/* the roles the files' names give: [kind - 1] */
    int expecting[2];
    size_t in_item;        /* pixel bytes read of item `next` (pieces) */
    uint8_t item_label;    /* ... and its label */
    fmn_dataset dataset;   /* identified, once complete */
    fmn_dataset naming;
    fmn_split_id id;
    int complete;
    fmn_error failure;     /* sticky */
};

static fmni_shape shape_of(const fmn_reader *r)
{
    const fmni_header *h = fmni_reader_header(r);
    fmni_shape s = {fmn_reader_info(r)->path, h->dtype, h->ndim, h->dims[0],
                    h->ndim == 2 ? h->dims[1] : 0};
    return s;
}

/* Reads the rest of a file to find its problems; each goes to `p`. */
static void drain(fmn_split_reader *r, fmn_reader *file, fmni_problems *p)
{
    if (!r->discard &&
        !(r->discard = fmni_malloc(&r->opt.alloc, COMPARE_PIECE)))
        return;
    fmn_error e;
    if (fmni_reader_drain(file, r->discard, COMPARE_PIECE, &e) != FMN_OK)
        fmni_problems_add(p, &e);
}

/* Opens both readers, labels first (the order a load reads them in), and
 * checks the pair's shapes. */
static fmn_status open_pair(fmn_split_reader *r, const char *images_path,
                            const char *labels_path, fmni_problems *p)
{
    fmn_error e, ie;
    fmn_status sl = fmni_reader_open(labels_path, &r->opt.alloc, &r->labels,
                                     &e);
    if (sl != FMN_OK)
        fmni_problems_add(p, &e);
    fmn_status si = FMN_OK;
    if (sl == FMN_OK || p->collect)
        si = fmni_reader_open(images_path, &r->opt.alloc, &r->images, &ie);
    /* with one file refused, the other's own problems, read to its end,
     * in the order a load meets them: labels first */
    if (sl == FMN_OK && si != FMN_OK && p->collect)
        drain(r, r->labels, p);
    if (si != FMN_OK)
        fmni_problems_add(p, &ie);
    if (sl != FMN_OK && si == FMN_OK && p->collect)
        drain(r, r->images, p);
    if (sl != FMN_OK || si != FMN_OK)
        return sl != FMN_OK ? sl : si;
    fmni_shape im = shape_of(r->images), lb = shape_of(r->labels);
    fmn_status st = fmni_pair_shapes(&im, &lb, &e);
    if (st == FMN_OK)
        return FMN_OK;
    /* as a load meets them: each file's own problems first (both read to
     * their end), then the pair's */
    drain(r, r->labels, p);
    drain(r, r->images, p);
    fmni_problems_add(p, &e);
    return p->first.status;
}

fmn_status fmn_split_reader_open(const char *images_path,
                                 const char *labels_path,
                                 const fmn_options *opt,
                                 fmn_split_reader **out, fmn_error *err)
{
    fmni_clear(err);
    if (out)
        *out = NULL;
    if (!images_path || !labels_path || !out)
        return fmni_bad_argument(err);
    fmn_options o; /* the caller's, whole (options.c) */
    fmn_status taken = fmni_options_take(opt, &o, err);
    if (taken != FMN_OK)
        return taken;
    opt = &o;
    fmn_split_reader *r = fmni_calloc(&o.alloc, 1, sizeof *r);
    if (!r)
        return fmni_fail(err, FMN_ERR_NOMEM, images_path, FMN_NO_OFFSET, 0,
                         "out of memory for a split reader");
    r->opt = o;
    fmni_clear(&r->failure);
    fmni_problems p;
    fmni_problems_init(&p, opt);
    open_pair(r, images_path, labels_path, &p);
    fmn_status st = fmni_problems_end(&p, &r->opt, err);
    if (st != FMN_OK) {
        fmn_split_reader_free(r);
        return st;
    }
    const fmni_header *h = fmni_reader_header(r->images);
    r->count = h->dims[0];
    r->height = h->dims[1];
    r->width = h->dims[2];
    r->item_bytes = fmn_reader_item_bytes(r->images);
    r->classes = fmni_class_range(&r->opt, labels_path);
    const fmni_header *lh = fmni_reader_header(r->labels);
    r->columns = lh->ndim == 2 ? lh->dims[1] : 0;
    r->naming = fmni_naming(&r->opt, FMN_DATASET_UNKNOWN, labels_path);
    *out = r;
    return FMN_OK;
}

fmn_status fmni_split_reader_add_copy(fmn_split_reader *r, fmn_file_kind kind,
                                      const char *path, fmn_error *err)
{
    fmn_reader *primary = kind == FMN_FILE_IMAGES ? r->images : r->labels;
    copy *grown = fmni_realloc(&r->opt.alloc, r->copies,
                               (r->ncopies + 1) * sizeof *grown);
    if (!grown)
        return fmni_fail(err, FMN_ERR_NOMEM, path, FMN_NO_OFFSET, 0,
                         "out of memory for a reader");
    r->copies = grown;
    if (!r->scratch &&
        !(r->scratch = fmni_malloc(&r->opt.alloc, COMPARE_PIECE)))
        return fmni_fail(err, FMN_ERR_NOMEM, path, FMN_NO_OFFSET, 0,
                         "out of memory for a reader");
    fmn_reader *c;
    fmn_status st = fmni_reader_open(path, &r->opt.alloc, &c, err);
    if (st == FMN_OK)
        st = fmni_same_header(fmni_reader_header(primary),
                              fmn_reader_info(primary)->path,
                              fmni_reader_header(c), path, kind, err);
    if (st != FMN_OK) {
        fmn_reader_free(c);
        return st;
    }
    r->copies[r->ncopies++] = (copy){c, kind};
    return FMN_OK;
}

void fmni_split_reader_expect(fmn_split_reader *r, fmn_file_kind kind,
                              fmn_split_id split)
{
    r->expect[kind - 1] = split;
    r->expecting[kind - 1] = 1;
}

fmn_images fmn_split_reader_shape(const fmn_split_reader *r)
{
    fmn_images v;
    memset(&v, 0, sizeof v);
    if (r) {
        v.count = (size_t)r->count;
        v.height = r->height;
        v.width = r->width;
    }
    return v;
}

unsigned fmn_split_reader_num_classes(const fmn_split_reader *r)
{
    return r ? r->classes.count : 0;
}

unsigned fmn_split_reader_first_label(const fmn_split_reader *r)
{
    return r ? r->classes.first : 0;
}

/* Reads `n` bytes of `kind` into dst, and the same bytes of every copy of
 * that kind, which must be equal. */
static fmn_status read_kind(fmn_split_reader *r, fmn_file_kind kind,
                            uint8_t *dst, size_t n, fmn_error *err)
{
    fmn_reader *main = kind == FMN_FILE_IMAGES ? r->images : r->labels;
    size_t got;
    fmn_status st = fmni_reader_bytes(main, dst, n, &got, err);
    if (st == FMN_OK && got < n) /* cannot happen: the counts were checked */
        st = fmni_fail(err, FMN_ERR_TRUNCATED, fmn_reader_info(main)->path,
                       FMN_NO_OFFSET, 0, "ends early");
    for (size_t i = 0; st == FMN_OK && i < r->ncopies; i++)
        if (r->copies[i].kind == kind)
            st = fmni_reader_compare(r->copies[i].r, dst, n,
                                     fmn_reader_info(main)->path, r->scratch,
                                     COMPARE_PIECE, err);
    return st;
}

/* Reads `n` bytes of images into dst, or, with dst NULL, through the
 * scratch buffer, piece by piece. */
static fmn_status read_pixels(fmn_split_reader *r, uint8_t *dst, size_t n,
                              fmn_error *err)
{
    if (dst)
        return read_kind(r, FMN_FILE_IMAGES, dst, n, err);
    if (!r->discard && n &&
        !(r->discard = fmni_malloc(&r->opt.alloc, COMPARE_PIECE)))
        return fmni_fail(err, FMN_ERR_NOMEM, fmn_reader_info(r->images)->path,
                         FMN_NO_OFFSET, 0, "out of memory for a reader");
    fmn_status st = FMN_OK;
    for (size_t at = 0; st == FMN_OK && at < n; at += COMPARE_PIECE)
        st = read_kind(r, FMN_FILE_IMAGES, r->discard,
                       n - at < COMPARE_PIECE ? n - at : COMPARE_PIECE, err);
    return st;
}

/* Reads the labels of `n` items into labels[], each checked: the bytes
 * of 1-D labels, or a label matrix's rows (in pieces) and their class. */
static fmn_status read_labels(fmn_split_reader *r, uint8_t *labels, size_t n,
                              fmn_error *err)
{
    const fmn_file_info *li = fmn_reader_info(r->labels);
    int gz = li->compression == FMN_COMPRESSION_GZIP;
    size_t row = r->columns * 4, per = row ? COMPARE_PIECE / row : n;
    if (row && !r->rows && n &&
        !(r->rows = fmni_malloc(&r->opt.alloc, COMPARE_PIECE)))
        return fmni_fail(err, FMN_ERR_NOMEM, li->path, FMN_NO_OFFSET, 0,
                         "out of memory for a reader");
    fmn_status st = FMN_OK;
    for (size_t at = 0; st == FMN_OK && at < n; at += per) {
        size_t k = n - at < per ? n - at : per;
        st = row ? read_kind(r, FMN_FILE_LABELS, r->rows, k * row, err)
                 : read_kind(r, FMN_FILE_LABELS, labels + at, k, err);
        for (size_t i = 0; st == FMN_OK && i < k; i++) {
            int64_t v = fmni_label_at(row ? (const void *)r->rows
                                          : (const void *)(labels + at),
                                      r->columns, i);
            st = fmni_label_check(li->path, gz, r->columns, r->next + at + i,
                                  v, r->classes, &r->opt, err);
            labels[at + i] = (uint8_t)v;
        }
    }
    if (st == FMN_OK && n == 0) /* a split of no items still ends */
        st = read_kind(r, FMN_FILE_LABELS, labels, 0, err);
    return st;
}

/* After the last item: every file's end checked (by its reader), then the
 * pair's identity. */
static fmn_status finish(fmn_split_reader *r, fmn_error *err)
{
    const fmn_file_info *ii = fmn_reader_info(r->images);
    const fmn_file_info *li = fmn_reader_info(r->labels);
    fmn_status st = FMN_OK;
    /* a split of no bytes still has its ends to check */
    uint8_t none;
    if (!ii->complete)
        st = read_kind(r, FMN_FILE_IMAGES, &none, 0, err);
    if (st == FMN_OK && !li->complete)
        st = read_kind(r, FMN_FILE_LABELS, &none, 0, err);
    if (st == FMN_OK)
        st = fmni_pair_identity(ii, li, err);
    for (int k = 0; k < 2 && st == FMN_OK; k++)
        if (r->expecting[k])
            st = fmn_file_check_role(k ? li : ii, r->expect[k],
                                     (fmn_file_kind)(k + 1), err);
    if (st != FMN_OK)
        return st;
    const fmn_file_info *known = li->dataset ? li : ii;
    r->dataset = known->dataset;
    r->id = known->split;
    r->naming = fmni_naming(&r->opt, r->dataset, li->path);
    r->complete = 1;
    return FMN_OK;
}

/* Keeps the failure (every later call returns it) and, when the caller
 * collects problems, reports it and those of the file that did not fail,
 * read to its end. */
static fmn_status fail(fmn_split_reader *r, fmn_status st, fmn_error *err)
{
    r->failure = *err;
    if (!r->opt.report)
        return st;
    fmni_problems p;
    fmni_problems_init(&p, &r->opt);
    fmni_problems_add(&p, err);
    fmn_reader *files[2] = {r->labels, r->images};
    for (int i = 0; i < 2; i++)
        if (!fmni_reader_failed(files[i]) &&
            !fmn_reader_info(files[i])->complete)
            drain(r, files[i], &p);
    fmni_problems_end(&p, &r->opt, NULL);
    return st;
}

fmn_status fmn_split_reader_read(fmn_split_reader *r, uint8_t *pixels,
                                 uint8_t *labels, size_t max_items,
                                 size_t *got, fmn_error *err)
{
    fmni_clear(err);
    if (got)
        *got = 0;
    if (!r || !got || !labels)
        return fmni_bad_argument(err);
    if (r->failure.status != FMN_OK) {
        if (err)
            *err = r->failure;
        return r->failure.status;
    }
    if (r->in_item)
        return fmni_fail(err, FMN_ERR_INVALID_ARGUMENT, "libfmnist",
                         FMN_NO_OFFSET, 0, "fmn_split_reader_read: the reader "
                         "is inside an item (fmn_split_reader_read_piece)");
    uint64_t left = r->count - r->next;
    size_t n = left < max_items ? (size_t)left : max_items;
    if (r->item_bytes && n > SIZE_MAX / r->item_bytes)
        n = SIZE_MAX / r->item_bytes;
    fmn_error local;
    fmn_error *e = err ? err : &local;
    fmn_status st = read_labels(r, labels, n, e);
    if (st == FMN_OK)
        st = read_pixels(r, pixels, n * r->item_bytes, e);
    if (st == FMN_OK) {
        r->next += n;
        if (r->next == r->count && !r->complete)
            st = finish(r, e);
    }
    if (st != FMN_OK)
        return fail(r, st, e);
    *got = n;
    return FMN_OK;
}

fmn_status fmn_split_reader_read_piece(fmn_split_reader *r, uint8_t *pixels,
                                       size_t max_bytes, size_t *got,
                                       unsigned *label, fmn_error *err)
{
    fmni_clear(err);
    if (got)
        *got = 0;
    if (!r || !got || !label || (!pixels && max_bytes))
        return fmni_bad_argument(err);
    if (r->failure.status != FMN_OK) {
        if (err)
            *err = r->failure;
        return r->failure.status;
    }
    if (r->next == r->count && !r->in_item) { /* the ends, checked once */
        uint8_t none;
        return fmn_split_reader_read(r, NULL, &none, 0, got, err);
    }
    if (r->item_bytes == 0 || max_bytes == 0)
        return fmni_fail(err, FMN_ERR_INVALID_ARGUMENT, "libfmnist",
                         FMN_NO_OFFSET, 0, "fmn_split_reader_read_piece: %s",
                         max_bytes ? "items of no pixels have no pieces (use "
                                     "fmn_split_reader_read)"
                                   : "no room for a piece");
    fmn_error local;
    fmn_error *e = err ? err : &local;
    fmn_status st = FMN_OK;
    if (r->in_item == 0)
        st = read_labels(r, &r->item_label, 1, e);
    size_t n = r->item_bytes - r->in_item;
    if (n > max_bytes)
        n = max_bytes;
    if (st == FMN_OK)
        st = read_pixels(r, pixels, n, e);
    if (st == FMN_OK) {
        r->in_item += n;
        if (r->in_item == r->item_bytes) {
            r->in_item = 0;
            r->next++;
            if (r->next == r->count && !r->complete)
                st = finish(r, e);
        }
    }
    if (st != FMN_OK)
        return fail(r, st, e);
    *label = r->item_label;
    *got = n;
    return FMN_OK;
}

int fmn_split_reader_complete(const fmn_split_reader *r)
{
    return r && r->complete;
}

fmn_dataset fmn_split_reader_dataset(const fmn_split_reader *r)
{
    return r ? r->dataset : FMN_DATASET_UNKNOWN;
}

fmn_dataset fmn_split_reader_naming(const fmn_split_reader *r)
{
    return r ? r->naming : FMN_DATASET_UNKNOWN;
}

fmn_split_id fmn_split_reader_id(const fmn_split_reader *r)
{
    return r ? r->id : FMN_SPLIT_UNKNOWN;
}

const fmn_file_info *fmn_split_reader_file(const fmn_split_reader *r,
                                           fmn_file_kind kind)
{
    if (!r)
        return NULL;
    if (kind == FMN_FILE_IMAGES)
        return fmn_reader_info(r->images);
    if (kind == FMN_FILE_LABELS)
        return fmn_reader_info(r->labels);
    return NULL;
}

void fmn_split_reader_free(fmn_split_reader *r)
{
    if (!r)
        return;
    fmn_reader_free(r->images);
    fmn_reader_free(r->labels);
    for (size_t i = 0; i < r->ncopies; i++)
        fmn_reader_free(r->copies[i].r);
    fmn_allocator heap = r->opt.alloc;
    fmni_free(&heap, r->copies);
    fmni_free(&heap, r->scratch);
    fmni_free(&heap, r->discard);
    fmni_free(&heap, r->rows);
    fmni_free(&heap, r);
}
