/* fuzz_files.c - libFuzzer target: the input becomes files in a folder of
 * this process's own, and what the commands do with files runs on them:
 * the folder found and loaded (with proof asked, so hashes run), each file
 * loaded, streamed by a reader and checked against every release, a zip
 * archive of them read in place, EMNIST's mapping file beside them, and
 * every writer saving the split into a set of files. Nothing may crash,
 * and what each call promises is checked. The input: 4 bytes of
 * parameters, then the images file's bytes (a header made from the
 * parameters when they say so), the last 64 bytes also the mapping text. */
#define _POSIX_C_SOURCE 200809L
#include <dirent.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "fmnist.h"
#include "os.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(int ok)
{
    if (!ok)
        __builtin_trap();
}

static char g_dir[160]; /* this process's folder, made once */

static void path_of(char *buf, size_t cap, const char *name)
{
    snprintf(buf, cap, "%s/%s", g_dir, name);
}

static void put(const char *name, const void *p, size_t n)
{
    char path[256];
    path_of(path, sizeof path, name);
    FILE *f = fopen(path, "wb");
    if (!f)
        return;
    fwrite(p, 1, n, f);
    fclose(f);
}

/* Removes everything in the folder (one level, out/ and the subfolder). */
static void clear(void)
{
    static const char *const subs[] = {"out", "FashionMNIST/raw",
                                       "FashionMNIST", ""};
    char path[512];
    for (int pass = 0; pass < 4; pass++) {
        char dir[256];
        path_of(dir, sizeof dir, subs[pass]);
        DIR *d = opendir(dir);
        struct dirent *e;
        while (d && (e = readdir(d)) != NULL) {
            if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
                continue;
            snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
            if (remove(path) != 0)
                os_rmdir(path);
        }
        if (d)
            closedir(d);
    }
}

static void put_be32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

static void le16(uint8_t *p, unsigned v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}

static void le32(uint8_t *p, uint32_t v)
{
    le16(p, v & 0xffff);
    le16(p + 2, v >> 16);
}

/* A gzip file of `n` bytes at `p` (level from the parameters). */
static uint8_t *gzip_of(const uint8_t *p, size_t n, int level, size_t *out_n)
{
    z_stream z;
    memset(&z, 0, sizeof z);
    if (deflateInit2(&z, level, Z_DEFLATED, 31, 8, Z_DEFAULT_STRATEGY) != Z_OK)
        return NULL;
    size_t cap = deflateBound(&z, (uLong)n) + 32;
    uint8_t *out = malloc(cap);
    z.next_in = (Bytef *)(uintptr_t)p;
    z.avail_in = (uInt)n;
    z.next_out = out;
    z.avail_out = (uInt)cap;
    int r = out ? deflate(&z, Z_FINISH) : Z_MEM_ERROR;
    *out_n = cap - z.avail_out;
    deflateEnd(&z);
    if (r != Z_STREAM_END) {
        free(out);
        return NULL;
    }
    return out;
}

/* A zip of stored members, as Python's zipfile writes without
 * compression: local headers, data, the central directory, its end. */
typedef struct member {
    const char *name;
    const uint8_t *data;
    size_t n;
} member;

static void put_zip(const char *name, const member *m, size_t k, int damage)
{
    size_t cap = 22;
    for (size_t i = 0; i < k; i++)
        cap += 30 + 46 + 2 * strlen(m[i].name) + m[i].n;
    uint8_t *z = calloc(1, cap), *cd = calloc(1, cap);
    if (!z || !cd) {
        free(z);
        free(cd);
        return;
    }
    size_t at = 0, cat = 0;
    for (size_t i = 0; i < k; i++) {
        size_t nl = strlen(m[i].name);
        uint32_t crc = (uint32_t)crc32(0, m[i].data, (uInt)m[i].n);
        if (damage && i == 0)
            crc ^= 1; /* a member whose CRC fails */
        uint8_t *h = z + at, *c = cd + cat;
        le32(h, 0x04034b50u);
        le16(h + 4, 20);
        le32(h + 14, crc);
        le32(h + 18, (uint32_t)m[i].n);
        le32(h + 22, (uint32_t)m[i].n);
        le16(h + 26, (unsigned)nl);
        memcpy(h + 30, m[i].name, nl);
        memcpy(h + 30 + nl, m[i].data, m[i].n);
        le32(c, 0x02014b50u);
        le16(c + 4, 20);
        le16(c + 6, 20);
        le32(c + 16, crc);
        le32(c + 20, (uint32_t)m[i].n);
        le32(c + 24, (uint32_t)m[i].n);
        le16(c + 28, (unsigned)nl);
        le32(c + 42, (uint32_t)at);
        memcpy(c + 46, m[i].name, nl);
        at += 30 + nl + m[i].n;
        cat += 46 + nl;
    }
    memcpy(z + at, cd, cat);
    uint8_t *e = z + at + cat;
    le32(e, 0x06054b50u);
    le16(e + 8, (unsigned)k);
    le16(e + 10, (unsigned)k);
    le32(e + 12, (uint32_t)cat);
    le32(e + 16, (uint32_t)at);
    put(name, z, at + cat + 22);
    free(z);
    free(cd);
}

static int discard(void *ctx, const void *p, size_t n)
{
    (void)p;
    *(size_t *)ctx += n;
    return 0;
}

/* Every verdict said in words, for any combination. */
static void describe_all(const uint8_t *p)
{
    fmn_file_info fi;
    memset(&fi, 0, sizeof fi);
    char say[512];
    for (int r = 0; r <= 6; r++) {
        fi.release = (fmn_release)r;
        fi.dataset = (fmn_dataset)(p[0] % 12);
        fi.split = (fmn_split_id)(p[1] % 3);
        fi.kind = (fmn_file_kind)(p[2] % 3);
        fi.decoded_size = p[3] & 1 ? 8 + 60000 : 16 + 10000 * 784;
        fi.content_hashed = p[3] & 2;
        fi.crc32 = 0x741a4657u; /* Fashion-MNIST's train labels */
        size_t n = fmn_release_describe(&fi, say, sizeof say);
        check(n > 0 && strlen(say) < sizeof say);
        fmn_error err;
        (void)fmn_file_check_role(&fi, (fmn_split_id)(p[1] % 3),
                                  (fmn_file_kind)(p[2] % 3), &err);
        check(fmn_release_name((fmn_release)r) != NULL);
    }
    for (int s = 0; s <= 40; s++)
        check(fmn_strerror((fmn_status)s) != NULL);
    for (int d = 0; d < 12; d++) {
        for (size_t i = 0; fmn_release_mirror((fmn_dataset)d, i); i++)
            continue;
        (void)fmn_release_gz_size((fmn_dataset)d, FMN_SPLIT_TEST,
                                  FMN_FILE_LABELS);
        char name[96];
        (void)fmn_release_file_name((fmn_split_id)(d % 3),
                                    (fmn_file_kind)(d % 3), "x", name,
                                    sizeof name);
    }
}

/* A file: loaded with proof, streamed, checked against every release. */
/* A file read through the callback, at most `step` bytes a call. */
typedef struct reading {
    FILE *f;
    size_t step;
} reading;

static long read_some(void *ctx, void *buf, size_t n)
{
    reading *r = ctx;
    size_t got = fread(buf, 1, n < r->step ? n : r->step, r->f);
    return ferror(r->f) ? -1 : (long)got;
}

/* The file at path through a descriptor and through a read callback: the
 * path load's verdict and CRC-32 (st, crc) both times. */
static void other_sources(const char *path, const fmn_options *opt,
                          fmn_status st, uint32_t crc, size_t step)
{
    fmn_idx *idx;
    fmn_error err;
    int fd = os_open_read(path);
    if (fd >= 0) {
        fmn_status fs = fmn_idx_load_fd(fd, path, opt, &idx, &err);
        check((fs == FMN_OK) == (st == FMN_OK));
        if (fs == FMN_OK) {
            check(fmn_idx_info(idx)->crc32 == crc);
            fmn_idx_free(idx);
        }
        check(os_fd_open(fd)); /* still the caller's */
        os_close(fd);
    }
    reading r = {fopen(path, "rb"), step};
    if (r.f) {
        fmn_status cs = fmn_idx_load_callback(read_some, &r, path, opt, &idx,
                                              &err);
        check((cs == FMN_OK) == (st == FMN_OK));
        if (cs == FMN_OK) {
            check(fmn_idx_info(idx)->crc32 == crc);
            fmn_idx_free(idx);
        }
        fclose(r.f);
    }
}

static void one_file(const char *name, const uint8_t *p)
{
    char path[256];
    path_of(path, sizeof path, name);
    fmn_options opt;
    fmn_options_init(&opt);
    opt.hash_gz = 1;
    opt.max_bytes = 1u << 24;
    opt.map_raw = p[2] & 2;
    opt.threads = 1 + (p[2] & 4 ? 1 : 0);
    fmn_idx *idx;
    fmn_error err;
    fmn_status st = fmn_idx_load_file(path, &opt, &idx, &err);
    check((st == FMN_OK) == (idx != NULL));
    uint32_t crc = 0;
    if (idx) {
        crc = fmn_idx_info(idx)->crc32;
        fmn_idx_free(idx);
    }
    if (p[3] & 0x04) /* a step of 1 to 4096 bytes */
        other_sources(path, &opt, st, crc, (size_t)1 << (p[1] % 13));
    fmn_reader *r;
    fmn_status rs = fmn_reader_open(path, &r, &err);
    if (rs == FMN_OK) {
        size_t item = fmn_reader_item_bytes(r), got;
        fmn_array shape = fmn_reader_shape(r);
        check(shape.ndim >= 1 && shape.dims != NULL);
        check(fmn_reader_read(r, NULL, 1, &got, &err) ==
              FMN_ERR_INVALID_ARGUMENT);
        uint8_t *buf = malloc(item * 4 + 1);
        /* items of no bytes (a dimension 0) come all at once */
        size_t want = item ? 4 : SIZE_MAX;
        while (buf && (rs = fmn_reader_read(r, buf, want, &got, &err)) ==
                          FMN_OK &&
               got > 0)
            continue;
        if (rs == FMN_OK && st == FMN_OK)
            check(fmn_reader_info(r)->crc32 == crc);
        if (rs != FMN_OK) { /* a failed reader stays failed */
            fmn_error again;
            check(fmn_reader_read(r, buf, 1, &got, &again) == rs);
        }
        free(buf);
        fmn_reader_free(r);
    }
    /* what is not a file: a folder, nothing */
    char none[300];
    snprintf(none, sizeof none, "%s.none", path);
    check(fmn_idx_load_file(none, &opt, &idx, &err) == FMN_ERR_NOT_FOUND);
    check(fmn_idx_load_file(g_dir, &opt, &idx, &err) != FMN_OK);
    check(fmn_reader_open(g_dir, &r, &err) != FMN_OK);
    fmn_release rel;
    (void)fmn_release_check_file(path, (fmn_dataset)(p[0] % 4),
                                 (fmn_split_id)(1 + p[1] % 2),
                                 (fmn_file_kind)(1 + p[2] % 2), &rel, &err);
}

static int one_byte(void *ctx, fmn_write_fn write, void *wctx, char *why,
                    size_t cap)
{
    (void)ctx;
    (void)why;
    (void)cap;
    return write(wctx, "x", 1);
}

/* A set of 130 small files (more than a chunk of the set's list), with a
 * name taken after its check when p says so: all or none. */
static void many_files(const char *out, const uint8_t *p)
{
    fmn_save_set *set;
    fmn_error err;
    char path[320];
    check(fmn_save_set_new(0, &set, &err) == FMN_OK);
    for (int i = 0; i < 130; i++) {
        snprintf(path, sizeof path, "%s/m%03d", out, i);
        check(fmn_save_set_file(set, path, one_byte, NULL, &err) ==
              FMN_OK);
    }
    if (p[2] & 0x10) {
        snprintf(path, sizeof path, "%s/m129", out);
        FILE *f = fopen(path, "w");
        if (f)
            fclose(f);
    }
    fmn_status st = fmn_save_set_commit(set, &err);
    check(st == (p[2] & 0x10 ? FMN_ERR_EXISTS : FMN_OK));
    snprintf(path, sizeof path, "%s/m000", out);
    check(os_exists(path) == (st == FMN_OK));
    check(fmn_save_set_file(set, path, one_byte, NULL, &err) != FMN_OK);
    check(fmn_save_set_commit(set, &err) == FMN_ERR_INVALID_ARGUMENT);
    fmn_save_set_free(set);
    check(fmn_save_set_file(NULL, path, one_byte, NULL, &err) ==
          FMN_ERR_INVALID_ARGUMENT);
    check(fmn_save_set_commit(NULL, &err) == FMN_ERR_INVALID_ARGUMENT);
}

/* What training code does with a loaded split: batches over epochs, and
 * floats in both layouts, of every item or of a list. */
static void train_on(const fmn_split *sp, const uint8_t *p)
{
    size_t n = fmn_split_count(sp);
    fmn_items all = fmn_items_range(0, n);
    fmn_batch_options o;
    fmn_batch_options_init(&o);
    o.batch_size = 1 + p[1] % 7;
    o.shuffle = p[2] & 1;
    o.seed = p[3];
    o.drop_last = p[2] & 2;
    o.views_only = p[2] & 4;
    fmn_batcher *b;
    fmn_error err;
    if (fmn_batcher_new(sp, all, &o, &b, &err) == FMN_OK) {
        fmn_batch batch;
        size_t k = 0;
        while (fmn_batcher_next(b, &batch))
            k++;
        check(k == fmn_batcher_num_batches(b));
        fmn_batcher_seek_epoch(b, 3);
        check(fmn_batcher_epoch(b) == 3);
        check(fmn_batcher_next(b, &batch) == (k > 0));
        fmn_batcher_free(b);
    }
    fmn_images im = fmn_split_images(sp);
    size_t shape[4];
    check(fmn_float_shape(im, n, FMN_LAYOUT_NHW, shape) == 3);
    check(fmn_float_shape(im, n, FMN_LAYOUT_NCHW, shape) == 4);
    check(fmn_float_shape(im, n, (fmn_layout)7, shape) == 0);
    size_t px = im.height * im.width, m = n < 16 ? n : 16;
    float *f = malloc((m * px + 1) * sizeof *f);
    uint32_t pick[16];
    for (size_t i = 0; i < m; i++)
        pick[i] = (uint32_t)(n - 1 - i);
    fmn_scale bad = {0.5f, 0.0f};
    if (f) {
        (void)fmn_images_to_float(im, fmn_items_list(pick, m), NULL,
                                  (fmn_layout)(p[0] & 1), f, m * px, &err);
        check(fmn_images_to_float(im, fmn_items_list(pick, m), &bad,
                                  FMN_LAYOUT_NHW, f, m * px, &err) !=
              FMN_OK || m == 0);
        check(fmn_images_to_float(im, all, NULL, (fmn_layout)7, f, 0, &err) !=
              FMN_OK);
        fmn_pixel_stats st;
        (void)fmn_images_pixel_stats(im, fmn_items_list(pick, m), &st, &err);
        free(f);
    }
}

/* The pair streamed, whole items or pieces, as stats --stream reads. */
static void stream_pair(const char *iname, const char *lname,
                        const uint8_t *p)
{
    char ip[256], lp[256];
    path_of(ip, sizeof ip, iname);
    path_of(lp, sizeof lp, lname);
    fmn_options opt;
    fmn_options_init(&opt);
    opt.max_bytes = 1u << 24;
    fmn_split_reader *r;
    fmn_error err;
    if (fmn_split_reader_open(ip, lp, &opt, &r, &err) != FMN_OK)
        return;
    fmn_images shape = fmn_split_reader_shape(r);
    (void)fmn_split_reader_num_classes(r);
    (void)fmn_split_reader_first_label(r);
    size_t px = shape.height * shape.width, got;
    uint8_t *pixels = malloc(px * 3 + 1), labels[3];
    fmn_status st = FMN_OK;
    if (p[1] & 8) {
        unsigned label;
        while (pixels && (st = fmn_split_reader_read_piece(
                              r, pixels, 1 + p[2] % 7, &got, &label,
                              &err)) == FMN_OK &&
               !fmn_split_reader_complete(r))
            continue;
    } else {
        while (pixels && (st = fmn_split_reader_read(r, pixels, labels, 3,
                                                     &got, &err)) == FMN_OK &&
               got > 0)
            continue;
    }
    if (st == FMN_OK && pixels) {
        check(fmn_split_reader_complete(r));
        (void)fmn_split_reader_dataset(r);
        (void)fmn_split_reader_naming(r);
        (void)fmn_split_reader_id(r);
        check(fmn_split_reader_file(r, FMN_FILE_LABELS) != NULL);
    }
    free(pixels);
    fmn_split_reader_free(r);
    /* a range of the pair, and the labels checked alone */
    fmn_split *part;
    uint64_t start = p[2] % 5, count = p[3] % 7;
    if (fmn_split_load_range(ip, lp, start, count, &opt, &part, &err) ==
        FMN_OK) {
        check(fmn_split_count(part) <= count);
        fmn_split_free(part);
    }
    fmn_idx *li;
    if (fmn_idx_load_file(lp, &opt, &li, &err) == FMN_OK) {
        unsigned first, classes;
        fmn_status cs = fmn_check_labels(li, &opt, &first, &classes, &err);
        check(cs != FMN_OK || classes >= 1);
        fmn_status ks = fmn_check_kind(fmn_idx_array(li), lp, FMN_FILE_LABELS,
                                       &err);
        check(cs != FMN_OK || ks == FMN_OK);
        (void)fmn_check_kind(fmn_idx_array(li), lp, FMN_FILE_IMAGES, &err);
        fmn_idx_free(li);
    }
}

/* Every writer, into one set; committed or dropped by the parameters. */
static void save_all(const fmn_split *sp, const uint8_t *p)
{
    char out[256], path[320];
    path_of(out, sizeof out, "out");
    os_mkdir(out);
    fmn_save_set *set;
    fmn_error err;
    check(fmn_save_set_new(p[0] & 1 ? FMN_SAVE_OVERWRITE : 0, &set, &err) ==
          FMN_OK);
    fmn_items all = fmn_items_range(0, fmn_split_count(sp));
    static const char *const names[] = {"i.idx", "i.gz", "i.npy", "i.csv",
                                        "i.pgm"};
    for (int f = 0; f < 5; f++)
        for (int k = 1; k <= 2; k++) {
            snprintf(path, sizeof path, "%s/%d%s", out, k, names[f]);
            (void)fmn_save_set_split(set, sp, all, (fmn_format)f,
                                     (fmn_file_kind)k, path, &err);
        }
    snprintf(path, sizeof path, "%s/both.npz", out);
    (void)fmn_save_set_npz(set, sp, all, p[1] & 1 ? sp : NULL, all, path,
                           &err);
    if (p[1] & 2)
        (void)fmn_save_set_commit(set, &err);
    else if (p[1] & 4)
        fmn_save_set_abort(set);
    fmn_save_set_free(set);
    /* again over what is there: refused, or replaced; a folder never */
    snprintf(path, sizeof path, "%s/1i.idx", out);
    (void)fmn_split_save(sp, all, FMN_FORMAT_IDX, FMN_FILE_IMAGES, path,
                         p[2] & 8 ? FMN_SAVE_OVERWRITE : 0, &err);
    check(fmn_split_save(sp, all, FMN_FORMAT_IDX, FMN_FILE_IMAGES, out,
                         FMN_SAVE_OVERWRITE, &err) == FMN_ERR_EXISTS);
    snprintf(path, sizeof path, "%s/no/such/folder/x.npy", out);
    check(fmn_split_save(sp, all, FMN_FORMAT_NPY, FMN_FILE_IMAGES, path, 0,
                         &err) == FMN_ERR_WRITE);
    snprintf(path, sizeof path, "%s/x.npz", out);
    (void)fmn_npz_save(sp, all, NULL, all, path, 0, &err);
    if (p[3] & 0x08)
        many_files(out, p);
    size_t n = 0;
    (void)fmn_split_write(sp, all, (fmn_format)(p[2] % 6),
                          (fmn_file_kind)(p[3] % 3), discard, &n, &err);
}

static void remove_dir(void)
{
    clear();
    os_rmdir(g_dir);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 4 || size > (1u << 16) || (data[3] & 0x10 && size > 256))
        return 0;
    if (!g_dir[0]) {
        char *dir = os_tmpdir("fmnist-fuzz-files");
        if (!dir || strlen(dir) >= sizeof g_dir) {
            free(dir);
            return 0;
        }
        strcpy(g_dir, dir);
        free(dir);
        atexit(remove_dir);
    }
    const uint8_t *p = data, *body = data + 4;
    size_t n = size - 4;
    /* images: the body as it is, or after a header the parameters make;
     * with 0x10 in p[3], 9 MiB: the body repeated, bytes that do not
     * compress (p[1] & 3 == 1), with runs copied (2), or (3) 1 MiB of
     * such bytes and 1 MiB of zeros in turn; or (p[1] & 0x0f == 7) 6 MiB
     * of letters then zeros, or (0x0b) 3 MiB of zeros then letters: the
     * parallel decoder's guesses of where its parts' output goes far too
     * high, or too low. A raw file that large is mapped and its
     * CRC-32 summed on two threads; a gzip file that does not compress is
     * decoded in parts on two threads. */
    uint8_t *big = NULL;
    if (p[3] & 0x10 && n > 0) {
        size_t want = (size_t)9 << 20;
        if (!(big = malloc(want)))
            return 0;
        uint64_t x = 0x9e3779b97f4a7c15ull ^ body[0];
        for (size_t i = 0; i < want; i++) {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            /* p[1] & 2: random bytes, and runs of 8 to 63 copied from up
             * to 30,000 back (matches across the parallel decoder's
             * parts) */
            if ((p[1] & 0x0f) == 0x07 || (p[1] & 0x0f) == 0x0b) {
                /* letters of 16 (Huffman-coded blocks that a part can
                 * find), 6 MiB then zeros, or 3 MiB of zeros then them */
                int zero = p[1] & 0x04 ? i >= ((size_t)6 << 20)
                                       : i < ((size_t)3 << 20);
                big[i] = zero ? 0 : (uint8_t)('a' + (x >> 32) % 16);
            } else if ((p[1] & 3) == 3) { /* 1 MiB random, 1 MiB of zeros */
                big[i] = (i >> 20) & 1 ? 0 : (uint8_t)(x >> 32);
            } else if (p[1] & 2 && i > 30000 && (x >> 40) % 4 == 0) {
                size_t len = 8 + (size_t)(x >> 50) % 56, d = 1 + (x >> 8) % 30000;
                for (size_t k = 0; k < len && i < want; k++, i++)
                    big[i] = big[i - d];
                i--;
            } else {
                big[i] = p[1] & 3 ? (uint8_t)(x >> 32) : body[i % n];
            }
        }
        body = big;
        n = want;
    }
    uint8_t *im = malloc(16 + n);
    size_t im_n = n;
    if (!im) {
        free(big);
        return 0;
    }
    if (p[0] & 0x80) {
        uint32_t h = 1 + p[1] % 8, w = 1 + p[2] % 8;
        uint32_t count = (uint32_t)(n / (h * w));
        memcpy(im, "\0\0\x08\x03", 4);
        put_be32(im + 4, count + (p[3] & 0x80 ? 1 : 0)); /* maybe short */
        put_be32(im + 8, h);
        put_be32(im + 12, w);
        memcpy(im + 16, body, n);
        im_n = 16 + n;
    } else {
        memcpy(im, body, n);
    }
    /* labels: as many as the images declare, from the body (some no
     * class), or 10000 to look like KMNIST's test labels (hashed) */
    uint32_t items = im_n >= 8 ? (uint32_t)im[4] << 24 | (uint32_t)im[5] << 16 |
                                     (uint32_t)im[6] << 8 | im[7]
                               : 0;
    if (p[3] & 0x40 || items > 20000)
        items = p[3] & 0x40 ? 10000 : 0;
    uint8_t *lb = malloc(8 + (size_t)items);
    if (!lb) {
        free(im);
        return 0;
    }
    memcpy(lb, "\0\0\x08\x01", 4);
    put_be32(lb + 4, items);
    for (uint32_t i = 0; i < items; i++) {
        unsigned v = n ? body[i % n] : 0;
        /* EMNIST Letters' are 1 to 26; now and then one that is no class */
        lb[8 + i] = (uint8_t)(p[0] & 0x40 ? (p[3] & 0x20 ? v % 27 : 1 + v % 26)
                                          : v % (p[3] & 0x20 ? 11 : 10));
    }
    /* the names: official, prefixed (EMNIST's), or the variants a folder
     * search must know (torchvision's subfolder, a dot, Kaggle-like) */
    static const char *const folders[4] = {"", "FashionMNIST/raw/", "", ""};
    static const char *const spellings[4][2] = {
        {"train-images-idx3-ubyte", "train-labels-idx1-ubyte"},
        {"train-images.idx3-ubyte", "train-labels.idx1-ubyte"},
        {"fashion_train_images", "fashion_train_labels"},
        {"images-idx3-ubyte", "labels-idx1-ubyte"}};
    unsigned v = (unsigned)(p[1] >> 5) & 3;
    const char *prefix = p[0] & 0x40 ? "emnist-letters-" : "";
    int matrix = !(p[0] & 0x40) && p[2] & 0x40; /* QMNIST's N x 8 int32 */
    char iname[128], lname[128];
    if (folders[v][0]) {
        char sub[256];
        path_of(sub, sizeof sub, "FashionMNIST");
        os_mkdir(sub);
        path_of(sub, sizeof sub, folders[v]);
        os_mkdir(sub);
    }
    snprintf(iname, sizeof iname, "%s%s%s%s", folders[v], prefix,
             spellings[v][0], p[0] & 0x20 ? ".gz" : "");
    snprintf(lname, sizeof lname, "%s%s%s.gz", folders[v], prefix,
             spellings[v][1]);
    if (matrix) { /* the labels as QMNIST's: N x 8 int32, class first */
        uint8_t *mx = malloc(12 + (size_t)items * 32);
        if (mx) {
            memcpy(mx, "\0\0\x0c\x02", 4);
            put_be32(mx + 4, items);
            put_be32(mx + 8, 8);
            for (uint32_t i = 0; i < items; i++)
                for (int c = 0; c < 8; c++)
                    put_be32(mx + 12 + (size_t)i * 32 + 4 * (size_t)c,
                             c ? (uint32_t)(i * 7 + (unsigned)c)
                               : lb[8 + i] % 10u);
            free(lb);
            lb = mx;
            snprintf(lname, sizeof lname, "%sqmnist-train-labels-idx2-int.gz",
                     folders[v]);
            snprintf(iname, sizeof iname, "%sqmnist-train-images-idx3-ubyte%s",
                     folders[v], p[0] & 0x20 ? ".gz" : "");
        }
    }
    size_t lb_n = matrix ? 12 + (size_t)items * 32 : 8 + (size_t)items;
    size_t gi_n = 0, gl_n = 0;
    /* big: level 1, 0 (stored blocks) or 4, chosen by p[2] */
    static const int big_level[4] = {1, 0, 4, 1};
    uint8_t *gi = p[0] & 0x20 ? gzip_of(im, im_n,
                                        big ? big_level[(p[2] >> 4) & 3]
                                            : p[1] % 10,
                                        &gi_n)
                              : NULL;
    uint8_t *gl = gzip_of(lb, lb_n, 1, &gl_n);
    if (gl && p[3] & 1 && lb_n > 16) { /* two members: no trailer to trust */
        size_t a_n = 0, b_n = 0;
        uint8_t *a = gzip_of(lb, lb_n / 2, 1, &a_n);
        uint8_t *b = gzip_of(lb + lb_n / 2, lb_n - lb_n / 2, 1, &b_n);
        uint8_t *two = a && b ? malloc(a_n + b_n) : NULL;
        if (two) {
            memcpy(two, a, a_n);
            memcpy(two + a_n, b, b_n);
            free(gl);
            gl = two;
            gl_n = a_n + b_n;
        }
        free(a);
        free(b);
    }
    put(iname, gi ? gi : im, gi ? gi_n : im_n);
    if (gl)
        put(lname, gl, gl_n);
    if (p[0] & 0x40) { /* EMNIST's mapping file: lines "label ascii" */
        size_t tail = n < 64 ? n : 64;
        put("emnist-letters-mapping.txt", body + n - tail, tail);
    }
    if (p[0] & 0x10) { /* the test split too, from the same bytes */
        put("t10k-images-idx3-ubyte", im, im_n);
        if (gl)
            put("t10k-labels-idx1-ubyte.gz", gl, gl_n);
    }
    if (p[0] & 0x08 && gi) { /* a raw copy beside the .gz, maybe changed:
                                 its last byte, or (0x02) its header */
        char copy[160];
        size_t at = p[0] & 0x02 ? 11 : im_n - 1;
        snprintf(copy, sizeof copy, "%.*s", (int)(strlen(iname) - 3), iname);
        if (p[0] & 0x04 && im_n > 20)
            im[at] ^= 1;
        put(copy, im, im_n);
        if (p[0] & 0x04 && im_n > 20)
            im[at] ^= 1;
    }

    if (big) { /* the decoders and the mapping only: the rest is slow */
        one_file(iname, p);
        fmn_idx *whole;
        fmn_error we;
        char ip[256];
        path_of(ip, sizeof ip, iname);
        if (fmn_idx_load_file(ip, NULL, &whole, &we) == FMN_OK)
            fmn_idx_free(whole);
        for (unsigned t = 1; gi && t <= 4; t *= 2) { /* from memory too */
            fmn_options mo;
            fmn_options_init(&mo);
            mo.threads = t;
            mo.max_bytes = 1u << 24;
            if (fmn_idx_load_memory(gi, gi_n, "mem.gz", &mo, &whole, &we) ==
                FMN_OK)
                fmn_idx_free(whole);
        }
        fmn_split *both[2] = {NULL, NULL};
        fmn_options two;
        fmn_options_init(&two);
        two.threads = p[2] & 8 ? 4 : 2;
        two.max_bytes = 1u << 24;
        char top[256];
        fmn_error e;
        path_of(top, sizeof top, "");
        (void)fmn_dataset_load(top, &two, &both[0], &both[1], &e);
        if (both[0]) { /* large runs of bytes written without a copy */
            size_t out_n = 0;
            fmn_items all = fmn_items_range(0, fmn_split_count(both[0]));
            check(fmn_split_write(both[0], all, FMN_FORMAT_IDX,
                                  FMN_FILE_IMAGES, discard, &out_n,
                                  &e) == FMN_OK);
        }
        fmn_split_free(both[0]);
        fmn_split_free(both[1]);
        goto done;
    }
    describe_all(p);
    check(fmn_build_info() != NULL);
    if (gl) { /* the labels from memory, hashed where they could be a .gz */
        fmn_options mo;
        fmn_options_init(&mo);
        mo.hash_gz = 1;
        fmn_idx *li;
        fmn_error le;
        if (fmn_idx_load_memory(gl, gl_n, "labels.gz", &mo, &li, &le) == FMN_OK)
            fmn_idx_free(li);
    }
    one_file(iname, p);
    one_file(lname, p);
    stream_pair(iname, lname, p);

    char dir[256];
    path_of(dir, sizeof dir, "");
    fmn_dir *d;
    fmn_error err;
    fmn_options opt;
    fmn_options_init(&opt);
    opt.hash_gz = 1;
    opt.max_bytes = 1u << 24;
    opt.threads = 1 + (p[2] & 1);
    if (fmn_dir_open(dir, &d, &err) == FMN_OK) {
        check(fmn_path_is_folder(dir));
        char one[512];
        for (size_t i = 0; i < fmn_dir_datasets(d); i++)
            check(fmn_dir_dataset_path(d, i, one, sizeof one) > 0);
        (void)fmn_dir_location(d);
        for (int s = 1; s <= 2; s++)
            for (int k = 1; k <= 2; k++)
                for (size_t c = 0; c < fmn_dir_copies(d, (fmn_split_id)s,
                                                      (fmn_file_kind)k);
                     c++)
                    check(fmn_dir_copy(d, (fmn_split_id)s, (fmn_file_kind)k,
                                       c) != NULL);
        fmn_split *tr = NULL, *te = NULL;
        fmn_error te_err;
        (void)fmn_dir_load_both(d, &opt, &tr, &te, &err, &te_err);
        if (tr) {
            save_all(tr, p);
            train_on(tr, p);
        }
        fmn_split_free(tr);
        fmn_split_free(te);
        fmn_dir_free(d);
    }

    /* the same files in a zip, read in place (a build without libzip
     * refuses it with a reason) */
    member m[3] = {{iname, gi ? gi : im, gi ? gi_n : im_n},
                   {lname, gl ? gl : lb, gl ? gl_n : lb_n},
                   {"readme.txt", body, n < 32 ? n : 32}};
    put_zip("a.zip", m, 3, p[2] & 0x80);
    if (p[3] & 2) { /* cut short: its directory gone */
        char zp[256];
        path_of(zp, sizeof zp, "a.zip");
        long long zsize = os_file_size(zp);
        if (zsize > 30)
            os_truncate(zp, zsize - 30);
    }
    char zpath[256], zfile[384];
    path_of(zpath, sizeof zpath, "a.zip");
    fmn_split *zs = NULL;
    fmn_split *zt = NULL;
    (void)fmn_dataset_load(zpath, &opt, &zs, &zt, &err);
    fmn_split_free(zs);
    fmn_split_free(zt);
    snprintf(zfile, sizeof zfile, "%s/%s", zpath,
             p[3] & 4 ? "no-such-folder" : "FashionMNIST");
    (void)fmn_dataset_load(zfile, &opt, &zs, &zt, &err);
    fmn_split_free(zs);
    fmn_split_free(zt);
    snprintf(zfile, sizeof zfile, "%s/%s", zpath, iname);
    fmn_idx *zi;
    if (fmn_idx_load_file(zfile, &opt, &zi, &err) == FMN_OK)
        fmn_idx_free(zi);
    fmn_reader *zr;
    if (fmn_reader_open(zfile, &zr, &err) == FMN_OK)
        fmn_reader_free(zr);
done:
    free(gi);
    free(gl);
    free(im);
    free(lb);
    free(big);
    clear();
    return 0;
}
