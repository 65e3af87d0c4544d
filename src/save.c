/* save.c - files written atomically: a temporary file beside the target
 * takes its name only once complete. Without FMN_SAVE_OVERWRITE the last
 * step is link(), which never replaces an existing file. Every file this
 * library and the fmnist tool write goes through fmni_save() below. */
#define _POSIX_C_SOURCE 200809L
#include "internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

typedef struct fd_out {
    int fd;
    int error; /* errno of the first failure */
} fd_out;

static int write_fd(void *ctx, const void *data, size_t size)
{
    fd_out *o = ctx;
    const uint8_t *p = data;
    if (o->error)
        return -1;
    while (size > 0) {
        size_t chunk = size < ((size_t)1 << 30) ? size : ((size_t)1 << 30);
        ssize_t n = write(o->fd, p, chunk);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            o->error = n < 0 ? errno : EIO;
            return -1;
        }
        p += n;
        size -= (size_t)n;
    }
    return 0;
}

/* Creates a new temporary file ".NAME.XXXXXXXX" beside `path`, with the
 * mode a new file gets (0666 less the umask). -1 with errno on failure. */
static int open_temp(const char *path, char *tmp, size_t cap)
{
    const char *slash = strrchr(path, '/');
    size_t dirlen = slash ? (size_t)(slash - path) + 1 : 0;
    fmn_rng rng;
    fmn_rng_seed(&rng, (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32),
                 (uint64_t)(uintptr_t)tmp);
    for (int attempt = 0; attempt < 100; attempt++) {
        snprintf(tmp, cap, "%.*s.%s.%08lx", (int)dirlen, path, path + dirlen,
                 (unsigned long)fmn_rng_next(&rng));
        int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
        if (fd >= 0 || errno != EEXIST)
            return fd;
    }
    return -1;
}

/* Whether anything is at `path`: a file, a directory, or a link, even one
 * whose target is missing (which link() would not replace either). */
static int exists(const char *path)
{
    struct stat st;
    return lstat(path, &st) == 0;
}

fmn_status fmni_save(const char *path, int flags, fmni_fill_fn fill,
                     void *ctx, fmn_error *err)
{
    int overwrite = flags & FMN_SAVE_OVERWRITE;
    if (!overwrite && exists(path))
        return fmni_fail(err, FMN_ERR_EXISTS, path, FMN_NO_OFFSET, 0,
                         "exists; not replaced");
    size_t cap = strlen(path) + 16;
    char *tmp = malloc(cap);
    if (!tmp)
        return fmni_fail(err, FMN_ERR_NOMEM, path, FMN_NO_OFFSET, 0,
                         "out of memory");
    fd_out o = {open_temp(path, tmp, cap), 0};
    if (o.fd < 0) {
        fmn_status st = fmni_fail(err, FMN_ERR_WRITE, path, FMN_NO_OFFSET, 0,
                                  "cannot create a file beside it: %s",
                                  strerror(errno));
        free(tmp);
        return st;
    }
    fmn_status st = fill(ctx, write_fd, &o, err);
    if (o.error) /* a write failed: its reason, whatever the filler said */
        st = fmni_fail(err, FMN_ERR_WRITE, path, FMN_NO_OFFSET, 0, "%s",
                       strerror(o.error));
    else if (st == FMN_OK && close(o.fd) != 0)
        st = fmni_fail(err, FMN_ERR_WRITE, path, FMN_NO_OFFSET, 0, "%s",
                       strerror(errno));
    else if (st == FMN_OK)
        o.fd = -1;
    if (o.fd >= 0)
        close(o.fd);
    if (st == FMN_OK) {
        if (overwrite) {
            if (rename(tmp, path) != 0)
                st = fmni_fail(err, FMN_ERR_WRITE, path, FMN_NO_OFFSET, 0,
                               "%s", strerror(errno));
        } else if (link(tmp, path) != 0) {
            st = errno == EEXIST
                     ? fmni_fail(err, FMN_ERR_EXISTS, path, FMN_NO_OFFSET, 0,
                                 "exists; not replaced")
                     : fmni_fail(err, FMN_ERR_WRITE, path, FMN_NO_OFFSET, 0,
                                 "%s", strerror(errno));
        }
    }
    if (st != FMN_OK || !overwrite)
        unlink(tmp);
    free(tmp);
    return st;
}

typedef struct split_fill {
    const fmn_split *split;
    fmn_items items;
    fmn_format format;
    fmn_file_kind kind;
} split_fill;

static fmn_status fill_split(void *ctx, fmn_write_fn write, void *wctx,
                             fmn_error *err)
{
    const split_fill *f = ctx;
    return fmn_split_write(f->split, f->items, f->format, f->kind, write,
                           wctx, err);
}

fmn_status fmn_split_save(const fmn_split *split, fmn_items items,
                          fmn_format format, fmn_file_kind kind,
                          const char *path, int flags, fmn_error *err)
{
    fmni_clear(err);
    if (!split || !path)
        return fmni_bad_argument(err);
    split_fill f = {split, items, format, kind};
    return fmni_save(path, flags, fill_split, &f, err);
}

typedef struct user_fill {
    fmn_produce_fn produce;
    void *ctx;
    const char *path;
} user_fill;

static fmn_status fill_user(void *ctx, fmn_write_fn write, void *wctx,
                            fmn_error *err)
{
    const user_fill *f = ctx;
    char why[256] = "";
    if (f->produce(f->ctx, write, wctx, why, sizeof why) == 0)
        return FMN_OK;
    return fmni_fail(err, FMN_ERR_WRITE, f->path, FMN_NO_OFFSET, 0, "%s",
                     why[0] ? why : "not written: the producer failed");
}

fmn_status fmn_file_save(const char *path, int flags, fmn_produce_fn produce,
                         void *ctx, fmn_error *err)
{
    fmni_clear(err);
    if (!path || !produce)
        return fmni_bad_argument(err);
    user_fill f = {produce, ctx, path};
    return fmni_save(path, flags, fill_user, &f, err);
}
