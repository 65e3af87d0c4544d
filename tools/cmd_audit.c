/* cmd_audit.c - `fmnist audit [PATH]`: what the exact nearest neighbours
 * say of a dataset: test images that are near copies of train images
 * (and the 1-NN accuracy they give), near copies within each split,
 * near pairs whose labels differ, and labels most of an item's
 * neighbours disagree with. The search and the rules are the library's
 * (fmn_knn, fmn_knn_suspect); this file chooses what to show. */
#include "builtin.h"
#include "cli_json.h"
#include "cli_parse.h"
#include "cli_png.h"
#include "font.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

static const char HELP[] =
    "usage: fmnist audit [PATH] [--near D2] [--top N] [--k K] [--json]\n"
    "                    [-o PAIRS.png]\n"
    "\n"
    "Finds the exact nearest neighbours of every image (squared L2 distance\n"
    "over the pixels, an exact integer; ties to the lower index) and\n"
    "reports: exact duplicates; for each test image its nearest train\n"
    "image, the 1-NN accuracy this gives, a histogram of those distances,\n"
    "how many test images have a train image within --near, and the\n"
    "closest pairs; the same within each split; label conflicts (pairs\n"
    "within --near whose labels differ); and suspect labels: items of\n"
    "which more than half of the K nearest in their own split share one\n"
    "other label. With one split (or --images and --labels), only what\n"
    "lies within it.\n"
    "\n"
    "Options:\n"
    "      --near D2         a near copy: squared L2 distance at most D2\n"
    "                        (default 20000: an RMS difference of about 5\n"
    "                        grey levels a pixel on 28x28 images)\n"
    "      --top N           pairs and suspects listed (default 10)\n"
    "      --k K             neighbours that judge a label (default 10)\n"
    "  -o, --output FILE     a PNG sheet of the closest pairs side by side,\n"
    "                        each with its indices, labels and distance\n"
    "                        (\"-\": standard output, the sheet alone)\n"
    "      --scale K         enlarge the sheet K times (default 1)\n"
    "      --invert          dark on light: 255 - value\n"
    "      --compression N   zlib level 0-9 (default 1)\n"
    "      --force           overwrite FILE if it exists\n"
    CLI_JSON_HELP CLI_FILES_HELP CLI_DATA_HELP CLI_UPRIGHT_HELP CLI_HELP_HELP
    "\n"
    "Exit status: 0 on success, 1 if the data cannot be read, 2 for a\n"
    "usage error.\n";

enum { OPT_NEAR = CLI_OPT_COMMAND, OPT_TOP, OPT_K };

enum { NEAR_DEFAULT = 20000, TOP_DEFAULT = 10, K_DEFAULT = 10 };

typedef struct request {
    cli_source src;
    cli_png png;
    uint64_t near;
    size_t top, k;
    unsigned threads; /* --threads */
    int json;
    const char *out; /* -o */
} request;

/* One pair of images: a < b within a split; a test, b train across. */
typedef struct pair {
    uint64_t d;
    size_t a, b;
} pair;

/* What one search found and what is shown of it. */
typedef struct finding {
    const char *a_split, *b_split; /* "test", "train"; equal within */
    const fmn_split *sa, *sb;
    fmn_neighbor *nn;              /* count(sa) rows of k */
    size_t k;
    pair *pairs;                   /* the distinct pairs, nearest first */
    size_t npairs;
    size_t copies, near_count;     /* items with a copy, with a near one */
    size_t conflicts;              /* near pairs of two labels */
} finding;

typedef struct suspect {
    size_t index;
    unsigned label, votes;
    int says;
} suspect;

/* The audit: across (when both splits are there), then each split. */
typedef struct audit {
    finding across, within[2];
    size_t nwithin;
    int has_across;
    suspect *suspects[2];
    size_t nsuspects[2];
} audit;

/* ---- options ------------------------------------------------------------ */

static int own_option(void *ctx, int c, const char *arg)
{
    request *rq = ctx;
    unsigned long long n;
    switch (c) {
    case 'o': rq->out = arg; return 1;
    case OPT_JSON: rq->json = 1; return 1;
    case OPT_NEAR:
        if (cli_parse_uint(arg, 0, UINT64_MAX, &n)) {
            rq->near = n;
            return 1;
        }
        cli_usage("audit", "--near: '%s' is not a squared distance (a whole "
                           "number)", arg);
        return 0;
    case OPT_TOP:
    case OPT_K:
        if (cli_parse_uint(arg, c == OPT_K, 1000000, &n)) {
            *(c == OPT_K ? &rq->k : &rq->top) = (size_t)n;
            return 1;
        }
        cli_usage("audit", "%s: '%s' is not a number from %d to 1000000",
                  c == OPT_K ? "--k" : "--top", arg, c == OPT_K);
        return 0;
    default: return 1;
    }
}

/* The options together. */
static int check_request(void *ctx)
{
    const request *rq = ctx;
    if (rq->json && cli_is_stdout(rq->out))
        return cli_usage("audit", "-o -: the sheet takes standard output; "
                                  "drop --json or name a file");
    if (rq->out && !*rq->out)
        return cli_usage("audit", "-o: an empty file name");
    return EXIT_OK;
}

static int start(int argc, char **argv, void *ctx, cli_data *d)
{
    request *rq = ctx;
    static const struct option longopts[] = {
        {"near", required_argument, NULL, OPT_NEAR},
        {"top", required_argument, NULL, OPT_TOP},
        {"k", required_argument, NULL, OPT_K},
        {"json", no_argument, NULL, OPT_JSON},
        {"output", required_argument, NULL, 'o'},
        CLI_PNG_LONGOPTS,
        CLI_UPRIGHT_LONGOPT, CLI_SPLIT_LONGOPTS_END};
    fmn_options opt;
    *rq = (request){.src.mask = CLI_TRAIN | CLI_TEST,
                    .png = CLI_PNG_DEFAULTS,
                    .near = NEAR_DEFAULT,
                    .top = TOP_DEFAULT,
                    .k = K_DEFAULT};
    const cli_parser p = {
        .cmd = "audit", .help = HELP, .shortopts = ":ho:",
        .longopts = longopts, .opt = &opt, .src = &rq->src, .png = &rq->png,
        .own = own_option, .check = check_request, .ctx = rq,
        .need_both = 1, .upright = 1};
    int status = cli_parse_options(&p, argc, argv);
    rq->threads = opt.threads;
    return cli_data_start(d, status, &rq->src, &opt);
}

/* ---- the searches --------------------------------------------------- */

static int by_pair(const void *x, const void *y)
{
    const pair *p = x, *q = y;
    if (p->d != q->d)
        return p->d < q->d ? -1 : 1;
    if (p->a != q->a)
        return p->a < q->a ? -1 : 1;
    return p->b < q->b ? -1 : p->b > q->b;
}

static unsigned label_of(const fmn_split *sp, size_t i)
{
    return fmn_split_labels(sp)[i];
}

/* The distinct pairs of f's rows (within a split each pair once, a < b),
 * nearest first, and the counts; 0 when memory ran out. */
static int collect_pairs(finding *f, uint64_t near)
{
    size_t n = fmn_split_count(f->sa), within = f->sa == f->sb;
    f->pairs = malloc((n * f->k > 0 ? n * f->k : 1) * sizeof *f->pairs);
    if (!f->pairs)
        return 0;
    for (size_t i = 0; i < n; i++) {
        const fmn_neighbor *row = f->nn + i * f->k;
        f->copies += row[0].index != FMN_NO_NEIGHBOR && row[0].distance2 == 0;
        f->near_count +=
            row[0].index != FMN_NO_NEIGHBOR && row[0].distance2 <= near;
        for (size_t t = 0; t < f->k && row[t].index != FMN_NO_NEIGHBOR; t++) {
            size_t j = row[t].index;
            pair p = {row[t].distance2, within && j < i ? j : i,
                      within && j < i ? i : j};
            f->pairs[f->npairs++] = p;
        }
    }
    qsort(f->pairs, f->npairs, sizeof *f->pairs, by_pair);
    size_t m = 0; /* a pair met from both ends, once */
    for (size_t t = 0; t < f->npairs; t++)
        if (m == 0 || by_pair(&f->pairs[m - 1], &f->pairs[t]) != 0)
            f->pairs[m++] = f->pairs[t];
    f->npairs = m;
    for (size_t t = 0; t < m && f->pairs[t].d <= near; t++)
        f->conflicts += label_of(f->sa, f->pairs[t].a) !=
                        label_of(f->sb, f->pairs[t].b);
    return 1;
}

/* Searches a's images in b's (a itself when a == b, each item's own index
 * left out), k neighbours each; EXIT_OK or EXIT_BAD after a message. */
static int search(finding *f, const fmn_split *a, const fmn_split *b,
                  size_t k, const request *rq)
{
    f->sa = a;
    f->sb = b;
    f->k = k;
    size_t n = fmn_split_count(a);
    fmn_knn_options o;
    fmn_knn_options_init(&o);
    o.k = k;
    o.threads = rq->threads;
    fmn_images ia = fmn_split_images(a), ib = fmn_split_images(b);
    fmn_error err;
    f->nn = n <= SIZE_MAX / sizeof *f->nn / k
                ? malloc((n ? n * k : 1) * sizeof *f->nn)
                : NULL;
    if (!f->nn) {
        cli_error("out of memory for the neighbours of %zu images", n);
        return EXIT_BAD;
    }
    if (fmn_knn(ia, a == b ? NULL : &ib, &o, f->nn, n * k, &err) != FMN_OK) {
        cli_error("%s", err.message);
        return EXIT_BAD;
    }
    if (!collect_pairs(f, rq->near)) {
        cli_error("out of memory for the pairs of %zu images", n);
        return EXIT_BAD;
    }
    return EXIT_OK;
}

static int by_votes(const void *x, const void *y)
{
    const suspect *p = x, *q = y;
    if (p->votes != q->votes)
        return p->votes > q->votes ? -1 : 1;
    return p->index < q->index ? -1 : p->index > q->index;
}

/* The suspects of a split searched against itself, most certain first. */
static int find_suspects(const finding *f, suspect **out, size_t *n)
{
    size_t count = fmn_split_count(f->sa);
    const uint8_t *labels = fmn_split_labels(f->sa);
    *n = 0;
    *out = malloc((count ? count : 1) * sizeof **out);
    if (!*out)
        return 0;
    for (size_t i = 0; i < count; i++) {
        unsigned votes;
        int c = fmn_knn_suspect(f->nn + i * f->k, f->k, labels, labels[i],
                                &votes);
        if (c >= 0)
            (*out)[(*n)++] = (suspect){i, labels[i], votes, c};
    }
    qsort(*out, *n, sizeof **out, by_votes);
    return 1;
}

/* The searches: test in train when both are there (and of one size),
 * then each split in itself. EXIT_OK, or EXIT_BAD after a message. */
static int plan(const request *rq, const cli_data *d, audit *au)
{
    int train = -1, test = -1;
    for (size_t i = 0; i < d->n; i++) {
        if (d->ids[i] == FMN_SPLIT_TRAIN)
            train = (int)i;
        if (d->ids[i] == FMN_SPLIT_TEST)
            test = (int)i;
    }
    if (train >= 0 && test >= 0) {
        fmn_images a = fmn_split_images(d->splits[test]);
        fmn_images b = fmn_split_images(d->splits[train]);
        if (a.height != b.height || a.width != b.width) {
            cli_error("%s: train images are %zux%zu but test images %zux%zu",
                      d->path, b.height, b.width, a.height, a.width);
            return EXIT_BAD;
        }
        au->has_across = 1;
        au->across.a_split = "test";
        au->across.b_split = "train";
        if (search(&au->across, d->splits[test], d->splits[train], 1, rq))
            return EXIT_BAD;
    }
    for (size_t i = 0; i < d->n; i++) {
        finding *f = &au->within[au->nwithin++];
        f->a_split = f->b_split = d->names[i];
        if (search(f, d->splits[i], d->splits[i], rq->k, rq))
            return EXIT_BAD;
        if (!find_suspects(f, &au->suspects[i], &au->nsuspects[i])) {
            cli_error("out of memory for the suspects of %zu images",
                      fmn_split_count(d->splits[i]));
            return EXIT_BAD;
        }
    }
    return EXIT_OK;
}

static void audit_free(audit *au)
{
    free(au->across.nn);
    free(au->across.pairs);
    for (size_t i = 0; i < 2; i++) {
        free(au->within[i].nn);
        free(au->within[i].pairs);
        free(au->suspects[i]);
    }
}

/* Test images whose nearest train image has their label. */
static size_t correct_1nn(const finding *f)
{
    size_t right = 0;
    for (size_t i = 0; i < fmn_split_count(f->sa); i++)
        right += f->nn[i].index != FMN_NO_NEIGHBOR &&
                 fmn_knn_vote(f->nn + i, 1, fmn_split_labels(f->sb), NULL) ==
                     (int)label_of(f->sa, i);
    return right;
}

/* ---- text --------------------------------------------------------------- */

/* The upper ends of the histogram's bins (squared L2); one more: above. */
static const uint64_t EDGES[] = {0,      1000,    2000,    5000,   10000,
                                 20000,  50000,   100000,  200000, 500000,
                                 1000000, 2000000, 5000000};
enum { NBINS = sizeof EDGES / sizeof EDGES[0] + 1 };

static void histogram(const finding *f, size_t bins[NBINS])
{
    memset(bins, 0, NBINS * sizeof *bins);
    for (size_t t = 0; t < f->npairs; t++) {
        size_t b = 0;
        while (b < NBINS - 1 && f->pairs[t].d > EDGES[b])
            b++;
        bins[b]++;
    }
}

/* "test 1234 (Shirt)" into buf. */
static const char *item_name(char *buf, size_t cap, const char *split,
                             const fmn_split *sp, size_t i)
{
    char num[16];
    snprintf(buf, cap, "%s %zu (%s)", split, i,
             cli_class_name(sp, label_of(sp, i), num));
    return buf;
}

static void text_pair(const finding *f, const pair *p)
{
    char a[96], b[96];
    printf("    ");
    cli_put_safe(stdout, item_name(a, sizeof a, f->a_split, f->sa, p->a));
    printf(" ~ ");
    cli_put_safe(stdout, item_name(b, sizeof b, f->b_split, f->sb, p->b));
    printf(": %llu\n", (unsigned long long)p->d);
}

static void text_pairs(const finding *f, size_t top, int conflicts_only,
                       uint64_t near)
{
    for (size_t t = 0, shown = 0; t < f->npairs && shown < top; t++) {
        const pair *p = &f->pairs[t];
        if (conflicts_only &&
            (p->d > near || label_of(f->sa, p->a) == label_of(f->sb, p->b)))
            continue;
        text_pair(f, p);
        shown++;
    }
}

static void text_across(const request *rq, const finding *f)
{
    size_t n = fmn_split_count(f->sa), right = correct_1nn(f), bins[NBINS];
    printf("\ntest -> train, the nearest train image of each test image:\n");
    printf("  1-NN accuracy: %.2f%% (%zu of %zu)\n",
           n ? 100.0 * (double)right / (double)n : 0.0, right, n);
    if (f->npairs)
        printf("  nearest: min %llu, median %llu, max %llu\n",
               (unsigned long long)f->pairs[0].d,
               (unsigned long long)f->pairs[f->npairs / 2].d,
               (unsigned long long)f->pairs[f->npairs - 1].d);
    printf("  within --near %llu: %zu test %s (%.2f%%)\n",
           (unsigned long long)rq->near, f->near_count,
           cli_plural(f->near_count, "image", "images"),
           n ? 100.0 * (double)f->near_count / (double)n : 0.0);
    histogram(f, bins);
    printf("  histogram of nearest distances (squared L2):\n");
    for (size_t b = 0; b < NBINS; b++)
        if (b < NBINS - 1)
            printf("    <= %-9llu %6zu\n", (unsigned long long)EDGES[b],
                   bins[b]);
        else
            printf("    >  %-9llu %6zu\n", (unsigned long long)EDGES[b - 1],
                   bins[b]);
    printf("  closest pairs:\n");
    text_pairs(f, rq->top, 0, 0);
}

static void text_within(const request *rq, const finding *f)
{
    size_t n = fmn_split_count(f->sa);
    printf("\nwithin ");
    cli_put_safe(stdout, f->a_split);
    printf(" (%zu %s, %zu nearest each):\n", n, cli_plural(n, "item", "items"),
           f->k);
    printf("  with a near copy (within %llu): %zu (%.2f%%)\n",
           (unsigned long long)rq->near, f->near_count,
           n ? 100.0 * (double)f->near_count / (double)n : 0.0);
    printf("  closest pairs:\n");
    text_pairs(f, rq->top, 0, 0);
}

static void text_conflicts(const request *rq, const audit *au)
{
    printf("\nlabel conflicts (pairs within %llu of two labels):",
           (unsigned long long)rq->near);
    if (au->has_across)
        printf(" %zu test-train,", au->across.conflicts);
    for (size_t i = 0; i < au->nwithin; i++) {
        printf(" %zu in ", au->within[i].conflicts);
        cli_put_safe(stdout, au->within[i].a_split);
        printf("%s", i + 1 < au->nwithin ? "," : "\n");
    }
    if (au->has_across)
        text_pairs(&au->across, rq->top, 1, rq->near);
    for (size_t i = 0; i < au->nwithin; i++)
        text_pairs(&au->within[i], rq->top, 1, rq->near);
}

/* Suspects counted per (given, neighbours') class: counts[given][says]. */
static void by_class(const suspect *s, size_t n, size_t counts[256][256])
{
    memset(counts, 0, 256 * sizeof counts[0]);
    for (size_t t = 0; t < n; t++)
        counts[s[t].label][s[t].says]++;
}

static void text_suspects(const request *rq, const audit *au)
{
    static size_t counts[256][256];
    printf("\nsuspect labels (more than half of the %zu nearest in the split "
           "share another label):\n",
           rq->k);
    for (size_t i = 0; i < au->nwithin; i++) {
        const finding *f = &au->within[i];
        size_t n = fmn_split_count(f->sa), ns = au->nsuspects[i];
        char g[16], c[16];
        printf("  ");
        cli_put_safe(stdout, f->a_split);
        printf(": %zu (%.2f%%)\n", ns, n ? 100.0 * (double)ns / (double)n : 0.0);
        by_class(au->suspects[i], ns, counts);
        for (unsigned a = 0; a < 256; a++)
            for (unsigned b = 0; b < 256; b++)
                if (counts[a][b] * 20 >= ns && counts[a][b]) { /* 5% or more */
                    printf("    labelled ");
                    cli_put_safe(stdout, cli_class_name(f->sa, a, g));
                    printf(", neighbours say ");
                    cli_put_safe(stdout, cli_class_name(f->sa, b, c));
                    printf(": %zu\n", counts[a][b]);
                }
        for (size_t t = 0; t < ns && t < rq->top; t++) {
            const suspect *s = &au->suspects[i][t];
            char item[96];
            printf("    ");
            cli_put_safe(stdout, item_name(item, sizeof item, f->a_split,
                                           f->sa, s->index));
            printf(": %u of %zu say ", s->votes, f->k);
            cli_put_safe(stdout, cli_class_name(f->sa, (unsigned)s->says, c));
            printf("\n");
        }
    }
}

static void print_text(const request *rq, const cli_data *d, const audit *au)
{
    cli_put_safe(stdout, d->path);
    fmn_images im = fmn_split_images(d->splits[0]);
    printf(": exact nearest neighbours by squared L2 distance over %zux%zu "
           "pixels\n",
           im.height, im.width);
    printf("exact copies:");
    if (au->has_across)
        printf(" %zu test %s in train,", au->across.copies,
               cli_plural(au->across.copies, "image", "images"));
    for (size_t i = 0; i < au->nwithin; i++) {
        printf(" %zu ", au->within[i].copies);
        cli_put_safe(stdout, au->within[i].a_split);
        printf(" %s with a copy in the split%s",
               cli_plural(au->within[i].copies, "image", "images"),
               i + 1 < au->nwithin ? "," : "");
    }
    printf("\n");
    if (au->has_across)
        text_across(rq, &au->across);
    for (size_t i = 0; i < au->nwithin; i++)
        text_within(rq, &au->within[i]);
    text_conflicts(rq, au);
    text_suspects(rq, au);
}

/* ---- JSON --------------------------------------------------------------- */

static void json_pairs(cli_json *j, const finding *f, size_t top,
                       int conflicts_only, uint64_t near)
{
    int across = f->sa != f->sb;
    cli_json_key(j, "pairs");
    cli_json_array(j, CLI_JSON_BLOCK);
    for (size_t t = 0, shown = 0; t < f->npairs && shown < top; t++) {
        const pair *p = &f->pairs[t];
        unsigned la = label_of(f->sa, p->a), lb = label_of(f->sb, p->b);
        if (conflicts_only && (p->d > near || la == lb))
            continue;
        cli_json_object(j, CLI_JSON_INLINE);
        cli_json_kuint(j, across ? "test" : "a", p->a);
        cli_json_kuint(j, across ? "train" : "b", p->b);
        cli_json_kuint(j, "distance2", p->d);
        cli_json_kuint(j, across ? "test_label" : "label_a", la);
        cli_json_kuint(j, across ? "train_label" : "label_b", lb);
        cli_json_end(j);
        shown++;
    }
    cli_json_end(j);
}

static void json_across(cli_json *j, const request *rq, const finding *f)
{
    size_t n = fmn_split_count(f->sa), right = correct_1nn(f), bins[NBINS];
    cli_json_key(j, "across");
    cli_json_object(j, CLI_JSON_BLOCK);
    cli_json_kuint(j, "count", n);
    cli_json_kuint(j, "correct_1nn", right);
    cli_json_kdouble(j, "accuracy_1nn", n ? (double)right / (double)n : 0.0);
    cli_json_kuint(j, "copies", f->copies);
    cli_json_kuint(j, "near", rq->near);
    cli_json_kuint(j, "near_count", f->near_count);
    histogram(f, bins);
    cli_json_key(j, "histogram");
    cli_json_array(j, CLI_JSON_BLOCK);
    for (size_t b = 0; b < NBINS; b++) {
        cli_json_object(j, CLI_JSON_INLINE);
        cli_json_key(j, "up_to");
        if (b < NBINS - 1)
            cli_json_uint(j, EDGES[b]);
        else
            cli_json_null(j);
        cli_json_kuint(j, "count", bins[b]);
        cli_json_end(j);
    }
    cli_json_end(j);
    json_pairs(j, f, rq->top, 0, 0);
    cli_json_end(j);
}

static void json_within(cli_json *j, const request *rq, const audit *au)
{
    cli_json_key(j, "within");
    cli_json_array(j, CLI_JSON_BLOCK);
    for (size_t i = 0; i < au->nwithin; i++) {
        const finding *f = &au->within[i];
        cli_json_object(j, CLI_JSON_BLOCK);
        cli_json_kstr(j, "split", f->a_split);
        cli_json_kuint(j, "count", fmn_split_count(f->sa));
        cli_json_kuint(j, "k", f->k);
        cli_json_kuint(j, "copies", f->copies);
        cli_json_kuint(j, "near_count", f->near_count);
        json_pairs(j, f, rq->top, 0, 0);
        cli_json_end(j);
    }
    cli_json_end(j);
}

static void json_conflicts(cli_json *j, const request *rq, const audit *au)
{
    cli_json_key(j, "label_conflicts");
    cli_json_array(j, CLI_JSON_BLOCK);
    for (size_t i = au->has_across ? 0 : 1; i <= au->nwithin; i++) {
        const finding *f = i ? &au->within[i - 1] : &au->across;
        cli_json_object(j, CLI_JSON_BLOCK);
        cli_json_kstr(j, "split", i ? f->a_split : "test-train");
        cli_json_kuint(j, "count", f->conflicts);
        json_pairs(j, f, rq->top, 1, rq->near);
        cli_json_end(j);
    }
    cli_json_end(j);
}

static void json_suspects(cli_json *j, const request *rq, const audit *au)
{
    static size_t counts[256][256];
    cli_json_key(j, "suspects");
    cli_json_array(j, CLI_JSON_BLOCK);
    for (size_t i = 0; i < au->nwithin; i++) {
        const finding *f = &au->within[i];
        size_t ns = au->nsuspects[i];
        cli_json_object(j, CLI_JSON_BLOCK);
        cli_json_kstr(j, "split", f->a_split);
        cli_json_kuint(j, "k", f->k);
        cli_json_kuint(j, "count", ns);
        by_class(au->suspects[i], ns, counts);
        cli_json_key(j, "by_class");
        cli_json_array(j, CLI_JSON_BLOCK);
        for (unsigned a = 0; a < 256; a++)
            for (unsigned b = 0; b < 256; b++)
                if (counts[a][b]) {
                    cli_json_object(j, CLI_JSON_INLINE);
                    cli_json_kuint(j, "given", a);
                    cli_json_kuint(j, "neighbours", b);
                    cli_json_kuint(j, "count", counts[a][b]);
                    cli_json_end(j);
                }
        cli_json_end(j);
        cli_json_key(j, "items");
        cli_json_array(j, CLI_JSON_BLOCK);
        for (size_t t = 0; t < ns && t < rq->top; t++) {
            const suspect *s = &au->suspects[i][t];
            cli_json_object(j, CLI_JSON_INLINE);
            cli_json_kuint(j, "index", s->index);
            cli_json_kuint(j, "label", s->label);
            cli_json_kuint(j, "neighbours", (unsigned)s->says);
            cli_json_kuint(j, "votes", s->votes);
            cli_json_end(j);
        }
        cli_json_end(j);
        cli_json_end(j);
    }
    cli_json_end(j);
}

static void print_json(const request *rq, const cli_data *d, const audit *au)
{
    cli_json j;
    cli_json_init(&j, stdout);
    cli_json_object(&j, CLI_JSON_BLOCK);
    cli_json_kstr(&j, "path", d->path);
    cli_json_kuint(&j, "k", rq->k);
    cli_json_kuint(&j, "near", rq->near);
    if (au->has_across)
        json_across(&j, rq, &au->across);
    json_within(&j, rq, au);
    json_conflicts(&j, rq, au);
    json_suspects(&j, rq, au);
    cli_json_end(&j);
}

/* ---- the sheet ------------------------------------------------------------ */

enum { GAP = 4, LINE = FONT_H + 2 };

/* The pairs drawn: the closest --top of each finding. */
typedef struct row {
    const finding *f;
    const pair *p;
} row;

static size_t sheet_rows(const request *rq, const audit *au, row *rows)
{
    size_t n = 0;
    for (size_t i = au->has_across ? 0 : 1; i <= au->nwithin; i++) {
        const finding *f = i ? &au->within[i - 1] : &au->across;
        for (size_t t = 0; t < f->npairs && t < rq->top; t++)
            rows[n++] = (row){f, &f->pairs[t]};
    }
    return n;
}

static void draw_row(uint8_t *c, size_t cw, size_t ch, size_t y,
                     const row *r, size_t h, size_t w)
{
    fmn_images ia = fmn_split_images(r->f->sa), ib = fmn_split_images(r->f->sb);
    const uint8_t *a = ia.data + r->p->a * h * w, *b = ib.data + r->p->b * h * w;
    for (size_t yy = 0; yy < h; yy++) {
        memcpy(c + (y + yy) * cw + GAP, a + yy * w, w);
        memcpy(c + (y + yy) * cw + 2 * GAP + w, b + yy * w, w);
    }
    char text[3][96];
    item_name(text[0], sizeof text[0], r->f->a_split, r->f->sa, r->p->a);
    item_name(text[1], sizeof text[1], r->f->b_split, r->f->sb, r->p->b);
    snprintf(text[2], sizeof text[2], "d2 %llu", (unsigned long long)r->p->d);
    for (size_t l = 0; l < 3; l++)
        font_draw(c, cw, ch, 3 * GAP + 2 * w, y + l * LINE, text[l], 255);
}

static int write_sheet(const request *rq, const audit *au, const cli_data *d)
{
    fmn_images im = fmn_split_images(d->splits[0]);
    size_t h = im.height, w = im.width, nrows = 0, text = 0;
    row *rows = malloc((3 * rq->top + 1) * sizeof *rows);
    if (!rows) {
        cli_error("out of memory for the sheet");
        return 0;
    }
    nrows = sheet_rows(rq, au, rows);
    for (size_t r = 0; r < nrows; r++) {
        char a[96], b[96];
        size_t wa = font_width(item_name(a, sizeof a, rows[r].f->a_split,
                                         rows[r].f->sa, rows[r].p->a));
        size_t wb = font_width(item_name(b, sizeof b, rows[r].f->b_split,
                                         rows[r].f->sb, rows[r].p->b));
        text = wa > text ? wa : text;
        text = wb > text ? wb : text;
    }
    size_t rh = (h > 3 * LINE ? h : 3 * LINE) + GAP;
    size_t cw = 4 * GAP + 2 * w + (text > 60 ? text : 60), ch = GAP + nrows * rh;
    int ok = 0;
    uint8_t *canvas = calloc(cw, ch ? ch : 1);
    if (!canvas) {
        cli_error("%s: out of memory for a %zux%zu sheet", rq->out, cw, ch);
    } else {
        for (size_t r = 0; r < nrows; r++)
            draw_row(canvas, cw, ch, GAP + r * rh, &rows[r], h, w);
        ok = cli_png_sheet(rq->out, canvas, cw, ch, &rq->png);
    }
    if (ok && !cli_is_stdout(rq->out))
        fprintf(rq->json ? stderr : stdout,
                "wrote %s: %zu %s, %zux%zu pixels\n", rq->out, nrows,
                cli_plural(nrows, "pair", "pairs"), cw * rq->png.scale,
                ch * rq->png.scale);
    free(canvas);
    free(rows);
    return ok;
}

/* The searches, then what they found. */
static int report(void *ctx, cli_data *d)
{
    request *rq = ctx;
    audit au;
    memset(&au, 0, sizeof au);
    int status = plan(rq, d, &au);
    if (status == EXIT_OK) {
        if (rq->json)
            print_json(rq, d, &au);
        else if (!cli_is_stdout(rq->out)) /* -o -: the sheet alone */
            print_text(rq, d, &au);
        if (rq->out && !write_sheet(rq, &au, d))
            status = EXIT_BAD;
    }
    audit_free(&au);
    return status;
}

int cmd_audit(int argc, char **argv)
{
    request rq;
    return cli_run_command(argc, argv, &rq, start, report);
}
