/* listing.c - what a folder holds, whether it is a folder on disk or one
 * inside a zip archive (archive.c), so that a dataset is found the same
 * way in both. */
#define _POSIX_C_SOURCE 200809L
#include "internal.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

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
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return 0;
    unsigned char m[4];
    ssize_t r = read(fd, m, 4);
    close(fd);
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
        if (p[i] != '/' && p[i] != '\0')
            continue;
        char c = p[i];
        p[i] = '\0';
        struct stat st;
        int ok = stat(p, &st) == 0;
        p[i] = c;
        if (!ok)
            break;
        if (S_ISREG(st.st_mode)) {
            p[i] = '\0';
            found = fmni_is_archive(p) ? i : 0;
            break;
        }
    }
    return found;
}

/* The entries of a folder on disk (hidden ones included; the caller
 * decides). */
static fmn_status list_folder(const char *path, fmni_listing *out,
                              fmn_error *err)
{
    DIR *d = opendir(path);
    if (!d) {
        int e = errno;
        return fmni_fail(err,
                         e == ENOENT   ? FMN_ERR_NOT_FOUND
                         : e == ENOMEM ? FMN_ERR_NOMEM
                                       : FMN_ERR_IO,
                         path, FMN_NO_OFFSET, 0, "cannot open directory: %s",
                         strerror(e));
    }
    fmn_status st = FMN_OK;
    struct dirent *e;
    size_t plen = strlen(path);
    while (st == FMN_OK && (errno = 0, e = readdir(d)) != NULL) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        size_t nlen = strlen(e->d_name);
        char *full = fmni_malloc(&out->heap, plen + nlen + 2);
        if (!full) {
            st = FMN_ERR_NOMEM;
            break;
        }
        snprintf(full, plen + nlen + 2, "%s/%s", path, e->d_name);
        /* a zip among the files is a folder to look into; only a name that
         * says .zip is opened to find out (a scan opens no other file) */
        struct stat sb;
        int zip = nlen > 4 && strcasecmp(e->d_name + nlen - 4, ".zip") == 0;
        int kind = stat(full, &sb) == 0
                       ? S_ISDIR(sb.st_mode)   ? 1
                         : S_ISREG(sb.st_mode) ? (zip && fmni_is_archive(full))
                                               : -1
                       : -1;
        fmni_free(&out->heap, full);
        if (kind >= 0)
            st = fmni_listing_add(out, e->d_name, nlen, kind);
    }
    if (st == FMN_ERR_NOMEM)
        st = fmni_fail(err, st, path, FMN_NO_OFFSET, 0,
                       "out of memory while scanning");
    else if (st == FMN_OK && errno != 0)
        st = fmni_fail(err, FMN_ERR_IO, path, FMN_NO_OFFSET, 0,
                       "cannot read directory: %s", strerror(errno));
    closedir(d);
    return st;
}

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
    struct stat st;
    if (stat(path, &st) == 0)
        return S_ISDIR(st.st_mode) ||
               (S_ISREG(st.st_mode) && fmni_is_archive(path));
    size_t at = fmni_archive_prefix(path);
    return at && fmni_archive_is_folder(path, at);
}
