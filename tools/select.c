/* select.c - choosing images: index lists and ranges, classes by name or
 * number, the first N per class, a seeded random sample. */
#define _POSIX_C_SOURCE 200809L
#include "cli.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

int cli_select_option(const char *cmd, int c, const char *arg, cli_select *s)
{
    unsigned long long n;
    switch (c) {
    case OPT_INDEX:
        s->index_list = arg;
        return 1;
    case OPT_CLASS:
        if (s->nclass_args == CLI_MAX_CLASS_ARGS) {
            cli_usage(cmd, "--class: at most %d", CLI_MAX_CLASS_ARGS);
            return -1;
        }
        s->class_args[s->nclass_args++] = arg;
        return 1;
    case OPT_PER_CLASS:
        if (!cli_parse_uint(arg, 1, 1000000, &n)) {
            cli_usage(cmd, "--per-class: '%s' is not a number from 1", arg);
            return -1;
        }
        s->per_class = (size_t)n;
        return 1;
    case OPT_SAMPLE:
        if (!cli_parse_uint(arg, 1, 100000000, &n)) {
            cli_usage(cmd, "--sample: '%s' is not a number from 1", arg);
            return -1;
        }
        s->sample = (size_t)n;
        return 1;
    case OPT_SEED:
        if (!cli_parse_uint(arg, 0, UINT64_MAX, &n)) {
            cli_usage(cmd, "--seed: '%s' is not a whole number", arg);
            return -1;
        }
        s->seed = n;
        return 1;
    case OPT_ALL:
        s->all = 1;
        return 1;
    default:
        return 0;
    }
}

int cli_select_given(const cli_select *s)
{
    return s->index_list || s->nclass_args || s->per_class || s->sample ||
           s->all;
}

/* A class given by number, or by name (case-insensitive, spaces, '-' and
 * '/' interchangeable with '_' ...: "ankle boot", "Ankle-boot", "t-shirt"). */
static int class_of(const fmn_split *sp, const char *arg, unsigned *out)
{
    unsigned ncls = fmn_split_num_classes(sp);
    unsigned long long n;
    if (cli_parse_uint(arg, 0, ncls - 1, &n)) {
        *out = (unsigned)n;
        return 1;
    }
    for (unsigned k = 0; k < ncls; k++) {
        const char *name = fmn_split_class_name(sp, k);
        if (!name)
            continue;
        const char *a = arg, *b = name;
        for (;; a++, b++) {
            int ca = tolower((unsigned char)*a), cb = tolower((unsigned char)*b);
            if (strchr(" -_/", ca) && ca)
                ca = '_';
            if (strchr(" -_/", cb) && cb)
                cb = '_';
            if (ca != cb)
                break;
            if (!ca) {
                *out = k;
                return 1;
            }
        }
        /* "t-shirt" for "T-shirt/top", "ankle" for "Ankle boot": a
         * prefix that ends where the name has a separator */
        size_t la = strlen(arg);
        if (la > 0 && strncasecmp(arg, name, la) == 0 && strchr(" -/", name[la]) &&
            name[la]) {
            *out = k;
            return 1;
        }
    }
    return 0;
}

static uint64_t splitmix64(uint64_t *state)
{
    uint64_t z = (*state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

/* Parses "0-9,100,200-" style lists against `count` items into `mark`. */
static int parse_indices(const char *list, size_t count, const char *what,
                         uint8_t *mark)
{
    const char *p = list;
    while (*p) {
        char *end;
        errno = 0;
        if (!isdigit((unsigned char)*p))
            goto bad;
        unsigned long long a = strtoull(p, &end, 10), b = a;
        if (errno)
            goto bad;
        p = end;
        if (*p == '-') {
            p++;
            if (isdigit((unsigned char)*p)) {
                b = strtoull(p, &end, 10);
                if (errno || b < a)
                    goto bad;
                p = end;
            } else {
                b = count ? count - 1 : 0; /* "100-": to the end */
                if (!count || a > b) {
                    cli_error("%s: index %llu is out of range (%zu images)",
                              what, a, count);
                    return 0;
                }
            }
        }
        if (b >= count) {
            cli_error("%s: index %llu is out of range: %zu images, 0 to %zu",
                      what, b, count, count ? count - 1 : 0);
            return 0;
        }
        for (unsigned long long i = a; i <= b; i++)
            mark[i] = 1;
        if (*p == ',')
            p++;
        else if (*p)
            goto bad;
    }
    return 1;
bad:
    cli_error("%s: '%s' is not a list of indices and ranges such as 0-9,100",
              what, list);
    return 0;
}

static int by_index(const void *a, const void *b)
{
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    return x < y ? -1 : x > y;
}

int cli_select_resolve(const cli_select *s, const fmn_split *sp,
                       const char *what, size_t **out, size_t *nout)
{
    *out = NULL;
    *nout = 0;
    size_t count = fmn_split_count(sp);
    const uint8_t *labels = fmn_split_labels(sp);
    uint8_t *mark = calloc(count ? count : 1, 1);
    size_t *idx = malloc((count ? count : 1) * sizeof *idx);
    if (!mark || !idx) {
        cli_error("out of memory");
        free(mark);
        free(idx);
        return 0;
    }
    if (s->index_list) {
        if (!parse_indices(s->index_list, count, what, mark))
            goto fail;
    } else {
        memset(mark, 1, count);
    }
    if (s->nclass_args) {
        uint8_t want[256] = {0};
        for (size_t i = 0; i < s->nclass_args; i++) {
            /* each argument may itself be a comma-separated list */
            char buf[256];
            snprintf(buf, sizeof buf, "%s", s->class_args[i]);
            for (char *save = NULL, *tok = strtok_r(buf, ",", &save); tok;
                 tok = strtok_r(NULL, ",", &save)) {
                unsigned k;
                if (!class_of(sp, tok, &k)) {
                    cli_error("%s: no class '%s' (classes are 0 to %u%s)", what,
                              tok, fmn_split_num_classes(sp) - 1,
                              fmn_split_class_name(sp, 0)
                                  ? ", or their names"
                                  : "; this dataset's classes have no names");
                    goto fail;
                }
                want[k] = 1;
            }
        }
        for (size_t i = 0; i < count; i++)
            mark[i] &= want[labels[i]];
    }
    size_t n = 0;
    size_t taken[256] = {0};
    for (size_t i = 0; i < count; i++)
        if (mark[i] && (!s->per_class || taken[labels[i]]++ < s->per_class))
            idx[n++] = i;
    if (s->sample && s->sample < n) {
        /* partial Fisher-Yates with splitmix64: the same sample for the
         * same seed everywhere */
        uint64_t state = s->seed;
        for (size_t i = 0; i < s->sample; i++) {
            size_t j = i + (size_t)(splitmix64(&state) % (n - i));
            size_t t = idx[i];
            idx[i] = idx[j];
            idx[j] = t;
        }
        n = s->sample;
        qsort(idx, n, sizeof *idx, by_index); /* tidy output order */
    }
    free(mark);
    *out = idx;
    *nout = n;
    return 1;
fail:
    free(mark);
    free(idx);
    return 0;
}
