/* dir.c - finding a dataset's split files in a directory by their names:
 * [PREFIX-]{train,t10k,test}-{images,labels}{-,.}idx{3,1}-ubyte[.gz]. */
#define _POSIX_C_SOURCE 200809L
#include "internal.h"

#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

typedef struct found {
    char *path;
    char *prefix; /* "" or "emnist-digits-" */
    int rank;     /* lower is preferred: official name, then gzip */
} found;

struct fmn_dir {
    char *path;
    found files[2][2]; /* [split - 1][kind - 1] */
};

static int ends_with(const char *s, size_t n, const char *suffix)
{
    size_t k = strlen(suffix);
    return n >= k && strncmp(s + n - k, suffix, k) == 0;
}

/* Parses a file name; returns 0 if it is not a split file. */
static int parse_name(const char *name, fmn_split_id *split,
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
        {"-labels.idx1-ubyte", FMN_FILE_LABELS, 1}};
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
            *prefix_len = p;
            *rank = T[t].dot * 2 + !gz;
            return 1;
        }
    }
    return 0;
}

static char *join(const char *dir, const char *name)
{
    size_t a = strlen(dir), b = strlen(name);
    char *p = malloc(a + b + 2);
    if (!p)
        return NULL;
    memcpy(p, dir, a);
    size_t at = a;
    if (a == 0 || dir[a - 1] != '/')
        p[at++] = '/';
    memcpy(p + at, name, b + 1);
    return p;
}

static char *dup_n(const char *s, size_t n)
{
    char *p = malloc(n + 1);
    if (p) {
        memcpy(p, s, n);
        p[n] = '\0';
    }
    return p;
}

void fmn_dir_free(fmn_dir *dir)
{
    if (!dir)
        return;
    for (int s = 0; s < 2; s++)
        for (int k = 0; k < 2; k++) {
            free(dir->files[s][k].path);
            free(dir->files[s][k].prefix);
        }
    free(dir->path);
    free(dir);
}

/* Records a candidate; two of different prefixes (or equal rank) for one
 * role make the directory ambiguous. */
static fmn_status consider(fmn_dir *dir, const char *name, fmn_split_id split,
                           fmn_file_kind kind, size_t prefix_len, int rank,
                           fmn_error *err)
{
    found *f = &dir->files[split - 1][kind - 1];
    if (f->path) {
        int same_prefix = strlen(f->prefix) == prefix_len &&
                          strncmp(f->prefix, name, prefix_len) == 0;
        if (!same_prefix || f->rank == rank)
            return fmni_fail(err, FMN_ERR_AMBIGUOUS, dir->path, FMN_NO_OFFSET,
                             0,
                             "holds two %s %s files, %s and %s: name the files "
                             "to use explicitly",
                             fmn_split_name(split),
                             kind == FMN_FILE_IMAGES ? "images" : "labels",
                             f->path, name);
        if (f->rank < rank)
            return FMN_OK;
    }
    char *path = join(dir->path, name);
    char *prefix = dup_n(name, prefix_len);
    if (!path || !prefix) {
        free(path);
        free(prefix);
        return fmni_fail(err, FMN_ERR_NOMEM, dir->path, FMN_NO_OFFSET, 0,
                         "out of memory while scanning");
    }
    struct stat st;
    if (stat(path, &st) != 0 || S_ISDIR(st.st_mode)) {
        free(path);
        free(prefix);
        return FMN_OK;
    }
    free(f->path);
    free(f->prefix);
    f->path = path;
    f->prefix = prefix;
    f->rank = rank;
    return FMN_OK;
}

fmn_status fmn_dir_open(const char *path, fmn_dir **out, fmn_error *err)
{
    if (out)
        *out = NULL;
    if (!path || !out)
        return fmni_bad_argument(err);
    DIR *d = opendir(path);
    if (!d) {
        int e = errno;
        return fmni_fail(err,
                         e == ENOENT   ? FMN_ERR_NOT_FOUND
                         : e == ENOMEM ? FMN_ERR_NOMEM
                                       : FMN_ERR_IO,
                         path, FMN_NO_OFFSET, 0, "cannot open directory: %s",
                         strerror(e));
    }
    fmn_dir *dir = calloc(1, sizeof *dir);
    if (dir)
        dir->path = dup_n(path, strlen(path));
    if (!dir || !dir->path) {
        closedir(d);
        fmn_dir_free(dir);
        return fmni_fail(err, FMN_ERR_NOMEM, path, FMN_NO_OFFSET, 0,
                         "out of memory while scanning");
    }
    fmn_status st = FMN_OK;
    struct dirent *e;
    while (st == FMN_OK && (errno = 0, e = readdir(d)) != NULL) {
        fmn_split_id split;
        fmn_file_kind kind;
        size_t prefix_len;
        int rank;
        if (parse_name(e->d_name, &split, &kind, &prefix_len, &rank))
            st = consider(dir, e->d_name, split, kind, prefix_len, rank, err);
    }
    if (st == FMN_OK && errno != 0)
        st = fmni_fail(err, FMN_ERR_IO, path, FMN_NO_OFFSET, 0,
                       "cannot read directory: %s", strerror(errno));
    closedir(d);
    int any = 0;
    for (int s = 0; s < 2; s++)
        for (int k = 0; k < 2; k++)
            any |= dir->files[s][k].path != NULL;
    if (st == FMN_OK && !any)
        st = fmni_fail(err, FMN_ERR_NO_DATASET, path, FMN_NO_OFFSET, 0,
                       "no IDX split files here (looked for names like "
                       "train-images-idx3-ubyte.gz and t10k-labels-idx1-ubyte)");
    if (st != FMN_OK) {
        fmn_dir_free(dir);
        return st;
    }
    *out = dir;
    fmni_clear(err);
    return FMN_OK;
}

const char *fmn_dir_path(const fmn_dir *dir, fmn_split_id split,
                         fmn_file_kind kind)
{
    if (!dir || (split != FMN_SPLIT_TRAIN && split != FMN_SPLIT_TEST) ||
        (kind != FMN_FILE_IMAGES && kind != FMN_FILE_LABELS))
        return NULL;
    return dir->files[split - 1][kind - 1].path;
}

fmn_status fmn_dir_load_split(const fmn_dir *dir, fmn_split_id split,
                              const fmn_options *opt, fmn_split **out,
                              fmn_error *err)
{
    if (out)
        *out = NULL;
    if (!dir || !out || !fmn_split_name(split))
        return fmni_bad_argument(err);
    const char *images = fmn_dir_path(dir, split, FMN_FILE_IMAGES);
    const char *labels = fmn_dir_path(dir, split, FMN_FILE_LABELS);
    if (!images || !labels)
        return fmni_fail(err, FMN_ERR_NOT_FOUND, dir->path, FMN_NO_OFFSET, 0,
                         "no %s %s file (looked for %s-%s-idx%d-ubyte[.gz] "
                         "and variants)%s%s",
                         fmn_split_name(split), images ? "labels" : "images",
                         split == FMN_SPLIT_TRAIN ? "train" : "t10k",
                         images ? "labels" : "images", images ? 1 : 3,
                         images || labels ? ", but found " : "",
                         images ? images : labels ? labels : "");
    return fmn_split_load(images, labels, opt, out, err);
}

/* A split present in the directory: either of its files is there. */
static int has_split(const fmn_dir *dir, fmn_split_id id)
{
    return fmn_dir_path(dir, id, FMN_FILE_IMAGES) ||
           fmn_dir_path(dir, id, FMN_FILE_LABELS);
}

typedef struct split_job {
    const fmn_dir *dir;
    const fmn_options *opt;
    fmn_split_id id;
    fmn_split *out;
    fmn_error *err;
    fmn_status status;
} split_job;

static void *split_main(void *arg)
{
    split_job *job = arg;
    job->status = fmn_dir_load_split(job->dir, job->id, job->opt, &job->out,
                                     job->err);
    return NULL;
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
    fmni_clear(train_err);
    fmni_clear(test_err);
    split_job job = {dir, opt, FMN_SPLIT_TEST, NULL, test_err, FMN_OK};
    int threaded = 0;
    pthread_t thread;
    if (has_split(dir, FMN_SPLIT_TEST))
        threaded = pthread_create(&thread, NULL, split_main, &job) == 0;
    fmn_status st = FMN_OK;
    if (has_split(dir, FMN_SPLIT_TRAIN))
        st = fmn_dir_load_split(dir, FMN_SPLIT_TRAIN, opt, train, train_err);
    if (threaded)
        pthread_join(thread, NULL);
    else if (has_split(dir, FMN_SPLIT_TEST))
        split_main(&job);
    *test = job.out;
    return st != FMN_OK ? st : job.status;
}
