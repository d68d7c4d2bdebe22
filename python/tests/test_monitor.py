"""vigil.Monitor and monitor_rows: equal to `vigil train`/`vigil score`/`vigil monitor` on the
demo recordings to the last printed digit (%.17g), saved models byte-identical to the command's,
save/load round trips, and errors. Runs with or without numpy."""

import math
import os
import pickle
import shutil
import tempfile
import unittest

import support

import vigil

RATE, FRAME, HOP = 12000, 1024, 512
DEMO_FILES = ["healthy", "outer_race", "inner_race", "ball"]
RTF = os.path.join(support.DEMO, "run_to_failure")


def demo(name):
    return os.path.join(support.DEMO, name + ".csv.gz")


_cols = {}


def cols(path, frame=FRAME, hop=HOP, bands=()):
    key = (path, frame, hop, str(bands))
    if key not in _cols:
        x = vigil.read_csv(path)["de"]
        _cols[key] = vigil.features(x, RATE, frame, hop, bands)
    return _cols[key]


def trained(detector="mahalanobis", bands=(), **options):
    with vigil.FeatureExtractor(RATE, FRAME, HOP, bands) as ex:
        m = vigil.Monitor(ex, detector=detector, **options)
    m.learn(cols(demo("healthy"), bands=bands))
    return m.fit()


class TmpDir(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="vigil-py-")

    def tearDown(self):
        shutil.rmtree(self.tmp)

    def cli_train(self, *options, files=("healthy",)):
        path = os.path.join(self.tmp, "cli.vgm")
        support.cli_run("train", "--rate", RATE, "--frame", FRAME, "--hop", HOP, *options,
                        "-o", path, *[demo(f) for f in files])
        return path


class TestScoreEqualsCommand(TmpDir):
    def check(self, detector, bands=""):
        opts = ["--detector", detector] + (["--bands", bands] if bands else [])
        model = self.cli_train(*opts)
        with trained(detector, bands or ()) as m:
            # the saved model is the command's, byte for byte (same rows, same note)
            with open(model, "rb") as f:
                self.assertEqual(m.to_bytes(), f.read())
            for name in DEMO_FILES:
                rows = support.cli_run("score", "--model", model, demo(name))
                self.assertEqual(rows[0], ["frame", "t_start", "score", "threshold", "health",
                                           "state", "top_feature"])
                m.reset()  # each file is a recording of its own, as for the command
                got = support.scored_as_printed(m.score(cols(demo(name), bands=bands or ())))
                self.assertEqual(got, rows[1:], "%s %s" % (detector, name))
                if name != "healthy":  # the generator's faults are far outside the baseline
                    self.assertEqual(m.state, "alarm")

    def test_mahalanobis(self):
        self.check("mahalanobis")

    def test_zscore_with_bands(self):
        self.check("zscore", "0-500,2000-4000")

    def test_pca(self):
        self.check("pca")

    def test_hst(self):
        self.check("hst")


class TestSaveLoad(TmpDir):
    def test_command_model_loads_and_python_model_is_scored_by_the_command(self):
        model = self.cli_train()
        with vigil.Monitor.load(model) as loaded, trained() as m:
            self.assertEqual(loaded.names, m.names)  # rebuilt from the command's note
            self.assertEqual(loaded.features, m.features)
            self.assertEqual(loaded.threshold(), m.threshold())
            x = cols(demo("ball"))
            self.assertEqual(support.scored_as_printed(loaded.score(x)),
                             support.scored_as_printed(m.score(x)))
            path = os.path.join(self.tmp, "py.vgm")
            m.save(path)
            self.assertFalse(os.path.exists(path + ".tmp"))
            m.reset()
            rows = support.cli_run("score", "--model", path, demo("ball"))
            self.assertEqual(support.scored_as_printed(m.score(x)), rows[1:])

    def test_round_trips(self):
        with trained("pca", quantile=0.99) as m:
            blob = m.to_bytes()
            x = cols(demo("inner_race"))
            want = support.scored_as_printed(m.score(x))
            for copy in (vigil.Monitor.from_bytes(blob), pickle.loads(pickle.dumps(m)),
                         vigil.Monitor.from_bytes(bytearray(blob), names=m.names)):
                with copy:
                    self.assertEqual(copy.to_bytes(), blob)
                    self.assertEqual((copy.detector, copy.features, copy.names, copy.note),
                                     (m.detector, m.features, m.names, m.note))
                    self.assertEqual(support.scored_as_printed(copy.score(x)), want)
                    self.assertEqual(copy.pca_stats(), m.pca_stats())

    def test_names_recorded_for_plain_tables(self):
        names = ["time", "level", "temp"]  # no vibration names: every column but time
        with vigil.Monitor(names) as m:
            m.learn([[i, 1.0 + 0.01 * (i % 7), 40.0 + 0.1 * (i % 5)] for i in range(30)])
            m.fit()
            self.assertEqual(m.features, ("level", "temp"))
            with vigil.Monitor.from_bytes(m.to_bytes()) as copy:
                self.assertEqual(copy.names, tuple(names))
            self.assertEqual(m.note, "")  # the names are the model's, not a note
            self.assertEqual(m.pipeline["source"], "rows")

    def test_corrupt_and_missing(self):
        with trained() as m:
            blob = m.to_bytes()
        for bad in (blob[:-1], blob[:20], b"", b"VIGILMDL" + bytes(100),
                    blob[:50] + bytes([blob[50] ^ 1]) + blob[51:], blob + b"\0"):
            with self.assertRaises(vigil.VigilError) as cm:
                vigil.Monitor.from_bytes(bad)
            self.assertIs(cm.exception.status, vigil.Status.EFORMAT)
        with self.assertRaises(vigil.VigilError) as cm:
            vigil.Monitor.load(os.path.join(self.tmp, "absent.vgm"))
        self.assertIs(cm.exception.status, vigil.Status.EIO)
        with self.assertRaises(ValueError):
            vigil.Monitor.from_bytes(blob, names=["a", "b"])
        with vigil.Monitor(["a", "b"]) as m:
            with self.assertRaises(vigil.VigilError) as cm:
                m.to_bytes()
            self.assertIs(cm.exception.status, vigil.Status.ESTATE)
            with self.assertRaises(vigil.VigilError):
                pickle.dumps(m)


class TestMonitorEqualsCommand(unittest.TestCase):
    """`vigil monitor`: one machine's history over many files, learn the first K frames."""

    def test_run_to_failure_history(self):
        files = sorted(os.path.join(RTF, f) for f in os.listdir(RTF) if f.endswith(".csv.gz"))
        self.assertEqual(len(files), 40)
        # 40 snapshots, the fault in the last 19: the k-of-n rule (the onset test's default
        # confirmation needs 25 exceeding frames)
        rows = support.cli_run("monitor", "--rate", RATE, "--frame", FRAME, "--learn", 15,
                               "--alarm", "kofn", *files)
        self.assertEqual(rows[0][0], "source")
        want = [r[1:] for r in rows[1:]]
        # Python: one row per snapshot (1024 samples), time = offset of the file + t_start
        x = [vigil.read_csv(f)["de"] for f in files]
        per_file = [vigil.features(v, RATE, FRAME) for v in x]
        names = list(per_file[0])
        table = {n: [c[n][0] for c in per_file] for n in names}
        offsets, o = [], 0.0
        for v in x:  # accumulated file by file, as the command does
            offsets.append(o)
            o += len(v) / RATE
        times = [o + c["t_start"][0] for o, c in zip(offsets, per_file)]
        res = vigil.monitor_rows(table, times=times, learn=15, persistence=(3, 5))
        got = support.scored_as_printed(res)
        for g in got:
            g[0] = "0"  # the command numbers frames within each file: one frame per file
        self.assertEqual(got, want)
        self.assertEqual([r[0] for r in rows[1:]], files[15:])
        # the outer-race fault grows from snapshot 21: the alarm comes after it, to stay
        first = res["state"].index("alarm") + 15
        self.assertGreaterEqual(first, 20)
        self.assertEqual(res["state"][-1], "alarm")
        self.assertEqual(res["events"][-1]["to"], "alarm")
        res["monitor"].close()

    def test_rows_with_time_column(self):
        # A historian-like table: timestamp, three overall values per snapshot, the temperature
        tmp = tempfile.mkdtemp(prefix="vigil-py-")
        try:
            path = os.path.join(tmp, "rows.csv")
            with open(os.path.join(RTF, "index.tsv")) as f:
                index = [line.split("\t") for line in f.read().split("\n")[1:] if line]
            with open(path, "w") as out:
                out.write("time,rms,kurtosis,crest,temp\n")
                for snap, clock, _ in index:
                    rec = vigil.read_csv(os.path.join(RTF, snap))
                    c = vigil.features(rec["de"], RATE, FRAME)
                    temp = sum(rec["temp"]) / len(rec["temp"])
                    out.write("2024-03-01 %s,%s,%s,%s,%s\n" % (
                        clock, support.printed(c["rms"][0]), support.printed(c["kurtosis"][0]),
                        support.printed(c["crest"][0]), support.printed(temp)))
            rows = support.cli_run("monitor", "--rows", "--time-column", "time", "--learn", 12,
                                   "--detector", "zscore", path)
            table = vigil.read_csv(path, time_column="time")
            times = table.pop("time")
            res = vigil.monitor_rows(table, times=times, learn=12, detector="zscore")
            got = support.scored_as_printed(res, first_frame=12)
            self.assertEqual(got, rows[1:])
            # vibration names present: the default selection leaves temp out (MODELS.md)
            self.assertEqual(res["monitor"].features, ("rms", "kurtosis", "crest"))
            # timestamps as strings give the same times
            clocks = ["2024-03-01 " + r[1] for r in index]
            res2 = vigil.monitor_rows(table, names=["rms", "kurtosis", "crest", "temp"],
                                      times=clocks, learn=12, detector="zscore")
            self.assertEqual(support.scored_as_printed(res2, 12), got)
            for r in (res, res2):
                r["monitor"].close()
        finally:
            shutil.rmtree(tmp)


class TestMonitorObject(unittest.TestCase):
    def test_onset_test_default(self):
        """The default alarm rule is the onset test (docs/MODELS.md): on the outer-race recording,
        whose every frame exceeds, WARN at the 3rd frame with the onset at the 1st, ALARM at the
        25th; set_alarm("kofn") gives 3 of 5 (ALARM at the 3rd)."""
        rows = cols(demo("outer_race"))
        with trained() as m:
            res = m.score(rows)
            self.assertEqual(res["state"][:3], ["ok", "ok", "warn"])
            self.assertEqual(res["state"].index("alarm"), 24)
            ev = m.events()
            self.assertEqual([(e["to"], e["kind"]) for e in ev[:2]],
                             [("warn", "change"), ("alarm", "change")])
            self.assertEqual(ev[1]["onset"], res["t"][0])
            self.assertEqual(m.onset, res["t"][0])
            self.assertEqual(m.transients, 0)
            z = lib_z = vigil._lib.lib.vigil_monitor_last_z(m._handle(), 0)
            self.assertTrue(z == z and lib_z >= 0.0)  # a number, UP feature: not below 0
        with trained() as m:
            m.set_alarm("kofn")
            self.assertEqual(m.score(rows)["state"].index("alarm"), 2)
            with self.assertRaises(ValueError):
                m.set_alarm("sometimes")

    def test_event_explanation_closed_form(self):
        """Issue 16: healthy rows cycling through 10 + {-2..2} (median 10, MAD 1: scale 1.4826)
        and a step of +8 in h_kurtosis: every event names it first at 8 / 1.4826 (closed form,
        1e-9), with the step's first row as the onset."""
        names = ["x_rms", "x_crest", "h_kurtosis", "x_peak"]
        learn = [[10.0 + (-2, -1, 0, 1, 2)[(i + j) % 5] for j in range(4)] for i in range(200)]
        rows = [[10.0 + (-1, 0, 1)[(i + j) % 3] for j in range(4)] for i in range(300)]
        for i in range(100, 180):
            rows[i][2] = 18.0
        with vigil.Monitor(names, detector="zscore") as m:
            m.learn(learn)
            m.fit()
            m.score(rows, [float(i) for i in range(300)])
            ev = m.events()
        self.assertEqual([e["to"] for e in ev], ["warn", "alarm", "ok"])
        for e in ev:
            self.assertEqual(e["features"][0][0], "h_kurtosis")
            self.assertAlmostEqual(e["features"][0][1], 8 / 1.4826, delta=1e-9)
            self.assertEqual(e["onset"], 100.0)
            self.assertTrue(e["explanation"].startswith("h_kurtosis +5.4"), e["explanation"])

    def test_results_and_explanations(self):
        with trained(persistence=(2, 3), hysteresis=(1, 0.5)) as m:
            res = m.score(cols(demo("outer_race")))
            n = len(res["state"])
            for i in range(n):  # the health index's closed form
                s, t = res["score"][i], res["threshold"][i]
                self.assertAlmostEqual(res["health"][i], 1 / (1 + (s / t) ** 4),
                                       delta=1e-12)
            # Mahalanobis contributions v_i (S^-1 v)_i sum to the score (MODELS.md)
            parts = m.explain()
            self.assertEqual(len(parts), len(m.features))
            self.assertEqual(parts[0][0], res["top_feature"][-1])
            self.assertAlmostEqual(sum(c for _, c in parts), m.last_score,
                                   delta=1e-9 * m.last_score)
            self.assertEqual(m.explain(2), parts[:2])
            # 2 of 3 frames above the threshold -> alarm at the second frame
            self.assertEqual(res["state"][:2], ["warn", "alarm"])
            ev = m.events()
            self.assertEqual([(e["from"], e["to"]) for e in ev], [("ok", "warn"),
                                                                  ("warn", "alarm")])
            self.assertEqual(ev[1]["t"], res["t"][1])
            self.assertEqual(m.events(), [])
            d = m.drift("rms")
            self.assertEqual(d, m.drift(0))
            self.assertEqual(d["points"], len(res["state"]))

    def test_learn_inputs_agree(self):
        h = cols(demo("healthy"))
        names = list(h)
        rows = [[h[c][i] for c in names] for i in range(len(h["rms"]))]
        with trained() as a, vigil.Monitor(names) as b:
            b.learn(rows[:20])
            for r in rows[20:]:
                b.learn(r)  # one row at a time
            self.assertEqual(b.learned(), len(rows))
            b.fit()
            self.assertEqual(b.threshold(), a.threshold())
            x = cols(demo("ball"))
            ra = a.score(x)
            states = [b.score_row([x[c][i] for c in names], x["t_start"][i])
                      for i in range(len(x["rms"]))]
            self.assertEqual(states, ra["state"])

    def test_conditions_and_update(self):
        h, o = cols(demo("healthy")), cols(demo("outer_race"))
        with vigil.Monitor(list(h), conditions=2, detector="zscore") as m:
            m.learn(h, condition=0)
            m.learn(o, condition=1)  # a louder operating point, learnt as normal
            m.fit()
            self.assertEqual(m.conditions, 2)
            self.assertGreater(m.threshold(1), 0)
            self.assertEqual(m.score(o, condition=1)["state"][-1], "ok")
            m.reset()
            self.assertEqual(m.score(o, condition=0)["state"][-1], "alarm")
            self.assertEqual(m.update(h, condition=0), len(h["rms"]))
            m.set_threshold(1e9)
            self.assertEqual(m.threshold(), 1e9)

    def test_settings(self):
        with vigil.Monitor(list(cols(demo("healthy"))), features=["rms", "kurtosis", "mean"],
                           directions={"mean": "up"}, detector=vigil.Detector.ZSCORE,
                           seed=7, scale_floor=0.1, smoothing=1.0, gap=math.inf,
                           note="my note") as m:
            self.assertEqual(m.features, ("rms", "kurtosis", "mean"))
            self.assertEqual(m.directions, {"rms": "up", "kurtosis": "up", "mean": "up"})
            self.assertEqual(m.detector, "zscore")
            self.assertEqual(m.note, "my note")
            self.assertFalse(m.fitted)
            self.assertTrue(math.isnan(m.threshold()))
            self.assertIn("zscore", repr(m))


class TestMonitorErrors(unittest.TestCase):
    def assertStatus(self, status, f, *args, **kwargs):
        with self.assertRaises(vigil.VigilError) as cm:
            f(*args, **kwargs)
        self.assertIs(cm.exception.status, status, cm.exception)
        self.assertTrue(cm.exception.message)

    def test_errors(self):
        S = vigil.Status
        h = cols(demo("healthy"))
        names = list(h)
        self.assertStatus(S.EINVAL, vigil.Monitor, ["a", "a"])
        self.assertStatus(S.EINVAL, vigil.Monitor, [])
        self.assertStatus(S.ENOTFOUND, vigil.Monitor, names, features=["rms", "nope"])
        self.assertStatus(S.EINVAL, vigil.Monitor, names, quantile=1.5)
        self.assertStatus(S.EINVAL, vigil.Monitor, names, conditions=65)
        self.assertStatus(S.EINVAL, vigil.Monitor, names, persistence=(6, 5))
        for bad in (dict(detector="forest"), dict(directions={"rms": "sideways"}),
                    dict(gap_policy="forget"), dict(threshold_mode="max")):
            with self.assertRaises(ValueError):
                vigil.Monitor(names, **bad)
        with self.assertRaises(TypeError):
            vigil.Monitor("rms,kurtosis")
        with vigil.Monitor(names) as m:
            self.assertStatus(S.ESTATE, m.score, h)
            self.assertStatus(S.ESTATE, m.explain)
            m.learn({k: v[:5] for k, v in h.items()})
            self.assertStatus(S.ENODATA, m.fit)  # 5 rows < 10
            with self.assertRaises(KeyError):
                m.learn({"rms": [1.0]})
            with self.assertRaises(ValueError):
                m.learn([1.0, 2.0])  # wrong width
            bad = [list(r) for r in zip(*[h[c] for c in names])][:3]
            bad[1][names.index("rms")] = float("nan")
            self.assertStatus(S.ENONFINITE, m.learn, bad)
            m.learn({k: v[5:] for k, v in h.items()})
            m.fit()
            self.assertStatus(S.ESTATE, m.fit)
            self.assertStatus(S.ESTATE, m.learn, h)
            m.score(h)
            m.score(h)  # time goes back: a new segment, scored (time-quirk policy)
            self.assertEqual(m.counters["steps_back"], 1)
            self.assertEqual(m.counters["segments"], 2)
            self.assertEqual(m.counters["scored"], 2 * len(h["rms"]))
            m.reset()
            self.assertEqual(m.counters["scored"], 0)
            self.assertStatus(S.EINVAL, m.score, h, condition=3)
            self.assertStatus(S.ESTATE, m.pca_stats)
            with self.assertRaises(ValueError):
                m.score(h, times=[0.0])
        with self.assertRaises(ValueError):
            m.score(h)  # closed
        self.assertIn("closed", repr(m))
        for bad in (dict(learn=5), dict(learn=None), dict(learn=10 ** 6)):
            with self.assertRaises(ValueError):
                vigil.monitor_rows(h, **bad)
        with self.assertRaises(ValueError):
            vigil.monitor_rows([[1.0, 2.0]] * 20, learn=10)  # no names


class TestAlarm(unittest.TestCase):
    """The state machine on hand-worked sequences (alarm.h rules; threshold 1)."""

    def test_persistence_and_hysteresis(self):
        with vigil.Alarm() as a:  # 3 of 5 -> alarm, 2 of 5 -> warn, clear below 0.8 for all 5
            seq = [2, 0, 0, 0, 0, 2, 2, 0, 2, 0.9, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5]
            got = [a.update(s, 1.0, t) for t, s in enumerate(seq)]
            want = ["ok", "ok", "ok", "ok", "ok", "ok", "warn", "warn", "alarm", "alarm",
                    "alarm", "alarm", "alarm", "alarm", "ok", "ok"]
            self.assertEqual(got, want)
            self.assertEqual(a.events(), [{"t": 6.0, "from": "ok", "to": "warn"},
                                          {"t": 8.0, "from": "warn", "to": "alarm"},
                                          {"t": 14.0, "from": "alarm", "to": "ok"}])
            self.assertEqual(a.events_dropped, 0)
            with self.assertRaises(vigil.VigilError):
                a.update(float("nan"), 1.0)
            with self.assertRaises(vigil.VigilError):
                a.update(1.0, 0.0)
            self.assertEqual(a.state, "ok")
        with vigil.Alarm(persistence=(1, 1), hysteresis=(1, 1.0)) as a:
            self.assertEqual([a.update(s, 1.0) for s in (0.5, 1.5, 0.99)],
                             ["ok", "alarm", "ok"])
            a.reset()
            self.assertEqual(a.events(), [])
        with self.assertRaises(vigil.VigilError):
            vigil.Alarm(persistence=(6, 5))

    def test_health_closed_form(self):
        for s, t in ((0.0, 1.0), (0.5, 1.0), (1.0, 1.0), (2.0, 1.0), (3.0, 7.5)):
            self.assertAlmostEqual(vigil.health(s, t), 1 / (1 + (s / t) ** 4), delta=1e-15)
        self.assertEqual(vigil.health(float("nan"), 1.0), 0.0)
        self.assertEqual(vigil.health(1.0, 0.0), 0.0)


class TestDrift(unittest.TestCase):
    def test_slope_of_an_exact_line(self):
        # v = 5 + 2 per hour, a point every 60 s with some 300 s steps: slope 2 per hour
        with vigil.Drift(3600.0, 100) as d:
            t, ts = 1.7e9, []
            for i in range(50):
                t += 300.0 if i % 7 == 0 else 60.0
                ts.append(t)
            d.update_many(ts, [5.0 + 2.0 * (u - 1.7e9) / 3600.0 for u in ts])
            self.assertAlmostEqual(d.slope, 2.0, delta=1e-9)
            self.assertEqual(d.points, sum(u >= t - 3600.0 for u in ts))

    def test_ewma_and_cusum_by_hand(self):
        with vigil.Drift(100.0, 16, tau=10.0, gap=math.inf) as d:
            d.update(0.0, 0.0)
            d.update(10.0, 1.0)
            self.assertAlmostEqual(d.level, 1 - math.exp(-1), delta=1e-15)
        # reference 10 +- 2; a step to 13 (1.5 sigma): the upper sum grows by 1.5 - 0.5 per
        # sample and passes h = 5 at the 6th sample of the step
        with vigil.Drift(1e6, 16, reference=(10.0, 2.0), page_hinkley=(0.5, 1e9)) as d:
            flags = d.update_many(range(40), [10.0] * 20 + [13.0] * 20)
            first = [i for i, f in enumerate(flags) if f & vigil.DriftFlag.CUSUM_UP][0]
            self.assertEqual(first, 25)
            self.assertEqual(d.cusum[1], 0.0)
            self.assertGreaterEqual(d.changes, 1)
            with self.assertRaises(vigil.VigilError):
                d.update(5.0, 1.0)  # time going backwards
        with self.assertRaises(vigil.VigilError):
            vigil.Drift(0.0)


class TestBearingAwareDefaults(unittest.TestCase):
    """Issue 16: with a bearing and a configured shaft rate the default features take the
    envelope amplitudes at BPFO, BPFI and BSF; with an estimated shaft rate they do not."""

    BEARING = "n=9,d=0.3126,D=1.537,angle=0"

    def selection(self, **groups):
        with vigil.FeatureExtractor(12000, frame=1024, bearing=self.BEARING, envelope=True,
                                    **groups) as ex, vigil.Monitor(ex) as m:
            return tuple(m.features)

    def test_configured_shaft_rate_selects_the_defect_lines(self):
        plain = ("rms", "peak", "crest", "kurtosis", "shape", "impulse", "clearance")
        self.assertEqual(self.selection(shaft_hz=29.95),
                         plain + ("env_bpfo", "env_bpfi", "env_bsf"))
        self.assertEqual(self.selection(), plain)


if __name__ == "__main__":
    unittest.main()
