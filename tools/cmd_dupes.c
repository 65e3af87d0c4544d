/* cmd_dupes.c - `fmnist dupes [PATH]`: exact duplicate images within each
 * split and across train and test. Each image is hashed once; images with
 * equal hashes are compared byte for byte, so a hash collision can never
 * report a false duplicate. O(n log n), no pairwise comparison. */
#define _POSIX_C_SOURCE 200809L
#include "builtin.h"
#include "cli_parse.h"
#include "cli_json.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

static const char HELP[] =
    "usage: fmnist dupes [options] [PATH]\n"
    "       fmnist dupes [options] --images FILE --labels FILE\n"
    "\n"
    "Find images that occur more than once, byte for byte: within the train\n"
    "split, within the test split, and across them (a test image that is\n"
    "also in train is a leak). Prints each group of identical images, in\n"
    "the order of their first member, with its split:index members and\n"
    "their classes.\n"
    "\n"
    "Options:\n"
    "      --check           exit 1 when a test image is also in train, or a\n"
    "                        split holds duplicates (for scripts and CI)\n"
    "      --split S         train, test or all (default all)\n"
    CLI_JSON_HELP
    CLI_FILES_HELP CLI_DATA_HELP
    CLI_HELP_HELP;

enum { OPT_CHECK = CLI_OPT_COMMAND };

typedef struct item {
    uint64_t hash;
    uint32_t split; /* index into cli_data */
    uint32_t index;
} item;

/* Groups of identical images: members[first .. first + size), the first
 * of them `head`. */
typedef struct group {
    size_t first, size;
    item head;
} group;

typedef struct found {
    item *members; /* every image in a group, group after group */
    size_t nmembers;
    group *groups;
    size_t ngroups;
    size_t within[2][2]; /* [train/test]: groups, images in them */
    size_t leaked;       /* test images also in train */
} found;

/* --json and --check. */
typedef struct flags {
    int json, check;
} flags;

static int own_option(void *ctx, int c, const char *arg)
{
    flags *f = ctx;
    (void)arg;
    f->json |= c == OPT_JSON;
    f->check |= c == OPT_CHECK;
    return 1;
}

/* Parses the options and loads the splits: CLI_CONTINUE, or the exit
 * status. */
static int start(int argc, char **argv, void *ctx, cli_data *d)
{
    flags *f = ctx;
    static const struct option longopts[] = {
        {"json", no_argument, NULL, OPT_JSON},
        {"split", required_argument, NULL, OPT_SPLIT},
        {"check", no_argument, NULL, OPT_CHECK},
        CLI_SPLIT_LONGOPTS_END};
    fmn_options opt;
    cli_source src = {.mask = CLI_TRAIN | CLI_TEST};
    *f = (flags){.json = 0};
    const cli_parser p = {
        .cmd = "dupes", .help = HELP, .shortopts = ":h", .longopts = longopts,
        .opt = &opt, .src = &src, .own = own_option, .ctx = f, .need_both = 1};
    return cli_data_start(d, cli_parse_options(&p, argc, argv), &src, &opt);
}

static uint64_t hash_image(const uint8_t *p, size_t n)
{
    /* FNV-1a over 8-byte words, then a final mix */
    uint64_t h = 0xcbf29ce484222325ull;
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        uint64_t w;
        memcpy(&w, p + i, 8);
        h = (h ^ w) * 0x100000001b3ull;
    }
    for (; i < n; i++)
        h = (h ^ p[i]) * 0x100000001b3ull;
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdull;
    return h ^ (h >> 33);
}

static int by_place(const item *x, const item *y)
{
    if (x->split != y->split)
        return x->split < y->split ? -1 : 1;
    return x->index < y->index ? -1 : x->index > y->index;
}

static int by_hash(const void *a, const void *b)
{
    const item *x = a, *y = b;
    if (x->hash != y->hash)
        return x->hash < y->hash ? -1 : 1;
    return by_place(x, y);
}

static const uint8_t *pixels(const cli_data *d, const item *it, size_t *n)
{
    fmn_images im = fmn_split_images(d->splits[it->split]);
    *n = im.height * im.width;
    return im.data + (size_t)it->index * *n;
}

/* Every image of every split, hashed and sorted by hash. */
static item *hash_all(const cli_data *d, size_t *total)
{
    *total = 0;
    for (size_t s = 0; s < d->n; s++)
        *total += fmn_split_count(d->splits[s]);
    item *items = malloc((*total ? *total : 1) * sizeof *items);
    if (!items)
        return NULL;
    size_t k = 0;
    for (size_t s = 0; s < d->n; s++)
        for (size_t i = 0, n = fmn_split_count(d->splits[s]); i < n; i++) {
            items[k] = (item){0, (uint32_t)s, (uint32_t)i};
            size_t len;
            const uint8_t *p = pixels(d, &items[k], &len);
            items[k++].hash = hash_image(p, len);
        }
    qsort(items, *total, sizeof *items, by_hash);
    return items;
}

/* Records a group of m identical images, group[0 .. m) in place order. */
static void add_group(const cli_data *d, const item *members, size_t m,
                      found *f)
{
    size_t per[2] = {0, 0};
    for (size_t j = 0; j < m; j++) {
        f->members[f->nmembers + j] = members[j];
        per[d->ids[members[j].split] == FMN_SPLIT_TEST]++;
    }
    for (int s = 0; s < 2; s++)
        if (per[s] > 1) {
            f->within[s][0]++;
            f->within[s][1] += per[s];
        }
    if (per[0] && per[1])
        f->leaked += per[1];
    f->groups[f->ngroups++] = (group){f->nmembers, m, members[0]};
    f->nmembers += m;
}

/* Splits a run of equal hashes into groups of equal bytes. */
static void split_run(const cli_data *d, item *run, size_t left, found *f)
{
    while (left > 1) {
        size_t len, m = 1;
        const uint8_t *first = pixels(d, &run[0], &len);
        for (size_t j = 1; j < left; j++) {
            size_t l2;
            if (!memcmp(first, pixels(d, &run[j], &l2), len)) {
                item t = run[m];
                run[m++] = run[j];
                run[j] = t;
            }
        }
        if (m > 1) {
            /* members in place order (the swaps may have moved them) */
            for (size_t a = 1; a < m; a++)
                for (size_t b = a; b > 0 && by_place(&run[b], &run[b - 1]) < 0;
                     b--) {
                    item t = run[b];
                    run[b] = run[b - 1];
                    run[b - 1] = t;
                }
            add_group(d, run, m, f);
        }
        run += m;
        left -= m;
    }
}

static int by_first_member(const void *a, const void *b)
{
    const group *x = a, *y = b;
    return by_place(&x->head, &y->head);
}

/* Every group of identical images, in the order of its first member. */
static int find_groups(const cli_data *d, found *f)
{
    memset(f, 0, sizeof *f);
    size_t total;
    item *items = hash_all(d, &total);
    f->members = malloc((total ? total : 1) * sizeof *f->members);
    f->groups = malloc((total ? total : 1) * sizeof *f->groups);
    if (!items || !f->members || !f->groups) {
        free(items);
        return 0;
    }
    for (size_t g = 0; g < total;) {
        size_t end = g + 1;
        while (end < total && items[end].hash == items[g].hash)
            end++;
        split_run(d, items + g, end - g, f);
        g = end;
    }
    free(items);
    qsort(f->groups, f->ngroups, sizeof *f->groups, by_first_member);
    return 1;
}

static void print_text(const cli_data *d, const found *f)
{
    for (size_t g = 0; g < f->ngroups; g++) {
        printf("group %zu:", g + 1);
        for (size_t j = 0; j < f->groups[g].size; j++) {
            const item *it = &f->members[f->groups[g].first + j];
            const fmn_split *sp = d->splits[it->split];
            char buf[16];
            printf(" %s:%u (%s)", d->names[it->split], it->index,
                   cli_class_name(sp, fmn_split_labels(sp)[it->index], buf));
        }
        printf("\n");
    }
    if (f->ngroups)
        printf("\n");
    for (size_t s = 0; s < d->n; s++) {
        int t = d->ids[s] == FMN_SPLIT_TEST;
        size_t n = fmn_split_count(d->splits[s]);
        printf("%s: %zu %s, %zu %s of identical images (%zu %s, %zu "
               "redundant %s)\n",
               d->names[s], n, cli_plural(n, "image", "images"),
               f->within[t][0], cli_plural(f->within[t][0], "group", "groups"),
               f->within[t][1], cli_plural(f->within[t][1], "image", "images"),
               f->within[t][1] - f->within[t][0],
               cli_plural(f->within[t][1] - f->within[t][0], "copy",
                          "copies"));
    }
    if (d->n == 2)
        printf("across: %zu test %s also %s in train\n", f->leaked,
               cli_plural(f->leaked, "image", "images"),
               cli_plural(f->leaked, "appears", "appear"));
}

static void print_json(const cli_data *d, const found *f)
{
    cli_json j;
    cli_json_init(&j, stdout);
    cli_json_object(&j, CLI_JSON_BLOCK);
    cli_json_kstr(&j, "path", d->path);
    cli_json_key(&j, "groups");
    cli_json_array(&j, CLI_JSON_BLOCK);
    for (size_t g = 0; g < f->ngroups; g++) {
        cli_json_array(&j, CLI_JSON_INLINE);
        for (size_t k = 0; k < f->groups[g].size; k++) {
            const item *it = &f->members[f->groups[g].first + k];
            const fmn_split *sp = d->splits[it->split];
            unsigned label = fmn_split_labels(sp)[it->index];
            cli_json_object(&j, CLI_JSON_INLINE);
            cli_json_kstr(&j, "split", d->names[it->split]);
            cli_json_kuint(&j, "index", it->index);
            cli_json_kuint(&j, "label", label);
            cli_json_kstr(&j, "name", fmn_split_class_name(sp, label));
            cli_json_end(&j);
        }
        cli_json_end(&j);
    }
    cli_json_end(&j);
    cli_json_key(&j, "splits");
    cli_json_array(&j, CLI_JSON_BLOCK);
    for (size_t s = 0; s < d->n; s++) {
        int t = d->ids[s] == FMN_SPLIT_TEST;
        cli_json_object(&j, CLI_JSON_INLINE);
        cli_json_kstr(&j, "name", d->names[s]);
        cli_json_kuint(&j, "count", fmn_split_count(d->splits[s]));
        cli_json_kuint(&j, "duplicate_groups", f->within[t][0]);
        cli_json_kuint(&j, "images_in_groups", f->within[t][1]);
        cli_json_kuint(&j, "redundant", f->within[t][1] - f->within[t][0]);
        cli_json_end(&j);
    }
    cli_json_end(&j);
    cli_json_key(&j, "test_in_train");
    if (d->n == 2)
        cli_json_uint(&j, f->leaked);
    else
        cli_json_null(&j);
    cli_json_kuint(&j, "groups_total", f->ngroups);
    cli_json_end(&j);
}

/* --check: what a script or CI stops on. */
static int check(const cli_data *d, const found *f)
{
    size_t dups = f->within[0][0] + f->within[1][0];
    if (!f->leaked && !dups)
        return EXIT_OK;
    cli_error("%s: %zu test %s also in train, %zu %s of duplicates within a "
              "split", d->path, f->leaked,
              cli_plural(f->leaked, "image", "images"), dups,
              cli_plural(dups, "group", "groups"));
    return EXIT_BAD;
}

/* The groups found, printed and, with --check, judged. */
static int report(void *ctx, cli_data *d)
{
    const flags *fl = ctx;
    if (d->n == 2) {
        fmn_images a = fmn_split_images(d->splits[0]);
        fmn_images b = fmn_split_images(d->splits[1]);
        if (a.height != b.height || a.width != b.width) {
            cli_error("%s: train images are %zux%zu but test images %zux%zu",
                      d->path, a.height, a.width, b.height, b.width);
            return EXIT_BAD;
        }
    }
    found f;
    int status;
    if (!find_groups(d, &f)) {
        cli_error("out of memory");
        status = EXIT_BAD;
    } else {
        if (fl->json)
            print_json(d, &f);
        else
            print_text(d, &f);
        status = fl->check ? check(d, &f) : EXIT_OK;
    }
    free(f.members);
    free(f.groups);
    return status;
}

int cmd_dupes(int argc, char **argv)
{
    flags fl;
    return cli_run_command(argc, argv, &fl, start, report);
}
