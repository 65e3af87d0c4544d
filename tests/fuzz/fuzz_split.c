/* fuzz_split.c - libFuzzer target: pairing an images file with a labels
 * file. Byte 0 picks the class count, bytes 1-2 where the images end. */
#include <stddef.h>
#include <stdint.h>

#include "fmnist.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 3)
        return 0;
    fmn_options opt;
    fmn_options_init(&opt);
    opt.max_bytes = 64u << 20;
    opt.num_classes = data[0] % 64;
    size_t cut = (size_t)data[1] | (size_t)data[2] << 8;
    data += 3;
    size -= 3;
    if (cut > size)
        cut = size;
    fmn_split *sp;
    fmn_error err;
    if (fmn_split_load_memory(data, cut, "im", data + cut, size - cut, "lb",
                              &opt, &sp, &err) == FMN_OK) {
        fmn_images v = fmn_split_images(sp);
        const uint8_t *lb = fmn_split_labels(sp);
        unsigned ncls = fmn_split_num_classes(sp);
        for (size_t i = 0; i < v.count; i++)
            if (lb[i] >= ncls)
                __builtin_trap();
        if (v.count && v.data[v.count * v.height * v.width - 1] == 0x5a)
            (void)fmn_split_class_name(sp, lb[0]);
        fmn_split_free(sp);
    } else if (sp != NULL || err.message[0] == '\0') {
        __builtin_trap();
    }
    return 0;
}
