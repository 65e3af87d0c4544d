/* cli_json.c - see cli_json.h. */
#include "cli_json.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

void cli_json_init(cli_json *j, FILE *f)
{
    memset(j, 0, sizeof *j);
    j->f = f;
}

void cli_json_init_at(cli_json *j, FILE *f, int depth)
{
    cli_json_init(j, f);
    for (int i = 0; i < depth && i < CLI_JSON_MAX_DEPTH; i++) {
        j->open[i].close = ']';
        j->open[i].inline_ = 0;
        j->open[i].first = 1;
    }
    j->depth = depth;
}

void cli_json_splice(cli_json *j, const char *text)
{
    if (!text || !*text)
        return;
    int d = j->depth - 1;
    if (d >= 0 && !j->open[d].first)
        fputc(',', j->f);
    fputs(text, j->f);
    if (d >= 0)
        j->open[d].first = 0;
}

static void indent(const cli_json *j, int levels)
{
    for (int i = 0; i < levels; i++)
        fputs("  ", j->f);
}

/* What goes before a value or a key: the separator and line of the
 * container it is in. */
static void before(cli_json *j)
{
    if (j->after_key) {
        j->after_key = 0;
        return;
    }
    if (j->depth == 0)
        return;
    int d = j->depth - 1;
    if (!j->open[d].first)
        fputc(',', j->f);
    if (!j->open[d].inline_) {
        fputc('\n', j->f);
        indent(j, j->depth);
    } else if (!j->open[d].first) {
        fputc(' ', j->f);
    }
    j->open[d].first = 0;
}

static void open_container(cli_json *j, char c, int style)
{
    before(j);
    fputc(c, j->f);
    if (j->depth == CLI_JSON_MAX_DEPTH)
        abort(); /* a bug in the caller: no output nests this deep */
    j->open[j->depth].close = c == '{' ? '}' : ']';
    j->open[j->depth].inline_ = (char)(style == CLI_JSON_INLINE);
    j->open[j->depth].first = 1;
    j->depth++;
}

void cli_json_object(cli_json *j, int style) { open_container(j, '{', style); }
void cli_json_array(cli_json *j, int style) { open_container(j, '[', style); }

void cli_json_end(cli_json *j)
{
    int d = --j->depth;
    if (!j->open[d].inline_ && !j->open[d].first) {
        fputc('\n', j->f);
        indent(j, j->depth);
    }
    fputc(j->open[d].close, j->f);
    if (j->depth == 0)
        fputc('\n', j->f);
}

void cli_json_key(cli_json *j, const char *key)
{
    before(j);
    cli_json_string(j->f, key);
    fputs(": ", j->f);
    j->after_key = 1;
}

void cli_json_str(cli_json *j, const char *s)
{
    before(j);
    cli_json_string(j->f, s);
}

void cli_json_uint(cli_json *j, unsigned long long v)
{
    before(j);
    fprintf(j->f, "%llu", v);
}

void cli_json_double(cli_json *j, double v)
{
    before(j);
    cli_json_number(j->f, v);
}

void cli_json_bool(cli_json *j, int v)
{
    before(j);
    fputs(v ? "true" : "false", j->f);
}

void cli_json_null(cli_json *j)
{
    before(j);
    fputs("null", j->f);
}

void cli_json_strf(cli_json *j, const char *fmt, ...)
{
    char buf[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    cli_json_str(j, buf);
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

void cli_json_string(FILE *f, const char *s)
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
            if (*p < 0x20 || *p == 0x7f)
                fprintf(f, "\\u%04x", *p);
            else
                fputc(*p, f);
        }
    }
    fputc('"', f);
}

void cli_json_number(FILE *f, double v)
{
    /* the shortest decimal that reads back as the same double */
    char buf[40];
    for (int prec = 1; prec <= 17; prec++) {
        snprintf(buf, sizeof buf, "%.*g", prec, v);
        if (strtod(buf, NULL) == v)
            break;
    }
    fputs(buf, f);
}

void cli_json_kstr(cli_json *j, const char *key, const char *s)
{
    cli_json_key(j, key);
    cli_json_str(j, s);
}

void cli_json_kuint(cli_json *j, const char *key, unsigned long long v)
{
    cli_json_key(j, key);
    cli_json_uint(j, v);
}

void cli_json_kdouble(cli_json *j, const char *key, double v)
{
    cli_json_key(j, key);
    cli_json_double(j, v);
}

void cli_json_kbool(cli_json *j, const char *key, int v)
{
    cli_json_key(j, key);
    cli_json_bool(j, v);
}

void cli_json_split_id(cli_json *j, const char *name, fmn_dataset dataset,
                       fmn_dataset naming, unsigned long long count)
{
    cli_json_kstr(j, "name", name);
    cli_json_kstr(j, "dataset", fmn_dataset_name(dataset));
    cli_json_kstr(j, "class_names", fmn_dataset_name(naming));
    cli_json_kuint(j, "count", count);
}

void cli_json_kstrings(cli_json *j, const char *key, char *const *s,
                       size_t n)
{
    cli_json_key(j, key);
    cli_json_array(j, CLI_JSON_BLOCK);
    for (size_t i = 0; i < n; i++)
        cli_json_str(j, s[i]);
    cli_json_end(j);
}
