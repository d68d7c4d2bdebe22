/* The tables of frame_kernels.h: frame_kernels_impl.h compiled once for the x86-64 (or any other
 * CPU's) baseline and, with GCC on x86-64, once more for AVX2 and once for AVX-512, chosen at run
 * time. Every copy adds in VIGIL__LANES (8) interleaved lanes, so all give the same bits; on the
 * Zen 5 EPYC we measure on, the AVX-512 copy (all 8 lanes in one zmm register) cut the frame at
 * N = 4096 from 10.2 to 7.5 us. */
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
#pragma GCC push_options
#pragma GCC target("avx512f,avx512dq")
#define VW 8
#define KSUF _avx512
#define KNAME "avx512"
#include "frame_kernels_impl.h"
#pragma GCC pop_options
#endif

static const vigil__kernels *const all[] = {
#ifdef VIGIL__X86_DISPATCH
    &kernels__avx512,
    &kernels__avx2,
#endif
    &kernels__base,
};

const vigil__kernels *const *vigil__kernels_all(size_t *count)
{
    size_t first = 0;
#ifdef VIGIL__X86_DISPATCH
    __builtin_cpu_init();
    if (!__builtin_cpu_supports("avx512f") || !__builtin_cpu_supports("avx512dq"))
        first = 1;
    if (!__builtin_cpu_supports("avx2"))
        first = 2;
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
