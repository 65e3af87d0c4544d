/* main.c - a consumer of the installed library: loads an IDX file given on
 * the command line (or a tiny one it makes) and prints its shape. */
#include <fmnist.h>

#include <stdio.h>
#include <string.h>

int main(int argc, char **argv)
{
    static const unsigned char tiny[] = {0, 0, 8, 2, 0, 0, 0, 2, 0, 0, 0, 3,
                                         1, 2, 3, 4, 5, 6};
    fmn_idx *idx;
    fmn_error err;
    fmn_status st = argc > 1
                        ? fmn_idx_load_file(argv[1], NULL, &idx, &err)
                        : fmn_idx_load_memory(tiny, sizeof tiny, "tiny", NULL,
                                              &idx, &err);
    if (st != FMN_OK) {
        fprintf(stderr, "consumer: %s\n", err.message);
        return 1;
    }
    fmn_array a = fmn_idx_array(idx);
    printf("libfmnist %s: %s", fmn_version(), fmn_dtype_name(a.dtype));
    for (size_t i = 0; i < a.ndim; i++)
        printf("%s%u", i ? "x" : " ", (unsigned)a.dims[i]);
    printf(", %zu bytes\n", a.nbytes);
    int ok = a.ndim == 2 && a.dims[1] == 3 && a.nbytes == 6 &&
             memcmp(a.data, tiny + 12, 6) == 0;
    fmn_idx_free(idx);
    return argc > 1 || ok ? 0 : 1;
}
