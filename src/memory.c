/* memory.c - every allocation: through the caller's allocator
 * (fmn_options.alloc) or malloc's; arrays for vector loads at the start of
 * a cache line (from malloc); large buffers with a hint to the kernel
 * to back them with transparent huge pages (Linux), one page fault per
 * 2 MiB instead of per 4 KiB as data lands in them; and a small string
 * copy. */
#define _DEFAULT_SOURCE
#include "internal.h"

#include <stdlib.h>
#include <string.h>
#ifndef _WIN32
#include <sys/mman.h> /* madvise */
#endif

int fmni_mem_is_malloc(const fmn_allocator *a)
{
    return !a || !a->alloc;
}

void *fmni_malloc(const fmn_allocator *a, size_t n)
{
    if (n == 0)
        n = 1;
    return fmni_mem_is_malloc(a) ? malloc(n) : a->alloc(a->ctx, n);
}

void *fmni_calloc(const fmn_allocator *a, size_t n, size_t size)
{
    if (size && n > SIZE_MAX / size)
        return NULL;
    if (fmni_mem_is_malloc(a))
        return calloc(n ? n : 1, size ? size : 1);
    size_t bytes = n * size;
    void *p = fmni_malloc(a, bytes);
    if (p)
        memset(p, 0, bytes ? bytes : 1);
    return p;
}

void *fmni_realloc(const fmn_allocator *a, void *p, size_t n)
{
    if (!p)
        return fmni_malloc(a, n);
    if (n == 0)
        n = 1;
    return fmni_mem_is_malloc(a) ? realloc(p, n) : a->realloc(a->ctx, p, n);
}

void fmni_free(const fmn_allocator *a, void *p)
{
    if (!p)
        return;
    if (fmni_mem_is_malloc(a))
        free(p);
    else
        a->free(a->ctx, p);
}

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

void *fmni_alloc_large(const fmn_allocator *a, size_t n)
{
    void *p = fmni_malloc(a, n);
    if (p && fmni_mem_is_malloc(a))
        fmni_huge_pages(p, n);
    return p;
}

void fmni_trim_large(const fmn_allocator *a, void *p, size_t used,
                     size_t size)
{
#if defined(__linux__) && defined(MADV_DONTNEED)
    const uintptr_t page = 4096;
    uintptr_t start = ((uintptr_t)p + used + page - 1) & ~(page - 1);
    uintptr_t end = ((uintptr_t)p + size) & ~(page - 1);
    if (fmni_mem_is_malloc(a) && end > start)
        (void)madvise((void *)start, end - start, MADV_DONTNEED);
#else
    (void)a;
    (void)p;
    (void)used;
    (void)size;
#endif
}

enum { LINE = 64 };

void *fmni_alloc_aligned(size_t n, size_t size)
{
    if (size && n > SIZE_MAX / size)
        return NULL;
    size_t bytes = n * size;
    if (bytes == 0)
        bytes = 1;
    if (bytes > SIZE_MAX - LINE - sizeof(void *))
        return NULL;
    unsigned char *raw = malloc(bytes + LINE + sizeof(void *));
    if (!raw)
        return NULL;
    /* the first line boundary with room for raw's address before it */
    uintptr_t at = ((uintptr_t)raw + sizeof raw + LINE - 1) &
                   ~(uintptr_t)(LINE - 1);
    unsigned char *p = raw + (at - (uintptr_t)raw);
    memcpy(p - sizeof raw, &raw, sizeof raw);
    return p;
}

void fmni_free_aligned(void *p)
{
    if (!p)
        return;
    unsigned char *raw;
    memcpy(&raw, (unsigned char *)p - sizeof raw, sizeof raw);
    free(raw);
}

char *fmni_strndup(const fmn_allocator *a, const char *s, size_t n)
{
    char *p = n < SIZE_MAX ? fmni_malloc(a, n + 1) : NULL;
    if (p) {
        memcpy(p, s, n);
        p[n] = '\0';
    }
    return p;
}
