"""vigil.Prognoser, vigil.Prior and the prognosis in a Monitor: the closed-form crossing time
of a noiseless exponential, the same estimates as `vigil monitor --failure` on the demo's
run-to-failure history (to the last printed digit), a monitor saved by the command continuing
in Python, save/load and pickling, snapshot index tables, errors. Runs with or without numpy."""

import csv
import io
import math
import os
import pickle
import subprocess
import tempfile
import unittest

import support

import vigil

RTF = os.path.join(support.DEMO, "run_to_failure")
FILES = sorted(os.path.join(RTF, f) for f in os.listdir(RTF) if f.endswith(".csv.gz"))
INDEX = os.path.join(RTF, "index.tsv")
CLI = ["--rate", "12000", "--column", "de", "--index", INDEX, "--learn", "10", "--onset", "10",
       "--failure", "rms:4"]


def cli_monitor(*extra):
    out = subprocess.run([support.EXE, "monitor"] + CLI + list(extra) + FILES, check=True,
                         stdout=subprocess.PIPE, universal_newlines=True).stdout
    return list(csv.DictReader(io.StringIO(out)))


def rms_and_times():
    """The rms of each snapshot (one frame of 1024 samples) and its time from the index."""
    times = dict(vigil.snapshot_index(INDEX))
    t, h = [], []
    for f in FILES:
        t.append(times[os.path.basename(f)])
        h.append(vigil.features(vigil.read_csv(f)["de"], 12000, 1024)["rms"][0])
    return t, h


class TestClosedForm(unittest.TestCase):
    def test_noiseless_exponential(self):
        b, level = 0.004, 20.0
        tstar = 600.0 + math.log(level) / b
        p = vigil.Prognoser("peak", level)
        seen = 0
        for i in range(200):
            t = 10.0 * i
            h = 1.0 if t <= 600 else math.exp(b * (t - 600))
            if h >= level:
                break
            if p.update(t, h) != "estimate":
                continue
            e = p.estimate()
            self.assertEqual(e["model"], "exponential")
            self.assertAlmostEqual(e["rul"], tstar - t, delta=1e-7 * tstar)
            self.assertAlmostEqual(e["rul_hi"] - e["rul_lo"], 0.0, delta=1e-6 * tstar)
            seen += 1
        self.assertGreater(seen, 50)


class TestEqualsCommand(unittest.TestCase):
    def test_monitor_rul_equals_standalone_prognoser(self):
        rows = cli_monitor()
        t, h = rms_and_times()
        p = vigil.Prognoser("rms", 4, onset=(10, math.log(2), 5))
        out = p.update_many(t[10:], h[10:])  # the command's prognoser starts after learning
        self.assertEqual(len(rows), len(out["rul"]))
        n = 0
        for r, rul, lo, hi in zip(rows, out["rul"], out["rul_lo"], out["rul_hi"]):
            if r["rul"] == "":
                self.assertTrue(math.isnan(rul))
                continue
            self.assertEqual(r["rul"], support.printed(rul))
            self.assertEqual(r["rul_lo"], support.printed(lo))
            self.assertEqual(r["rul_hi"], support.printed(hi))
            n += 1
        self.assertGreater(n, 5)
        self.assertEqual(out["reason"][-1], "estimate")

    def test_command_model_continues_in_python(self):
        with tempfile.TemporaryDirectory() as d:
            model = os.path.join(d, "rtf.vgm")
            rows = cli_monitor("-o", model)
            m = vigil.Monitor.load(model)
            e = vigil.monitor_estimate(m)
            self.assertEqual(e["reason"], "estimate")
            self.assertEqual(support.printed(e["rul"]), rows[-1]["rul"])
            m.close()
            self.assertIsNone(vigil.monitor_estimate(vigil.Monitor.load(
                self._plain_model(d))))

    def _plain_model(self, d):
        path = os.path.join(d, "plain.vgm")
        subprocess.run([support.EXE, "train", "--rate", "12000", "--frame", "1024", "--column",
                        "de", "-o", path] + FILES[:10], check=True, stdout=subprocess.PIPE)
        return path


class TestObjects(unittest.TestCase):
    def test_prior_and_save_load(self):
        t, h = rms_and_times()
        prior = vigil.Prior("rms", 4, onset=(10, math.log(2), 5))
        # the demo history twice, time-shifted: a prior needs two histories
        self.assertIsNone(prior.add_history(t, h))
        self.assertIsNone(prior.add_history([x + 1e5 for x in t], h))
        self.assertEqual(len(prior), 2)
        self.assertGreater(prior.histories[0]["rate"], 0)
        back = vigil.Prior.from_bytes(prior.to_bytes())
        self.assertEqual(back.to_bytes(), prior.to_bytes())
        self.assertEqual((back.feature, back.failure), ("rms", 4.0))
        flat = prior.add_history(list(range(60)), [1.0] * 60)
        self.assertIn("no onset", flat)
        p = vigil.Prognoser("rms", 4, onset=(10, math.log(2), 5), prior=prior)
        for x, y in zip(t[:30], h[:30]):
            p.update(x, y)
        q = pickle.loads(pickle.dumps(p))
        for x, y in zip(t[30:], h[30:]):
            self.assertEqual(p.update(x, y), q.update(x, y))
            self.assertEqual(p.estimate(), q.estimate())
        with self.assertRaises(vigil.VigilError) as cm:
            vigil.Prognoser("peak", 4, prior=prior)
        self.assertEqual(cm.exception.status, vigil.Status.EMISMATCH)

    def test_fleet_survival(self):
        # lives alone (flat histories: no onset) make the fleet's survival model; its answer
        # is the Lomax quantile of Weibull lives (shape 1.5) given the age, in closed form
        prior = vigil.Prior("peak", 20)
        lives = [5000.0, 8000.0, 12000.0]
        for life in lives:
            self.assertIn("no onset", prior.add_history(
                [life * i / 39 for i in range(40)], [1.0] * 40))
        self.assertEqual(prior.lives, lives)
        p = vigil.Prognoser("peak", 20, prior=prior, point=0.2)
        p.update(0.0, 1.0)
        p.update(3000.0, 1.0)
        e = p.estimate()
        self.assertEqual((e["reason"], e["model"]), ("baseline", "survival"))
        w, a = sum(x ** 1.5 for x in lives), 3000.0
        want = ((w + a ** 1.5) * (1 - 0.2) ** (-1 / 3) - w) ** (1 / 1.5) - a
        self.assertAlmostEqual(e["rul"], want, delta=1e-7 * want)
        self.assertEqual(e["survival"][1:], (e["rul_lo"], e["rul_hi"]))
        self.assertIsNone(vigil.Prognoser("peak", 20).estimate()["survival"])

    def test_errors_keep_state(self):
        p = vigil.Prognoser("rms", 4)
        p.update(0.0, 1.0)
        before = p.to_bytes()
        for t, v, status in ((0.0, 1.0, vigil.Status.EINVAL), (1.0, math.nan,
                             vigil.Status.ENONFINITE), (1.0, -1.0, vigil.Status.EINVAL)):
            with self.assertRaises(vigil.VigilError) as cm:
                p.update(t, v)
            self.assertEqual(cm.exception.status, status)
        self.assertEqual(p.to_bytes(), before)
        with self.assertRaises(vigil.VigilError):
            vigil.Prognoser("rms", 4, model="quadratic")
        with self.assertRaises(vigil.VigilError):
            vigil.Prognoser("rms", 4).update(0.0, 5.0)  # already failed at the start
        self.assertEqual(vigil.Prognoser("rms", 4).estimate()["reason"], "baseline")

    def test_snapshot_index(self):
        idx = vigil.snapshot_index(INDEX)
        self.assertEqual(len(idx), 40)
        self.assertEqual(idx[0], ("00001.csv.gz", 8 * 3600.0))
        self.assertEqual(idx[-1][1] - idx[0][1], 39 * 600.0)


if __name__ == "__main__":
    unittest.main()
