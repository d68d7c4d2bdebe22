#!/usr/bin/env python3
"""vigil monitor --channels (issue 16): a machine's channels in one run. The references are
independent runs of the same command on one monitor: with common mode off, channel B3 of the
machine scores exactly as `vigil monitor --rows --features B3_...` on the same table, and a
sample channel exactly as `vigil monitor --column C`; a step shared by every channel alarms
every channel without common mode and none with it (on by default from 3 channels), while the
channel that degrades alarms either way; -o / --model continue a machine bit for bit (the
stream state in the saved file); --summary has a row per channel and file; inspect prints the
channels; bad channel lists exit 2 or 1 with a message. Standard library only.
check_machine_cli.py VIGIL"""
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
CH = ["B1", "B2", "B3", "B4"]
STATS = ["x_rms", "x_kurtosis", "x_max", "y_rms", "y_kurtosis", "y_max"]


def run(*args):
    return subprocess.run([VIGIL] + list(args), capture_output=True, text=True)


def table(path, rows, first=0, step_at=200, fault_at=300):
    """Feature table: timestamp (s, 600 apart) and CH x STATS; every channel steps x1.2 (+0.3
    kurtosis) at step_at, B3 degrades from fault_at."""
    rnd = random.Random(1234 + first)
    with open(path, "w") as f:
        f.write("timestamp," + ",".join(c + "_" + s for c in CH for s in STATS) + "\n")
        for i in range(first, first + rows):
            vals = []
            for g, c in enumerate(CH):
                step = 1.2 if i >= step_at else 1.0
                fault = 1.0 + 0.04 * (i - fault_at) if c == "B3" and i >= fault_at else 1.0
                for s in STATS:
                    if "kurtosis" in s:
                        v = 3.0 + (0.3 if i >= step_at else 0.0) + 0.1 * rnd.gauss(0, 1) + \
                            (fault - 1.0)
                    else:
                        base = (1.0 + 0.1 * g) * (4.0 if "max" in s else 1.0)
                        v = base * step * fault * (1.0 + 0.02 * rnd.gauss(0, 1))
                    vals.append("%.9g" % v)
            f.write("%d,%s\n" % (600 * i, ",".join(vals)))


def rows_of(out):
    return list(csv.DictReader(io.StringIO(out)))


class MachineCli(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.d = self.tmp.name
        self.t = os.path.join(self.d, "machine.csv")
        table(self.t, 400)

    def tearDown(self):
        self.tmp.cleanup()

    def monitor(self, *args):
        r = run("monitor", "--rows", "--time-column", "timestamp", "--learn", "100", *args)
        self.assertEqual(r.returncode, 0, r.stderr)
        return rows_of(r.stdout)

    def test_channel_equals_one_monitor_without_common_mode(self):
        m = self.monitor("--channels", ",".join(CH), "--common-mode", "off", self.t)
        self.assertEqual(list(m[0].keys())[:3], ["channel", "frame", "t_start"])
        self.assertEqual(len(m), 4 * 300)
        one = self.monitor("--features", ",".join("B3_" + s for s in STATS), self.t)
        b3 = [r for r in m if r["channel"] == "B3"]
        self.assertEqual(len(b3), len(one))
        for a, b in zip(b3, one):
            for k in ("frame", "t_start", "score", "threshold", "state"):
                self.assertEqual(a[k], b[k], k)
            self.assertEqual("B3_" + a["top_feature"], b["top_feature"])

    def test_common_mode_cancels_a_shared_step(self):
        def alarms(rows, ch, lo, hi):
            return sum(1 for r in rows if r["channel"] == ch and lo <= int(r["frame"]) < hi
                       and r["state"] == "alarm")
        off = self.monitor("--channels", ",".join(CH), "--common-mode", "off", self.t)
        on = self.monitor("--channels", ",".join(CH), self.t)  # the default for 4 channels
        for ch in ("B1", "B2", "B4"):
            self.assertGreater(alarms(off, ch, 210, 300), 50, ch)
            self.assertEqual(alarms(on, ch, 100, 400), 0, ch)
        self.assertGreater(alarms(on, "B3", 330, 400), 50)
        self.assertEqual(alarms(on, "B3", 100, 300), 0)

    def test_save_and_continue(self):
        a = os.path.join(self.d, "a.csv")
        b = os.path.join(self.d, "b.csv")
        c = os.path.join(self.d, "c.csv")
        table(a, 100, 0)
        table(b, 250, 100)  # ends with B3 in alarm: the saved stream state carries it
        table(c, 50, 350)
        m1 = os.path.join(self.d, "m1.vgm")
        m2 = os.path.join(self.d, "m2.vgm")
        whole = self.monitor("--channels", ",".join(CH), a, b, c)
        r = run("monitor", "--rows", "--time-column", "timestamp", "--learn", "100",
                "--channels", ",".join(CH), "-o", m1, a)
        self.assertEqual(r.returncode, 0, r.stderr)
        r = run("monitor", "--model", m1, "-o", m2, b)
        self.assertEqual(r.returncode, 0, r.stderr)
        part_b = rows_of(r.stdout)
        r = run("monitor", "--model", m2, c)
        self.assertEqual(r.returncode, 0, r.stderr)
        part_c = rows_of(r.stdout)
        # the settings are the model's: a flag that would change them is refused
        for extra in (["--alarm", "kofn"], ["--gap", "5"], ["--detector", "pca"]):
            r = run("monitor", "--model", m2, *extra, c)
            self.assertEqual(r.returncode, 2, extra)
            self.assertIn(extra[0], r.stderr)
        # the whole run's rows for b then c (its source column aside) are the continued runs'
        strip = [{k: v for k, v in x.items() if k != "source"} for x in whole]
        self.assertEqual(strip, part_b + part_c)
        self.assertTrue(any(x["state"] == "alarm" for x in part_c))
        r = run("inspect", m2)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("4 channels, B1 B2 B3 B4; common mode on", r.stdout)
        self.assertEqual(r.stdout.count("# channel "), 4)
        self.assertIn("channel = B3", r.stdout)
        # a machine's model is not one monitor's: score refuses it naming the loader
        r = run("score", "--model", m1, b)
        self.assertEqual(r.returncode, 1)
        self.assertIn("vigil_machine_load", r.stderr)

    def test_summary_row_per_channel_and_file(self):
        a = os.path.join(self.d, "a.csv")
        table(a, 150, 0)
        r = run("monitor", "--rows", "--time-column", "timestamp", "--learn", "100",
                "--channels", "B1,B3", "--summary", a, self.t)
        self.assertEqual(r.returncode, 0, r.stderr)
        s = rows_of(r.stdout)
        self.assertEqual([(x["source"], x["channel"]) for x in s],
                         [(a, "B1"), (a, "B3"), (self.t, "B1"), (self.t, "B3")])
        self.assertEqual(s[0]["frames"], "50")
        self.assertEqual(s[2]["frames"], "400")

    def test_samples_channels_equal_one_column(self):
        p = os.path.join(self.d, "s.csv")
        rnd = random.Random(5)
        with open(p, "w") as f:
            f.write("de,fe\n")
            for i in range(256 * 60):
                amp = 1.0 + (0.5 if i > 256 * 45 else 0.0)
                f.write("%.6f,%.6f\n" % (amp * math.sin(0.3 * i) + 0.1 * rnd.gauss(0, 1),
                                         0.5 * math.sin(0.7 * i) + 0.1 * rnd.gauss(0, 1)))
        args = ["monitor", "--rate", "1000", "--frame", "256", "--learn", "20"]
        r = run(*args, "--channels", "de,fe", p)
        self.assertEqual(r.returncode, 0, r.stderr)
        m = rows_of(r.stdout)
        for col in ("de", "fe"):
            r = run(*args, "--column", col, p)
            self.assertEqual(r.returncode, 0, r.stderr)
            one = rows_of(r.stdout)
            mine = [{k: v for k, v in x.items() if k != "channel"} for x in m
                    if x["channel"] == col]
            self.assertEqual(mine, one, col)

    def test_quirks_and_missing_values_do_not_stop(self):
        p = os.path.join(self.d, "q.csv")
        table(p, 300)
        with open(p) as f:
            lines = f.read().splitlines()
        lines.insert(200, lines[199])                       # an exact duplicate
        lines[250] = lines[250].split(",", 2)[0] + ",," + lines[250].split(",", 2)[2]  # empty
        with open(p, "w") as f:
            f.write("\n".join(lines) + "\n")
        r = run("monitor", "--rows", "--time-column", "timestamp", "--learn", "100",
                "--channels", ",".join(CH), "--summary", p)
        self.assertEqual(r.returncode, 0, r.stderr)
        s = rows_of(r.stdout)
        for x in s:
            self.assertEqual((x["duplicates"], x["rejected"]), ("1", "1"), x["channel"])
        self.assertIn("channel B1", r.stderr)

    def test_bad_channel_lists(self):
        base = ["monitor", "--rows", "--time-column", "timestamp", "--learn", "100"]
        for args, code, text in (
                (["--channels", "B1,,B2"], 2, "--channels"),
                (["--channels", "B1,B2", "--common-mode", "4"], 2, "--common-mode"),
                (["--channels", "B1,B9"], 1, "B9"),
                (["--channels", "B1,B1"], 1, "twice"),
                (["--common-mode", "on"], 2, "--channels")):
            r = run(*(base + args + [self.t]))
            self.assertEqual(r.returncode, code, (args, r.stderr))
            self.assertIn(text, r.stderr, args)
            self.assertEqual(r.stdout.count("\n"), 0 if code == 2 else r.stdout.count("\n"))


if __name__ == "__main__":
    unittest.main()
