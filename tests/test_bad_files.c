/* test_bad_files.c - a named set of bad (and tricky but valid) files, in
 * the manner of libpng's crashers and libdeflate's gzip tests. Each file is
 * made here, reproducibly, then loaded by the library in a child process:
 * the status and the message must be the expected ones, and the child's
 * peak memory must stay within the caller's limit plus a few MiB (on
 * Windows, loaded in this process, the memory not measured). With a path
 * to fmnist, each is also run through `fmnist info`.
 *
 *   test_bad_files [PATH-TO-FMNIST]     run the checks
 *   test_bad_files --write DIR          only write the files to DIR
 */
#define _DEFAULT_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifndef _WIN32
#include <sys/resource.h> /* wait4's rusage */
#include <sys/wait.h>
#include <unistd.h>
#endif
#include <zlib.h>

#include "fixture.h"
#include "os.h"
#include "fmnist.h"

#define MiB ((uint64_t)1 << 20)

static const char *g_fmnist;
static char *g_dir;

/* ---- making the files ------------------------------------------------- */

static buf images(uint32_t n) /* a valid n x 28 x 28 uint8 file */
{
    uint32_t d[3] = {n, 28, 28};
    return idx_u8(3, d);
}

static buf labels(uint32_t n, unsigned modulo)
{
    uint32_t d[1] = {n};
    buf b = idx_header(0x08, 1, d);
    for (uint32_t i = 0; i < n; i++)
        buf_u8(&b, (uint8_t)(i % modulo));
    return b;
}

static buf gz(buf b) /* b gzipped, b freed */
{
    buf g = gz_member(b.data, b.size, 0);
    free(b.data);
    return g;
}

static buf bytes(const void *p, size_t n)
{
    buf b = {0};
    buf_put(&b, p, n);
    return b;
}

static buf cut(buf b, size_t n) /* the first n bytes */
{
    b.size = n < b.size ? n : b.size;
    return b;
}

static buf header_then(uint8_t type, size_t ndim, const uint32_t *dims,
                       size_t payload)
{
    buf b = idx_header(type, ndim, dims);
    for (size_t i = 0; i < payload; i++)
        buf_u8(&b, (uint8_t)i);
    return b;
}

/* A gzip member with a hand-made header: flags, then `extra` bytes of
 * header fields, then the deflate data and trailer of `content`. */
static buf gz_with_header(buf content, uint8_t flags, const void *extra,
                          size_t nextra)
{
    buf g = gz_member(content.data, content.size, 0);
    buf out = {0};
    uint8_t h[10] = {0x1f, 0x8b, 8, flags, 0, 0, 0, 0, 0, 3};
    buf_put(&out, h, 10);
    buf_put(&out, extra, nextra);
    buf_put(&out, g.data + 10, g.size - 10);
    free(g.data);
    free(content.data);
    return out;
}

/* A gzip stream of an IDX header claiming `claim` bytes of uint8 data,
 * followed by `zeros` zero bytes in all (a bomb when zeros is large). */
static buf bomb(uint64_t claim, uint64_t zeros)
{
    uint32_t d[2] = {(uint32_t)(claim >> 20), 1u << 20};
    buf hd = idx_header(0x08, 2, d);
    z_stream z;
    memset(&z, 0, sizeof z);
    if (deflateInit2(&z, 9, Z_DEFLATED, -15, 9, Z_DEFAULT_STRATEGY) != Z_OK)
        abort();
    buf out = {0};
    uint8_t head[10] = {0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 2, 3};
    buf_put(&out, head, 10);
    static uint8_t zero[1 << 16];
    uint8_t chunk[1 << 16];
    uLong crc = crc32(0, hd.data, (uInt)hd.size);
    uint64_t left = zeros;
    int first = 1;
    for (;;) {
        if (first) {
            z.next_in = hd.data;
            z.avail_in = (uInt)hd.size;
            first = 0;
        } else {
            uInt n = left > sizeof zero ? (uInt)sizeof zero : (uInt)left;
            z.next_in = zero;
            z.avail_in = n;
            left -= n;
            crc = crc32(crc, zero, n);
        }
        int flush = left || first ? Z_NO_FLUSH : Z_FINISH;
        int r;
        do {
            z.next_out = chunk;
            z.avail_out = sizeof chunk;
            r = deflate(&z, flush);
            buf_put(&out, chunk, sizeof chunk - z.avail_out);
        } while (z.avail_out == 0);
        if (r == Z_STREAM_END)
            break;
    }
    deflateEnd(&z);
    buf_le32(&out, (uint32_t)crc);
    buf_le32(&out, (uint32_t)(hd.size + zeros));
    free(hd.data);
    return out;
}

/* ---- the set ---------------------------------------------------------- */

typedef struct bad_file {
    const char *name;
    const char *pair_with; /* NULL: loaded alone; else the images file */
    fmn_status want;
    const char *says;      /* a fragment the message must contain */
    uint64_t limit;        /* fmn_options.max_bytes; 0 = default */
    buf (*make)(void);
} bad_file;

static buf f_empty(void) { return bytes("", 0); }
static buf f_magic_short(void) { return bytes("\0\0\x08", 3); }
static buf f_dims_short(void) { return bytes("\0\0\x08\x03\0\0\0\x0a\0\0", 10); }
static buf f_bad_magic(void)
{
    return bytes("\x01\x02\x08\x03\0\0\0\x01\0\0\0\x01\0\0\0\x01x", 17);
}
static buf f_type_07(void) { return bytes("\0\0\x07\x01\0\0\0\x01x", 9); }
static buf f_type_ff(void) { return bytes("\0\0\xff\x01\0\0\0\x01x", 9); }
static buf f_zero_dims(void) { return bytes("\0\0\x08\0", 4); }
static const char HTML[] = "<!DOCTYPE html>\n<html><head><title>404 Not "
                           "Found</title></head><body>Not Found</body></html>\n";
static buf f_html(void) { return bytes(HTML, sizeof HTML - 1); }
static buf f_html_gz(void) { return gz(f_html()); }
static buf f_lfs(void)
{
    static const char t[] = "version https://git-lfs.github.com/spec/v1\noid "
                            "sha256:8d4fb7e6c68d591d4c3dfef9ec88bf0d\nsize "
                            "26421880\n";
    return bytes(t, sizeof t - 1);
}
static buf f_zip(void) { return bytes("PK\x03\x04\x14\0\0\0\x08\0", 10); }
static buf f_overflow_64(void)
{
    uint32_t d[3] = {0xffffffffu, 0xffffffffu, 0xffffffffu};
    return header_then(0x08, 3, d, 16);
}
/* 3340214413 * 2761311370 * 2 = 2^64 + 4: a 64-bit product wraps to 4,
 * and the file holds exactly 4 bytes of data */
static buf f_wrap_64_count(void)
{
    uint32_t d[3] = {3340214413u, 2761311370u, 2};
    return header_then(0x08, 3, d, 4);
}
/* 3649452082 * 631832658 = 2^61 + 4 doubles: 2^64 + 32 bytes, wrapping to
 * 32, and the file holds exactly 32 */
static buf f_wrap_64_bytes(void)
{
    uint32_t d[2] = {3649452082u, 631832658u};
    return header_then(0x0E, 2, d, 32);
}
/* 65537 * 65536 = 2^32 + 65536 bytes, wrapping 32 bits to 65536, and the
 * file holds exactly 65536 */
static buf f_wrap_32_count(void)
{
    uint32_t d[2] = {65537, 65536};
    return header_then(0x08, 2, d, 65536);
}
/* 1073741825 int32 = 2^32 + 4 bytes, wrapping 32 bits to 4 */
static buf f_wrap_32_bytes(void)
{
    uint32_t d[1] = {1073741825u};
    return header_then(0x0C, 1, d, 4);
}
static buf f_claims_tb(void)
{
    uint32_t d[3] = {4000000000u, 28, 28};
    return header_then(0x08, 3, d, 1000);
}
static buf f_claims_tb_gz(void) { return gz(f_claims_tb()); }
static buf f_trunc_payload(void) { return cut(images(10), 16 + 5 * 784 + 3); }
static buf f_trunc_payload_gz(void) { return gz(f_trunc_payload()); }
static buf f_trunc_idx_header_gz(void) { return gz(cut(images(10), 10)); }
static buf f_trunc_gz_header(void) { return cut(gz(images(10)), 5); }
static buf f_trunc_gz_name(void)
{
    return cut(gz_with_header(images(2), 8, "a-long-file-name.idx", 21), 20);
}
static buf f_trunc_gz_deflate(void)
{
    buf g = gz(images(100));
    return cut(g, g.size / 2);
}
static buf f_trunc_gz_trailer(void)
{
    buf g = gz(images(10));
    return cut(g, g.size - 4);
}
static buf f_gz_no_trailer(void)
{
    buf g = gz(images(10));
    return cut(g, g.size - 8);
}
static buf f_trailing_raw(void)
{
    buf b = images(2);
    buf_put(&b, "\n", 1);
    return b;
}
static buf f_trailing_gz(void) { return gz(f_trailing_raw()); }
static buf f_gz_bad_crc(void)
{
    buf g = gz(images(10));
    g.data[g.size - 8] ^= 0x80;
    return g;
}
static buf f_gz_bad_length(void)
{
    buf g = gz(images(10));
    g.data[g.size - 1] ^= 0x01;
    return g;
}
static buf f_gz_reserved(void)
{
    buf g = gz(images(10));
    g.data[3] |= 0x20;
    return g;
}
static buf f_gz_method(void)
{
    buf g = gz(images(10));
    g.data[2] = 7;
    return g;
}
static buf f_gz_bad_hcrc(void) { return gz_with_header(images(2), 2, "\x12\x34", 2); }
static buf f_gz_huge_fextra(void)
{
    size_t n = 2 + 65535;
    uint8_t *x = calloc(n, 1);
    x[0] = 0xff;
    x[1] = 0xff;
    buf g = gz_with_header(images(3), 4, x, n);
    free(x);
    return g;
}
static buf f_gz_fextra_cut(void) { return cut(f_gz_huge_fextra(), 1000); }
static buf f_gz_garbage(void)
{
    buf g = gz(images(3));
    buf_put(&g, "GARBAGE!", 8);
    return g;
}
static buf f_gz_zero_padding(void)
{
    buf g = gz(images(3));
    buf_put(&g, "\0\0\0\0\0\0\0\0", 8);
    return g;
}
static buf f_gz_corrupt(void)
{
    buf g = gz(images(50));
    for (size_t i = 40; i < 60; i++)
        g.data[i] = 0xff;
    return g;
}
static buf f_gz_members_split_in_header(void)
{
    buf b = images(7);
    buf g = gz_member(b.data, 3, 0);
    buf_cat(&g, gz_member(b.data + 3, 9, 0));
    buf_cat(&g, gz_member(b.data, 0, 0)); /* an empty member */
    buf_cat(&g, gz_member(b.data + 12, b.size - 12, 0));
    free(b.data);
    return g;
}
static buf f_bomb_1g(void) { return bomb(1024 * MiB, 1024 * MiB); }
static buf f_bomb_trailing(void) { return bomb(4 * MiB, 1024 * MiB); }
static buf f_images_ok(void) { return images(12); }
static buf f_labels_10(void) { return labels(12, 11); }
static buf f_labels_255(void)
{
    buf b = labels(12, 10);
    b.data[b.size - 1] = 255;
    return b;
}
static buf f_labels_short(void) { return labels(11, 10); }
static buf f_labels_float(void)
{
    uint32_t d[1] = {12};
    return header_then(0x0D, 1, d, 48);
}
static buf f_labels_ok(void) { return labels(12, 10); }

static const bad_file SET[] = {
    /* header defects */
    {"empty", NULL, FMN_ERR_HEADER_SHORT, "the file is empty", 0, f_empty},
    {"magic-short", NULL, FMN_ERR_HEADER_SHORT, "inside the 4-byte magic", 0, f_magic_short},
    {"dims-short", NULL, FMN_ERR_HEADER_SHORT, "16-byte header", 0, f_dims_short},
    {"bad-magic", NULL, FMN_ERR_BAD_MAGIC, "expected 00 00", 0, f_bad_magic},
    {"type-07", NULL, FMN_ERR_BAD_TYPE, "element type 0x07", 0, f_type_07},
    {"type-ff", NULL, FMN_ERR_BAD_TYPE, "element type 0xff", 0, f_type_ff},
    {"zero-dims", NULL, FMN_ERR_ZERO_DIMS, "0 dimensions", 0, f_zero_dims},
    {"html-page.gz", NULL, FMN_ERR_BAD_MAGIC, "HTML", 0, f_html},
    {"html-page-gzipped.gz", NULL, FMN_ERR_BAD_MAGIC, "HTML", 0, f_html_gz},
    {"git-lfs-pointer.gz", NULL, FMN_ERR_BAD_MAGIC, "Git LFS pointer", 0, f_lfs},
    {"zip-archive", NULL, FMN_ERR_BAD_MAGIC, "zip archive", 0, f_zip},
    /* sizes */
    {"overflow-64", NULL, FMN_ERR_SIZE_OVERFLOW, "overflow 64 bits", 0, f_overflow_64},
    {"wrap-64-count", NULL, FMN_ERR_SIZE_OVERFLOW, "overflow 64 bits", 0, f_wrap_64_count},
    {"wrap-64-bytes", NULL, FMN_ERR_SIZE_OVERFLOW, "more than 2^64 bytes", 0, f_wrap_64_bytes},
    {"wrap-32-count", NULL, FMN_ERR_TRUNCATED, "4294967296 bytes short", 0, f_wrap_32_count},
    {"wrap-32-bytes", NULL, FMN_ERR_TRUNCATED, "4294967296 bytes short", 0, f_wrap_32_bytes},
    {"claims-terabytes", NULL, FMN_ERR_TRUNCATED, "bytes short", 0, f_claims_tb},
    {"claims-terabytes.gz", NULL, FMN_ERR_TRUNCATED, "can hold at most", 0, f_claims_tb_gz},
    /* truncation at every stage */
    {"trunc-idx-header.gz", NULL, FMN_ERR_HEADER_SHORT, "of the decompressed data", 0, f_trunc_idx_header_gz},
    {"trunc-payload", NULL, FMN_ERR_TRUNCATED, "bytes short", 0, f_trunc_payload},
    {"trunc-payload.gz", NULL, FMN_ERR_TRUNCATED, "after 5 complete items of 10", 0, f_trunc_payload_gz},
    {"trunc-gz-header.gz", NULL, FMN_ERR_GZIP_TRUNCATED, "inside a gzip member header", 0, f_trunc_gz_header},
    {"trunc-gz-name.gz", NULL, FMN_ERR_GZIP_TRUNCATED, "inside the gzip file name", 0, f_trunc_gz_name},
    {"trunc-gz-deflate.gz", NULL, FMN_ERR_GZIP_TRUNCATED, "inside compressed data", 0, f_trunc_gz_deflate},
    {"trunc-gz-trailer.gz", NULL, FMN_ERR_GZIP_TRUNCATED, "trailer", 0, f_trunc_gz_trailer},
    {"gz-no-trailer.gz", NULL, FMN_ERR_GZIP_TRUNCATED, "trailer", 0, f_gz_no_trailer},
    /* trailing bytes */
    {"trailing-raw", NULL, FMN_ERR_TRAILING_DATA, "1 unexpected bytes after", 0, f_trailing_raw},
    {"trailing-in-gz.gz", NULL, FMN_ERR_TRAILING_DATA, "inside the gzip stream", 0, f_trailing_gz},
    /* the gzip container */
    {"gz-bad-crc.gz", NULL, FMN_ERR_GZIP_CRC, "CRC-32 mismatch", 0, f_gz_bad_crc},
    {"gz-bad-length.gz", NULL, FMN_ERR_GZIP_LENGTH, "length mismatch", 0, f_gz_bad_length},
    {"gz-reserved-flags.gz", NULL, FMN_ERR_GZIP_HEADER, "reserved gzip flag bits", 0, f_gz_reserved},
    {"gz-method-7.gz", NULL, FMN_ERR_GZIP_HEADER, "compression method 7", 0, f_gz_method},
    {"gz-bad-header-crc.gz", NULL, FMN_ERR_GZIP_HEADER, "header CRC", 0, f_gz_bad_hcrc},
    {"gz-huge-fextra.gz", NULL, FMN_OK, NULL, 0, f_gz_huge_fextra},
    {"gz-fextra-cut.gz", NULL, FMN_ERR_GZIP_TRUNCATED, "extra field", 0, f_gz_fextra_cut},
    {"gz-garbage-after.gz", NULL, FMN_ERR_GZIP_TRAILING, "8 bytes of garbage", 0, f_gz_garbage},
    {"gz-zero-padding.gz", NULL, FMN_ERR_GZIP_TRAILING, "garbage after the last gzip member", 0, f_gz_zero_padding},
    {"gz-corrupt-deflate.gz", NULL, FMN_ERR_GZIP_DATA, "corrupt deflate data", 0, f_gz_corrupt},
    {"gz-members-split-in-header.gz", NULL, FMN_OK, NULL, 0, f_gz_members_split_in_header},
    /* bombs, under a caller's limit of 16 MiB */
    {"bomb-1gib.gz", NULL, FMN_ERR_TOO_LARGE, "limit of 16777216 bytes", 16 * MiB, f_bomb_1g},
    {"bomb-trailing.gz", NULL, FMN_ERR_TRAILING_DATA, "inside the gzip stream", 16 * MiB, f_bomb_trailing},
    /* pairs: the labels file, loaded with images-ok */
    {"images-ok", NULL, FMN_OK, NULL, 0, f_images_ok},
    {"labels-ok", "images-ok", FMN_OK, NULL, 0, f_labels_ok},
    {"labels-10", "images-ok", FMN_ERR_BAD_LABEL, "label 10 of item 10", 0, f_labels_10},
    {"labels-255", "images-ok", FMN_ERR_BAD_LABEL, "label 255 of item 11", 0, f_labels_255},
    {"labels-count-11", "images-ok", FMN_ERR_COUNT_MISMATCH, "11 labels", 0, f_labels_short},
    {"labels-float", "images-ok", FMN_ERR_NOT_LABELS, "1-D float32", 0, f_labels_float},
};
enum { NSET = sizeof SET / sizeof SET[0] };

static char *path_of(const char *name)
{
    size_t n = strlen(g_dir) + strlen(name) + 2;
    char *p = malloc(n);
    snprintf(p, n, "%s/%s", g_dir, name);
    return p;
}

static void write_all(void)
{
    for (size_t i = 0; i < NSET; i++) {
        buf b = SET[i].make();
        free(write_file(g_dir, SET[i].name, b.data, b.size));
        free(b.data);
    }
}

/* ---- checking --------------------------------------------------------- */

typedef struct outcome {
    int status;
    char message[512];
    long max_rss_kib;
} outcome;

/* Loads the file, alone or as a split with its pair: the status (99 where
 * the handle and the status disagree), the message in *err. */
static int load(const bad_file *f, fmn_error *err)
{
    fmn_options opt;
    fmn_options_init(&opt);
    if (f->limit)
        opt.max_bytes = f->limit;
    fmn_status st;
    int broken;
    char *p = path_of(f->name);
    if (f->pair_with) {
        char *im = path_of(f->pair_with);
        fmn_split *sp;
        st = fmn_split_load(im, p, &opt, &sp, err);
        broken = st == FMN_OK ? sp == NULL : sp != NULL;
        fmn_split_free(sp);
        free(im);
    } else {
        fmn_idx *idx;
        st = fmn_idx_load_file(p, &opt, &idx, err);
        broken = st == FMN_OK ? idx == NULL : idx != NULL;
        fmn_idx_free(idx);
    }
    free(p);
    return broken ? 99 : (int)st;
}

#ifdef _WIN32
/* Windows: no fork, and no peak to reset: loaded here, the memory not
 * measured (max_rss_kib -1; Linux measures it). */
static outcome load_alone(const bad_file *f)
{
    outcome o;
    memset(&o, 0, sizeof o);
    fmn_error err;
    o.status = load(f, &err);
    snprintf(o.message, sizeof o.message, "%s", err.message);
    o.max_rss_kib = -1;
    return o;
}
#else
/* A "Vm...:" figure of this process from /proc/self/status, in KiB, or
 * -1: VmHWM is the peak RSS, VmRSS the current one. */
static long vm_kib(const char *field)
{
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    long kib = -1;
    size_t n = strlen(field);
    while (f && fgets(line, sizeof line, f))
        if (!strncmp(line, field, n) && line[n] == ':') {
            kib = strtol(line + n + 1, NULL, 10);
            break;
        }
    if (f)
        fclose(f);
    return kib;
}

/* Resets the peak RSS to the current RSS (Linux 4.0+); 0 if it cannot. */
static int reset_peak_rss(void)
{
    FILE *f = fopen("/proc/self/clear_refs", "w");
    if (!f)
        return 0;
    int ok = fputs("5", f) >= 0;
    return fclose(f) == 0 && ok;
}

/* Loads the file in a child and reports its status, message and how far
 * the load raised the peak RSS (the child's peak is reset first: a forked
 * child otherwise inherits what its parent touched). Without
 * /proc/self/clear_refs, the child's whole ru_maxrss stands in. */
static outcome load_alone(const bad_file *f)
{
    int fds[2];
    assert_int_equal(pipe(fds), 0);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        close(fds[0]);
        int reset = reset_peak_rss();
        long start = vm_kib("VmRSS");
        fmn_error err;
        int st = load(f, &err);
        /* growth of the peak over what the child started with */
        long peak = reset && start >= 0 ? vm_kib("VmHWM") - start : -1;
        ssize_t w = write(fds[1], &peak, sizeof peak);
        w = write(fds[1], err.message, strlen(err.message) + 1);
        (void)w;
        _exit(st);
    }
    close(fds[1]);
    outcome o;
    memset(&o, 0, sizeof o);
    long peak = -1;
    ssize_t n = read(fds[0], &peak, sizeof peak);
    n = read(fds[0], o.message, sizeof o.message - 1);
    (void)n;
    close(fds[0]);
    int ws;
    struct rusage ru;
    assert_int_equal(wait4(pid, &ws, 0, &ru), pid);
    assert_true(WIFEXITED(ws));
    o.status = WEXITSTATUS(ws);
    o.max_rss_kib = peak >= 0 ? peak : ru.ru_maxrss;
    return o;
}
#endif

static void bad_file_is_refused_as_named(void **state)
{
    const bad_file *f = *state;
    outcome o = load_alone(f);
    if (o.status != (int)f->want)
        fail_msg("%s: status %d (%s), wanted %d (%s): %s", f->name, o.status,
                 fmn_strerror((fmn_status)o.status), f->want,
                 fmn_strerror(f->want), o.message);
    if (f->want != FMN_OK) {
        char *p = path_of(f->name);
        if (strncmp(o.message, p, strlen(p)) != 0 || !strstr(o.message, f->says))
            fail_msg("%s: message '%s' does not name the file or lacks '%s'",
                     f->name, o.message, f->says);
        free(p);
    }
    /* memory: the limit (or what the file can supply) plus a few MiB */
    uint64_t limit = f->limit ? f->limit : 64 * MiB;
    uint64_t bound = limit + 8 * MiB;
    if (o.max_rss_kib >= 0 && (uint64_t)o.max_rss_kib * 1024 > bound)
        fail_msg("%s: peak RSS grew %ld KiB, over the bound of %llu KiB", f->name,
                 o.max_rss_kib, (unsigned long long)(bound / 1024));
    if (f->limit && o.max_rss_kib >= 0)
        print_message("%s: peak RSS grew %ld KiB with a %llu MiB limit\n", f->name,
                      o.max_rss_kib, (unsigned long long)(f->limit / MiB));
    /* and the command line: exit 1 (0 if valid), one line naming the file */
    if (!g_fmnist || f->pair_with)
        return;
    char errs[4096], max[32];
    char *p = path_of(f->name);
    snprintf(max, sizeof max, "%llu",
             (unsigned long long)(f->limit ? f->limit : 1 << 30));
    snprintf(errs, sizeof errs, "%s.err", g_dir);
    const char *argv[] = {g_fmnist, "info", "--max-bytes", max, p, NULL};
    assert_int_equal(os_run(argv, errs), f->want == FMN_OK ? 0 : 1);
    FILE *e = fopen(errs, "r");
    char line[1024] = "", more[8];
    if (f->want != FMN_OK) {
        assert_non_null(fgets(line, sizeof line, e));
        assert_null(fgets(more, sizeof more, e)); /* exactly one line */
        assert_true(strncmp(line, "fmnist: ", 8) == 0);
        assert_true(strncmp(line + 8, p, strlen(p)) == 0);
    } else {
        assert_null(fgets(line, sizeof line, e)); /* nothing */
    }
    fclose(e);
    free(p);
}

int main(int argc, char **argv)
{
    if (argc == 3 && !strcmp(argv[1], "--write")) {
        g_dir = argv[2];
        os_mkdir(g_dir);
        write_all();
        printf("wrote %d files to %s\n", NSET, g_dir);
        return 0;
    }
    g_fmnist = argc > 1 ? argv[1] : NULL;
    g_dir = tmpdir_make();
    write_all();
    struct CMUnitTest tests[NSET];
    for (size_t i = 0; i < NSET; i++) {
        struct CMUnitTest t = {SET[i].name, bad_file_is_refused_as_named, NULL,
                               NULL, (void *)(uintptr_t)&SET[i]};
        tests[i] = t;
    }
    int failed = _cmocka_run_group_tests("bad_files", tests, NSET, NULL, NULL);
    tmpdir_remove(g_dir);
    return failed ? 1 : 0;
}
