/* test_allocator.c - a caller's allocator (fmn_options.alloc): every load
 * path allocates through it, only from the calling thread, hands back
 * every block it took, keeps it for the handles it returns, fails cleanly
 * when it fails, and two loads can use two allocators at once. Runs under
 * the sanitizers too (test_alloc, which interposes malloc, checks that
 * nothing goes to malloc meanwhile). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fixture.h"
#include "fmnist.h"

/* A counting allocator: a header before each block holds its size. */
typedef struct counter {
    pthread_t owner;   /* the only thread that may call */
    int wrong_thread;  /* calls from any other */
    long calls, live;  /* allocations made; blocks not yet freed */
    size_t bytes;      /* bytes in live blocks */
    size_t peak;       /* most bytes live at once */
    long countdown;    /* the allocation that fails is number 0; -1: none */
} counter;

typedef union header {
    size_t size;
    max_align_t align;
} header;

static void counter_arm(counter *c)
{
    memset(c, 0, sizeof *c);
    c->owner = pthread_self();
    c->countdown = -1;
}

static int counter_call(counter *c)
{
    if (!pthread_equal(c->owner, pthread_self()))
        c->wrong_thread++;
    c->calls++;
    return c->countdown < 0 || c->countdown-- != 0;
}

static void *c_alloc(void *ctx, size_t n)
{
    counter *c = ctx;
    if (!counter_call(c) || n > SIZE_MAX - sizeof(header))
        return NULL;
    header *h = malloc(sizeof *h + n);
    if (!h)
        return NULL;
    h->size = n;
    c->live++;
    c->bytes += n;
    c->peak = c->bytes > c->peak ? c->bytes : c->peak;
    return h + 1;
}

static void *c_realloc(void *ctx, void *p, size_t n)
{
    counter *c = ctx;
    assert_non_null(p);
    if (!counter_call(c) || n > SIZE_MAX - sizeof(header))
        return NULL;
    header *h = (header *)p - 1;
    size_t old = h->size;
    h = realloc(h, sizeof *h + n);
    if (!h)
        return NULL;
    h->size = n;
    c->bytes = c->bytes - old + n;
    c->peak = c->bytes > c->peak ? c->bytes : c->peak;
    return h + 1;
}

static void c_free(void *ctx, void *p)
{
    counter *c = ctx;
    assert_non_null(p);
    if (!pthread_equal(c->owner, pthread_self()))
        c->wrong_thread++;
    header *h = (header *)p - 1;
    c->live--;
    c->bytes -= h->size;
    free(h);
}

static void options_with(fmn_options *o, counter *c, unsigned threads)
{
    fmn_options_init(o);
    o->alloc.alloc = c_alloc;
    o->alloc.realloc = c_realloc;
    o->alloc.free = c_free;
    o->alloc.ctx = c;
    o->threads = threads;
}

/* Fixtures: a gzipped split (3 members, so the buffer grows) in a folder
 * with a test split beside it, its raw images, and a 9 MiB gzipped file
 * (large enough for the parallel inflater). */
static char *g_dir, *g_images, *g_labels, *g_raw, *g_big;
static uint8_t g_big_last; /* the last byte of the large file's data */
static buf g_raw_bytes, g_gz_bytes, g_label_bytes;

enum { N = 20 };

/* One load path, with options `o`: loads, checks what it got, frees. */
typedef fmn_status (*load_fn)(const fmn_options *o, fmn_error *err);

static fmn_status idx_file(const fmn_options *o, fmn_error *err)
{
    fmn_idx *idx;
    fmn_status st = fmn_idx_load_file(g_images, o, &idx, err);
    if (st == FMN_OK) {
        assert_int_equal(fmn_idx_array(idx).count, (size_t)N * 28 * 28);
        fmn_idx_free(idx);
    }
    return st;
}

static fmn_status idx_memory(const fmn_options *o, fmn_error *err)
{
    fmn_idx *idx;
    fmn_status st = fmn_idx_load_memory(g_gz_bytes.data, g_gz_bytes.size,
                                        "mem.gz", o, &idx, err);
    if (st == FMN_OK) {
        assert_memory_equal(fmn_idx_array(idx).data, g_raw_bytes.data + 16,
                            (size_t)N * 28 * 28);
        fmn_idx_free(idx);
    }
    return st;
}

static fmn_status idx_raw(const fmn_options *o, fmn_error *err)
{
    fmn_idx *idx;
    fmn_status st = fmn_idx_load_file(g_raw, o, &idx, err);
    if (st == FMN_OK)
        fmn_idx_free(idx);
    return st;
}

static fmn_status idx_big(const fmn_options *o, fmn_error *err)
{
    fmn_idx *idx;
    fmn_status st = fmn_idx_load_file(g_big, o, &idx, err);
    if (st == FMN_OK) {
        const uint8_t *p = fmn_idx_array(idx).data;
        assert_int_equal(fmn_idx_array(idx).count, (size_t)9 << 20);
        assert_int_equal(p[((size_t)9 << 20) - 1], g_big_last);
        fmn_idx_free(idx);
    }
    return st;
}

static fmn_status split_files(const fmn_options *o, fmn_error *err)
{
    fmn_split *sp;
    fmn_status st = fmn_split_load(g_images, g_labels, o, &sp, err);
    if (st == FMN_OK) {
        assert_int_equal(fmn_split_count(sp), N);
        fmn_split_free(sp);
    }
    return st;
}

/* The buffers fmn_split_release hands over are the allocator's. */
static fmn_status split_release(const fmn_options *o, fmn_error *err)
{
    fmn_split *sp;
    fmn_status st = fmn_split_load(g_images, g_labels, o, &sp, err);
    if (st != FMN_OK)
        return st;
    uint8_t *x, *y;
    st = fmn_split_release(sp, &x, &y, err);
    if (st != FMN_OK) {
        fmn_split_free(sp);
        return st;
    }
    counter *c = o->alloc.ctx;
    assert_int_equal(c->live, 2);
    assert_memory_equal(x, g_raw_bytes.data + 16, (size_t)N * 28 * 28);
    assert_int_equal(y[N - 1], (N - 1) % 10);
    c_free(c, x);
    c_free(c, y);
    return st;
}

static fmn_status split_reader(const fmn_options *o, fmn_error *err)
{
    fmn_split_reader *r;
    fmn_status st = fmn_split_reader_open(g_images, g_labels, o, &r, err);
    if (st != FMN_OK)
        return st;
    uint8_t px[7 * 28 * 28], lb[7];
    size_t got, total = 0;
    while ((st = fmn_split_reader_read(r, px, lb, 7, &got, err)) == FMN_OK &&
           got)
        total += got;
    if (st == FMN_OK)
        assert_int_equal(total, N);
    fmn_split_reader_free(r);
    return st;
}

static fmn_status dataset(const fmn_options *o, fmn_error *err)
{
    fmn_split *train, *test;
    fmn_status st = fmn_dataset_load(g_dir, o, &train, &test, err);
    if (st == FMN_OK) {
        assert_int_equal(fmn_split_count(train), N);
        assert_int_equal(fmn_split_count(test), N);
        fmn_split_free(train);
        fmn_split_free(test);
    }
    return st;
}

static const struct {
    load_fn fn;
    const char *what;
} PATHS[] = {
    {idx_file, "fmn_idx_load_file (gzip)"},
    {idx_memory, "fmn_idx_load_memory (gzip)"},
    {idx_raw, "fmn_idx_load_file (raw)"},
    {split_files, "fmn_split_load"},
    {split_release, "fmn_split_release"},
    {split_reader, "fmn_split_reader"},
    {dataset, "fmn_dataset_load"},
};

/* Every path, on one thread and on four: calls, all from this thread,
 * and every block handed back. */
static void allocator_every_path(void **s)
{
    (void)s;
    for (size_t i = 0; i < sizeof PATHS / sizeof *PATHS; i++)
        for (unsigned threads = 1; threads <= 4; threads += 3) {
            counter c;
            fmn_options o;
            fmn_error err;
            counter_arm(&c);
            options_with(&o, &c, threads);
            fmn_status st = PATHS[i].fn(&o, &err);
            if (st != FMN_OK)
                fail_msg("%s: %s", PATHS[i].what, err.message);
            if (c.calls == 0 || c.wrong_thread || c.live || c.bytes)
                fail_msg("%s, %u threads: %ld calls, %d from another "
                         "thread, %ld blocks (%zu bytes) left",
                         PATHS[i].what, threads, c.calls, c.wrong_thread,
                         c.live, c.bytes);
        }
}

/* Each allocation made to fail once: FMN_ERR_NOMEM, a message, nothing
 * left allocated. */
static void allocator_failures(void **s)
{
    (void)s;
    for (size_t i = 0; i < sizeof PATHS / sizeof *PATHS; i++) {
        long k;
        for (k = 0;; k++) {
            counter c;
            fmn_options o;
            fmn_error err;
            counter_arm(&c);
            c.countdown = k;
            options_with(&o, &c, 1);
            memset(&err, 0, sizeof err);
            fmn_status st = PATHS[i].fn(&o, &err);
            if (c.live || c.bytes)
                fail_msg("%s, allocation %ld failing: %ld blocks left",
                         PATHS[i].what, k + 1, c.live);
            if (st == FMN_OK) {
                if (c.countdown < 0) /* the failing one was reached */
                    fail_msg("%s: allocation %ld failed unnoticed",
                             PATHS[i].what, k + 1);
                break;
            }
            if (st != FMN_ERR_NOMEM || err.message[0] == '\0')
                fail_msg("%s, allocation %ld failing: %s: %s", PATHS[i].what,
                         k + 1, fmn_strerror(st), err.message);
        }
        print_message("%s: %ld allocations, each made to fail once\n",
                      PATHS[i].what, k);
        assert_true(k > 0);
    }
}

/* The parallel inflater and the hash beside it, with four threads: the
 * buffers are the allocator's, and only this thread calls it. */
static void allocator_parallel_load(void **s)
{
    (void)s;
    long calls[2];
    for (unsigned threads = 1, i = 0; i < 2; threads = 4, i++) {
        counter c;
        fmn_options o;
        fmn_error err;
        counter_arm(&c);
        options_with(&o, &c, threads);
        o.hash_gz = 1;
        assert_int_equal(idx_big(&o, &err), FMN_OK);
        assert_int_equal(c.wrong_thread, 0);
        assert_int_equal(c.live, 0);
        assert_true(c.peak >= (size_t)9 << 20); /* the data was ours */
        calls[i] = c.calls;
    }
    /* the parts' buffers too: four threads allocate more */
    print_message("%ld allocations on one thread, %ld on four\n", calls[0],
                  calls[1]);
    assert_true(calls[1] > calls[0]);
}

/* A handle keeps the allocator: the options may be gone when it is
 * freed. */
static fmn_idx *load_and_forget_options(counter *c)
{
    fmn_options o;
    fmn_error err;
    fmn_idx *idx;
    options_with(&o, c, 1);
    assert_int_equal(fmn_idx_load_file(g_images, &o, &idx, &err), FMN_OK);
    memset(&o, 0xa5, sizeof o);
    return idx;
}

static void allocator_kept_by_handle(void **s)
{
    (void)s;
    counter c;
    counter_arm(&c);
    fmn_idx *idx = load_and_forget_options(&c);
    assert_true(c.live > 0);
    fmn_idx_free(idx);
    assert_int_equal(c.live, 0);
}

static void allocator_all_or_none(void **s)
{
    (void)s;
    counter c;
    counter_arm(&c);
    for (int drop = 0; drop < 3; drop++) {
        fmn_options o;
        fmn_error err;
        fmn_idx *idx = (fmn_idx *)&o;
        options_with(&o, &c, 1);
        if (drop == 0)
            o.alloc.alloc = NULL;
        else if (drop == 1)
            o.alloc.realloc = NULL;
        else
            o.alloc.free = NULL;
        assert_int_equal(fmn_idx_load_file(g_images, &o, &idx, &err),
                         FMN_ERR_INVALID_ARGUMENT);
        assert_null(idx);
        assert_non_null(strstr(err.message, "fmn_options.alloc"));
    }
    assert_int_equal(c.calls, 0);
}

/* Two loads at once, each with its own allocator (no global state). */
static void *load_on_thread(void *arg)
{
    counter *c = arg;
    fmn_options o;
    fmn_error err;
    counter_arm(c);
    options_with(&o, c, 1);
    for (int i = 0; i < 20; i++)
        if (split_files(&o, &err) != FMN_OK)
            return arg;
    return NULL;
}

static void allocator_two_at_once(void **s)
{
    (void)s;
    counter c[2];
    pthread_t t[2];
    for (int i = 0; i < 2; i++)
        assert_int_equal(pthread_create(&t[i], NULL, load_on_thread, &c[i]),
                         0);
    for (int i = 0; i < 2; i++) {
        void *failed;
        assert_int_equal(pthread_join(t[i], &failed), 0);
        assert_null(failed);
        assert_int_equal(c[i].wrong_thread, 0);
        assert_int_equal(c[i].live, 0);
        assert_true(c[i].calls >= 20);
    }
}

int main(void)
{
    uint32_t dims[3] = {N, 28, 28}, n[1] = {N};
    g_raw_bytes = idx_u8(3, dims);
    g_gz_bytes = gz_member(g_raw_bytes.data, 5, 0);
    buf_cat(&g_gz_bytes, gz_member(g_raw_bytes.data + 5, 100, 0));
    buf_cat(&g_gz_bytes, gz_member(g_raw_bytes.data + 105,
                                   g_raw_bytes.size - 105, 0));
    g_label_bytes = idx_header(0x08, 1, n);
    for (int i = 0; i < N; i++)
        buf_u8(&g_label_bytes, (uint8_t)(i % 10));
    g_dir = tmpdir_make();
    g_images = write_file(g_dir, "train-images-idx3-ubyte.gz", g_gz_bytes.data,
                          g_gz_bytes.size);
    g_labels = write_file(g_dir, "train-labels-idx1-ubyte", g_label_bytes.data,
                          g_label_bytes.size);
    free(write_file(g_dir, "t10k-images-idx3-ubyte.gz", g_gz_bytes.data,
                    g_gz_bytes.size));
    free(write_file(g_dir, "t10k-labels-idx1-ubyte", g_label_bytes.data,
                    g_label_bytes.size));
    g_raw = write_file(g_dir, "raw.idx", g_raw_bytes.data, g_raw_bytes.size);
    uint32_t big[1] = {(uint32_t)9 << 20};
    buf b = idx_header(0x08, 1, big);
    uint32_t x = 1; /* noise, so that the gzip is as large as the data */
    for (uint32_t i = 0; i < big[0]; i++) {
        x = x * 1664525u + 1013904223u;
        buf_u8(&b, (uint8_t)(x >> 24));
    }
    g_big_last = b.data[b.size - 1];
    buf bz = gz_member(b.data, b.size, 0);
    if (bz.size < (size_t)8 << 20)
        return fprintf(stderr, "the large gzip file is too small\n"), 1;
    g_big = write_file(g_dir, "big.gz", bz.data, bz.size);
    free(b.data);
    free(bz.data);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(allocator_every_path),
        cmocka_unit_test(allocator_failures),
        cmocka_unit_test(allocator_parallel_load),
        cmocka_unit_test(allocator_kept_by_handle),
        cmocka_unit_test(allocator_all_or_none),
        cmocka_unit_test(allocator_two_at_once),
    };
    int failed = cmocka_run_group_tests(tests, NULL, NULL);
    free(g_images);
    free(g_labels);
    free(g_raw);
    free(g_big);
    tmpdir_remove(g_dir);
    free(g_raw_bytes.data);
    free(g_gz_bytes.data);
    free(g_label_bytes.data);
    return failed ? 1 : 0;
}
