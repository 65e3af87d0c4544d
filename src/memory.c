/* memory.c - large buffers: malloc'd, with a hint to the kernel to back
 * them with transparent huge pages (Linux), one page fault per 2 MiB
 * instead of per 4 KiB as data lands in them; and a small string copy. */
#define _DEFAULT_SOURCE
#include "internal.h"

#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

void fmni_huge_pages(void *p, size_t n)
{
#if defined(__linux__) && defined(MADV_HUGEPAGE)
    const uintptr_t huge = (uintptr_t)2 << 20;
    uintptr_t start = ((uintptr_t)p + huge - 1) & ~(huge - 1);
    uintptr_t end = ((uintptr_t)p + n) & ~(huge - 1);
    if (n >= 4 * huge && end > start)
        (void)madvise((void *)start, end - start, MADV_HUGEPAGE);
#else
    (void)p;
    (void)n;
#endif
}

void *fmni_alloc_large(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (p)
        fmni_huge_pages(p, n);
    return p;
}

void fmni_trim_large(void *p, size_t used, size_t size)
{
#if defined(__linux__) && defined(MADV_DONTNEED)
    const uintptr_t page = 4096;
    uintptr_t start = ((uintptr_t)p + used + page - 1) & ~(page - 1);
    uintptr_t end = ((uintptr_t)p + size) & ~(page - 1);
    if (end > start)
        (void)madvise((void *)start, end - start, MADV_DONTNEED);
#else
    (void)p;
    (void)used;
    (void)size;
#endif
}

char *fmni_strndup(const char *s, size_t n)
{
    char *p = malloc(n + 1);
    if (p) {
        memcpy(p, s, n);
        p[n] = '\0';
    }
    return p;
}
