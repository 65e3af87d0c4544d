/* cli.c - helpers shared by the fmnist commands: messages, number parsing,
 * the default dataset location, JSON strings, checked stdout. */
#define _POSIX_C_SOURCE 200809L
#include "cli.h"

#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

void cli_error(const char *fmt, ...)
{
    va_list ap;
    fputs("fmnist: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

int cli_usage(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "fmnist%s%s: ", cmd ? " " : "", cmd ? cmd : "");
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\nTry 'fmnist %s%s--help'.\n", cmd ? cmd : "",
            cmd ? " " : "");
    return EXIT_USAGE;
}

int cli_finish(int status)
{
    int err = ferror(stdout) ? errno : 0;
    if (fflush(stdout) != 0 || ferror(stdout)) {
        if (!err)
            err = errno;
        cli_error("error writing to standard output: %s",
                  err ? strerror(err) : "write failed");
        return EXIT_BAD;
    }
    return status;
}

int cli_parse_uint(const char *s, unsigned long long min,
                   unsigned long long max, unsigned long long *out)
{
    if (!s || *s < '0' || *s > '9')
        return 0;
    errno = 0;
    char *end;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || *end || v < min || v > max)
        return 0;
    *out = v;
    return 1;
}

int cli_parse_size(const char *s, uint64_t *out)
{
    if (!s || *s < '0' || *s > '9')
        return 0;
    errno = 0;
    char *end;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno)
        return 0;
    unsigned shift = 0;
    switch (*end) {
    case '\0': break;
    case 'k': case 'K': shift = 10; break;
    case 'm': case 'M': shift = 20; break;
    case 'g': case 'G': shift = 30; break;
    case 't': case 'T': shift = 40; break;
    default: return 0;
    }
    if (*end && end[1] && strcmp(end + 1, "iB") != 0 && strcmp(end + 1, "B"))
        return 0;
    if (v == 0 || v > (UINT64_MAX >> shift))
        return 0;
    *out = (uint64_t)v << shift;
    return 1;
}

int cli_parse_dataset(const char *s, fmn_dataset *out)
{
    static const fmn_dataset all[] = {FMN_DATASET_FASHION_MNIST,
                                      FMN_DATASET_MNIST, FMN_DATASET_KMNIST};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        if (strcmp(s, fmn_dataset_name(all[i])) == 0) {
            *out = all[i];
            return 1;
        }
    return 0;
}

int cli_data_option(const char *cmd, int opt, const char *arg,
                    fmn_options *options)
{
    unsigned long long n;
    switch (opt) {
    case OPT_MAX_BYTES:
        if (!cli_parse_size(arg, &options->max_bytes)) {
            cli_usage(cmd, "--max-bytes: '%s' is not a size such as 512M or 8G",
                      arg);
            return -1;
        }
        return 1;
    case OPT_CLASSES:
        if (!cli_parse_uint(arg, 1, 256, &n)) {
            cli_usage(cmd, "--classes: '%s' is not a number from 1 to 256", arg);
            return -1;
        }
        options->num_classes = (unsigned)n;
        return 1;
    case OPT_DATASET:
        if (!cli_parse_dataset(arg, &options->dataset)) {
            cli_usage(cmd,
                      "--dataset: '%s' is not one of fashion-mnist, mnist, "
                      "kmnist",
                      arg);
            return -1;
        }
        return 1;
    default:
        return 0;
    }
}

int cli_next_option(int argc, char **argv, const char *cmd, const char *help,
                    const char *shortopts, const struct option *longopts,
                    fmn_options *opt, int *status)
{
    opterr = 0;
    int c = getopt_long(argc, argv, shortopts, longopts, NULL);
    if (c == -1)
        return -1;
    if (opt) {
        int r = cli_data_option(cmd, c, optarg, opt);
        if (r < 0) {
            *status = EXIT_USAGE;
            return CLI_OPT_DONE;
        }
        if (r > 0)
            return cli_next_option(argc, argv, cmd, help, shortopts, longopts,
                                   opt, status);
    }
    switch (c) {
    case 'h':
        fputs(help, stdout);
        *status = EXIT_OK;
        return CLI_OPT_DONE;
    case ':':
        *status = cli_usage(cmd, "option '%s' needs a value", argv[optind - 1]);
        return CLI_OPT_DONE;
    case '?':
        if (optopt && optopt < 256)
            *status = cli_usage(cmd, "unknown option '-%c'", optopt);
        else
            *status = cli_usage(cmd, "unknown option '%s'", argv[optind - 1]);
        return CLI_OPT_DONE;
    default:
        return c;
    }
}

const char *cli_default_path(void)
{
    const char *env = getenv("FMNIST_DATA");
    if (env && *env)
        return env;
    static const char *const candidates[] = {
        "data/fashion", "/usr/share/datasets/fashion-mnist"};
    for (size_t i = 0; i < sizeof candidates / sizeof candidates[0]; i++) {
        struct stat st;
        if (stat(candidates[i], &st) == 0 && S_ISDIR(st.st_mode))
            return candidates[i];
    }
    cli_error("no dataset found: pass a PATH, set FMNIST_DATA, run "
              "data/download.sh, or 'apt-get install dataset-fashion-mnist'");
    return NULL;
}

void cli_problem(cli_problems *p, const char *msg)
{
    cli_error("%s", msg);
    if (p->n == p->cap) {
        size_t cap = p->cap ? p->cap * 2 : 4;
        char **grown = realloc(p->msg, cap * sizeof *grown);
        if (!grown)
            return;
        p->msg = grown;
        p->cap = cap;
    }
    size_t len = strlen(msg) + 1;
    char *copy = malloc(len);
    if (copy) {
        memcpy(copy, msg, len);
        p->msg[p->n++] = copy;
    }
}

void cli_report(void *ctx, const fmn_error *problem)
{
    cli_problem(ctx, problem->message);
}

void cli_report_to(fmn_options *opt, cli_problems *p)
{
    opt->report = cli_report;
    opt->report_ctx = p;
}

void cli_problems_json(FILE *f, const cli_problems *p, const char *indent)
{
    fprintf(f, "%s\"errors\": [", indent);
    for (size_t i = 0; i < p->n; i++) {
        fprintf(f, i ? ",\n%s  " : "\n%s  ", indent);
        json_string(f, p->msg[i]);
    }
    fprintf(f, p->n ? "\n%s]" : "]", indent);
}

void cli_problems_free(cli_problems *p)
{
    for (size_t i = 0; i < p->n; i++)
        free(p->msg[i]);
    free(p->msg);
    p->msg = NULL;
    p->n = p->cap = 0;
}

/* Length of the valid UTF-8 sequence at p, or 0 if it is not one. */
static size_t utf8_len(const unsigned char *p)
{
    size_t n;
    unsigned min;
    unsigned cp;
    if (p[0] < 0x80)
        return 1;
    if ((p[0] & 0xe0) == 0xc0) {
        n = 2, min = 0x80, cp = p[0] & 0x1fu;
    } else if ((p[0] & 0xf0) == 0xe0) {
        n = 3, min = 0x800, cp = p[0] & 0x0fu;
    } else if ((p[0] & 0xf8) == 0xf0) {
        n = 4, min = 0x10000, cp = p[0] & 0x07u;
    } else {
        return 0;
    }
    for (size_t i = 1; i < n; i++) {
        if ((p[i] & 0xc0) != 0x80)
            return 0;
        cp = cp << 6 | (p[i] & 0x3fu);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
        return 0;
    return n;
}

void json_string(FILE *f, const char *s)
{
    if (!s) {
        fputs("null", f);
        return;
    }
    fputc('"', f);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p >= 0x80) {
            /* file names need not be UTF-8; JSON must be */
            size_t n = utf8_len(p);
            if (n == 0) {
                fputs("\\ufffd", f);
            } else {
                fwrite(p, 1, n, f);
                p += n - 1;
            }
            continue;
        }
        switch (*p) {
        case '"': fputs("\\\"", f); break;
        case '\\': fputs("\\\\", f); break;
        case '\n': fputs("\\n", f); break;
        case '\r': fputs("\\r", f); break;
        case '\t': fputs("\\t", f); break;
        default:
            if (*p < 0x20)
                fprintf(f, "\\u%04x", *p);
            else
                fputc(*p, f);
        }
    }
    fputc('"', f);
}
