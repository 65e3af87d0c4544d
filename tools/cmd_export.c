/* cmd_export.c - `fmnist export [PATH] -o DIR ...`: chosen images as 8-bit
 * greyscale PNG files whose pixels are the IDX bytes, flat or in the
 * class folders torchvision's ImageFolder and Keras read. */
#define _POSIX_C_SOURCE 200809L
#include "builtin.h"
#include "cli_os.h"
#include "cli_parse.h"
#include "cli_png.h"
#include "cli_save.h"

#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

static const char HELP[] =
    "usage: fmnist export [options] [PATH] -o DIR\n"
    "       fmnist export [options] --images FILE --labels FILE -o DIR\n"
    "\n"
    "Write chosen images of the dataset in directory PATH as 8-bit\n"
    "greyscale PNG files whose pixels equal the IDX bytes, named\n"
    "SPLIT-INDEX-LABEL-CLASS.png (train-00000-9-ankle-boot.png), or with\n"
    "--layout class-folders as DIR/SPLIT/LABEL-CLASS/INDEX.png\n"
    "(train/9-ankle-boot/00000.png), the layout torchvision's ImageFolder\n"
    "and Keras' image_dataset_from_directory read: the folders' names start\n"
    "with the label, so their alphabetical order is the labels' order. Each\n"
    "file is written to a temporary name; they take their names together\n"
    "once every one is complete, so a failure or an interruption (Ctrl-C,\n"
    "SIGTERM, SIGHUP) leaves none of them, and the folders made are removed\n"
    "again on failure. Existing files are never overwritten without --force,\n"
    "and all names are checked before anything is written.\n"
    "\n"
    "Options:\n"
    "  -o, --output DIR      the directory to write to (must exist)\n"
    "      --layout L        flat (default) or class-folders\n"
    "      --split S         train, test or all (default train)\n"
    "      --scale K         enlarge K times, nearest neighbour (default 1)\n"
    "      --invert          dark on light: 255 - value\n"
    "      --compression N   zlib level 0-9 (default 1: fast, run-length)\n"
    "      --force           overwrite existing files\n"
    CLI_SELECT_HELP CLI_FILES_HELP CLI_DATA_HELP CLI_UPRIGHT_HELP
    CLI_HELP_HELP;

enum { OPT_LAYOUT = CLI_OPT_COMMAND, EXPORT_THREADS = 8 };

typedef struct request {
    cli_source src;
    cli_select sel;
    cli_png png;
    const char *outdir;
    int folders; /* --layout class-folders */
} request;

/* The command's own options; 0 after a usage message. */
static int own_option(void *ctx, int c, const char *arg)
{
    request *rq = ctx;
    if (c == 'o')
        rq->outdir = arg;
    else if (c == OPT_LAYOUT && !strcmp(arg, "class-folders"))
        rq->folders = 1;
    else if (c == OPT_LAYOUT && strcmp(arg, "flat") != 0) {
        cli_usage("export", "--layout: '%s' is not flat or class-folders",
                  arg);
        return 0;
    }
    return 1;
}

/* The options together. */
static int check_request(void *ctx)
{
    request *rq = ctx;
    if (!rq->outdir || !*rq->outdir)
        return cli_usage("export", "no output directory: add -o DIR");
    if (cli_is_stdout(rq->outdir))
        return cli_usage("export", "-o -: export writes files into a "
                                   "directory; grid writes one PNG to "
                                   "standard output");
    if (!cli_select_given(&rq->sel))
        return cli_usage("export",
                         "which images? use --index, --class, --per-class, "
                         "--sample or --all");
    if (cli_select_check("export", &rq->sel) != EXIT_OK)
        return EXIT_USAGE;
    return cli_check_output_dir(rq->outdir) ? EXIT_OK : EXIT_BAD;
}

/* Parses the options and operands and loads the splits: CLI_CONTINUE
 * with them in *d, or the exit status (help, usage, a load that
 * failed). */
static int start(int argc, char **argv, void *ctx, cli_data *d)
{
    request *rq = ctx;
    static const struct option longopts[] = {
        {"output", required_argument, NULL, 'o'},
        {"split", required_argument, NULL, OPT_SPLIT},
        {"layout", required_argument, NULL, OPT_LAYOUT},
        CLI_PNG_LONGOPTS,
        CLI_SELECT_LONGOPTS,
        CLI_UPRIGHT_LONGOPT, CLI_SPLIT_LONGOPTS_END};
    fmn_options opt;
    *rq = (request){.src.mask = CLI_TRAIN, .png = CLI_PNG_DEFAULTS};
    const cli_parser p = {
        .cmd = "export", .help = HELP, .shortopts = ":ho:",
        .longopts = longopts, .opt = &opt, .src = &rq->src, .sel = &rq->sel,
        .png = &rq->png, .own = own_option, .check = check_request, .ctx = rq,
        .need_both = 1, .upright = 1};
    return cli_data_start(d, cli_parse_options(&p, argc, argv), &rq->src,
                          &opt);
}

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

/* The split's part of a file name: train, test, or "images" for files
 * named alone whose content says neither. */
static const char *split_word(const cli_data *d, size_t s)
{
    const char *w = fmn_split_id_name(d->ids[s]);
    return w ? w : "images";
}

/* "9-ankle-boot", or "9" for a class without a name; labels padded to the
 * width of the largest, so that names sort as labels do. */
static void class_folder(const fmn_split *sp, unsigned label, char *buf,
                         size_t cap)
{
    char s[64] = "";
    const char *name = fmn_split_class_name(sp, label);
    if (name)
        slug(name, s, sizeof s);
    unsigned n = cli_label_end(sp) - 1, width = 1;
    while (n >= 10 && (n /= 10))
        width++;
    snprintf(buf, cap, "%0*u%s%s", (int)width, label, s[0] ? "-" : "", s);
}

/* The path of item k of split s: DIR/SPLIT-INDEX-LABEL-CLASS.png, or
 * DIR/SPLIT/LABEL-CLASS/INDEX.png. */
static void image_path(char *buf, size_t cap, const request *rq,
                       const cli_data *d, size_t s, size_t k)
{
    const fmn_split *sp = d->splits[s];
    unsigned label = fmn_split_labels(sp)[k];
    const char *sep = rq->outdir[strlen(rq->outdir) - 1] == '/' ? "" : "/";
    char folder[96];
    class_folder(sp, label, folder, sizeof folder);
    if (rq->folders) {
        snprintf(buf, cap, "%s%s%s/%s/%05zu.png", rq->outdir, sep,
                 split_word(d, s), folder, k);
        return;
    }
    const char *name = fmn_split_class_name(sp, label);
    char cls[64] = "";
    if (name)
        slug(name, cls, sizeof cls);
    snprintf(buf, cap, "%s%s%s-%05zu-%u%s%s.png", rq->outdir, sep,
             split_word(d, s), k, label, cls[0] ? "-" : "", cls);
}

/* What the workers share. */
typedef struct export_job {
    const cli_data *d;
    const request *rq;
    fmn_save_set *set;    /* every image, named together at the end */
    char **made;          /* class folders this run made, to remove if it
                             fails */
    size_t nmade;
    uint32_t *chosen[2];  /* the splits' choices, as one list */
    size_t nchosen[2];
    size_t total;
    int progress;
    atomic_size_t next;   /* the next image of the list to take */
    atomic_size_t done;
    atomic_int failed;
    pthread_mutex_t lock; /* guards error and the progress line */
    char error[4200];
} export_job;

static void fail_job(export_job *job, const char *msg)
{
    pthread_mutex_lock(&job->lock);
    if (!atomic_exchange(&job->failed, 1))
        snprintf(job->error, sizeof job->error, "%s", msg);
    pthread_mutex_unlock(&job->lock);
}

/* Writes image g of the list; 0 with a message in err. */
static int export_one(export_job *job, size_t g, uint8_t **buf, size_t *cap,
                      char *err, size_t errcap)
{
    size_t s = g < job->nchosen[0] ? 0 : 1;
    size_t k = job->chosen[s][s ? g - job->nchosen[0] : g];
    fmn_images im = fmn_split_images(job->d->splits[s]);
    size_t scale = job->rq->png.scale;
    size_t wd = im.width * scale, ht = im.height * scale;
    if (wd * ht > *cap) {
        free(*buf);
        *cap = wd * ht;
        *buf = malloc(*cap);
    }
    if (!*buf) {
        *cap = 0;
        snprintf(err, errcap, "out of memory");
        return 0;
    }
    char path[4096];
    cli_scale_image(im.data + k * im.height * im.width, im.width, im.height,
                    scale, job->rq->png.invert, *buf);
    image_path(path, sizeof path, job->rq, job->d, s, k);
    return cli_png_write(job->set, path, *buf, wd, ht, job->rq->png.level,
                         err, errcap);
}

static void progress(export_job *job, size_t done)
{
    if (!job->progress || (done % 100 != 0 && done != job->total))
        return;
    pthread_mutex_lock(&job->lock);
    fprintf(stderr, "\rfmnist: exported %zu of %zu", done, job->total);
    pthread_mutex_unlock(&job->lock);
}

/* Takes images off the list until it is empty or any worker failed. */
static void *export_main(void *arg)
{
    export_job *job = arg;
    uint8_t *buf = NULL;
    size_t cap = 0;
    char err[4200];
    for (;;) {
        size_t g = atomic_fetch_add(&job->next, 1);
        if (g >= job->total || atomic_load(&job->failed))
            break;
        if (!export_one(job, g, &buf, &cap, err, sizeof err)) {
            fail_job(job, err);
            break;
        }
        progress(job, atomic_fetch_add(&job->done, 1) + 1);
    }
    free(buf);
    return NULL;
}

/* Writes on every core: each worker takes the next image not yet taken,
 * so however many threads start, every image is written once; then all
 * take their names. */
static int run(export_job *job)
{
    if (!(job->set = cli_save_begin(job->rq->png.force)))
        return EXIT_BAD;
    pthread_t threads[EXPORT_THREADS];
    size_t cores = fmn_cores(), want = cores - 1, started = 0;
    if (want > EXPORT_THREADS)
        want = EXPORT_THREADS;
    while (started < want && started + 1 < job->total &&
           pthread_create(&threads[started], NULL, export_main, job) == 0)
        started++;
    export_main(job); /* this thread works too */
    for (size_t t = 0; t < started; t++)
        pthread_join(threads[t], NULL);
    if (job->progress)
        fputc('\n', stderr);
    int failed = atomic_load(&job->failed);
    if (failed)
        cli_error("%s", job->error);
    return cli_save_end(job->set, !failed) ? EXIT_OK : EXIT_BAD;
}

/* Notes a folder made, for unmake_folders; 0 out of memory. */
static int note_folder(export_job *job, const char *path)
{
    char **grown = realloc(job->made, (job->nmade + 1) * sizeof *grown);
    char *copy = grown ? strdup(path) : NULL;
    if (grown)
        job->made = grown;
    if (!copy)
        return 0;
    job->made[job->nmade++] = copy;
    return 1;
}

/* Removes the folders this run made, innermost first, where empty. */
static void unmake_folders(export_job *job, int remove)
{
    for (size_t i = job->nmade; i-- > 0;) {
        if (remove)
            cli_os_rmdir(job->made[i]);
        free(job->made[i]);
    }
    free(job->made);
}

/* mkdir -p for the class folders: DIR/SPLIT/CLASS of every image. */
static int make_folders(export_job *job)
{
    for (size_t s = 0; s < job->d->n; s++)
        for (size_t i = 0; i < job->nchosen[s]; i++) {
            char path[4096];
            image_path(path, sizeof path, job->rq, job->d, s,
                       job->chosen[s][i]);
            for (char *p = path + strlen(job->rq->outdir) + 1; *p; p++) {
                if (*p != '/')
                    continue;
                *p = '\0';
                if (cli_os_mkdir(path) == 0) {
                    if (!note_folder(job, path)) {
                        cli_error("%s: out of memory", path);
                        return 0;
                    }
                } else if (errno != EEXIST) {
                    cli_error("%s: cannot make the folder: %s", path,
                              strerror(errno));
                    return 0;
                }
                *p = '/';
            }
        }
    return 1;
}

/* Chooses the images and checks every name is free: the plan. */
static int plan(export_job *job)
{
    const cli_data *d = job->d;
    const request *rq = job->rq;
    for (size_t s = 0; s < d->n; s++) {
        fmn_images im = fmn_split_images(d->splits[s]);
        if (!cli_check_picture_size(d->path, im.height, im.width) ||
            !cli_select_resolve(&rq->sel, d->splits[s], d->names[s],
                                &job->chosen[s], &job->nchosen[s]))
            return 0;
        job->total += job->nchosen[s];
    }
    if (job->total == 0) {
        cli_error("%s: no image matches the selection", d->path);
        return 0;
    }
    size_t clashes = 0;
    char path[4096], first[4096] = "";
    for (size_t s = 0; s < d->n && !rq->png.force; s++)
        for (size_t i = 0; i < job->nchosen[s]; i++) {
            image_path(path, sizeof path, rq, d, s, job->chosen[s][i]);
            if (cli_path_taken(path) && clashes++ == 0)
                snprintf(first, sizeof first, "%s", path);
        }
    if (clashes) {
        cli_error("%s: exists%s; nothing written (use --force to overwrite)",
                  first, clashes > 1 ? " (and other files to be written)" : "");
        return 0;
    }
    return !rq->folders || make_folders(job);
}

/* The images written on every core. */
static int write_images(void *ctx, cli_data *d)
{
    request *rq = ctx;
    export_job job;
    memset(&job, 0, sizeof job);
    job.d = d;
    job.rq = rq;
    atomic_init(&job.next, 0);
    atomic_init(&job.done, 0);
    atomic_init(&job.failed, 0);
    pthread_mutex_init(&job.lock, NULL);
    int status = plan(&job) ? EXIT_OK : EXIT_BAD;
    if (status == EXIT_OK) {
        job.progress = cli_os_is_terminal(stderr) && job.total > 300;
        status = run(&job);
    }
    unmake_folders(&job, status != EXIT_OK);
    if (status == EXIT_OK)
        printf("exported %zu %s to %s\n", job.total,
               cli_plural(job.total, "image", "images"), rq->outdir);
    pthread_mutex_destroy(&job.lock);
    free(job.chosen[0]);
    free(job.chosen[1]);
    return status;
}

int cmd_export(int argc, char **argv)
{
    request rq;
    return cli_run_command(argc, argv, &rq, start, write_images);
}
