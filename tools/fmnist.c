/* fmnist.c - the command table and the entry point. Each command lives in
 * its own cmd_*.c file. */
#include "builtin.h"
#include "cli_os.h"
#include "cli.h"
#include "cli_http.h"
#include "cli_png.h"

#include <string.h>
#include <zlib.h>

static const cli_command COMMANDS[] = {
    {"info", cmd_info,
     "describe IDX files or dataset directories: shape, release, classes"},
    {"counts", cmd_counts, "items per split and per class, with shares"},
    {"show", cmd_show, "draw images in the terminal with their class"},
    {"stats", cmd_stats,
     "exact pixel statistics per split and class, normalisation constants"},
    {"dupes", cmd_dupes, "exact duplicate images within and across splits"},
    {"audit", cmd_audit, "near copies, train/test leaks and suspect labels"},
    {"export", cmd_export, "write chosen images as PNG files"},
    {"convert", cmd_convert,
     "write splits as IDX, gzipped IDX, .npy, .npz, Kaggle CSV or PGM"},
    {"grid", cmd_grid, "one PNG contact sheet: make_grid, per class, means"},
    {"verify", cmd_verify,
     "check a download: complete, undamaged, the official release?"},
    {"download", cmd_download,
     "get a dataset's published files, each checked before it lands"},
};

enum { NCOMMANDS = sizeof COMMANDS / sizeof COMMANDS[0] };

static void usage(FILE *f)
{
    fputs("usage: fmnist [--help | --version] <command> [options] [ARGS]\n"
          "       fmnist help <command>\n"
          "\n"
          "Inspect IDX datasets: Fashion-MNIST, MNIST, KMNIST, EMNIST.\n"
          "\n"
          "Commands:\n",
          f);
    for (size_t i = 0; i < NCOMMANDS; i++)
        fprintf(f, "  %-8s  %s\n", COMMANDS[i].name, COMMANDS[i].summary);
    fputs("\n"
          "Without a PATH, commands read $FMNIST_DATA, else ./data/fashion,\n"
          "else ~/.local/share/fmnist/fashion-mnist (where fmnist download\n"
          "puts it), else /usr/share/datasets/fashion-mnist.\n"
          "'fmnist help <command>' or 'fmnist <command> --help' describes a\n"
          "command.\n"
          "Exit status: 0 ok, 1 bad data or failed I/O, 2 usage error.\n",
          f);
}

static const cli_command *find(const char *name)
{
    for (size_t i = 0; i < NCOMMANDS; i++)
        if (strcmp(name, COMMANDS[i].name) == 0)
            return &COMMANDS[i];
    return NULL;
}

/* The edit distance of a and b (insert, delete, replace, swap two
 * neighbours), for command names: short strings. */
static size_t distance(const char *a, const char *b)
{
    enum { MAX = 32 };
    size_t n = strlen(a), m = strlen(b);
    if (n >= MAX || m >= MAX)
        return MAX;
    size_t d[MAX + 1][MAX + 1];
    for (size_t i = 0; i <= n; i++)
        d[i][0] = i;
    for (size_t j = 0; j <= m; j++)
        d[0][j] = j;
    for (size_t i = 1; i <= n; i++)
        for (size_t j = 1; j <= m; j++) {
            size_t best = d[i - 1][j - 1] + (a[i - 1] != b[j - 1]);
            if (d[i - 1][j] + 1 < best)
                best = d[i - 1][j] + 1;
            if (d[i][j - 1] + 1 < best)
                best = d[i][j - 1] + 1;
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] &&
                a[i - 2] == b[j - 1] && d[i - 2][j - 2] + 1 < best)
                best = d[i - 2][j - 2] + 1;
            d[i][j] = best;
        }
    return d[n][m];
}

/* A usage error for a name that is no command, with the nearest one. */
static int not_a_command(const char *name)
{
    const cli_command *near = NULL;
    size_t best = 3; /* at most two edits away */
    for (size_t i = 0; i < NCOMMANDS; i++) {
        size_t d = distance(name, COMMANDS[i].name);
        if (d < best) {
            best = d;
            near = &COMMANDS[i];
        }
    }
    if (near)
        return cli_usage(NULL, "'%s' is not a command; did you mean '%s'?",
                         name, near->name);
    return cli_usage(NULL, "'%s' is not a command", name);
}

/* `fmnist help [COMMAND]`. */
static int help(int argc, char **argv)
{
    if (argc < 3) {
        usage(stdout);
        return EXIT_OK;
    }
    const cli_command *c = find(argv[2]);
    if (!c)
        return not_a_command(argv[2]);
    char *args[] = {argv[2], "--help", NULL};
    return c->fn(2, args);
}

int main(int argc, char **argv)
{
    /* a reader that goes away (fmnist ... | head) ends the process
     * quietly, as it does git; a full disk or a file that cannot grow is
     * still an error (cli_finish) */
    cli_os_start(&argc, &argv);
    if (argc < 2)
        return cli_usage(NULL, "no command given");
    const char *cmd = argv[1];
    if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0) {
        usage(stdout);
        return cli_finish(EXIT_OK);
    }
    if (strcmp(cmd, "help") == 0)
        return cli_finish(help(argc, argv));
    if (strcmp(cmd, "--version") == 0 || strcmp(cmd, "-V") == 0) {
        printf("fmnist %s (libfmnist %s, zlib %s, libpng %s, %s)\n%s\n",
               FMN_VERSION_STRING, fmn_version(), zlibVersion(),
               cli_png_version(),
               cli_http_available() ? "libcurl" : "no libcurl: no download",
               fmn_build_info());
        return cli_finish(EXIT_OK);
    }
    const cli_command *c = find(cmd);
    if (c)
        return cli_finish(c->fn(argc - 1, argv + 1));
    if (cmd[0] == '-')
        return cli_usage(NULL, "unknown option '%s'", cmd);
    return not_a_command(cmd);
}
