/* file.h - files by descriptor, the same calls on POSIX systems and on
 * Windows (where paths are UTF-8, every descriptor is binary and the
 * positioned reads go through the file's handle). Internal. */
#ifndef FMNIST_FILE_H
#define FMNIST_FILE_H

#include <stddef.h>
#include <stdint.h>

/* Opens `path` to read: a descriptor (not inherited by child processes),
 * or -1 with errno set: ENOENT, ENOTDIR (a part of the path before its
 * end is a file, as an archive is), EISDIR, or another. A FIFO without a
 * writer opens at once (its reads then end at once). */
int fmni_file_open_read(const char *path);

/* A duplicate of `fd` that this library owns, or -1 with errno set. */
int fmni_file_dup(int fd);

void fmni_file_close(int fd);

/* read(): bytes read, 0 at the end, -1 with errno set; retries EINTR. */
long fmni_file_read(int fd, void *buf, size_t n);

/* Reads at byte `off` without moving the descriptor's offset (any number
 * of threads at once): bytes read, 0 at the end, -1 with errno set;
 * retries EINTR. */
long fmni_file_pread(int fd, void *buf, size_t n, uint64_t off);

/* What fstat/stat say: 0 and *st filled, or -1 with errno set. */
typedef struct fmni_stat {
    int is_dir;
    int is_regular;
    uint64_t size; /* a regular file's */
} fmni_stat;
int fmni_file_stat(int fd, fmni_stat *st);
int fmni_path_stat(const char *path, fmni_stat *st);

/* Maps the first `n` bytes (n > 0) of the regular file `fd` read-only,
 * read ahead where the system can: the mapping, or NULL. The mapping
 * outlives the descriptor. */
void *fmni_file_map(int fd, size_t n);
void fmni_file_unmap(void *p, size_t n);

/* Whether anything is at `path`: a file, a folder (*is_dir 1), or a link,
 * even one whose target is missing (not followed). */
int fmni_path_exists(const char *path, int *is_dir);

/* Creates `path`, which must not exist, to write (mode 0666 less the
 * umask on POSIX): a descriptor, or -1 with errno set (EEXIST: it does). */
int fmni_file_create_new(const char *path);

/* write(): bytes written (> 0), or -1 with errno set; retries EINTR. */
long fmni_file_write(int fd, const void *buf, size_t n);

/* close(): 0, or -1 with errno set where the system says the data may
 * not have been written. */
int fmni_file_close_checked(int fd);

/* Removes the file `path`; async-signal-safe on POSIX (unlink). */
void fmni_file_remove(const char *path);

/* Gives the complete file `tmp` the name `path`, atomically: replacing
 * whatever file is there (`replace`), or failing with EEXIST if anything
 * is. 0, or -1 with errno set. Without `replace`, `tmp` may still name the
 * file (POSIX's link()) or not (Windows' move): remove it either way. */
int fmni_file_publish(const char *tmp, const char *path, int replace);

/* Whether `c` separates a path's parts: '/', and on Windows a backslash
 * too. */
int fmni_path_separator(char c);

/* The length of the folder part of `path`, its last separator included;
 * 0 for a bare name. */
size_t fmni_path_dir_len(const char *path);

/* This process's id, for names no other process picks. */
unsigned long fmni_process_id(void);

#endif
