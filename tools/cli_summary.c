/* cli_summary.c - what `stats` and `counts` print, gathered from loaded
 * splits or, with --stream, from the files read item by item in constant
 * memory (fmn_reader): for files larger than memory. */
#define _POSIX_C_SOURCE 200809L
#include "cli.h"

#include <stdlib.h>
#include <string.h>

/* Items and pixels gathered per chunk while streaming: about 4 MiB. */
enum { CHUNK_BYTES = 4 << 20 };

static void from_split(const fmn_split *sp, const char *name, int pixels,
                       cli_summary *s)
{
    fmn_images im = fmn_split_images(sp);
    const uint8_t *labels = fmn_split_labels(sp);
    size_t px = im.height * im.width;
    s->name = name;
    s->count = im.count;
    s->height = im.height;
    s->width = im.width;
    s->dataset = fmn_split_dataset(sp);
    s->num_classes = fmn_split_num_classes(sp);
    for (size_t i = 0; i < im.count; i++) {
        s->images[labels[i]]++;
        if (pixels)
            fmn_histogram_add(s->per_class[labels[i]], im.data + i * px, px);
    }
}

/* Opens the images and labels readers of a split and checks their shapes
 * agree; 0 after a message. */
static int open_pair(const fmn_dir *dir, fmn_split_id id, fmn_reader **ri,
                     fmn_reader **rl)
{
    const char *ip = fmn_dir_path(dir, id, FMN_FILE_IMAGES);
    const char *lp = fmn_dir_path(dir, id, FMN_FILE_LABELS);
    fmn_error err;
    *ri = *rl = NULL;
    if (!ip || !lp) {
        cli_error("%s: the %s split has no %s file", ip ? ip : lp,
                  fmn_split_name(id), ip ? "labels" : "images");
        return 0;
    }
    if (fmn_reader_open(ip, ri, &err) != FMN_OK ||
        fmn_reader_open(lp, rl, &err) != FMN_OK) {
        cli_error("%s", err.message);
        return 0;
    }
    fmn_array a = fmn_reader_shape(*ri), b = fmn_reader_shape(*rl);
    if (a.ndim != 3 || a.dtype != FMN_DTYPE_U8) {
        cli_error("%s: not an images file: %s with %zu dimensions, expected "
                  "3-D uint8", ip, fmn_dtype_name(a.dtype), a.ndim);
        return 0;
    }
    if (b.ndim != 1 || b.dtype != FMN_DTYPE_U8) {
        cli_error("%s: not a labels file: %s with %zu dimensions, expected "
                  "1-D uint8", lp, fmn_dtype_name(b.dtype), b.ndim);
        return 0;
    }
    if (a.dims[0] != b.dims[0]) {
        cli_error("%s: %lu labels for the %lu images of %s", lp,
                  (unsigned long)b.dims[0], (unsigned long)a.dims[0], ip);
        return 0;
    }
    return 1;
}

/* Reads a split through readers: the labels always, the pixels when asked
 * (else the images file's header only). */
static int from_stream(const fmn_dir *dir, fmn_split_id id,
                       const fmn_options *opt, int pixels, cli_summary *s)
{
    fmn_reader *ri, *rl;
    uint8_t *labels = NULL, *px = NULL;
    int ok = open_pair(dir, id, &ri, &rl);
    fmn_array shape = fmn_reader_shape(ri);
    size_t item = ok ? fmn_reader_item_bytes(ri) : 0;
    size_t chunk = item ? CHUNK_BYTES / item : CHUNK_BYTES;
    if (chunk == 0)
        chunk = 1;
    if (ok) {
        labels = malloc(chunk);
        px = pixels ? malloc(chunk * (item ? item : 1)) : NULL;
        if (!labels || (pixels && !px)) {
            cli_error("out of memory");
            ok = 0;
        }
    }
    unsigned limit = opt->num_classes ? opt->num_classes : 256, top = 0;
    fmn_error err;
    err.status = FMN_OK;
    uint64_t done = 0;
    while (ok) {
        size_t n, m = 0;
        if (fmn_reader_read(rl, labels, chunk, &n, &err) != FMN_OK ||
            (pixels && fmn_reader_read(ri, px, chunk, &m, &err) != FMN_OK))
            break;
        if (n == 0)
            break;
        for (size_t i = 0; i < n; i++) {
            if (labels[i] >= limit) {
                cli_error("%s: label %u of item %llu is not below the %u "
                          "classes of --classes",
                          fmn_dir_path(dir, id, FMN_FILE_LABELS), labels[i],
                          (unsigned long long)(done + i), limit);
                ok = 0;
                break;
            }
            top = labels[i] > top ? labels[i] : top;
            s->images[labels[i]]++;
            if (pixels)
                fmn_histogram_add(s->per_class[labels[i]], px + i * item,
                                  item);
        }
        done += n;
    }
    if (ok && err.status != FMN_OK) {
        cli_error("%s", err.message);
        ok = 0;
    }
    if (ok) {
        const fmn_file_info *li = fmn_reader_info(rl);
        const fmn_file_info *ii = fmn_reader_info(ri);
        s->name = fmn_split_name(id);
        s->count = shape.dims[0];
        s->height = shape.dims[1];
        s->width = shape.dims[2];
        s->dataset = opt->dataset ? opt->dataset : li->dataset;
        if (pixels && ii->dataset && li->dataset &&
            (ii->dataset != li->dataset || ii->split != li->split)) {
            cli_error("%s: these labels are %s %s, but the images are %s %s",
                      li->path, fmn_dataset_name(li->dataset),
                      fmn_split_name(li->split), fmn_dataset_name(ii->dataset),
                      fmn_split_name(ii->split));
            ok = 0;
        }
        s->num_classes = opt->num_classes;
        if (!s->num_classes)
            s->num_classes = fmn_dataset_num_classes(s->dataset);
        if (!s->num_classes)
            s->num_classes = top + 1 > 10 ? top + 1 : 10;
        if (ok && top >= s->num_classes) {
            cli_error("%s: label %u is not below the %u classes of %s (use "
                      "--classes)", li->path, top, s->num_classes,
                      fmn_dataset_name(s->dataset));
            ok = 0;
        }
    }
    free(labels);
    free(px);
    fmn_reader_free(ri);
    fmn_reader_free(rl);
    return ok;
}

/* A new zeroed summary in out; NULL after a message. */
static cli_summary *new_summary(cli_summaries *out)
{
    cli_summary *s = calloc(1, sizeof *s);
    if (!s)
        cli_error("out of memory");
    else
        out->s[out->n++] = s;
    return s;
}

static int summarise_stream(const char *path, unsigned mask,
                            const fmn_options *opt, int pixels,
                            cli_summaries *out)
{
    fmn_dir *dir;
    fmn_error err;
    if (fmn_dir_open(path, &dir, &err) != FMN_OK) {
        cli_error("%s", err.message);
        return EXIT_BAD;
    }
    static const fmn_split_id ids[2] = {FMN_SPLIT_TRAIN, FMN_SPLIT_TEST};
    int status = EXIT_OK;
    for (int i = 0; i < 2 && status == EXIT_OK; i++) {
        if (!(mask & (i ? CLI_TEST : CLI_TRAIN)))
            continue;
        int present = fmn_dir_path(dir, ids[i], FMN_FILE_IMAGES) ||
                      fmn_dir_path(dir, ids[i], FMN_FILE_LABELS);
        if (!present) {
            if (mask != (CLI_TRAIN | CLI_TEST)) {
                cli_error("%s: no %s split here", path, fmn_split_name(ids[i]));
                status = EXIT_BAD;
            }
            continue;
        }
        cli_summary *s = new_summary(out);
        if (!s || !from_stream(dir, ids[i], opt, pixels, s))
            status = EXIT_BAD;
    }
    fmn_dir_free(dir);
    return status;
}

int cli_summary_command(int argc, char **argv, const char *cmd,
                        const char *help, int pixels, cli_summaries *out,
                        int *json)
{
    fmn_options opt;
    unsigned mask;
    int stream;
    const char *path;
    memset(out, 0, sizeof *out);
    int status = cli_dataset_options(argc, argv, cmd, help, json, &stream,
                                     &mask, &opt, &path);
    if (status != CLI_CONTINUE)
        return status;
    if (!path && !(path = cli_default_path()))
        return EXIT_BAD;
    out->path = path;
    if (stream) {
        status = summarise_stream(path, mask, &opt, pixels, out);
    } else {
        cli_data d;
        status = cli_data_load(&d, path, mask, &opt);
        for (size_t i = 0; status == EXIT_OK && i < d.n; i++) {
            cli_summary *s = new_summary(out);
            if (!s)
                status = EXIT_BAD;
            else
                from_split(d.splits[i], d.names[i], pixels, s);
        }
        cli_data_free(&d);
    }
    if (status != EXIT_OK) {
        cli_summaries_free(out);
        return status;
    }
    return CLI_CONTINUE;
}

void cli_summaries_free(cli_summaries *out)
{
    for (size_t i = 0; i < out->n; i++)
        free(out->s[i]);
    out->n = 0;
}

const char *cli_summary_class(const cli_summary *s, unsigned label,
                              char buf[16])
{
    const char *name = fmn_class_name(s->dataset, label);
    if (name)
        return name;
    snprintf(buf, 16, "%u", label);
    return buf;
}
