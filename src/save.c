/* save.c - files written atomically, one or several as one. Each file is
 * written to a temporary file beside its target, ".NAME.XXXXXXXX"; only
 * when every file of a set is complete do they take their names (link()
 * on POSIX and a move on Windows, which never replace an existing file,
 * or a replacing rename with FMN_SAVE_OVERWRITE: file.c). The temporary names sit in a list that a signal
 * handler may walk (fmn_save_set_abort): slots whose state is atomic, in
 * chunks that are never moved or freed while the set lives. Every file
 * this library and the fmnist tool write goes through here, but for the
 * .part files of fmnist download, which it keeps to resume from. */
#define _POSIX_C_SOURCE 200809L
#include "internal.h"
#include "file.h"
#include "thread.h"

#include <errno.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum { SLOTS = 128 };

/* Slot states. A temporary name is read by a handler only in a slot it
 * moved from LIVE to GONE itself; its text changes only while EMPTY. */
enum { EMPTY, LIVE, GONE };

/* A chunk of the list: tmp[i] the temporary name of path[i]'s file while
 * state[i] is LIVE. The names are freed with the set, never before. */
typedef struct chunk {
    _Atomic(struct chunk *) next;
    atomic_int state[SLOTS];
    char *tmp[SLOTS];
    char *path[SLOTS];
} chunk;

struct fmn_save_set {
    int flags;
    fmni_mutex lock; /* slots are taken, and the set committed, under it */
    chunk first;
    chunk *last;
    size_t used;          /* slots taken in `last` */
    atomic_int aborted;   /* fmn_save_set_abort ran: no new file starts */
    atomic_int creating;  /* files being created at this moment */
    int committed;
};

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
        long n = fmni_file_write(o->fd, p, size);
        if (n <= 0) {
            o->error = n < 0 ? errno : EIO;
            return -1;
        }
        p += n;
        size -= (size_t)n;
    }
    return 0;
}

fmn_status fmn_save_set_new(int flags, fmn_save_set **out, fmn_error *err)
{
    fmni_clear(err);
    if (!out)
        return fmni_bad_argument(err);
    *out = NULL;
    fmn_save_set *set = calloc(1, sizeof *set);
    if (!set || !fmni_mutex_init(&set->lock)) {
        free(set);
        return fmni_fail(err, FMN_ERR_NOMEM, "libfmnist", FMN_NO_OFFSET, 0,
                         "out of memory for a set of files to save");
    }
    set->flags = flags;
    set->last = &set->first;
    *out = set;
    return FMN_OK;
}

/* Takes the next slot, with `path` copied into it: 1, or 0 out of
 * memory. Under the set's lock. */
static int take_slot(fmn_save_set *set, const char *path, chunk **c,
                     size_t *i)
{
    if (set->used == SLOTS) {
        chunk *next = calloc(1, sizeof *next);
        if (!next)
            return 0;
        atomic_store(&set->last->next, next);
        set->last = next;
        set->used = 0;
    }
    char *copy = fmni_strndup(NULL, path, strlen(path));
    char *tmp = copy ? malloc(strlen(path) + 16) : NULL;
    if (!tmp) {
        free(copy);
        return 0;
    }
    *c = set->last;
    *i = set->used++;
    (*c)->path[*i] = copy;
    (*c)->tmp[*i] = tmp;
    return 1;
}

/* Creates the temporary file of slot (c, i) beside its path, with the mode
 * a new file gets (0666 less the umask); its name is published in the
 * slot before the file exists, so that a handler never misses it. -1 with
 * errno on failure, the slot left empty. */
static int open_temp(fmn_save_set *set, chunk *c, size_t i)
{
    const char *path = c->path[i];
    size_t dirlen = fmni_path_dir_len(path);
    fmn_rng rng;
    fmn_rng_seed(&rng, (uint64_t)time(NULL) ^ ((uint64_t)fmni_process_id() << 32),
                 (uint64_t)(uintptr_t)c + i);
    atomic_fetch_add(&set->creating, 1);
    int fd = -1;
    errno = EINTR; /* what an aborted set says */
    for (int attempt = 0; attempt < 100 && !atomic_load(&set->aborted);
         attempt++) {
        snprintf(c->tmp[i], strlen(path) + 16, "%.*s.%s.%08lx", (int)dirlen,
                 path, path + dirlen, (unsigned long)fmn_rng_next(&rng));
        atomic_store(&c->state[i], LIVE);
        fd = fmni_file_create_new(c->tmp[i]);
        if (fd >= 0)
            break;
        int e = errno, live = LIVE;
        /* not ours (EEXIST) or not made: back to EMPTY, unless a handler
         * took the slot meanwhile */
        if (!atomic_compare_exchange_strong(&c->state[i], &live, EMPTY))
            break;
        errno = e;
        if (e != EEXIST)
            break;
    }
    atomic_fetch_sub(&set->creating, 1);
    return fd;
}

/* Removes slot (c, i)'s temporary file, if it still has one; safe in a
 * signal handler. */
static void drop_temp(chunk *c, size_t i)
{
    int live = LIVE;
    if (atomic_compare_exchange_strong(&c->state[i], &live, GONE))
        fmni_file_remove(c->tmp[i]);
}

fmn_status fmni_set_add(fmn_save_set *set, const char *path,
                        fmni_fill_fn fill, void *ctx, fmn_error *err)
{
    int is_dir = 0;
    if (fmni_path_exists(path, &is_dir) &&
        (is_dir || !(set->flags & FMN_SAVE_OVERWRITE)))
        return fmni_fail(err, FMN_ERR_EXISTS, path, FMN_NO_OFFSET, 0, "%s",
                         is_dir ? "is a folder; not replaced"
                                : "exists; not replaced");
    chunk *c;
    size_t i;
    fmni_mutex_lock(&set->lock);
    int taken = !set->committed && take_slot(set, path, &c, &i);
    int late = set->committed;
    fmni_mutex_unlock(&set->lock);
    if (!taken)
        return late ? fmni_fail(err, FMN_ERR_INVALID_ARGUMENT, path,
                                FMN_NO_OFFSET, 0, "the set was saved already")
                    : fmni_fail(err, FMN_ERR_NOMEM, path, FMN_NO_OFFSET, 0,
                                "out of memory");
    fd_out o = {open_temp(set, c, i), 0};
    if (o.fd < 0)
        return fmni_fail(err, FMN_ERR_WRITE, path, FMN_NO_OFFSET, 0,
                         "cannot create a file beside it: %s",
                         atomic_load(&set->aborted) ? "interrupted"
                                                    : strerror(errno));
    fmn_status st = fill(ctx, write_fd, &o, err);
    if (o.error) /* a write failed: its reason, whatever the filler said */
        st = fmni_fail(err, FMN_ERR_WRITE, path, FMN_NO_OFFSET, 0, "%s",
                       strerror(o.error));
    if (fmni_file_close_checked(o.fd) != 0 && st == FMN_OK)
        st = fmni_fail(err, FMN_ERR_WRITE, path, FMN_NO_OFFSET, 0, "%s",
                       strerror(errno));
    if (st != FMN_OK)
        drop_temp(c, i);
    return st;
}

/* Calls fn(c, i) on every slot that holds a temporary file, in order;
 * stops at the first that returns nonzero and returns it. */
static int each_slot(fmn_save_set *set, int (*fn)(fmn_save_set *, chunk *,
                                                  size_t, void *),
                     void *ctx)
{
    for (chunk *c = &set->first; c; c = atomic_load(&c->next))
        for (size_t i = 0; i < SLOTS && c->path[i]; i++) {
            int r = atomic_load(&c->state[i]) == LIVE ? fn(set, c, i, ctx)
                                                      : 0;
            if (r)
                return r;
        }
    return 0;
}

typedef struct naming {
    int error;      /* errno of the failure */
    const char *at; /* the name that failed */
} naming;

/* Gives slot (c, i)'s file its name: atomically, never replacing
 * anything (link() on POSIX), or replacing a file with
 * FMN_SAVE_OVERWRITE (rename()). */
static int name_one(fmn_save_set *set, chunk *c, size_t i, void *ctx)
{
    naming *n = ctx;
    int replace = (set->flags & FMN_SAVE_OVERWRITE) != 0;
    if (fmni_file_publish(c->tmp[i], c->path[i], replace) != 0) {
        n->error = errno;
        n->at = c->path[i];
        return 1;
    }
    /* a replacing rename: the file has its name, the slot is done; a new
     * name: the slot stays live, for unname_one to find (drop_one then
     * removes the temporary name where it is still there) */
    if (replace)
        atomic_store(&c->state[i], GONE);
    return 0;
}

/* Undoes name_one for the slots before the one that failed (new names
 * only: a replacement has replaced what was there). */
static int unname_one(fmn_save_set *set, chunk *c, size_t i, void *ctx)
{
    const naming *n = ctx;
    if (c->path[i] == n->at)
        return 1;
    if (!(set->flags & FMN_SAVE_OVERWRITE))
        fmni_file_remove(c->path[i]);
    return 0;
}

static int drop_one(fmn_save_set *set, chunk *c, size_t i, void *ctx)
{
    (void)set;
    (void)ctx;
    drop_temp(c, i);
    return 0;
}

fmn_status fmn_save_set_commit(fmn_save_set *set, fmn_error *err)
{
    fmni_clear(err);
    if (!set)
        return fmni_bad_argument(err);
    fmni_mutex_lock(&set->lock);
    fmn_status st = FMN_OK;
    naming n = {0, NULL};
    if (set->committed)
        st = fmni_fail(err, FMN_ERR_INVALID_ARGUMENT, "libfmnist",
                       FMN_NO_OFFSET, 0, "the set was saved already");
    else if (atomic_load(&set->aborted))
        st = fmni_fail(err, FMN_ERR_WRITE, "libfmnist", FMN_NO_OFFSET, 0,
                       "the set was abandoned: nothing saved");
    else if (each_slot(set, name_one, &n)) {
        each_slot(set, unname_one, &n);
        st = n.error == EEXIST
                 ? fmni_fail(err, FMN_ERR_EXISTS, n.at, FMN_NO_OFFSET, 0,
                             "exists; not replaced, and nothing else saved")
                 : fmni_fail(err, FMN_ERR_WRITE, n.at, FMN_NO_OFFSET, 0,
                             "%s; nothing else saved", strerror(n.error));
    }
    each_slot(set, drop_one, NULL); /* the names linked, or all undone */
    set->committed = 1;
    fmni_mutex_unlock(&set->lock);
    return st;
}

void fmn_save_set_abort(fmn_save_set *set)
{
    if (!set)
        return;
    atomic_store(&set->aborted, 1);
    /* a file being created now is named in its slot once this ends */
    for (long spin = 0; atomic_load(&set->creating) && spin < 50000000L;
         spin++)
        continue;
    for (chunk *c = &set->first; c; c = atomic_load(&c->next))
        for (size_t i = 0; i < SLOTS; i++)
            drop_temp(c, i);
}

void fmn_save_set_free(fmn_save_set *set)
{
    if (!set)
        return;
    each_slot(set, drop_one, NULL);
    chunk *c = &set->first;
    while (c) {
        chunk *next = atomic_load(&c->next);
        for (size_t i = 0; i < SLOTS; i++) {
            free(c->path[i]);
            free(c->tmp[i]);
        }
        if (c != &set->first)
            free(c);
        c = next;
    }
    fmni_mutex_destroy(&set->lock);
    free(set);
}

fmn_status fmni_save(const char *path, int flags, fmni_fill_fn fill,
                     void *ctx, fmn_error *err)
{
    fmn_save_set *set;
    fmn_status st = fmn_save_set_new(flags, &set, err);
    if (st == FMN_OK)
        st = fmni_set_add(set, path, fill, ctx, err);
    if (st == FMN_OK)
        st = fmn_save_set_commit(set, err);
    fmn_save_set_free(set);
    return st;
}

/* ---- what the files hold ----------------------------------------------- */

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

fmn_status fmn_save_set_split(fmn_save_set *set, const fmn_split *split,
                              fmn_items items, fmn_format format,
                              fmn_file_kind kind, const char *path,
                              fmn_error *err)
{
    fmni_clear(err);
    if (!set || !split || !path)
        return fmni_bad_argument(err);
    split_fill f = {split, items, format, kind};
    return fmni_set_add(set, path, fill_split, &f, err);
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

fmn_status fmn_save_set_file(fmn_save_set *set, const char *path,
                             fmn_produce_fn produce, void *ctx,
                             fmn_error *err)
{
    fmni_clear(err);
    if (!set || !path || !produce)
        return fmni_bad_argument(err);
    user_fill f = {produce, ctx, path};
    return fmni_set_add(set, path, fill_user, &f, err);
}
