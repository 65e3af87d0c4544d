/* test_options.c - options structs that grow: a caller compiled with an
 * older header (a smaller struct_size) has the fields past its size read
 * as defaults, whatever its memory holds there; a newer caller's larger
 * struct is accepted when what it adds is 0 and refused otherwise; a size
 * of 0 or one that ends inside a field is refused with a message; and the
 * *_init macros write no byte past the caller's struct. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "fixture.h"
#include "fmnist.h"

/* A labels file whose label 7 is 10: no class of 10. */
static buf bad_labels(void)
{
    uint32_t n = 12;
    buf b = idx_header(0x08, 1, &n);
    for (uint32_t i = 0; i < n; i++)
        buf_u8(&b, (uint8_t)(i == 7 ? 10 : i % 10));
    return b;
}

static buf images(void)
{
    uint32_t dims[3] = {12, 4, 4};
    return idx_u8(3, dims);
}

static int g_reports;

static void count_report(void *ctx, const fmn_error *problem)
{
    (void)ctx;
    (void)problem;
    g_reports++;
}

/* fmn_options as a caller saw it whose header ended at `end` bytes, its
 * memory past that holding what a newer caller's fields would: a report
 * function and `classes` classes. */
static void older_options(unsigned char *mem, size_t end, unsigned classes)
{
    fmn_options full;
    fmn_options_init(&full);
    full.report = count_report;
    full.num_classes = classes;
    memcpy(mem, &full, sizeof full);
    memcpy(mem, &end, sizeof end); /* struct_size */
}

/* Loads the pair from files with options `mem`: its status, and how
 * many problems the report received. */
static fmn_status load(const unsigned char *mem, int *reports)
{
    buf im = images(), lb = bad_labels();
    char *dir = tmpdir_make();
    char *ip = write_file(dir, "images", im.data, im.size);
    char *lp = write_file(dir, "labels", lb.data, lb.size);
    fmn_split *sp = NULL;
    fmn_error err;
    g_reports = 0;
    fmn_status st = fmn_split_load(ip, lp, (const fmn_options *)mem, &sp,
                                   &err);
    assert_true((st == FMN_OK) == (sp != NULL));
    fmn_split_free(sp);
    free(ip);
    free(lp);
    tmpdir_remove(dir);
    free(im.data);
    free(lb.data);
    *reports = g_reports;
    return st;
}

static void an_older_caller_gets_defaults(void **state)
{
    (void)state;
    unsigned char mem[sizeof(fmn_options)];
    int reports;
    /* a header that ended after report_ctx: the report is called */
    older_options(mem, offsetof(fmn_options, threads), 0);
    assert_int_equal(load(mem, &reports), FMN_ERR_BAD_LABEL);
    assert_int_equal(reports, 1);
    /* one that ended before report: not read, never called */
    older_options(mem, offsetof(fmn_options, report), 0);
    assert_int_equal(load(mem, &reports), FMN_ERR_BAD_LABEL);
    assert_int_equal(reports, 0);
    /* 11 classes make label 10 one; past the size, they are not read */
    older_options(mem, offsetof(fmn_options, num_classes), 11);
    assert_int_equal(load(mem, &reports), FMN_ERR_BAD_LABEL);
    older_options(mem, offsetof(fmn_options, dataset), 11);
    assert_int_equal(load(mem, &reports), FMN_OK);
    older_options(mem, sizeof(fmn_options), 11);
    assert_int_equal(load(mem, &reports), FMN_OK);
}

/* A newer caller's struct: this library's, then fields it does not know. */
typedef struct newer_options {
    fmn_options known;
    uint64_t later[2];
} newer_options;

static void a_newer_caller_is_read_when_its_extra_is_unset(void **state)
{
    (void)state;
    buf im = images(), lb = bad_labels();
    newer_options n;
    fmn_options_init_sized(&n.known, sizeof n);
    assert_int_equal(n.known.struct_size, sizeof n);
    assert_true(n.later[0] == 0 && n.later[1] == 0); /* init zeroed them */
    n.known.num_classes = 11;
    fmn_split *sp;
    fmn_error err;
    assert_int_equal(fmn_split_load_memory(im.data, im.size, "im", lb.data,
                                           lb.size, "lb", &n.known, &sp, &err),
                     FMN_OK);
    fmn_split_free(sp);
    n.later[1] = 5; /* an option this library cannot honour */
    assert_int_equal(fmn_split_load_memory(im.data, im.size, "im", lb.data,
                                           lb.size, "lb", &n.known, &sp, &err),
                     FMN_ERR_INVALID_ARGUMENT);
    assert_null(sp);
    assert_non_null(strstr(err.message, "newer header"));
    free(im.data);
    free(lb.data);
}

static void unknown_sizes_are_refused(void **state)
{
    (void)state;
    buf im = images();
    fmn_options o;
    memset(&o, 0, sizeof o); /* never initialised */
    static char sentinel;
    fmn_idx *idx = (fmn_idx *)&sentinel; /* made NULL on failure */
    fmn_error err;
    assert_int_equal(fmn_idx_load_memory(im.data, im.size, "im", &o, &idx,
                                         &err),
                     FMN_ERR_INVALID_ARGUMENT);
    assert_null(idx);
    assert_non_null(strstr(err.message, "struct_size is 0"));
    o.struct_size = offsetof(fmn_options, max_bytes) + 3; /* mid-field */
    assert_int_equal(fmn_idx_load_memory(im.data, im.size, "im", &o, &idx,
                                         &err),
                     FMN_ERR_INVALID_ARGUMENT);
    assert_non_null(strstr(err.message, "no size this struct ever had"));
    /* every call that takes options reads them the same way */
    fmn_split *sp = NULL, *sp2 = NULL;
    assert_int_equal(fmn_dataset_load(".", &o, &sp, &sp2, &err),
                     FMN_ERR_INVALID_ARGUMENT);
    fmn_knn_options k;
    memset(&k, 0, sizeof k);
    uint8_t px[4] = {0};
    fmn_images two = {px, 2, 1, 2};
    fmn_neighbor nn[2];
    assert_int_equal(fmn_knn(two, NULL, &k, nn, 2, &err),
                     FMN_ERR_INVALID_ARGUMENT);
    assert_non_null(strstr(err.message, "fmn_knn_options"));
    fmn_knn_options_init(&k);
    assert_int_equal(fmn_knn(two, NULL, &k, nn, 2, &err), FMN_OK);
    fmn_batch_options b;
    memset(&b, 0, sizeof b);
    fmn_split *s = split_make();
    fmn_batcher *bt;
    assert_int_equal(fmn_batcher_new(s, fmn_items_range(0, 4), &b, &bt, &err),
                     FMN_ERR_INVALID_ARGUMENT);
    fmn_batch_options_init(&b);
    assert_int_equal(b.batch_size, 64);
    assert_int_equal(fmn_batcher_new(s, fmn_items_range(0, 4), &b, &bt, &err),
                     FMN_OK);
    fmn_batcher_free(bt);
    fmn_split_free(s);
    free(im.data);
}

/* An older caller's *_init writes its own size, no further. */
static void init_stays_in_the_callers_struct(void **state)
{
    (void)state;
    unsigned char mem[sizeof(fmn_options) + 8];
    size_t older = offsetof(fmn_options, threads);
    memset(mem, 0xa5, sizeof mem);
    fmn_options_init_sized((fmn_options *)mem, older);
    for (size_t i = older; i < sizeof mem; i++)
        assert_int_equal(mem[i], 0xa5);
    size_t got;
    memcpy(&got, mem, sizeof got);
    assert_int_equal(got, older);
    uint64_t max;
    memcpy(&max, mem + offsetof(fmn_options, max_bytes), sizeof max);
    assert_true(max == FMN_DEFAULT_MAX_BYTES);
    unsigned char kmem[sizeof(fmn_knn_options) + 8];
    memset(kmem, 0xa5, sizeof kmem);
    fmn_knn_options_init_sized((fmn_knn_options *)kmem,
                               offsetof(fmn_knn_options, threads));
    for (size_t i = offsetof(fmn_knn_options, threads); i < sizeof kmem; i++)
        assert_int_equal(kmem[i], 0xa5);
    /* and that older struct is read: k 1, the threads its default */
    uint8_t px[6] = {0, 0, 9, 9, 1, 1};
    fmn_images three = {px, 3, 1, 2};
    fmn_neighbor nn[3];
    fmn_error err;
    assert_int_equal(fmn_knn(three, NULL, (fmn_knn_options *)kmem, nn, 3,
                             &err),
                     FMN_OK);
    assert_int_equal(nn[0].index, 2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(an_older_caller_gets_defaults),
        cmocka_unit_test(a_newer_caller_is_read_when_its_extra_is_unset),
        cmocka_unit_test(unknown_sizes_are_refused),
        cmocka_unit_test(init_stays_in_the_callers_struct),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
