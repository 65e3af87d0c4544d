/* idx.c - the IDX format: header checks, bounded allocation, payload
 * decoding into one contiguous host-order buffer, and the fmn_idx handle. */
#define _DEFAULT_SOURCE /* madvise */
#include "internal.h"
#include "file.h"
#include "thread.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifndef _WIN32
#include <sys/mman.h> /* madvise */
#endif

struct fmn_idx {
    void *data;          /* inside `alloc` (from `heap`) or `map` */
    void *alloc;
    fmn_allocator heap;  /* what all of it came from (the load's options) */
    void *map;           /* a read-only mapping of the file (map_raw) */
    size_t map_len;
    uint32_t *dims;
    size_t ndim;
    fmn_dtype dtype;
    uint64_t count;
    size_t nbytes;
    uint64_t total_items;
    char *path;
    fmn_file_info info;
};

/* The most a deflate stream can expand: 1032:1 (258-byte matches coded in
 * about two bits). A gzip file of S bytes can never hold more. */
enum { DEFLATE_MAX_RATIO = 1032 };

/* Raw files from this size on are mapped when fmn_options.map_raw asks:
 * below it a copy costs nothing worth a mapping. */
enum { MAP_MIN_SIZE = 1 << 20 };

size_t fmn_dtype_size(fmn_dtype dtype)
{
    switch (dtype) {
    case FMN_DTYPE_U8:
    case FMN_DTYPE_I8: return 1;
    case FMN_DTYPE_I16: return 2;
    case FMN_DTYPE_I32:
    case FMN_DTYPE_F32: return 4;
    case FMN_DTYPE_F64: return 8;
    }
    return 0;
}

const char *fmn_dtype_name(fmn_dtype dtype)
{
    switch (dtype) {
    case FMN_DTYPE_U8: return "uint8";
    case FMN_DTYPE_I8: return "int8";
    case FMN_DTYPE_I16: return "int16";
    case FMN_DTYPE_I32: return "int32";
    case FMN_DTYPE_F32: return "float32";
    case FMN_DTYPE_F64: return "float64";
    }
    return "invalid";
}

static uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 |
           (uint32_t)p[3];
}

/* Big-endian file order to host order, in place. */
void fmni_to_host_order(void *data, size_t nbytes, size_t elem)
{
    uint8_t *p = data;
    if (elem == 2) {
        for (size_t i = 0; i + 2 <= nbytes; i += 2) {
            uint16_t v = (uint16_t)(p[i] << 8 | p[i + 1]);
            memcpy(p + i, &v, 2);
        }
    } else if (elem == 4) {
        for (size_t i = 0; i + 4 <= nbytes; i += 4) {
            uint32_t v = be32(p + i);
            memcpy(p + i, &v, 4);
        }
    } else if (elem == 8) {
        for (size_t i = 0; i + 8 <= nbytes; i += 8) {
            uint64_t v = (uint64_t)be32(p + i) << 32 | be32(p + i + 4);
            memcpy(p + i, &v, 8);
        }
    }
}

/* "60000 x 28 x 28" into buf, shortened with "..." if long. */
static void format_dims(char *buf, size_t cap, const uint32_t *dims,
                        size_t ndim)
{
    size_t used = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < ndim; i++) {
        if (used + 16 >= cap) {
            snprintf(buf + used, cap - used, " x ...");
            return;
        }
        used += (size_t)snprintf(buf + used, cap - used, i ? " x %" PRIu32 : "%" PRIu32,
                                 dims[i]);
    }
}

static fmn_status nomem(const char *name, fmn_error *err, const char *what)
{
    return fmni_fail(err, FMN_ERR_NOMEM, name, FMN_NO_OFFSET, 0,
                     "out of memory for %s", what);
}

/* The pages of a new output buffer faulted in on another core while this
 * one decodes into it: the kernel zeroes them there, off the decoder's
 * path. MADV_POPULATE_WRITE (Linux 5.14) maps pages without touching
 * their contents, so it is safe beside the decoder's writes; elsewhere
 * nothing happens. */
typedef struct prefault {
    fmni_thread thread;
    void *p;
    size_t n;
    int started;
} prefault;

#if defined(__linux__) && defined(MADV_POPULATE_WRITE)
static void *prefault_main(void *arg)
{
    prefault *pf = arg;
    (void)madvise(pf->p, pf->n, MADV_POPULATE_WRITE);
    return NULL;
}
#endif

/* A helper thread maps the pages of p[0..n) while they are written, where
 * the load may use threads and the memory is malloc's (this library's). */
static void prefault_start(prefault *pf, void *p, size_t n, unsigned threads,
                           const fmn_allocator *heap)
{
    pf->started = 0;
    if (threads < 2 || !fmni_mem_is_malloc(heap))
        return;
#if defined(__linux__) && defined(MADV_POPULATE_WRITE)
    const uintptr_t page = 4096;
    uintptr_t start = ((uintptr_t)p + page - 1) & ~(page - 1);
    uintptr_t end = ((uintptr_t)p + n) & ~(page - 1);
    if (n < ((size_t)8 << 20) || end <= start)
        return;
    pf->p = (void *)start;
    pf->n = end - start;
    pf->started = fmni_thread_start(&pf->thread, prefault_main, pf);
#else
    (void)p;
    (void)n;
#endif
}

static void prefault_join(prefault *pf)
{
    if (pf->started)
        fmni_thread_join(&pf->thread);
    pf->started = 0;
}

/* Reads `need` decoded bytes into a buffer that grows only as the data
 * arrives, starting at `initial` bytes: a header's claim alone never
 * allocates. On success *out owns the buffer and *got says how many bytes
 * came (fewer than `need` at the end of the data). */
static fmn_status read_payload(fmni_stream *s, size_t need, size_t initial,
                               unsigned threads, uint8_t **out, size_t *got,
                               fmn_error *err)
{
    const fmn_allocator *heap = &s->src.heap;
    *out = NULL;
    *got = 0;
    if (need == 0)
        return FMN_OK;
    size_t cap = initial < need ? initial : need;
    if (cap == 0)
        cap = need < 4096 ? need : 4096;
    uint8_t *buf = fmni_alloc_large(heap, cap);
    if (!buf)
        return nomem(s->src.name, err, "the IDX data");
    prefault pf;
    prefault_start(&pf, buf, cap, threads, heap);
    size_t have = 0;
    for (;;) {
        size_t n;
        fmn_status st = fmni_stream_read(s, buf + have, cap - have, &n, err);
        have += n;
        prefault_join(&pf); /* (before a realloc may move the buffer) */
        if (st != FMN_OK) {
            fmni_free(heap, buf);
            return st;
        }
        if (have < cap || cap == need)
            break;
        size_t next = cap > need / 2 ? need : cap * 2;
        uint8_t *grown = fmni_realloc(heap, buf, next);
        if (!grown) {
            fmni_free(heap, buf);
            return nomem(s->src.name, err, "the IDX data");
        }
        buf = grown;
        cap = next;
        if (fmni_mem_is_malloc(heap))
            fmni_huge_pages(buf, cap);
    }
    *out = buf;
    *got = have;
    return FMN_OK;
}

/* Decodes and discards `n` bytes (the items before a range). */
static fmn_status skip_bytes(fmni_stream *s, uint64_t n, uint64_t *got,
                             fmn_error *err)
{
    uint8_t scratch[16384];
    *got = 0;
    while (*got < n) {
        uint64_t want = n - *got;
        size_t k;
        fmn_status st = fmni_stream_read(
            s, scratch, want < sizeof scratch ? (size_t)want : sizeof scratch,
            &k, err);
        *got += k;
        if (st != FMN_OK)
            return st;
        if (k == 0)
            break;
    }
    return FMN_OK;
}

fmn_status fmni_read_header(fmni_stream *s, fmni_header *h, fmn_error *err)
{
    const char *name = s->src.name;
    size_t got;
    memset(h, 0, sizeof *h);
    fmn_status st = fmni_stream_read(s, h->magic, 4, &got, err);
    if (st != FMN_OK)
        return st;
    const char *where = s->gz ? " of the decompressed data" : "";
    if (got == 0)
        return fmni_fail(err, FMN_ERR_HEADER_SHORT, name, 0, s->gz != NULL,
                         "%s: expected an IDX header",
                         s->gz ? "the gzip stream holds no data"
                               : "the file is empty");
    if (got >= 2 && (h->magic[0] != 0 || h->magic[1] != 0)) {
        /* read a little more to say what the file is instead */
        uint8_t head[64];
        size_t more = 0;
        memcpy(head, h->magic, got);
        if (got == 4 &&
            fmni_stream_read(s, head + 4, sizeof head - 4, &more, NULL) != FMN_OK)
            more = 0;
        char hex[16];
        fmni_hex(hex, sizeof hex, h->magic, got);
        return fmni_fail(err, FMN_ERR_BAD_MAGIC, name, 0, s->gz != NULL,
                         "not an IDX file: bytes 0-3%s are %s, expected 00 00 "
                         "then a type code and a dimension count%s",
                         where, hex, fmni_guess_content(head, got + more));
    }
    if (got < 4)
        return fmni_fail(err, FMN_ERR_HEADER_SHORT, name, got, s->gz != NULL,
                         "IDX header is truncated: the data ends at byte "
                         "%zu%s, inside the 4-byte magic number",
                         got, where);
    h->dtype = (fmn_dtype)h->magic[2];
    h->elem = fmn_dtype_size(h->dtype);
    if (h->elem == 0)
        return fmni_fail(err, FMN_ERR_BAD_TYPE, name, 2, s->gz != NULL,
                         "unknown IDX element type 0x%02x at byte 2%s: "
                         "expected 08 (uint8), 09 (int8), 0b (int16), 0c "
                         "(int32), 0d (float32) or 0e (float64)",
                         h->magic[2], where);
    h->ndim = h->magic[3];
    if (h->ndim == 0)
        return fmni_fail(err, FMN_ERR_ZERO_DIMS, name, 3, s->gz != NULL,
                         "IDX header declares 0 dimensions at byte 3%s: "
                         "expected 1 to 255",
                         where);
    h->header_len = 4 + 4 * h->ndim;
    uint8_t raw[4 * 255];
    st = fmni_stream_read(s, raw, 4 * h->ndim, &got, err);
    if (st != FMN_OK)
        return st;
    if (got < 4 * h->ndim)
        return fmni_fail(err, FMN_ERR_HEADER_SHORT, name, 4 + got,
                         s->gz != NULL,
                         "IDX header is truncated: it declares %zu dimensions "
                         "(a %zu-byte header) but the data ends at byte %zu%s",
                         h->ndim, h->header_len, 4 + got, where);
    h->dims = fmni_malloc(&s->src.heap, h->ndim * sizeof *h->dims);
    if (!h->dims)
        return nomem(name, err, "the IDX dimensions");
    uint64_t count = 1;
    int overflow = 0;
    for (size_t i = 0; i < h->ndim; i++) {
        h->dims[i] = be32(raw + 4 * i);
        if (h->dims[i] != 0 && count > UINT64_MAX / h->dims[i])
            overflow = 1;
        else
            count *= h->dims[i];
    }
    char dims[96];
    format_dims(dims, sizeof dims, h->dims, h->ndim);
    for (size_t i = 0; overflow && i < h->ndim; i++)
        if (h->dims[i] == 0)
            overflow = 0; /* an empty extent makes the product 0 */
    if (overflow)
        return fmni_fail(err, FMN_ERR_SIZE_OVERFLOW, name, 4, s->gz != NULL,
                         "IDX dimensions %s overflow 64 bits: no file can "
                         "hold that many elements",
                         dims);
    for (size_t i = 0; i < h->ndim; i++)
        if (h->dims[i] == 0)
            count = 0;
    h->count = count;
    if (count > UINT64_MAX / h->elem)
        return fmni_fail(err, FMN_ERR_SIZE_OVERFLOW, name, 4, s->gz != NULL,
                         "IDX dimensions %s of %s take more than 2^64 bytes: "
                         "no file can hold that much",
                         dims, fmn_dtype_name(h->dtype));
    h->payload = count * h->elem;
    if (h->payload > SIZE_MAX - h->header_len)
        return fmni_fail(err, FMN_ERR_SIZE_OVERFLOW, name, 4, s->gz != NULL,
                         "IDX dimensions %s of %s take %llu bytes, more than "
                         "this platform can address",
                         dims, fmn_dtype_name(h->dtype),
                         (unsigned long long)h->payload);
    return FMN_OK;
}

/* Refuses a claim the input cannot possibly supply, before allocating. */
fmn_status fmni_check_supply(const fmni_stream *s, const fmni_header *h,
                             uint64_t need_end, fmn_error *err)
{
    const fmni_src *src = &s->src;
    if (!src->size_known)
        return FMN_OK;
    char dims[96];
    format_dims(dims, sizeof dims, h->dims, h->ndim);
    if (!s->gz && need_end > src->size)
        return fmni_fail(err, FMN_ERR_TRUNCATED, src->name, src->size, 0,
                         "IDX data is truncated: the header declares %s %s "
                         "(%llu bytes with the header) but the file has %llu "
                         "bytes: %llu bytes short",
                         dims, fmn_dtype_name(h->dtype),
                         (unsigned long long)need_end,
                         (unsigned long long)src->size,
                         (unsigned long long)(need_end - src->size));
    if (s->gz && src->size <= UINT64_MAX / DEFLATE_MAX_RATIO &&
        need_end > src->size * DEFLATE_MAX_RATIO)
        return fmni_fail(err, FMN_ERR_TRUNCATED, src->name, src->size, 0,
                         "IDX data is truncated: the header declares %s %s "
                         "(%llu bytes), but a %llu-byte gzip file can hold at "
                         "most %llu bytes",
                         dims, fmn_dtype_name(h->dtype),
                         (unsigned long long)need_end,
                         (unsigned long long)src->size,
                         (unsigned long long)(src->size * DEFLATE_MAX_RATIO));
    return FMN_OK;
}

fmn_status fmni_truncated(const fmni_stream *s, const fmni_header *h,
                          uint64_t have, fmn_error *err)
{
    uint64_t end = h->header_len + have;
    uint64_t item_bytes = h->dims[0] ? h->payload / h->dims[0] : 0;
    char dims[96];
    format_dims(dims, sizeof dims, h->dims, h->ndim);
    return fmni_fail(err, FMN_ERR_TRUNCATED, s->src.name, end, s->gz != NULL,
                     "IDX data is truncated: the header declares %s %s "
                     "(%llu bytes of data) but the data ends at byte "
                     "%llu%s, after %llu complete items of %" PRIu32,
                     dims, fmn_dtype_name(h->dtype),
                     (unsigned long long)h->payload, (unsigned long long)end,
                     s->gz ? " of the decompressed data" : "",
                     (unsigned long long)(item_bytes ? have / item_bytes : 0),
                     h->dims[0]);
}

/* Identifies the content by its CRC-32, and hashes the stored file only
 * when that could tell a published .gz from a repack: with the hash that
 * ran alongside the decoding if one was started (job), else now. */
/* The SHA-256 of the decoded IDX bytes: the header as the file has it,
 * then the payload at `p`, put back in file order for the hash. */
static void content_sha256(const fmni_header *h, const uint8_t *p,
                           uint8_t out[32])
{
    fmni_sha256 c;
    fmni_sha256_init(&c, 0);
    uint8_t head[4 + 4 * 255] = {0, 0, (uint8_t)h->dtype, (uint8_t)h->ndim};
    for (size_t i = 0; i < h->ndim; i++)
        for (int b = 0; b < 4; b++)
            head[4 + 4 * i + (size_t)b] = (uint8_t)(h->dims[i] >> (24 - 8 * b));
    fmni_sha256_update(&c, head, 4 + 4 * h->ndim);
    if (h->elem == 1) {
        fmni_sha256_update(&c, p, (size_t)h->payload);
    } else {
        uint8_t piece[16 * 1024];
        for (uint64_t at = 0; at < h->payload; at += sizeof piece) {
            size_t n = h->payload - at < sizeof piece ? (size_t)(h->payload - at)
                                                       : sizeof piece;
            memcpy(piece, p + at, n);
            fmni_to_host_order(piece, n, h->elem); /* a swap both ways */
            fmni_sha256_update(&c, piece, n);
        }
    }
    fmni_sha256_final(&c, out);
}

void fmni_identify(fmni_stream *s, const fmni_header *h, fmn_file_info *info,
                   fmni_md5_job *job, int hash, const uint8_t *payload)
{
    fmni_release_by_content(info);
    int needed = hash && fmni_release_needs_md5(info);
    uint8_t md5[16];
    /* a failure to re-read leaves the file unidentified, not invalid */
    int have = job ? fmni_md5_join(job, md5)
                   : needed && fmni_src_md5(&s->src, md5, NULL) == FMN_OK;
    if (needed && have)
        fmni_release_by_md5(info, md5); /* the .gz: proves its content */
    if (hash && payload && fmni_release_sha256_may_prove(info)) {
        content_sha256(h, payload, info->content_sha256);
        info->content_hashed = 1;
        fmni_release_by_sha256(info);
    }
    fmni_release_by_name(info, h);
    fmni_release_by_shape(info, h);
}

/* The whole of a one-member gzip file decoded at once on several threads
 * (fmni_gz_read_all) into one buffer, the data 64-byte aligned after its
 * header: 1 with *data and *alloc (to free), the stream at its end; 0 to
 * read it as it streams in; -1 out of memory. */
static int read_parallel(fmni_stream *s, const fmni_header *h,
                         unsigned threads, uint8_t **data, void **alloc)
{
    if (!fmni_gz_whole_worth(s->gz, &s->src, threads) ||
        h->payload > SIZE_MAX / 2 - (64u << 20))
        return 0;
    size_t n = h->header_len + (size_t)h->payload;
    /* room for the threads' guesses of where their output goes */
    size_t room = n + n / 8 + ((size_t)2 << 20);
    const fmn_allocator *heap = &s->src.heap;
    uint8_t *block = fmni_alloc_large(heap, room + 64);
    if (!block)
        return -1;
    size_t pad = (64 - ((uintptr_t)block + h->header_len) % 64) % 64;
    uint8_t *out = block + pad, head[4 + 4 * 255];
    memcpy(head, h->magic, 4);
    for (size_t i = 0; i < h->ndim; i++)
        for (int k = 0; k < 4; k++)
            head[4 + 4 * i + (size_t)k] = (uint8_t)(h->dims[i] >> (24 - 8 * k));
    uint32_t crc;
    int r = fmni_gz_read_all(s->gz, &s->src, n, room, threads, head,
                             h->header_len, out, &crc);
    if (r <= 0) {
        fmni_free(heap, block);
        return r;
    }
    fmni_trim_large(heap, block, pad + n, room + 64);
    s->out = n;
    *data = out + h->header_len;
    *alloc = block;
    return 1;
}

fmn_status fmni_idx_decode(fmni_stream *s, const fmn_options *opt_in,
                           fmni_range range, uint64_t start, uint64_t count,
                           fmn_idx **out, fmn_error *err)
{
    /* a range whose file is not read to its end */
    int partial = range == FMNI_RANGE_ONLY;
    const char *name = s->src.name;
    fmn_options opt = fmni_options(opt_in);
    fmni_header h;
    fmn_idx *idx = NULL;
    uint8_t *data = NULL;
    void *alloc = NULL;
    int mapped = 0, whole = 0;
    fmni_md5_job *job = NULL;
    if (!opt.hash_gz)
        fmni_src_hash_off(&s->src);
    fmn_status st = fmni_stream_open(s, err);
    if (st == FMN_OK)
        st = fmni_read_header(s, &h, err);
    else
        memset(&h, 0, sizeof h);
    if (st != FMN_OK)
        goto fail;

    uint64_t item_bytes = h.dims[0] ? h.payload / h.dims[0] : 0;
    if (range == FMNI_RANGE_NONE) {
        start = 0;
        count = h.dims[0];
    } else if (start > h.dims[0] || count > h.dims[0] - start) {
        st = fmni_fail(err, FMN_ERR_RANGE, name, FMN_NO_OFFSET, 0,
                       "items [%llu, %llu) requested, but the file holds "
                       "%" PRIu32 " items",
                       (unsigned long long)start,
                       (unsigned long long)(start + count), h.dims[0]);
        goto fail;
    }
    uint64_t want = count * item_bytes; /* <= payload: no overflow */
    uint64_t skip = start * item_bytes;
    st = fmni_check_supply(s, &h, h.header_len + skip + want, err);
    if (st != FMN_OK)
        goto fail;
    /* what is decoded counts, kept or not */
    uint64_t decoded = range == FMNI_RANGE_CHECKED ? h.payload : want;
    if (decoded > opt.max_bytes) {
        st = fmni_fail(err, FMN_ERR_TOO_LARGE, name, 4, s->gz != NULL,
                       "the IDX header declares %llu bytes of data, more "
                       "than the limit of %llu bytes; if the file is "
                       "genuine, raise the limit (fmn_options.max_bytes, "
                       "fmnist --max-bytes)",
                       (unsigned long long)decoded,
                       (unsigned long long)opt.max_bytes);
        goto fail;
    }

    /* where asked, a file that may be a published .gz (its size and its
     * trailer say so) is hashed on a thread of its own while it decodes
     * (with one thread, once it is decoded) */
    uint32_t t_crc, t_len;
    if (!partial && s->gz && opt.hash_gz && fmni_threads(&opt) > 1 &&
        fmni_gz_trailer(&s->src, &t_crc, &t_len) &&
        fmni_release_may_be_gz(s->src.size, t_crc, t_len))
        job = fmni_md5_start(&s->src);

    uint64_t skipped = 0;
    if (skip) {
        st = skip_bytes(s, skip, &skipped, err);
        if (st != FMN_OK)
            goto fail;
    }
    /* A raw file's size proves its data exists; a gzip file's data is
     * taken as it arrives, from a first guess of 4x the compressed size. */
    size_t initial = (size_t)want;
    if (s->gz || !s->src.size_known) {
        uint64_t guess = s->src.size_known ? s->src.size * 4 : 0;
        if (guess < (1u << 20))
            guess = 1u << 20;
        if (guess < initial)
            initial = (size_t)guess;
    }
    size_t got = 0;
    /* zero-copy: a mapped raw file's bytes are the tensor (bytes need no
     * reordering; labels, 1-D, are always copied: see fmn_options) */
    mapped = s->src.map && !s->gz && h.elem == 1 && h.ndim >= 2 &&
             range == FMNI_RANGE_NONE && s->src.avail >= want;
    if (mapped) {
        data = (uint8_t *)(uintptr_t)s->src.next;
        s->raw_crc = fmni_crc32_threads(s->raw_crc, data, (size_t)want,
                                        fmni_threads(&opt));
        fmni_src_consume(&s->src, (size_t)want);
        s->out += want;
        got = (size_t)want;
    } else if (range == FMNI_RANGE_NONE && s->gz &&
               (whole = read_parallel(s, &h, fmni_threads(&opt), &data,
                                      &alloc)) != 0) {
        got = (size_t)want;
        if (whole < 0)
            st = nomem(name, err, "the parallel decoder");
    } else if (skipped == skip) {
        st = read_payload(s, (size_t)want, initial, fmni_threads(&opt), &data,
                          &got, err);
        alloc = data;
    }
    if (st != FMN_OK)
        goto fail;
    /* the items after a checked range: decoded, checked, dropped */
    uint64_t after = partial ? 0 : h.payload - skip - want, rest = 0;
    if (st == FMN_OK && skipped == skip && got == want && after)
        st = skip_bytes(s, after, &rest, err);
    if (st != FMN_OK)
        goto fail;
    if (skipped < skip || got < want || rest < after) {
        st = fmni_truncated(s, &h,
                            skipped < skip ? skipped
                            : got < want   ? skip + got
                                           : skip + want + rest,
                            err);
        goto fail;
    }
    if (!partial) {
        st = fmni_stream_finish(s, err);
        if (st != FMN_OK)
            goto fail;
    }

    idx = fmni_calloc(&s->src.heap, 1, sizeof *idx);
    char *path = idx ? fmni_strndup(&s->src.heap, name, strlen(name)) : NULL;
    if (!path) {
        st = nomem(name, err, "the IDX handle");
        goto fail;
    }
    idx->heap = s->src.heap;
    fmni_to_host_order(data, (size_t)want, h.elem);
    idx->total_items = h.dims[0];
    h.dims[0] = (uint32_t)count;
    idx->data = data;
    idx->alloc = alloc;
    if (mapped) { /* the idx owns the mapping now */
        idx->map = s->src.map;
        idx->map_len = s->src.map_len;
        s->src.map = NULL;
    }
    idx->dims = h.dims;
    idx->ndim = h.ndim;
    idx->dtype = h.dtype;
    idx->count = h.elem ? want / h.elem : 0;
    idx->nbytes = (size_t)want;
    idx->path = path;
    idx->info.path = path;
    idx->info.compression = s->gz ? FMN_COMPRESSION_GZIP : FMN_COMPRESSION_NONE;
    idx->info.file_size = s->src.size_known ? s->src.size : s->src.pos;
    idx->info.decoded_size = s->out;
    idx->info.crc32 = fmni_stream_crc(s);
    idx->info.complete = !partial;
    if (!partial) {
        h.dims[0] = (uint32_t)idx->total_items; /* the file's own shape */
        fmni_identify(s, &h, &idx->info, job, opt.hash_gz,
                      range == FMNI_RANGE_NONE ? data : NULL);
        h.dims[0] = (uint32_t)count;
    }
    fmni_stream_close(s);
    *out = idx;
    fmni_clear(err);
    return FMN_OK;

fail:
    if (job) {
        uint8_t unused[16];
        fmni_md5_join(job, unused);
    }
    fmni_free(&s->src.heap, h.dims);
    if (!mapped)
        fmni_free(&s->src.heap, alloc);
    fmni_free(&s->src.heap, idx);
    fmni_stream_close(s);
    *out = NULL;
    return st;
}

uint64_t fmni_idx_total_items(const fmn_idx *idx) { return idx->total_items; }

fmn_status fmni_idx_transpose(fmn_idx *idx, fmn_error *err)
{
    if (idx->ndim != 3 || fmn_dtype_size(idx->dtype) != 1)
        return FMN_OK;
    size_t h = idx->dims[1], w = idx->dims[2], n = h * w;
    uint8_t *tmp = fmni_malloc(&idx->heap, n);
    if (!tmp)
        return fmni_fail(err, FMN_ERR_NOMEM, idx->path, FMN_NO_OFFSET, 0,
                         "out of memory to turn the images upright");
    if (idx->map && idx->nbytes) {
        /* a read-only mapping: the pixels get memory of their own */
        void *own = fmni_alloc_large(&idx->heap, idx->nbytes);
        if (!own) {
            fmni_free(&idx->heap, tmp);
            return fmni_fail(err, FMN_ERR_NOMEM, idx->path, FMN_NO_OFFSET, 0,
                             "out of memory to turn the images upright");
        }
        memcpy(own, idx->data, idx->nbytes);
        fmni_file_unmap(idx->map, idx->map_len);
        idx->map = NULL;
        idx->alloc = idx->data = own;
    }
    uint8_t *p = idx->data;
    for (size_t i = 0; n && i < idx->nbytes / n; i++, p += n) {
        memcpy(tmp, p, n);
        for (size_t y = 0; y < w; y++)
            for (size_t x = 0; x < h; x++)
                p[y * h + x] = tmp[x * w + y];
    }
    fmni_free(&idx->heap, tmp);
    idx->dims[1] = (uint32_t)w;
    idx->dims[2] = (uint32_t)h;
    return FMN_OK;
}

static fmn_status load_file(const char *path, const fmn_options *opt,
                            fmni_range range, uint64_t start, uint64_t count,
                            fmn_idx **out, fmn_error *err)
{
    if (out)
        *out = NULL;
    if (!path || !out)
        return fmni_bad_argument(err);
    fmni_stream s;
    fmn_status st = fmni_src_open_file(&s.src, path, opt ? &opt->alloc : NULL,
                                       err);
    if (st != FMN_OK)
        return st;
    if (opt && opt->map_raw && range == FMNI_RANGE_NONE)
        (void)fmni_src_map(&s.src, MAP_MIN_SIZE);
    return fmni_idx_decode(&s, opt, range, start, count, out, err);
}

/* The caller's options, whole (options.c), for the calls below; *out
 * NULL first. */
static fmn_status take_options(const fmn_options *opt, fmn_options *o,
                               fmn_idx **out, fmn_error *err)
{
    if (out)
        *out = NULL;
    return fmni_options_take(opt, o, err);
}

fmn_status fmn_idx_load_file(const char *path, const fmn_options *opt,
                             fmn_idx **out, fmn_error *err)
{
    fmn_options o;
    fmn_status st = take_options(opt, &o, out, err);
    return st == FMN_OK ? load_file(path, &o, FMNI_RANGE_NONE, 0, 0, out, err)
                        : st;
}

fmn_status fmni_idx_load_checked_range(const char *path, uint64_t start,
                                       uint64_t count, const fmn_options *opt,
                                       fmn_idx **out, fmn_error *err)
{
    return load_file(path, opt, FMNI_RANGE_CHECKED, start, count, out, err);
}

fmn_status fmn_idx_load_file_range(const char *path, uint64_t start,
                                   uint64_t count, const fmn_options *opt,
                                   fmn_idx **out, fmn_error *err)
{
    fmn_options o;
    fmn_status st = take_options(opt, &o, out, err);
    return st == FMN_OK
               ? load_file(path, &o, FMNI_RANGE_ONLY, start, count, out, err)
               : st;
}

fmn_status fmn_idx_load_memory(const void *data, size_t size, const char *name,
                               const fmn_options *opt, fmn_idx **out,
                               fmn_error *err)
{
    fmn_options o;
    fmn_status st = take_options(opt, &o, out, err);
    if (st != FMN_OK)
        return st;
    if (!out || (!data && size > 0))
        return fmni_bad_argument(err);
    fmni_stream s;
    fmni_src_open_memory(&s.src, data, size, name, &o.alloc);
    return fmni_idx_decode(&s, &o, FMNI_RANGE_NONE, 0, 0, out, err);
}

fmn_status fmn_idx_load_fd(int fd, const char *name, const fmn_options *opt,
                           fmn_idx **out, fmn_error *err)
{
    fmn_options o;
    fmn_status st = take_options(opt, &o, out, err);
    if (st != FMN_OK)
        return st;
    if (!out)
        return fmni_bad_argument(err);
    char fallback[32];
    snprintf(fallback, sizeof fallback, "<descriptor %d>", fd);
    fmni_stream s;
    st = fmni_src_open_fd(&s.src, fd, name ? name : fallback, &o.alloc, err);
    return st == FMN_OK ? fmni_idx_decode(&s, &o, FMNI_RANGE_NONE, 0, 0, out,
                                          err)
                        : st;
}

typedef struct user_read {
    fmn_read_fn read;
    void *ctx;
} user_read;

static long call_user(void *ctx, void *buf, size_t n)
{
    const user_read *u = ctx;
    return u->read(u->ctx, buf, n);
}

static const char *user_error(void *ctx)
{
    (void)ctx;
    return "the read callback failed";
}

fmn_status fmni_idx_load_callback(fmn_read_fn read, void *ctx,
                                  const char *name, const fmn_options *opt,
                                  fmn_idx **out, fmn_error *err)
{
    user_read u = {read, ctx};
    fmni_read_fn fn = {call_user, user_error, NULL, &u};
    fmni_stream s;
    fmn_status st = fmni_src_open_fn(&s.src, &fn, name ? name : "<callback>",
                                     opt ? &opt->alloc : NULL, err);
    return st == FMN_OK ? fmni_idx_decode(&s, opt, FMNI_RANGE_NONE, 0, 0, out,
                                          err)
                        : st;
}

fmn_status fmn_idx_load_callback(fmn_read_fn read, void *ctx,
                                 const char *name, const fmn_options *opt,
                                 fmn_idx **out, fmn_error *err)
{
    fmn_options o;
    fmn_status st = take_options(opt, &o, out, err);
    if (st != FMN_OK)
        return st;
    if (!out || !read)
        return fmni_bad_argument(err);
    return fmni_idx_load_callback(read, ctx, name, &o, out, err);
}

fmn_array fmn_idx_array(const fmn_idx *idx)
{
    fmn_array a;
    memset(&a, 0, sizeof a);
    if (!idx)
        return a;
    a.data = idx->nbytes ? idx->data : NULL;
    a.dtype = idx->dtype;
    a.ndim = idx->ndim;
    a.dims = idx->dims;
    a.count = idx->count;
    a.nbytes = idx->nbytes;
    return a;
}

const fmn_file_info *fmn_idx_info(const fmn_idx *idx)
{
    return idx ? &idx->info : NULL;
}

void *fmni_idx_take_data(fmn_idx *idx)
{
    size_t n = idx->nbytes;
    if (idx->map || !idx->alloc) { /* a mapping, or nothing: a copy */
        void *copy = fmni_malloc(&idx->heap, n);
        if (copy && n)
            memcpy(copy, idx->data, n);
        if (copy && idx->map) {
            fmni_file_unmap(idx->map, idx->map_len);
            idx->map = NULL;
        }
        if (copy)
            idx->data = NULL;
        return copy;
    }
    /* the data sits inside its block, after padding: moved to its start
     * (the block's pages past the data were given back at the load) */
    uint8_t *block = idx->alloc;
    memmove(block, idx->data, n);
    idx->alloc = NULL;
    idx->data = NULL;
    return block;
}

void fmn_idx_free(fmn_idx *idx)
{
    if (!idx)
        return;
    if (idx->map)
        fmni_file_unmap(idx->map, idx->map_len);
    else
        fmni_free(&idx->heap, idx->alloc);
    fmn_allocator heap = idx->heap;
    fmni_free(&heap, idx->dims);
    fmni_free(&heap, idx->path);
    fmni_free(&heap, idx);
}
