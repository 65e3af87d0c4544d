/* thread.c - the calls of thread.h: pthreads on POSIX systems, the
 * system's own threads and synchronisation on Windows; and fmn_cores(),
 * the cores this process may run on. */
#ifndef _WIN32
#define _GNU_SOURCE /* sched_getaffinity */
#endif
#include "thread.h"
#include "fmnist.h"

#ifdef _WIN32
#include <process.h>

unsigned fmn_cores(void)
{
    DWORD_PTR process, system;
    long n = 0;
    if (GetProcessAffinityMask(GetCurrentProcess(), &process, &system))
        for (; process; process &= process - 1)
            n++;
    if (n <= 0)
        n = (long)GetActiveProcessorCount(ALL_PROCESSOR_GROUPS);
    return n > 0 ? (unsigned)(n < 64 ? n : 64) : 1;
}

static unsigned __stdcall thread_main(void *arg)
{
    fmni_thread *t = arg;
    (void)t->fn(t->arg);
    return 0;
}

int fmni_thread_start(fmni_thread *t, void *(*fn)(void *), void *arg)
{
    t->fn = fn;
    t->arg = arg;
    /* _beginthreadex, not CreateThread: the C runtime is set up for it */
    uintptr_t h = _beginthreadex(NULL, 0, thread_main, t, 0, NULL);
    t->handle = (HANDLE)h;
    return h != 0;
}

void fmni_thread_join(fmni_thread *t)
{
    WaitForSingleObject(t->handle, INFINITE);
    CloseHandle(t->handle);
}

int fmni_mutex_init(fmni_mutex *m)
{
    InitializeSRWLock(m);
    return 1;
}

void fmni_mutex_destroy(fmni_mutex *m) { (void)m; } /* nothing to free */
void fmni_mutex_lock(fmni_mutex *m) { AcquireSRWLockExclusive(m); }
void fmni_mutex_unlock(fmni_mutex *m) { ReleaseSRWLockExclusive(m); }

int fmni_cond_init(fmni_cond *c)
{
    InitializeConditionVariable(c);
    return 1;
}

void fmni_cond_destroy(fmni_cond *c) { (void)c; }

void fmni_cond_wait(fmni_cond *c, fmni_mutex *m)
{
    (void)SleepConditionVariableSRW(c, m, INFINITE, 0);
}

void fmni_cond_broadcast(fmni_cond *c) { WakeAllConditionVariable(c); }

#else
#include <sched.h>
#include <unistd.h>

unsigned fmn_cores(void)
{
    long n = 0;
#if defined(__linux__) && defined(CPU_COUNT)
    cpu_set_t set;
    if (sched_getaffinity(0, sizeof set, &set) == 0)
        n = CPU_COUNT(&set);
#endif
#ifdef _SC_NPROCESSORS_ONLN
    if (n <= 0)
        n = sysconf(_SC_NPROCESSORS_ONLN);
#endif
    return n > 0 ? (unsigned)(n < 64 ? n : 64) : 1;
}

int fmni_thread_start(fmni_thread *t, void *(*fn)(void *), void *arg)
{
    return pthread_create(&t->id, NULL, fn, arg) == 0;
}

void fmni_thread_join(fmni_thread *t) { pthread_join(t->id, NULL); }

int fmni_mutex_init(fmni_mutex *m) { return pthread_mutex_init(m, NULL) == 0; }
void fmni_mutex_destroy(fmni_mutex *m) { pthread_mutex_destroy(m); }
void fmni_mutex_lock(fmni_mutex *m) { pthread_mutex_lock(m); }
void fmni_mutex_unlock(fmni_mutex *m) { pthread_mutex_unlock(m); }

int fmni_cond_init(fmni_cond *c) { return pthread_cond_init(c, NULL) == 0; }
void fmni_cond_destroy(fmni_cond *c) { pthread_cond_destroy(c); }

void fmni_cond_wait(fmni_cond *c, fmni_mutex *m)
{
    pthread_cond_wait(c, m);
}

void fmni_cond_broadcast(fmni_cond *c) { pthread_cond_broadcast(c); }

#endif
