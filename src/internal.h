/* internal.h - declarations shared between the library's source files.
 * Nothing here is part of the public API; names carry the fmni_ prefix and
 * are hidden from the shared library's symbol table. */
#ifndef FMNIST_INTERNAL_H
#define FMNIST_INTERNAL_H

#include "fmnist.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <zlib.h>

#if defined(__MINGW32__) /* mingw-w64's printf, not msvcrt's */
#include <stdio.h>      /* __MINGW_PRINTF_FORMAT */
#define FMNI_PRINTF(f, a) __attribute__((format(__MINGW_PRINTF_FORMAT, f, a)))
#elif defined(__GNUC__)
#define FMNI_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define FMNI_PRINTF(f, a)
#endif

/* ---- errors (status.c) ------------------------------------------------ */

/* Fills *err (if not NULL) with `status`, `offset` and the message
 * "NAME: <formatted text>", and returns `status`. */
fmn_status fmni_fail(fmn_error *err, fmn_status status, const char *name,
                     uint64_t offset, int offset_is_decoded, const char *fmt,
                     ...) FMNI_PRINTF(6, 7);

/* FMN_ERR_INVALID_ARGUMENT, for a NULL where a pointer is required. */
fmn_status fmni_bad_argument(fmn_error *err);

/* Clears *err (if not NULL) to FMN_OK with an empty message. */
void fmni_clear(fmn_error *err);

/* Writes up to `n` bytes of `p` as "3c 21 44" into buf (cap bytes). */
void fmni_hex(char *buf, size_t cap, const uint8_t *p, size_t n);

/* A phrase that guesses what kind of file starts with these bytes
 * (" (this looks like an HTML page ...)"), or "" when nothing fits. */
const char *fmni_guess_content(const uint8_t *p, size_t n);

/* ---- CRC-32 (checksum.c) ----------------------------------------------- */

/* zlib's crc32() convention (start from 0, chain by passing the last
 * value), for any length, by the fastest implementation built in. */
uint32_t fmni_crc32(uint32_t crc, const void *data, size_t n);

/* The same, a large buffer cut into parts summed on up to `threads`
 * threads at once (this one among them) and the parts' CRCs combined;
 * on one thread where it is small, or a thread cannot be started. */
uint32_t fmni_crc32_threads(uint32_t crc, const void *data, size_t n,
                            unsigned threads);

/* ---- memory (memory.c) ------------------------------------------------- */

/* Every allocation goes through an fmn_allocator: the caller's
 * (fmn_options.alloc), or for NULL, or one whose functions are NULL,
 * malloc's. These check their sizes (calloc: n * size), never take 0
 * (a size of 0 gets 1 byte), and free(NULL) does nothing. */
void *fmni_malloc(const fmn_allocator *a, size_t n);
void *fmni_calloc(const fmn_allocator *a, size_t n, size_t size);
void *fmni_realloc(const fmn_allocator *a, void *p, size_t n);
void fmni_free(const fmn_allocator *a, void *p);

/* Whether `a` is malloc's (NULL or no functions): then buffers may be
 * hinted and trimmed as only this library's own memory may. */
int fmni_mem_is_malloc(const fmn_allocator *a);

/* Asks for transparent huge pages on the 2 MiB-aligned inside of a buffer
 * of 8 MiB or more: a hint only, nothing changes where it is not taken. */
void fmni_huge_pages(void *p, size_t n);

/* A large buffer from `a`, with that hint when it is malloc's. */
void *fmni_alloc_large(const fmn_allocator *a, size_t n);

/* n items of `size` bytes from malloc, the first at a multiple of 64
 * bytes (a cache line: a vector of 64 bytes, or two of 32, loaded from a
 * multiple of its size never spans two lines), or NULL when n * size
 * overflows or memory ran out; a size of 0 gets 1 byte. Freed by
 * fmni_free_aligned only, which takes NULL too. */
void *fmni_alloc_aligned(size_t n, size_t size);
void fmni_free_aligned(void *p);

/* The first n bytes of s as a new string (from `a`), or NULL. */
char *fmni_strndup(const fmn_allocator *a, const char *s, size_t n);

/* Hands the pages of p[used..size) back to the system (they were scratch)
 * when `a` is malloc's: the memory stays allocated, and reads as zeros if
 * touched again. With a caller's allocator, nothing: its memory is not
 * this library's to hand back. */
void fmni_trim_large(const fmn_allocator *a, void *p, size_t used,
                     size_t size);

/* ---- SHA-256 (sha256.c) ------------------------------------------------ */

typedef struct fmni_sha256 {
    uint32_t h[8];
    uint64_t len;     /* bytes hashed */
    uint8_t buf[64];  /* a block being gathered */
    size_t used;
    int ni;           /* the CPU's SHA extensions are used */
} fmni_sha256;

/* `portable` 1: portable C even where the CPU has SHA extensions (tests
 * compare both). */
void fmni_sha256_init(fmni_sha256 *c, int portable);
void fmni_sha256_update(fmni_sha256 *c, const void *data, size_t n);
void fmni_sha256_final(fmni_sha256 *c, uint8_t out[32]);

/* ---- MD5 (md5.c) ------------------------------------------------------- */

struct fmni_md5;
typedef struct fmni_md5 {
    uint32_t state[4];
    uint64_t length;
    uint8_t block[64];
    size_t used;
} fmni_md5;

void fmni_md5_init(fmni_md5 *ctx);
void fmni_md5_update(fmni_md5 *ctx, const void *data, size_t size);
void fmni_md5_final(fmni_md5 *ctx, uint8_t digest[16]);

/* ---- raw bytes in (source.c) ------------------------------------------- */

/* Input read through a function: a member of an archive (archive.c). */
typedef struct fmni_read_fn {
    long (*read)(void *ctx, void *buf, size_t n); /* bytes, 0 at the end,
                                                     -1 on error */
    const char *(*error)(void *ctx);              /* why -1; may be NULL */
    void (*close)(void *ctx);                     /* may be NULL */
    void *ctx;
} fmni_read_fn;

typedef struct fmni_src {
    const char *name;     /* for messages */
    int fd;               /* -1 for a memory source */
    const uint8_t *mem;   /* memory source */
    uint64_t size;        /* total size, when size_known */
    int size_known;
    uint8_t *buf;         /* read buffer (file sources): FMNI_LOOKBACK bytes
                             kept from the last window, then a chunk */
    size_t buf_cap;       /* of the chunk */
    const uint8_t *next;  /* unconsumed bytes */
    size_t avail;
    uint64_t pos;         /* offset of `next` in the input */
    uint64_t read_at;     /* bytes read from fd so far: a regular file is
                             read at its offsets, never moving fd's own */
    int eof;              /* nothing left after `next`/`avail` */
    void *map;            /* a read-only mapping of the file this source
                             reads as memory (fmni_src_map), or NULL */
    size_t map_len;
    struct fmni_md5 *running; /* input that cannot be read twice (a pipe):
                             the MD5 of every byte read, as it is read */
    fmni_read_fn fn;      /* input read through a function: fn.read set */
    fmn_allocator heap;   /* what its buffers come from */
} fmni_src;

/* The sources: every buffer a source allocates comes from `heap` (NULL:
 * malloc's), kept in src->heap for what reads it later.
 *
 * Opens `path` for reading. FMN_ERR_NOT_FOUND, FMN_ERR_IS_DIRECTORY,
 * FMN_ERR_IO or FMN_ERR_NOMEM on failure (nothing to close then). */
fmn_status fmni_src_open_file(fmni_src *src, const char *path,
                              const fmn_allocator *heap, fmn_error *err);

/* Reads the open descriptor `fd`, which stays the caller's (a duplicate
 * is read, and closed by fmni_src_close). */
fmn_status fmni_src_open_fd(fmni_src *src, int fd, const char *name,
                            const fmn_allocator *heap, fmn_error *err);

/* Reads through `fn` (taken: fn->close is called by fmni_src_close, also
 * when this fails): like a pipe, size unknown, hashed as it is read. */
fmn_status fmni_src_open_fn(fmni_src *src, const fmni_read_fn *fn,
                            const char *name, const fmn_allocator *heap,
                            fmn_error *err);

/* Wraps `size` bytes at `data`; cannot fail. */
void fmni_src_open_memory(fmni_src *src, const void *data, size_t size,
                          const char *name, const fmn_allocator *heap);

/* Makes unconsumed bytes available if any remain: afterwards
 * src->avail == 0 means the end of the input. */
fmn_status fmni_src_fill(fmni_src *src, fmn_error *err);

/* Marks `n` of the available bytes consumed. */
void fmni_src_consume(fmni_src *src, size_t n);

/* Where the input read so far ends (consumed or not). Past src->size
 * when the file grew after its size was taken: fmni_src_grew says so,
 * and a message then says what changed instead of subtracting sizes. */
uint64_t fmni_src_reached(const fmni_src *src);
int fmni_src_grew(const fmni_src *src);

/* Hands back the last `n` consumed bytes, n <= FMNI_LOOKBACK: they are
 * available again. Always possible: a refill keeps the bytes before it. */
enum { FMNI_LOOKBACK = 16 };
void fmni_src_unconsume(fmni_src *src, size_t n);

/* Copies up to `n` bytes into `dst`, reading file input directly into it;
 * *got < n only at the end of the input. */
fmn_status fmni_src_read(fmni_src *src, void *dst, size_t n, size_t *got,
                         fmn_error *err);

/* MD5 of the whole input, from its first byte. Only once every byte has
 * been consumed: it reuses the read buffer (or, for a pipe, finishes the
 * MD5 kept as the bytes were read). */
fmn_status fmni_src_md5(fmni_src *src, uint8_t digest[16], fmn_error *err);

/* The MD5 of an input computed on a thread of its own, while the caller
 * decodes: it reads with pread (file) or from memory, never touching the
 * source's state. */
typedef struct fmni_md5_job fmni_md5_job;
/* Starts the job; NULL if a thread or memory cannot be had (then hash
 * with fmni_src_md5 afterwards instead). */
fmni_md5_job *fmni_md5_start(const fmni_src *src);
/* Waits for the job, frees it; 1 with the digest, 0 if hashing failed. */
int fmni_md5_join(fmni_md5_job *job, uint8_t digest[16]);

/* Turns an opened raw file of `min_size` bytes or more into a memory
 * source over a read-only mapping of it (the pages read in at once):
 * returns 1 if it did, 0 if the source stays a file (gzip input, not a
 * regular file, too small, or mmap refused). Owned by the source until
 * taken (set src->map to NULL); fmni_src_close unmaps it. */
int fmni_src_map(fmni_src *src, uint64_t min_size);

/* No MD5 of a pipe as it is read: the caller will not ask for one. */
void fmni_src_hash_off(fmni_src *src);


/* Marks every byte of a size-known input consumed (a decoder read them
 * through the view): afterwards the source is at its end. */
void fmni_src_consumed(fmni_src *src);

/* The last n bytes of a size-known input into buf, without disturbing the
 * source's reading: 1, or 0 if they cannot be read. */
int fmni_src_tail(const fmni_src *src, uint8_t *buf, size_t n);

void fmni_src_close(fmni_src *src);

/* ---- decoded bytes (stream.c, gz.c) ------------------------------------ */

typedef struct fmni_gz fmni_gz; /* gzip decoding state, gz.c */

typedef struct fmni_stream {
    fmni_src src;
    fmni_gz *gz;       /* NULL for raw input */
    uint32_t raw_crc;  /* CRC-32 of raw input so far (gzip keeps its own) */
    uint64_t out;      /* decoded bytes so far */
} fmni_stream;

/* Detects gzip by its magic bytes on an opened source and prepares to
 * decode. Takes ownership of the source: fmni_stream_close closes it, also
 * after a failure here. */
fmn_status fmni_stream_open(fmni_stream *s, fmn_error *err);

/* Reads up to `n` decoded bytes; *got < n only at the end of the data. */
fmn_status fmni_stream_read(fmni_stream *s, void *dst, size_t n, size_t *got,
                            fmn_error *err);

/* Requires the end of the data: no decoded byte left, every gzip trailer
 * checked, nothing after the last member. */
fmn_status fmni_stream_finish(fmni_stream *s, fmn_error *err);

/* CRC-32 of every byte decoded so far: computed once per byte, for raw
 * input here and for gzip input by the member checks. */
uint32_t fmni_stream_crc(const fmni_stream *s);

void fmni_stream_close(fmni_stream *s);

/* inflate.c: raw deflate, by ISA-L or zlib (whichever the build has). */
typedef struct fmni_inflater fmni_inflater;
typedef enum fmni_inflate_result {
    FMNI_INFLATE_OK,
    FMNI_INFLATE_NOMEM,
    FMNI_INFLATE_DATA /* corrupt data; *msg says how */
} fmni_inflate_result;
/* A decoder whose memory (zlib's too) comes from `heap` (NULL: malloc's). */
fmni_inflate_result fmni_inflater_new(fmni_inflater **out,
                                      const fmn_allocator *heap);
fmni_inflate_result fmni_inflater_reset(fmni_inflater *inf);
/* Inflates from in[0..*in_len) into out[0..*out_len); on return they hold
 * the bytes consumed and produced, and *end says the deflate stream ended.
 * *unread (at most 8, with ISA-L, which reads ahead) counts bytes consumed
 * in earlier calls that must be handed back to the source
 * (fmni_src_unconsume): at the end, those past the stream's end. */
fmni_inflate_result fmni_inflater_step(fmni_inflater *inf, const uint8_t *in,
                                       size_t *in_len, uint8_t *out,
                                       size_t *out_len, int *end,
                                       size_t *unread, const char **msg);
void fmni_inflater_free(fmni_inflater *inf);
/* A whole raw deflate stream in in[0..in_len) into exactly out[0..n) at
 * once, by libdeflate: 1 with *end (bytes the stream took), 0 if it is
 * invalid, has another length, or the build has no libdeflate
 * (fmni_inflate_whole_available: not for memory from `heap` unless it is
 * malloc's, since libdeflate allocates with malloc), -1 if memory ran
 * out. */
int fmni_inflate_whole_available(const fmn_allocator *heap);
int fmni_inflate_whole(const uint8_t *in, size_t in_len, uint8_t *out,
                       size_t n, size_t *end);

/* Where a whole deflate stream is read from: the caller's memory, or a
 * file read by offset (pread, from any thread); and what decoding it
 * allocates from. */
typedef struct fmni_input {
    const uint8_t *mem; /* the whole input, or NULL for the file */
    int fd;
    uint64_t size;      /* of the whole input */
    fmn_allocator heap; /* all 0: malloc's */
} fmni_input;

/* gz_parallel.c: the deflate stream at offset `start` of the input (with
 * whatever follows it), decoded on up to `threads` threads (1: on the
 * calling thread alone, by libfmnist's decoder) into out[0..n), n being
 * the exact length it must have; out[n..cap) is scratch (a few percent
 * of n lets the threads' guesses of where their output goes be off).
 * 1 with *end (the offset of the first byte after the stream) and *crc
 * (the CRC-32 of out[0..n)); 0 if the stream is invalid, has another
 * length, or a read failed: the caller then decodes serially (and says
 * what is wrong), out[0..cap) holds nothing of use; -1 if memory ran
 * out. */
int fmni_inflate_parallel(const fmni_input *in, uint64_t start, uint8_t *out,
                          size_t n, size_t cap, unsigned threads,
                          uint64_t *end, uint32_t *crc);

/* gz.c: the gzip container on top of a source. */
fmn_status fmni_gz_open(fmni_gz **out, fmni_src *src, fmn_error *err);
fmn_status fmni_gz_read(fmni_gz *gz, fmni_src *src, uint8_t *dst, size_t n,
                        size_t *got, fmn_error *err);
/* CRC-32 of everything decoded so far, from the members' own checksums. */
uint32_t fmni_gz_crc(const fmni_gz *gz);
/* The CRC-32 and length (mod 2^32) the last 8 bytes of a size-known input
 * give, as a gzip trailer: 1, or 0 if they cannot be read. */
int fmni_gz_trailer(const fmni_src *src, uint32_t *crc, uint32_t *len);
/* Whether fmni_gz_read_all can take the rest of this stream, on `threads`
 * threads: still in its first member, one large enough to be cut into
 * parts (2 MiB), or decoded at once by libdeflate (64 KiB). */
int fmni_gz_whole_worth(const fmni_gz *gz, const fmni_src *src,
                        unsigned threads);
/* Decodes the whole of a one-member file at once, from the start of its
 * deflate data, into out[0..n) on up to `threads` threads (out[n..room)
 * scratch), or by libdeflate where parts are not worth it, where n is
 * the length the data must have and head[0..head_len)
 * the bytes fmni_gz_read gave first (decoded again, and compared): 1 with
 * *crc and the stream at its end, every check of the serial path made;
 * 0, the stream untouched, where it cannot (no view of the input, or
 * anything wrong, which the serial path then reports); -1 if memory ran
 * out. Only for a stream fmni_gz_whole_worth says yes to. */
int fmni_gz_read_all(fmni_gz *gz, fmni_src *src, size_t n, size_t room,
                     unsigned threads, const uint8_t *head, size_t head_len,
                     uint8_t *out, uint32_t *crc);
void fmni_gz_close(fmni_gz *gz);

/* ---- IDX (idx.c) -------------------------------------------------------- */

/* How much of a file a decode keeps and checks. */
typedef enum fmni_range {
    FMNI_RANGE_NONE,    /* every item, every check */
    FMNI_RANGE_ONLY,    /* items [start, start+count), decoding no further */
    FMNI_RANGE_CHECKED  /* keeps items [start, start+count) but decodes the
                           whole file: every check, and identification */
} fmni_range;

/* Decodes an IDX file from a source opened in s->src (the stream is
 * opened here and closed on return, whatever the outcome). */
fmn_status fmni_idx_decode(fmni_stream *s, const fmn_options *opt,
                           fmni_range range, uint64_t start, uint64_t count,
                           fmn_idx **out, fmn_error *err);

/* fmn_idx_load_file_range with FMNI_RANGE_CHECKED. */
fmn_status fmni_idx_load_checked_range(const char *path, uint64_t start,
                                       uint64_t count, const fmn_options *opt,
                                       fmn_idx **out, fmn_error *err);

/* A checked IDX header. */
typedef struct fmni_header {
    uint8_t magic[4];
    fmn_dtype dtype;
    size_t elem;
    size_t ndim;
    uint32_t *dims;    /* malloc'd; the caller frees it, also on failure */
    size_t header_len;
    uint64_t count;    /* product of dims */
    uint64_t payload;  /* count * elem */
} fmni_header;

/* Reads and checks the header at the start of an opened stream. */
fmn_status fmni_read_header(fmni_stream *s, fmni_header *h, fmn_error *err);

/* Refuses a claim the input cannot possibly supply (a raw file shorter than
 * need_end, a gzip file that small), before anything is allocated. */
fmn_status fmni_check_supply(const fmni_stream *s, const fmni_header *h,
                             uint64_t need_end, fmn_error *err);

/* FMN_ERR_TRUNCATED: the data ended after `have` payload bytes. */
fmn_status fmni_truncated(const fmni_stream *s, const fmni_header *h,
                          uint64_t have, fmn_error *err);

/* Identifies a completely read file with header `h` into *info (release,
 * dataset, split, kind); with `hash`, the content its CRC-32 points to is
 * proven or disproven by the SHA-256 of the payload at `payload` (all of
 * it, in host order; NULL: not at hand, not proven), and the .gz by the
 * MD5 from `job` (joined and freed; a job is joined in any case) or, when
 * the content says a hash could tell more, read again now. */
void fmni_identify(fmni_stream *s, const fmni_header *h, fmn_file_info *info,
                   fmni_md5_job *job, int hash, const uint8_t *payload);

/* The data of `idx` as a buffer of its own, malloc'd, at least nbytes
 * long (moved to the start of its block, or copied from a mapping), that
 * the idx no longer owns; NULL out of memory (the idx unchanged). */
void *fmni_idx_take_data(fmn_idx *idx);

/* fmn_idx_load_callback, its arguments checked. */
fmn_status fmni_idx_load_callback(fmn_read_fn read, void *ctx,
                                  const char *name, const fmn_options *opt,
                                  fmn_idx **out, fmn_error *err);

/* Big-endian file order to host order, in place, for elements of `elem`
 * bytes. */
void fmni_to_host_order(void *data, size_t nbytes, size_t elem);

/* The first extent the header declared (before any range was applied). */
uint64_t fmni_idx_total_items(const fmn_idx *idx);

/* Transposes every item of a 3-D byte array in place (H x W to W x H);
 * a mapped file's pixels are copied into memory of their own first. */
fmn_status fmni_idx_transpose(fmn_idx *idx, fmn_error *err);

/* The caller's options (NULL: the defaults) as a whole struct of this
 * library's size, its zeros replaced by defaults: FMN_OK, or
 * FMN_ERR_INVALID_ARGUMENT for a struct_size it cannot read (options.c).
 * Every call that takes options reads them through these once. */
fmn_status fmni_options_take(const fmn_options *in, fmn_options *out,
                             fmn_error *err);
fmn_status fmni_knn_options_take(const fmn_knn_options *in,
                                 fmn_knn_options *out, fmn_error *err);
fmn_status fmni_batch_options_take(const fmn_batch_options *in,
                                   fmn_batch_options *out, fmn_error *err);

/* Options already taken (or NULL: the defaults), as a value. */
fmn_options fmni_options(const fmn_options *taken);

/* The threads a load may decode on: fmn_options.threads, or for 0 the
 * cores this process may run on (gz_parallel.c). */
unsigned fmni_threads(const fmn_options *opt);

/* ---- streaming (reader.c, split_reader.c) ----------------------------- */

/* Reads up to n payload bytes (whole elements) of the reader's file, item
 * boundaries or not; *got < n only at the end of the payload. The call
 * that reads the last byte checks the end and identifies the file. */
fmn_status fmni_reader_bytes(fmn_reader *r, void *dst, size_t n, size_t *got,
                             fmn_error *err);
/* Payload bytes not read yet. */
uint64_t fmni_reader_left(const fmn_reader *r);
/* Whether a call on the reader failed (it stays failed). */
int fmni_reader_failed(const fmn_reader *r);
/* Reads the rest of the file through scratch (piece bytes): its end
 * checked, its problems found. */
fmn_status fmni_reader_drain(fmn_reader *r, uint8_t *scratch, size_t piece,
                             fmn_error *err);
const fmni_header *fmni_reader_header(const fmn_reader *r);

/* FMN_ERR_AMBIGUOUS, naming both files, unless headers a and b (of two
 * copies of one `kind` of file) declare the same array. */
fmn_status fmni_same_header(const fmni_header *a, const char *a_path,
                            const fmni_header *b, const char *b_path,
                            fmn_file_kind kind, fmn_error *err);

/* Reads the next n bytes of `copy` (through scratch, piece bytes at a
 * time) and requires them equal to `expect`, the bytes of the same place
 * in file `primary`: FMN_ERR_AMBIGUOUS where they differ. */
fmn_status fmni_reader_compare(fmn_reader *copy, const uint8_t *expect,
                               size_t n, const char *primary,
                               uint8_t *scratch, size_t piece, fmn_error *err);

/* Requires the file `copy` to hold the array `h` whose payload is `data`
 * (of the loaded file `primary`), byte for byte, with every check of a
 * load: FMN_ERR_AMBIGUOUS naming both where they differ. Its buffers from
 * `heap`. */
fmn_status fmni_copy_matches(const char *primary, const fmni_header *h,
                             const uint8_t *data, const char *copy,
                             fmn_file_kind kind, const fmn_allocator *heap,
                             fmn_error *err);

/* fmn_dir_open, the folder's memory from `heap` (NULL: malloc's). */
fmn_status fmni_dir_open(const char *path, const fmn_allocator *heap,
                         fmn_dir **out, fmn_error *err);

/* fmn_reader_open, its memory from `heap` (NULL: malloc's). */
fmn_status fmni_reader_open(const char *path, const fmn_allocator *heap,
                            fmn_reader **out, fmn_error *err);

/* Another copy of the images or labels file, compared as it is read. */
fmn_status fmni_split_reader_add_copy(fmn_split_reader *r, fmn_file_kind kind,
                                      const char *path, fmn_error *err);
/* The role the `kind` file's name gives it, checked when the file has been
 * read (fmn_file_check_role; split FMN_SPLIT_UNKNOWN: any split). */
void fmni_split_reader_expect(fmn_split_reader *r, fmn_file_kind kind,
                              fmn_split_id split);

/* ---- writing files (save.c) -------------------------------------------- */

/* What fills a file: writes through `write`, returns FMN_OK or a status
 * with *err filled (FMN_ERR_WRITE when a write failed). */
typedef fmn_status (*fmni_fill_fn)(void *ctx, fmn_write_fn write, void *wctx,
                                   fmn_error *err);

/* Writes the file at `path` atomically with what `fill` writes: a
 * temporary file beside it takes its name when complete (link, never
 * replacing, without FMN_SAVE_OVERWRITE). */
fmn_status fmni_save(const char *path, int flags, fmni_fill_fn fill,
                     void *ctx, fmn_error *err);

/* Writes the file that is to be at `path` into `set`: complete in a
 * temporary file beside it, named when the set is committed. */
fmn_status fmni_set_add(fmn_save_set *set, const char *path,
                        fmni_fill_fn fill, void *ctx, fmn_error *err);

/* ---- releases (release.c) ----------------------------------------------- */

/* IDENTICAL, REPACKED or PUBLISHED: the published content. */
int fmni_release_is_published(fmn_release release);

/* Whether a completely decoded gzip file could be a published .gz that
 * only the MD5 of the file as stored can tell (so a hashing pass is worth
 * it): its content is a release's (PUBLISHED), or of a release whose
 * content is not known. */
int fmni_release_needs_md5(const fmn_file_info *info);

/* Whether the file's content checksum is a published content's whose
 * SHA-256 can prove or disprove it (then worth hashing). */
int fmni_release_sha256_may_prove(const fmn_file_info *info);

/* Whether a gzip file of `size` bytes whose last member's trailer says
 * `trailer_crc` and `trailer_len` (the CRC-32 and length mod 2^32 of its
 * decoded bytes) may be a published .gz: known before decoding from the
 * cheap facts, so that the hash, when wanted, can run alongside. */
int fmni_release_may_be_gz(uint64_t size, uint32_t trailer_crc,
                           uint32_t trailer_len);

/* The steps of identification, in this order, on a complete file's info:
 * by the content checksum (PUBLISHED: a candidate); where hashed, by the
 * MD5 of the file as stored (IDENTICAL: the published .gz, which proves
 * its content too), then for a candidate still unproven by the SHA-256 of
 * the decoded bytes (info->content_sha256: REPACKED, proven, or MODIFIED,
 * a CRC-32 that lies); and, when none matched, by the shape of the header
 * (MODIFIED, NOT_KNOWN). Each sets release, dataset, split and kind. */
void fmni_release_by_content(fmn_file_info *info);
void fmni_release_by_sha256(fmn_file_info *info);
void fmni_release_by_md5(fmn_file_info *info, const uint8_t gz_md5[16]);
/* A file not identified by content whose name is one of QMNIST's or
 * EMNIST's, and whose shape that file's: FMN_RELEASE_NAMED. */
void fmni_release_by_name(fmn_file_info *info, const fmni_header *h);
void fmni_release_by_shape(fmn_file_info *info, const fmni_header *h);

/* Parses a release file name, [PREFIX-]{train,t10k,test}-{images,labels}
 * {-,.}idx{3,1}-ubyte[.gz] (and QMNIST's -labels-idx2-int): 0 if `name` is
 * not one. prefix_len and rank (lower for an official spelling, then for
 * gzip) may be NULL. */
int fmni_parse_name(const char *name, fmn_split_id *split, fmn_file_kind *kind,
                    size_t *prefix_len, int *rank);

/* ---- splits (dataset.c) --------------------------------------------------- */

/* The problems one call finds: the first always, every one when the
 * caller set fmn_options.report (collect). */
typedef struct fmni_problems {
    fmn_error first;
    int have;
    size_t total;     /* problems added */
    int collect;
    fmn_error *list;
    size_t n, cap;
    size_t lost;      /* problems not kept for want of memory */
    fmn_allocator heap; /* the list's */
} fmni_problems;

void fmni_problems_init(fmni_problems *p, const fmn_options *opt);
void fmni_problems_add(fmni_problems *p, const fmn_error *e);
/* Appends every problem of `from` to `to` and empties `from`. */
void fmni_problems_move(fmni_problems *to, fmni_problems *from);
/* Hands every problem to opt->report, the first to *err; frees the list.
 * Returns the first problem's status, FMN_OK when there was none. */
fmn_status fmni_problems_end(fmni_problems *p, const fmn_options *opt,
                             fmn_error *err);

/* What pairing needs to know of one file. */
typedef struct fmni_shape {
    const char *path;
    fmn_dtype dtype;
    size_t ndim;
    uint64_t items;   /* the first extent the header declares */
    uint64_t columns; /* the second (a label matrix's), 0 for 1-D */
} fmni_shape;

/* The rules that make two files a split, for loads and streams alike:
 * images 3-D uint8, labels 1-D uint8 or an int32 label matrix (QMNIST's),
 * the same count ... */
fmn_status fmni_pair_shapes(const fmni_shape *images, const fmni_shape *labels,
                            fmn_error *err);
/* ... not two different releases ... */
fmn_status fmni_pair_identity(const fmn_file_info *images,
                              const fmn_file_info *labels, fmn_error *err);

/* The classes labels must be: first .. first + count - 1. */
typedef struct fmni_classes {
    unsigned first, count;
} fmni_classes;
/* Whose class names a split uses: fmn_options.dataset, else the dataset
 * identified, else the one the labels file's name gives (EMNIST's). */
fmn_dataset fmni_naming(const fmn_options *opt, fmn_dataset identified,
                        const char *labels_path);
/* fmn_options.num_classes' rule, for the labels file at `labels_path`. */
fmni_classes fmni_class_range(const fmn_options *opt, const char *labels_path);

/* The class of item `i` of a labels array (1-D uint8, or a label matrix
 * of `columns` int32 whose column 0 is the class), in host byte order. */
int64_t fmni_label_at(const void *data, size_t columns, uint64_t i);
/* ... FMN_OK when it is one of `c`; else FMN_ERR_BAD_LABEL naming item
 * `item` of the file at `path` (a matrix when columns > 0). */
fmn_status fmni_label_check(const char *path, int gzip, size_t columns,
                            uint64_t item, int64_t label, fmni_classes c,
                            const fmn_options *opt, fmn_error *err);

/* Pairs two loaded files into a split (taking both handles, freed on
 * failure too), item 0 being item `first` of the files. */
fmn_status fmni_split_make(fmn_idx *images, fmn_idx *labels, uint64_t first,
                           const fmn_options *opt, fmn_split **out,
                           fmn_error *err);

/* Transposes the split's images where fmn_options.upright asks
 * (FMN_ERR_NOMEM only). */
fmn_status fmni_split_orient(fmn_split *split, const fmn_options *opt,
                             fmn_error *err);

/* fmn_split_load, or with `ranged` fmn_split_load_range, with every
 * problem passed to `p`. */
fmn_status fmni_split_load_paths(const char *images_path,
                                 const char *labels_path, int ranged,
                                 uint64_t start, uint64_t count,
                                 const fmn_options *opt, fmn_split **out,
                                 fmni_problems *p);

/* ---- folders, on disk or in an archive (listing.c, archive.c) ----------- */

typedef struct fmni_listing {
    char **names;
    unsigned char *is_dir; /* 1: a folder (or a file named *.zip that is a
                              zip archive: one to open) */
    size_t n, cap;
    fmn_allocator heap;    /* what the names come from */
} fmni_listing;

/* The entries of the folder at `path` (hidden ones included), regular
 * files and folders only: a folder on disk, a zip archive, or a folder in
 * one (ARCHIVE.zip/FOLDER); the listing's memory from `heap` (NULL:
 * malloc's). */
fmn_status fmni_list(const char *path, const fmn_allocator *heap,
                     fmni_listing *out, fmn_error *err);
fmn_status fmni_listing_add(fmni_listing *l, const char *name, size_t len,
                            int is_dir);
void fmni_listing_free(fmni_listing *l);
/* 1 when `path` is something fmni_list lists. */
int fmni_is_folder(const char *path);
/* 1 when the regular file at `path` starts as a zip archive does. */
int fmni_is_archive(const char *path);
/* The length of the part of `path` that is a zip archive on disk, when
 * the path goes on into it (or is it); 0 when no part of it is one. */
size_t fmni_archive_prefix(const char *path);

/* archive.c: the folder at path (the archive's path its first `at`
 * bytes) listed; whether it is a folder there; a member opened. */
fmn_status fmni_archive_list(const char *path, size_t at, fmni_listing *out,
                             fmn_error *err);
int fmni_archive_is_folder(const char *path, size_t at);
fmn_status fmni_archive_open_member(fmni_src *src, const char *path,
                                    size_t at, fmn_error *err);

/* mapping.c: the class mapping file at `path` (EMNIST's) agrees with the
 * class names of `naming`: FMN_OK too when there is no such file. Its
 * text is read into memory from `heap`. */
fmn_status fmni_check_mapping(const char *path, fmn_dataset naming,
                              const fmn_allocator *heap, fmn_error *err);

/* ---- names (dataset.c) ---------------------------------------------------- */

/* The dataset a QMNIST or EMNIST file name gives ("emnist-letters-...",
 * "qmnist-..."), or FMN_DATASET_UNKNOWN. */
fmn_dataset fmni_dataset_of_name(const char *path);

/* ---- items (subset.c) ------------------------------------------------- */

/* FMN_ERR_RANGE, naming `what`, when an item of `items` is not below n. */
fmn_status fmni_items_check(fmn_items items, size_t n, const char *what,
                            fmn_error *err);

/* fmni_items_check against the split's count, and FMN_ERR_INVALID_ARGUMENT
 * for more than UINT32_MAX items (repeats in a list). */
fmn_status fmni_split_items_check(const fmn_split *split, fmn_items items,
                                  const char *what, fmn_error *err);

/* FMN_ERR_BUFFER_TOO_SMALL, naming `what`, when cap < need. */
fmn_status fmni_out_check(size_t need, size_t cap, const char *what,
                          fmn_error *err);

#endif
