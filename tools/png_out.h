/* png_out.h - writing 8-bit greyscale PNG files, atomically. */
#ifndef FMNIST_PNG_OUT_H
#define FMNIST_PNG_OUT_H

#include <stddef.h>
#include <stdint.h>

/* Default zlib level for PNG output (see README, "PNG speed"). */
enum { PNG_DEFAULT_LEVEL = 1 };

/* Writes width x height grey pixels (row-major, one byte each) to `path`
 * with zlib level `level` (0-9). The file appears complete or not at all;
 * an existing file is replaced only with `force`. Returns 1, or 0 with a
 * message "PATH: what went wrong" in err. */
int png_write_file(const char *path, const uint8_t *pixels, size_t width,
                   size_t height, int level, int force, char *err,
                   size_t errcap);

/* The libpng version linked. */
const char *png_version(void);

#endif
