/* cli_png.h - writing 8-bit greyscale PNG files, atomically, or to standard
 * output. */
#ifndef FMNIST_CLI_PNG_H
#define FMNIST_CLI_PNG_H

#include <stddef.h>
#include <stdint.h>

/* Default zlib level for PNG output (see README, "PNG speed"). */
enum { CLI_PNG_DEFAULT_LEVEL = 1 };

/* Writes width x height grey pixels (row-major, one byte each) to `path`
 * with zlib level `level` (0-9): through the library's atomic save, so the
 * file appears complete or not at all and an existing file is replaced
 * only with `force`; or, for the path "-", to standard output. Returns 1,
 * or 0 with a message "PATH: what went wrong" in err. */
int cli_png_write(const char *path, const uint8_t *pixels, size_t width,
                  size_t height, int level, int force, char *err,
                  size_t errcap);

/* The libpng version linked. */
const char *cli_png_version(void);

#endif
