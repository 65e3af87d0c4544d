/* cli_http.h - one HTTP transfer into a .part file, by libcurl: resumed
 * with a Range request from what the file already holds, restarted when
 * the server ignores Range, abandoned at once when the body is not a gzip
 * file. The library never touches the network; only the tool does. */
#ifndef FMNIST_CLI_HTTP_H
#define FMNIST_CLI_HTTP_H

#include <stddef.h>
#include <stdint.h>

typedef struct cli_fetch {
    const char *url;
    const char *part;   /* appended to from its size (a resume) */
    long timeout;       /* seconds: to connect, and below 1 KiB/s */
    int progress;       /* bytes, rate and time left on stderr */
    const char *label;  /* the name progress shows */
} cli_fetch;

typedef enum cli_fetch_result {
    CLI_FETCH_DONE,     /* the whole body is in the .part file */
    CLI_FETCH_CUT,      /* cut short: resuming may complete it */
    CLI_FETCH_NEXT,     /* this server cannot serve it (an HTTP error, too
                           slow, unreachable): try the next, which resumes
                           from what the .part holds */
    CLI_FETCH_REFUSED,  /* the body is not a gzip file (the .part is
                           left as it was before the transfer) */
    CLI_FETCH_LOCAL     /* the .part file cannot be written: stop */
} cli_fetch_result;

/* Whether this build has libcurl; without it every fetch is NEXT with a
 * message saying how to get a build that has it. */
int cli_http_available(void);

/* Once per process, before any fetch (curl_global_init), and after. */
int cli_http_start(void);
void cli_http_stop(void);

/* Fetches f->url into f->part; *why gets one line on what went wrong,
 * *added the bytes this transfer added. */
cli_fetch_result cli_http_fetch(const cli_fetch *f, char *why, size_t cap,
                                uint64_t *added);

#endif
