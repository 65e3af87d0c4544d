/* deflate.h - libfmnist's own deflate decoder (RFC 1951), for decoding one
 * gzip member on several cores (gz_parallel.c): unlike zlib, ISA-L or
 * libdeflate it starts at any bit of a stream, stops at every block
 * boundary so that its caller can see where it is, and decodes a stream
 * whose window is not known yet into 16-bit symbols: bytes 0-255, or
 * 256 + i for "byte i of the unknown 32 KiB before the start".
 *
 * The input comes in windows: a buffer holding the input from some
 * offset on, to the end of the input or not. The decoder reads up to 8
 * bytes ahead of the position decoded but never past a window's end;
 * within FMNI_DFL_MARGIN bytes of the end of a window that is not the
 * last, it stops (FMNI_DFL_INPUT) at a symbol or block boundary, for the
 * caller to move the window on (fmni_dfl_input). A decoder is one
 * thread's: distinct decoders may run concurrently. */
#ifndef FMNIST_DEFLATE_H
#define FMNIST_DEFLATE_H

#include <stddef.h>
#include <stdint.h>

enum {
    FMNI_DFL_WINDOW = 32768, /* the farthest a match reaches back */
    FMNI_DFL_MAX_MATCH = 258,
    /* table sizes: an 11-bit first level for literals and lengths, 8 bits
     * for distances, the second levels as large as a complete code of
     * 288 (32) symbols up to 15 bits long can need (zlib's `enough`) */
    FMNI_DFL_LITLEN_BITS = 11,
    FMNI_DFL_LITLEN_ENOUGH = 2342,
    FMNI_DFL_DIST_BITS = 8,
    FMNI_DFL_DIST_ENOUGH = 402,
    /* input the decoder may read in one step (a block header, a symbol
     * with its look-ahead), beyond which it waits for more */
    FMNI_DFL_MARGIN = 1024
};

typedef enum fmni_dfl_result {
    FMNI_DFL_BLOCK, /* a block ended; the decoder is at the next header */
    FMNI_DFL_END,   /* the final block ended */
    FMNI_DFL_FULL,  /* no room for the next symbol: call again with more */
    FMNI_DFL_BAD,   /* not a valid deflate stream: `why` says what */
    FMNI_DFL_SHORT, /* the input ends inside the stream */
    FMNI_DFL_INPUT  /* near the end of the window: give the next one */
} fmni_dfl_result;

typedef struct fmni_dfl {
    const uint8_t *in, *next, *end; /* the window; the next byte to load */
    uint64_t base;                  /* the input offset of in[0] */
    int last;                       /* the window ends where the input does */
    uint64_t bits;                  /* bit buffer, next bit lowest */
    unsigned left;                  /* valid bits in it */
    unsigned overrun;               /* zero bytes loaded past the end */
    int state;                      /* at a header, in a block, ... */
    int final;                      /* the current block is the last */
    uint32_t stored;                /* bytes left in a stored block */
    const char *why;                /* after FMNI_DFL_BAD */
    uint32_t litlen[FMNI_DFL_LITLEN_ENOUGH];
    uint32_t dist[FMNI_DFL_DIST_ENOUGH];
} fmni_dfl;

/* Starts decoding at input bit `bit` (which must begin a block), from the
 * window in[0..len) holding the input from offset `base` on (`last`: to
 * its end); base * 8 <= bit. */
void fmni_dfl_start(fmni_dfl *d, const uint8_t *in, size_t len,
                    uint64_t base, int last, uint64_t bit);

/* The next window, after FMNI_DFL_INPUT (or at any return): in[0..len)
 * holds the input from offset `base` on, which is at most
 * fmni_dfl_needed(d), so that it holds every byte the decoder may still
 * read (a few it has loaded, for a stored block that starts there). */
void fmni_dfl_input(fmni_dfl *d, const uint8_t *in, size_t len,
                    uint64_t base, int last);
uint64_t fmni_dfl_needed(const fmni_dfl *d);

/* The bit position of the decoder in the input: where the next block
 * header starts, after FMNI_DFL_BLOCK. */
uint64_t fmni_dfl_bit(const fmni_dfl *d);

/* Decodes into out[*pos..cap) to the end of the current block (at a
 * header: the next block), updating *pos; never writes at or past `cap`
 * (a match may write a few elements past its end, inside that bound).
 * Matches may reach back to out[win]; further is invalid data. After
 * FMNI_DFL_FULL nothing of the symbol that did not fit was taken: a call
 * with a larger `cap` goes on. fmni_dfl_decode16 writes 16-bit symbols as
 * described above; its window out[0..win) normally holds 256 + i for
 * i = 0..32767. */
fmni_dfl_result fmni_dfl_decode8(fmni_dfl *d, uint8_t *out, size_t *pos,
                                 size_t cap, size_t win);
fmni_dfl_result fmni_dfl_decode16(fmni_dfl *d, uint16_t *out, size_t *pos,
                                  size_t cap, size_t win);

/* Reads a dynamic block header at input bit `bit` of the window (as
 * fmni_dfl_start) and builds its tables into d, without decoding: 1 if the
 * header is valid (the cheap filter of a search for a block boundary), 0
 * if not. On 1, d is ready to decode that block. */
int fmni_dfl_try_header(fmni_dfl *d, const uint8_t *in, size_t len,
                        uint64_t base, int last, uint64_t bit);

/* The first input bit position in [from, to) of the window (as
 * fmni_dfl_start; positions too near the end of a window that is not the
 * last are not looked at) where a valid dynamic block header starts
 * (checked cheaply, then read whole), with d ready to decode that block;
 * UINT64_MAX if there is none. A position found may still be no real
 * block boundary (bits inside another block that happen to look like
 * one): only decoding from the start of the stream can prove it. */
uint64_t fmni_dfl_find(fmni_dfl *d, const uint8_t *in, size_t len,
                       uint64_t base, int last, uint64_t from, uint64_t to);

#endif
