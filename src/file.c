/* file.c - the calls of file.h: POSIX's open, pread, fstat and mmap, or on
 * Windows the C runtime's descriptors over the system's handles (UTF-8
 * paths made UTF-16, ReadFile at an offset, file mappings). */
#ifndef _WIN32
#define _DEFAULT_SOURCE /* MAP_POPULATE, lstat, link */
#endif
#include "file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int fmni_path_separator(char c)
{
#ifdef _WIN32
    return c == '/' || c == '\\';
#else
    return c == '/';
#endif
}

size_t fmni_path_dir_len(const char *path)
{
    size_t n = 0;
    for (size_t i = 0; path[i]; i++)
        if (fmni_path_separator(path[i]))
            n = i + 1;
    return n;
}

#ifdef _WIN32
#ifndef WIN32_LEAN_AND_MEAN
#define WIN32_LEAN_AND_MEAN
#endif
#include <windows.h>
#include <io.h>

#include "winpath.h"

/* Why `path` did not open, as POSIX would say it: EISDIR for a folder,
 * ENOTDIR where a part before the end is a file. */
static int open_errno(const wchar_t *path, int e)
{
    DWORD a = GetFileAttributesW(path);
    if (a != INVALID_FILE_ATTRIBUTES && (a & FILE_ATTRIBUTE_DIRECTORY))
        return EISDIR;
    if (e != ENOENT)
        return e;
    size_t n = wcslen(path);
    wchar_t *p = malloc((n + 1) * sizeof *p);
    if (!p)
        return e;
    memcpy(p, path, (n + 1) * sizeof *p);
    for (size_t i = n; i-- > 1;) {
        if (p[i] != L'/' && p[i] != L'\\')
            continue;
        p[i] = 0;
        a = GetFileAttributesW(p);
        if (a != INVALID_FILE_ATTRIBUTES) {
            if (!(a & FILE_ATTRIBUTE_DIRECTORY))
                e = ENOTDIR;
            break;
        }
    }
    free(p);
    return e;
}

int fmni_file_open_read(const char *path)
{
    wchar_t *w = fmni_wide_path(path);
    if (!w)
        return -1;
    int fd = _wopen(w, _O_RDONLY | _O_BINARY | _O_NOINHERIT);
    if (fd < 0)
        errno = open_errno(w, errno);
    free(w);
    return fd;
}

int fmni_file_dup(int fd)
{
    int own = _dup(fd);
    if (own >= 0)
        (void)_setmode(own, _O_BINARY);
    return own;
}

void fmni_file_close(int fd) { (void)_close(fd); }

long fmni_file_read(int fd, void *buf, size_t n)
{
    unsigned want = n > (1u << 30) ? 1u << 30 : (unsigned)n;
    return _read(fd, buf, want);
}

long fmni_file_pread(int fd, void *buf, size_t n, uint64_t off)
{
    HANDLE h = (HANDLE)_get_osfhandle(fd);
    if (h == INVALID_HANDLE_VALUE) {
        errno = EBADF;
        return -1;
    }
    OVERLAPPED ov;
    memset(&ov, 0, sizeof ov);
    ov.Offset = (DWORD)off;
    ov.OffsetHigh = (DWORD)(off >> 32);
    DWORD got = 0, want = n > (1u << 30) ? 1u << 30 : (DWORD)n;
    if (!ReadFile(h, buf, want, &got, &ov)) {
        if (GetLastError() == ERROR_HANDLE_EOF)
            return 0;
        errno = EIO;
        return -1;
    }
    return (long)got;
}

static void from_attributes(fmni_stat *st, DWORD attributes, uint64_t size)
{
    st->is_dir = (attributes & FILE_ATTRIBUTE_DIRECTORY) != 0;
    st->is_regular = !st->is_dir;
    st->size = st->is_regular ? size : 0;
}

int fmni_file_stat(int fd, fmni_stat *st)
{
    HANDLE h = (HANDLE)_get_osfhandle(fd);
    if (h == INVALID_HANDLE_VALUE) {
        errno = EBADF;
        return -1;
    }
    memset(st, 0, sizeof *st);
    if (GetFileType(h) != FILE_TYPE_DISK)
        return 0; /* a pipe or a console: read as a stream */
    BY_HANDLE_FILE_INFORMATION info;
    if (!GetFileInformationByHandle(h, &info)) {
        errno = EIO;
        return -1;
    }
    from_attributes(st, info.dwFileAttributes,
                    (uint64_t)info.nFileSizeHigh << 32 | info.nFileSizeLow);
    return 0;
}

int fmni_path_stat(const char *path, fmni_stat *st)
{
    wchar_t *w = fmni_wide_path(path);
    if (!w)
        return -1;
    WIN32_FILE_ATTRIBUTE_DATA data;
    BOOL ok = GetFileAttributesExW(w, GetFileExInfoStandard, &data);
    free(w);
    if (!ok) {
        errno = ENOENT;
        return -1;
    }
    from_attributes(st, data.dwFileAttributes,
                    (uint64_t)data.nFileSizeHigh << 32 | data.nFileSizeLow);
    return 0;
}

void *fmni_file_map(int fd, size_t n)
{
    HANDLE h = (HANDLE)_get_osfhandle(fd);
    if (h == INVALID_HANDLE_VALUE)
        return NULL;
    HANDLE m = CreateFileMappingW(h, NULL, PAGE_READONLY, 0, 0, NULL);
    if (!m)
        return NULL;
    void *p = MapViewOfFile(m, FILE_MAP_READ, 0, 0, n);
    CloseHandle(m); /* the view keeps the mapping */
    return p;
}

void fmni_file_unmap(void *p, size_t n)
{
    (void)n;
    UnmapViewOfFile(p);
}

int fmni_path_exists(const char *path, int *is_dir)
{
    wchar_t *w = fmni_wide_path(path);
    if (!w)
        return 0;
    DWORD a = GetFileAttributesW(w); /* a link's own, not its target's */
    if (a == INVALID_FILE_ATTRIBUTES) {
        /* an entry whose attributes cannot be read (a link to nothing,
         * where the system follows links) is still there */
        WIN32_FIND_DATAW fd;
        HANDLE h = FindFirstFileW(w, &fd);
        if (h != INVALID_HANDLE_VALUE) {
            FindClose(h);
            a = fd.dwFileAttributes;
        }
    }
    free(w);
    if (a == INVALID_FILE_ATTRIBUTES)
        return 0;
    *is_dir = (a & FILE_ATTRIBUTE_DIRECTORY) != 0;
    return 1;
}

int fmni_file_create_new(const char *path)
{
    wchar_t *w = fmni_wide_path(path);
    if (!w)
        return -1;
    int fd = _wopen(w, _O_WRONLY | _O_CREAT | _O_EXCL | _O_BINARY |
                           _O_NOINHERIT,
                    _S_IREAD | _S_IWRITE);
    free(w);
    return fd;
}

long fmni_file_write(int fd, const void *buf, size_t n)
{
    unsigned want = n > (1u << 30) ? 1u << 30 : (unsigned)n;
    return _write(fd, buf, want);
}

int fmni_file_close_checked(int fd) { return _close(fd); }

void fmni_file_remove(const char *path)
{
    wchar_t *w = fmni_wide_path(path);
    if (w)
        (void)_wunlink(w);
    free(w);
}

int fmni_file_publish(const char *tmp, const char *path, int replace)
{
    wchar_t *from = fmni_wide_path(tmp), *to = from ? fmni_wide_path(path)
                                                    : NULL;
    /* MoveFileExW without MOVEFILE_REPLACE_EXISTING never replaces: the
     * atomic create-new that link() is on POSIX */
    DWORD flags = MOVEFILE_WRITE_THROUGH |
                  (replace ? MOVEFILE_REPLACE_EXISTING : 0);
    BOOL ok = to && MoveFileExW(from, to, flags);
    DWORD why = ok ? 0 : GetLastError();
    free(from);
    free(to);
    if (ok)
        return 0;
    if (why == ERROR_ALREADY_EXISTS || why == ERROR_FILE_EXISTS)
        errno = EEXIST;
    else if (why == ERROR_ACCESS_DENIED)
        errno = EACCES;
    else if (why == ERROR_PATH_NOT_FOUND || why == ERROR_FILE_NOT_FOUND)
        errno = ENOENT;
    else if (why != 0)
        errno = EIO;
    return -1;
}

unsigned long fmni_process_id(void)
{
    return (unsigned long)GetCurrentProcessId();
}

#else
#include <sys/mman.h>
#include <unistd.h>

int fmni_file_open_read(const char *path)
{
    int fd;
    /* O_NONBLOCK: a FIFO with no writer opens at once instead of hanging
     * (its reads then end at once: an empty input); then blocking reads
     * again */
    do
        fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    while (fd < 0 && errno == EINTR);
    if (fd >= 0) {
        int fl = fcntl(fd, F_GETFL);
        if (fl == -1 || fcntl(fd, F_SETFL, fl & ~O_NONBLOCK) == -1) {
            int e = errno;
            close(fd);
            errno = e;
            return -1;
        }
    }
    return fd;
}

int fmni_file_dup(int fd) { return fcntl(fd, F_DUPFD_CLOEXEC, 0); }

void fmni_file_close(int fd) { (void)close(fd); }

long fmni_file_read(int fd, void *buf, size_t n)
{
    ssize_t r;
    do
        r = read(fd, buf, n);
    while (r < 0 && errno == EINTR);
    return (long)r;
}

long fmni_file_pread(int fd, void *buf, size_t n, uint64_t off)
{
    ssize_t r;
    do
        r = pread(fd, buf, n, (off_t)off);
    while (r < 0 && errno == EINTR);
    return (long)r;
}

static void from_stat(fmni_stat *st, const struct stat *sb)
{
    st->is_dir = S_ISDIR(sb->st_mode);
    st->is_regular = S_ISREG(sb->st_mode) && sb->st_size >= 0;
    st->size = st->is_regular ? (uint64_t)sb->st_size : 0;
}

int fmni_file_stat(int fd, fmni_stat *st)
{
    struct stat sb;
    if (fstat(fd, &sb) != 0)
        return -1;
    from_stat(st, &sb);
    return 0;
}

int fmni_path_stat(const char *path, fmni_stat *st)
{
    struct stat sb;
    if (stat(path, &sb) != 0)
        return -1;
    from_stat(st, &sb);
    return 0;
}

void *fmni_file_map(int fd, size_t n)
{
    int flags = MAP_PRIVATE;
#ifdef MAP_POPULATE
    flags |= MAP_POPULATE; /* one pass over the page cache, not a fault per
                              page */
#endif
    void *p = mmap(NULL, n, PROT_READ, flags, fd, 0);
    return p == MAP_FAILED ? NULL : p;
}

void fmni_file_unmap(void *p, size_t n) { (void)munmap(p, n); }

int fmni_path_exists(const char *path, int *is_dir)
{
    struct stat st;
    if (lstat(path, &st) != 0)
        return 0;
    *is_dir = S_ISDIR(st.st_mode);
    return 1;
}

int fmni_file_create_new(const char *path)
{
    int fd;
    do
        fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    while (fd < 0 && errno == EINTR);
    return fd;
}

long fmni_file_write(int fd, const void *buf, size_t n)
{
    ssize_t r;
    do
        r = write(fd, buf, n);
    while (r < 0 && errno == EINTR);
    return (long)r;
}

int fmni_file_close_checked(int fd) { return close(fd); }

void fmni_file_remove(const char *path) { (void)unlink(path); }

int fmni_file_publish(const char *tmp, const char *path, int replace)
{
    return replace ? rename(tmp, path) : link(tmp, path);
}

unsigned long fmni_process_id(void) { return (unsigned long)getpid(); }

#endif
