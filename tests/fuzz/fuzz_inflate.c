/* fuzz_inflate.c - libFuzzer target: a raw deflate stream (after one byte
 * that picks 2 to 9 threads) through both paths of a load, compared: the
 * build's serial inflater (ISA-L or zlib, as a streamed load uses it) and
 * the parallel one (src/gz_parallel.c, with libfmnist's own decoder).
 *   - what the parallel inflater returns, the serial one gives too, byte
 *     for byte, ending at the same byte; it may give up (0: the caller
 *     then decodes serially), never fail otherwise;
 *   - libfmnist's own decoder, serially, accepts nothing the serial
 *     inflater refuses (else a file the serial path rejects could load).
 * Built from the library's sources (the functions are internal). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "deflate.h"
#include "internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

enum { MAX_OUT = 1 << 20 };

/* The serial inflater on in[0..n): 1 with *len bytes and *used input
 * bytes if the stream is whole and valid (and fits MAX_OUT). */
static int serial(const uint8_t *in, size_t n, uint8_t *out, size_t *len,
                  size_t *used)
{
    fmni_inflater *inf;
    *len = 0;
    *used = 0;
    if (fmni_inflater_new(&inf, NULL) != FMNI_INFLATE_OK)
        return 0;
    size_t at = 0, made = 0;
    int end = 0, ok = 1;
    while (!end && ok) {
        size_t in_len = n - at, out_len = MAX_OUT - made, unread;
        const char *msg;
        ok = fmni_inflater_step(inf, in + at, &in_len, out + made, &out_len,
                                &end, &unread, &msg) == FMNI_INFLATE_OK;
        at += in_len;
        at -= unread;
        made += out_len;
        if (!end && in_len == 0 && out_len == 0)
            ok = 0; /* truncated, or out of room */
    }
    fmni_inflater_free(inf);
    *len = made;
    *used = at;
    return ok && end;
}

/* libfmnist's decoder alone, one block at a time. */
static int own(const uint8_t *in, size_t n, uint8_t *out, size_t *len,
               size_t *used)
{
    fmni_dfl *d = malloc(sizeof *d);
    if (!d)
        return 0;
    fmni_dfl_start(d, in, n, 0, 1, 0);
    size_t pos = 0;
    fmni_dfl_result r;
    do
        r = fmni_dfl_decode8(d, out, &pos, MAX_OUT, 0);
    while (r == FMNI_DFL_BLOCK);
    *len = pos;
    *used = (size_t)((fmni_dfl_bit(d) + 7) / 8);
    free(d);
    return r == FMNI_DFL_END;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    unsigned threads = 2 + data[0] % 8;
    const uint8_t *in = data + 1;
    size_t n = size - 1;
    uint8_t *ref = malloc(MAX_OUT), *mine = malloc(MAX_OUT);
    if (!ref || !mine) {
        free(ref);
        free(mine);
        return 0;
    }
    size_t ref_len, ref_used, own_len, own_used;
    int ref_ok = serial(in, n, ref, &ref_len, &ref_used);
    if (own(in, n, mine, &own_len, &own_used) &&
        (!ref_ok || own_len != ref_len || own_used != ref_used ||
         memcmp(mine, ref, ref_len) != 0))
        __builtin_trap(); /* accepted what the serial path does not */

    /* the parallel inflater, told the serial length (or, for a stream
     * the serial path refuses, what it decoded before it stopped) */
    size_t want = ref_len, cap = want + want / 8 + 4096;
    uint8_t *out = malloc(cap);
    uint64_t end;
    uint32_t crc;
    fmni_input src = {in, -1, n, {NULL, NULL, NULL, NULL}};
    if (out && n) {
        int r = fmni_inflate_parallel(&src, 0, out, want, cap, threads, &end,
                                      &crc);
        if (r < 0 || (r == 1 && (!ref_ok || end != ref_used ||
                                 memcmp(out, ref, want) != 0 ||
                                 crc != fmni_crc32(0, ref, want))))
            __builtin_trap();
    }
    free(out);
    free(ref);
    free(mine);
    return 0;
}
