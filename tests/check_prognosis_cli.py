#!/usr/bin/env python3
"""Remaining life from the vigil command on generated snapshot histories: `vigil prior` from
three run-to-failure histories, `vigil monitor --interval/--index --failure --prior` adding
rul,rul_lo,rul_hi, a run split in two with `-o` and `--model` giving the same estimates as one
run, usage and data errors. The histories are written here (standard library only): 256-sample
snapshots of a 1 kHz tone with noise whose amplitude is flat, then grows exponentially until a
snapshot's peak passes 20.  check_prognosis_cli.py VIGIL"""
import csv
import io
import math
import os
import random
import subprocess
import sys
import tempfile
import unittest

VIGIL = sys.argv.pop(1)
RATE = 25600.0


def run(*args):
    return subprocess.run([VIGIL] + list(args), capture_output=True, text=True)


def write_history(folder, seed, healthy, rate, clock0=None, cap=3000):
    """Snapshots every 10 s; returns the number of snapshots. With clock0 (seconds after
    midnight), an index.tsv with clock times that roll over at midnight."""
    rng = random.Random(seed)
    os.makedirs(folder)
    rows = []
    k = 0
    while True:
        tau = max(0.0, 10.0 * k - healthy)
        amp = 1.5 * math.exp(rate * tau + 0.1 * rng.gauss(0, 1))
        name = "%05d.csv" % (k + 1)
        with open(os.path.join(folder, name), "w") as f:
            f.write("h\n")
            peak = 0.0
            for i in range(256):
                x = amp * (0.6 * math.sin(2 * math.pi * 1000 * i / RATE) + 0.4 * rng.gauss(0, 1) / 3)
                peak = max(peak, abs(x))
                f.write("%.6f\n" % x)
        if clock0 is not None:
            t = (clock0 + 10.0 * k) % 86400.0
            rows.append("%s\t%02d:%02d:%09.6f\t256" % (name, t // 3600, t % 3600 // 60, t % 60))
        k += 1
        if peak >= 20.0 or k >= cap:
            break
    if rows:
        with open(os.path.join(folder, "index.tsv"), "w") as f:
            f.write("snapshot\ttime\tsamples\n" + "\n".join(rows) + "\n")
    with open(os.path.join(folder, "notes.txt"), "w") as f:
        f.write("not a snapshot: ignored\n")
    return k


class PrognosisCli(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        d = cls.tmp.name
        cls.fleet = []
        for i, (healthy, rate) in enumerate([(1500, 1 / 700), (2500, 1 / 900), (2000, 1 / 600)]):
            cls.fleet.append(os.path.join(d, "unit%d" % i))
            write_history(cls.fleet[-1], i, healthy, rate)
        cls.target = os.path.join(d, "target")
        # starts 20 min before midnight: the index's clock rolls over
        cls.n = write_history(cls.target, 99, 2000, 1 / 750, clock0=86400.0 - 1200.0)
        cls.files = sorted(os.path.join(cls.target, f) for f in os.listdir(cls.target)
                           if f.endswith(".csv"))
        cls.prior = os.path.join(d, "fleet.prior")
        r = run("prior", "--rate", "25600", "--interval", "10", "--failure", "peak:20",
                "-o", cls.prior, *cls.fleet)
        assert r.returncode == 0, r.stderr
        cls.prior_out = r.stdout

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def monitor(self, *extra, files=None):
        r = run("monitor", "--rate", "25600", "--learn", "20", *extra, *(files or self.files))
        self.assertEqual(r.returncode, 0, r.stderr)
        return list(csv.DictReader(io.StringIO(r.stdout)))

    def test_prior_rows(self):
        rows = list(csv.DictReader(io.StringIO(self.prior_out)))
        self.assertEqual([r["used"] for r in rows], ["yes"] * 3)
        for r in rows:  # each life: 10 s per snapshot after the first
            self.assertEqual(float(r["life_s"]), 10.0 * (int(r["snapshots"]) - 1))
        for r, healthy in zip(rows, (1500, 2500, 2000)):
            # the onset test needs a doubling of the peak: within 0.7 / rate of the true start
            self.assertTrue(healthy <= float(r["onset_s"]) + 300 <= healthy + 1300, r)
            self.assertGreater(float(r["growth_per_hour"]), 0)

    def test_monitor_adds_rul(self):
        rows = self.monitor("--interval", "10", "--failure", "peak:20", "--prior", self.prior)
        self.assertEqual(list(rows[0])[-3:], ["rul", "rul_lo", "rul_hi"])
        self.assertEqual(len(rows), self.n - 20)  # one row per snapshot after learning
        # while healthy the fleet's survival model answers (the prior has the lives): the
        # median of the Lomax predictive of Weibull lives (shape 1.5) given the age, counted
        # from the first learning row (the first file, t = 0), not the first scored one
        self.assertNotEqual(rows[0]["rul"], "")
        lives = [float(r["life_s"]) for r in csv.DictReader(io.StringIO(self.prior_out))]
        w, age = sum(x ** 1.5 for x in lives), float(rows[0]["t_start"])
        self.assertEqual(age, 200.0)
        want = ((w + age ** 1.5) * 2.0 ** (1.0 / len(lives)) - w) ** (1.0 / 1.5) - age
        self.assertAlmostEqual(float(rows[0]["rul"]), want, delta=1e-9 * want)
        est = [r for r in rows if r["rul"]]
        self.assertGreater(len(est), 20)
        fail_t = 10.0 * (self.n - 1)
        covered = 0
        for r in est:
            rul, lo, hi = float(r["rul"]), float(r["rul_lo"]), float(r["rul_hi"])
            self.assertTrue(0 <= lo <= rul <= hi, r)
            truth = fail_t - float(r["t_start"])
            covered += lo <= truth <= hi
        self.assertGreater(covered / len(est), 0.8)
        # without a prior: estimates too (wider), and the summary carries the columns
        s = self.monitor("--interval", "10", "--failure", "peak:20", "--summary")
        self.assertEqual(list(s[0])[-3:], ["rul", "rul_lo", "rul_hi"])
        self.assertEqual(s[0]["rul"], "")  # no estimate while healthy, without a fleet
        self.assertNotEqual(s[-1]["rul"], "")

    def test_index_and_continuation(self):
        index = os.path.join(self.target, "index.tsv")
        one = self.monitor("--index", index, "--failure", "peak:20", "--prior", self.prior)
        times = [float(r["t_start"]) for r in one]
        self.assertTrue(all(b - a == 10.0 or abs(b - a - 10.0) < 1e-6
                            for a, b in zip(times, times[1:])), "midnight not rolled over")
        # the same history in two runs: -o saves the state at the end, --model continues
        model = os.path.join(self.tmp.name, "target.vgm")
        half = len(self.files) // 2
        first = self.monitor("--index", index, "--failure", "peak:20", "--prior", self.prior,
                             "-o", model, files=self.files[:half])
        r = run("monitor", "--model", model, "--index", index, *self.files[half:])
        self.assertEqual(r.returncode, 0, r.stderr)
        second = list(csv.DictReader(io.StringIO(r.stdout)))
        both = first + second
        self.assertEqual(len(both), len(one))
        self.assertEqual([x["rul"] for x in both], [x["rul"] for x in one])
        self.assertEqual([x["rul_hi"] for x in both], [x["rul_hi"] for x in one])

    def test_prior_takes_the_specification(self):
        # the rows are made from the same specification as features and monitor: a --spec
        # file with the flags' keys gives the same prior, byte for byte, and a group's column
        # (here --severity's velocity) is an indicator prior accepts
        spec = os.path.join(self.tmp.name, "s.spec")
        with open(spec, "w") as fh:
            fh.write("rate = 25600\n")
        p2 = os.path.join(self.tmp.name, "spec.prior")
        r = run("prior", "--spec", spec, "--interval", "10", "--failure", "peak:20", "-o", p2,
                *self.fleet)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stdout, self.prior_out)
        with open(p2, "rb") as a, open(self.prior, "rb") as b:
            self.assertEqual(a.read(), b.read())
        feats = run("features", "--rate", "25600", "--frame", "256", "--severity",
                    self.files[-1])
        self.assertEqual(feats.returncode, 0, feats.stderr)
        last = list(csv.DictReader(io.StringIO(feats.stdout)))[-1]
        level = 0.5 * float(last["velocity_rms_mm_s"])  # reached before each unit's end
        p3 = os.path.join(self.tmp.name, "velocity.prior")
        r = run("prior", "--rate", "25600", "--severity", "--interval", "10", "--failure",
                "velocity_rms_mm_s:%r" % level, "-o", p3, *self.fleet)
        self.assertEqual(r.returncode, 0, r.stderr)
        used = [x["used"] for x in csv.DictReader(io.StringIO(r.stdout))]
        self.assertEqual(used, ["yes"] * len(self.fleet), r.stdout)
        # monitor with the same options takes that prior
        rows = self.monitor("--severity", "--interval", "10", "--failure",
                            "velocity_rms_mm_s:%r" % level, "--prior", p3)
        self.assertTrue(any(x["rul"] for x in rows))

    def test_errors(self):
        for args in (["prior", "--rate", "25600", "--interval", "10", "-o", "x", "d"],
                     ["prior", "--rate", "25600", "--failure", "peak:20", "-o", "x", "d"],
                     ["prior", "--rate", "25600", "--interval", "10", "--failure", "peak",
                      "-o", "x", "d"],
                     ["monitor", "--rate", "25600", "--learn", "20", "--interval", "-1", "x"],
                     ["monitor", "--rate", "25600", "--learn", "20", "--failure", "peak:x",
                      "x"]):
            r = run(*args)
            self.assertEqual(r.returncode, 2, args)
            self.assertEqual(len(r.stderr.strip().splitlines()), 1, r.stderr)
        # a prior for another failure level or feature: exit 1, the message names both
        r = run("monitor", "--rate", "25600", "--learn", "20", "--interval", "10",
                "--failure", "peak:15", "--prior", self.prior, *self.files)
        self.assertEqual(r.returncode, 1)
        self.assertIn("failing at 20", r.stderr)
        r = run("monitor", "--rate", "25600", "--learn", "20", "--interval", "10",
                "--failure", "nosuch:20", *self.files)
        self.assertEqual(r.returncode, 1)
        self.assertIn("nosuch", r.stderr)
        # a history that never degrades is reported and left out
        flat = os.path.join(self.tmp.name, "flat")
        write_history(flat, 5, 1e9, 1 / 700, cap=300)  # never degrades
        r = run("prior", "--rate", "25600", "--interval", "10", "--failure", "peak:20",
                "-o", os.path.join(self.tmp.name, "p2"), flat, *self.fleet[:2])
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("flat,300,2990,no", r.stdout)


if __name__ == "__main__":
    unittest.main()
