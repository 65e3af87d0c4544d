/* cli_http.c - see cli_http.h. */
#define _POSIX_C_SOURCE 200809L
#include "cli_http.h"
#include "cli_os.h"
#include "fmnist.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#ifndef FMNIST_HAVE_CURL

int cli_http_available(void) { return 0; }
int cli_http_start(void) { return 1; }
void cli_http_stop(void) {}

cli_fetch_result cli_http_fetch(const cli_fetch *f, char *why, size_t cap,
                                uint64_t *added)
{
    (void)f;
    *added = 0;
    snprintf(why, cap, "this fmnist was built without libcurl: install "
                       "libcurl4-openssl-dev (Debian) and build again, or "
                       "use --from DIR with files you have");
    return CLI_FETCH_NEXT;
}

#else

#include <curl/curl.h>

int cli_http_available(void) { return 1; }

int cli_http_start(void) { return curl_global_init(CURL_GLOBAL_DEFAULT) == 0; }

void cli_http_stop(void) { curl_global_cleanup(); }

/* One transfer's state, for libcurl's callbacks. */
typedef struct transfer {
    CURL *h;
    int fd;
    uint64_t resume;    /* bytes the .part held when it began */
    uint64_t added;
    int started;        /* the first body bytes were seen */
    uint8_t head[4];    /* the body's first bytes, from offset 0 */
    size_t nhead;
    int restarted;      /* the server ignored Range: written from 0 */
    char refused[160];  /* why the body was refused */
    int local_error;    /* errno of a failed write */
    const cli_fetch *f;
    double last;        /* when progress was last shown */
    double t0;
} transfer;

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* What the start of a body that should be gzip is, when it is not. */
static void refuse(transfer *t)
{
    if (t->head[0] == '<')
        snprintf(t->refused, sizeof t->refused,
                 "an HTML page, not a gzip file");
    else
        snprintf(t->refused, sizeof t->refused,
                 "not a gzip file (it starts %02x %02x)", t->head[0],
                 t->head[1]);
}

/* The first bytes of a response: a 200 to a Range request means the
 * whole file again, so the .part starts over. */
static int first_bytes(transfer *t)
{
    long code = 0;
    curl_easy_getinfo(t->h, CURLINFO_RESPONSE_CODE, &code);
    if (t->resume && code == 200) {
        if (ftruncate(t->fd, 0) != 0) {
            t->local_error = errno;
            return 0;
        }
        t->restarted = 1;
        t->resume = 0;
    }
    t->started = 1;
    return 1;
}

static size_t on_body(char *p, size_t size, size_t n, void *ctx)
{
    transfer *t = ctx;
    size_t len = size * n;
    if (!t->started && !first_bytes(t))
        return 0;
    /* a body from offset 0 must start as gzip does: 1f 8b */
    for (size_t i = 0; !t->resume && t->nhead < 2 && i < len; i++)
        t->head[t->nhead++] = (uint8_t)p[i];
    if (!t->resume && t->nhead >= 2 && (t->head[0] != 0x1f ||
                                         t->head[1] != 0x8b)) {
        refuse(t);
        return 0;
    }
    for (size_t done = 0; done < len;) {
        ssize_t w = write(t->fd, p + done, len - done);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            t->local_error = w < 0 ? errno : EIO;
            return 0;
        }
        done += (size_t)w;
    }
    t->added += len;
    return len;
}

static int on_progress(void *ctx, curl_off_t total, curl_off_t now_bytes,
                       curl_off_t ut, curl_off_t un)
{
    (void)ut, (void)un;
    transfer *t = ctx;
    double tn = now();
    if (!t->f->progress || tn - t->last < 0.25 || total <= 0)
        return 0;
    t->last = tn;
    double have = (double)t->resume + (double)now_bytes;
    double all = (double)t->resume + (double)total;
    double rate = (double)now_bytes / (tn - t->t0 > 1e-3 ? tn - t->t0 : 1e-3);
    double left = rate > 0 ? ((double)total - (double)now_bytes) / rate : 0;
    fprintf(stderr, "\r%s: %.1f of %.1f MB, %.1f MB/s, %.0f s left   ",
            t->f->label, have / 1e6, all / 1e6, rate / 1e6, left);
    return 0;
}

/* The result of a finished transfer, and why. */
static cli_fetch_result classify(transfer *t, CURLcode rc, const char *err,
                                 char *why, size_t cap)
{
    long code = 0;
    curl_easy_getinfo(t->h, CURLINFO_RESPONSE_CODE, &code);
    if (rc == CURLE_OK)
        return CLI_FETCH_DONE;
    if (t->local_error) {
        snprintf(why, cap, "%s: %s", t->f->part, strerror(t->local_error));
        return CLI_FETCH_LOCAL;
    }
    if (t->refused[0]) {
        snprintf(why, cap, "%s", t->refused);
        return CLI_FETCH_REFUSED;
    }
    if (rc == CURLE_HTTP_RETURNED_ERROR && code == 416)
        return CLI_FETCH_DONE; /* the .part holds all there is: check it */
    if (rc == CURLE_HTTP_RETURNED_ERROR) {
        snprintf(why, cap, "HTTP %ld", code);
        return code >= 500 ? CLI_FETCH_CUT : CLI_FETCH_NEXT;
    }
    snprintf(why, cap, "%s", err[0] ? err : curl_easy_strerror(rc));
    /* cut short: resuming may finish it; anything else (too slow, no
     * connection, ...) is this server's, and the next one resumes */
    int cut = rc == CURLE_PARTIAL_FILE || rc == CURLE_RECV_ERROR ||
              rc == CURLE_SEND_ERROR || rc == CURLE_GOT_NOTHING;
    return cut ? CLI_FETCH_CUT : CLI_FETCH_NEXT;
}

static void set_options(transfer *t, char *err, char *range)
{
    const cli_fetch *f = t->f;
    curl_easy_setopt(t->h, CURLOPT_URL, f->url);
    curl_easy_setopt(t->h, CURLOPT_FOLLOWLOCATION, 1L);
    curl_easy_setopt(t->h, CURLOPT_MAXREDIRS, 8L);
    curl_easy_setopt(t->h, CURLOPT_FAILONERROR, 1L);
    curl_easy_setopt(t->h, CURLOPT_CONNECTTIMEOUT, f->timeout);
    curl_easy_setopt(t->h, CURLOPT_LOW_SPEED_LIMIT, 1024L);
    curl_easy_setopt(t->h, CURLOPT_LOW_SPEED_TIME, f->timeout);
    curl_easy_setopt(t->h, CURLOPT_USERAGENT, "fmnist/" FMN_VERSION_STRING);
    curl_easy_setopt(t->h, CURLOPT_ERRORBUFFER, err);
    curl_easy_setopt(t->h, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(t->h, CURLOPT_WRITEDATA, t);
    curl_easy_setopt(t->h, CURLOPT_XFERINFOFUNCTION, on_progress);
    curl_easy_setopt(t->h, CURLOPT_XFERINFODATA, t);
    curl_easy_setopt(t->h, CURLOPT_NOPROGRESS, 0L);
    if (t->resume) {
        snprintf(range, 32, "%llu-", (unsigned long long)t->resume);
        curl_easy_setopt(t->h, CURLOPT_RANGE, range);
    }
}

cli_fetch_result cli_http_fetch(const cli_fetch *f, char *why, size_t cap,
                                uint64_t *added)
{
    *added = 0;
    transfer t;
    memset(&t, 0, sizeof t);
    t.f = f;
    t.fd = cli_os_open_append(f->part);
    struct stat st;
    if (t.fd < 0 || fstat(t.fd, &st) != 0) {
        snprintf(why, cap, "%s: %s", f->part, strerror(errno));
        if (t.fd >= 0)
            close(t.fd);
        return CLI_FETCH_LOCAL;
    }
    t.resume = (uint64_t)st.st_size;
    uint64_t held = t.resume;
    if (!(t.h = curl_easy_init())) {
        close(t.fd);
        snprintf(why, cap, "libcurl: out of memory");
        return CLI_FETCH_LOCAL;
    }
    char err[CURL_ERROR_SIZE] = "", range[32];
    t.t0 = now();
    set_options(&t, err, range);
    CURLcode rc = curl_easy_perform(t.h);
    if (f->progress && t.last > 0)
        fputc('\n', stderr);
    cli_fetch_result r = classify(&t, rc, err, why, cap);
    if (r == CLI_FETCH_REFUSED &&
        ftruncate(t.fd, t.restarted ? 0 : (off_t)held) != 0)
        r = CLI_FETCH_LOCAL;
    if (close(t.fd) != 0 && r == CLI_FETCH_DONE) {
        snprintf(why, cap, "%s: %s", f->part, strerror(errno));
        r = CLI_FETCH_LOCAL;
    }
    curl_easy_cleanup(t.h);
    *added = t.added;
    return r;
}

#endif
