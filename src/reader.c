/* reader.c - an IDX file read item by item in constant memory: for files
 * larger than memory. The same checks as a load, made as the data passes;
 * the end (trailing bytes, gzip trailers) is checked and the content
 * identified when the last byte has been read. A reader that failed stays
 * failed: every later call returns the same error. */
#include "internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct fmn_reader {
    fmni_stream s;
    fmni_header h;
    uint64_t item_bytes;
    uint64_t done;       /* payload bytes read so far */
    uint64_t items;      /* whole items fmn_reader_read has returned (items
                            of 0 bytes are counted, not read) */
    char *path;
    fmn_file_info info;
    fmn_error failure;   /* status FMN_OK until a call fails */
    fmn_allocator heap;  /* what it and its buffers came from */
};

fmn_status fmn_reader_open(const char *path, fmn_reader **out, fmn_error *err)
{
    return fmni_reader_open(path, NULL, out, err);
}

fmn_status fmni_reader_open(const char *path, const fmn_allocator *heap,
                            fmn_reader **out, fmn_error *err)
{
    fmni_clear(err);
    if (out)
        *out = NULL;
    if (!path || !out)
        return fmni_bad_argument(err);
    fmn_reader *r = fmni_calloc(heap, 1, sizeof *r);
    char *copy = r ? fmni_strndup(heap, path, strlen(path)) : NULL;
    if (!copy) {
        fmni_free(heap, r);
        return fmni_fail(err, FMN_ERR_NOMEM, path, FMN_NO_OFFSET, 0,
                         "out of memory for a reader");
    }
    if (heap)
        r->heap = *heap;
    r->path = copy;
    fmni_clear(&r->failure);
    fmn_status st = fmni_src_open_file(&r->s.src, path, heap, err);
    if (st != FMN_OK) {
        fmni_free(heap, copy);
        fmni_free(heap, r);
        return st;
    }
    fmni_src_hash_off(&r->s.src); /* a reader pays for no hash */
    st = fmni_stream_open(&r->s, err);
    if (st == FMN_OK)
        st = fmni_read_header(&r->s, &r->h, err);
    if (st == FMN_OK)
        st = fmni_check_supply(&r->s, &r->h, r->h.header_len + r->h.payload,
                               err);
    if (st != FMN_OK) {
        fmn_reader_free(r);
        return st;
    }
    r->item_bytes = r->h.dims[0] ? r->h.payload / r->h.dims[0] : 0;
    r->info.path = r->path;
    r->info.compression = r->s.gz ? FMN_COMPRESSION_GZIP
                                  : FMN_COMPRESSION_NONE;
    r->info.file_size = r->s.src.size_known ? r->s.src.size : 0;
    *out = r;
    return FMN_OK;
}

fmn_array fmn_reader_shape(const fmn_reader *r)
{
    fmn_array a;
    memset(&a, 0, sizeof a);
    if (!r)
        return a;
    a.dtype = r->h.dtype;
    a.ndim = r->h.ndim;
    a.dims = r->h.dims;
    a.count = r->h.count;
    a.nbytes = r->h.payload > SIZE_MAX ? SIZE_MAX : (size_t)r->h.payload;
    return a;
}

size_t fmn_reader_item_bytes(const fmn_reader *r)
{
    if (!r || r->item_bytes > SIZE_MAX)
        return 0;
    return (size_t)r->item_bytes;
}

uint64_t fmni_reader_left(const fmn_reader *r)
{
    return r->h.payload - r->done;
}

/* After the last byte: nothing may follow; then identify the content. */
static fmn_status finish(fmn_reader *r, fmn_error *err)
{
    fmn_status st = fmni_stream_finish(&r->s, err);
    if (st != FMN_OK)
        return st;
    r->info.file_size = r->s.src.size_known ? r->s.src.size : r->s.src.pos;
    r->info.decoded_size = r->s.out;
    r->info.crc32 = fmni_stream_crc(&r->s);
    r->info.complete = 1;
    fmni_identify(&r->s, &r->h, &r->info, NULL, 0, NULL);
    return FMN_OK;
}

/* Keeps a failure: every later call returns it again. */
static fmn_status failed(fmn_reader *r, fmn_status st, fmn_error *err)
{
    if (err)
        r->failure = *err;
    else
        fmni_fail(&r->failure, st, r->path, FMN_NO_OFFSET, 0, "%s",
                  fmn_strerror(st));
    return st;
}

fmn_status fmni_reader_bytes(fmn_reader *r, void *dst, size_t n, size_t *got,
                             fmn_error *err)
{
    *got = 0;
    if (r->failure.status != FMN_OK) {
        if (err)
            *err = r->failure;
        return r->failure.status;
    }
    uint64_t left = r->h.payload - r->done;
    size_t want = left < n ? (size_t)left : n;
    if (r->h.elem > 1) /* whole elements, so that each can be reordered */
        want -= want % r->h.elem;
    size_t have = 0;
    fmn_status st = want ? fmni_stream_read(&r->s, dst, want, &have, err)
                         : FMN_OK;
    if (st == FMN_OK && have < want)
        st = fmni_truncated(&r->s, &r->h, r->done + have, err);
    if (st != FMN_OK)
        return failed(r, st, err);
    fmni_to_host_order(dst, want, r->h.elem);
    r->done += want;
    *got = want;
    if (r->done == r->h.payload && !r->info.complete) {
        st = finish(r, err);
        if (st != FMN_OK)
            return failed(r, st, err);
    }
    return FMN_OK;
}

fmn_status fmn_reader_read(fmn_reader *r, void *dst, size_t max_items,
                           size_t *got, fmn_error *err)
{
    fmni_clear(err);
    if (got)
        *got = 0;
    if (!r || !got || (!dst && max_items > 0))
        return fmni_bad_argument(err);
    if (r->done % (r->item_bytes ? r->item_bytes : 1) != 0)
        return fmni_fail(err, FMN_ERR_INVALID_ARGUMENT, r->path,
                         FMN_NO_OFFSET, 0, "the reader is inside an item");
    uint64_t items_left = r->item_bytes ? fmni_reader_left(r) / r->item_bytes
                                        : r->h.dims[0] - r->items;
    size_t n = items_left < max_items ? (size_t)items_left : max_items;
    if (r->item_bytes && n > SIZE_MAX / r->item_bytes)
        n = SIZE_MAX / (size_t)r->item_bytes;
    size_t bytes = n * (size_t)r->item_bytes, have = 0;
    /* an empty payload still ends here: its end is checked on first call */
    fmn_status st = fmni_reader_bytes(r, dst, bytes, &have, err);
    if (st != FMN_OK)
        return st;
    r->items += n;
    *got = n;
    return FMN_OK;
}

const fmn_file_info *fmn_reader_info(const fmn_reader *r)
{
    return r ? &r->info : NULL;
}

/* "3-D uint8 [60000, 28, 28]" into buf. */
static void describe_header(const fmni_header *h, char *buf, size_t cap)
{
    size_t used = (size_t)snprintf(buf, cap, "%zu-D %s [", h->ndim,
                                   fmn_dtype_name(h->dtype));
    for (size_t i = 0; i < h->ndim && used + 16 < cap; i++)
        used += (size_t)snprintf(buf + used, cap - used, i ? ", %lu" : "%lu",
                                 (unsigned long)h->dims[i]);
    snprintf(buf + used, cap > used ? cap - used : 0, "%s",
             used + 16 < cap ? "]" : ", ...]");
}

fmn_status fmni_same_header(const fmni_header *a, const char *a_path,
                            const fmni_header *b, const char *b_path,
                            fmn_file_kind kind, fmn_error *err)
{
    int same = a->dtype == b->dtype && a->ndim == b->ndim;
    for (size_t i = 0; same && i < a->ndim; i++)
        same = a->dims[i] == b->dims[i];
    if (same)
        return FMN_OK;
    char da[96], db[96];
    describe_header(a, da, sizeof da);
    describe_header(b, db, sizeof db);
    return fmni_fail(err, FMN_ERR_AMBIGUOUS, b_path, FMN_NO_OFFSET, 0,
                     "holds %s, but %s, another copy of these %s in the same "
                     "folder, holds %s: one of them is not the file; remove "
                     "it, or name the files to use",
                     db, a_path, fmn_file_kind_name(kind), da);
}

fmn_status fmni_reader_compare(fmn_reader *copy, const uint8_t *expect,
                               size_t n, const char *primary,
                               uint8_t *scratch, size_t piece, fmn_error *err)
{
    if (n == 0) { /* reaches the end of an empty payload */
        size_t got;
        return fmni_reader_bytes(copy, scratch, 0, &got, err);
    }
    for (size_t at = 0; at < n;) {
        size_t want = n - at < piece ? n - at : piece, got;
        uint64_t pos = copy->done;
        fmn_status st = fmni_reader_bytes(copy, scratch, want, &got, err);
        if (st == FMN_OK && got < want)
            st = fmni_truncated(&copy->s, &copy->h, copy->done, err);
        if (st != FMN_OK)
            return st;
        if (memcmp(scratch, expect + at, want) != 0) {
            size_t k = 0;
            while (scratch[k] == expect[at + k])
                k++;
            uint64_t byte = pos + k;
            uint64_t item = copy->item_bytes ? byte / copy->item_bytes : 0;
            return fmni_fail(err, FMN_ERR_AMBIGUOUS, copy->path,
                             copy->h.header_len + byte, copy->s.gz != NULL,
                             "differs from %s, another copy of the same file "
                             "in this folder, at item %llu (byte %llu of the "
                             "IDX data): one of them is damaged; fmnist "
                             "verify tells which is the published file, or "
                             "name the files to use",
                             primary, (unsigned long long)item,
                             (unsigned long long)(copy->h.header_len + byte));
        }
        at += want;
    }
    return FMN_OK;
}

fmn_status fmni_copy_matches(const char *primary, const fmni_header *h,
                             const uint8_t *data, const char *copy,
                             fmn_file_kind kind, const fmn_allocator *heap,
                             fmn_error *err)
{
    enum { PIECE = 256 * 1024 };
    fmn_reader *r;
    fmn_status st = fmni_reader_open(copy, heap, &r, err);
    if (st == FMN_OK)
        st = fmni_same_header(h, primary, &r->h, copy, kind, err);
    uint8_t *scratch = st == FMN_OK ? fmni_malloc(heap, PIECE) : NULL;
    if (st == FMN_OK && !scratch)
        st = fmni_fail(err, FMN_ERR_NOMEM, copy, FMN_NO_OFFSET, 0,
                       "out of memory for a reader");
    if (st == FMN_OK)
        st = fmni_reader_compare(r, data, (size_t)r->h.payload, primary,
                                 scratch, PIECE, err);
    if (st == FMN_OK && !r->info.complete) /* an empty payload's end */
        st = fmni_reader_compare(r, data, 0, primary, scratch, PIECE, err);
    fmni_free(heap, scratch);
    fmn_reader_free(r);
    return st;
}

int fmni_reader_failed(const fmn_reader *r)
{
    return r->failure.status != FMN_OK;
}

fmn_status fmni_reader_drain(fmn_reader *r, uint8_t *scratch, size_t piece,
                             fmn_error *err)
{
    fmn_status st = FMN_OK;
    size_t got = 1;
    while (st == FMN_OK && !r->info.complete && got > 0)
        st = fmni_reader_bytes(r, scratch, piece, &got, err);
    return st;
}

const fmni_header *fmni_reader_header(const fmn_reader *r)
{
    return &r->h;
}

void fmn_reader_free(fmn_reader *r)
{
    if (!r)
        return;
    fmni_stream_close(&r->s);
    fmn_allocator heap = r->heap;
    fmni_free(&heap, r->h.dims);
    fmni_free(&heap, r->path);
    fmni_free(&heap, r);
}
