/* cli_save.c - one set of files a command writes at a time, and the
 * signal handler that removes its temporary files: the set in an atomic
 * pointer, the library's async-signal-safe fmn_save_set_abort, then the
 * signal raised again with its default action, so the command still dies
 * by it (exit status 128 + N). A signal ignored when fmnist started (as
 * for a background job) stays ignored. */
#define _POSIX_C_SOURCE 200809L
#include "cli_save.h"
#include "cli_os.h"
#include "cli.h"

#include <signal.h>
#include <stdatomic.h>
#include <stddef.h>

static _Atomic(fmn_save_set *) active;

static void on_signal(int sig)
{
    fmn_save_set_abort(atomic_load(&active));
    /* the action is the default again (cli_os_on_signals): raised now, the
     * signal arrives as this handler returns */
    raise(sig);
}

static void catch_signals(void)
{
    static int done;
    if (!done++)
        cli_os_on_signals(on_signal);
}

fmn_save_set *cli_save_begin(int force)
{
    fmn_save_set *set;
    fmn_error err;
    if (fmn_save_set_new(force ? FMN_SAVE_OVERWRITE : 0, &set, &err) !=
        FMN_OK) {
        cli_error("%s", err.message);
        return NULL;
    }
    catch_signals();
    atomic_store(&active, set);
    return set;
}

int cli_save_end(fmn_save_set *set, int commit)
{
    fmn_error err;
    int ok = commit && fmn_save_set_commit(set, &err) == FMN_OK;
    if (commit && !ok)
        cli_error("%s", err.message);
    atomic_store(&active, NULL);
    fmn_save_set_free(set);
    return ok;
}
