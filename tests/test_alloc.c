/* test_alloc.c - allocation-failure sweep. For every load path, make the
 * k-th allocation fail, for k = 1, 2, ... until a call completes without
 * reaching its k-th allocation: each failing call must return
 * FMN_ERR_NOMEM with *out NULL and a message, and leave the heap exactly
 * as it found it.
 *
 * The default allocator is malloc's, so this test interposes malloc,
 * calloc and realloc in its own executable: every allocation in the
 * process goes through them, zlib's and libc's included. It also checks
 * that with a caller's allocator (fmn_options.alloc) a load calls none of
 * them. glibc only (__libc_malloc); not built with sanitizers, which
 * interpose the same functions. */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <unistd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fixture.h"
#include "fmnist.h"

extern void *__libc_malloc(size_t);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);
extern void __libc_free(void *);

static long g_countdown = -1; /* the allocation that fails is number 0 */
static long g_seen;           /* allocations while armed */
static long g_live;           /* blocks allocated and not yet freed */
static long g_direct = -1;    /* malloc calls while counted; -1: not */

static _Thread_local int t_in_create; /* inside libc's pthread_create */

static int should_fail(void)
{
    if (g_direct >= 0 && !t_in_create) /* the system's, to start a thread */
        g_direct++;
    if (g_countdown < 0)
        return 0;
    g_seen++;
    if (g_countdown-- != 0)
        return 0;
    errno = ENOMEM; /* as a real allocation failure */
    return 1;
}

void *malloc(size_t n)
{
    void *p = should_fail() ? NULL : __libc_malloc(n);
    g_live += p != NULL;
    return p;
}

void *calloc(size_t a, size_t b)
{
    void *p = should_fail() ? NULL : __libc_calloc(a, b);
    g_live += p != NULL;
    return p;
}

void *realloc(void *p, size_t n)
{
    if (should_fail())
        return NULL; /* p stays allocated */
    void *q = __libc_realloc(p, n);
    if (!p && q)
        g_live++;
    else if (p && !q && n == 0)
        g_live--;
    return q;
}

void free(void *p)
{
    g_live -= p != NULL;
    __libc_free(p);
}

static long heap_in_use(void) { return g_live; }

/* Threads started, counted: passed on to libc's pthread_create, which
 * main looks up before any test (dlsym may allocate). */
static long g_threads_started;
typedef int (*create_fn)(pthread_t *, const pthread_attr_t *,
                         void *(*)(void *), void *);
static create_fn g_real_create;

int pthread_create(pthread_t *t, const pthread_attr_t *attr,
                   void *(*fn)(void *), void *arg)
{
    __atomic_add_fetch(&g_threads_started, 1, __ATOMIC_RELAXED);
    t_in_create++;
    int r = g_real_create ? g_real_create(t, attr, fn, arg) : EAGAIN;
    t_in_create--;
    return r;
}

/* One load path: does its work, frees what it made, returns the status. */
typedef fmn_status (*load_fn)(fmn_error *err);

static char *g_dir, *g_raw, *g_gz, *g_labels, *g_bad;
static char *g_both; /* a folder with a train and a test split */
static buf g_raw_bytes, g_gz_bytes, g_label_bytes;

static fmn_status idx_memory_raw(fmn_error *err)
{
    fmn_idx *idx = (fmn_idx *)(uintptr_t)1;
    fmn_status st = fmn_idx_load_memory(g_raw_bytes.data, g_raw_bytes.size,
                                        "raw", NULL, &idx, err);
    if (st != FMN_OK && idx)
        fail_msg("*out not NULL on failure");
    fmn_idx_free(idx);
    return st;
}

static fmn_status idx_memory_gz(fmn_error *err)
{
    fmn_idx *idx = (fmn_idx *)(uintptr_t)1;
    fmn_status st = fmn_idx_load_memory(g_gz_bytes.data, g_gz_bytes.size, "gz",
                                        NULL, &idx, err);
    if (st != FMN_OK && idx)
        fail_msg("*out not NULL on failure");
    fmn_idx_free(idx);
    return st;
}

static buf g_grow_bytes; /* 8 MiB of zeros in 8 KiB: the buffer grows */

static fmn_status idx_memory_gz_grow(fmn_error *err)
{
    fmn_idx *idx = (fmn_idx *)(uintptr_t)1;
    fmn_status st = fmn_idx_load_memory(g_grow_bytes.data, g_grow_bytes.size,
                                        "grow", NULL, &idx, err);
    if (st != FMN_OK && idx)
        fail_msg("*out not NULL on failure");
    fmn_idx_free(idx);
    return st;
}

static fmn_status idx_fd_gz(fmn_error *err)
{
    fmn_idx *idx = (fmn_idx *)(uintptr_t)1;
    int fd = open(g_gz, O_RDONLY);
    if (fd < 0)
        fail_msg("cannot open %s", g_gz);
    fmn_status st = fmn_idx_load_fd(fd, "fd", NULL, &idx, err);
    close(fd);
    if (st != FMN_OK && idx)
        fail_msg("*out not NULL on failure");
    fmn_idx_free(idx);
    return st;
}

typedef struct feed {
    const uint8_t *p;
    size_t n, at;
} feed;

static long from_feed(void *ctx, void *dst, size_t n)
{
    feed *f = ctx;
    size_t k = f->n - f->at < n ? f->n - f->at : n;
    memcpy(dst, f->p + f->at, k);
    f->at += k;
    return (long)k;
}

static fmn_status idx_callback_gz(fmn_error *err)
{
    fmn_idx *idx = (fmn_idx *)(uintptr_t)1;
    feed f = {g_gz_bytes.data, g_gz_bytes.size, 0};
    fmn_status st = fmn_idx_load_callback(from_feed, &f, "cb", NULL, &idx,
                                          err);
    if (st != FMN_OK && idx)
        fail_msg("*out not NULL on failure");
    fmn_idx_free(idx);
    return st;
}

static fmn_status idx_file_gz(fmn_error *err)
{
    fmn_idx *idx = (fmn_idx *)(uintptr_t)1;
    fmn_status st = fmn_idx_load_file(g_gz, NULL, &idx, err);
    if (st != FMN_OK && idx)
        fail_msg("*out not NULL on failure");
    fmn_idx_free(idx);
    return st;
}

static fmn_status idx_file_range(fmn_error *err)
{
    fmn_idx *idx = (fmn_idx *)(uintptr_t)1;
    fmn_status st = fmn_idx_load_file_range(g_raw, 3, 4, NULL, &idx, err);
    if (st != FMN_OK && idx)
        fail_msg("*out not NULL on failure");
    fmn_idx_free(idx);
    return st;
}

static fmn_status idx_file_bad(fmn_error *err)
{
    /* a broken file: its own error, or NOMEM, never anything else */
    fmn_idx *idx = (fmn_idx *)(uintptr_t)1;
    fmn_status st = fmn_idx_load_file(g_bad, NULL, &idx, err);
    if (idx)
        fail_msg("*out not NULL on failure");
    return st == FMN_ERR_GZIP_CRC ? FMN_OK : st;
}

static fmn_status split_files(fmn_error *err)
{
    fmn_split *sp = (fmn_split *)(uintptr_t)1;
    fmn_status st = fmn_split_load(g_gz, g_labels, NULL, &sp, err);
    if (st != FMN_OK && sp)
        fail_msg("*out not NULL on failure");
    fmn_split_free(sp);
    return st;
}

static fmn_status split_release(fmn_error *err)
{
    fmn_split *sp;
    fmn_status st = fmn_split_load(g_gz, g_labels, NULL, &sp, err);
    if (st != FMN_OK)
        return st;
    uint8_t *x, *y;
    st = fmn_split_release(sp, &x, &y, err);
    if (st != FMN_OK) /* the split is still ours */
        fmn_split_free(sp);
    free(x);
    free(y);
    return st;
}

static fmn_status split_memory(fmn_error *err)
{
    fmn_split *sp = (fmn_split *)(uintptr_t)1;
    fmn_status st = fmn_split_load_memory(g_gz_bytes.data, g_gz_bytes.size,
                                          NULL, g_label_bytes.data,
                                          g_label_bytes.size, NULL, NULL, &sp,
                                          err);
    if (st != FMN_OK && sp)
        fail_msg("*out not NULL on failure");
    fmn_split_free(sp);
    return st;
}

static fmn_status split_range(fmn_error *err)
{
    fmn_split *sp = (fmn_split *)(uintptr_t)1;
    fmn_status st = fmn_split_load_range(g_gz, g_labels, 5, 3, NULL, &sp, err);
    if (st != FMN_OK && sp)
        fail_msg("*out not NULL on failure");
    fmn_split_free(sp);
    return st;
}

static fmn_status dir_split(fmn_error *err)
{
    fmn_dir *d = (fmn_dir *)(uintptr_t)1;
    fmn_status st = fmn_dir_open(g_dir, &d, err);
    if (st != FMN_OK) {
        if (d)
            fail_msg("*out not NULL on failure");
        return st;
    }
    fmn_split *sp = (fmn_split *)(uintptr_t)1;
    st = fmn_dir_load_split(d, FMN_SPLIT_TRAIN, NULL, &sp, err);
    if (st != FMN_OK && sp)
        fail_msg("*out not NULL on failure");
    fmn_split_free(sp);
    fmn_dir_free(d);
    return st;
}

static fmn_status dir_both(fmn_error *err)
{
    fmn_dir *d;
    fmn_status st = fmn_dir_open(g_dir, &d, err);
    if (st != FMN_OK)
        return st;
    fmn_split *a = (fmn_split *)(uintptr_t)1, *b = (fmn_split *)(uintptr_t)1;
    st = fmn_dir_load_both(d, NULL, &a, &b, err, NULL);
    if (st != FMN_OK && a)
        fail_msg("train split not NULL after its failure");
    fmn_split_free(a);
    fmn_split_free(b);
    fmn_dir_free(d);
    return st;
}

static fmn_status dataset_both(fmn_error *err)
{
    fmn_split *a = (fmn_split *)(uintptr_t)1, *b = (fmn_split *)(uintptr_t)1;
    fmn_status st = fmn_dataset_load(g_both, NULL, &a, &b, err);
    if (st != FMN_OK && (a || b))
        fail_msg("a split not NULL after fmn_dataset_load failed");
    fmn_split_free(a);
    fmn_split_free(b);
    return st;
}

/* The training-side calls and the writers, on a split loaded beforehand. */
static fmn_split *g_split;

static fmn_status batcher(fmn_error *err)
{
    fmn_batch_options o; /* shuffled: gathers */
    fmn_batch_options_init(&o);
    o.batch_size = 7;
    o.shuffle = 1;
    o.seed = 42;
    fmn_batcher *b = (fmn_batcher *)(uintptr_t)1;
    fmn_status st = fmn_batcher_new(g_split, fmn_items_range(0, SPLIT_N), &o,
                                    &b, err);
    if (st != FMN_OK && b)
        fail_msg("*out not NULL on failure");
    fmn_batch batch;
    while (b && fmn_batcher_next(b, &batch))
        ;
    fmn_batcher_free(b);
    return st;
}

static fmn_status stratified(fmn_error *err)
{
    uint32_t val[20], rest[SPLIT_N];
    return fmn_select_stratified(g_split, fmn_items_range(0, SPLIT_N), 2, 1,
                                 val, 20, rest, SPLIT_N, err);
}

static int discard(void *ctx, const void *p, size_t n)
{
    (void)ctx;
    (void)p;
    (void)n;
    return 0;
}

static fmn_status write_gz(fmn_error *err)
{
    return fmn_split_write(g_split, fmn_items_range(0, SPLIT_N),
                           FMN_FORMAT_IDX_GZ, FMN_FILE_IMAGES, discard, NULL,
                           err);
}

static char *g_out; /* a file that fmn_split_save replaces */

static fmn_status save_npy(fmn_error *err)
{
    return fmn_split_save(g_split, fmn_items_range(0, SPLIT_N),
                          FMN_FORMAT_IDX_GZ, FMN_FILE_IMAGES, g_out,
                          FMN_SAVE_OVERWRITE, err);
}

/* Images for the nearest-neighbour search: 28x28 (searched through the
 * index) and 5x5 (through block sums), in a few groups so that the
 * bounds prune; one thread, so that no thread's start allocates. */
static uint8_t g_knn_px[300 * 784];

static fmn_status knn_run(size_t h, size_t w, size_t nq, size_t nb, int self,
                          fmn_error *err)
{
    fmn_images q = {g_knn_px, nq, h, w}, b = {g_knn_px + nq * h * w, nb, h, w};
    fmn_knn_options o;
    fmn_knn_options_init(&o);
    o.k = 3;
    o.threads = 1;
    fmn_neighbor out[100 * 3];
    return fmn_knn(q, self ? NULL : &b, &o, out, 100 * 3, err);
}

static fmn_status knn_index(fmn_error *err) { return knn_run(28, 28, 40, 250, 0, err); }
static fmn_status knn_self(fmn_error *err) { return knn_run(28, 28, 100, 0, 1, err); }
static fmn_status knn_sketch(fmn_error *err) { return knn_run(5, 5, 40, 250, 0, err); }

static void sweep(load_fn fn, const char *what)
{
    fmn_error err;
    assert_int_equal(fn(&err), FMN_OK); /* warm up lazily made buffers */
    long k;
    for (k = 0;; k++) {
        long before = heap_in_use();
        g_seen = 0;
        g_countdown = k;
        memset(&err, 0, sizeof err);
        fmn_status st = fn(&err);
        long seen = g_seen;
        g_countdown = -1;
        long after = heap_in_use();
        if (after != before)
            fail_msg("%s, allocation %ld failing: %ld blocks in use before, "
                     "%ld after (status %d)",
                     what, k + 1, before, after, st);
        if (st == FMN_OK) {
            if (seen > k) /* it reached the failing allocation yet succeeded */
                fail_msg("%s: allocation %ld failed unnoticed", what, k + 1);
            break;
        }
        if (st != FMN_ERR_NOMEM)
            fail_msg("%s, allocation %ld failing: status %d (%s): %s", what,
                     k + 1, st, fmn_strerror(st), err.message);
        if (err.status != FMN_ERR_NOMEM || err.message[0] == '\0')
            fail_msg("%s: no message for the failure", what);
    }
    print_message("%s: %ld allocations, each made to fail once\n", what, k);
    assert_true(k > 0);
}

/* A caller's allocator (fmn_options.alloc) on libc's own functions,
 * which pass by the interposed ones: with it, a load calls none of them
 * (what libc allocates inside pthread_create to start a thread aside). */
static long g_caller_live;

static void *caller_alloc(void *ctx, size_t n)
{
    (void)ctx;
    void *p = __libc_malloc(n);
    g_caller_live += p != NULL;
    return p;
}

static void *caller_realloc(void *ctx, void *p, size_t n)
{
    (void)ctx;
    return __libc_realloc(p, n);
}

static void caller_free(void *ctx, void *p)
{
    (void)ctx;
    g_caller_live--;
    __libc_free(p);
}

/* `libc`: the calls libc's own functions may make (opendir's buffer). */
static void no_malloc_with(const char *what, long libc,
                           fmn_status (*fn)(const fmn_options *o,
                                            fmn_error *err))
{
    for (unsigned threads = 1; threads <= 4; threads += 3) {
        fmn_options o;
        fmn_options_init(&o);
        o.alloc.alloc = caller_alloc;
        o.alloc.realloc = caller_realloc;
        o.alloc.free = caller_free;
        o.threads = threads;
        o.hash_gz = 1;
        fmn_error err;
        g_caller_live = 0;
        g_direct = 0;
        fmn_status st = fn(&o, &err);
        long direct = g_direct;
        g_direct = -1;
        if (st != FMN_OK)
            fail_msg("%s: %s", what, err.message);
        if (direct > libc)
            fail_msg("%s, %u threads, with a caller's allocator: %ld calls "
                     "to malloc, calloc or realloc",
                     what, threads, direct);
        assert_int_equal(g_caller_live, 0);
    }
}

static fmn_status caller_idx_file(const fmn_options *o, fmn_error *err)
{
    fmn_idx *idx;
    fmn_status st = fmn_idx_load_file(g_gz, o, &idx, err);
    fmn_idx_free(idx);
    return st;
}

static fmn_status caller_idx_grow(const fmn_options *o, fmn_error *err)
{
    fmn_idx *idx;
    fmn_status st = fmn_idx_load_memory(g_grow_bytes.data, g_grow_bytes.size,
                                        "grow", o, &idx, err);
    fmn_idx_free(idx);
    return st;
}

static fmn_status caller_split(const fmn_options *o, fmn_error *err)
{
    fmn_split *sp;
    fmn_status st = fmn_split_load(g_gz, g_labels, o, &sp, err);
    fmn_split_free(sp);
    return st;
}

static fmn_status caller_reader(const fmn_options *o, fmn_error *err)
{
    fmn_split_reader *r;
    fmn_status st = fmn_split_reader_open(g_gz, g_labels, o, &r, err);
    uint8_t px[20 * 784], lb[20];
    size_t got;
    while (st == FMN_OK &&
           (st = fmn_split_reader_read(r, px, lb, 20, &got, err)) == FMN_OK &&
           got)
        ;
    fmn_split_reader_free(r);
    return st;
}

static fmn_status caller_dataset(const fmn_options *o, fmn_error *err)
{
    fmn_split *train, *test;
    fmn_status st = fmn_dataset_load(g_both, o, &train, &test, err);
    fmn_split_free(train);
    fmn_split_free(test);
    return st;
}

static void caller_allocator_only(void **s)
{
    (void)s;
    no_malloc_with("fmn_idx_load_file (gzip)", 0, caller_idx_file);
    no_malloc_with("fmn_idx_load_memory (8 MiB gzip)", 0, caller_idx_grow);
    no_malloc_with("fmn_split_load", 0, caller_split);
    no_malloc_with("fmn_split_reader", 0, caller_reader);
    /* the folder's listing: glibc's opendir mallocs its DIR */
    no_malloc_with("fmn_dataset_load", 1, caller_dataset);
}

/* threads = 1: no thread started, on the paths that start them when they
 * may (the parallel inflater, the hash beside it, the CRC-32 in parts,
 * the page prefaulter, the side-by-side splits, the search). */
static char *g_noise_gz, *g_noise_raw; /* 9 MiB of noise, gzipped and not */

static fmn_status noise_file(const char *path, unsigned threads, int hash)
{
    fmn_options o;
    fmn_options_init(&o);
    o.threads = threads;
    o.hash_gz = hash;
    fmn_idx *idx;
    fmn_error err;
    fmn_status st = fmn_idx_load_file(path, &o, &idx, &err);
    fmn_idx_free(idx);
    return st;
}

static long threads_started_by(fmn_status st)
{
    assert_int_equal(st, FMN_OK);
    long n = __atomic_exchange_n(&g_threads_started, 0, __ATOMIC_RELAXED);
    return n;
}

static void threads_one_starts_none(void **s)
{
    (void)s;
    fmn_error err;
    (void)__atomic_exchange_n(&g_threads_started, 0, __ATOMIC_RELAXED);
    /* the control: four threads start some, so the count counts */
    long four = threads_started_by(noise_file(g_noise_gz, 4, 1));
    print_message("a 9 MiB gzip file, 4 threads: %ld started\n", four);
    assert_true(four > 0);
    assert_int_equal(threads_started_by(noise_file(g_noise_gz, 1, 1)), 0);
    assert_int_equal(threads_started_by(noise_file(g_noise_gz, 1, 0)), 0);
    assert_int_equal(threads_started_by(noise_file(g_noise_raw, 1, 1)), 0);
    fmn_options o;
    fmn_options_init(&o);
    o.threads = 1;
    fmn_split *train, *test;
    assert_int_equal(
        threads_started_by(fmn_dataset_load(g_both, &o, &train, &test, &err)),
        0);
    fmn_split_free(train);
    fmn_split_free(test);
    assert_int_equal(threads_started_by(knn_index(&err)), 0); /* 1 thread */
    assert_int_equal(threads_started_by(knn_self(&err)), 0);
}

static void alloc_sweep_idx_memory_raw(void **s) { (void)s; sweep(idx_memory_raw, "fmn_idx_load_memory (raw)"); }
static void alloc_sweep_idx_memory_gz(void **s) { (void)s; sweep(idx_memory_gz, "fmn_idx_load_memory (gzip, 3 members)"); }
static void alloc_sweep_idx_memory_gz_grow(void **s) { (void)s; sweep(idx_memory_gz_grow, "fmn_idx_load_memory (gzip, growing buffer)"); }
static void alloc_sweep_idx_file_gz(void **s) { (void)s; sweep(idx_file_gz, "fmn_idx_load_file (gzip)"); }
static void alloc_sweep_idx_fd_gz(void **s) { (void)s; sweep(idx_fd_gz, "fmn_idx_load_fd (gzip)"); }
static void alloc_sweep_idx_callback_gz(void **s) { (void)s; sweep(idx_callback_gz, "fmn_idx_load_callback (gzip)"); }
static void alloc_sweep_idx_file_range(void **s) { (void)s; sweep(idx_file_range, "fmn_idx_load_file_range"); }
static void alloc_sweep_idx_file_bad(void **s) { (void)s; sweep(idx_file_bad, "fmn_idx_load_file (bad CRC)"); }
static void alloc_sweep_split_files(void **s) { (void)s; sweep(split_files, "fmn_split_load"); }
static void alloc_sweep_split_release(void **s) { (void)s; sweep(split_release, "fmn_split_load + fmn_split_release"); }
static void alloc_sweep_split_memory(void **s) { (void)s; sweep(split_memory, "fmn_split_load_memory"); }
static void alloc_sweep_split_range(void **s) { (void)s; sweep(split_range, "fmn_split_load_range"); }
static void alloc_sweep_dir_both(void **s) { (void)s; sweep(dir_both, "fmn_dir_load_both"); }
static void alloc_sweep_dataset(void **s) { (void)s; sweep(dataset_both, "fmn_dataset_load"); }
static void alloc_sweep_dir(void **s) { (void)s; sweep(dir_split, "fmn_dir_open + fmn_dir_load_split"); }
static void alloc_sweep_batcher(void **s) { (void)s; sweep(batcher, "fmn_batcher_new (shuffled)"); }
static void alloc_sweep_stratified(void **s) { (void)s; sweep(stratified, "fmn_select_stratified"); }
static void alloc_sweep_write_gz(void **s) { (void)s; sweep(write_gz, "fmn_split_write (gzipped IDX)"); }
static void alloc_sweep_save(void **s) { (void)s; sweep(save_npy, "fmn_split_save"); }
static void alloc_sweep_knn_index(void **s) { (void)s; sweep(knn_index, "fmn_knn (28x28: the index)"); }
static void alloc_sweep_knn_self(void **s) { (void)s; sweep(knn_self, "fmn_knn (28x28, against itself)"); }
static void alloc_sweep_knn_sketch(void **s) { (void)s; sweep(knn_sketch, "fmn_knn (5x5: block sums)"); }

int main(void)
{
    void *create = dlsym(RTLD_NEXT, "pthread_create");
    if (!create)
        return fprintf(stderr, "no pthread_create after this one\n"), 1;
    memcpy(&g_real_create, &create, sizeof create);
    uint32_t dims[3] = {20, 28, 28}, n[1] = {20};
    g_raw_bytes = idx_u8(3, dims);
    /* three members, and large enough to need the buffer to grow */
    g_gz_bytes = gz_member(g_raw_bytes.data, 5, 0);
    buf_cat(&g_gz_bytes, gz_member(g_raw_bytes.data + 5, 100, 0));
    buf_cat(&g_gz_bytes, gz_member(g_raw_bytes.data + 105,
                                   g_raw_bytes.size - 105, 0));
    uint32_t big[3] = {8, 1024, 1024};
    buf zeros = idx_header(0x08, 3, big);
    uint8_t *z = calloc((size_t)8 << 20, 1);
    buf_put(&zeros, z, (size_t)8 << 20);
    free(z);
    g_grow_bytes = gz_member(zeros.data, zeros.size, 0);
    free(zeros.data);
    g_label_bytes = idx_header(0x08, 1, n);
    for (int i = 0; i < 20; i++)
        buf_u8(&g_label_bytes, (uint8_t)(i % 10));
    g_dir = tmpdir_make();
    g_raw = write_file(g_dir, "raw.idx", g_raw_bytes.data, g_raw_bytes.size);
    g_gz = write_file(g_dir, "train-images-idx3-ubyte.gz", g_gz_bytes.data,
                      g_gz_bytes.size);
    g_labels = write_file(g_dir, "train-labels-idx1-ubyte", g_label_bytes.data,
                          g_label_bytes.size);
    buf bad = gz_member(g_raw_bytes.data, g_raw_bytes.size, 0);
    bad.data[bad.size - 8] ^= 1;
    g_bad = write_file(g_dir, "bad.gz", bad.data, bad.size);
    free(bad.data);
    g_both = tmpdir_make();
    const char *names[] = {"train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte",
                           "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte"};
    for (int i = 0; i < 4; i++)
        free(i % 2 ? write_file(g_both, names[i], g_label_bytes.data,
                                g_label_bytes.size)
                   : write_file(g_both, names[i], g_gz_bytes.data,
                                g_gz_bytes.size));
    uint32_t noise_n[1] = {(uint32_t)9 << 20};
    buf noise = idx_header(0x08, 1, noise_n);
    uint32_t x = 1;
    for (uint32_t i = 0; i < noise_n[0]; i++) {
        x = x * 1664525u + 1013904223u;
        buf_u8(&noise, (uint8_t)(x >> 24));
    }
    buf noise_gz = gz_member(noise.data, noise.size, 0);
    g_noise_gz = write_file(g_dir, "noise.gz", noise_gz.data, noise_gz.size);
    g_noise_raw = write_file(g_dir, "noise.idx", noise.data, noise.size);
    free(noise.data);
    free(noise_gz.data);
    g_split = split_make();
    g_out = write_file(g_dir, "out.gz", "", 0);
    for (size_t i = 0; i < sizeof g_knn_px; i++) /* 6 groups, and noise */
        g_knn_px[i] = (uint8_t)(((i / 784) % 6) * 40 + (i * 2654435761u >> 27));
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(alloc_sweep_idx_memory_raw),
        cmocka_unit_test(alloc_sweep_idx_memory_gz),
        cmocka_unit_test(alloc_sweep_idx_memory_gz_grow),
        cmocka_unit_test(alloc_sweep_idx_file_gz),
        cmocka_unit_test(alloc_sweep_idx_fd_gz),
        cmocka_unit_test(alloc_sweep_idx_callback_gz),
        cmocka_unit_test(alloc_sweep_idx_file_range),
        cmocka_unit_test(alloc_sweep_idx_file_bad),
        cmocka_unit_test(alloc_sweep_split_files),
        cmocka_unit_test(alloc_sweep_split_memory),
        cmocka_unit_test(alloc_sweep_split_release),
        cmocka_unit_test(alloc_sweep_split_range),
        cmocka_unit_test(alloc_sweep_dir),
        cmocka_unit_test(alloc_sweep_dir_both),
        cmocka_unit_test(alloc_sweep_dataset),
        cmocka_unit_test(alloc_sweep_batcher),
        cmocka_unit_test(alloc_sweep_stratified),
        cmocka_unit_test(alloc_sweep_write_gz),
        cmocka_unit_test(alloc_sweep_save),
        cmocka_unit_test(alloc_sweep_knn_index),
        cmocka_unit_test(alloc_sweep_knn_self),
        cmocka_unit_test(alloc_sweep_knn_sketch),
        cmocka_unit_test(caller_allocator_only),
        cmocka_unit_test(threads_one_starts_none),
    };
    int failed = cmocka_run_group_tests(tests, NULL, NULL);
    free(g_raw);
    free(g_gz);
    free(g_labels);
    free(g_bad);
    free(g_out);
    free(g_noise_gz);
    free(g_noise_raw);
    fmn_split_free(g_split);
    tmpdir_remove(g_dir);
    tmpdir_remove(g_both);
    free(g_raw_bytes.data);
    free(g_gz_bytes.data);
    free(g_label_bytes.data);
    free(g_grow_bytes.data);
    return failed ? 1 : 0;
}
