/* Common-mode removal across the channels of one machine (include/vigil/common_mode.h). */
#include "vigil/common_mode.h"

#include "status.h"
#include "vigil/pipeline.h"

#include <math.h>
#include <string.h>

/* Median of v[0..n), n small (<= 63): insertion sort of a copy on the stack. */
static double small_median(double *v, size_t n)
{
    for (size_t i = 1; i < n; i++) {
        double x = v[i];
        size_t j = i;
        for (; j > 0 && v[j - 1] > x; j--)
            v[j] = v[j - 1];
        v[j] = x;
    }
    return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

int vigil_common_mode(const double *row, size_t groups, size_t width, const int *modes,
                      double *out)
{
    if (!row || !out)
        return vigil__fail(VIGIL_EINVAL, "common mode: NULL row or output");
    if (groups < 2 || groups > VIGIL_COMMON_GROUPS_MAX || width < 1 ||
        width > (size_t)-1 / groups)
        return vigil__fail(VIGIL_EINVAL, "common mode: needs 2..%d groups and width >= 1 "
                           "(got %zu groups of %zu)", VIGIL_COMMON_GROUPS_MAX, groups, width);
    for (size_t j = 0; modes && j < width; j++)
        if (modes[j] < VIGIL_COMMON_RATIO || modes[j] > VIGIL_COMMON_NONE)
            return vigil__fail(VIGIL_EINVAL, "common mode: unknown mode %d for feature %zu",
                               modes[j], j);
    for (size_t i = 0; i < groups * width; i++)
        if (!isfinite(row[i]))
            return vigil__fail(VIGIL_ENONFINITE, "common mode: value %zu (group %zu, feature "
                               "%zu) is not finite", i, i / width, i % width);
    /* Two passes: validate every ratio's median first, so that a failure leaves out unchanged
     * (out may alias row). The medians are recomputed in the second pass: groups is small. */
    double others[VIGIL_COMMON_GROUPS_MAX];
    for (int write = 0; write < 2; write++) {
        for (size_t j = 0; j < width; j++) {
            int mode = modes ? modes[j] : VIGIL_COMMON_RATIO;
            if (mode == VIGIL_COMMON_NONE)
                continue;
            double col[VIGIL_COMMON_GROUPS_MAX], med[VIGIL_COMMON_GROUPS_MAX];
            for (size_t g = 0; g < groups; g++)
                col[g] = row[g * width + j];
            for (size_t g = 0; g < groups; g++) {
                size_t k = 0;
                for (size_t h = 0; h < groups; h++)
                    if (h != g)
                        others[k++] = col[h];
                med[g] = small_median(others, k);
                if (!write && mode == VIGIL_COMMON_RATIO && !(med[g] > 0.0))
                    return vigil__fail(VIGIL_EFORMAT, "common mode: feature %zu of group %zu: "
                                       "median of the others is %g, a ratio needs > 0 (use "
                                       "VIGIL_COMMON_DIFF for signed values)", j, g, med[g]);
            }
            if (write)
                for (size_t g = 0; g < groups; g++)
                    out[g * width + j] = mode == VIGIL_COMMON_RATIO ? col[g] / med[g]
                                                                    : col[g] - med[g];
        }
    }
    if (out != row && modes)
        for (size_t j = 0; j < width; j++)
            if (modes[j] == VIGIL_COMMON_NONE)
                for (size_t g = 0; g < groups; g++)
                    out[g * width + j] = row[g * width + j];
    return VIGIL_OK;
}

int vigil_common_mode_kind_of(const char *name)
{
    int kind = VIGIL_COMMON_DIFF;
    if (name)
        vigil_column_facts(name, NULL, &kind, NULL, NULL); /* the column tables, or a guess */
    return kind;
}
