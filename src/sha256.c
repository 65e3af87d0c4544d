/* sha256.c - SHA-256 (FIPS 180-4), portable C: what proves a file's
 * decoded content is a published one (a CRC-32 tells accidents, not
 * intent: four chosen bytes give any CRC). Where the CPU has the SHA
 * extensions (AMD since Zen, Intel since Ice Lake and Goldmont), the
 * compression function runs on them, chosen at run time. */
#include "internal.h"

#include <string.h>

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define FMNI_SHA_NI 1
#include <cpuid.h>
#include <immintrin.h>

/* The SHA extensions and SSE4.1, by CPUID (not every compiler's
 * __builtin_cpu_supports knows "sha"). */
static int cpu_has_sha(void)
{
    unsigned a, b, c, d;
    if (!__get_cpuid(1, &a, &b, &c, &d) || !(c & (1u << 19)) ||
        !(c & (1u << 9)))
        return 0; /* SSE4.1, SSSE3 */
    if (__get_cpuid_max(0, NULL) < 7)
        return 0;
    __cpuid_count(7, 0, a, b, c, d);
    return (b >> 29) & 1; /* SHA */
}
#endif

static const uint32_t K[64] = {
    0x428a2f98u, 0x71374491u, 0xb5c0fbcfu, 0xe9b5dba5u, 0x3956c25bu,
    0x59f111f1u, 0x923f82a4u, 0xab1c5ed5u, 0xd807aa98u, 0x12835b01u,
    0x243185beu, 0x550c7dc3u, 0x72be5d74u, 0x80deb1feu, 0x9bdc06a7u,
    0xc19bf174u, 0xe49b69c1u, 0xefbe4786u, 0x0fc19dc6u, 0x240ca1ccu,
    0x2de92c6fu, 0x4a7484aau, 0x5cb0a9dcu, 0x76f988dau, 0x983e5152u,
    0xa831c66du, 0xb00327c8u, 0xbf597fc7u, 0xc6e00bf3u, 0xd5a79147u,
    0x06ca6351u, 0x14292967u, 0x27b70a85u, 0x2e1b2138u, 0x4d2c6dfcu,
    0x53380d13u, 0x650a7354u, 0x766a0abbu, 0x81c2c92eu, 0x92722c85u,
    0xa2bfe8a1u, 0xa81a664bu, 0xc24b8b70u, 0xc76c51a3u, 0xd192e819u,
    0xd6990624u, 0xf40e3585u, 0x106aa070u, 0x19a4c116u, 0x1e376c08u,
    0x2748774cu, 0x34b0bcb5u, 0x391c0cb3u, 0x4ed8aa4au, 0x5b9cca4fu,
    0x682e6ff3u, 0x748f82eeu, 0x78a5636fu, 0x84c87814u, 0x8cc70208u,
    0x90befffau, 0xa4506cebu, 0xbef9a3f7u, 0xc67178f2u};

static uint32_t ror(uint32_t x, unsigned n)
{
    return (x >> n) | (x << (32 - n));
}

static uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
           (uint32_t)p[2] << 8 | p[3];
}

/* `n` 64-byte blocks into the state, in portable C. */
static void blocks_c(uint32_t st[8], const uint8_t *p, size_t n)
{
    for (; n > 0; n--, p += 64) {
        uint32_t w[64];
        for (int i = 0; i < 16; i++)
            w[i] = be32(p + 4 * i);
        for (int i = 16; i < 64; i++) {
            uint32_t s0 = ror(w[i - 15], 7) ^ ror(w[i - 15], 18) ^
                          (w[i - 15] >> 3);
            uint32_t s1 = ror(w[i - 2], 17) ^ ror(w[i - 2], 19) ^
                          (w[i - 2] >> 10);
            w[i] = w[i - 16] + s0 + w[i - 7] + s1;
        }
        uint32_t a = st[0], b = st[1], c = st[2], d = st[3], e = st[4],
                 f = st[5], g = st[6], h = st[7];
        for (int i = 0; i < 64; i++) {
            uint32_t t1 = h + (ror(e, 6) ^ ror(e, 11) ^ ror(e, 25)) +
                          ((e & f) ^ (~e & g)) + K[i] + w[i];
            uint32_t t2 = (ror(a, 2) ^ ror(a, 13) ^ ror(a, 22)) +
                          ((a & b) ^ (a & c) ^ (b & c));
            h = g;
            g = f;
            f = e;
            e = d + t1;
            d = c;
            c = b;
            b = a;
            a = t1 + t2;
        }
        st[0] += a;
        st[1] += b;
        st[2] += c;
        st[3] += d;
        st[4] += e;
        st[5] += f;
        st[6] += g;
        st[7] += h;
    }
}

#ifdef FMNI_SHA_NI
/* Four rounds on the SHA extensions: message words m (with K added). */
#define ROUNDS4(m)                                                        \
    do {                                                                  \
        __m128i k_ = _mm_add_epi32((m), _mm_loadu_si128(                  \
                                            (const __m128i *)(K + 4 * r))); \
        s1 = _mm_sha256rnds2_epu32(s1, s0, k_);                           \
        s0 = _mm_sha256rnds2_epu32(s0, s1, _mm_shuffle_epi32(k_, 0x0e));  \
        r++;                                                              \
    } while (0)

/* `n` 64-byte blocks into the state, on the SHA extensions. The state is
 * kept as the instructions want it: ABEF and CDGH. */
__attribute__((target("sha,sse4.1"))) static void
blocks_ni(uint32_t st[8], const uint8_t *p, size_t n)
{
    const __m128i swap = _mm_set_epi64x(0x0c0d0e0f08090a0bLL,
                                        0x0405060700010203LL);
    __m128i t = _mm_loadu_si128((const __m128i *)st);       /* D C B A */
    __m128i s1 = _mm_loadu_si128((const __m128i *)(st + 4)); /* H G F E */
    t = _mm_shuffle_epi32(t, 0xb1);                         /* C D A B */
    s1 = _mm_shuffle_epi32(s1, 0x1b);                       /* E F G H */
    __m128i s0 = _mm_alignr_epi8(t, s1, 8);                 /* A B E F */
    s1 = _mm_blend_epi16(s1, t, 0xf0);                      /* C D G H */
    for (; n > 0; n--, p += 64) {
        __m128i a0 = s0, c0 = s1;
        __m128i m[4];
        for (int i = 0; i < 4; i++)
            m[i] = _mm_shuffle_epi8(
                _mm_loadu_si128((const __m128i *)(p + 16 * i)), swap);
        int r = 0;
        for (int i = 0; i < 16; i++) {
            __m128i cur = m[i & 3];
            ROUNDS4(cur);
            if (i < 12) {
                /* the next four words of the schedule, from these */
                __m128i nx = _mm_sha256msg1_epu32(m[i & 3], m[(i + 1) & 3]);
                nx = _mm_add_epi32(nx, _mm_alignr_epi8(m[(i + 3) & 3],
                                                       m[(i + 2) & 3], 4));
                m[i & 3] = _mm_sha256msg2_epu32(nx, m[(i + 3) & 3]);
            }
        }
        s0 = _mm_add_epi32(s0, a0);
        s1 = _mm_add_epi32(s1, c0);
    }
    t = _mm_shuffle_epi32(s0, 0x1b);                  /* F E B A */
    s1 = _mm_shuffle_epi32(s1, 0xb1);                 /* D C H G */
    s0 = _mm_blend_epi16(t, s1, 0xf0);                /* D C B A */
    s1 = _mm_alignr_epi8(s1, t, 8);                   /* H G F E */
    _mm_storeu_si128((__m128i *)st, s0);
    _mm_storeu_si128((__m128i *)(st + 4), s1);
}
#endif

static void blocks(fmni_sha256 *c, const uint8_t *p, size_t n)
{
#ifdef FMNI_SHA_NI
    if (c->ni) {
        blocks_ni(c->h, p, n);
        return;
    }
#endif
    blocks_c(c->h, p, n);
}

void fmni_sha256_init(fmni_sha256 *c, int portable)
{
    static const uint32_t H0[8] = {0x6a09e667u, 0xbb67ae85u, 0x3c6ef372u,
                                   0xa54ff53au, 0x510e527fu, 0x9b05688cu,
                                   0x1f83d9abu, 0x5be0cd19u};
    memcpy(c->h, H0, sizeof H0);
    c->len = 0;
    c->used = 0;
    c->ni = 0;
#ifdef FMNI_SHA_NI
    c->ni = !portable && cpu_has_sha();
#else
    (void)portable;
#endif
}

void fmni_sha256_update(fmni_sha256 *c, const void *data, size_t n)
{
    const uint8_t *p = data;
    c->len += n;
    if (c->used) {
        size_t take = 64 - c->used < n ? 64 - c->used : n;
        memcpy(c->buf + c->used, p, take);
        c->used += take;
        p += take;
        n -= take;
        if (c->used < 64)
            return;
        blocks(c, c->buf, 1);
        c->used = 0;
    }
    if (n >= 64) {
        blocks(c, p, n / 64);
        p += n - n % 64;
        n %= 64;
    }
    memcpy(c->buf, p, n);
    c->used = n;
}

void fmni_sha256_final(fmni_sha256 *c, uint8_t out[32])
{
    uint64_t bits = c->len * 8;
    uint8_t pad[72] = {0x80};
    size_t padlen = (c->used < 56 ? 56 : 120) - c->used;
    for (int i = 0; i < 8; i++)
        pad[padlen + (size_t)i] = (uint8_t)(bits >> (56 - 8 * i));
    fmni_sha256_update(c, pad, padlen + 8);
    for (int i = 0; i < 8; i++) {
        out[4 * i] = (uint8_t)(c->h[i] >> 24);
        out[4 * i + 1] = (uint8_t)(c->h[i] >> 16);
        out[4 * i + 2] = (uint8_t)(c->h[i] >> 8);
        out[4 * i + 3] = (uint8_t)c->h[i];
    }
}
