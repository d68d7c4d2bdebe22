#!/usr/bin/env python3
"""Issue 17's attacks on the vigil command, each reproduced with its handling asserted (the
library-level halves are in the C tests named in each test's comment).  Standard library only.
check_attacks.py VIGIL SOURCE_ROOT"""
import os
import subprocess
import sys
import tempfile
import unittest

VIGIL = sys.argv.pop(1)
ROOT = sys.argv.pop(1)
DEMO = os.path.join(ROOT, "datasets", "demo")
BEARING = "n=9,d=0.3126,D=1.537"


def run(*args, stdin=None, cwd=None):
    return subprocess.run([VIGIL] + list(args), capture_output=True, text=True, input=stdin,
                          cwd=cwd)


class Attacks(unittest.TestCase):
    def setUp(self):
        self._tmp = tempfile.TemporaryDirectory()
        self.tmp = self._tmp.name

    def tearDown(self):
        self._tmp.cleanup()

    def write(self, name, text):
        path = os.path.join(self.tmp, name)
        with open(path, "w") as fh:
            fh.write(text)
        return path

    # items 1 and 2: samples beyond VIGIL_SAMPLE_MAX (test_ranges.c for the library)
    def test_huge_samples_are_an_error_not_inf(self):
        big = self.write("big.csv", "x\n" + "".join(
            "%r\n" % (1e300 * ((i * 7) % 13 - 6)) for i in range(20000)))
        r = run("diagnose", "--rate", "12000", "--shaft-hz", "29.95", "--bearing", BEARING, big)
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertIn("big.csv", r.stderr)
        self.assertIn("VIGIL_SAMPLE_MAX", r.stderr)
        self.assertNotIn("normal", r.stdout)
        r = run("features", "--rate", "12000", big)
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertNotIn("inf", r.stdout)
        self.assertNotIn("nan", r.stdout)

    def test_rate_outside_range_is_usage_error(self):
        demo = os.path.join(DEMO, "healthy.csv.gz")
        for rate in ("1e-310", "1e-7", "2e9"):
            r = run("features", "--rate", rate, demo)
            self.assertEqual(r.returncode, 2, (rate, r.stderr))
            self.assertEqual(r.stdout, "")
        r = run("features", "--rate", "1e-6", "--frame", "4", demo)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertNotIn("inf", r.stdout)

    # item 5: two gzip members, the second's first byte flipped (test_gzip_members.c)
    def test_corrupt_second_gzip_member(self):
        import gzip
        half = "".join("%r\n" % (((i * 7) % 13 - 6) / 6.0) for i in range(4096))
        one = gzip.compress(("x\n" + half).encode())
        two = bytearray(gzip.compress(half.encode()))
        two[0] ^= 0xFF
        path = os.path.join(self.tmp, "two.csv.gz")
        with open(path, "wb") as fh:
            fh.write(one + bytes(two))
        r = run("features", "--rate", "12000", "--frame", "1024", path)
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertRegex(r.stderr, r"two\.csv\.gz:4098: corrupt gzip data")
        self.assertEqual(len(r.stdout.splitlines()), 1 + 4)  # the first member's 4 frames

    # item 3: a "model" that never ends is rejected after its header (test_model_files.c)
    def test_model_dev_zero(self):
        r = subprocess.run([VIGIL, "score", "--model", "/dev/zero",
                            os.path.join(DEMO, "healthy.csv.gz")],
                           capture_output=True, text=True, timeout=20)
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertIn("/dev/zero: not a vigil model", r.stderr)


if __name__ == "__main__":
    unittest.main(verbosity=2)
