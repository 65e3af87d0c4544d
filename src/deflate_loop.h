/* deflate_loop.h - the decode loop of deflate.c, once per output width:
 * included there with FMNI_LOOP_NAME, FMNI_OUT_T (the element written)
 * and FMNI_COPY (the name of its match copy, defined here) defined.
 *
 * A fast loop runs while the window has FAST_INPUT bytes (the margin, if
 * it is not the last) and the output FAST_ROOM elements, checking neither
 * inside. Its bit budget, after a
 * refill (at least 56 bits): three literals found in the first level
 * (11 bits each) and the next lookup; or a length (up to 20 bits), then
 * a refill where fewer than 39 bits are left, a distance (up to 28) and
 * the next lookup. Each next entry is looked up before the refill that
 * follows it, so the refill's load is off the decoding's critical path
 * (libdeflate's design). The last symbols go one at a time, checked. */

/* Copies a match of `len` elements from `dist` back, in 8-byte words:
 * it may write up to 15 bytes past the match (the fast loop keeps
 * FAST_ROOM free). */
static void FMNI_COPY(FMNI_OUT_T *o, size_t dist, size_t len)
{
    enum { W = 8 / sizeof(FMNI_OUT_T) }; /* elements in a word */
    const FMNI_OUT_T *s = o - dist;
    FMNI_OUT_T *const e = o + len;
    if (dist >= W) {
        memcpy(o, s, 8);
        memcpy(o + W, s + W, 8);
        for (o += 2 * W, s += 2 * W; o < e; o += W, s += W)
            memcpy(o, s, 8);
    } else if (dist == 1) {
        /* the element in every lane: 0x0101... or 0x00010001... times it */
        uint64_t v = UINT64_MAX / ((uint64_t)(FMNI_OUT_T)~0u) * s[0];
        memcpy(o, &v, 8);
        memcpy(o + W, &v, 8);
        for (o += 2 * W; o < e; o += W)
            memcpy(o, &v, 8);
    } else {
        /* a short period: each word stored holds `dist` right elements
         * first, and the next load reads back exactly that word, so each
         * step adds dist elements (libdeflate's way) */
        do {
            uint64_t v; /* a load, then a store: the two overlap */
            memcpy(&v, s, 8);
            memcpy(o, &v, 8);
            o += dist;
            s += dist;
        } while (o < e);
    }
}

fmni_dfl_result FMNI_LOOP_NAME(fmni_dfl *d, FMNI_OUT_T *out, size_t *pos,
                               size_t cap, size_t win)
{
    if (d->state != ST_HUFFMAN && d->state != ST_STORED) {
        fmni_dfl_result r = read_header(d);
        if (r != FMNI_DFL_BLOCK)
            return r;
    }
    FMNI_OUT_T *o = out + *pos;
    FMNI_OUT_T *const limit = out + cap;
    const FMNI_OUT_T *const base = out + win;

    if (d->state == ST_STORED) {
        while (d->stored > 0) {
            size_t n = d->stored, room = (size_t)(limit - o);
            size_t avail = (size_t)(d->end - d->next);
            if (avail == 0) {
                *pos = (size_t)(o - out);
                return d->last ? FMNI_DFL_SHORT : FMNI_DFL_INPUT;
            }
            if (room == 0) {
                *pos = (size_t)(o - out);
                return FMNI_DFL_FULL;
            }
            n = n < room ? n : room;
            n = n < avail ? n : avail;
            for (size_t i = 0; i < n; i++)
                o[i] = d->next[i];
            o += n;
            d->next += n;
            d->stored -= (uint32_t)n;
        }
        *pos = (size_t)(o - out);
        return block_end(d);
    }

    const uint32_t *const lt = d->litlen, *const dt = d->dist;
    {
        const uint8_t *next = d->next;
        /* the fast loop's input: FAST_INPUT bytes, or the margin before
         * the end of a window that is not the last */
        size_t keep = d->last ? FAST_INPUT : FMNI_DFL_MARGIN;
        size_t avail = (size_t)(d->end - d->next);
        const uint8_t *const in_end =
            avail > keep ? d->end - keep + FAST_INPUT : d->next;
        uint64_t bits = d->bits;
        unsigned left = d->left;
        FMNI_OUT_T *const fast_end =
            (size_t)(limit - o) > FAST_ROOM ? limit - FAST_ROOM : o;
#define REFILL()                                                           \
    (bits |= load_le64(next) << left, next += (63 - left) >> 3, left |= 56)
#define TAKE(n) (bits >>= (n), left -= (n))
        uint32_t e = 0;
        if (o < fast_end && in_end - next >= FAST_INPUT) {
            REFILL();
            e = lt[bits & LITLEN_MASK];
        }
        /* at the top: at least 56 bits in the buffer, and e the entry for
         * the next symbol, looked up already (a refill keeps it valid) */
        while (o < fast_end && in_end - next >= FAST_INPUT) {
            if (e & E_LIT) { /* up to three literals of <= 11 bits */
                TAKE(e & 0xff);
                FMNI_OUT_T lit = (FMNI_OUT_T)(e >> 16 & 0xff);
                e = lt[bits & LITLEN_MASK];
                *o++ = lit;
                if (e & E_LIT) {
                    TAKE(e & 0xff);
                    lit = (FMNI_OUT_T)(e >> 16 & 0xff);
                    e = lt[bits & LITLEN_MASK];
                    *o++ = lit;
                    if (e & E_LIT) {
                        TAKE(e & 0xff);
                        lit = (FMNI_OUT_T)(e >> 16 & 0xff);
                        e = lt[bits & LITLEN_MASK];
                        REFILL();
                        *o++ = lit;
                        continue;
                    }
                }
            }
            /* at least 34 bits left: a long code (<= 20 bits with its
             * extra bits), then the distance's first level */
            if (e & E_EXC) {
                if (e & E_SUB) {
                    TAKE(e & 0xff);
                    e = lt[(e >> 16) + LOW_BITS(bits, e >> 8 & 0xf)];
                    if (e & E_LIT) {
                        TAKE(e & 0xff);
                        *o++ = (FMNI_OUT_T)(e >> 16 & 0xff);
                        e = lt[bits & LITLEN_MASK];
                        REFILL();
                        continue;
                    }
                }
                if (e & E_EXC) {
                    if (e & E_EOB) {
                        TAKE(e & 0xff);
                        d->next = next;
                        d->bits = bits;
                        d->left = left;
                        *pos = (size_t)(o - out);
                        return block_end(d);
                    }
                    d->why = "invalid literal/length code";
                    return FMNI_DFL_BAD;
                }
            }
            uint64_t saved = bits;
            TAKE(e & 0xff);
            size_t len = (e >> 16) +
                         (size_t)(LOW_BITS(saved, e & 0xff) >> (e >> 8 & 0xf));
            uint32_t de = dt[bits & DIST_MASK];
            if (left < 28 + FMNI_DFL_LITLEN_BITS) /* distance, next lookup */
                REFILL();
            if (de & E_EXC) {
                if (de & E_SUB) {
                    TAKE(de & 0xff);
                    de = dt[(de >> 16) + LOW_BITS(bits, de >> 8 & 0xf)];
                }
                if (de & E_EXC) {
                    d->why = "invalid distance code";
                    return FMNI_DFL_BAD;
                }
            }
            saved = bits;
            TAKE(de & 0xff);
            size_t dist = (de >> 16) + (size_t)(LOW_BITS(saved, de & 0xff) >>
                                                (de >> 8 & 0xf));
            e = lt[bits & LITLEN_MASK];
            REFILL();
            if (dist > (size_t)(o - base)) {
                d->why = "distance too far back";
                return FMNI_DFL_BAD;
            }
            FMNI_COPY(o, dist, len);
            o += len;
        }
#undef REFILL
#undef TAKE
        d->next = next;
        d->bits = bits;
        d->left = left;
    }

    /* one symbol at a time, each checked; one that does not fit is left
     * untaken */
    for (;;) {
        const uint8_t *s_next = d->next;
        uint64_t s_bits = d->bits;
        unsigned s_left = d->left, s_over = d->overrun;
        if (low_input(d)) {
            *pos = (size_t)(o - out);
            return FMNI_DFL_INPUT;
        }
        refill(d);
        if (d->overrun > 8)
            return FMNI_DFL_SHORT;
        uint32_t e = lt[d->bits & LITLEN_MASK];
        if (e & E_SUB) {
            d->bits >>= e & 0xff;
            d->left -= e & 0xff;
            e = lt[(e >> 16) + LOW_BITS(d->bits, e >> 8 & 0xf)];
        }
        size_t len = 1, dist = 0;
        if (e & E_LIT) {
            if (o == limit)
                goto full;
            d->bits >>= e & 0xff;
            d->left -= e & 0xff;
            *o++ = (FMNI_OUT_T)(e >> 16 & 0xff);
            continue;
        }
        if (e & E_EXC) {
            if (e & E_EOB) {
                d->bits >>= e & 0xff;
                d->left -= e & 0xff;
                *pos = (size_t)(o - out);
                return block_end(d);
            }
            d->why = "invalid literal/length code";
            return FMNI_DFL_BAD;
        }
        uint64_t saved = d->bits;
        d->bits >>= e & 0xff;
        d->left -= e & 0xff;
        len = (e >> 16) + (size_t)(LOW_BITS(saved, e & 0xff) >> (e >> 8 & 0xf));
        uint32_t de = dt[d->bits & DIST_MASK];
        if (de & E_SUB) {
            d->bits >>= de & 0xff;
            d->left -= de & 0xff;
            de = dt[(de >> 16) + LOW_BITS(d->bits, de >> 8 & 0xf)];
        }
        if (de & E_EXC) {
            d->why = "invalid distance code";
            return FMNI_DFL_BAD;
        }
        saved = d->bits;
        d->bits >>= de & 0xff;
        d->left -= de & 0xff;
        dist = (de >> 16) +
               (size_t)(LOW_BITS(saved, de & 0xff) >> (de >> 8 & 0xf));
        if (dist > (size_t)(o - base)) {
            d->why = "distance too far back";
            return FMNI_DFL_BAD;
        }
        if (len > (size_t)(limit - o))
            goto full;
        const FMNI_OUT_T *src = o - dist;
        for (size_t i = 0; i < len; i++)
            o[i] = src[i];
        o += len;
        continue;
    full:
        d->next = s_next;
        d->bits = s_bits;
        d->left = s_left;
        d->overrun = s_over;
        *pos = (size_t)(o - out);
        return FMNI_DFL_FULL;
    }
}
