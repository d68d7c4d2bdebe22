"""vigil.features() and FeatureExtractor: equal to the `vigil features` command digit for digit,
invariant to chunking, and strict about bad input. Runs with or without numpy."""

import array
import math
import os
import random
import unittest

import support

import vigil

DEMO_FILES = ["healthy", "outer_race", "inner_race", "ball"]


def demo(name):
    return os.path.join(support.DEMO, name + ".csv.gz")


def values(col):
    return [float(v) for v in col]


class TestEqualsCommand(unittest.TestCase):
    """The binding prints exactly what the C command prints (%.17g) on the same file."""

    def check(self, path, rate, column="de", frame=4096, hop=None, bands=None):
        x = vigil.read_csv(path)[column]
        cols = vigil.features(x, rate, frame=frame, hop=hop, bands=bands or ())
        opts = ["--rate", rate, "--frame", frame, "--column", column]
        if hop is not None:
            opts += ["--hop", hop]
        if bands:
            opts += ["--bands", bands]
        header, rows = support.cli_features(path, *opts)
        self.assertGreater(len(rows), 0)
        support.assert_equals_cli(self, cols, header, rows)

    def test_demo_defaults(self):
        for name in DEMO_FILES:
            with self.subTest(file=name):
                self.check(demo(name), 12000)

    def test_demo_overlap_and_bands(self):
        for name in DEMO_FILES:
            with self.subTest(file=name):
                self.check(demo(name), 12000, frame=1000, hop=333,
                           bands="0-500,500-2000,2000-4000,4000-7000")

    def test_run_to_failure_second_column(self):
        path = os.path.join(support.DEMO, "run_to_failure", "00040.csv.gz")
        self.check(path, 12000, column="de", frame=256, hop=128)
        self.check(path, 12000, column="temp", frame=64)

    def test_band_pairs_equal_band_string(self):
        x = vigil.read_csv(demo("ball"))["de"]
        a = vigil.features(x, 12000, bands="0-500,2000-4000")
        b = vigil.features(x, 12000, bands=[(0, 500), (2000, 4000.0)])
        self.assertEqual({k: values(v) for k, v in a.items()},
                         {k: values(v) for k, v in b.items()})


class TestStreaming(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.x = values(vigil.read_csv(demo("inner_race"))["de"])
        cls.opts = dict(rate=12000, frame=512, hop=200, bands=[(0, 1000), (2500, 3500)])
        whole = vigil.features(cls.x, **cls.opts)
        cls.names = list(whole)
        cls.want = [tuple(float(whole[k][i]) for k in cls.names)
                    for i in range(len(whole["frame"]))]

    def stream(self, sizes, queue=None):
        """Push self.x in chunks of the given sizes (cycled) and collect every row."""
        rows, off, i = [], 0, 0
        with vigil.FeatureExtractor(queue=queue, **self.opts) as ex:
            self.assertEqual(list(ex.names), self.names)
            while off < len(self.x):
                n = sizes[i % len(sizes)]
                ex.push(self.x[off:off + n])
                off, i = off + n, i + 1
                rows += [tuple(r[k] for k in self.names) for r in ex]
            self.assertEqual(ex.frames_done, len(self.want))
        return rows

    def test_chunking_invariance(self):
        rng = random.Random(5)
        for sizes in ([1], [7], [199, 1, 4096], [len(self.x)],
                      [rng.randint(0, 3000) for _ in range(50)]):
            with self.subTest(sizes=sizes[:3]):
                self.assertEqual(self.stream(sizes), self.want)

    def test_push_larger_than_queue(self):
        # 24000 samples make 118 rows; a queue of 3 forces the piecewise path.
        self.assertEqual(self.stream([len(self.x)], queue=3), self.want)
        self.assertEqual(self.stream([5000, 17, 9000], queue=1), self.want)

    def test_reset_equals_fresh(self):
        with vigil.FeatureExtractor(**self.opts) as ex:
            ex.push(self.x[:7777])
            ex.reset()
            self.assertEqual(ex.ready, 0)
            self.assertEqual(ex.frames_done, 0)
            ex.push(self.x)
            cols = ex.drain()
        self.assertEqual([tuple(float(cols[k][i]) for k in self.names)
                          for i in range(len(cols["frame"]))], self.want)

    def test_pop_iter_drain(self):
        with vigil.FeatureExtractor(**self.opts) as ex:
            self.assertIsNone(ex.pop())
            ready = ex.push(self.x[:512 + 200 * 4])  # frames 0..4
            self.assertEqual(ready, 5)
            first = ex.pop()
            self.assertEqual(tuple(first[k] for k in self.names), self.want[0])
            rest = list(ex)
            self.assertEqual(len(rest), 4)
            self.assertEqual(ex.ready, 0)
            self.assertEqual(values(ex.drain()["frame"]), [])
            self.assertEqual(ex.index("rms"), self.names.index("rms"))
            self.assertEqual(ex.index("band_2500_3500"), len(self.names) - 1)
            self.assertEqual((ex.rate, ex.frame, ex.hop), (12000.0, 512, 200))
            self.assertGreater(ex.memory, 8 * 3 * 512)
            with self.assertRaises(KeyError):
                ex.index("no_such_feature")
        with self.assertRaises(ValueError):
            ex.push([1.0])
        ex.close()  # closing twice is harmless

    def test_float32_input_equals_widened(self):
        x32 = array.array("f", self.x)
        x64 = array.array("d", x32)
        a = vigil.features(x32, 12000, frame=512)
        b = vigil.features(x64, 12000, frame=512)
        self.assertEqual({k: values(v) for k, v in a.items()},
                         {k: values(v) for k, v in b.items()})

    def test_input_kinds_agree(self):
        short = self.x[:3000]
        ref = vigil.features(short, 12000, frame=512)
        for kind in (array.array("d", short), tuple(short), (v for v in short),
                     memoryview(array.array("d", short)),
                     memoryview(array.array("d", short).tobytes()).cast("d")):
            got = vigil.features(kind, 12000, frame=512)
            self.assertEqual(values(got["rms"]), values(ref["rms"]), type(kind).__name__)

    def test_short_signal_gives_empty_columns(self):
        cols = vigil.features([0.5] * 100, 1000, frame=128)
        self.assertEqual(len(cols), 21)
        self.assertTrue(all(len(v) == 0 for v in cols.values()))


class TestPlanner(unittest.TestCase):
    """set_planner / wisdom (vigil/planner.h): MEASURE rows agree with ESTIMATE rows to 1e-9,
    wisdom round-trips, ESTIMATE rows come back bit for bit, bad values are refused."""

    def test_modes_and_wisdom(self):
        x = [math.sin(0.05 * i) + 0.3 * math.sin(1.1 * i) for i in range(3000)]
        self.assertEqual(vigil.planner(), "estimate")
        est = vigil.features(x, 8000, frame=512, hop=256)
        try:
            vigil.set_planner("measure")
            self.assertEqual(vigil.planner(), "measure")
            meas = vigil.features(x, 8000, frame=512, hop=256)
            for name in est:
                for a, b in zip(values(est[name]), values(meas[name])):
                    self.assertLessEqual(abs(a - b), 1e-9 * abs(a) + 1e-300, name)
            text = vigil.export_wisdom()
            self.assertIn("fftw", text)
            vigil.forget_wisdom()
            vigil.import_wisdom(text)
            again = vigil.features(x, 8000, frame=512, hop=256)
            self.assertEqual({k: values(v) for k, v in again.items()},
                             {k: values(v) for k, v in meas.items()})
        finally:
            vigil.set_planner("estimate")
        back = vigil.features(x, 8000, frame=512, hop=256)
        self.assertEqual({k: values(v) for k, v in back.items()},
                         {k: values(v) for k, v in est.items()})
        with self.assertRaises(ValueError):
            vigil.set_planner("patient")
        with self.assertRaises(vigil.VigilError) as e:
            vigil.import_wisdom("not wisdom")
        self.assertEqual(e.exception.code, vigil.Status.EFORMAT)
        vigil.forget_wisdom()


class TestBadInput(unittest.TestCase):
    def assertVigil(self, status, fn, *args, **kw):
        with self.assertRaises(vigil.VigilError) as cm:
            fn(*args, **kw)
        self.assertIs(cm.exception.status, status)
        self.assertTrue(cm.exception.message)
        return cm.exception

    def test_bad_settings(self):
        x = [0.0] * 64
        self.assertVigil(vigil.Status.EINVAL, vigil.features, x, 1000, frame=3)
        self.assertVigil(vigil.Status.EINVAL, vigil.features, x, 0.0)
        self.assertVigil(vigil.Status.EINVAL, vigil.features, x, float("nan"))
        self.assertVigil(vigil.Status.EINVAL, vigil.features, x, 1000, frame=32, hop=33)
        self.assertVigil(vigil.Status.EINVAL, vigil.features, x, 1000, frame=32, hop=0)
        self.assertVigil(vigil.Status.EINVAL, vigil.features, x, 1000, frame=32,
                         bands=[(500, 100)])
        self.assertVigil(vigil.Status.EFORMAT, vigil.features, x, 1000, frame=32, bands="5-1")
        self.assertVigil(vigil.Status.EFORMAT, vigil.features, x, 1000, frame=32, bands="")
        self.assertVigil(vigil.Status.EINVAL, vigil.FeatureExtractor, 1000, 32, queue=0)

    def test_python_level_rejections(self):
        with self.assertRaises(ValueError):
            vigil.features([0.0] * 64, 1000, frame=-4096)
        with self.assertRaises(ValueError):
            vigil.features([0.0] * 64, 1000, frame=32, hop=-1)
        with self.assertRaises(TypeError):
            vigil.features([0.0] * 64, 1000, frame=32.5)
        with self.assertRaises(TypeError):
            vigil.features(["a", "b"], 1000, frame=32)
        with self.assertRaises(TypeError):
            vigil.features("1,2,3", 1000, frame=32)
        with self.assertRaises(TypeError):
            vigil.features([0.0] * 64, 1000, frame=32, bands=[(1, 2, 3)])

    def test_nonfinite_rejected_whole(self):
        x = values(vigil.read_csv(demo("healthy"))["de"])
        want = vigil.features(x, 12000, frame=256)
        for bad in (float("nan"), float("inf"), -float("inf")):
            with vigil.FeatureExtractor(12000, 256, queue=2) as ex:
                ex.push(x[:1000])
                before = (ex.frames_done, ex.ready)
                chunk = x[1000:20000]
                for where in (0, 5, len(chunk) - 1):  # early, and late in a piecewise push
                    broken = list(chunk)
                    broken[where] = bad
                    e = self.assertVigil(vigil.Status.ENONFINITE, ex.push, broken)
                    self.assertEqual((ex.frames_done, ex.ready), before, e.message)
                ex.push(x[1000:])
                got = ex.drain()
            self.assertEqual(values(got["kurtosis"]), values(want["kurtosis"]))
        self.assertVigil(vigil.Status.ENONFINITE, vigil.features, [0.0, math.nan], 1000,
                         frame=16)


if __name__ == "__main__":
    unittest.main()
