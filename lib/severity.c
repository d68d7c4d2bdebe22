/* Vibration severity: velocity RMS (frequency-domain integration of acceleration) and ISO
 * 10816-3 zones; the extractor group velocity_rms_mm_s, iso_zone. */
#include "vigil/severity.h"

#include "feature_group.h"
#include "severity.h"
#include "status.h"

#include <math.h>
#include <stdlib.h>

/* ISO 10816-3 Table A.1 (velocity RMS, mm/s), rows in enum vigil_machine_class order. */
static const double zone_limits[4][3] = {
    {2.3, 4.5, 7.1},
    {3.5, 7.1, 11.0},
    {1.4, 2.8, 4.5},
    {2.3, 4.5, 7.1},
};

static int class_ok(int c) { return c >= VIGIL_ISO_GROUP1_RIGID && c <= VIGIL_ISO_GROUP2_FLEXIBLE; }

int vigil_severity_limit(int machine_class, int boundary, double *mm_s)
{
    if (!mm_s || !class_ok(machine_class) || boundary < 1 || boundary > 3)
        return vigil__fail(VIGIL_EINVAL, "severity limit: class %d boundary %d", machine_class,
                           boundary);
    *mm_s = zone_limits[machine_class - 1][boundary - 1];
    return VIGIL_OK;
}

int vigil_severity_zone(double v, int machine_class)
{
    if (!class_ok(machine_class))
        return vigil__fail(VIGIL_EINVAL, "unknown machine class %d (use VIGIL_ISO_*)",
                           machine_class);
    if (!isfinite(v) || v < 0.0)
        return vigil__fail(VIGIL_EINVAL, "velocity must be finite and >= 0 (got %g)", v);
    const double *l = zone_limits[machine_class - 1];
    return v <= l[0] ? 1 : v <= l[1] ? 2 : v <= l[2] ? 3 : 4;
}

double vigil__units_scale(int units)
{
    return units == VIGIL_UNITS_G ? 9.80665 : units == VIGIL_UNITS_M_S2 ? 1.0 : 0.0;
}

double vigil__velocity_ms2(const double *psd, size_t nbins, double df, double scale)
{
    const double two_pi = 6.28318530717958647692;
    double sum = 0.0;
    for (size_t k = 1; k < nbins; k++) {
        const double f = (double)k * df;
        if (f < VIGIL_SEVERITY_LO_HZ)
            continue;
        if (f > VIGIL_SEVERITY_HI_HZ)
            break;
        const double w = two_pi * f;
        sum += psd[k] * df / (w * w);
    }
    return sum * scale * scale * 1e6;
}

typedef struct severity_group {
    double scale;
    int machine_class;
} severity_group;

/* Velocity grows with every fault and scales with load; the zone is a class of it. */
const vigil__column vigil__severity_columns[VIGIL_SEVERITY_COLS] = {
    {"velocity_rms_mm_s", VIGIL_DIR_UP, VIGIL_COMMON_RATIO, 0, "mm/s"},
    {"iso_zone", VIGIL_DIR_UP, VIGIL_COMMON_NONE, 0, ""},
};

static void severity_compute(void *self, const vigil__frame *f, double *out)
{
    const severity_group *g = self;
    out[0] = sqrt(vigil__velocity_ms2(f->psd, f->nbins, f->df, g->scale));
    out[1] = (double)vigil_severity_zone(out[0], g->machine_class);
}

static void severity_destroy(void *self) { free(self); }
static size_t severity_memory(const void *self) { (void)self; return sizeof(severity_group); }

static const vigil__group_ops severity_ops = {severity_compute, NULL, severity_destroy,
                                              severity_memory};

int vigil__severity_check(double rate, int units, int machine_class)
{
    if (vigil__units_scale(units) == 0.0)
        return vigil__fail(VIGIL_EINVAL, "unknown units %d (VIGIL_UNITS_G or VIGIL_UNITS_M_S2)",
                           units);
    if (!class_ok(machine_class))
        return vigil__fail(VIGIL_EINVAL, "unknown machine class %d (use VIGIL_ISO_*)",
                           machine_class);
    if (rate <= 2.0 * VIGIL_SEVERITY_LO_HZ)
        return vigil__fail(VIGIL_EINVAL, "severity needs a sample rate above %g Hz",
                           2.0 * VIGIL_SEVERITY_LO_HZ);
    return VIGIL_OK;
}

int vigil_extractor_enable_severity(vigil_extractor *ex, int units, int machine_class)
{
    int rc = vigil__extractor_configurable(ex);
    if (rc)
        return rc;
    rc = vigil__severity_check(vigil_extractor_rate(ex), units, machine_class);
    if (rc)
        return rc;
    severity_group *g = malloc(sizeof *g);
    if (!g)
        return vigil__status(VIGIL_ENOMEM);
    g->scale = vigil__units_scale(units);
    g->machine_class = machine_class;
    return vigil__extractor_add_group(ex, &severity_ops, g, VIGIL_SEVERITY_COLS,
                                      vigil__severity_columns);
}
