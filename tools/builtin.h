/* builtin.h - the commands of fmnist, one a file (cmd_NAME.c), and the
 * table that dispatches them (fmnist.c), as git's builtin.h. */
#ifndef FMNIST_BUILTIN_H
#define FMNIST_BUILTIN_H

/* One command: `fmnist NAME ...` runs fn(argc, argv) with argv[0] = NAME,
 * which returns the exit status (and prints its help for --help). */
typedef struct cli_command {
    const char *name;
    int (*fn)(int argc, char **argv);
    const char *summary;
} cli_command;

int cmd_info(int argc, char **argv);
int cmd_stats(int argc, char **argv);
int cmd_counts(int argc, char **argv);
int cmd_verify(int argc, char **argv);
int cmd_dupes(int argc, char **argv);
int cmd_audit(int argc, char **argv);
int cmd_export(int argc, char **argv);
int cmd_grid(int argc, char **argv);
int cmd_show(int argc, char **argv);
int cmd_convert(int argc, char **argv);
int cmd_download(int argc, char **argv);

#endif
