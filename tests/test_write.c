/* test_write.c - every writer read back: IDX and gzipped IDX through the
 * library's own loader, .npy, CSV and PGM by independent parsers here;
 * atomic files, no replacing without the flag, failing callbacks. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fixture.h"
#include "os.h"
#include "fmnist.h"

enum { N = SPLIT_N, PX = SPLIT_H * SPLIT_W };

static int to_buf(void *ctx, const void *p, size_t n)
{
    buf_put(ctx, p, n);
    return 0;
}

static buf write_mem(const fmn_split *sp, fmn_items items, fmn_format f,
                     fmn_file_kind kind)
{
    buf b = {0};
    fmn_error err;
    if (fmn_split_write(sp, items, f, kind, to_buf, &b, &err) != FMN_OK)
        fail_msg("%s", err.message);
    return b;
}

/* The items' pixels and labels, gathered, to compare against. */
static void expected(const fmn_split *sp, fmn_items items, uint8_t *px,
                     uint8_t *labels)
{
    fmn_images im = fmn_split_images(sp);
    for (size_t i = 0; i < items.count; i++) {
        size_t item = fmn_items_at(items, i);
        memcpy(px + i * PX, im.data + item * PX, PX);
        labels[i] = fmn_split_labels(sp)[item];
    }
}

static void idx_round_trip(void **state)
{
    (void)state;
    fmn_split *sp = split_make();
    assert_non_null(sp);
    uint32_t list[5] = {102, 0, 50, 51, 0};
    fmn_items sets[3] = {fmn_items_range(0, N), fmn_items_range(10, 7),
                         fmn_items_list(list, 5)};
    for (int f = FMN_FORMAT_IDX; f <= FMN_FORMAT_IDX_GZ; f++)
        for (int s = 0; s < 3; s++) {
            buf img = write_mem(sp, sets[s], (fmn_format)f, FMN_FILE_IMAGES);
            buf lab = write_mem(sp, sets[s], (fmn_format)f, FMN_FILE_LABELS);
            if (f == FMN_FORMAT_IDX_GZ) {
                assert_int_equal(img.data[0], 0x1f);
                assert_int_equal(img.data[1], 0x8b);
            }
            fmn_split *back;
            fmn_error err;
            if (fmn_split_load_memory(img.data, img.size, "img", lab.data,
                                      lab.size, "lab", NULL, &back,
                                      &err) != FMN_OK)
                fail_msg("%s", err.message);
            uint8_t px[N * PX], labels[N];
            expected(sp, sets[s], px, labels);
            fmn_images im = fmn_split_images(back);
            assert_int_equal(im.count, sets[s].count);
            assert_int_equal(im.height, SPLIT_H);
            assert_int_equal(im.width, SPLIT_W);
            assert_memory_equal(im.data, px, sets[s].count * PX);
            assert_memory_equal(fmn_split_labels(back), labels,
                                sets[s].count);
            assert_int_equal(fmn_split_file(back, FMN_FILE_IMAGES)->compression,
                             f == FMN_FORMAT_IDX_GZ ? FMN_COMPRESSION_GZIP
                                                    : FMN_COMPRESSION_NONE);
            fmn_split_free(back);
            free(img.data);
            free(lab.data);
        }
    fmn_split_free(sp);
}

/* Parses a .npy v1.0 uint8 file: checks the header and returns the offset
 * of the data; fills the shape. */
static size_t npy_parse(const buf *b, size_t *shape, size_t *ndim)
{
    assert_true(b->size >= 10);
    assert_memory_equal(b->data, "\x93NUMPY\x01\x00", 8);
    size_t hlen = b->data[8] | (size_t)b->data[9] << 8;
    size_t off = 10 + hlen;
    assert_int_equal(off % 64, 0);
    assert_int_equal(b->data[off - 1], '\n');
    char head[256];
    assert_true(hlen < sizeof head);
    memcpy(head, b->data + 10, hlen);
    head[hlen] = '\0';
    assert_non_null(strstr(head, "'descr': '|u1'"));
    assert_non_null(strstr(head, "'fortran_order': False"));
    const char *p = strstr(head, "'shape': (");
    assert_non_null(p);
    p += 10;
    *ndim = 0;
    while (*p != ')') {
        char *end;
        shape[(*ndim)++] = strtoul(p, &end, 10);
        p = end;
        if (*p == ',')
            p++;
        while (*p == ' ')
            p++;
    }
    return off;
}

static void npy_round_trip(void **state)
{
    (void)state;
    fmn_split *sp = split_make();
    assert_non_null(sp);
    uint32_t list[4] = {9, 8, 7, 100};
    fmn_items items = fmn_items_list(list, 4);
    buf img = write_mem(sp, items, FMN_FORMAT_NPY, FMN_FILE_IMAGES);
    buf lab = write_mem(sp, items, FMN_FORMAT_NPY, FMN_FILE_LABELS);
    size_t shape[4], ndim;
    size_t off = npy_parse(&img, shape, &ndim);
    assert_int_equal(ndim, 3);
    assert_int_equal(shape[0], 4);
    assert_int_equal(shape[1], SPLIT_H);
    assert_int_equal(shape[2], SPLIT_W);
    assert_int_equal(img.size, off + 4 * PX);
    uint8_t px[4 * PX], labels[4];
    expected(sp, items, px, labels);
    assert_memory_equal(img.data + off, px, sizeof px);
    off = npy_parse(&lab, shape, &ndim);
    assert_int_equal(ndim, 1);
    assert_int_equal(shape[0], 4);
    assert_int_equal(lab.size, off + 4);
    assert_memory_equal(lab.data + off, labels, 4);
    free(img.data);
    free(lab.data);
    fmn_split_free(sp);
}

static void csv_round_trip(void **state)
{
    (void)state;
    fmn_split *sp = split_make();
    assert_non_null(sp);
    fmn_items items = fmn_items_range(0, N);
    buf b = write_mem(sp, items, FMN_FORMAT_CSV, FMN_FILE_IMAGES);
    buf_u8(&b, 0);
    char *text = (char *)b.data;
    /* the header: label,pixel1,...,pixel6 */
    char *nl = strchr(text, '\n');
    assert_non_null(nl);
    *nl = '\0';
    assert_string_equal(text, "label,pixel1,pixel2,pixel3,pixel4,pixel5,"
                              "pixel6");
    uint8_t px[N * PX], labels[N];
    expected(sp, items, px, labels);
    char *p = nl + 1;
    for (size_t i = 0; i < N; i++) {
        char *end;
        assert_int_equal(strtoul(p, &end, 10), labels[i]);
        p = end;
        for (size_t k = 0; k < PX; k++) {
            assert_int_equal(*p, ',');
            assert_int_equal(strtoul(p + 1, &end, 10), px[i * PX + k]);
            p = end;
        }
        assert_int_equal(*p, '\n');
        p++;
    }
    assert_int_equal(*p, '\0');
    free(b.data);
    /* the labels file: one column */
    uint32_t list[3] = {0, 11, 12};
    b = write_mem(sp, fmn_items_list(list, 3), FMN_FORMAT_CSV,
                  FMN_FILE_LABELS);
    assert_int_equal(b.size, 12);
    assert_memory_equal(b.data, "label\n3\n1\n2\n", 12);
    free(b.data);
    fmn_split_free(sp);
}

static void pgm_round_trip(void **state)
{
    (void)state;
    fmn_split *sp = split_make();
    assert_non_null(sp);
    uint32_t list[2] = {0, 42};
    fmn_items items = fmn_items_list(list, 2);
    buf b = write_mem(sp, items, FMN_FORMAT_PGM, FMN_FILE_IMAGES);
    uint8_t px[2 * PX], labels[2];
    expected(sp, items, px, labels);
    size_t off = 0;
    for (size_t i = 0; i < 2; i++) {
        char head[128];
        int n = snprintf(head, sizeof head,
                         "P5\n# item %u label %u\n%d %d\n255\n", list[i],
                         labels[i], SPLIT_W, SPLIT_H);
        assert_true(off + (size_t)n + PX <= b.size);
        assert_memory_equal(b.data + off, head, (size_t)n);
        off += (size_t)n;
        assert_memory_equal(b.data + off, px + i * PX, PX);
        off += PX;
    }
    assert_int_equal(off, b.size);
    free(b.data);
    /* labels have no PGM file */
    fmn_error err;
    buf none = {0};
    assert_int_equal(fmn_split_write(sp, items, FMN_FORMAT_PGM,
                                     FMN_FILE_LABELS, to_buf, &none, &err),
                     FMN_ERR_INVALID_ARGUMENT);
    assert_null(none.data);
    fmn_split_free(sp);
}

static int fail_after(void *ctx, const void *p, size_t n)
{
    (void)p;
    size_t *left = ctx;
    if (n > *left)
        return -1;
    *left -= n;
    return 0;
}

static void write_errors(void **state)
{
    (void)state;
    fmn_split *sp = split_make();
    assert_non_null(sp);
    fmn_error err;
    for (int f = FMN_FORMAT_IDX; f <= FMN_FORMAT_PGM; f++) {
        size_t left = 20;
        assert_int_equal(fmn_split_write(sp, fmn_items_range(0, N),
                                         (fmn_format)f, FMN_FILE_IMAGES,
                                         fail_after, &left, &err),
                         FMN_ERR_WRITE);
    }
    buf b = {0};
    assert_int_equal(fmn_split_write(sp, fmn_items_range(N, 1), FMN_FORMAT_IDX,
                                     FMN_FILE_IMAGES, to_buf, &b, &err),
                     FMN_ERR_RANGE);
    assert_int_equal(fmn_split_write(sp, fmn_items_range(0, 1),
                                     (fmn_format)9, FMN_FILE_IMAGES, to_buf,
                                     &b, &err), FMN_ERR_INVALID_ARGUMENT);
    assert_int_equal(fmn_split_write(sp, fmn_items_range(0, 1), FMN_FORMAT_IDX,
                                     FMN_FILE_UNKNOWN, to_buf, &b, &err),
                     FMN_ERR_INVALID_ARGUMENT);
    assert_null(b.data);
    fmn_split_free(sp);
}

static size_t count_entries(const char *dir)
{
    DIR *d = opendir(dir);
    assert_non_null(d);
    size_t n = 0;
    struct dirent *e;
    while ((e = readdir(d)))
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
            n++;
    closedir(d);
    return n;
}

static void save_files(void **state)
{
    (void)state;
    fmn_split *sp = split_make();
    assert_non_null(sp);
    char *dir = tmpdir_make();
    char path[4096];
    snprintf(path, sizeof path, "%s/test-images-idx3-ubyte.gz", dir);
    fmn_error err;
    fmn_items all = fmn_items_range(0, N);
    assert_int_equal(fmn_split_save(sp, all, FMN_FORMAT_IDX_GZ,
                                    FMN_FILE_IMAGES, path, 0, &err), FMN_OK);
    /* exists: not replaced without the flag, replaced with it */
    assert_int_equal(fmn_split_save(sp, fmn_items_range(0, 1),
                                    FMN_FORMAT_IDX_GZ, FMN_FILE_IMAGES, path,
                                    0, &err), FMN_ERR_EXISTS);
    assert_non_null(strstr(err.message, path));
    fmn_idx *idx;
    assert_int_equal(fmn_idx_load_file(path, NULL, &idx, &err), FMN_OK);
    assert_int_equal(fmn_idx_array(idx).dims[0], N);
    fmn_idx_free(idx);
    assert_int_equal(fmn_split_save(sp, fmn_items_range(0, 1),
                                    FMN_FORMAT_IDX_GZ, FMN_FILE_IMAGES, path,
                                    FMN_SAVE_OVERWRITE, &err), FMN_OK);
    assert_int_equal(fmn_idx_load_file(path, NULL, &idx, &err), FMN_OK);
    assert_int_equal(fmn_idx_array(idx).dims[0], 1);
    fmn_idx_free(idx);
    /* no temporary file left behind */
    assert_int_equal(count_entries(dir), 1);
    /* a directory that does not exist */
    snprintf(path, sizeof path, "%s/no/such/file.npy", dir);
    assert_int_equal(fmn_split_save(sp, all, FMN_FORMAT_NPY, FMN_FILE_LABELS,
                                    path, 0, &err), FMN_ERR_WRITE);
    assert_non_null(strstr(err.message, "No such file"));
    /* a failed write leaves nothing */
    snprintf(path, sizeof path, "%s/labels.pgm", dir);
    assert_int_equal(fmn_split_save(sp, all, FMN_FORMAT_PGM, FMN_FILE_LABELS,
                                    path, 0, &err), FMN_ERR_INVALID_ARGUMENT);
    assert_int_equal(count_entries(dir), 1);
    tmpdir_remove(dir);
    fmn_split_free(sp);
}


static int produce_hello(void *ctx, fmn_write_fn write, void *wctx, char *why,
                         size_t cap)
{
    (void)ctx, (void)why, (void)cap;
    return write(wctx, "hello\n", 6) || write(wctx, "world\n", 6);
}

static int produce_nothing(void *ctx, fmn_write_fn write, void *wctx,
                           char *why, size_t cap)
{
    (void)ctx;
    write(wctx, "half", 4);
    snprintf(why, cap, "the encoder gave up");
    return -1;
}

static void file_save_is_atomic(void **state)
{
    (void)state;
    char *dir = tmpdir_make();
    char path[4096], link_path[4096], text[32];
    snprintf(path, sizeof path, "%s/hello.txt", dir);
    fmn_error err;
    assert_int_equal(fmn_file_save(path, 0, produce_hello, NULL, &err),
                     FMN_OK);
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    assert_int_equal(fread(text, 1, sizeof text, f), 12);
    fclose(f);
    assert_memory_equal(text, "hello\nworld\n", 12);
    /* never replaced without the flag */
    assert_int_equal(fmn_file_save(path, 0, produce_hello, NULL, &err),
                     FMN_ERR_EXISTS);
    assert_int_equal(fmn_file_save(path, FMN_SAVE_OVERWRITE, produce_hello,
                                   NULL, &err),
                     FMN_OK);
    /* a link to a missing file is something there, not a free name
     * (where links can be made: Windows needs a privilege for them) */
    snprintf(link_path, sizeof link_path, "%s/dangling", dir);
    size_t linked = os_symlink("no-such-target", link_path) == 0;
    if (linked)
        assert_int_equal(fmn_file_save(link_path, 0, produce_hello, NULL,
                                       &err),
                         FMN_ERR_EXISTS);
    else
        print_message("no symbolic link made here: not tried\n");
    /* a producer that gives up leaves nothing, and its reason is said */
    snprintf(path, sizeof path, "%s/half.txt", dir);
    assert_int_equal(fmn_file_save(path, 0, produce_nothing, NULL, &err),
                     FMN_ERR_WRITE);
    assert_non_null(strstr(err.message, "half.txt: the encoder gave up"));
    assert_int_equal(count_entries(dir), 1 + linked); /* hello.txt, dangling */
    assert_int_equal(fmn_file_save(NULL, 0, produce_hello, NULL, &err),
                     FMN_ERR_INVALID_ARGUMENT);
    tmpdir_remove(dir);
}

static void npz_is_a_zip_of_npy_members(void **state)
{
    (void)state;
    fmn_split *sp = split_make();
    assert_non_null(sp);
    char *dir = tmpdir_make();
    char path[4096];
    snprintf(path, sizeof path, "%s/d.npz", dir);
    fmn_items all = fmn_items_range(0, N);
    fmn_error err;
    assert_int_equal(fmn_npz_save(sp, all, sp, fmn_items_range(0, 3), path, 0,
                                  &err),
                     FMN_OK);
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    uint8_t b[1 << 16];
    size_t n = fread(b, 1, sizeof b, f);
    fclose(f);
    assert_true(n > 22 && n < sizeof b);
    assert_memory_equal(b, "PK\x03\x04", 4);
    assert_memory_equal(b + 30, "x_train.npy\x93NUMPY", 17);
    /* the end record: four members */
    assert_memory_equal(b + n - 22, "PK\x05\x06", 4);
    assert_int_equal(b[n - 22 + 10], 4);
    assert_non_null(os_memmem(b, n, "y_test.npy", 10));
    /* one split alone, and never replacing a file unasked */
    assert_int_equal(fmn_npz_save(sp, all, NULL, all, path, 0, &err),
                     FMN_ERR_EXISTS);
    assert_int_equal(fmn_npz_save(NULL, all, NULL, all, path, 0, &err),
                     FMN_ERR_INVALID_ARGUMENT);
    tmpdir_remove(dir);
    fmn_split_free(sp);
}

/* A set of files: all named at commit, none left when it is freed
 * uncommitted, when one write fails, when a name is taken meanwhile, or
 * after an abort; many files (more than one chunk of slots) from two
 * threads at once. */
typedef struct adder {
    fmn_save_set *set;
    const char *dir;
    int first, count;
} adder;

static void *add_files(void *arg)
{
    const adder *a = arg;
    for (int i = a->first; i < a->first + a->count; i++) {
        char path[4096];
        fmn_error err;
        snprintf(path, sizeof path, "%s/f%03d.txt", a->dir, i);
        if (fmn_save_set_file(a->set, path, produce_hello, NULL, &err) !=
            FMN_OK)
            return (void *)1;
    }
    return NULL;
}

static void save_set_is_all_or_nothing(void **state)
{
    (void)state;
    char *dir = tmpdir_make();
    char a[4096], b[4096], bad[4096];
    snprintf(a, sizeof a, "%s/a.txt", dir);
    snprintf(b, sizeof b, "%s/b.txt", dir);
    snprintf(bad, sizeof bad, "%s/no-such-folder/c.txt", dir);
    fmn_error err;
    fmn_save_set *set;
    /* freed uncommitted: nothing */
    assert_int_equal(fmn_save_set_new(0, &set, &err), FMN_OK);
    assert_int_equal(fmn_save_set_file(set, a, produce_hello, NULL, &err),
                     FMN_OK);
    assert_int_equal(count_entries(dir), 1); /* its temporary file */
    fmn_save_set_free(set);
    assert_int_equal(count_entries(dir), 0);
    /* a write that fails: the caller frees, nothing is left */
    assert_int_equal(fmn_save_set_new(0, &set, &err), FMN_OK);
    assert_int_equal(fmn_save_set_file(set, a, produce_hello, NULL, &err),
                     FMN_OK);
    assert_int_equal(fmn_save_set_file(set, bad, produce_hello, NULL, &err),
                     FMN_ERR_WRITE);
    assert_non_null(strstr(err.message, "c.txt: cannot create a file"));
    assert_int_equal(fmn_save_set_file(set, b, produce_nothing, NULL, &err),
                     FMN_ERR_WRITE);
    fmn_save_set_free(set);
    assert_int_equal(count_entries(dir), 0);
    /* a name taken after its check: the commit undoes the others */
    assert_int_equal(fmn_save_set_new(0, &set, &err), FMN_OK);
    assert_int_equal(fmn_save_set_file(set, a, produce_hello, NULL, &err),
                     FMN_OK);
    assert_int_equal(fmn_save_set_file(set, b, produce_hello, NULL, &err),
                     FMN_OK);
    FILE *f = fopen(b, "w");
    assert_non_null(f);
    fclose(f);
    assert_int_equal(fmn_save_set_commit(set, &err), FMN_ERR_EXISTS);
    assert_non_null(strstr(err.message, "b.txt: exists; not replaced"));
    fmn_save_set_free(set);
    assert_int_equal(count_entries(dir), 1); /* b.txt, as it was */
    assert_int_equal(remove(b), 0);
    /* abort (what a signal handler calls): temporary files gone at once,
     * later writes and the commit refused */
    assert_int_equal(fmn_save_set_new(0, &set, &err), FMN_OK);
    assert_int_equal(fmn_save_set_file(set, a, produce_hello, NULL, &err),
                     FMN_OK);
    fmn_save_set_abort(set);
    assert_int_equal(count_entries(dir), 0);
    assert_int_equal(fmn_save_set_file(set, b, produce_hello, NULL, &err),
                     FMN_ERR_WRITE);
    assert_int_equal(fmn_save_set_commit(set, &err), FMN_ERR_WRITE);
    fmn_save_set_free(set);
    assert_int_equal(count_entries(dir), 0);
    /* a folder in a target's place is never replaced, even to overwrite */
    assert_int_equal(os_mkdir(a), 0);
    assert_int_equal(fmn_save_set_new(FMN_SAVE_OVERWRITE, &set, &err),
                     FMN_OK);
    assert_int_equal(fmn_save_set_file(set, a, produce_hello, NULL, &err),
                     FMN_ERR_EXISTS);
    assert_non_null(strstr(err.message, "a.txt: is a folder; not replaced"));
    fmn_save_set_free(set);
    assert_int_equal(os_rmdir(a), 0);
    /* 300 files from two threads, named together; a set commits once */
    assert_int_equal(fmn_save_set_new(0, &set, &err), FMN_OK);
    adder one = {set, dir, 0, 150}, two = {set, dir, 150, 150};
    pthread_t t;
    assert_int_equal(pthread_create(&t, NULL, add_files, &two), 0);
    void *r1 = add_files(&one), *r2;
    assert_int_equal(pthread_join(t, &r2), 0);
    assert_null(r1);
    assert_null(r2);
    assert_int_equal(fmn_save_set_commit(set, &err), FMN_OK);
    assert_int_equal(fmn_save_set_commit(set, &err),
                     FMN_ERR_INVALID_ARGUMENT);
    fmn_save_set_free(set);
    assert_int_equal(count_entries(dir), 300); /* no temporary file */
    assert_int_equal(fmn_save_set_new(0, NULL, &err),
                     FMN_ERR_INVALID_ARGUMENT);
    fmn_save_set_free(NULL);
    fmn_save_set_abort(NULL);
    tmpdir_remove(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(idx_round_trip),
        cmocka_unit_test(npy_round_trip),
        cmocka_unit_test(csv_round_trip),
        cmocka_unit_test(pgm_round_trip),
        cmocka_unit_test(write_errors),
        cmocka_unit_test(save_files),
        cmocka_unit_test(file_save_is_atomic),
        cmocka_unit_test(npz_is_a_zip_of_npy_members),
        cmocka_unit_test(save_set_is_all_or_nothing),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
