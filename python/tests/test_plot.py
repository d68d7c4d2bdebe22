"""vigil.plot: each figure is written, and what it draws is the library's own numbers (the data of
the figure's lines compared with the arrays the binding returned). Renders with Agg, no display.
Skipped (77) when matplotlib is absent."""

import math
import os
import struct
import tempfile
import unittest

import support

try:
    import matplotlib
    matplotlib.use("Agg")
except ImportError:
    support.skip_module("matplotlib is not installed for this python3 "
                        "(Debian: apt-get install python3-matplotlib)")

import vigil  # noqa: E402
from vigil import plot  # noqa: E402

RATE, SHAFT, GEOMETRY = 12000, 1797.0 / 60.0, "n=9,d=0.3126,D=1.537,angle=0"


def demo(name):
    return vigil.read_csv(os.path.join(support.DEMO, name + ".csv.gz"))["de"]


def png_size(path):
    """(width, height) from a PNG's IHDR chunk; fails on anything that is not a PNG."""
    with open(path, "rb") as f:
        head = f.read(24)
    if head[:8] != b"\x89PNG\r\n\x1a\n" or head[12:16] != b"IHDR":
        raise AssertionError("%s is not a PNG" % path)
    return struct.unpack(">II", head[16:24])


def line(ax, label):
    found = [ln for ln in ax.get_lines() if ln.get_label() == label]
    if len(found) != 1:
        raise AssertionError("%d lines labelled %r" % (len(found), label))
    return found[0]


def same(test, got, want, what):
    got, want = [float(v) for v in got], [float(v) for v in want]
    test.assertEqual(len(got), len(want), what)
    for i, (a, b) in enumerate(zip(got, want)):
        if not (math.isnan(a) and math.isnan(b)):
            test.assertEqual(a, b, "%s[%d]" % (what, i))


class PlotTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        x = list(demo("healthy")) + list(demo("outer_race"))
        cls.cols = vigil.features(x, rate=RATE, frame=1024, hop=512)
        cls.res = vigil.monitor_rows(cls.cols, learn=30)
        cls.res["monitor"].close()
        cls.tmp = tempfile.TemporaryDirectory(prefix="vigil-plot-")

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def path(self, name):
        return os.path.join(self.tmp.name, name)

    def test_health_trend(self):
        p = self.path("health.png")
        fig = plot.health_trend(self.res, title="demo", path=p, dpi=50)
        w, h = png_size(p)
        self.assertEqual((w, h), (round(fig.get_figwidth() * 50), round(fig.get_figheight() * 50)))
        score_ax, health_ax = fig.axes[:2]
        self.assertEqual(len(fig.axes), 2)  # no RUL panel without RUL columns
        for label, col in (("score", "score"), ("threshold", "threshold")):
            ln = line(score_ax, label)
            same(self, ln.get_xdata(), self.res["t"], label + " t")
            same(self, ln.get_ydata(), self.res[col], label)
        same(self, line(health_ax, "health").get_ydata(), self.res["health"], "health")
        # one shaded span per warn/alarm run, on each panel
        runs = [r for r in plot.state_periods(self.res["t"], self.res["state"])
                if r[0] in ("warn", "alarm")]
        self.assertGreater(len(runs), 0)
        self.assertEqual(len(score_ax.patches), len(runs))
        self.assertEqual(score_ax.patches[0].get_xy()[0][0], runs[0][1])
        # one vertical line per state change, at its time; the episode's onset once
        changes = [e for e in self.res["events"] if e["kind"] == "change"]
        ev = [ln for ln in score_ax.get_lines() if ln.get_linestyle() == ":"]
        self.assertEqual([ln.get_xdata()[0] for ln in ev], [e["t"] for e in changes])
        onsets = [ln.get_xdata()[0] for ln in score_ax.get_lines() if ln.get_linestyle() == "-."]
        want = sorted({e["onset"] for e in changes if e["to"] in ("warn", "alarm")})
        self.assertGreater(len(want), 0)
        self.assertEqual(sorted(onsets), want)
        self.assertEqual(score_ax.get_yscale(), "log")  # the fault spans 5 decades

    def test_health_trend_with_rul(self):
        res = dict(self.res)
        t, score = list(res["t"]), list(res["score"])
        n = len(t)
        rul, lo, hi = [math.nan] * n, [math.nan] * n, [math.nan] * n
        fits = 0
        for i in range(10, n):  # remaining life of the score to 10x the last one, refitted
            try:
                r = vigil.remaining_life(t[:i + 1], score[:i + 1], 10 * max(score))
            except vigil.VigilError:
                continue
            rul[i], lo[i], hi[i] = r["rul"], r["rul_lo"], r["rul_hi"]
            fits += 1
        self.assertGreater(fits, 0)
        res["rul"], res["rul_lo"], res["rul_hi"] = rul, lo, hi
        p = self.path("rul.png")
        fig = plot.health_trend(res, time_unit="min", path=p, dpi=50)
        png_size(p)
        rul_ax = fig.axes[2]
        has = [i for i, v in enumerate(rul) if not math.isnan(v)]
        same(self, line(rul_ax, "RUL").get_ydata(), [rul[i] / 60 for i in has], "rul")
        same(self, line(rul_ax, "RUL").get_xdata(), [res["t"][i] / 60 for i in has], "t [min]")
        band = rul_ax.collections[0].get_paths()[0].vertices
        finite_hi = [v / 60 for v in hi if not math.isnan(v)]
        self.assertAlmostEqual(max(band[:, 1]), max(finite_hi), places=9)
        self.assertEqual(rul_ax.get_ylabel(), "remaining life [min]")

    def test_feature_trends(self):
        p = self.path("features.png")
        names = ["rms", "kurtosis", "peak_freq"]
        fig = plot.feature_trends(self.cols, names, units={"rms": "g"}, path=p, dpi=50)
        png_size(p)
        self.assertEqual(len(fig.axes), 3)
        for ax, n in zip(fig.axes, names):
            ln = line(ax, n)
            same(self, ln.get_xdata(), self.cols["t_start"], n + " t")
            same(self, ln.get_ydata(), self.cols[n], n)
        self.assertEqual(fig.axes[0].get_ylabel(), "rms [g]")
        with self.assertRaises(KeyError):
            plot.feature_trends(self.cols, ["no_such_feature"])

    def test_envelope_spectrum(self):
        p = self.path("envelope.png")
        with vigil.Diagnosis(RATE, GEOMETRY, shaft_hz=SHAFT) as d:
            d.push(demo("outer_race"))
            self.assertEqual(d.decide(), "outer_race")
            fig = plot.envelope_spectrum(d, fmax=400, path=p, dpi=50)
            freq, amp = d.envelope_spectrum()
            fund = d.defect_frequencies()
            lines = {q: [d.line(q, h) for h in (1, 2, 3)] for q in vigil.DEFECTS}
        png_size(p)
        ax = fig.axes[0]
        spec = line(ax, "envelope spectrum")
        keep = [i for i, f in enumerate(freq) if 0 < f <= 400]
        self.assertEqual(keep[0], 1)
        same(self, spec.get_xdata(), [freq[i] for i in keep], "frequencies")
        same(self, spec.get_ydata(), [amp[i] for i in keep], "amplitudes")
        for q in vigil.DEFECTS:
            dots = line(ax, "%s %.1f Hz" % (plot.DEFECT_LABELS[q], fund[q]))
            same(self, dots.get_xdata(), [ln["freq"] for ln in lines[q]], q + " line freq")
            same(self, dots.get_ydata(), [ln["amp"] for ln in lines[q]], q + " line amp")
        markers = sorted(ln.get_xdata()[0] for ln in ax.get_lines()
                         if len(ln.get_xdata()) == 2 and ln.get_xdata()[0] == ln.get_xdata()[1])
        self.assertEqual(markers, sorted(h * fund[q] for q in vigil.DEFECTS for h in (1, 2, 3)))
        self.assertIn("outer_race", ax.get_title())

    def test_bad_arguments(self):
        with self.assertRaises(ValueError):
            plot.health_trend(self.res, time_unit="fortnight")
        bad = dict(self.res)
        bad["score"] = list(bad["score"])[:-1]
        with self.assertRaises(ValueError):
            plot.health_trend(bad)
        with self.assertRaises(TypeError):
            plot.envelope_spectrum(self.res)


if __name__ == "__main__":
    unittest.main()
