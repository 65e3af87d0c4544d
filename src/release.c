/* release.c - the published releases, and identification by content.
 *
 * Everything this library knows about the published files is in RELEASES
 * below, and every verdict on a file's relation to them is made here.
 *
 * Content is found by the CRC-32 and length of the decoded IDX bytes,
 * which decoding computes anyway (and which a gzip trailer carries), so a
 * renamed, uncompressed or re-gzipped copy is still recognised; a load
 * that pays for no hash stops there (FMN_RELEASE_PUBLISHED: enough to
 * name the dataset). A CRC-32 tells accidents, not intent: four chosen
 * bytes give any CRC. So where the caller asks for proof (hash_gz, which
 * verify and info set), the SHA-256 of the decoded bytes is compared with
 * the published content's: equal, the content is proven (REPACKED);
 * different, the file was changed and its CRC made to match (MODIFIED).
 * Whether a file is the published .gz byte for byte is decided by the MD5
 * the publisher gives, computed only when asked and the file could
 * match: its size, and its gzip trailer's CRC-32 and length, checked
 * first. Every content checksum below comes with its SHA-256.
 *
 * Where the content checksum of a published file is not known (the
 * publishers give only the MD5 of their .gz), a file of its shape that is
 * no other known content is FMN_RELEASE_NOT_KNOWN, never "modified": this
 * library cannot tell it from a repack of that file. Under the name of
 * one of QMNIST's or EMNIST's files, and of its shape, it is
 * FMN_RELEASE_NAMED instead: neither proven nor disproven. */
#include "internal.h"

#include <stdio.h>
#include <string.h>

typedef struct release_file {
    fmn_dataset dataset;
    fmn_split_id split;
    fmn_file_kind kind;   /* images: items x 28 x 28 uint8; labels: items */
    uint32_t items;
    uint64_t gz_size;     /* of the published .gz; 0: not recorded */
    const char *gz_md5;   /* as published */
    uint32_t idx_crc32;   /* of the decoded IDX bytes, header included */
    int crc_known;
    unsigned columns;     /* labels: 0 for N uint8, else an N x columns
                             int32 label matrix (QMNIST's) */
    const char *idx_sha256; /* of the decoded IDX bytes, header included:
                               what proves the content; NULL: not known */
} release_file;

/* EMNIST's files, known by name and shape only (its publishers give the
 * MD5 of their zip, not of a file in it): the item counts of its paper,
 * also torchvision's. */
#define EMNIST(d, train, test)                                            \
    {d, FMN_SPLIT_TRAIN, FMN_FILE_IMAGES, train, 0, NULL, 0, 0, 0, NULL},       \
    {d, FMN_SPLIT_TRAIN, FMN_FILE_LABELS, train, 0, NULL, 0, 0, 0, NULL},       \
    {d, FMN_SPLIT_TEST, FMN_FILE_IMAGES, test, 0, NULL, 0, 0, 0, NULL},       \
    {d, FMN_SPLIT_TEST, FMN_FILE_LABELS, test, 0, NULL, 0, 0, 0, NULL}

/* Content CRC-32s and SHA-256s: Fashion-MNIST's computed from its
 * published files (the MD5 of each .gz checked first; the SHA-256s by
 * coreutils' sha256sum of zcat's output); MNIST's from the unpacked files,
 * whose SHA-256s are published by many projects (train images
 * ba891046..., train labels 65a50cbb..., test images 0fa7898d..., test
 * labels ff7bcfd4...; sha256sum agreed). KMNIST's contents are not known:
 * a CRC-32 of its train labels was reported by an independent check, but
 * with no SHA-256 to prove it, it is not used. */
static const release_file RELEASES[] = {
    /* Fashion-MNIST, github.com/zalandoresearch/fashion-mnist */
    {FMN_DATASET_FASHION_MNIST, FMN_SPLIT_TRAIN, FMN_FILE_IMAGES, 60000,
     26421880, "8d4fb7e6c68d591d4c3dfef9ec88bf0d", 0xb4f29f28u, 1, 0,
     "c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888"},
    {FMN_DATASET_FASHION_MNIST, FMN_SPLIT_TRAIN, FMN_FILE_LABELS, 60000,
     29515, "25c81989df183df01b3e8a0aad5dffbe", 0x741a4657u, 1, 0,
     "bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9"},
    {FMN_DATASET_FASHION_MNIST, FMN_SPLIT_TEST, FMN_FILE_IMAGES, 10000,
     4422102, "bef4ecab320f06d8554ea6380940ec79", 0x678fe0b1u, 1, 0,
     "5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b"},
    {FMN_DATASET_FASHION_MNIST, FMN_SPLIT_TEST, FMN_FILE_LABELS, 10000,
     5148, "bb300cfdad3c16e7a12a480ee83cd310", 0x80142c1fu, 1, 0,
     "0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34"},
    /* MNIST, as published by its authors and mirrored by torchvision */
    {FMN_DATASET_MNIST, FMN_SPLIT_TRAIN, FMN_FILE_IMAGES, 60000, 9912422,
     "f68b3c2dcbeaaa9fbdd348bbdeb94873", 0xe9f4d8b3u, 1, 0,
     "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db"},
    {FMN_DATASET_MNIST, FMN_SPLIT_TRAIN, FMN_FILE_LABELS, 60000, 28881,
     "d53e105ee54ea40749a09fcbcd1e9432", 0xe0cb4ad2u, 1, 0,
     "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5"},
    {FMN_DATASET_MNIST, FMN_SPLIT_TEST, FMN_FILE_IMAGES, 10000, 1648877,
     "9fb629c4189551a2d022fa330f9573f3", 0x91373bdfu, 1, 0,
     "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7"},
    {FMN_DATASET_MNIST, FMN_SPLIT_TEST, FMN_FILE_LABELS, 10000, 4542,
     "ec29112dd5afa0611ce80d1b7f02629c", 0x4ab9eff9u, 1, 0,
     "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2"},
    /* Kuzushiji-MNIST, github.com/rois-codh/kmnist */
    {FMN_DATASET_KMNIST, FMN_SPLIT_TRAIN, FMN_FILE_IMAGES, 60000, 0,
     "bdb82020997e1d708af4cf47b453dcf7", 0, 0, 0, NULL},
    {FMN_DATASET_KMNIST, FMN_SPLIT_TRAIN, FMN_FILE_LABELS, 60000, 0,
     "e144d726b3acfaa3e44228e80efcd344", 0x71af1bfcu, 0, 0, NULL},
    {FMN_DATASET_KMNIST, FMN_SPLIT_TEST, FMN_FILE_IMAGES, 10000, 0,
     "5c965bf0a639b31b8f53240b1b52f4d7", 0, 0, 0, NULL},
    {FMN_DATASET_KMNIST, FMN_SPLIT_TEST, FMN_FILE_LABELS, 10000, 0,
     "7320c461ea6c1c855c0b718fb2a4b134", 0, 0, 0, NULL},
    /* QMNIST, github.com/facebookresearch/qmnist (the MD5s torchvision
     * checks); labels are N x 8 int32 matrices. The test set's 60,000
     * include MNIST's 10,000 test digits first. */
    {FMN_DATASET_QMNIST, FMN_SPLIT_TRAIN, FMN_FILE_IMAGES, 60000, 0,
     "ed72d4157d28c017586c42bc6afe6370", 0, 0, 0, NULL},
    {FMN_DATASET_QMNIST, FMN_SPLIT_TRAIN, FMN_FILE_LABELS, 60000, 0,
     "0058f8dd561b90ffdd0f734c6a30e5e4", 0, 0, 8, NULL},
    {FMN_DATASET_QMNIST, FMN_SPLIT_TEST, FMN_FILE_IMAGES, 60000, 0,
     "1394631089c404de565df7b7aeaf9412", 0, 0, 0, NULL},
    {FMN_DATASET_QMNIST, FMN_SPLIT_TEST, FMN_FILE_LABELS, 60000, 0,
     "5b5b05890a5e13444e108efe57b788aa", 0, 0, 8, NULL},
    EMNIST(FMN_DATASET_EMNIST_BYCLASS, 697932, 116323),
    EMNIST(FMN_DATASET_EMNIST_BYMERGE, 697932, 116323),
    EMNIST(FMN_DATASET_EMNIST_BALANCED, 112800, 18800),
    EMNIST(FMN_DATASET_EMNIST_LETTERS, 124800, 20800),
    EMNIST(FMN_DATASET_EMNIST_DIGITS, 240000, 40000),
    EMNIST(FMN_DATASET_EMNIST_MNIST, 60000, 10000),
};

enum { NRELEASES = sizeof RELEASES / sizeof RELEASES[0] };

/* Where each release's .gz files can be fetched, the one that answers
 * best first (as torchvision, Keras and the publishers list them; MNIST's
 * original site answers 403, so it comes last). */
static const struct {
    fmn_dataset dataset;
    const char *base;
} MIRRORS[] = {
    {FMN_DATASET_FASHION_MNIST,
     "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/"},
    {FMN_DATASET_FASHION_MNIST,
     "https://github.com/zalandoresearch/fashion-mnist/raw/master/data/"
     "fashion/"},
    {FMN_DATASET_MNIST, "https://ossci-datasets.s3.amazonaws.com/mnist/"},
    {FMN_DATASET_MNIST, "https://storage.googleapis.com/cvdf-datasets/mnist/"},
    {FMN_DATASET_MNIST, "http://yann.lecun.com/exdb/mnist/"},
    {FMN_DATASET_KMNIST, "http://codh.rois.ac.jp/kmnist/dataset/kmnist/"},
    {FMN_DATASET_KMNIST, "https://storage.googleapis.com/kuzushiji-mnist/"},
};

const char *fmn_release_name(fmn_release release)
{
    switch (release) {
    case FMN_RELEASE_IDENTICAL: return "identical";
    case FMN_RELEASE_REPACKED: return "repacked";
    case FMN_RELEASE_PUBLISHED: return "published";
    case FMN_RELEASE_MODIFIED: return "modified";
    case FMN_RELEASE_NOT_KNOWN: return "not-known";
    case FMN_RELEASE_NAMED: return "named";
    case FMN_RELEASE_UNKNOWN: break;
    }
    return "unknown";
}

const char *fmn_file_kind_name(fmn_file_kind kind)
{
    switch (kind) {
    case FMN_FILE_IMAGES: return "images";
    case FMN_FILE_LABELS: return "labels";
    case FMN_FILE_UNKNOWN: break;
    }
    return NULL;
}

const char *fmn_release_mirror(fmn_dataset dataset, size_t i)
{
    for (size_t k = 0; k < sizeof MIRRORS / sizeof MIRRORS[0]; k++)
        if (MIRRORS[k].dataset == dataset && i-- == 0)
            return MIRRORS[k].base;
    return NULL;
}

static const release_file *find(fmn_dataset dataset, fmn_split_id split,
                                fmn_file_kind kind)
{
    for (size_t i = 0; i < NRELEASES; i++)
        if (RELEASES[i].dataset == dataset && RELEASES[i].split == split &&
            RELEASES[i].kind == kind)
            return &RELEASES[i];
    return NULL;
}

uint64_t fmn_release_gz_size(fmn_dataset dataset, fmn_split_id split,
                             fmn_file_kind kind)
{
    const release_file *r = find(dataset, split, kind);
    return r ? r->gz_size : 0;
}

fmn_status fmn_release_check_file(const char *path, fmn_dataset dataset,
                                  fmn_split_id split, fmn_file_kind kind,
                                  fmn_release *release, fmn_error *err)
{
    fmni_clear(err);
    if (release)
        *release = FMN_RELEASE_UNKNOWN;
    const release_file *want = path ? find(dataset, split, kind) : NULL;
    if (!want)
        return fmni_bad_argument(err);
    fmn_options opt;
    fmn_options_init(&opt);
    opt.hash_gz = 1; /* identical or repacked, as the caller is told */
    fmn_idx *idx;
    fmn_status st = fmn_idx_load_file(path, &opt, &idx, err);
    if (st != FMN_OK)
        return st;
    const fmn_file_info *fi = fmn_idx_info(idx);
    int published = fmni_release_is_published(fi->release);
    if (release)
        *release = fi->release;
    if (published && fi->dataset == dataset && fi->split == split &&
        fi->kind == kind) {
        fmn_idx_free(idx);
        return FMN_OK;
    }
    if (published)
        st = fmni_fail(err, FMN_ERR_MISNAMED, path, FMN_NO_OFFSET, 0,
                       "holds the %s %s %s, not the %s %s %s",
                       fmn_dataset_title(fi->dataset),
                       fmn_split_id_name(fi->split),
                       fmn_file_kind_name(fi->kind), fmn_dataset_title(dataset),
                       fmn_split_id_name(split), fmn_file_kind_name(kind));
    else {
        char say[256];
        fmn_release_describe(fi, say, sizeof say);
        st = fmni_fail(err, FMN_ERR_NOT_PUBLISHED, path, FMN_NO_OFFSET, 0,
                       "not the published %s %s %s (%s)",
                       fmn_dataset_title(dataset), fmn_split_id_name(split),
                       fmn_file_kind_name(kind), say);
    }
    fmn_idx_free(idx);
    return st;
}

/* The name of a release file: QMNIST's label matrices end in
 * -labels-idx2-int. */
static size_t file_name(fmn_split_id split, fmn_file_kind kind, int matrix,
                        const char *stem, char *buf, size_t cap)
{
    const char *word = split == FMN_SPLIT_TEST ? "t10k" : "train";
    const char *tail = kind != FMN_FILE_LABELS ? "images-idx3-ubyte"
                       : matrix                ? "labels-idx2-int"
                                               : "labels-idx1-ubyte";
    if (cap)
        buf[0] = '\0';
    if (!fmn_split_id_name(split) || !fmn_file_kind_name(kind))
        return 0;
    return (size_t)snprintf(buf, cap, "%s-%s", stem ? stem : word, tail);
}

size_t fmn_release_file_name(fmn_split_id split, fmn_file_kind kind,
                             const char *stem, char *buf, size_t cap)
{
    return file_name(split, kind, 0, stem, buf, cap);
}

size_t fmn_split_file_name(const fmn_split *sp, fmn_split_id split,
                           fmn_file_kind kind, const char *stem, char *buf,
                           size_t cap)
{
    return file_name(split, kind, sp && fmn_split_label_array(sp).ndim == 2,
                     stem, buf, cap);
}

static uint64_t idx_size(const release_file *r)
{
    if (r->kind == FMN_FILE_IMAGES)
        return 16 + (uint64_t)r->items * 784;
    if (r->columns)
        return 12 + (uint64_t)r->items * r->columns * 4;
    return 8 + (uint64_t)r->items;
}

/* Whether a header is the shape of release file r. */
static int same_shape(const release_file *r, const fmni_header *h)
{
    if (h->ndim == 0 || h->dims[0] != r->items)
        return 0;
    if (r->kind == FMN_FILE_LABELS && r->columns)
        return h->dtype == FMN_DTYPE_I32 && h->ndim == 2 &&
               h->dims[1] == r->columns;
    if (h->dtype != FMN_DTYPE_U8)
        return 0;
    if (r->kind == FMN_FILE_LABELS)
        return h->ndim == 1;
    return h->ndim == 3 && h->dims[1] == 28 && h->dims[2] == 28;
}

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
           idx_size(r) == info->decoded_size;
}

/* The release whose content checksum the file has, or NULL. */
static const release_file *by_crc(const fmn_file_info *info)
{
    for (size_t i = 0; i < NRELEASES; i++)
        if (same_content(&RELEASES[i], info))
            return &RELEASES[i];
    return NULL;
}

static void mark(fmn_file_info *info, const release_file *r, fmn_release rel)
{
    info->release = rel;
    info->dataset = r->dataset;
    info->split = r->split;
    info->kind = r->kind;
}

/* Whether a gzip file of `size` bytes holding `decoded` bytes could be
 * release file r's .gz (a size not published matches any). */
static int may_be_gz_of(const release_file *r, uint64_t size,
                        uint64_t decoded)
{
    return idx_size(r) == decoded && (r->gz_size == 0 || r->gz_size == size);
}

/* Whether the MD5 of a gzip file could match release file r. */
static int md5_could_match(const release_file *r, const fmn_file_info *info)
{
    return r->gz_md5 && info->compression == FMN_COMPRESSION_GZIP &&
           may_be_gz_of(r, info->file_size, info->decoded_size);
}

int fmni_release_is_published(fmn_release release)
{
    return release == FMN_RELEASE_IDENTICAL ||
           release == FMN_RELEASE_REPACKED || release == FMN_RELEASE_PUBLISHED;
}

int fmni_release_needs_md5(const fmn_file_info *info)
{
    if (info->compression != FMN_COMPRESSION_GZIP || !info->complete)
        return 0;
    /* the published content in a file of the .gz's size: is it the .gz? */
    if (info->release == FMN_RELEASE_PUBLISHED) {
        const release_file *r = by_crc(info);
        return r && md5_could_match(r, info);
    }
    /* content not known: only the .gz's MD5 can tell */
    if (info->release != FMN_RELEASE_UNKNOWN)
        return 0;
    for (size_t i = 0; i < NRELEASES; i++)
        if (!RELEASES[i].crc_known && md5_could_match(&RELEASES[i], info))
            return 1;
    return 0;
}

int fmni_release_may_be_gz(uint64_t size, uint32_t trailer_crc,
                           uint32_t trailer_len)
{
    /* the trailer holds the length modulo 2^32: these files are smaller */
    for (size_t i = 0; i < NRELEASES; i++) {
        const release_file *r = &RELEASES[i];
        if (r->gz_md5 && may_be_gz_of(r, size, trailer_len) &&
            (!r->crc_known || r->idx_crc32 == trailer_crc))
            return 1;
    }
    return 0;
}

void fmni_release_by_content(fmn_file_info *info)
{
    const release_file *r = info->complete ? by_crc(info) : NULL;
    if (r)
        mark(info, r, FMN_RELEASE_PUBLISHED);
}

int fmni_release_sha256_may_prove(const fmn_file_info *info)
{
    return info->release == FMN_RELEASE_PUBLISHED && by_crc(info) != NULL;
}

static int sha256_equals(const char *hex, const uint8_t sha[32])
{
    for (int i = 0; i < 32; i++)
        if (hexval(hex[2 * i]) * 16 + hexval(hex[2 * i + 1]) != sha[i])
            return 0;
    return 1;
}

void fmni_release_by_sha256(fmn_file_info *info)
{
    const release_file *r = by_crc(info);
    if (!r || !info->content_hashed || info->release != FMN_RELEASE_PUBLISHED)
        return;
    if (sha256_equals(r->idx_sha256, info->content_sha256)) {
        mark(info, r, FMN_RELEASE_REPACKED);
        return;
    }
    mark(info, r, FMN_RELEASE_MODIFIED); /* the role its CRC claims */
    info->dataset = FMN_DATASET_UNKNOWN;
}

void fmni_release_by_md5(fmn_file_info *info, const uint8_t gz_md5[16])
{
    for (size_t i = 0; i < NRELEASES; i++) {
        const release_file *r = &RELEASES[i];
        if (md5_could_match(r, info) && md5_equals(r->gz_md5, gz_md5)) {
            mark(info, r, FMN_RELEASE_IDENTICAL);
            return;
        }
    }
}

void fmni_release_by_name(fmn_file_info *info, const fmni_header *h)
{
    if (!info->complete || info->release != FMN_RELEASE_UNKNOWN)
        return;
    fmn_dataset d = fmni_dataset_of_name(info->path);
    const char *base = strrchr(info->path, '/');
    base = base ? base + 1 : info->path;
    fmn_split_id split;
    fmn_file_kind kind;
    if (!d || !fmni_parse_name(base, &split, &kind, NULL, NULL))
        return;
    const release_file *r = find(d, split, kind);
    if (r && !r->crc_known && same_shape(r, h))
        mark(info, r, FMN_RELEASE_NAMED);
}

void fmni_release_by_shape(fmn_file_info *info, const fmni_header *h)
{
    if (!info->complete || info->release != FMN_RELEASE_UNKNOWN)
        return;
    const release_file *first = NULL;
    int unknown_content = 0;
    for (size_t i = 0; i < NRELEASES; i++) {
        const release_file *r = &RELEASES[i];
        if (!same_shape(r, h))
            continue;
        if (!first)
            first = r;
        unknown_content |= !r->crc_known;
    }
    if (!first)
        return;
    /* a known shape whose content is none of the known ones: modified,
     * unless a release of this shape has a content nobody recorded. Its
     * role is the first's (QMNIST's test images have the train images'
     * shape). */
    info->release = unknown_content ? FMN_RELEASE_NOT_KNOWN
                                    : FMN_RELEASE_MODIFIED;
    info->dataset = FMN_DATASET_UNKNOWN;
    info->split = first->split;
    info->kind = first->kind;
}

/* Appends "NAME's" of dataset d to a list "A's, B's or C's" in buf. */
static void list_add(char *buf, size_t cap, int *n, int last, fmn_dataset d)
{
    size_t used = strlen(buf);
    snprintf(buf + used, cap - used, "%s%s's",
             *n == 0 ? "" : last ? " or " : ", ", fmn_dataset_title(d));
    (*n)++;
}

/* Whether release file r is of the role and size of the file described. */
static int like(const release_file *r, const fmn_file_info *info, int known)
{
    return r->split == info->split && r->kind == info->kind &&
           r->crc_known == known && idx_size(r) == info->decoded_size;
}

/* The datasets that publish a file of this role and size, with (known =
 * 1) or without (known = 0) a known content checksum, as "A's, B's or
 * C's". */
static void role_list(const fmn_file_info *info, int known, char *buf,
                      size_t cap)
{
    int total = 0, n = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < NRELEASES; i++)
        total += like(&RELEASES[i], info, known);
    for (size_t i = 0; i < NRELEASES; i++)
        if (like(&RELEASES[i], info, known))
            list_add(buf, cap, &n, n == total - 1, RELEASES[i].dataset);
}

size_t fmn_release_describe(const fmn_file_info *info, char *buf, size_t cap)
{
    char known[192], open[192];
    const char *what = fmn_file_kind_name(info->kind);
    const char *split = fmn_split_id_name(info->split);
    const char *title = fmn_dataset_title(info->dataset);
    const release_file *crc = by_crc(info);
    if (info->release == FMN_RELEASE_MODIFIED && info->content_hashed && crc)
        return (size_t)snprintf(buf, cap, "modified: the CRC-32 and length "
                                "of the published %s %s %s, but not its "
                                "SHA-256: the content was changed and its "
                                "CRC-32 made to match",
                                fmn_dataset_title(crc->dataset), split, what);
    switch (info->release) {
    case FMN_RELEASE_IDENTICAL:
        return (size_t)snprintf(buf, cap, "identical to the published %s %s "
                                "%s", title, split, what);
    case FMN_RELEASE_REPACKED:
        return (size_t)snprintf(buf, cap, "repacked: the published %s %s %s "
                                "content in another container (its SHA-256 "
                                "proves it)", title, split, what);
    case FMN_RELEASE_PUBLISHED:
        return (size_t)snprintf(buf, cap, "published: the %s %s %s content "
                                "by its CRC-32 and length (not hashed, so "
                                "not proven)",
                                title, split, what);
    case FMN_RELEASE_MODIFIED:
    case FMN_RELEASE_NOT_KNOWN:
        if (!split || !what)
            break;
        role_list(info, 1, known, sizeof known);
        role_list(info, 0, open, sizeof open);
        if (info->release == FMN_RELEASE_MODIFIED)
            return (size_t)snprintf(buf, cap, "modified: the shape of the "
                                    "published %s %s, but not the content "
                                    "of %s", split, what, known);
        return (size_t)snprintf(buf, cap, "not known: the shape of the "
                                "published %s %s, but not %s content; no "
                                "checksum of %s content is known, so it may "
                                "be a copy of it", split, what,
                                known[0] ? known : "any known",
                                open);
    case FMN_RELEASE_NAMED:
        if (fmn_dataset_transposed(info->dataset))
            return (size_t)snprintf(buf, cap, "%s %s %s by name: the name "
                                    "and shape of the published file; no "
                                    "published checksum for the file (EMNIST "
                                    "publishes only its zip's MD5)",
                                    title, split, what);
        return (size_t)snprintf(buf, cap, "%s %s %s by name: the name and "
                                "shape of the published file; its content "
                                "has no published checksum, and the file is "
                                "not the published .gz (or was not hashed)",
                                title, split, what);
    case FMN_RELEASE_UNKNOWN:
        break;
    }
    return (size_t)snprintf(buf, cap, "unidentified: not the shape of any "
                            "known release");
}

fmn_status fmn_file_check_role(const fmn_file_info *info, fmn_split_id split,
                               fmn_file_kind kind, fmn_error *err)
{
    fmni_clear(err);
    if (!info)
        return fmni_bad_argument(err);
    int identified = fmni_release_is_published(info->release);
    if (!identified || (info->split == split && info->kind == kind) ||
        (split == FMN_SPLIT_UNKNOWN && info->kind == kind))
        return FMN_OK;
    return fmni_fail(err, FMN_ERR_MISNAMED, info->path, FMN_NO_OFFSET, 0,
                     "holds the %s %s %s, not the %s%s%s its name says",
                     fmn_dataset_title(info->dataset),
                     fmn_split_id_name(info->split),
                     fmn_file_kind_name(info->kind),
                     split ? fmn_split_id_name(split) : "",
                     split ? " " : "", fmn_file_kind_name(kind));
}
