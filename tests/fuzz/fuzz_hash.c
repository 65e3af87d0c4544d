/* fuzz_hash.c - libFuzzer target: SHA-256 on the CPU's SHA extensions
 * against the portable code, and both hashes (SHA-256, MD5) fed in the
 * pieces the input chooses against one call: every digest must agree.
 * Built from src/sha256.c and src/md5.c. The input: a byte of piece
 * size, then the data. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(int ok)
{
    if (!ok)
        __builtin_trap();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    size_t piece = 1 + data[0] % 130;
    const uint8_t *p = data + 1;
    size_t n = size - 1;
    uint8_t a[32], b[32], c[32];
    fmni_sha256 s;
    fmni_sha256_init(&s, 0);
    fmni_sha256_update(&s, p, n);
    fmni_sha256_final(&s, a);
    fmni_sha256_init(&s, 1);
    for (size_t at = 0; at < n; at += piece)
        fmni_sha256_update(&s, p + at, n - at < piece ? n - at : piece);
    fmni_sha256_final(&s, b);
    check(memcmp(a, b, 32) == 0);
    fmni_sha256_init(&s, 0);
    for (size_t at = 0; at < n; at += piece)
        fmni_sha256_update(&s, p + at, n - at < piece ? n - at : piece);
    fmni_sha256_final(&s, c);
    check(memcmp(a, c, 32) == 0);
    fmni_md5 m;
    fmni_md5_init(&m);
    fmni_md5_update(&m, p, n);
    fmni_md5_final(&m, a);
    fmni_md5_init(&m);
    for (size_t at = 0; at < n; at += piece)
        fmni_md5_update(&m, p + at, n - at < piece ? n - at : piece);
    fmni_md5_final(&m, b);
    check(memcmp(a, b, 16) == 0);
    return 0;
}
