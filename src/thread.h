/* thread.h - threads, a lock and a condition, the same calls on POSIX
 * (pthreads) and on Windows (its own threads, SRW locks and condition
 * variables), for the library's helper threads. Internal. */
#ifndef FMNIST_THREAD_H
#define FMNIST_THREAD_H

#ifdef _WIN32
#ifndef WIN32_LEAN_AND_MEAN
#define WIN32_LEAN_AND_MEAN
#endif
#include <windows.h>
typedef struct fmni_thread {
    HANDLE handle;
    void *(*fn)(void *);
    void *arg;
} fmni_thread;
typedef SRWLOCK fmni_mutex;
typedef CONDITION_VARIABLE fmni_cond;
#else
#include <pthread.h>
typedef struct fmni_thread {
    pthread_t id;
} fmni_thread;
typedef pthread_mutex_t fmni_mutex;
typedef pthread_cond_t fmni_cond;
#endif

/* Starts fn(arg) on a new thread: 1, or 0 where none could be started
 * (the caller then does the work itself). *t must stay where it is until
 * fmni_thread_join. */
int fmni_thread_start(fmni_thread *t, void *(*fn)(void *), void *arg);

/* Waits for a started thread to end. */
void fmni_thread_join(fmni_thread *t);

/* 1 on success, 0 when the system has no resources for it. */
int fmni_mutex_init(fmni_mutex *m);
void fmni_mutex_destroy(fmni_mutex *m);
void fmni_mutex_lock(fmni_mutex *m);
void fmni_mutex_unlock(fmni_mutex *m);

int fmni_cond_init(fmni_cond *c);
void fmni_cond_destroy(fmni_cond *c);
/* Releases m, waits for a broadcast on c (or wakes spuriously), takes m
 * again. */
void fmni_cond_wait(fmni_cond *c, fmni_mutex *m);
void fmni_cond_broadcast(fmni_cond *c);

#endif
