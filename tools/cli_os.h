/* cli_os.h - what the fmnist tool asks of the system that POSIX and
 * Windows say differently: folders, the terminal, signals, a stream into
 * memory, and a command line in UTF-8. Paths are UTF-8 everywhere. */
#ifndef FMNIST_CLI_OS_H
#define FMNIST_CLI_OS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Creates the folder `path`: 0, or -1 with errno set (EEXIST: there). */
int cli_os_mkdir(const char *path);

/* Removes the empty folder `path` (no message). */
void cli_os_rmdir(const char *path);

/* stat(), or lstat() where `follow` is 0: 0 and the facts, or -1 with
 * errno set. */
typedef struct cli_os_entry {
    int is_dir;
    uint64_t size;
} cli_os_entry;
int cli_os_stat(const char *path, int follow, cli_os_entry *st);

/* 0 where this process may create files in the folder `dir`, else -1
 * with errno set (on Windows: where `dir` is a folder; whether files may
 * be made in it is learnt when they are). */
int cli_os_writable(const char *dir);

/* Whether `f` is a terminal (a console on Windows). */
int cli_os_is_terminal(FILE *f);

/* The terminal's width in columns, or 0 where it is not known. */
size_t cli_os_columns(void);

/* Removes the file `path` (no message: what is gone is gone). */
void cli_os_remove(const char *path);

/* Renames `from` to `to`, replacing a file there: 0, or -1 with errno. */
int cli_os_replace(const char *from, const char *to);

/* fopen() of a UTF-8 path. */
FILE *cli_os_fopen(const char *path, const char *mode);

/* Opens `path` to append to (creating it, mode 0666 less the umask): a
 * descriptor, or -1 with errno set. */
int cli_os_open_append(const char *path);

/* A stream into memory (open_memstream; on Windows a temporary file read
 * back at the end): its bytes are *buf (malloc'd, 0-terminated) and *len
 * once cli_os_memstream_close has returned 0; NULL or -1 with errno. */
FILE *cli_os_memstream(char **buf, size_t *len);
int cli_os_memstream_close(FILE *f, char **buf, size_t *len);

/* Calls `handler` once on SIGINT, SIGTERM or SIGHUP (those of them the
 * system has, and not ignored when the process started), the signal's
 * default action restored before it runs. */
void cli_os_on_signals(void (*handler)(int sig));

/* What a process of the tool first does: a closed pipe on stdout ends it
 * quietly (SIGPIPE's default, where there is one); on Windows, argv is
 * rebuilt as UTF-8 from the wide command line (the process keeps it) and
 * stdout is binary (lines end in \n, and files written to "-" are the
 * bytes); elsewhere argv is left as it is. */
void cli_os_start(int *argc, char ***argv);

#endif
