/* dir.c - finding a dataset's split files in a directory: by their names,
 * [PREFIX-]{train,t10k,test}-{images,labels}{-,.}idx{3,1}-ubyte[.gz], or,
 * for files under other names, by their content (an IDX header's shape)
 * and the words in their names; in a subfolder when the folder itself
 * holds none (torchvision's ROOT/FashionMNIST/raw). Every copy of a file
 * (x.gz beside x, as torchvision keeps them) is kept and checked. */
#define _POSIX_C_SOURCE 200809L
#include "internal.h"
#include "file.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Files whose names are not official are opened to read their header: at
 * most this many per folder. Subfolders are searched this deep, at most
 * this many of each folder and this many in all. */
enum { MAX_PEEKS = 64, MAX_DEPTH = 2, MAX_SUBDIRS = 64, MAX_SEARCHED = 128 };

typedef struct entry {
    char *path;
    fmn_split_id split;
    fmn_file_kind kind;
    char *prefix;      /* official names: "" or "emnist-digits-"; NULL for
                          a file recognised by its content */
    int rank;          /* among copies, lower first: official name, then
                          gzip, then the others in name order */
    int split_by_name; /* the split comes from the name, not the count */
    uint64_t items;    /* from the header (files recognised by content) */
} entry;

struct fmn_dir {
    char *path;        /* the folder given */
    char *location;    /* the folder the files are in */
    entry *files;      /* sorted by split, kind, rank */
    size_t n, cap;
    fmn_allocator heap; /* what all of it came from */
};

static int ends_with(const char *s, size_t n, const char *suffix)
{
    size_t k = strlen(suffix);
    return n >= k && strncmp(s + n - k, suffix, k) == 0;
}

int fmni_parse_name(const char *name, fmn_split_id *split,
                    fmn_file_kind *kind, size_t *prefix_len, int *rank)
{
    size_t n = strlen(name);
    int gz = ends_with(name, n, ".gz");
    if (gz)
        n -= 3;
    static const struct { const char *tail; fmn_file_kind kind; int dot; } T[] = {
        {"-images-idx3-ubyte", FMN_FILE_IMAGES, 0},
        {"-images.idx3-ubyte", FMN_FILE_IMAGES, 1},
        {"-labels-idx1-ubyte", FMN_FILE_LABELS, 0},
        {"-labels.idx1-ubyte", FMN_FILE_LABELS, 1},
        {"-labels-idx2-int", FMN_FILE_LABELS, 0}}; /* QMNIST's matrices */
    static const struct { const char *word; fmn_split_id split; } S[] = {
        {"train", FMN_SPLIT_TRAIN}, {"t10k", FMN_SPLIT_TEST},
        {"test", FMN_SPLIT_TEST}};
    for (size_t t = 0; t < sizeof T / sizeof T[0]; t++) {
        if (!ends_with(name, n, T[t].tail))
            continue;
        size_t m = n - strlen(T[t].tail);
        for (size_t w = 0; w < sizeof S / sizeof S[0]; w++) {
            if (!ends_with(name, m, S[w].word))
                continue;
            size_t p = m - strlen(S[w].word);
            if (p > 0 && name[p - 1] != '-')
                continue;
            *split = S[w].split;
            *kind = T[t].kind;
            if (prefix_len)
                *prefix_len = p;
            if (rank)
                *rank = T[t].dot * 2 + !gz;
            return 1;
        }
    }
    return 0;
}

/* Whether `word` occurs in `name` (any case) not inside a longer word. */
static int has_word(const char *name, const char *word)
{
    size_t n = strlen(name), k = strlen(word);
    for (size_t i = 0; i + k <= n; i++) {
        if (strncasecmp(name + i, word, k) != 0)
            continue;
        int before = i == 0 || !isalpha((unsigned char)name[i - 1]);
        int after = !isalpha((unsigned char)name[i + k]);
        if (before && after)
            return 1;
    }
    return 0;
}

/* Whether a file under an unofficial name is worth opening: the names a
 * download or a renamed copy of an IDX file gets. */
static int may_be_idx(const char *name)
{
    static const char *const hints[] = {".gz", "idx", "ubyte", "image",
                                        "label"};
    for (size_t i = 0; i < sizeof hints / sizeof hints[0]; i++)
        for (const char *p = name; *p; p++)
            if (strncasecmp(p, hints[i], strlen(hints[i])) == 0)
                return 1;
    return 0;
}

static char *join(const fmn_allocator *heap, const char *dir, const char *name)
{
    size_t a = strlen(dir), b = strlen(name);
    char *p = fmni_malloc(heap, a + b + 2);
    if (!p)
        return NULL;
    memcpy(p, dir, a);
    size_t at = a;
    if (a == 0 || dir[a - 1] != '/')
        p[at++] = '/';
    memcpy(p + at, name, b + 1);
    return p;
}

static void entries_free(const fmn_allocator *heap, entry *e, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        fmni_free(heap, e[i].path);
        fmni_free(heap, e[i].prefix);
    }
    fmni_free(heap, e);
}

void fmn_dir_free(fmn_dir *dir)
{
    if (!dir)
        return;
    fmn_allocator heap = dir->heap;
    entries_free(&heap, dir->files, dir->n);
    fmni_free(&heap, dir->path);
    fmni_free(&heap, dir->location);
    fmni_free(&heap, dir);
}

static fmn_status nomem(const char *path, fmn_error *err)
{
    return fmni_fail(err, FMN_ERR_NOMEM, path, FMN_NO_OFFSET, 0,
                     "out of memory while scanning");
}

/* Appends an entry (taking path and prefix, freed on failure). */
static fmn_status add(fmn_dir *dir, entry e, fmn_error *err)
{
    if (dir->n == dir->cap) {
        size_t cap = dir->cap ? dir->cap * 2 : 8;
        entry *grown = cap <= SIZE_MAX / sizeof *grown
                           ? fmni_realloc(&dir->heap, dir->files,
                                          cap * sizeof *grown)
                           : NULL;
        if (!grown) {
            fmni_free(&dir->heap, e.path);
            fmni_free(&dir->heap, e.prefix);
            return nomem(dir->location, err);
        }
        dir->files = grown;
        dir->cap = cap;
    }
    dir->files[dir->n++] = e;
    return FMN_OK;
}

/* Reads the header of `path`: 1 with its shape if it is an images (3-D
 * uint8) or labels (1-D uint8, or a 2-D int32 label matrix) file, 0 if it is not (or cannot be read),
 * -1 when memory ran out. */
static int peek(const fmn_allocator *heap, const char *path,
                fmn_file_kind *kind, uint64_t *items)
{
    fmni_stream s;
    fmn_error err;
    if (fmni_src_open_file(&s.src, path, heap, &err) != FMN_OK)
        return err.status == FMN_ERR_NOMEM ? -1 : 0;
    fmni_header h;
    memset(&h, 0, sizeof h);
    fmn_status st = fmni_stream_open(&s, &err);
    if (st == FMN_OK)
        st = fmni_read_header(&s, &h, &err);
    int ok = st == FMN_OK &&
             ((h.dtype == FMN_DTYPE_U8 && (h.ndim == 1 || h.ndim == 3)) ||
              (h.dtype == FMN_DTYPE_I32 && h.ndim == 2)); /* QMNIST's */
    if (ok) {
        *kind = h.ndim == 3 ? FMN_FILE_IMAGES : FMN_FILE_LABELS;
        *items = h.dims[0];
    }
    fmni_free(heap, h.dims);
    fmni_stream_close(&s);
    return st == FMN_ERR_NOMEM ? -1 : ok;
}

/* Considers one entry of dir->location, a file. */
static fmn_status consider(fmn_dir *dir, const char *name, int *peeks,
                           fmn_error *err)
{
    if (name[0] == '.') /* hidden, and our own temporary files */
        return FMN_OK;
    char *path = join(&dir->heap, dir->location, name);
    if (!path)
        return nomem(dir->location, err);
    entry e = {path, FMN_SPLIT_UNKNOWN, FMN_FILE_UNKNOWN, NULL, 0, 1, 0};
    size_t prefix_len;
    if (fmni_parse_name(name, &e.split, &e.kind, &prefix_len, &e.rank)) {
        e.prefix = fmni_strndup(&dir->heap, name, prefix_len);
        if (!e.prefix) {
            fmni_free(&dir->heap, path);
            return nomem(dir->location, err);
        }
        return add(dir, e, err);
    }
    int is_idx = 0;
    if (may_be_idx(name) && *peeks < MAX_PEEKS) {
        ++*peeks;
        is_idx = peek(&dir->heap, path, &e.kind, &e.items);
    }
    if (is_idx <= 0) {
        fmni_free(&dir->heap, path);
        return is_idx < 0 ? nomem(dir->location, err) : FMN_OK;
    }
    /* its split from the words of its name, else from its count, later */
    int train = has_word(name, "train") || has_word(name, "training");
    int test = has_word(name, "test") || has_word(name, "testing") ||
               has_word(name, "t10k");
    e.split = train && !test   ? FMN_SPLIT_TRAIN
              : test && !train ? FMN_SPLIT_TEST
                               : FMN_SPLIT_UNKNOWN;
    e.split_by_name = e.split != FMN_SPLIT_UNKNOWN;
    e.rank = 10;
    return add(dir, e, err);
}

/* Drops entry i. */
static void drop(fmn_dir *dir, size_t i)
{
    fmni_free(&dir->heap, dir->files[i].path);
    fmni_free(&dir->heap, dir->files[i].prefix);
    dir->files[i] = dir->files[--dir->n];
}

/* Files recognised by content whose names say neither train nor test.
 * Beside files under official names they are not part of the dataset
 * (they are something else), so they are left out. Otherwise, the larger
 * count is train, the smaller test; one count alone is train. */
static fmn_status assign_splits(fmn_dir *dir, fmn_error *err)
{
    uint64_t counts[2] = {0, 0};
    size_t ncounts = 0;
    int official = 0;
    for (size_t i = 0; i < dir->n; i++)
        official |= dir->files[i].prefix != NULL;
    for (size_t i = 0; i < dir->n;) {
        const entry *e = &dir->files[i];
        if (e->split != FMN_SPLIT_UNKNOWN) {
            i++;
            continue;
        }
        if (official) {
            drop(dir, i);
            continue;
        }
        size_t k = 0;
        while (k < ncounts && counts[k] != e->items)
            k++;
        if (k == ncounts && ncounts == 2)
            return fmni_fail(err, FMN_ERR_AMBIGUOUS, dir->location,
                             FMN_NO_OFFSET, 0,
                             "holds IDX files of three or more sizes whose "
                             "names say neither train nor test (%s is one): "
                             "name the files to use",
                             e->path);
        if (k == ncounts)
            counts[ncounts++] = e->items;
        i++;
    }
    uint64_t larger = ncounts == 2 && counts[1] > counts[0] ? counts[1]
                                                            : counts[0];
    for (size_t i = 0; i < dir->n; i++) {
        entry *e = &dir->files[i];
        if (e->split == FMN_SPLIT_UNKNOWN)
            e->split = e->items == larger ? FMN_SPLIT_TRAIN : FMN_SPLIT_TEST;
    }
    return FMN_OK;
}

static int by_role(const void *a, const void *b)
{
    const entry *x = a, *y = b;
    if (x->split != y->split)
        return x->split < y->split ? -1 : 1;
    if (x->kind != y->kind)
        return x->kind < y->kind ? -1 : 1;
    if (x->rank != y->rank)
        return x->rank < y->rank ? -1 : 1;
    return strcmp(x->path, y->path);
}

/* Scans dir->location into dir->files. Official names of different
 * prefixes are several datasets side by side (EMNIST's six): all kept,
 * told apart by fmn_dir_datasets. */
static fmn_status scan(fmn_dir *dir, fmn_error *err)
{
    fmni_listing l;
    fmn_status st = fmni_list(dir->location, &dir->heap, &l, err);
    if (st != FMN_OK)
        return st;
    int peeks = 0;
    for (size_t i = 0; st == FMN_OK && i < l.n; i++)
        if (!l.is_dir[i])
            st = consider(dir, l.names[i], &peeks, err);
    fmni_listing_free(&l);
    if (st == FMN_OK)
        st = assign_splits(dir, err);
    if (st == FMN_OK && dir->n)
        qsort(dir->files, dir->n, sizeof *dir->files, by_role);
    return st;
}

/* The subfolders of `path` (not hidden; zip archives among them), at
 * most MAX_SUBDIRS, into an array of paths, all from heap. */
static fmn_status subfolders(const fmn_allocator *heap, const char *path,
                             char ***out, size_t *n, fmn_error *err)
{
    *out = NULL;
    *n = 0;
    fmni_listing l;
    fmn_error ignored;
    if (fmni_list(path, heap, &l, &ignored) != FMN_OK)
        return FMN_OK;
    char **list = fmni_malloc(heap, MAX_SUBDIRS * sizeof *list);
    if (!list) {
        fmni_listing_free(&l);
        return nomem(path, err);
    }
    for (size_t i = 0; i < l.n && *n < MAX_SUBDIRS; i++) {
        if (l.names[i][0] == '.' || !l.is_dir[i])
            continue;
        char *sub = join(heap, path, l.names[i]);
        if (sub)
            list[(*n)++] = sub;
    }
    fmni_listing_free(&l);
    *out = list;
    return FMN_OK;
}

static int by_string(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Folders under `path` (to `depth` levels) that hold split files, each
 * scanned into a fmn_dir of its own, appended to found[] (cap entries;
 * *nfound counts past cap). Only folders with nothing found are
 * descended into; each folder scanned takes one of *budget. */
static fmn_status search(const fmn_allocator *heap, const char *root,
                         const char *path, int depth, fmn_dir **found,
                         size_t cap, size_t *nfound, size_t *budget,
                         fmn_error *err)
{
    char **subs;
    size_t nsubs;
    fmn_status st = subfolders(heap, path, &subs, &nsubs, err);
    if (st != FMN_OK)
        return st;
    qsort(subs, nsubs, sizeof *subs, by_string);
    for (size_t i = 0; i < nsubs && st == FMN_OK && *budget > 0; i++) {
        --*budget;
        fmn_dir *d = fmni_calloc(heap, 1, sizeof *d);
        if (d) {
            d->heap = *heap;
            d->path = fmni_strndup(heap, root, strlen(root));
            d->location = subs[i];
            subs[i] = NULL;
        }
        if (!d || !d->path) {
            fmn_dir_free(d);
            st = nomem(path, err);
            break;
        }
        fmn_error ignored;
        if (scan(d, &ignored) == FMN_OK && d->n > 0) {
            if (*nfound < cap)
                found[*nfound] = d;
            else
                fmn_dir_free(d);
            ++*nfound;
            continue;
        }
        if (depth > 1)
            st = search(heap, root, d->location, depth - 1, found, cap,
                        nfound, budget, err);
        fmn_dir_free(d);
    }
    for (size_t i = 0; i < nsubs; i++)
        fmni_free(heap, subs[i]);
    fmni_free(heap, subs);
    return st;
}

/* A folder with no split files of its own: the one subfolder that has
 * some becomes the location. */
static fmn_status search_below(fmn_dir *dir, fmn_error *err)
{
    enum { SHOWN = 3 };
    fmn_dir *found[SHOWN];
    size_t n = 0, budget = MAX_SEARCHED;
    fmn_status st = search(&dir->heap, dir->path, dir->path, MAX_DEPTH, found,
                           SHOWN, &n, &budget, err);
    if (st == FMN_OK && n == 0)
        st = fmni_fail(err, FMN_ERR_NO_DATASET, dir->path, FMN_NO_OFFSET, 0,
                       "no IDX split files here or in its subfolders (looked "
                       "for names like train-images-idx3-ubyte.gz and "
                       "t10k-labels-idx1-ubyte, and for IDX files under "
                       "other names)");
    else if (st == FMN_OK && n > 1)
        st = fmni_fail(err, FMN_ERR_AMBIGUOUS, dir->path, FMN_NO_OFFSET, 0,
                       "holds several datasets, in %s, %s%s%s: name the "
                       "folder to use",
                       found[0]->location, found[1]->location,
                       n > 2 ? ", " : "",
                       n > 3 ? "and more" : n > 2 ? found[2]->location : "");
    if (st == FMN_OK) {
        /* take the one found */
        fmni_free(&dir->heap, dir->location);
        dir->location = found[0]->location;
        dir->files = found[0]->files;
        dir->n = found[0]->n;
        dir->cap = found[0]->cap;
        found[0]->location = NULL;
        found[0]->files = NULL;
        found[0]->n = 0;
    }
    for (size_t i = 0; i < n && i < SHOWN; i++)
        fmn_dir_free(found[i]);
    return st;
}

/* FOLDER/PREFIX, where FOLDER holds files named PREFIX-...: those files
 * alone, one dataset of several side by side. FMN_ERR_NOT_FOUND when
 * path is not that either. */
static fmn_status open_prefixed(fmn_dir *dir, fmn_error *err)
{
    const char *slash = strrchr(dir->path, '/');
    fmni_free(&dir->heap, dir->location);
    dir->location =
        slash ? fmni_strndup(&dir->heap, dir->path, (size_t)(slash - dir->path))
              : fmni_strndup(&dir->heap, ".", 1);
    if (!dir->location)
        return nomem(dir->path, err);
    const char *base = slash ? slash + 1 : dir->path;
    fmn_error ignored;
    if (!*base || !fmni_is_folder(dir->location) ||
        scan(dir, &ignored) != FMN_OK)
        return fmni_fail(err, FMN_ERR_NOT_FOUND, dir->path, FMN_NO_OFFSET, 0,
                         "no such file or directory");
    size_t n = strlen(base);
    for (size_t i = 0; i < dir->n;) {
        const char *p = dir->files[i].prefix;
        if (p && strncmp(p, base, n) == 0 && p[n] == '-' && !p[n + 1])
            i++;
        else
            drop(dir, i);
    }
    if (dir->n == 0)
        return fmni_fail(err, FMN_ERR_NOT_FOUND, dir->path, FMN_NO_OFFSET, 0,
                         "no such folder, nor files named %s-train-images-"
                         "idx3-ubyte[.gz] and the like beside it",
                         base);
    qsort(dir->files, dir->n, sizeof *dir->files, by_role);
    return FMN_OK;
}

int fmn_path_is_folder(const char *path)
{
    if (!path)
        return 0;
    if (fmni_is_folder(path))
        return 1;
    /* FOLDER/PREFIX: no such entry, but FOLDER has files named PREFIX-... */
    const char *slash = strrchr(path, '/');
    const char *base = slash ? slash + 1 : path;
    size_t n = strlen(base);
    char *parent = slash ? fmni_strndup(NULL, path, (size_t)(slash - path))
                         : fmni_strndup(NULL, ".", 1);
    fmni_listing l;
    fmn_error ignored;
    int found = 0;
    if (parent && n && fmni_list(parent, NULL, &l, &ignored) == FMN_OK) {
        int exists = 0;
        for (size_t i = 0; i < l.n; i++) {
            exists |= strcmp(l.names[i], base) == 0;
            found |= !l.is_dir[i] && strncmp(l.names[i], base, n) == 0 &&
                     l.names[i][n] == '-';
        }
        found &= !exists;
        fmni_listing_free(&l);
    }
    fmni_free(NULL, parent);
    return found;
}

fmn_status fmn_dir_open(const char *path, fmn_dir **out, fmn_error *err)
{
    return fmni_dir_open(path, NULL, out, err);
}

fmn_status fmni_dir_open(const char *path, const fmn_allocator *heap,
                         fmn_dir **out, fmn_error *err)
{
    if (out)
        *out = NULL;
    if (!path || !out)
        return fmni_bad_argument(err);
    fmn_dir *dir = fmni_calloc(heap, 1, sizeof *dir);
    if (dir) {
        if (heap)
            dir->heap = *heap;
        dir->path = fmni_strndup(heap, path, strlen(path));
        dir->location = fmni_strndup(heap, path, strlen(path));
    }
    if (!dir || !dir->path || !dir->location) {
        fmn_dir_free(dir);
        return nomem(path, err);
    }
    fmni_stat sb;
    fmn_status st =
        fmni_is_folder(path) ? scan(dir, err)
        : fmni_path_stat(path, &sb) == 0
            ? fmni_fail(err, FMN_ERR_IO, path, FMN_NO_OFFSET, 0,
                        "not a directory (a folder or a zip archive was "
                        "expected)")
            : open_prefixed(dir, err);
    if (st == FMN_OK && dir->n == 0)
        st = search_below(dir, err);
    if (st != FMN_OK) {
        fmn_dir_free(dir);
        return st;
    }
    *out = dir;
    fmni_clear(err);
    return FMN_OK;
}

const char *fmn_dir_location(const fmn_dir *dir)
{
    return dir ? dir->location : NULL;
}

/* The first entry of a role, and how many there are. */
static const entry *role(const fmn_dir *dir, fmn_split_id split,
                         fmn_file_kind kind, size_t *count)
{
    *count = 0;
    if (!dir)
        return NULL;
    const entry *first = NULL;
    for (size_t i = 0; i < dir->n; i++)
        if (dir->files[i].split == split && dir->files[i].kind == kind) {
            if (!first)
                first = &dir->files[i];
            ++*count;
        }
    return first;
}

size_t fmn_dir_copies(const fmn_dir *dir, fmn_split_id split,
                      fmn_file_kind kind)
{
    size_t n;
    role(dir, split, kind, &n);
    return n;
}

const char *fmn_dir_copy(const fmn_dir *dir, fmn_split_id split,
                         fmn_file_kind kind, size_t i)
{
    size_t n;
    const entry *e = role(dir, split, kind, &n);
    return e && i < n ? e[i].path : NULL;
}

const char *fmn_dir_path(const fmn_dir *dir, fmn_split_id split,
                         fmn_file_kind kind)
{
    return fmn_dir_copy(dir, split, kind, 0);
}

int fmn_dir_has_split(const fmn_dir *dir, fmn_split_id split)
{
    return fmn_dir_copies(dir, split, FMN_FILE_IMAGES) ||
           fmn_dir_copies(dir, split, FMN_FILE_LABELS);
}

/* The prefix of group `i` (the files of one dataset: one prefix of their
 * official names, "" for none), in name order; NULL past the last. */
static const char *group(const fmn_dir *dir, size_t i)
{
    /* files recognised by content beside official names are copies of
     * theirs: they make a group only where there are no others */
    int official = 0;
    for (size_t k = 0; k < dir->n; k++)
        official |= dir->files[k].prefix != NULL;
    const char *last = NULL;
    for (;;) {
        /* the least prefix above the last one */
        const char *next = NULL;
        for (size_t k = 0; k < dir->n; k++) {
            if (official && !dir->files[k].prefix)
                continue;
            const char *p = dir->files[k].prefix ? dir->files[k].prefix : "";
            if ((!last || strcmp(p, last) > 0) &&
                (!next || strcmp(p, next) < 0))
                next = p;
        }
        if (!next || i-- == 0)
            return next;
        last = next;
    }
}

size_t fmn_dir_datasets(const fmn_dir *dir)
{
    size_t n = 0;
    while (dir && group(dir, n))
        n++;
    return n;
}

size_t fmn_dir_dataset_path(const fmn_dir *dir, size_t i, char *buf,
                            size_t cap)
{
    const char *p = dir ? group(dir, i) : NULL;
    if (cap)
        buf[0] = '\0';
    if (!p)
        return 0;
    size_t n = strlen(p);
    if (n == 0 || fmn_dir_datasets(dir) == 1)
        return (size_t)snprintf(buf, cap, "%s", dir->path);
    return (size_t)snprintf(buf, cap, "%s/%.*s", dir->location, (int)(n - 1),
                            p);
}

/* FMN_ERR_AMBIGUOUS for a folder of several datasets side by side. */
static fmn_status one_dataset(const fmn_dir *dir, fmn_error *err)
{
    size_t n = fmn_dir_datasets(dir);
    if (n <= 1)
        return FMN_OK;
    char names[256] = "", example[64] = "";
    for (size_t i = 0; i < n; i++) {
        const char *p = group(dir, i);
        size_t used = strlen(names), len = strlen(p);
        if (len)
            snprintf(names + used, sizeof names - used, "%s%.*s",
                     i ? ", " : "", (int)(len - 1), p);
        else
            snprintf(names + used, sizeof names - used, "%s(no prefix)",
                     i ? ", " : "");
        if (len && !example[0])
            snprintf(example, sizeof example, "%.*s", (int)(len - 1), p);
    }
    return fmni_fail(err, FMN_ERR_AMBIGUOUS, dir->location, FMN_NO_OFFSET, 0,
                     "holds %zu datasets side by side (%s): name one, as "
                     "%s/%s",
                     n, names, dir->location, example);
}

/* FMN_ERR_NOT_FOUND when a present split lacks one of its files;
 * FMN_ERR_AMBIGUOUS when the folder holds several datasets. */
static fmn_status both_files(const fmn_dir *dir, fmn_split_id split,
                             fmn_error *err)
{
    if (one_dataset(dir, err) != FMN_OK)
        return err ? err->status : FMN_ERR_AMBIGUOUS;
    const char *images = fmn_dir_path(dir, split, FMN_FILE_IMAGES);
    const char *labels = fmn_dir_path(dir, split, FMN_FILE_LABELS);
    if (images && labels)
        return FMN_OK;
    return fmni_fail(err, FMN_ERR_NOT_FOUND, dir->location, FMN_NO_OFFSET, 0,
                     "no %s %s file (looked for %s-%s-idx%d-ubyte[.gz], "
                     "variants, and IDX files under other names)%s%s",
                     fmn_split_id_name(split), images ? "labels" : "images",
                     split == FMN_SPLIT_TRAIN ? "train" : "t10k",
                     images ? "labels" : "images", images ? 1 : 3,
                     images || labels ? ", but found " : "",
                     images ? images : labels ? labels : "");
}

fmn_status fmn_dir_check_role(const fmn_dir *dir, const fmn_file_info *info,
                              fmn_split_id split, fmn_file_kind kind,
                              fmn_error *err)
{
    fmni_clear(err);
    if (!dir || !info)
        return fmni_bad_argument(err);
    size_t n;
    const entry *e = role(dir, split, kind, &n);
    for (size_t i = 0; i < n; i++)
        if (strcmp(e[i].path, info->path) == 0)
            return fmn_file_check_role(
                info, e[i].split_by_name ? split : FMN_SPLIT_UNKNOWN, kind,
                err);
    return fmn_file_check_role(info, split, kind, err);
}

/* The other copies of a loaded file hold the same bytes. */
static void check_copies(const fmn_dir *dir, const fmn_split *sp,
                         fmn_split_id split, fmn_file_kind kind,
                         const fmn_options *opt, fmni_problems *p)
{
    size_t n;
    const entry *e = role(dir, split, kind, &n);
    const fmn_file_info *fi = fmn_split_file(sp, kind);
    fmn_images im = fmn_split_images(sp);
    fmn_array lb = fmn_split_label_array(sp); /* labels, or a matrix */
    const void *data = kind == FMN_FILE_IMAGES ? (const void *)im.data
                                               : lb.data;
    uint32_t dims[3] = {(uint32_t)im.count, (uint32_t)im.height,
                        (uint32_t)im.width};
    if (kind == FMN_FILE_LABELS)
        for (size_t i = 0; i < lb.ndim; i++)
            dims[i] = lb.dims[i];
    fmni_header h;
    memset(&h, 0, sizeof h);
    h.dtype = kind == FMN_FILE_IMAGES ? FMN_DTYPE_U8 : lb.dtype;
    h.ndim = kind == FMN_FILE_IMAGES ? 3 : lb.ndim;
    h.dims = dims;
    for (size_t i = 1; i < n; i++) {
        fmn_error err;
        if (fmni_copy_matches(fi->path, &h, data, e[i].path, kind, &opt->alloc,
                              &err) != FMN_OK)
            fmni_problems_add(p, &err);
    }
}

/* The class mapping file beside prefixed files (EMNIST's
 * emnist-letters-mapping.txt), where there is one, agrees with the
 * split's class names. */
static fmn_status check_mapping(const fmn_dir *dir, const fmn_split *sp,
                                fmn_split_id split, const fmn_options *opt,
                                fmn_error *err)
{
    size_t n;
    const entry *e = role(dir, split, FMN_FILE_LABELS, &n);
    if (!e || !e->prefix || !e->prefix[0] ||
        (split == FMN_SPLIT_TEST && fmn_dir_has_split(dir, FMN_SPLIT_TRAIN)))
        return FMN_OK; /* one file for both splits: checked with train's */
    const fmn_allocator *heap = &opt->alloc;
    size_t len = strlen(e->prefix) + sizeof "mapping.txt";
    char *name = fmni_malloc(heap, len), *path = NULL;
    if (name) {
        snprintf(name, len, "%smapping.txt", e->prefix);
        path = join(heap, dir->location, name);
    }
    fmni_free(heap, name);
    if (!path)
        return nomem(dir->location, err);
    fmn_status st = fmni_check_mapping(path, fmn_split_naming(sp), heap, err);
    fmni_free(heap, path);
    return st;
}

/* fmn_dir_load_split, every problem to `p`. */
static fmn_status load_split(const fmn_dir *dir, fmn_split_id split,
                             const fmn_options *opt, fmn_split **out,
                             fmni_problems *p)
{
    *out = NULL;
    fmn_error err;
    if (both_files(dir, split, &err) != FMN_OK) {
        fmni_problems_add(p, &err);
        return err.status;
    }
    fmn_split *sp;
    size_t before = p->total;
    fmn_status st = fmni_split_load_paths(
        fmn_dir_path(dir, split, FMN_FILE_IMAGES),
        fmn_dir_path(dir, split, FMN_FILE_LABELS), 0, 0, 0, opt, &sp, p);
    if (st != FMN_OK)
        return st;
    for (int k = FMN_FILE_IMAGES; k <= FMN_FILE_LABELS; k++) {
        fmn_error e;
        if (fmn_dir_check_role(dir, fmn_split_file(sp, (fmn_file_kind)k),
                               split, (fmn_file_kind)k, &e) != FMN_OK)
            fmni_problems_add(p, &e);
        check_copies(dir, sp, split, (fmn_file_kind)k, opt, p);
    }
    fmn_error e;
    if (check_mapping(dir, sp, split, opt, &e) != FMN_OK)
        fmni_problems_add(p, &e);
    if (p->total == before && fmni_split_orient(sp, opt, &e) != FMN_OK)
        fmni_problems_add(p, &e); /* turned upright once every copy matched */
    if (p->total != before) {
        fmn_split_free(sp);
        return p->first.status;
    }
    *out = sp;
    return FMN_OK;
}

fmn_status fmn_dir_load_split(const fmn_dir *dir, fmn_split_id split,
                              const fmn_options *opt, fmn_split **out,
                              fmn_error *err)
{
    if (out)
        *out = NULL;
    if (!dir || !out || !fmn_split_id_name(split))
        return fmni_bad_argument(err);
    fmn_options o; /* the caller's, whole (options.c) */
    fmn_status taken = fmni_options_take(opt, &o, err);
    if (taken != FMN_OK)
        return taken;
    opt = &o;
    fmni_problems p;
    fmni_problems_init(&p, opt);
    load_split(dir, split, opt, out, &p);
    return fmni_problems_end(&p, opt, err);
}

/* The train and test splits of one folder come from one release. */
static void check_release(const fmn_split *train, const fmn_split *test,
                          fmni_problems *p)
{
    fmn_dataset a = fmn_split_dataset(train), b = fmn_split_dataset(test);
    if (!a || !b || a == b)
        return;
    fmn_error err;
    fmni_fail(&err, FMN_ERR_MISMATCHED_PAIR,
              fmn_split_file(test, FMN_FILE_IMAGES)->path, FMN_NO_OFFSET, 0,
              "the test split is %s's, but the train split beside it (%s) "
              "is %s's: the folder does not hold one release",
              fmn_dataset_title(b), fmn_split_file(train, FMN_FILE_IMAGES)->path,
              fmn_dataset_title(a));
    fmni_problems_add(p, &err);
}

fmn_status fmn_dir_load_both(const fmn_dir *dir, const fmn_options *opt,
                             fmn_split **train, fmn_split **test,
                             fmn_error *train_err, fmn_error *test_err)
{
    if (train)
        *train = NULL;
    if (test)
        *test = NULL;
    if (!dir || !train || !test)
        return fmni_bad_argument(train_err);
    fmn_options o; /* the caller's, whole (options.c) */
    fmn_status taken = fmni_options_take(opt, &o, train_err);
    if (taken != FMN_OK)
        return taken;
    opt = &o;
    fmn_error e;
    if (one_dataset(dir, &e) != FMN_OK) { /* said once, for both splits */
        if (opt && opt->report)
            opt->report(opt->report_ctx, &e);
        if (train_err)
            *train_err = e;
        if (test_err)
            *test_err = e;
        return e.status;
    }
    /* one split after the other: each load keeps every core it may use
     * busy by itself, and with one thread (fmn_options.threads 1) there
     * is no other to load beside it */
    fmn_split *out[2] = {NULL, NULL};
    fmni_problems problems[2];
    for (int i = 0; i < 2; i++) {
        fmn_split_id id = i ? FMN_SPLIT_TEST : FMN_SPLIT_TRAIN;
        fmni_problems_init(&problems[i], opt);
        if (fmn_dir_has_split(dir, id))
            load_split(dir, id, opt, &out[i], &problems[i]);
    }
    if (out[0] && out[1]) {
        check_release(out[0], out[1], &problems[1]);
        if (problems[1].have) {
            fmn_split_free(out[1]);
            out[1] = NULL;
        }
    }
    *train = out[0];
    *test = out[1];
    fmn_status st = fmni_problems_end(&problems[0], opt, train_err);
    fmn_status st2 = fmni_problems_end(&problems[1], opt, test_err);
    return st != FMN_OK ? st : st2;
}

fmn_status fmn_dataset_load(const char *path, const fmn_options *opt,
                            fmn_split **train, fmn_split **test,
                            fmn_error *err)
{
    if (train)
        *train = NULL;
    if (test)
        *test = NULL;
    if (!train || !test)
        return fmni_bad_argument(err);
    fmn_options o; /* the caller's, whole (options.c) */
    fmn_status taken = fmni_options_take(opt, &o, err);
    if (taken != FMN_OK)
        return taken;
    opt = &o;
    fmn_dir *dir;
    fmn_status st = fmni_dir_open(path, &opt->alloc, &dir, err);
    if (st != FMN_OK)
        return st;
    fmn_error test_err;
    st = fmn_dir_load_both(dir, opt, train, test, err, &test_err);
    if (st != FMN_OK && *train && err) /* the test split failed */
        *err = test_err;
    for (int i = 0; st == FMN_OK && i < 2; i++) /* a split not there */
        if (!(i ? *test : *train))
            st = fmn_dir_load_split(dir, i ? FMN_SPLIT_TEST : FMN_SPLIT_TRAIN,
                                    opt, i ? test : train, err);
    fmn_dir_free(dir);
    if (st != FMN_OK) {
        fmn_split_free(*train);
        fmn_split_free(*test);
        *train = *test = NULL;
    }
    return st;
}

fmn_status fmn_dir_open_reader(const fmn_dir *dir, fmn_split_id split,
                               const fmn_options *opt, fmn_split_reader **out,
                               fmn_error *err)
{
    if (out)
        *out = NULL;
    if (!dir || !out || !fmn_split_id_name(split))
        return fmni_bad_argument(err);
    fmn_options o; /* the caller's, whole (options.c) */
    fmn_status taken = fmni_options_take(opt, &o, err);
    if (taken != FMN_OK)
        return taken;
    opt = &o;
    fmn_error why;
    fmn_status st = both_files(dir, split, &why);
    if (st != FMN_OK) {
        if (opt && opt->report)
            opt->report(opt->report_ctx, &why);
        if (err)
            *err = why;
        return st;
    }
    fmn_split_reader *r;
    st = fmn_split_reader_open(fmn_dir_path(dir, split, FMN_FILE_IMAGES),
                               fmn_dir_path(dir, split, FMN_FILE_LABELS), opt,
                               &r, err);
    if (st != FMN_OK)
        return st;
    for (int k = FMN_FILE_IMAGES; k <= FMN_FILE_LABELS && st == FMN_OK; k++) {
        size_t n;
        const entry *e = role(dir, split, (fmn_file_kind)k, &n);
        fmni_split_reader_expect(r, (fmn_file_kind)k,
                                 e->split_by_name ? split : FMN_SPLIT_UNKNOWN);
        for (size_t i = 1; i < n && st == FMN_OK; i++)
            st = fmni_split_reader_add_copy(r, (fmn_file_kind)k, e[i].path,
                                            err);
    }
    if (st != FMN_OK) {
        if (opt && opt->report)
            opt->report(opt->report_ctx, err);
        fmn_split_reader_free(r);
        return st;
    }
    *out = r;
    return FMN_OK;
}
