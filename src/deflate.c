/* deflate.c - the deflate decoder of deflate.h: the bit reader, block
 * headers and decode tables here; the decode loop, one per output width,
 * in deflate_loop.h.
 *
 * The tables follow the design libdeflate and zlib share: one entry per
 * value of the next FIRST_BITS bits of input, naming the symbol whose code
 * they begin and how many bits to take, longer codes in second-level
 * tables. An entry (32 bits):
 *   bits 0-7    bits to take: the code's length plus the symbol's extra
 *               bits (lengths, distances), or the first level's bits for
 *               a pointer to a second level
 *   bits 8-11   the code's length (where the extra bits start), or the
 *               second level's index bits
 *   bit 13      a pointer to a second level (with bit 15)
 *   bit 14      end of block (with bit 15)
 *   bit 15      not a literal, length or distance: look at bits 13-14;
 *               neither set is an invalid symbol
 *   bits 16-30  literal byte, length or distance base, second level start
 *   bit 31      a literal */
#include "deflate.h"

#include <string.h>

enum { ST_HEADER, ST_HUFFMAN, ST_STORED, ST_DONE };

#define E_LIT 0x80000000u
#define E_EXC 0x8000u
#define E_EOB 0x4000u
#define E_SUB 0x2000u

enum { PRECODE_BITS = 7, NUM_LITLEN = 288, NUM_DIST = 32, NUM_PRECODE = 19 };

/* ---- the bit reader ---------------------------------------------------- */

static uint64_t load_le64(const uint8_t *p)
{
    uint64_t v;
    memcpy(&v, p, 8);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    v = __builtin_bswap64(v);
#endif
    return v;
}

/* Tops the bit buffer up to at least 57 bits: 8 bytes at once where the
 * input has them, else byte by byte, zeros past its end (counted: taking
 * them is a truncated stream). Bits above `left` in the buffer are always
 * either zero or the input's own next bits, so OR-ing a load is exact. */
static void refill(fmni_dfl *d)
{
    if (d->end - d->next >= 8) {
        d->bits |= load_le64(d->next) << d->left;
        d->next += (63 - d->left) >> 3;
        d->left |= 56;
        return;
    }
    while (d->left <= 56) {
        uint64_t byte = 0;
        if (d->next < d->end)
            byte = *d->next++;
        else
            d->overrun++;
        d->bits |= byte << d->left;
        d->left += 8;
    }
}

/* The next n bits (n <= 32), taken. */
static uint32_t take(fmni_dfl *d, unsigned n)
{
    if (d->left < n)
        refill(d);
    uint32_t v = (uint32_t)(d->bits & (((uint64_t)1 << n) - 1));
    d->bits >>= n;
    d->left -= n;
    return v;
}

uint64_t fmni_dfl_bit(const fmni_dfl *d)
{
    return (d->base + (uint64_t)(d->next - d->in) + d->overrun) * 8 - d->left;
}

/* Taking a zero byte past the end means the stream was cut short. */
static int overran(const fmni_dfl *d)
{
    return fmni_dfl_bit(d) > (d->base + (uint64_t)(d->end - d->in)) * 8;
}

/* Too near the end of a window that is not the last for another step. */
static int low_input(const fmni_dfl *d)
{
    return !d->last && d->end - d->next < FMNI_DFL_MARGIN;
}

uint64_t fmni_dfl_needed(const fmni_dfl *d)
{
    uint64_t at = d->base + (uint64_t)(d->next - d->in);
    uint64_t back = d->left / 8 + 1; /* the bytes in the bit buffer */
    return at - (back < at - d->base ? back : at - d->base);
}

void fmni_dfl_input(fmni_dfl *d, const uint8_t *in, size_t len,
                    uint64_t base, int last)
{
    uint64_t at = d->base + (uint64_t)(d->next - d->in);
    d->in = in;
    d->base = base;
    d->next = in + (at - base);
    d->end = in + len;
    d->last = last;
}

void fmni_dfl_start(fmni_dfl *d, const uint8_t *in, size_t len,
                    uint64_t base, int last, uint64_t bit)
{
    uint64_t at = bit / 8 - base;
    d->in = in;
    d->base = base;
    d->last = last;
    d->end = in + len;
    d->next = in + (at < len ? at : len);
    d->bits = 0;
    d->left = 0;
    d->overrun = 0;
    d->state = ST_HEADER;
    d->final = 0;
    d->stored = 0;
    d->why = NULL;
    if (bit % 8)
        (void)take(d, (unsigned)(bit % 8));
}

/* ---- decode tables ------------------------------------------------------ */

/* What each symbol decodes to, without its code length: flags, value, and
 * the number of extra bits in bits 0-7. */
static const uint32_t length_base[29] = {
    3,  4,  5,  6,  7,  8,  9,  10, 11,  13,  15,  17,  19,  23, 27,
    31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258};
static const uint8_t length_extra[29] = {0, 0, 0, 0, 0, 0, 0, 0, 1, 1,
                                         1, 1, 2, 2, 2, 2, 3, 3, 3, 3,
                                         4, 4, 4, 4, 5, 5, 5, 5, 0};
static const uint32_t dist_base[30] = {
    1,    2,    3,    4,    5,    7,     9,     13,    17,  25,
    33,   49,   65,   97,   129,  193,   257,   385,   513, 769,
    1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577};
static const uint8_t dist_extra[30] = {0, 0, 0, 0, 1, 1, 2,  2,  3,  3,
                                       4, 4, 5, 5, 6, 6, 7,  7,  8,  8,
                                       9, 9, 10, 10, 11, 11, 12, 12, 13, 13};

static uint32_t litlen_symbol(unsigned s)
{
    if (s < 256)
        return E_LIT | (uint32_t)s << 16;
    if (s == 256)
        return E_EXC | E_EOB;
    if (s < 286)
        return length_base[s - 257] << 16 | length_extra[s - 257];
    return E_EXC; /* 286, 287: in the fixed code, never valid */
}

static uint32_t dist_symbol(unsigned s)
{
    return s < 30 ? dist_base[s] << 16 | dist_extra[s] : E_EXC;
}

static uint32_t precode_symbol(unsigned s) { return (uint32_t)s << 16; }

typedef uint32_t (*symbol_fn)(unsigned s);

/* Fills table (`enough` entries, `first` bits at the first level) for the
 * code lengths lens[0..n). A code must be complete, except as zlib allows
 * (and so as strict as the serial path): a single code of length one, or
 * for distances no code at all; unfilled entries decode as invalid.
 * Returns NULL, or why the lengths are no code. */
static const char *build(uint32_t *table, unsigned enough, unsigned first,
                         const uint8_t *lens, unsigned n, symbol_fn symbol,
                         int need_complete)
{
    unsigned count[16] = {0}, offs[16];
    uint16_t sorted[NUM_LITLEN];
    for (unsigned s = 0; s < n; s++)
        count[lens[s]]++;
    count[0] = 0;
    unsigned max = 15;
    while (max > 0 && count[max] == 0)
        max--;
    int left = 1;
    for (unsigned len = 1; len <= 15; len++) {
        left <<= 1;
        left -= (int)count[len];
        if (left < 0)
            return "over-subscribed code";
    }
    if (left > 0 && (need_complete || max > 1))
        return max ? "incomplete code" : "no code";
    if (left > 0) /* one code of length 1, or none: the rest is invalid */
        for (unsigned i = 0; i < (1u << first); i++)
            table[i] = E_EXC;
    if (max == 0)
        return NULL;
    offs[1] = 0;
    for (unsigned len = 1; len < 15; len++)
        offs[len + 1] = offs[len] + count[len];
    for (unsigned s = 0; s < n; s++)
        if (lens[s])
            sorted[offs[lens[s]]++] = (uint16_t)s;

    /* the codes in canonical order; `code` holds the current one bit-
     * reversed (the order the input delivers it), incremented backwards.
     * The first level fills by doubling, as libdeflate's does: the codes
     * of length len go into the first 2^len entries, which are then
     * copied up before the next length. */
    unsigned code = 0, used = 1u << first, sub_start = 0, sub_bits = 0;
    unsigned low = ~0u, mask = (1u << first) - 1, k = 0;
    unsigned short_max = max < first ? max : first;
    for (unsigned len = 1; len <= max; len++) {
        if (len > 1 && len <= short_max)
            memcpy(table + (1u << (len - 1)), table,
                   sizeof *table << (len - 1));
        for (unsigned c = 0; c < count[len]; c++, k++) {
            unsigned s = sorted[k];
            uint32_t e = symbol(s);
            unsigned extra = e & 0xff;
            e &= ~0xffu;
            if (len <= first) {
                table[code] = e | (len + extra) | len << 8;
            } else {
                if ((code & mask) != low) {
                    /* a new second level: as many bits as the codes that
                     * share this prefix need */
                    unsigned bits = len - first;
                    int room = 1 << bits;
                    unsigned remaining[16];
                    memcpy(remaining, count, sizeof remaining);
                    remaining[len] -= c;
                    while (bits + first < max) {
                        room -= (int)remaining[bits + first];
                        if (room <= 0)
                            break;
                        bits++;
                        room <<= 1;
                    }
                    if (used + (1u << bits) > enough)
                        return "code too large for the tables";
                    sub_start = used;
                    sub_bits = bits;
                    used += 1u << bits;
                    low = code & mask;
                    table[low] = E_EXC | E_SUB | sub_start << 16 |
                                 sub_bits << 8 | first;
                }
                unsigned sl = len - first;
                e |= (sl + extra) | sl << 8;
                for (unsigned i = code >> first; i < (1u << sub_bits);
                     i += 1u << sl)
                    table[sub_start + i] = e;
            }
            /* the next code, bit-reversed: add 1 at bit len-1 downwards */
            unsigned inc = 1u << (len - 1);
            while (code & inc)
                inc >>= 1;
            code = inc ? (code & (inc - 1)) + inc : 0;
        }
    }
    for (unsigned len = short_max + 1; len <= first; len++)
        memcpy(table + (1u << (len - 1)), table, sizeof *table << (len - 1));
    return NULL;
}

/* ---- block headers ------------------------------------------------------ */

static const char *fixed_tables(fmni_dfl *d)
{
    uint8_t lens[NUM_LITLEN];
    memset(lens, 8, 144);
    memset(lens + 144, 9, 112);
    memset(lens + 256, 7, 24);
    memset(lens + 280, 8, 8);
    const char *why = build(d->litlen, FMNI_DFL_LITLEN_ENOUGH,
                            FMNI_DFL_LITLEN_BITS, lens, NUM_LITLEN,
                            litlen_symbol, 1);
    memset(lens, 5, NUM_DIST);
    return why ? why
               : build(d->dist, FMNI_DFL_DIST_ENOUGH, FMNI_DFL_DIST_BITS,
                       lens, NUM_DIST, dist_symbol, 1);
}

/* The code lengths of a dynamic block, read through its precode. */
static const char *dynamic_tables(fmni_dfl *d)
{
    static const uint8_t order[NUM_PRECODE] = {16, 17, 18, 0, 8,  7, 9,
                                               6,  10, 5,  11, 4, 12, 3,
                                               13, 2,  14, 1,  15};
    unsigned nlit = take(d, 5) + 257, ndist = take(d, 5) + 1;
    unsigned npre = take(d, 4) + 4;
    if (nlit > 286 || ndist > 30)
        return "too many length or distance symbols";
    uint8_t pre[NUM_PRECODE] = {0};
    for (unsigned i = 0; i < npre; i++)
        pre[order[i]] = (uint8_t)take(d, 3);
    uint32_t ptab[1u << PRECODE_BITS];
    const char *why = build(ptab, 1u << PRECODE_BITS, PRECODE_BITS, pre,
                            NUM_PRECODE, precode_symbol, 1);
    if (why)
        return why;
    uint8_t lens[286 + 30];
    unsigned total = nlit + ndist;
    for (unsigned i = 0; i < total;) {
        if (d->left < PRECODE_BITS + 7)
            refill(d);
        uint32_t e = ptab[d->bits & ((1u << PRECODE_BITS) - 1)];
        d->bits >>= e & 0xff;
        d->left -= e & 0xff;
        unsigned sym = e >> 16, rep;
        uint8_t val = 0;
        if (sym < 16) {
            lens[i++] = (uint8_t)sym;
            continue;
        }
        if (sym == 16) {
            if (i == 0)
                return "a repeated length with no length before it";
            val = lens[i - 1];
            rep = 3 + take(d, 2);
        } else if (sym == 17) {
            rep = 3 + take(d, 3);
        } else {
            rep = 11 + take(d, 7);
        }
        if (rep > total - i)
            return "too many code lengths";
        memset(lens + i, val, rep);
        i += rep;
    }
    if (overran(d))
        return NULL; /* the caller says short */
    if (lens[256] == 0)
        return "no end-of-block code";
    why = build(d->litlen, FMNI_DFL_LITLEN_ENOUGH, FMNI_DFL_LITLEN_BITS, lens,
                nlit, litlen_symbol, 0);
    if (!why)
        why = build(d->dist, FMNI_DFL_DIST_ENOUGH, FMNI_DFL_DIST_BITS,
                    lens + nlit, ndist, dist_symbol, 0);
    return why;
}

/* Reads the next block header: FMNI_DFL_BLOCK when a block is ready to
 * decode, else what went wrong. */
static fmni_dfl_result read_header(fmni_dfl *d)
{
    if (d->state == ST_DONE)
        return FMNI_DFL_END;
    if (low_input(d))
        return FMNI_DFL_INPUT;
    d->final = (int)take(d, 1);
    unsigned type = take(d, 2);
    const char *why = NULL;
    if (type == 0) {
        (void)take(d, d->left % 8); /* to a byte boundary */
        uint32_t len = take(d, 16), nlen = take(d, 16);
        if (overran(d))
            return FMNI_DFL_SHORT;
        if (len != (~nlen & 0xffff)) {
            d->why = "stored block length does not match its complement";
            return FMNI_DFL_BAD;
        }
        /* the bytes are copied from the input itself: hand back the
         * buffered whole bytes (the buffer holds no overrun here) */
        d->next -= d->left / 8 - d->overrun;
        d->overrun = 0;
        d->bits = 0;
        d->left = 0;
        d->stored = len;
        d->state = ST_STORED;
        return FMNI_DFL_BLOCK;
    }
    if (type == 1)
        why = fixed_tables(d);
    else if (type == 2)
        why = dynamic_tables(d);
    else
        why = "invalid block type";
    if (overran(d))
        return FMNI_DFL_SHORT;
    if (why) {
        d->why = why;
        return FMNI_DFL_BAD;
    }
    d->state = ST_HUFFMAN;
    return FMNI_DFL_BLOCK;
}

int fmni_dfl_try_header(fmni_dfl *d, const uint8_t *in, size_t len,
                        uint64_t base, int last, uint64_t bit)
{
    fmni_dfl_start(d, in, len, base, last, bit);
    if (take(d, 1) != 0 || take(d, 2) != 2) /* not final, dynamic */
        return 0;
    const char *why = dynamic_tables(d);
    if (why || overran(d))
        return 0;
    d->final = 0;
    d->state = ST_HUFFMAN;
    return 1;
}

/* ---- finding a block boundary ------------------------------------------- */

/* Whether the 19 precode lengths (3 bits each, in `w`, the first lowest)
 * of a header with `n` of them make a complete code: the filter that
 * rejects almost every bit position that is not a block header. */
static int precode_complete(uint64_t w, unsigned n)
{
    unsigned kraft = 0; /* in units of 2^-7 */
    for (unsigned i = 0; i < n; i++, w >>= 3) {
        unsigned len = (unsigned)(w & 7);
        if (len)
            kraft += 128u >> len;
    }
    return kraft == 128;
}

uint64_t fmni_dfl_find(fmni_dfl *d, const uint8_t *in, size_t len,
                       uint64_t base, int last, uint64_t from, uint64_t to)
{
    /* two 8-byte loads per position: the header's first 17 bits and the
     * 57 of its precode lengths; a whole header fits in the margin */
    size_t keep = last ? 24 : FMNI_DFL_MARGIN;
    uint64_t stop = len >= keep ? (base + (uint64_t)(len - keep)) * 8 : 0;
    if (to > stop)
        to = stop;
    if (from < base * 8)
        from = base * 8;
    for (uint64_t b = from; b < to; b++) {
        const uint8_t *p = in + (b / 8 - base);
        uint64_t w = load_le64(p) >> (b % 8);
        if ((w & 7) != 4) /* not final, dynamic */
            continue;
        if (((w >> 3) & 31) > 29 || ((w >> 8) & 31) > 29)
            continue;
        uint64_t pre = load_le64(p + (b % 8 + 17) / 8) >> ((b + 17) % 8);
        if (!precode_complete(pre, (unsigned)((w >> 13) & 15) + 4))
            continue;
        if (fmni_dfl_try_header(d, in, len, base, last, b))
            return b;
    }
    return UINT64_MAX;
}

/* ---- the decode loops --------------------------------------------------- */

/* After a block's last symbol: the next header, or the end. */
static fmni_dfl_result block_end(fmni_dfl *d)
{
    if (overran(d))
        return FMNI_DFL_SHORT;
    d->state = d->final ? ST_DONE : ST_HEADER;
    return d->final ? FMNI_DFL_END : FMNI_DFL_BLOCK;
}

/* Room the fast loop keeps: two literals and a match with its overshoot */
enum { FAST_ROOM = 2 + FMNI_DFL_MAX_MATCH + 16, FAST_INPUT = 16 };
#define LITLEN_MASK ((1u << FMNI_DFL_LITLEN_BITS) - 1)
#define DIST_MASK ((1u << FMNI_DFL_DIST_BITS) - 1)
#define LOW_BITS(v, n) ((v) & (((uint64_t)1 << (n)) - 1))

#define FMNI_LOOP_NAME fmni_dfl_decode8
#define FMNI_OUT_T uint8_t
#define FMNI_COPY copy_u8
#include "deflate_loop.h"
#undef FMNI_LOOP_NAME
#undef FMNI_OUT_T
#undef FMNI_COPY

#define FMNI_LOOP_NAME fmni_dfl_decode16
#define FMNI_OUT_T uint16_t
#define FMNI_COPY copy_u16
#include "deflate_loop.h"
#undef FMNI_LOOP_NAME
#undef FMNI_OUT_T
#undef FMNI_COPY
