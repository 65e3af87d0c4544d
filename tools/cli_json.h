/* cli_json.h - a small JSON writer: the commas, colons, brackets and
 * indentation of every --json output, in one place. */
#ifndef FMNIST_CLI_JSON_H
#define FMNIST_CLI_JSON_H

#include "cli.h"
#include "fmnist.h"

#include <stdio.h>

/* Containers are written "block" (each member on a line of its own,
 * indented two spaces a level) or "inline" (members on one line, ", "
 * between them); a block container may sit inside an inline one. */
enum { CLI_JSON_BLOCK = 0, CLI_JSON_INLINE = 1, CLI_JSON_MAX_DEPTH = 16 };

typedef struct cli_json {
    FILE *f;
    int depth;
    int after_key;                      /* a key was written: its value next */
    struct {
        char close;                     /* '}' or ']' */
        char inline_;
        char first;                     /* no member written yet */
    } open[CLI_JSON_MAX_DEPTH];
} cli_json;

/* Starts a document on `f`. */
void cli_json_init(cli_json *j, FILE *f);

/* Starts a fragment: members of a block container `depth` levels deep,
 * written to `f` (a memory stream, say) and spliced in later. */
void cli_json_init_at(cli_json *j, FILE *f, int depth);

/* Writes `text`, members made by a fragment writer of the same depth, into
 * the innermost open container of `j`. */
void cli_json_splice(cli_json *j, const char *text);

/* Opens an object or an array (as a value: after a key, in an array, or
 * at the top); cli_json_end closes the innermost one, and the document
 * with a newline when it was the outermost. */
void cli_json_object(cli_json *j, int style);
void cli_json_array(cli_json *j, int style);
void cli_json_end(cli_json *j);

/* The key of the next member of an object. */
void cli_json_key(cli_json *j, const char *key);

/* Values. A NULL string is null. */
void cli_json_str(cli_json *j, const char *s);
void cli_json_uint(cli_json *j, unsigned long long v);
void cli_json_double(cli_json *j, double v);
void cli_json_bool(cli_json *j, int v);
void cli_json_null(cli_json *j);
/* A member: its key and its value in one call. */
void cli_json_kstr(cli_json *j, const char *key, const char *s);
void cli_json_kuint(cli_json *j, const char *key, unsigned long long v);
void cli_json_kdouble(cli_json *j, const char *key, double v);
void cli_json_kbool(cli_json *j, const char *key, int v);

/* A member whose value is an array of the n strings s[0..n-1] ("errors"). */
void cli_json_kstrings(cli_json *j, const char *key, char *const *s,
                       size_t n);

/* The members that name a split, first in every split object: "name",
 * "dataset" (what the content is), "class_names" (whose names the labels
 * get) and "count" (items). */
void cli_json_split_id(cli_json *j, const char *name, fmn_dataset dataset,
                       fmn_dataset naming, unsigned long long count);

/* "crc32": "b4f29f28"-style text made with printf's format. */
void cli_json_strf(cli_json *j, const char *fmt, ...) CLI_PRINTF(2, 3);

/* Writes `s` to `f` as a quoted, escaped JSON string (null for NULL); any
 * byte that is not valid UTF-8 becomes U+FFFD. */
void cli_json_string(FILE *f, const char *s);

/* Writes the shortest decimal that reads back as `v` (as Python's repr). */
void cli_json_number(FILE *f, double v);

#endif
