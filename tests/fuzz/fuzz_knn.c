/* fuzz_knn.c - libFuzzer target: the nearest-neighbour search compared
 * with the plain loop, bit for bit, in both sets of functions (AVX2 and
 * portable, the latter on images of up to 144 pixels) and on 1 and 2
 * threads. Built from the library's sources to
 * reach the portable ones on a CPU that has AVX2. The input: 8 bytes of
 * parameters (query and base counts, height, width, k, against itself or
 * not, how the images are made), then bytes the images are made from:
 * taken as they are, or a few of them as patterns that the others repeat
 * with noise, so that the index's bounds prune as on real sets. */
#include "knn.h"
#include "../knn_plain.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(int ok)
{
    if (!ok)
        __builtin_trap();
}

/* The k best of query i by the plain loop, into want (sorted by distance,
 * then index, FMN_NO_NEIGHBOR past the base's end). */
static void plain_row(fmn_images q, const fmn_images *b, int self, size_t i,
                      size_t k, fmn_neighbor *want)
{
    size_t px = q.height * q.width, have = 0;
    for (size_t j = 0; j < b->count; j++) {
        if (self && j == i)
            continue;
        uint64_t d = plain_distance(q.data + i * px, b->data + j * px, px);
        size_t pos = have < k ? have++ : k;
        while (pos > 0 && (d < want[pos - 1].distance2 ||
                           (d == want[pos - 1].distance2 &&
                            j < want[pos - 1].index))) {
            if (pos < k)
                want[pos] = want[pos - 1];
            pos--;
        }
        if (pos < k) {
            want[pos].distance2 = d;
            want[pos].index = j;
        }
    }
    for (size_t t = have; t < k; t++) {
        want[t].distance2 = UINT64_MAX;
        want[t].index = FMN_NO_NEIGHBOR;
    }
}

/* n images of px pixels from the body: as it is, or (grouped) 1 to 8
 * patterns from it, each image one of them with noise of up to +-noise. */
static void make_images(uint8_t *out, size_t n, size_t px, const uint8_t *body,
                        size_t len, int grouped, unsigned noise)
{
    uint64_t x = 0x9e3779b97f4a7c15ull ^ len;
    size_t groups = 1 + (len ? body[0] % 8 : 0);
    for (size_t i = 0; i < n * px; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        if (!grouped) {
            out[i] = len ? body[i % len] : 0;
            continue;
        }
        size_t g = (i / px) % groups, at = i % px;
        int v = len ? body[(g * px + at) % len] : 0;
        v += (int)(x % (2 * noise + 1)) - (int)noise;
        out[i] = (uint8_t)(v < 0 ? 0 : v > 255 ? 255 : v);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 8)
        return 0;
    size_t nq = data[0] % 21, nb = (size_t)data[1] % 81;
    size_t h = 1 + data[2] % 16, w = 1 + data[3] % 16, k = 1 + data[4] % 12;
    int self = data[5] & 1, grouped = data[5] & 2;
    unsigned noise = data[6] % 40;
    const uint8_t *body = data + 8;
    size_t len = size - 8, px = h * w;
    if (self)
        nb = nq;
    uint8_t *qa = malloc(nq * px + 1), *ba = malloc(nb * px + 1);
    fmn_neighbor *want = malloc((nq * k + 1) * sizeof *want);
    fmn_neighbor *got = malloc((nq * k + 1) * sizeof *got);
    if (!qa || !ba || !want || !got) {
        free(qa);
        free(ba);
        free(want);
        free(got);
        return 0;
    }
    make_images(qa, nq, px, body, len, grouped, noise);
    make_images(ba, nb, px, body + (len > 1 ? 1 : 0), len > 1 ? len - 1 : len,
                grouped, noise);
    if (data[7] & 1) /* some queries copied from the base: distance 0 */
        for (size_t i = 0; i < nq && nb && !self; i += 3)
            memcpy(qa + i * px, ba + (i % nb) * px, px);
    fmn_images q = {qa, nq, h, w}, b = {self ? qa : ba, nb, h, w};
    for (size_t i = 0; i < nq; i++)
        plain_row(q, &b, self, i, k, want + i * k);
    /* the portable functions (and the AVX2 ones where the best are
     * AVX-512's) on the smaller images only: instrumented for fuzzing,
     * their loops over a basis of 64 columns are slow */
    fmni_ssd f;
    memset(&f, 0, sizeof f);
    int isas = px > 144 ? 1 : fmni_ssd_avx512(&f) ? 3 : 2;
    for (int isa = 0; isa < isas; isa++)
        for (unsigned threads = 1; threads <= 2; threads++) {
            fmn_knn_options o;
            fmn_knn_options_init(&o);
            o.k = k;
            o.threads = threads;
            fmn_error err;
            memset(got, 0xa5, (nq * k + 1) * sizeof *got);
            check(fmni_knn(q, self ? NULL : &b, &o, got, nq * k + 1, &err,
                           (fmni_isa)isa) == FMN_OK);
            for (size_t t = 0; t < nq * k; t++)
                check(got[t].index == want[t].index &&
                      got[t].distance2 == want[t].distance2);
        }
    free(qa);
    free(ba);
    free(want);
    free(got);
    return 0;
}
