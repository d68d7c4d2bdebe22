#!/usr/bin/env python3
"""The vigil command's contract: help and version, exit status 2 with a one-line hint on wrong
usage, exit 1 with a file:line message on bad data, and the CSV layout of `vigil features`
(header from FEATURES.md, `source` column and per-file frame numbering with several files).
Standard library only.  check_cli.py VIGIL SOURCE_ROOT"""
import os
import subprocess
import sys
import tempfile
import unittest

VIGIL = sys.argv.pop(1)
ROOT = sys.argv.pop(1)
DEMO = os.path.join(ROOT, "datasets", "demo")
BASE = ("frame,t_start,mean,rms,std,peak,p2p,crest,kurtosis,skewness,shape,impulse,clearance,"
        "zcr,power,centroid,spread,flatness,entropy,peak_freq,peak_amp")


def run(*args, stdin=None):
    return subprocess.run([VIGIL] + list(args), capture_output=True, text=True, input=stdin)


class Cli(unittest.TestCase):
    def test_help_and_version(self):
        r = run("--help")
        self.assertEqual(r.returncode, 0)
        self.assertIn("features", r.stdout)
        r = run("features", "--help")
        self.assertEqual(r.returncode, 0)
        self.assertIn("--bands", r.stdout)
        r = run("--version")
        self.assertEqual(r.returncode, 0)
        self.assertRegex(r.stdout, r"^vigil \d+\.\d+\.\d+\n$")

    def test_usage_errors_exit_2_with_one_line(self):
        for args in (["frobnicate"], ["features", "x.csv"], ["features", "--rate", "abc", "x"],
                     ["features", "--rate", "100"], ["features", "--rate", "0", "x.csv"],
                     ["features", "--rate", "100", "--frame", "3", "x.csv"],
                     ["features", "--rate", "100", "--frame", "64", "--hop", "0", "x.csv"],
                     ["features", "--rate", "100", "--frame", "64", "--hop", "65", "x.csv"],
                     ["features", "--rate", "100", "--bands", "5-1", "x.csv"],
                     ["features", "--nope"], [],
                     ["diagnose", "--rate", "12000", "--bearing", "n=9,d=0.3,D=1.5",
                      "--shaft-range", "30-20", "x.csv"],
                     ["diagnose", "--rate", "12000", "--bearing", "n=9,d=0.3,D=1.5",
                      "--shaft-range", "0-30", "x.csv"],
                     ["diagnose", "--rate", "12000", "--bearing", "n=9,d=0.3,D=1.5",
                      "--shaft-range", "abc", "x.csv"],
                     # the specification's errors name the flag and the key (issue 14)
                     ["features", "--rate", "12000", "--bearing", "n=9,d=0.3,D=1.5",
                      "--envelope-band", "7000-9000", "x.csv"],
                     ["features", "--rate", "12000", "--severity", "--units", "furlongs", "x.csv"],
                     ["features", "--rate", "12000", "--units", "m/s2", "x.csv"],
                     ["features", "--spec", "/nonexistent.spec", "x.csv"],
                     ["train", "--rate", "100", "--detector", "forest", "-o", "m.vgm", "x.csv"],
                     ["monitor", "--model", "zscore", "x.csv"],
                     ["monitor", "--model", "m.vgm", "--learn", "10", "x.csv"],
                     ["inspect"]):
            r = run(*args)
            self.assertEqual(r.returncode, 2, args)
            self.assertEqual(r.stdout, "", args)
            self.assertEqual(len(r.stderr.strip().splitlines()), 1, (args, r.stderr))

    def test_data_errors_exit_1_with_location(self):
        with tempfile.TemporaryDirectory() as tmp:
            bad = os.path.join(tmp, "bad.csv")
            with open(bad, "w") as fh:
                fh.write("de\n" + "0.5\n" * 100 + "oops\n")
            r = run("features", "--rate", "1000", "--frame", "16", bad)
            self.assertEqual(r.returncode, 1)
            self.assertIn("bad.csv:102: bad number 'oops'", r.stderr)
            # the 6 frames before the bad line were printed: nothing read is lost
            self.assertEqual(len(r.stdout.splitlines()), 1 + 6)
            r = run("features", "--rate", "1000", "--frame", "16", "--column", "fe", bad)
            self.assertEqual(r.returncode, 1)
            self.assertIn("no column 'fe'", r.stderr)
            r = run("features", "--rate", "1000", os.path.join(tmp, "missing.csv"))
            self.assertEqual(r.returncode, 1)
            self.assertIn("cannot open", r.stderr)

    def test_features_layout(self):
        a = os.path.join(DEMO, "healthy.csv.gz")
        b = os.path.join(DEMO, "ball.csv.gz")
        r = run("features", "--rate", "12000", "--frame", "4096", "--hop", "2048",
                "--column", "de", "--bands", "0-500,500-2000", a)
        self.assertEqual(r.returncode, 0, r.stderr)
        lines = r.stdout.splitlines()
        self.assertEqual(lines[0], BASE + ",band_0_500,band_500_2000")
        # 2 s at 12 kHz = 24000 samples: frames at 0, 2048, ... while start + 4096 <= 24000
        self.assertEqual(len(lines) - 1, (24000 - 4096) // 2048 + 1)
        self.assertEqual(lines[2].split(",")[:2], ["1", "0.17066666666666666"])
        r2 = run("features", "--rate", "12000", "--frame", "4096", "--hop", "2048",
                 "--column", "0", "--bands", "0-500,500-2000", a, b)
        self.assertEqual(r2.returncode, 0, r2.stderr)
        lines2 = r2.stdout.splitlines()
        self.assertEqual(lines2[0], "source," + lines[0])
        self.assertEqual(lines2[1], a + "," + lines[1])
        starts = [l.split(",")[:2] for l in lines2[1:]]
        self.assertEqual(starts.count([b, "0"]), 1)  # numbering restarts for the second file
        # standard input gives the same rows as the file
        import gzip
        with gzip.open(a, "rt") as fh:
            r3 = run("features", "--rate", "12000", "--frame", "4096", "--hop", "2048",
                     "--column", "de", "--bands", "0-500,500-2000", "-", stdin=fh.read())
        self.assertEqual(r3.stdout, r.stdout)

    def test_common_mode_rows(self):
        """--rows --common-mode: a step shared by all four channels (a restart after a pause)
        cancels, a rise on one channel still alarms. The rows are generated here: 4 channels of
        rms and kurtosis with a deterministic +-2 % ripple, a x1.2 step on every channel at row
        200, and channel 3's rms growing to x3 from row 300."""
        import math
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "rows.csv")
            with open(path, "w") as fh:
                fh.write("timestamp," + ",".join("B%d_%s" % (c, f) for c in range(1, 5)
                                                 for f in ("rms", "kurtosis")) + "\n")
                for i in range(400):
                    vals = []
                    for c in range(4):
                        ripple = 1 + 0.02 * math.sin(0.7 * i + 1.3 * c)
                        rms = 0.1 * ripple * (1.2 if i >= 200 else 1.0)
                        if c == 2 and i >= 300:
                            rms *= 1 + 2 * (i - 300) / 100.0
                        vals += [rms, 3.0 + 0.05 * math.cos(0.9 * i + c)]
                    fh.write("%d," % (600 * i) + ",".join("%.9g" % v for v in vals) + "\n")
            base = ["monitor", "--rows", "--time-column", "timestamp", "--learn", "100",
                    "--detector", "zscore"]
            for extra, alarm_at_step in (([], True), (["--common-mode", "4"], False)):
                r = run(*(base + extra + [path]))
                self.assertEqual(r.returncode, 0, r.stderr)
                states = [l.split(",")[5] for l in r.stdout.splitlines()[1:]]
                # rows 100..399 are scored: index 0 is row 100
                step = states[200 - 100:300 - 100]
                self.assertEqual("alarm" in step, alarm_at_step, extra)
                self.assertEqual(states[-1], "alarm", extra)  # the one-channel fault
            r = run("monitor", "--rate", "100", "--common-mode", "4", "--learn", "10", path)
            self.assertEqual(r.returncode, 2)

    def test_train_monitor_groups_and_spec(self):
        """train and monitor take the group flags and --spec FILE as features does (issue 14,
        thin hosts): the model carries the groups, score makes the same rows as features, a
        --spec file and the same flags give one model id, a bad group value exits 2 naming the
        key."""
        a = os.path.join(DEMO, "healthy.csv.gz")
        b = os.path.join(DEMO, "outer_race.csv.gz")
        flags = ["--rate", "12000", "--frame", "4096", "--hop", "1024", "--column", "de",
                 "--bearing", "n=9,d=7.94,D=39.04", "--shaft-hz", "29.95", "--orders",
                 "--severity"]

        def model_id(path):
            r = run("inspect", path)
            self.assertEqual(r.returncode, 0, r.stderr)
            return [l for l in r.stdout.splitlines() if l.startswith("# model id:")][0]

        with tempfile.TemporaryDirectory() as tmp:
            m = os.path.join(tmp, "m.vgm")
            r = run("train", *flags, "-o", m, a)
            self.assertEqual(r.returncode, 0, r.stderr)
            feats = run("features", *flags, a)
            self.assertEqual(feats.returncode, 0, feats.stderr)
            header = feats.stdout.splitlines()[0].split(",")
            for col in ("env_bpfo", "order_1x", "velocity_rms_mm_s", "iso_zone"):
                self.assertIn(col, header)
            r = run("inspect", m)
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertIn("# columns: %d\n" % len(header), r.stdout)
            # issue 16: the calibration and the rate it states (1 - monitor.quantile)
            self.assertIn("# calibration: quantile, stated exceedance rate 0.005 of healthy "
                          "frames\n", r.stdout)
            for line in ("bearing = n=9,d=7.94,D=39.04,angle=0", "shaft.hz = 29.95",
                         "orders = on", "severity = on", "hop = 1024"):
                self.assertIn(line + "\n", r.stdout)
            # score --model frames with the model's groups: the same scores as a model trained
            # and scored on the rows vigil features prints with the same flags
            rows_h, rows_o = os.path.join(tmp, "h.csv"), os.path.join(tmp, "o.csv")
            with open(rows_h, "w") as fh:
                fh.write(feats.stdout)
            with open(rows_o, "w") as fh:
                fh.write(run("features", *flags, b).stdout)
            mr = os.path.join(tmp, "r.vgm")
            # rows carry no shaft rate: the bearing-aware default (issue 16) is named for them
            bearing_default = "rms,peak,crest,kurtosis,shape,impulse,clearance,env_bpfo," \
                              "env_bpfi,env_bsf"
            self.assertEqual(run("train", "--rows", "--features", bearing_default, "-o", mr,
                                 rows_h).returncode, 0)
            s1 = run("score", "--model", m, b)
            s2 = run("score", "--model", mr, rows_o)
            self.assertEqual(s1.returncode, 0, s1.stderr)
            self.assertEqual(s2.returncode, 0, s2.stderr)
            cut = lambda out: [l.split(",")[2:5] for l in out.splitlines()]
            self.assertEqual(cut(s1.stdout), cut(s2.stdout))
            self.assertGreater(len(s1.stdout.splitlines()), 10)
            # monitor --model continues with the same rows; monitor learns with the groups too
            r = run("monitor", "--model", m, b)
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertEqual(r.stdout, s1.stdout)
            # framing and group flags, and the settings the model holds, are refused, never
            # silently ignored
            for extra in (["--orders"], ["--rate", "12000"], ["--alarm", "kofn"],
                          ["--confirm", "3"], ["--confirm-time", "60"], ["--gap", "5"],
                          ["--gap-policy", "reref"], ["--relearn", "5"], ["--quantile", "0.9"],
                          ["--detector", "zscore"], ["--features", "x_rms"], ["--seed", "3"],
                          ["--conditions", "2"]):
                r = run("monitor", "--model", m, *extra, b)
                self.assertEqual(r.returncode, 2, extra)
                self.assertIn(extra[0], r.stderr)
            r = run("monitor", *flags, "--learn", "10", a, b)
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertEqual(r.stdout.splitlines()[-1].split(",")[0], b)
            # --spec FILE: the same settings as the flags give the same model id; flags after
            # it override its keys
            spec = os.path.join(tmp, "s.spec")
            with open(spec, "w") as fh:
                fh.write("rate = 12000\nframe = 4096\nhop = 1024\ncolumn = de\n"
                         "bearing = n=9,d=7.94,D=39.04\nshaft.hz = 29.95\norders = on\n"
                         "severity = on\n")
            m2, m3 = os.path.join(tmp, "m2.vgm"), os.path.join(tmp, "m3.vgm")
            r = run("monitor", "--model", m, "--spec", spec, b)
            self.assertEqual(r.returncode, 2)
            self.assertIn("--spec", r.stderr)
            r = run("train", "--spec", spec, "-o", m2, a)
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertEqual(model_id(m2), model_id(m))
            r = run("train", "--spec", spec, "--hop", "2048", "--detector", "zscore", "-o", m3, a)
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertNotEqual(model_id(m3), model_id(m))
            self.assertIn("hop = 2048\n", run("inspect", m3).stdout)
            # its monitor.* keys too, flags override them; inspect's output is a --spec file
            # that gives the model again
            with open(spec, "a") as fh:
                fh.write("monitor.detector = zscore\nmonitor.quantile = 0.99\n")
            m4, m5, m6 = (os.path.join(tmp, x) for x in ("m4.vgm", "m5.vgm", "m6.vgm"))
            self.assertEqual(run("train", "--spec", spec, "-o", m4, a).returncode, 0)
            out = run("inspect", m4).stdout
            self.assertIn("# detector: zscore\n", out)
            self.assertIn("monitor.quantile = 0.99\n", out)
            r = run("train", "--spec", spec, "--detector", "pca", "-o", m5, a)
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertIn("# detector: pca\n", run("inspect", m5).stdout)
            back = os.path.join(tmp, "back.spec")
            with open(back, "w") as fh:
                fh.write(out)
            self.assertEqual(run("train", "--spec", back, "-o", m6, a).returncode, 0)
            self.assertEqual(model_id(m6), model_id(m4))
            # a bad group value: exit 2, one line naming the key, nothing written
            bad = os.path.join(tmp, "bad.vgm")
            for cmd in (["train", "-o", bad], ["monitor", "--learn", "10"]):
                for extra, key in ((["--bearing", "n=9,d=7.94,D=39.04", "--envelope-band",
                                     "7000-8000"], "envelope.band"),
                                   (["--severity", "--units", "furlongs"], "severity.units"),
                                   (["--shaft-range", "50-10"], "shaft.range")):
                    r = run(cmd[0], "--rate", "12000", *extra, *cmd[1:], a)
                    self.assertEqual(r.returncode, 2, (cmd, extra, r.stderr))
                    self.assertIn(key, r.stderr)
                    self.assertEqual(len(r.stderr.splitlines()), 1, r.stderr)
                    self.assertEqual(r.stdout, "")
            self.assertFalse(os.path.exists(bad))
            for cmd in ("train", "monitor"):
                r = run(cmd, "--help")
                for flag in ("--spec", "--bearing", "--envelope-band", "--orders", "--severity"):
                    self.assertIn(flag, r.stdout, cmd)


if __name__ == "__main__":
    unittest.main(verbosity=2)
