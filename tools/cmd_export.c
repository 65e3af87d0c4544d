/* cmd_export.c - `fmnist export [PATH] -o DIR ...`: chosen images as 8-bit
 * greyscale PNG files whose pixels are the IDX bytes. */
#define _POSIX_C_SOURCE 200809L
#include "cli.h"
#include "png_out.h"

#include <ctype.h>
#include <getopt.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char HELP[] =
    "usage: fmnist export [options] [PATH] -o DIR\n"
    "\n"
    "Write chosen images of the dataset in directory PATH as 8-bit\n"
    "greyscale PNG files whose pixels equal the IDX bytes, named\n"
    "SPLIT-INDEX-LABEL-CLASS.png (train-00000-9-ankle-boot.png). Each file\n"
    "is written to a temporary name and renamed when complete; existing\n"
    "files are never overwritten without --force, and all names are checked\n"
    "before anything is written.\n"
    "\n"
    "Options:\n"
    "  -o, --output DIR      the directory to write to (must exist)\n"
    "      --split S         train, test or all (default train)\n"
    "      --scale K         enlarge K times, nearest neighbour (default 1)\n"
    "      --invert          dark on light: 255 - value\n"
    "      --compression N   zlib level 0-9 (default 1: fast, run-length)\n"
    "      --force           overwrite existing files\n" CLI_SELECT_HELP
    CLI_DATA_HELP
    "  -h, --help            show this help\n";

/* "Ankle boot" -> "ankle-boot", "T-shirt/top" -> "t-shirt-top". */
static void slug(const char *name, char *out, size_t cap)
{
    size_t n = 0;
    for (const char *p = name; *p && n + 1 < cap; p++) {
        unsigned char c = (unsigned char)*p;
        if (isalnum(c))
            out[n++] = (char)tolower(c);
        else if (n > 0 && out[n - 1] != '-')
            out[n++] = '-';
    }
    while (n > 0 && out[n - 1] == '-')
        n--;
    out[n] = '\0';
}

static void image_name(char *buf, size_t cap, const char *dir, const char *split,
                    size_t index, const fmn_split *sp, unsigned label)
{
    const char *name = fmn_split_class_name(sp, label);
    char s[64] = "";
    if (name)
        slug(name, s, sizeof s);
    snprintf(buf, cap, "%s%s%s-%05zu-%u%s%s.png", dir,
             dir[0] && dir[strlen(dir) - 1] != '/' ? "/" : "", split, index,
             label, s[0] ? "-" : "", s);
}

enum { EXPORT_THREADS = 8 };

/* What the workers share. */
typedef struct export_job {
    const cli_data *d;
    const uint32_t *chosen[2]; /* the splits' choices, as one list */
    size_t nfirst;           /* how many of the list the first split has */
    size_t total;
    const char *outdir;
    cli_png png;
    int progress;
    atomic_size_t next;   /* the next image of the list to take */
    atomic_size_t done;
    atomic_int failed;
    pthread_mutex_t lock; /* guards error and the progress line */
    char error[4200];
} export_job;

/* Takes images off the list until it is empty or any worker failed. */
static void *export_main(void *arg)
{
    export_job *job = arg;
    uint8_t *buf = NULL;
    size_t cap = 0;
    char path[4096], err[4200];
    for (;;) {
        size_t g = atomic_fetch_add(&job->next, 1);
        if (g >= job->total || atomic_load(&job->failed))
            break;
        size_t s = g < job->nfirst ? 0 : 1;
        size_t k = job->chosen[s][s ? g - job->nfirst : g];
        const fmn_split *sp = job->d->splits[s];
        fmn_images im = fmn_split_images(sp);
        size_t wd = im.width * job->png.scale, ht = im.height * job->png.scale;
        if (wd * ht > cap) {
            free(buf);
            cap = wd * ht;
            buf = malloc(cap);
        }
        int ok = buf != NULL;
        if (!ok) {
            cap = 0;
            snprintf(err, sizeof err, "out of memory");
        } else {
            cli_scale_image(im.data + k * im.height * im.width, im.width,
                            im.height, job->png.scale, job->png.invert, buf);
            image_name(path, sizeof path, job->outdir, job->d->names[s], k, sp,
                       fmn_split_labels(sp)[k]);
            ok = png_write_file(path, buf, wd, ht, job->png.level,
                                job->png.force, err, sizeof err);
        }
        if (!ok) {
            pthread_mutex_lock(&job->lock);
            if (!atomic_exchange(&job->failed, 1))
                snprintf(job->error, sizeof job->error, "%s", err);
            pthread_mutex_unlock(&job->lock);
            break;
        }
        size_t done = atomic_fetch_add(&job->done, 1) + 1;
        if (job->progress && (done % 100 == 0 || done == job->total)) {
            pthread_mutex_lock(&job->lock);
            fprintf(stderr, "\rfmnist: exported %zu of %zu", done, job->total);
            pthread_mutex_unlock(&job->lock);
        }
    }
    free(buf);
    return NULL;
}

int cmd_export(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"output", required_argument, NULL, 'o'},
        {"split", required_argument, NULL, OPT_SPLIT},
        CLI_PNG_LONGOPTS,
        CLI_SELECT_LONGOPTS,
        CLI_HELP_LONGOPT,
        CLI_DATA_LONGOPTS,
        {NULL, 0, NULL, 0}};
    fmn_options opt;
    fmn_options_init(&opt);
    cli_select sel;
    memset(&sel, 0, sizeof sel);
    cli_png png = CLI_PNG_DEFAULTS;
    const char *outdir = NULL;
    unsigned mask = CLI_TRAIN;
    int c, status;
    optind = 1;
    while ((c = cli_next_option(argc, argv, "export", HELP, ":ho:", longopts,
                                &opt, &status)) != -1) {
        if (c == CLI_OPT_DONE)
            return status;
        int r = cli_select_option("export", c, optarg, &sel);
        if (r == 0)
            r = cli_parse_png_option("export", c, optarg, &png);
        if (r < 0)
            return EXIT_USAGE;
        if (r > 0)
            continue;
        if (c == 'o')
            outdir = optarg;
        else if (c == OPT_SPLIT && !cli_parse_split("export", optarg, &mask))
            return EXIT_USAGE;
    }
    if (!outdir)
        return cli_usage("export", "no output directory: add -o DIR");
    if (!cli_select_given(&sel))
        return cli_usage("export",
                         "which images? use --index, --class, --per-class, "
                         "--sample or --all");
    if (argc - optind > 1)
        return cli_usage("export", "one PATH at most, %d given",
                         argc - optind);
    if (!cli_check_output_dir(outdir))
        return EXIT_BAD;
    cli_data d;
    status = cli_data_load(&d, optind < argc ? argv[optind] : NULL, mask, &opt);
    if (status != EXIT_OK) {
        cli_data_free(&d);
        return status;
    }

    /* choose everything and check every name before writing anything */
    uint32_t *chosen[2] = {NULL, NULL};
    size_t nchosen[2] = {0, 0}, total = 0;
    status = EXIT_OK;
    for (size_t s = 0; s < d.n && status == EXIT_OK; s++) {
        if (!cli_select_resolve(&sel, d.splits[s], d.names[s], &chosen[s],
                                &nchosen[s]))
            status = EXIT_BAD;
        total += nchosen[s];
    }
    size_t clashes = 0;
    char path[4096], first_clash[4096] = "";
    for (size_t s = 0; s < d.n && status == EXIT_OK && !png.force; s++)
        for (size_t i = 0; i < nchosen[s]; i++) {
            size_t k = chosen[s][i];
            image_name(path, sizeof path, outdir, d.names[s], k,
                           d.splits[s], fmn_split_labels(d.splits[s])[k]);
            if (cli_path_taken(path) && clashes++ == 0)
                snprintf(first_clash, sizeof first_clash, "%s", path);
        }
    if (clashes) {
        cli_error("%s: exists%s; nothing written (use --force to overwrite)",
                  first_clash,
                  clashes > 1 ? " (and other files to be written)" : "");
        status = EXIT_BAD;
    }
    if (status == EXIT_OK && total == 0) {
        cli_error("%s: no image matches the selection", d.path);
        status = EXIT_BAD;
    }
    /* write on every core: each worker takes the next image not yet taken,
     * so however many threads start, every image is written once */
    export_job job;
    memset(&job, 0, sizeof job);
    job.d = &d;
    job.chosen[0] = chosen[0];
    job.chosen[1] = chosen[1];
    job.nfirst = nchosen[0];
    job.total = total;
    job.outdir = outdir;
    job.png = png;
    job.progress = isatty(STDERR_FILENO) && total > 300;
    atomic_init(&job.next, 0);
    atomic_init(&job.done, 0);
    atomic_init(&job.failed, 0);
    pthread_mutex_init(&job.lock, NULL);
    size_t done = 0;
    if (status == EXIT_OK) {
        pthread_t threads[EXPORT_THREADS];
        long cores = sysconf(_SC_NPROCESSORS_ONLN);
        size_t want = cores > 1 ? (size_t)cores - 1 : 0, started = 0;
        if (want > EXPORT_THREADS)
            want = EXPORT_THREADS;
        while (started < want && started + 1 < total &&
               pthread_create(&threads[started], NULL, export_main, &job) == 0)
            started++;
        export_main(&job); /* this thread works too */
        for (size_t t = 0; t < started; t++)
            pthread_join(threads[t], NULL);
        done = atomic_load(&job.done);
        if (job.progress)
            fputc('\n', stderr);
        if (atomic_load(&job.failed)) {
            cli_error("%s", job.error);
            status = EXIT_BAD;
        }
    }
    pthread_mutex_destroy(&job.lock);
    if (status == EXIT_OK)
        printf("exported %zu images to %s\n", done, outdir);
    else if (done)
        cli_error("%zu of %zu images were written before the failure", done,
                  total);
    free(chosen[0]);
    free(chosen[1]);
    cli_data_free(&d);
    return status;
}
