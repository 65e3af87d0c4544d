/* cmd_verify.c - `fmnist verify [PATH...]`: is this download complete and
 * the official release? Every structural check, the published checksums,
 * and one unmistakable verdict line. */
#define _POSIX_C_SOURCE 200809L
#include "cli.h"

#include <getopt.h>
#include <inttypes.h>
#include <string.h>
#include <sys/stat.h>

static const char HELP[] =
    "usage: fmnist verify [options] [PATH...]\n"
    "\n"
    "Check a download: every structural check the library makes (gzip CRCs\n"
    "and lengths, header, payload size, labels, pairing), plus the content\n"
    "and the published checksums. For a directory, the four files of the\n"
    "train and test splits must all be there. Each file is reported as\n"
    "  identical                the published file, byte for byte\n"
    "  repacked (same content)  the published content in another container\n"
    "  modified                 the shape of a published file, other content\n"
    "  unknown                  not the shape of any published file\n"
    "  invalid                  the file is damaged (the message says how)\n"
    "  missing                  expected in the directory, not found\n"
    "and the last line is the verdict: VERIFIED or FAILED.\n"
    "\n"
    "Options:\n"
    "      --json            print one JSON object (schema in README.md)\n" CLI_DATA_HELP
    "  -h, --help            show this help\n"
    "\n"
    "Exit status: 0 only if every file is complete and official, 1\n"
    "otherwise, 2 for a usage error.\n";

enum verdict { V_IDENTICAL, V_REPACKED, V_MODIFIED, V_UNKNOWN, V_INVALID,
               V_MISSING };

static const char *const WORD[] = {"identical", "repacked", "modified",
                                   "unknown",   "invalid",  "missing"};
static const char *const TEXT[] = {"identical", "repacked (same content)",
                                   "modified",  "unknown",
                                   "invalid",   "missing"};

typedef struct checked {
    const char *path;   /* NULL when missing */
    const char *dir;    /* the directory it was looked for in, if any */
    fmn_split_id split; /* role expected from the directory, if any */
    fmn_file_kind kind;
    enum verdict v;
    fmn_dataset dataset;
    char message[600];
} checked;

/* The published MNIST-family shapes: 60000 or 10000 items of 28x28. */
static int official_shape(fmn_array a)
{
    if (a.dtype != FMN_DTYPE_U8 || (a.dims[0] != 60000 && a.dims[0] != 10000))
        return 0;
    return a.ndim == 1 || (a.ndim == 3 && a.dims[1] == 28 && a.dims[2] == 28);
}

static void check_file(checked *c, const fmn_options *opt)
{
    if (!c->path) {
        c->v = V_MISSING;
        snprintf(c->message, sizeof c->message, "%s: no %s %s file", c->dir,
                 fmn_split_name(c->split),
                 c->kind == FMN_FILE_IMAGES ? "images" : "labels");
        return;
    }
    fmn_idx *idx;
    fmn_error err;
    if (fmn_idx_load_file(c->path, opt, &idx, &err) != FMN_OK) {
        c->v = V_INVALID;
        snprintf(c->message, sizeof c->message, "%s", err.message);
        return;
    }
    const fmn_file_info *fi = fmn_idx_info(idx);
    fmn_array a = fmn_idx_array(idx);
    c->dataset = fi->dataset;
    if (fi->release == FMN_RELEASE_IDENTICAL)
        c->v = V_IDENTICAL;
    else if (fi->release == FMN_RELEASE_REPACKED)
        c->v = V_REPACKED;
    else
        c->v = official_shape(a) ? V_MODIFIED : V_UNKNOWN;
    if (c->v <= V_REPACKED && c->split && (fi->split != c->split ||
                                          fi->kind != c->kind)) {
        /* the right content under the wrong name */
        snprintf(c->message, sizeof c->message,
                 "%s: holds the %s %s %s, not the %s %s its name says",
                 c->path, fmn_dataset_name(fi->dataset),
                 fmn_split_name(fi->split),
                 fi->kind == FMN_FILE_IMAGES ? "images" : "labels",
                 fmn_split_name(c->split),
                 c->kind == FMN_FILE_IMAGES ? "images" : "labels");
        c->v = V_MODIFIED;
    } else if (c->v == V_MODIFIED) {
        snprintf(c->message, sizeof c->message,
                 "%s: the shape of a published file, but not its content "
                 "(crc32 %08" PRIx32 ")",
                 c->path, fi->crc32);
    } else if (c->v == V_UNKNOWN) {
        snprintf(c->message, sizeof c->message,
                 "%s: not the shape of any published file", c->path);
    }
    fmn_idx_free(idx);
}

static void print_text(const checked *c, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        char role[32] = "";
        if (c[i].split)
            snprintf(role, sizeof role, "%s %s", fmn_split_name(c[i].split),
                     c[i].kind == FMN_FILE_IMAGES ? "images" : "labels");
        printf("%-13s %-24s %s\n", role, TEXT[c[i].v],
               c[i].path ? c[i].path : "");
    }
}

static void print_json(const char *verdict, const char *summary,
                       const checked *c, size_t n)
{
    printf("{\n  \"verdict\": \"%s\",\n  \"summary\": ", verdict);
    json_string(stdout, summary);
    printf(",\n  \"files\": [");
    for (size_t i = 0; i < n; i++) {
        printf("%s\n    {\"path\": ", i ? "," : "");
        json_string(stdout, c[i].path);
        printf(", \"split\": ");
        json_string(stdout, fmn_split_name(c[i].split));
        printf(", \"kind\": ");
        json_string(stdout, c[i].split ? (c[i].kind == FMN_FILE_IMAGES
                                              ? "images"
                                              : "labels")
                                       : NULL);
        printf(", \"status\": \"%s\", \"dataset\": ", WORD[c[i].v]);
        json_string(stdout, fmn_dataset_name(c[i].dataset));
        printf(", \"message\": ");
        json_string(stdout, c[i].message[0] ? c[i].message : NULL);
        printf("}");
    }
    printf("\n  ]\n}\n");
}

int cmd_verify(int argc, char **argv)
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
    while ((c = cli_next_option(argc, argv, "verify", HELP, ":h", longopts,
                                &opt, &status)) != -1) {
        if (c == CLI_OPT_DONE)
            return status;
        if (c == OPT_JSON)
            json = 1;
    }
    enum { MAX = 64 };
    checked files[MAX];
    size_t n = 0;
    memset(files, 0, sizeof files);
    fmn_dir *dirs[MAX / 4] = {NULL};
    size_t ndirs = 0;
    int bad_args = 0;
    const char *fallback = NULL;
    if (optind == argc && !(fallback = cli_default_path()))
        return EXIT_BAD;
    for (int i = optind; i < argc || fallback; i++) {
        const char *path = fallback ? fallback : argv[i];
        fallback = NULL;
        struct stat st;
        if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
            fmn_error err;
            if (ndirs == MAX / 4 || n + 4 > MAX) {
                cli_error("%s: too many paths (at most %d)", path, MAX / 4);
                bad_args = 1;
                break;
            }
            if (fmn_dir_open(path, &dirs[ndirs], &err) != FMN_OK) {
                cli_error("%s", err.message);
                bad_args = 1;
                continue;
            }
            for (int s = FMN_SPLIT_TRAIN; s <= FMN_SPLIT_TEST; s++)
                for (int k = FMN_FILE_IMAGES; k <= FMN_FILE_LABELS; k++) {
                    checked *f = &files[n++];
                    f->split = (fmn_split_id)s;
                    f->kind = (fmn_file_kind)k;
                    f->path = fmn_dir_path(dirs[ndirs], f->split, f->kind);
                    f->dir = path;
                }
            ndirs++;
        } else if (n < MAX) {
            files[n++].path = path;
        }
    }
    size_t good = 0, identical = 0;
    fmn_dataset dataset = FMN_DATASET_UNKNOWN;
    int mixed = 0;
    for (size_t i = 0; i < n; i++) {
        check_file(&files[i], &opt);
        if (files[i].v <= V_REPACKED) {
            good++;
            identical += files[i].v == V_IDENTICAL;
            if (dataset && files[i].dataset != dataset)
                mixed = 1;
            dataset = files[i].dataset;
        }
        if (files[i].v >= V_MODIFIED)
            cli_error("%s", files[i].message[0] ? files[i].message
                                                 : files[i].path);
    }
    /* pairs: counts, label range and the same release on both sides */
    for (size_t d = 0; d < ndirs && good == n; d++)
        for (int s = FMN_SPLIT_TRAIN; s <= FMN_SPLIT_TEST; s++) {
            fmn_split *sp;
            fmn_error err;
            if (fmn_dir_load_split(dirs[d], (fmn_split_id)s, &opt, &sp,
                                   &err) != FMN_OK) {
                cli_error("%s", err.message);
                mixed = 1;
            }
            fmn_split_free(sp);
        }
    char summary[256];
    const char *name = dataset == FMN_DATASET_FASHION_MNIST ? "Fashion-MNIST"
                       : dataset == FMN_DATASET_MNIST       ? "MNIST"
                       : dataset == FMN_DATASET_KMNIST      ? "KMNIST"
                                                            : "published";
    int ok = !bad_args && n > 0 && good == n && !mixed;
    if (ok)
        snprintf(summary, sizeof summary,
                 "VERIFIED: %zu of %zu files are the official %s release "
                 "(%zu identical, %zu repacked with the same content)",
                 good, n, name, identical, good - identical);
    else if (mixed && good == n)
        snprintf(summary, sizeof summary,
                 "FAILED: the files are official, but do not form one "
                 "release");
    else
        snprintf(summary, sizeof summary,
                 "FAILED: %zu of %zu files are not the official %s release",
                 n - good, n, name);
    if (json) {
        print_json(ok ? "verified" : "failed", summary, files, n);
    } else {
        print_text(files, n);
        printf("%s\n", summary);
    }
    for (size_t d = 0; d < ndirs; d++) /* they own the paths printed */
        fmn_dir_free(dirs[d]);
    return ok ? EXIT_OK : EXIT_BAD;
}
