/* checksum.c - CRC-32 (the gzip polynomial) over any length, with the
 * fastest implementation the build has: ISA-L's or libdeflate's when
 * there (folding with carry-less multiplication), else zlib's. All give
 * the same values and chain the same way; a large buffer on several
 * threads. And what the build has. */
#include "internal.h"
#include "thread.h"

#include <zlib.h>

#ifdef FMNIST_HAVE_ISAL
#include <isa-l/crc.h>
#elif defined(FMNIST_HAVE_LIBDEFLATE)
#include <libdeflate.h>
#endif

uint32_t fmni_crc32(uint32_t crc, const void *data, size_t n)
{
    const uint8_t *p = data;
    while (n > 0) {
        /* both take 32-bit lengths */
        uint32_t k = n > ((size_t)1 << 30) ? (1u << 30) : (uint32_t)n;
#ifdef FMNIST_HAVE_ISAL
        crc = crc32_gzip_refl(crc, p, k);
#elif defined(FMNIST_HAVE_LIBDEFLATE)
        crc = libdeflate_crc32(crc, p, k);
#else
        crc = (uint32_t)crc32(crc, p, k);
#endif
        p += k;
        n -= k;
    }
    return crc;
}

/* Parts are this large at least: below it a thread costs more than it
 * saves; and at most 1 GiB, so that zlib's crc32_combine takes their
 * length on every system. */
enum { PART_MIN = 4 << 20, PARTS_MAX = 8 };
#define PART_MAX ((size_t)1 << 30)

typedef struct crc_part {
    const uint8_t *p;
    size_t n;
    uint32_t crc;
    fmni_thread thread;
    int started;
} crc_part;

static void *part_main(void *arg)
{
    crc_part *c = arg;
    c->crc = fmni_crc32(0, c->p, c->n);
    return NULL;
}

uint32_t fmni_crc32_threads(uint32_t crc, const void *data, size_t n,
                            unsigned threads)
{
    size_t k = n / PART_MIN;
    if (k > threads)
        k = threads;
    if (k > PARTS_MAX)
        k = PARTS_MAX;
    if (k < 2 || n / k >= PART_MAX)
        return fmni_crc32(crc, data, n);
    crc_part part[PARTS_MAX];
    const uint8_t *p = data;
    size_t each = n / k;
    for (size_t i = 0; i < k; i++) {
        part[i].p = p + i * each;
        part[i].n = i + 1 < k ? each : n - i * each;
        part[i].started =
            i > 0 && fmni_thread_start(&part[i].thread, part_main, &part[i]);
    }
    crc = fmni_crc32(crc, part[0].p, part[0].n);
    for (size_t i = 1; i < k; i++) {
        if (part[i].started)
            fmni_thread_join(&part[i].thread);
        else
            part_main(&part[i]);
        crc = (uint32_t)crc32_combine(crc, part[i].crc, (z_off_t)part[i].n);
    }
    return crc;
}

const char *fmn_build_info(void)
{
    return "inflate: "
#ifdef FMNIST_HAVE_ISAL
           "ISA-L igzip streamed, "
#else
           "zlib streamed, "
#endif
#ifdef FMNIST_HAVE_LIBDEFLATE
           "libdeflate whole, "
#endif
           "libfmnist's own in parallel; CRC-32: "
#ifdef FMNIST_HAVE_ISAL
           "ISA-L"
#elif defined(FMNIST_HAVE_LIBDEFLATE)
           "libdeflate"
#else
           "zlib"
#endif
#ifdef FMNIST_HAVE_LIBZIP
           "; zip archives: libzip";
#else
           "; zip archives: not read (built without libzip)";
#endif
}
