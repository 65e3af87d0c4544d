/* cmd_verify.c - `fmnist verify [PATH...]`: is this download complete and
 * the official release? Every file (every copy of each) judged by the
 * library, the pairs checked by the library, and one verdict line. */
#define _POSIX_C_SOURCE 200809L
#include "builtin.h"
#include "cli_parse.h"
#include "cli_json.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

static const char HELP[] =
    "usage: fmnist verify [options] [PATH...]\n"
    "\n"
    "Check a download: every structural check the library makes (gzip CRCs\n"
    "and lengths, header, payload size, labels, pairing), plus the content\n"
    "and the published checksums. For a directory, the four files of the\n"
    "train and test splits must all be there, and every copy of each (as\n"
    "torchvision keeps x.gz beside x) is checked: each must be official and\n"
    "all must hold the same bytes. Each file is reported as\n"
    "  identical                the published .gz, byte for byte (its MD5)\n"
    "  repacked (same content)  the published content in another container\n"
    "                           (the SHA-256 of the decoded bytes)\n"
    "  misnamed                 a published file under another one's name\n"
    "  modified                 the shape of a published file, other content\n"
    "                           (also: its CRC-32 made to match, not its\n"
    "                           SHA-256)\n"
    "  not known                the shape of a published file whose content\n"
    "                           has no known checksum: it cannot be checked\n"
    "  unknown                  not the shape of any published file\n"
    "  invalid                  the file is damaged (the message says how)\n"
    "  missing                  expected in the directory, not found\n"
    "and the last line is the verdict: VERIFIED, NOT VERIFIED (nothing\n"
    "wrong found, but some file could not be checked) or FAILED.\n"
    "\n"
    CLI_FILES_OPTIONS_HELP
    "\n"
    "Exit status: 0 only if every file is complete and official, 1\n"
    "otherwise, 2 for a usage error.\n";

enum verdict { V_IDENTICAL, V_REPACKED, V_MISNAMED, V_MODIFIED, V_NOT_KNOWN,
               V_NAMED, V_UNKNOWN, V_INVALID, V_MISSING };

static const char *const WORD[] = {"identical", "repacked",  "misnamed",
                                   "modified",  "not-known", "named",
                                   "unknown",   "invalid",   "missing"};
static const char *const TEXT[] = {"identical", "repacked (same content)",
                                   "misnamed",  "modified",
                                   "not known", "by name (no checksum)",
                                   "unknown",   "invalid",
                                   "missing"};

typedef struct checked {
    const char *path;   /* NULL when missing */
    size_t dir;         /* index of its directory + 1, 0 for a file alone */
    fmn_split_id split; /* its role: from the directory, or the content */
    fmn_file_kind kind;
    enum verdict v;
    fmn_dataset dataset;
    char message[1024];
} checked;

typedef struct plan {
    checked *files;
    size_t n, cap;
    fmn_dir **dirs;
    size_t ndirs;
    cli_problems problems; /* the pairs' and the folders' */
} plan;

static checked *new_file(plan *p)
{
    if (p->n == p->cap) {
        size_t cap = p->cap ? p->cap * 2 : 8;
        checked *grown = realloc(p->files, cap * sizeof *grown);
        if (!grown)
            return NULL;
        p->files = grown;
        p->cap = cap;
    }
    checked *c = &p->files[p->n++];
    memset(c, 0, sizeof *c);
    return c;
}

/* The verdict on one loaded file, from the library's identification. */
static enum verdict judge(const fmn_file_info *fi)
{
    switch (fi->release) {
    case FMN_RELEASE_IDENTICAL: return V_IDENTICAL;
    case FMN_RELEASE_REPACKED: return V_REPACKED;
    case FMN_RELEASE_PUBLISHED: break; /* not hashed: verify always hashes */
    case FMN_RELEASE_MODIFIED: return V_MODIFIED;
    case FMN_RELEASE_NOT_KNOWN: return V_NOT_KNOWN;
    case FMN_RELEASE_NAMED: return V_NAMED;
    case FMN_RELEASE_UNKNOWN: break;
    }
    return V_UNKNOWN;
}

static void check_file(checked *c, const plan *p, const fmn_options *opt)
{
    if (!c->path) {
        c->v = V_MISSING;
        snprintf(c->message, sizeof c->message, "%s: no %s %s file",
                 fmn_dir_location(p->dirs[c->dir - 1]),
                 fmn_split_id_name(c->split), fmn_file_kind_name(c->kind));
        return;
    }
    fmn_idx *idx;
    fmn_error err;
    if (fmn_idx_load_file(c->path, opt, &idx, &err) != FMN_OK) {
        c->v = V_INVALID;
        snprintf(c->message, sizeof c->message, "%s", err.message);
        return;
    }
    const fmn_file_info *fi = fmn_idx_info(idx);
    c->v = judge(fi);
    c->dataset = fi->dataset;
    if (!c->dir) { /* a file alone: its role is what its content says */
        c->split = fi->split;
        c->kind = fi->kind;
    }
    fmn_status role = c->dir ? fmn_dir_check_role(p->dirs[c->dir - 1], fi,
                                                  c->split, c->kind, &err)
                             : FMN_OK;
    if (role != FMN_OK) {
        c->v = V_MISNAMED;
        snprintf(c->message, sizeof c->message, "%s", err.message);
    } else if (c->v >= V_MODIFIED) {
        char say[512];
        fmn_release_describe(fi, say, sizeof say);
        snprintf(c->message, sizeof c->message, "%s: %s (crc32 %08x)",
                 c->path, say, (unsigned)fi->crc32);
    }
    fmn_idx_free(idx);
}

/* Every file a directory should hold, each copy of each. */
static int plan_dir(plan *p, const char *path)
{
    fmn_dir *dir;
    fmn_error err;
    if (fmn_dir_open(path, &dir, &err) != FMN_OK) {
        cli_problem(&p->problems, err.message);
        return 1;
    }
    fmn_dir **grown = realloc(p->dirs, (p->ndirs + 1) * sizeof *grown);
    if (!grown) {
        fmn_dir_free(dir);
        return 0;
    }
    p->dirs = grown;
    p->dirs[p->ndirs++] = dir;
    for (int s = FMN_SPLIT_TRAIN; s <= FMN_SPLIT_TEST; s++)
        for (int k = FMN_FILE_IMAGES; k <= FMN_FILE_LABELS; k++)
            for (size_t i = 0; i == 0 || fmn_dir_copy(dir, (fmn_split_id)s,
                                                       (fmn_file_kind)k, i);
                 i++) {
                checked *c = new_file(p);
                if (!c)
                    return 0;
                c->dir = p->ndirs;
                c->split = (fmn_split_id)s;
                c->kind = (fmn_file_kind)k;
                c->path = fmn_dir_copy(dir, c->split, c->kind, i);
            }
    return 1;
}

static int make_plan(plan *p, int argc, char **argv, const char *fallback)
{
    for (int i = optind; i < argc || fallback; i++) {
        const char *path = fallback ? fallback : argv[i];
        fallback = NULL;
        int ok;
        if (fmn_path_is_folder(path)) {
            ok = plan_dir(p, path);
        } else {
            checked *c = new_file(p);
            if ((ok = c != NULL))
                c->path = path;
        }
        if (!ok) {
            cli_error("out of memory");
            return 0;
        }
    }
    return 1;
}

/* fmn_options.report for the folders' checks: a problem already said of
 * a file is not said twice. */
static void report_new(void *ctx, const fmn_error *problem)
{
    plan *p = ctx;
    for (size_t i = 0; i < p->n; i++)
        if (strcmp(p->files[i].message, problem->message) == 0)
            return;
    cli_problem(&p->problems, problem->message);
}

/* Each directory as a whole, by the library: the pairs (counts, labels,
 * one release), the files' roles, and every copy the same bytes. */
static void check_folders(plan *p, const fmn_options *opt_in)
{
    fmn_options opt = *opt_in;
    opt.report = report_new;
    opt.report_ctx = p;
    for (size_t d = 0; d < p->ndirs; d++) {
        fmn_split *train, *test;
        fmn_dir_load_both(p->dirs[d], &opt, &train, &test, NULL, NULL);
        fmn_split_free(train);
        fmn_split_free(test);
    }
}

static void print_text(const checked *c, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        char role[32] = "";
        if (c[i].split && c[i].kind)
            snprintf(role, sizeof role, "%s %s", fmn_split_id_name(c[i].split),
                     fmn_file_kind_name(c[i].kind));
        printf("%-13s %-24s ", role, TEXT[c[i].v]);
        cli_put_safe(stdout, c[i].path ? c[i].path : "");
        printf("\n");
    }
}

static void print_json(const char *verdict, const char *summary,
                       const plan *p)
{
    cli_json j;
    cli_json_init(&j, stdout);
    cli_json_object(&j, CLI_JSON_BLOCK);
    cli_json_kstr(&j, "verdict", verdict);
    cli_json_kstr(&j, "summary", summary);
    cli_json_key(&j, "files");
    cli_json_array(&j, CLI_JSON_BLOCK);
    for (size_t i = 0; i < p->n; i++) {
        const checked *c = &p->files[i];
        cli_json_object(&j, CLI_JSON_INLINE);
        cli_json_kstr(&j, "path", c->path);
        cli_json_kstr(&j, "split", fmn_split_id_name(c->split));
        cli_json_kstr(&j, "kind", fmn_file_kind_name(c->kind));
        cli_json_kstr(&j, "status", WORD[c->v]);
        cli_json_kstr(&j, "dataset", fmn_dataset_name(c->dataset));
        cli_json_kstr(&j, "message", c->message[0] ? c->message : NULL);
        cli_json_end(&j);
    }
    cli_json_end(&j);
    cli_json_kstrings(&j, "errors", p->problems.msg, p->problems.n);
    cli_json_end(&j);
}

/* The verdict line, and whether it is VERIFIED. */
static int summarise(const plan *p, char *summary, size_t cap,
                     const char **verdict)
{
    size_t good = 0, identical = 0, not_known = 0;
    fmn_dataset dataset = FMN_DATASET_UNKNOWN;
    int several = 0;
    for (size_t i = 0; i < p->n; i++) {
        const checked *c = &p->files[i];
        not_known += c->v == V_NOT_KNOWN || c->v == V_NAMED;
        if (c->v > V_REPACKED)
            continue;
        good++;
        identical += c->v == V_IDENTICAL;
        several |= dataset && c->dataset != dataset;
        dataset = c->dataset;
    }
    const char *name = several ? "published" : fmn_dataset_title(dataset);
    if (!name)
        name = "published";
    size_t bad = p->n - good;
    if (p->n == 0) {
        snprintf(summary, cap, "FAILED: no files to verify");
        *verdict = "failed";
        return 0;
    }
    if (bad == 0 && p->problems.n == 0) {
        snprintf(summary, cap,
                 "VERIFIED: %zu of %zu %s the official %s release (%zu "
                 "identical, %zu repacked with the same content)",
                 good, p->n, cli_plural(p->n, "file is", "files are"), name,
                 identical, good - identical);
        *verdict = "verified";
        return 1;
    }
    if (bad == not_known && p->problems.n == 0) {
        snprintf(summary, cap,
                 "NOT VERIFIED: %zu of %zu files are the official %s "
                 "release; %zu cannot be checked (no checksum of its content "
                 "is known)",
                 good, p->n, name, not_known);
        *verdict = "unverified";
    } else if (bad == 0) {
        snprintf(summary, cap,
                 "FAILED: the files are official, but do not form one "
                 "release (see the messages above)");
        *verdict = "failed";
    } else {
        snprintf(summary, cap,
                 "FAILED: %zu of %zu %s not the official %s release", bad,
                 p->n, cli_plural(p->n, "file is", "files are"), name);
        *verdict = "failed";
    }
    return 0;
}

int cmd_verify(int argc, char **argv)
{
    fmn_options opt;
    int json;
    const char *fallback;
    int status = cli_files_options(argc, argv, "verify", HELP, &json, NULL,
                                   &opt, &fallback);
    if (status != CLI_CONTINUE)
        return status;
    plan p;
    memset(&p, 0, sizeof p);
    int ok = make_plan(&p, argc, argv, fallback);
    for (size_t i = 0; ok && i < p.n; i++) {
        check_file(&p.files[i], &p, &opt);
        if (p.files[i].v > V_REPACKED)
            cli_error("%s", p.files[i].message[0] ? p.files[i].message
                                                   : p.files[i].path);
    }
    if (ok)
        check_folders(&p, &opt);
    char summary[256];
    const char *verdict;
    ok = summarise(&p, summary, sizeof summary, &verdict) && ok;
    if (json) {
        print_json(verdict, summary, &p);
    } else {
        print_text(p.files, p.n);
        printf("%s\n", summary);
    }
    free(p.files);
    for (size_t d = 0; d < p.ndirs; d++) /* they own the paths printed */
        fmn_dir_free(p.dirs[d]);
    free(p.dirs);
    cli_problems_free(&p.problems);
    return ok ? EXIT_OK : EXIT_BAD;
}
