"""vigil.Machine (issue 16): equal to `vigil monitor --rows --channels` on a generated feature
table to the last printed digit (%.17g), for the library's common-mode rule and with it off; a
machine saved from Python is continued by the command and the reverse; pickling; the channel
monitors' getters; errors. Runs with or without numpy."""

import csv
import io
import math
import os
import pickle
import random
import subprocess
import tempfile
import unittest

import support

import vigil

CH = ["B1", "B2", "B3", "B4"]
STATS = ["x_rms", "x_kurtosis", "x_max"]
LEARN = 100


def make_rows(count=300, seed=3):
    """Rows (channel-major) and times: a shared step at row 150, B3 degrading from 220."""
    rnd = random.Random(seed)
    rows, times = [], []
    for i in range(count):
        r = []
        for g, c in enumerate(CH):
            step = 1.2 if i >= 150 else 1.0
            fault = 1.0 + 0.04 * (i - 220) if c == "B3" and i >= 220 else 1.0
            r += [(1 + 0.1 * g) * step * fault * (1 + 0.02 * rnd.gauss(0, 1)),
                  3.0 + 0.1 * rnd.gauss(0, 1) + (fault - 1.0),
                  4 * (1 + 0.1 * g) * step * fault * (1 + 0.03 * rnd.gauss(0, 1))]
        rows.append(r)
        times.append(600.0 * i)
    return rows, times


def write_table(path, rows, times):
    with open(path, "w") as f:
        f.write("timestamp," + ",".join(c + "_" + s for c in CH for s in STATS) + "\n")
        for t, r in zip(times, rows):
            f.write("%d,%s\n" % (t, ",".join("%.17g" % v for v in r)))


def cli(*args):
    r = subprocess.run([support.EXE, "monitor"] + list(args), check=True,
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, universal_newlines=True)
    assert r.stderr == "", r.stderr  # no time quirk: the continued clock is the table's
    return list(csv.DictReader(io.StringIO(r.stdout)))


class MachineTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.rows, self.times = make_rows()
        self.table = os.path.join(self.tmp.name, "m.csv")
        write_table(self.table, self.rows, self.times)

    def tearDown(self):
        self.tmp.cleanup()

    def compare(self, py, ref):
        for ch in CH:
            mine = py[ch]
            theirs = [r for r in ref if r["channel"] == ch]
            self.assertEqual(len(mine["score"]), len(theirs))
            for i, r in enumerate(theirs):
                self.assertEqual("%.17g" % mine["score"][i], r["score"])
                self.assertEqual("%.17g" % mine["threshold"][i], r["threshold"])
                self.assertEqual(mine["state"][i], r["state"])
                self.assertEqual(mine["top_feature"][i], r["top_feature"])

    def run_machine(self, **kw):
        m = vigil.Machine(CH, STATS, **kw)
        m.learn(self.rows[:LEARN])
        m.fit()
        return m, m.score(self.rows[LEARN:], self.times[LEARN:])

    def test_equals_command(self):
        m, py = self.run_machine()
        self.assertTrue(m.common_mode)
        self.assertEqual(m.channels, tuple(CH))
        self.assertEqual(m.width, 3)
        ref = cli("--rows", "--time-column", "timestamp", "--learn", str(LEARN), "--channels",
                  ",".join(CH), self.table)
        self.compare(py, ref)
        self.assertIn("alarm", py["B3"]["state"])
        self.assertNotIn("alarm", py["B1"]["state"])
        m.close()
        m, py = self.run_machine(common_mode=False)
        ref = cli("--rows", "--time-column", "timestamp", "--learn", str(LEARN), "--channels",
                  ",".join(CH), "--common-mode", "off", self.table)
        self.compare(py, ref)
        self.assertIn("alarm", py["B1"]["state"])  # the shared step, without common mode
        m.close()

    def test_events_equal_command(self):
        """Machine.events() (issue 16 explanations) equals `vigil monitor --events`: channel,
        times, states, kind and the quoted features, the degrading B3 named."""
        m, _ = self.run_machine()
        ev = m.events()
        m.close()
        ref = cli("--rows", "--time-column", "timestamp", "--learn", str(LEARN), "--channels",
                  ",".join(CH), "--events", self.table)
        self.assertEqual(len(ev), len(ref))
        self.assertTrue(any(e["channel"] == "B3" and e["to"] == "alarm" for e in ev))
        for e, r in zip(ev, ref):
            self.assertEqual(e["channel"], r["channel"])
            self.assertEqual("%.17g" % e["t"], r["t"])
            self.assertEqual((e["from"], e["to"], e["kind"]), (r["from"], r["to"], r["kind"]))
            self.assertEqual("%.17g" % e["onset"], r["onset"])
            self.assertEqual(e["explanation"], r["features"])
            self.assertEqual(", ".join("%s %+.1f" % f for f in e["features"]), r["features"])

    def test_saved_machine_continues_in_the_command(self):
        m = vigil.Machine(CH, STATS, time_column="timestamp")
        self.assertEqual(m.monitor("B2").pipeline["channel"], "B2")
        m.learn(self.rows[:LEARN])
        m.fit()
        first = m.score(self.rows[LEARN:260], self.times[LEARN:260])
        self.assertEqual(first["B3"]["state"][-1], "alarm")  # saved with the alarm up
        path = os.path.join(self.tmp.name, "m.vgm")
        m.save(path, stream=True)
        rest = m.score(self.rows[260:], self.times[260:])
        self.assertIn("alarm", rest["B3"]["state"])
        tail = os.path.join(self.tmp.name, "tail.csv")
        write_table(tail, self.rows[260:], self.times[260:])
        self.compare(rest, cli("--model", path, tail))
        # and the command's model loads here
        cmd_model = os.path.join(self.tmp.name, "cmd.vgm")
        head = os.path.join(self.tmp.name, "head.csv")
        write_table(head, self.rows[:LEARN], self.times[:LEARN])
        cli("--rows", "--time-column", "timestamp", "--learn", str(LEARN), "--channels",
            ",".join(CH), "-o", cmd_model, head)
        with vigil.Machine.load(cmd_model) as loaded:
            again = loaded.score(self.rows[LEARN:260], self.times[LEARN:260])
        for ch in CH:
            self.assertEqual(list(again[ch]["score"]), list(first[ch]["score"]))
        # pickling carries the stream state
        clone = pickle.loads(pickle.dumps(m))
        more = make_rows(320)[0][300:]
        t = [600.0 * i for i in range(300, 320)]
        a, b = m.score(more, t), clone.score(more, t)
        for ch in CH:
            self.assertEqual(list(a[ch]["score"]), list(b[ch]["score"]))
            self.assertEqual(a[ch]["state"], b[ch]["state"])
        m.close()
        clone.close()

    def test_channel_monitor_getters(self):
        m, py = self.run_machine()
        b3 = m.monitor("B3")
        self.assertEqual(b3.state, py["B3"]["state"][-1])
        self.assertEqual(b3.last_score, py["B3"]["score"][-1])
        self.assertEqual(b3.features, tuple(STATS))
        self.assertEqual(b3.explain(1)[0][0], py["B3"]["top_feature"][-1])
        self.assertEqual(m.monitor(2).last_score, b3.last_score)
        b3.close()
        self.assertTrue(m.fitted)  # closing a view leaves the machine
        m.close()

    def test_sample_channels_equal_command(self):
        """Channels of a recording's columns (an extractor's rows per channel), against
        `vigil monitor --rate --channels de,fe` on the same file; the saved machine continues
        in the command with each channel's column."""
        rnd = random.Random(9)
        n = 256 * 90
        de = [(1.0 + (0.6 if i > 256 * 45 else 0.0)) * math.sin(0.3 * i) + 0.1 * rnd.gauss(0, 1)
              for i in range(n)]
        fe = [0.5 * math.sin(0.7 * i) + 0.1 * rnd.gauss(0, 1) for i in range(n)]
        path = os.path.join(self.tmp.name, "s.csv")
        with open(path, "w") as f:
            f.write("de,fe\n")
            for a, b in zip(de, fe):
                f.write("%.17g,%.17g\n" % (a, b))
        ca = vigil.features(de, 1000, 256)
        cb = vigil.features(fe, 1000, 256)
        names = list(ca)
        rows = [[ca[k][i] for k in names] + [cb[k][i] for k in names]
                for i in range(len(ca["frame"]))]
        with vigil.FeatureExtractor(1000, 256) as ex:
            m = vigil.Machine(["de", "fe"], ex)
        self.assertFalse(m.common_mode)  # 2 channels
        self.assertEqual(m.monitor("fe").pipeline["column"], "fe")
        m.learn(rows[:20])
        m.fit()
        py = m.score(rows[20:], [ca["t_start"][i] for i in range(20, len(rows))])
        ref = cli("--rate", "1000", "--frame", "256", "--channels", "de,fe", "--learn", "20",
                  path)
        for ch in ("de", "fe"):
            theirs = [r for r in ref if r["channel"] == ch]
            self.assertEqual(["%.17g" % v for v in py[ch]["score"]],
                             [r["score"] for r in theirs])
            self.assertEqual(py[ch]["state"], [r["state"] for r in theirs])
        self.assertIn("alarm", py["de"]["state"])
        model = os.path.join(self.tmp.name, "s.vgm")
        m.save(model)
        cont = cli("--model", model, path)
        self.assertEqual(sorted({r["channel"] for r in cont}), ["de", "fe"])
        m.close()

    def test_errors(self):
        with self.assertRaises(vigil.VigilError):
            vigil.Machine(["B1", "B1"], STATS)
        with self.assertRaises(vigil.VigilError):
            vigil.Machine(["B 1"], STATS)
        m = vigil.Machine(CH, STATS)
        with self.assertRaises(ValueError):
            m.learn([[1.0] * 11])
        with self.assertRaises(vigil.VigilError) as e:
            m.score(self.rows[:1], [0.0])
        self.assertEqual(e.exception.status, vigil.Status.ESTATE)
        m.learn(self.rows[:LEARN])
        m.fit()
        bad = list(self.rows[LEARN])
        bad[4] = float("nan")
        with self.assertRaises(vigil.VigilError) as e:
            m.score([bad], [1e9])
        self.assertEqual(e.exception.status, vigil.Status.ENONFINITE)
        self.assertEqual(m.monitor("B2").counters["rejected"], 1)
        with self.assertRaises(vigil.VigilError) as e:
            vigil.Machine.from_bytes(m.to_bytes()[:-3])
        self.assertEqual(e.exception.status, vigil.Status.EFORMAT)
        with self.assertRaises(vigil.VigilError) as e:
            vigil.Machine.from_bytes(m.monitor(0).to_bytes())
        self.assertEqual(e.exception.status, vigil.Status.ENOTFOUND)
        m.close()


if __name__ == "__main__":
    unittest.main()
