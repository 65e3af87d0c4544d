/* winpath.h - Windows only: the library's paths are UTF-8 (as on every
 * other system); the system's wide calls want UTF-16. Internal. */
#ifndef FMNIST_WINPATH_H
#define FMNIST_WINPATH_H
#ifdef _WIN32
#include <wchar.h>

/* `path` as a new UTF-16 string (malloc'd: free it), read as UTF-8, or
 * in the system's code page where it is not valid UTF-8; NULL with errno
 * set (ENOMEM, EINVAL). */
wchar_t *fmni_wide_path(const char *path);

/* A UTF-16 name as a new UTF-8 string (malloc'd), or NULL (ENOMEM). */
char *fmni_utf8_name(const wchar_t *name);

#endif
#endif
