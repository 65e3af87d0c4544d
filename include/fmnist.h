/*
 * fmnist.h - load and check IDX files (Fashion-MNIST, MNIST, KMNIST, QMNIST,
 * EMNIST).
 *
 * libfmnist reads gzipped or raw IDX files into one contiguous, row-major
 * buffer in host byte order, checks every byte of the container and the
 * format, and identifies the official releases by their content.
 *
 * Conventions, for every function below:
 *   - Functions that can fail return an fmn_status; FMN_OK (0) is success.
 *   - On failure, *out is set to NULL, nothing is leaked, and if `err` is not
 *     NULL it is filled with the status and a message a person can act on:
 *     "PATH: what was expected, what was found, at which byte" for a
 *     problem with a file; "libfmnist: ..." for a bad argument (a NULL
 *     pointer), which has no file.
 *     `err` may always be NULL.
 *   - The library keeps no global state, never prints, never exits and never
 *     asserts on input. Distinct handles may be used from different threads
 *     concurrently; one handle is safe to read (const calls) from many
 *     threads at once once loaded. A load may start short-lived threads of
 *     its own, each joined before the call returns: to decode a large gzip
 *     file on several cores (fmn_options.threads), to sum a large CRC-32
 *     on them, to hash it (fmn_options.hash_gz), and for 8 MiB or more to
 *     fault in the pages of its buffer (Linux). With fmn_options.threads
 *     1 it starts none.
 *   - Views (fmn_array, fmn_images, pointers returned by accessors) stay
 *     valid until the handle that owns them is freed.
 *
 * MIT License. See LICENSE.
 */
#ifndef FMNIST_H
#define FMNIST_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define FMN_VERSION_MAJOR 1
#define FMN_VERSION_MINOR 0
#define FMN_VERSION_PATCH 0
#define FMN_VERSION_STRING "1.0.0"
/* MAJOR * 10000 + MINOR * 100 + PATCH, for #if and for comparing with
 * fmn_version_number() at run time. */
#define FMN_VERSION_NUMBER                                                \
    (FMN_VERSION_MAJOR * 10000 + FMN_VERSION_MINOR * 100 + FMN_VERSION_PATCH)

/* FMN_API: on Windows, a DLL's exports as it is built (FMN_SHARED_BUILD)
 * and its imports for a program using it; nothing for a static library,
 * which defines FMN_STATIC (its CMake target and libfmnist.pc pass it to
 * whoever links it; define it yourself when you compile against a static
 * libfmnist any other way). */
#if defined(_WIN32) && defined(FMN_SHARED_BUILD)
#define FMN_API __declspec(dllexport)
#elif defined(_WIN32) && !defined(FMN_STATIC)
#define FMN_API __declspec(dllimport)
#elif defined(_WIN32)
#define FMN_API
#elif defined(__GNUC__)
#define FMN_API __attribute__((visibility("default")))
#else
#define FMN_API
#endif

/* Returns the library's version, FMN_VERSION_STRING of the build that made
 * it (which may differ from the header you compiled against). Never NULL.
 *     printf("libfmnist %s\n", fmn_version());
 */
FMN_API const char *fmn_version(void);

/* The library's FMN_VERSION_NUMBER, at run time: a program can refuse a
 * library older than the header it was compiled against.
 *     if (fmn_version_number() < FMN_VERSION_NUMBER)
 *         return fprintf(stderr, "libfmnist too old\n"), 1;
 */
FMN_API unsigned long fmn_version_number(void);

/* Which inflaters and CRC-32 this build uses, and whether it reads zip
 * archives, e.g. "inflate: ISA-L igzip streamed, libdeflate whole,
 * libfmnist's own in parallel; CRC-32: ISA-L; zip archives: libzip" or
 * "inflate: zlib streamed, libfmnist's own in parallel; CRC-32: zlib; zip
 * archives: not read (built without libzip)".
 * Never NULL.
 *     puts(fmn_build_info());
 */
FMN_API const char *fmn_build_info(void);

/* The cores this process may run on (its CPU affinity where the system
 * has one, else the cores online), 1 to 64: what a load uses when
 * fmn_options.threads is 0.
 *     printf("decoding on %u cores\n", fmn_cores());
 */
FMN_API unsigned fmn_cores(void);

/* ------------------------------------------------------------------------ */
/* Status codes. Values are fixed and only ever appended.                   */

typedef enum fmn_status {
    FMN_OK = 0,
    FMN_ERR_NOMEM = 1,            /* a memory allocation failed */
    FMN_ERR_INVALID_ARGUMENT = 2, /* NULL where a pointer is required, ... */
    FMN_ERR_NOT_FOUND = 3,        /* the path does not exist */
    FMN_ERR_IS_DIRECTORY = 4,     /* a file was expected, a directory found */
    FMN_ERR_IO = 5,               /* open() or read() failed */
    FMN_ERR_HEADER_SHORT = 6,     /* input ends inside the IDX header */
    FMN_ERR_BAD_MAGIC = 7,        /* first two bytes are not zero */
    FMN_ERR_BAD_TYPE = 8,         /* unknown element type code */
    FMN_ERR_ZERO_DIMS = 9,        /* header declares zero dimensions */
    FMN_ERR_SIZE_OVERFLOW = 10,   /* dimension product overflows */
    FMN_ERR_TOO_LARGE = 11,       /* more than the caller's byte limit */
    FMN_ERR_TRUNCATED = 12,       /* payload shorter than the header claims */
    FMN_ERR_TRAILING_DATA = 13,   /* bytes after the payload */
    FMN_ERR_GZIP_HEADER = 14,     /* malformed gzip member header */
    FMN_ERR_GZIP_DATA = 15,       /* corrupt deflate data */
    FMN_ERR_GZIP_TRUNCATED = 16,  /* gzip stream ends early */
    FMN_ERR_GZIP_CRC = 17,        /* member CRC32 does not match its data */
    FMN_ERR_GZIP_LENGTH = 18,     /* member length does not match its data */
    FMN_ERR_GZIP_TRAILING = 19,   /* garbage after the last gzip member */
    FMN_ERR_NOT_IMAGES = 20,      /* images file is not a 3-D uint8 array */
    FMN_ERR_NOT_LABELS = 21,      /* labels file is not a 1-D uint8 array */
    FMN_ERR_COUNT_MISMATCH = 22,  /* image and label counts differ */
    FMN_ERR_BAD_LABEL = 23,       /* a label is not a valid class */
    FMN_ERR_RANGE = 24,           /* requested items are outside the file */
    FMN_ERR_NO_DATASET = 25,      /* a directory holds no IDX split files */
    FMN_ERR_AMBIGUOUS = 26,       /* several candidate files for one role */
    FMN_ERR_MISMATCHED_PAIR = 27, /* images and labels of different releases */
    FMN_ERR_BUFFER_TOO_SMALL = 28,/* an output buffer holds fewer values than
                                     needed (the message says how many) */
    FMN_ERR_EXISTS = 29,          /* an output file exists (and may not be
                                     replaced) */
    FMN_ERR_WRITE = 30,           /* writing output failed (full disk, ...) */
    FMN_ERR_MISNAMED = 31,        /* a published file under the name of
                                     another (train images named test, ...) */
    FMN_ERR_NOT_PUBLISHED = 32,   /* a valid file, but not the published one
                                     that was asked for */
    FMN_ERR_CLASS_MAP = 33,       /* a class mapping file beside the data
                                     (EMNIST's *-mapping.txt) disagrees with
                                     the dataset's class names */
    FMN_ERR_UNSUPPORTED = 34      /* input in a form this build cannot read
                                     (xz, or a zip without libzip) */
} fmn_status;

/* Returns a short English description of `status`. Never NULL; unknown
 * values give "unknown status". Thread-safe.
 *     fprintf(stderr, "%s\n", fmn_strerror(st)); // "IDX data is truncated"
 */
FMN_API const char *fmn_strerror(fmn_status status);

#define FMN_NO_OFFSET UINT64_MAX

/* Details of a failure, filled by any call that takes an `fmn_error *`
 * (NULL is fine: no details). A call that succeeds clears it: status
 * FMN_OK, offset FMN_NO_OFFSET, an empty message. Strings a call takes
 * (paths, names for messages) are copied where the result keeps them,
 * never kept by pointer. */
typedef struct fmn_error {
    fmn_status status;
    /* Byte offset at which the problem was found, or FMN_NO_OFFSET. */
    uint64_t offset;
    /* 1 when `offset` counts decompressed bytes of a gzip file, 0 when it
     * counts bytes of the file itself. */
    int offset_is_decoded;
    /* "PATH: what is wrong" ("libfmnist: ..." for a bad argument),
     * NUL-terminated, no trailing newline. The words after "PATH: " are
     * kept whole: a PATH too long to fit beside them is shortened in its
     * middle ("/very/lo...ng/train.gz"). */
    char message[512];
} fmn_error;

/* ------------------------------------------------------------------------ */
/* Element types, as coded in the IDX header's third byte.                  */

typedef enum fmn_dtype {
    FMN_DTYPE_U8 = 0x08,
    FMN_DTYPE_I8 = 0x09,
    FMN_DTYPE_I16 = 0x0B,
    FMN_DTYPE_I32 = 0x0C,
    FMN_DTYPE_F32 = 0x0D,
    FMN_DTYPE_F64 = 0x0E
} fmn_dtype;

/* Size of one element in bytes (1, 2, 4 or 8), or 0 for an invalid code.
 *     size_t bytes = (size_t)a.count * fmn_dtype_size(a.dtype);
 */
FMN_API size_t fmn_dtype_size(fmn_dtype dtype);

/* NumPy-style name: "uint8", "int8", "int16", "int32", "float32",
 * "float64"; "invalid" for any other value. Never NULL.
 *     printf("%s\n", fmn_dtype_name(a.dtype)); // "uint8"
 */
FMN_API const char *fmn_dtype_name(fmn_dtype dtype);

/* ------------------------------------------------------------------------ */
/* What is known about the datasets.                                        */

typedef enum fmn_dataset {
    FMN_DATASET_UNKNOWN = 0,
    FMN_DATASET_FASHION_MNIST = 1,
    FMN_DATASET_MNIST = 2,
    FMN_DATASET_KMNIST = 3,
    FMN_DATASET_QMNIST = 4,          /* labels: N x 8 int32 (FMN_QMNIST_*) */
    FMN_DATASET_EMNIST_BYCLASS = 5,  /* EMNIST's six splits: images stored */
    FMN_DATASET_EMNIST_BYMERGE = 6,  /* transposed (fmn_options.upright) */
    FMN_DATASET_EMNIST_BALANCED = 7,
    FMN_DATASET_EMNIST_LETTERS = 8,  /* labels 1 to 26 */
    FMN_DATASET_EMNIST_DIGITS = 9,
    FMN_DATASET_EMNIST_MNIST = 10
} fmn_dataset;

/* The columns of QMNIST's label matrices (qmnist-*-labels-idx2-int: N x 8
 * int32), as its publishers describe them; column 0 is the class. */
enum {
    FMN_QMNIST_CLASS = 0,       /* the digit, 0 to 9 */
    FMN_QMNIST_HSF = 1,         /* NIST HSF series (0-4, 6, 7) */
    FMN_QMNIST_WRITER = 2,      /* NIST writer id */
    FMN_QMNIST_DIGIT_INDEX = 3, /* the digit's index for its writer */
    FMN_QMNIST_NIST_CLASS = 4,  /* NIST class code */
    FMN_QMNIST_NIST_INDEX = 5,  /* global NIST digit index */
    FMN_QMNIST_DUPLICATE = 6,   /* duplicate flag */
    FMN_QMNIST_UNUSED = 7,
    FMN_QMNIST_COLUMNS = 8
};

typedef enum fmn_split_id {
    FMN_SPLIT_UNKNOWN = 0,
    FMN_SPLIT_TRAIN = 1,
    FMN_SPLIT_TEST = 2
} fmn_split_id;

typedef enum fmn_file_kind {
    FMN_FILE_UNKNOWN = 0,
    FMN_FILE_IMAGES = 1,
    FMN_FILE_LABELS = 2
} fmn_file_kind;

/* "fashion-mnist", "mnist", "kmnist", "qmnist", "emnist-byclass",
 * "emnist-bymerge", "emnist-balanced", "emnist-letters", "emnist-digits",
 * "emnist-mnist" (the prefix of EMNIST's file names); NULL for
 * FMN_DATASET_UNKNOWN.
 *     fmn_dataset_name(fmn_split_dataset(sp)) // "fashion-mnist"
 */
FMN_API const char *fmn_dataset_name(fmn_dataset dataset);

/* The dataset fmn_dataset_name() calls `name`, or FMN_DATASET_UNKNOWN.
 *     fmn_dataset_from_name("emnist-letters") // FMN_DATASET_EMNIST_LETTERS
 */
FMN_API fmn_dataset fmn_dataset_from_name(const char *name);

/* The dataset's name as its publishers write it: "Fashion-MNIST",
 * "MNIST", "KMNIST", "QMNIST", "EMNIST ByClass", "EMNIST ByMerge",
 * "EMNIST Balanced", "EMNIST Letters", "EMNIST Digits", "EMNIST MNIST";
 * NULL for FMN_DATASET_UNKNOWN.
 *     printf("%s\n", fmn_dataset_title(FMN_DATASET_KMNIST)); // "KMNIST"
 */
FMN_API const char *fmn_dataset_title(fmn_dataset dataset);

/* 1 for a dataset that stores each image transposed (EMNIST's six: row r
 * of a stored image is column r of the upright one), else 0.
 *     if (fmn_dataset_transposed(fmn_split_dataset(sp))) ...
 */
FMN_API int fmn_dataset_transposed(fmn_dataset dataset);

/* "images" or "labels"; NULL for FMN_FILE_UNKNOWN.
 *     fmn_file_kind_name(fmn_idx_info(idx)->kind) // "labels"
 */
FMN_API const char *fmn_file_kind_name(fmn_file_kind kind);

/* "train" or "test"; NULL for FMN_SPLIT_UNKNOWN.
 *     fmn_split_id_name(FMN_SPLIT_TEST) // "test"
 */
FMN_API const char *fmn_split_id_name(fmn_split_id split);

/* Number of classes of a known dataset, or 0 if unknown: 10, EMNIST
 * ByClass 62, ByMerge and Balanced 47, Letters 26.
 *     fmn_dataset_num_classes(FMN_DATASET_MNIST) // 10
 */
FMN_API unsigned fmn_dataset_num_classes(fmn_dataset dataset);

/* The label of a dataset's first class: 1 for EMNIST Letters (labelled 1
 * to 26, a to z; 0 is not used), else 0. Labels run from it to it +
 * fmn_dataset_num_classes() - 1.
 *     fmn_dataset_first_label(FMN_DATASET_EMNIST_LETTERS) // 1
 */
FMN_API unsigned fmn_dataset_first_label(fmn_dataset dataset);

/* Name of class `label` of `dataset`: Fashion-MNIST's as published
 * ("T-shirt/top", ..., "Ankle boot"), MNIST's and QMNIST's "0".."9",
 * KMNIST's romanized names ("o", "ki", ...), EMNIST's characters (ByClass
 * "0".."9", "A".."Z", "a".."z"; ByMerge and Balanced "0".."9", "A".."Z",
 * "a" "b" "d" "e" "f" "g" "h" "n" "q" "r" "t"; Letters "a".."z" for labels
 * 1 to 26, upper and lower case merged). NULL for an unknown dataset or a
 * label outside it. Static storage; thread-safe.
 *     fmn_class_name(FMN_DATASET_FASHION_MNIST, 9) // "Ankle boot"
 */
FMN_API const char *fmn_class_name(fmn_dataset dataset, unsigned label);

/* ------------------------------------------------------------------------ */
/* Options.                                                                 */

/* A caller's memory functions (fmn_options.alloc), as spng_ctx_new2's:
 * alloc(ctx, n) returns n bytes (n >= 1) aligned for any type, as malloc
 * does, or NULL; realloc(ctx, p, n) resizes p (not NULL, n >= 1) as
 * realloc does; free(ctx, p) releases p (never NULL). ctx is passed
 * through untouched. */
typedef struct fmn_allocator {
    void *(*alloc)(void *ctx, size_t n);
    void *(*realloc)(void *ctx, void *p, size_t n);
    void (*free)(void *ctx, void *p);
    void *ctx;
} fmn_allocator;

/* Default for fmn_options.max_bytes: 1 GiB of decoded data per file, far
 * above any MNIST-family file (EMNIST ByClass images are 547 MB). */
#define FMN_DEFAULT_MAX_BYTES ((uint64_t)1 << 30)

/* Options for the loaders. Call fmn_options_init, then set what you
 * need; a NULL `const fmn_options *` means all defaults.
 *
 * Options structs grow without breaking callers (this one,
 * fmn_knn_options and fmn_batch_options): each begins with struct_size,
 * which its *_init sets to the size the caller was compiled with. New
 * fields only ever come at the end. The library reads only the fields
 * that size covers, the others keeping their defaults, so a program built
 * against an older header runs against a newer library; a size larger
 * than this library knows (a newer header) is accepted when every byte
 * past what it knows is 0 (fields this library cannot honour, left
 * unset), else refused. A size that ends inside a field, or is 0 (a
 * struct never initialised), is refused with FMN_ERR_INVALID_ARGUMENT and
 * a message. The structs the library fills or returns by value
 * (fmn_error, fmn_file_info, fmn_array, fmn_images, fmn_items,
 * fmn_pixel_stats, fmn_scale, fmn_scale64, fmn_neighbor, fmn_batch,
 * fmn_rng) are frozen: they never change in 1.x. */
typedef struct fmn_options {
    /* sizeof(fmn_options) as the caller knows it: set by fmn_options_init */
    size_t struct_size;
    /* Largest decoded payload accepted per file, in bytes; 0 means
     * FMN_DEFAULT_MAX_BYTES. A file whose header claims more fails with
     * FMN_ERR_TOO_LARGE before anything is allocated. Raise it for files
     * over 1 GiB (sizes are 64-bit; files over 4 GiB work). */
    uint64_t max_bytes;
    /* Labels must be below this; 0 means: the classes of `dataset` when
     * set, else those of the dataset the labels file's name gives
     * (emnist-letters-..., qmnist-...), else 10.
     * A dataset's classes run from fmn_dataset_first_label() (1 for EMNIST
     * Letters, whose labels are 1 to 26) for fmn_dataset_num_classes();
     * with num_classes set, from 0. Loads and streams apply the same
     * rule. */
    unsigned num_classes;
    /* The dataset whose class names a split uses (fmn_split_naming);
     * FMN_DATASET_UNKNOWN: the one its content is identified as. Never
     * changes what the content is identified as (fmn_split_dataset). */
    fmn_dataset dataset;
    /* 1: a raw (uncompressed) uint8 or int8 file of 2 or more dimensions
     * (images) and 1 MiB or more is memory-mapped read-only and its pages
     * become the tensor: checked and identified, never copied, the fastest
     * load there is. The price: if the file is truncated or its storage
     * fails while mapped, the process gets SIGBUS instead of an error, and
     * changes other processes make to the file show through. Labels
     * (1-D) are always copied, so every check made at load keeps holding.
     * 0 (the default): every file is read into memory of its own. */
    int map_raw;
    /* Optional: receives every problem that a split or directory load
     * (fmn_split_load, fmn_split_load_range, fmn_dir_load_split,
     * fmn_dir_load_both, fmn_split_reader_open) finds, the first included.
     * With it set, those calls check every file even after one failed, so
     * that each bad file is reported once; they still return the first
     * problem in `err`. Called from the calling thread before the call
     * returns, in a fixed order (train before test, labels before images,
     * then pairing). NULL: only `err`. */
    void (*report)(void *report_ctx, const fmn_error *problem);
    void *report_ctx;
    /* Threads a load may decode one gzip file on: 0 (the default) means
     * fmn_cores(), 1 the calling thread only. A file of one gzip member
     * and 2 MiB or more is cut into that many parts of 1 MiB or more,
     * decoded at once (a block boundary found in each part, proven by the
     * part before it), with the same result and the same checks as one
     * thread; anything in doubt is decoded on one. */
    unsigned threads;
    /* 1: prove what the CRC-32 found. A file whose decoded content has a
     * published content's CRC-32 and length is hashed with SHA-256 once
     * loaded (FMN_RELEASE_REPACKED if it is that content's, else
     * FMN_RELEASE_MODIFIED); a gzip file that may be a published .gz (its
     * size is one's, and its trailer's CRC-32 and length are that file's
     * content) is hashed with the publisher's MD5, on a thread of its own
     * while it decodes (FMN_RELEASE_IDENTICAL). 0 (the default): nothing
     * is hashed, and a file with a published content's CRC-32 is
     * FMN_RELEASE_PUBLISHED: a load pays for no hash. A range load is
     * never proven. fmn_release_check_file and `fmnist verify` always
     * hash, `fmnist info` with --prove. */
    int hash_gz;
    /* 1: the images of a split whose dataset stores them transposed
     * (fmn_dataset_transposed: EMNIST's, identified by name or content, or
     * named by `dataset`) are transposed as they load, so that they stand
     * upright as MNIST's do (H x W becomes W x H); fmn_split_upright()
     * says whether it was done. 0 (the default): every image exactly as
     * stored. Streams (fmn_split_reader) always give the stored bytes.
     * The fmnist tool's show, export, grid and audit -o set it unless
     * --as-stored is given; no other command changes. */
    int upright;
    /* The memory a call taking these options allocates, and the handles
     * it returns (fmn_idx, fmn_split, fmn_split_reader, and the fmn_dir
     * fmn_dataset_load opens and frees) for as long as they live: all
     * three functions set, or none (the default: malloc, realloc, free);
     * one or two set is FMN_ERR_INVALID_ARGUMENT. Only the calling
     * thread calls them, never the load's own threads. Nothing goes to
     * malloc then but what the system allocates for itself: the C
     * library's opendir (a folder's listing), libzip (zip archives: it
     * has no allocator hooks) and the threads (their stacks, and what the
     * C library allocates to start one). The handles must
     * not outlive ctx. fmn_split_release's buffers come from alloc: free
     * them with the same allocator's free. Per call, never global: two
     * loads may use two allocators at once. */
    fmn_allocator alloc;
} fmn_options;

/* Sets every field of *opt to its default, and struct_size to
 * sizeof(fmn_options) as this header declares it.
 *     fmn_options opt;
 *     fmn_options_init(&opt);
 *     opt.max_bytes = (uint64_t)4 << 30; // accept files up to 4 GiB
 */
#define fmn_options_init(opt) fmn_options_init_sized((opt), sizeof(fmn_options))
FMN_API void fmn_options_init_sized(fmn_options *opt, size_t struct_size);

/* ------------------------------------------------------------------------ */
/* One IDX file.                                                            */

typedef enum fmn_compression {
    FMN_COMPRESSION_NONE = 0,
    FMN_COMPRESSION_GZIP = 1
} fmn_compression;

/* How a file relates to the published releases. What each proves:
 * IDENTICAL rests on the publisher's MD5 of the .gz; REPACKED and
 * PUBLISHED on the CRC-32 and length of the decoded bytes (which tells
 * accidents, not a deliberate forgery), REPACKED also on a file size or
 * MD5 that is not the .gz's; MODIFIED and NOT_KNOWN on the header's
 * shape. */
typedef enum fmn_release {
    FMN_RELEASE_UNKNOWN = 0,   /* not the shape of any published file (or
                                  not fully read) */
    FMN_RELEASE_IDENTICAL = 1, /* byte for byte the published .gz file */
    FMN_RELEASE_REPACKED = 2,  /* the published content in another
                                  container (other gzip header, or raw),
                                  proven by its SHA-256 */
    FMN_RELEASE_MODIFIED = 3,  /* the shape of a published file, but the
                                  content of none whose shape it has (every
                                  one of them has a known content); or the
                                  CRC-32 and length of a published content
                                  whose SHA-256 it does not have (changed,
                                  and the CRC made to match) */
    FMN_RELEASE_NOT_KNOWN = 4, /* the shape of a published file whose content
                                  checksum is not known (only its .gz's MD5
                                  is published), and no known content: it
                                  may be a repack of that file */
    FMN_RELEASE_PUBLISHED = 5, /* the published content by its CRC-32 and
                                  length, not hashed (fmn_options.hash_gz
                                  was 0, a stream, or a range): enough to
                                  name the dataset, not to prove it (a
                                  CRC-32 tells accidents, not intent) */
    FMN_RELEASE_NAMED = 6      /* by name: the file name and the shape of a
                                  published file whose content no published
                                  checksum pins down (EMNIST publishes only
                                  its zip's MD5; QMNIST's content has no
                                  known checksum once it is not the .gz):
                                  neither proven nor disproven */
} fmn_release;

/* "identical", "repacked", "published", "modified", "not-known", "named"
 * or "unknown". Never NULL.
 *     puts(fmn_release_name(fmn_idx_info(idx)->release)); // "repacked"
 */
FMN_API const char *fmn_release_name(fmn_release release);

/* What is known about one loaded file. */
typedef struct fmn_file_info {
    const char *path;            /* path, or the name given for memory */
    fmn_compression compression;
    uint64_t file_size;          /* bytes in the file or buffer as stored */
    uint64_t decoded_size;       /* IDX bytes, header included (complete
                                    loads only; else bytes decoded) */
    uint32_t crc32;              /* CRC-32 of the decoded IDX bytes */
    int complete;                /* 1: whole file read and every check
                                    made; 0: a partial (range) load */
    fmn_release release;         /* identification by content: the CRC-32
                                    and length of the decoded bytes find
                                    the candidate (PUBLISHED); where the
                                    load hashes (fmn_options.hash_gz), the
                                    SHA-256 of the decoded bytes proves it
                                    (REPACKED) or disproves it (MODIFIED),
                                    and the publisher's MD5 of the .gz
                                    proves IDENTICAL (hashed as it is read
                                    when the input is a pipe) */
    fmn_dataset dataset;         /* what the content was identified as:
                                    set for IDENTICAL, REPACKED,
                                    PUBLISHED and NAMED only */
    fmn_split_id split;          /* ... and the role: for MODIFIED and
                                    NOT_KNOWN, the role of the published
                                    files of that shape */
    fmn_file_kind kind;
    int content_hashed;          /* 1: content_sha256 holds the SHA-256 of
                                    the decoded IDX bytes, header included
                                    (computed only to prove a candidate) */
    uint8_t content_sha256[32];
} fmn_file_info;

/* The name the releases give a split's file, into buf (cap bytes;
 * returns the length needed, as snprintf; 0 for an unknown split or kind):
 * "train-images-idx3-ubyte", "t10k-labels-idx1-ubyte" (without ".gz"),
 * or with `stem` (not NULL) in place of the split's word:
 * "mine-images-idx3-ubyte".
 *     char name[64];
 *     fmn_release_file_name(FMN_SPLIT_TEST, FMN_FILE_IMAGES, NULL, name, 64);
 */
FMN_API size_t fmn_release_file_name(fmn_split_id split, fmn_file_kind kind,
                                     const char *stem, char *buf, size_t cap);

typedef struct fmn_split fmn_split;

/* As fmn_release_file_name, for the files of split `sp` written as IDX:
 * a label matrix's file (QMNIST's) is "train-labels-idx2-int".
 *     fmn_split_file_name(sp, FMN_SPLIT_TRAIN, FMN_FILE_LABELS, NULL, name,
 *                         sizeof name);
 */
FMN_API size_t fmn_split_file_name(const fmn_split *sp, fmn_split_id split,
                                   fmn_file_kind kind, const char *stem,
                                   char *buf, size_t cap);

/* Base URL `i` (from 0, ending in '/') of the places that serve the
 * published .gz files of `dataset` under their published names, the one
 * that answers best first; NULL past the last. Static storage.
 *     for (size_t i = 0; fmn_release_mirror(FMN_DATASET_MNIST, i); i++)
 *         puts(fmn_release_mirror(FMN_DATASET_MNIST, i));
 */
FMN_API const char *fmn_release_mirror(fmn_dataset dataset, size_t i);

/* The published size in bytes of the .gz of (`dataset`, `split`, `kind`),
 * or 0 where it is not recorded.
 *     fmn_release_gz_size(FMN_DATASET_FASHION_MNIST, FMN_SPLIT_TRAIN,
 *                         FMN_FILE_IMAGES) // 26421880
 */
FMN_API uint64_t fmn_release_gz_size(fmn_dataset dataset, fmn_split_id split,
                                     fmn_file_kind kind);

/* Loads the file at `path` (every check of a load) and requires it to be
 * the published (`dataset`, `split`, `kind`) file: identical (the MD5 of
 * the .gz) or repacked (its content). *release (when not NULL) receives
 * which. FMN_ERR_MISNAMED for another published file ("holds the
 * Fashion-MNIST test images, not the ..."), FMN_ERR_NOT_PUBLISHED for
 * other content, a load's errors for a damaged file, INVALID_ARGUMENT for
 * a dataset, split or kind with no published file. What fmnist download
 * checks before a file takes its name.
 *     fmn_release r;
 *     fmn_release_check_file("train-images-idx3-ubyte.gz.part",
 *                            FMN_DATASET_FASHION_MNIST, FMN_SPLIT_TRAIN,
 *                            FMN_FILE_IMAGES, &r, &err);
 */
FMN_API fmn_status fmn_release_check_file(const char *path,
                                          fmn_dataset dataset,
                                          fmn_split_id split,
                                          fmn_file_kind kind,
                                          fmn_release *release,
                                          fmn_error *err);

/* A sentence for a person on how the file relates to the releases, into
 * buf (cap bytes, truncated and NUL-terminated); returns the length it
 * needed, as snprintf does. E.g. "identical to the published
 * Fashion-MNIST train images", "repacked: the published MNIST test labels
 * content in another container", "not known: the shape of the published
 * train images, but not Fashion-MNIST's or MNIST's content; no checksum of
 * KMNIST's content is known, so it may be a copy of it".
 *     char say[256];
 *     fmn_release_describe(fmn_idx_info(idx), say, sizeof say);
 */
FMN_API size_t fmn_release_describe(const fmn_file_info *info, char *buf,
                                    size_t cap);

/* Checks that an identified file holds what its name says: FMN_OK unless
 * the content was identified (IDENTICAL or REPACKED) as a file of another
 * split or kind than `split` and `kind` (split FMN_SPLIT_UNKNOWN: any
 * split), then FMN_ERR_MISNAMED with a message naming both.
 *     fmn_file_check_role(fmn_idx_info(idx), FMN_SPLIT_TRAIN,
 *                         FMN_FILE_IMAGES, &err);
 */
FMN_API fmn_status fmn_file_check_role(const fmn_file_info *info,
                                       fmn_split_id split, fmn_file_kind kind,
                                       fmn_error *err);

/* A read-only view of an array: row-major, host byte order. */
typedef struct fmn_array {
    const void *data;            /* `nbytes` bytes; NULL when empty */
    fmn_dtype dtype;
    size_t ndim;                 /* 1 to 255 */
    const uint32_t *dims;        /* `ndim` extents, outermost first */
    uint64_t count;              /* elements: the product of dims */
    size_t nbytes;               /* count * fmn_dtype_size(dtype) */
} fmn_array;

typedef struct fmn_idx fmn_idx;

/* Loads a whole IDX file from `path`, gzipped or raw (told apart by the
 * gzip magic bytes 1f 8b, never by the name). Concatenated gzip members
 * decode as one stream; every member's CRC-32 and length are checked, and
 * bytes after the payload or after the last member are errors.
 *   path  file to read; must not be NULL.
 *   opt   options, or NULL for defaults.
 *   out   receives a new handle to free with fmn_idx_free(); NULL on error.
 *   err   optional failure details.
 * Returns FMN_OK, or the first problem found: FMN_ERR_NOT_FOUND,
 * FMN_ERR_IS_DIRECTORY, FMN_ERR_IO, a format or gzip error, FMN_ERR_NOMEM,
 * FMN_ERR_TOO_LARGE.
 *     fmn_idx *idx;
 *     fmn_error err;
 *     if (fmn_idx_load_file("t10k-labels-idx1-ubyte.gz", NULL, &idx, &err))
 *         fprintf(stderr, "%s\n", err.message);
 */
FMN_API fmn_status fmn_idx_load_file(const char *path, const fmn_options *opt,
                                     fmn_idx **out, fmn_error *err);

/* As fmn_idx_load_file, from `size` bytes at `data` (not retained; may be
 * freed once the call returns). `name` labels messages and info->path; NULL
 * means "<memory>".
 *     fmn_idx_load_memory(bytes, size, "download", NULL, &idx, &err);
 */
FMN_API fmn_status fmn_idx_load_memory(const void *data, size_t size,
                                       const char *name,
                                       const fmn_options *opt, fmn_idx **out,
                                       fmn_error *err);

/* Loads items [start, start + count) along the first dimension of the file
 * at `path`, decoding no further than the last item requested. The
 * resulting array's first extent is `count`. Decoding stops after the last
 * item requested, so trailing bytes and the gzip CRC are checked only if
 * that reaches the end of the stream, and the file is not identified
 * (info->complete is 0). Fails with FMN_ERR_RANGE when the
 * range is not inside the file.
 *     fmn_idx_load_file_range(path, 100, 10, NULL, &idx, &err); // 100-109
 */
FMN_API fmn_status fmn_idx_load_file_range(const char *path, uint64_t start,
                                           uint64_t count,
                                           const fmn_options *opt,
                                           fmn_idx **out, fmn_error *err);

/* Loads an IDX file (gzipped or raw) from the open descriptor `fd`: a
 * file, a pipe, a socket. The descriptor stays yours, open (a duplicate is
 * read); a regular file is read from its first byte, whatever the
 * descriptor's offset, which stays where it was. `name` is what messages
 * and the file's info call it (copied; NULL: "<descriptor N>"). For a
 * FILE *, pass fileno(f), or read it through fmn_idx_load_callback.
 *     fmn_idx_load_fd(STDIN_FILENO, "stdin", NULL, &idx, &err);
 */
FMN_API fmn_status fmn_idx_load_fd(int fd, const char *name,
                                   const fmn_options *opt, fmn_idx **out,
                                   fmn_error *err);

/* What fmn_idx_load_callback reads through: up to `n` bytes into `buf`;
 * returns how many (fewer is fine), 0 at the end, -1 on an error. */
typedef long (*fmn_read_fn)(void *ctx, void *buf, size_t n);

/* Loads an IDX file through `read` (called with `ctx` until it returns 0
 * or -1): an archive member, a socket, a FILE *. A -1 fails the load
 * with FMN_ERR_IO ("NAME: ... the read callback failed"). `name` as for
 * fmn_idx_load_fd (NULL: "<callback>"). Nothing is read twice: as for a
 * pipe, the MD5 a .gz is identified by is computed as the bytes pass.
 *     static long from_file(void *f, void *buf, size_t n)
 *     {
 *         size_t got = fread(buf, 1, n, f);
 *         return got ? (long)got : ferror((FILE *)f) ? -1 : 0;
 *     }
 *     ...
 *     fmn_idx_load_callback(from_file, fp, "labels", NULL, &idx, &err);
 */
FMN_API fmn_status fmn_idx_load_callback(fmn_read_fn read, void *ctx,
                                         const char *name,
                                         const fmn_options *opt,
                                         fmn_idx **out, fmn_error *err);

/* The decoded array. Valid until fmn_idx_free(idx).
 *     fmn_array a = fmn_idx_array(idx);
 *     for (size_t i = 0; i < a.ndim; i++)
 *         printf(" %u", (unsigned)a.dims[i]); // " 10000 28 28"
 */
FMN_API fmn_array fmn_idx_array(const fmn_idx *idx);

/* What is known about the file. Valid until fmn_idx_free(idx).
 *     if (fmn_idx_info(idx)->release == FMN_RELEASE_IDENTICAL)
 *         puts("the published file, byte for byte");
 */
FMN_API const fmn_file_info *fmn_idx_info(const fmn_idx *idx);

/* Frees the handle and its data. NULL is a no-op.
 *     fmn_idx_free(idx);
 */
FMN_API void fmn_idx_free(fmn_idx *idx);

/* ------------------------------------------------------------------------ */
/* Reading a file larger than memory, item by item.                         */

typedef struct fmn_reader fmn_reader;

/* Opens the IDX file at `path` (gzipped or raw) and reads its header, for
 * reading its items a few at a time in constant memory: no byte limit
 * applies, since nothing is allocated by the file's size. The checks of a
 * load are made as the data passes; when the last item has been read,
 * the end is checked (no trailing bytes, every gzip trailer) and the
 * content identified (fmn_reader_info). Errors: those of
 * fmn_idx_load_file's header checks, FMN_ERR_TRUNCATED for a raw file
 * shorter than its header declares.
 *     fmn_reader *r;
 *     if (fmn_reader_open("huge-images-idx3-ubyte", &r, &err)) ... */
FMN_API fmn_status fmn_reader_open(const char *path, fmn_reader **out,
                                   fmn_error *err);

/* The file's shape: dtype, ndim, dims and count as the header declares
 * them; data is NULL and nbytes the payload size (SIZE_MAX if larger).
 *     fmn_array a = fmn_reader_shape(r); // a.dims[0] items */
FMN_API fmn_array fmn_reader_shape(const fmn_reader *r);

/* Bytes of one item (the product of the dims after the first, times the
 * element size): 784 for 28x28 uint8 images.
 *     uint8_t *buf = malloc(1024 * fmn_reader_item_bytes(r)); */
FMN_API size_t fmn_reader_item_bytes(const fmn_reader *r);

/* Reads the next min(max_items, items left) items into dst (room for
 * max_items * fmn_reader_item_bytes(r) bytes), in host byte order, and
 * sets *got to their number: 0 once every item has been read. The call
 * that reads the last item also checks the end of the file and fails if
 * anything is wrong there. FMN_ERR_TRUNCATED when the data ends early,
 * gzip errors as they are met.
 *     size_t n;
 *     while (fmn_reader_read(r, buf, 1024, &n, &err) == FMN_OK && n > 0)
 *         use(buf, n);   // then check the status of the last call */
FMN_API fmn_status fmn_reader_read(fmn_reader *r, void *dst, size_t max_items,
                                   size_t *got, fmn_error *err);

/* What is known about the file: compression and size at once; after the
 * last item, complete is 1 with the CRC-32, decoded size and release.
 *     if (fmn_reader_info(r)->complete) ... */
FMN_API const fmn_file_info *fmn_reader_info(const fmn_reader *r);

/* Closes the file and frees the reader. NULL is a no-op.
 *     fmn_reader_free(r); */
FMN_API void fmn_reader_free(fmn_reader *r);

/* ------------------------------------------------------------------------ */
/* A split: an images file and a labels file.                               */

/* Read-only view of a split's images: count x height x width uint8 pixels,
 * contiguous and row-major (image i starts at data + i*height*width). */
typedef struct fmn_images {
    const uint8_t *data;         /* NULL when count is 0 (not when the
                                    images have no pixels) */
    size_t count;
    size_t height;
    size_t width;
} fmn_images;

typedef struct fmn_split fmn_split;

/* Loads a split from an images file (3-D uint8 IDX) and a labels file (1-D
 * uint8 IDX, or a label matrix: 2-D int32, N x columns, the class in
 * column 0, as QMNIST's), checks that their counts agree and that every
 * label is a class (see fmn_options.num_classes), and works out the
 * dataset from the files' content (or, for EMNIST's and QMNIST's, their
 * names and shapes). Either file may be gzipped or raw.
 * Errors: those of fmn_idx_load_file, plus FMN_ERR_NOT_IMAGES,
 * FMN_ERR_NOT_LABELS, FMN_ERR_COUNT_MISMATCH, FMN_ERR_BAD_LABEL and
 * FMN_ERR_MISMATCHED_PAIR (files identified as different releases).
 *     fmn_split *train;
 *     fmn_split_load("train-images-idx3-ubyte.gz",
 *                    "train-labels-idx1-ubyte.gz", NULL, &train, &err);
 */
FMN_API fmn_status fmn_split_load(const char *images_path,
                                  const char *labels_path,
                                  const fmn_options *opt, fmn_split **out,
                                  fmn_error *err);

/* As fmn_split_load, from two open descriptors (yours, left open; see
 * fmn_idx_load_fd), each named for messages (NULL: "<descriptor N>").
 *     fmn_split_load_fd(img_fd, "train-images", lbl_fd, "train-labels",
 *                       NULL, &sp, &err);
 */
FMN_API fmn_status fmn_split_load_fd(int images_fd, const char *images_name,
                                     int labels_fd, const char *labels_name,
                                     const fmn_options *opt, fmn_split **out,
                                     fmn_error *err);

/* As fmn_split_load, through two read callbacks (see
 * fmn_idx_load_callback); the labels are read first.
 *     fmn_split_load_callback(from_file, img_fp, "train-images", from_file,
 *                             lbl_fp, "train-labels", NULL, &sp, &err);
 */
FMN_API fmn_status fmn_split_load_callback(
    fmn_read_fn images_read, void *images_ctx, const char *images_name,
    fmn_read_fn labels_read, void *labels_ctx, const char *labels_name,
    const fmn_options *opt, fmn_split **out, fmn_error *err);

/* As fmn_split_load for in-memory files. The names may be NULL.
 *     fmn_split_load_memory(img, img_size, NULL, lab, lab_size, NULL, NULL,
 *                           &sp, &err);
 */
FMN_API fmn_status fmn_split_load_memory(const void *images, size_t images_size,
                                         const char *images_name,
                                         const void *labels, size_t labels_size,
                                         const char *labels_name,
                                         const fmn_options *opt,
                                         fmn_split **out, fmn_error *err);

/* Loads items [start, start + count) of a split, with every check of
 * fmn_split_load: both files are decoded to their end (the images outside
 * the range are checked and dropped, not kept), so a damaged file or a
 * pair of two releases is refused as a whole load refuses it. Only the
 * range is kept in memory. FMN_ERR_RANGE when the range is not inside the
 * split.
 *     fmn_split_load_range(images, labels, 0, 100, NULL, &first100, &err);
 */
FMN_API fmn_status fmn_split_load_range(const char *images_path,
                                        const char *labels_path,
                                        uint64_t start, uint64_t count,
                                        const fmn_options *opt,
                                        fmn_split **out, fmn_error *err);

/* The rule for what an images or labels file is, for a file alone (a
 * split load applies it to both): images are a 3-D uint8 array, labels a
 * 1-D uint8 one or a 2-D int32 label matrix of 1 to 64 columns whose
 * column 0 is the class (QMNIST's N x 8). FMN_ERR_NOT_IMAGES or
 * FMN_ERR_NOT_LABELS, naming `path`.
 *     fmn_check_kind(fmn_idx_array(idx), fmn_idx_info(idx)->path,
 *                    FMN_FILE_IMAGES, &err);
 */
FMN_API fmn_status fmn_check_kind(fmn_array shape, const char *path,
                                  fmn_file_kind kind, fmn_error *err);

/* A labels file alone, checked as a split load checks its labels: the
 * kind rule above, every label a class (fmn_options.num_classes' rule;
 * the first class's label and the class count received in *first_label
 * and *num_classes when not NULL). FMN_ERR_NOT_LABELS, FMN_ERR_BAD_LABEL
 * (the message names the item).
 *     unsigned first, classes;
 *     fmn_check_labels(idx, NULL, &first, &classes, &err);
 */
FMN_API fmn_status fmn_check_labels(const fmn_idx *labels,
                                    const fmn_options *opt,
                                    unsigned *first_label,
                                    unsigned *num_classes, fmn_error *err);

/* The class of item `i` (below labels.dims[0]) of a labels array: the
 * byte of 1-D uint8 labels, column 0 of an int32 label matrix.
 *     fmn_label_class(fmn_idx_array(idx), 7) // 5
 */
FMN_API int64_t fmn_label_class(fmn_array labels, uint64_t i);

/* The images: N x H x W uint8.
 *     fmn_images im = fmn_split_images(sp);
 *     const uint8_t *image7 = im.data + 7 * im.height * im.width;
 */
FMN_API fmn_images fmn_split_images(const fmn_split *split);

/* The N labels, one byte each (a label matrix's class column). NULL
 * when N is 0.
 *     uint8_t label7 = fmn_split_labels(sp)[7];
 */
FMN_API const uint8_t *fmn_split_labels(const fmn_split *split);

/* The labels file's array for the split's N items, in host byte order:
 * N uint8 labels, or a label matrix, N x columns int32 (QMNIST's N x 8:
 * column FMN_QMNIST_WRITER is the writer, ...). Valid until the split is
 * freed.
 *     fmn_array m = fmn_split_label_array(sp);
 *     if (m.ndim == 2) {
 *         const int32_t *row = (const int32_t *)m.data + 7 * m.dims[1];
 *         printf("writer %d\n", (int)row[FMN_QMNIST_WRITER]);
 *     }
 */
FMN_API fmn_array fmn_split_label_array(const fmn_split *split);

/* 1 when the images were transposed as they loaded (fmn_options.upright,
 * for a dataset that stores them transposed), else 0.
 *     if (fmn_split_upright(sp)) puts("EMNIST, shown upright");
 */
FMN_API int fmn_split_upright(const fmn_split *split);

/* Number of items N.
 *     for (size_t i = 0; i < fmn_split_count(sp); i++) ...
 */
FMN_API size_t fmn_split_count(const fmn_split *split);

/* Index in the files of item 0 (the `start` of a range load, else 0).
 *     // after fmn_split_load_range(..., 500, 10, ...): 500
 */
FMN_API uint64_t fmn_split_first_index(const fmn_split *split);

/* The dataset the content was identified as (the labels file's, else the
 * images file's); FMN_DATASET_UNKNOWN if neither is a known release.
 * fmn_options.dataset never changes it.
 *     if (fmn_split_dataset(sp) == FMN_DATASET_FASHION_MNIST) ...
 */
FMN_API fmn_dataset fmn_split_dataset(const fmn_split *split);

/* The dataset whose class names the split uses: fmn_options.dataset when it
 * was set, else fmn_split_dataset(), else the dataset the labels file's
 * name gives (emnist-letters-..., for a part of EMNIST under its names).
 *     if (fmn_split_naming(sp) != fmn_split_dataset(sp)) puts("overridden");
 */
FMN_API fmn_dataset fmn_split_naming(const fmn_split *split);

/* Train or test, when identified by content; else FMN_SPLIT_UNKNOWN.
 *     fmn_split_id_name(fmn_split_id_of(sp)) // "train"
 */
FMN_API fmn_split_id fmn_split_id_of(const fmn_split *split);

/* The class count labels were checked against: they run from
 * fmn_split_first_label() for this many.
 *     float *y = malloc(n * fmn_split_num_classes(sp) * sizeof *y);
 */
FMN_API unsigned fmn_split_num_classes(const fmn_split *split);

/* The first class's label: 1 for EMNIST Letters, else 0.
 *     for (unsigned c = fmn_split_first_label(sp);
 *          c < fmn_split_first_label(sp) + fmn_split_num_classes(sp); c++)
 */
FMN_API unsigned fmn_split_first_label(const fmn_split *split);

/* Class name of `label` in the split's naming (fmn_split_naming), or NULL
 * when that dataset is unknown or the label out of range.
 *     fmn_split_class_name(sp, fmn_split_labels(sp)[0]) // "Ankle boot"
 */
FMN_API const char *fmn_split_class_name(const fmn_split *split,
                                         unsigned label);

/* Info on the images (FMN_FILE_IMAGES) or labels (FMN_FILE_LABELS) file;
 * NULL for any other kind.
 *     printf("%08x\n", (unsigned)fmn_split_file(sp, FMN_FILE_IMAGES)->crc32);
 */
FMN_API const fmn_file_info *fmn_split_file(const fmn_split *split,
                                            fmn_file_kind kind);

/* Frees the split. NULL is a no-op.
 *     fmn_split_free(sp);
 */
FMN_API void fmn_split_free(fmn_split *split);

/* Takes the pixels and the labels out of `split` and frees the split:
 * *images gets its count x height x width bytes (row-major, as
 * fmn_split_images showed them) and *labels its count labels, each a
 * buffer of its own that is yours to free() (for code whose existing
 * free() path should stay), or, where the load was given an allocator
 * (fmn_options.alloc), to that allocator's free. The pixels are moved,
 * not copied, where the load allocated them (a mapped file is copied).
 * On failure (FMN_ERR_NOMEM) the split is unchanged and still yours.
 *     uint8_t *x, *y;
 *     size_t n = fmn_split_count(sp);
 *     if (fmn_split_release(sp, &x, &y, &err) == FMN_OK) {
 *         train(x, y, n);
 *         free(x);
 *         free(y);
 *     }
 */
FMN_API fmn_status fmn_split_release(fmn_split *split, uint8_t **images,
                                     uint8_t **labels, fmn_error *err);

/* ------------------------------------------------------------------------ */
/* Reading a split larger than memory, item by item.                        */

typedef struct fmn_split_reader fmn_split_reader;

/* Opens a split's images and labels files to read them side by side in
 * constant memory, with every check fmn_split_load makes, in the same
 * words: the headers' shapes and counts here; truncation, gzip errors and
 * each label against the class count (fmn_options.num_classes, the same
 * rule as a load) as the data passes; trailing bytes, gzip trailers and
 * whether the two files are of one release when the last item has been
 * read. No byte limit applies: nothing is allocated by the files' size.
 * A reader that failed stays failed: every later call returns the same
 * error.
 *     fmn_split_reader *r;
 *     fmn_split_reader_open("train-images-idx3-ubyte.gz",
 *                           "train-labels-idx1-ubyte.gz", NULL, &r, &err);
 */
FMN_API fmn_status fmn_split_reader_open(const char *images_path,
                                         const char *labels_path,
                                         const fmn_options *opt,
                                         fmn_split_reader **out,
                                         fmn_error *err);

/* The shape: count x height x width, as the headers declare (data NULL).
 *     fmn_images sh = fmn_split_reader_shape(r); // sh.count items
 */
FMN_API fmn_images fmn_split_reader_shape(const fmn_split_reader *r);

/* The class count labels are checked against.
 *     uint64_t per_class[256] = {0}; // fmn_split_reader_num_classes(r) used
 */
FMN_API unsigned fmn_split_reader_num_classes(const fmn_split_reader *r);

/* The first class's label (fmn_split_first_label's rule): 1 for EMNIST
 * Letters, else 0.
 *     unsigned end = fmn_split_reader_first_label(r) +
 *                    fmn_split_reader_num_classes(r);
 */
FMN_API unsigned fmn_split_reader_first_label(const fmn_split_reader *r);

/* Reads the next min(max_items, items left) items: their labels into
 * labels[] (room for max_items) and their pixels into pixels[] (room for
 * max_items * height * width bytes), or, with pixels NULL, reads the
 * pixels through a small buffer of its own and drops them (every check is
 * made all the same). *got: items read, 0 once all were. The call that
 * reads the last item checks the end of both files and the pair.
 *     size_t n;
 *     while (fmn_split_reader_read(r, px, lb, 1024, &n, &err) == FMN_OK &&
 *            n > 0)
 *         tally(px, lb, n);   // then check the last call's status
 */
FMN_API fmn_status fmn_split_reader_read(fmn_split_reader *r, uint8_t *pixels,
                                         uint8_t *labels, size_t max_items,
                                         size_t *got, fmn_error *err);

/* As fmn_split_reader_read, a piece at a time, for items too large to
 * hold whole: reads the next min(max_bytes, bytes left of the item) pixel
 * bytes of the current item into pixels[] (never past its end), sets
 * *label to its label and *got to the bytes read: 0 once every item has
 * been read. An item is done when its height * width bytes have come; the
 * next call starts the next one. Memory: max_bytes, whatever an item's
 * size. FMN_ERR_INVALID_ARGUMENT for items of no pixels (read them with
 * fmn_split_reader_read), and fmn_split_reader_read fails while the
 * reader is inside an item. Every check is made as fmn_split_reader_read
 * makes it.
 *     uint8_t buf[65536];
 *     unsigned label;
 *     while (fmn_split_reader_read_piece(r, buf, sizeof buf, &n, &label,
 *                                        &err) == FMN_OK && n > 0)
 *         fmn_histogram_add(hist[label], buf, n);
 */
FMN_API fmn_status fmn_split_reader_read_piece(fmn_split_reader *r,
                                               uint8_t *pixels,
                                               size_t max_bytes, size_t *got,
                                               unsigned *label,
                                               fmn_error *err);

/* 1 once every item has been read and every check passed.
 *     if (!fmn_split_reader_complete(r)) ... // stopped early, or failed
 */
FMN_API int fmn_split_reader_complete(const fmn_split_reader *r);

/* Once complete: what the content was identified as (fmn_split_dataset's
 * rule); FMN_DATASET_UNKNOWN before.
 *     fmn_dataset_name(fmn_split_reader_dataset(r)) // "fashion-mnist"
 */
FMN_API fmn_dataset fmn_split_reader_dataset(const fmn_split_reader *r);

/* The dataset whose class names apply (fmn_split_naming's rule): the
 * option at once, the identified dataset once complete.
 *     fmn_class_name(fmn_split_reader_naming(r), 9) // "Ankle boot"
 */
FMN_API fmn_dataset fmn_split_reader_naming(const fmn_split_reader *r);

/* Once complete: train or test, when identified by content.
 *     fmn_split_id_name(fmn_split_reader_id(r)) // "test"
 */
FMN_API fmn_split_id fmn_split_reader_id(const fmn_split_reader *r);

/* Info on the images or labels file (complete once read to the end).
 *     fmn_split_reader_file(r, FMN_FILE_LABELS)->release
 */
FMN_API const fmn_file_info *fmn_split_reader_file(const fmn_split_reader *r,
                                                   fmn_file_kind kind);

/* Closes both files and frees the reader. NULL is a no-op.
 *     fmn_split_reader_free(r);
 */
FMN_API void fmn_split_reader_free(fmn_split_reader *r);

/* ------------------------------------------------------------------------ */
/* Finding splits in a directory.                                           */

typedef struct fmn_dir fmn_dir;

/* Scans directory `path` for IDX split files:
 *   - under the official names (train-images-idx3-ubyte, t10k-labels-
 *     idx1-ubyte, ...), with or without ".gz", the common variants
 *     (train-images.idx3-ubyte, test-...) and prefixed names
 *     (emnist-digits-train-images-idx3-ubyte);
 *   - under other names (fashion_train_images.gz, ...): any regular file
 *     whose name suggests IDX data (".gz", "idx", "ubyte", "image",
 *     "label") is opened and its header read: a 3-D uint8 array is an
 *     images file, a 1-D one a labels file; the split is the one its name
 *     says (the words train, training, test, testing, t10k), else by count
 *     (the larger count is train);
 *   - when the folder holds none, in its subfolders, two levels deep
 *     (torchvision's ROOT/FashionMNIST/raw; at most 128 folders looked
 *     into): the one subfolder that holds some is used
 *     (fmn_dir_location); several are FMN_ERR_AMBIGUOUS.
 * Several files for one role (x.gz beside x, as torchvision keeps them;
 * a renamed copy) are copies, all kept: loads check that every copy holds
 * the same bytes. Hidden files are skipped. Official names with several
 * prefixes are several datasets side by side (fmn_dir_datasets).
 * `path` may also be:
 *   - a zip archive, or a folder inside one (ARCHIVE.zip/gzip): its
 *     members are read in place, never unpacked to disk, with every check
 *     (FMN_ERR_UNSUPPORTED in a build without libzip);
 *   - FOLDER/PREFIX, for the files named PREFIX-... in FOLDER alone
 *     ("EMNIST/raw/emnist-letters", "gzip.zip/gzip/emnist-digits").
 * Errors: FMN_ERR_NOT_FOUND, FMN_ERR_IO (not a directory, or unreadable),
 * FMN_ERR_NO_DATASET (nothing recognised), FMN_ERR_AMBIGUOUS (several
 * dataset subfolders), FMN_ERR_NOMEM.
 *     fmn_dir *dir;
 *     if (fmn_dir_open("/usr/share/datasets/fashion-mnist", &dir, &err))
 *         fprintf(stderr, "%s\n", err.message);
 */
FMN_API fmn_status fmn_dir_open(const char *path, fmn_dir **out,
                                fmn_error *err);

/* 1 when `path` is what fmn_dir_open opens rather than an IDX file: a
 * folder, a zip archive or a folder in one, or FOLDER/PREFIX naming the
 * files PREFIX-... in FOLDER; else 0 (a file, or nothing).
 *     if (fmn_path_is_folder(arg)) fmn_dir_open(arg, &dir, &err); ...
 */
FMN_API int fmn_path_is_folder(const char *path);

/* How many datasets the folder holds side by side: 1, or one for each
 * prefix of its files' names where it holds several (EMNIST's six, as its
 * gzip.zip unpacks: emnist-letters-train-images-idx3-ubyte.gz, ...). A
 * folder of several cannot be loaded as it is (FMN_ERR_AMBIGUOUS, naming
 * them): open one by fmn_dir_dataset_path.
 *     for (size_t i = 0; i < fmn_dir_datasets(dir); i++) ...
 */
FMN_API size_t fmn_dir_datasets(const fmn_dir *dir);

/* The path that fmn_dir_open takes for dataset `i` of the folder alone,
 * into buf (cap bytes; returns the length needed, as snprintf; 0 past
 * the last): "LOCATION/emnist-letters" (the folder and the prefix of the
 * files' names), or the path given for a folder of one dataset.
 *     char one[4096];
 *     fmn_dir_dataset_path(dir, 3, one, sizeof one); // ".../emnist-letters"
 */
FMN_API size_t fmn_dir_dataset_path(const fmn_dir *dir, size_t i, char *buf,
                                    size_t cap);

/* Path of the file for (`split`, `kind`) that loads read (the first copy:
 * an official name before another, gzip before raw), or NULL if the
 * directory has none. Valid until fmn_dir_free(dir).
 *     const char *p = fmn_dir_path(dir, FMN_SPLIT_TEST, FMN_FILE_LABELS);
 */
FMN_API const char *fmn_dir_path(const fmn_dir *dir, fmn_split_id split,
                                 fmn_file_kind kind);

/* How many files the directory holds for (`split`, `kind`): 0, 1, or more
 * when it keeps copies.
 *     if (fmn_dir_copies(dir, FMN_SPLIT_TRAIN, FMN_FILE_IMAGES) > 1) ...
 */
FMN_API size_t fmn_dir_copies(const fmn_dir *dir, fmn_split_id split,
                              fmn_file_kind kind);

/* Path of copy `i` (0 is fmn_dir_path's) of (`split`, `kind`), or NULL
 * past the last.
 *     for (size_t i = 0; fmn_dir_copy(dir, s, k, i); i++) ...
 */
FMN_API const char *fmn_dir_copy(const fmn_dir *dir, fmn_split_id split,
                                 fmn_file_kind kind, size_t i);

/* 1 if the directory holds either file of `split`.
 *     if (fmn_dir_has_split(dir, FMN_SPLIT_TEST)) ...
 */
FMN_API int fmn_dir_has_split(const fmn_dir *dir, fmn_split_id split);

/* The folder the files were found in: the path given, or the subfolder of
 * it that holds them.
 *     printf("reading %s\n", fmn_dir_location(dir)); // "data/MNIST/raw"
 */
FMN_API const char *fmn_dir_location(const fmn_dir *dir);

/* Loads `split` found by fmn_dir_open, with every check of fmn_split_load,
 * and two more: an identified file must hold what its name says
 * (FMN_ERR_MISNAMED), and every other copy of either file must hold the
 * same bytes, with every check of a load (FMN_ERR_AMBIGUOUS naming both
 * files where they differ). FMN_ERR_NOT_FOUND when the directory lacks
 * its images or labels file (the message names which).
 *     fmn_dir_load_split(dir, FMN_SPLIT_TRAIN, NULL, &train, &err);
 */
FMN_API fmn_status fmn_dir_load_split(const fmn_dir *dir, fmn_split_id split,
                                      const fmn_options *opt, fmn_split **out,
                                      fmn_error *err);

/* Loads both splits found by fmn_dir_open, one after the other, each on
 * all the threads fmn_options.threads allows (none but the caller's with
 * 1). Each split as fmn_dir_load_split loads it; and when both are identified, they must be
 * of one dataset (else FMN_ERR_MISMATCHED_PAIR for the test split).
 *   train, test  receive the splits (free each with fmn_split_free); NULL
 *                where the directory has neither file of that split.
 *   train_err, test_err  optional details of each split's failure.
 * Returns FMN_OK when every split present loaded, else the train split's
 * failure if it failed, else the test split's; a split that failed is
 * NULL while the other may still be loaded (then free it).
 *     fmn_dir_load_both(dir, NULL, &train, &test, &err, &test_err);
 */
FMN_API fmn_status fmn_dir_load_both(const fmn_dir *dir,
                                     const fmn_options *opt,
                                     fmn_split **train, fmn_split **test,
                                     fmn_error *train_err,
                                     fmn_error *test_err);

/* The common case in one call: the folder at `path` (as fmn_dir_open
 * finds it) in, both splits out (as fmn_dir_load_both loads them), one
 * error. A folder without one of the splits is FMN_ERR_NOT_FOUND, the
 * message naming the file that is missing. On failure both are NULL and
 * nothing is kept; on success free each with fmn_split_free.
 *     fmn_split *train, *test;
 *     fmn_error err;
 *     if (fmn_dataset_load("data/fashion", NULL, &train, &test, &err))
 *         return fprintf(stderr, "%s\n", err.message), 1;
 */
FMN_API fmn_status fmn_dataset_load(const char *path, const fmn_options *opt,
                                    fmn_split **train, fmn_split **test,
                                    fmn_error *err);

/* Checks that a loaded file found in the directory for (`split`, `kind`)
 * holds what its name there says: fmn_file_check_role with the split its
 * name gives (any split when the name gives none and its split came from
 * its count). FMN_ERR_MISNAMED otherwise.
 *     fmn_dir_check_role(dir, fmn_idx_info(idx), FMN_SPLIT_TEST,
 *                        FMN_FILE_LABELS, &err);
 */
FMN_API fmn_status fmn_dir_check_role(const fmn_dir *dir,
                                      const fmn_file_info *info,
                                      fmn_split_id split, fmn_file_kind kind,
                                      fmn_error *err);

/* A reader (fmn_split_reader_open) over `split` found by fmn_dir_open,
 * with fmn_dir_load_split's checks: every other copy of either file is
 * read alongside and compared byte for byte, and the files' roles are
 * checked at the end.
 *     fmn_dir_open_reader(dir, FMN_SPLIT_TRAIN, NULL, &r, &err);
 */
FMN_API fmn_status fmn_dir_open_reader(const fmn_dir *dir, fmn_split_id split,
                                       const fmn_options *opt,
                                       fmn_split_reader **out, fmn_error *err);

/* Frees the directory handle. NULL is a no-op.
 *     fmn_dir_free(dir);
 */
FMN_API void fmn_dir_free(fmn_dir *dir);

/* ------------------------------------------------------------------------ */
/* Statistics: pure functions, exact integer sums.                          */

/* Figures for a set of uint8 values, derived from their histogram. The sums
 * are exact integers; only mean and std are floating point, computed once
 * from the exact sums (never accumulated in floating point). */
typedef struct fmn_pixel_stats {
    uint64_t count;        /* values */
    uint64_t sum;          /* sum of values */
    uint64_t sum_squares;  /* sum of squared values */
    uint8_t min;           /* 0 when count is 0 */
    uint8_t max;
    double mean;           /* sum / count, on the 0-255 scale; 0 if empty */
    double std;            /* population standard deviation, 0-255 scale */
} fmn_pixel_stats;

/* Adds `n` values at `pixels` to `histogram` (256 counters, which the
 * caller zeroes first). Thread-safe for distinct histograms.
 *     uint64_t hist[256] = {0};
 *     fmn_histogram_add(hist, im.data, im.count * im.height * im.width);
 */
FMN_API void fmn_histogram_add(uint64_t histogram[256], const uint8_t *pixels,
                               size_t n);

/* The statistics of the values counted in `histogram`. Divide mean and std
 * by 255 for the [0,1] scale.
 *     fmn_pixel_stats st = fmn_histogram_stats(hist);
 *     printf("mean %.7f on [0,1]\n", st.mean / 255);
 */
FMN_API fmn_pixel_stats fmn_histogram_stats(const uint64_t histogram[256]);

/* ------------------------------------------------------------------------ */
/* Choosing items: ranges, index lists, classes.                            */

/* Items of a split (any N images), in order: the index list
 * indices[0 .. count) when `indices` is not NULL, else the range
 * [start, start + count). Calls read it and never keep it. Indices are
 * positions in the split (0 .. fmn_split_count() - 1); every call checks
 * them and fails with FMN_ERR_RANGE on one outside. Make one with
 * fmn_items_range() or fmn_items_list(). */
typedef struct fmn_items {
    const uint32_t *indices;
    size_t start;
    size_t count;
} fmn_items;

/* The range [start, start + count):
 *     fmn_items all = fmn_items_range(0, fmn_split_count(split)); */
static inline fmn_items fmn_items_range(size_t start, size_t count)
{
    fmn_items it = {NULL, start, count};
    return it;
}

/* The listed items, in the listed order (repeats allowed).
 *     uint32_t pick[3] = {0, 5, 9};
 *     fmn_items it = fmn_items_list(pick, 3);
 */
static inline fmn_items fmn_items_list(const uint32_t *indices, size_t count)
{
    fmn_items it = {indices, 0, count};
    return it;
}

/* Item `i` of `items` (i < items.count).
 *     for (size_t i = 0; i < it.count; i++)
 *         use(fmn_items_at(it, i));
 */
static inline size_t fmn_items_at(fmn_items items, size_t i)
{
    return items.indices ? (size_t)items.indices[i] : items.start + i;
}

/* FMN_OK when every item of `items` is in the split, else FMN_ERR_RANGE
 * with a message that names the split's file and its size.
 *     fmn_split_check_items(split, fmn_items_range(100, 10), &err);
 */
FMN_API fmn_status fmn_split_check_items(const fmn_split *split,
                                         fmn_items items, fmn_error *err);

/* The items of `from` labelled `label`, in the order of `from`, written to
 * out[0 .. cap). *total receives how many there are; call with out NULL
 * (and cap 0) to learn the size, then again with a buffer:
 *
 *     size_t n;
 *     fmn_select_class(split, all, 9, NULL, 0, &n, NULL);
 *     uint32_t *boots = malloc(n * sizeof *boots);
 *     fmn_select_class(split, all, 9, boots, n, &n, NULL);
 *
 * FMN_ERR_BUFFER_TOO_SMALL when out is not NULL and cap < *total (nothing
 * useful is written then); FMN_ERR_RANGE for an item outside the split. */
FMN_API fmn_status fmn_select_class(const fmn_split *split, fmn_items from,
                                    unsigned label, uint32_t *out, size_t cap,
                                    size_t *total, fmn_error *err);

/* The items of `from` whose label is any of labels[0 .. nlabels), in the
 * order of `from`; sizes and errors as fmn_select_class.
 *     unsigned shoes[3] = {5, 7, 9};
 *     fmn_select_classes(split, all, shoes, 3, out, cap, &n, &err);
 */
FMN_API fmn_status fmn_select_classes(const fmn_split *split, fmn_items from,
                                      const unsigned *labels, size_t nlabels,
                                      uint32_t *out, size_t cap,
                                      size_t *total, fmn_error *err);

/* A random sample of `k` items of `from` (all of them when k >=
 * from.count: *total says how many), in the order of `from`. Which items
 * is fixed by `seed` alone, on every platform: the positions in `from`
 * given by the first k values of fmn_permutation(from.count, seed, 0).
 * The fmnist tool's --sample K --seed S draws exactly these. Sizes and
 * errors as fmn_select_class; FMN_ERR_NOMEM (a permutation of from.count
 * indices is made).
 *     fmn_select_sample(split, all, 100, 42, out, 100, &n, &err);
 */
FMN_API fmn_status fmn_select_sample(const fmn_split *split, fmn_items from,
                                     size_t k, uint64_t seed, uint32_t *out,
                                     size_t cap, size_t *total,
                                     fmn_error *err);

/* `k` items of each class at random (all of a class that has fewer),
 * in the order of `from`: for each class c, its items in the order of
 * `from`, shuffled by fmn_shuffle() with fmn_rng_seed(seed, c), the first
 * k. The validation items of fmn_select_stratified() are exactly these.
 * The fmnist tool's --per-class K --sample K --seed S draws them. Sizes
 * and errors as fmn_select_class; FMN_ERR_NOMEM.
 *     fmn_select_sample_per_class(split, all, 8, 42, out, 80, &n, &err);
 */
FMN_API fmn_status fmn_select_sample_per_class(const fmn_split *split,
                                               fmn_items from, size_t k,
                                               uint64_t seed, uint32_t *out,
                                               size_t cap, size_t *total,
                                               fmn_error *err);

/* The class `text` names: a number below fmn_split_num_classes(), or a
 * class name in any case with spaces, '-', '_' and '/' alike ("ankle
 * boot", "Ankle-boot"), or the start of one up to a separator ("t-shirt"
 * for "T-shirt/top"). FMN_ERR_BAD_LABEL (saying what the classes are)
 * when it names none.
 *     unsigned c;
 *     fmn_split_find_class(split, "ankle-boot", &c, &err); // c == 9
 */
FMN_API fmn_status fmn_split_find_class(const fmn_split *split,
                                        const char *text, unsigned *label,
                                        fmn_error *err);

/* The first `k` items of each class among `from` (all of a class that has
 * fewer), in the order of `from`; sizes and errors as fmn_select_class.
 *     fmn_select_first_per_class(split, all, 10, out, 100, &n, &err); */
FMN_API fmn_status fmn_select_first_per_class(const fmn_split *split,
                                              fmn_items from, size_t k,
                                              uint32_t *out, size_t cap,
                                              size_t *total, fmn_error *err);

/* A stratified validation split: exactly `per_class` items of every class
 * 0 .. fmn_split_num_classes()-1 go to `val`, the other items of `from` to
 * `rest`, both in the order of `from` (ascending for a range). Which items
 * is fixed by `seed` alone, on every platform: the items of class c, in
 * the order of `from`, are shuffled by fmn_shuffle() with a generator from
 * fmn_rng_seed(seed, c), and the first `per_class` of them are chosen.
 *   val   room for val_cap >= per_class * num_classes indices;
 *   rest  room for rest_cap >= from.count - per_class * num_classes
 *         indices, or NULL when not wanted.
 * FMN_ERR_RANGE when a class has fewer than `per_class` items (the message
 * names it), FMN_ERR_BUFFER_TOO_SMALL, FMN_ERR_NOMEM (one temporary array
 * of from.count indices is allocated).
 *
 *     uint32_t *val = malloc(6000 * 4), *train = malloc(54000 * 4);
 *     fmn_select_stratified(split, all, 600, 42, val, 6000, train, 54000,
 *                           &err);   // 54,000 / 6,000, 600 of each class */
FMN_API fmn_status fmn_select_stratified(const fmn_split *split,
                                         fmn_items from, size_t per_class,
                                         uint64_t seed, uint32_t *val,
                                         size_t val_cap, uint32_t *rest,
                                         size_t rest_cap, fmn_error *err);

/* ------------------------------------------------------------------------ */
/* Nearest neighbours: exact, by squared L2 distance over the pixels.       */

/* One neighbour of a query. */
typedef struct fmn_neighbor {
    uint64_t distance2; /* sum over the pixels of (a - b)^2, exact */
    size_t index;       /* the item in the base set; FMN_NO_NEIGHBOR where
                           the base set has fewer than k candidates */
} fmn_neighbor;

#define FMN_NO_NEIGHBOR ((size_t)-1)

typedef struct fmn_knn_options {
    size_t struct_size; /* set by fmn_knn_options_init (see fmn_options) */
    size_t k;         /* neighbours per query, nearest first; 0 means 1 */
    unsigned threads; /* 0: fmn_cores(); 1: the calling thread only;
                         N: at most N threads */
} fmn_knn_options;

/* The defaults: k = 1, threads = 0; struct_size as for fmn_options.
 *     fmn_knn_options o;
 *     fmn_knn_options_init(&o);
 *     o.k = 10;
 */
#define fmn_knn_options_init(opt)                                           \
    fmn_knn_options_init_sized((opt), sizeof(fmn_knn_options))
FMN_API void fmn_knn_options_init_sized(fmn_knn_options *opt,
                                        size_t struct_size);

/* The k nearest images of `base` to each image of `queries`, by squared L2
 * distance over the pixels as an exact integer (no floating point: equal
 * distances are equal, and a tie goes to the lower index). With base NULL,
 * `queries` is searched against itself, each item's own index left out
 * (an identical copy elsewhere is a neighbour at distance 0). The result
 * is exactly that of comparing every pair; it is found faster. Images of
 * 64 to 16384 pixels go through an index of the base set: their
 * coordinates on its principal directions, clustered, so that a query
 * skips most base images on exact lower bounds (the triangle inequality
 * and |Q^T (x - y)| <= |x - y|) without reading them; smaller and larger
 * images are compared through block sums (Cauchy-Schwarz). The inner
 * loops run in AVX-512 where the CPU has it (F, BW, VL and DQ, and VNNI
 * for the exact sums; not in Windows builds), else in AVX2 and FMA where
 * it has them, else in portable C, on opt->threads threads. Memory, for
 * 28x28 images: about 600 bytes per base image and 300 per query (about
 * 33 MiB for the test images against the train images, two thirds of their
 * own size); while the
 * index is made, its basis: about 12 KiB per pixel for images of up to
 * 1024 pixels (the sample's covariance, 15 MiB at most), 2 KiB per pixel
 * for larger ones; and per thread about 1 KiB per cluster (half the square
 * root of the base's count) and 450 KiB; never a matrix of distances.
 *   out      receives queries.count rows of k neighbours, row i those of
 *            query i, nearest first; out_len is its length in fmn_neighbor
 *            (at least queries.count * k, else FMN_ERR_BUFFER_TOO_SMALL).
 * FMN_ERR_INVALID_ARGUMENT when the images differ in height or width.
 * Any extent may be 0: no queries, nothing to do; no base items, every
 * neighbour is FMN_NO_NEIGHBOR; images of 0 pixels are all at distance 0.
 *     fmn_knn_options o;
 *     fmn_knn_options_init(&o);
 *     fmn_neighbor *nn = malloc(fmn_split_count(test) * sizeof *nn);
 *     fmn_images tr = fmn_split_images(train);
 *     fmn_knn(fmn_split_images(test), &tr, &o, nn, fmn_split_count(test),
 *             &err);
 *     // nn[i].index: the train image nearest to test image i
 */
FMN_API fmn_status fmn_knn(fmn_images queries, const fmn_images *base,
                           const fmn_knn_options *opt, fmn_neighbor *out,
                           size_t out_len, fmn_error *err);

/* The class that most of one row of k neighbours have, by their labels in
 * `labels` (the base set's; classes below 256): a tie goes to the class
 * of the nearest neighbour among those tied. Neighbours FMN_NO_NEIGHBOR do
 * not count. *votes (optional) receives how many voted for it. Returns
 * the class, or -1 for a row without neighbours. The k-nearest-neighbour
 * classifier, and with a query's own label the test of a suspect one:
 *     int c = fmn_knn_vote(nn + i * k, k, fmn_split_labels(train), NULL);
 */
FMN_API int fmn_knn_vote(const fmn_neighbor *row, size_t k,
                         const uint8_t *labels, unsigned *votes);

/* A suspect label: more than half of an item's k neighbours (one row of
 * fmn_knn, the item searched against its own split) share one label other
 * than the item's own `label`. Returns that label (and *votes, optional,
 * how many have it), or -1 when the item is not a suspect. Rows shorter
 * than k (FMN_NO_NEIGHBOR) still need more than k / 2.
 *     int c = fmn_knn_suspect(nn + i * 10, 10, labels, labels[i], &n);
 *     if (c >= 0) printf("%zu: %u of 10 neighbours say %d\n", i, n, c);
 */
FMN_API int fmn_knn_suspect(const fmn_neighbor *row, size_t k,
                            const uint8_t *labels, unsigned label,
                            unsigned *votes);

/* ------------------------------------------------------------------------ */
/* A reproducible order: PCG32 and Fisher-Yates.                            */

/* The PCG32 generator (pcg-random.org, "pcg32" = PCG-XSH-RR 64/32): a
 * 64-bit LCG state, multiplier 6364136223846793005, an odd increment that
 * selects one of 2^63 streams, and a 32-bit xorshift-and-rotate output.
 * Integer arithmetic only, so every platform and compiler gives the same
 * numbers. A plain value: copy it to save a position. */
typedef struct fmn_rng {
    uint64_t state;
    uint64_t inc;
} fmn_rng;

/* Seeds `rng` exactly as the reference pcg32_srandom_r(rng, seed, stream)
 * does. Seed 42 stream 54 gives 0xa15c02b7, 0x7b47f409, 0xba1d3330, ...
 *     fmn_rng rng;
 *     fmn_rng_seed(&rng, 42, 54);
 */
FMN_API void fmn_rng_seed(fmn_rng *rng, uint64_t seed, uint64_t stream);

/* The next 32 random bits (pcg32_random_r).
 *     uint32_t bits = fmn_rng_next(&rng);
 */
FMN_API uint32_t fmn_rng_next(fmn_rng *rng);

/* A uniform number in [0, bound), without modulo bias: outputs below
 * (2^32 - bound) % bound are skipped (pcg32_boundedrand_r). 0 when bound
 * is 0.
 *     size_t k = fmn_rng_below(&rng, 60000); // a random index
 */
FMN_API uint32_t fmn_rng_below(fmn_rng *rng, uint32_t bound);

/* Shuffles values[0 .. n) in place by Fisher-Yates: for i from n-1 down to
 * 1, swap values[i] with values[fmn_rng_below(rng, i + 1)].
 * FMN_ERR_INVALID_ARGUMENT when n > UINT32_MAX or values is NULL with n > 0.
 *     fmn_rng rng;
 *     fmn_rng_seed(&rng, 42, 0);
 *     fmn_shuffle(order, n, &rng, NULL); */
FMN_API fmn_status fmn_shuffle(uint32_t *values, size_t n, fmn_rng *rng,
                               fmn_error *err);

/* The permutation of 0 .. n-1 for (seed, epoch): the identity shuffled by
 * fmn_shuffle() with the generator fmn_rng_seed(seed, epoch). What the
 * batch iterator uses each epoch. For n = 10, seed 42, epoch 0 it is
 * pinned by the test suite.
 *     uint32_t perm[60000];
 *     fmn_permutation(perm, 60000, 42, epoch, NULL); */
FMN_API fmn_status fmn_permutation(uint32_t *out, size_t n, uint64_t seed,
                                   uint64_t epoch, fmn_error *err);

/* ------------------------------------------------------------------------ */
/* Mini-batches.                                                            */

typedef struct fmn_batch_options {
    size_t struct_size;  /* set by fmn_batch_options_init (see
                            fmn_options) */
    size_t batch_size;   /* items per batch; 0 means 64 */
    int shuffle;         /* 0: the items in order; 1: each epoch in the
                            order fmn_permutation(n, seed, epoch) */
    uint64_t seed;
    int drop_last;       /* 1: leave out a last batch shorter than
                            batch_size; 0: yield it */
    int views_only;      /* 1: never copy pixels; a batch whose items are
                            not consecutive has images.data and labels
                            NULL (convert it through `items`) */
} fmn_batch_options;

/* The defaults: batches of 64 in order, the last one kept, copied when
 * need be; struct_size as for fmn_options.
 *     fmn_batch_options bo;
 *     fmn_batch_options_init(&bo);
 *     bo.batch_size = 128;
 *     bo.shuffle = 1;
 *     bo.seed = 42;
 */
#define fmn_batch_options_init(opt)                                         \
    fmn_batch_options_init_sized((opt), sizeof(fmn_batch_options))
FMN_API void fmn_batch_options_init_sized(fmn_batch_options *opt,
                                          size_t struct_size);

/* One batch. Everything in it stays valid until the next call on the
 * batcher that made it. */
typedef struct fmn_batch {
    uint64_t epoch;
    size_t index;        /* batch number in the epoch, from 0 */
    size_t count;        /* items in this batch (<= batch_size) */
    fmn_items items;     /* which items of the split, in batch order */
    fmn_images images;   /* their pixels, count x H x W: a view into the
                            split when the items are consecutive, else
                            gathered into the batcher's buffer */
    const uint8_t *labels; /* their count labels, likewise */
    int copied;          /* 1 when images and labels were gathered */
} fmn_batch;

typedef struct fmn_batcher fmn_batcher;

/* A batch iterator over `items` of `split` (fmn_items_range(0, N) for the
 * whole split). It copies the item list and, unless views_only, allocates
 * one batch of pixels; nothing is allocated per batch. The split must
 * outlive the batcher. `opt` NULL means batch_size 64, in order, keep the
 * last batch. FMN_ERR_RANGE for items outside the split.
 *     fmn_batch_options o;
 *     fmn_batch_options_init(&o);
 *     o.batch_size = 128;
 *     o.shuffle = 1;
 *     o.seed = 42;
 *     fmn_batcher *b;
 *     fmn_batcher_new(train, fmn_items_range(0, fmn_split_count(train)), &o,
 *                     &b, &err);
 */
FMN_API fmn_status fmn_batcher_new(const fmn_split *split, fmn_items items,
                                   const fmn_batch_options *opt,
                                   fmn_batcher **out, fmn_error *err);

/* Fills *batch with the next batch of the current epoch and returns 1; at
 * the end of the epoch returns 0 and moves to the next epoch (reshuffled
 * from (seed, epoch + 1)), so each loop below is one epoch and every item
 * comes exactly once in it:
 *
 *     for (int e = 0; e < epochs; e++)
 *         while (fmn_batcher_next(b, &batch))
 *             train_on(batch.images, batch.labels, batch.count);
 */
FMN_API int fmn_batcher_next(fmn_batcher *b, fmn_batch *batch);

/* Restarts at the first batch of `epoch`: the order depends only on
 * (seed, epoch), so training can resume where it stopped.
 *     fmn_batcher_seek_epoch(b, 7); // resume at epoch 7
 */
FMN_API void fmn_batcher_seek_epoch(fmn_batcher *b, uint64_t epoch);

/* The epoch the next batch belongs to.
 *     printf("epoch %llu\n", (unsigned long long)fmn_batcher_epoch(b));
 */
FMN_API uint64_t fmn_batcher_epoch(const fmn_batcher *b);

/* Batches per epoch: ceil(n / batch_size), or floor with drop_last.
 *     fmn_batcher_num_batches(b) // 469 for 60,000 items in batches of 128
 */
FMN_API size_t fmn_batcher_num_batches(const fmn_batcher *b);

/* Frees the batcher. NULL is a no-op.
 *     fmn_batcher_free(b);
 */
FMN_API void fmn_batcher_free(fmn_batcher *b);

/* ------------------------------------------------------------------------ */
/* Floats for a model.                                                      */

/* out = ((float)pixel / 255.0f - mean) / std, in float arithmetic.
 * {0, 1} gives pixel / 255 exactly rounded: 0 -> 0.0f, 128 -> 128/255.0f,
 * 255 -> 1.0f. Fashion-MNIST's train split: {0.2860406f, 0.3530242f}. */
typedef struct fmn_scale {
    float mean;   /* on the [0,1] scale */
    float std;    /* > 0 */
} fmn_scale;

/* Statistics over the pixels of `items` of `images` (a split's or a
 * batch's), exact integer sums as fmn_histogram_stats(). FMN_ERR_RANGE for
 * items outside `images`.
 *     fmn_images_pixel_stats(fmn_split_images(sp), boots, &st, &err);
 */
FMN_API fmn_status fmn_images_pixel_stats(fmn_images images, fmn_items items,
                                          fmn_pixel_stats *out,
                                          fmn_error *err);

/* The scale that standardises data with these statistics: {mean/255,
 * std/255}; std 1 when the statistics' std is 0.
 *     fmn_pixel_stats st;
 *     fmn_images_pixel_stats(fmn_split_images(train), all, &st, NULL);
 *     fmn_scale z = fmn_scale_from_stats(&st); */
FMN_API fmn_scale fmn_scale_from_stats(const fmn_pixel_stats *stats);

/* Memory layouts of a float tensor. With one channel both hold the same
 * bytes; they differ only in the shape a framework is told. */
typedef enum fmn_layout {
    FMN_LAYOUT_NHW = 0,   /* N x H x W */
    FMN_LAYOUT_NCHW = 1   /* N x 1 x H x W */
} fmn_layout;

/* Writes the shape of `n` images of `images` in `layout` to shape[] and
 * returns the number of dimensions (3 or 4; 0 for an unknown layout).
 *     size_t shape[4], nd = fmn_float_shape(im, 64, FMN_LAYOUT_NCHW, shape);
 *     // nd 4, shape 64 x 1 x 28 x 28
 */
FMN_API size_t fmn_float_shape(fmn_images images, size_t n, fmn_layout layout,
                               size_t shape[4]);

/* Converts the pixels of `items` of `images` to float32 in `layout`, image
 * after image, into out[0 .. out_count): items.count * H * W values. Plain
 * loops the compiler vectorises; no allocation. `scale` NULL means
 * {0, 1} (the [0,1] range).
 * FMN_ERR_BUFFER_TOO_SMALL when out_count is short, FMN_ERR_RANGE for
 * items outside `images`, FMN_ERR_INVALID_ARGUMENT for a std that is not
 * positive and finite, or an unknown layout.
 *
 *     float *x = malloc(batch.count * 784 * sizeof *x);
 *     fmn_images_to_float(batch.images, fmn_items_range(0, batch.count),
 *                         NULL, FMN_LAYOUT_NCHW, x, batch.count * 784,
 *                         &err); */
FMN_API fmn_status fmn_images_to_float(fmn_images images, fmn_items items,
                                       const fmn_scale *scale,
                                       fmn_layout layout, float *out,
                                       size_t out_count, fmn_error *err);

/* One-hot float32 labels: row i of out (num_classes values) is 1.0f at
 * column labels[item i] and 0.0f elsewhere; items.count * num_classes
 * values. `labels` holds n_labels labels (items index them). For a split
 * whose labels start above 0 (EMNIST Letters, 1 to 26), num_classes is
 * fmn_split_first_label() + fmn_split_num_classes() (27): the columns
 * below the first label stay 0.0f.
 * FMN_ERR_BAD_LABEL for a label >= num_classes, FMN_ERR_RANGE,
 * FMN_ERR_BUFFER_TOO_SMALL.
 *     fmn_labels_one_hot(fmn_split_labels(split), fmn_split_count(split),
 *                        batch.items, 10, y, batch.count * 10, &err); */
FMN_API fmn_status fmn_labels_one_hot(const uint8_t *labels, size_t n_labels,
                                      fmn_items items, unsigned num_classes,
                                      float *out, size_t out_count,
                                      fmn_error *err);

/* A scale in double, for fmn_images_to_double. */
typedef struct fmn_scale64 {
    double mean;  /* on the [0,1] scale */
    double std;   /* > 0 */
} fmn_scale64;

/* As fmn_images_to_float, in float64: (v / 255.0 - mean) / std computed
 * in double, so with `scale` NULL ({0, 1}) each value is exactly the
 * double nearest v / 255, what a double program's own v / 255.0 gives
 * (widening fmn_images_to_float's floats would not: 1 / 255.0f widened
 * is not 1 / 255.0).
 *     double *x = malloc(n * 784 * sizeof *x);
 *     fmn_images_to_double(fmn_split_images(train), fmn_items_range(0, n),
 *                          NULL, FMN_LAYOUT_NHW, x, n * 784, &err); */
FMN_API fmn_status fmn_images_to_double(fmn_images images, fmn_items items,
                                        const fmn_scale64 *scale,
                                        fmn_layout layout, double *out,
                                        size_t out_count, fmn_error *err);

/* The labels of `items` as int32_t class indices (the label values, as
 * torchvision's targets are), items.count values; `labels` holds
 * n_labels labels. FMN_ERR_RANGE, FMN_ERR_BUFFER_TOO_SMALL.
 *     int32_t y[64];
 *     fmn_labels_to_int32(fmn_split_labels(sp), fmn_split_count(sp),
 *                         batch.items, y, 64, &err); */
FMN_API fmn_status fmn_labels_to_int32(const uint8_t *labels, size_t n_labels,
                                       fmn_items items, int32_t *out,
                                       size_t out_count, fmn_error *err);

/* As fmn_labels_to_int32, as int64_t (torchvision's targets are int64).
 *     int64_t y[64];
 *     fmn_labels_to_int64(fmn_split_labels(sp), fmn_split_count(sp),
 *                         batch.items, y, 64, &err); */
FMN_API fmn_status fmn_labels_to_int64(const uint8_t *labels, size_t n_labels,
                                       fmn_items items, int64_t *out,
                                       size_t out_count, fmn_error *err);

/* ------------------------------------------------------------------------ */
/* Writing files: IDX, gzipped IDX, NumPy .npy, Kaggle CSV, PGM.            */

typedef enum fmn_format {
    FMN_FORMAT_IDX = 0,    /* raw IDX: the images (N x H x W) or labels (N)
                              file, as the originals; a label matrix
                              (QMNIST's) whole, N x columns int32. Every
                              other format writes the class column. */
    FMN_FORMAT_IDX_GZ = 1, /* the same, gzipped (zlib level 6, no name,
                              mtime 0): fmnist reads it back */
    FMN_FORMAT_NPY = 2,    /* NumPy .npy v1.0, uint8 ('|u1'), shape
                              (N, H, W) or (N,): numpy.load() reads it */
    FMN_FORMAT_CSV = 3,    /* the Kaggle Fashion-MNIST layout: a header
                              "label,pixel1,...,pixel784", then per image
                              its label and H*W pixels; its labels file is
                              a one-column CSV "label" */
    FMN_FORMAT_PGM = 4     /* binary PGM (P5) images, one after another in
                              one stream (netpbm's multi-image form; one
                              image is a plain .pgm); each carries a comment
                              "# item I label L (name)". Images only. */
} fmn_format;

/* Output callback: writes `size` bytes; returns 0 on success, anything
 * else to stop the writer with FMN_ERR_WRITE. */
typedef int (*fmn_write_fn)(void *ctx, const void *data, size_t size);

/* Writes the images file (kind FMN_FILE_IMAGES) or the labels file
 * (FMN_FILE_LABELS) of `items` of `split` in `format` through `write`,
 * in pieces of any size (small ones gathered into 64 KiB, a range of raw
 * images in one call). FMN_ERR_INVALID_ARGUMENT for a PGM labels file,
 * FMN_ERR_RANGE, FMN_ERR_WRITE (the callback failed), FMN_ERR_NOMEM.
 *     static int to_file(void *f, const void *p, size_t n)
 *     {
 *         return fwrite(p, 1, n, f) == n ? 0 : -1;
 *     }
 *     ...
 *     fmn_split_write(sp, all, FMN_FORMAT_CSV, FMN_FILE_IMAGES, to_file,
 *                     stdout, &err);
 */
FMN_API fmn_status fmn_split_write(const fmn_split *split, fmn_items items,
                                   fmn_format format, fmn_file_kind kind,
                                   fmn_write_fn write, void *ctx,
                                   fmn_error *err);

/* fmn_split_save() flag: replace an existing file. */
#define FMN_SAVE_OVERWRITE 1

/* As fmn_split_write, into the file at `path`, atomically: the data goes
 * to a temporary file beside it, which takes the name only when complete,
 * so `path` never holds half a file. Without FMN_SAVE_OVERWRITE an
 * existing `path` is left alone and the call fails with FMN_ERR_EXISTS.
 * FMN_ERR_WRITE (with the system's reason) when the file cannot be made.
 *     fmn_split_save(test, all, FMN_FORMAT_NPY, FMN_FILE_IMAGES,
 *                    "test-images.npy", 0, &err); */
FMN_API fmn_status fmn_split_save(const fmn_split *split, fmn_items items,
                                  fmn_format format, fmn_file_kind kind,
                                  const char *path, int flags,
                                  fmn_error *err);

/* Saves splits as one NumPy .npz file, Keras' mnist.npz layout: arrays
 * x_train (uint8, N x H x W) and y_train (uint8, N) from `items` of
 * `train`, x_test and y_test from `test` (either may be NULL, not both);
 * numpy.load(path) reads them. A zip of stored .npy members, as
 * numpy.savez writes (no zip64: each member under 4 GiB, else
 * FMN_ERR_TOO_LARGE). Atomic, and flags as fmn_split_save.
 *     fmn_npz_save(train, fmn_items_range(0, fmn_split_count(train)), test,
 *                  fmn_items_range(0, fmn_split_count(test)),
 *                  "fashion-mnist.npz", 0, &err);
 */
FMN_API fmn_status fmn_npz_save(const fmn_split *train, fmn_items train_items,
                                const fmn_split *test, fmn_items test_items,
                                const char *path, int flags, fmn_error *err);

/* What fills a file for fmn_file_save: writes its bytes through `write`
 * (passing `write_ctx`) and returns 0, or nonzero to give up, after
 * putting the reason in why[0 .. why_cap) if it has one (a failed write's
 * reason is known already). */
typedef int (*fmn_produce_fn)(void *ctx, fmn_write_fn write, void *write_ctx,
                              char *why, size_t why_cap);

/* Writes a file at `path` atomically, as fmn_split_save does, with the
 * bytes `produce` writes: the file takes its name complete or not at all,
 * and an existing path (a dangling link too) is left alone unless
 * FMN_SAVE_OVERWRITE. FMN_ERR_EXISTS, FMN_ERR_WRITE ("PATH: reason").
 *     static int hello(void *c, fmn_write_fn w, void *wc, char *why,
 *                      size_t cap)
 *     {
 *         (void)c, (void)why, (void)cap;
 *         return w(wc, "hello\n", 6);
 *     }
 *     ...
 *     fmn_file_save("hello.txt", 0, hello, NULL, &err);
 */
FMN_API fmn_status fmn_file_save(const char *path, int flags,
                                 fmn_produce_fn produce, void *ctx,
                                 fmn_error *err);

/* ---- Several files saved as one: all of them or none ------------------- */

/* Files written one after the other (or from several threads at once),
 * each complete in a temporary file ".NAME.XXXXXXXX" beside its target,
 * that take their names together in fmn_save_set_commit. Should a write
 * fail, the caller frees the set and no file of it is left anywhere.
 * `flags` as for fmn_split_save: without FMN_SAVE_OVERWRITE the names are
 * given by link(), and one that exists by then undoes the others (the
 * set fails with FMN_ERR_EXISTS); with it by rename(), which replaces
 * what is there, so a rename that fails (rare: every file is complete by
 * then) leaves the ones before it in place. A folder at a target's name
 * is never replaced.
 *     fmn_save_set *set;
 *     if (fmn_save_set_new(0, &set, &err) == FMN_OK &&
 *         fmn_save_set_split(set, train, all, FMN_FORMAT_IDX,
 *                            FMN_FILE_IMAGES, "out/train-images", &err) ==
 *             FMN_OK &&
 *         fmn_save_set_split(set, train, all, FMN_FORMAT_IDX,
 *                            FMN_FILE_LABELS, "out/train-labels", &err) ==
 *             FMN_OK)
 *         fmn_save_set_commit(set, &err);
 *     fmn_save_set_free(set); // removes whatever was not committed
 */
typedef struct fmn_save_set fmn_save_set;

FMN_API fmn_status fmn_save_set_new(int flags, fmn_save_set **out,
                                    fmn_error *err);

/* Writes a file of the set as fmn_split_save would, into its temporary
 * file. An existing target is refused here already (FMN_ERR_EXISTS)
 * unless FMN_SAVE_OVERWRITE. This and the two below may be called from
 * several threads at once on one set.
 *     fmn_save_set_split(set, test, all, FMN_FORMAT_NPY, FMN_FILE_IMAGES,
 *                        "test-images.npy", &err); */
FMN_API fmn_status fmn_save_set_split(fmn_save_set *set,
                                      const fmn_split *split,
                                      fmn_items items, fmn_format format,
                                      fmn_file_kind kind, const char *path,
                                      fmn_error *err);

/* As fmn_npz_save, into the set.
 *     fmn_save_set_npz(set, train, all_train, test, all_test,
 *                      "fashion-mnist.npz", &err); */
FMN_API fmn_status fmn_save_set_npz(fmn_save_set *set,
                                    const fmn_split *train,
                                    fmn_items train_items,
                                    const fmn_split *test,
                                    fmn_items test_items, const char *path,
                                    fmn_error *err);

/* As fmn_file_save, into the set.
 *     fmn_save_set_file(set, "hello.txt", hello, NULL, &err); */
FMN_API fmn_status fmn_save_set_file(fmn_save_set *set, const char *path,
                                     fmn_produce_fn produce, void *ctx,
                                     fmn_error *err);

/* Gives every file written into the set its name, once every write has
 * returned; a set is committed once. On failure no file of the set is
 * left named (but see FMN_SAVE_OVERWRITE above) and *err names the one
 * that failed.
 *     if (fmn_save_set_commit(set, &err) != FMN_OK)
 *         fprintf(stderr, "%s\n", err.message); */
FMN_API fmn_status fmn_save_set_commit(fmn_save_set *set, fmn_error *err);

/* Removes every temporary file of the set, at once, and makes files that
 * are started afterwards fail: for a signal handler (it is
 * async-signal-safe: atomics and unlink() only), which then re-raises
 * the signal. A file being created as it runs is waited for, briefly;
 * files fmn_save_set_commit has named by then keep their names. The set
 * is still freed with fmn_save_set_free, outside the handler.
 *     static fmn_save_set *_Atomic active; // set while writing
 *     static void on_signal(int sig)
 *     {
 *         fmn_save_set_abort(atomic_load(&active));
 *         signal(sig, SIG_DFL);
 *         raise(sig);
 *     }
 */
FMN_API void fmn_save_set_abort(fmn_save_set *set);

/* Removes the files not committed, then frees the set. NULL is fine.
 *     fmn_save_set_free(set); */
FMN_API void fmn_save_set_free(fmn_save_set *set);

#ifdef __cplusplus
}
#endif

#endif /* FMNIST_H */
