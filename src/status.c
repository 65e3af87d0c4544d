/* status.c - status codes, error messages, version. */
#include "internal.h"

#include <stdio.h>
#include <string.h>

const char *fmn_version(void) { return FMN_VERSION_STRING; }

unsigned long fmn_version_number(void) { return FMN_VERSION_NUMBER; }

const char *fmn_strerror(fmn_status status)
{
    switch (status) {
    case FMN_OK: return "success";
    case FMN_ERR_NOMEM: return "out of memory";
    case FMN_ERR_INVALID_ARGUMENT: return "invalid argument";
    case FMN_ERR_NOT_FOUND: return "no such file or directory";
    case FMN_ERR_IS_DIRECTORY: return "is a directory";
    case FMN_ERR_IO: return "input/output error";
    case FMN_ERR_HEADER_SHORT: return "IDX header is truncated";
    case FMN_ERR_BAD_MAGIC: return "not an IDX file (bad magic number)";
    case FMN_ERR_BAD_TYPE: return "unknown IDX element type";
    case FMN_ERR_ZERO_DIMS: return "IDX header declares zero dimensions";
    case FMN_ERR_SIZE_OVERFLOW: return "IDX dimensions overflow";
    case FMN_ERR_TOO_LARGE: return "data larger than the byte limit";
    case FMN_ERR_TRUNCATED: return "IDX data is truncated";
    case FMN_ERR_TRAILING_DATA: return "bytes after the IDX data";
    case FMN_ERR_GZIP_HEADER: return "malformed gzip header";
    case FMN_ERR_GZIP_DATA: return "corrupt gzip data";
    case FMN_ERR_GZIP_TRUNCATED: return "gzip stream is truncated";
    case FMN_ERR_GZIP_CRC: return "gzip CRC-32 mismatch";
    case FMN_ERR_GZIP_LENGTH: return "gzip length mismatch";
    case FMN_ERR_GZIP_TRAILING: return "garbage after the gzip stream";
    case FMN_ERR_NOT_IMAGES: return "not an images file (3-D uint8)";
    case FMN_ERR_NOT_LABELS: return "not a labels file (1-D uint8)";
    case FMN_ERR_COUNT_MISMATCH: return "image and label counts differ";
    case FMN_ERR_BAD_LABEL: return "label outside the class range";
    case FMN_ERR_RANGE: return "item range outside the file";
    case FMN_ERR_NO_DATASET: return "no IDX dataset files found";
    case FMN_ERR_AMBIGUOUS: return "several candidate files";
    case FMN_ERR_MISMATCHED_PAIR: return "images and labels of different releases";
    case FMN_ERR_BUFFER_TOO_SMALL: return "output buffer too small";
    case FMN_ERR_EXISTS: return "output file exists";
    case FMN_ERR_WRITE: return "write failed";
    case FMN_ERR_MISNAMED: return "a published file under another file's name";
    case FMN_ERR_NOT_PUBLISHED: return "not the published file asked for";
    case FMN_ERR_CLASS_MAP: return "a class mapping file disagrees with the class names";
    case FMN_ERR_UNSUPPORTED: return "input in a form this build cannot read";
    }
    return "unknown status";
}

void fmni_clear(fmn_error *err)
{
    if (!err)
        return;
    err->status = FMN_OK;
    err->offset = FMN_NO_OFFSET;
    err->offset_is_decoded = 0;
    err->message[0] = '\0';
}

/* "NAME: CAUSE" into `buf`: the cause whole when it fits, the name
 * shortened in the middle ("/data/aa...zz/train.gz") when both do not;
 * a cause longer than the whole message keeps its start. */
static void join_message(char *buf, size_t cap, const char *name,
                         const char *cause)
{
    enum { NAME_MIN = 48 }; /* a name keeps at least this much */
    size_t nl = strlen(name), cl = strlen(cause);
    size_t room = cap - 1 - 2; /* the NUL and ": " */
    size_t head = nl, from = nl; /* name[0, head) "..." name[from, nl) */
    if (nl + cl > room) {
        size_t keep = room > cl + NAME_MIN ? room - cl : NAME_MIN;
        if (nl > keep) {
            head = (keep - 3) / 2;
            from = nl - (keep - 3 - head);
            /* whole UTF-8 characters on both sides of the cut */
            while (head > 0 && ((unsigned char)name[head] & 0xc0) == 0x80)
                head--;
            while (from < nl && ((unsigned char)name[from] & 0xc0) == 0x80)
                from++;
        }
    }
    size_t used = 0;
    const struct {
        const char *p;
        size_t n;
    } parts[] = {{name, head},
                 {"...", from > head ? 3 : 0},
                 {name + from, nl - from},
                 {": ", 2},
                 {cause, cl}};
    for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++) {
        size_t n = parts[i].n < cap - 1 - used ? parts[i].n : cap - 1 - used;
        memcpy(buf + used, parts[i].p, n);
        used += n;
    }
    buf[used] = '\0';
}

fmn_status fmni_fail(fmn_error *err, fmn_status status, const char *name,
                     uint64_t offset, int offset_is_decoded, const char *fmt,
                     ...)
{
    if (!err)
        return status;
    err->status = status;
    err->offset = offset;
    err->offset_is_decoded = offset_is_decoded;
    char cause[sizeof err->message];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(cause, sizeof cause, fmt, ap);
    va_end(ap);
    join_message(err->message, sizeof err->message, name ? name : "<memory>",
                 cause);
    return status;
}

fmn_status fmni_bad_argument(fmn_error *err)
{
    return fmni_fail(err, FMN_ERR_INVALID_ARGUMENT, "libfmnist", FMN_NO_OFFSET,
                     0, "an argument is NULL or out of range");
}

void fmni_hex(char *buf, size_t cap, const uint8_t *p, size_t n)
{
    size_t used = 0;
    if (cap == 0)
        return;
    buf[0] = '\0';
    for (size_t i = 0; i < n && used + 4 <= cap; i++)
        used += (size_t)snprintf(buf + used, cap - used, i ? " %02x" : "%02x",
                                 p[i]);
}

static int starts_with_ci(const uint8_t *p, size_t n, const char *s)
{
    size_t len = strlen(s);
    if (n < len)
        return 0;
    for (size_t i = 0; i < len; i++) {
        uint8_t c = p[i];
        if (c >= 'A' && c <= 'Z')
            c = (uint8_t)(c - 'A' + 'a');
        if (c != (uint8_t)s[i])
            return 0;
    }
    return 1;
}

const char *fmni_guess_content(const uint8_t *p, size_t n)
{
    size_t i = 0;
    while (i < n && (p[i] == ' ' || p[i] == '\t' || p[i] == '\r' ||
                     p[i] == '\n'))
        i++;
    p += i;
    n -= i;
    if (starts_with_ci(p, n, "version https://git-lfs"))
        return " (this is a Git LFS pointer, not the data: run 'git lfs "
               "pull' or download the file itself)";
    if (starts_with_ci(p, n, "<!doctype html") || starts_with_ci(p, n, "<html") ||
        starts_with_ci(p, n, "<?xml") || starts_with_ci(p, n, "<head") ||
        starts_with_ci(p, n, "<body"))
        return " (this looks like an HTML or XML page, perhaps an error page "
               "saved by a failed download)";
    if (n >= 2 && p[0] == 0x1f && p[1] == 0x8b)
        return " (a gzip stream inside the gzip stream: the file was "
               "compressed twice; decompress it once: gunzip -c FILE > "
               "ONCE.gz)";
    if (starts_with_ci(p, n, "pk\x03\x04"))
        return " (this is a zip archive: give it as a folder, where its IDX "
               "files are read in place, or extract it)";
    if (starts_with_ci(p, n, "\x93numpy"))
        return " (this is a NumPy .npy file, not IDX)";
    if (starts_with_ci(p, n, "bzh"))
        return " (this looks like a bzip2 file: decompress it first)";
    if (starts_with_ci(p, n, "\xfd" "7zxz"))
        return " (this is an xz file, as QMNIST's xnist files are; libfmnist "
               "does not read xz: unpack it with xz -dk FILE)";
    if (n > 0 && p[0] == '<')
        return " (this looks like markup text, not IDX)";
    return "";
}
