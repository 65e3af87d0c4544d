/* fmnist.c - the command table and the entry point. Each command lives in
 * its own cmd_*.c file. */
#include "cli.h"
#include "png_out.h"

#include <signal.h>
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
    {"export", cmd_export, "write chosen images as PNG files"},
    {"convert", cmd_convert,
     "write splits as IDX, gzipped IDX, .npy, Kaggle CSV or PGM"},
    {"grid", cmd_grid, "one PNG contact sheet: make_grid, per class, means"},
    {"verify", cmd_verify,
     "check a download: complete, undamaged, the official release?"},
};

static void usage(FILE *f)
{
    fputs("usage: fmnist [--help | --version] <command> [options] [ARGS]\n"
          "\n"
          "Inspect IDX datasets: Fashion-MNIST, MNIST, KMNIST, EMNIST.\n"
          "\n"
          "Commands:\n",
          f);
    for (size_t i = 0; i < sizeof COMMANDS / sizeof COMMANDS[0]; i++)
        fprintf(f, "  %-8s  %s\n", COMMANDS[i].name, COMMANDS[i].summary);
    fputs("\n"
          "Without a PATH, commands read $FMNIST_DATA, else ./data/fashion,\n"
          "else /usr/share/datasets/fashion-mnist.\n"
          "'fmnist <command> --help' describes a command.\n"
          "Exit status: 0 ok, 1 bad data or failed I/O, 2 usage error.\n",
          f);
}

int main(int argc, char **argv)
{
    /* a reader that goes away (fmnist ... | head) is a write error that
     * cli_finish reports, not a silent death by SIGPIPE */
    signal(SIGPIPE, SIG_IGN);
    if (argc < 2) {
        return cli_usage(NULL, "no command given");
    }
    const char *cmd = argv[1];
    if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 ||
        strcmp(cmd, "help") == 0) {
        usage(stdout);
        return cli_finish(EXIT_OK);
    }
    if (strcmp(cmd, "--version") == 0 || strcmp(cmd, "-V") == 0) {
        printf("fmnist %s (libfmnist %s, zlib %s, libpng %s)\n%s\n",
               FMN_VERSION_STRING, fmn_version(), zlibVersion(), png_version(),
               fmn_build_info());
        return cli_finish(EXIT_OK);
    }
    for (size_t i = 0; i < sizeof COMMANDS / sizeof COMMANDS[0]; i++)
        if (strcmp(cmd, COMMANDS[i].name) == 0)
            return cli_finish(COMMANDS[i].fn(argc - 1, argv + 1));
    if (cmd[0] == '-')
        return cli_usage(NULL, "unknown option '%s'", cmd);
    return cli_usage(NULL, "'%s' is not a command", cmd);
}
