/* stats.c - pixel statistics from histograms: exact integer sums, one
 * floating-point division at the end. */
#include "internal.h"

#include <math.h>
#include <string.h>

void fmn_histogram_add(uint64_t histogram[256], const uint8_t *pixels, size_t n)
{
    /* four partial histograms break the store-to-load dependency between
     * neighbouring equal pixels (most of an image is 0) */
    uint32_t part[4][256];
    while (n > 0) {
        /* 32-bit counters cannot overflow within one block */
        size_t block = n < ((size_t)1 << 30) ? n : ((size_t)1 << 30);
        memset(part, 0, sizeof part);
        size_t i = 0;
        for (; i + 4 <= block; i += 4) {
            part[0][pixels[i]]++;
            part[1][pixels[i + 1]]++;
            part[2][pixels[i + 2]]++;
            part[3][pixels[i + 3]]++;
        }
        for (; i < block; i++)
            part[0][pixels[i]]++;
        for (int v = 0; v < 256; v++)
            histogram[v] += (uint64_t)part[0][v] + part[1][v] + part[2][v] +
                            part[3][v];
        pixels += block;
        n -= block;
    }
}

fmn_pixel_stats fmn_histogram_stats(const uint64_t histogram[256])
{
    fmn_pixel_stats s;
    memset(&s, 0, sizeof s);
    int seen = 0;
    for (unsigned v = 0; v < 256; v++) {
        uint64_t c = histogram[v];
        if (!c)
            continue;
        if (!seen)
            s.min = (uint8_t)v;
        s.max = (uint8_t)v;
        seen = 1;
        s.count += c;
        s.sum += c * v;
        s.sum_squares += c * v * v;
    }
    if (!s.count)
        return s;
    s.mean = (double)s.sum / (double)s.count;
#ifdef __SIZEOF_INT128__
    /* count * sum_squares - sum^2, exactly, then one division */
    __extension__ typedef unsigned __int128 u128;
    u128 num = (u128)s.count * s.sum_squares - (u128)s.sum * s.sum;
    long double var = (long double)num / ((long double)s.count * s.count);
#else
    long double m = (long double)s.sum / s.count;
    long double var = (long double)s.sum_squares / s.count - m * m;
#endif
    s.std = var > 0 ? (double)sqrtl(var) : 0.0;
    return s;
}
