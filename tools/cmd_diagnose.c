/* vigil diagnose: per recording, the bearing defect lines of the averaged envelope spectrum,
 * the shaft orders, the ISO severity zone, the most likely fault and why. All of it comes from
 * vigil_diagnosis (the library); this file only parses options, reads files and prints. */
#include "cli.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

static const char diagnose_help[] =
    "usage: vigil diagnose --rate HZ --bearing n=N,d=D1,D=D2[,angle=DEG]\n"
    "                      [--shaft-hz F | --shaft-range LO-HI] [--units g|m/s2]\n"
    "                      [--class 1r|1f|2r|2f] [--envelope-band LO-HI|auto|full]\n"
    "                      [--frame N] [--column NAME|INDEX] FILE...\n"
    "\n"
    "Diagnose each FILE (CSV or gzip CSV with a header row; '-' reads standard input) as one\n"
    "recording of an accelerometer on a bearing housing. Prints, per file, one CSV row:\n"
    "  source, fault, confidence (0-1), candidate (the part the strongest evidence points to),\n"
    "  strength (its line / the line needed to name it), support (its harmonics and sidebands\n"
    "  above noise), shaft_hz, shaft_confidence (share of frames finding that rate), frames,\n"
    "  then for ftf, bpfo, bpfi, bsf and harmonics 1-3 the envelope amplitude and prominence\n"
    "  (<defect>_h<k>_amp, <defect>_h<k>_prom), order_1x..3x (peak, input units),\n"
    "  velocity_rms_mm_s, iso_zone (A-D), the strongest non-bearing envelope line (other_hz,\n"
    "  other_prom, other_kind: shaft, mains, other, none), the largest spectrum line\n"
    "  (spectrum_hz, spectrum_prom, spectrum_kind), the demodulation band (band_lo, band_hi)\n"
    "  and the reason, which lists every evidence line.\n"
    "The fault is one of normal, outer_race, inner_race, ball, cage, imbalance, inconclusive;\n"
    "the rules are in docs/DIAGNOSTICS.md (a defect line must stand 3x above its local floor\n"
    "with a harmonic or sideband to support it; weaker evidence above noise is inconclusive).\n"
    "\n"
    "  --rate HZ         sample rate in Hz (required)\n"
    "  --bearing SPEC    geometry: n rolling elements, d element and D pitch diameter (same\n"
    "                    unit), contact angle in degrees (default 0); required\n"
    "  --shaft-hz F      shaft rate in Hz; 0 or absent: estimated from the spectrum\n"
    "  --shaft-range R   LO-HI in Hz: where the estimate looks for the 1x line (default 5-100),\n"
    "                    e.g. 28-30.5 for a 4-pole 60 Hz motor; the estimate stays inside it\n"
    "  --units U         acceleration unit of the samples: g (default) or m/s2\n"
    "  --class C         ISO 10816-3 class: 1r, 1f (group 1 rigid/flexible), 2r (default), 2f\n"
    "  --envelope-band B (or --band B) demodulation band LO-HI in Hz, 'auto' (spectral kurtosis per frame) or\n"
    "                    'full' (default: the whole spectrum, prewhitened)\n"
    "  --frame N         frame length (default: the smallest power of two >= rate, ~1 Hz bins)\n"
    "  --column C        column name or 0-based index (default 0)\n"
    "  -h, --help        show this help\n";

typedef struct diag_opts {
    double rate, shaft_hz, shaft_lo, shaft_hi;
    double balls, d, pitch, angle;
    int have_bearing;
    int units, machine_class;
    int band_mode; /* 0 full, 1 auto, 2 fixed */
    double lo, hi;
    size_t frame;
    const char *column;
} diag_opts;

static int parse_band(const char *s, diag_opts *o)
{
    if (strcmp(s, "full") == 0) {
        o->band_mode = 0;
        return 1;
    }
    if (strcmp(s, "auto") == 0) {
        o->band_mode = 1;
        return 1;
    }
    size_t n = 0;
    if (vigil_parse_bands(s, &o->lo, &o->hi, 1, &n) != VIGIL_OK || n != 1) {
        cli_usage_error("diagnose", "--band: %s", vigil_last_error());
        return 0;
    }
    o->band_mode = 2;
    return 1;
}

static int diagnose_file(const char *path, const diag_opts *o, vigil_diagnosis *dg)
{
    vigil_reader *r = NULL;
    if (vigil_reader_open(path, &r) != VIGIL_OK)
        return cli_error("%s", vigil_last_error());
    int col = vigil_reader_find_column(r, o->column ? o->column : "0");
    if (col < 0) {
        vigil_reader_close(r);
        return cli_error("%s", vigil_last_error());
    }
    vigil_diagnosis_reset(dg);
    double *chunk = malloc(65536 * sizeof *chunk);
    int status = chunk ? CLI_OK : cli_error("out of memory");
    while (status == CLI_OK) {
        size_t n = 0;
        int rc = vigil_reader_read_column(r, (size_t)col, chunk, 65536, &n);
        if (n > 0 && vigil_diagnosis_push(dg, chunk, n) != VIGIL_OK)
            status = cli_error("%s: %s", path, vigil_last_error());
        else if (rc != VIGIL_OK)
            status = cli_error("%s", vigil_last_error());
        else if (n == 0)
            break;
    }
    free(chunk);
    vigil_reader_close(r);
    if (status != CLI_OK)
        return status;
    const int fault = vigil_diagnosis_decide(dg);
    if (fault < 0)
        return cli_error("%s: %s", path, vigil_last_error());
    printf("%s,%s,%.4g,%s,%.4g,%.0f,", path, vigil_fault_name(fault),
           vigil_diagnosis_value(dg, VIGIL_DIAG_CONFIDENCE),
           vigil_fault_name((int)vigil_diagnosis_value(dg, VIGIL_DIAG_CANDIDATE)),
           vigil_diagnosis_value(dg, VIGIL_DIAG_STRENGTH),
           vigil_diagnosis_value(dg, VIGIL_DIAG_SUPPORT));
    cli_print_double(stdout, vigil_diagnosis_value(dg, VIGIL_DIAG_SHAFT_HZ));
    printf(",%.4g,%.0f", vigil_diagnosis_value(dg, VIGIL_DIAG_SHAFT_CONFIDENCE),
           vigil_diagnosis_value(dg, VIGIL_DIAG_FRAMES));
    for (int q = 0; q < VIGIL_DEFECT_COUNT; q++)
        for (int h = 1; h <= 3; h++) {
            double amp, prom;
            vigil_diagnosis_line(dg, q, h, NULL, &amp, &prom);
            printf(",%.6g,%.4g", amp, prom);
        }
    for (int k = VIGIL_DIAG_ORDER_1X; k <= VIGIL_DIAG_ORDER_3X; k++)
        printf(",%.6g", vigil_diagnosis_value(dg, k));
    const int zone = (int)vigil_diagnosis_value(dg, VIGIL_DIAG_ISO_ZONE);
    printf(",%.4g,%s", vigil_diagnosis_value(dg, VIGIL_DIAG_VELOCITY_RMS),
           vigil_zone_name(zone) ? vigil_zone_name(zone) : "-");
    printf(",%.6g,%.4g,%s,%.6g,%.4g,%s,%.6g,%.6g", vigil_diagnosis_value(dg, VIGIL_DIAG_OTHER_HZ),
           vigil_diagnosis_value(dg, VIGIL_DIAG_OTHER_PROM),
           vigil_line_kind_name((int)vigil_diagnosis_value(dg, VIGIL_DIAG_OTHER_KIND)),
           vigil_diagnosis_value(dg, VIGIL_DIAG_SPECTRUM_HZ),
           vigil_diagnosis_value(dg, VIGIL_DIAG_SPECTRUM_PROM),
           vigil_line_kind_name((int)vigil_diagnosis_value(dg, VIGIL_DIAG_SPECTRUM_KIND)),
           vigil_diagnosis_value(dg, VIGIL_DIAG_BAND_LO), vigil_diagnosis_value(dg, VIGIL_DIAG_BAND_HI));
    printf(",\"%s\"\n", vigil_diagnosis_reason(dg));
    return ferror(stdout) ? cli_error("write error on standard output") : CLI_OK;
}

int cmd_diagnose(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"rate", required_argument, NULL, 'r'},    {"bearing", required_argument, NULL, 'b'},
        {"shaft-hz", required_argument, NULL, 's'}, {"units", required_argument, NULL, 'u'},
        {"class", required_argument, NULL, 'k'},   {"band", required_argument, NULL, 'B'},
        {"frame", required_argument, NULL, 'n'},   {"column", required_argument, NULL, 'c'},
        {"shaft-range", required_argument, NULL, 'R'},
        {"envelope-band", required_argument, NULL, 'B'}, /* the name in every command */
        {"help", no_argument, NULL, 'h'},          {NULL, 0, NULL, 0},
    };
    diag_opts o = {0};
    o.units = VIGIL_UNITS_G;
    o.machine_class = VIGIL_ISO_GROUP2_RIGID;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
        switch (c) {
        case 'r': if (!cli_parse_double("diagnose", "--rate", optarg, &o.rate)) return CLI_USAGE; break;
        case 's': if (!cli_parse_double("diagnose", "--shaft-hz", optarg, &o.shaft_hz)) return CLI_USAGE; break;
        case 'n': if (!cli_parse_size("diagnose", "--frame", optarg, &o.frame)) return CLI_USAGE; break;
        case 'c': o.column = optarg; break;
        case 'b':
            if (vigil_parse_bearing(optarg, &o.balls, &o.d, &o.pitch, &o.angle) != VIGIL_OK)
                return cli_usage_error("diagnose", "--bearing: %s", vigil_last_error());
            o.have_bearing = 1;
            break;
        case 'u':
            if ((o.units = vigil_units_parse(optarg)) < 0)
                return cli_usage_error("diagnose", "--units: %s", vigil_last_error());
            break;
        case 'k': {
            if ((o.machine_class = vigil_machine_class_parse(optarg)) < 0)
                return cli_usage_error("diagnose", "--class: %s", vigil_last_error());
            break;
        }
        case 'B': if (!parse_band(optarg, &o)) return CLI_USAGE; break;
        case 'R': {
            size_t n = 0;
            if (vigil_parse_bands(optarg, &o.shaft_lo, &o.shaft_hi, 1, &n) != VIGIL_OK || n != 1)
                return cli_usage_error("diagnose", "--shaft-range: %s", vigil_last_error());
            break;
        }
        case 'h': fputs(diagnose_help, stdout); return CLI_OK;
        default: return cli_usage_error("diagnose", "unknown option");
        }
    }
    if (o.rate == 0.0)
        return cli_usage_error("diagnose", "--rate is required");
    if (!o.have_bearing)
        return cli_usage_error("diagnose", "--bearing is required");
    if (optind >= argc)
        return cli_usage_error("diagnose", "no input FILE");
    if (o.frame == 0) {
        o.frame = 16;
        while ((double)o.frame < o.rate && o.frame < VIGIL_FRAME_MAX)
            o.frame *= 2;
    }
    vigil_diagnosis *dg = NULL;
    int rc = vigil_diagnosis_create(o.rate, o.frame, &dg);
    if (rc == VIGIL_OK)
        rc = vigil_diagnosis_set_bearing(dg, o.balls, o.d, o.pitch, o.angle);
    if (rc == VIGIL_OK)
        rc = vigil_diagnosis_set_shaft_hz(dg, o.shaft_hz);
    if (rc == VIGIL_OK)
        rc = vigil_diagnosis_set_shaft_range(dg, o.shaft_lo, o.shaft_hi);
    if (rc == VIGIL_OK)
        rc = vigil_diagnosis_set_severity(dg, o.units, o.machine_class);
    if (rc == VIGIL_OK && o.band_mode == 1)
        rc = vigil_diagnosis_set_band(dg, 0.0, 0.0);
    if (rc == VIGIL_OK && o.band_mode == 2)
        rc = vigil_diagnosis_set_band(dg, o.lo, o.hi);
    if (rc != VIGIL_OK) {
        cli_usage_error("diagnose", "%s", vigil_last_error());
        vigil_diagnosis_destroy(dg);
        return CLI_USAGE;
    }
    fputs("source,fault,confidence,candidate,strength,support,shaft_hz,shaft_confidence,frames",
          stdout);
    for (int q = 0; q < VIGIL_DEFECT_COUNT; q++)
        for (int h = 1; h <= 3; h++)
            printf(",%s_h%d_amp,%s_h%d_prom", vigil_defect_name(q), h, vigil_defect_name(q), h);
    fputs(",order_1x,order_2x,order_3x,velocity_rms_mm_s,iso_zone,other_hz,other_prom,other_kind,"
          "spectrum_hz,spectrum_prom,spectrum_kind,band_lo,band_hi,reason\n",
          stdout);
    int status = CLI_OK;
    for (int i = optind; i < argc; i++) {
        const int s = diagnose_file(argv[i], &o, dg);
        if (s != CLI_OK)
            status = s; /* keep going: one bad file should not hide the others' results */
    }
    vigil_diagnosis_destroy(dg);
    if (fflush(stdout) != 0 && status == CLI_OK)
        status = cli_error("write error on standard output");
    return status;
}
