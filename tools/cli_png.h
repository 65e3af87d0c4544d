/* cli_png.h - writing 8-bit greyscale PNG files, atomically, or to standard
 * output. */
#ifndef FMNIST_CLI_PNG_H
#define FMNIST_CLI_PNG_H

#include "fmnist.h"

#include <stddef.h>
#include <stdint.h>

/* Default zlib level for PNG output (see README, "PNG speed"). */
enum { CLI_PNG_DEFAULT_LEVEL = 1 };

/* Writes width x height grey pixels (row-major, one byte each) to `path`
 * with zlib level `level` (0-9): into `set`, so the file appears complete
 * or not at all, when the set is committed (an existing file is replaced
 * only if the set was made to); or, for the path "-", to standard output
 * (`set` unused). Returns 1, or 0 with "PATH: what went wrong" in err. */
int cli_png_write(fmn_save_set *set, const char *path, const uint8_t *pixels,
                  size_t width, size_t height, int level, char *err,
                  size_t errcap);

/* The libpng version linked. */
const char *cli_png_version(void);

#endif
