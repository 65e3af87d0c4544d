/* os.h - what the tests and the fuzz targets ask of the system that POSIX
 * and Windows say differently. Windows' descriptors here are binary. */
#ifndef FMNIST_TEST_OS_H
#define FMNIST_TEST_OS_H

#include <stddef.h>

/* A new empty folder under the system's temporary folder, named
 * PREFIX-XXXXXX: its malloc'd path, or NULL. */
char *os_tmpdir(const char *prefix);

/* Removes `path` and everything below it (links not followed). */
void os_remove_tree(const char *path);

/* mkdir(path, 0700): 0, or -1 with errno set. */
int os_mkdir(const char *path);

/* rmdir(): 0, or -1. */
int os_rmdir(const char *path);

/* A pipe: fd[0] to read, fd[1] to write; 0, or -1. */
int os_pipe(int fd[2]);

/* Writes all n bytes of p to fd: 0, or -1. */
int os_write(int fd, const void *p, size_t n);

/* close(). */
void os_close(int fd);

/* open(path, O_RDONLY), binary: a descriptor, or -1. */
int os_open_read(const char *path);

/* Whether `fd` is an open descriptor. */
int os_fd_open(int fd);

/* A file to read and write that has no name (gone when closed): a
 * descriptor, or -1. */
int os_anonymous_file(void);

/* A symbolic link `path` to `target`: 0, or -1 where the system cannot
 * (Windows without the privilege). */
int os_symlink(const char *target, const char *path);

/* Runs the program argv[0] with the arguments argv[1..] (NULL-ended), no
 * shell between: its output thrown away, its errors into the file
 * `err_path`. Its exit status, or -1 where it did not run or end. */
int os_run(const char *const *argv, const char *err_path);

/* memmem(): where `needle` first starts in `hay`, or NULL. */
const void *os_memmem(const void *hay, size_t n, const void *needle,
                      size_t k);

/* Whether anything is at `path` (a link not followed). */
int os_exists(const char *path);

/* The size of the file at `path`, or -1. */
long long os_file_size(const char *path);

/* Cuts the file `path` to `size` bytes: 0, or -1. */
int os_truncate(const char *path, long long size);

#endif
