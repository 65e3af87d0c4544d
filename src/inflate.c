/* inflate.c - raw deflate decoding: streamed, by ISA-L's igzip when the
 * build has it (about 1.5 times zlib's speed on these files, memory
 * bounded by the output), else by zlib; and a whole stream at once, in
 * memory, by libdeflate when the build has it (faster still). gz.c owns
 * the gzip container around it: headers, trailers, CRCs, members. */
#include "internal.h"

#include <limits.h>
#include <stdlib.h>

#ifdef FMNIST_HAVE_ISAL
#include <isa-l/igzip_lib.h>
#endif
#ifdef FMNIST_HAVE_LIBDEFLATE
#include <libdeflate.h>
#endif

struct fmni_inflater {
#ifdef FMNIST_HAVE_ISAL
    struct inflate_state isal; /* all of its memory, here */
#else
    z_stream z;
#endif
    fmn_allocator heap;
};

#ifndef FMNIST_HAVE_ISAL
/* zlib's memory from the inflater's heap. */
static voidpf z_alloc(voidpf heap, uInt items, uInt size)
{
    return fmni_calloc(heap, items, size);
}

static void z_free(voidpf heap, voidpf p)
{
    fmni_free(heap, p);
}
#endif

fmni_inflate_result fmni_inflater_new(fmni_inflater **out,
                                      const fmn_allocator *heap)
{
    *out = NULL;
    fmni_inflater *inf = fmni_calloc(heap, 1, sizeof *inf);
    if (!inf)
        return FMNI_INFLATE_NOMEM;
    if (heap)
        inf->heap = *heap;
#ifdef FMNIST_HAVE_ISAL
    isal_inflate_init(&inf->isal);
    inf->isal.crc_flag = ISAL_DEFLATE; /* raw deflate: gz.c checks CRCs */
#else
    inf->z.zalloc = z_alloc;
    inf->z.zfree = z_free;
    inf->z.opaque = &inf->heap;
    int zr = inflateInit2(&inf->z, -MAX_WBITS);
    if (zr != Z_OK) {
        fmni_free(heap, inf);
        return zr == Z_MEM_ERROR ? FMNI_INFLATE_NOMEM : FMNI_INFLATE_DATA;
    }
#endif
    *out = inf;
    return FMNI_INFLATE_OK;
}

fmni_inflate_result fmni_inflater_reset(fmni_inflater *inf)
{
#ifdef FMNIST_HAVE_ISAL
    isal_inflate_reset(&inf->isal);
    inf->isal.crc_flag = ISAL_DEFLATE;
    return FMNI_INFLATE_OK;
#else
    return inflateReset(&inf->z) == Z_OK ? FMNI_INFLATE_OK : FMNI_INFLATE_DATA;
#endif
}

#ifdef FMNIST_HAVE_ISAL
static const char *isal_message(int r)
{
    switch (r) {
    case ISAL_INVALID_BLOCK: return "invalid block (type or lengths)";
    case ISAL_INVALID_SYMBOL: return "invalid code";
    case ISAL_INVALID_LOOKBACK: return "distance too far back";
    case ISAL_NEED_DICT: return "a preset dictionary is needed";
    default: return "invalid data";
    }
}
#endif

fmni_inflate_result fmni_inflater_step(fmni_inflater *inf, const uint8_t *in,
                                       size_t *in_len, uint8_t *out,
                                       size_t *out_len, int *end,
                                       size_t *unread, const char **msg)
{
    /* both take 32-bit lengths */
    size_t nin = *in_len > UINT_MAX ? UINT_MAX : *in_len;
    size_t nout = *out_len > UINT_MAX ? UINT_MAX : *out_len;
    *end = 0;
    *unread = 0;
    *msg = NULL;
#ifdef FMNIST_HAVE_ISAL
    inf->isal.next_in = (uint8_t *)(uintptr_t)in;
    inf->isal.avail_in = (uint32_t)nin;
    inf->isal.next_out = out;
    inf->isal.avail_out = (uint32_t)nout;
    int r = isal_inflate(&inf->isal);
    /* igzip may also return read-ahead bytes from an earlier call, moving
     * its input back before `in`: those are handed back too */
    if (inf->isal.avail_in > nin) {
        *unread = inf->isal.avail_in - nin;
        *in_len = 0;
    } else {
        *in_len = nin - inf->isal.avail_in;
    }
    *out_len = nout - inf->isal.avail_out;
    if (r < 0) {
        *msg = isal_message(r);
        return FMNI_INFLATE_DATA;
    }
    *end = inf->isal.block_state == ISAL_BLOCK_FINISH;
    if (*end && inf->isal.read_in_length >= 8) {
        /* igzip reads up to 8 bytes ahead into its bit buffer, possibly in
         * an earlier call: those past the end of the stream (the gzip
         * trailer) are handed back */
        *unread += (size_t)inf->isal.read_in_length / 8;
        inf->isal.read_in_length %= 8;
    }
    return FMNI_INFLATE_OK;
#else
    inf->z.next_in = (Bytef *)(uintptr_t)in;
    inf->z.avail_in = (uInt)nin;
    inf->z.next_out = out;
    inf->z.avail_out = (uInt)nout;
    int zr = inflate(&inf->z, Z_NO_FLUSH);
    *in_len = nin - inf->z.avail_in;
    *out_len = nout - inf->z.avail_out;
    if (zr == Z_STREAM_END) {
        *end = 1;
        return FMNI_INFLATE_OK;
    }
    if (zr == Z_MEM_ERROR)
        return FMNI_INFLATE_NOMEM;
    if (zr == Z_DATA_ERROR || zr == Z_NEED_DICT || zr == Z_STREAM_ERROR) {
        *msg = inf->z.msg ? inf->z.msg : "invalid data";
        return FMNI_INFLATE_DATA;
    }
    return FMNI_INFLATE_OK; /* Z_OK, or Z_BUF_ERROR: more input or room */
#endif
}

void fmni_inflater_free(fmni_inflater *inf)
{
    if (!inf)
        return;
#ifndef FMNIST_HAVE_ISAL
    inflateEnd(&inf->z);
#endif
    fmn_allocator heap = inf->heap;
    fmni_free(&heap, inf);
}

int fmni_inflate_whole_available(const fmn_allocator *heap)
{
#ifdef FMNIST_HAVE_LIBDEFLATE
    /* libdeflate allocates with malloc: not with a caller's allocator */
    return fmni_mem_is_malloc(heap);
#else
    (void)heap;
    return 0;
#endif
}

int fmni_inflate_whole(const uint8_t *in, size_t in_len, uint8_t *out,
                       size_t n, size_t *end)
{
#ifdef FMNIST_HAVE_LIBDEFLATE
    struct libdeflate_decompressor *d = libdeflate_alloc_decompressor();
    if (!d)
        return -1;
    size_t used = 0, made = 0;
    enum libdeflate_result r = libdeflate_deflate_decompress_ex(
        d, in, in_len, out, n, &used, &made);
    libdeflate_free_decompressor(d);
    *end = used;
    return r == LIBDEFLATE_SUCCESS && made == n;
#else
    (void)in;
    (void)in_len;
    (void)out;
    (void)n;
    *end = 0;
    return 0;
#endif
}
