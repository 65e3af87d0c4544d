/* main.c - a consumer of the installed library: refuses a library older
 * than its header (fmn_version_number), loads an IDX file given on the
 * command line (or a tiny one it makes, read through a callback) and
 * prints its shape; given a folder as a second argument, loads both of
 * its splits in one call (fmn_dataset_load). */
#include <fmnist.h>

#include <stdio.h>
#include <string.h>

static const unsigned char tiny[] = {0, 0, 8, 2, 0, 0, 0, 2, 0, 0, 0, 3,
                                     1, 2, 3, 4, 5, 6};

/* The tiny file, three bytes a call. */
static long from_tiny(void *ctx, void *buf, size_t n)
{
    size_t *at = ctx, k = sizeof tiny - *at;
    if (k > n)
        k = n;
    if (k > 3)
        k = 3;
    memcpy(buf, tiny + *at, k);
    *at += k;
    return (long)k;
}

static int load_both(const char *folder)
{
    fmn_split *train, *test;
    fmn_error err;
    if (fmn_dataset_load(folder, NULL, &train, &test, &err) != FMN_OK) {
        fprintf(stderr, "consumer: %s\n", err.message);
        return 1;
    }
    printf("%s: %zu train, %zu test\n", folder, fmn_split_count(train),
           fmn_split_count(test));
    fmn_split_free(train);
    fmn_split_free(test);
    return 0;
}

int main(int argc, char **argv)
{
    if (fmn_version_number() < FMN_VERSION_NUMBER) {
        fprintf(stderr, "consumer: libfmnist %s is older than its header\n",
                fmn_version());
        return 1;
    }
    fmn_idx *idx;
    fmn_error err;
    size_t at = 0;
    fmn_status st = argc > 1
                        ? fmn_idx_load_file(argv[1], NULL, &idx, &err)
                        : fmn_idx_load_callback(from_tiny, &at, "tiny", NULL,
                                                &idx, &err);
    if (st != FMN_OK) {
        fprintf(stderr, "consumer: %s\n", err.message);
        return 1;
    }
    fmn_array a = fmn_idx_array(idx);
    printf("libfmnist %s (%lu): %s", fmn_version(), fmn_version_number(),
           fmn_dtype_name(a.dtype));
    for (size_t i = 0; i < a.ndim; i++)
        printf("%s%u", i ? "x" : " ", (unsigned)a.dims[i]);
    printf(", %zu bytes\n", a.nbytes);
    int ok = a.ndim == 2 && a.dims[1] == 3 && a.nbytes == 6 &&
             memcmp(a.data, tiny + 12, 6) == 0;
    fmn_idx_free(idx);
    if (argc > 2 && load_both(argv[2]) != 0)
        return 1;
    return argc > 1 || ok ? 0 : 1;
}
