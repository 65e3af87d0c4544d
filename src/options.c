/* options.c - the options structs that grow: each begins with its size as
 * its caller was compiled with (struct_size, set by its *_init macro), and
 * the library reads the fields that size covers, the rest keeping their
 * defaults; a larger size is a newer caller's, accepted when all it adds
 * is 0 (fmnist.h, before fmn_options). */
#include "internal.h"

#include <stddef.h>
#include <string.h>

/* The sizes a struct of these fields can have for a caller compiled with
 * a header that ended with one of them: each field's end, or that rounded
 * up to the struct's alignment (its padding). */
static int size_known(size_t n, const size_t *ends, size_t count,
                      size_t align)
{
    for (size_t i = 0; i < count; i++)
        if (n == ends[i] || n == (ends[i] + align - 1) / align * align)
            return 1;
    return 0;
}

/* Copies the caller's struct (its struct_size at offset 0) over the
 * defaults in *out (`full` bytes), or says why it cannot. */
static fmn_status take(const void *in, void *out, size_t full,
                       const size_t *ends, size_t count, size_t align,
                       const char *what, fmn_error *err)
{
    size_t n;
    memcpy(&n, in, sizeof n);
    if (n > full) { /* a newer caller's: what this library does not know
                       must be unset */
        const unsigned char *extra = (const unsigned char *)in + full;
        for (size_t i = 0; i < n - full; i++)
            if (extra[i])
                return fmni_fail(err, FMN_ERR_INVALID_ARGUMENT, "libfmnist",
                                 FMN_NO_OFFSET, 0,
                                 "%s: a struct of %zu bytes (a newer "
                                 "header's) sets byte %zu, past the %zu "
                                 "this library knows: it cannot honour "
                                 "that option",
                                 what, n, full + i, full);
        n = full;
    } else if (n == 0) {
        return fmni_fail(err, FMN_ERR_INVALID_ARGUMENT, "libfmnist",
                         FMN_NO_OFFSET, 0,
                         "%s: struct_size is 0: set it with the struct's "
                         "_init() first",
                         what);
    } else if (!size_known(n, ends, count, align)) {
        return fmni_fail(err, FMN_ERR_INVALID_ARGUMENT, "libfmnist",
                         FMN_NO_OFFSET, 0,
                         "%s: struct_size %zu is no size this struct ever "
                         "had (set it with the struct's _init())",
                         what, n);
    }
    memcpy(out, in, n);
    memcpy(out, &full, sizeof full); /* now a whole one */
    return FMN_OK;
}

/* Writes the defaults (`full` bytes of them) over the caller's struct of
 * struct_size bytes, no byte past it, 0 in what this library does not
 * know, and its size first. */
static void init(void *opt, size_t struct_size, const void *defaults,
                 size_t full)
{
    if (!opt || struct_size < sizeof(size_t))
        return;
    memset(opt, 0, struct_size);
    memcpy(opt, defaults, struct_size < full ? struct_size : full);
    memcpy(opt, &struct_size, sizeof struct_size);
}

#define END(type, field) (offsetof(type, field) + sizeof(((type *)0)->field))
#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* ---- fmn_options ---------------------------------------------------------- */

static const fmn_options OPTIONS_DEFAULT = {.max_bytes = FMN_DEFAULT_MAX_BYTES};
static const size_t OPTIONS_ENDS[] = {
    END(fmn_options, max_bytes),  END(fmn_options, num_classes),
    END(fmn_options, dataset),    END(fmn_options, map_raw),
    END(fmn_options, report),     END(fmn_options, report_ctx),
    END(fmn_options, threads),    END(fmn_options, hash_gz),
    END(fmn_options, upright),    END(fmn_options, alloc)};

void fmn_options_init_sized(fmn_options *opt, size_t struct_size)
{
    init(opt, struct_size, &OPTIONS_DEFAULT, sizeof OPTIONS_DEFAULT);
}

fmn_status fmni_options_take(const fmn_options *in, fmn_options *out,
                             fmn_error *err)
{
    fmn_options_init_sized(out, sizeof *out);
    fmn_status st = in ? take(in, out, sizeof *out, OPTIONS_ENDS,
                              COUNT(OPTIONS_ENDS), _Alignof(fmn_options),
                              "fmn_options", err)
                       : FMN_OK;
    if (out->max_bytes == 0)
        out->max_bytes = FMN_DEFAULT_MAX_BYTES;
    const fmn_allocator *a = &out->alloc;
    int set = (a->alloc != NULL) + (a->realloc != NULL) + (a->free != NULL);
    if (st == FMN_OK && set != 0 && set != 3)
        st = fmni_fail(err, FMN_ERR_INVALID_ARGUMENT, "libfmnist",
                       FMN_NO_OFFSET, 0,
                       "fmn_options.alloc: %d of its alloc, realloc and free "
                       "set: set all three, or none (malloc's)",
                       set);
    return st;
}

fmn_options fmni_options(const fmn_options *taken)
{
    fmn_options o;
    if (taken)
        return *taken;
    fmn_options_init_sized(&o, sizeof o);
    return o;
}

/* ---- fmn_knn_options ------------------------------------------------------ */

static const fmn_knn_options KNN_DEFAULT = {.k = 1};
static const size_t KNN_ENDS[] = {END(fmn_knn_options, k),
                                  END(fmn_knn_options, threads)};

void fmn_knn_options_init_sized(fmn_knn_options *opt, size_t struct_size)
{
    init(opt, struct_size, &KNN_DEFAULT, sizeof KNN_DEFAULT);
}

fmn_status fmni_knn_options_take(const fmn_knn_options *in,
                                 fmn_knn_options *out, fmn_error *err)
{
    fmn_knn_options_init_sized(out, sizeof *out);
    fmn_status st = in ? take(in, out, sizeof *out, KNN_ENDS,
                              COUNT(KNN_ENDS), _Alignof(fmn_knn_options),
                              "fmn_knn_options", err)
                       : FMN_OK;
    if (out->k == 0)
        out->k = 1;
    return st;
}

/* ---- fmn_batch_options ---------------------------------------------------- */

static const fmn_batch_options BATCH_DEFAULT = {.batch_size = 64};
static const size_t BATCH_ENDS[] = {
    END(fmn_batch_options, batch_size), END(fmn_batch_options, shuffle),
    END(fmn_batch_options, seed),       END(fmn_batch_options, drop_last),
    END(fmn_batch_options, views_only)};

void fmn_batch_options_init_sized(fmn_batch_options *opt, size_t struct_size)
{
    init(opt, struct_size, &BATCH_DEFAULT, sizeof BATCH_DEFAULT);
}

fmn_status fmni_batch_options_take(const fmn_batch_options *in,
                                   fmn_batch_options *out, fmn_error *err)
{
    fmn_batch_options_init_sized(out, sizeof *out);
    fmn_status st = in ? take(in, out, sizeof *out, BATCH_ENDS,
                              COUNT(BATCH_ENDS), _Alignof(fmn_batch_options),
                              "fmn_batch_options", err)
                       : FMN_OK;
    if (out->batch_size == 0)
        out->batch_size = 64;
    return st;
}
