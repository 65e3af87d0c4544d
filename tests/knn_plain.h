/* knn_plain.h - the plain loop's distance, which test_knn and fuzz_knn
 * hold fmn_knn's answers to: the squared L2 distance of two images of n
 * pixels, summed exactly in 64 bits. */
#ifndef FMNIST_TESTS_KNN_PLAIN_H
#define FMNIST_TESTS_KNN_PLAIN_H

#include <stddef.h>
#include <stdint.h>

static inline uint64_t plain_distance(const uint8_t *a, const uint8_t *b,
                                      size_t n)
{
    uint64_t s = 0;
    for (size_t i = 0; i < n; i++) {
        int d = (int)a[i] - (int)b[i];
        s += (uint64_t)(d * d);
    }
    return s;
}

#endif
