/* Seeded normal deviates for tests (splitmix64 + Box-Muller): every run gets the same data. */
#ifndef VIGIL_TEST_RNG_H
#define VIGIL_TEST_RNG_H

#include <math.h>
#include <stdint.h>

static inline double test_uniform(uint64_t *s)
{
    uint64_t z = (*s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    z ^= z >> 31;
    return ((double)(z >> 11) + 0.5) * 0x1.0p-53;
}

static inline double test_normal(uint64_t *s)
{
    double u = test_uniform(s), v = test_uniform(s);
    return sqrt(-2.0 * log(u)) * cos(2.0 * 3.14159265358979323846 * v);
}

#endif
