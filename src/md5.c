/* md5.c - MD5 (RFC 1321), used only to compare files with the checksums
 * the dataset publishers give. Not for security. */
#include "internal.h"

#include <string.h>

static uint32_t rol(uint32_t x, unsigned c) { return (x << c) | (x >> (32 - c)); }

static uint32_t load_le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
           (uint32_t)p[3] << 24;
}

static const uint32_t K[64] = {
    0xd76aa478, 0xe8c7b756, 0x242070db, 0xc1bdceee, 0xf57c0faf, 0x4787c62a,
    0xa8304613, 0xfd469501, 0x698098d8, 0x8b44f7af, 0xffff5bb1, 0x895cd7be,
    0x6b901122, 0xfd987193, 0xa679438e, 0x49b40821, 0xf61e2562, 0xc040b340,
    0x265e5a51, 0xe9b6c7aa, 0xd62f105d, 0x02441453, 0xd8a1e681, 0xe7d3fbc8,
    0x21e1cde6, 0xc33707d6, 0xf4d50d87, 0x455a14ed, 0xa9e3e905, 0xfcefa3f8,
    0x676f02d9, 0x8d2a4c8a, 0xfffa3942, 0x8771f681, 0x6d9d6122, 0xfde5380c,
    0xa4beea44, 0x4bdecfa9, 0xf6bb4b60, 0xbebfbc70, 0x289b7ec6, 0xeaa127fa,
    0xd4ef3085, 0x04881d05, 0xd9d4d039, 0xe6db99e5, 0x1fa27cf8, 0xc4ac5665,
    0xf4292244, 0x432aff97, 0xab9423a7, 0xfc93a039, 0x655b59c3, 0x8f0ccc92,
    0xffeff47d, 0x85845dd1, 0x6fa87e4f, 0xfe2ce6e0, 0xa3014314, 0x4e0811a1,
    0xf7537e82, 0xbd3af235, 0x2ad7d2bb, 0xeb86d391};

/* One round step; the message word and constant are named directly, so
 * the compiler sees 64 straight-line steps (twice the speed of a loop that
 * picks f, g and the shift at run time). */
#define STEP(f, a, b, c, d, x, k, s)                                        \
    do {                                                                    \
        (a) += f((b), (c), (d)) + (x) + (k);                                \
        (a) = rol((a), (s)) + (b);                                          \
    } while (0)
#define F(x, y, z) ((z) ^ ((x) & ((y) ^ (z))))
#define G(x, y, z) ((y) ^ ((z) & ((x) ^ (y))))
#define H(x, y, z) ((x) ^ (y) ^ (z))
#define I(x, y, z) ((y) ^ ((x) | ~(z)))

static void md5_block(uint32_t st[4], const uint8_t *p)
{
    uint32_t m[16];
    for (int i = 0; i < 16; i++)
        m[i] = load_le32(p + 4 * i);
    uint32_t a = st[0], b = st[1], c = st[2], d = st[3];
    for (int i = 0; i < 16; i += 4) {
        STEP(F, a, b, c, d, m[i], K[i], 7);
        STEP(F, d, a, b, c, m[i + 1], K[i + 1], 12);
        STEP(F, c, d, a, b, m[i + 2], K[i + 2], 17);
        STEP(F, b, c, d, a, m[i + 3], K[i + 3], 22);
    }
    for (int i = 16; i < 32; i += 4) {
        STEP(G, a, b, c, d, m[(5 * i + 1) & 15], K[i], 5);
        STEP(G, d, a, b, c, m[(5 * i + 6) & 15], K[i + 1], 9);
        STEP(G, c, d, a, b, m[(5 * i + 11) & 15], K[i + 2], 14);
        STEP(G, b, c, d, a, m[(5 * i) & 15], K[i + 3], 20);
    }
    for (int i = 32; i < 48; i += 4) {
        STEP(H, a, b, c, d, m[(3 * i + 5) & 15], K[i], 4);
        STEP(H, d, a, b, c, m[(3 * i + 8) & 15], K[i + 1], 11);
        STEP(H, c, d, a, b, m[(3 * i + 11) & 15], K[i + 2], 16);
        STEP(H, b, c, d, a, m[(3 * i + 14) & 15], K[i + 3], 23);
    }
    for (int i = 48; i < 64; i += 4) {
        STEP(I, a, b, c, d, m[(7 * i) & 15], K[i], 6);
        STEP(I, d, a, b, c, m[(7 * i + 7) & 15], K[i + 1], 10);
        STEP(I, c, d, a, b, m[(7 * i + 14) & 15], K[i + 2], 15);
        STEP(I, b, c, d, a, m[(7 * i + 21) & 15], K[i + 3], 21);
    }
    st[0] += a;
    st[1] += b;
    st[2] += c;
    st[3] += d;
}

void fmni_md5_init(fmni_md5 *ctx)
{
    ctx->state[0] = 0x67452301;
    ctx->state[1] = 0xefcdab89;
    ctx->state[2] = 0x98badcfe;
    ctx->state[3] = 0x10325476;
    ctx->length = 0;
    ctx->used = 0;
}

void fmni_md5_update(fmni_md5 *ctx, const void *data, size_t size)
{
    const uint8_t *p = data;
    ctx->length += size;
    if (ctx->used) {
        size_t take = 64 - ctx->used;
        if (take > size)
            take = size;
        memcpy(ctx->block + ctx->used, p, take);
        ctx->used += take;
        p += take;
        size -= take;
        if (ctx->used < 64)
            return;
        md5_block(ctx->state, ctx->block);
        ctx->used = 0;
    }
    for (; size >= 64; p += 64, size -= 64)
        md5_block(ctx->state, p);
    memcpy(ctx->block, p, size);
    ctx->used = size;
}

void fmni_md5_final(fmni_md5 *ctx, uint8_t digest[16])
{
    uint64_t bits = ctx->length * 8;
    static const uint8_t pad[64] = {0x80};
    size_t padlen = ctx->used < 56 ? 56 - ctx->used : 120 - ctx->used;
    uint8_t lenbuf[8];
    for (int i = 0; i < 8; i++)
        lenbuf[i] = (uint8_t)(bits >> (8 * i));
    fmni_md5_update(ctx, pad, padlen);
    fmni_md5_update(ctx, lenbuf, 8);
    for (int i = 0; i < 4; i++)
        for (int j = 0; j < 4; j++)
            digest[4 * i + j] = (uint8_t)(ctx->state[i] >> (8 * j));
}
