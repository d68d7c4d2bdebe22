/* Bearing geometry: defect frequencies (FEATURES.md), the bearing option parser, and the machine
 * facts stored in an extractor for the diagnostic groups. */
#include "vigil/bearing.h"

#include "bearing.h"
#include "feature_group.h"
#include "vigil/parse.h"
#include "status.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

int vigil__shaft_check(double rate, double shaft_hz)
{
    const double nyq = rate / 2.0;
    if (!isfinite(shaft_hz) || shaft_hz < 0.0 || shaft_hz >= nyq)
        return vigil__fail(VIGIL_EINVAL, "shaft rate must be 0 (estimate) or 0 < f < %g Hz (got %g)",
                           nyq, shaft_hz);
    return VIGIL_OK;
}

int vigil__shaft_range_check(double rate, double lo_hz, double hi_hz)
{
    const double nyq = rate / 2.0;
    if (lo_hz == 0.0 && hi_hz == 0.0)
        return VIGIL_OK;
    if (!isfinite(lo_hz) || !isfinite(hi_hz) || lo_hz <= 0.0 || lo_hz >= hi_hz || hi_hz >= nyq)
        return vigil__fail(VIGIL_EINVAL,
                           "shaft range must be 0,0 (the default) or 0 < lo < hi < %g Hz "
                           "(got %g-%g)", nyq, lo_hz, hi_hz);
    return VIGIL_OK;
}

int vigil__bearing_check(double balls, double d, double pitch, double angle_deg)
{
    if (!isfinite(balls) || balls < 1.0 || balls > 1000.0 || balls != floor(balls))
        return vigil__fail(VIGIL_EINVAL, "bearing: n must be a whole number 1..1000 (got %g)",
                           balls);
    if (!isfinite(d) || !isfinite(pitch) || d <= 0.0 || pitch <= d)
        return vigil__fail(VIGIL_EINVAL,
                           "bearing: need 0 < d < D, finite (got d=%g, D=%g)", d, pitch);
    /* Real bearings have d/D of about 0.1-0.5. Below 1/1000 the description is a unit mistake,
     * and BSF = D/(2d) (...) would grow without bound (to infinity for d/D near 1e-308). */
    if (d < 1e-3 * pitch)
        return vigil__fail(VIGIL_EINVAL, "bearing: d/D must be at least 0.001 (got d=%g, D=%g)",
                           d, pitch);
    if (!isfinite(angle_deg) || angle_deg < 0.0 || angle_deg >= 90.0)
        return vigil__fail(VIGIL_EINVAL, "bearing: contact angle must be 0 <= angle < 90 (got %g)",
                           angle_deg);
    return VIGIL_OK;
}

void vigil__bearing_orders(double balls, double d, double pitch, double angle_deg, double *out)
{
    const double pi = 3.14159265358979323846;
    const double r = d / pitch * cos(angle_deg * pi / 180.0);
    out[VIGIL_DEFECT_FTF] = 0.5 * (1.0 - r);
    out[VIGIL_DEFECT_BPFO] = 0.5 * balls * (1.0 - r);
    out[VIGIL_DEFECT_BPFI] = 0.5 * balls * (1.0 + r);
    out[VIGIL_DEFECT_BSF] = pitch / (2.0 * d) * (1.0 - r * r);
}

int vigil_bearing_frequencies(double balls, double d, double pitch, double angle_deg,
                              double shaft_hz, double *out, size_t cap)
{
    if (!out)
        return vigil__status(VIGIL_EINVAL);
    if (cap < VIGIL_DEFECT_COUNT)
        return vigil__fail(VIGIL_ESPACE, "defect frequencies need %d places (got %zu)",
                           VIGIL_DEFECT_COUNT, cap);
    int rc = vigil__bearing_check(balls, d, pitch, angle_deg);
    if (rc)
        return rc;
    if (!isfinite(shaft_hz) || shaft_hz < 0.0)
        return vigil__fail(VIGIL_EINVAL, "shaft rate must be finite and >= 0 (got %g)", shaft_hz);
    double f[VIGIL_DEFECT_COUNT];
    vigil__bearing_orders(balls, d, pitch, angle_deg, f);
    for (int i = 0; i < VIGIL_DEFECT_COUNT; i++)
        if (!isfinite(f[i] * shaft_hz))
            return vigil__fail(VIGIL_EINVAL, "shaft rate %g Hz gives infinite defect frequencies",
                               shaft_hz);
    for (int i = 0; i < VIGIL_DEFECT_COUNT; i++)
        out[i] = f[i] * shaft_hz;
    return VIGIL_OK;
}

const char *vigil_defect_name(int defect)
{
    static const char *const names[VIGIL_DEFECT_COUNT] = {"ftf", "bpfo", "bpfi", "bsf"};
    return defect >= 0 && defect < VIGIL_DEFECT_COUNT ? names[defect] : NULL;
}

int vigil_parse_bearing(const char *s, double *balls, double *d, double *pitch, double *angle_deg)
{
    if (!s || !balls || !d || !pitch || !angle_deg)
        return vigil__status(VIGIL_EINVAL);
    static const char *const keys[4] = {"n", "d", "D", "angle"};
    double v[4] = {0.0, 0.0, 0.0, 0.0};
    int seen[4] = {0, 0, 0, 0};
    const char *p = s;
    for (;;) {
        while (*p == ' ' || *p == '\t')
            p++;
        const char *k = p;
        while (*p && *p != '=' && *p != ',' && *p != ' ' && *p != '\t')
            p++;
        const size_t klen = (size_t)(p - k);
        int key = -1;
        for (int i = 0; i < 4; i++)
            if (klen == strlen(keys[i]) && strncmp(k, keys[i], klen) == 0)
                key = i;
        if (key < 0)
            return vigil__fail(VIGIL_EFORMAT, "bearing '%.60s': unknown key '%.*s' (use n, d, D, angle)",
                               s, (int)(klen > 20 ? 20 : klen), k);
        if (seen[key])
            return vigil__fail(VIGIL_EFORMAT, "bearing '%.60s': key '%s' given twice", s, keys[key]);
        while (*p == ' ' || *p == '\t')
            p++;
        if (*p != '=')
            return vigil__fail(VIGIL_EFORMAT, "bearing '%.60s': expected '=' after '%s'", s,
                               keys[key]);
        p++;
        /* The value runs to the next comma; vigil_parse_number checks it is one finite number. */
        const char *e = strchr(p, ',');
        size_t vlen = e ? (size_t)(e - p) : strlen(p);
        char buf[64];
        if (vlen == 0 || vlen >= sizeof buf)
            return vigil__fail(VIGIL_EFORMAT, "bearing '%.60s': bad value for '%s'", s, keys[key]);
        memcpy(buf, p, vlen);
        buf[vlen] = '\0';
        if (vigil_parse_number(buf, &v[key]) != VIGIL_OK)
            return vigil__fail(VIGIL_EFORMAT, "bearing '%.60s': '%s' is not a number ('%s')", s,
                               keys[key], buf);
        seen[key] = 1;
        p += vlen;
        if (*p == '\0')
            break;
        p++; /* the comma */
    }
    if (!seen[0] || !seen[1] || !seen[2])
        return vigil__fail(VIGIL_EFORMAT, "bearing '%.60s': n, d and D are required", s);
    if (vigil__bearing_check(v[0], v[1], v[2], v[3]) != VIGIL_OK) {
        char msg[200];
        strncpy(msg, vigil_last_error(), sizeof msg - 1);
        msg[sizeof msg - 1] = '\0';
        return vigil__fail(VIGIL_EFORMAT, "%s", msg);
    }
    *balls = v[0];
    *d = v[1];
    *pitch = v[2];
    *angle_deg = v[3];
    return VIGIL_OK;
}

int vigil_extractor_set_bearing(vigil_extractor *ex, double balls, double d, double pitch,
                                double angle_deg)
{
    int rc = vigil__extractor_configurable(ex);
    if (rc)
        return rc;
    rc = vigil__bearing_check(balls, d, pitch, angle_deg);
    if (rc)
        return rc;
    vigil__machine *m = vigil__extractor_machine(ex);
    m->has_bearing = 1;
    m->balls = balls;
    m->d = d;
    m->pitch = pitch;
    m->angle_deg = angle_deg;
    return VIGIL_OK;
}

int vigil_extractor_set_shaft_hz(vigil_extractor *ex, double shaft_hz)
{
    int rc = vigil__extractor_configurable(ex);
    if (rc)
        return rc;
    rc = vigil__shaft_check(vigil_extractor_rate(ex), shaft_hz);
    if (rc)
        return rc;
    vigil__extractor_machine(ex)->shaft_hz = shaft_hz;
    return VIGIL_OK;
}

int vigil_extractor_set_shaft_range(vigil_extractor *ex, double lo_hz, double hi_hz)
{
    int rc = vigil__extractor_configurable(ex);
    if (rc)
        return rc;
    rc = vigil__shaft_range_check(vigil_extractor_rate(ex), lo_hz, hi_hz);
    if (rc)
        return rc;
    vigil__machine *m = vigil__extractor_machine(ex);
    m->shaft_lo = lo_hz;
    m->shaft_hi = hi_hz;
    return VIGIL_OK;
}
