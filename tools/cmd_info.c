/* cmd_info.c - `fmnist info [PATH...]`: what each file is, whether it is
 * complete and whether it is the published release, and each split's
 * dataset, size and per-class counts. */
#define _POSIX_C_SOURCE 200809L
#include "cli.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static const char HELP[] =
    "usage: fmnist info [options] [PATH...]\n"
    "\n"
    "Describe IDX files and dataset directories. For a directory, finds its\n"
    "train and test splits (train-images-idx3-ubyte[.gz], t10k-..., and\n"
    "variants) and reports per file the compression and sizes, element type,\n"
    "dimensions and whether it is identical to the published release,\n"
    "repacked (the same content in another container) or unidentified; then\n"
    "the split's dataset, item count and per-class counts. A file given by\n"
    "itself is described alone. Every byte is read and checked.\n"
    "\n"
    "Without PATH: $FMNIST_DATA, else ./data/fashion, else\n"
    "/usr/share/datasets/fashion-mnist.\n"
    "\n"
    "Options:\n"
    "      --json            print one JSON object (schema in README.md)\n" CLI_DATA_HELP
    "  -h, --help            show this help\n"
    "\n"
    "Exit status: 0 if everything read is valid, 1 if any input is bad (one\n"
    "line on stderr per problem), 2 for a usage error.\n";

typedef struct entry {
    const char *name; /* split name, or NULL for a file alone */
    fmn_split *split;
    fmn_idx *idx;
} entry;

typedef struct report {
    entry *items;
    size_t n, cap;
    char **errors; /* every problem reported, for --json */
    size_t nerr, errcap;
} report;

/* Reports a problem on stderr and keeps it for the JSON output. */
static void problem(report *r, const char *msg)
{
    cli_error("%s", msg);
    if (r->nerr == r->errcap) {
        size_t cap = r->errcap ? r->errcap * 2 : 4;
        char **p = realloc(r->errors, cap * sizeof *p);
        if (!p)
            return;
        r->errors = p;
        r->errcap = cap;
    }
    size_t len = strlen(msg) + 1;
    char *copy = malloc(len);
    if (copy) {
        memcpy(copy, msg, len);
        r->errors[r->nerr++] = copy;
    }
}

static int add(report *r, entry e)
{
    if (r->n == r->cap) {
        size_t cap = r->cap ? r->cap * 2 : 8;
        entry *p = realloc(r->items, cap * sizeof *p);
        if (!p)
            return 0;
        r->items = p;
        r->cap = cap;
    }
    r->items[r->n++] = e;
    return 1;
}

static const char *release_word(fmn_release r)
{
    switch (r) {
    case FMN_RELEASE_IDENTICAL: return "identical";
    case FMN_RELEASE_REPACKED: return "repacked";
    case FMN_RELEASE_UNKNOWN: break;
    }
    return NULL;
}

static const char *pretty_dataset(fmn_dataset d)
{
    switch (d) {
    case FMN_DATASET_FASHION_MNIST: return "Fashion-MNIST";
    case FMN_DATASET_MNIST: return "MNIST";
    case FMN_DATASET_KMNIST: return "KMNIST";
    case FMN_DATASET_UNKNOWN: break;
    }
    return "unidentified dataset";
}

/* Loads what `path` holds into the report; returns 0 after reporting a
 * problem on stderr. */
static int load_path(const char *path, const fmn_options *opt, report *r)
{
    struct stat st;
    fmn_error err;
    if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
        fmn_dir *dir;
        if (fmn_dir_open(path, &dir, &err) != FMN_OK) {
            problem(r, err.message);
            return 0;
        }
        int ok = 1;
        static const fmn_split_id ids[] = {FMN_SPLIT_TRAIN, FMN_SPLIT_TEST};
        fmn_split *sp[2];
        fmn_error errs[2];
        /* both splits at once, on two cores */
        fmn_dir_load_both(dir, opt, &sp[0], &sp[1], &errs[0], &errs[1]);
        for (size_t i = 0; i < 2; i++) {
            if (errs[i].status != FMN_OK) {
                problem(r, errs[i].message);
                ok = 0;
            }
            if (sp[i] && !add(r, (entry){fmn_split_name(ids[i]), sp[i], NULL})) {
                fmn_split_free(sp[i]);
                problem(r, "out of memory");
                ok = 0;
            }
        }
        fmn_dir_free(dir);
        return ok;
    }
    fmn_idx *idx;
    if (fmn_idx_load_file(path, opt, &idx, &err) != FMN_OK) {
        problem(r, err.message);
        return 0;
    }
    if (!add(r, (entry){NULL, NULL, idx})) {
        fmn_idx_free(idx);
        problem(r, "out of memory");
        return 0;
    }
    return 1;
}

static void count_classes(const fmn_split *sp, uint64_t counts[256])
{
    memset(counts, 0, 256 * sizeof counts[0]);
    const uint8_t *labels = fmn_split_labels(sp);
    for (size_t i = 0, n = fmn_split_count(sp); i < n; i++)
        counts[labels[i]]++;
}

/* ---- text ------------------------------------------------------------- */

static void text_dims(fmn_array a)
{
    fputc('[', stdout);
    for (size_t i = 0; i < a.ndim; i++)
        printf(i ? ", %u" : "%u", (unsigned)a.dims[i]);
    fputc(']', stdout);
}

static void text_file(const char *role, const fmn_file_info *fi, fmn_array a)
{
    const char *indent = role ? "          " : "  ";
    if (role)
        printf("  %-7s %s\n", role, fi->path);
    else
        printf("%s\n", fi->path);
    printf("%s", indent);
    if (fi->compression == FMN_COMPRESSION_GZIP)
        printf("gzip, %llu -> %llu bytes, ", (unsigned long long)fi->file_size,
               (unsigned long long)fi->decoded_size);
    else
        printf("raw, %llu bytes, ", (unsigned long long)fi->file_size);
    printf("%s ", fmn_dtype_name(a.dtype));
    text_dims(a);
    printf(", crc32 %08x\n%s", (unsigned)fi->crc32, indent);
    switch (fi->release) {
    case FMN_RELEASE_IDENTICAL:
        printf("identical to the published %s %s %s", pretty_dataset(fi->dataset),
               fmn_split_name(fi->split),
               fi->kind == FMN_FILE_IMAGES ? "images" : "labels");
        break;
    case FMN_RELEASE_REPACKED:
        printf("repacked: the published %s %s %s content in another container",
               pretty_dataset(fi->dataset), fmn_split_name(fi->split),
               fi->kind == FMN_FILE_IMAGES ? "images" : "labels");
        break;
    case FMN_RELEASE_UNKNOWN:
        printf("unidentified: not a known release");
        break;
    }
    printf("\n");
}

static void text_split(const entry *e)
{
    const fmn_split *sp = e->split;
    fmn_images im = fmn_split_images(sp);
    unsigned ncls = fmn_split_num_classes(sp);
    printf("%s: %s, %zu items of %zux%zu, %u classes\n", e->name,
           pretty_dataset(fmn_split_dataset(sp)), im.count, im.height, im.width,
           ncls);
    text_file("images", fmn_split_file(sp, FMN_FILE_IMAGES),
              (fmn_array){im.data, FMN_DTYPE_U8, 3,
                          (const uint32_t[]){(uint32_t)im.count,
                                             (uint32_t)im.height,
                                             (uint32_t)im.width},
                          0, 0});
    text_file("labels", fmn_split_file(sp, FMN_FILE_LABELS),
              (fmn_array){NULL, FMN_DTYPE_U8, 1,
                          (const uint32_t[]){(uint32_t)im.count}, 0, 0});
    uint64_t counts[256];
    count_classes(sp, counts);
    printf("  classes:\n");
    for (unsigned c = 0; c < ncls; c++) {
        const char *name = fmn_split_class_name(sp, c);
        printf("    %3u  %-12s %8llu  %5.1f%%\n", c, name ? name : "",
               (unsigned long long)counts[c],
               im.count ? 100.0 * (double)counts[c] / (double)im.count : 0.0);
    }
}

/* ---- JSON ------------------------------------------------------------- */

static void json_file(const fmn_file_info *fi, fmn_array a, const char *ind)
{
    printf("{\n%s  \"path\": ", ind);
    json_string(stdout, fi->path);
    printf(",\n%s  \"compression\": \"%s\",\n", ind,
           fi->compression == FMN_COMPRESSION_GZIP ? "gzip" : "none");
    printf("%s  \"file_size\": %llu,\n", ind,
           (unsigned long long)fi->file_size);
    printf("%s  \"decoded_size\": %llu,\n", ind,
           (unsigned long long)fi->decoded_size);
    printf("%s  \"crc32\": \"%08x\",\n", ind, (unsigned)fi->crc32);
    printf("%s  \"dtype\": \"%s\",\n%s  \"dims\": [", ind,
           fmn_dtype_name(a.dtype), ind);
    for (size_t i = 0; i < a.ndim; i++)
        printf(i ? ", %u" : "%u", (unsigned)a.dims[i]);
    printf("],\n%s  \"release\": ", ind);
    json_string(stdout, release_word(fi->release));
    printf(",\n%s  \"dataset\": ", ind);
    json_string(stdout, fmn_dataset_name(fi->dataset));
    printf(",\n%s  \"split\": ", ind);
    json_string(stdout, fmn_split_name(fi->split));
    printf(",\n%s  \"kind\": ", ind);
    json_string(stdout, fi->kind == FMN_FILE_IMAGES   ? "images"
                        : fi->kind == FMN_FILE_LABELS ? "labels"
                                                      : NULL);
    printf("\n%s}", ind);
}

static void json_split(const entry *e)
{
    const fmn_split *sp = e->split;
    fmn_images im = fmn_split_images(sp);
    printf("    {\n      \"name\": ");
    json_string(stdout, e->name);
    printf(",\n      \"dataset\": ");
    json_string(stdout, fmn_dataset_name(fmn_split_dataset(sp)));
    printf(",\n      \"count\": %zu,\n      \"height\": %zu,\n"
           "      \"width\": %zu,\n      \"num_classes\": %u,\n"
           "      \"images\": ",
           im.count, im.height, im.width, fmn_split_num_classes(sp));
    json_file(fmn_split_file(sp, FMN_FILE_IMAGES),
              (fmn_array){im.data, FMN_DTYPE_U8, 3,
                          (const uint32_t[]){(uint32_t)im.count,
                                             (uint32_t)im.height,
                                             (uint32_t)im.width},
                          0, 0},
              "      ");
    printf(",\n      \"labels\": ");
    json_file(fmn_split_file(sp, FMN_FILE_LABELS),
              (fmn_array){NULL, FMN_DTYPE_U8, 1,
                          (const uint32_t[]){(uint32_t)im.count}, 0, 0},
              "      ");
    printf(",\n      \"classes\": [");
    uint64_t counts[256];
    count_classes(sp, counts);
    for (unsigned c = 0; c < fmn_split_num_classes(sp); c++) {
        printf(c ? ",\n        " : "\n        ");
        printf("{\"label\": %u, \"name\": ", c);
        json_string(stdout, fmn_split_class_name(sp, c));
        printf(", \"count\": %llu}", (unsigned long long)counts[c]);
    }
    printf("\n      ]\n    }");
}

static void print_json(const report *r, int ok)
{
    printf("{\n  \"splits\": [");
    int first = 1;
    for (size_t i = 0; i < r->n; i++)
        if (r->items[i].split) {
            printf(first ? "\n" : ",\n");
            json_split(&r->items[i]);
            first = 0;
        }
    printf(first ? "],\n" : "\n  ],\n");
    printf("  \"files\": [");
    first = 1;
    for (size_t i = 0; i < r->n; i++)
        if (r->items[i].idx) {
            printf(first ? "\n    " : ",\n    ");
            json_file(fmn_idx_info(r->items[i].idx),
                      fmn_idx_array(r->items[i].idx), "    ");
            first = 0;
        }
    printf(first ? "],\n" : "\n  ],\n");
    printf("  \"errors\": [");
    for (size_t i = 0; i < r->nerr; i++) {
        printf(i ? ",\n    " : "\n    ");
        json_string(stdout, r->errors[i]);
    }
    printf(r->nerr ? "\n  ],\n" : "],\n");
    printf("  \"valid\": %s\n}\n", ok ? "true" : "false");
}

int cmd_info(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"json", no_argument, NULL, OPT_JSON},
        CLI_HELP_LONGOPT,
        CLI_DATA_LONGOPTS,
        {NULL, 0, NULL, 0}};
    fmn_options opt;
    fmn_options_init(&opt);
    int json = 0, c, status;
    optind = 1;
    while ((c = cli_next_option(argc, argv, "info", HELP, ":h", longopts, &opt,
                                &status)) != -1) {
        if (c == CLI_OPT_DONE)
            return status;
        if (c == OPT_JSON)
            json = 1;
    }
    report r = {NULL, 0, 0, NULL, 0, 0};
    int ok = 1;
    if (optind == argc) {
        const char *path = cli_default_path();
        if (!path)
            return EXIT_BAD;
        ok = load_path(path, &opt, &r);
    }
    for (int i = optind; i < argc; i++)
        ok &= load_path(argv[i], &opt, &r);
    if (json) {
        print_json(&r, ok);
    } else {
        for (size_t i = 0; i < r.n; i++) {
            if (i)
                printf("\n");
            if (r.items[i].split)
                text_split(&r.items[i]);
            else
                text_file(NULL, fmn_idx_info(r.items[i].idx),
                          fmn_idx_array(r.items[i].idx));
        }
    }
    for (size_t i = 0; i < r.n; i++) {
        fmn_split_free(r.items[i].split);
        fmn_idx_free(r.items[i].idx);
    }
    free(r.items);
    for (size_t i = 0; i < r.nerr; i++)
        free(r.errors[i]);
    free(r.errors);
    return ok ? EXIT_OK : EXIT_BAD;
}
