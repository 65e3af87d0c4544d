/* cli_summary.c - what `stats` and `counts` print, gathered from loaded
 * splits or, with --stream, from the library's split reader, item by item
 * in constant memory: for files larger than memory. Both paths make the
 * library's checks, so they fail alike. An images file alone (stats) or a
 * labels file alone (counts) is summarised without the other. */
#define _POSIX_C_SOURCE 200809L
#include "cli_summary.h"
#include "cli_parse.h"

#include <stdlib.h>
#include <string.h>

/* Items and pixels gathered per chunk while streaming: about 4 MiB. */
enum { CHUNK_BYTES = 4 << 20 };

static void set_name(cli_summary *s, const char *name)
{
    snprintf(s->name, sizeof s->name, "%s", name);
}

/* The labels of `n` items, and with px their pixels (items of `item`
 * bytes; class 0 for all when labels is NULL). */
static void tally(cli_summary *s, const uint8_t *labels, const uint8_t *px,
                  size_t item, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned c = labels ? labels[i] : 0;
        s->images[c]++;
        if (px)
            fmn_histogram_add(s->per_class[c], px + i * item, item);
    }
}

/* What a split is: its name, shape, datasets and classes. */
static void describe(cli_summary *s, const char *name, fmn_images shape,
                     fmn_dataset dataset, fmn_dataset naming,
                     unsigned num_classes, unsigned first_label, int pixels)
{
    set_name(s, name);
    s->count = shape.count;
    s->height = shape.height;
    s->width = shape.width;
    s->has_labels = 1;
    s->has_pixels = pixels;
    s->dataset = dataset;
    s->naming = naming;
    s->num_classes = num_classes;
    s->first_label = first_label;
}

static void from_split(const fmn_split *sp, const char *name, int pixels,
                       cli_summary *s)
{
    fmn_images im = fmn_split_images(sp);
    describe(s, name, im, fmn_split_dataset(sp), fmn_split_naming(sp),
             fmn_split_num_classes(sp), fmn_split_first_label(sp), pixels);
    tally(s, fmn_split_labels(sp), pixels ? im.data : NULL,
          im.height * im.width, im.count);
}

/* The pixels of items larger than a chunk, a chunk at a time: memory
 * stays at a chunk whatever one item's size. 0 when it failed. */
static int pieces(fmn_split_reader *r, size_t item, cli_summary *s,
                  const char *name)
{
    uint8_t *px = malloc(CHUNK_BYTES);
    if (!px) {
        cli_error("%s: out of memory", name);
        return 0;
    }
    size_t n, seen = 0;
    unsigned label;
    while (fmn_split_reader_read_piece(r, px, CHUNK_BYTES, &n, &label,
                                       NULL) == FMN_OK &&
           n > 0) {
        fmn_histogram_add(s->per_class[label], px, n);
        if ((seen += n) == item) {
            s->images[label]++;
            seen = 0;
        }
    }
    free(px);
    return fmn_split_reader_complete(r);
}

/* Items a chunk of them at a time: their labels and, with `pixels`, their
 * pixels. 0 when it failed. */
static int whole_items(fmn_split_reader *r, size_t item, int pixels,
                       cli_summary *s, const char *name)
{
    size_t chunk = item ? CHUNK_BYTES / item : CHUNK_BYTES;
    if (chunk == 0)
        chunk = 1;
    uint8_t *labels = malloc(chunk);
    uint8_t *px = pixels ? malloc(chunk * (item ? item : 1)) : NULL;
    int ok = labels && (!pixels || px);
    if (!ok)
        cli_error("%s: out of memory", name);
    size_t n;
    while (ok && fmn_split_reader_read(r, px, labels, chunk, &n, NULL) ==
                     FMN_OK &&
           n > 0)
        tally(s, labels, px, item, n);
    free(labels);
    free(px);
    return ok && fmn_split_reader_complete(r);
}

/* Reads a split through the library's reader: the labels and, for stats,
 * the pixels (counts has them read and checked, not kept), in memory of a
 * chunk whatever the size of an item. 0 when it failed (the library
 * reported why). */
static int from_reader(fmn_split_reader *r, const char *name, int pixels,
                       cli_summary *s)
{
    fmn_images shape = fmn_split_reader_shape(r);
    size_t item = shape.height * shape.width;
    int ok = pixels && item > CHUNK_BYTES ? pieces(r, item, s, name)
                                          : whole_items(r, item, pixels, s,
                                                        name);
    const char *id = fmn_split_id_name(fmn_split_reader_id(r));
    describe(s, id && strcmp(name, "train") && strcmp(name, "test") ? id : name,
             shape, fmn_split_reader_dataset(r), fmn_split_reader_naming(r),
             fmn_split_reader_num_classes(r), fmn_split_reader_first_label(r),
             pixels);
    return ok;
}

/* A new zeroed summary in out; NULL after a message. */
static cli_summary *new_summary(cli_summaries *out)
{
    cli_summary *s = calloc(1, sizeof *s);
    if (!s)
        cli_error("out of memory");
    else {
        s->naming_asked = out->naming_asked;
        out->s[out->n++] = s;
    }
    return s;
}

/* Keeps the last summary if `ok`, else drops it (its problems are said). */
static void keep(cli_summaries *out, int ok)
{
    if (!ok)
        free(out->s[--out->n]);
}

/* The splits of `src` loaded whole; their problems (printed by the load)
 * join the summaries'. */
static void from_data(const cli_source *src, const fmn_options *opt,
                      int pixels, cli_summaries *out)
{
    cli_data d;
    cli_data_load(&d, src, opt);
    snprintf(out->location, sizeof out->location, "%s", d.path);
    for (size_t i = 0; i < d.n; i++) {
        cli_summary *s = new_summary(out);
        if (s)
            from_split(d.splits[i], d.names[i], pixels, s);
    }
    cli_problems_move(&out->problems, &d.problems);
    cli_data_free(&d);
}

static void stream_folder(const fmn_dir *dir, unsigned mask,
                          const fmn_options *opt, int pixels,
                          cli_summaries *out)
{
    static const fmn_split_id ids[2] = {FMN_SPLIT_TRAIN, FMN_SPLIT_TEST};
    for (int i = 0; i < 2; i++) {
        if (!(mask & (i ? CLI_TEST : CLI_TRAIN)))
            continue;
        if (!fmn_dir_has_split(dir, ids[i])) {
            if (mask != (CLI_TRAIN | CLI_TEST)) {
                char msg[4200];
                snprintf(msg, sizeof msg, "%s: no %s split here", out->path,
                         fmn_split_id_name(ids[i]));
                cli_problem(&out->problems, msg);
            }
            continue;
        }
        fmn_split_reader *r;
        if (fmn_dir_open_reader(dir, ids[i], opt, &r, NULL) != FMN_OK)
            continue; /* the library said why */
        cli_summary *s = new_summary(out);
        if (s)
            keep(out, from_reader(r, fmn_split_id_name(ids[i]), pixels, s));
        fmn_split_reader_free(r);
    }
}

static void stream_split(const cli_source *src, const fmn_options *opt,
                         int pixels, cli_summaries *out)
{
    fmn_split_reader *r;
    if (fmn_split_reader_open(src->images, src->labels, opt, &r, NULL) !=
        FMN_OK)
        return;
    cli_summary *s = new_summary(out);
    if (s)
        keep(out, from_reader(r, src->images, pixels, s));
    fmn_split_reader_free(r);
}

/* An images file alone, read a chunk at a time (whole or streamed, it
 * makes no difference to memory): its pixels, all in class 0. */
static int images_alone(const char *path, cli_summary *s, cli_problems *p)
{
    fmn_reader *r;
    fmn_error err;
    fmn_status st = fmn_reader_open(path, &r, &err);
    if (st == FMN_OK)
        st = fmn_check_kind(fmn_reader_shape(r), path, FMN_FILE_IMAGES, &err);
    size_t item = st == FMN_OK ? fmn_reader_item_bytes(r) : 0;
    size_t chunk = item && item < CHUNK_BYTES ? CHUNK_BYTES / item : 1;
    uint8_t *buf = st == FMN_OK ? malloc(chunk * (item ? item : 1)) : NULL;
    if (st == FMN_OK && !buf)
        st = FMN_ERR_NOMEM, snprintf(err.message, sizeof err.message,
                                     "%s: out of memory", path);
    size_t n;
    while (st == FMN_OK &&
           (st = fmn_reader_read(r, buf, chunk, &n, &err)) == FMN_OK && n)
        tally(s, NULL, buf, item, n);
    if (st != FMN_OK)
        cli_problem(p, err.message);
    if (st == FMN_OK) {
        fmn_array a = fmn_reader_shape(r);
        const fmn_file_info *fi = fmn_reader_info(r);
        set_name(s, fi->split ? fmn_split_id_name(fi->split) : path);
        s->count = a.dims[0];
        s->height = a.dims[1];
        s->width = a.dims[2];
        s->has_pixels = 1;
        s->num_classes = 1;
        s->dataset = fi->dataset; /* set for the published content only */
        s->naming = s->dataset;
    }
    free(buf);
    fmn_reader_free(r);
    return st == FMN_OK;
}

/* A labels file alone, loaded (labels are small) and checked by the
 * library as a split's labels are: its classes. */
static int labels_alone(const char *path, const fmn_options *opt,
                        cli_summary *s, cli_problems *p)
{
    fmn_idx *idx;
    fmn_error err;
    unsigned first = 0, classes = 0;
    fmn_status st = fmn_idx_load_file(path, opt, &idx, &err);
    if (st == FMN_OK)
        st = fmn_check_labels(idx, opt, &first, &classes, &err);
    if (st != FMN_OK) {
        cli_problem(p, err.message);
        fmn_idx_free(idx);
        return 0;
    }
    fmn_array a = fmn_idx_array(idx);
    const fmn_file_info *fi = fmn_idx_info(idx);
    for (uint64_t i = 0; i < a.dims[0]; i++) /* checked: all are bytes */
        s->images[fmn_label_class(a, i)]++;
    set_name(s, fi->split ? fmn_split_id_name(fi->split) : path);
    s->count = a.dims[0];
    s->has_labels = 1;
    s->num_classes = classes;
    s->first_label = first;
    s->dataset = fi->dataset; /* set for the published content only */
    s->naming = opt->dataset ? opt->dataset : s->dataset;
    fmn_idx_free(idx);
    return 1;
}

static void summarise(const cli_source *src, int stream, const fmn_options *opt,
                      int pixels, cli_summaries *out)
{
    if (src->images && src->labels) {
        snprintf(out->location, sizeof out->location, "%s", src->images);
        if (stream) {
            stream_split(src, opt, pixels, out);
        } else {
            from_data(src, opt, pixels, out);
        }
        return;
    }
    const char *file = src->images ? src->images : src->labels;
    snprintf(out->location, sizeof out->location, "%s", file);
    cli_summary *s = new_summary(out);
    if (s)
        keep(out, src->images ? images_alone(file, s, &out->problems)
                              : labels_alone(file, opt, s, &out->problems));
}

static void summarise_folder(const char *path, unsigned mask, int stream,
                             const fmn_options *opt, int pixels,
                             cli_summaries *out)
{
    if (!stream) {
        cli_source src = {path, NULL, NULL, mask, 0};
        from_data(&src, opt, pixels, out);
        return;
    }
    fmn_dir *dir;
    fmn_error err;
    if (fmn_dir_open(path, &dir, &err) != FMN_OK) {
        cli_problem(&out->problems, err.message);
        snprintf(out->location, sizeof out->location, "%s", path);
        return;
    }
    snprintf(out->location, sizeof out->location, "%s",
             fmn_dir_location(dir));
    out->path = out->location;
    stream_folder(dir, mask, opt, pixels, out);
    fmn_dir_free(dir);
}

int cli_summary_command(int argc, char **argv, const char *cmd,
                        const char *help, int pixels, cli_summaries *out)
{
    fmn_options opt;
    cli_source src;
    int stream;
    memset(out, 0, sizeof *out);
    int status = cli_dataset_options(argc, argv, cmd, help, &out->json,
                                     &stream, &src, &opt);
    if (status != CLI_CONTINUE)
        return status;
    if (pixels ? src.labels && !src.images : src.images && !src.labels)
        return cli_usage(cmd, "%s alone: %s", pixels ? "--labels" : "--images",
                         pixels ? "stats needs the images (--images FILE)"
                                : "counts needs the labels (--labels FILE)");
    const char *path = src.path;
    if (!src.images && !src.labels && !path && !(path = cli_default_path()))
        return EXIT_BAD;
    /* the library's problems land in out->problems, each said once */
    cli_report_to(&opt, &out->problems);
    out->naming_asked = opt.dataset != FMN_DATASET_UNKNOWN;
    if (src.images || src.labels)
        summarise(&src, stream, &opt, pixels, out);
    else
        summarise_folder(path, src.mask, stream, &opt, pixels, out);
    out->path = out->location;
    out->status = out->problems.n ? EXIT_BAD : EXIT_OK;
    if (out->json) {
        cli_json_init(&out->out, stdout);
        cli_json_object(&out->out, CLI_JSON_BLOCK);
        cli_json_key(&out->out, "path");
        cli_json_str(&out->out, out->path);
        cli_json_key(&out->out, "splits");
        cli_json_array(&out->out, CLI_JSON_BLOCK);
    }
    return CLI_CONTINUE;
}

int cli_summaries_end(cli_summaries *all)
{
    if (all->json) {
        cli_json *j = &all->out;
        cli_json_end(j); /* splits */
        cli_json_kstrings(j, "errors", all->problems.msg, all->problems.n);
        cli_json_kbool(j, "valid", all->status == EXIT_OK);
        cli_json_end(j);
    }
    int status = all->status;
    for (size_t i = 0; i < all->n; i++)
        free(all->s[i]);
    all->n = 0;
    cli_problems_free(&all->problems);
    return status;
}

unsigned cli_summary_end_label(const cli_summary *s)
{
    return cli_class_end(s->first_label, s->num_classes);
}

const char *cli_summary_class(const cli_summary *s, unsigned label,
                              char buf[16])
{
    const char *name = fmn_class_name(s->naming, label);
    if (name)
        return name;
    snprintf(buf, 16, "%u", label);
    return buf;
}

void cli_summary_pixels(const cli_summary *s, uint64_t all[256])
{
    memset(all, 0, 256 * sizeof *all);
    for (unsigned c = 0; c < 256; c++)
        for (unsigned v = 0; v < 256; v++)
            all[v] += s->per_class[c][v];
}

int cli_summary_main(int argc, char **argv, const cli_summary_cmd *c)
{
    cli_summaries all;
    int status =
        cli_summary_command(argc, argv, c->name, c->help, c->pixels, &all);
    if (status != CLI_CONTINUE)
        return status;
    for (size_t i = 0; i < all.n; i++) {
        if (all.json)
            c->json(&all.out, all.s[i]);
        else
            c->text(all.s[i], i);
    }
    return cli_summaries_end(&all);
}

void cli_summary_json_class(cli_json *j, const cli_summary *s, unsigned k)
{
    cli_json_object(j, CLI_JSON_INLINE);
    cli_json_kuint(j, "label", k);
    cli_json_kstr(j, "name", fmn_class_name(s->naming, k));
    cli_json_kuint(j, "count", s->images[k]);
}
