/* fuzz_cli.c - libFuzzer target: the commands themselves, called in
 * process (no main, no exec), on a split of any shape (0 to 32 items, 0 to
 * 19 rows and columns, labels that may be no class) written to a folder of
 * the process's own, with options the input picks: grid's layouts (cols,
 * padding, scale, means, rows per class, samples, names), stats and counts
 * (loaded and streamed, text and JSON), show, export, audit and its sheet.
 * A command may refuse (exit 1 or 2); it may not crash, leak or return
 * anything else. Their output goes to /dev/null (NUL on Windows). */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "builtin.h"
#include "os.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char *g_dir;
static char g_out[3100], g_png[3100];

/* The folder and everything in it, at exit. */
static void cleanup(void)
{
    os_remove_tree(g_dir);
    free(g_dir);
}

static int mkdir_p(const char *path)
{
    return os_mkdir(path) == 0;
}

#ifdef _WIN32
#define NULL_DEVICE "NUL"
#else
#define NULL_DEVICE "/dev/null"
#endif

static int setup(void)
{
    if (g_dir)
        return 1;
    if (!(g_dir = os_tmpdir("fmnist-fuzz-cli")))
        return 0;
    atexit(cleanup);
    snprintf(g_out, sizeof g_out, "%s/out", g_dir);
    snprintf(g_png, sizeof g_png, "%s/sheet.png", g_dir);
    char data[3100];
    snprintf(data, sizeof data, "%s/data", g_dir);
    if (!freopen(NULL_DEVICE, "w", stdout))
        return 0;
    return mkdir_p(data) && mkdir_p(g_out);
}

static void be32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24), p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8), p[3] = (uint8_t)v;
}

static int put(const char *name, const uint8_t *p, size_t n)
{
    char path[3200];
    snprintf(path, sizeof path, "%s/data/%s", g_dir, name);
    FILE *f = fopen(path, "wb");
    if (!f)
        return 0;
    int ok = fwrite(p, 1, n, f) == n;
    return fclose(f) == 0 && ok;
}

/* The split of n items of h x w, pixels and labels from `in`. */
static int write_split(const uint8_t *in, size_t in_n, size_t n, size_t h,
                       size_t w, unsigned classes)
{
    size_t px = n * h * w;
    uint8_t *im = malloc(16 + px), *lb = malloc(8 + n);
    int ok = im && lb;
    if (ok) {
        memcpy(im, "\0\0\x08\x03", 4);
        be32(im + 4, (uint32_t)n), be32(im + 8, (uint32_t)h);
        be32(im + 12, (uint32_t)w);
        memcpy(lb, "\0\0\x08\x01", 4);
        be32(lb + 4, (uint32_t)n);
        for (size_t i = 0; i < px; i++)
            im[16 + i] = in_n ? in[i % in_n] : 0;
        for (size_t i = 0; i < n; i++)
            lb[8 + i] = (uint8_t)((in_n ? in[(px + i) % in_n] : 0) %
                                  (classes + 1));
        ok = put("train-images-idx3-ubyte", im, 16 + px) &&
             put("train-labels-idx1-ubyte", lb, 8 + n);
    }
    free(im);
    free(lb);
    return ok;
}

/* argv of up to 24 words, each copied into `pool`. */
typedef struct args {
    char *v[24];
    int n;
    char pool[16384];
    size_t used;
} args;

static void arg(args *a, const char *s)
{
    size_t len = strlen(s) + 1;
    if (a->n == 23 || a->used + len > sizeof a->pool)
        return;
    memcpy(a->pool + a->used, s, len);
    a->v[a->n++] = a->pool + a->used;
    a->v[a->n] = NULL;
    a->used += len;
}

static void arg_num(args *a, const char *opt, unsigned long v)
{
    char num[24];
    snprintf(num, sizeof num, "%lu", v);
    arg(a, opt);
    arg(a, num);
}

/* The command and its options, as the parameter bytes p[0..5] pick. */
static int run(const uint8_t *p, const char *dir, size_t n)
{
    static args a; /* (large: not on the stack) */
    memset(&a, 0, sizeof a);
    char range[32];
    snprintf(range, sizeof range, "train:0-%zu", n ? (p[2] % n) : 0);
    switch (p[0] % 7) {
    case 0:
    case 1:
        arg(&a, "grid"), arg(&a, dir), arg(&a, "-o"), arg(&a, g_png);
        arg(&a, "--force");
        if (p[1] % 13)
            arg_num(&a, "--cols", p[1] % 13);
        arg_num(&a, "--padding", p[2] % 5);
        arg_num(&a, "--scale", 1 + p[3] % 3);
        if (p[4] & 1)
            arg(&a, "--names");
        switch ((p[4] >> 1) % 4) {
        case 0: arg(&a, "--mean"); break;
        case 1: arg_num(&a, "--per-class", 1 + p[5] % 4); break;
        case 2: arg_num(&a, "--sample", p[5] % 40); break;
        default: break;
        }
        if (p[4] & 16)
            arg(&a, "--as-stored"), arg(&a, "--dataset"),
                arg(&a, "emnist-letters");
        return cmd_grid(a.n, a.v);
    case 2:
        arg(&a, "stats"), arg(&a, dir);
        if (p[1] & 1)
            arg(&a, "--stream");
        if (p[1] & 2)
            arg(&a, "--json");
        return cmd_stats(a.n, a.v);
    case 3:
        arg(&a, "counts"), arg(&a, dir);
        if (p[1] & 1)
            arg(&a, "--stream");
        if (p[1] & 2)
            arg(&a, "--json");
        arg_num(&a, "--classes", 1 + p[3] % 40);
        return cmd_counts(a.n, a.v);
    case 4:
        arg(&a, "show"), arg(&a, dir), arg(&a, range);
        if (p[1] & 1)
            arg(&a, "--ascii");
        return cmd_show(a.n, a.v);
    case 5:
        arg(&a, "export"), arg(&a, dir), arg(&a, "-o"), arg(&a, g_out);
        arg(&a, "--force");
        if (p[1] & 1)
            arg(&a, "--all");
        else
            arg_num(&a, "--per-class", 1 + p[2] % 3);
        return cmd_export(a.n, a.v);
    default:
        arg(&a, "audit"), arg(&a, dir);
        arg_num(&a, "--top", p[1] % 8);
        arg_num(&a, "--k", 1 + p[2] % 5);
        if (p[3] & 1)
            arg(&a, "-o"), arg(&a, g_png), arg(&a, "--force");
        if (p[3] & 2)
            arg(&a, "--json");
        return cmd_audit(a.n, a.v);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 10 || !setup())
        return 0;
    size_t n = data[0] % 33, h = data[1] % 20, w = data[2] % 20;
    unsigned classes = 1 + data[3] % 12;
    if (!write_split(data + 10, size - 10, n, h, w, classes))
        return 0;
    char dir[3100];
    snprintf(dir, sizeof dir, "%s/data", g_dir);
    int status = run(data + 4, dir, n);
    fflush(stdout);
    if (status != 0 && status != 1 && status != 2)
        __builtin_trap();
    return 0;
}
