/* cli.c - what every command uses: messages, the problems met, option
 * parsing, numbers, the default dataset location, the terminal. */
#define _DEFAULT_SOURCE /* struct winsize, TIOCGWINSZ */
#include "cli.h"
#include "cli_os.h"
#include "cli_data.h"

#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

void cli_put_safe(FILE *f, const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p >= 0x20 && *p != 0x7f) {
            fputc(*p, f);
            continue;
        }
        switch (*p) {
        case '\n': fputs("\\n", f); break;
        case '\t': fputs("\\t", f); break;
        case '\r': fputs("\\r", f); break;
        case 0x1b: fputs("\\e", f); break;
        default: fprintf(f, "\\x%02x", *p);
        }
    }
}

void cli_error(const char *fmt, ...)
{
    char msg[8192];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    fputs("fmnist: ", stderr);
    cli_put_safe(stderr, msg);
    fputc('\n', stderr);
}

int cli_usage(const char *cmd, const char *fmt, ...)
{
    char msg[8192];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    fprintf(stderr, "fmnist%s%s: ", cmd ? " " : "", cmd ? cmd : "");
    cli_put_safe(stderr, msg);
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
        if (err == EPIPE) /* the reader went away: stop quietly */
            return status;
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

int cli_next_option(int argc, char **argv, const char *cmd, const char *help,
                    const char *shortopts, const struct option *longopts,
                    fmn_options *opt, int *status)
{
    for (;;) {
        opterr = 0;
        int c = getopt_long(argc, argv, shortopts, longopts, NULL);
        if (c == -1)
            return CLI_OPT_END;
        cli_opt_result r = opt ? cli_data_option(cmd, c, optarg, opt)
                               : CLI_OPT_OTHER;
        if (r == CLI_OPT_TAKEN)
            continue;
        if (r == CLI_OPT_BAD) {
            *status = EXIT_USAGE;
            return CLI_OPT_DONE;
        }
        switch (c) {
        case 'h':
            fputs(help, stdout);
            *status = EXIT_OK;
            return CLI_OPT_DONE;
        case ':':
            *status = cli_usage(cmd, "option '%s' needs a value",
                                argv[optind - 1]);
            return CLI_OPT_DONE;
        case '?':
            if (optopt && optopt < 256)
                *status = cli_usage(cmd, "unknown option '-%c'", optopt);
            else
                *status = cli_usage(cmd, "unknown option '%s'",
                                    argv[optind - 1]);
            return CLI_OPT_DONE;
        default:
            return c;
        }
    }
}

void cli_data_home(fmn_dataset dataset, char *buf, size_t cap)
{
#ifdef _WIN32
    const char *local = getenv("LOCALAPPDATA");
    if (local && *local) {
        snprintf(buf, cap, "%s/fmnist/%s", local, fmn_dataset_name(dataset));
        return;
    }
#endif
    const char *xdg = getenv("XDG_DATA_HOME"), *home = getenv("HOME");
    if (xdg && *xdg == '/')
        snprintf(buf, cap, "%s/fmnist/%s", xdg, fmn_dataset_name(dataset));
    else
        snprintf(buf, cap, "%s/.local/share/fmnist/%s",
                 home && *home ? home : ".", fmn_dataset_name(dataset));
}

const char *cli_default_path(void)
{
    const char *env = getenv("FMNIST_DATA");
    if (env && *env)
        return env;
    static char home[4096]; /* one answer a process: the default folder */
    cli_data_home(FMN_DATASET_FASHION_MNIST, home, sizeof home);
    const char *const candidates[] = {"data/fashion", home,
                                      "/usr/share/datasets/fashion-mnist"};
    for (size_t i = 0; i < sizeof candidates / sizeof candidates[0]; i++) {
        cli_os_entry st;
        if (cli_os_stat(candidates[i], 1, &st) == 0 && st.is_dir)
            return candidates[i];
    }
    cli_error("no dataset found: pass a PATH, set FMNIST_DATA, run 'fmnist "
              "download', or 'apt-get install dataset-fashion-mnist'");
    return NULL;
}

/* ---- problems ---------------------------------------------------------- */

void cli_problem(cli_problems *p, const char *msg)
{
    for (size_t i = 0; i < p->n; i++)
        if (strcmp(p->msg[i], msg) == 0)
            return; /* said already (one folder's problem, met per split) */
    cli_error("%s", msg);
    cli_problems_keep(p, msg);
}

void cli_problems_keep(cli_problems *p, const char *msg)
{
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

void cli_problems_move(cli_problems *to, cli_problems *from)
{
    for (size_t i = 0; i < from->n; i++) {
        if (to->n == to->cap) {
            size_t cap = to->cap ? to->cap * 2 : 4;
            char **grown = realloc(to->msg, cap * sizeof *grown);
            if (!grown) {
                free(from->msg[i]);
                continue;
            }
            to->msg = grown;
            to->cap = cap;
        }
        to->msg[to->n++] = from->msg[i];
    }
    free(from->msg);
    from->msg = NULL;
    from->n = from->cap = 0;
}

void cli_problems_free(cli_problems *p)
{
    for (size_t i = 0; i < p->n; i++)
        free(p->msg[i]);
    free(p->msg);
    p->msg = NULL;
    p->n = p->cap = 0;
}

/* ---- the terminal ------------------------------------------------------ */

/* Whether a locale name's character set is UTF-8 ("en_US.UTF-8",
 * "C.utf8"). */
static int utf8_locale(const char *name)
{
    const char *dot = strchr(name, '.');
    if (!dot)
        return 0;
    char cs[16];
    size_t n = 0;
    for (const char *p = dot + 1; *p && *p != '@' && n + 1 < sizeof cs; p++)
        if (*p != '-')
            cs[n++] = (char)(*p >= 'A' && *p <= 'Z' ? *p - 'A' + 'a' : *p);
    cs[n] = '\0';
    return strcmp(cs, "utf8") == 0;
}

int cli_unicode_out(void)
{
    const char *term = getenv("TERM");
    if (!cli_os_is_terminal(stdout) || !term || !*term || !strcmp(term, "dumb"))
        return 0;
    static const char *const vars[] = {"LC_ALL", "LC_CTYPE", "LANG"};
    for (size_t i = 0; i < sizeof vars / sizeof vars[0]; i++) {
        const char *v = getenv(vars[i]);
        if (v && *v)
            return utf8_locale(v);
    }
    return 0;
}

int cli_colour_out(void)
{
    const char *no = getenv("NO_COLOR");
    return cli_unicode_out() && !(no && *no);
}

size_t cli_columns(void)
{
    unsigned long long n;
    const char *env = getenv("COLUMNS");
    if (env && cli_parse_uint(env, 10, 10000, &n))
        return (size_t)n;
    size_t cols = cli_os_columns();
    return cols >= 10 ? cols : 80;
}

const char *cli_plural(unsigned long long n, const char *one,
                       const char *many)
{
    return n == 1 ? one : many;
}
