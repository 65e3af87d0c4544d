/* cmd_counts.c - `fmnist counts [PATH]`: items per split and per class,
 * with their share and a bar. */
#define _POSIX_C_SOURCE 200809L
#include "builtin.h"
#include "cli_data.h"
#include "cli_summary.h"

#include <string.h>

static const char HELP[] =
    "usage: fmnist counts [options] [PATH]\n"
    "       fmnist counts [options] --labels FILE [--images FILE]\n"
    "\n"
    "Per split and per class of the dataset in directory PATH: the number\n"
    "of items, their share of the split, and a bar (Unicode blocks on a\n"
    "terminal with a UTF-8 locale and NO_COLOR unset, '#' otherwise). A\n"
    "labels file alone is counted alone, its labels checked as a split's\n"
    "are.\n"
    "\n"
    CLI_SUMMARY_OPTIONS_HELP;

/* A bar of up to 30 cells for `share` of the largest class's share `top`,
 * in eighths of a cell with Unicode (on a UTF-8 terminal without
 * NO_COLOR, as show draws). */
static void bar(double share, double top, int unicode)
{
    static const char *const eighths[8] = {"", "\u258f", "\u258e", "\u258d",
                                           "\u258c", "\u258b", "\u258a",
                                           "\u2589"};
    int units = top > 0 ? (int)(share / top * 30.0 * 8.0 + 0.5) : 0;
    for (int i = 0; i < units / 8; i++)
        fputs(unicode ? "\u2588" : "#", stdout);
    if (unicode)
        fputs(eighths[units % 8], stdout);
}

static double share_of(const cli_summary *sm, unsigned k)
{
    return sm->count ? (double)sm->images[k] / (double)sm->count : 0.0;
}

static void json_split(cli_json *j, const cli_summary *sm)
{
    unsigned ncls = cli_summary_end_label(sm);
    cli_json_object(j, CLI_JSON_INLINE);
    cli_json_split_id(j, sm->name, sm->dataset, sm->naming, sm->count);
    cli_json_key(j, "classes");
    cli_json_array(j, CLI_JSON_BLOCK);
    for (unsigned k = sm->first_label; k < ncls; k++) {
        cli_summary_json_class(j, sm, k);
        cli_json_kdouble(j, "share", share_of(sm, k));
        cli_json_end(j);
    }
    cli_json_end(j);
    cli_json_end(j);
}

static void text_split(const cli_summary *sm, size_t i)
{
    int unicode = cli_colour_out(); /* blocks: UTF-8, and no NO_COLOR */
    unsigned ncls = cli_summary_end_label(sm);
    double top = 0;
    for (unsigned k = sm->first_label; k < ncls; k++)
        top = share_of(sm, k) > top ? share_of(sm, k) : top;
    const char *ds = fmn_dataset_name(sm->dataset);
    printf("%s", i == 0 ? "" : "\n");
    cli_put_safe(stdout, sm->name);
    printf(": %llu %s (%s", (unsigned long long)sm->count,
           cli_plural(sm->count, "item", "items"),
           ds ? ds : "unidentified dataset");
    if (sm->naming != sm->dataset)
        printf("; class names of %s, %s", fmn_dataset_name(sm->naming),
               cli_naming_reason(sm->naming_asked));
    printf(")\n");
    for (unsigned k = sm->first_label; k < ncls; k++) {
        char buf[16];
        printf("  %3u  %-12s %8llu  %5.1f%%  ", k,
               cli_summary_class(sm, k, buf),
               (unsigned long long)sm->images[k], 100.0 * share_of(sm, k));
        bar(share_of(sm, k), top, unicode);
        printf("\n");
    }
}

int cmd_counts(int argc, char **argv)
{
    const cli_summary_cmd c = {"counts", HELP, 0, text_split, json_split};
    return cli_summary_main(argc, argv, &c);
}
