"""No leaks over 10^4 create/use/destroy cycles of every object the binding wraps, including
the error paths, measured as resident memory (/proc/self/statm) of this process.

Bound: after a warm-up (allocator pools, ctypes caches, FFTW's planner state for the frame size
used), resident memory may grow by at most LEAK_BOUND over 10^4 cycles. An extractor of
frame 1024 with two bands owns about 45 KB (vigil_extractor_memory()), so leaking one per cycle
would add ~450 MB; any leak of more than LEAK_BOUND / 10^4 = 400 bytes per cycle fails.

VIGIL_LEAK_CYCLES sets the cycle count: the unit suite runs 1500 (bound 1 MiB, 700 bytes per
cycle; about 10 s), the slow suite the full 10^4 (about 110 s each on a loaded 2-core machine,
which overran the unit suite's 120 s limit: issue 17).
"""

import gc
import os
import unittest

import support

import vigil

CYCLES = int(os.environ.get("VIGIL_LEAK_CYCLES", 10 ** 4))
WARMUP = max(CYCLES // 10, 100)
LEAK_BOUND = max(400 * CYCLES, 1024 * 1024)  # bytes

if not os.path.exists("/proc/self/statm"):
    support.skip_module("no /proc/self/statm on this system")

PAGE = os.sysconf("SC_PAGE_SIZE")
SIGNAL = [((i * 7919) % 2001 - 1000) / 1000.0 for i in range(2048)]
DEMO = os.path.join(support.DEMO, "run_to_failure", "00001.csv.gz")


def resident():
    gc.collect()
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * PAGE


def extractor_cycle():
    with vigil.FeatureExtractor(12000, 1024, hop=512, bands="0-500,500-3000") as ex:
        ex.push(SIGNAL)
        for _ in ex:
            pass


def extractor_dropped():  # freed by the garbage collector, not by close()
    ex = vigil.FeatureExtractor(12000, 256, queue=1)
    ex.push(SIGNAL[:600])


def features_cycle():
    vigil.features(SIGNAL, 12000, frame=512)


def reader_cycle():
    with vigil.Reader(DEMO) as r:
        r.read_rows(16)


def diagnosis_cycle():
    with vigil.Diagnosis(12000, "n=9,d=0.3126,D=1.537", frame=1024, shaft_hz=29.95) as d:
        d.push(SIGNAL)
        d.decide()
        d.result()


def diagnosis_dropped():  # freed by the garbage collector
    d = vigil.Diagnosis(12000, (9, 0.3126, 1.537), frame=1024)
    d.push(SIGNAL[:100])


ROWS = [[(i * 37 % 11) * 0.01 + 1.0, (i * 53 % 7) * 0.1 + 3.0] for i in range(40)]


def monitor_cycle():
    with vigil.Monitor(["rms", "kurtosis"]) as m:
        m.learn(ROWS)
        m.fit()
        m.score(ROWS)
        vigil.Monitor.from_bytes(m.to_bytes()).close()


def alarm_drift_cycle():
    with vigil.Alarm() as a, vigil.Drift(60.0, 64) as d:
        for i in range(20):
            a.update(i % 3, 1.0, i)
            d.update(i, i % 5)
        a.events()
    vigil.Drift(10.0)  # freed by the garbage collector


def error_cycle():
    for call in (lambda: vigil.FeatureExtractor(12000, 64, hop=65),
                 lambda: vigil.read_csv("/nonexistent.csv"),
                 lambda: vigil.features([1.0, float("nan")], 100, frame=16),
                 lambda: vigil.parse_bands("9-1"),
                 lambda: vigil.Diagnosis(12000, "n=9,d=0.3126,D=1.537", shaft_hz=9000),
                 lambda: vigil.diagnose([1.0] * 100, 12000, 30, "n=9,d=0.3126,D=1.537"),
                 lambda: vigil.remaining_life(range(10), [1.0] * 10, 5),
                 lambda: vigil.Monitor(["a", "a"]),
                 lambda: vigil.Monitor.from_bytes(b"VIGILMDL" + bytes(60))):
        try:
            call()
        except vigil.VigilError:
            pass
        else:
            raise AssertionError("expected VigilError")


class TestNoLeaks(unittest.TestCase):
    def check(self, cycle):
        for _ in range(WARMUP):
            cycle()
        before = resident()
        for _ in range(CYCLES):
            cycle()
        growth = resident() - before
        print("%s: %d cycles, resident growth %d bytes" % (cycle.__name__, CYCLES, growth))
        self.assertLess(growth, LEAK_BOUND)

    def test_extractor(self):
        self.check(extractor_cycle)

    def test_extractor_collected(self):
        self.check(extractor_dropped)

    def test_features(self):
        self.check(features_cycle)

    def test_reader(self):
        self.check(reader_cycle)

    def test_diagnosis(self):
        self.check(diagnosis_cycle)

    def test_diagnosis_collected(self):
        self.check(diagnosis_dropped)

    def test_monitor(self):
        self.check(monitor_cycle)

    def test_alarm_drift(self):
        self.check(alarm_drift_cycle)

    def test_error_paths(self):
        self.check(error_cycle)

    def test_bound_would_catch_a_leak(self):
        # The measurement is sensitive enough: 10^4 un-freed extractors do exceed the bound.
        before = resident()
        kept = [vigil.FeatureExtractor(12000, 1024, hop=512, bands="0-500,500-3000")
                for _ in range(2000)]
        self.assertGreater(resident() - before, LEAK_BOUND)
        del kept


if __name__ == "__main__":
    unittest.main()
