/* stream.c - decoded bytes: the input itself when raw, or inflated when it
 * starts with the gzip magic; a CRC-32 of everything decoded, which
 * identifies the content whatever container it came in. */
#include "internal.h"

#include <stdlib.h>

fmn_status fmni_stream_open(fmni_stream *s, fmn_error *err)
{
    s->gz = NULL;
    s->raw_crc = 0;
    s->out = 0;
    fmn_status st = fmni_src_fill(&s->src, err);
    if (st != FMN_OK)
        return st;
    /* The gzip magic needs two bytes; a one-byte window can only happen at
     * the end of input, where a one-byte file is no gzip stream anyway. */
    if (s->src.avail >= 2 && s->src.next[0] == 0x1f && s->src.next[1] == 0x8b)
        return fmni_gz_open(&s->gz, &s->src, err);
    return FMN_OK;
}

fmn_status fmni_stream_read(fmni_stream *s, void *dst, size_t n, size_t *got,
                            fmn_error *err)
{
    if (s->gz) {
        fmn_status st = fmni_gz_read(s->gz, &s->src, dst, n, got, err);
        s->out += *got;
        return st;
    }
    fmn_status st = fmni_src_read(&s->src, dst, n, got, err);
    s->raw_crc = fmni_crc32(s->raw_crc, dst, *got);
    s->out += *got;
    return st;
}

uint32_t fmni_stream_crc(const fmni_stream *s)
{
    return s->gz ? fmni_gz_crc(s->gz) : s->raw_crc;
}

fmn_status fmni_stream_finish(fmni_stream *s, fmn_error *err)
{
    uint64_t end = s->out;
    uint8_t scratch[4096];
    size_t got;
    fmn_status st = fmni_stream_read(s, scratch, sizeof scratch, &got, err);
    if (st != FMN_OK || got == 0)
        return st;
    if (!s->gz && fmni_src_grew(&s->src))
        return fmni_fail(err, FMN_ERR_TRAILING_DATA, s->src.name, end, 0,
                         "the file grew while it was read: it had %llu bytes "
                         "when opened, and now at least %llu unexpected bytes "
                         "follow the IDX data, which ends at byte %llu",
                         (unsigned long long)s->src.size,
                         (unsigned long long)(fmni_src_reached(&s->src) - end),
                         (unsigned long long)end);
    if (!s->gz) {
        uint64_t extra = s->src.size_known && s->src.size > end
                             ? s->src.size - end
                             : got;
        return fmni_fail(err, FMN_ERR_TRAILING_DATA, s->src.name, end, 0,
                         "%llu%s unexpected bytes after the IDX data, which "
                         "ends at byte %llu (the file is larger than its "
                         "header declares)",
                         (unsigned long long)extra,
                         s->src.size_known ? "" : " or more",
                         (unsigned long long)end);
    }
    /* Count what follows inside the gzip stream, up to 1 MiB. */
    uint64_t extra = got;
    while (got == sizeof scratch && extra < (1u << 20)) {
        st = fmni_stream_read(s, scratch, sizeof scratch, &got, err);
        if (st != FMN_OK)
            got = 0;
        extra += got;
    }
    return fmni_fail(err, FMN_ERR_TRAILING_DATA, s->src.name, end, 1,
                     "%s%llu unexpected bytes inside the gzip stream after "
                     "the IDX data, which ends at byte %llu of the "
                     "decompressed data",
                     got == sizeof scratch ? "at least " : "",
                     (unsigned long long)extra, (unsigned long long)end);
}

void fmni_stream_close(fmni_stream *s)
{
    fmni_gz_close(s->gz);
    s->gz = NULL;
    fmni_src_close(&s->src);
}
