/* png_out.c - 8-bit greyscale PNG files written atomically: to a temporary
 * file beside the target, flushed and closed with every error checked, then
 * moved into place. Without `force` an existing file is never replaced (the
 * final step is link(), which fails if the name exists). */
#define _POSIX_C_SOURCE 200809L
#include "png_out.h"
#include "fmnist.h"

#include <errno.h>
#include <fcntl.h>
#include <png.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

typedef struct png_job {
    jmp_buf jmp;
    char *err;
    size_t errcap;
} png_job;

static void on_error(png_structp png, png_const_charp msg)
{
    int e = errno; /* libpng's "Write Error" follows a failed fwrite */
    png_job *job = png_get_error_ptr(png);
    if (e && strstr(msg, "Write Error"))
        snprintf(job->err, job->errcap, "%s", strerror(e));
    else
        snprintf(job->err, job->errcap, "libpng: %s", msg);
    longjmp(job->jmp, 1);
}

static void on_warning(png_structp png, png_const_charp msg)
{
    (void)png;
    (void)msg;
}

/* Encodes into an open FILE; 0 and a message in err on failure. */
static int encode(FILE *f, const uint8_t *pixels, size_t width, size_t height,
                  int level, char *err, size_t errcap)
{
    png_job job;
    job.err = err;
    job.errcap = errcap;
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, &job,
                                              on_error, on_warning);
    png_infop info = png ? png_create_info_struct(png) : NULL;
    if (!info) {
        png_destroy_write_struct(&png, NULL);
        snprintf(err, errcap, "out of memory for the PNG encoder");
        return 0;
    }
    if (setjmp(job.jmp)) {
        png_destroy_write_struct(&png, &info);
        return 0;
    }
    png_init_io(png, f);
    png_set_IHDR(png, info, (png_uint_32)width, (png_uint_32)height, 8,
                 PNG_COLOR_TYPE_GRAY, PNG_INTERLACE_NONE,
                 PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    /* Measured on these images (README, "PNG speed"): filters cost time
     * and win little, so none below level 9; and at level 1 zlib's
     * run-length matching is both faster and smaller than its default. */
    png_set_compression_level(png, level);
    if (level == 1)
        png_set_compression_strategy(png, Z_RLE);
    png_set_filter(png, PNG_FILTER_TYPE_BASE,
                   level >= 9 ? PNG_ALL_FILTERS : PNG_FILTER_NONE);
    png_write_info(png, info);
    for (size_t y = 0; y < height; y++)
        png_write_row(png, pixels + y * width);
    png_write_end(png, info);
    png_destroy_write_struct(&png, &info);
    return 1;
}

int png_write_file(const char *path, const uint8_t *pixels, size_t width,
                   size_t height, int level, int force, char *err,
                   size_t errcap)
{
    if (width == 0 || height == 0 || width > 0x7fffffff ||
        height > 0x7fffffff) {
        snprintf(err, errcap, "%s: cannot write a %zux%zu image", path, width,
                 height);
        return 0;
    }
    if (!force && access(path, F_OK) == 0) {
        snprintf(err, errcap, "%s: exists (use --force to overwrite)", path);
        return 0;
    }
    /* the temporary file lives beside the target: same file system */
    size_t len = strlen(path);
    char *tmp = malloc(len + 16);
    if (!tmp) {
        snprintf(err, errcap, "%s: out of memory", path);
        return 0;
    }
    const char *slash = strrchr(path, '/');
    size_t dirlen = slash ? (size_t)(slash - path) + 1 : 0;
    /* a new name of our own, created with the mode any new file gets (0666
     * less the umask: never read or changed here, it is process-wide) */
    fmn_rng rng;
    fmn_rng_seed(&rng, (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32),
                 (uint64_t)(uintptr_t)tmp);
    int fd = -1;
    for (int attempt = 0; attempt < 100 && fd < 0; attempt++) {
        snprintf(tmp, len + 16, "%.*s.%s.%08lx", (int)dirlen, path,
                 path + dirlen, (unsigned long)fmn_rng_next(&rng));
        fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
        if (fd < 0 && errno != EEXIST)
            break;
    }
    if (fd < 0) {
        snprintf(err, errcap, "%s: cannot create a file in that directory: "
                 "%s", path, strerror(errno));
        free(tmp);
        return 0;
    }
    FILE *f = fdopen(fd, "wb");
    if (!f) {
        snprintf(err, errcap, "%s: %s", path, strerror(errno));
        close(fd);
        unlink(tmp);
        free(tmp);
        return 0;
    }
    char why[256] = "";
    int ok = encode(f, pixels, width, height, level, why, sizeof why);
    if (ok && fflush(f) != 0)
        ok = 0, snprintf(why, sizeof why, "%s", strerror(errno));
    if (ok && ferror(f))
        ok = 0, snprintf(why, sizeof why, "write error");
    if (fclose(f) != 0 && ok)
        ok = 0, snprintf(why, sizeof why, "%s", strerror(errno));
    if (ok) {
        if (force) {
            if (rename(tmp, path) != 0)
                ok = 0, snprintf(why, sizeof why, "%s", strerror(errno));
        } else if (link(tmp, path) != 0) {
            ok = 0;
            if (errno == EEXIST)
                snprintf(why, sizeof why, "exists (use --force to overwrite)");
            else
                snprintf(why, sizeof why, "%s", strerror(errno));
        }
    }
    if (!ok || !force)
        unlink(tmp);
    if (!ok)
        snprintf(err, errcap, "%s: %s", path, why[0] ? why : "write failed");
    free(tmp);
    return ok;
}

const char *png_version(void) { return png_get_libpng_ver(NULL); }
