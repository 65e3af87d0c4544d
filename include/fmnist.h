/*
 * fmnist.h - load and check IDX files (Fashion-MNIST, MNIST, KMNIST, EMNIST).
 *
 * libfmnist reads gzipped or raw IDX files into one contiguous, row-major
 * buffer in host byte order, checks every byte of the container and the
 * format, and identifies the official releases by their content.
 *
 * Conventions, for every function below:
 *   - Functions that can fail return an fmn_status; FMN_OK (0) is success.
 *   - On failure, *out is set to NULL, nothing is leaked, and if `err` is not
 *     NULL it is filled with the status and a message a person can act on
 *     ("PATH: what was expected, what was found, at which byte").
 *     `err` may always be NULL.
 *   - The library keeps no global state, never prints, never exits and never
 *     asserts on input. Distinct handles may be used from different threads
 *     concurrently; one handle is safe to read (const calls) from many
 *     threads at once once loaded. A load of a file the size of a published
 *     .gz hashes it on a short-lived second thread, joined before the call
 *     returns.
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

#define FMN_VERSION_MAJOR 0
#define FMN_VERSION_MINOR 1
#define FMN_VERSION_PATCH 0
#define FMN_VERSION_STRING "0.1.0"

#if defined(_WIN32) && defined(FMN_SHARED_BUILD)
#define FMN_API __declspec(dllexport)
#elif defined(__GNUC__)
#define FMN_API __attribute__((visibility("default")))
#else
#define FMN_API
#endif

/* Returns the library's version, FMN_VERSION_STRING of the build that made
 * it (which may differ from the header you compiled against). Never NULL. */
FMN_API const char *fmn_version(void);

/* Which inflater and CRC-32 this build uses, e.g. "inflate: ISA-L igzip;
 * CRC-32: ISA-L" or "inflate: zlib; CRC-32: zlib". Never NULL. */
FMN_API const char *fmn_build_info(void);

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
    FMN_ERR_MISMATCHED_PAIR = 27  /* images and labels of different releases */
} fmn_status;

/* Returns a short English description of `status`. Never NULL; unknown
 * values give "unknown status". Thread-safe. */
FMN_API const char *fmn_strerror(fmn_status status);

#define FMN_NO_OFFSET UINT64_MAX

/* Details of a failure, filled by any call that takes an `fmn_error *`. */
typedef struct fmn_error {
    fmn_status status;
    /* Byte offset at which the problem was found, or FMN_NO_OFFSET. */
    uint64_t offset;
    /* 1 when `offset` counts decompressed bytes of a gzip file, 0 when it
     * counts bytes of the file itself. */
    int offset_is_decoded;
    /* "PATH: what is wrong", NUL-terminated, no trailing newline. */
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

/* Size of one element in bytes (1, 2, 4 or 8), or 0 for an invalid code. */
FMN_API size_t fmn_dtype_size(fmn_dtype dtype);

/* NumPy-style name: "uint8", "int8", "int16", "int32", "float32",
 * "float64"; "invalid" for any other value. Never NULL. */
FMN_API const char *fmn_dtype_name(fmn_dtype dtype);

/* ------------------------------------------------------------------------ */
/* What is known about the datasets.                                        */

typedef enum fmn_dataset {
    FMN_DATASET_UNKNOWN = 0,
    FMN_DATASET_FASHION_MNIST = 1,
    FMN_DATASET_MNIST = 2,
    FMN_DATASET_KMNIST = 3
} fmn_dataset;

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

/* "fashion-mnist", "mnist", "kmnist"; NULL for FMN_DATASET_UNKNOWN. */
FMN_API const char *fmn_dataset_name(fmn_dataset dataset);

/* "train" or "test"; NULL for FMN_SPLIT_UNKNOWN. */
FMN_API const char *fmn_split_name(fmn_split_id split);

/* Number of classes of a known dataset (10), or 0 if unknown. */
FMN_API unsigned fmn_dataset_num_classes(fmn_dataset dataset);

/* Name of class `label` of `dataset`: Fashion-MNIST's as published
 * ("T-shirt/top", ..., "Ankle boot"), MNIST's "0".."9", KMNIST's romanized
 * names ("o", "ki", ...). NULL for an unknown dataset or label. Static
 * storage; thread-safe. */
FMN_API const char *fmn_class_name(fmn_dataset dataset, unsigned label);

/* ------------------------------------------------------------------------ */
/* Options.                                                                 */

/* Default for fmn_options.max_bytes: 1 GiB of decoded data per file, far
 * above any MNIST-family file (EMNIST ByClass images are 547 MB). */
#define FMN_DEFAULT_MAX_BYTES ((uint64_t)1 << 30)

/* Options for the loaders. Zero-initialise (or call fmn_options_init) and
 * set what you need; a NULL `const fmn_options *` means all defaults. */
typedef struct fmn_options {
    /* Largest decoded payload accepted per file, in bytes; 0 means
     * FMN_DEFAULT_MAX_BYTES. A file whose header claims more fails with
     * FMN_ERR_TOO_LARGE before anything is allocated. Raise it for files
     * over 1 GiB (sizes are 64-bit; files over 4 GiB work). */
    uint64_t max_bytes;
    /* Labels must be below this; 0 means: the identified dataset's class
     * count, else the count implied by an EMNIST file name, else 10. */
    unsigned num_classes;
    /* Force the dataset used for class names; FMN_DATASET_UNKNOWN means
     * identify it from the files' content. */
    fmn_dataset dataset;
} fmn_options;

/* Sets every field of *opt to its default. */
FMN_API void fmn_options_init(fmn_options *opt);

/* ------------------------------------------------------------------------ */
/* One IDX file.                                                            */

typedef enum fmn_compression {
    FMN_COMPRESSION_NONE = 0,
    FMN_COMPRESSION_GZIP = 1
} fmn_compression;

/* How a file relates to a published release. */
typedef enum fmn_release {
    FMN_RELEASE_UNKNOWN = 0,   /* not recognised (or not fully read) */
    FMN_RELEASE_IDENTICAL = 1, /* byte for byte the published .gz file */
    FMN_RELEASE_REPACKED = 2   /* the published content in another
                                  container (other gzip header, or raw) */
} fmn_release;

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
                                    and length of the decoded bytes; for
                                    IDENTICAL, also the publisher's MD5 of
                                    the .gz */
    fmn_dataset dataset;         /* what the content was identified as ... */
    fmn_split_id split;
    fmn_file_kind kind;
} fmn_file_info;

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
 * FMN_ERR_TOO_LARGE. */
FMN_API fmn_status fmn_idx_load_file(const char *path, const fmn_options *opt,
                                     fmn_idx **out, fmn_error *err);

/* As fmn_idx_load_file, from `size` bytes at `data` (not retained; may be
 * freed once the call returns). `name` labels messages and info->path; NULL
 * means "<memory>". */
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
 * range is not inside the file. */
FMN_API fmn_status fmn_idx_load_file_range(const char *path, uint64_t start,
                                           uint64_t count,
                                           const fmn_options *opt,
                                           fmn_idx **out, fmn_error *err);

/* The decoded array. Valid until fmn_idx_free(idx). */
FMN_API fmn_array fmn_idx_array(const fmn_idx *idx);

/* What is known about the file. Valid until fmn_idx_free(idx). */
FMN_API const fmn_file_info *fmn_idx_info(const fmn_idx *idx);

/* Frees the handle and its data. NULL is a no-op. */
FMN_API void fmn_idx_free(fmn_idx *idx);

/* ------------------------------------------------------------------------ */
/* A split: an images file and a labels file.                               */

/* Read-only view of a split's images: count x height x width uint8 pixels,
 * contiguous and row-major (image i starts at data + i*height*width). */
typedef struct fmn_images {
    const uint8_t *data;         /* NULL when count is 0 */
    size_t count;
    size_t height;
    size_t width;
} fmn_images;

typedef struct fmn_split fmn_split;

/* Loads a split from an images file (3-D uint8 IDX) and a labels file (1-D
 * uint8 IDX), checks that their counts agree and that every label is below
 * the class count (see fmn_options.num_classes), and works out the dataset
 * from the files' content. Either file may be gzipped or raw.
 * Errors: those of fmn_idx_load_file, plus FMN_ERR_NOT_IMAGES,
 * FMN_ERR_NOT_LABELS, FMN_ERR_COUNT_MISMATCH, FMN_ERR_BAD_LABEL and
 * FMN_ERR_MISMATCHED_PAIR (files identified as different releases). */
FMN_API fmn_status fmn_split_load(const char *images_path,
                                  const char *labels_path,
                                  const fmn_options *opt, fmn_split **out,
                                  fmn_error *err);

/* As fmn_split_load for in-memory files. The names may be NULL. */
FMN_API fmn_status fmn_split_load_memory(const void *images, size_t images_size,
                                         const char *images_name,
                                         const void *labels, size_t labels_size,
                                         const char *labels_name,
                                         const fmn_options *opt,
                                         fmn_split **out, fmn_error *err);

/* Loads items [start, start + count) of a split. The labels file is read
 * whole (it is small) and identifies the dataset; the images file is decoded
 * only up to the last image requested. FMN_ERR_RANGE when the range is not
 * inside the split. */
FMN_API fmn_status fmn_split_load_range(const char *images_path,
                                        const char *labels_path,
                                        uint64_t start, uint64_t count,
                                        const fmn_options *opt,
                                        fmn_split **out, fmn_error *err);

/* The images: N x H x W uint8. */
FMN_API fmn_images fmn_split_images(const fmn_split *split);

/* The N labels, one byte each. NULL when N is 0. */
FMN_API const uint8_t *fmn_split_labels(const fmn_split *split);

/* Number of items N. */
FMN_API size_t fmn_split_count(const fmn_split *split);

/* Index in the files of item 0 (the `start` of a range load, else 0). */
FMN_API uint64_t fmn_split_first_index(const fmn_split *split);

/* The dataset, from options or content; FMN_DATASET_UNKNOWN if neither. */
FMN_API fmn_dataset fmn_split_dataset(const fmn_split *split);

/* Train or test, when identified by content; else FMN_SPLIT_UNKNOWN. */
FMN_API fmn_split_id fmn_split_id_of(const fmn_split *split);

/* The class count labels were checked against. */
FMN_API unsigned fmn_split_num_classes(const fmn_split *split);

/* Class name of `label` for this split's dataset, or NULL when the dataset
 * is unknown or the label out of range. */
FMN_API const char *fmn_split_class_name(const fmn_split *split,
                                         unsigned label);

/* Info on the images (FMN_FILE_IMAGES) or labels (FMN_FILE_LABELS) file;
 * NULL for any other kind. */
FMN_API const fmn_file_info *fmn_split_file(const fmn_split *split,
                                            fmn_file_kind kind);

/* Frees the split. NULL is a no-op. */
FMN_API void fmn_split_free(fmn_split *split);

/* ------------------------------------------------------------------------ */
/* Finding splits in a directory.                                           */

typedef struct fmn_dir fmn_dir;

/* Scans directory `path` for IDX split files under the official names
 * (train-images-idx3-ubyte, t10k-labels-idx1-ubyte, ...), with or without
 * ".gz", the common variants (train-images.idx3-ubyte, test-...) and
 * prefixed names (emnist-digits-train-images-idx3-ubyte). Files are only
 * named here, not opened.
 * Errors: FMN_ERR_NOT_FOUND, FMN_ERR_IO (not a directory, or unreadable),
 * FMN_ERR_NO_DATASET (nothing recognised), FMN_ERR_AMBIGUOUS (two
 * candidates for one file, e.g. MNIST and EMNIST side by side), FMN_ERR_NOMEM.
 */
FMN_API fmn_status fmn_dir_open(const char *path, fmn_dir **out,
                                fmn_error *err);

/* Path of the file for (`split`, `kind`), or NULL if the directory has
 * none. Valid until fmn_dir_free(dir). */
FMN_API const char *fmn_dir_path(const fmn_dir *dir, fmn_split_id split,
                                 fmn_file_kind kind);

/* Loads `split` found by fmn_dir_open. FMN_ERR_NOT_FOUND when the
 * directory lacks its images or labels file (the message names which). */
FMN_API fmn_status fmn_dir_load_split(const fmn_dir *dir, fmn_split_id split,
                                      const fmn_options *opt, fmn_split **out,
                                      fmn_error *err);

/* Loads both splits found by fmn_dir_open at once: the test split on a
 * second thread while the calling thread loads the train split, so the
 * whole dataset costs little more than its largest file.
 *   train, test  receive the splits (free each with fmn_split_free); NULL
 *                where the directory has neither file of that split.
 *   train_err, test_err  optional details of each split's failure.
 * Returns FMN_OK when every split present loaded, else the train split's
 * failure if it failed, else the test split's; a split that failed is
 * NULL while the other may still be loaded (then free it). Without a
 * thread to be had, the splits load one after the other. */
FMN_API fmn_status fmn_dir_load_both(const fmn_dir *dir,
                                     const fmn_options *opt,
                                     fmn_split **train, fmn_split **test,
                                     fmn_error *train_err,
                                     fmn_error *test_err);

/* Frees the directory handle. NULL is a no-op. */
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
 * caller zeroes first). Thread-safe for distinct histograms. */
FMN_API void fmn_histogram_add(uint64_t histogram[256], const uint8_t *pixels,
                               size_t n);

/* The statistics of the values counted in `histogram`. Divide mean and std
 * by 255 for the [0,1] scale. */
FMN_API fmn_pixel_stats fmn_histogram_stats(const uint64_t histogram[256]);

#ifdef __cplusplus
}
#endif

#endif /* FMNIST_H */
