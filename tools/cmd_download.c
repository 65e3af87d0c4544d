/* cmd_download.c - `fmnist download [DATASET...]`: the published files,
 * fetched from the first mirror that serves them (or copied from a
 * folder), each checked by the library before it takes its name: a bad
 * file never lands under a final name. */
#define _POSIX_C_SOURCE 200809L
#include "builtin.h"
#include "cli_os.h"
#include "cli_data.h"
#include "cli_http.h"
#include "cli_json.h"

#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char HELP[] =
    "usage: fmnist download [options] [DATASET...]\n"
    "\n"
    "Get the published files of each DATASET (fashion-mnist, the default;\n"
    "mnist; kmnist) into a folder, from the first mirror that serves them.\n"
    "Each file is fetched to NAME.part beside its target and takes its name\n"
    "only once the library has checked it: its MD5 is the published one, or\n"
    "its decoded content is the published content (a repack). A file already\n"
    "in place is checked first and kept if good, with no request at all; a\n"
    "damaged one is replaced; another release's file is never replaced. A\n"
    "dropped connection is resumed with a Range request; an HTTP error, an\n"
    "HTML page or a wrong file moves on to the next mirror.\n"
    "\n"
    "Where: -o DIR (each dataset in DIR/DATASET when several are asked),\n"
    "else $FMNIST_DATA, else $XDG_DATA_HOME/fmnist/DATASET\n"
    "(~/.local/share/fmnist/DATASET), where every command looks too.\n"
    "\n"
    "Options:\n"
    "  -o, --output DIR      the folder to put the files in (made if need be)\n"
    "      --mirror URL      a base URL to which each file name is appended,\n"
    "                        tried before the built-in ones; repeatable\n"
    "      --no-default-mirrors  only the --mirror URLs\n"
    "      --from DIR        copy the files from a folder instead (e.g.\n"
    "                        /usr/share/datasets/fashion-mnist), checked alike\n"
    "      --timeout S       seconds to connect, and of less than 1 KiB/s\n"
    "                        before a transfer is given up (default 30)\n"
    "      --json            print a JSON summary (schema in README.md)\n"
    CLI_HELP_HELP
    "\n"
    "Exit status: 0 when every file is in place and checked, 1 otherwise,\n"
    "2 for a usage error.\n";

enum {
    OPT_MIRROR = CLI_OPT_COMMAND,
    OPT_FROM,
    OPT_NO_DEFAULT,
    OPT_TIMEOUT,
    MAX_MIRRORS = 64,
    MAX_IDLE = 4,  /* transfers in a row that add nothing, per mirror */
    MAX_TRIES = 16 /* transfers in all, per mirror */
};

enum { NDATASETS = 3 }; /* fashion-mnist, mnist, kmnist */

typedef struct request {
    fmn_dataset datasets[NDATASETS];
    size_t ndatasets;
    const char *outdir;
    const char *mirrors[MAX_MIRRORS];
    size_t nmirrors;
    int no_default, json, progress;
    const char *from;
    long timeout;
} request;

/* What became of one file. */
typedef struct outcome {
    char name[64];
    char path[4200];
    char source[4200];  /* a URL, the --from folder, or "" when in place */
    uint64_t bytes;
    char verdict[5000]; /* how the file relates to the release, or why not */
    int ok;
} outcome;

/* One file to get. */
typedef struct target {
    fmn_dataset dataset;
    fmn_split_id split;
    fmn_file_kind kind;
    const char *dir;
    outcome *out;
} target;

/* ---- where ---------------------------------------------------------- */

/* mkdir -p; 0 after a message. */
static int make_dir(const char *path)
{
    char p[4096];
    snprintf(p, sizeof p, "%s", path);
    for (char *s = p + 1;; s++) {
        char c = *s;
        if (c != '/' && c != '\0')
            continue;
        *s = '\0';
        if (cli_os_mkdir(p) != 0 && errno != EEXIST) {
            cli_error("%s: cannot make the folder: %s", p, strerror(errno));
            return 0;
        }
        *s = c;
        if (!c)
            return 1;
    }
}

/* The folder of dataset `d`: -o DIR (DIR/DATASET for several), else
 * $FMNIST_DATA (likewise), else $XDG_DATA_HOME/fmnist/DATASET. */
static void destination(const request *rq, fmn_dataset d, char *buf,
                        size_t cap)
{
    const char *name = fmn_dataset_name(d);
    const char *base = rq->outdir ? rq->outdir : getenv("FMNIST_DATA");
    if (base && *base) {
        if (rq->ndatasets == 1)
            snprintf(buf, cap, "%s", base);
        else
            snprintf(buf, cap, "%s/%s", base, name);
        return;
    }
    cli_data_home(d, buf, cap);
}

/* ---- one file --------------------------------------------------------- */

static void say_verdict(const target *t, fmn_release release)
{
    fmn_file_info fi;
    memset(&fi, 0, sizeof fi);
    fi.release = release;
    fi.dataset = t->dataset;
    fi.split = t->split;
    fi.kind = t->kind;
    fmn_release_describe(&fi, t->out->verdict, sizeof t->out->verdict);
}

/* A fault, said on stderr at once; the last one of a file that never
 * lands is its verdict. */
static void fault(const target *t, const char *msg)
{
    cli_error("%s", msg);
    snprintf(t->out->verdict, sizeof t->out->verdict, "%s", msg);
}

/* The library's check of `path` as the file of t; 1 when it is. */
static int check(const target *t, const char *path, fmn_error *err)
{
    fmn_release release;
    if (fmn_release_check_file(path, t->dataset, t->split, t->kind, &release,
                               err) != FMN_OK)
        return 0;
    say_verdict(t, release);
    return 1;
}

/* The file already in place: 1 when it is good (nothing to do), 0 when it
 * is missing or damaged (to get), -1 when it is another release's file
 * (never replaced). */
static int in_place(const target *t)
{
    cli_os_entry st;
    if (cli_os_stat(t->out->path, 0, &st) != 0)
        return 0;
    fmn_error err;
    if (check(t, t->out->path, &err)) {
        t->out->bytes = st.size;
        t->out->ok = 1;
        return 1;
    }
    char msg[1200];
    if (err.status == FMN_ERR_MISNAMED) {
        snprintf(msg, sizeof msg, "%s; not replaced: download into another "
                                  "folder (-o DIR)", err.message);
        fault(t, msg);
        return -1;
    }
    snprintf(msg, sizeof msg, "%s: replacing it", err.message);
    cli_error("%s", msg);
    return 0;
}

/* Checks the .part and gives it the final name; 1 when done. */
static int land(const target *t, const char *part, const char *source)
{
    fmn_error err;
    char msg[4800];
    if (!check(t, part, &err)) {
        /* the library names the .part: the source says more */
        size_t n = strlen(part);
        const char *why = err.message;
        if (strncmp(why, part, n) == 0 && strncmp(why + n, ": ", 2) == 0)
            why += n + 2;
        snprintf(msg, sizeof msg, "%s: %s", source, why);
        fault(t, msg);
        cli_os_remove(part);
        return 0;
    }
    if (cli_os_replace(part, t->out->path) != 0) {
        snprintf(msg, sizeof msg, "%s: %s", t->out->path, strerror(errno));
        fault(t, msg);
        return 0;
    }
    cli_os_entry st;
    t->out->bytes = cli_os_stat(t->out->path, 1, &st) == 0 ? st.size : 0;
    snprintf(t->out->source, sizeof t->out->source, "%s", source);
    t->out->ok = 1;
    return 1;
}

/* Copies DIR/NAME to the .part; 1 when copied. */
static int copy_file(const target *t, const char *from, const char *to)
{
    FILE *in = cli_os_fopen(from, "rb"),
         *out = in ? cli_os_fopen(to, "wb") : NULL;
    char buf[65536], msg[4400];
    size_t n;
    int ok = in && out;
    while (ok && (n = fread(buf, 1, sizeof buf, in)) > 0)
        ok = fwrite(buf, 1, n, out) == n;
    ok = ok && !ferror(in);
    int e = errno;
    if (out && fclose(out) != 0)
        ok = 0;
    if (in)
        fclose(in);
    if (!ok) {
        snprintf(msg, sizeof msg, "%s: %s", in ? to : from, strerror(e));
        fault(t, msg);
        cli_os_remove(to);
    }
    return ok;
}

/* Tries one mirror until the file lands, the mirror fails, or transfers
 * stop adding bytes; 1 when the file landed, -1 to stop trying. */
static int from_mirror(const request *rq, const target *t, const char *base,
                       const char *part)
{
    char url[4200], why[512], msg[4800];
    snprintf(url, sizeof url, "%s%s%s", base,
             base[strlen(base) - 1] == '/' ? "" : "/", t->out->name);
    cli_fetch f = {url, part, rq->timeout, rq->progress, t->out->name};
    int idle = 0, restarted = 0;
    for (int tries = 0; idle < MAX_IDLE && tries < MAX_TRIES; tries++) {
        cli_os_entry st;
        int resumed = cli_os_stat(part, 1, &st) == 0 && st.size > 0;
        uint64_t added;
        cli_fetch_result r = cli_http_fetch(&f, why, sizeof why, &added);
        if (r == CLI_FETCH_DONE) {
            if (land(t, part, url))
                return 1;
            if (!resumed || restarted)
                return 0;
            restarted = 1; /* what an earlier run left may be the fault */
            continue;
        }
        snprintf(msg, sizeof msg, "%s: %s%s", url, why,
                 r == CLI_FETCH_CUT ? "; resuming" : "");
        fault(t, msg);
        if (r == CLI_FETCH_LOCAL)
            return -1;
        if (r != CLI_FETCH_CUT)
            return 0;
        idle = added ? 0 : idle + 1;
        if (idle) { /* a server that stumbled: 0.25, 0.5, 1 s */
            struct timespec pause = {0, 125000000L << (idle < 3 ? idle : 3)};
            nanosleep(&pause, NULL);
        }
    }
    return 0;
}

/* Gets one file from the folder or the mirrors; its outcome says how. */
static void get_file(const request *rq, const target *t)
{
    int here = in_place(t);
    if (here != 0)
        return;
    char part[4300];
    snprintf(part, sizeof part, "%s.part", t->out->path);
    if (rq->from) {
        char src[4300];
        snprintf(src, sizeof src, "%s/%s", rq->from, t->out->name);
        if (copy_file(t, src, part))
            land(t, part, src);
        return;
    }
    for (size_t i = 0; i < rq->nmirrors; i++) {
        int r = from_mirror(rq, t, rq->mirrors[i], part);
        if (r != 0)
            return;
    }
    for (size_t i = 0; !rq->no_default && fmn_release_mirror(t->dataset, i);
         i++) {
        int r = from_mirror(rq, t, fmn_release_mirror(t->dataset, i), part);
        if (r != 0)
            return;
    }
    /* an empty .part is nothing to resume from */
    cli_os_entry st;
    if (cli_os_stat(part, 1, &st) == 0 && st.size == 0)
        cli_os_remove(part);
    cli_error("%s: not downloaded: no mirror served the published file",
              t->out->path);
    if (!t->out->verdict[0])
        snprintf(t->out->verdict, sizeof t->out->verdict,
                 "no mirror to try");
}

/* ---- output ----------------------------------------------------------- */

static void print_text(const outcome *o, size_t n, const char *dir,
                       fmn_dataset d)
{
    size_t good = 0;
    for (size_t i = 0; i < n; i++) {
        good += o[i].ok;
        if (!o[i].ok)
            continue;
        cli_put_safe(stdout, o[i].path);
        if (o[i].source[0]) {
            printf(": %llu bytes from ", (unsigned long long)o[i].bytes);
            cli_put_safe(stdout, o[i].source);
            printf(", %s\n", o[i].verdict);
        } else {
            printf(": already in place, %s\n", o[i].verdict);
        }
    }
    printf("%s: %zu of %zu files in ", fmn_dataset_name(d), good, n);
    cli_put_safe(stdout, dir);
    printf(good == n ? ", each checked\n" : "; the others failed\n");
}

static void json_dataset(cli_json *j, const outcome *o, size_t n,
                         const char *dir, fmn_dataset d)
{
    cli_json_object(j, CLI_JSON_BLOCK);
    cli_json_kstr(j, "dataset", fmn_dataset_name(d));
    cli_json_kstr(j, "path", dir);
    cli_json_key(j, "files");
    cli_json_array(j, CLI_JSON_BLOCK);
    for (size_t i = 0; i < n; i++) {
        cli_json_object(j, CLI_JSON_INLINE);
        cli_json_kstr(j, "name", o[i].name);
        cli_json_kstr(j, "path", o[i].path);
        cli_json_kuint(j, "bytes", o[i].bytes);
        cli_json_key(j, "source");
        cli_json_str(j, o[i].ok ? o[i].source[0] ? o[i].source : "in place"
                                : NULL);
        cli_json_kstr(j, "verdict", o[i].verdict[0] ? o[i].verdict : NULL);
        cli_json_kbool(j, "ok", o[i].ok);
        cli_json_end(j);
    }
    cli_json_end(j);
    cli_json_end(j);
}

/* ---- the command ------------------------------------------------------ */

/* Gets the four files of dataset d; 1 when all are in place. */
static int get_dataset(const request *rq, fmn_dataset d, cli_json *j,
                       cli_problems *failed)
{
    char dir[4096];
    destination(rq, d, dir, sizeof dir);
    outcome o[4];
    memset(o, 0, sizeof o);
    size_t n = 0;
    int ok_dir = strlen(dir) < sizeof dir - 64; /* a file name fits after */
    if (!ok_dir)
        cli_error("%s...: too long a folder name", fmn_dataset_name(d));
    if (ok_dir && make_dir(dir))
        for (int s = FMN_SPLIT_TRAIN; s <= FMN_SPLIT_TEST; s++)
            for (int k = FMN_FILE_IMAGES; k <= FMN_FILE_LABELS; k++) {
                outcome *out = &o[n++];
                char name[32]; /* "train-images-idx3-ubyte" */
                fmn_release_file_name((fmn_split_id)s, (fmn_file_kind)k, NULL,
                                      name, sizeof name);
                snprintf(out->name, sizeof out->name, "%s.gz", name);
                snprintf(out->path, sizeof out->path, "%s/%s.gz", dir, name);
                target t = {d, (fmn_split_id)s, (fmn_file_kind)k, dir, out};
                get_file(rq, &t);
                if (!out->ok)
                    cli_problems_keep(failed, out->verdict);
            }
    if (rq->json)
        json_dataset(j, o, n, dir, d);
    else
        print_text(o, n, dir, d);
    size_t good = 0;
    for (size_t i = 0; i < n; i++)
        good += o[i].ok;
    return n == 4 && good == n;
}

static int own_option(request *rq, int c, const char *arg)
{
    unsigned long long n;
    switch (c) {
    case 'o': rq->outdir = arg; return 1;
    case OPT_FROM: rq->from = arg; return 1;
    case OPT_NO_DEFAULT: rq->no_default = 1; return 1;
    case OPT_JSON: rq->json = 1; return 1;
    case OPT_MIRROR:
        if (rq->nmirrors == MAX_MIRRORS) {
            cli_usage("download", "--mirror: at most %d", MAX_MIRRORS);
            return 0;
        }
        if (!*arg) {
            cli_usage("download", "--mirror: an empty URL");
            return 0;
        }
        rq->mirrors[rq->nmirrors++] = arg;
        return 1;
    case OPT_TIMEOUT:
        if (cli_parse_uint(arg, 1, 3600, &n)) {
            rq->timeout = (long)n;
            return 1;
        }
        cli_usage("download", "--timeout: '%s' is not a number of seconds "
                              "from 1 to 3600", arg);
        return 0;
    default: return 1;
    }
}

/* The DATASET operands, each once. */
static int datasets(int argc, char **argv, request *rq)
{
    for (int i = optind; i < argc; i++) {
        fmn_dataset d;
        /* the datasets whose files have a place to be fetched from */
        if (!cli_parse_dataset(argv[i], &d) || !fmn_release_mirror(d, 0))
            return cli_usage("download", "'%s' is not fashion-mnist, mnist "
                                         "or kmnist (the datasets whose files "
                                         "this tool knows where to get)",
                             argv[i]);
        int seen = 0;
        for (size_t k = 0; k < rq->ndatasets; k++)
            seen |= rq->datasets[k] == d;
        if (!seen && rq->ndatasets == NDATASETS)
            return cli_usage("download", "at most %d datasets", NDATASETS);
        if (!seen)
            rq->datasets[rq->ndatasets++] = d;
    }
    if (rq->ndatasets == 0)
        rq->datasets[rq->ndatasets++] = FMN_DATASET_FASHION_MNIST;
    return CLI_CONTINUE;
}

static int parse(int argc, char **argv, request *rq)
{
    static const struct option longopts[] = {
        {"output", required_argument, NULL, 'o'},
        {"mirror", required_argument, NULL, OPT_MIRROR},
        {"no-default-mirrors", no_argument, NULL, OPT_NO_DEFAULT},
        {"from", required_argument, NULL, OPT_FROM},
        {"timeout", required_argument, NULL, OPT_TIMEOUT},
        {"json", no_argument, NULL, OPT_JSON},
        CLI_HELP_LONGOPT,
        {NULL, 0, NULL, 0}};
    memset(rq, 0, sizeof *rq);
    rq->timeout = 30;
    int c, status;
    optind = 1;
    while ((c = cli_next_option(argc, argv, "download", HELP, ":ho:",
                                longopts, NULL, &status)) != CLI_OPT_END) {
        if (c == CLI_OPT_DONE)
            return status;
        if (!own_option(rq, c, optarg))
            return EXIT_USAGE;
    }
    if (rq->from && (rq->nmirrors || rq->no_default))
        return cli_usage("download", "--from copies from a folder: no "
                                     "--mirror with it");
    if (rq->outdir && !*rq->outdir)
        return cli_usage("download", "-o: an empty folder name");
    rq->progress = !rq->json && cli_os_is_terminal(stderr);
    return datasets(argc, argv, rq);
}

int cmd_download(int argc, char **argv)
{
    request rq;
    int status = parse(argc, argv, &rq);
    if (status != CLI_CONTINUE)
        return status;
    if (!rq.from && !cli_http_available()) {
        cli_error("this fmnist was built without libcurl: install "
                  "libcurl4-openssl-dev (Debian) and build again, or use "
                  "--from DIR with files you have");
        return EXIT_BAD;
    }
    if (!rq.from && !cli_http_start()) {
        cli_error("libcurl could not start");
        return EXIT_BAD;
    }
    cli_problems problems = {NULL, 0, 0}; /* the files that failed */
    cli_json j;
    cli_json_init(&j, stdout);
    if (rq.json) {
        cli_json_object(&j, CLI_JSON_BLOCK);
        cli_json_key(&j, "datasets");
        cli_json_array(&j, CLI_JSON_BLOCK);
    }
    int ok = 1;
    for (size_t i = 0; i < rq.ndatasets; i++)
        ok &= get_dataset(&rq, rq.datasets[i], &j, &problems);
    if (rq.json) {
        cli_json_end(&j);
        cli_json_kstrings(&j, "errors", problems.msg, problems.n);
        cli_json_kbool(&j, "valid", ok);
        cli_json_end(&j);
    }
    if (!rq.from)
        cli_http_stop();
    cli_problems_free(&problems);
    return ok ? EXIT_OK : EXIT_BAD;
}
