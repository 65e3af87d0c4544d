/* order.c - the PCG32 generator, Fisher-Yates shuffles and permutations.
 * Integer arithmetic only: the same numbers on every platform. */
#include "internal.h"

void fmn_rng_seed(fmn_rng *rng, uint64_t seed, uint64_t stream)
{
    /* pcg32_srandom_r */
    rng->state = 0;
    rng->inc = (stream << 1) | 1u;
    (void)fmn_rng_next(rng);
    rng->state += seed;
    (void)fmn_rng_next(rng);
}

uint32_t fmn_rng_next(fmn_rng *rng)
{
    uint64_t old = rng->state;
    rng->state = old * UINT64_C(6364136223846793005) + rng->inc;
    uint32_t xorshifted = (uint32_t)(((old >> 18) ^ old) >> 27);
    uint32_t rot = (uint32_t)(old >> 59);
    return (xorshifted >> rot) | (xorshifted << ((0u - rot) & 31u));
}

uint32_t fmn_rng_below(fmn_rng *rng, uint32_t bound)
{
    if (bound == 0)
        return 0;
    uint32_t threshold = (0u - bound) % bound;
    for (;;) {
        uint32_t r = fmn_rng_next(rng);
        if (r >= threshold)
            return r % bound;
    }
}

fmn_status fmn_shuffle(uint32_t *values, size_t n, fmn_rng *rng,
                       fmn_error *err)
{
    fmni_clear(err);
    if (!rng || (!values && n > 0))
        return fmni_bad_argument(err);
    if (n > UINT32_MAX)
        return fmni_fail(err, FMN_ERR_INVALID_ARGUMENT, "fmn_shuffle",
                         FMN_NO_OFFSET, 0,
                         "%zu values, more than the 4294967295 a shuffle "
                         "takes", n);
    for (size_t i = n; i > 1; i--) {
        size_t j = fmn_rng_below(rng, (uint32_t)i);
        uint32_t t = values[i - 1];
        values[i - 1] = values[j];
        values[j] = t;
    }
    return FMN_OK;
}

fmn_status fmn_permutation(uint32_t *out, size_t n, uint64_t seed,
                           uint64_t epoch, fmn_error *err)
{
    fmni_clear(err);
    if (!out && n > 0)
        return fmni_bad_argument(err);
    if (n > UINT32_MAX)
        return fmni_fail(err, FMN_ERR_INVALID_ARGUMENT, "fmn_permutation",
                         FMN_NO_OFFSET, 0,
                         "%zu items, more than the 4294967295 a permutation "
                         "holds", n);
    for (size_t i = 0; i < n; i++)
        out[i] = (uint32_t)i;
    fmn_rng rng;
    fmn_rng_seed(&rng, seed, epoch);
    return fmn_shuffle(out, n, &rng, err);
}
