/* test_dataset.c - splits, class names and directory scanning, on small
 * fixtures. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "fixture.h"
#include "fmnist.h"

static buf labels_file(size_t n, unsigned modulo)
{
    uint32_t dims[1] = {(uint32_t)n};
    buf b = idx_header(0x08, 1, dims);
    for (size_t i = 0; i < n; i++)
        buf_u8(&b, (uint8_t)(i % modulo));
    return b;
}

static buf images_file(size_t n)
{
    uint32_t dims[3] = {(uint32_t)n, 28, 28};
    return idx_u8(3, dims);
}

/* Loads images `a` (named "im") and labels `b` (named "lb") as a split. */
static fmn_status load_pair(buf a, buf b, const fmn_options *opt,
                            fmn_split **sp, fmn_error *err)
{
    return fmn_split_load_memory(a.data, a.size, "im", b.data, b.size, "lb", opt,
                                 sp, err);
}

static void split_pairs_images_and_labels(void **state)
{
    (void)state;
    buf im = images_file(12), lb = labels_file(12, 10);
    fmn_split *sp;
    fmn_error err;
    assert_int_equal(load_pair(im, lb, NULL, &sp, &err),
                     FMN_OK);
    fmn_images v = fmn_split_images(sp);
    assert_int_equal(v.count, 12);
    assert_int_equal(v.height, 28);
    assert_int_equal(v.width, 28);
    assert_memory_equal(v.data, im.data + 16, 12 * 784);
    assert_memory_equal(fmn_split_labels(sp), lb.data + 8, 12);
    assert_int_equal(fmn_split_count(sp), 12);
    assert_int_equal(fmn_split_dataset(sp), FMN_DATASET_UNKNOWN);
    assert_int_equal(fmn_split_num_classes(sp), 10);
    assert_null(fmn_split_class_name(sp, 0));
    assert_string_equal(fmn_split_file(sp, FMN_FILE_LABELS)->path, "lb");
    assert_null(fmn_split_file(sp, FMN_FILE_UNKNOWN));
    fmn_split_free(sp);
    fmn_split_free(NULL);
    free(im.data);
    free(lb.data);
}

static void split_rejects_disagreeing_counts(void **state)
{
    (void)state;
    buf im = images_file(12), lb = labels_file(11, 10);
    fmn_split *sp;
    fmn_error err;
    assert_int_equal(load_pair(im, lb, NULL, &sp, &err),
                     FMN_ERR_COUNT_MISMATCH);
    assert_null(sp);
    assert_non_null(strstr(err.message, "11 labels"));
    assert_non_null(strstr(err.message, "12 images"));
    free(im.data);
    free(lb.data);
}

static void split_rejects_labels_outside_the_classes(void **state)
{
    (void)state;
    buf im = images_file(12), lb = labels_file(12, 11); /* label 10 at 10 */
    fmn_split *sp;
    fmn_error err;
    assert_int_equal(load_pair(im, lb, NULL, &sp, &err),
                     FMN_ERR_BAD_LABEL);
    assert_null(sp);
    assert_non_null(strstr(err.message, "label 10 of item 10"));
    /* with 11 classes allowed it loads */
    fmn_options opt;
    fmn_options_init(&opt);
    opt.num_classes = 11;
    assert_int_equal(load_pair(im, lb, &opt, &sp, &err),
                     FMN_OK);
    assert_int_equal(fmn_split_num_classes(sp), 11);
    fmn_split_free(sp);
    free(im.data);
    free(lb.data);
}

static void split_rejects_swapped_or_odd_shapes(void **state)
{
    (void)state;
    buf im = images_file(12), lb = labels_file(12, 10);
    fmn_split *sp;
    fmn_error err;
    assert_int_equal(fmn_split_load_memory(lb.data, lb.size, "lb", im.data,
                                           im.size, "im", NULL, &sp, &err),
                     FMN_ERR_NOT_IMAGES);
    assert_non_null(strstr(err.message, "lb: not an images file"));
    uint32_t d[1] = {12};
    buf f = idx_header(0x0D, 1, d);
    uint8_t z[48] = {0};
    buf_put(&f, z, sizeof z);
    assert_int_equal(load_pair(im, f, NULL, &sp, &err), FMN_ERR_NOT_LABELS);
    assert_non_null(strstr(err.message, "1-D float32"));
    free(f.data);
    free(im.data);
    free(lb.data);
}

static void split_class_names_are_the_published_ones(void **state)
{
    (void)state;
    static const char *fashion[10] = {"T-shirt/top", "Trouser", "Pullover",
                                      "Dress",       "Coat",    "Sandal",
                                      "Shirt",       "Sneaker", "Bag",
                                      "Ankle boot"};
    for (unsigned i = 0; i < 10; i++)
        assert_string_equal(fmn_class_name(FMN_DATASET_FASHION_MNIST, i),
                            fashion[i]);
    assert_string_equal(fmn_class_name(FMN_DATASET_MNIST, 7), "7");
    assert_string_equal(fmn_class_name(FMN_DATASET_KMNIST, 0), "o");
    assert_string_equal(fmn_class_name(FMN_DATASET_KMNIST, 3), "tsu");
    assert_string_equal(fmn_class_name(FMN_DATASET_KMNIST, 9), "wo");
    assert_null(fmn_class_name(FMN_DATASET_FASHION_MNIST, 10));
    assert_null(fmn_class_name(FMN_DATASET_UNKNOWN, 0));
    assert_string_equal(fmn_dataset_name(FMN_DATASET_FASHION_MNIST),
                        "fashion-mnist");
    assert_null(fmn_dataset_name(FMN_DATASET_UNKNOWN));
    assert_string_equal(fmn_split_name(FMN_SPLIT_TEST), "test");
}

static void split_forced_dataset_names_classes(void **state)
{
    (void)state;
    buf im = images_file(3), lb = labels_file(3, 10);
    fmn_options opt;
    fmn_options_init(&opt);
    opt.dataset = FMN_DATASET_KMNIST;
    fmn_split *sp;
    assert_int_equal(fmn_split_load_memory(im.data, im.size, NULL, lb.data,
                                           lb.size, NULL, &opt, &sp, NULL),
                     FMN_OK);
    assert_string_equal(fmn_split_class_name(sp, 1), "ki");
    fmn_split_free(sp);
    free(im.data);
    free(lb.data);
}

/* A directory with a split under the given names. */
static char *make_dir(const char *images, const char *labels, size_t n,
                      unsigned modulo)
{
    char *dir = tmpdir_make();
    buf im = images_file(n), lb = labels_file(n, modulo);
    if (images)
        free(write_file(dir, images, im.data, im.size));
    if (labels)
        free(write_file(dir, labels, lb.data, lb.size));
    free(im.data);
    free(lb.data);
    return dir;
}

static void dir_finds_official_and_variant_names(void **state)
{
    (void)state;
    static const char *names[][2] = {
        {"train-images-idx3-ubyte", "train-labels-idx1-ubyte"},
        {"t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"},
        {"train-images.idx3-ubyte", "train-labels.idx1-ubyte"},
        {"test-images-idx3-ubyte", "test-labels-idx1-ubyte"},
        {"emnist-digits-train-images-idx3-ubyte",
         "emnist-digits-train-labels-idx1-ubyte"}};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        char *dir = make_dir(names[i][0], names[i][1], 5, 10);
        fmn_dir *d;
        fmn_error err;
        assert_int_equal(fmn_dir_open(dir, &d, &err), FMN_OK);
        fmn_split_id id = strstr(names[i][0], "train") ? FMN_SPLIT_TRAIN
                                                       : FMN_SPLIT_TEST;
        const char *p = fmn_dir_path(d, id, FMN_FILE_IMAGES);
        assert_non_null(p);
        assert_non_null(strstr(p, names[i][0]));
        assert_null(fmn_dir_path(d, id == FMN_SPLIT_TRAIN ? FMN_SPLIT_TEST
                                                          : FMN_SPLIT_TRAIN,
                                 FMN_FILE_IMAGES));
        fmn_split *sp;
        assert_int_equal(fmn_dir_load_split(d, id, NULL, &sp, &err), FMN_OK);
        assert_int_equal(fmn_split_count(sp), 5);
        fmn_split_free(sp);
        fmn_dir_free(d);
        tmpdir_remove(dir);
    }
}

static void dir_prefers_gzip_and_official_names(void **state)
{
    (void)state;
    char *dir = make_dir("train-images-idx3-ubyte", "train-labels.idx1-ubyte",
                         4, 10);
    buf lb = labels_file(4, 10);
    buf g = gz_member(lb.data, lb.size, 0);
    free(write_file(dir, "train-labels-idx1-ubyte.gz", g.data, g.size));
    fmn_dir *d;
    assert_int_equal(fmn_dir_open(dir, &d, NULL), FMN_OK);
    const char *p = fmn_dir_path(d, FMN_SPLIT_TRAIN, FMN_FILE_LABELS);
    assert_non_null(strstr(p, "/train-labels-idx1-ubyte.gz"));
    fmn_dir_free(d);
    free(lb.data);
    free(g.data);
    tmpdir_remove(dir);
}

static void dir_reports_missing_ambiguous_and_empty(void **state)
{
    (void)state;
    fmn_dir *d;
    fmn_error err;
    char *dir = make_dir("train-images-idx3-ubyte", NULL, 4, 10);
    assert_int_equal(fmn_dir_open(dir, &d, &err), FMN_OK);
    fmn_split *sp;
    assert_int_equal(fmn_dir_load_split(d, FMN_SPLIT_TRAIN, NULL, &sp, &err),
                     FMN_ERR_NOT_FOUND);
    assert_null(sp);
    assert_non_null(strstr(err.message, "no train labels file"));
    fmn_dir_free(d);
    /* MNIST and EMNIST files side by side: which train images? */
    buf im = images_file(2);
    free(write_file(dir, "emnist-letters-train-images-idx3-ubyte", im.data,
                    im.size));
    free(im.data);
    assert_int_equal(fmn_dir_open(dir, &d, &err), FMN_ERR_AMBIGUOUS);
    assert_null(d);
    assert_non_null(strstr(err.message, "two train images files"));
    tmpdir_remove(dir);
    dir = tmpdir_make();
    free(write_file(dir, "README", "hi", 2));
    assert_int_equal(fmn_dir_open(dir, &d, &err), FMN_ERR_NO_DATASET);
    tmpdir_remove(dir);
    assert_int_equal(fmn_dir_open("/nonexistent-dir", &d, &err),
                     FMN_ERR_NOT_FOUND);
}

static void emnist_names_give_their_class_count(void **state)
{
    (void)state;
    /* letters are labelled 1..26 */
    char *dir = make_dir("emnist-letters-train-images-idx3-ubyte",
                         "emnist-letters-train-labels-idx1-ubyte", 30, 27);
    fmn_dir *d;
    fmn_split *sp;
    fmn_error err;
    assert_int_equal(fmn_dir_open(dir, &d, &err), FMN_OK);
    assert_int_equal(fmn_dir_load_split(d, FMN_SPLIT_TRAIN, NULL, &sp, &err),
                     FMN_OK);
    assert_int_equal(fmn_split_num_classes(sp), 27);
    fmn_split_free(sp);
    fmn_dir_free(d);
    tmpdir_remove(dir);
}

static void split_range_loads_the_items_asked_for(void **state)
{
    (void)state;
    char *dir = make_dir("train-images-idx3-ubyte", "train-labels-idx1-ubyte",
                         20, 10);
    buf im = images_file(20);
    fmn_dir *d;
    assert_int_equal(fmn_dir_open(dir, &d, NULL), FMN_OK);
    fmn_split *sp;
    fmn_error err;
    const char *ip = fmn_dir_path(d, FMN_SPLIT_TRAIN, FMN_FILE_IMAGES);
    const char *lp = fmn_dir_path(d, FMN_SPLIT_TRAIN, FMN_FILE_LABELS);
    assert_int_equal(fmn_split_load_range(ip, lp, 15, 4, NULL, &sp, &err),
                     FMN_OK);
    assert_int_equal(fmn_split_count(sp), 4);
    assert_int_equal(fmn_split_first_index(sp), 15);
    assert_int_equal(fmn_split_labels(sp)[0], 5);
    assert_int_equal(fmn_split_labels(sp)[3], 8);
    assert_memory_equal(fmn_split_images(sp).data, im.data + 16 + 15 * 784,
                        4 * 784);
    fmn_split_free(sp);
    assert_int_equal(fmn_split_load_range(ip, lp, 18, 3, NULL, &sp, &err),
                     FMN_ERR_RANGE);
    assert_null(sp);
    assert_non_null(strstr(err.message, "holds 20 items"));
    free(im.data);
    fmn_dir_free(d);
    tmpdir_remove(dir);
}

static void dir_loads_both_splits_at_once(void **state)
{
    (void)state;
    char *dir = make_dir("train-images-idx3-ubyte", "train-labels-idx1-ubyte",
                         20, 10);
    buf im = images_file(7), lb = labels_file(7, 10);
    free(write_file(dir, "t10k-images-idx3-ubyte", im.data, im.size));
    free(write_file(dir, "t10k-labels-idx1-ubyte", lb.data, lb.size));
    fmn_dir *d;
    assert_int_equal(fmn_dir_open(dir, &d, NULL), FMN_OK);
    fmn_split *train, *test;
    fmn_error e1, e2;
    assert_int_equal(fmn_dir_load_both(d, NULL, &train, &test, &e1, &e2),
                     FMN_OK);
    assert_int_equal(fmn_split_count(train), 20);
    assert_int_equal(fmn_split_count(test), 7);
    assert_int_equal(e2.status, FMN_OK);
    fmn_split_free(train);
    fmn_split_free(test);
    fmn_dir_free(d);
    /* a broken test split: its own error, the train split still loads */
    lb.data[lb.size - 1] = 99;
    free(write_file(dir, "t10k-labels-idx1-ubyte", lb.data, lb.size));
    assert_int_equal(fmn_dir_open(dir, &d, NULL), FMN_OK);
    assert_int_equal(fmn_dir_load_both(d, NULL, &train, &test, &e1, &e2),
                     FMN_ERR_BAD_LABEL);
    assert_non_null(train);
    assert_null(test);
    assert_int_equal(e1.status, FMN_OK);
    assert_int_equal(e2.status, FMN_ERR_BAD_LABEL);
    assert_non_null(strstr(e2.message, "label 99"));
    fmn_split_free(train);
    fmn_dir_free(d);
    free(im.data);
    free(lb.data);
    tmpdir_remove(dir);
    /* only a train split: test stays NULL */
    dir = make_dir("train-images-idx3-ubyte", "train-labels-idx1-ubyte", 3, 10);
    assert_int_equal(fmn_dir_open(dir, &d, NULL), FMN_OK);
    assert_int_equal(fmn_dir_load_both(d, NULL, &train, &test, NULL, NULL),
                     FMN_OK);
    assert_non_null(train);
    assert_null(test);
    fmn_split_free(train);
    fmn_dir_free(d);
    tmpdir_remove(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(split_pairs_images_and_labels),
        cmocka_unit_test(split_rejects_disagreeing_counts),
        cmocka_unit_test(split_rejects_labels_outside_the_classes),
        cmocka_unit_test(split_rejects_swapped_or_odd_shapes),
        cmocka_unit_test(split_class_names_are_the_published_ones),
        cmocka_unit_test(split_forced_dataset_names_classes),
        cmocka_unit_test(dir_finds_official_and_variant_names),
        cmocka_unit_test(dir_prefers_gzip_and_official_names),
        cmocka_unit_test(dir_reports_missing_ambiguous_and_empty),
        cmocka_unit_test(emnist_names_give_their_class_count),
        cmocka_unit_test(split_range_loads_the_items_asked_for),
        cmocka_unit_test(dir_loads_both_splits_at_once),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
