/* cli_save.h - the files a command writes, as one of the library's sets
 * (fmn_save_set): they take their names together once all are complete,
 * and none is left behind when the command fails or is stopped by
 * SIGINT, SIGTERM or SIGHUP. */
#ifndef FMNIST_CLI_SAVE_H
#define FMNIST_CLI_SAVE_H

#include "fmnist.h"

/* A new set, existing files replaced only with `force`, removed by the
 * signals above until cli_save_end; NULL after a message. One at a time. */
fmn_save_set *cli_save_begin(int force);

/* Commits the set when `commit` (printing why when that fails), else
 * drops it; frees it either way. 1 when its files were saved. */
int cli_save_end(fmn_save_set *set, int commit);

#endif
