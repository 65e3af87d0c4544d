/* listing.c - what a folder holds, whether it is a folder on disk or one
 * inside a zip archive (archive.c), so that a dataset is found the same
 * way in both. */
#define _POSIX_C_SOURCE 200809L
#include "internal.h"
#include "file.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#ifdef _WIN32
#ifndef WIN32_LEAN_AND_MEAN
#define WIN32_LEAN_AND_MEAN
#endif
#include <windows.h>

#include "winpath.h"
#else
#include <dirent.h>
#endif

void fmni_listing_free(fmni_listing *l)
{
    for (size_t i = 0; i < l->n; i++)
        fmni_free(&l->heap, l->names[i]);
    fmni_free(&l->heap, l->names);
    fmni_free(&l->heap, l->is_dir);
    fmn_allocator heap = l->heap;
    memset(l, 0, sizeof *l);
    l->heap = heap;
}

fmn_status fmni_listing_add(fmni_listing *l, const char *name, size_t len,
                            int is_dir)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 16;
        char **names = cap <= SIZE_MAX / sizeof *names
                           ? fmni_realloc(&l->heap, l->names,
                                          cap * sizeof *names)
                           : NULL;
        if (names)
            l->names = names;
        unsigned char *dirs = names ? fmni_realloc(&l->heap, l->is_dir, cap)
                                    : NULL;
        if (!dirs)
            return FMN_ERR_NOMEM;
        l->is_dir = dirs;
        l->cap = cap;
    }
    char *copy = fmni_strndup(&l->heap, name, len);
    if (!copy)
        return FMN_ERR_NOMEM;
    l->names[l->n] = copy;
    l->is_dir[l->n++] = (unsigned char)is_dir;
    return FMN_OK;
}

int fmni_is_archive(const char *path)
{
    int fd = fmni_file_open_read(path);
    if (fd < 0)
        return 0;
    unsigned char m[4];
    long r = fmni_file_pread(fd, m, 4, 0);
    fmni_file_close(fd);
    /* a zip's first local header, or the end record of an empty one */
    return r == 4 && m[0] == 'P' && m[1] == 'K' &&
           ((m[2] == 3 && m[3] == 4) || (m[2] == 5 && m[3] == 6));
}

size_t fmni_archive_prefix(const char *path)
{
    char p[4096]; /* PATH_MAX: a longer path opens nothing */
    size_t n = strlen(path);
    if (n >= sizeof p)
        return 0;
    memcpy(p, path, n + 1);
    size_t found = 0;
    for (size_t i = 1; i <= n && !found; i++) {
        if (!fmni_path_separator(p[i]) && p[i] != '\0')
            continue;
        char c = p[i];
        p[i] = '\0';
        fmni_stat st;
        int ok = fmni_path_stat(p, &st) == 0;
        p[i] = c;
        if (!ok)
            break;
        if (st.is_regular) {
            p[i] = '\0';
            found = fmni_is_archive(p) ? i : 0;
            break;
        }
    }
    return found;
}

/* What the entry `name` (nlen bytes) of the folder `path` is: 1 a folder
 * (a zip archive among them: a scan looks into it, and opens no file but
 * one whose name says .zip to find out), 0 a file, -1 neither or gone. */
static int entry_kind(fmni_listing *out, const char *path, const char *name,
                      size_t nlen, fmn_status *st)
{
    size_t plen = strlen(path);
    char *full = fmni_malloc(&out->heap, plen + nlen + 2);
    if (!full) {
        *st = FMN_ERR_NOMEM;
        return -1;
    }
    snprintf(full, plen + nlen + 2, "%s/%s", path, name);
    fmni_stat sb;
    int zip = nlen > 4 && strcasecmp(name + nlen - 4, ".zip") == 0;
    int kind = fmni_path_stat(full, &sb) != 0 ? -1
               : sb.is_dir                   ? 1
               : sb.is_regular ? (zip && fmni_is_archive(full))
                               : -1;
    fmni_free(&out->heap, full);
    return kind;
}

static fmn_status cannot_open(const char *path, int e, fmn_error *err)
{
    return fmni_fail(err,
                     e == ENOENT   ? FMN_ERR_NOT_FOUND
                     : e == ENOMEM ? FMN_ERR_NOMEM
                                   : FMN_ERR_IO,
                     path, FMN_NO_OFFSET, 0, "cannot open directory: %s",
                     strerror(e));
}

static fmn_status listed(const char *path, fmn_status st, int e,
                         fmn_error *err)
{
    if (st == FMN_ERR_NOMEM)
        return fmni_fail(err, st, path, FMN_NO_OFFSET, 0,
                         "out of memory while scanning");
    if (st == FMN_OK && e != 0)
        return fmni_fail(err, FMN_ERR_IO, path, FMN_NO_OFFSET, 0,
                         "cannot read directory: %s", strerror(e));
    return st;
}

#ifdef _WIN32
/* The entries of a folder on disk (hidden ones included; the caller
 * decides): FindFirstFileW's, their names made UTF-8. */
static fmn_status list_folder(const char *path, fmni_listing *out,
                              fmn_error *err)
{
    size_t plen = strlen(path);
    char *pattern = malloc(plen + 3);
    if (!pattern)
        return cannot_open(path, ENOMEM, err);
    snprintf(pattern, plen + 3, "%s/*", path);
    wchar_t *w = fmni_wide_path(pattern);
    free(pattern);
    if (!w)
        return cannot_open(path, errno, err);
    WIN32_FIND_DATAW fd;
    HANDLE h = FindFirstFileW(w, &fd);
    free(w);
    if (h == INVALID_HANDLE_VALUE) {
        DWORD why = GetLastError();
        return cannot_open(path,
                           why == ERROR_FILE_NOT_FOUND ||
                                   why == ERROR_PATH_NOT_FOUND
                               ? ENOENT
                           : why == ERROR_DIRECTORY ? ENOTDIR
                                                    : EIO,
                           err);
    }
    fmn_status st = FMN_OK;
    int e = 0;
    do {
        char *name = fmni_utf8_name(fd.cFileName);
        if (!name) {
            st = FMN_ERR_NOMEM;
            break;
        }
        size_t nlen = strlen(name);
        if (strcmp(name, ".") && strcmp(name, "..")) {
            int kind = entry_kind(out, path, name, nlen, &st);
            if (kind >= 0)
                st = fmni_listing_add(out, name, nlen, kind);
        }
        free(name);
    } while (st == FMN_OK && FindNextFileW(h, &fd));
    if (st == FMN_OK && GetLastError() != ERROR_NO_MORE_FILES)
        e = EIO;
    FindClose(h);
    return listed(path, st, e, err);
}
#else
/* The entries of a folder on disk (hidden ones included; the caller
 * decides). */
static fmn_status list_folder(const char *path, fmni_listing *out,
                              fmn_error *err)
{
    DIR *d = opendir(path);
    if (!d)
        return cannot_open(path, errno, err);
    fmn_status st = FMN_OK;
    struct dirent *e;
    while (st == FMN_OK && (errno = 0, e = readdir(d)) != NULL) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        size_t nlen = strlen(e->d_name);
        int kind = entry_kind(out, path, e->d_name, nlen, &st);
        if (kind >= 0)
            st = fmni_listing_add(out, e->d_name, nlen, kind);
    }
    int why = st == FMN_OK ? errno : 0;
    closedir(d);
    return listed(path, st, why, err);
}
#endif

fmn_status fmni_list(const char *path, const fmn_allocator *heap,
                     fmni_listing *out, fmn_error *err)
{
    memset(out, 0, sizeof *out);
    if (heap)
        out->heap = *heap;
    size_t at = fmni_archive_prefix(path);
    fmn_status st = at ? fmni_archive_list(path, at, out, err)
                       : list_folder(path, out, err);
    if (st != FMN_OK)
        fmni_listing_free(out);
    return st;
}

int fmni_is_folder(const char *path)
{
    fmni_stat st;
    if (fmni_path_stat(path, &st) == 0)
        return st.is_dir || (st.is_regular && fmni_is_archive(path));
    size_t at = fmni_archive_prefix(path);
    return at && fmni_archive_is_folder(path, at);
}
