/* fuzz_stream.c - libFuzzer target, differential: the same two files (an
 * images file and a labels file, raw or gzip, as the input's bytes give
 * them) through a whole load (fmn_split_load, on 1 and on 3 threads) and
 * through the streaming reader (whole items, or pieces of items) must give
 * the same verdict: valid for both, with the same labels and pixels, or
 * invalid for both, the load's first problem among the stream's (every
 * problem is reported). The stream may meet another first: a label that is
 * no class before the trailing bytes a load refuses the file for, as it
 * reads the labels before their file's end. Byte 0 picks the class count and how to read, bytes
 * 1-2 where the images end. The files are written to a folder of the
 * process's own (in $TMPDIR, else /tmp), as a user's files are. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fmnist.h"
#include "os.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char *g_dir, g_images[4096], g_labels[4096];

/* The folder and its two files, at exit. */
static void cleanup(void)
{
    os_remove_tree(g_dir);
    free(g_dir);
}

/* The statuses of every problem reported, as bits. */
static void collect(void *ctx, const fmn_error *problem)
{
    *(uint64_t *)ctx |= (uint64_t)1 << (problem->status & 63);
}

static int among(fmn_status st, uint64_t set)
{
    return (set >> (st & 63)) & 1;
}

static int write_all(const char *path, const uint8_t *p, size_t n)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        return 0;
    int ok = fwrite(p, 1, n, f) == n;
    return fclose(f) == 0 && ok;
}

static int make_paths(void)
{
    if (g_images[0])
        return 1;
    if (!(g_dir = os_tmpdir("fmnist-fuzz-stream")))
        return 0;
    atexit(cleanup);
    snprintf(g_images, sizeof g_images, "%s/i-images-idx3-ubyte", g_dir);
    snprintf(g_labels, sizeof g_labels, "%s/i-labels-idx1-ubyte", g_dir);
    return 1;
}

/* The whole split through the reader: its status, and the items into
 * px/lb (room for n items of `item` bytes) as they come. */
static fmn_status stream(const fmn_options *opt, int pieces, uint8_t *px,
                         uint8_t *lb, size_t n, size_t item)
{
    fmn_split_reader *r;
    fmn_error err;
    fmn_status st = fmn_split_reader_open(g_images, g_labels, opt, &r, &err);
    if (st != FMN_OK)
        return st;
    fmn_images sh = fmn_split_reader_shape(r);
    if (sh.count != n || sh.height * sh.width != item) {
        /* the reader's shape need only agree when the load succeeded */
        px = NULL;
        lb = NULL;
    }
    size_t got, at = 0;
    uint8_t piece[7], label_one;
    unsigned label;
    size_t own = sh.height * sh.width; /* the reader's item size */
    if (own > ((size_t)1 << 20))
        pieces = 1; /* an item too large to hold: pieces only */
    if (pieces && own > 0) {
        size_t seen = 0; /* bytes of the current item */
        item = sh.height * sh.width;
        while ((st = fmn_split_reader_read_piece(r, piece, sizeof piece, &got,
                                                 &label, &err)) == FMN_OK &&
               got > 0) {
            if (px && at * item + seen + got <= n * item)
                memcpy(px + at * item + seen, piece, got);
            if (lb && at < n)
                lb[at] = (uint8_t)label;
            if ((seen += got) == item) {
                seen = 0;
                at++;
            }
        }
    } else {
        uint8_t *buf = malloc(own ? own : 1);
        while (buf &&
               (st = fmn_split_reader_read(r, buf, &label_one, 1, &got,
                                           &err)) == FMN_OK &&
               got > 0) {
            if (px && at < n)
                memcpy(px + at * item, buf, item);
            if (lb && at < n)
                lb[at] = label_one;
            at++;
        }
        if (!buf)
            st = FMN_ERR_NOMEM;
        free(buf);
    }
    if (st == FMN_OK && !fmn_split_reader_complete(r))
        __builtin_trap(); /* a reader at its end without an error is done */
    fmn_split_reader_free(r);
    return st;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 3 || !make_paths())
        return 0;
    fmn_options opt;
    fmn_options_init(&opt);
    opt.max_bytes = 16u << 20;
    opt.num_classes = data[0] & 1 ? (unsigned)(data[0] >> 2) % 64 : 0;
    int pieces = (data[0] >> 1) & 1;
    size_t cut = (size_t)data[1] | (size_t)data[2] << 8;
    data += 3;
    size -= 3;
    if (cut > size)
        cut = size;
    if (!write_all(g_images, data, cut) ||
        !write_all(g_labels, data + cut, size - cut))
        return 0;
    fmn_split *sp = NULL, *sp3 = NULL;
    fmn_error err, err3;
    uint64_t load_problems = 0, stream_problems = 0;
    opt.threads = 1;
    opt.report = collect;
    opt.report_ctx = &load_problems;
    fmn_status st = fmn_split_load(g_images, g_labels, &opt, &sp, &err);
    opt.threads = 3;
    opt.report = NULL;
    fmn_status st3 = fmn_split_load(g_images, g_labels, &opt, &sp3, &err3);
    if (st != st3 || (st != FMN_OK && strcmp(err.message, err3.message) != 0))
        __builtin_trap(); /* threads never change a verdict */
    fmn_images v = fmn_split_images(sp);
    size_t item = v.height * v.width;
    uint8_t *px = NULL, *lb = NULL;
    if (st == FMN_OK) {
        fmn_images v3 = fmn_split_images(sp3);
        if (v3.count != v.count ||
            (item && memcmp(v.data, v3.data, v.count * item) != 0))
            __builtin_trap();
        px = malloc(v.count * item + 1);
        lb = malloc(v.count + 1);
        if (!px || !lb) {
            free(px);
            free(lb);
            fmn_split_free(sp);
            fmn_split_free(sp3);
            return 0;
        }
        memset(px, 0xee, v.count * item);
    }
    opt.report = collect;
    opt.report_ctx = &stream_problems;
    fmn_status ss = stream(&opt, pieces, px, lb, v.count, item);
    /* the memory a load may take is bounded, a stream's is not: a load
     * refused for its size says nothing of the stream */
    int sized = among(FMN_ERR_TOO_LARGE, load_problems) ||
                among(FMN_ERR_NOMEM, load_problems);
    if (!sized && ((st == FMN_OK) != (ss == FMN_OK) ||
                   (st != FMN_OK && !among(st, stream_problems))))
        __builtin_trap();
    if (st == FMN_OK && ss == FMN_OK &&
        ((item && memcmp(px, v.data, v.count * item) != 0) ||
         (v.count && memcmp(lb, fmn_split_labels(sp), v.count) != 0)))
        __builtin_trap();
    free(px);
    free(lb);
    fmn_split_free(sp);
    fmn_split_free(sp3);
    return 0;
}
