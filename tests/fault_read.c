/* fault_read.c - an LD_PRELOAD shim for tests: read() and pread() on the
 * file whose path ends with $FMNIST_FAULT_FILE fail with EIO once the file
 * offset reaches $FMNIST_FAULT_AFTER bytes, as a failing disk would in the
 * middle of a file. With $FMNIST_FAULT_APPEND naming another file, there is
 * no error: instead, at that offset, that file's bytes are appended to the
 * file being read (once), as another program writing to it would: the file
 * grows after the reader took its size. Everything else passes through. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

ssize_t read(int fd, void *buf, size_t n);
ssize_t pread(int fd, void *buf, size_t n, off_t off);

/* How many bytes from `off` may be read before the fault; -1: no fault. */
static long long allowed(int fd, off_t off)
{
    const char *suffix = getenv("FMNIST_FAULT_FILE");
    const char *after = getenv("FMNIST_FAULT_AFTER");
    if (!suffix || !after)
        return -1;
    char link[64], path[4096];
    snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
    ssize_t len = readlink(link, path, sizeof path - 1);
    if (len < 0)
        return -1;
    path[len] = '\0';
    size_t sl = strlen(suffix);
    if ((size_t)len < sl || strcmp(path + len - sl, suffix) != 0)
        return -1;
    long long limit = atoll(after);
    return off >= limit ? 0 : limit - off;
}

/* Appends $FMNIST_FAULT_APPEND's bytes to the file open at `fd`; once. */
static void grow(int fd)
{
    static int done;
    const char *from = getenv("FMNIST_FAULT_APPEND");
    if (done++)
        return;
    char link[64], path[4096], chunk[4096];
    snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
    ssize_t len = readlink(link, path, sizeof path - 1);
    FILE *in = fopen(from, "rb");
    FILE *out = len > 0 ? (path[len] = '\0', fopen(path, "ab")) : NULL;
    size_t k;
    while (in && out && (k = fread(chunk, 1, sizeof chunk, in)) > 0)
        fwrite(chunk, 1, k, out);
    if (in)
        fclose(in);
    if (out)
        fclose(out);
}

/* The fault at `fd`, `off`: 0 means fail now, -1 none, else the bytes
 * allowed (growth instead of failure when $FMNIST_FAULT_APPEND is set). */
static long long fault(int fd, off_t off)
{
    long long ok = allowed(fd, off);
    if (ok == 0 && getenv("FMNIST_FAULT_APPEND")) {
        grow(fd);
        return -1;
    }
    return ok;
}

ssize_t read(int fd, void *buf, size_t n)
{
    static ssize_t (*real)(int, void *, size_t);
    if (!real)
        real = (ssize_t(*)(int, void *, size_t))dlsym(RTLD_NEXT, "read");
    off_t off = lseek(fd, 0, SEEK_CUR);
    long long ok = off >= 0 ? fault(fd, off) : -1;
    if (ok == 0) {
        errno = EIO;
        return -1;
    }
    if (ok > 0 && (size_t)ok < n)
        n = (size_t)ok;
    return real(fd, buf, n);
}

ssize_t pread(int fd, void *buf, size_t n, off_t off)
{
    static ssize_t (*real)(int, void *, size_t, off_t);
    if (!real)
        real = (ssize_t(*)(int, void *, size_t, off_t))dlsym(RTLD_NEXT,
                                                             "pread");
    long long ok = fault(fd, off);
    if (ok == 0) {
        errno = EIO;
        return -1;
    }
    if (ok > 0 && (size_t)ok < n)
        n = (size_t)ok;
    return real(fd, buf, n, off);
}
