/* subset.c - choosing items: checks of item sets, selection by class,
 * first K per class, stratified validation splits. Index lists only: no
 * pixel is copied here. */
#include "internal.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

fmn_status fmni_items_check(fmn_items items, size_t n, const char *what,
                            fmn_error *err)
{
    if (items.indices) {
        for (size_t i = 0; i < items.count; i++)
            if (items.indices[i] >= n)
                return fmni_fail(err, FMN_ERR_RANGE, what, FMN_NO_OFFSET, 0,
                                 "item %zu of the list is index %lu, but "
                                 "there are only %zu items (0 to %zu)",
                                 i, (unsigned long)items.indices[i], n,
                                 n ? n - 1 : 0);
        return FMN_OK;
    }
    if (items.start > n || items.count > n - items.start) {
        if (n == 0)
            return fmni_fail(err, FMN_ERR_RANGE, what, FMN_NO_OFFSET, 0,
                             "item %zu asked, but it holds no items",
                             items.start);
        if (items.count == 1)
            return fmni_fail(err, FMN_ERR_RANGE, what, FMN_NO_OFFSET, 0,
                             "item %zu asked, but it holds %zu items (0 to "
                             "%zu)", items.start, n, n - 1);
        return fmni_fail(err, FMN_ERR_RANGE, what, FMN_NO_OFFSET, 0,
                         "items %zu to %zu asked, but it holds %zu items",
                         items.start, items.start + items.count - 1, n);
    }
    return FMN_OK;
}

fmn_status fmni_split_items_check(const fmn_split *split, fmn_items items,
                                  const char *what, fmn_error *err)
{
    fmn_status st = fmni_items_check(items, fmn_split_count(split), what,
                                     err);
    if (st == FMN_OK && items.count > UINT32_MAX)
        st = fmni_fail(err, FMN_ERR_INVALID_ARGUMENT, what, FMN_NO_OFFSET, 0,
                       "%zu items, more than the 4294967295 one call takes",
                       items.count);
    return st;
}

fmn_status fmn_split_check_items(const fmn_split *split, fmn_items items,
                                 fmn_error *err)
{
    fmni_clear(err);
    if (!split)
        return fmni_bad_argument(err);
    const fmn_file_info *fi = fmn_split_file(split, FMN_FILE_IMAGES);
    return fmni_split_items_check(split, items, fi->path, err);
}

fmn_status fmni_out_check(size_t need, size_t cap, const char *what,
                          fmn_error *err)
{
    if (cap < need)
        return fmni_fail(err, FMN_ERR_BUFFER_TOO_SMALL, what, FMN_NO_OFFSET,
                         0, "the output needs room for %zu values; the "
                         "buffer holds %zu", need, cap);
    return FMN_OK;
}

/* Checks the common arguments of the selections. */
static fmn_status check_select(const fmn_split *split, fmn_items from,
                               size_t *total, const char *what,
                               fmn_error *err)
{
    fmni_clear(err);
    if (total)
        *total = 0;
    if (!split || !total)
        return fmni_bad_argument(err);
    return fmni_split_items_check(split, from, what, err);
}

fmn_status fmn_select_class(const fmn_split *split, fmn_items from,
                            unsigned label, uint32_t *out, size_t cap,
                            size_t *total, fmn_error *err)
{
    fmn_status st = check_select(split, from, total, "fmn_select_class", err);
    if (st != FMN_OK)
        return st;
    const uint8_t *labels = fmn_split_labels(split);
    size_t n = 0;
    for (size_t i = 0; i < from.count; i++) {
        size_t item = fmn_items_at(from, i);
        if (labels[item] != label)
            continue;
        if (out && n < cap)
            out[n] = (uint32_t)item;
        n++;
    }
    *total = n;
    return out ? fmni_out_check(n, cap, "fmn_select_class", err) : FMN_OK;
}

fmn_status fmn_select_first_per_class(const fmn_split *split, fmn_items from,
                                      size_t k, uint32_t *out, size_t cap,
                                      size_t *total, fmn_error *err)
{
    fmn_status st = check_select(split, from, total,
                                 "fmn_select_first_per_class", err);
    if (st != FMN_OK)
        return st;
    const uint8_t *labels = fmn_split_labels(split);
    size_t taken[256] = {0};
    size_t n = 0;
    for (size_t i = 0; i < from.count; i++) {
        size_t item = fmn_items_at(from, i);
        if (taken[labels[item]] >= k)
            continue;
        taken[labels[item]]++;
        if (out && n < cap)
            out[n] = (uint32_t)item;
        n++;
    }
    *total = n;
    return out ? fmni_out_check(n, cap, "fmn_select_first_per_class", err)
               : FMN_OK;
}

/* The labels of the split's classes: first .. end - 1 (labels are bytes). */
typedef struct span {
    unsigned first, end;
} span;

static span classes_of(const fmn_split *split)
{
    span c = {fmn_split_first_label(split), 0};
    unsigned n = fmn_split_num_classes(split);
    c.end = n > 256 - c.first ? 256 : c.first + n;
    return c;
}

/* For each class c of `classes`, the positions in `from` of its items
 * shuffled by fmn_shuffle with fmn_rng_seed(seed, c), and the first k of
 * them (all, when it has fewer) flagged in chosen[]. */
static fmn_status choose_per_class(const fmn_split *split, fmn_items from,
                                   span classes, size_t k, uint64_t seed,
                                   uint8_t *chosen, const char *what,
                                   fmn_error *err)
{
    const uint8_t *labels = fmn_split_labels(split);
    size_t count[256] = {0};
    for (size_t i = 0; i < from.count; i++)
        count[labels[fmn_items_at(from, i)]]++;
    /* positions in `from`, grouped by class (stable) */
    uint32_t *pos = malloc((from.count ? from.count : 1) * sizeof *pos);
    if (!pos)
        return fmni_fail(err, FMN_ERR_NOMEM, what, FMN_NO_OFFSET, 0,
                         "no memory for %zu indices", from.count);
    size_t begin[257];
    begin[0] = 0;
    for (unsigned c = 0; c < 256; c++)
        begin[c + 1] = begin[c] + count[c];
    size_t fill[256];
    memcpy(fill, begin, sizeof fill);
    for (size_t i = 0; i < from.count; i++)
        pos[fill[labels[fmn_items_at(from, i)]]++] = (uint32_t)i;
    for (unsigned c = classes.first; c < classes.end; c++) {
        fmn_rng rng;
        fmn_rng_seed(&rng, seed, c);
        (void)fmn_shuffle(pos + begin[c], count[c], &rng, NULL);
        for (size_t j = 0; j < k && j < count[c]; j++)
            chosen[pos[begin[c] + j]] = 1;
    }
    free(pos);
    return FMN_OK;
}

fmn_status fmn_select_sample_per_class(const fmn_split *split, fmn_items from,
                                       size_t k, uint64_t seed, uint32_t *out,
                                       size_t cap, size_t *total,
                                       fmn_error *err)
{
    const char *what = "fmn_select_sample_per_class";
    fmn_status st = check_select(split, from, total, what, err);
    if (st != FMN_OK)
        return st;
    uint8_t *chosen = calloc(from.count ? from.count : 1, 1);
    if (!chosen)
        return fmni_fail(err, FMN_ERR_NOMEM, what, FMN_NO_OFFSET, 0,
                         "no memory for %zu flags", from.count);
    st = choose_per_class(split, from, classes_of(split), k, seed, chosen,
                          what, err);
    size_t n = 0;
    for (size_t i = 0; st == FMN_OK && i < from.count; i++)
        if (chosen[i]) {
            if (out && n < cap)
                out[n] = (uint32_t)fmn_items_at(from, i);
            n++;
        }
    free(chosen);
    if (st != FMN_OK)
        return st;
    *total = n;
    return out ? fmni_out_check(n, cap, what, err) : FMN_OK;
}

fmn_status fmn_select_stratified(const fmn_split *split, fmn_items from,
                                 size_t per_class, uint64_t seed,
                                 uint32_t *val, size_t val_cap,
                                 uint32_t *rest, size_t rest_cap,
                                 fmn_error *err)
{
    const char *what = "fmn_select_stratified";
    size_t unused;
    fmn_status st = check_select(split, from, &unused, what, err);
    if (st != FMN_OK)
        return st;
    if (!val && per_class > 0)
        return fmni_bad_argument(err);
    const uint8_t *labels = fmn_split_labels(split);
    span classes = classes_of(split);
    if (classes.end <= classes.first)
        return fmni_bad_argument(err);
    size_t count[256] = {0};
    for (size_t i = 0; i < from.count; i++)
        count[labels[fmn_items_at(from, i)]]++;
    for (unsigned c = classes.first; c < classes.end; c++)
        if (count[c] < per_class)
            return fmni_fail(err, FMN_ERR_RANGE, what, FMN_NO_OFFSET, 0,
                             "class %u has %zu items; %zu per class were "
                             "asked for validation", c, count[c], per_class);
    size_t ncls = classes.end - classes.first;
    if (per_class > SIZE_MAX / ncls)
        return fmni_bad_argument(err);
    size_t nval = per_class * ncls;
    if ((st = fmni_out_check(nval, val_cap, what, err)) != FMN_OK)
        return st;
    if (rest && (st = fmni_out_check(from.count - nval, rest_cap, what,
                                     err)) != FMN_OK)
        return st;
    if (from.count == 0)
        return FMN_OK;
    /* the validation items are the sample of per_class of each class */
    uint8_t *chosen = calloc(from.count, 1);
    if (!chosen)
        return fmni_fail(err, FMN_ERR_NOMEM, what, FMN_NO_OFFSET, 0,
                         "no memory for %zu flags", from.count);
    st = choose_per_class(split, from, classes, per_class, seed, chosen, what,
                          err);
    size_t nv = 0, nr = 0;
    for (size_t i = 0; st == FMN_OK && i < from.count; i++) {
        uint32_t item = (uint32_t)fmn_items_at(from, i);
        if (chosen[i])
            val[nv++] = item;
        else if (rest)
            rest[nr++] = item;
    }
    free(chosen);
    return st;
}

fmn_status fmn_select_classes(const fmn_split *split, fmn_items from,
                              const unsigned *labels, size_t nlabels,
                              uint32_t *out, size_t cap, size_t *total,
                              fmn_error *err)
{
    const char *what = "fmn_select_classes";
    fmn_status st = check_select(split, from, total, what, err);
    if (st != FMN_OK)
        return st;
    if (!labels && nlabels > 0)
        return fmni_bad_argument(err);
    uint8_t want[256] = {0};
    for (size_t i = 0; i < nlabels; i++)
        if (labels[i] < 256)
            want[labels[i]] = 1;
    const uint8_t *lab = fmn_split_labels(split);
    size_t n = 0;
    for (size_t i = 0; i < from.count; i++) {
        size_t item = fmn_items_at(from, i);
        if (!want[lab[item]])
            continue;
        if (out && n < cap)
            out[n] = (uint32_t)item;
        n++;
    }
    *total = n;
    return out ? fmni_out_check(n, cap, what, err) : FMN_OK;
}

fmn_status fmn_select_sample(const fmn_split *split, fmn_items from, size_t k,
                             uint64_t seed, uint32_t *out, size_t cap,
                             size_t *total, fmn_error *err)
{
    const char *what = "fmn_select_sample";
    fmn_status st = check_select(split, from, total, what, err);
    if (st != FMN_OK)
        return st;
    size_t n = k < from.count ? k : from.count;
    *total = n;
    if (!out)
        return FMN_OK;
    if ((st = fmni_out_check(n, cap, what, err)) != FMN_OK)
        return st;
    if (n == from.count) { /* all of them, in order */
        for (size_t i = 0; i < n; i++)
            out[i] = (uint32_t)fmn_items_at(from, i);
        return FMN_OK;
    }
    /* the first n of the permutation for (seed, 0), put back in order */
    uint32_t *perm = malloc(from.count * sizeof *perm);
    uint8_t *chosen = calloc(from.count, 1);
    if (!perm || !chosen) {
        free(perm);
        free(chosen);
        return fmni_fail(err, FMN_ERR_NOMEM, what, FMN_NO_OFFSET, 0,
                         "no memory for %zu indices", from.count);
    }
    (void)fmn_permutation(perm, from.count, seed, 0, NULL);
    for (size_t i = 0; i < n; i++)
        chosen[perm[i]] = 1;
    for (size_t i = 0, m = 0; i < from.count; i++)
        if (chosen[i])
            out[m++] = (uint32_t)fmn_items_at(from, i);
    free(chosen);
    free(perm);
    return FMN_OK;
}

/* Whether `text` names class `name`: case aside, and spaces, '-', '_' and
 * '/' alike ("ankle boot", "Ankle-boot"), or a prefix of it that ends
 * where the name has a separator ("t-shirt" for "T-shirt/top"). */
static int names_class(const char *text, const char *name)
{
    const char *a = text, *b = name;
    for (;; a++, b++) {
        int ca = tolower((unsigned char)*a), cb = tolower((unsigned char)*b);
        if (ca && strchr(" -_/", ca))
            ca = '_';
        if (cb && strchr(" -_/", cb))
            cb = '_';
        if (!ca && (!cb || (cb == '_' && a > text)))
            return 1;
        if (ca != cb)
            return 0;
    }
}

fmn_status fmn_split_find_class(const fmn_split *split, const char *text,
                                unsigned *label, fmn_error *err)
{
    fmni_clear(err);
    if (!split || !text || !label)
        return fmni_bad_argument(err);
    span cls = classes_of(split);
    const char *p = text;
    unsigned long v = 0;
    while (*p >= '0' && *p <= '9' && v < 1000)
        v = v * 10 + (unsigned long)(*p++ - '0');
    if (p != text && !*p && v >= cls.first && v < cls.end) {
        *label = (unsigned)v;
        return FMN_OK;
    }
    /* a name exactly (EMNIST's "A" and "a" are two classes), then alike */
    for (int exact = 1; exact >= 0; exact--)
        for (unsigned c = cls.first; c < cls.end && *text; c++) {
            const char *name = fmn_split_class_name(split, c);
            if (name && (exact ? strcmp(text, name) == 0
                               : names_class(text, name))) {
                *label = c;
                return FMN_OK;
            }
        }
    const fmn_file_info *li = fmn_split_file(split, FMN_FILE_LABELS);
    return fmni_fail(err, FMN_ERR_BAD_LABEL, li ? li->path : "class",
                     FMN_NO_OFFSET, 0,
                     "no class '%s' (classes are %u to %u%s)", text,
                     cls.first, cls.end ? cls.end - 1 : 0,
                     fmn_split_class_name(split, cls.first)
                         ? ", or their names"
                         : "; this dataset's classes have no names");
}
