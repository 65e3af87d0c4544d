/* test_dataset.c - splits, class names and directory scanning, on small
 * fixtures. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#include "fixture.h"
#include "os.h"
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
    assert_string_equal(fmn_split_id_name(FMN_SPLIT_TEST), "test");
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
    /* MNIST and EMNIST files side by side: two datasets, each opened by
     * its path FOLDER/PREFIX; the folder itself is not one to load */
    buf im = images_file(2);
    free(write_file(dir, "emnist-letters-train-images-idx3-ubyte", im.data,
                    im.size));
    free(im.data);
    assert_int_equal(fmn_dir_open(dir, &d, &err), FMN_OK);
    assert_int_equal(fmn_dir_datasets(d), 2);
    char one[4096];
    assert_true(fmn_dir_dataset_path(d, 1, one, sizeof one) < sizeof one);
    assert_non_null(strstr(one, "/emnist-letters"));
    char none[8];
    assert_int_equal(fmn_dir_dataset_path(d, 2, none, sizeof none), 0);
    assert_string_equal(none, "");
    assert_int_equal(fmn_dir_load_split(d, FMN_SPLIT_TRAIN, NULL, &sp, &err),
                     FMN_ERR_AMBIGUOUS);
    assert_non_null(strstr(err.message, "holds 2 datasets side by side "
                                        "((no prefix), emnist-letters)"));
    fmn_dir_free(d);
    assert_true(fmn_path_is_folder(one));
    assert_int_equal(fmn_dir_open(one, &d, &err), FMN_OK);
    assert_int_equal(fmn_dir_datasets(d), 1);
    assert_non_null(strstr(fmn_dir_path(d, FMN_SPLIT_TRAIN, FMN_FILE_IMAGES),
                           "emnist-letters-train-images"));
    fmn_dir_free(d);
    assert_int_equal(fmn_dir_open(strcat(one, "x"), &d, &err),
                     FMN_ERR_NOT_FOUND);
    assert_false(fmn_path_is_folder(one));
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
    /* letters are labelled 1..26: 26 classes from 1, and 0 is no class */
    char *dir = make_dir("emnist-letters-train-images-idx3-ubyte",
                         "emnist-letters-train-labels-idx1-ubyte", 30, 27);
    fmn_dir *d;
    fmn_split *sp;
    fmn_error err;
    assert_int_equal(fmn_dir_open(dir, &d, &err), FMN_OK);
    assert_int_equal(fmn_dir_load_split(d, FMN_SPLIT_TRAIN, NULL, &sp, &err),
                     FMN_ERR_BAD_LABEL);
    assert_non_null(strstr(err.message, "label 0 of item 0"));
    assert_non_null(strstr(err.message, "expected 1 to 26 for a 26-class"));
    fmn_dir_free(d);
    tmpdir_remove(dir);
    buf im = images_file(30), lb = labels_file(30, 26);
    for (size_t i = 0; i < 30; i++)
        lb.data[8 + i] += 1; /* 1..26 */
    dir = tmpdir_make();
    free(write_file(dir, "emnist-letters-train-images-idx3-ubyte", im.data,
                    im.size));
    free(write_file(dir, "emnist-letters-train-labels-idx1-ubyte", lb.data,
                    lb.size));
    assert_int_equal(fmn_dir_open(dir, &d, &err), FMN_OK);
    assert_int_equal(fmn_dir_load_split(d, FMN_SPLIT_TRAIN, NULL, &sp, &err),
                     FMN_OK);
    assert_int_equal(fmn_split_num_classes(sp), 26);
    assert_int_equal(fmn_split_first_label(sp), 1);
    assert_string_equal(fmn_split_class_name(sp, 1), "a");
    assert_string_equal(fmn_split_class_name(sp, 26), "z");
    assert_null(fmn_split_class_name(sp, 0));
    unsigned c;
    assert_int_equal(fmn_split_find_class(sp, "z", &c, &err), FMN_OK);
    assert_int_equal(c, 26);
    fmn_split_free(sp);
    fmn_dir_free(d);
    free(im.data), free(lb.data);
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

/* fmn_dataset_load: both splits or one error, nothing kept on failure. */
static void dataset_load_is_both_or_one_error(void **state)
{
    (void)state;
    char *dir = make_dir("train-images-idx3-ubyte", "train-labels-idx1-ubyte",
                         20, 10);
    fmn_split *train = (fmn_split *)(uintptr_t)1, *test = train;
    fmn_error err;
    /* no test split: an error naming the missing file, nothing kept */
    assert_int_equal(fmn_dataset_load(dir, NULL, &train, &test, &err),
                     FMN_ERR_NOT_FOUND);
    assert_null(train);
    assert_null(test);
    assert_non_null(strstr(err.message, "t10k-images"));
    buf im = images_file(7), lb = labels_file(7, 10);
    free(write_file(dir, "t10k-images-idx3-ubyte", im.data, im.size));
    free(write_file(dir, "t10k-labels-idx1-ubyte", lb.data, lb.size));
    assert_int_equal(fmn_dataset_load(dir, NULL, &train, &test, &err), FMN_OK);
    assert_int_equal(fmn_split_count(train), 20);
    assert_int_equal(fmn_split_count(test), 7);
    fmn_split_free(train);
    fmn_split_free(test);
    /* a broken test split: its error, and the train split not kept */
    lb.data[lb.size - 1] = 99;
    free(write_file(dir, "t10k-labels-idx1-ubyte", lb.data, lb.size));
    assert_int_equal(fmn_dataset_load(dir, NULL, &train, &test, &err),
                     FMN_ERR_BAD_LABEL);
    assert_null(train);
    assert_null(test);
    assert_non_null(strstr(err.message, "label 99"));
    /* no folder; a NULL out */
    char gone[4096];
    snprintf(gone, sizeof gone, "%s", dir);
    tmpdir_remove(dir);
    assert_int_equal(fmn_dataset_load(gone, NULL, &train, &test, &err),
                     FMN_ERR_NOT_FOUND);
    assert_int_equal(fmn_dataset_load(gone, NULL, &train, NULL, &err),
                     FMN_ERR_INVALID_ARGUMENT);
    assert_null(train);
    free(im.data);
    free(lb.data);
}

/* ---- copies, files under other names, subfolders ----------------------- */

static char *subdir(const char *dir, const char *name)
{
    size_t n = strlen(dir) + strlen(name) + 2;
    char *p = malloc(n);
    snprintf(p, n, "%s/%s", dir, name);
    assert_int_equal(os_mkdir(p), 0);
    return p;
}

static void dir_checks_every_copy(void **state)
{
    (void)state;
    /* torchvision's raw/: each .gz beside its unpacked copy */
    char *dir = make_dir("train-images-idx3-ubyte", "train-labels-idx1-ubyte",
                         6, 10);
    buf im = images_file(6), lb = labels_file(6, 10);
    buf gi = gz_member(im.data, im.size, 0), gl = gz_member(lb.data, lb.size, 0);
    free(write_file(dir, "train-images-idx3-ubyte.gz", gi.data, gi.size));
    free(write_file(dir, "train-labels-idx1-ubyte.gz", gl.data, gl.size));
    fmn_dir *d;
    fmn_split *sp;
    fmn_error err;
    assert_int_equal(fmn_dir_open(dir, &d, &err), FMN_OK);
    assert_int_equal(fmn_dir_copies(d, FMN_SPLIT_TRAIN, FMN_FILE_IMAGES), 2);
    assert_non_null(strstr(fmn_dir_copy(d, FMN_SPLIT_TRAIN, FMN_FILE_IMAGES,
                                        0), ".gz"));
    assert_null(fmn_dir_copy(d, FMN_SPLIT_TRAIN, FMN_FILE_IMAGES, 2));
    assert_int_equal(fmn_dir_load_split(d, FMN_SPLIT_TRAIN, NULL, &sp, &err),
                     FMN_OK);
    fmn_split_free(sp);
    fmn_dir_free(d);
    /* the unpacked copy damaged by one byte: refused, by load and stream */
    im.data[16 + 3 * 784 + 5] ^= 0x40;
    free(write_file(dir, "train-images-idx3-ubyte", im.data, im.size));
    assert_int_equal(fmn_dir_open(dir, &d, &err), FMN_OK);
    assert_int_equal(fmn_dir_load_split(d, FMN_SPLIT_TRAIN, NULL, &sp, &err),
                     FMN_ERR_AMBIGUOUS);
    assert_null(sp);
    assert_non_null(strstr(err.message, "train-images-idx3-ubyte: differs "
                                        "from "));
    assert_non_null(strstr(err.message, "at item 3 "));
    fmn_error loaded = err;
    fmn_split_reader *r;
    assert_int_equal(fmn_dir_open_reader(d, FMN_SPLIT_TRAIN, NULL, &r, &err),
                     FMN_OK);
    uint8_t px[6 * 784], l[6];
    size_t n;
    fmn_error serr;
    fmn_status st;
    while ((st = fmn_split_reader_read(r, px, l, 2, &n, &serr)) == FMN_OK &&
           n)
        ;
    assert_int_equal(st, FMN_ERR_AMBIGUOUS);
    assert_string_equal(serr.message, loaded.message);
    fmn_split_reader_free(r);
    fmn_dir_free(d);
    /* a copy of another shape */
    buf seven = images_file(7);
    free(write_file(dir, "train-images-idx3-ubyte", seven.data, seven.size));
    assert_int_equal(fmn_dir_open(dir, &d, &err), FMN_OK);
    assert_int_equal(fmn_dir_load_split(d, FMN_SPLIT_TRAIN, NULL, &sp, &err),
                     FMN_ERR_AMBIGUOUS);
    assert_non_null(strstr(err.message, "holds 3-D uint8 [7, 28, 28]"));
    fmn_dir_free(d);
    free(im.data), free(lb.data), free(gi.data), free(gl.data);
    free(seven.data);
    tmpdir_remove(dir);
}

static void dir_pairs_other_names_by_content(void **state)
{
    (void)state;
    char *dir = tmpdir_make();
    buf im = images_file(8), lb = labels_file(8, 10);
    buf ti = images_file(3), tl = labels_file(3, 10);
    buf gi = gz_member(im.data, im.size, 0);
    free(write_file(dir, "fashion_train_images.gz", gi.data, gi.size));
    free(write_file(dir, "fashion_train_labels.bin", lb.data, lb.size));
    free(write_file(dir, "Fashion-Test-Images.idx", ti.data, ti.size));
    free(write_file(dir, "fashion_test_labels.idx", tl.data, tl.size));
    free(write_file(dir, "README.md", "images and labels", 17));
    free(write_file(dir, "notes-images.txt", "not IDX", 7));
    fmn_dir *d;
    fmn_error err;
    assert_int_equal(fmn_dir_open(dir, &d, &err), FMN_OK);
    assert_non_null(strstr(fmn_dir_path(d, FMN_SPLIT_TRAIN, FMN_FILE_IMAGES),
                           "fashion_train_images.gz"));
    assert_non_null(strstr(fmn_dir_path(d, FMN_SPLIT_TRAIN, FMN_FILE_LABELS),
                           "fashion_train_labels.bin"));
    assert_non_null(strstr(fmn_dir_path(d, FMN_SPLIT_TEST, FMN_FILE_IMAGES),
                           "Fashion-Test-Images.idx"));
    fmn_split *train, *test;
    assert_int_equal(fmn_dir_load_both(d, NULL, &train, &test, &err, NULL),
                     FMN_OK);
    assert_int_equal(fmn_split_count(train), 8);
    assert_int_equal(fmn_split_count(test), 3);
    fmn_split_free(train);
    fmn_split_free(test);
    fmn_dir_free(d);
    tmpdir_remove(dir);
    /* names that say no split: by count, the larger is train */
    dir = tmpdir_make();
    free(write_file(dir, "a-images.gz", gi.data, gi.size));
    free(write_file(dir, "a-labels.idx", lb.data, lb.size));
    free(write_file(dir, "b-images.idx", ti.data, ti.size));
    free(write_file(dir, "b-labels.idx", tl.data, tl.size));
    assert_int_equal(fmn_dir_open(dir, &d, &err), FMN_OK);
    assert_non_null(strstr(fmn_dir_path(d, FMN_SPLIT_TRAIN, FMN_FILE_IMAGES),
                           "a-images.gz"));
    assert_non_null(strstr(fmn_dir_path(d, FMN_SPLIT_TEST, FMN_FILE_LABELS),
                           "b-labels.idx"));
    fmn_dir_free(d);
    /* a third size: which is which, only the user knows */
    buf five = labels_file(5, 10);
    free(write_file(dir, "c-labels.idx", five.data, five.size));
    assert_int_equal(fmn_dir_open(dir, &d, &err), FMN_ERR_AMBIGUOUS);
    assert_non_null(strstr(err.message, "three or more sizes"));
    tmpdir_remove(dir);
    /* beside files under official names, an IDX file whose name says
     * nothing is something else: left out */
    dir = make_dir("train-images-idx3-ubyte", "train-labels-idx1-ubyte", 8,
                   10);
    free(write_file(dir, "augmented-images.idx", ti.data, ti.size));
    assert_int_equal(fmn_dir_open(dir, &d, &err), FMN_OK);
    assert_int_equal(fmn_dir_copies(d, FMN_SPLIT_TRAIN, FMN_FILE_IMAGES), 1);
    assert_false(fmn_dir_has_split(d, FMN_SPLIT_TEST));
    fmn_dir_free(d);
    tmpdir_remove(dir);
    free(im.data), free(lb.data), free(ti.data), free(tl.data);
    free(gi.data), free(five.data);
}

static void dir_finds_a_torchvision_root(void **state)
{
    (void)state;
    char *root = tmpdir_make();
    char *fm = subdir(root, "FashionMNIST");
    char *raw = subdir(fm, "raw");
    char *processed = subdir(fm, "processed");
    free(write_file(processed, "training.pt", "PK", 2));
    buf im = images_file(4), lb = labels_file(4, 10);
    free(write_file(raw, "train-images-idx3-ubyte", im.data, im.size));
    free(write_file(raw, "train-labels-idx1-ubyte", lb.data, lb.size));
    const char *paths[2] = {root, fm};
    for (int i = 0; i < 2; i++) {
        fmn_dir *d;
        fmn_error err;
        assert_int_equal(fmn_dir_open(paths[i], &d, &err), FMN_OK);
        assert_string_equal(fmn_dir_location(d), raw);
        fmn_split *sp;
        assert_int_equal(fmn_dir_load_split(d, FMN_SPLIT_TRAIN, NULL, &sp,
                                            &err),
                         FMN_OK);
        fmn_split_free(sp);
        fmn_dir_free(d);
    }
    /* two datasets under one root: name one */
    char *mn = subdir(root, "MNIST");
    char *mraw = subdir(mn, "raw");
    free(write_file(mraw, "t10k-images-idx3-ubyte", im.data, im.size));
    fmn_dir *d;
    fmn_error err;
    assert_int_equal(fmn_dir_open(root, &d, &err), FMN_ERR_AMBIGUOUS);
    assert_null(d);
    assert_non_null(strstr(err.message, "holds several datasets"));
    assert_non_null(strstr(err.message, "MNIST/raw"));
    free(im.data), free(lb.data);
    free(fm), free(raw), free(processed), free(mn), free(mraw);
    tmpdir_remove(root);
}

typedef struct seen {
    char msg[8][600];
    int n;
} seen;

static void keep_report(void *ctx, const fmn_error *e)
{
    seen *s = ctx;
    if (s->n < 8)
        snprintf(s->msg[s->n], sizeof s->msg[0], "%s", e->message);
    s->n++;
}

static void dir_reports_every_bad_file(void **state)
{
    (void)state;
    char *dir = tmpdir_make();
    buf im = images_file(5), lb = labels_file(5, 10);
    buf gi = gz_member(im.data, im.size, 0);
    free(write_file(dir, "train-images-idx3-ubyte.gz", gi.data, gi.size - 9));
    free(write_file(dir, "train-labels-idx1-ubyte", "<html>", 6));
    free(write_file(dir, "t10k-images-idx3-ubyte", im.data, im.size - 1));
    buf_put(&lb, "!", 1);
    free(write_file(dir, "t10k-labels-idx1-ubyte", lb.data, lb.size));
    seen s = {.n = 0};
    fmn_options opt;
    fmn_options_init(&opt);
    opt.report = keep_report;
    opt.report_ctx = &s;
    fmn_dir *d;
    fmn_split *train, *test;
    fmn_error e1, e2;
    assert_int_equal(fmn_dir_open(dir, &d, NULL), FMN_OK);
    assert_int_not_equal(fmn_dir_load_both(d, &opt, &train, &test, &e1, &e2),
                         FMN_OK);
    assert_null(train);
    assert_null(test);
    /* one report per bad file, train before test, labels first */
    assert_int_equal(s.n, 4);
    assert_non_null(strstr(s.msg[0], "train-labels-idx1-ubyte: not an IDX"));
    assert_non_null(strstr(s.msg[1], "train-images-idx3-ubyte.gz: gzip"));
    assert_non_null(strstr(s.msg[2], "t10k-labels-idx1-ubyte: 1 unexpected"));
    assert_non_null(strstr(s.msg[3], "t10k-images-idx3-ubyte: IDX data is "
                                     "truncated"));
    assert_string_equal(e1.message, s.msg[0]);
    assert_string_equal(e2.message, s.msg[2]);
    /* without a report hook: the first problem of each split only */
    assert_int_not_equal(fmn_dir_load_both(d, NULL, &train, &test, &e1, &e2),
                         FMN_OK);
    assert_string_equal(e1.message, s.msg[0]);
    fmn_dir_free(d);
    free(im.data), free(lb.data), free(gi.data);
    tmpdir_remove(dir);
}

/* ---- choosing items ------------------------------------------------------ */

static void select_sample_is_the_permutation_s_first_items(void **state)
{
    (void)state;
    fmn_split *sp = split_make();
    size_t n = fmn_split_count(sp), total;
    uint32_t perm[SPLIT_N], got[SPLIT_N], want[SPLIT_N];
    assert_int_equal(fmn_permutation(perm, n, 42, 0, NULL), FMN_OK);
    uint8_t mark[SPLIT_N] = {0};
    for (size_t i = 0; i < 10; i++)
        mark[perm[i]] = 1;
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (mark[i])
            want[k++] = (uint32_t)i;
    fmn_items all = fmn_items_range(0, n);
    assert_int_equal(fmn_select_sample(sp, all, 10, 42, NULL, 0, &total, NULL),
                     FMN_OK);
    assert_int_equal(total, 10);
    assert_int_equal(fmn_select_sample(sp, all, 10, 42, got, 10, &total, NULL),
                     FMN_OK);
    assert_memory_equal(got, want, sizeof want[0] * 10);
    /* another seed, another draw; more than there is: all, in order */
    assert_int_equal(fmn_select_sample(sp, all, 10, 43, got, 10, &total, NULL),
                     FMN_OK);
    assert_memory_not_equal(got, want, sizeof want[0] * 10);
    assert_int_equal(fmn_select_sample(sp, fmn_items_range(5, 4), 99, 1, got,
                                       SPLIT_N, &total, NULL),
                     FMN_OK);
    assert_int_equal(total, 4);
    assert_int_equal(got[0], 5);
    assert_int_equal(got[3], 8);
    fmn_error err;
    assert_int_equal(fmn_select_sample(sp, fmn_items_range(100, 9), 2, 1, got,
                                       2, &total, &err),
                     FMN_ERR_RANGE);
    assert_int_equal(fmn_select_sample(sp, all, 10, 42, got, 9, &total, &err),
                     FMN_ERR_BUFFER_TOO_SMALL);
    fmn_split_free(sp);
}

static void select_classes_and_names(void **state)
{
    (void)state;
    fmn_split *sp = split_make();
    size_t n = fmn_split_count(sp), total;
    uint32_t got[SPLIT_N];
    unsigned want[2] = {3, 7};
    assert_int_equal(fmn_select_classes(sp, fmn_items_range(0, n), want, 2, got,
                                        SPLIT_N, &total, NULL),
                     FMN_OK);
    const uint8_t *labels = fmn_split_labels(sp);
    size_t expect = 0;
    for (size_t i = 0; i < n; i++)
        expect += labels[i] == 3 || labels[i] == 7;
    assert_int_equal(total, expect);
    for (size_t i = 0; i < total; i++)
        assert_true(labels[got[i]] == 3 || labels[got[i]] == 7);
    for (size_t i = 1; i < total; i++)
        assert_true(got[i - 1] < got[i]);
    unsigned c;
    fmn_error err;
    assert_int_equal(fmn_split_find_class(sp, "7", &c, &err), FMN_OK);
    assert_int_equal(c, 7);
    /* no names for an unidentified dataset */
    assert_int_equal(fmn_split_find_class(sp, "bag", &c, &err),
                     FMN_ERR_BAD_LABEL);
    assert_non_null(strstr(err.message, "no class 'bag'"));
    assert_int_equal(fmn_split_find_class(sp, "10", &c, &err),
                     FMN_ERR_BAD_LABEL);
    fmn_split_free(sp);
    /* Fashion-MNIST's names, loosely written */
    buf im = images_file(3), lb = labels_file(3, 10);
    fmn_options opt;
    fmn_options_init(&opt);
    opt.dataset = FMN_DATASET_FASHION_MNIST;
    assert_int_equal(fmn_split_load_memory(im.data, im.size, NULL, lb.data,
                                           lb.size, NULL, &opt, &sp, NULL),
                     FMN_OK);
    static const struct { const char *text; unsigned label; } names[] = {
        {"ankle-boot", 9}, {"Ankle Boot", 9}, {"ankle_boot", 9},
        {"t-shirt", 0}, {"T-shirt/top", 0}, {"ankle", 9}, {"bag", 8}};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        assert_int_equal(fmn_split_find_class(sp, names[i].text, &c, &err),
                         FMN_OK);
        assert_int_equal(c, names[i].label);
    }
    assert_int_equal(fmn_split_find_class(sp, "sweater", &c, &err),
                     FMN_ERR_BAD_LABEL);
    assert_int_equal(fmn_split_find_class(sp, "", &c, &err),
                     FMN_ERR_BAD_LABEL);
    /* an override names classes; it never says what the content is */
    assert_int_equal(fmn_split_naming(sp), FMN_DATASET_FASHION_MNIST);
    assert_int_equal(fmn_split_dataset(sp), FMN_DATASET_UNKNOWN);
    fmn_split_free(sp);
    free(im.data), free(lb.data);
}


/* ---- the family: QMNIST's label matrices, EMNIST's orientation ---------- */

/* n rows of a QMNIST label matrix: the class, then made-up columns. */
static buf label_matrix(size_t n, size_t cols, int bad_row)
{
    uint32_t dims[2] = {(uint32_t)n, (uint32_t)cols};
    buf b = idx_header(0x0C, 2, dims);
    for (size_t i = 0; i < n; i++)
        for (size_t c = 0; c < cols; c++)
            buf_be32(&b, c == 0 ? (uint32_t)((int)i == bad_row ? -3 : (int)(i % 10))
                                : (uint32_t)(1000 * c + i));
    return b;
}

static void qmnist_label_matrices_load(void **state)
{
    (void)state;
    buf im = images_file(12), lb = label_matrix(12, 8, -1);
    fmn_split *sp;
    fmn_error err;
    assert_int_equal(fmn_split_load_memory(im.data, im.size, NULL, lb.data,
                                           lb.size, NULL, NULL, &sp, &err),
                     FMN_OK);
    fmn_array m = fmn_split_label_array(sp);
    assert_int_equal(m.ndim, 2);
    assert_int_equal(m.dtype, FMN_DTYPE_I32);
    assert_int_equal(m.dims[0], 12);
    assert_int_equal(m.dims[1], 8);
    assert_int_equal(m.nbytes, 12 * 8 * 4);
    const int32_t *rows = m.data;
    for (size_t i = 0; i < 12; i++) {
        assert_int_equal(fmn_split_labels(sp)[i], i % 10);
        assert_int_equal(rows[i * 8 + FMN_QMNIST_WRITER], 2000 + (int)i);
        assert_int_equal(fmn_label_class(m, i), (int64_t)(i % 10));
    }
    fmn_split_free(sp);
    /* a range keeps its rows, and a stream reads the same classes */
    char *dir = tmpdir_make();
    char *ip = write_file(dir, "qmnist-train-images-idx3-ubyte", im.data,
                          im.size);
    char *lp = write_file(dir, "qmnist-train-labels-idx2-int", lb.data,
                          lb.size);
    assert_int_equal(fmn_split_load_range(ip, lp, 3, 4, NULL, &sp, &err),
                     FMN_OK);
    m = fmn_split_label_array(sp);
    assert_int_equal(m.dims[0], 4);
    assert_int_equal(((const int32_t *)m.data)[8 + FMN_QMNIST_NIST_INDEX],
                     5000 + 4);
    assert_int_equal(fmn_split_labels(sp)[0], 3);
    assert_int_equal(fmn_split_naming(sp), FMN_DATASET_QMNIST);
    assert_string_equal(fmn_split_class_name(sp, 7), "7");
    fmn_split_free(sp);
    fmn_split_reader *r;
    assert_int_equal(fmn_split_reader_open(ip, lp, NULL, &r, &err), FMN_OK);
    uint8_t got[12];
    size_t n;
    assert_int_equal(fmn_split_reader_read(r, NULL, got, 12, &n, &err),
                     FMN_OK);
    assert_int_equal(n, 12);
    for (size_t i = 0; i < 12; i++)
        assert_int_equal(got[i], i % 10);
    assert_true(fmn_split_reader_complete(r));
    fmn_split_reader_free(r);
    /* a class that is none: the same verdict from a load and a stream */
    buf bad = label_matrix(12, 8, 5);
    free(write_file(dir, "qmnist-train-labels-idx2-int", bad.data, bad.size));
    assert_int_equal(fmn_split_load(ip, lp, NULL, &sp, &err),
                     FMN_ERR_BAD_LABEL);
    assert_non_null(strstr(err.message, "label -3 of item 5 (byte 172 of the "
                                        "IDX data, column 0 of the label "
                                        "matrix)"));
    char said[512];
    strcpy(said, err.message);
    assert_int_equal(fmn_split_reader_open(ip, lp, NULL, &r, &err), FMN_OK);
    assert_int_equal(fmn_split_reader_read(r, NULL, got, 12, &n, &err),
                     FMN_ERR_BAD_LABEL);
    assert_string_equal(err.message, said);
    fmn_split_reader_free(r);
    /* a matrix of too many columns, or of bytes, is no labels file */
    buf wide = label_matrix(12, 65, -1);
    assert_int_equal(fmn_split_load_memory(im.data, im.size, NULL, wide.data,
                                           wide.size, NULL, NULL, &sp, &err),
                     FMN_ERR_NOT_LABELS);
    uint32_t d2[2] = {12, 8};
    buf bytes = idx_u8(2, d2);
    assert_int_equal(fmn_split_load_memory(im.data, im.size, NULL, bytes.data,
                                           bytes.size, NULL, NULL, &sp, &err),
                     FMN_ERR_NOT_LABELS);
    free(ip), free(lp);
    tmpdir_remove(dir);
    free(im.data), free(lb.data), free(bad.data), free(wide.data);
    free(bytes.data);
}

/* Images whose pixel (r, c) is r * 16 + c + i: none equals its transpose. */
static buf drawn_images(size_t n, size_t h, size_t w)
{
    uint32_t dims[3] = {(uint32_t)n, (uint32_t)h, (uint32_t)w};
    buf b = idx_header(0x08, 3, dims);
    for (size_t i = 0; i < n; i++)
        for (size_t r = 0; r < h; r++)
            for (size_t c = 0; c < w; c++)
                buf_u8(&b, (uint8_t)(r * 16 + c + i));
    return b;
}

static void check_upright(const fmn_split *sp, size_t n, size_t h, size_t w)
{
    fmn_images v = fmn_split_images(sp);
    assert_int_equal(v.count, n);
    assert_int_equal(v.height, w); /* W x H now */
    assert_int_equal(v.width, h);
    for (size_t i = 0; i < n; i++)
        for (size_t y = 0; y < w; y++)
            for (size_t x = 0; x < h; x++)
                assert_int_equal(v.data[(i * w + y) * h + x],
                                 (uint8_t)(x * 16 + y + i));
}

static void emnist_images_turn_upright(void **state)
{
    (void)state;
    /* 3 x 5 images (not square), and enough of them to be mapped */
    size_t n = 70000, h = 3, w = 5;
    buf im = drawn_images(n, h, w), lb = labels_file(n, 10);
    char *dir = tmpdir_make();
    char *ip = write_file(dir, "emnist-digits-train-images-idx3-ubyte",
                          im.data, im.size);
    char *lp = write_file(dir, "emnist-digits-train-labels-idx1-ubyte",
                          lb.data, lb.size);
    fmn_options opt;
    fmn_options_init(&opt);
    fmn_split *sp;
    fmn_error err;
    /* the default: as stored */
    assert_int_equal(fmn_split_load(ip, lp, &opt, &sp, &err), FMN_OK);
    assert_false(fmn_split_upright(sp));
    assert_memory_equal(fmn_split_images(sp).data, im.data + 16, n * h * w);
    fmn_split_free(sp);
    for (int map = 0; map <= 1; map++) {
        opt.upright = 1;
        opt.map_raw = map;
        assert_int_equal(fmn_split_load(ip, lp, &opt, &sp, &err), FMN_OK);
        assert_true(fmn_split_upright(sp));
        check_upright(sp, n, h, w);
        fmn_split_free(sp);
    }
    /* a range, a folder, and the file as it is */
    assert_int_equal(fmn_split_load_range(ip, lp, 0, 9, &opt, &sp, &err),
                     FMN_OK);
    check_upright(sp, 9, h, w);
    fmn_split_free(sp);
    fmn_dir *d;
    assert_int_equal(fmn_dir_open(dir, &d, &err), FMN_OK);
    assert_int_equal(fmn_dir_load_split(d, FMN_SPLIT_TRAIN, &opt, &sp, &err),
                     FMN_OK);
    check_upright(sp, n, h, w);
    assert_int_equal(fmn_split_file(sp, FMN_FILE_IMAGES)->crc32,
                     (uint32_t)crc32(0, im.data, (unsigned)im.size));
    fmn_split_free(sp);
    fmn_dir_free(d);
    /* the labels file's name says EMNIST: it turns; other datasets never */
    char *op = write_file(dir, "plain-images-idx3-ubyte", im.data, im.size);
    assert_int_equal(fmn_split_load(op, lp, &opt, &sp, &err), FMN_OK);
    assert_true(fmn_split_upright(sp));
    fmn_split_free(sp);
    char *mp = write_file(dir, "plain-labels-idx1-ubyte", lb.data, lb.size);
    assert_int_equal(fmn_split_load(op, mp, &opt, &sp, &err), FMN_OK);
    assert_false(fmn_split_upright(sp));
    assert_int_equal(fmn_split_images(sp).height, h);
    fmn_split_free(sp);
    free(ip), free(lp), free(op), free(mp);
    tmpdir_remove(dir);
    free(im.data), free(lb.data);
}

static void split_reader_reads_items_in_pieces(void **state)
{
    (void)state;
    /* 4 items of 3 x 5 = 15 bytes, read 4 bytes at a time */
    buf im = drawn_images(4, 3, 5), lb = labels_file(4, 10);
    char *dir = tmpdir_make();
    char *ip = write_file(dir, "i-images-idx3-ubyte", im.data, im.size);
    char *lp = write_file(dir, "i-labels-idx1-ubyte", lb.data, lb.size);
    fmn_split_reader *r;
    fmn_error err;
    assert_int_equal(fmn_split_reader_open(ip, lp, NULL, &r, &err), FMN_OK);
    uint8_t got[64], piece[4], l8;
    size_t n, total = 0;
    unsigned label, labels_seen[4] = {0};
    int first = 1;
    while (fmn_split_reader_read_piece(r, piece, sizeof piece, &n, &label,
                                       &err) == FMN_OK &&
           n > 0) {
        assert_true(n <= 4);
        memcpy(got + total, piece, n);
        labels_seen[total / 15] = label;
        total += n;
        if (first) { /* inside an item: no whole-item read */
            assert_int_equal(fmn_split_reader_read(r, NULL, &l8, 1, &n, &err),
                             FMN_ERR_INVALID_ARGUMENT);
            first = 0;
        }
    }
    assert_int_equal(err.status, FMN_OK);
    assert_int_equal(total, 60);
    assert_memory_equal(got, im.data + 16, 60);
    for (unsigned i = 0; i < 4; i++)
        assert_int_equal(labels_seen[i], i);
    assert_true(fmn_split_reader_complete(r));
    fmn_split_reader_free(r);
    /* a label that is no class: the verdict of a whole read */
    lb.data[8 + 2] = 37;
    free(write_file(dir, "i-labels-idx1-ubyte", lb.data, lb.size));
    assert_int_equal(fmn_split_reader_open(ip, lp, NULL, &r, &err), FMN_OK);
    while (fmn_split_reader_read_piece(r, piece, sizeof piece, &n, &label,
                                       &err) == FMN_OK &&
           n > 0)
        ;
    assert_int_equal(err.status, FMN_ERR_BAD_LABEL);
    assert_non_null(strstr(err.message, "label 37 of item 2"));
    assert_int_equal(fmn_split_reader_read_piece(r, piece, 4, &n, &label,
                                                 &err),
                     FMN_ERR_BAD_LABEL); /* failed stays failed */
    fmn_split_reader_free(r);
    free(ip), free(lp);
    tmpdir_remove(dir);
    free(im.data), free(lb.data);
}

/* ---- what a file is ------------------------------------------------------ */

static void release_by_shape_never_claims_more(void **state)
{
    (void)state;
    /* the shape of the published train labels: Fashion-MNIST's and
     * MNIST's contents are known, KMNIST's and EMNIST MNIST's are not
     * (EMNIST publishes no checksum of a file): not known, never
     * modified */
    buf train = labels_file(60000, 7);
    fmn_idx *idx;
    assert_int_equal(fmn_idx_load_memory(train.data, train.size, "l", NULL,
                                         &idx, NULL),
                     FMN_OK);
    const fmn_file_info *fi = fmn_idx_info(idx);
    assert_int_equal(fi->release, FMN_RELEASE_NOT_KNOWN);
    assert_int_equal(fi->dataset, FMN_DATASET_UNKNOWN);
    assert_int_equal(fi->split, FMN_SPLIT_TRAIN);
    assert_int_equal(fi->kind, FMN_FILE_LABELS);
    char say[512];
    fmn_release_describe(fi, say, sizeof say);
    assert_string_equal(say, "not known: the shape of the published train "
                             "labels, but not Fashion-MNIST's or MNIST's "
                             "content; no checksum of KMNIST's or EMNIST "
                             "MNIST's content is known, so it may be a copy "
                             "of it");
    assert_string_equal(fmn_release_name(fi->release), "not-known");
    fmn_idx_free(idx);
    /* the test labels' shape: KMNIST's content is not known, so this may
     * be a repack of it: not known, never modified */
    buf test = labels_file(10000, 7);
    assert_int_equal(fmn_idx_load_memory(test.data, test.size, "l", NULL,
                                         &idx, NULL),
                     FMN_OK);
    fi = fmn_idx_info(idx);
    assert_int_equal(fi->release, FMN_RELEASE_NOT_KNOWN);
    assert_int_equal(fi->split, FMN_SPLIT_TEST);
    fmn_release_describe(fi, say, sizeof say);
    assert_non_null(strstr(say, "not known: the shape of the published test "
                                "labels, but not Fashion-MNIST's or MNIST's "
                                "content; no checksum of KMNIST's"));
    assert_string_equal(fmn_release_name(fi->release), "not-known");
    /* a role check passes for what nobody identified */
    assert_int_equal(fmn_file_check_role(fi, FMN_SPLIT_TRAIN, FMN_FILE_LABELS,
                                         NULL),
                     FMN_OK);
    fmn_idx_free(idx);
    /* no published shape */
    buf other = labels_file(12, 7);
    assert_int_equal(fmn_idx_load_memory(other.data, other.size, "l", NULL,
                                         &idx, NULL),
                     FMN_OK);
    assert_int_equal(fmn_idx_info(idx)->release, FMN_RELEASE_UNKNOWN);
    assert_int_equal(fmn_idx_info(idx)->kind, FMN_FILE_UNKNOWN);
    fmn_idx_free(idx);
    assert_string_equal(fmn_dataset_title(FMN_DATASET_FASHION_MNIST),
                        "Fashion-MNIST");
    assert_null(fmn_dataset_title(FMN_DATASET_UNKNOWN));
    assert_string_equal(fmn_file_kind_name(FMN_FILE_IMAGES), "images");
    char name[64];
    assert_int_equal(fmn_release_file_name(FMN_SPLIT_TEST, FMN_FILE_LABELS,
                                           NULL, name, sizeof name),
                     22);
    assert_string_equal(name, "t10k-labels-idx1-ubyte");
    fmn_release_file_name(FMN_SPLIT_TRAIN, FMN_FILE_IMAGES, "mine", name,
                          sizeof name);
    assert_string_equal(name, "mine-images-idx3-ubyte");
    assert_int_equal(fmn_release_file_name(FMN_SPLIT_UNKNOWN, FMN_FILE_IMAGES,
                                           NULL, name, sizeof name),
                     0);
    free(train.data), free(test.data), free(other.data);
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
        cmocka_unit_test(dir_checks_every_copy),
        cmocka_unit_test(dir_pairs_other_names_by_content),
        cmocka_unit_test(dir_finds_a_torchvision_root),
        cmocka_unit_test(dataset_load_is_both_or_one_error),
        cmocka_unit_test(dir_reports_every_bad_file),
        cmocka_unit_test(select_sample_is_the_permutation_s_first_items),
        cmocka_unit_test(select_classes_and_names),
        cmocka_unit_test(release_by_shape_never_claims_more),
        cmocka_unit_test(qmnist_label_matrices_load),
        cmocka_unit_test(emnist_images_turn_upright),
        cmocka_unit_test(split_reader_reads_items_in_pieces),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
