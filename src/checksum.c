/* checksum.c - CRC-32 (the gzip polynomial) over any length, with the
 * fastest implementation the build has: ISA-L's when it is there (folding
 * with carry-less multiplication), else zlib's. Both give the same values
 * and chain the same way. */
#include "internal.h"

#ifdef FMNIST_HAVE_ISAL
#include <isa-l/crc.h>
#endif

uint32_t fmni_crc32(uint32_t crc, const void *data, size_t n)
{
    const uint8_t *p = data;
    while (n > 0) {
        /* both take 32-bit lengths */
        uint32_t k = n > ((size_t)1 << 30) ? (1u << 30) : (uint32_t)n;
#ifdef FMNIST_HAVE_ISAL
        crc = crc32_gzip_refl(crc, p, k);
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
#ifdef FMNIST_HAVE_ISAL
    return "inflate: ISA-L igzip; CRC-32: ISA-L";
#else
    return "inflate: zlib; CRC-32: zlib";
#endif
}
