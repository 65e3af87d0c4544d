/* source.c - bytes in: a file read in chunks (or straight into the
 * caller's buffer), or a caller's memory buffer. */
#define _POSIX_C_SOURCE 200809L
#include "internal.h"
#include "thread.h"

#include "file.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

enum { CHUNK = 256 * 1024, MD5_PIECE = 256 * 1024 };

static fmn_status io_error(fmni_src *src, const char *what, int e,
                           fmn_error *err)
{
    return fmni_fail(err, FMN_ERR_IO, src->name, src->pos, 0,
                     "%s failed at byte %llu: %s", what,
                     (unsigned long long)src->pos, strerror(e));
}

static fmn_status adopt_fd(fmni_src *src, int fd, const char *path,
                           fmn_error *err);

/* Clears *src: nothing open, its allocations from `heap`. */
static void src_start(fmni_src *src, const char *name,
                      const fmn_allocator *heap)
{
    memset(src, 0, sizeof *src);
    src->fd = -1;
    src->name = name;
    if (heap)
        src->heap = *heap;
}

fmn_status fmni_src_open_file(fmni_src *src, const char *path,
                              const fmn_allocator *heap, fmn_error *err)
{
    src_start(src, path, heap);
    int fd = fmni_file_open_read(path);
    if (fd < 0) {
        int e = errno;
        size_t at = e == ENOTDIR ? fmni_archive_prefix(path) : 0;
        if (at)
            return fmni_archive_open_member(src, path, at, err);
        if (e == ENOENT || e == ENOTDIR)
            return fmni_fail(err, FMN_ERR_NOT_FOUND, path, FMN_NO_OFFSET, 0,
                             "no such file");
        if (e == EISDIR)
            return fmni_fail(err, FMN_ERR_IS_DIRECTORY, path, FMN_NO_OFFSET,
                             0, "is a directory, expected an IDX file");
        return fmni_fail(err, FMN_ERR_IO, path, FMN_NO_OFFSET, 0,
                         "cannot open: %s", strerror(e));
    }
    return adopt_fd(src, fd, path, err);
}

fmn_status fmni_src_open_fd(fmni_src *src, int fd, const char *name,
                            const fmn_allocator *heap, fmn_error *err)
{
    src_start(src, name, heap);
    int own = fd >= 0 ? fmni_file_dup(fd) : -1;
    if (own < 0)
        return fmni_fail(err, fd < 0 ? FMN_ERR_INVALID_ARGUMENT : FMN_ERR_IO,
                         name, FMN_NO_OFFSET, 0, "cannot read descriptor %d: "
                         "%s", fd, strerror(fd < 0 ? EBADF : errno));
    return adopt_fd(src, own, name, err);
}

/* Takes the descriptor `fd` (closed by fmni_src_close, or here on
 * failure): its size if it is a regular file, else hashed as it is read. */
static fmn_status adopt_fd(fmni_src *src, int fd, const char *path,
                           fmn_error *err)
{
    fmni_stat st;
    if (fmni_file_stat(fd, &st) != 0) {
        int e = errno;
        fmni_file_close(fd);
        return fmni_fail(err, FMN_ERR_IO, path, FMN_NO_OFFSET, 0,
                         "cannot stat: %s", strerror(e));
    }
    if (st.is_dir) {
        fmni_file_close(fd);
        return fmni_fail(err, FMN_ERR_IS_DIRECTORY, path, FMN_NO_OFFSET, 0,
                         "is a directory, expected an IDX file");
    }
    src->buf = fmni_malloc(&src->heap, FMNI_LOOKBACK + CHUNK);
    if (!src->buf) {
        fmni_file_close(fd);
        return fmni_fail(err, FMN_ERR_NOMEM, path, FMN_NO_OFFSET, 0,
                         "out of memory for a read buffer");
    }
    src->buf_cap = CHUNK;
    src->fd = fd;
    if (st.is_regular) {
        src->size = st.size;
        src->size_known = 1;
    } else {
        /* a pipe: hashed as it is read, since it cannot be read again (the
         * MD5 that tells a published .gz) */
        src->running = fmni_malloc(&src->heap, sizeof *src->running);
        if (!src->running) {
            fmni_file_close(fd);
            fmni_free(&src->heap, src->buf);
            src->buf = NULL;
            return fmni_fail(err, FMN_ERR_NOMEM, path, FMN_NO_OFFSET, 0,
                             "out of memory for a read buffer");
        }
        fmni_md5_init(src->running);
    }
    return FMN_OK;
}

fmn_status fmni_src_open_fn(fmni_src *src, const fmni_read_fn *fn,
                            const char *name, const fmn_allocator *heap,
                            fmn_error *err)
{
    src_start(src, name, heap);
    src->fn = *fn;
    src->buf = fmni_malloc(&src->heap, FMNI_LOOKBACK + CHUNK);
    src->running = fmni_malloc(&src->heap, sizeof *src->running);
    if (!src->buf || !src->running) {
        fmni_src_close(src);
        return fmni_fail(err, FMN_ERR_NOMEM, name, FMN_NO_OFFSET, 0,
                         "out of memory for a read buffer");
    }
    src->buf_cap = CHUNK;
    fmni_md5_init(src->running);
    return FMN_OK;
}

void fmni_src_open_memory(fmni_src *src, const void *data, size_t size,
                          const char *name, const fmn_allocator *heap)
{
    src_start(src, name ? name : "<memory>", heap);
    src->mem = data;
    src->size = size;
    src->size_known = 1;
    src->next = data;
    src->avail = size;
    src->eof = 1;
}

/* Why the read of byte src->pos + at failed: the system's errno `e`, or
 * the read function's own reason. */
static fmn_status read_failed(fmni_src *src, size_t at, int e, fmn_error *err)
{
    src->pos += at;
    fmn_status st;
    if (src->fn.read) {
        const char *why = src->fn.error ? src->fn.error(src->fn.ctx) : NULL;
        st = fmni_fail(err, FMN_ERR_IO, src->name, src->pos, 0,
                       "read failed at byte %llu: %s",
                       (unsigned long long)src->pos,
                       why && *why ? why : "the reader failed");
    } else
        st = io_error(src, "read", e, err);
    src->pos -= at;
    return st;
}

/* Reads the next bytes of the input (a regular file at its offset, a
 * stream as it comes, or through the source's read function), retrying
 * short reads; *got < n only at EOF. */
static fmn_status read_full(fmni_src *src, uint8_t *dst, size_t n, size_t *got,
                            fmn_error *err)
{
    size_t total = 0;
    while (total < n) {
        size_t want = n - total;
        if (want > ((size_t)1 << 30))
            want = (size_t)1 << 30;
        long r = src->fn.read     ? src->fn.read(src->fn.ctx, dst + total, want)
                 : src->size_known ? fmni_file_pread(src->fd, dst + total,
                                                     want, src->read_at)
                                   : fmni_file_read(src->fd, dst + total, want);
        if (r < 0 || (size_t)r > want)
            return read_failed(src, total, errno, err);
        src->read_at += (uint64_t)r;
        if (r == 0) {
            src->eof = 1;
            break;
        }
        if (src->running)
            fmni_md5_update(src->running, dst + total, (size_t)r);
        total += (size_t)r;
    }
    *got = total;
    return FMN_OK;
}

uint64_t fmni_src_reached(const fmni_src *src)
{
    return src->pos + src->avail;
}

int fmni_src_grew(const fmni_src *src)
{
    return src->size_known && fmni_src_reached(src) > src->size;
}

fmn_status fmni_src_fill(fmni_src *src, fmn_error *err)
{
    if (src->avail > 0 || src->eof)
        return FMN_OK;
    /* keep the bytes just consumed in front of the new chunk, so that a
     * few can be handed back (fmni_src_unconsume) */
    uint8_t *chunk = src->buf + FMNI_LOOKBACK;
    if (src->next && src->next != chunk)
        memmove(src->buf, src->next - FMNI_LOOKBACK, FMNI_LOOKBACK);
    size_t got = 0;
    fmn_status st = read_full(src, chunk, src->buf_cap, &got, err);
    if (st != FMN_OK)
        return st;
    src->next = chunk;
    src->avail = got;
    return FMN_OK;
}

void fmni_src_consume(fmni_src *src, size_t n)
{
    if (n == 0) /* `next` may be NULL (an empty memory source) */
        return;
    src->next += n;
    src->avail -= n;
    src->pos += n;
}

void fmni_src_unconsume(fmni_src *src, size_t n)
{
    src->next -= n;
    src->avail += n;
    src->pos -= n;
}

fmn_status fmni_src_read(fmni_src *src, void *dst, size_t n, size_t *got,
                         fmn_error *err)
{
    uint8_t *out = dst;
    size_t take = src->avail < n ? src->avail : n;
    if (take)
        memcpy(out, src->next, take);
    fmni_src_consume(src, take);
    *got = take;
    if (take == n || src->eof)
        return FMN_OK;
    size_t more = 0;
    fmn_status st = read_full(src, out + take, n - take, &more, err);
    src->pos += more;
    *got += more;
    return st;
}

fmn_status fmni_src_md5(fmni_src *src, uint8_t digest[16], fmn_error *err)
{
    if (src->avail > 0) /* the read buffer still holds unconsumed input */
        return fmni_fail(err, FMN_ERR_INVALID_ARGUMENT, src->name,
                         FMN_NO_OFFSET, 0, "hashing before the end of input");
    fmni_md5 ctx;
    fmni_md5_init(&ctx);
    if (src->running) {
        if (!src->eof) /* bytes not read yet are not in the hash */
            return fmni_fail(err, FMN_ERR_INVALID_ARGUMENT, src->name,
                             FMN_NO_OFFSET, 0, "hashing before the end of "
                             "input");
        ctx = *src->running;
        fmni_md5_final(&ctx, digest);
        return FMN_OK;
    }
    if (src->fd < 0) {
        fmni_md5_update(&ctx, src->mem, (size_t)src->size);
        fmni_md5_final(&ctx, digest);
        return FMN_OK;
    }
    uint64_t off = 0;
    for (;;) {
        long r = fmni_file_pread(src->fd, src->buf, src->buf_cap, off);
        if (r < 0) {
            int e = errno;
            return fmni_fail(err, FMN_ERR_IO, src->name, off, 0,
                             "read failed at byte %llu: %s",
                             (unsigned long long)off, strerror(e));
        }
        if (r == 0)
            break;
        fmni_md5_update(&ctx, src->buf, (size_t)r);
        off += (uint64_t)r;
    }
    fmni_md5_final(&ctx, digest);
    return FMN_OK;
}

int fmni_src_map(fmni_src *src, uint64_t min_size)
{
    if (src->fd < 0 || !src->size_known || src->size < min_size ||
        src->size > SIZE_MAX || src->pos != 0 || src->avail != 0)
        return 0;
    uint8_t magic[2];
    if (fmni_file_pread(src->fd, magic, 2, 0) != 2 ||
        (magic[0] == 0x1f && magic[1] == 0x8b))
        return 0;
    void *map = fmni_file_map(src->fd, (size_t)src->size);
    if (!map)
        return 0;
    fmni_file_close(src->fd);
    fmni_free(&src->heap, src->buf);
    src->fd = -1;
    src->buf = NULL;
    src->buf_cap = 0;
    src->mem = map;
    src->next = map;
    src->avail = (size_t)src->size;
    src->eof = 1;
    src->map = map;
    src->map_len = (size_t)src->size;
    return 1;
}

void fmni_src_hash_off(fmni_src *src)
{
    fmni_free(&src->heap, src->running);
    src->running = NULL;
}

void fmni_src_consumed(fmni_src *src)
{
    src->next = NULL;
    src->avail = 0;
    src->pos = src->size;
    src->eof = 1;
}

int fmni_src_tail(const fmni_src *src, uint8_t *buf, size_t n)
{
    if (!src->size_known || src->size < n)
        return 0;
    if (src->fd < 0) {
        memcpy(buf, src->mem + src->size - n, n);
        return 1;
    }
    return fmni_file_pread(src->fd, buf, n, src->size - n) == (long)n;
}

void fmni_src_close(fmni_src *src)
{
    if (src->map)
        fmni_file_unmap(src->map, src->map_len);
    src->map = NULL;
    if (src->fd >= 0)
        fmni_file_close(src->fd);
    if (src->fn.close)
        src->fn.close(src->fn.ctx);
    memset(&src->fn, 0, sizeof src->fn);
    fmni_free(&src->heap, src->buf);
    fmni_free(&src->heap, src->running);
    src->fd = -1;
    src->buf = NULL;
    src->running = NULL;
    src->avail = 0;
}

struct fmni_md5_job {
    fmni_thread thread;
    int fd;             /* a file, read with pread ... */
    const uint8_t *mem; /* ... or memory */
    uint64_t size;
    fmn_allocator heap; /* the job and its buffer came from it */
    uint8_t *buf;       /* MD5_PIECE bytes (a file) */
    int ok;
    uint8_t digest[16];
};

static void *md5_main(void *arg)
{
    fmni_md5_job *job = arg;
    fmni_md5 ctx;
    fmni_md5_init(&ctx);
    if (job->mem) {
        fmni_md5_update(&ctx, job->mem, (size_t)job->size);
        job->ok = 1;
    } else {
        uint8_t *buf = job->buf;
        uint64_t off = 0;
        job->ok = 1;
        while (job->ok) {
            long r = fmni_file_pread(job->fd, buf, MD5_PIECE, off);
            if (r <= 0) {
                job->ok = r == 0 && off == job->size;
                break;
            }
            fmni_md5_update(&ctx, buf, (size_t)r);
            off += (uint64_t)r;
        }
    }
    fmni_md5_final(&ctx, job->digest);
    return NULL;
}

fmni_md5_job *fmni_md5_start(const fmni_src *src)
{
    fmni_md5_job *job = fmni_calloc(&src->heap, 1, sizeof *job);
    if (!job)
        return NULL;
    job->heap = src->heap;
    job->fd = src->fd;
    job->mem = src->fd < 0 ? src->mem : NULL;
    job->size = src->size;
    /* the buffer here, on the caller's thread, as every allocation is */
    if ((!job->mem && !(job->buf = fmni_malloc(&job->heap, MD5_PIECE))) ||
        !fmni_thread_start(&job->thread, md5_main, job)) {
        fmni_free(&job->heap, job->buf);
        fmni_free(&job->heap, job);
        return NULL;
    }
    return job;
}

int fmni_md5_join(fmni_md5_job *job, uint8_t digest[16])
{
    fmni_thread_join(&job->thread);
    int ok = job->ok;
    if (ok)
        memcpy(digest, job->digest, 16);
    fmn_allocator heap = job->heap;
    fmni_free(&heap, job->buf);
    fmni_free(&heap, job);
    return ok;
}
