/* release.c - the published releases, and identification by content.
 *
 * Content is identified by the CRC-32 and length of the decoded IDX bytes,
 * which decoding computes anyway (and which a gzip trailer carries), so a
 * renamed, uncompressed or re-gzipped copy is still recognised. Whether a
 * file is the published .gz byte for byte is decided by the MD5 the
 * publisher gives, computed only when it could match.
 *
 * MNIST and KMNIST publish only .gz MD5s; their content CRC-32s are not
 * recorded here, so only their published files are recognised. */
#include "internal.h"

#include <string.h>

typedef struct release_file {
    fmn_dataset dataset;
    fmn_split_id split;
    fmn_file_kind kind;
    uint64_t gz_size;     /* 0: not recorded */
    const char *gz_md5;   /* as published */
    uint64_t idx_size;    /* decoded size, header included */
    uint32_t idx_crc32;
    int crc_known;
} release_file;

static const release_file RELEASES[] = {
    /* Fashion-MNIST, github.com/zalandoresearch/fashion-mnist */
    {FMN_DATASET_FASHION_MNIST, FMN_SPLIT_TRAIN, FMN_FILE_IMAGES, 26421880,
     "8d4fb7e6c68d591d4c3dfef9ec88bf0d", 47040016, 0xb4f29f28u, 1},
    {FMN_DATASET_FASHION_MNIST, FMN_SPLIT_TRAIN, FMN_FILE_LABELS, 29515,
     "25c81989df183df01b3e8a0aad5dffbe", 60008, 0x741a4657u, 1},
    {FMN_DATASET_FASHION_MNIST, FMN_SPLIT_TEST, FMN_FILE_IMAGES, 4422102,
     "bef4ecab320f06d8554ea6380940ec79", 7840016, 0x678fe0b1u, 1},
    {FMN_DATASET_FASHION_MNIST, FMN_SPLIT_TEST, FMN_FILE_LABELS, 5148,
     "bb300cfdad3c16e7a12a480ee83cd310", 10008, 0x80142c1fu, 1},
    /* MNIST, as published by its authors and mirrored by torchvision */
    {FMN_DATASET_MNIST, FMN_SPLIT_TRAIN, FMN_FILE_IMAGES, 0,
     "f68b3c2dcbeaaa9fbdd348bbdeb94873", 47040016, 0, 0},
    {FMN_DATASET_MNIST, FMN_SPLIT_TRAIN, FMN_FILE_LABELS, 0,
     "d53e105ee54ea40749a09fcbcd1e9432", 60008, 0, 0},
    {FMN_DATASET_MNIST, FMN_SPLIT_TEST, FMN_FILE_IMAGES, 0,
     "9fb629c4189551a2d022fa330f9573f3", 7840016, 0, 0},
    {FMN_DATASET_MNIST, FMN_SPLIT_TEST, FMN_FILE_LABELS, 0,
     "ec29112dd5afa0611ce80d1b7f02629c", 10008, 0, 0},
    /* Kuzushiji-MNIST, github.com/rois-codh/kmnist */
    {FMN_DATASET_KMNIST, FMN_SPLIT_TRAIN, FMN_FILE_IMAGES, 0,
     "bdb82020997e1d708af4cf47b453dcf7", 47040016, 0, 0},
    {FMN_DATASET_KMNIST, FMN_SPLIT_TRAIN, FMN_FILE_LABELS, 0,
     "e144d726b3acfaa3e44228e80efcd344", 60008, 0, 0},
    {FMN_DATASET_KMNIST, FMN_SPLIT_TEST, FMN_FILE_IMAGES, 0,
     "5c965bf0a639b31b8f53240b1b52f4d7", 7840016, 0, 0},
    {FMN_DATASET_KMNIST, FMN_SPLIT_TEST, FMN_FILE_LABELS, 0,
     "7320c461ea6c1c855c0b718fb2a4b134", 10008, 0, 0},
};

enum { NRELEASES = sizeof RELEASES / sizeof RELEASES[0] };

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}

static int md5_equals(const char *hex, const uint8_t md5[16])
{
    for (int i = 0; i < 16; i++)
        if (hexval(hex[2 * i]) * 16 + hexval(hex[2 * i + 1]) != md5[i])
            return 0;
    return 1;
}

static int same_content(const release_file *r, const fmn_file_info *info)
{
    return r->crc_known && r->idx_crc32 == info->crc32 &&
           r->idx_size == info->decoded_size;
}

static void mark(fmn_file_info *info, const release_file *r, fmn_release rel)
{
    info->release = rel;
    info->dataset = r->dataset;
    info->split = r->split;
    info->kind = r->kind;
}

int fmni_release_needs_md5(const fmn_file_info *info)
{
    if (info->compression != FMN_COMPRESSION_GZIP || !info->complete)
        return 0;
    for (size_t i = 0; i < NRELEASES; i++) {
        const release_file *r = &RELEASES[i];
        if (info->release == FMN_RELEASE_REPACKED && same_content(r, info))
            return r->gz_size == info->file_size;
        if (info->release == FMN_RELEASE_UNKNOWN && !r->crc_known &&
            r->idx_size == info->decoded_size &&
            (r->gz_size == 0 || r->gz_size == info->file_size))
            return 1;
    }
    return 0;
}

int fmni_release_may_need_md5(uint64_t size)
{
    for (size_t i = 0; i < NRELEASES; i++)
        if (RELEASES[i].gz_size == size)
            return 1;
    return 0;
}

void fmni_release_identify(fmn_file_info *info, const uint8_t *gz_md5)
{
    if (!info->complete)
        return;
    for (size_t i = 0; i < NRELEASES; i++) {
        const release_file *r = &RELEASES[i];
        if (gz_md5 && info->compression == FMN_COMPRESSION_GZIP &&
            r->idx_size == info->decoded_size && md5_equals(r->gz_md5, gz_md5)) {
            mark(info, r, FMN_RELEASE_IDENTICAL);
            return;
        }
        if (!gz_md5 && same_content(r, info)) {
            mark(info, r, FMN_RELEASE_REPACKED);
            return;
        }
    }
}
