/* cmd_info.c - `fmnist info [PATH...]`: what each file is, whether it is
 * complete and whether it is the published release (by its CRC-32; with
 * --prove, by hashes), and each split's dataset, size and per-class
 * counts. Each PATH is described, then freed; every verdict is the
 * library's. */
#define _POSIX_C_SOURCE 200809L
#include "builtin.h"
#include "cli_os.h"
#include "cli_parse.h"
#include "cli_json.h"

#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

static const char HELP[] =
    "usage: fmnist info [options] [PATH...]\n"
    "\n"
    "Describe IDX files and dataset directories. For a directory, finds its\n"
    "train and test splits (train-images-idx3-ubyte[.gz], t10k-..., and\n"
    "variants; IDX files under other names by their content; a subfolder\n"
    "such as torchvision's FashionMNIST/raw) and reports per file the\n"
    "compression and sizes, element type, dimensions and how it relates to\n"
    "the published releases: published (its CRC-32 and length are those of\n"
    "a published content: enough to name it, not to prove it), modified,\n"
    "not known (a release whose content has no known checksum), named (by\n"
    "its file name) or unidentified; with --prove, the CRC-32's finding is\n"
    "hashed as verify does: identical (the .gz's MD5), repacked (the same\n"
    "content in another container, its SHA-256) or modified. Then the\n"
    "split's dataset, item count and per-class counts. Every copy of a file\n"
    "in the folder is checked to hold the same bytes. A file given by\n"
    "itself is described alone. Every byte is read and checked.\n"
    "\n"
    "Without PATH: $FMNIST_DATA, else ./data/fashion, else\n"
    "/usr/share/datasets/fashion-mnist.\n"
    "\n"
    CLI_FILES_OPTIONS_HELP CLI_PROVE_HELP
    "\n"
    "Exit status: 0 if everything read is valid, 1 if any input is bad (one\n"
    "line on stderr per problem), 2 for a usage error.\n";

/* What is printed, as it is made: text at once, JSON parts kept. */
typedef struct report {
    int json;
    size_t printed;       /* text entries so far */
    char *splits, *files; /* JSON array members, made as each PATH is */
    size_t splits_len, files_len;
    FILE *split_out, *file_out;
    cli_json split_json, file_json;
    cli_problems problems;
    int naming_asked;     /* --dataset was given */
} report;

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
        printf("  %-7s ", role);
    cli_put_safe(stdout, fi->path);
    printf("\n");
    printf("%s", indent);
    if (fi->compression == FMN_COMPRESSION_GZIP)
        printf("gzip, %llu -> %llu bytes, ", (unsigned long long)fi->file_size,
               (unsigned long long)fi->decoded_size);
    else
        printf("raw, %llu bytes, ", (unsigned long long)fi->file_size);
    printf("%s ", fmn_dtype_name(a.dtype));
    text_dims(a);
    char say[512];
    fmn_release_describe(fi, say, sizeof say);
    printf(", crc32 %08x\n%s%s\n", (unsigned)fi->crc32, indent, say);
}

/* The other copies of a split's file in its folder, which the load found
 * to hold the same bytes. */
static void text_copies(const fmn_dir *dir, fmn_split_id id,
                        fmn_file_kind kind)
{
    for (size_t i = 1; fmn_dir_copy(dir, id, kind, i); i++) {
        printf("          the same bytes: ");
        cli_put_safe(stdout, fmn_dir_copy(dir, id, kind, i));
        printf("\n");
    }
}

static fmn_array images_shape(const fmn_split *sp, uint32_t dims[3])
{
    fmn_images im = fmn_split_images(sp);
    dims[0] = (uint32_t)im.count;
    dims[1] = (uint32_t)im.height;
    dims[2] = (uint32_t)im.width;
    fmn_array a = {im.data, FMN_DTYPE_U8, 3, dims, 0, 0};
    return a;
}


static void count_classes(const fmn_split *sp, uint64_t counts[256])
{
    memset(counts, 0, 256 * sizeof counts[0]);
    const uint8_t *labels = fmn_split_labels(sp);
    for (size_t i = 0, n = fmn_split_count(sp); i < n; i++)
        counts[labels[i]]++;
}

static const char *title(fmn_dataset d)
{
    const char *t = fmn_dataset_title(d);
    return t ? t : "unidentified dataset";
}

static void text_split(const report *r, const char *name,
                       const fmn_split *sp, const fmn_dir *dir,
                       fmn_split_id id)
{
    fmn_images im = fmn_split_images(sp);
    unsigned ncls = fmn_split_num_classes(sp);
    cli_put_safe(stdout, name);
    printf(": %s, %zu %s of %zux%zu, %u classes",
           title(fmn_split_dataset(sp)), im.count,
           cli_plural(im.count, "item", "items"), im.height, im.width, ncls);
    if (fmn_split_naming(sp) != fmn_split_dataset(sp))
        printf(" (class names of %s, %s)", title(fmn_split_naming(sp)),
               cli_naming_reason(r->naming_asked));
    printf("\n");
    uint32_t d3[3];
    text_file("images", fmn_split_file(sp, FMN_FILE_IMAGES),
              images_shape(sp, d3));
    text_copies(dir, id, FMN_FILE_IMAGES);
    text_file("labels", fmn_split_file(sp, FMN_FILE_LABELS),
              fmn_split_label_array(sp));
    text_copies(dir, id, FMN_FILE_LABELS);
    uint64_t counts[256];
    count_classes(sp, counts);
    printf("  classes:\n");
    for (unsigned c = fmn_split_first_label(sp); c < cli_label_end(sp); c++) {
        const char *cname = fmn_split_class_name(sp, c);
        printf("    %3u  %-12s %8llu  %5.1f%%\n", c, cname ? cname : "",
               (unsigned long long)counts[c],
               im.count ? 100.0 * (double)counts[c] / (double)im.count : 0.0);
    }
}

/* ---- JSON ------------------------------------------------------------- */

static void json_dims(cli_json *j, fmn_array a)
{
    cli_json_array(j, CLI_JSON_INLINE);
    for (size_t i = 0; i < a.ndim; i++)
        cli_json_uint(j, a.dims[i]);
    cli_json_end(j);
}

static void json_file(cli_json *j, const fmn_file_info *fi, fmn_array a,
                      const fmn_dir *dir, fmn_split_id id, fmn_file_kind kind)
{
    cli_json_object(j, CLI_JSON_BLOCK);
    cli_json_kstr(j, "path", fi->path);
    cli_json_kstr(j, "compression", fi->compression == FMN_COMPRESSION_GZIP ? "gzip" : "none");
    cli_json_kuint(j, "file_size", fi->file_size);
    cli_json_kuint(j, "decoded_size", fi->decoded_size);
    cli_json_key(j, "crc32");
    cli_json_strf(j, "%08x", (unsigned)fi->crc32);
    cli_json_key(j, "sha256");
    if (fi->content_hashed) {
        char hex[65];
        for (int i = 0; i < 32; i++)
            snprintf(hex + 2 * i, 3, "%02x", fi->content_sha256[i]);
        cli_json_str(j, hex);
    } else {
        cli_json_str(j, NULL);
    }
    cli_json_kstr(j, "dtype", fmn_dtype_name(a.dtype));
    cli_json_key(j, "dims");
    json_dims(j, a);
    cli_json_key(j, "release");
    cli_json_str(j, fi->release == FMN_RELEASE_UNKNOWN
                        ? NULL
                        : fmn_release_name(fi->release));
    cli_json_kstr(j, "dataset", fmn_dataset_name(fi->dataset));
    cli_json_kstr(j, "split", fmn_split_id_name(fi->split));
    cli_json_kstr(j, "kind", fmn_file_kind_name(fi->kind));
    char say[512];
    fmn_release_describe(fi, say, sizeof say);
    cli_json_kstr(j, "verdict", say);
    if (dir) {
        cli_json_key(j, "copies");
        cli_json_array(j, CLI_JSON_INLINE);
        for (size_t i = 1; fmn_dir_copy(dir, id, kind, i); i++)
            cli_json_str(j, fmn_dir_copy(dir, id, kind, i));
        cli_json_end(j);
    }
    cli_json_end(j);
}

static void json_split(cli_json *j, const char *name, const fmn_split *sp,
                       const fmn_dir *dir, fmn_split_id id)
{
    fmn_images im = fmn_split_images(sp);
    cli_json_object(j, CLI_JSON_BLOCK);
    cli_json_split_id(j, name, fmn_split_dataset(sp), fmn_split_naming(sp),
                      im.count);
    cli_json_kuint(j, "height", im.height);
    cli_json_kuint(j, "width", im.width);
    cli_json_kuint(j, "num_classes", fmn_split_num_classes(sp));
    uint32_t d3[3];
    cli_json_key(j, "images");
    json_file(j, fmn_split_file(sp, FMN_FILE_IMAGES), images_shape(sp, d3),
              dir, id, FMN_FILE_IMAGES);
    cli_json_key(j, "labels");
    json_file(j, fmn_split_file(sp, FMN_FILE_LABELS),
              fmn_split_label_array(sp), dir, id, FMN_FILE_LABELS);
    cli_json_key(j, "classes");
    cli_json_array(j, CLI_JSON_BLOCK);
    uint64_t counts[256];
    count_classes(sp, counts);
    for (unsigned c = fmn_split_first_label(sp); c < cli_label_end(sp); c++) {
        cli_json_object(j, CLI_JSON_INLINE);
        cli_json_kuint(j, "label", c);
        cli_json_kstr(j, "name", fmn_split_class_name(sp, c));
        cli_json_kuint(j, "count", counts[c]);
        cli_json_end(j);
    }
    cli_json_end(j);
    cli_json_end(j);
}

/* ---- describing each PATH --------------------------------------------- */

static void describe_split(report *r, const char *name, const fmn_split *sp,
                           const fmn_dir *dir, fmn_split_id id)
{
    if (r->json) {
        json_split(&r->split_json, name, sp, dir, id);
        return;
    }
    if (r->printed++)
        printf("\n");
    text_split(r, name, sp, dir, id);
}

static void describe_file(report *r, const fmn_idx *idx)
{
    if (r->json) {
        json_file(&r->file_json, fmn_idx_info(idx), fmn_idx_array(idx), NULL,
                  FMN_SPLIT_UNKNOWN, FMN_FILE_UNKNOWN);
        return;
    }
    if (r->printed++)
        printf("\n");
    text_file(NULL, fmn_idx_info(idx), fmn_idx_array(idx));
}

/* A folder's splits; of a folder of several datasets side by side
 * (EMNIST's six), each dataset's. */
static void describe_dir(report *r, const char *path, const fmn_options *opt,
                         int whole)
{
    fmn_error err;
    fmn_dir *dir;
    if (fmn_dir_open(path, &dir, &err) != FMN_OK) {
        cli_problem(&r->problems, err.message);
        return;
    }
    size_t n = fmn_dir_datasets(dir);
    char one[4096];
    for (size_t i = 0; whole && n > 1 && i < n; i++)
        if (fmn_dir_dataset_path(dir, i, one, sizeof one) < sizeof one)
            describe_dir(r, one, opt, 0);
    fmn_split *sp[2] = {NULL, NULL};
    if (!whole || n <= 1) /* both splits at once, on every core */
        fmn_dir_load_both(dir, opt, &sp[0], &sp[1], NULL, NULL);
    static const fmn_split_id ids[] = {FMN_SPLIT_TRAIN, FMN_SPLIT_TEST};
    for (size_t i = 0; i < 2; i++)
        if (sp[i]) {
            describe_split(r, fmn_split_id_name(ids[i]), sp[i], dir, ids[i]);
            fmn_split_free(sp[i]);
        }
    fmn_dir_free(dir);
}

/* Describes what `path` holds; every problem is reported through the
 * library's report hook (opt) or here. */
static void describe_path(report *r, const char *path, const fmn_options *opt)
{
    if (fmn_path_is_folder(path)) {
        describe_dir(r, path, opt, 1);
        return;
    }
    fmn_idx *idx;
    fmn_error err;
    if (fmn_idx_load_file(path, opt, &idx, &err) != FMN_OK) {
        cli_problem(&r->problems, err.message);
        return;
    }
    describe_file(r, idx);
    fmn_idx_free(idx);
}

static int json_start(report *r)
{
    r->split_out = cli_os_memstream(&r->splits, &r->splits_len);
    r->file_out = r->split_out ? cli_os_memstream(&r->files, &r->files_len)
                               : NULL;
    if (!r->split_out || !r->file_out) {
        cli_error("cannot keep the report: %s", strerror(errno));
        if (r->split_out)
            fclose(r->split_out);
        return 0;
    }
    cli_json_init_at(&r->split_json, r->split_out, 2);
    cli_json_init_at(&r->file_json, r->file_out, 2);
    return 1;
}

/* 0 where the report could not be read back. */
static int json_print(report *r)
{
    int ok = cli_os_memstream_close(r->split_out, &r->splits,
                                    &r->splits_len) == 0;
    ok &= cli_os_memstream_close(r->file_out, &r->files, &r->files_len) == 0;
    if (!ok) {
        cli_error("cannot read the report back: %s", strerror(errno));
        free(r->splits);
        free(r->files);
        return 0;
    }
    cli_json j;
    cli_json_init(&j, stdout);
    cli_json_object(&j, CLI_JSON_BLOCK);
    cli_json_key(&j, "splits");
    cli_json_array(&j, CLI_JSON_BLOCK);
    cli_json_splice(&j, r->splits);
    cli_json_end(&j);
    cli_json_key(&j, "files");
    cli_json_array(&j, CLI_JSON_BLOCK);
    cli_json_splice(&j, r->files);
    cli_json_end(&j);
    cli_json_kstrings(&j, "errors", r->problems.msg, r->problems.n);
    cli_json_kbool(&j, "valid", r->problems.n == 0);
    cli_json_end(&j);
    free(r->splits);
    free(r->files);
    return 1;
}

int cmd_info(int argc, char **argv)
{
    fmn_options opt;
    report r;
    memset(&r, 0, sizeof r);
    const char *fallback;
    int prove;
    int status = cli_files_options(argc, argv, "info", HELP, &r.json, &prove,
                                   &opt, &fallback);
    if (status != CLI_CONTINUE)
        return status;
    if (r.json && !json_start(&r))
        return EXIT_BAD;
    cli_report_to(&opt, &r.problems);
    r.naming_asked = opt.dataset != FMN_DATASET_UNKNOWN;
    if (fallback)
        describe_path(&r, fallback, &opt);
    for (int i = optind; i < argc; i++)
        describe_path(&r, argv[i], &opt);
    int printed = !r.json || json_print(&r);
    status = r.problems.n || !printed ? EXIT_BAD : EXIT_OK;
    cli_problems_free(&r.problems);
    return status;
}
