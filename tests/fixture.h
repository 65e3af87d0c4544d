/* fixture.h - IDX and gzip bytes built in memory for the tests. */
#ifndef FMNIST_TEST_FIXTURE_H
#define FMNIST_TEST_FIXTURE_H

#include <stddef.h>
#include <stdint.h>

/* A growable byte buffer; tests free `data` with free(). `cap` is what
 * `data` holds room for: buf_put doubles it as needed. */
typedef struct buf {
    uint8_t *data;
    size_t size;
    size_t cap;
} buf;

void buf_put(buf *b, const void *p, size_t n);
void buf_u8(buf *b, uint8_t v);
void buf_be32(buf *b, uint32_t v);
void buf_le32(buf *b, uint32_t v);

/* An IDX header: 00 00 TYPE NDIM, then the dims big-endian. */
buf idx_header(uint8_t type, size_t ndim, const uint32_t *dims);

/* A whole uint8 IDX file with the given dims, filled with (i * 7 + 3). */
buf idx_u8(size_t ndim, const uint32_t *dims);

/* One gzip member holding `n` bytes of `p`: a minimal 10-byte header with
 * flags `flags` (0 for none), deflate data, then CRC-32 and length. */
buf gz_member(const void *p, size_t n, uint8_t flags);

/* Appends b2 to b and frees b2. */
void buf_cat(buf *b, buf b2);

/* A temporary directory for file-based tests; removed by tmpdir_remove. */
char *tmpdir_make(void);
void tmpdir_remove(char *dir);
/* Writes `b` to DIR/NAME; returns the malloc'd path. */
char *write_file(const char *dir, const char *name, const void *p, size_t n);

/* A synthetic split of SPLIT_N images of SPLIT_H x SPLIT_W: image i is
 * filled with (i * 7 + k) & 0xff except that image 0 starts 0, 128, 255;
 * label i % 10, except that items 0-4 are class 3 (so classes differ in
 * size). NULL (after a message on stderr) on failure. */
enum { SPLIT_N = 103, SPLIT_H = 3, SPLIT_W = 2 };
struct fmn_split *split_make(void);

#endif
