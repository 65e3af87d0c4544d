/* cli_os.c - the calls of cli_os.h: POSIX, or Windows' own (wide-character
 * paths made from UTF-8, the console, a temporary file for a stream into
 * memory). */
#ifndef _WIN32
#define _POSIX_C_SOURCE 200809L
#endif
#include "cli_os.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
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
#include <shellapi.h>

/* `s` as a new UTF-16 string, or NULL with errno set. */
static wchar_t *wide(const char *s)
{
    int n = MultiByteToWideChar(CP_UTF8, 0, s, -1, NULL, 0);
    wchar_t *w = n > 0 ? malloc((size_t)n * sizeof *w) : NULL;
    if (!w || MultiByteToWideChar(CP_UTF8, 0, s, -1, w, n) != n) {
        free(w);
        errno = n > 0 ? ENOMEM : EINVAL;
        return NULL;
    }
    return w;
}

int cli_os_mkdir(const char *path)
{
    wchar_t *w = wide(path);
    int r = w ? _wmkdir(w) : -1;
    free(w);
    return r;
}

void cli_os_rmdir(const char *path)
{
    wchar_t *w = wide(path);
    if (w)
        (void)_wrmdir(w);
    free(w);
}

int cli_os_stat(const char *path, int follow, cli_os_entry *st)
{
    (void)follow; /* a link's own attributes either way */
    wchar_t *w = wide(path);
    WIN32_FILE_ATTRIBUTE_DATA d;
    BOOL ok = w && GetFileAttributesExW(w, GetFileExInfoStandard, &d);
    free(w);
    if (!ok) {
        errno = ENOENT;
        return -1;
    }
    st->is_dir = (d.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY) != 0;
    st->size = (uint64_t)d.nFileSizeHigh << 32 | d.nFileSizeLow;
    return 0;
}

int cli_os_writable(const char *dir)
{
    wchar_t *w = wide(dir);
    DWORD a = w ? GetFileAttributesW(w) : INVALID_FILE_ATTRIBUTES;
    free(w);
    if (a == INVALID_FILE_ATTRIBUTES || !(a & FILE_ATTRIBUTE_DIRECTORY)) {
        errno = ENOENT;
        return -1;
    }
    /* a folder's read-only attribute does not stop files being made in
     * it (Windows uses it for other things): whether they may be is
     * learnt when they are */
    return 0;
}

int cli_os_is_terminal(FILE *f) { return _isatty(_fileno(f)) != 0; }

size_t cli_os_columns(void)
{
    CONSOLE_SCREEN_BUFFER_INFO info;
    if (!GetConsoleScreenBufferInfo(GetStdHandle(STD_OUTPUT_HANDLE), &info))
        return 0;
    int n = info.srWindow.Right - info.srWindow.Left + 1;
    return n > 0 ? (size_t)n : 0;
}

void cli_os_remove(const char *path)
{
    wchar_t *w = wide(path);
    if (w)
        (void)_wunlink(w);
    free(w);
}

int cli_os_replace(const char *from, const char *to)
{
    wchar_t *a = wide(from), *b = a ? wide(to) : NULL;
    BOOL ok = b && MoveFileExW(a, b, MOVEFILE_REPLACE_EXISTING |
                                         MOVEFILE_WRITE_THROUGH);
    if (b && !ok)
        errno = GetLastError() == ERROR_ACCESS_DENIED ? EACCES : EIO;
    free(a);
    free(b);
    return ok ? 0 : -1;
}

FILE *cli_os_fopen(const char *path, const char *mode)
{
    wchar_t *w = wide(path), *m = w ? wide(mode) : NULL;
    FILE *f = m ? _wfopen(w, m) : NULL;
    free(w);
    free(m);
    return f;
}

int cli_os_open_append(const char *path)
{
    wchar_t *w = wide(path);
    int fd = w ? _wopen(w, _O_WRONLY | _O_CREAT | _O_APPEND | _O_BINARY |
                               _O_NOINHERIT,
                        _S_IREAD | _S_IWRITE)
               : -1;
    free(w);
    return fd;
}

FILE *cli_os_memstream(char **buf, size_t *len)
{
    *buf = NULL;
    *len = 0;
    /* a temporary file in the user's temporary folder (tmpfile() makes
     * its file in the root of the drive, which a user may not write),
     * deleted when closed ("D"); read back by cli_os_memstream_close */
    char dir[MAX_PATH + 1], path[MAX_PATH + 1];
    DWORD n = GetTempPathA(sizeof dir, dir);
    if (n == 0 || n > MAX_PATH || !GetTempFileNameA(dir, "fmn", 0, path))
        return NULL;
    return fopen(path, "w+bD");
}

int cli_os_memstream_close(FILE *f, char **buf, size_t *len)
{
    long n = fflush(f) == 0 && fseek(f, 0, SEEK_END) == 0 ? ftell(f) : -1;
    char *p = n >= 0 ? malloc((size_t)n + 1) : NULL;
    int ok = p && fseek(f, 0, SEEK_SET) == 0 &&
             fread(p, 1, (size_t)n, f) == (size_t)n;
    fclose(f);
    if (!ok) {
        free(p);
        return -1;
    }
    p[n] = '\0';
    *buf = p;
    *len = (size_t)n;
    return 0;
}

void cli_os_on_signals(void (*handler)(int sig))
{
    /* Windows' CRT resets the handler to the default before calling it,
     * as SA_RESETHAND does */
    static const int sigs[] = {SIGINT, SIGTERM};
    for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
        if (signal(sigs[i], handler) == SIG_IGN)
            signal(sigs[i], SIG_IGN);
}

/* The command line as UTF-8, from the wide one. */
static void utf8_args(int *argc, char ***argv)
{
    int n;
    wchar_t **w = CommandLineToArgvW(GetCommandLineW(), &n);
    if (!w)
        return;
    char **args = calloc((size_t)n + 1, sizeof *args);
    for (int i = 0; args && i < n; i++) {
        int len = WideCharToMultiByte(CP_UTF8, 0, w[i], -1, NULL, 0, NULL,
                                      NULL);
        args[i] = len > 0 ? malloc((size_t)len) : NULL;
        if (!args[i]) {
            LocalFree(w);
            return; /* out of memory: the system's argv, as it is */
        }
        WideCharToMultiByte(CP_UTF8, 0, w[i], -1, args[i], len, NULL, NULL);
    }
    LocalFree(w);
    if (!args)
        return;
    *argc = n;
    *argv = args;
}

void cli_os_start(int *argc, char ***argv)
{
    /* no SIGPIPE here: a write to a closed pipe fails, as any write */
    utf8_args(argc, argv);
    (void)_setmode(_fileno(stdout), _O_BINARY);
}

#else
#include <sys/ioctl.h>
#include <unistd.h>

int cli_os_mkdir(const char *path) { return mkdir(path, 0777); }

void cli_os_rmdir(const char *path) { (void)rmdir(path); }

int cli_os_stat(const char *path, int follow, cli_os_entry *st)
{
    struct stat sb;
    if ((follow ? stat(path, &sb) : lstat(path, &sb)) != 0)
        return -1;
    st->is_dir = S_ISDIR(sb.st_mode);
    st->size = sb.st_size > 0 ? (uint64_t)sb.st_size : 0;
    return 0;
}

int cli_os_writable(const char *dir) { return access(dir, W_OK | X_OK); }

int cli_os_is_terminal(FILE *f) { return isatty(fileno(f)); }

size_t cli_os_columns(void)
{
    struct winsize ws;
    if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0)
        return ws.ws_col;
    return 0;
}

void cli_os_remove(const char *path) { (void)unlink(path); }

int cli_os_replace(const char *from, const char *to)
{
    return rename(from, to);
}

FILE *cli_os_fopen(const char *path, const char *mode)
{
    return fopen(path, mode);
}

int cli_os_open_append(const char *path)
{
    return open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0666);
}

FILE *cli_os_memstream(char **buf, size_t *len)
{
    *buf = NULL;
    *len = 0;
    return open_memstream(buf, len);
}

int cli_os_memstream_close(FILE *f, char **buf, size_t *len)
{
    (void)buf;
    (void)len; /* open_memstream's: set by fclose */
    return fclose(f) == 0 ? 0 : -1;
}

void cli_os_on_signals(void (*handler)(int sig))
{
    static const int sigs[] = {SIGINT, SIGTERM, SIGHUP};
    for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++) {
        struct sigaction old, sa;
        if (sigaction(sigs[i], NULL, &old) != 0 || old.sa_handler == SIG_IGN)
            continue;
        sa.sa_handler = handler;
        sigemptyset(&sa.sa_mask);
        sa.sa_flags = SA_RESETHAND;
        sigaction(sigs[i], &sa, NULL);
    }
}

void cli_os_start(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    signal(SIGPIPE, SIG_DFL);
}

#endif
