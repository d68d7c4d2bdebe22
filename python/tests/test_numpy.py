"""numpy specifics: arrays out, contiguous float64/float32 in without copying, other layouts
converted to equal results, and files read equal to numpy's own parser."""

import os
import unittest

import support

try:
    import numpy as np
except ImportError:
    support.skip_module("numpy is not installed for this interpreter")

import vigil
from vigil import _buffers

PATH = os.path.join(support.DEMO, "outer_race.csv.gz")


class TestNumpy(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.x = vigil.read_csv(PATH)["de"]

    def test_results_are_float64_arrays(self):
        self.assertTrue(vigil.HAVE_NUMPY)
        self.assertIsInstance(self.x, np.ndarray)
        self.assertEqual(self.x.dtype, np.float64)
        cols = vigil.features(self.x, 12000, frame=1024)
        for name, col in cols.items():
            self.assertIsInstance(col, np.ndarray, name)
            self.assertEqual(col.dtype, np.float64)
            self.assertTrue(col.flags.c_contiguous)
        self.assertEqual(len(cols["rms"]), 24000 // 1024)

    def test_read_csv_equals_numpy_loadtxt(self):
        ref = np.loadtxt(PATH, delimiter=",", skiprows=1)
        np.testing.assert_array_equal(self.x, ref)

    def test_contiguous_inputs_not_copied(self):
        s = _buffers.samples(self.x)
        self.assertIs(s.keep, self.x)
        self.assertEqual(s.address, self.x.ctypes.data)
        x32 = self.x.astype(np.float32)
        s32 = _buffers.samples(x32)
        self.assertTrue(s32.f32)
        self.assertIs(s32.keep, x32)

    def test_other_layouts_converted(self):
        ref = vigil.features(self.x[::2].copy(), 6000, frame=512)
        strided = vigil.features(self.x[::2], 6000, frame=512)
        swapped = vigil.features(self.x[::2].astype(">f8"), 6000, frame=512)
        for name in ref:
            np.testing.assert_array_equal(strided[name], ref[name])
            np.testing.assert_array_equal(swapped[name], ref[name])
        ints = np.arange(-500, 500, dtype=np.int16)
        np.testing.assert_array_equal(vigil.features(ints, 100, frame=100)["mean"],
                                      vigil.features(ints.astype(float), 100, frame=100)["mean"])

    def test_float32_equals_widened(self):
        x32 = self.x.astype(np.float32)
        a = vigil.features(x32, 12000, frame=2048)
        b = vigil.features(x32.astype(np.float64), 12000, frame=2048)
        for name in a:
            np.testing.assert_array_equal(a[name], b[name])

    def test_bad_arrays(self):
        with self.assertRaises(ValueError):
            vigil.features(np.zeros((2, 100)), 100, frame=16)
        with self.assertRaises(TypeError):
            vigil.features(np.zeros(100, dtype=complex), 100, frame=16)
        with self.assertRaises(TypeError):
            vigil.features(np.array(["a"] * 100), 100, frame=16)
        x = self.x.copy()
        x[20000] = np.nan
        with vigil.FeatureExtractor(12000, 256, queue=1) as ex:
            with self.assertRaises(vigil.VigilError) as cm:
                ex.push(x)
            self.assertIs(cm.exception.status, vigil.Status.ENONFINITE)
            self.assertEqual(ex.frames_done, 0)

    def test_streaming_drain_matches_features(self):
        want = vigil.features(self.x, 12000, frame=1000, hop=250)
        with vigil.FeatureExtractor(12000, 1000, hop=250) as ex:
            for chunk in np.array_split(self.x, 37):
                ex.push(chunk)
            got = ex.drain()
        for name in want:
            np.testing.assert_array_equal(got[name], want[name])

    def test_equals_command(self):
        header, rows = support.cli_features(PATH, "--rate", 12000, "--frame", 1024)
        support.assert_equals_cli(self, vigil.features(self.x, 12000, frame=1024), header,
                                  rows)


class TestNumpyDiagnostics(unittest.TestCase):
    GEOMETRY = "n=9,d=0.3126,D=1.537,angle=0"

    @classmethod
    def setUpClass(cls):
        cls.x = vigil.read_csv(PATH)["de"]

    def test_diagnose_layouts_and_dtypes(self):
        want = vigil.diagnose(self.x, 12000, 29.95, self.GEOMETRY, frame=4096)
        self.assertEqual(want["fault"], "outer_race")
        x32 = self.x.astype(np.float32)
        widened = vigil.diagnose(x32.astype(np.float64), 12000, 29.95, self.GEOMETRY, frame=4096)
        self.assertEqual(vigil.diagnose(x32, 12000, 29.95, self.GEOMETRY, frame=4096), widened)
        doubled = np.repeat(self.x, 2)
        self.assertEqual(vigil.diagnose(doubled[::2], 12000, 29.95, self.GEOMETRY, frame=4096),
                         want)
        with self.assertRaises(ValueError):
            vigil.diagnose(np.zeros((2, 5000)), 12000, 29.95, self.GEOMETRY)
        bad = self.x.copy()
        bad[-1] = np.inf
        with self.assertRaises(vigil.VigilError) as cm:
            vigil.diagnose(bad, 12000, 29.95, self.GEOMETRY)
        self.assertIs(cm.exception.status, vigil.Status.ENONFINITE)

    def test_extractor_groups_are_arrays(self):
        cols = vigil.features(self.x, 12000, 4096, bearing=self.GEOMETRY, shaft_hz=29.95,
                              envelope=True, orders=True, severity=True)
        self.assertIsInstance(cols["env_bpfo_prom"], np.ndarray)
        self.assertTrue(np.all(cols["env_bpfo_prom"] > 3))  # the outer-race line in every frame
        np.testing.assert_array_equal(cols["shaft_hz"], 29.95)

    def test_remaining_life_arrays(self):
        t = np.arange(21.0)
        r = vigil.remaining_life(t, 1.0 + 0.5 * np.exp(0.3 * t), 1.0 + 0.5 * np.exp(0.3 * 25))
        self.assertAlmostEqual(r["rul"], 5.0, delta=1e-6)
        r32 = vigil.remaining_life(t.astype(np.float32), 1.0 + 0.5 * np.exp(0.3 * t),
                                   1.0 + 0.5 * np.exp(0.3 * 25))
        self.assertEqual(r32, r)  # integers are exact in float32


class TestNumpyMonitor(unittest.TestCase):
    def test_arrays_in_and_out(self):
        h = vigil.read_csv(os.path.join(support.DEMO, "healthy.csv.gz"))["de"]
        cols = vigil.features(h, 12000, 1024, 512)
        names = list(cols)
        matrix = np.column_stack([cols[n] for n in names])
        with vigil.Monitor(names) as a, vigil.Monitor(names) as b:
            a.learn(cols)
            b.learn(matrix)
            b.learn(matrix[:0])  # no rows: nothing happens
            a.fit()
            b.fit()
            self.assertEqual(a.to_bytes(), b.to_bytes())
            x = vigil.features(self.x, 12000, 1024, 512)
            ra = a.score(x)
            rb = b.score(np.column_stack([x[n] for n in names])[:, :], times=x["t_start"])
            for k in ("t", "score", "threshold", "health"):
                self.assertIsInstance(ra[k], np.ndarray)
                np.testing.assert_array_equal(ra[k], rb[k])
            self.assertEqual(ra["state"], rb["state"])
            with self.assertRaises(ValueError):
                b.score(np.zeros((3, len(names) + 1)))
            fortran = np.asfortranarray(np.column_stack([x[n] for n in names]))
            b.reset()
            np.testing.assert_array_equal(b.score(fortran, times=x["t_start"])["score"],
                                          ra["score"])

    @classmethod
    def setUpClass(cls):
        cls.x = vigil.read_csv(PATH)["de"]


if __name__ == "__main__":
    unittest.main()
