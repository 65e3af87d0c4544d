/* checksum.c - CRC-32 (the gzip polynomial) over any length, with the
 * fastest implementation the build has: ISA-L's or libdeflate's when
 * there (folding with carry-less multiplication), else zlib's. All give
 * the same values and chain the same way. And what the build has. */
#include "internal.h"

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
           "ISA-L";
#elif defined(FMNIST_HAVE_LIBDEFLATE)
           "libdeflate";
#else
           "zlib";
#endif
}
