/* cli_summary.c - what `stats` and `counts` print, gathered from loaded
 * splits or, with --stream, from the library's split reader, item by item
 * in constant memory: for files larger than memory. Both paths make the
 * library's checks, so they fail alike. */
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
    s->naming = fmn_split_naming(sp);
    s->num_classes = fmn_split_num_classes(sp);
    for (size_t i = 0; i < im.count; i++) {
        s->images[labels[i]]++;
        if (pixels)
            fmn_histogram_add(s->per_class[labels[i]], im.data + i * px, px);
    }
}

/* Reads a split through the library's reader: the labels and, for stats,
 * the pixels (counts has them read and checked, not kept). 0 when it
 * failed (the library reported why). */
static int from_stream(const fmn_dir *dir, fmn_split_id id,
                       const fmn_options *opt, int pixels, cli_summary *s)
{
    fmn_split_reader *r;
    if (fmn_dir_open_reader(dir, id, opt, &r, NULL) != FMN_OK)
        return 0;
    fmn_images shape = fmn_split_reader_shape(r);
    size_t item = shape.height * shape.width;
    size_t chunk = item ? CHUNK_BYTES / item : CHUNK_BYTES;
    if (chunk == 0)
        chunk = 1;
    uint8_t *labels = malloc(chunk);
    uint8_t *px = pixels ? malloc(chunk * (item ? item : 1)) : NULL;
    int ok = labels && (!pixels || px);
    if (!ok)
        cli_error("%s: out of memory", fmn_dir_location(dir));
    size_t n;
    while (ok && fmn_split_reader_read(r, px, labels, chunk, &n, NULL) ==
                     FMN_OK &&
           n > 0)
        for (size_t i = 0; i < n; i++) {
            s->images[labels[i]]++;
            if (pixels)
                fmn_histogram_add(s->per_class[labels[i]], px + i * item,
                                  item);
        }
    ok = ok && fmn_split_reader_complete(r);
    s->name = fmn_split_name(id);
    s->count = shape.count;
    s->height = shape.height;
    s->width = shape.width;
    s->dataset = fmn_split_reader_dataset(r);
    s->naming = fmn_split_reader_naming(r);
    s->num_classes = fmn_split_reader_num_classes(r);
    free(labels);
    free(px);
    fmn_split_reader_free(r);
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
                            const fmn_options *opt_in, int pixels,
                            cli_summaries *out)
{
    fmn_options opt = *opt_in;
    cli_report_to(&opt, &out->problems);
    fmn_dir *dir;
    fmn_error err;
    if (fmn_dir_open(path, &dir, &err) != FMN_OK) {
        cli_problem(&out->problems, err.message);
        return EXIT_BAD;
    }
    snprintf(out->location, sizeof out->location, "%s",
             fmn_dir_location(dir));
    out->path = out->location;
    static const fmn_split_id ids[2] = {FMN_SPLIT_TRAIN, FMN_SPLIT_TEST};
    for (int i = 0; i < 2; i++) {
        if (!(mask & (i ? CLI_TEST : CLI_TRAIN)))
            continue;
        if (!fmn_dir_has_split(dir, ids[i])) {
            if (mask != (CLI_TRAIN | CLI_TEST)) {
                char msg[4200];
                snprintf(msg, sizeof msg, "%s: no %s split here", out->path,
                         fmn_split_name(ids[i]));
                cli_problem(&out->problems, msg);
            }
            continue;
        }
        cli_summary *s = new_summary(out);
        if (s && !from_stream(dir, ids[i], &opt, pixels, s))
            free(out->s[--out->n]); /* the library said why */
    }
    fmn_dir_free(dir);
    return out->problems.n ? EXIT_BAD : EXIT_OK;
}

static int summarise_loaded(const char *path, unsigned mask,
                            const fmn_options *opt, int pixels,
                            cli_summaries *out)
{
    cli_data d;
    int status = cli_data_load(&d, path, mask, opt);
    snprintf(out->location, sizeof out->location, "%s", d.path);
    out->path = out->location;
    for (size_t i = 0; i < d.n; i++) {
        cli_summary *s = new_summary(out);
        if (s)
            from_split(d.splits[i], d.names[i], pixels, s);
    }
    /* the problems, already printed, go with the summaries */
    out->problems = d.problems;
    memset(&d.problems, 0, sizeof d.problems);
    cli_data_free(&d);
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
    status = stream ? summarise_stream(path, mask, &opt, pixels, out)
                    : summarise_loaded(path, mask, &opt, pixels, out);
    out->status = status;
    return CLI_CONTINUE;
}

int cli_summaries_end(cli_summaries *all, int json)
{
    if (json) {
        printf(all->n ? "\n  ],\n" : "],\n");
        cli_problems_json(stdout, &all->problems, "  ");
        printf(",\n  \"valid\": %s\n}\n",
               all->status == EXIT_OK ? "true" : "false");
    }
    int status = all->status;
    cli_summaries_free(all);
    return status;
}

void cli_summaries_free(cli_summaries *out)
{
    for (size_t i = 0; i < out->n; i++)
        free(out->s[i]);
    out->n = 0;
    cli_problems_free(&out->problems);
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
