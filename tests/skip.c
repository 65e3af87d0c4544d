/* skip.c - a test that cannot run on this system: prints why, and exits
 * with 77, which ctest counts as skipped (never as passed). */
#include <stdio.h>

int main(int argc, char **argv)
{
    printf("skipped: %s\n", argc > 1 ? argv[1] : "not on this system");
    return 77;
}
