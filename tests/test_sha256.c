/* test_sha256.c - SHA-256 against FIPS 180-2's published answers, the
 * portable code against the CPU's SHA extensions (where present) on every
 * length from 0 to 300 and in random pieces: built from src/sha256.c to
 * reach both. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

static void hex(const uint8_t d[32], char out[65])
{
    for (int i = 0; i < 32; i++)
        snprintf(out + 2 * i, 3, "%02x", d[i]);
}

static void digest(const void *p, size_t n, int portable, char out[65])
{
    fmni_sha256 c;
    uint8_t d[32];
    fmni_sha256_init(&c, portable);
    fmni_sha256_update(&c, p, n);
    fmni_sha256_final(&c, d);
    hex(d, out);
}

static void sha256_known_answers(void **state)
{
    (void)state;
    static const struct {
        const char *text;
        const char *want;
    } cases[] = {
        {"", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
        {"abc",
         "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"},
        {"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
         "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"},
    };
    char got[65];
    for (int portable = 0; portable < 2; portable++) {
        for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
            digest(cases[i].text, strlen(cases[i].text), portable, got);
            assert_string_equal(got, cases[i].want);
        }
        char *a = malloc(1000000);
        assert_non_null(a);
        memset(a, 'a', 1000000);
        digest(a, 1000000, portable, got);
        assert_string_equal(got, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a4"
                                 "97200e046d39ccc7112cd0");
        free(a);
    }
    fmni_sha256 c;
    fmni_sha256_init(&c, 0);
    print_message("SHA extensions %s\n", c.ni ? "used" : "absent");
}

static void sha256_paths_and_pieces_agree(void **state)
{
    (void)state;
    uint8_t data[300];
    uint32_t x = 12345;
    for (size_t i = 0; i < sizeof data; i++) {
        x = x * 1103515245u + 12345u;
        data[i] = (uint8_t)(x >> 16);
    }
    for (size_t n = 0; n <= sizeof data; n++) {
        char a[65], b[65], c[65];
        digest(data, n, 0, a);
        digest(data, n, 1, b);
        assert_string_equal(a, b);
        /* in random pieces */
        fmni_sha256 ctx;
        uint8_t d[32];
        fmni_sha256_init(&ctx, 0);
        for (size_t at = 0; at < n;) {
            x = x * 1103515245u + 12345u;
            size_t k = (x >> 16) % 70;
            if (k > n - at)
                k = n - at;
            fmni_sha256_update(&ctx, data + at, k);
            at += k;
        }
        fmni_sha256_final(&ctx, d);
        hex(d, c);
        assert_string_equal(a, c);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(sha256_known_answers),
        cmocka_unit_test(sha256_paths_and_pieces_agree),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
