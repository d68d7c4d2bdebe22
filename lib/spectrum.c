/* FFTW wrapper: plans made once, under one lock, at creation; execution in the hot path. */
#include "spectrum.h"

#include "vigil/status.h"

#include <fftw3.h>
#include <pthread.h>
#include <stdlib.h>

/* FFTW's planner (and plan destruction) share global state and are not thread-safe; execute is.
 * Every plan/destroy in vigil goes through this one lock, so that gateways may create and
 * destroy extractors from many threads at once. */
static pthread_mutex_t planner_lock = PTHREAD_MUTEX_INITIALIZER;

/* FFTW_ESTIMATE: planning is fast and deterministic (the same algorithm for the same size every
 * time), which keeps rows bit-identical between two extractors and between runs. MEASURE could
 * be a little faster but times candidate algorithms, so two processes could differ in the last
 * bits. */
#define VIGIL__PLAN_FLAGS (FFTW_ESTIMATE | FFTW_DESTROY_INPUT)

struct vigil__fft {
    size_t n;
    double *in;
    fftw_complex *out;
    fftw_plan plan;
};

struct vigil__cfft {
    size_t n;
    fftw_complex *in;
    fftw_complex *out;
    fftw_plan plan;
};

int vigil__fft_create(size_t n, vigil__fft **out)
{
    vigil__fft *f = calloc(1, sizeof *f);
    if (!f)
        return VIGIL_ENOMEM;
    f->n = n;
    f->in = fftw_alloc_real(n);
    f->out = fftw_alloc_complex(n / 2 + 1);
    if (f->in && f->out) {
        pthread_mutex_lock(&planner_lock);
        f->plan = fftw_plan_dft_r2c_1d((int)n, f->in, f->out, VIGIL__PLAN_FLAGS);
        pthread_mutex_unlock(&planner_lock);
    }
    if (!f->plan) {
        vigil__fft_destroy(f);
        return VIGIL_ENOMEM;
    }
    *out = f;
    return VIGIL_OK;
}

void vigil__fft_destroy(vigil__fft *f)
{
    if (!f)
        return;
    if (f->plan) {
        pthread_mutex_lock(&planner_lock);
        fftw_destroy_plan(f->plan);
        pthread_mutex_unlock(&planner_lock);
    }
    fftw_free(f->in);
    fftw_free(f->out);
    free(f);
}

double *vigil__fft_input(vigil__fft *f) { return f->in; }
const double *vigil__fft_output(const vigil__fft *f) { return (const double *)f->out; }
void vigil__fft_execute(vigil__fft *f) { fftw_execute(f->plan); }

size_t vigil__fft_memory(const vigil__fft *f)
{
    return sizeof *f + f->n * sizeof(double) + (f->n / 2 + 1) * sizeof(fftw_complex);
}

int vigil__cfft_create(size_t n, int inverse, vigil__cfft **out)
{
    vigil__cfft *f = calloc(1, sizeof *f);
    if (!f)
        return VIGIL_ENOMEM;
    f->n = n;
    f->in = fftw_alloc_complex(n);
    f->out = fftw_alloc_complex(n);
    if (f->in && f->out) {
        pthread_mutex_lock(&planner_lock);
        f->plan = fftw_plan_dft_1d((int)n, f->in, f->out, inverse ? FFTW_BACKWARD : FFTW_FORWARD,
                                   VIGIL__PLAN_FLAGS);
        pthread_mutex_unlock(&planner_lock);
    }
    if (!f->plan) {
        vigil__cfft_destroy(f);
        return VIGIL_ENOMEM;
    }
    *out = f;
    return VIGIL_OK;
}

void vigil__cfft_destroy(vigil__cfft *f)
{
    if (!f)
        return;
    if (f->plan) {
        pthread_mutex_lock(&planner_lock);
        fftw_destroy_plan(f->plan);
        pthread_mutex_unlock(&planner_lock);
    }
    fftw_free(f->in);
    fftw_free(f->out);
    free(f);
}

double *vigil__cfft_input(vigil__cfft *f) { return (double *)f->in; }
const double *vigil__cfft_output(const vigil__cfft *f) { return (const double *)f->out; }
void vigil__cfft_execute(vigil__cfft *f) { fftw_execute(f->plan); }

size_t vigil__cfft_memory(const vigil__cfft *f)
{
    return sizeof *f + 2 * f->n * sizeof(fftw_complex);
}

double *vigil__fft_alloc(size_t count) { return fftw_alloc_real(count); }
void vigil__fft_free(void *p) { fftw_free(p); }
