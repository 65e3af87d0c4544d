/* npz.c - NumPy .npz files: a zip archive of .npy members, stored (as
 * numpy.savez writes them), in Keras' mnist.npz layout: x_train, y_train,
 * x_test, y_test. Each member's CRC-32 and size are found by a first pass
 * of the .npy writer, so every header holds its real values (no data
 * descriptors) and any zip reader takes the file. */
#include "internal.h"

#include <string.h>

typedef struct member {
    const fmn_split *split;
    fmn_items items;
    fmn_file_kind kind;
    const char *name; /* "x_train.npy" */
    uint32_t crc;
    uint64_t size;
    uint64_t offset;  /* of its local header */
} member;

typedef struct npz {
    member m[4];
    size_t n;
    fmn_write_fn write;
    void *wctx;
    uint64_t at;      /* bytes written so far */
} npz;

/* A pass that only counts and checksums. */
typedef struct tally {
    uint32_t crc;
    uint64_t size;
} tally;

static int count_bytes(void *ctx, const void *data, size_t size)
{
    tally *t = ctx;
    t->crc = fmni_crc32(t->crc, data, size);
    t->size += size;
    return 0;
}

static int put(npz *z, const void *p, size_t n)
{
    z->at += n;
    return z->write(z->wctx, p, n);
}

static void le16(uint8_t *p, unsigned v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}

static void le32(uint8_t *p, uint64_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

/* The fields a local header and a central directory entry share, from
 * "version needed" to "extra length", at p (26 bytes). Time and date are
 * fixed (1980-01-01 00:00): the same data makes the same file. */
static void common(uint8_t *p, const member *m)
{
    le16(p, 20);      /* version needed: 2.0 */
    le16(p + 2, 0);   /* flags */
    le16(p + 4, 0);   /* stored */
    le16(p + 6, 0);   /* time */
    le16(p + 8, 0x21);/* date: 1980-01-01 */
    le32(p + 10, m->crc);
    le32(p + 14, m->size);
    le32(p + 18, m->size);
    le16(p + 22, (unsigned)strlen(m->name));
    le16(p + 24, 0);  /* extra */
}

static fmn_status write_member(npz *z, member *m, fmn_error *err)
{
    uint8_t h[30];
    le32(h, 0x04034b50);
    common(h + 4, m);
    m->offset = z->at;
    if (put(z, h, sizeof h) || put(z, m->name, strlen(m->name)))
        return FMN_ERR_WRITE;
    z->at += m->size;
    return fmn_split_write(m->split, m->items, FMN_FORMAT_NPY, m->kind,
                           z->write, z->wctx, err);
}

static fmn_status write_directory(npz *z)
{
    uint64_t start = z->at;
    for (size_t i = 0; i < z->n; i++) {
        uint8_t e[46];
        le32(e, 0x02014b50);
        le16(e + 4, 20); /* made by: 2.0 */
        common(e + 6, &z->m[i]);
        memset(e + 32, 0, 10); /* comment, disk, attributes */
        le32(e + 42, z->m[i].offset);
        if (put(z, e, sizeof e) || put(z, z->m[i].name, strlen(z->m[i].name)))
            return FMN_ERR_WRITE;
    }
    uint8_t end[22];
    le32(end, 0x06054b50);
    le16(end + 4, 0);
    le16(end + 6, 0);
    le16(end + 8, (unsigned)z->n);
    le16(end + 10, (unsigned)z->n);
    le32(end + 12, z->at - start);
    le32(end + 16, start);
    le16(end + 20, 0);
    return put(z, end, sizeof end) ? FMN_ERR_WRITE : FMN_OK;
}

static fmn_status fill(void *ctx, fmn_write_fn write, void *wctx,
                       fmn_error *err)
{
    npz *z = ctx;
    z->write = write;
    z->wctx = wctx;
    fmn_status st = FMN_OK;
    for (size_t i = 0; i < z->n && st == FMN_OK; i++)
        st = write_member(z, &z->m[i], err);
    if (st == FMN_OK)
        st = write_directory(z);
    return st;
}

/* Adds the images and labels of a split as x_NAME and y_NAME, their CRC-32
 * and sizes found by a first pass. */
static fmn_status add(npz *z, const fmn_split *sp, fmn_items items,
                      const char *x, const char *y, const char *path,
                      fmn_error *err)
{
    for (int k = 0; k < 2; k++) {
        member *m = &z->m[z->n];
        tally t = {0, 0};
        m->split = sp;
        m->items = items;
        m->kind = k ? FMN_FILE_LABELS : FMN_FILE_IMAGES;
        m->name = k ? y : x;
        fmn_status st = fmn_split_write(sp, items, FMN_FORMAT_NPY, m->kind,
                                        count_bytes, &t, err);
        if (st != FMN_OK)
            return st;
        if (t.size > 0xffffffffu - 64) /* zip64 is not written */
            return fmni_fail(err, FMN_ERR_TOO_LARGE, path, FMN_NO_OFFSET, 0,
                             "%s would be %llu bytes: a .npz member over "
                             "4 GiB needs zip64, which is not written; save "
                             ".npy files instead", m->name,
                             (unsigned long long)t.size);
        m->crc = t.crc;
        m->size = t.size;
        z->n++;
    }
    return FMN_OK;
}

/* Plans the members of both splits' arrays into `z`. */
static fmn_status plan(npz *z, const fmn_split *train, fmn_items train_items,
                       const fmn_split *test, fmn_items test_items,
                       const char *path, fmn_error *err)
{
    memset(z, 0, sizeof *z);
    fmn_status st = FMN_OK;
    if (train)
        st = add(z, train, train_items, "x_train.npy", "y_train.npy", path,
                 err);
    if (st == FMN_OK && test)
        st = add(z, test, test_items, "x_test.npy", "y_test.npy", path, err);
    return st;
}

fmn_status fmn_npz_save(const fmn_split *train, fmn_items train_items,
                        const fmn_split *test, fmn_items test_items,
                        const char *path, int flags, fmn_error *err)
{
    fmni_clear(err);
    if (!path || (!train && !test))
        return fmni_bad_argument(err);
    npz z;
    fmn_status st = plan(&z, train, train_items, test, test_items, path, err);
    return st == FMN_OK ? fmni_save(path, flags, fill, &z, err) : st;
}

fmn_status fmn_save_set_npz(fmn_save_set *set, const fmn_split *train,
                            fmn_items train_items, const fmn_split *test,
                            fmn_items test_items, const char *path,
                            fmn_error *err)
{
    fmni_clear(err);
    if (!set || !path || (!train && !test))
        return fmni_bad_argument(err);
    npz z;
    fmn_status st = plan(&z, train, train_items, test, test_items, path, err);
    return st == FMN_OK ? fmni_set_add(set, path, fill, &z, err) : st;
}
