/* cmd_dupes.c - `fmnist dupes [PATH]`: exact duplicate images within each
 * split and across train and test. Each image is hashed once; images with
 * equal hashes are compared byte for byte, so a hash collision can never
 * report a false duplicate. O(n log n), no pairwise comparison. */
#define _POSIX_C_SOURCE 200809L
#include "cli.h"

#include <stdlib.h>
#include <string.h>

static const char HELP[] =
    "usage: fmnist dupes [options] [PATH]\n"
    "\n"
    "Find images that occur more than once, byte for byte: within the train\n"
    "split, within the test split, and across them (a test image that is\n"
    "also in train is a leak). Prints each group of identical images with\n"
    "its split:index members and their labels.\n"
    "\n"
    "Options:\n"
    "      --split S         train, test or all (default all)\n"
    "      --json            print one JSON object (schema in README.md)\n" CLI_DATA_HELP
    "  -h, --help            show this help\n";

typedef struct item {
    uint64_t hash;
    uint32_t split; /* index into cli_data */
    uint32_t index;
} item;

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

static int by_hash(const void *a, const void *b)
{
    const item *x = a, *y = b;
    if (x->hash != y->hash)
        return x->hash < y->hash ? -1 : 1;
    if (x->split != y->split)
        return x->split < y->split ? -1 : 1;
    return x->index < y->index ? -1 : x->index > y->index;
}

static const uint8_t *pixels(const cli_data *d, const item *it, size_t *n)
{
    fmn_images im = fmn_split_images(d->splits[it->split]);
    *n = im.height * im.width;
    return im.data + (size_t)it->index * *n;
}

typedef struct tally {
    size_t groups;  /* groups of identical images with 2+ members here */
    size_t images;  /* images in those groups */
} tally;

int cmd_dupes(int argc, char **argv)
{
    cli_data d;
    int json;
    int status = cli_dataset_command(argc, argv, "dupes", HELP, &d, &json);
    if (status != CLI_CONTINUE)
        return status;
    size_t total = 0;
    for (size_t s = 0; s < d.n; s++)
        total += fmn_split_count(d.splits[s]);
    if (d.n == 2) {
        fmn_images a = fmn_split_images(d.splits[0]);
        fmn_images b = fmn_split_images(d.splits[1]);
        if (a.height != b.height || a.width != b.width) {
            cli_error("%s: train images are %zux%zu but test images %zux%zu",
                      d.path, a.height, a.width, b.height, b.width);
            cli_data_free(&d);
            return EXIT_BAD;
        }
    }
    item *items = malloc((total ? total : 1) * sizeof *items);
    /* members of the current group, partitioned by content */
    item *group = malloc((total ? total : 1) * sizeof *group);
    if (!items || !group) {
        cli_error("out of memory for %zu images", total);
        free(items);
        free(group);
        cli_data_free(&d);
        return EXIT_BAD;
    }
    size_t k = 0;
    for (size_t s = 0; s < d.n; s++)
        for (size_t i = 0, n = fmn_split_count(d.splits[s]); i < n; i++) {
            items[k] = (item){0, (uint32_t)s, (uint32_t)i};
            size_t len;
            const uint8_t *p = pixels(&d, &items[k], &len);
            items[k++].hash = hash_image(p, len);
        }
    qsort(items, total, sizeof *items, by_hash);

    tally within[2] = {{0, 0}, {0, 0}};
    size_t leaked = 0; /* test images also found in train */
    size_t printed = 0;
    if (json) {
        printf("{\n  \"path\": ");
        json_string(stdout, d.path);
        printf(",\n  \"groups\": [");
    }
    for (size_t g = 0; g < total;) {
        size_t end = g + 1;
        while (end < total && items[end].hash == items[g].hash)
            end++;
        /* split the run of equal hashes into classes of equal bytes */
        size_t left = end - g;
        memcpy(group, items + g, left * sizeof *group);
        while (left > 1) {
            size_t len, m = 1;
            const uint8_t *first = pixels(&d, &group[0], &len);
            for (size_t j = 1; j < left; j++) {
                size_t l2;
                if (!memcmp(first, pixels(&d, &group[j], &l2), len)) {
                    item t = group[m];
                    group[m++] = group[j];
                    group[j] = t;
                }
            }
            if (m > 1) {
                size_t per[2] = {0, 0};
                for (size_t j = 0; j < m; j++)
                    per[d.ids[group[j].split] == FMN_SPLIT_TEST]++;
                for (int s = 0; s < 2; s++)
                    if (per[s] > 1) {
                        within[s].groups++;
                        within[s].images += per[s];
                    }
                if (per[0] && per[1])
                    leaked += per[1];
                if (json)
                    printf("%s\n    [", printed ? "," : "");
                else
                    printf("group %zu:", printed + 1);
                for (size_t j = 0; j < m; j++) {
                    const fmn_split *sp = d.splits[group[j].split];
                    unsigned label = fmn_split_labels(sp)[group[j].index];
                    char buf[16];
                    if (json) {
                        printf("%s{\"split\": \"%s\", \"index\": %u, "
                               "\"label\": %u}",
                               j ? ", " : "", d.names[group[j].split],
                               group[j].index, label);
                    } else {
                        printf(" %s:%u (%s)", d.names[group[j].split],
                               group[j].index, cli_class_name(sp, label, buf));
                    }
                }
                printf(json ? "]" : "\n");
                printed++;
            }
            memmove(group, group + m, (left - m) * sizeof *group);
            left -= m;
        }
        g = end;
    }
    const char *names[2] = {"train", "test"};
    if (json) {
        printf("%s],\n  \"splits\": [", printed ? "\n  " : "");
        int first = 1;
        for (size_t s = 0; s < d.n; s++) {
            int t = d.ids[s] == FMN_SPLIT_TEST;
            printf("%s\n    {\"name\": \"%s\", \"count\": %zu, "
                   "\"duplicate_groups\": %zu, \"images_in_groups\": %zu, "
                   "\"redundant\": %zu}",
                   first ? "" : ",", names[t], fmn_split_count(d.splits[s]),
                   within[t].groups, within[t].images,
                   within[t].images - within[t].groups);
            first = 0;
        }
        printf("\n  ],\n  \"test_in_train\": ");
        if (d.n == 2)
            printf("%zu", leaked);
        else
            printf("null");
        printf(",\n  \"groups_total\": %zu\n}\n", printed);
    } else {
        if (printed)
            printf("\n");
        for (size_t s = 0; s < d.n; s++) {
            int t = d.ids[s] == FMN_SPLIT_TEST;
            printf("%s: %zu images, %zu groups of identical images (%zu "
                   "images, %zu redundant copies)\n",
                   names[t], fmn_split_count(d.splits[s]), within[t].groups,
                   within[t].images, within[t].images - within[t].groups);
        }
        if (d.n == 2)
            printf("across: %zu test images also appear in train\n", leaked);
    }
    free(items);
    free(group);
    cli_data_free(&d);
    return EXIT_OK;
}
