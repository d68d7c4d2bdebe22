/* Internal: real-to-complex FFTs. The only module that includes fftw3.h, so that the planner
 * lock and the buffer alignment rules live in one place. */
#ifndef VIGIL_LIB_SPECTRUM_H
#define VIGIL_LIB_SPECTRUM_H

#include <stddef.h>

/* A forward real FFT of fixed size n with its own aligned input and output buffers. */
typedef struct vigil__fft vigil__fft;

/* Plan (under the global planner lock) and allocate. Returns VIGIL_OK or VIGIL_ENOMEM. */
int vigil__fft_create(size_t n, vigil__fft **out);
void vigil__fft_destroy(vigil__fft *f);

/* The n-sample input buffer: write the frame here, then execute. */
double *vigil__fft_input(vigil__fft *f);
/* Output after execute: n/2+1 complex bins, interleaved (re, im). */
const double *vigil__fft_output(const vigil__fft *f);
/* Run the transform. No allocation, no lock: safe in the hot path. Destroys the input. */
void vigil__fft_execute(vigil__fft *f);
/* Heap bytes of the buffers. */
size_t vigil__fft_memory(const vigil__fft *f);

/* A complex FFT of size n (forward or backward) with its own aligned in/out buffers of n complex
 * values, interleaved (re, im); used for analytic signals. */
typedef struct vigil__cfft vigil__cfft;
int vigil__cfft_create(size_t n, int inverse, vigil__cfft **out);
void vigil__cfft_destroy(vigil__cfft *f);
double *vigil__cfft_input(vigil__cfft *f);
const double *vigil__cfft_output(const vigil__cfft *f);
void vigil__cfft_execute(vigil__cfft *f);
size_t vigil__cfft_memory(const vigil__cfft *f);

/* Aligned allocation for scratch arrays that the FFT reads or writes (fftw_malloc). */
double *vigil__fft_alloc(size_t count);
void vigil__fft_free(void *p);

#endif
