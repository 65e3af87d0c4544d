/* cli_select.c - choosing images on the command line: the options and the
 * index-list syntax are here; every rule (classes by name or number, the
 * first N per class, a seeded sample, range checks) is the library's. */
#define _POSIX_C_SOURCE 200809L
#include "cli_select.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

cli_opt_result cli_select_option(const char *cmd, int c, const char *arg,
                                 cli_select *s)
{
    unsigned long long n;
    switch (c) {
    case OPT_INDEX:
        s->index_list = arg;
        return CLI_OPT_TAKEN;
    case OPT_CLASS:
        if (s->nclass_args == CLI_MAX_CLASS_ARGS) {
            cli_usage(cmd, "--class: at most %d", CLI_MAX_CLASS_ARGS);
            return CLI_OPT_BAD;
        }
        s->class_args[s->nclass_args++] = arg;
        return CLI_OPT_TAKEN;
    case OPT_PER_CLASS:
        if (!cli_parse_uint(arg, 1, 1000000, &n)) {
            cli_usage(cmd, "--per-class: '%s' is not a number from 1", arg);
            return CLI_OPT_BAD;
        }
        s->per_class = (size_t)n;
        return CLI_OPT_TAKEN;
    case OPT_SAMPLE:
        if (!cli_parse_uint(arg, 1, 100000000, &n)) {
            cli_usage(cmd, "--sample: '%s' is not a number from 1", arg);
            return CLI_OPT_BAD;
        }
        s->sample = (size_t)n;
        return CLI_OPT_TAKEN;
    case OPT_SEED:
        if (!cli_parse_uint(arg, 0, UINT64_MAX, &n)) {
            cli_usage(cmd, "--seed: '%s' is not a whole number", arg);
            return CLI_OPT_BAD;
        }
        s->seed = n;
        return CLI_OPT_TAKEN;
    case OPT_ALL:
        s->all = 1;
        return CLI_OPT_TAKEN;
    default:
        return CLI_OPT_OTHER;
    }
}

int cli_select_check(const char *cmd, cli_select *s)
{
    if (s->all && (s->index_list || s->nclass_args || s->per_class ||
                   s->sample))
        return cli_usage(cmd, "--all chooses every image: drop it, or the "
                              "other choices");
    /* --per-class K --sample K: K at random of each class */
    if (s->per_class && s->sample) {
        if (s->per_class != s->sample)
            return cli_usage(cmd, "--per-class %zu with --sample %zu: give "
                                  "both the same K for K images at random "
                                  "of each class", s->per_class, s->sample);
        s->sample_per_class = 1;
    }
    return EXIT_OK;
}

int cli_select_given(const cli_select *s)
{
    return s->index_list || s->nclass_args || s->per_class || s->sample ||
           s->all;
}

int cli_parse_list(const char *list, const fmn_split *sp,
                   int (*range)(void *ctx, size_t first, size_t last),
                   void *ctx)
{
    const char *p = list;
    size_t count = fmn_split_count(sp);
    if (!*p)
        return 0;
    while (*p) {
        char *end;
        if (!isdigit((unsigned char)*p))
            return 0;
        errno = 0;
        unsigned long long a = strtoull(p, &end, 10), b = a;
        if (errno)
            return 0;
        p = end;
        if (*p == '-') {
            p++;
            if (isdigit((unsigned char)*p)) {
                b = strtoull(p, &end, 10);
                if (errno || b < a)
                    return 0;
                p = end;
            } else {
                b = count ? count - 1 : 0; /* "100-": to the end */
                if (a > b)
                    b = a;
            }
        }
        if (a > SIZE_MAX || b > SIZE_MAX - 1)
            return 0;
        fmn_error err;
        if (sp && fmn_split_check_items(sp, fmn_items_range(a, b - a + 1),
                                        &err) != FMN_OK) {
            cli_error("%s", err.message);
            return -1;
        }
        if (!range(ctx, a, b))
            return -1;
        if (*p == ',' && p[1])
            p++;
        else if (*p)
            return 0;
    }
    return 1;
}

/* Marks [first, last], which the library checked is inside the split. */
static int mark_range(void *ctx, size_t first, size_t last)
{
    memset((uint8_t *)ctx + first, 1, last - first + 1);
    return 1;
}

/* The --index list as ascending items; 0 after a message. */
static int indices(const cli_select *s, const fmn_split *sp, const char *what,
                   uint32_t *out, size_t *n)
{
    size_t count = fmn_split_count(sp);
    *n = 0;
    if (!s->index_list) {
        for (size_t i = 0; i < count; i++)
            out[(*n)++] = (uint32_t)i;
        return 1;
    }
    uint8_t *mark = calloc(count ? count : 1, 1);
    if (!mark) {
        cli_error("out of memory");
        return 0;
    }
    int r = cli_parse_list(s->index_list, sp, mark_range, mark);
    if (r == 0)
        cli_error("%s: '%s' is not a list of indices and ranges such as "
                  "0-9,100", what, s->index_list);
    for (size_t i = 0; r > 0 && i < count; i++)
        if (mark[i])
            out[(*n)++] = (uint32_t)i;
    free(mark);
    return r > 0;
}

/* The labels named by the --class arguments (each may be a comma list). */
static int classes(const cli_select *s, const fmn_split *sp,
                   unsigned *labels, size_t *n)
{
    *n = 0;
    for (size_t i = 0; i < s->nclass_args; i++) {
        char buf[256];
        snprintf(buf, sizeof buf, "%s", s->class_args[i]);
        for (char *save = NULL, *tok = strtok_r(buf, ",", &save); tok;
             tok = strtok_r(NULL, ",", &save)) {
            fmn_error err;
            if (*n == 256 ||
                fmn_split_find_class(sp, tok, &labels[*n], &err) != FMN_OK) {
                cli_error("%s", *n == 256 ? "--class: too many" : err.message);
                return 0;
            }
            ++*n;
        }
    }
    return 1;
}

/* One library selection applied to the list: list[0 .. *n) becomes its
 * result (which is never longer). */
typedef fmn_status (*select_fn)(const fmn_split *sp, fmn_items from,
                                const cli_select *s, const unsigned *labels,
                                size_t nlabels, uint32_t *out, size_t cap,
                                size_t *total, fmn_error *err);

static fmn_status by_class(const fmn_split *sp, fmn_items from,
                           const cli_select *s, const unsigned *labels,
                           size_t nlabels, uint32_t *out, size_t cap,
                           size_t *total, fmn_error *err)
{
    (void)s;
    return fmn_select_classes(sp, from, labels, nlabels, out, cap, total, err);
}

static fmn_status per_class(const fmn_split *sp, fmn_items from,
                            const cli_select *s, const unsigned *labels,
                            size_t nlabels, uint32_t *out, size_t cap,
                            size_t *total, fmn_error *err)
{
    (void)labels, (void)nlabels;
    return fmn_select_first_per_class(sp, from, s->per_class, out, cap, total,
                                      err);
}

static fmn_status sample_per_class(const fmn_split *sp, fmn_items from,
                                   const cli_select *s, const unsigned *labels,
                                   size_t nlabels, uint32_t *out, size_t cap,
                                   size_t *total, fmn_error *err)
{
    (void)labels, (void)nlabels;
    return fmn_select_sample_per_class(sp, from, s->per_class, s->seed, out,
                                       cap, total, err);
}

static fmn_status sample(const fmn_split *sp, fmn_items from,
                         const cli_select *s, const unsigned *labels,
                         size_t nlabels, uint32_t *out, size_t cap,
                         size_t *total, fmn_error *err)
{
    (void)labels, (void)nlabels;
    return fmn_select_sample(sp, from, s->sample, s->seed, out, cap, total,
                             err);
}

static int apply(select_fn fn, const fmn_split *sp, const cli_select *s,
                 const unsigned *labels, size_t nlabels, uint32_t **list,
                 size_t *n)
{
    uint32_t *out = malloc((*n ? *n : 1) * sizeof *out);
    size_t total;
    fmn_error err;
    if (!out) {
        cli_error("out of memory");
        return 0;
    }
    if (fn(sp, fmn_items_list(*list, *n), s, labels, nlabels, out, *n,
           &total, &err) != FMN_OK) {
        cli_error("%s", err.message);
        free(out);
        return 0;
    }
    free(*list);
    *list = out;
    *n = total;
    return 1;
}

int cli_select_resolve(const cli_select *s, const fmn_split *sp,
                       const char *what, uint32_t **out, size_t *nout)
{
    *out = NULL;
    *nout = 0;
    size_t count = fmn_split_count(sp), n;
    uint32_t *list = malloc((count ? count : 1) * sizeof *list);
    unsigned labels[256];
    size_t nlabels;
    if (!list) {
        cli_error("out of memory");
        return 0;
    }
    int ok = indices(s, sp, what, list, &n) && classes(s, sp, labels, &nlabels);
    if (ok && s->nclass_args)
        ok = apply(by_class, sp, s, labels, nlabels, &list, &n);
    if (ok && s->sample_per_class)
        ok = apply(sample_per_class, sp, s, labels, nlabels, &list, &n);
    else if (ok && s->per_class)
        ok = apply(per_class, sp, s, labels, nlabels, &list, &n);
    if (ok && s->sample && !s->sample_per_class) {
        if (s->sample > n)
            cli_error("note: %s: --sample %zu, but the choice holds %zu "
                      "%s: all of them are taken", what, s->sample, n,
                      cli_plural(n, "image", "images"));
        ok = apply(sample, sp, s, labels, nlabels, &list, &n);
    }
    if (!ok) {
        free(list);
        return 0;
    }
    *out = list;
    *nout = n;
    return 1;
}
