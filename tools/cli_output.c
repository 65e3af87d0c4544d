/* cli_output.c - what the commands that write images share: their
 * options, the output directory check, scaling and inverting. */
#define _POSIX_C_SOURCE 200809L
#include "cli_output.h"
#include "cli_os.h"
#include "cli_png.h"
#include "cli_save.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* Pixels of `src` (w x h) enlarged k times and optionally inverted. */
void cli_scale_image(const uint8_t *src, size_t w, size_t h, size_t k,
                     int invert, uint8_t *dst)
{
    for (size_t y = 0; y < h * k; y++)
        for (size_t x = 0; x < w * k; x++) {
            uint8_t v = src[(y / k) * w + x / k];
            dst[y * w * k + x] = invert ? (uint8_t)(255 - v) : v;
        }
}

int cli_png_sheet(const char *path, const uint8_t *canvas, size_t w,
                  size_t h, const cli_png *png)
{
    size_t k = png->scale;
    uint8_t *scaled = malloc(w * h * k * k);
    char err[4200];
    if (!scaled) {
        cli_error("%s: out of memory for a %zux%zu sheet", path, w * k,
                  h * k);
        return 0;
    }
    cli_scale_image(canvas, w, h, k, png->invert, scaled);
    fmn_save_set *set = cli_save_begin(png->force);
    int ok = set && cli_png_write(set, path, scaled, w * k, h * k,
                                  png->level, err, sizeof err);
    if (set && !ok)
        cli_error("%s", err);
    if (set)
        ok = cli_save_end(set, ok);
    free(scaled);
    return ok;
}

cli_opt_result cli_png_option(const char *cmd, int c, const char *arg,
                              cli_png *png)
{
    unsigned long long n;
    switch (c) {
    case OPT_SCALE:
        if (!cli_parse_uint(arg, 1, 64, &n)) {
            cli_usage(cmd, "--scale: '%s' is not a number from 1 to 64", arg);
            return CLI_OPT_BAD;
        }
        png->scale = (size_t)n;
        return CLI_OPT_TAKEN;
    case OPT_INVERT:
        png->invert = 1;
        return CLI_OPT_TAKEN;
    case OPT_FORCE:
        png->force = 1;
        return CLI_OPT_TAKEN;
    case OPT_COMPRESSION:
        if (!cli_parse_uint(arg, 0, 9, &n)) {
            cli_usage(cmd, "--compression: '%s' is not a level from 0 to 9",
                      arg);
            return CLI_OPT_BAD;
        }
        png->level = (int)n;
        return CLI_OPT_TAKEN;
    default:
        return CLI_OPT_OTHER;
    }
}

int cli_check_picture_size(const char *what, size_t h, size_t w)
{
    if (h && w)
        return 1;
    cli_error("%s: the images are %zux%zu pixels: no picture can show them",
              what, h, w);
    return 0;
}

int cli_is_stdout(const char *path)
{
    return path && strcmp(path, "-") == 0;
}

int cli_path_taken(const char *path)
{
    cli_os_entry st;
    return cli_os_stat(path, 0, &st) == 0;
}

int cli_check_output_dir(const char *dir)
{
    cli_os_entry st;
    if (cli_os_stat(dir, 1, &st) != 0) {
        cli_error("%s: %s", dir,
                  errno == ENOENT ? "no such directory (create it first)"
                                  : strerror(errno));
        return 0;
    }
    if (!st.is_dir) {
        cli_error("%s: not a directory", dir);
        return 0;
    }
    if (cli_os_writable(dir) != 0) {
        cli_error("%s: cannot write here: %s", dir, strerror(errno));
        return 0;
    }
    return 1;
}

