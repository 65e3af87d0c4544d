/* cli_output.h - what the commands that write images share: their
 * options, the output directory, `-o -` for standard output, scaling. */
#ifndef FMNIST_CLI_OUTPUT_H
#define FMNIST_CLI_OUTPUT_H

#include "cli.h"

enum {
    OPT_SCALE = CLI_OPT_OUTPUT,
    OPT_INVERT,
    OPT_FORCE,
    OPT_COMPRESSION
};

typedef struct cli_png {
    size_t scale; /* --scale K, nearest neighbour */
    int invert;   /* --invert */
    int force;    /* --force: replace existing files */
    int level;    /* --compression N */
} cli_png;

#define CLI_PNG_DEFAULTS {1, 0, 0, CLI_PNG_DEFAULT_LEVEL} /* cli_png.h */
#define CLI_PNG_LONGOPTS                                                    \
    {"scale", required_argument, NULL, OPT_SCALE},                          \
        {"invert", no_argument, NULL, OPT_INVERT},                          \
        {"force", no_argument, NULL, OPT_FORCE},                            \
        {"compression", required_argument, NULL, OPT_COMPRESSION}

/* Applies --scale, --invert, --force or --compression. */
cli_opt_result cli_png_option(const char *cmd, int c, const char *arg,
                              cli_png *png);

/* Whether anything is at `path`, a link to nothing included: what the
 * library's save (fmn_file_save) will not replace without being told. */
int cli_path_taken(const char *path);

/* Whether `dir` exists, is a directory and is writable; 0 after an error
 * message. */
int cli_check_output_dir(const char *dir);

/* Whether images of h x w pixels can be pictures (neither is 0); 0 after
 * "fmnist: WHAT: the images are HxW pixels: no picture can show them". */
int cli_check_picture_size(const char *what, size_t h, size_t w);

/* Whether an output path means standard output ("-"). */
int cli_is_stdout(const char *path);

/* Writes `src` (w x h) enlarged k times, inverted if asked, into dst
 * ((w*k) x (h*k)). */
/* Writes the w x h canvas as `path` (or "-": standard output) as --scale,
 * --invert, --compression and --force say. Returns 1, or 0 after an
 * error message. */
int cli_png_sheet(const char *path, const uint8_t *canvas, size_t w,
                  size_t h, const cli_png *png);

void cli_scale_image(const uint8_t *src, size_t w, size_t h, size_t k,
                     int invert, uint8_t *dst);

#endif
