/* fuzz_gzip.c - libFuzzer target: the gzip container. The input follows a
 * fixed "1f 8b 08", so every mutation lands in the flags, the optional
 * header fields, the deflate data, the trailer or later members. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fmnist.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    uint8_t *buf = malloc(size + 3);
    if (!buf)
        return 0;
    memcpy(buf, "\x1f\x8b\x08", 3);
    if (size)
        memcpy(buf + 3, data, size);
    fmn_options opt;
    fmn_options_init(&opt);
    opt.max_bytes = 64u << 20;
    opt.threads = 1;
    fmn_idx *idx, *idx4;
    fmn_error err, err4;
    fmn_status st = fmn_idx_load_memory(buf, size + 3, "fuzz.gz", &opt, &idx,
                                        &err);
    /* on four threads: the same verdict, message and bytes (inputs this
     * small decode on one; fuzz_inflate drives the parallel decoder
     * itself on small streams) */
    opt.threads = 4;
    fmn_status st4 = fmn_idx_load_memory(buf, size + 3, "fuzz.gz", &opt,
                                         &idx4, &err4);
    if (st != st4)
        __builtin_trap();
    if (st == FMN_OK) {
        if (fmn_idx_info(idx)->compression != FMN_COMPRESSION_GZIP)
            __builtin_trap();
        fmn_array a = fmn_idx_array(idx), b = fmn_idx_array(idx4);
        if (a.nbytes != b.nbytes ||
            (a.nbytes && memcmp(a.data, b.data, a.nbytes) != 0))
            __builtin_trap();
        fmn_idx_free(idx);
        fmn_idx_free(idx4);
    } else if (idx != NULL || idx4 != NULL || err.message[0] == '\0' ||
               strcmp(err.message, err4.message) != 0) {
        __builtin_trap();
    }
    free(buf);
    return 0;
}
