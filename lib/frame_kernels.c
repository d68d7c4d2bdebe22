/* The tables of frame_kernels.h: frame_kernels_impl.h compiled once for the x86-64 (or any other
 * CPU's) baseline and, with GCC on x86-64, once more for AVX2, chosen at run time. An AVX-512
 * copy (four lanes in a ymm register, 32 registers) measured no faster on this machine's
 * EPYC; eight lanes would change the baseline's order of additions. */
#include "frame_kernels.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define VIGIL__X86_DISPATCH 1
#include <immintrin.h>
#elif defined(__SSE2__)
#include <emmintrin.h>
#endif

/* Vectors wider than the baseline's are passed only between inlined helpers; GCC's note that
 * their ABI would differ across -mavx is about calls, of which there are none. */
#pragma GCC diagnostic ignored "-Wpsabi"

#define VW 2
#define KSUF _base
#define KNAME "baseline"
#include "frame_kernels_impl.h"

#ifdef VIGIL__X86_DISPATCH
#pragma GCC push_options
#pragma GCC target("avx2")
#define VW 4
#define KSUF _avx2
#define KNAME "avx2"
#include "frame_kernels_impl.h"
#pragma GCC pop_options
#endif

static const vigil__kernels *const all[] = {
#ifdef VIGIL__X86_DISPATCH
    &kernels__avx2,
#endif
    &kernels__base,
};

const vigil__kernels *const *vigil__kernels_all(size_t *count)
{
    size_t first = 0;
#ifdef VIGIL__X86_DISPATCH
    __builtin_cpu_init();
    if (!__builtin_cpu_supports("avx2"))
        first = 1;
#endif
    *count = sizeof all / sizeof all[0] - first;
    return all + first;
}

const vigil__kernels *vigil__kernels_select(void)
{
    size_t count;
    const vigil__kernels *const *k = vigil__kernels_all(&count);
    /* VIGIL_SIMD=baseline reproduces a CPU without AVX2 (the results are the same bits; the
     * variable is there to check that, and to compare speed). Unknown names are ignored. */
    const char *want = getenv("VIGIL_SIMD");
    for (size_t i = 0; want && i < count; i++)
        if (strcmp(want, k[i]->name) == 0)
            return k[i];
    return k[0];
}
