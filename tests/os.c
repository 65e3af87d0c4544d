/* os.c - see os.h: POSIX, or Windows' own calls. */
#ifndef _WIN32
#define _XOPEN_SOURCE 700 /* nftw, mkdtemp, symlink */
#endif
#include "os.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#ifdef _WIN32
#ifndef WIN32_LEAN_AND_MEAN
#define WIN32_LEAN_AND_MEAN
#endif
#include <windows.h>
#include <direct.h>
#include <io.h>

char *os_tmpdir(const char *prefix)
{
    char base[MAX_PATH + 1];
    DWORD n = GetTempPathA(sizeof base, base);
    if (n == 0 || n > MAX_PATH)
        return NULL;
    size_t cap = n + strlen(prefix) + 16;
    char *path = malloc(cap);
    if (!path)
        return NULL;
    for (unsigned attempt = 0; attempt < 1000; attempt++) {
        snprintf(path, cap, "%s%s-%06lx", base, prefix,
                 (unsigned long)((GetTickCount() * 2654435761u + attempt +
                                  GetCurrentProcessId() * 40503u) &
                                 0xffffff));
        if (_mkdir(path) == 0)
            return path;
        if (errno != EEXIST)
            break;
    }
    free(path);
    return NULL;
}

void os_remove_tree(const char *path)
{
    size_t n = strlen(path);
    char *pattern = malloc(n + 3);
    if (!pattern)
        return;
    snprintf(pattern, n + 3, "%s\\*", path);
    WIN32_FIND_DATAA fd;
    HANDLE h = FindFirstFileA(pattern, &fd);
    free(pattern);
    if (h != INVALID_HANDLE_VALUE) {
        do {
            if (!strcmp(fd.cFileName, ".") || !strcmp(fd.cFileName, ".."))
                continue;
            size_t k = n + strlen(fd.cFileName) + 2;
            char *sub = malloc(k);
            if (!sub)
                continue;
            snprintf(sub, k, "%s\\%s", path, fd.cFileName);
            if ((fd.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY) &&
                !(fd.dwFileAttributes & FILE_ATTRIBUTE_REPARSE_POINT))
                os_remove_tree(sub);
            else if (!DeleteFileA(sub))
                RemoveDirectoryA(sub); /* a link to a folder */
            free(sub);
        } while (FindNextFileA(h, &fd));
        FindClose(h);
    }
    if (!RemoveDirectoryA(path))
        DeleteFileA(path);
}

int os_mkdir(const char *path) { return _mkdir(path); }

int os_rmdir(const char *path) { return _rmdir(path); }

int os_pipe(int fd[2]) { return _pipe(fd, 1 << 20, _O_BINARY); }

int os_open_read(const char *path) { return _open(path, _O_RDONLY | _O_BINARY); }

int os_write(int fd, const void *p, size_t n)
{
    const char *c = p;
    while (n > 0) {
        unsigned piece = n > (1u << 30) ? 1u << 30 : (unsigned)n;
        int w = _write(fd, c, piece);
        if (w <= 0)
            return -1;
        c += w;
        n -= (size_t)w;
    }
    return 0;
}

void os_close(int fd) { (void)_close(fd); }

int os_fd_open(int fd) { return _get_osfhandle(fd) != -1; }

int os_anonymous_file(void)
{
    char dir[MAX_PATH + 1], path[MAX_PATH + 1];
    if (!GetTempPathA(sizeof dir, dir) ||
        !GetTempFileNameA(dir, "fmn", 0, path))
        return -1;
    /* _O_TEMPORARY: deleted when closed, as an unlinked file is */
    return _open(path, _O_RDWR | _O_BINARY | _O_TEMPORARY);
}

int os_symlink(const char *target, const char *path)
{
    if (!CreateSymbolicLinkA(path, target, 0))
        return -1;
    /* wine says yes and makes nothing: a link is what can be found */
    WIN32_FIND_DATAA fd;
    HANDLE h = FindFirstFileA(path, &fd);
    if (h == INVALID_HANDLE_VALUE)
        return -1;
    FindClose(h);
    return 0;
}

int os_exists(const char *path)
{
    return GetFileAttributesA(path) != INVALID_FILE_ATTRIBUTES;
}

long long os_file_size(const char *path)
{
    WIN32_FILE_ATTRIBUTE_DATA d;
    if (!GetFileAttributesExA(path, GetFileExInfoStandard, &d))
        return -1;
    return (long long)((uint64_t)d.nFileSizeHigh << 32 | d.nFileSizeLow);
}

int os_truncate(const char *path, long long size)
{
    int fd = _open(path, _O_RDWR | _O_BINARY);
    if (fd < 0)
        return -1;
    int r = _chsize_s(fd, size) == 0 ? 0 : -1;
    _close(fd);
    return r;
}

/* Appends `arg` to cmd (cap bytes) quoted as CommandLineToArgvW and the
 * C runtime read it back: in quotes, a backslash doubled only before a
 * quote, a quote escaped. 0 where it does not fit. */
static int quote_arg(char *cmd, size_t cap, size_t *n, const char *arg)
{
    size_t at = *n;
    if (at + 1 >= cap)
        return 0;
    cmd[at++] = '"';
    for (const char *c = arg;; c++) {
        size_t slashes = 0;
        while (*c == '\\') {
            slashes++;
            c++;
        }
        size_t times = *c == '"' || *c == '\0' ? 2 * slashes : slashes;
        if (at + times + 4 >= cap)
            return 0;
        memset(cmd + at, '\\', times);
        at += times;
        if (*c == '\0')
            break;
        if (*c == '"')
            cmd[at++] = '\\';
        cmd[at++] = *c;
    }
    cmd[at++] = '"';
    cmd[at++] = ' ';
    cmd[at] = '\0';
    *n = at;
    return 1;
}

int os_run(const char *const *argv, const char *err_path)
{
    char cmd[32768];
    size_t n = 0;
    cmd[0] = '\0';
    for (size_t i = 0; argv[i]; i++)
        if (!quote_arg(cmd, sizeof cmd, &n, argv[i]))
            return -1;
    SECURITY_ATTRIBUTES sa = {sizeof sa, NULL, TRUE}; /* inherited */
    HANDLE out = CreateFileA("NUL", GENERIC_WRITE, FILE_SHARE_WRITE, &sa,
                             OPEN_EXISTING, 0, NULL);
    HANDLE err = CreateFileA(err_path, GENERIC_WRITE, FILE_SHARE_READ, &sa,
                             CREATE_ALWAYS, FILE_ATTRIBUTE_NORMAL, NULL);
    STARTUPINFOA si;
    memset(&si, 0, sizeof si);
    si.cb = sizeof si;
    si.dwFlags = STARTF_USESTDHANDLES;
    si.hStdInput = GetStdHandle(STD_INPUT_HANDLE);
    si.hStdOutput = out;
    si.hStdError = err;
    PROCESS_INFORMATION pi;
    BOOL ok = out != INVALID_HANDLE_VALUE && err != INVALID_HANDLE_VALUE &&
              CreateProcessA(NULL, cmd, NULL, NULL, TRUE, 0, NULL, NULL, &si,
                             &pi);
    if (out != INVALID_HANDLE_VALUE)
        CloseHandle(out);
    if (err != INVALID_HANDLE_VALUE)
        CloseHandle(err);
    if (!ok)
        return -1;
    DWORD code = (DWORD)-1;
    WaitForSingleObject(pi.hProcess, INFINITE);
    if (!GetExitCodeProcess(pi.hProcess, &code))
        code = (DWORD)-1;
    CloseHandle(pi.hProcess);
    CloseHandle(pi.hThread);
    return (int)code;
}

#else
#include <ftw.h>
#include <sys/wait.h>
#include <unistd.h>

char *os_tmpdir(const char *prefix)
{
    const char *base = getenv("TMPDIR");
    char tmpl[4096];
    snprintf(tmpl, sizeof tmpl, "%s/%s-XXXXXX", base && *base ? base : "/tmp",
             prefix);
    char *d = mkdtemp(tmpl);
    char *copy = d ? malloc(strlen(d) + 1) : NULL;
    if (copy)
        strcpy(copy, d);
    return copy;
}

static int remove_one(const char *path, const struct stat *st, int flag,
                      struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    return remove(path);
}

void os_remove_tree(const char *path)
{
    nftw(path, remove_one, 16, FTW_DEPTH | FTW_PHYS);
}

int os_mkdir(const char *path) { return mkdir(path, 0700); }

int os_rmdir(const char *path) { return rmdir(path); }

int os_pipe(int fd[2]) { return pipe(fd); }

int os_open_read(const char *path) { return open(path, O_RDONLY); }

int os_write(int fd, const void *p, size_t n)
{
    const char *c = p;
    while (n > 0) {
        ssize_t w = write(fd, c, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        c += w;
        n -= (size_t)w;
    }
    return 0;
}

void os_close(int fd) { (void)close(fd); }

int os_fd_open(int fd) { return fcntl(fd, F_GETFD) != -1; }

int os_anonymous_file(void)
{
    const char *base = getenv("TMPDIR");
    char path[4096];
    snprintf(path, sizeof path, "%s/fmnist-anon-XXXXXX",
             base && *base ? base : "/tmp");
    int fd = mkstemp(path);
    if (fd >= 0)
        unlink(path);
    return fd;
}

int os_symlink(const char *target, const char *path)
{
    return symlink(target, path);
}

int os_exists(const char *path)
{
    struct stat st;
    return lstat(path, &st) == 0;
}

long long os_file_size(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 ? (long long)st.st_size : -1;
}

int os_truncate(const char *path, long long size)
{
    return truncate(path, (off_t)size);
}

int os_run(const char *const *argv, const char *err_path)
{
    pid_t pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0) {
        int out = open("/dev/null", O_WRONLY);
        int err = open(err_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (out < 0 || err < 0 || dup2(out, 1) < 0 || dup2(err, 2) < 0)
            _exit(127);
        char *args[64];
        size_t i;
        for (i = 0; argv[i] && i < 63; i++)
            memcpy(&args[i], &argv[i], sizeof args[i]); /* execv's type */
        args[i] = NULL;
        execv(args[0], args);
        _exit(127);
    }
    int ws;
    while (waitpid(pid, &ws, 0) != pid)
        if (errno != EINTR)
            return -1;
    return WIFEXITED(ws) ? WEXITSTATUS(ws) : -1;
}

#endif

const void *os_memmem(const void *hay, size_t n, const void *needle, size_t k)
{
    const unsigned char *h = hay;
    if (k == 0)
        return hay;
    for (size_t i = 0; i + k <= n; i++)
        if (h[i] == *(const unsigned char *)needle && !memcmp(h + i, needle, k))
            return h + i;
    return NULL;
}
