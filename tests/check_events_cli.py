#!/usr/bin/env python3
"""vigil monitor --events (issue 16, "Explanations a planner can read"): one line per alarm
event with its channel, times and the features that drove it. A generated feature table whose
healthy rows cycle through 10 + {-2,-1,0,1,2} (median 10, MAD 1: baseline scale 1.4826) steps
h_kurtosis by +8 from row 300: every event names h_kurtosis first at +8/1.4826 = +5.4 (closed
form; printed to 0.1), its onset is the step's first row, and the events are exactly the state
changes of the per-frame output of the same run (an independent reading of the same stream).
A machine (--channels, common mode off) names the stepped channel. Standard library only.
check_events_cli.py VIGIL"""
import csv
import io
import os
import subprocess
import sys
import tempfile
import unittest

VIGIL = sys.argv.pop(1)
STATS = ["x_rms", "x_crest", "h_kurtosis", "x_peak"]
LEARN, STEP_AT, STEP_ROWS, ROWS = 200, 300, 80, 480


def value(i, j, stepped):
    if i < LEARN:
        v = 10.0 + (-2, -1, 0, 1, 2)[(i + j) % 5]
    else:
        v = 10.0 + (-1, 0, 1)[(i + j) % 3]
    if stepped and STATS[j] == "h_kurtosis" and STEP_AT <= i < STEP_AT + STEP_ROWS:
        v = 18.0
    return v


def table(path, channels=None, stepped="B2"):
    cols = STATS if not channels else [c + "_" + s for c in channels for s in STATS]
    with open(path, "w") as f:
        f.write("timestamp," + ",".join(cols) + "\n")
        for i in range(ROWS):
            if channels:
                vals = [value(i, j, c == stepped) for c in channels for j in range(len(STATS))]
            else:
                vals = [value(i, j, True) for j in range(len(STATS))]
            f.write("%d,%s\n" % (60 * i, ",".join("%.9g" % v for v in vals)))


def run(*args):
    return subprocess.run([VIGIL] + list(args), capture_output=True, text=True)


class EventsCli(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.d = self.tmp.name

    def tearDown(self):
        self.tmp.cleanup()

    def monitor(self, *args):
        r = run("monitor", "--rows", "--time-column", "timestamp", "--learn", str(LEARN), *args)
        self.assertEqual(r.returncode, 0, r.stderr)
        return list(csv.DictReader(io.StringIO(r.stdout)))

    def check_events(self, events, channel):
        self.assertGreaterEqual(len(events), 3)  # warn, alarm, back to ok
        for e in events:
            self.assertEqual(e["channel"], channel)
            self.assertEqual(e["kind"], "change")
            self.assertEqual(float(e["onset"]), 60.0 * STEP_AT)
            self.assertTrue(e["features"].startswith("h_kurtosis +5.4"), e["features"])
            # the other features swung by at most 1 in the scored rows: +0.7 (1/1.4826)
            for pair in e["features"].split(", ")[1:]:
                self.assertTrue(pair.endswith(" +0.7"), e["features"])
        self.assertEqual([e["to"] for e in events][-1], "ok")

    def test_single_monitor(self):
        t = os.path.join(self.d, "one.csv")
        table(t)
        events = self.monitor("--events", t)
        self.assertEqual(list(events[0].keys()),
                         ["channel", "t", "from", "to", "kind", "onset", "features"])
        self.check_events(events, "")
        # the same run per frame: the events are its state changes, at the same times
        frames = self.monitor(t)
        changes, prev = [], "ok"
        for f in frames:
            if f["state"] != prev:
                changes.append((float(f["t_start"]), prev, f["state"]))
            prev = f["state"]
        self.assertEqual(changes, [(float(e["t"]), e["from"], e["to"]) for e in events])

    def test_machine_names_the_channel(self):
        t = os.path.join(self.d, "machine.csv")
        table(t, ["B1", "B2", "B3"], stepped="B2")
        events = self.monitor("--channels", "B1,B2,B3", "--common-mode", "off", "--events", t)
        self.check_events(events, "B2")
        # several files: a source column first
        events = self.monitor("--channels", "B1,B2,B3", "--common-mode", "off", "--events", t, t)
        self.assertEqual(list(events[0].keys())[:2], ["source", "channel"])

    def test_summary_and_events_refused(self):
        t = os.path.join(self.d, "one.csv")
        table(t)
        r = run("monitor", "--rows", "--learn", str(LEARN), "--summary", "--events", t)
        self.assertEqual(r.returncode, 2)
        self.assertIn("--summary or --events", r.stderr)


if __name__ == "__main__":
    unittest.main()
