#!/usr/bin/env python3
"""`vigil monitor --rows --time-column` on real-export quirks (issue 16): a clock set back by an
hour, a repeated row, empty / NaN values, a missing timestamp and a forward jump of a month, each
at the first row of the file (learning), the first scored row, the middle and the last row. The
command must finish every file with exit 0, score every other row, and report the counts of
the time-quirk policy (docs/MODELS.md) in --summary and on stderr. The expected counts come
from the construction of each file. Standard library only.
check_cli_quirks.py VIGIL"""
import math
import os
import subprocess
import sys
import tempfile
import unittest

VIGIL = sys.argv.pop(1)
N, LEARN, DT = 300, 100, 300.0  # rows, learnt rows, seconds between rows (5 min)
T0 = 1388534400  # 2014-01-01 00:00:00 UTC
POSITIONS = {"first row": 0, "first scored row": LEARN, "middle": 200, "last row": N - 1}


def stamp(t):
    days, rem = divmod(int(t), 86400)
    # civil date from days since 1970-01-01 (H. Hinnant's civil_from_days)
    z = days + 719468
    era = z // 146097
    doe = z - era * 146097
    yoe = (doe - doe // 1460 + doe // 36524 - doe // 146096) // 365
    doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
    mp = (5 * doy + 2) // 153
    d = doy - (153 * mp + 2) // 5 + 1
    m = mp + 3 if mp < 10 else mp - 9
    y = yoe + era * 400 + (m <= 2)
    return "%04d-%02d-%02d %02d:%02d:%02d" % (y, m, d, rem // 3600, rem // 60 % 60, rem % 60)


def make(quirk, p):
    """Rows of one file and the expected counts (scored rows, counters)."""
    rows = []
    for i in range(N):
        t = T0 + DT * i
        if quirk == "back" and i >= p:
            t -= 3600.0
        if quirk == "jump" and i >= p:
            t += 30 * 86400.0
        v = "%.6f" % (70.0 + 0.5 * math.sin(i / 7.0) + 0.1 * math.cos(i * 1.3))
        ts = stamp(t)
        if i == p and quirk in ("empty", "nan"):
            v = "" if quirk == "empty" else "NaN"
        if i == p and quirk == "no time":
            ts = ""
        rows.append("%s,%s" % (ts, v))
        if i == p and quirk == "duplicate":
            rows.append(rows[-1])
    scored = N - LEARN
    k = dict(steps_back=0, repeats=0, duplicates=0, rejected=0, gaps=0)
    learning = p < LEARN
    if quirk in ("empty", "nan", "no time"):
        k["rejected"] = 1
        # a row missing in learning is skipped and the next one learnt instead
        scored -= 1
    elif quirk == "duplicate" and not learning:
        k["duplicates"] = 1
    elif quirk == "duplicate" and learning:
        scored += 1  # learning ignores time: the row is learnt twice, one more row scored
    elif quirk == "back" and p > LEARN:
        k["steps_back"] = 1
    elif quirk == "jump" and p > LEARN + 15:
        # the automatic gap rule learns from the first 15 scored intervals: a jump inside
        # them is one of them (a fixed --gap catches it; not the default)
        k["gaps"] = 1
    k["segments"] = 1 + k["steps_back"] + k["repeats"] + k["gaps"]
    return ["timestamp,value"] + rows, scored, k


COLS = "source,frames,score_median,score_max,alarm_frames,state,segments,gaps,steps_back,repeats,duplicates,rejected"


class Quirks(unittest.TestCase):
    def test_table(self):
        with tempfile.TemporaryDirectory() as tmp:
            for quirk in ("back", "duplicate", "empty", "nan", "no time", "jump"):
                for where, p in POSITIONS.items():
                    if quirk in ("back", "jump") and p == 0:
                        continue  # no previous row to step from
                    with self.subTest(quirk=quirk, where=where):
                        lines, scored, k = make(quirk, p)
                        path = os.path.join(tmp, "x.csv")
                        with open(path, "w") as fh:
                            fh.write("\n".join(lines) + "\n")
                        base = ["monitor", "--rows", "--time-column", "timestamp",
                                "--learn", str(LEARN), "--detector", "zscore"]
                        r = subprocess.run([VIGIL] + base + ["--summary", path],
                                           capture_output=True, text=True)
                        self.assertEqual(r.returncode, 0, r.stderr)
                        out = r.stdout.splitlines()
                        self.assertEqual(out[0], COLS)
                        got = dict(zip(COLS.split(","), out[1].split(",")))
                        self.assertEqual(int(got["frames"]), scored)
                        for name, want in k.items():
                            self.assertEqual(int(got[name]), want, name)
                        quirky = any(k[n] for n in ("steps_back", "duplicates", "rejected"))
                        self.assertEqual("vigil monitor: " in r.stderr, quirky, r.stderr)
                        if quirky:
                            self.assertIn("%d exact duplicates dropped, %d rows with a missing"
                                          % (k["duplicates"], k["rejected"]), r.stderr)
                        # per-frame output: one line per scored row, nothing printed for a
                        # dropped or rejected one
                        r = subprocess.run([VIGIL] + base + [path], capture_output=True,
                                           text=True)
                        self.assertEqual(r.returncode, 0, r.stderr)
                        self.assertEqual(len(r.stdout.splitlines()) - 1, scored)

    def test_clock_set_back_keeps_scoring(self):
        """The issue's example: a historian export whose clock is set back by an hour in the
        middle stops nothing, and the rows after the step are scored."""
        lines, scored, k = make("back", 200)
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "x.csv")
            with open(path, "w") as fh:
                fh.write("\n".join(lines) + "\n")
            r = subprocess.run([VIGIL, "monitor", "--rows", "--time-column", "timestamp",
                                "--learn", str(LEARN), path], capture_output=True, text=True)
            self.assertEqual(r.returncode, 0, r.stderr)
            times = [float(l.split(",")[1]) for l in r.stdout.splitlines()[1:]]
            self.assertEqual(len(times), N - LEARN)
            self.assertEqual(times[-1], T0 + DT * (N - 1) - 3600.0)
            self.assertEqual(sum(b < a for a, b in zip(times, times[1:])), 1)


if __name__ == "__main__":
    unittest.main(verbosity=2)
