/* test_png.c - `fmnist export` and `fmnist grid` on a fixture dataset: the
 * PNGs they write are decoded with libpng and compared pixel for pixel
 * with the tensor, including grid geometry and padding; plus their error
 * paths. Run as: test_png PATH-TO-FMNIST */
#define _POSIX_C_SOURCE 200809L
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <png.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <sys/stat.h>
#ifndef _WIN32
#include <unistd.h> /* geteuid */
#endif

#include "fixture.h"
#include "os.h"
#include "fmnist.h"

enum { N = 100, H = 28, W = 28 };

static const char *g_fmnist;
static char *g_dir;  /* the fixture dataset */
static char *g_out;  /* a fresh output directory per test */
static uint8_t g_pixels[N * H * W];
static uint8_t g_labels[N];

/* Runs fmnist with the arguments `fmt` makes, split at spaces outside
 * single quotes (no shell: the same on Windows): its exit status, its
 * errors in g_out/stderr. */
#if defined(__MINGW32__)
__attribute__((format(__MINGW_PRINTF_FORMAT, 1, 2)))
#else
__attribute__((format(printf, 1, 2)))
#endif
static int run(const char *fmt, ...)
{
    char args[2048], err[4096];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(args, sizeof args, fmt, ap);
    va_end(ap);
    const char *argv[32] = {g_fmnist};
    size_t n = 1;
    for (char *c = args; *c && n + 1 < sizeof argv / sizeof *argv;) {
        while (*c == ' ')
            c++;
        if (!*c)
            break;
        char end = *c == '\'' ? '\'' : ' ';
        c += end == '\'';
        argv[n++] = c;
        while (*c && *c != end)
            c++;
        if (*c)
            *c++ = '\0';
    }
    argv[n] = NULL;
    snprintf(err, sizeof err, "%s/stderr", g_out);
    return os_run(argv, err);
}

/* The names in `dir` (not . and ..) into names[] (cap), sorted; how many
 * there are. */
static size_t list_dir(const char *dir, char names[][256], size_t cap)
{
    DIR *d = opendir(dir);
    assert_non_null(d);
    size_t n = 0;
    struct dirent *e;
    while ((e = readdir(d)))
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..") && n < cap)
            snprintf(names[n++], 256, "%s", e->d_name);
    closedir(d);
    qsort(names, n, sizeof names[0],
          (int (*)(const void *, const void *))strcmp);
    return n;
}

/* The whole file `dir/name` (malloc'd), its size in *n. */
static uint8_t *slurp(const char *dir, const char *name, size_t *n)
{
    size_t len = strlen(dir) + strlen(name) + 2;
    char *path = malloc(len);
    assert_non_null(path);
    snprintf(path, len, "%s/%s", dir, name);
    FILE *f = fopen(path, "rb");
    free(path);
    assert_non_null(f);
    uint8_t *b = malloc(1 << 20);
    assert_non_null(b);
    *n = fread(b, 1, 1 << 20, f);
    fclose(f);
    return b;
}

static int stderr_has(const char *needle)
{
    char path[4096], text[8192] = "";
    snprintf(path, sizeof path, "%s/stderr", g_out);
    FILE *f = fopen(path, "r");
    if (!f)
        return 0;
    size_t n = fread(text, 1, sizeof text - 1, f);
    text[n] = 0;
    fclose(f);
    return strstr(text, needle) != NULL;
}

/* Decodes a PNG into 8-bit grey; the caller frees *px. */
static void read_png(const char *path, uint8_t **px, size_t *w, size_t *h)
{
    png_image img;
    memset(&img, 0, sizeof img);
    img.version = PNG_IMAGE_VERSION;
    if (!png_image_begin_read_from_file(&img, path))
        fail_msg("%s: %s", path, img.message);
    assert_int_equal(img.format & PNG_FORMAT_FLAG_COLOR, 0);
    img.format = PNG_FORMAT_GRAY;
    *w = img.width;
    *h = img.height;
    *px = malloc(PNG_IMAGE_SIZE(img));
    if (!png_image_finish_read(&img, NULL, *px, 0, NULL))
        fail_msg("%s: %s", path, img.message);
}

static const uint8_t *image(size_t i) { return g_pixels + i * H * W; }

static int setup(void **state)
{
    (void)state;
    g_out = tmpdir_make();
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[4200];
#ifndef _WIN32 /* a read-only folder of a test made writable again */
    snprintf(cmd, sizeof cmd, "chmod -R u+w '%s'", g_out);
    if (system(cmd) != 0)
        return 1;
#else
    (void)cmd;
#endif
    tmpdir_remove(g_out);
    g_out = NULL;
    return 0;
}

static void export_writes_the_idx_bytes(void **state)
{
    (void)state;
    assert_int_equal(run("export '%s' -o '%s' --index 0-4,97", g_dir, g_out), 0);
    static const char *names[] = {"train-00000-0.png", "train-00001-1.png",
                                  "train-00002-2.png", "train-00003-3.png",
                                  "train-00004-4.png", "train-00097-7.png"};
    static const size_t idx[] = {0, 1, 2, 3, 4, 97};
    for (size_t i = 0; i < 6; i++) {
        char path[4200];
        snprintf(path, sizeof path, "%s/%s", g_out, names[i]);
        uint8_t *px;
        size_t w, h;
        read_png(path, &px, &w, &h);
        assert_int_equal(w, W);
        assert_int_equal(h, H);
        assert_memory_equal(px, image(idx[i]), W * H);
        free(px);
    }
}

static void export_scales_and_inverts(void **state)
{
    (void)state;
    assert_int_equal(
        run("export '%s' -o '%s' --index 42 --scale 3 --invert", g_dir, g_out),
        0);
    char path[4200];
    snprintf(path, sizeof path, "%s/train-00042-2.png", g_out);
    uint8_t *px;
    size_t w, h;
    read_png(path, &px, &w, &h);
    assert_int_equal(w, 3 * W);
    assert_int_equal(h, 3 * H);
    for (size_t y = 0; y < h; y++)
        for (size_t x = 0; x < w; x++)
            assert_int_equal(px[y * w + x],
                             255 - image(42)[(y / 3) * W + x / 3]);
    free(px);
}

static void export_selects_by_class_per_class_and_sample(void **state)
{
    (void)state;
    /* class 3, first 2 of it: items 3 and 13 */
    assert_int_equal(run("export '%s' -o '%s' --class 3 --per-class 2", g_dir,
                         g_out),
                     0);
    struct stat st;
    char path[4200];
    snprintf(path, sizeof path, "%s/train-00013-3.png", g_out);
    assert_int_equal(stat(path, &st), 0);
    snprintf(path, sizeof path, "%s/train-00023-3.png", g_out);
    assert_int_not_equal(stat(path, &st), 0);
    /* a seeded sample is the same twice */
    char a[4200], b[4200];
    snprintf(a, sizeof a, "%s/a", g_out);
    snprintf(b, sizeof b, "%s/b", g_out);
    assert_int_equal(os_mkdir(a), 0);
    assert_int_equal(os_mkdir(b), 0);
    assert_int_equal(run("export '%s' -o '%s' --sample 7 --seed 5", g_dir, a), 0);
    assert_int_equal(run("export '%s' -o '%s' --sample 7 --seed 5", g_dir, b), 0);
    char in_a[16][256], in_b[16][256];
    assert_int_equal(list_dir(a, in_a, 16), 7);
    assert_int_equal(list_dir(b, in_b, 16), 7);
    for (size_t i = 0; i < 7; i++) {
        assert_string_equal(in_a[i], in_b[i]);
        size_t na, nb;
        uint8_t *fa = slurp(a, in_a[i], &na), *fb = slurp(b, in_b[i], &nb);
        assert_int_equal(na, nb);
        assert_memory_equal(fa, fb, na);
        free(fa);
        free(fb);
    }
}

static void export_never_overwrites_without_force(void **state)
{
    (void)state;
    char path[4200];
    snprintf(path, sizeof path, "%s/train-00001-1.png", g_out);
    FILE *f = fopen(path, "w");
    fputs("precious", f);
    fclose(f);
    assert_int_equal(run("export '%s' -o '%s' --index 0-2", g_dir, g_out), 1);
    assert_true(stderr_has("exists"));
    /* nothing at all was written: not even the files that did not clash */
    char other[4200];
    snprintf(other, sizeof other, "%s/train-00000-0.png", g_out);
    struct stat st;
    assert_int_not_equal(stat(other, &st), 0);
    f = fopen(path, "r");
    char line[16] = "";
    assert_non_null(fgets(line, sizeof line, f));
    fclose(f);
    assert_string_equal(line, "precious");
    assert_int_equal(run("export '%s' -o '%s' --index 0-2 --force", g_dir,
                         g_out),
                     0);
    uint8_t *px;
    size_t w, h;
    read_png(path, &px, &w, &h);
    assert_memory_equal(px, image(1), W * H);
    free(px);
    /* no temporary file is left behind */
    char names[64][256];
    size_t n = list_dir(g_out, names, 64);
    for (size_t i = 0; i < n; i++)
        if (names[i][0] == '.')
            fail_msg("left behind: %s", names[i]);
}

static void export_reports_bad_requests(void **state)
{
    (void)state;
    assert_int_equal(run("export '%s' -o '%s' --index 100", g_dir, g_out), 1);
    assert_true(stderr_has("item 100 asked, but it holds"));
    assert_int_equal(run("export '%s' -o '%s' --class sweater", g_dir, g_out), 1);
    assert_true(stderr_has("no class 'sweater'"));
    assert_int_equal(run("export '%s' -o '%s/missing' --all", g_dir, g_out), 1);
    assert_true(stderr_has("no such directory"));
    assert_int_equal(run("export '%s' --all", g_dir), 2);
    assert_int_equal(run("export '%s' -o '%s'", g_dir, g_out), 2);
#ifndef _WIN32
    /* a directory nobody may write to: read-only for a user; for root
     * (who may write anywhere) a kernel directory that takes no files
     * (Windows' read-only folders still take files: not tried there) */
    char ro[4200];
    snprintf(ro, sizeof ro, "%s/ro", g_out);
    mkdir(ro, 0555);
    const char *target = geteuid() == 0 ? "/proc/self" : ro;
    assert_int_equal(run("export '%s' -o '%s' --index 0", g_dir, target), 1);
    assert_true(stderr_has("fmnist: "));
#endif
}

/* Checks a make_grid sheet: geometry, each cell, and every padding pixel. */
static void check_grid(const char *file, const size_t *idx, size_t n,
                       size_t cols, size_t pad, uint8_t pad_value)
{
    uint8_t *px;
    size_t w, h;
    read_png(file, &px, &w, &h);
    size_t c = cols < n ? cols : n, rows = (n + c - 1) / c;
    assert_int_equal(w, c * (W + pad) + pad);
    assert_int_equal(h, rows * (H + pad) + pad);
    uint8_t *covered = calloc(w * h, 1);
    for (size_t i = 0; i < n; i++) {
        size_t x0 = (i % c) * (W + pad) + pad, y0 = (i / c) * (H + pad) + pad;
        for (size_t y = 0; y < H; y++)
            for (size_t x = 0; x < W; x++) {
                assert_int_equal(px[(y0 + y) * w + x0 + x],
                                 image(idx[i])[y * W + x]);
                covered[(y0 + y) * w + x0 + x] = 1;
            }
    }
    for (size_t i = 0; i < w * h; i++)
        if (!covered[i])
            assert_int_equal(px[i], pad_value);
    free(covered);
    free(px);
}

static void grid_has_make_grid_geometry(void **state)
{
    (void)state;
    char file[4200];
    snprintf(file, sizeof file, "%s/g.png", g_out);
    size_t idx[64];
    for (size_t i = 0; i < 64; i++)
        idx[i] = i;
    assert_int_equal(run("grid '%s' -o '%s'", g_dir, file), 0);
    check_grid(file, idx, 64, 8, 2, 0); /* torchvision's defaults */
    assert_int_equal(run("grid '%s' -o '%s' --index 10-21 --cols 5 --padding 3 "
                         "--pad-value 200 --force",
                         g_dir, file),
                     0);
    check_grid(file, idx + 10, 12, 5, 3, 200); /* 5+5+2, a ragged last row */
    assert_int_equal(run("grid '%s' -o '%s' --index 7 --padding 0 --force",
                         g_dir, file),
                     0);
    check_grid(file, idx + 7, 1, 8, 0, 0);
    assert_int_equal(run("grid '%s' -o '%s'", g_dir, file), 1);
    assert_true(stderr_has("exists"));
}

static void grid_rows_per_class_and_means(void **state)
{
    (void)state;
    char file[4200];
    snprintf(file, sizeof file, "%s/pc.png", g_out);
    /* class k's first three images are k, k+10, k+20: row-major order of
     * the sheet is k = 0..9, then those three */
    assert_int_equal(run("grid '%s' -o '%s' --per-class 3", g_dir, file), 0);
    size_t idx[30];
    for (size_t k = 0; k < 10; k++)
        for (size_t j = 0; j < 3; j++)
            idx[k * 3 + j] = k + 10 * j;
    check_grid(file, idx, 30, 3, 2, 0);
    /* the means, one per class in a row */
    snprintf(file, sizeof file, "%s/mean.png", g_out);
    assert_int_equal(run("grid '%s' -o '%s' --mean --padding 0", g_dir, file),
                     0);
    uint8_t *px;
    size_t w, h;
    read_png(file, &px, &w, &h);
    assert_int_equal(w, 10 * W);
    assert_int_equal(h, H);
    for (size_t k = 0; k < 10; k++)
        for (size_t p = 0; p < H * W; p++) {
            unsigned sum = 0;
            for (size_t i = k; i < N; i += 10)
                sum += image(i)[p];
            assert_int_equal(px[(p / W) * w + k * W + p % W], (sum + 5) / 10);
        }
    free(px);
    /* class names make the sheet wider by a margin, and need rows of
     * classes */
    snprintf(file, sizeof file, "%s/lab.png", g_out);
    assert_int_equal(run("grid '%s' -o '%s' --names", g_dir, file), 2);
    assert_int_equal(
        run("grid '%s' -o '%s' --per-class 2 --names", g_dir, file), 0);
    read_png(file, &px, &w, &h);
    assert_true(w > 2 * (W + 2) + 2);
    assert_int_equal(h, 10 * (H + 2) + 2);
    free(px);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: test_png PATH-TO-FMNIST\n");
        return 2;
    }
    g_fmnist = argv[1];
    /* the fixture: 100 images, pixel values from a fixed LCG, label i%10 */
    uint32_t x = 12345;
    for (size_t i = 0; i < sizeof g_pixels; i++) {
        x = x * 1103515245u + 12345u;
        g_pixels[i] = (uint8_t)(x >> 24);
    }
    for (size_t i = 0; i < N; i++)
        g_labels[i] = (uint8_t)(i % 10);
    uint32_t dims[3] = {N, H, W}, n[1] = {N};
    buf im = idx_header(0x08, 3, dims), lb = idx_header(0x08, 1, n);
    buf_put(&im, g_pixels, sizeof g_pixels);
    buf_put(&lb, g_labels, sizeof g_labels);
    g_dir = tmpdir_make();
    buf gz = gz_member(im.data, im.size, 0);
    free(write_file(g_dir, "train-images-idx3-ubyte.gz", gz.data, gz.size));
    free(write_file(g_dir, "train-labels-idx1-ubyte", lb.data, lb.size));
    free(gz.data);
    free(im.data);
    free(lb.data);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(export_writes_the_idx_bytes, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(export_scales_and_inverts, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(
            export_selects_by_class_per_class_and_sample, setup, teardown),
        cmocka_unit_test_setup_teardown(export_never_overwrites_without_force,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(export_reports_bad_requests, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(grid_has_make_grid_geometry, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(grid_rows_per_class_and_means, setup,
                                        teardown),
    };
    int failed = cmocka_run_group_tests(tests, NULL, NULL);
    tmpdir_remove(g_dir);
    return failed ? 1 : 0;
}
