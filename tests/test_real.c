/* test_real.c - the real Fashion-MNIST files against known answers.
 * Looks in $FMNIST_DATA and in Debian's /usr/share/datasets/fashion-mnist
 * (package dataset-fashion-mnist) and tests every one present; skips (exit
 * 77) when neither is. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <zlib.h>

#include "fixture.h"
#include "fmnist.h"

#define DEBIAN_DIR "/usr/share/datasets/fashion-mnist"

static const char *g_dir; /* the directory the current group tests */

static int is_dir(const char *p)
{
    struct stat st;
    return p && *p && stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

static uint64_t file_size(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0 ? (uint64_t)st.st_size : 0;
}

static fmn_split *load_with(fmn_split_id id, const fmn_options *opt)
{
    fmn_dir *d;
    fmn_error err;
    if (fmn_dir_open(g_dir, &d, &err) != FMN_OK)
        fail_msg("%s", err.message);
    fmn_split *sp;
    if (fmn_dir_load_split(d, id, opt, &sp, &err) != FMN_OK)
        fail_msg("%s", err.message);
    fmn_dir_free(d);
    return sp;
}

static fmn_split *load(fmn_split_id id) { return load_with(id, NULL); }

static uint64_t pixel_sum(const fmn_split *sp)
{
    fmn_images v = fmn_split_images(sp);
    uint64_t sum = 0;
    for (size_t i = 0, n = v.count * v.height * v.width; i < n; i++)
        sum += v.data[i];
    return sum;
}

static void check_split(fmn_split_id id, size_t count, uint64_t sum)
{
    fmn_split *sp = load(id);
    fmn_images v = fmn_split_images(sp);
    assert_int_equal(v.count, count);
    assert_int_equal(v.height, 28);
    assert_int_equal(v.width, 28);
    assert_true(pixel_sum(sp) == sum);
    assert_int_equal(fmn_split_dataset(sp), FMN_DATASET_FASHION_MNIST);
    assert_int_equal(fmn_split_id_of(sp), id);
    size_t per[10] = {0};
    const uint8_t *lb = fmn_split_labels(sp);
    for (size_t i = 0; i < count; i++)
        per[lb[i]]++;
    for (int c = 0; c < 10; c++)
        assert_int_equal(per[c], count / 10);
    assert_string_equal(fmn_split_class_name(sp, 9), "Ankle boot");
    /* a load hashes nothing unless asked (PUBLISHED, by the CRC-32); asked,
     * the published .gz sizes tell which to expect: IDENTICAL by the MD5,
     * else REPACKED by the SHA-256 of the content */
    static const uint64_t official[2][2] = {{26421880, 29515},
                                            {4422102, 5148}};
    fmn_options hashing;
    fmn_options_init(&hashing);
    hashing.hash_gz = 1;
    fmn_split *hashed = load_with(id, &hashing);
    for (int k = 0; k < 2; k++) {
        fmn_file_kind kind = k ? FMN_FILE_LABELS : FMN_FILE_IMAGES;
        const fmn_file_info *fi = fmn_split_file(sp, kind);
        assert_int_equal(fi->dataset, FMN_DATASET_FASHION_MNIST);
        assert_int_equal(fi->split, id);
        assert_int_equal(fi->kind, kind);
        int same_size = file_size(fi->path) == official[id - 1][k];
        assert_int_equal(fi->release, FMN_RELEASE_PUBLISHED);
        assert_false(fi->content_hashed);
        assert_int_equal(fmn_split_file(hashed, kind)->release,
                         same_size ? FMN_RELEASE_IDENTICAL
                                   : FMN_RELEASE_REPACKED);
    }
    fmn_split_free(hashed);
    fmn_split_free(sp);
}


/* Sets the 4 bytes at data[at] so that the CRC-32 of data[0, n) is
 * `want`: a CRC is affine in those bits over GF(2), so the columns of
 * its matrix are measured (one bit set at a time) and the system solved
 * by elimination. What a forger does; 33 CRCs of the tail. */
static void forge_crc(uint8_t *data, size_t n, size_t at, uint32_t want)
{
    uLong head = crc32(crc32(0L, Z_NULL, 0), data, (uInt)at);
    uint32_t col[32], base;
    memset(data + at, 0, 4);
    base = (uint32_t)crc32(head, data + at, (uInt)(n - at));
    for (int j = 0; j < 32; j++) {
        data[at + j / 8] = (uint8_t)(1u << (j % 8));
        col[j] = (uint32_t)crc32(head, data + at, (uInt)(n - at)) ^ base;
        data[at + j / 8] = 0;
    }
    /* solve sum of x_j col[j] = want ^ base: rows are bits of the CRC */
    uint64_t row[32]; /* low 32 bits: coefficients; bit 32: right side */
    uint32_t rhs = want ^ base;
    for (int i = 0; i < 32; i++) {
        row[i] = (uint64_t)((rhs >> i) & 1) << 32;
        for (int j = 0; j < 32; j++)
            row[i] |= (uint64_t)((col[j] >> i) & 1) << j;
    }
    for (int j = 0, r = 0; j < 32; j++, r++) {
        int piv = r;
        while (piv < 32 && !((row[piv] >> j) & 1))
            piv++;
        assert_true(piv < 32); /* CRC-32 over 4 bytes is invertible */
        uint64_t t = row[piv];
        row[piv] = row[r];
        row[r] = t;
        for (int i = 0; i < 32; i++)
            if (i != r && ((row[i] >> j) & 1))
                row[i] ^= row[r];
    }
    for (int j = 0; j < 32; j++)
        if ((row[j] >> 32) & 1)
            data[at + j / 8] |= (uint8_t)(1u << (j % 8));
    assert_true(crc32(crc32(0L, Z_NULL, 0), data, (uInt)n) == want);
}

/* The test images with 144 pixels changed and the CRC-32 made to match
 * with 4 more: the CRC finds the published content (PUBLISHED, unproven)
 * and the SHA-256 disproves it (MODIFIED); verify's check refuses it. */
static void real_crc_forgery_is_modified(void **state)
{
    (void)state;
    fmn_split *sp = load(FMN_SPLIT_TEST);
    char *tmp = tmpdir_make();
    uint32_t dims[3] = {10000, 28, 28};
    buf raw = idx_header(0x08, 3, dims);
    fmn_images im = fmn_split_images(sp);
    buf_put(&raw, im.data, im.count * 784);
    uint32_t crc = (uint32_t)crc32(crc32(0L, Z_NULL, 0), raw.data,
                                   (uInt)raw.size);
    assert_true(crc == fmn_split_file(sp, FMN_FILE_IMAGES)->crc32);
    for (size_t i = 0; i < 144; i++) /* a 12 x 12 square of image 5000 */
        raw.data[16 + 5000 * 784 + (i / 12 + 8) * 28 + i % 12 + 8] ^= 0x55;
    forge_crc(raw.data, raw.size, raw.size - 4, crc);
    char *p = write_file(tmp, "t10k-images-idx3-ubyte", raw.data, raw.size);
    fmn_idx *idx;
    fmn_error err;
    assert_int_equal(fmn_idx_load_file(p, NULL, &idx, &err), FMN_OK);
    assert_int_equal(fmn_idx_info(idx)->release, FMN_RELEASE_PUBLISHED);
    fmn_idx_free(idx);
    fmn_options proving;
    fmn_options_init(&proving);
    proving.hash_gz = 1;
    assert_int_equal(fmn_idx_load_file(p, &proving, &idx, &err), FMN_OK);
    const fmn_file_info *fi = fmn_idx_info(idx);
    assert_int_equal(fi->crc32, crc);
    assert_int_equal(fi->release, FMN_RELEASE_MODIFIED);
    assert_int_equal(fi->dataset, FMN_DATASET_UNKNOWN);
    char say[512];
    fmn_release_describe(fi, say, sizeof say);
    assert_string_equal(say, "modified: the CRC-32 and length of the "
                             "published Fashion-MNIST test images, but not "
                             "its SHA-256: the content was changed and its "
                             "CRC-32 made to match");
    fmn_idx_free(idx);
    fmn_release rel;
    assert_int_equal(fmn_release_check_file(p, FMN_DATASET_FASHION_MNIST,
                                            FMN_SPLIT_TEST, FMN_FILE_IMAGES,
                                            &rel, &err),
                     FMN_ERR_NOT_PUBLISHED);
    assert_int_equal(rel, FMN_RELEASE_MODIFIED);
    free(p);
    free(raw.data);
    tmpdir_remove(tmp);
    fmn_split_free(sp);
}

/* The images decoded on 1, 2, 3 and 5 threads: the same bytes, the same
 * checksum and the same identification every time. */
static void real_parallel_loads_equal_the_serial_one(void **state)
{
    (void)state;
    for (int id = FMN_SPLIT_TRAIN; id <= FMN_SPLIT_TEST; id++) {
        fmn_options opt;
        fmn_options_init(&opt);
        opt.threads = 1;
        fmn_split *serial = load_with((fmn_split_id)id, &opt);
        fmn_images a = fmn_split_images(serial);
        const fmn_file_info *fa = fmn_split_file(serial, FMN_FILE_IMAGES);
        static const unsigned threads[] = {2, 3, 5};
        for (size_t t = 0; t < 3; t++) {
            opt.threads = threads[t];
            fmn_split *par = load_with((fmn_split_id)id, &opt);
            fmn_images b = fmn_split_images(par);
            const fmn_file_info *fb = fmn_split_file(par, FMN_FILE_IMAGES);
            assert_int_equal(a.count, b.count);
            assert_memory_equal(a.data, b.data, a.count * 784);
            assert_int_equal(fa->crc32, fb->crc32);
            assert_int_equal(fa->decoded_size, fb->decoded_size);
            assert_int_equal(fa->release, fb->release);
            assert_true(((uintptr_t)b.data & 63) == 0); /* aligned */
            fmn_split_free(par);
        }
        fmn_split_free(serial);
    }
}

static void real_train_split_has_the_known_answers(void **state)
{
    (void)state;
    check_split(FMN_SPLIT_TRAIN, 60000, 3431114169ull);
    fmn_split *sp = load(FMN_SPLIT_TRAIN);
    static const uint8_t first[10] = {9, 0, 0, 3, 0, 2, 7, 2, 5, 5};
    assert_memory_equal(fmn_split_labels(sp), first, 10);
    fmn_split_free(sp);
}

static void real_test_split_has_the_known_answers(void **state)
{
    (void)state;
    check_split(FMN_SPLIT_TEST, 10000, 573469082ull);
}

static void real_copies_are_identified_by_content(void **state)
{
    (void)state;
    fmn_split *sp = load(FMN_SPLIT_TEST);
    char *tmp = tmpdir_make();
    /* an uncompressed copy of the labels under an unrelated name */
    uint32_t n[1] = {10000};
    buf raw = idx_header(0x08, 1, n);
    buf_put(&raw, fmn_split_labels(sp), 10000);
    char *p = write_file(tmp, "my-labels.bin", raw.data, raw.size);
    fmn_idx *idx;
    fmn_error err;
    fmn_options proving;
    fmn_options_init(&proving);
    proving.hash_gz = 1;
    assert_int_equal(fmn_idx_load_file(p, &proving, &idx, &err), FMN_OK);
    const fmn_file_info *fi = fmn_idx_info(idx);
    assert_int_equal(fi->release, FMN_RELEASE_REPACKED);
    assert_int_equal(fi->dataset, FMN_DATASET_FASHION_MNIST);
    assert_int_equal(fi->split, FMN_SPLIT_TEST);
    assert_int_equal(fi->kind, FMN_FILE_LABELS);
    assert_true(fi->content_hashed);
    fmn_idx_free(idx);
    assert_int_equal(fmn_idx_load_file(p, NULL, &idx, &err), FMN_OK);
    assert_int_equal(fmn_idx_info(idx)->release, FMN_RELEASE_PUBLISHED);
    fmn_idx_free(idx);
    free(p);
    /* one changed label: no longer the release; but the shape of the
     * published test labels, and KMNIST's test labels have no known
     * content checksum, so it is "not known", never "modified" */
    raw.data[100] ^= 1;
    p = write_file(tmp, "changed.bin", raw.data, raw.size);
    assert_int_equal(fmn_idx_load_file(p, NULL, &idx, &err), FMN_OK);
    assert_int_equal(fmn_idx_info(idx)->release, FMN_RELEASE_NOT_KNOWN);
    assert_int_equal(fmn_idx_info(idx)->dataset, FMN_DATASET_UNKNOWN);
    assert_int_equal(fmn_idx_info(idx)->split, FMN_SPLIT_TEST);
    assert_int_equal(fmn_idx_info(idx)->kind, FMN_FILE_LABELS);
    fmn_idx_free(idx);
    free(p);
    /* a label of 10 beside the official images: Fashion-MNIST has 10
     * classes, so the pair is refused even though the labels file itself
     * is no longer identified */
    raw.data[100] ^= 1;
    raw.data[8 + 9999] = 10;
    char *lp = write_file(tmp, "labels-10.bin", raw.data, raw.size);
    fmn_split *bad;
    assert_int_equal(fmn_split_load(fmn_split_file(sp, FMN_FILE_IMAGES)->path,
                                    lp, NULL, &bad, &err),
                     FMN_ERR_BAD_LABEL);
    assert_null(bad);
    assert_non_null(strstr(err.message, "label 10 of item 9999"));
    assert_non_null(strstr(err.message, "10-class dataset"));
    free(lp);
    /* the stored .gz renamed keeps its status */
    const fmn_file_info *orig = fmn_split_file(sp, FMN_FILE_IMAGES);
    FILE *f = fopen(orig->path, "rb");
    assert_non_null(f);
    buf gz = {0};
    char chunk[65536];
    size_t k;
    while ((k = fread(chunk, 1, sizeof chunk, f)) > 0)
        buf_put(&gz, chunk, k);
    fclose(f);
    p = write_file(tmp, "renamed", gz.data, gz.size);
    assert_int_equal(fmn_idx_load_file(p, NULL, &idx, &err), FMN_OK);
    assert_int_equal(fmn_idx_info(idx)->release, orig->release);
    assert_int_equal(fmn_idx_info(idx)->kind, FMN_FILE_IMAGES);
    fmn_idx_free(idx);
    free(p);
    free(gz.data);
    free(raw.data);
    tmpdir_remove(tmp);
    fmn_split_free(sp);
}

static void real_range_equals_the_slice_of_a_full_load(void **state)
{
    (void)state;
    fmn_split *full = load(FMN_SPLIT_TRAIN);
    fmn_split *part;
    fmn_error err;
    assert_int_equal(
        fmn_split_load_range(fmn_split_file(full, FMN_FILE_IMAGES)->path,
                             fmn_split_file(full, FMN_FILE_LABELS)->path,
                             31234, 10, NULL, &part, &err),
        FMN_OK);
    assert_int_equal(fmn_split_count(part), 10);
    assert_int_equal(fmn_split_dataset(part), FMN_DATASET_FASHION_MNIST);
    assert_memory_equal(fmn_split_images(part).data,
                        fmn_split_images(full).data + (size_t)31234 * 784,
                        10 * 784);
    assert_memory_equal(fmn_split_labels(part),
                        fmn_split_labels(full) + 31234, 10);
    fmn_split_free(part);
    fmn_split_free(full);
}

/* The training-side calls on the real train split: a stratified 54,000 /
 * 6,000 split with exactly 600 per class, batches that cover all 60,000
 * once, floats whose sum is the known pixel sum / 255. */
static void real_training_calls(void **state)
{
    (void)state;
    fmn_split *sp = load(FMN_SPLIT_TRAIN);
    const uint8_t *labels = fmn_split_labels(sp);
    fmn_items all = fmn_items_range(0, 60000);
    uint32_t *val = malloc(6000 * sizeof *val);
    uint32_t *rest = malloc(54000 * sizeof *rest);
    assert_non_null(val);
    assert_non_null(rest);
    fmn_error err;
    if (fmn_select_stratified(sp, all, 600, 42, val, 6000, rest, 54000,
                              &err) != FMN_OK)
        fail_msg("%s", err.message);
    unsigned vc[10] = {0}, rc[10] = {0};
    uint8_t *seen = calloc(60000, 1);
    assert_non_null(seen);
    for (size_t i = 0; i < 6000; i++)
        vc[labels[val[i]]]++, seen[val[i]]++;
    for (size_t i = 0; i < 54000; i++)
        rc[labels[rest[i]]]++, seen[rest[i]]++;
    for (int c = 0; c < 10; c++) {
        assert_int_equal(vc[c], 600);
        assert_int_equal(rc[c], 5400);
    }
    for (size_t i = 0; i < 60000; i++)
        assert_int_equal(seen[i], 1);

    /* one shuffled epoch of batches of 64: every image once */
    memset(seen, 0, 60000);
    fmn_batch_options o;
    fmn_batch_options_init(&o);
    o.shuffle = 1;
    o.seed = 42;
    fmn_batcher *b;
    assert_int_equal(fmn_batcher_new(sp, all, &o, &b, &err), FMN_OK);
    assert_int_equal(fmn_batcher_num_batches(b), 938);
    float *x = malloc(64 * 784 * sizeof *x);
    assert_non_null(x);
    double sum = 0;
    fmn_batch batch;
    size_t n = 0;
    while (fmn_batcher_next(b, &batch)) {
        for (size_t i = 0; i < batch.count; i++)
            seen[batch.items.indices[i]]++;
        assert_int_equal(fmn_images_to_float(batch.images,
                                             fmn_items_range(0, batch.count),
                                             NULL, FMN_LAYOUT_NCHW, x,
                                             64 * 784, &err), FMN_OK);
        for (size_t i = 0; i < batch.count * 784; i++)
            sum += x[i];
        n += batch.count;
    }
    assert_int_equal(n, 60000);
    for (size_t i = 0; i < 60000; i++)
        assert_int_equal(seen[i], 1);
    /* floats of v/255 summed: the exact sum / 255 within rounding */
    double want = 3431114169.0 / 255.0;
    assert_true(fabs(sum - want) < want * 1e-7);
    fmn_batcher_free(b);
    free(x);
    free(seen);
    free(val);
    free(rest);
    fmn_split_free(sp);
}

int main(void)
{
    const char *dirs[2] = {getenv("FMNIST_DATA"), DEBIAN_DIR};
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(real_train_split_has_the_known_answers),
        cmocka_unit_test(real_test_split_has_the_known_answers),
        cmocka_unit_test(real_parallel_loads_equal_the_serial_one),
        cmocka_unit_test(real_copies_are_identified_by_content),
        cmocka_unit_test(real_crc_forgery_is_modified),
        cmocka_unit_test(real_range_equals_the_slice_of_a_full_load),
        cmocka_unit_test(real_training_calls),
    };
    int ran = 0, failed = 0;
    for (int i = 0; i < 2; i++) {
        if (!is_dir(dirs[i]) || (i == 1 && dirs[0] && !strcmp(dirs[0], dirs[1])))
            continue;
        g_dir = dirs[i];
        printf("real data in %s\n", g_dir);
        failed += cmocka_run_group_tests_name(g_dir, tests, NULL, NULL);
        ran++;
    }
    if (!ran) {
        printf("SKIP: no Fashion-MNIST data: set FMNIST_DATA to a directory "
               "holding it, or 'apt-get install dataset-fashion-mnist'\n");
        return 77;
    }
    return failed ? 1 : 0;
}
