/* The loops of frame_kernels.h, written once with GCC vector extensions and included by
 * frame_kernels.c once per instruction set with
 *   VW    doubles per vector: 2 (SSE2, NEON, the baseline), 4 (AVX2) or 8 (AVX-512),
 *   KSUF  the suffix of this copy's names.
 * A vector holds VW of the VIGIL__LANES lanes and NV = LANES / VW vectors hold all of them, so
 * element i of a range lands in lane i % VIGIL__LANES whatever VW is: only the width of the registers
 * changes between copies, never which numbers are added in which order. There is no FMA here
 * (ISO C mode compiles with -ffp-contract=off and no FMA intrinsic is used), so every copy
 * rounds alike and gives the same bits. */

#define NV (VIGIL__LANES / VW)
#define KCAT2(a, b) a##b
#define KCAT(a, b) KCAT2(a, b)
#define K(name) KCAT(name, KSUF)

#define vd K(vd_)
#define vu K(vu_)
#define vs K(vs_)
typedef double vd __attribute__((vector_size(VW * 8)));
typedef uint64_t vu __attribute__((vector_size(VW * 8)));
typedef int64_t vs __attribute__((vector_size(VW * 8)));

/* Every helper is inlined into the kernels below, so that it is compiled for their instruction
 * set (a helper left out of line would be the baseline code). */
#define KI static inline __attribute__((always_inline))

KI vd K(load)(const double *p)
{
    vd v;
    memcpy(&v, p, sizeof v); /* unaligned: frames and bins start anywhere */
    return v;
}

KI void K(store)(double *p, vd v) { memcpy(p, &v, sizeof v); }

KI vd K(splat)(double a) { return (vd){0} + a; }

/* Lanes of a where m is all ones, of b where it is zero. With AVX2 one vblendvpd: GCC makes
 * the and/or below a vpblendvb, an integer instruction, and on AMD's cores each value crossing
 * between the integer and the floating-point units costs a cycle, which made the running max
 * and min chains 5 cycles per step instead of 2. */
KI vd K(select)(vs m, vd a, vd b)
{
#if VW == 8
    return (vd)_mm512_mask_blend_pd(_mm512_movepi64_mask((__m512i)m), (__m512d)b, (__m512d)a);
#elif VW == 4
    return (vd)_mm256_blendv_pd((__m256d)b, (__m256d)a, (__m256d)m);
#else
    return (vd)(((vs)a & m) | ((vs)b & ~m));
#endif
}

/* Comparison results as the instruction set holds them. With AVX-512 a compare writes a mask
 * register and a blend reads one; a comparison of GCC's vector extension is a vector of 0 / -1
 * instead, so each compare-and-select there cost two more instructions (mask to vector and
 * back), five per block in the logarithm loop. Elsewhere the vector of 0 / -1 is the native
 * form. Either way the lanes picked are the same, so are the bits. */
#if VW == 8
#define vm K(vm_)
typedef __mmask8 vm;
KI vm K(gt)(vd a, vd b) { return _mm512_cmp_pd_mask((__m512d)a, (__m512d)b, _CMP_GT_OQ); }
KI vm K(ge)(vd a, vd b) { return _mm512_cmp_pd_mask((__m512d)a, (__m512d)b, _CMP_GE_OQ); }
KI vm K(andnot)(vm a, vm b) { return (vm)(~a & b); } /* b and not a */
KI vd K(pick)(vm m, vd a, vd b) { return (vd)_mm512_mask_blend_pd(m, (__m512d)b, (__m512d)a); }
#else
#define vm K(vm_)
typedef vs vm;
KI vm K(gt)(vd a, vd b) { return a > b; }
KI vm K(ge)(vd a, vd b) { return a >= b; }
KI vm K(andnot)(vm a, vm b) { return ~a & b; }
KI vd K(pick)(vm m, vd a, vd b) { return K(select)(m, a, b); }
#endif

/* a + b, min(a, b), max(a, b) in the lanes of m, a in the others: for the logarithm loop's
 * running sums and bounds, where b is left out of most lanes. With AVX-512 one masked
 * instruction; elsewhere a select of b or the operation's neutral value (0, +inf side `hi`,
 * -inf side `lo`: the callers pass values that leave a unchanged) then the operation. The
 * callers' a is never -0 nor on the wrong side of the neutral value, so both give a's bits. */
#if VW == 8
KI vd K(add_if)(vm m, vd a, vd b) { return (vd)_mm512_mask_add_pd((__m512d)a, m, (__m512d)a, (__m512d)b); }
KI vd K(min_if)(vm m, vd a, vd b, vd hi) { (void)hi; return (vd)_mm512_mask_min_pd((__m512d)a, m, (__m512d)a, (__m512d)b); }
KI vd K(max_if)(vm m, vd a, vd b, vd lo) { (void)lo; return (vd)_mm512_mask_max_pd((__m512d)a, m, (__m512d)a, (__m512d)b); }
#endif

/* a > b ? a : b and a < b ? a : b, lane by lane: exactly what maxpd and minpd compute (their
 * second operand when the comparison is false), so the same bits as the select form. */
KI vd K(vmax)(vd a, vd b)
{
#if VW == 8
    return (vd)_mm512_max_pd((__m512d)a, (__m512d)b);
#elif VW == 4
    return (vd)_mm256_max_pd((__m256d)a, (__m256d)b);
#elif defined(__SSE2__)
    return (vd)_mm_max_pd((__m128d)a, (__m128d)b);
#else
    return K(select)(a > b, a, b);
#endif
}

KI vd K(vmin)(vd a, vd b)
{
#if VW == 8
    return (vd)_mm512_min_pd((__m512d)a, (__m512d)b);
#elif VW == 4
    return (vd)_mm256_min_pd((__m256d)a, (__m256d)b);
#elif defined(__SSE2__)
    return (vd)_mm_min_pd((__m128d)a, (__m128d)b);
#else
    return K(select)(a < b, a, b);
#endif
}

#if VW != 8
KI vd K(add_if)(vm m, vd a, vd b) { return a + K(pick)(m, b, (vd){0}); }
KI vd K(min_if)(vm m, vd a, vd b, vd hi) { return K(vmin)(a, K(pick)(m, b, hi)); }
KI vd K(max_if)(vm m, vd a, vd b, vd lo) { return K(vmax)(a, K(pick)(m, b, lo)); }
#endif

KI vd K(vabs)(vd a) { return (vd)((vu)a & ((vu){0} + 0x7fffffffffffffffu)); /* clear the sign */ }

KI vd K(vsqrt)(vd a)
{
#if VW == 8
    return (vd)_mm512_sqrt_pd((__m512d)a);
#elif VW == 4
    return (vd)_mm256_sqrt_pd((__m256d)a);
#elif defined(__SSE2__)
    return (vd)_mm_sqrt_pd((__m128d)a);
#else
    vd r;
    for (int j = 0; j < VW; j++)
        r[j] = sqrt(a[j]);
    return r;
#endif
}

/* Natural logarithm, lane by lane, of finite positive normal numbers (the callers guarantee it:
 * P_k >= 0 plus 1e-30), with fdlibm's algorithm (e_log.c), error below 1 ulp:
 * x = 2^k (1 + f) with 1 + f in [sqrt(2)/2, sqrt(2)), s = f / (2 + f), hfsq = f^2 / 2,
 * ln(1 + f) = f - (hfsq - s (hfsq + R(s^2))) with fdlibm's minimax polynomial R (Lg1..Lg7), and
 * ln x = k ln2_hi - ((hfsq - (s (hfsq + R) + k ln2_lo)) - f). e_log.c uses this form only for
 * mantissas in a middle range and a shorter one elsewhere; FreeBSD's k_log.h uses it throughout,
 * and so does this, which keeps the lanes free of selects (on 10^7 log-uniform inputs both
 * versions differ from glibc's log by 1 ulp in 2.7% of cases, never more). fdlibm's branches for
 * zero, negative, subnormal, infinite and NaN input are not needed: no such input comes here. */
/* The logarithm in three steps, so that the spectral loops can split it (see psd_blocks()):
 * log_reduce() gives f and k (x = 2^k (1 + f)), log_ratio() s = f / (2 + f) (the division),
 * log_finish() the rest (itself log_poly(), the polynomial, then log_tail()). vlog() is the
 * three in a row; any split gives the same bits. */
KI vd K(log_reduce)(vd x, vd *dk)
{
    const vu bits = (vu)x;
    const vu m = bits & 0x000fffffffffffffu; /* the mantissa */
    /* i = 2^52 when the mantissa is >= sqrt(2) (fdlibm's test on its top 20 bits: the low 32
     * bits of m cannot carry into bit 52 when 0x95f64 << 32 is added): then halve it (exponent
     * 0x3fe instead of 0x3ff) and k + 1. On the whole 64 bits, so that the chain from x to xn
     * is three integer operations, not fdlibm's eight on the high word. */
    const vu i = (m + (0x95f64ull << 32)) & (1ull << 52);
    const vu kbits = (bits >> 52) - 1023u + (i >> 52); /* k, two's complement */
    const vd xn = (vd)(m | (i ^ 0x3ff0000000000000u));
    /* k to double without a 64-bit integer conversion (none in SSE2 or AVX2): the low bits of
     * 1.5 * 2^52 hold k exactly for |k| < 2^51. */
    const vd magic = K(splat)(6755399441055744.0);
    *dk = (vd)((vu)magic + kbits) - magic;
    return xn - 1.0;
}

KI vd K(log_ratio)(vd f) { return f / (2.0 + f); }

/* R(s^2) alone, the longer half of the chain: the logarithm loop computes it a block ahead
 * (log_blocks()). */
KI vd K(log_poly)(vd s)
{
    const double Lg1 = 6.666666666666735130e-01, Lg2 = 3.999999999940941908e-01,
                 Lg3 = 2.857142874366239149e-01, Lg4 = 2.222219843214978396e-01,
                 Lg5 = 1.818357216161805012e-01, Lg6 = 1.531383769920937332e-01,
                 Lg7 = 1.479819860511658591e-01;
    const vd z = s * s;
    const vd w = z * z;
    /* R = z Lg1 + w Lg2 + ... + w^3 z Lg7 in Estrin's order (pairs first, then powers of w),
     * not fdlibm's Horner chains: the same terms, a shorter chain of dependent operations. The
     * loop is bound by that chain's latency (the out-of-order window holds only about three
     * logarithms' worth of it), not by the number of operations. */
    const vd w2 = w * w;
    const vd t1 = w * ((Lg2 + w * Lg4) + w2 * Lg6);
    const vd t2 = z * ((Lg1 + w * Lg3) + w2 * (Lg5 + w * Lg7));
    return t2 + t1;
}

/* The rest, from R = log_poly(s). */
KI vd K(log_tail)(vd f, vd s, vd dk, vd R)
{
    const double ln2_hi = 6.93147180369123816490e-01, ln2_lo = 1.90821492927058770002e-10;
    const vd hfsq = 0.5 * f * f;
    return dk * ln2_hi - ((hfsq - (s * (hfsq + R) + dk * ln2_lo)) - f);
}

KI vd K(log_finish)(vd f, vd s, vd dk) { return K(log_tail)(f, s, dk, K(log_poly)(s)); }

KI vd K(vlog)(vd x)
{
    vd dk;
    const vd f = K(log_reduce)(x, &dk);
    return K(log_finish)(f, K(log_ratio)(f), dk);
}

static void K(log_array)(const double *x, double *out, size_t n)
{
    size_t i = 0;
    for (; i + VW <= n; i += VW)
        K(store)(out + i, K(vlog)(K(load)(x + i)));
    if (i < n) { /* pad the last vector with 1s (ln 1 = 0) and keep the valid lanes */
        double pad[VW], res[VW];
        for (int j = 0; j < VW; j++)
            pad[j] = i + (size_t)j < n ? x[i + (size_t)j] : 1.0;
        K(store)(res, K(vlog)(K(load)(pad)));
        for (size_t j = 0; i + j < n; j++)
            out[i + j] = res[j];
    }
}

/* Lane sums of sqrt|x_i| over a frame's samples (for the clearance factor), spread over the
 * frame's passes (vigil__roots in frame_kernels.h): vsqrtpd runs in the divider, which no pass
 * needs much, but 512 of them per 4096 samples take 2.2 us of it (11 cycles each on Zen 5), more
 * than any one pass lasts. Given the 64 divisions of the logarithm, the PSD loop had become
 * divider-bound; so the raw pass takes the first quarter of the samples (a root every 4th
 * block), the central pass the next half (every 2nd block) and the logarithm loop the rest,
 * and each pass keeps its own pace. Sample i goes to lane i % VIGIL__LANES in the order of i,
 * as in every other sum, wherever it is computed: the same bits as one pass. */
struct K(roots) {
    const double *x;
    size_t i, lim; /* the next sample; this pass stops before lim */
    vd r[NV];
};

KI struct K(roots) K(roots_load)(const double *x, const vigil__roots *acc, size_t lim)
{
    struct K(roots) q = {x, acc->next, lim, {{0}}};
    _Pragma("GCC unroll 4") for (int u = 0; u < NV; u++) q.r[u] = K(load)(acc->lanes + u * VW);
    return q;
}

KI void K(roots_save)(const struct K(roots) *q, vigil__roots *acc)
{
    _Pragma("GCC unroll 4") for (int u = 0; u < NV; u++) K(store)(acc->lanes + u * VW, q->r[u]);
    acc->next = q->i;
}

KI void K(roots_step)(struct K(roots) *q)
{
    if (q->i + VIGIL__LANES <= q->lim) {
        _Pragma("GCC unroll 4") for (int u = 0; u < NV; u++)
            q->r[u] += K(vsqrt)(K(vabs)(K(load)(q->x + q->i + (size_t)u * VW)));
        q->i += VIGIL__LANES;
    }
}

/* Every sample left up to n, into lanes. */
KI void K(roots_finish)(struct K(roots) *q, size_t n, double *lanes)
{
    q->lim = n;
    while (q->i + VIGIL__LANES <= n)
        K(roots_step)(q);
    _Pragma("GCC unroll 4") for (int u = 0; u < NV; u++) K(store)(lanes + u * VW, q->r[u]);
    for (int j = 0; q->i < n; q->i++, j++) /* the tail continues lanes 0, 1, ... */
        lanes[j] += sqrt(fabs(q->x[q->i]));
}

/* Where each time-domain pass stops: a multiple of VIGIL__LANES (the steps take whole blocks). */
#define ROOTS_RAW_END(n) ((n) / 4 / VIGIL__LANES * VIGIL__LANES)
#define ROOTS_CENTRAL_END(n) ((n) / 4 * 3 / VIGIL__LANES * VIGIL__LANES)

static void K(raw_sums)(const double *x, size_t n, vigil__raw_sums *o, vigil__roots *roots)
{
    *roots = (vigil__roots){{0}, 0};
    struct K(roots) rq = K(roots_load)(x, roots, ROOTS_RAW_END(n));
    vd s[NV], q[NV], a[NV], h[NV], l[NV];
    _Pragma("GCC unroll 4") for (int u = 0; u < NV; u++) {
        s[u] = q[u] = a[u] = (vd){0};
        h[u] = l[u] = K(splat)(x[0]);
    }
    size_t i = 0;
    for (; i + VIGIL__LANES <= n; i += VIGIL__LANES) {
        if ((i & (3 * VIGIL__LANES)) == 0)
            K(roots_step)(&rq);
        _Pragma("GCC unroll 4") for (int u = 0; u < NV; u++) {
            const vd v = K(load)(x + i + (size_t)u * VW), b = K(vabs)(v);
            s[u] += v;
            q[u] += v * v;
            a[u] += b;
            h[u] = K(vmax)(h[u], v);
            l[u] = K(vmin)(l[u], v);
        }
    }
    _Pragma("GCC unroll 4") for (int u = 0; u < NV; u++) {
        K(store)(o->sum + u * VW, s[u]);
        K(store)(o->sumsq + u * VW, q[u]);
        K(store)(o->sumabs + u * VW, a[u]);
        K(store)(o->hi + u * VW, h[u]);
        K(store)(o->lo + u * VW, l[u]);
    }
    K(roots_save)(&rq, roots);
    for (int j = 0; i < n; i++, j++) { /* the tail continues lanes 0, 1, ... */
        const double v = x[i], b = fabs(v);
        o->sum[j] += v;
        o->sumsq[j] += v * v;
        o->sumabs[j] += b;
        o->hi[j] = o->hi[j] > v ? o->hi[j] : v;
        o->lo[j] = o->lo[j] < v ? o->lo[j] : v;
    }
}

static void K(central_sums)(const double *x, size_t n, double mean, const double *w, double *y,
                            vigil__central_sums *o, vigil__roots *roots)
{
    struct K(roots) rq = K(roots_load)(x, roots, ROOTS_CENTRAL_END(n));
    const vd m = K(splat)(mean);
    vd p[NV], t[NV], f[NV];
    vs cross[NV]; /* minus the crossings per lane: a true comparison is -1 */
    _Pragma("GCC unroll 4") for (int u = 0; u < NV; u++) {
        p[u] = t[u] = f[u] = (vd){0};
        cross[u] = (vs){0};
    }
    size_t i = 0, first = 0;
    unsigned signs = 0; /* VW == 8: the mask of d >= 0 of the block before */
    (void)signs;
    /* The first block has no sample before it: its crossings (samples 1..7) are counted here,
     * so that the loop can load d[i-1 .. i+VW-2] as one vector. */
    for (size_t k = 1; k < VIGIL__LANES && k < n; k++)
        first += (size_t)((x[k - 1] - mean >= 0.0) != (x[k] - mean >= 0.0));
    for (; i + VIGIL__LANES <= n; i += VIGIL__LANES) {
        if (i & VIGIL__LANES)
            K(roots_step)(&rq);
        _Pragma("GCC unroll 4") for (int u = 0; u < NV; u++) {
            const size_t at = i + (size_t)u * VW;
            const vd d = K(load)(x + at) - m, d2 = d * d;
            p[u] += d2;
            t[u] += d2 * d;
            f[u] += d2 * d2;
            K(store)(y + at, d * K(load)(w + at));
#if VW == 8
            /* the signs as mask bits: the sample before each is the bit below (the last of the
             * block before for the first), so a shift instead of a reload, a subtraction and a
             * second compare; popcount of the changes */
            const unsigned sign = (unsigned)K(ge)(d, (vd){0});
            if (i > 0)
                first += (size_t)__builtin_popcount((sign ^ ((sign << 1) | (signs >> 7))) & 0xffu);
            signs = sign;
#else
            if (i > 0) {
                const vd before = K(load)(x + at - 1) - m; /* the same bits as d was there */
                cross[u] += (d >= 0.0) ^ (before >= 0.0);
            }
#endif
        }
    }
    size_t crossings = first;
    _Pragma("GCC unroll 4") for (int u = 0; u < NV; u++) {
        K(store)(o->m2 + u * VW, p[u]);
        K(store)(o->m3 + u * VW, t[u]);
        K(store)(o->m4 + u * VW, f[u]);
        for (int j = 0; j < VW; j++)
            crossings -= (size_t)cross[u][j];
    }
    for (int j = 0; i < n; i++, j++) {
        const double d = x[i] - mean, d2 = d * d;
        o->m2[j] += d2;
        o->m3[j] += d2 * d;
        o->m4[j] += d2 * d2;
        y[i] = d * w[i];
        if (i >= VIGIL__LANES) /* the pairs before were "first" */
            crossings += (size_t)((x[i - 1] - mean >= 0.0) != (d >= 0.0));
    }
    o->crossings = crossings;
    K(roots_save)(&rq, roots);
}

/* c |X_k|^2 for the VW bins from `at`: spec holds them as 2 VW doubles (re, im, re, im, ...):
 * squares, then add pairs. */
KI vd K(block_power)(const double *spec, size_t at, vd c)
{
    const vd sa = K(load)(spec + 2 * at), sb = K(load)(spec + 2 * at + VW);
    const vd qa = sa * sa, qb = sb * sb;
    /* __builtin_shufflevector: gcc >= 12 and clang (gcc's __builtin_shuffle is not in clang,
     * which builds the fuzz and TSan configurations) */
#if VW == 8
    const vd re2 = __builtin_shufflevector(qa, qb, 0, 2, 4, 6, 8, 10, 12, 14);
    const vd im2 = __builtin_shufflevector(qa, qb, 1, 3, 5, 7, 9, 11, 13, 15);
#elif VW == 4
    const vd re2 = __builtin_shufflevector(qa, qb, 0, 2, 4, 6);
    const vd im2 = __builtin_shufflevector(qa, qb, 1, 3, 5, 7);
#else
    const vd re2 = __builtin_shufflevector(qa, qb, 0, 2);
    const vd im2 = __builtin_shufflevector(qa, qb, 1, 3);
#endif
    return (re2 + im2) * c;
}

/* The PSD of bins k0..k1-1 (k1 <= kmax: the last bin is the caller's) and its sums of P_k, f_k P_k
 * and arg max, in lanes of (k - 1) % VIGIL__LANES; k0 = 1 + a multiple of VIGIL__LANES. Returns
 * the first bin not done. */
KI size_t K(psd_blocks)(const double *spec, size_t k1, double two, const double *freq,
                        double *psd, double *ratio, double *red_f, double *red_k,
                        vigil__spectral_sums *o)
{
    vd total[NV], fsum[NV], best[NV], bestk[NV], kv[NV]; /* kv: bin numbers, exact as doubles */
    _Pragma("GCC unroll 4") for (int u = 0; u < NV; u++) {
        total[u] = fsum[u] = (vd){0};
        best[u] = K(splat)(-1.0); /* below any P_k, so each lane takes its first bin */
        for (int j = 0; j < VW; j++)
            kv[u][j] = (double)(1 + u * VW + j);
        /* Not 0: with no block at all (kmax <= VIGIL__LANES) every lane keeps best = -1, and a lane's bin
         * must then not undercut the default peak, bin 1 (0 would name the DC bin). */
        bestk[u] = kv[u];
    }
    const vd c = K(splat)(two);
    /* Software-pipelined as log_blocks(): each step takes the powers the step before computed
     * and computes the next block's, so that their chain (loads, squares, shuffles) overlaps
     * the reduction and division of this one. */
    vd P[NV];
    if (1 + VIGIL__LANES <= k1)
        _Pragma("GCC unroll 4") for (int u = 0; u < NV; u++)
            P[u] = K(block_power)(spec, 1 + (size_t)u * VW, c);
    size_t k = 1;
    for (; k + VIGIL__LANES <= k1; k += VIGIL__LANES) {
        const int more = k + 2 * VIGIL__LANES <= k1;
        _Pragma("GCC unroll 4") for (int u = 0; u < NV; u++) {
            const size_t at = k + (size_t)u * VW;
            const vd p = P[u];
            if (more)
                P[u] = K(block_power)(spec, at + VIGIL__LANES, c);
            K(store)(psd + at, p);
            /* the logarithm's reduction and division here, where the loop has room for them;
             * log_blocks() finishes it from the three stored parts */
            vd dk;
            const vd f = K(log_reduce)(p + 1e-30, &dk);
            K(store)(ratio + at, K(log_ratio)(f));
            K(store)(red_f + at, f);
            K(store)(red_k + at, dk);
            total[u] += p;
            fsum[u] += K(load)(freq + at) * p;
            const vm better = K(gt)(p, best[u]);
            best[u] = K(vmax)(p, best[u]); /* the select by `better`, in one instruction */
            bestk[u] = K(pick)(better, kv[u], bestk[u]);
            kv[u] += (double)VIGIL__LANES;
        }
    }
    /* The peak is the largest value, at the smallest bin among equal ones. */
    double bv = -1.0;
    size_t bk = 1;
    _Pragma("GCC unroll 4") for (int u = 0; u < NV; u++) {
        K(store)(o->total + u * VW, total[u]);
        K(store)(o->fsum + u * VW, fsum[u]);
        for (int j = 0; j < VW; j++) {
            const size_t kj = (size_t)bestk[u][j];
            if (best[u][j] > bv || (best[u][j] == bv && kj < bk)) {
                bv = best[u][j];
                bk = kj;
            }
        }
    }
    o->kpeak = bk;
    return k;
}

/* Sums of L_k = ln(P_k + 1e-30) and of P_k L_k over bins 1..k1-1 (a multiple of VIGIL__LANES of them),
 * in lanes of (k - 1) % VIGIL__LANES; a pass of its own, after the PSD's, because together the two loops
 * need more registers than there are. Each L_k replaces the division handed over in ratio[k]. */
KI void K(log_blocks)(const double *psd, double *ratio, const double *red_f,
                     const double *red_k, size_t k1, const double *freq, double centroid,
                     vigil__spectral_sums *o, struct K(roots) *roots)
{
    const vd c = K(splat)(centroid);
    vd spread[NV];
    _Pragma("GCC unroll 4") for (int u = 0; u < NV; u++) spread[u] = (vd){0};
    const vd tiny = K(splat)(1e-30 * 36028797018963968.0); /* see rare_entropy_terms() */
    /* The first and last block holding a rare bin, as the block's first bin (exact in a double;
     * 0 and `none` when there is none), so that the caller looks at those blocks only. */
    const double none = (double)SIZE_MAX;
    vd slog[NV], plogp[NV], first[NV], last[NV];
    _Pragma("GCC unroll 4") for (int u = 0; u < NV; u++) {
        slog[u] = plogp[u] = last[u] = (vd){0};
        first[u] = K(splat)(none);
    }
    vd block = K(splat)(1.0);
    /* Software-pipelined: each step finishes the logarithms of its block with R computed by the
     * step before, and computes R for the next block. The two halves of the chain then overlap
     * instead of waiting in the scheduler one after the other. The same operations on the same
     * values as log_finish(), so the same bits. */
    vd R[NV];
    if (1 + VIGIL__LANES <= k1)
        _Pragma("GCC unroll 4") for (int u = 0; u < NV; u++)
            R[u] = K(log_poly)(K(load)(ratio + 1 + (size_t)u * VW));
    for (size_t k = 1; k + VIGIL__LANES <= k1; k += VIGIL__LANES) {
        const int more = k + 2 * VIGIL__LANES <= k1;
        _Pragma("GCC unroll 4") for (int u = 0; u < NV; u++) {
            const size_t at = k + (size_t)u * VW;
            const vd p = K(load)(psd + at);
            const vd fc = K(load)(freq + at) - c;
            spread[u] += fc * fc * p;
            const vd l = K(log_tail)(K(load)(red_f + at), K(load)(ratio + at),
                                     K(load)(red_k + at), R[u]);
            if (more)
                R[u] = K(log_poly)(K(load)(ratio + at + VIGIL__LANES));
            K(store)(ratio + at, l); /* L_k for the rare entropy terms (frame_features.c) */
            slog[u] += l;
            const vm common = K(ge)(p * K(vabs)(l), tiny);
            plogp[u] = K(add_if)(common, plogp[u], p * l); /* plogp is never -0 */
            const vm rare = K(andnot)(common, K(gt)(p, (vd){0}));
            first[u] = K(min_if)(rare, first[u], block, K(splat)(none)); /* first <= none */
            last[u] = K(max_if)(rare, last[u], block, (vd){0});          /* last >= 0 */
        }
        block += (double)VIGIL__LANES;
        K(roots_step)(roots);
    }
    double lo = none, hi = 0.0;
    _Pragma("GCC unroll 4") for (int u = 0; u < NV; u++) {
        K(store)(o->slog + u * VW, slog[u]);
        K(store)(o->plogp + u * VW, plogp[u]);
        K(store)(o->spread + u * VW, spread[u]);
        for (int j = 0; j < VW; j++) {
            lo = first[u][j] < lo ? first[u][j] : lo;
            hi = last[u][j] > hi ? last[u][j] : hi;
        }
    }
    o->rare = hi > 0.0;
    o->rare_first = o->rare ? (size_t)lo : 0;
    o->rare_last = o->rare ? (size_t)hi + VIGIL__LANES - 1 : 0;
}

static void K(spectral_sums)(const double *spec, size_t kmax, double two, double last,
                             const double *freq, double *psd, double *scratch,
                             double *reduced, const double *x, size_t n,
                             const vigil__roots *from, vigil__spectral_sums *o)
{
    struct K(roots) roots = K(roots_load)(x, from, n);
    double *red_f = reduced, *red_k = reduced + kmax + 1;
    /* Blocks of VIGIL__LANES bins stop before the last bin, whose factor may differ. */
    const size_t k0 = K(psd_blocks)(spec, kmax, two, freq, psd, scratch, red_f, red_k, o);
    for (size_t k = k0, j = 0; k <= kmax; k++, j++) { /* the tail, lane by lane: the same sums */
        const double re = spec[2 * k], im = spec[2 * k + 1];
        const double p = (re * re + im * im) * (k == kmax ? last : two);
        psd[k] = p;
        o->total[j] += p;
        o->fsum[j] += freq[k] * p;
        if (p > psd[o->kpeak])
            o->kpeak = k;
    }
    /* The centroid as vigil__spectrum_features() takes it, so that the spread's sums of
     * (f_k - c)^2 P_k ride in the logarithm loop instead of a pass of their own. */
    const double total = vigil__lane_total(o->total);
    const double centroid = total != 0.0 ? vigil__lane_total(o->fsum) / total : 0.0;
    K(log_blocks)(psd, scratch, red_f, red_k, k0, freq, centroid, o, &roots);
    K(roots_finish)(&roots, n, o->sumsqrt);
    const double tiny = 1e-30 * 36028797018963968.0;
    for (size_t k = k0, j = 0; k <= kmax; k++, j++) {
        const double p = psd[k];
        const double l = K(vlog)(K(splat)(p + 1e-30))[0];
        const double fc = freq[k] - centroid;
        o->spread[j] += fc * fc * p;
        scratch[k] = l;
        o->slog[j] += l;
        if (p * fabs(l) >= tiny) {
            o->plogp[j] += p * l;
        } else if (p > 0.0) {
            o->rare_first = o->rare ? o->rare_first : k;
            o->rare_last = k;
            o->rare = 1;
        }
    }
}

static void K(spread_sums)(const double *psd, const double *freq, size_t k0, size_t k1,
                           double centroid, double *lanes)
{
    const vd c = K(splat)(centroid);
    vd v[NV];
    _Pragma("GCC unroll 4") for (int u = 0; u < NV; u++) v[u] = (vd){0};
    size_t k = k0;
    for (; k + VIGIL__LANES <= k1; k += VIGIL__LANES) {
        _Pragma("GCC unroll 4") for (int u = 0; u < NV; u++) {
            const size_t at = k + (size_t)u * VW;
            const vd f = K(load)(freq + at) - c;
            v[u] += f * f * K(load)(psd + at);
        }
    }
    _Pragma("GCC unroll 4") for (int u = 0; u < NV; u++) K(store)(lanes + u * VW, v[u]);
    for (int j = 0; k < k1; k++, j++) {
        const double f = freq[k] - centroid;
        lanes[j] += f * f * psd[k];
    }
}

static void K(sum)(const double *p, size_t n, double *lanes)
{
    vd s[NV];
    _Pragma("GCC unroll 4") for (int u = 0; u < NV; u++) s[u] = (vd){0};
    size_t i = 0;
    for (; i + VIGIL__LANES <= n; i += VIGIL__LANES) {
        _Pragma("GCC unroll 4") for (int u = 0; u < NV; u++)
            s[u] += K(load)(p + i + (size_t)u * VW);
    }
    _Pragma("GCC unroll 4") for (int u = 0; u < NV; u++) K(store)(lanes + u * VW, s[u]);
    for (int j = 0; i < n; i++, j++)
        lanes[j] += p[i];
}

/* The spectrum of n = 2 m real samples from the m-point complex FFT Z of z_j = x_2j + i x_2j+1
 * (spectrum.c), in place in z[0 .. 2 (m + 1)) (interleaved re, im; z[2m], z[2m+1] are
 * written): with A = Z_k, B = Z_{m-k}, E = (A + conj B) / 2, O = (A - conj B) / (2i) and
 * W = e^{-2 pi i k / n} = cosv[k] + i sinv[k] (k <= m / 2),
 *   X_k = E + W O,   X_{m-k} = conj(E - W O),
 * so each pair (k, m - k) is read and written by one step. Blocks of VW bins from the front and
 * their mirror blocks from the back, then bin by bin to the middle, each bin by the same
 * operations in the same order (no sums across bins): the same bits whatever VW. */
KI void K(split_pair)(vd ar, vd ai, vd br, vd bi, vd c, vd sn, vd *xr, vd *xi, vd *yr, vd *yi)
{
    const vd er = (ar + br) * 0.5, ei = (ai - bi) * 0.5;
    const vd orr = (ai + bi) * 0.5, oi = (br - ar) * 0.5;
    const vd tr = c * orr - sn * oi, ti = c * oi + sn * orr;
    *xr = er + tr;
    *xi = ei + ti;
    *yr = er - tr;
    *yi = ti - ei;
}

static void K(real_split)(double *z, const double *cosv, const double *sinv, size_t m)
{
    const double r0 = z[0], i0 = z[1];
    z[0] = r0 + i0;
    z[1] = 0.0;
    z[2 * m] = r0 - i0;
    z[2 * m + 1] = 0.0;
#if VW == 8
#define EVEN 0, 2, 4, 6, 8, 10, 12, 14
#define ODD 1, 3, 5, 7, 9, 11, 13, 15
#define REV 7, 6, 5, 4, 3, 2, 1, 0
#define REVEVEN 14, 12, 10, 8, 6, 4, 2, 0
#define REVODD 15, 13, 11, 9, 7, 5, 3, 1
#define LO 0, 8, 1, 9, 2, 10, 3, 11
#define HI 4, 12, 5, 13, 6, 14, 7, 15
#elif VW == 4
#define EVEN 0, 2, 4, 6
#define ODD 1, 3, 5, 7
#define REV 3, 2, 1, 0
#define REVEVEN 6, 4, 2, 0
#define REVODD 7, 5, 3, 1
#define LO 0, 4, 1, 5
#define HI 2, 6, 3, 7
#else
#define EVEN 0, 2
#define ODD 1, 3
#define REV 1, 0
#define REVEVEN 2, 0
#define REVODD 3, 1
#define LO 0, 2
#define HI 1, 3
#endif
    /* The front block's bins k.. as re and im vectors, and the back block's (ending at bin m - k)
     * reversed, so that lane l holds bin m - (k + l). */
#define SPLIT_LOAD(k, ar, ai, br, bi)                                                            \
    do {                                                                                         \
        const size_t j_ = m - (k) - (VW - 1);                                                    \
        const vd a0 = K(load)(z + 2 * (k)), a1 = K(load)(z + 2 * (k) + VW);                      \
        const vd b0 = K(load)(z + 2 * j_), b1 = K(load)(z + 2 * j_ + VW);                        \
        ar = __builtin_shufflevector(a0, a1, EVEN);                                              \
        ai = __builtin_shufflevector(a0, a1, ODD);                                               \
        br = __builtin_shufflevector(b0, b1, REVEVEN);                                           \
        bi = __builtin_shufflevector(b0, b1, REVODD);                                            \
    } while (0)
    size_t k = 1;
    /* front block k .. k+VW-1 and back block m-k-VW+1 .. m-k, apart: k + VW - 1 < m - k - VW + 1.
     * Software-pipelined (as log_blocks()): each step loads the next pair of blocks, which are
     * disjoint from this one's, before it stores its own. */
    vd ar = {0}, ai = {0}, br = {0}, bi = {0};
    if (2 * k + 2 * VW <= m + 1)
        SPLIT_LOAD(k, ar, ai, br, bi);
    for (; 2 * k + 2 * VW <= m + 1; k += VW) {
        const size_t j = m - k - (VW - 1); /* the back block's first bin */
        const vd car = ar, cai = ai, cbr = br, cbi = bi;
        if (2 * (k + VW) + 2 * VW <= m + 1)
            SPLIT_LOAD(k + VW, ar, ai, br, bi);
        vd xr, xi, yr, yi;
        K(split_pair)(car, cai, cbr, cbi, K(load)(cosv + k), K(load)(sinv + k), &xr, &xi, &yr, &yi);
        K(store)(z + 2 * k, __builtin_shufflevector(xr, xi, LO));
        K(store)(z + 2 * k + VW, __builtin_shufflevector(xr, xi, HI));
        const vd ry = __builtin_shufflevector(yr, yr, REV), iy = __builtin_shufflevector(yi, yi, REV);
        K(store)(z + 2 * j, __builtin_shufflevector(ry, iy, LO));
        K(store)(z + 2 * j + VW, __builtin_shufflevector(ry, iy, HI));
    }
#undef SPLIT_LOAD
#undef EVEN
#undef ODD
#undef REV
#undef REVEVEN
#undef REVODD
#undef LO
#undef HI
    for (; 2 * k < m; k++) { /* the pairs left, one at a time: lane 0 of the same steps */
        const size_t j = m - k;
        vd xr, xi, yr, yi;
        K(split_pair)(K(splat)(z[2 * k]), K(splat)(z[2 * k + 1]), K(splat)(z[2 * j]),
                      K(splat)(z[2 * j + 1]), K(splat)(cosv[k]), K(splat)(sinv[k]), &xr, &xi,
                      &yr, &yi);
        z[2 * k] = xr[0];
        z[2 * k + 1] = xi[0];
        z[2 * j] = yr[0];
        z[2 * j + 1] = yi[0];
    }
    if (2 * k == m) /* the middle bin of an even m pairs with itself: W = -i, X = conj(Z) */
        z[2 * k + 1] = -z[2 * k + 1];
}

/* With copy, x is also copied there, whatever the answer: the push loop reads a chunk from
 * memory once for its check and its first frame's copy (the check alone was ~10 % of the row's
 * time on a stream not in cache). */
/* |x| <= max exactly when the bits of |x| (sign cleared), read as an unsigned integer, are at
 * most those of max (max >= 0): doubles of one sign order like their bits, and NaN and +-inf
 * have the largest. So one AND, one integer compare and one OR a vector, no chain longer than
 * one cycle, one test per chunk. (The first test was a sum of x * 0, NaN for NaN and inf: a
 * chain of additions, 4 cycles a vector; then the exponent-field carry, finite only.) */
static int K(all_within)(const double *x, size_t n, double max, double *copy)
{
    uint64_t lim;
    memcpy(&lim, &max, sizeof lim);
    const vu mag = (vu){0} + 0x7fffffffffffffffu, limv = (vu){0} + lim;
    vu acc[NV];
    _Pragma("GCC unroll 4") for (int u = 0; u < NV; u++) acc[u] = (vu){0};
    size_t i = 0;
    for (; i + VIGIL__LANES <= n; i += VIGIL__LANES) {
        _Pragma("GCC unroll 4") for (int u = 0; u < NV; u++) {
            const vd v = K(load)(x + i + (size_t)u * VW);
            if (copy)
                K(store)(copy + i + (size_t)u * VW, v);
            acc[u] |= (vu)(((vu)v & mag) > limv);
        }
    }
    if (copy)
        memcpy(copy + i, x + i, (n - i) * sizeof *x);
    uint64_t all = 0;
    for (; i < n; i++) {
        uint64_t b;
        memcpy(&b, x + i, sizeof b);
        all |= (uint64_t)((b & 0x7fffffffffffffffu) > lim);
    }
    _Pragma("GCC unroll 4") for (int u = 0; u < NV; u++) for (int j = 0; j < VW; j++)
        all |= acc[u][j];
    return all == 0;
}

static const vigil__kernels K(kernels_) = {
    KNAME, K(raw_sums), K(central_sums), K(spectral_sums),
    K(spread_sums), K(sum), K(log_array), K(all_within), K(real_split),
};

#undef vd
#undef vu
#undef vs
#undef vm
#undef NV
#undef K
#undef ROOTS_RAW_END
#undef ROOTS_CENTRAL_END
#undef KI
#undef KNAME
#undef KSUF
#undef VW
