/* gz.c - the gzip container (RFC 1952): member headers parsed and checked
 * here, deflate data inflated by inflate.c (ISA-L or zlib) as it streams
 * in, or at once on several threads by gz_parallel.c, each member's CRC-32
 * and length checked against its trailer, members concatenated into one
 * stream. */
#include "internal.h"

#include <stdlib.h>
#include <string.h>

enum { GZ_FTEXT = 1, GZ_FHCRC = 2, GZ_FEXTRA = 4, GZ_FNAME = 8,
       GZ_FCOMMENT = 16, GZ_RESERVED = 0xe0 };

enum gz_state { IN_MEMBER, BETWEEN_MEMBERS, AT_END };

struct fmni_gz {
    fmni_inflater *inf;
    enum gz_state state;
    uint32_t member_crc;
    uint64_t member_len;
    uint32_t done_crc;    /* CRC-32 of all the members before this one */
    uint64_t member_start; /* file offset of the member's header */
    uint64_t data_start;   /* ... and of its deflate data */
    unsigned members;
    fmn_allocator heap;    /* its source's, which it came from */
};

/* Reads exactly n header bytes (n may be 0 with dst NULL to just check),
 * folding them into *hcrc; a short read is a truncated header. */
static fmn_status take(fmni_src *src, uint8_t *dst, size_t n, uLong *hcrc,
                       const char *what, fmn_error *err)
{
    while (n > 0) {
        fmn_status st = fmni_src_fill(src, err);
        if (st != FMN_OK)
            return st;
        if (src->avail == 0)
            return fmni_fail(err, FMN_ERR_GZIP_TRUNCATED, src->name, src->pos,
                             0,
                             "gzip stream is truncated: the file ends at byte "
                             "%llu inside %s",
                             (unsigned long long)src->pos, what);
        size_t k = src->avail < n ? src->avail : n;
        if (hcrc)
            *hcrc = crc32(*hcrc, src->next, (uInt)k);
        if (dst) {
            memcpy(dst, src->next, k);
            dst += k;
        }
        fmni_src_consume(src, k);
        n -= k;
    }
    return FMN_OK;
}

/* Skips a zero-terminated header field (file name or comment). */
static fmn_status skip_cstring(fmni_src *src, uLong *hcrc, const char *what,
                               fmn_error *err)
{
    for (;;) {
        fmn_status st = fmni_src_fill(src, err);
        if (st != FMN_OK)
            return st;
        if (src->avail == 0)
            return take(src, NULL, 1, hcrc, what, err);
        const uint8_t *z = memchr(src->next, 0, src->avail);
        size_t k = z ? (size_t)(z - src->next) + 1 : src->avail;
        *hcrc = crc32(*hcrc, src->next, (uInt)k);
        fmni_src_consume(src, k);
        if (z)
            return FMN_OK;
    }
}

static fmn_status read_member_header(fmni_gz *gz, fmni_src *src, fmn_error *err)
{
    uint8_t h[10];
    uLong hcrc = crc32(0L, Z_NULL, 0);
    gz->member_start = src->pos;
    fmn_status st = take(src, h, sizeof h, &hcrc, "a gzip member header", err);
    if (st != FMN_OK)
        return st;
    uint64_t at = gz->member_start;
    if (h[0] != 0x1f || h[1] != 0x8b) {
        char hex[8];
        fmni_hex(hex, sizeof hex, h, 2);
        return fmni_fail(err, FMN_ERR_GZIP_HEADER, src->name, at, 0,
                         "bad gzip magic at byte %llu: expected 1f 8b, found %s",
                         (unsigned long long)at, hex);
    }
    if (h[2] != 8)
        return fmni_fail(err, FMN_ERR_GZIP_HEADER, src->name, at + 2, 0,
                         "unsupported gzip compression method %u at byte "
                         "%llu: expected 8 (deflate)",
                         h[2], (unsigned long long)(at + 2));
    if (h[3] & GZ_RESERVED)
        return fmni_fail(err, FMN_ERR_GZIP_HEADER, src->name, at + 3, 0,
                         "reserved gzip flag bits set at byte %llu (flags "
                         "0x%02x): RFC 1952 requires them to be zero",
                         (unsigned long long)(at + 3), h[3]);
    if (h[3] & GZ_FEXTRA) {
        uint8_t x[2];
        st = take(src, x, 2, &hcrc, "the gzip extra field length", err);
        if (st == FMN_OK)
            st = take(src, NULL, (size_t)x[0] | (size_t)x[1] << 8, &hcrc,
                      "the gzip extra field", err);
        if (st != FMN_OK)
            return st;
    }
    if (h[3] & GZ_FNAME) {
        st = skip_cstring(src, &hcrc, "the gzip file name", err);
        if (st != FMN_OK)
            return st;
    }
    if (h[3] & GZ_FCOMMENT) {
        st = skip_cstring(src, &hcrc, "the gzip comment", err);
        if (st != FMN_OK)
            return st;
    }
    if (h[3] & GZ_FHCRC) {
        uint8_t c[2];
        uint64_t cat = src->pos;
        st = take(src, c, 2, NULL, "the gzip header CRC", err);
        if (st != FMN_OK)
            return st;
        unsigned want = (unsigned)(hcrc & 0xffff);
        unsigned got = (unsigned)c[0] | (unsigned)c[1] << 8;
        if (want != got)
            return fmni_fail(err, FMN_ERR_GZIP_HEADER, src->name, cat, 0,
                             "gzip header CRC at byte %llu is %04x, but the "
                             "header's bytes give %04x",
                             (unsigned long long)cat, got, want);
    }
    if (fmni_inflater_reset(gz->inf) != FMNI_INFLATE_OK)
        return fmni_fail(err, FMN_ERR_GZIP_DATA, src->name, src->pos, 0,
                         "cannot reset the inflater");
    gz->member_crc = 0;
    gz->member_len = 0;
    gz->data_start = src->pos;
    gz->members++;
    gz->state = IN_MEMBER;
    return FMN_OK;
}

static uint32_t le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
           (uint32_t)p[3] << 24;
}

static fmn_status read_member_trailer(fmni_gz *gz, fmni_src *src,
                                      fmn_error *err)
{
    uint8_t t[8];
    uint64_t at = src->pos;
    fmn_status st = take(src, t, 8, NULL,
                         "the gzip trailer (CRC-32 and length)", err);
    if (st != FMN_OK)
        return st;
    if (le32(t) != gz->member_crc)
        return fmni_fail(err, FMN_ERR_GZIP_CRC, src->name, at, 0,
                         "gzip CRC-32 mismatch in member %u: the trailer at "
                         "byte %llu says %08x, the data gives %08x (the file "
                         "is corrupt)",
                         gz->members, (unsigned long long)at, le32(t),
                         gz->member_crc);
    if (le32(t + 4) != (uint32_t)gz->member_len)
        return fmni_fail(err, FMN_ERR_GZIP_LENGTH, src->name, at + 4, 0,
                         "gzip length mismatch in member %u: the trailer at "
                         "byte %llu says %u bytes (mod 2^32), the data has "
                         "%llu",
                         gz->members, (unsigned long long)(at + 4),
                         le32(t + 4), (unsigned long long)gz->member_len);
    gz->done_crc = (uint32_t)crc32_combine(gz->done_crc, gz->member_crc,
                                           (z_off_t)gz->member_len);
    gz->member_crc = 0;
    gz->member_len = 0;
    gz->state = BETWEEN_MEMBERS;
    return FMN_OK;
}

uint32_t fmni_gz_crc(const fmni_gz *gz)
{
    return (uint32_t)crc32_combine(gz->done_crc, gz->member_crc,
                                   (z_off_t)gz->member_len);
}

/* After a member: the end of the file, or another member's magic. */
static fmn_status next_member(fmni_gz *gz, fmni_src *src, fmn_error *err)
{
    fmn_status st = fmni_src_fill(src, err);
    if (st != FMN_OK)
        return st;
    if (src->avail == 0) {
        gz->state = AT_END;
        return FMN_OK;
    }
    uint8_t b0 = src->next[0];
    uint8_t b1 = 0;
    int have_b1 = src->avail >= 2;
    if (have_b1)
        b1 = src->next[1];
    else if (b0 == 0x1f && !src->eof) {
        /* the second magic byte is in the next chunk: fall through to the
         * header parser, which reads across chunks */
        return read_member_header(gz, src, err);
    }
    if (b0 == 0x1f && have_b1 && b1 == 0x8b)
        return read_member_header(gz, src, err);
    if (b0 == 0x1f && !have_b1)
        return fmni_fail(err, FMN_ERR_GZIP_TRUNCATED, src->name, src->pos, 0,
                         "gzip stream is truncated: one stray byte 1f at "
                         "byte %llu after member %u",
                         (unsigned long long)src->pos, gz->members);
    char hex[32];
    fmni_hex(hex, sizeof hex, src->next, src->avail < 8 ? src->avail : 8);
    if (fmni_src_grew(src))
        return fmni_fail(err, FMN_ERR_GZIP_TRAILING, src->name, src->pos, 0,
                         "the file grew while it was read: it had %llu bytes "
                         "when opened, and now garbage follows the last gzip "
                         "member, from byte %llu (starting %s)",
                         (unsigned long long)src->size,
                         (unsigned long long)src->pos, hex);
    if (src->size_known && src->size > src->pos)
        return fmni_fail(err, FMN_ERR_GZIP_TRAILING, src->name, src->pos, 0,
                         "%llu bytes of garbage after the last gzip member, "
                         "from byte %llu (starting %s)",
                         (unsigned long long)(src->size - src->pos),
                         (unsigned long long)src->pos, hex);
    return fmni_fail(err, FMN_ERR_GZIP_TRAILING, src->name, src->pos, 0,
                     "garbage after the last gzip member, from byte %llu "
                     "(starting %s)",
                     (unsigned long long)src->pos, hex);
}

fmn_status fmni_gz_open(fmni_gz **out, fmni_src *src, fmn_error *err)
{
    *out = NULL;
    fmni_gz *gz = fmni_calloc(&src->heap, 1, sizeof *gz);
    if (!gz)
        return fmni_fail(err, FMN_ERR_NOMEM, src->name, FMN_NO_OFFSET, 0,
                         "out of memory for a gzip decoder");
    gz->heap = src->heap;
    fmni_inflate_result r = fmni_inflater_new(&gz->inf, &src->heap);
    if (r != FMNI_INFLATE_OK) {
        fmni_free(&src->heap, gz);
        return fmni_fail(err, r == FMNI_INFLATE_NOMEM ? FMN_ERR_NOMEM
                                                      : FMN_ERR_IO,
                         src->name, FMN_NO_OFFSET, 0,
                         "cannot start the inflater");
    }
    fmn_status st = read_member_header(gz, src, err);
    if (st != FMN_OK) {
        fmni_gz_close(gz);
        return st;
    }
    *out = gz;
    return FMN_OK;
}

/* Inflates into dst[0..n) from the current member; returns with *done set
 * when the member's deflate stream ended. */
static fmn_status inflate_some(fmni_gz *gz, fmni_src *src, uint8_t *dst,
                               size_t n, size_t *produced, int *done,
                               fmn_error *err)
{
    *produced = 0;
    *done = 0;
    while (*produced < n) {
        fmn_status st = fmni_src_fill(src, err);
        if (st != FMN_OK)
            return st;
        /* at the end of the input the inflater still gets a call: it may
         * hold the stream's last bits, ready to finish */
        int at_end = src->avail == 0;
        size_t used = src->avail, made = n - *produced, unread;
        int end;
        const char *msg;
        uint64_t at = src->pos;
        fmni_inflate_result r = fmni_inflater_step(gz->inf, src->next, &used,
                                                   dst + *produced, &made,
                                                   &end, &unread, &msg);
        fmni_src_consume(src, used);
        fmni_src_unconsume(src, unread);
        gz->member_crc = fmni_crc32(gz->member_crc, dst + *produced, made);
        gz->member_len += made;
        *produced += made;
        if (r == FMNI_INFLATE_NOMEM)
            return fmni_fail(err, FMN_ERR_NOMEM, src->name, at, 0,
                             "out of memory while inflating");
        if (r == FMNI_INFLATE_DATA)
            return fmni_fail(err, FMN_ERR_GZIP_DATA, src->name, src->pos, 0,
                             "corrupt deflate data in gzip member %u near "
                             "byte %llu: %s",
                             gz->members, (unsigned long long)src->pos, msg);
        if (end) {
            *done = 1;
            return FMN_OK;
        }
        if (at_end && made == 0)
            return fmni_fail(err, FMN_ERR_GZIP_TRUNCATED, src->name, src->pos,
                             0,
                             "gzip stream is truncated: the file ends at byte "
                             "%llu inside compressed data (member %u, %llu "
                             "bytes decoded from it)",
                             (unsigned long long)src->pos, gz->members,
                             (unsigned long long)gz->member_len);
        /* more input or more room: go on */
    }
    return FMN_OK;
}

fmn_status fmni_gz_read(fmni_gz *gz, fmni_src *src, uint8_t *dst, size_t n,
                        size_t *got, fmn_error *err)
{
    *got = 0;
    while (*got < n && gz->state != AT_END) {
        fmn_status st;
        if (gz->state == IN_MEMBER) {
            size_t made;
            int done;
            st = inflate_some(gz, src, dst + *got, n - *got, &made, &done, err);
            *got += made;
            if (st == FMN_OK && done)
                st = read_member_trailer(gz, src, err);
        } else {
            st = next_member(gz, src, err);
        }
        if (st != FMN_OK)
            return st;
    }
    return FMN_OK;
}

/* Parts of the input decoded on separate threads are this large at
 * least: below it a thread and a boundary search cost more than they
 * save. From WHOLE_MIN on, a file is decoded at once on one thread even
 * when not in parts (libdeflate's for the caller's memory, else the
 * parallel inflater's own decoder: both faster than streaming here). */
#ifdef FMNIST_PARALLEL_ALWAYS
/* a test build (FMNIST_PARALLEL_ALWAYS): parts of any size, so that the
 * whole suite goes through the parallel decoder */
enum { PARALLEL_PART = 1, WHOLE_MIN = 0 };
#else
enum { PARALLEL_PART = 1 << 20, WHOLE_MIN = 1 << 16 };
#endif

static int parallel_worth(const fmni_gz *gz, const fmni_src *src,
                          unsigned threads)
{
    return threads >= 2 && src->size >= gz->data_start + 2 * PARALLEL_PART;
}

int fmni_gz_trailer(const fmni_src *src, uint32_t *crc, uint32_t *len)
{
    uint8_t t[8];
    if (!fmni_src_tail(src, t, sizeof t))
        return 0;
    *crc = le32(t);
    *len = le32(t + 4);
    return 1;
}

int fmni_gz_whole_worth(const fmni_gz *gz, const fmni_src *src,
                        unsigned threads)
{
    if (gz->members != 1 || gz->state != IN_MEMBER || !src->size_known ||
        src->running)
        return 0;
    return parallel_worth(gz, src, threads) ||
           src->size >= gz->data_start + WHOLE_MIN;
}

int fmni_gz_read_all(fmni_gz *gz, fmni_src *src, size_t n, size_t room,
                     unsigned threads, const uint8_t *head, size_t head_len,
                     uint8_t *out, uint32_t *crc)
{
    if (!fmni_gz_whole_worth(gz, src, threads))
        return 0;
    uint32_t t_crc, t_len;
    if (!fmni_gz_trailer(src, &t_crc, &t_len) || t_len != (uint32_t)n)
        return 0; /* not one member of n bytes */
    fmni_input in = {src->fd < 0 ? src->mem : NULL, src->fd, src->size,
                     src->heap};
    uint64_t data = gz->data_start, end = 0;
    int r;
    if (in.mem && fmni_inflate_whole_available(&src->heap) &&
        !parallel_worth(gz, src, threads)) {
        size_t used;
        r = fmni_inflate_whole(in.mem + data, (size_t)(src->size - data),
                               out, n, &used);
        end = data + used;
        if (r == 1)
            *crc = fmni_crc32_threads(0, out, n, threads);
    } else {
        uint64_t parts = (src->size - data) / PARALLEL_PART;
        parts = parts < threads ? parts : threads;
        r = fmni_inflate_parallel(&in, data, out, n, room,
                                  parts ? (unsigned)parts : 1, &end, crc);
    }
    if (r <= 0)
        return r;
    /* one member, its trailer last, as the serial path requires: else
     * that path decodes it and says what is wrong */
    if (end + 8 != src->size || t_crc != *crc ||
        memcmp(out, head, head_len) != 0)
        return 0;
    gz->done_crc = *crc;
    gz->member_crc = 0;
    gz->member_len = 0;
    gz->state = AT_END;
    fmni_src_consumed(src);
    return 1;
}

void fmni_gz_close(fmni_gz *gz)
{
    if (!gz)
        return;
    fmni_inflater_free(gz->inf);
    fmn_allocator heap = gz->heap;
    fmni_free(&heap, gz);
}
