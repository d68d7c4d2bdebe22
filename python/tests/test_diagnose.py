"""Diagnostics from Python: vigil.diagnose()/Diagnosis equal `vigil diagnose` on the demo
recordings to the last printed digit; defect frequencies against the closed form; extractor
column groups against the numpy reference (tests/diag_vectors.h); ISO zones; remaining life on
exact exponentials; errors for bad input. Runs with or without numpy."""

import array
import math
import os
import random
import unittest

import support

import vigil

DEMO_FILES = ["healthy", "outer_race", "inner_race", "ball"]
# datasets/generate.py: a CWRU-like rig, drive-end SKF 6205, 1797 rpm, 12 kHz, column `de` in g.
RATE = 12000
SHAFT = 1797.0 / 60.0
GEOMETRY = "n=9,d=0.3126,D=1.537,angle=0"
EXPECTED_FAULT = {"healthy": "normal", "outer_race": "outer_race", "inner_race": "inner_race",
                  "ball": "ball"}


def demo(name):
    return os.path.join(support.DEMO, name + ".csv.gz")


_signals = {}


def signal(name):
    if name not in _signals:
        _signals[name] = vigil.read_csv(demo(name))["de"]
    return _signals[name]


class TestDiagnoseEqualsCommand(unittest.TestCase):
    """Every field `vigil diagnose` prints, as the binding's values print with the same format."""

    def check(self, cli_options, **kwargs):
        paths = [demo(n) for n in DEMO_FILES]
        rows = support.cli_diagnose(paths, "--rate", RATE, "--bearing", GEOMETRY, *cli_options)
        self.assertEqual(len(rows), len(DEMO_FILES))
        results = {}
        for name, row in zip(DEMO_FILES, rows):
            args = dict(shaft_hz=SHAFT, bearing=GEOMETRY)
            args.update(kwargs)
            d = vigil.diagnose(signal(name), RATE, **args)
            got = support.diagnosis_as_printed(d)
            want = {k: v for k, v in row.items() if k != "source"}
            self.assertEqual(set(got), set(want))
            for key in want:
                self.assertEqual(got[key], want[key], "%s: %s" % (name, key))
            results[name] = d
        return results

    def test_given_shaft_rate(self):
        res = self.check(["--shaft-hz", support.printed(SHAFT)])
        for name, d in res.items():  # the generator's faults are found
            self.assertEqual(d["fault"], EXPECTED_FAULT[name], d["reason"])
            self.assertNotIn("estimated", d["reason"])
            self.assertEqual(d["frames"], 1)  # 24000 samples, frame 16384, hop 8192

    def test_short_frames_many_averaged(self):
        res = self.check(["--shaft-hz", support.printed(SHAFT), "--frame", 4096], frame=4096)
        self.assertEqual(res["healthy"]["frames"], (24000 - 4096) // 2048 + 1)

    def test_estimated_shaft_rate(self):
        res = self.check([], shaft_hz=None)
        for d in res.values():  # 1x dominates 5-100 Hz in the generator's signal
            self.assertAlmostEqual(d["shaft_hz"], SHAFT, delta=0.2)
            self.assertIn("%.2f Hz estimated" % d["shaft_hz"], d["reason"])

    def test_shaft_range(self):
        # a 4-pole motor on 60 Hz: the estimate is looked for in 28-30.5 Hz and stays there
        res = self.check(["--shaft-range", "28-30.5"], shaft_hz=None, shaft_range=(28, 30.5))
        for name, d in res.items():
            self.assertAlmostEqual(d["shaft_hz"], SHAFT, delta=0.2)
            self.assertEqual(d["fault"], EXPECTED_FAULT[name], d["reason"])
        self.check(["--shaft-range", "28-30.5"], shaft_hz=None, shaft_range="28-30.5")
        # a range that holds no 1x line: the estimate is still inside it
        for d in self.check(["--shaft-range", "40-45"], shaft_hz=None,
                            shaft_range=(40, 45)).values():
            self.assertTrue(40 <= d["shaft_hz"] <= 45)

    def test_bands(self):
        self.check(["--shaft-hz", support.printed(SHAFT), "--band", "auto"], band="auto")
        self.check(["--shaft-hz", support.printed(SHAFT), "--band", "2000-5000"],
                   band=(2000, 5000))
        self.check(["--shaft-hz", support.printed(SHAFT), "--band", "2000-5000"],
                   band="2000-5000")

    def test_units_and_class(self):
        self.check(["--shaft-hz", support.printed(SHAFT), "--units", "m/s2", "--class", "1r"],
                   units="m/s2", machine_class="1r")


def healthy_machines():
    """datasets/demo/healthy_machines/machines.tsv (datasets/generate.py): rows as dicts."""
    folder = os.path.join(support.DEMO, "healthy_machines")
    with open(os.path.join(folder, "machines.tsv")) as f:
        lines = [line.rstrip("\n").split("\t") for line in f]
    rows = [dict(zip(lines[0], line)) for line in lines[1:]]
    for r in rows:
        r["path"] = os.path.join(folder, r["file"])
    return rows


class TestHealthyMachines(unittest.TestCase):
    """Healthy machines of other rigs with a strong source that is no bearing fault (gear mesh,
    looseness with shaft harmonics on the defect lines, electrical lines, structural
    resonances): `normal`, with the shaft rate given or estimated, the command and the binding
    agreeing field by field; the source is reported and classified."""

    def test_normal_and_reported(self):
        for m in healthy_machines():
            x = vigil.read_csv(m["path"])["de"]
            given = float(m["shaft_hz"])
            for options, kwargs in ((["--shaft-hz", m["shaft_hz"]], {"shaft_hz": given}),
                                    ([], {"shaft_hz": None})):
                row = support.cli_diagnose([m["path"]], "--rate", m["rate_hz"], "--bearing",
                                           m["bearing"], *options)[0]
                d = vigil.diagnose(x, float(m["rate_hz"]), bearing=m["bearing"], **kwargs)
                got = support.diagnosis_as_printed(d)
                for key in got:
                    self.assertEqual(got[key], row[key], "%s %s: %s" % (m["file"], options, key))
                self.assertEqual(d["fault"], "normal", "%s: %s" % (m["file"], d["reason"]))
                self.assertEqual(d["confidence"], 1.0 if m["file"] != "looseness.csv.gz" else 0.5)
            given = vigil.diagnose(x, float(m["rate_hz"]), float(m["shaft_hz"]), m["bearing"])
            if m["file"] == "gear.csv.gz":  # the mesh, 31 x 24.6 Hz, as a line of no bearing
                self.assertAlmostEqual(given["spectrum_hz"], 31 * 24.6, delta=1.0)
                self.assertEqual(given["spectrum_kind"], "other")
            if m["file"] == "mains.csv.gz":
                # without the rpm: 100 Hz is the largest line, 50 Hz a real line at its half,
                # 24.65 Hz one at half of that: the repeated subharmonic check reaches 1x
                est = vigil.diagnose(x, float(m["rate_hz"]), None, m["bearing"])
                self.assertAlmostEqual(est["shaft_hz"], 24.65, delta=0.01 * 24.65)
                self.assertEqual(est["shaft_confidence"], 1.0)
                # the 100 Hz modulation of the magnetic noise
                self.assertAlmostEqual(given["other_hz"], 100.0, delta=1.0)
                self.assertEqual(given["other_kind"], "mains")
            if m["file"] == "looseness.csv.gz":  # BPFO = 3x, BPFI = 5x: shaft lines, not faults
                self.assertIn("shaft harmonic 3x", given["reason"])
                self.assertIn("shaft harmonic 5x", given["reason"])
                self.assertEqual(given["candidate"], "normal")


class TestDiagnosisObject(unittest.TestCase):
    def test_chunking_and_reset_do_not_change_the_result(self):
        x = list(signal("inner_race"))
        want = vigil.diagnose(x, RATE, SHAFT, GEOMETRY, frame=2048)
        rng = random.Random(5)
        with vigil.Diagnosis(RATE, GEOMETRY, frame=2048, shaft_hz=SHAFT) as d:
            for _ in range(2):  # the second pass after reset() must equal a fresh object
                i = 0
                while i < len(x):
                    n = rng.choice([1, 7, 500, 3000, 10000])
                    d.push(x[i:i + n])
                    i += n
                self.assertEqual(d.decide(), "inner_race")
                self.assertEqual(d.result(), want)  # bit for bit
                d.reset()
                self.assertIsNone(d.fault)

    def test_accessors(self):
        with vigil.Diagnosis(RATE, vigil.parse_bearing(GEOMETRY), shaft_hz=SHAFT) as d:
            self.assertEqual(d.frame, 16384)
            self.assertEqual(d.rate, RATE)
            self.assertEqual(str(d.bearing), GEOMETRY)
            self.assertIsNone(d.fault)
            self.assertEqual(d.reason, "")
            d.push(signal("outer_race"))
            self.assertEqual(d.decide(), "outer_race")
            self.assertEqual(d.fault, "outer_race")
            freqs = vigil.bearing_frequencies(9, 0.3126, 1.537, 0, SHAFT)
            line = d.line("bpfo", 2)
            self.assertEqual(line, d.line(1, 2))
            self.assertEqual(line["freq"], 2 * freqs["bpfo"])
            self.assertGreater(line["prom"], 3)
            self.assertEqual(list(d.lines()), ["%s_h%d" % (q, h) for q in vigil.DEFECTS
                                               for h in (1, 2, 3)])
            v = d.values()
            self.assertEqual(v["frames"], 1)
            self.assertEqual(v["shaft_hz"], SHAFT)
            self.assertEqual(v["iso_zone"], vigil.severity_zone(v["velocity_rms_mm_s"]))
            self.assertIn("BPFO", d.reason)
            self.assertIn("outer_race", repr(d))

    def test_without_severity(self):
        d = vigil.diagnose(signal("healthy"), RATE, SHAFT, GEOMETRY, units=None)
        self.assertEqual((d["velocity_rms_mm_s"], d["iso_zone"], d["iso_letter"]), (0, 0, "-"))
        self.assertEqual(d["fault"], "normal")

    def test_input_types_agree(self):
        x = list(signal("ball"))
        want = vigil.diagnose(x, RATE, SHAFT, GEOMETRY)
        self.assertEqual(vigil.diagnose(array.array("d", x), RATE, SHAFT, GEOMETRY), want)
        self.assertEqual(vigil.diagnose(tuple(x), RATE, SHAFT, (9, 0.3126, 1.537)), want)
        bearing = {"n": 9, "d": 0.3126, "D": 1.537}
        self.assertEqual(vigil.diagnose(iter(x), RATE, SHAFT, bearing), want)


class TestDiagnosisErrors(unittest.TestCase):
    def assertStatus(self, status, f, *args, **kwargs):
        with self.assertRaises(vigil.VigilError) as cm:
            f(*args, **kwargs)
        self.assertIs(cm.exception.status, status)
        self.assertTrue(cm.exception.message)
        return cm.exception

    def test_bad_settings(self):
        S = vigil.Status
        self.assertStatus(S.EINVAL, vigil.Diagnosis, 0, GEOMETRY)
        self.assertStatus(S.EINVAL, vigil.Diagnosis, float("nan"), GEOMETRY)
        self.assertStatus(S.EINVAL, vigil.Diagnosis, RATE, GEOMETRY, frame=8)
        self.assertStatus(S.EINVAL, vigil.Diagnosis, RATE, GEOMETRY, shaft_hz=6000)
        self.assertStatus(S.EINVAL, vigil.Diagnosis, RATE, GEOMETRY, shaft_hz=-1)
        self.assertStatus(S.EINVAL, vigil.Diagnosis, RATE, GEOMETRY, band=(500, 100))
        for bad in ((0, 30), (31, 29), (10, 6000), (float("nan"), 30)):
            self.assertStatus(S.EINVAL, vigil.Diagnosis, RATE, GEOMETRY, shaft_range=bad)
        with self.assertRaises(ValueError):
            vigil.Diagnosis(RATE, GEOMETRY, shaft_range="20-30,40-50")
        with self.assertRaises(TypeError):
            vigil.Diagnosis(RATE, GEOMETRY, shaft_range=30)
        self.assertStatus(S.EINVAL, vigil.Diagnosis, RATE, (9, 2.0, 1.0))  # d > D
        self.assertStatus(S.EFORMAT, vigil.Diagnosis, RATE, "n=9,d=0.3")
        self.assertStatus(S.EFORMAT, vigil.Diagnosis, RATE, GEOMETRY, band="lo-hi")
        with self.assertRaises(ValueError):
            vigil.Diagnosis(RATE, GEOMETRY, units="mm")
        with self.assertRaises(ValueError):
            vigil.Diagnosis(RATE, GEOMETRY, machine_class="3r")
        with self.assertRaises(ValueError):
            vigil.Diagnosis(RATE, GEOMETRY, band="0-100,200-300")
        with self.assertRaises(ValueError):
            vigil.Diagnosis(RATE, {"n": 9, "d": 0.3, "pitch": 1.5})
        with self.assertRaises(TypeError):
            vigil.Diagnosis(RATE, 9)
        with self.assertRaises(TypeError):
            vigil.Diagnosis(RATE, GEOMETRY, frame=4096.0)

    def test_bad_samples_are_rejected_whole(self):
        x = list(signal("outer_race"))
        want = vigil.diagnose(x, RATE, SHAFT, GEOMETRY, frame=4096)
        with vigil.Diagnosis(RATE, GEOMETRY, frame=4096, shaft_hz=SHAFT) as d:
            d.push(x[:10000])
            for bad in (float("nan"), float("inf"), -float("inf")):
                e = self.assertStatus(vigil.Status.ENONFINITE, d.push, [0.1] * 5000 + [bad])
                self.assertEqual(e.function, "vigil_diagnosis_push")
            d.push(x[10000:])
            d.decide()
            self.assertEqual(d.result(), want)  # the rejected chunks left no trace
            with self.assertRaises(TypeError):
                d.push("abc")
            with self.assertRaises(TypeError):
                d.push([1.0, "x"])

    def test_state_errors(self):
        S = vigil.Status
        with vigil.Diagnosis(RATE, GEOMETRY) as d:
            self.assertStatus(S.ENODATA, d.decide)
            d.push([0.0] * 100)
            self.assertStatus(S.ENODATA, d.decide)  # no complete frame
            self.assertStatus(S.ESTATE, d.line, "bpfo", 1)
            self.assertStatus(S.ESTATE, d.values)
            self.assertStatus(S.ESTATE, d.result)
            d.push(signal("ball"))
            d.decide()
            self.assertStatus(S.EINVAL, d.line, "bpfo", 4)
            self.assertStatus(S.EINVAL, d.line, 7, 1)
            with self.assertRaises(ValueError):
                d.line("bearing", 1)
        with self.assertRaises(ValueError):
            d.push([1.0])
        with self.assertRaises(ValueError):
            d.decide()
        d.close()  # closing twice is harmless
        self.assertIn("closed", repr(d))
        self.assertStatus(S.ENODATA, vigil.diagnose, [0.0] * 1000, RATE, SHAFT, GEOMETRY)


class TestBearing(unittest.TestCase):
    def closed_form(self, n, d, D, angle, fr):
        r = d / D * math.cos(math.radians(angle))
        return {"ftf": fr / 2 * (1 - r), "bpfo": n * fr / 2 * (1 - r),
                "bpfi": n * fr / 2 * (1 + r), "bsf": D * fr / (2 * d) * (1 - r * r)}

    def test_closed_form(self):
        for geometry in ((9, 0.3126, 1.537, 0.0, SHAFT), (16, 0.331, 2.815, 15.17, 2000 / 60),
                         (8, 7.94, 34.55, 0.0, 1.0)):
            got = vigil.bearing_frequencies(*geometry)
            want = self.closed_form(*geometry)
            self.assertEqual(list(got), list(vigil.DEFECTS))
            for k in want:
                self.assertAlmostEqual(got[k], want[k], delta=1e-12 * want[k])

    def test_cwru_orders_from_the_datasets_readme(self):
        got = vigil.Bearing(9, 0.3126, 1.537).frequencies()  # shaft_hz 1: orders
        for k, v in {"bpfi": 5.4152, "bpfo": 3.5848, "ftf": 0.39828, "bsf": 2.3567}.items():
            self.assertAlmostEqual(got[k], v, delta=1e-4)

    def test_parse(self):
        b = vigil.parse_bearing(" D = 2.815 , n=16,angle=15.17, d=0.331 ")
        self.assertEqual(b, vigil.Bearing(16, 0.331, 2.815, 15.17))
        self.assertEqual((b.n, b.d, b.D, b.angle), (16.0, 0.331, 2.815, 15.17))
        self.assertEqual(vigil.parse_bearing("n=9,d=0.3126,D=1.537").angle, 0.0)
        self.assertEqual(vigil.parse_bearing(str(b)), b)  # str() is the option syntax
        self.assertEqual(str(vigil.Bearing(9, 0.3126, 1.537)), GEOMETRY)
        for bad in ("", "n=9,d=0.3", "n=9,d=0.3,D=1.5,n=9", "n=9,d=0.3,D=1.5,x=1",
                    "n=9.5,d=0.3,D=1.5", "n=9,d=2,D=1", "n=9,d=0.3,D=1.5,angle=90", "n=9;d=1"):
            with self.assertRaises(vigil.VigilError, msg=bad) as cm:
                vigil.parse_bearing(bad)
            self.assertIs(cm.exception.status, vigil.Status.EFORMAT)
        with self.assertRaises(TypeError):
            vigil.parse_bearing(9)
        with self.assertRaises(ValueError):
            vigil.parse_bearing("n=9\0,d=1,D=2")

    def test_bad_geometry(self):
        for args in ((0, 0.3, 1.5), (9.5, 0.3, 1.5), (9, 0, 1.5), (9, 1.5, 1.5), (9, 0.3, 1.5, 90),
                     (9, 0.3, 1.5, -1), (9, float("nan"), 1.5), (9, 0.3, 1.5, 0, -1),
                     (9, 0.3, float("inf"))):
            with self.assertRaises(vigil.VigilError, msg=repr(args)) as cm:
                vigil.bearing_frequencies(*args)
            self.assertIs(cm.exception.status, vigil.Status.EINVAL)


class TestSeverity(unittest.TestCase):
    # ISO 10816-3 Table A.1 boundaries (mm/s) by class, as documented in severity.h.
    LIMITS = {"1r": (2.3, 4.5, 7.1), "1f": (3.5, 7.1, 11.0), "2r": (1.4, 2.8, 4.5),
              "2f": (2.3, 4.5, 7.1)}

    def test_zones(self):
        for c, limits in self.LIMITS.items():
            self.assertEqual(vigil.severity_limits(c), limits)
            self.assertEqual(vigil.severity_zone(0.0, c), 1)
            for b, v in enumerate(limits, 1):
                self.assertEqual(vigil.severity_zone(v, c), b)  # a boundary is the lower zone
                self.assertEqual(vigil.severity_zone(v * (1 + 1e-15), c), b + 1)
            self.assertEqual(vigil.severity_zone(1e6, c), 4)
        self.assertEqual(vigil.severity_limits(vigil.MachineClass.GROUP1_FLEXIBLE),
                         self.LIMITS["1f"])

    def test_errors(self):
        for v in (-1.0, float("nan"), float("inf")):
            with self.assertRaises(vigil.VigilError):
                vigil.severity_zone(v)
        for c in ("3r", 0, 5, None, True):
            with self.assertRaises(ValueError):
                vigil.severity_zone(1.0, c)


class TestExtractorGroups(unittest.TestCase):
    """The extractor's diagnostic columns against the independent numpy implementation
    (tests/reference/gen_diag_vectors.py); 1e-9 relative as tests/test_envelope.c (numpy's and
    FFTW's FFTs differ by rounding only)."""

    @classmethod
    def setUpClass(cls):
        cls.dv = support.diag_vectors()

    def env_columns(self, band):
        dv = self.dv
        with vigil.FeatureExtractor(dv["DV_RATE"], int(dv["DV_N"]), bearing=GEOMETRY,
                                    shaft_hz=dv["DV_SHAFT"], envelope=band) as ex:
            ex.push(dv["dv_outer"])
            rows = list(ex)
        self.assertEqual(len(rows), 1)
        return rows[0]

    def test_envelope_vs_numpy(self):
        names = ["env_%s" % q for q in vigil.DEFECTS] + \
            ["env_%s_prom" % q for q in vigil.DEFECTS] + ["env_band_lo", "env_band_hi"]
        for band, key in ((True, "dv_env_full"), ("full", "dv_env_full"),
                          ((2000, 5000), "dv_env_2000_5000"), ("2000-5000", "dv_env_2000_5000"),
                          ("auto", "dv_env_auto")):
            row = self.env_columns(band)
            self.assertEqual(list(row)[-10:], names)
            for name, want in zip(names, self.dv[key]):
                self.assertAlmostEqual(row[name], want, delta=1e-9 * abs(want),
                                       msg="%s %s" % (band, name))
        self.assertGreater(row["env_bpfo_prom"], 3)  # the outer-race line stands out

    def test_diagnosis_envelope_spectrum_vs_numpy(self):
        """Diagnosis.envelope_spectrum(): the mean of the 7 half-overlapping frames' envelope
        spectra of the numpy reference; float32 input takes the float push; defect
        frequencies are the closed form at the given shaft rate."""
        dv = self.dv
        n = int(dv["DV_AVG_N"])
        with vigil.Diagnosis(dv["DV_RATE"], GEOMETRY, frame=n, shaft_hz=dv["DV_SHAFT"]) as d:
            with self.assertRaises(vigil.VigilError) as cm:
                d.envelope_spectrum()
            self.assertIs(cm.exception.status, vigil.Status.ENODATA)
            d.push(dv["dv_outer"])
            freqs, amps = d.envelope_spectrum()
            want = dv["dv_avg_env"]
            self.assertEqual(len(amps), n // 2 + 1)
            self.assertEqual(len(freqs), n // 2 + 1)
            self.assertEqual(freqs[3], 3 * dv["DV_RATE"] / n)
            peak = max(want)
            for k in range(len(want)):
                self.assertAlmostEqual(amps[k], want[k], delta=1e-9 * peak, msg="bin %d" % k)
            d.decide()
            got = d.defect_frequencies()
            closed = vigil.bearing_frequencies(9, 0.3126, 1.537, 0, dv["DV_SHAFT"])
            self.assertEqual(got["shaft_hz"], dv["DV_SHAFT"])
            for q in vigil.DEFECTS:
                self.assertAlmostEqual(got[q], closed[q], delta=1e-12 * closed[q])
            np = vigil._buffers.numpy
            if np is not None:
                d.reset()
                d.push(np.asarray(dv["dv_outer"], dtype=np.float32))
                f32 = d.envelope_spectrum()[1]
                d.reset()
                d.push(np.asarray(dv["dv_outer"], dtype=np.float32).astype(np.float64))
                self.assertEqual(list(f32), list(d.envelope_spectrum()[1]))
        with vigil.Diagnosis(dv["DV_RATE"], GEOMETRY, frame=n, hop=n) as d:
            d.push(dv["dv_outer"])
            d.decide()
            self.assertEqual(d.values()["frames"], 4)

    def test_severity_vs_numpy(self):
        dv = self.dv
        for units, key in (("g", "DV_BROAD_VRMS_G"), ("m/s2", "DV_BROAD_VRMS_MS2")):
            cols = vigil.features(dv["dv_broad"], dv["DV_RATE"], int(dv["DV_N"]), severity=True,
                                  units=units)
            self.assertEqual(list(cols)[-2:], ["velocity_rms_mm_s", "iso_zone"])
            v = cols["velocity_rms_mm_s"][0]
            self.assertAlmostEqual(v, dv[key], delta=1e-10 * dv[key])
            self.assertEqual(cols["iso_zone"][0], vigil.severity_zone(v, "2r"))

    def test_severity_sine_closed_form(self):
        # a sin(2 pi f t) in g: a g / (2 pi f) / sqrt 2 * 1000 mm/s; f on bin 200, Hann leakage
        # makes it larger by about 1/(2 k^2) = 1.25e-5 relative (tests/test_severity.c).
        n, rate, f, a = 16384, 16384.0, 200.0, 0.3
        x = [a * math.sin(2 * math.pi * f * i / rate + 0.3) for i in range(n)]
        want = a * 9.80665 / (2 * math.pi * f) / math.sqrt(2) * 1000
        for cls in ("1r", "2f"):
            cols = vigil.features(x, rate, n, severity=True, machine_class=cls)
            self.assertAlmostEqual(cols["velocity_rms_mm_s"][0], want, delta=3e-5 * want)
            self.assertEqual(cols["iso_zone"][0], vigil.severity_zone(want, cls))

    def test_orders_closed_form(self):
        # sines at 1x, 2x, 3x of a bin-centred shaft rate: A[k] equals each amplitude exactly.
        rate, fr, n = 4096.0, 25.0, 4096
        x = [math.sin(2 * math.pi * fr * i / rate) + 0.5 * math.sin(4 * math.pi * fr * i / rate
             + 1) + 0.25 * math.sin(6 * math.pi * fr * i / rate + 2) for i in range(n)]
        for shaft in (fr, None):  # given, then estimated from the spectrum
            cols = vigil.features(x, rate, n, shaft_hz=shaft, orders=True)
            self.assertEqual(list(cols)[-4:], ["order_1x", "order_2x", "order_3x", "shaft_hz"])
            for name, want in (("order_1x", 1.0), ("order_2x", 0.5), ("order_3x", 0.25),
                               ("shaft_hz", fr)):
                self.assertAlmostEqual(cols[name][0], want, delta=1e-9)

    def test_shaft_range(self):
        # 2x the largest line: the estimate takes the line at half its frequency (1x); a range
        # that excludes 1x gives the largest line inside it (tests/test_envelope.c, the same rule)
        rate, fr, n = 4096.0, 25.0, 4096
        rng = random.Random(3)
        x = [0.3 * math.sin(2 * math.pi * fr * i / rate) + math.sin(4 * math.pi * fr * i / rate
             + 1) + 0.05 * rng.gauss(0, 1) for i in range(n)]
        for kw, want in (({}, fr), ({"shaft_range": None}, fr), ({"shaft_range": (40, 60)}, 2 * fr),
                         ({"shaft_range": "20-30"}, fr)):
            cols = vigil.features(x, rate, n, orders=True, **kw)
            self.assertAlmostEqual(cols["shaft_hz"][0], want, delta=0.05, msg=repr(kw))
        with vigil.FeatureExtractor(rate, n, orders=True) as ex:
            ex.set_shaft_range((40, 60))
            ex.push(x)
            self.assertAlmostEqual(ex.drain()["shaft_hz"][0], 2 * fr, delta=0.05)

    def test_methods_equal_keywords_and_command_order(self):
        x = signal("ball")
        kw = vigil.features(x, RATE, 4096, bands="0-500", bearing=GEOMETRY, shaft_hz=SHAFT,
                            envelope="auto", orders=True, severity=True)
        with vigil.FeatureExtractor(RATE, 4096, bands="0-500") as ex:
            ex.enable_severity()  # groups come in the order they are enabled
            ex.enable_orders()
            ex.set_shaft_hz(SHAFT)
            ex.set_bearing(vigil.Bearing(9, 0.3126, 1.537))
            ex.enable_envelope("auto")
            self.assertEqual(ex.names[-16:-14], ("velocity_rms_mm_s", "iso_zone"))
            self.assertEqual(ex.index("env_ftf"), len(ex.names) - 10)
            ex.push(x)
            cols = ex.drain()
        self.assertEqual(sorted(cols), sorted(kw))
        for name in kw:
            self.assertEqual(list(cols[name]), list(kw[name]), name)
        plain = vigil.features(x, RATE, 4096, bands="0-500")
        for name in plain:  # the groups do not change the other columns
            self.assertEqual(list(plain[name]), list(kw[name]), name)

    def test_group_errors(self):
        S = vigil.Status
        with vigil.FeatureExtractor(RATE, 4096) as ex:
            with self.assertRaises(vigil.VigilError) as cm:
                ex.enable_envelope()  # needs the bearing first
            self.assertIs(cm.exception.status, S.ESTATE)
            with self.assertRaises(vigil.VigilError) as cm:
                ex.set_shaft_hz(7000)
            self.assertIs(cm.exception.status, S.EINVAL)
            with self.assertRaises(vigil.VigilError) as cm:
                ex.set_shaft_range((30, 20))
            self.assertIs(cm.exception.status, S.EINVAL)
            ex.set_bearing(GEOMETRY)
            for band in ((100, 50), (7000, 8000), (100, 101)):
                with self.assertRaises(vigil.VigilError, msg=repr(band)):
                    ex.enable_envelope(band)
            with self.assertRaises(ValueError):
                ex.enable_severity(units="mm/s")
            n = len(ex.names)
            ex.push([0.0] * 10)
            for call in (ex.enable_orders, lambda: ex.set_bearing(GEOMETRY),
                         lambda: ex.set_shaft_hz(30), lambda: ex.set_shaft_range("20-40"),
                         ex.enable_severity):
                with self.assertRaises(vigil.VigilError) as cm:
                    call()
                self.assertIs(cm.exception.status, S.ESTATE)
            self.assertEqual(len(ex.names), n)  # nothing half-added
        with self.assertRaises(vigil.VigilError):
            vigil.FeatureExtractor(20, 64, severity=True)  # rate/2 must exceed 10 Hz
        with self.assertRaises(vigil.VigilError):
            vigil.FeatureExtractor(RATE, 4096, envelope=True)  # no bearing


class TestRemainingLife(unittest.TestCase):
    def test_exact_exponential(self):
        # h = 1 + 0.5 exp(0.3 t), t = 0..20; the threshold is crossed at t* = 25 exactly.
        t = list(range(21))
        h = [1.0 + 0.5 * math.exp(0.3 * v) for v in t]
        r = vigil.remaining_life(t, h, 1.0 + 0.5 * math.exp(0.3 * 25.0))
        self.assertAlmostEqual(r["rul"], 5.0, delta=1e-6)
        self.assertTrue(r["rul_lo"] <= r["rul"] <= r["rul_hi"])
        self.assertLess(r["rul_hi"] - r["rul_lo"], 1e-4)
        # documented scaling: time over the 20-unit span, so b = 0.3 * 20
        for k, v in (("c", 1.0), ("a", 0.5), ("b", 6.0)):
            self.assertAlmostEqual(r[k], v, delta=1e-6)

    def test_already_failed_is_zero(self):
        t = list(range(10))
        r = vigil.remaining_life(t, [math.exp(0.5 * v) for v in t], 10.0)
        self.assertEqual((r["rul"], r["rul_lo"], r["rul_hi"]), (0.0, 0.0, 0.0))

    def test_no_trend(self):
        t = list(range(30))
        for h in ([5.0 + 0.2 * math.sin(1.7 * v) for v in t], [5.0] * 30,
                  [1.0 + math.exp(-0.2 * v) for v in t]):
            with self.assertRaises(vigil.VigilError) as cm:
                vigil.remaining_life(t, h, 10)
            self.assertIs(cm.exception.status, vigil.Status.ENOTREND)
            self.assertEqual(cm.exception.function, "vigil_rul_estimate")

    def test_bad_input(self):
        t = list(range(30))
        h = [1.0 + math.exp(0.1 * v) for v in t]
        with self.assertRaises(vigil.VigilError) as cm:
            vigil.remaining_life(t[:4], h[:4], 100)
        self.assertIs(cm.exception.status, vigil.Status.ENODATA)
        bad_t = t[:]
        bad_t[5] = bad_t[4]
        bad_h = h[:]
        bad_h[3] = float("inf")
        for args in ((bad_t, h, 100), (t, bad_h, 100), (t, h, float("nan"))):
            with self.assertRaises(vigil.VigilError) as cm:
                vigil.remaining_life(*args)
            self.assertIs(cm.exception.status, vigil.Status.EINVAL)
        with self.assertRaises(ValueError):
            vigil.remaining_life(t, h[:-1], 100)
        with self.assertRaises(TypeError):
            vigil.remaining_life(t, "abc", 100)

    def test_float32_times(self):
        t = array.array("f", range(21))
        h = array.array("d", [1.0 + 0.5 * math.exp(0.3 * v) for v in range(21)])
        r = vigil.remaining_life(t, h, 1.0 + 0.5 * math.exp(0.3 * 25.0))
        self.assertAlmostEqual(r["rul"], 5.0, delta=1e-6)


if __name__ == "__main__":
    unittest.main()
