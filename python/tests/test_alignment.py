"""Buffers handed to C are aligned (issue 17): a float64 or float32 buffer that starts at an odd
address (a numpy view at a byte offset, a memoryview slice of a bytearray) is copied to an
aligned one first, never passed as it is (C would read doubles at an unaligned address: UB,
and a fault on strict-alignment CPUs). Results equal those of an aligned copy. Runs with and
without numpy (the numpy half is skipped without it)."""

import ctypes
import unittest

import support  # noqa: F401  (sets up the library path)

import vigil
from vigil import _buffers

SIGNAL = [((i * 7919) % 2001 - 1000) / 1000.0 for i in range(4096)]


def odd_memoryview(values, fmt):
    """A writable memoryview of `values` whose data starts 1 byte past an aligned address."""
    size = 8 if fmt == "d" else 4
    raw = bytearray(size * len(values) + 16)
    start = (-ctypes.addressof(ctypes.c_char.from_buffer(raw))) % 8 + 1
    mv = memoryview(raw)[start:start + size * len(values)].cast(fmt)
    for i, v in enumerate(values):
        mv[i] = v
    return mv


class TestAlignment(unittest.TestCase):
    def test_memoryview_at_odd_address(self):
        for fmt in ("d", "f"):
            mv = odd_memoryview(SIGNAL, fmt)
            self.assertNotEqual(_buffers._address(mv.cast("B")) % mv.itemsize, 0)
            s = _buffers.samples(mv)
            self.assertEqual(s.address % mv.itemsize, 0, fmt)
            self.assertEqual(s.n, len(SIGNAL))
            d = _buffers.doubles(mv)
            self.assertEqual(d.address % 8, 0, fmt)
        got = vigil.features(odd_memoryview(SIGNAL, "d"), 12000, frame=1024)
        want = vigil.features(SIGNAL, 12000, frame=1024)
        self.assertEqual(list(got["rms"]), list(want["rms"]))

    @unittest.skipIf(not _buffers.HAVE_NUMPY, "numpy not available in this interpreter")
    def test_numpy_at_odd_address(self):
        import numpy as np
        for dtype, size in ((np.float64, 8), (np.float32, 4)):
            raw = bytearray(size * len(SIGNAL) + 16)
            base = np.frombuffer(raw, dtype=np.uint8)
            off = (-base.ctypes.data) % 8 + 1
            x = np.frombuffer(raw, dtype=dtype, offset=off, count=len(SIGNAL))
            x[:] = SIGNAL
            self.assertNotEqual(x.ctypes.data % size, 0)
            s = _buffers.samples(x)
            self.assertEqual(s.address % size, 0, dtype)
            got = vigil.features(x, 12000, frame=1024)
            want = vigil.features(np.array(SIGNAL, dtype=dtype), 12000, frame=1024)
            np.testing.assert_array_equal(got["rms"], want["rms"])
        # rows for a monitor: a (rows x 2) float64 block at an odd address
        rows = [[1.0 + (i % 7) * 0.1, 3.0 + (i % 5) * 0.2] for i in range(40)]
        raw = bytearray(8 * 80 + 16)
        off = (-np.frombuffer(raw, dtype=np.uint8).ctypes.data) % 8 + 3
        m = np.frombuffer(raw, dtype=np.float64, offset=off, count=80).reshape(40, 2)
        m[:] = rows
        with vigil.Monitor(["rms", "kurtosis"]) as mon:
            block, count = mon._rows(m)
            self.assertEqual(block.ctypes.data % 8, 0)
            self.assertEqual(count, 40)
            mon.learn(m)
            mon.fit()
            with vigil.Monitor(["rms", "kurtosis"]) as ref:
                ref.learn(rows)
                ref.fit()
                self.assertEqual(mon.to_bytes(), ref.to_bytes())


if __name__ == "__main__":
    unittest.main()
