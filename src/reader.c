/* reader.c - an IDX file read item by item in constant memory: for files
 * larger than memory. The same checks as a load, made as the data passes;
 * the end (trailing bytes, gzip trailers) is checked and the content
 * identified when the last item has been read. */
#include "internal.h"

#include <stdlib.h>
#include <string.h>

struct fmn_reader {
    fmni_stream s;
    fmni_header h;
    uint64_t item_bytes;
    uint64_t next;       /* items read so far */
    char *path;
    fmn_file_info info;
};

fmn_status fmn_reader_open(const char *path, fmn_reader **out, fmn_error *err)
{
    fmni_clear(err);
    if (out)
        *out = NULL;
    if (!path || !out)
        return fmni_bad_argument(err);
    fmn_reader *r = calloc(1, sizeof *r);
    size_t len = strlen(path);
    char *copy = r ? malloc(len + 1) : NULL;
    if (!copy) {
        free(r);
        return fmni_fail(err, FMN_ERR_NOMEM, path, FMN_NO_OFFSET, 0,
                         "out of memory for a reader");
    }
    memcpy(copy, path, len + 1);
    r->path = copy;
    fmn_status st = fmni_src_open_file(&r->s.src, path, err);
    if (st != FMN_OK) {
        free(copy);
        free(r);
        return st;
    }
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
    return r ? (size_t)r->item_bytes : 0;
}

/* After the last item: nothing may follow; then identify the content. */
static fmn_status finish(fmn_reader *r, fmn_error *err)
{
    fmn_status st = fmni_stream_finish(&r->s, err);
    if (st != FMN_OK)
        return st;
    r->info.decoded_size = r->s.out;
    r->info.crc32 = fmni_stream_crc(&r->s);
    r->info.complete = 1;
    fmni_identify(&r->s, &r->info, NULL);
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
    uint64_t left = r->h.dims[0] - r->next;
    size_t n = left < max_items ? (size_t)left : max_items;
    if (r->item_bytes && n > SIZE_MAX / r->item_bytes)
        n = SIZE_MAX / (size_t)r->item_bytes;
    size_t bytes = n * (size_t)r->item_bytes, have = 0;
    fmn_status st = bytes ? fmni_stream_read(&r->s, dst, bytes, &have, err)
                          : FMN_OK;
    if (st != FMN_OK)
        return st;
    if (have < bytes)
        return fmni_truncated(&r->s, &r->h,
                              r->next * r->item_bytes + have, err);
    fmni_to_host_order(dst, bytes, r->h.elem);
    r->next += n;
    *got = n;
    if (r->next == r->h.dims[0] && !r->info.complete)
        return finish(r, err);
    return FMN_OK;
}

const fmn_file_info *fmn_reader_info(const fmn_reader *r)
{
    return r ? &r->info : NULL;
}

void fmn_reader_free(fmn_reader *r)
{
    if (!r)
        return;
    fmni_stream_close(&r->s);
    free(r->h.dims);
    free(r->path);
    free(r);
}
