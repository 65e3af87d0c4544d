/* winpath.c - UTF-8 paths to UTF-16 and back (Windows only). */
#ifdef _WIN32
#include "winpath.h"

#include <errno.h>
#include <stdlib.h>

#ifndef WIN32_LEAN_AND_MEAN
#define WIN32_LEAN_AND_MEAN
#endif
#include <windows.h>

static wchar_t *widen(UINT page, DWORD flags, const char *s)
{
    int n = MultiByteToWideChar(page, flags, s, -1, NULL, 0);
    if (n <= 0)
        return NULL;
    wchar_t *w = malloc((size_t)n * sizeof *w);
    if (!w) {
        errno = ENOMEM;
        return NULL;
    }
    if (MultiByteToWideChar(page, flags, s, -1, w, n) != n) {
        free(w);
        return NULL;
    }
    return w;
}

wchar_t *fmni_wide_path(const char *path)
{
    errno = 0;
    wchar_t *w = widen(CP_UTF8, MB_ERR_INVALID_CHARS, path);
    if (!w && errno != ENOMEM)
        w = widen(CP_ACP, 0, path);
    if (!w && errno != ENOMEM)
        errno = EINVAL;
    return w;
}

char *fmni_utf8_name(const wchar_t *name)
{
    int n = WideCharToMultiByte(CP_UTF8, 0, name, -1, NULL, 0, NULL, NULL);
    char *s = n > 0 ? malloc((size_t)n) : NULL;
    if (s && WideCharToMultiByte(CP_UTF8, 0, name, -1, s, n, NULL, NULL) != n) {
        free(s);
        s = NULL;
    }
    if (!s)
        errno = ENOMEM;
    return s;
}
#endif
