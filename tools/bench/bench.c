/* bench.c - fmnist-bench: how fast libfmnist loads, as ratios against
 * baselines measured in the same run on the same files (absolute times on
 * a shared machine mean little; ratios in one run do).
 *
 *   fmnist-bench [--reps N] [--large SIZE] [PATH]
 *
 * PATH is a dataset directory (default as fmnist's). Each measurement is
 * repeated N times (default 9), the cases alternating, and reported as
 * median, min and max. --large SIZE (e.g. 5G) also generates a raw split
 * of about SIZE bytes and a quarter of it in $TMPDIR (the real train split
 * tiled), runs `fmnist stats --stream` and `fmnist counts --stream` on both
 * and reports their peak RSS and time per byte. */
#define _GNU_SOURCE
#include "fmnist.h"
#include "cli_png.h"

#include <errno.h>
#include <fcntl.h>
#ifdef FMNIST_HAVE_LIBDEFLATE
#include <libdeflate.h>
#endif
#include <png.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

extern char **environ;

enum { MAX_REPS = 101 };

typedef struct series {
    const char *name;
    double t[MAX_REPS];
    int n;
} series;

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double median(series *s)
{
    double v[MAX_REPS];
    memcpy(v, s->t, (size_t)s->n * sizeof *v);
    qsort(v, (size_t)s->n, sizeof *v, cmp_double);
    return s->n % 2 ? v[s->n / 2] : (v[s->n / 2 - 1] + v[s->n / 2]) / 2;
}

static void report(series *s)
{
    double lo = s->t[0], hi = s->t[0];
    for (int i = 1; i < s->n; i++) {
        lo = s->t[i] < lo ? s->t[i] : lo;
        hi = s->t[i] > hi ? s->t[i] : hi;
    }
    printf("  %-44s %9.2f ms  (min %8.2f, max %8.2f)\n", s->name,
           median(s) * 1e3, lo * 1e3, hi * 1e3);
}

static void die(const char *what, const char *detail)
{
    fprintf(stderr, "fmnist-bench: %s%s%s\n", what, detail ? ": " : "",
            detail ? detail : "");
    exit(1);
}

#ifdef FMNIST_HAVE_LIBDEFLATE
enum { HAVE_LIBDEFLATE = 1 };
#else
enum { HAVE_LIBDEFLATE = 0 };
#endif

/* The CPU's model name (/proc/cpuinfo), or "unknown". */
static void cpu_name(char *buf, size_t cap)
{
    snprintf(buf, cap, "unknown");
    FILE *f = fopen("/proc/cpuinfo", "r");
    char line[512];
    while (f && fgets(line, sizeof line, f)) {
        char *colon = strchr(line, ':');
        if (!strncmp(line, "model name", 10) && colon) {
            colon += colon[1] == ' ' ? 2 : 1;
            colon[strcspn(colon, "\n")] = '\0';
            snprintf(buf, cap, "%s", colon);
            break;
        }
    }
    if (f)
        fclose(f);
}

/* ---- the cases ------------------------------------------------------- */

static void lib_file(const char *path)
{
    fmn_idx *idx;
    fmn_error err;
    if (fmn_idx_load_file(path, NULL, &idx, &err) != FMN_OK)
        die(err.message, NULL);
    fmn_idx_free(idx);
}

static void lib_split(const fmn_dir *dir, fmn_split_id id,
                      const fmn_options *opt)
{
    fmn_split *sp;
    fmn_error err;
    if (fmn_dir_load_split(dir, id, opt, &sp, &err) != FMN_OK)
        die(err.message, NULL);
    fmn_split_free(sp);
}

static uint8_t *read_whole(const char *path, size_t *n)
{
    int fd = open(path, O_RDONLY);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0)
        die(path, strerror(errno));
    uint8_t *buf = malloc((size_t)st.st_size ? (size_t)st.st_size : 1);
    size_t got = 0;
    while (buf && got < (size_t)st.st_size) {
        ssize_t r = read(fd, buf + got, (size_t)st.st_size - got);
        if (r <= 0)
            die(path, "read failed");
        got += (size_t)r;
    }
    close(fd);
    *n = got;
    return buf;
}

/* The baseline: the file read, then one plain zlib inflate (gzip wrapper,
 * concatenated members) into a buffer allocated and touched beforehand. */
static void zlib_inflate(const char *path, uint8_t *out, size_t cap)
{
    size_t n;
    uint8_t *in = read_whole(path, &n);
    z_stream z;
    memset(&z, 0, sizeof z);
    if (inflateInit2(&z, 15 + 16) != Z_OK)
        die("inflateInit2", NULL);
    z.next_in = in;
    z.avail_in = (uInt)n;
    z.next_out = out;
    z.avail_out = (uInt)cap;
    int r;
    while ((r = inflate(&z, Z_NO_FLUSH)) == Z_STREAM_END && z.avail_in > 0)
        inflateReset(&z);
    if (r != Z_STREAM_END)
        die(path, "zlib baseline failed");
    inflateEnd(&z);
    free(in);
}

#ifdef FMNIST_HAVE_LIBDEFLATE
/* The other baseline: the file read, then libdeflate on one thread, the
 * fastest single-stream inflater measured here, into a fresh buffer as a
 * load gets (one gzip member, its size from the trailer). */
static void libdeflate_inflate(const char *path)
{
    size_t n;
    uint8_t *in = read_whole(path, &n);
    if (n < 18)
        die(path, "too short for the libdeflate baseline");
    size_t out_n = (size_t)in[n - 4] | (size_t)in[n - 3] << 8 |
                   (size_t)in[n - 2] << 16 | (size_t)in[n - 1] << 24;
    uint8_t *out = malloc(out_n ? out_n : 1);
    struct libdeflate_decompressor *d = libdeflate_alloc_decompressor();
    size_t got = 0;
    if (!out || !d ||
        libdeflate_gzip_decompress(d, in, n, out, out_n, &got) !=
            LIBDEFLATE_SUCCESS ||
        got != out_n)
        die(path, "libdeflate baseline failed");
    __asm__ volatile("" : : "r"(out) : "memory");
    libdeflate_free_decompressor(d);
    free(out);
    free(in);
}
#endif

static void fill_fresh(size_t n)
{
    uint8_t *p = malloc(n);
    if (!p)
        die("out of memory", NULL);
    memset(p, 1, n);
    __asm__ volatile("" : : "r"(p) : "memory"); /* keep the stores */
    free(p);
}

/* Peak RSS growth of a load of the split, in a child process, in bytes. */
static long long peak_of_split_load(const fmn_dir *dir, fmn_split_id id)
{
    int fds[2];
    if (pipe(fds) != 0)
        die("pipe", strerror(errno));
    pid_t pid = fork();
    if (pid == 0) {
        long long start = -1, peak = -1;
        FILE *f = fopen("/proc/self/clear_refs", "w");
        int reset = f && fputs("5", f) >= 0 && fclose(f) == 0;
        char line[256];
        FILE *st = fopen("/proc/self/status", "r");
        while (st && fgets(line, sizeof line, st))
            sscanf(line, "VmRSS: %lld kB", &start);
        if (st)
            fclose(st);
        lib_split(dir, id, NULL);
        st = fopen("/proc/self/status", "r");
        while (st && fgets(line, sizeof line, st))
            sscanf(line, "VmHWM: %lld kB", &peak);
        if (st)
            fclose(st);
        long long grew = reset && start >= 0 && peak >= 0 ? (peak - start) * 1024 : -1;
        ssize_t w = write(fds[1], &grew, sizeof grew);
        _exit(w == sizeof grew ? 0 : 1);
    }
    close(fds[1]);
    long long grew = -1;
    if (read(fds[0], &grew, sizeof grew) != sizeof grew)
        grew = -1;
    close(fds[0]);
    waitpid(pid, NULL, 0);
    return grew;
}

/* The peak RSS (VmHWM) of a running process in KiB, or 0. */
static long vm_hwm(pid_t pid)
{
    char path[64], line[256];
    snprintf(path, sizeof path, "/proc/%ld/status", (long)pid);
    FILE *f = fopen(path, "r");
    long kib = 0;
    while (f && fgets(line, sizeof line, f))
        if (!strncmp(line, "VmHWM:", 6))
            kib = strtol(line + 6, NULL, 10);
    if (f)
        fclose(f);
    return kib;
}

/* Runs argv with stdout and stderr to /dev/null; seconds, and the peak RSS
 * of the program in KiB in *rss_kib, sampled every 5 ms from
 * /proc/PID/status until it ends (getrusage would count the memory of
 * this process too, which the child shares until its exec). -1 if it
 * failed. */
static double run_measured(char *const argv[], long *rss_kib)
{
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
    double t0 = now();
    pid_t pid;
    int ok = posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ) == 0;
    posix_spawn_file_actions_destroy(&fa);
    if (!ok)
        return -1;
    int ws;
    *rss_kib = 0;
    const struct timespec tick = {0, 5000000};
    while (waitpid(pid, &ws, WNOHANG) == 0) {
        long kib = vm_hwm(pid);
        *rss_kib = kib > *rss_kib ? kib : *rss_kib;
        nanosleep(&tick, NULL);
    }
    double t = now() - t0;
    return WIFEXITED(ws) && WEXITSTATUS(ws) == 0 ? t : -1;
}

/* Writes a raw split of n items into dir: the images and labels of the
 * `have` items given, repeated. */
static void write_tiled(const char *dir, const uint8_t *px,
                        const uint8_t *labels, size_t have, uint32_t n)
{
    char path[4200];
    for (int k = 0; k < 2; k++) {
        size_t item = k ? 1 : 784;
        snprintf(path, sizeof path, "%s/train-%s", dir,
                 k ? "labels-idx1-ubyte" : "images-idx3-ubyte");
        FILE *w = fopen(path, "wb");
        uint8_t head[16] = {0, 0, 8, (uint8_t)(k ? 1 : 3),
                            (uint8_t)(n >> 24), (uint8_t)(n >> 16),
                            (uint8_t)(n >> 8), (uint8_t)n, 0, 0, 0, 28,
                            0, 0, 0, 28};
        if (!w || fwrite(head, 1, k ? 8 : 16, w) != (k ? 8u : 16u))
            die(path, strerror(errno));
        for (uint64_t done = 0; done < n;) {
            size_t m = n - done < have ? (size_t)(n - done) : have;
            if (fwrite(k ? labels : px, item, m, w) != m)
                die(path, strerror(errno));
            done += m;
        }
        if (fclose(w) != 0)
            die(path, strerror(errno));
    }
}

static void remove_split(const char *dir)
{
    char path[4200];
    snprintf(path, sizeof path, "%s/train-images-idx3-ubyte", dir);
    unlink(path);
    snprintf(path, sizeof path, "%s/train-labels-idx1-ubyte", dir);
    unlink(path);
    rmdir(dir);
}

/* As run_measured, without the RSS. */
static double run_process(char *const argv[])
{
    long rss;
    return run_measured(argv, &rss);
}

static void target(const char *what, double value, const char *op,
                   double bound)
{
    int ok = op[0] == '<' ? value <= bound : value >= bound;
    printf("  %-58s %7.3f %s %-6g %s\n", what, value, op, bound,
           ok ? "met" : "NOT MET");
}

/* libpng's defaults, for the grid comparison. */
static size_t png_defaults(const uint8_t *px, size_t w, size_t h)
{
    char *mem = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&mem, &len);
    png_structp p = png_create_write_struct(PNG_LIBPNG_VER_STRING, 0, 0, 0);
    png_infop i = png_create_info_struct(p);
    if (!f || !p || !i || setjmp(png_jmpbuf(p)))
        die("libpng", NULL);
    png_init_io(p, f);
    png_set_IHDR(p, i, (png_uint_32)w, (png_uint_32)h, 8, PNG_COLOR_TYPE_GRAY,
                 PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT,
                 PNG_FILTER_TYPE_DEFAULT);
    png_write_info(p, i);
    for (size_t y = 0; y < h; y++)
        png_write_row(p, px + y * w);
    png_write_end(p, i);
    png_destroy_write_struct(&p, &i);
    fclose(f);
    free(mem);
    return len;
}

enum { L_TI, L_TRAIN, L_TEST, L_ALL, L_RAW, L_MAP, L_PROVE, L_RAWPROVE,
       Z_TI, Z_TRAIN, Z_ALL, D_TRAIN, FILL, NCASES };

/* One run of the benchmark: what it reads, and what it measured. */
typedef struct bench {
    int reps;
    uint64_t large;               /* --large SIZE, 0 for none */
    const char *path;
    fmn_dir *dir, *rawdir;        /* the data, and raw copies of train */
    const char *f[4];             /* train images, labels, test ... */
    size_t size[4];               /* their decoded sizes */
    uint8_t *out[4];              /* the baselines' buffers */
    char raw_tmpl[32];
    char raw_img[4096], raw_lbl[4096], png_path[4200];
    char tool[4200];              /* the fmnist beside this program */
    series s[NCASES];
    long long peak;               /* RSS growth loading the train split */
    double payload;
    series pd, po;                /* PNG: libpng's defaults, ours */
    size_t bytes_d, bytes_o;
    series pi, pn;                /* processes: fmnist info, NumPy */
    int have_numpy;
    const char *python;           /* the python3 that has numpy */
    series kn;                    /* nearest neighbours: fmn_knn */
    double faiss, numpy_knn;      /* their times, -1: not there */
    double large_rss[2], per_byte[2][2];
} bench;

static void parse(bench *b, int argc, char **argv)
{
    b->reps = 9;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--reps") && i + 1 < argc) {
            b->reps = atoi(argv[++i]);
            if (b->reps < 1 || b->reps > MAX_REPS)
                die("--reps takes 1 to 101", NULL);
        } else if (!strcmp(argv[i], "--large") && i + 1 < argc) {
            char *end;
            double v = strtod(argv[++i], &end);
            uint64_t unit = *end == 'G' ? 1u << 30 : *end == 'M' ? 1u << 20 : 1;
            b->large = (uint64_t)(v * (double)unit);
            if (v <= 0 || b->large < ((uint64_t)1 << 26))
                die("--large takes a size of at least 64M, e.g. 5G", NULL);
        } else if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            puts("usage: fmnist-bench [--reps N] [--large SIZE] [PATH]");
            exit(0);
        } else {
            b->path = argv[i];
        }
    }
    if (!b->path)
        b->path = getenv("FMNIST_DATA");
    if (!b->path || !*b->path)
        b->path = "/usr/share/datasets/fashion-mnist";
}

/* The files, their sizes, the baselines' buffers and raw copies of the
 * train split (for the raw load). */
static void setup(bench *b)
{
    fmn_error err;
    if (fmn_dir_open(b->path, &b->dir, &err) != FMN_OK)
        die(err.message, NULL);
    for (int i = 0; i < 4; i++) {
        b->f[i] = fmn_dir_path(b->dir, i < 2 ? FMN_SPLIT_TRAIN : FMN_SPLIT_TEST,
                               i % 2 ? FMN_FILE_LABELS : FMN_FILE_IMAGES);
        if (!b->f[i])
            die(b->path, "needs the four files of both splits");
        fmn_idx *idx;
        if (fmn_idx_load_file(b->f[i], NULL, &idx, &err) != FMN_OK)
            die(err.message, NULL);
        b->size[i] = (size_t)fmn_idx_info(idx)->decoded_size;
        fmn_idx_free(idx);
        if (!(b->out[i] = malloc(b->size[i])))
            die("out of memory", NULL);
        memset(b->out[i], 0, b->size[i]); /* preallocated and touched */
    }
    snprintf(b->raw_tmpl, sizeof b->raw_tmpl, "/tmp/fmnist-bench-XXXXXX");
    if (!mkdtemp(b->raw_tmpl))
        die("mkdtemp", strerror(errno));
    snprintf(b->raw_img, sizeof b->raw_img, "%s/train-images-idx3-ubyte",
             b->raw_tmpl);
    snprintf(b->raw_lbl, sizeof b->raw_lbl, "%s/train-labels-idx1-ubyte",
             b->raw_tmpl);
    snprintf(b->png_path, sizeof b->png_path, "%s/grid.png", b->raw_tmpl);
    for (int i = 0; i < 2; i++) {
        zlib_inflate(b->f[i], b->out[i], b->size[i]);
        FILE *w = fopen(i ? b->raw_lbl : b->raw_img, "wb");
        if (!w || fwrite(b->out[i], 1, b->size[i], w) != b->size[i] ||
            fclose(w) != 0)
            die("writing a raw copy", strerror(errno));
    }
    if (fmn_dir_open(b->raw_tmpl, &b->rawdir, &err) != FMN_OK)
        die(err.message, NULL);
}

/* One measurement of case c. */
static void run_case(bench *b, int c, const fmn_options *mapped,
                     const fmn_options *proving)
{
    fmn_error err;
    switch (c) {
    case L_TI: lib_file(b->f[0]); break;
    case L_TRAIN: lib_split(b->dir, FMN_SPLIT_TRAIN, NULL); break;
    case L_TEST: lib_split(b->dir, FMN_SPLIT_TEST, NULL); break;
    case L_ALL: {
        fmn_split *x, *y;
        if (fmn_dir_load_both(b->dir, NULL, &x, &y, &err, NULL) != FMN_OK)
            die(err.message, NULL);
        fmn_split_free(x);
        fmn_split_free(y);
        break;
    }
    case L_RAW: lib_split(b->rawdir, FMN_SPLIT_TRAIN, NULL); break;
    case L_MAP: lib_split(b->rawdir, FMN_SPLIT_TRAIN, mapped); break;
    case L_PROVE: lib_split(b->dir, FMN_SPLIT_TRAIN, proving); break;
    case L_RAWPROVE: lib_split(b->rawdir, FMN_SPLIT_TRAIN, proving); break;
    case Z_TI: zlib_inflate(b->f[0], b->out[0], b->size[0]); break;
    case Z_TRAIN:
        zlib_inflate(b->f[0], b->out[0], b->size[0]);
        zlib_inflate(b->f[1], b->out[1], b->size[1]);
        break;
    case Z_ALL:
        for (int i = 0; i < 4; i++)
            zlib_inflate(b->f[i], b->out[i], b->size[i]);
        break;
    case D_TRAIN:
#ifdef FMNIST_HAVE_LIBDEFLATE
        libdeflate_inflate(b->f[0]);
        libdeflate_inflate(b->f[1]);
#endif
        break;
    case FILL: fill_fresh(b->size[0] + b->size[1]); break;
    }
}

/* The loads against their baselines, the order alternating each round. */
static void run_loads(bench *b)
{
    static const char *const names[NCASES] = {
        "library: train images (gz)",
        "library: train split, images + labels (gz)",
        "library: test split (gz)",
        "library: all four files (gz), every core",
        "library: train split, raw files",
        "library: train split, raw files, mapped",
        "library: train split (gz), proven (hash_gz)",
        "library: train split, raw files, proven",
        "zlib inflate: train images",
        "zlib inflate: train split",
        "zlib inflate: all four files",
        "libdeflate, one thread: train split",
        "fill a fresh buffer: train split size"};
    fmn_options mapped;
    fmn_options_init(&mapped);
    mapped.map_raw = 1;
    fmn_options proving; /* the .gz's MD5, or the content's SHA-256 */
    fmn_options_init(&proving);
    proving.hash_gz = 1;
    for (int c = 0; c < NCASES; c++)
        b->s[c].name = names[c];
    for (int r = 0; r < b->reps; r++)
        for (int k = 0; k < NCASES; k++) {
            int c = r % 2 ? NCASES - 1 - k : k;
            if (c == D_TRAIN && !HAVE_LIBDEFLATE)
                continue;
            double t0 = now();
            run_case(b, c, &mapped, &proving);
            b->s[c].t[b->s[c].n++] = now() - t0;
        }
    char cpu[256];
    cpu_name(cpu, sizeof cpu);
    printf("fmnist-bench: libfmnist %s, zlib %s, %d repetitions, on %s\n"
           "  cpu: %s, %u cores (a load's threads by default)\n"
           "  %s\n",
           fmn_version(), zlibVersion(), b->reps, b->path, cpu, fmn_cores(),
           fmn_build_info());
    for (int c = 0; c < NCASES; c++)
        if (b->s[c].n)
            report(&b->s[c]);
        else
            printf("  %-44s skipped: built without libdeflate\n",
                   b->s[c].name);
    b->peak = peak_of_split_load(b->dir, FMN_SPLIT_TRAIN);
    b->payload = (double)(b->size[0] + b->size[1]);
    printf("  peak RSS growth loading the train split: %.1f MiB for %.1f MiB "
           "of data\n",
           (double)b->peak / 1048576.0, b->payload / 1048576.0);
}

/* The grid of all test images: our PNG settings against libpng's. */
static void run_png(bench *b)
{
    fmn_split *test;
    fmn_error err;
    if (fmn_dir_load_split(b->dir, FMN_SPLIT_TEST, NULL, &test, &err) !=
        FMN_OK)
        die(err.message, NULL);
    fmn_images im = fmn_split_images(test);
    size_t gw = 100 * (im.width + 2) + 2, gh = 100 * (im.height + 2) + 2;
    uint8_t *grid = calloc(gw * gh, 1);
    if (!grid)
        die("out of memory", NULL);
    for (size_t i = 0; i < im.count && i < 10000; i++)
        for (size_t y = 0; y < im.height; y++)
            memcpy(grid + ((i / 100) * (im.height + 2) + 2 + y) * gw +
                       (i % 100) * (im.width + 2) + 2,
                   im.data + (i * im.height + y) * im.width, im.width);
    b->pd.name = "PNG, libpng defaults: 10,000-image grid";
    b->po.name = "PNG, fmnist default: 10,000-image grid";
    char msg[4400];
    for (int r = 0; r < b->reps; r++) {
        double t0 = now();
        b->bytes_d = png_defaults(grid, gw, gh);
        b->pd.t[b->pd.n++] = now() - t0;
        t0 = now();
        fmn_save_set *set;
        if (fmn_save_set_new(FMN_SAVE_OVERWRITE, &set, &err) != FMN_OK)
            die(err.message, NULL);
        if (!cli_png_write(set, b->png_path, grid, gw, gh,
                           CLI_PNG_DEFAULT_LEVEL, msg, sizeof msg))
            die(msg, NULL);
        if (fmn_save_set_commit(set, &err) != FMN_OK)
            die(err.message, NULL);
        fmn_save_set_free(set);
        b->po.t[b->po.n++] = now() - t0;
        struct stat st;
        b->bytes_o = stat(b->png_path, &st) == 0 ? (size_t)st.st_size : 0;
    }
    report(&b->pd);
    report(&b->po);
    printf("  PNG bytes: libpng defaults %zu, fmnist %zu\n", b->bytes_d,
           b->bytes_o);
    free(grid);
    fmn_split_free(test);
}

/* fmnist info as a whole process, against NumPy + gzip doing the same. */
static void run_processes(bench *b)
{
    char self[4096];
    ssize_t sl = readlink("/proc/self/exe", self, sizeof self - 1);
    self[sl > 0 ? sl : 0] = '\0';
    char *slash = strrchr(self, '/');
    snprintf(b->tool, sizeof b->tool, "%.*s/fmnist",
             slash ? (int)(slash - self) : 1, slash ? self : ".");
    static char path_arg[4096], info_word[] = "info", dash_c[] = "-c";
    snprintf(path_arg, sizeof path_arg, "%s", b->path);
    char *info_argv[] = {b->tool, info_word, path_arg, NULL};
    static char numpy_src[] =
        "import gzip, sys, numpy as np\n"
        "d = sys.argv[1]\n"
        "def imgs(p):\n"
        "    return np.frombuffer(gzip.open(p).read(), np.uint8, offset=16)"
        ".reshape(-1, 28, 28)\n"
        "def lbls(p):\n"
        "    return np.frombuffer(gzip.open(p).read(), np.uint8, offset=8)\n"
        "for s in ('train', 't10k'):\n"
        "    x = imgs(d + '/' + s + '-images-idx3-ubyte.gz')\n"
        "    y = lbls(d + '/' + s + '-labels-idx1-ubyte.gz')\n"
        "    print(s, x.shape, np.bincount(y))\n";
    /* the python3 first on PATH, else the system's, whichever has numpy */
    static char pythons[2][32] = {"python3", "/usr/bin/python3"};
    char *np_argv[] = {pythons[0], dash_c, numpy_src, path_arg, NULL};
    b->have_numpy = run_process(np_argv) >= 0;
    if (!b->have_numpy) {
        np_argv[0] = pythons[1];
        b->have_numpy = run_process(np_argv) >= 0;
    }
    b->python = b->have_numpy ? np_argv[0] : NULL;
    b->pi.name = "process: fmnist info on the four files";
    b->pn.name = "process: python3 NumPy + gzip loader";
    for (int r = 0; r < b->reps; r++) {
        double t = run_process(info_argv);
        if (t < 0)
            die(b->tool, "fmnist info failed");
        b->pi.t[b->pi.n++] = t;
        if (b->have_numpy)
            b->pn.t[b->pn.n++] = run_process(np_argv);
    }
    report(&b->pi);
    if (b->have_numpy)
        report(&b->pn);
    else
        printf("  %-44s skipped: python3 with numpy is not installed\n",
               b->pn.name);
}

/* The exact nearest train image of every test image: the same search by
 * faiss (IndexFlatL2, BLAS) and by NumPy (float32, x2 + y2 - 2xy in
 * chunks), each timed inside its own process around the search alone,
 * on as many threads as fmn_knn uses. */
static const char KNN_PY[] =
    "import gzip, os, sys, time, numpy as np\n"
    "mode, d, out, threads = sys.argv[1], sys.argv[2], sys.argv[3], "
    "int(sys.argv[4])\n"
    "def imgs(p):\n"
    "    return np.frombuffer(gzip.open(p).read(), np.uint8, offset=16)"
    ".reshape(-1, 784).astype(np.float32)\n"
    "xb = imgs(d + '/train-images-idx3-ubyte.gz')\n"
    "xq = imgs(d + '/t10k-images-idx3-ubyte.gz')\n"
    "if mode == 'faiss':\n"
    "    import faiss\n"
    "    faiss.omp_set_num_threads(threads)\n"
    "    t = time.perf_counter()\n"
    "    index = faiss.IndexFlatL2(784)\n"
    "    index.add(xb)\n"
    "    D, I = index.search(xq, 1)\n"
    "    I = I[:, 0]\n"
    "else:\n"
    "    t = time.perf_counter()\n"
    "    b2 = (xb * xb).sum(1)\n"
    "    I = np.empty(len(xq), np.int64)\n"
    "    for s in range(0, len(xq), 1000):\n"
    "        q = xq[s:s + 1000]\n"
    "        dd = (q * q).sum(1)[:, None] + b2[None, :] - 2 * (q @ xb.T)\n"
    "        I[s:s + 1000] = dd.argmin(1)\n"
    "t = time.perf_counter() - t\n"
    "open(out, 'w').write('%.6f %d\\n' % (t, I[0]))\n";

/* One baseline's search time (seconds), or -1 when it cannot run here. */
static double knn_baseline(bench *b, const char *mode, unsigned threads)
{
    char outf[4200], th[16], m[16], dash_c[] = "-c", src[sizeof KNN_PY];
    char py[32], path[4096];
    snprintf(outf, sizeof outf, "%s/knn.txt", b->raw_tmpl);
    snprintf(th, sizeof th, "%u", threads);
    snprintf(m, sizeof m, "%s", mode);
    snprintf(py, sizeof py, "%s", b->python ? b->python : "python3");
    snprintf(path, sizeof path, "%s", b->path);
    memcpy(src, KNN_PY, sizeof KNN_PY);
    char *argv[] = {py, dash_c, src, m, path, outf, th, NULL};
    unlink(outf);
    if (run_process(argv) < 0 && strcmp(py, "/usr/bin/python3") != 0) {
        snprintf(py, sizeof py, "/usr/bin/python3"); /* Debian's faiss */
        if (run_process(argv) < 0)
            return -1;
    }
    FILE *f = fopen(outf, "r");
    double t = -1;
    if (!f || fscanf(f, "%lf", &t) != 1)
        t = -1;
    if (f)
        fclose(f);
    unlink(outf);
    return t;
}

static void run_knn(bench *b)
{
    fmn_split *train, *test;
    fmn_error err;
    if (fmn_dataset_load(b->path, NULL, &train, &test, &err) != FMN_OK)
        die(err.message, NULL);
    fmn_images q = fmn_split_images(test), base = fmn_split_images(train);
    fmn_neighbor *nn = malloc(q.count * sizeof *nn);
    if (!nn)
        die("out of memory", NULL);
    fmn_knn_options o;
    fmn_knn_options_init(&o);
    b->kn.name = "nearest train image of each test image, fmn_knn";
    int reps = b->reps < 5 ? b->reps : 5;
    for (int r = 0; r < reps; r++) {
        double t0 = now();
        if (fmn_knn(q, &base, &o, nn, q.count, &err) != FMN_OK)
            die(err.message, NULL);
        b->kn.t[b->kn.n++] = now() - t0;
    }
    report(&b->kn);
    size_t right = 0;
    for (size_t i = 0; i < q.count; i++)
        right += fmn_split_labels(train)[nn[i].index] ==
                 fmn_split_labels(test)[i];
    printf("  (%zu x %zu images, %u threads: 1-NN accuracy %.4f)\n", q.count,
           base.count, fmn_cores(), (double)right / (double)q.count);
    b->faiss = knn_baseline(b, "faiss", fmn_cores());
    b->numpy_knn = knn_baseline(b, "numpy", fmn_cores());
    const char *names[2] = {"faiss IndexFlatL2 (exact, float32, BLAS)",
                            "NumPy float32, x2 + y2 - 2xy in chunks"};
    double times[2] = {b->faiss, b->numpy_knn};
    for (int i = 0; i < 2; i++)
        if (times[i] >= 0)
            printf("  %-44s %9.3f s (the search, in its process)\n", names[i],
                   times[i]);
        else
            printf("  %-44s skipped: not installed (python3-faiss, "
                   "python3-numpy)\n",
                   names[i]);
    free(nn);
    fmn_split_free(train);
    fmn_split_free(test);
}

/* One streamed run of `word` (stats or counts) over the split in ldir. */
static void run_streamed(bench *b, int w, const char *ldir, uint64_t bytes,
                         int z)
{
    static const char *const words[2] = {"stats", "counts"};
    char word[16], stream[] = "--stream", dir[4200];
    snprintf(word, sizeof word, "%s", words[w]);
    snprintf(dir, sizeof dir, "%s", ldir);
    char *av[] = {b->tool, word, stream, dir, NULL};
    long rss = 0;
    double t = run_measured(av, &rss);
    if (t < 0)
        die(b->tool, "the streamed run failed");
    char rss_text[32] = "not sampled (ended at once)";
    if (rss >= 1024) /* below that: read before its exec */
        snprintf(rss_text, sizeof rss_text, "%.1f MiB", (double)rss / 1024.0);
    printf("  process: fmnist %-6s --stream, %5.2f GB    %9.3f s   peak RSS "
           "%s%s\n",
           words[w], (double)bytes / 1e9, t, rss_text,
           w ? "  (checks the pixels, keeps none)" : "");
    b->per_byte[w][z] = t / (double)bytes;
    if ((double)rss / 1024.0 > b->large_rss[w])
        b->large_rss[w] = (double)rss / 1024.0;
}

/* A split larger than memory, streamed: constant RSS, linear time. */
static void run_large(bench *b)
{
    uint64_t items = b->large / 785 > UINT32_MAX ? UINT32_MAX : b->large / 785;
    uint32_t sizes[2] = {(uint32_t)(items / 4), (uint32_t)items};
    for (int z = 0; z < 2; z++) {
        char ltmpl[4200];
        const char *tmp = getenv("TMPDIR");
        snprintf(ltmpl, sizeof ltmpl, "%s/fmnist-large-XXXXXX",
                 tmp && *tmp ? tmp : "/tmp");
        char *ldir = mkdtemp(ltmpl);
        if (!ldir)
            die("mkdtemp", strerror(errno));
        double t0 = now();
        write_tiled(ldir, b->out[0] + 16, b->out[1] + 8, 60000, sizes[z]);
        uint64_t bytes = (uint64_t)sizes[z] * 785 + 24;
        printf("  generated %s: %u items, %.2f GB, in %.1f s\n", ldir,
               sizes[z], (double)bytes / 1e9, now() - t0);
        for (int w = 0; w < 2; w++)
            run_streamed(b, w, ldir, bytes, z);
        remove_split(ldir);
    }
}

static void print_targets(bench *b)
{
    series *s = b->s;
    printf("\ntargets (ratios in this run):\n");
    target("train split (gz) / zlib inflate of it", median(&s[L_TRAIN]) / median(&s[Z_TRAIN]), "<=", 0.45);
    if (s[D_TRAIN].n)
        target("train split (gz) / libdeflate, one thread, of it", median(&s[L_TRAIN]) / median(&s[D_TRAIN]), "<=", 0.85);
    target("all four files / train images alone", median(&s[L_ALL]) / median(&s[L_TI]), "<=", 1.2);
    target("raw train split, mapped / zlib inflate of it", median(&s[L_MAP]) / median(&s[Z_TRAIN]), "<=", 0.025);
    target("peak RSS growth, train split / (1.15 x data + 8 MiB)",
           (double)b->peak / (b->payload * 1.15 + 8 * 1048576.0), "<=", 1.0);
    target("PNG grid: libpng defaults' time / fmnist's", median(&b->pd) / median(&b->po), ">=", 2.0);
    target("PNG grid: fmnist's bytes / libpng defaults'", (double)b->bytes_o / (double)b->bytes_d, "<=", 1.2);
    if (b->have_numpy)
        target("NumPy process / fmnist info process", median(&b->pn) / median(&b->pi), ">=", 3.5);
    if (b->faiss >= 0)
        target("nearest neighbours: fmn_knn / faiss IndexFlatL2",
               median(&b->kn) / b->faiss, "<=", 0.5);
    if (b->numpy_knn >= 0)
        target("nearest neighbours: fmn_knn / NumPy float32",
               median(&b->kn) / b->numpy_knn, "<=", 0.05);
    if (b->large) {
        target("stats --stream peak RSS / 64 MiB", b->large_rss[0] / 64, "<=", 1.0);
        target("counts --stream peak RSS / 64 MiB", b->large_rss[1] / 64, "<=", 1.0);
        target("stats --stream time per byte, full / quarter size",
               b->per_byte[0][1] / b->per_byte[0][0], "<=", 1.25);
    }
    printf("  (for reference: train split (gz) / filling a fresh buffer: %.2f;\n"
           "   raw train split read into memory of its own / gz: %.3f;\n"
           "   what proof adds, hash_gz over a plain load: gz %+.0f%% (the\n"
           "   .gz's MD5 on its own thread, or the SHA-256 of a repack),\n"
           "   raw %+.0f%% (the SHA-256 of the content))\n",
           median(&s[L_TRAIN]) / median(&s[FILL]),
           median(&s[L_RAW]) / median(&s[L_TRAIN]),
           100 * (median(&s[L_PROVE]) / median(&s[L_TRAIN]) - 1),
           100 * (median(&s[L_RAWPROVE]) / median(&s[L_RAW]) - 1));
}

static void cleanup(bench *b)
{
    unlink(b->raw_img);
    unlink(b->raw_lbl);
    unlink(b->png_path);
    rmdir(b->raw_tmpl);
    for (int i = 0; i < 4; i++)
        free(b->out[i]);
    fmn_dir_free(b->rawdir);
    fmn_dir_free(b->dir);
}

int main(int argc, char **argv)
{
    static bench b; /* large: the series hold every repetition */
    parse(&b, argc, argv);
    setup(&b);
    run_loads(&b);
    run_png(&b);
    run_processes(&b);
    run_knn(&b);
    if (b.large)
        run_large(&b);
    print_targets(&b);
    cleanup(&b);
    return 0;
}
