/* test_threads.c - distinct handles loaded and queried from several
 * threads at once (run under ThreadSanitizer too: no shared state). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "fixture.h"
#include "fmnist.h"

enum { THREADS = 4, ROUNDS = 20 };

typedef struct job {
    buf images; /* gzip, two members */
    buf labels; /* raw */
    uint8_t first_pixel;
    int failures;
} job;

static void *worker(void *arg)
{
    job *j = arg;
    for (int r = 0; r < ROUNDS; r++) {
        fmn_split *sp;
        fmn_error err;
        if (fmn_split_load_memory(j->images.data, j->images.size, "im",
                                  j->labels.data, j->labels.size, "lb", NULL,
                                  &sp, &err) != FMN_OK) {
            j->failures++;
            continue;
        }
        fmn_images v = fmn_split_images(sp);
        if (v.count != 50 || v.data[0] != j->first_pixel ||
            fmn_split_labels(sp)[49] != 9 ||
            strcmp(fmn_strerror(FMN_ERR_GZIP_CRC), "gzip CRC-32 mismatch"))
            j->failures++;
        fmn_split_free(sp);
        /* and a failing load, whose message lives in this thread's err */
        if (fmn_idx_load_memory(j->labels.data, 3, "short", NULL,
                                &(fmn_idx *){NULL}, &err) !=
                FMN_ERR_HEADER_SHORT ||
            !strstr(err.message, "short: "))
            j->failures++;
    }
    return NULL;
}

static void threads_load_distinct_handles_concurrently(void **state)
{
    (void)state;
    job jobs[THREADS];
    pthread_t tid[THREADS];
    for (int t = 0; t < THREADS; t++) {
        uint32_t dims[3] = {50, 28, 28};
        buf raw = idx_u8(3, dims);
        raw.data[16] = (uint8_t)(100 + t); /* each thread its own data */
        jobs[t].first_pixel = raw.data[16];
        jobs[t].images = gz_member(raw.data, 1000, 0);
        buf_cat(&jobs[t].images, gz_member(raw.data + 1000, raw.size - 1000, 0));
        free(raw.data);
        uint32_t n[1] = {50};
        jobs[t].labels = idx_header(0x08, 1, n);
        for (int i = 0; i < 50; i++)
            buf_u8(&jobs[t].labels, (uint8_t)(i % 10));
        jobs[t].failures = 0;
        assert_int_equal(pthread_create(&tid[t], NULL, worker, &jobs[t]), 0);
    }
    for (int t = 0; t < THREADS; t++) {
        assert_int_equal(pthread_join(tid[t], NULL), 0);
        assert_int_equal(jobs[t].failures, 0);
        free(jobs[t].images.data);
        free(jobs[t].labels.data);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(threads_load_distinct_handles_concurrently),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
