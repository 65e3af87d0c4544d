/* gz_parallel.c - one deflate stream decoded on several threads, the way
 * rapidgzip and pugz do it. The input is cut into chunks. Chunk 0 decodes
 * from the start; each later chunk searches its part of the input for a
 * block boundary (deflate.c's filter, confirmed by decoding two blocks),
 * decodes from there into 16-bit symbols while its window is unknown
 * (a byte, or "byte i of the 32 KiB before me"), and once its own last
 * 32 KiB hold no such reference goes on in bytes, into the output at a
 * guess of where it belongs. The chunk before it stops exactly at that
 * boundary, which proves it real; then the calling thread, done with
 * chunk 0, resolves the next chunk's references from the bytes before
 * it and moves its bytes to their place behind it as it decodes.
 *
 * Any doubt keeps the result exact: a chunk that finds no boundary, a
 * boundary its predecessor does not stop at, a chunk that runs out of
 * room or memory: the decoding of the chunk before simply goes on (on
 * the calling thread once the others are done), as a serial decoder's
 * would. Only a stream that is invalid, or whose length is not the one
 * expected, makes the whole call fail; the caller then decodes serially
 * and reports exactly what is wrong. */
#include "internal.h"
#include "deflate.h"
#include "file.h"
#include "thread.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <errno.h>
#include <string.h>

enum {
    MAX_CHUNKS = 8,
    WINDOW = FMNI_DFL_WINDOW,
    /* the most a chunk decodes before its window is known: past it the
     * chunk gives up (a stream that keeps reaching back that far) */
    WIDE_MAX = 4 << 20,
    /* where a chunk searches for its boundary: this much input at most,
     * which its feed holds at once */
    SEARCH_BYTES = 1 << 20,
    FEED_BYTES = SEARCH_BYTES + (64 << 10),
    SEEN = 64
};

/* The input a chunk reads: the caller's memory at once, or a file through
 * a buffer of its own, refilled with pread (a read error is an error the
 * serial path then reports, never a signal as a mapping's would be). */
typedef struct feed {
    const fmni_input *src;
    uint8_t *buf;
    const uint8_t *p; /* the input from offset base on, len bytes */
    size_t len;
    uint64_t base;
    int last;         /* to the end of the input */
} feed;

typedef enum chunk_status {
    C_RUNNING,
    C_AT_STOP,  /* stopped where the next chunk starts */
    C_END,      /* the stream ended in it */
    C_FULL,     /* out of room: its place was guessed too small */
    C_GAVE_UP,  /* no boundary, references too long, or no memory */
    C_BAD,      /* invalid data */
    C_ABORTED
} chunk_status;

typedef struct job job;

typedef struct chunk {
    job *job;
    unsigned index;
    uint64_t search_from, search_to; /* bits, for chunks after the first */
    size_t place, limit;             /* its output: out[place..limit) */
    _Atomic uint64_t start_bit;      /* UINT64_MAX until found */
    /* progress, for the thread that moves its bytes: each set (release)
     * once what it says holds, then the job's condition signalled */
    _Atomic int narrowed;   /* wide[] and `narrow` are final */
    _Atomic size_t done_to; /* out[place + narrow .. place + done_to) final */
    _Atomic int stopped;    /* it writes nothing more; status, produced */
    chunk_status status;
    int passed;        /* went past the next chunk's start: carries on */
    unsigned reach;    /* the last chunk whose place this one writes in */
    /* the block boundaries it passed last (bit, elements decoded by
     * then), for a next chunk's start found only after this one passed
     * it: this one stops there all the same */
    uint64_t seen_bit[SEEN];
    size_t seen_at[SEEN];
    unsigned seen;
    int nomem;         /* gave up for want of memory */
    size_t produced;   /* elements decoded */
    size_t narrow;     /* elements before this one are in `wide` */
    uint16_t *wide;    /* WINDOW markers, then the 16-bit phase */
    feed feed;
    fmni_dfl dec;
    fmni_thread thread;
    int started;
} chunk;

struct job {
    const fmni_input *src;
    uint64_t start;    /* offset of the stream in the input */
    uint8_t *out;
    size_t n, cap;
    unsigned k;
    _Atomic int abort; /* chunks from this index on stop */
    fmni_mutex lock;
    fmni_cond progress;
    uint8_t lut[256 + WINDOW]; /* resolve()'s */
    chunk c[MAX_CHUNKS];
};

/* ---- one chunk ---------------------------------------------------------- */

static void notify(job *jb)
{
    fmni_mutex_lock(&jb->lock);
    fmni_cond_broadcast(&jb->progress);
    fmni_mutex_unlock(&jb->lock);
}

/* Makes f hold the input from offset `from` on (as much as fits, keeping
 * what it holds already). 0 if a read fails. */
static int feed_at(feed *f, uint64_t from)
{
    const fmni_input *src = f->src;
    if (src->mem) {
        f->p = src->mem;
        f->len = (size_t)src->size;
        f->base = 0;
        f->last = 1;
        return 1;
    }
    size_t keep = 0;
    if (f->len && from >= f->base && from < f->base + f->len) {
        keep = (size_t)(f->base + f->len - from);
        memmove(f->buf, f->buf + (from - f->base), keep);
    }
    size_t have = keep;
    uint64_t at = from + keep;
    while (have < FEED_BYTES && at < src->size) {
        long r = fmni_file_pread(src->fd, f->buf + have, FEED_BYTES - have,
                                 at);
        if (r <= 0) {
            f->len = 0;
            return 0; /* a read error, or the file shrank */
        }
        have += (size_t)r;
        at += (uint64_t)r;
    }
    f->p = f->buf;
    f->len = have;
    f->base = from;
    f->last = at >= src->size;
    return 1;
}

/* The feed's buffer (a file's) is there already (fmni_inflate_parallel). */
static int feed_open(feed *f, const fmni_input *src, uint64_t from)
{
    f->src = src;
    f->len = 0;
    return feed_at(f, from);
}

/* The chunk's decoder, started at input bit `bit`. */
static int start_at(chunk *c, uint64_t bit)
{
    if (!feed_at(&c->feed, bit / 8))
        return 0;
    fmni_dfl_start(&c->dec, c->feed.p, c->feed.len, c->feed.base,
                   c->feed.last, bit);
    return 1;
}

/* The chunk's decoder given the input it asks for next: 0 when there is
 * none (the stream is cut). */
static int refeed(chunk *c)
{
    if (!feed_at(&c->feed, fmni_dfl_needed(&c->dec)))
        return 0;
    fmni_dfl_input(&c->dec, c->feed.p, c->feed.len, c->feed.base,
                   c->feed.last);
    return 1;
}

/* The chunk's decoder on, the feed moved on whenever it asks: one block,
 * or less when out of room. */
static fmni_dfl_result decode8(chunk *c, uint8_t *out, size_t *pos,
                               size_t cap, size_t win)
{
    fmni_dfl_result r;
    while ((r = fmni_dfl_decode8(&c->dec, out, pos, cap, win)) ==
           FMNI_DFL_INPUT)
        if (!refeed(c))
            return FMNI_DFL_BAD;
    return r;
}

static fmni_dfl_result decode16(chunk *c, size_t *pos)
{
    fmni_dfl_result r;
    while ((r = fmni_dfl_decode16(&c->dec, c->wide, pos, WINDOW + WIDE_MAX,
                                  0)) == FMNI_DFL_INPUT)
        if (!refeed(c))
            return FMNI_DFL_BAD;
    return r;
}

/* This chunk decodes on past where the next one was to start: the chunks
 * after it stop (their work is of no use). */
static void pass_next(chunk *c)
{
    job *jb = c->job;
    c->passed = 1;
    int want = (int)c->index + 1, cur = atomic_load(&jb->abort);
    while (want < cur && !atomic_compare_exchange_weak(&jb->abort, &cur, want))
        ;
}

/* 1 if the next chunk starts at a block boundary this one passed (the
 * last SEEN of them), with *at the elements decoded by then; the decoder
 * is set back to that boundary. */
static int passed_its_start(chunk *c, uint64_t sb, size_t *at)
{
    for (unsigned i = 0; i < SEEN && i < c->seen; i++)
        if (c->seen_bit[i] == sb) {
            *at = c->seen_at[i];
            if (fmni_dfl_bit(&c->dec) != sb && !start_at(c, sb))
                return 0;
            return 1;
        }
    return 0;
}

/* At a block boundary, `at` elements decoded: 1 if the next chunk starts
 * here, or at a boundary this one passed before that start was known
 * (then *at is cut back to it); else notes a start passed for good. */
static int at_next_start(chunk *c, size_t *at)
{
    job *jb = c->job;
    if (c->index + 1 >= jb->k || c->passed)
        return 0;
    chunk *next = &jb->c[c->index + 1];
    uint64_t sb = atomic_load_explicit(&next->start_bit, memory_order_acquire);
    uint64_t bit = fmni_dfl_bit(&c->dec);
    c->seen_bit[c->seen % SEEN] = bit;
    c->seen_at[c->seen % SEEN] = *at;
    c->seen++;
    if (passed_its_start(c, sb, at))
        return 1;
    if (bit > sb || (sb == UINT64_MAX && bit >= next->search_to))
        pass_next(c); /* a boundary this one never met, or none at all */
    return 0;
}

/* Out of room mid-block: 1 if the next chunk's start, known by now, is a
 * boundary this one passed (*at cut back to it). */
static int stopped_late(chunk *c, size_t *at)
{
    job *jb = c->job;
    if (c->index + 1 >= jb->k || c->passed)
        return 0;
    uint64_t sb = atomic_load_explicit(&jb->c[c->index + 1].start_bit,
                                       memory_order_acquire);
    return passed_its_start(c, sb, at);
}

static int aborted(const chunk *c)
{
    return (int)c->index >= atomic_load_explicit(&c->job->abort,
                                                 memory_order_relaxed);
}

/* When out of room: the place of the chunk after the last one whose
 * place this one took, if that chunk is done and will not be used. */
static int take_next_place(chunk *c)
{
    job *jb = c->job;
    if (c->reach + 1 >= jb->k)
        return 0;
    chunk *next = &jb->c[c->reach + 1];
    if (!atomic_load_explicit(&next->stopped, memory_order_acquire))
        return 0;
    if (!c->passed && (next->status == C_AT_STOP ||
                       next->status == C_END || next->status == C_FULL))
        return 0; /* its work holds if this one stops at its start */
    c->limit = next->limit;
    c->reach++;
    pass_next(c);
    return 1;
}

static int no_markers(const uint16_t *w, size_t n)
{
    uint16_t any = 0;
    for (size_t i = 0; i < n; i++)
        any |= w[i];
    return any < 256;
}

/* Searches the chunk's input for a boundary. A header found is decoded
 * (into c->wide, as scratch) and the chunk starts where that block ends,
 * confirmed by the next block decoding too: a header found by chance just
 * before a real boundary can decode as a short block that ends on the
 * real one, so the end of the first block is the likelier boundary. The
 * second block's 16-bit output stays in c->wide. */
static int find_start(chunk *c, size_t *pos, int *ended)
{
    job *jb = c->job;
    uint64_t b = c->search_from;
    while (!aborted(c)) {
        if ((b / 8 < c->feed.base || b / 8 >= c->feed.base + c->feed.len) &&
            !feed_at(&c->feed, b / 8))
            return 0;
        b = fmni_dfl_find(&c->dec, c->feed.p, c->feed.len, c->feed.base,
                          c->feed.last, b, c->search_to);
        if (b == UINT64_MAX)
            return 0;
        *pos = WINDOW;
        fmni_dfl_result r = decode16(c, pos);
        uint64_t q = fmni_dfl_bit(&c->dec);
        *pos = WINDOW; /* the window before q is unknown: markers */
        if (r == FMNI_DFL_BLOCK)
            r = decode16(c, pos);
        if (r == FMNI_DFL_BLOCK || r == FMNI_DFL_END) {
            atomic_store_explicit(&c->start_bit, q, memory_order_release);
            notify(jb);
            *ended = r == FMNI_DFL_END;
            return 1;
        }
        b++;
    }
    return 0;
}

/* The 16-bit phase of a chunk after the first: until its last 32 KiB are
 * bytes, the stream ends, or the next chunk starts. Returns 1 to go on in
 * bytes (with that window copied into place), 0 when the chunk is done. */
static int wide_phase(chunk *c)
{
    job *jb = c->job;
    for (size_t i = 0; i < WINDOW; i++)
        c->wide[i] = (uint16_t)(256 + i);
    size_t pos;
    int ended = 0;
    if (!find_start(c, &pos, &ended)) {
        c->status = C_GAVE_UP;
        return 0;
    }
    for (;;) {
        c->produced = pos - WINDOW;
        if (ended || at_next_start(c, &c->produced)) {
            c->status = ended ? C_END : C_AT_STOP;
            c->narrow = c->produced; /* all of it in `wide` */
            atomic_store_explicit(&c->narrowed, 1, memory_order_release);
            return 0;
        }
        if (aborted(c)) {
            c->status = C_ABORTED;
            return 0;
        }
        if (c->produced >= WINDOW &&
            no_markers(c->wide + pos - WINDOW, WINDOW))
            break;
        fmni_dfl_result r = decode16(c, &pos);
        if (r == FMNI_DFL_END) {
            ended = 1;
        } else if (r != FMNI_DFL_BLOCK) {
            c->status = r == FMNI_DFL_FULL ? C_GAVE_UP : C_BAD;
            return 0;
        }
    }
    /* the last 32 KiB become bytes in place: the window of what follows */
    if (c->produced > c->limit - c->place) {
        c->status = C_GAVE_UP;
        return 0;
    }
    c->narrow = c->produced - WINDOW;
    uint8_t *o = jb->out + c->place + c->narrow;
    const uint16_t *w = c->wide + WINDOW + c->narrow;
    for (size_t i = 0; i < WINDOW; i++)
        o[i] = (uint8_t)w[i];
    atomic_store_explicit(&c->done_to, c->narrow, memory_order_relaxed);
    atomic_store_explicit(&c->narrowed, 1, memory_order_release);
    notify(jb);
    return 1;
}

/* The byte phase: decodes into out[place + produced ..) block by block. */
static void byte_phase(chunk *c)
{
    job *jb = c->job;
    size_t pos = c->place + c->produced;
    size_t win = c->place + c->narrow;
    for (;;) {
        size_t at = pos - c->place;
        if (at_next_start(c, &at)) {
            c->status = C_AT_STOP;
            if (at < c->narrow) /* back into the 16-bit phase */
                c->narrow = at;
            pos = c->place + at;
            break;
        }
        if (aborted(c)) {
            c->status = C_ABORTED;
            break;
        }
        fmni_dfl_result r = decode8(c, jb->out, &pos, c->limit, win);
        if (r == FMNI_DFL_FULL && take_next_place(c))
            continue;
        at = pos - c->place;
        if (r == FMNI_DFL_FULL && stopped_late(c, &at)) {
            c->status = C_AT_STOP;
            if (at < c->narrow)
                c->narrow = at;
            pos = c->place + at;
            break;
        }
        if (r != FMNI_DFL_BLOCK) {
            c->status = r == FMNI_DFL_END    ? C_END
                        : r == FMNI_DFL_FULL ? C_FULL
                                             : C_BAD;
            break;
        }
        if (c->index > 0 && pos - c->place >= c->narrow + WINDOW) {
            /* bytes no longer in the window are final */
            atomic_store_explicit(&c->done_to, pos - c->place - WINDOW,
                                  memory_order_release);
            notify(jb);
        }
    }
    c->produced = pos - c->place;
}

static void run_chunk(chunk *c)
{
    job *jb = c->job;
    int opened = feed_open(&c->feed, jb->src,
                           c->index == 0 ? jb->start : c->search_from / 8);
    if (opened <= 0) {
        c->status = C_GAVE_UP;
        c->nomem = opened < 0;
    } else if (c->index == 0) {
        c->narrow = 0;
        c->produced = 0;
        if (start_at(c, jb->start * 8))
            byte_phase(c);
        else
            c->status = C_BAD;
    } else if (wide_phase(c)) {
        byte_phase(c);
    }
    atomic_store_explicit(&c->stopped, 1, memory_order_release);
    notify(c->job);
}

static void *chunk_main(void *arg)
{
    run_chunk(arg);
    return NULL;
}

/* ---- placing chunks ----------------------------------------------------- */

/* Writes the chunk's 16-bit phase as bytes at out[at ..), its references
 * read from the 32 KiB before `at` through one table (bytes map to
 * themselves, marker 256 + i to window byte i). 0 if a reference reaches
 * before the start of the stream. */
static int resolve(job *jb, const chunk *c, size_t at)
{
    uint8_t *o = jb->out + at, *lut = jb->lut;
    const uint16_t *w = c->wide + WINDOW;
    size_t first = at < WINDOW ? WINDOW - at : 0; /* lowest valid marker */
    if (first) {
        for (size_t i = 0; i < c->narrow; i++)
            if (w[i] >= 256 && w[i] - 256u < first)
                return 0;
    }
    for (unsigned i = 0; i < 256; i++)
        lut[i] = (uint8_t)i;
    memcpy(lut + 256 + first, o - WINDOW + first, WINDOW - first);
    for (size_t i = 0; i < c->narrow; i++)
        o[i] = lut[w[i]];
    return 1;
}

/* The chunk's bytes from out[place ..) to out[at ..). */
static void move_chunk(job *jb, const chunk *c, size_t at)
{
    if (at != c->place)
        memmove(jb->out + at + c->narrow, jb->out + c->place + c->narrow,
                c->produced - c->narrow);
}

static int stopped(chunk *c)
{
    return atomic_load_explicit(&c->stopped, memory_order_acquire);
}

/* Waits until `ready` says the chunk moved on (or it stopped). */
static void wait_for(job *jb, chunk *c, int (*ready)(chunk *c, size_t arg),
                     size_t arg)
{
    fmni_mutex_lock(&jb->lock);
    while (!stopped(c) && !ready(c, arg))
        fmni_cond_wait(&jb->progress, &jb->lock);
    fmni_mutex_unlock(&jb->lock);
}

static int is_narrowed(chunk *c, size_t unused)
{
    (void)unused;
    return atomic_load_explicit(&c->narrowed, memory_order_acquire);
}

static int done_past(chunk *c, size_t moved)
{
    return atomic_load_explicit(&c->done_to, memory_order_acquire) > moved;
}

/* Chunk c, whose predecessors end at out[at], to its place while it
 * decodes: its references resolved, its bytes moved behind it. 1 when it
 * is in place (c->place == at), 0 if it cannot be now, -1 if its
 * references prove the stream invalid. */
static int follow(job *jb, chunk *c, size_t at, uint32_t *crc)
{
    wait_for(jb, c, is_narrowed, 0);
    int done = stopped(c);
    if (done && c->status != C_AT_STOP && c->status != C_END &&
        c->status != C_FULL)
        return 0;
    if (at > c->place || !atomic_load_explicit(&c->narrowed,
                                               memory_order_acquire))
        return 0; /* placed too low: moved up once it is done */
    if (!resolve(jb, c, at))
        return -1;
    size_t moved = c->narrow;
    uint32_t mine = fmni_crc32(0, jb->out + at, moved);
    for (;;) {
        done = stopped(c);
        size_t upto = done ? c->produced
                           : atomic_load_explicit(&c->done_to,
                                                  memory_order_acquire);
        if (upto > moved) {
            uint8_t *dst = jb->out + at + moved;
            memmove(dst, jb->out + c->place + moved, upto - moved);
            mine = fmni_crc32(mine, dst, upto - moved);
            moved = upto;
        }
        if (done)
            break;
        wait_for(jb, c, done_past, moved);
    }
    /* a chunk that stopped at a boundary it had passed ends before bytes
     * already moved: its checksum is taken again */
    if (moved > c->produced || c->narrow > moved)
        mine = fmni_crc32(0, jb->out + at, c->produced);
    *crc = (uint32_t)crc32_combine(*crc, mine, (z_off_t)c->produced);
    c->place = at;
    return 1;
}

static int has_start(chunk *c, size_t unused)
{
    (void)unused;
    return atomic_load_explicit(&c->start_bit, memory_order_acquire) !=
           UINT64_MAX;
}

/* A chunk out of room may have passed the next one's start before that
 * was known: once the next knows where it starts (or has stopped), the
 * chunk stops there after all, cut back to it. */
static void settle(job *jb, chunk *c)
{
    if (c->status != C_FULL || c->index + 1 >= jb->k)
        return;
    chunk *next = &jb->c[c->index + 1];
    wait_for(jb, next, has_start, 0);
    size_t at;
    if (stopped_late(c, &at)) {
        c->status = C_AT_STOP;
        c->produced = at;
        if (at < c->narrow)
            c->narrow = at;
    }
}

/* On the calling thread, once chunk 0 is done: the chunks after it, in
 * order, while they decode. *placed counts the chunks in place, which
 * end at *end with CRC-32 *crc. -1 for an invalid stream. */
static int assist(job *jb, unsigned *placed, size_t *end, uint32_t *crc)
{
    chunk *c0 = &jb->c[0];
    *crc = fmni_crc32(0, jb->out, c0->produced);
    *end = c0->produced;
    *placed = 1;
    for (unsigned j = 1; j < jb->k; j++) {
        if (jb->c[j - 1].status != C_AT_STOP)
            break;
        int r = follow(jb, &jb->c[j], *end, crc);
        if (r <= 0)
            return r;
        *end += jb->c[j].produced;
        *placed = j + 1;
    }
    return 0;
}

/* Moves chunks first..last to their places at[]: up-moves last to first,
 * then down-moves first to last, so that no chunk overwrites one not yet
 * moved (the places, like the chunks where they are, are in order and
 * do not overlap). */
static void compact(job *jb, unsigned first, unsigned last, const size_t *at)
{
    for (unsigned j = last; j >= first && j > 0; j--)
        if (at[j] > jb->c[j].place)
            move_chunk(jb, &jb->c[j], at[j]);
    for (unsigned j = first; j <= last; j++)
        if (at[j] < jb->c[j].place)
            move_chunk(jb, &jb->c[j], at[j]);
}

static int resolve_all(job *jb, unsigned first, unsigned last,
                       const size_t *at)
{
    for (unsigned j = first; j <= last; j++)
        if (!resolve(jb, &jb->c[j], at[j]))
            return 0;
    return 1;
}

/* Places chunks 0..last (which all ended where the next began, the last
 * one at the end of the stream or mid-way) and resolves their references;
 * *at receives where each starts. */
static int place_chunks(job *jb, unsigned last, size_t *at)
{
    at[0] = 0;
    for (unsigned j = 1; j <= last; j++)
        at[j] = at[j - 1] + jb->c[j - 1].produced;
    compact(jb, 1, last, at);
    return resolve_all(jb, 1, last, at);
}

/* Decodes on with chunk r's decoder (at a block boundary, or out of room)
 * into out[pos..cap) to the end of the stream. */
static int finish_serially(job *jb, chunk *r, size_t pos, size_t *total)
{
    for (;;) {
        fmni_dfl_result res = decode8(r, jb->out, &pos, jb->cap, 0);
        if (res == FMNI_DFL_END)
            break;
        if (res != FMNI_DFL_BLOCK)
            return 0;
    }
    *total = pos;
    return 1;
}

/* Chunk `last` ran out of room before where the next began, and every
 * chunk after it holds (each stopped where the next began, the final one
 * at the end of the stream): their places are known from the end, n.
 * Every chunk moves to its place, and last's decoder goes on in the room
 * left before the next, where it must stop exactly where that one began.
 * 1 if it did, with *at where each chunk starts. */
static int fill_gap(job *jb, unsigned last, size_t *at)
{
    unsigned k = jb->k;
    if (last + 1 >= k || jb->c[last].passed)
        return 0;
    size_t pos = jb->n;
    for (unsigned j = k - 1; j > last; j--) {
        const chunk *c = &jb->c[j];
        if (c->status != (j + 1 < k ? C_AT_STOP : C_END) ||
            c->produced > pos)
            return 0;
        pos -= c->produced;
        at[j] = pos;
    }
    at[0] = 0;
    for (unsigned j = 1; j <= last; j++)
        at[j] = at[j - 1] + jb->c[j - 1].produced;
    chunk *r = &jb->c[last];
    if (at[last] + r->produced > at[last + 1])
        return 0;
    compact(jb, 1, k - 1, at);
    if (!resolve_all(jb, 1, last, at))
        return 0;
    size_t p = at[last] + r->produced;
    uint64_t stop = atomic_load(&jb->c[last + 1].start_bit);
    for (;;) {
        fmni_dfl_result res = decode8(r, jb->out, &p, at[last + 1], 0);
        if (res != FMNI_DFL_BLOCK || fmni_dfl_bit(&r->dec) >= stop)
            break;
    }
    r->produced = p - at[last];
    return fmni_dfl_bit(&r->dec) == stop && p == at[last + 1] &&
           resolve_all(jb, last + 1, k - 1, at);
}

/* After every thread is done: the result, or 0. `placed` chunks are in
 * place already, ending at `end` with CRC-32 *crc. */
static int assemble(job *jb, unsigned placed, size_t end, uint64_t *end_bit,
                    uint32_t *crc)
{
    for (unsigned j = placed; j < jb->k; j++)
        settle(jb, &jb->c[j]);
    /* the chunks that hold: each stopped where the next one began */
    unsigned last = 0;
    while (last + 1 < jb->k && jb->c[last].status == C_AT_STOP)
        last++;
    chunk *r = &jb->c[last];
    size_t at[MAX_CHUNKS], total = end;
    if (r->status == C_END && placed == last + 1) {
        /* the common case: nothing left to do */
    } else if (r->status == C_END) {
        if (!place_chunks(jb, last, at))
            return 0;
        total = at[last] + r->produced;
        *crc = fmni_crc32_threads(0, jb->out, total, jb->k);
    } else if (r->status == C_FULL && fill_gap(jb, last, at)) {
        total = jb->n;
        r = &jb->c[jb->k - 1];
        *crc = fmni_crc32_threads(0, jb->out, total, jb->k);
    } else {
        /* r ran out of room, or went past where the next one began: its
         * decoder goes on; or r itself failed: the decoder of the chunk
         * before it, which stopped exactly where r began, goes on (and
         * meets the same invalid data, if that is why r failed) */
        if (r->status != C_FULL) {
            if (last == 0)
                return 0;
            r = &jb->c[--last];
        }
        if (!place_chunks(jb, last, at) ||
            !finish_serially(jb, r, at[last] + r->produced, &total))
            return 0;
        *crc = fmni_crc32_threads(0, jb->out, total, jb->k);
    }
    if (total != jb->n)
        return 0;
    *end_bit = fmni_dfl_bit(&r->dec);
    return 1;
}

/* ---- the job ------------------------------------------------------------ */

/* Where each chunk searches and is decoded to: an even share of the
 * input, placed a little above its expected output so that the chunk
 * before it rarely runs out of room (one that does is finished later). */
static void plan(job *jb)
{
    uint64_t bits = (jb->src->size - jb->start) * 8;
    double ratio = (double)jb->n / (double)bits;
    for (unsigned j = 0; j < jb->k; j++) {
        chunk *c = &jb->c[j];
        c->job = jb;
        c->index = j;
        c->reach = j;
        atomic_init(&c->start_bit, j == 0 ? 0 : UINT64_MAX);
        atomic_init(&c->narrowed, 0);
        atomic_init(&c->done_to, 0);
        atomic_init(&c->stopped, 0);
        uint64_t share = bits * j / jb->k;
        c->search_from = jb->start * 8 + share;
        c->search_to = c->search_from + (uint64_t)SEARCH_BYTES * 8;
        double expect = ratio * (double)share;
        double place = j == 0 ? 0 : expect + expect / 16 + (1 << 20);
        c->place = place < (double)jb->cap ? (size_t)place : jb->cap;
    }
    for (unsigned j = 0; j < jb->k; j++)
        jb->c[j].limit = j + 1 < jb->k ? jb->c[j + 1].place : jb->cap;
}

static void run_job(job *jb, uint64_t *end, uint32_t *crc, int *ok)
{
    for (unsigned j = 1; j < jb->k; j++) {
        chunk *c = &jb->c[j];
        c->started = fmni_thread_start(&c->thread, chunk_main, c);
        if (!c->started) {
            c->status = C_GAVE_UP;
            atomic_store(&c->stopped, 1);
        }
    }
    run_chunk(&jb->c[0]);
    settle(jb, &jb->c[0]);
    unsigned placed = 1;
    size_t at = 0;
    int r = assist(jb, &placed, &at, crc);
    if (r < 0)
        atomic_store(&jb->abort, 0);
    for (unsigned j = 1; j < jb->k; j++)
        if (jb->c[j].started)
            fmni_thread_join(&jb->c[j].thread);
    uint64_t end_bit = 0;
    *ok = r >= 0 && assemble(jb, placed, at, &end_bit, crc);
    *end = (end_bit + 7) / 8;
}

int fmni_inflate_parallel(const fmni_input *src, uint64_t start,
                          uint8_t *out, size_t n, size_t cap,
                          unsigned threads, uint64_t *end, uint32_t *crc)
{
    if (threads < 1 || cap < n || start >= src->size)
        return 0;
    const fmn_allocator *heap = &src->heap;
    job *jb = fmni_calloc(heap, 1, sizeof *jb);
    if (!jb)
        return -1;
    jb->src = src;
    jb->start = start;
    jb->out = out;
    jb->n = n;
    jb->cap = cap;
    jb->k = threads < MAX_CHUNKS ? threads : MAX_CHUNKS;
    atomic_init(&jb->abort, MAX_CHUNKS);
    /* every buffer here, on the calling thread, before any thread starts:
     * a file's feeds, and the 16-bit output of each chunk after the first
     * (8 MiB each, touched only as far as it is used) */
    int ok = 1;
    for (unsigned j = 0; ok && j < jb->k; j++) {
        chunk *c = &jb->c[j];
        if (!src->mem && !(c->feed.buf = fmni_malloc(heap, FEED_BYTES)))
            ok = -1;
        if (j > 0 && !(c->wide = fmni_alloc_large(
                           heap, (size_t)(WINDOW + WIDE_MAX) * sizeof *c->wide)))
            ok = -1;
    }
    if (ok == 1) {
        ok = 0;
        if (fmni_mutex_init(&jb->lock)) {
            if (fmni_cond_init(&jb->progress)) {
                plan(jb);
                run_job(jb, end, crc, &ok);
                fmni_cond_destroy(&jb->progress);
            }
            fmni_mutex_destroy(&jb->lock);
        }
    }
    for (unsigned j = 0; j < jb->k; j++) {
        ok = jb->c[j].nomem ? -1 : ok;
        fmni_free(heap, jb->c[j].wide);
        fmni_free(heap, jb->c[j].feed.buf);
    }
    fmni_free(heap, jb);
    return ok;
}

unsigned fmni_threads(const fmn_options *opt)
{
    return opt && opt->threads ? opt->threads : fmn_cores();
}

