/* fuzz_idx.c - libFuzzer target: the in-memory IDX reader, raw or gzip. */
#include <stddef.h>
#include <stdint.h>

#include "fmnist.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fmn_options opt;
    fmn_options_init(&opt);
    opt.max_bytes = 64u << 20; /* keep within the fuzzer's memory limit */
    fmn_idx *idx;
    fmn_error err;
    if (fmn_idx_load_memory(data, size, "fuzz", &opt, &idx, &err) == FMN_OK) {
        fmn_array a = fmn_idx_array(idx);
        /* touch every byte the view promises */
        volatile uint8_t sink = 0;
        const uint8_t *p = a.data;
        for (size_t i = 0; i < a.nbytes; i += 4096)
            sink ^= p[i];
        if (a.nbytes)
            sink ^= p[a.nbytes - 1];
        (void)sink;
        fmn_idx_free(idx);
    } else if (idx != NULL || err.message[0] == '\0') {
        __builtin_trap();
    }
    return 0;
}
