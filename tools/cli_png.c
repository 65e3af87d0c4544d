/* cli_png.c - 8-bit greyscale PNG files, encoded by libpng and saved by
 * the library's atomic writer (fmn_file_save): complete or not at all, an
 * existing file replaced only with `force`; or written to standard output
 * for "-". */
#define _POSIX_C_SOURCE 200809L
#include "cli_png.h"
#include "fmnist.h"

#include <png.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <zlib.h>

typedef struct png_job {
    jmp_buf jmp;
    char *err;
    size_t errcap;
    fmn_write_fn write;   /* where the bytes go */
    void *write_ctx;
    int write_failed;
} png_job;

static void on_error(png_structp png, png_const_charp msg)
{
    png_job *job = png_get_error_ptr(png);
    snprintf(job->err, job->errcap, "libpng: %s", msg);
    longjmp(job->jmp, 1);
}

static void on_warning(png_structp png, png_const_charp msg)
{
    (void)png;
    (void)msg;
}

static void on_write(png_structp png, png_bytep data, size_t n)
{
    png_job *job = png_get_io_ptr(png);
    if (job->write(job->write_ctx, data, n) != 0) {
        job->write_failed = 1; /* the library knows why */
        png_error(png, "write failed");
    }
}

static void on_flush(png_structp png) { (void)png; }

/* What png_write_file asks the library to save. */
typedef struct picture {
    const uint8_t *pixels;
    size_t width, height;
    int level;
} picture;

/* Encodes a picture through `write`; nonzero with a reason on failure. */
static int encode(void *ctx, fmn_write_fn write, void *write_ctx, char *why,
                  size_t why_cap)
{
    const picture *pic = ctx;
    png_job job;
    job.err = why;
    job.errcap = why_cap;
    job.write = write;
    job.write_ctx = write_ctx;
    job.write_failed = 0;
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, &job,
                                              on_error, on_warning);
    png_infop info = png ? png_create_info_struct(png) : NULL;
    if (!info) {
        png_destroy_write_struct(&png, NULL);
        snprintf(why, why_cap, "out of memory for the PNG encoder");
        return -1;
    }
    if (setjmp(job.jmp)) {
        png_destroy_write_struct(&png, &info);
        if (job.write_failed)
            why[0] = '\0';
        return -1;
    }
    png_set_write_fn(png, &job, on_write, on_flush);
    png_set_IHDR(png, info, (png_uint_32)pic->width, (png_uint_32)pic->height,
                 8, PNG_COLOR_TYPE_GRAY, PNG_INTERLACE_NONE,
                 PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    /* Measured on these images (README, "PNG speed"): filters cost time
     * and win little, so none below level 9; and at level 1 zlib's
     * run-length matching is both faster and smaller than its default. */
    png_set_compression_level(png, pic->level);
    if (pic->level == 1)
        png_set_compression_strategy(png, Z_RLE);
    png_set_filter(png, PNG_FILTER_TYPE_BASE,
                   pic->level >= 9 ? PNG_ALL_FILTERS : PNG_FILTER_NONE);
    png_write_info(png, info);
    for (size_t y = 0; y < pic->height; y++)
        png_write_row(png, pic->pixels + y * pic->width);
    png_write_end(png, info);
    png_destroy_write_struct(&png, &info);
    return 0;
}

/* fmn_write_fn onto a FILE. */
static int to_stream(void *ctx, const void *data, size_t size)
{
    return fwrite(data, 1, size, ctx) == size ? 0 : -1;
}

int cli_png_write(fmn_save_set *set, const char *path, const uint8_t *pixels,
                  size_t width, size_t height, int level, char *err,
                  size_t errcap)
{
    if (width == 0 || height == 0 || width > 0x7fffffff ||
        height > 0x7fffffff) {
        snprintf(err, errcap, "%s: cannot write a %zux%zu image", path, width,
                 height);
        return 0;
    }
    picture pic = {pixels, width, height, level};
    if (strcmp(path, "-") == 0) {
        char why[256] = "";
        if (encode(&pic, to_stream, stdout, why, sizeof why) == 0 &&
            fflush(stdout) == 0)
            return 1;
        snprintf(err, errcap, "standard output: %s",
                 why[0] ? why : "write failed");
        return 0;
    }
    /* the library's atomic save: a temporary file beside the target,
     * named (never replacing one without --force) with the set */
    fmn_error e;
    fmn_status st = fmn_save_set_file(set, path, encode, &pic, &e);
    if (st == FMN_OK)
        return 1;
    if (st == FMN_ERR_EXISTS)
        snprintf(err, errcap, "%s: exists (use --force to overwrite)", path);
    else
        snprintf(err, errcap, "%s", e.message);
    return 0;
}

const char *cli_png_version(void) { return png_get_libpng_ver(NULL); }
