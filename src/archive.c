/* archive.c - files inside a zip archive, read in place by libzip: a path
 * ARCHIVE.zip/FOLDER/NAME names member FOLDER/NAME, listed as a folder's
 * entries are (listing.c) and read as a stream (a source with a read
 * function, source.c). Without libzip, such paths are refused. */
#define _POSIX_C_SOURCE 200809L
#include "internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifdef FMNIST_HAVE_LIBZIP
#include <zip.h>

/* Opens the archive that `path` starts with (its name's copy from heap;
 * libzip allocates with malloc, having no allocator hooks). */
static fmn_status open_archive(const char *path, size_t at,
                               const fmn_allocator *heap, zip_t **out,
                               fmn_error *err)
{
    char *file = fmni_strndup(heap, path, at); /* the archive's path */
    if (!file)
        return fmni_fail(err, FMN_ERR_NOMEM, path, FMN_NO_OFFSET, 0,
                         "out of memory for an archive");
    int code = 0;
    *out = zip_open(file, ZIP_RDONLY, &code);
    fmn_status st = FMN_OK;
    if (!*out) {
        zip_error_t ze;
        zip_error_init_with_code(&ze, code);
        st = fmni_fail(err, code == ZIP_ER_MEMORY ? FMN_ERR_NOMEM : FMN_ERR_IO,
                       file, FMN_NO_OFFSET, 0, "cannot read the zip archive: %s",
                       zip_error_strerror(&ze));
        zip_error_fini(&ze);
    }
    fmni_free(heap, file);
    return st;
}

/* The folder inside the archive that `path` names, as a member-name
 * prefix: "" for the archive itself, else "FOLDER/". */
static char *inner_prefix(const char *path, size_t at,
                          const fmn_allocator *heap)
{
    const char *in = path + at;
    while (*in == '/')
        in++;
    size_t n = strlen(in);
    while (n && in[n - 1] == '/')
        n--;
    char *p = fmni_malloc(heap, n + 2);
    if (p) {
        memcpy(p, in, n);
        p[n] = '/';
        p[n ? n + 1 : 0] = '\0';
    }
    return p;
}

fmn_status fmni_archive_list(const char *path, size_t at, fmni_listing *out,
                             fmn_error *err)
{
    zip_t *za;
    fmn_status st = open_archive(path, at, &out->heap, &za, err);
    if (st != FMN_OK)
        return st;
    char *prefix = inner_prefix(path, at, &out->heap);
    if (!prefix) {
        zip_discard(za);
        return fmni_fail(err, FMN_ERR_NOMEM, path, FMN_NO_OFFSET, 0,
                         "out of memory for an archive");
    }
    size_t plen = strlen(prefix);
    zip_int64_t n = zip_get_num_entries(za, 0);
    int seen = plen == 0;
    for (zip_int64_t i = 0; st == FMN_OK && i < n; i++) {
        const char *name = zip_get_name(za, (zip_uint64_t)i, 0);
        if (!name || strncmp(name, prefix, plen) != 0)
            continue;
        seen = 1;
        const char *rest = name + plen, *slash = strchr(rest, '/');
        size_t len = slash ? (size_t)(slash - rest) : strlen(rest);
        if (len == 0)
            continue; /* the folder's own entry */
        int dup = 0; /* a folder is listed once, however many members */
        for (size_t k = 0; slash && k < out->n && !dup; k++)
            dup = out->is_dir[k] && strlen(out->names[k]) == len &&
                  strncmp(out->names[k], rest, len) == 0;
        if (!dup && fmni_listing_add(out, rest, len, slash != NULL) != FMN_OK)
            st = fmni_fail(err, FMN_ERR_NOMEM, path, FMN_NO_OFFSET, 0,
                           "out of memory while scanning");
    }
    if (st == FMN_OK && !seen)
        st = fmni_fail(err, FMN_ERR_NOT_FOUND, path, FMN_NO_OFFSET, 0,
                       "no such folder in the archive");
    fmni_free(&out->heap, prefix);
    zip_discard(za);
    return st;
}

int fmni_archive_is_folder(const char *path, size_t at)
{
    fmni_listing l;
    memset(&l, 0, sizeof l);
    int ok = fmni_archive_list(path, at, &l, NULL) == FMN_OK;
    fmni_listing_free(&l);
    return ok;
}

/* An open member, read by source.c through these functions. */
typedef struct member {
    zip_t *za;
    zip_file_t *zf;
    fmn_allocator heap; /* what it came from */
    char why[160];
} member;

static long member_read(void *ctx, void *buf, size_t n)
{
    member *m = ctx;
    zip_int64_t r = zip_fread(m->zf, buf, n);
    if (r < 0)
        snprintf(m->why, sizeof m->why, "the file is damaged in the zip "
                 "archive (%s)", zip_error_strerror(zip_file_get_error(m->zf)));
    return (long)r;
}

static const char *member_error(void *ctx)
{
    return ((member *)ctx)->why;
}

static void member_close(void *ctx)
{
    member *m = ctx;
    if (m->zf)
        zip_fclose(m->zf);
    zip_discard(m->za);
    fmn_allocator heap = m->heap;
    fmni_free(&heap, m);
}

fmn_status fmni_archive_open_member(fmni_src *src, const char *path,
                                    size_t at, fmn_error *err)
{
    fmn_allocator heap = src->heap; /* src is cleared when it opens */
    member *m = fmni_calloc(&heap, 1, sizeof *m);
    if (!m)
        return fmni_fail(err, FMN_ERR_NOMEM, path, FMN_NO_OFFSET, 0,
                         "out of memory for an archive");
    m->heap = heap;
    fmn_status st = open_archive(path, at, &heap, &m->za, err);
    if (st != FMN_OK) {
        fmni_free(&heap, m);
        return st;
    }
    const char *name = path + at;
    while (*name == '/')
        name++;
    zip_stat_t sb;
    zip_int64_t i = zip_name_locate(m->za, name, 0);
    if (i < 0 || zip_stat_index(m->za, (zip_uint64_t)i, 0, &sb) != 0) {
        member_close(m);
        return fmni_fail(err, FMN_ERR_NOT_FOUND, path, FMN_NO_OFFSET, 0,
                         "no such file in the archive");
    }
    if ((sb.valid & ZIP_STAT_NAME) && sb.name[strlen(sb.name) - 1] == '/') {
        member_close(m);
        return fmni_fail(err, FMN_ERR_IS_DIRECTORY, path, FMN_NO_OFFSET, 0,
                         "is a folder in the archive, expected an IDX file");
    }
    m->zf = zip_fopen_index(m->za, (zip_uint64_t)i, 0);
    if (!m->zf) {
        st = fmni_fail(err, FMN_ERR_IO, path, FMN_NO_OFFSET, 0,
                       "cannot read the file in the archive: %s",
                       zip_strerror(m->za));
        member_close(m);
        return st;
    }
    fmni_read_fn fn = {member_read, member_error, member_close, m};
    return fmni_src_open_fn(src, &fn, path, &heap, err);
}

#else /* no libzip */

static fmn_status no_zip(const char *path, size_t at, fmn_error *err)
{
    return fmni_fail(err, FMN_ERR_UNSUPPORTED, path, FMN_NO_OFFSET, 0,
                     "is inside the zip archive %.*s, and this build reads no "
                     "zip archives (it was built without libzip): unpack it "
                     "with unzip",
                     (int)at, path);
}

fmn_status fmni_archive_list(const char *path, size_t at, fmni_listing *out,
                             fmn_error *err)
{
    (void)out;
    return no_zip(path, at, err);
}

int fmni_archive_is_folder(const char *path, size_t at)
{
    (void)path;
    (void)at;
    return 0;
}

fmn_status fmni_archive_open_member(fmni_src *src, const char *path,
                                    size_t at, fmn_error *err)
{
    (void)src;
    return no_zip(path, at, err);
}

#endif
