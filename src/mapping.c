/* mapping.c - EMNIST's class mapping files (emnist-letters-mapping.txt:
 * one line per class, "LABEL CODE [CODE]", the codes the ASCII characters
 * the class stands for), checked against the class names this library
 * gives. */
#include "internal.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

/* The most a mapping file may hold: 62 short lines are EMNIST's largest. */
enum { MAX_MAPPING = 64 * 1024 };

/* Reads the whole file at `path` (NUL-terminated) into *text. */
static fmn_status read_text(const char *path, const fmn_allocator *heap,
                            char **text, fmn_error *err)
{
    fmni_src src;
    fmn_status st = fmni_src_open_file(&src, path, heap, err);
    if (st != FMN_OK)
        return st;
    char *buf = fmni_malloc(heap, MAX_MAPPING + 1);
    size_t got = 0;
    if (!buf)
        st = fmni_fail(err, FMN_ERR_NOMEM, path, FMN_NO_OFFSET, 0,
                       "out of memory for a mapping file");
    else
        st = fmni_src_read(&src, buf, MAX_MAPPING + 1, &got, err);
    fmni_src_close(&src);
    if (st == FMN_OK && got > MAX_MAPPING)
        st = fmni_fail(err, FMN_ERR_CLASS_MAP, path, FMN_NO_OFFSET, 0,
                       "more than %d bytes: not a class mapping file",
                       MAX_MAPPING);
    if (st != FMN_OK) {
        fmni_free(heap, buf);
        return st;
    }
    buf[got] = '\0';
    *text = buf;
    return FMN_OK;
}

/* Whether character code `code` is the class named `name` (one character,
 * upper and lower case alike for a class that merges them). */
static int names_code(const char *name, unsigned long code, int merged)
{
    if (!name || strlen(name) != 1 || code > 127)
        return 0;
    int c = (unsigned char)name[0];
    return (unsigned long)c == code ||
           (merged && (unsigned long)tolower(c) == (unsigned long)tolower((int)code));
}

/* Checks one line, "LABEL CODE [CODE ...]": FMN_OK, or a message. */
static fmn_status check_line(const char *path, size_t line, const char *s,
                             fmn_dataset naming, fmn_error *err)
{
    char *end;
    unsigned long label = strtoul(s, &end, 10);
    if (end == s)
        return fmni_fail(err, FMN_ERR_CLASS_MAP, path, FMN_NO_OFFSET, 0,
                         "line %zu: expected \"LABEL CODE\", found \"%.40s\"",
                         line, s);
    const char *name = label < 256 ? fmn_class_name(naming, (unsigned)label)
                                   : NULL;
    int merged = fmn_dataset_first_label(naming) == 1; /* Letters: A and a */
    int any = 0, match = 0;
    for (s = end;;) {
        unsigned long code = strtoul(s, &end, 10);
        if (end == s)
            break;
        any = 1;
        match |= names_code(name, code, merged);
        s = end;
    }
    if (any && match)
        return FMN_OK;
    if (!name)
        return fmni_fail(err, FMN_ERR_CLASS_MAP, path, FMN_NO_OFFSET, 0,
                         "line %zu maps label %lu, which is not a class of "
                         "%s",
                         line, label, fmn_dataset_title(naming));
    return fmni_fail(err, FMN_ERR_CLASS_MAP, path, FMN_NO_OFFSET, 0,
                     "line %zu maps label %lu to another character than "
                     "'%s', class %lu of %s",
                     line, label, name, label, fmn_dataset_title(naming));
}

fmn_status fmni_check_mapping(const char *path, fmn_dataset naming,
                              const fmn_allocator *heap, fmn_error *err)
{
    char *text;
    fmn_error e;
    if (!fmn_class_name(naming, fmn_dataset_first_label(naming)))
        return FMN_OK; /* no names to check against */
    fmn_status st = read_text(path, heap, &text, &e);
    if (st == FMN_ERR_NOT_FOUND)
        return FMN_OK; /* no mapping file: nothing to check */
    if (st != FMN_OK) {
        if (err)
            *err = e;
        return st;
    }
    size_t line = 0, lines = 0;
    for (char *s = text; st == FMN_OK && *s;) {
        char *nl = strchr(s, '\n');
        if (nl)
            *nl = '\0';
        line++;
        while (isspace((unsigned char)*s))
            s++;
        if (*s) {
            st = check_line(path, line, s, naming, err);
            lines++;
        }
        s = nl ? nl + 1 : s + strlen(s);
    }
    if (st == FMN_OK && lines != fmn_dataset_num_classes(naming))
        st = fmni_fail(err, FMN_ERR_CLASS_MAP, path, FMN_NO_OFFSET, 0,
                       "maps %zu classes, but %s has %u", lines,
                       fmn_dataset_title(naming),
                       fmn_dataset_num_classes(naming));
    fmni_free(heap, text);
    return st;
}
