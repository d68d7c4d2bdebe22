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

    # item 8: option values are checked by the library's setters before any data is read
    def test_model_options_exit_2_before_reading(self):
        missing = os.path.join(self.tmp, "missing.csv")  # never opened: usage comes first
        for opt in (["--quantile", "0"], ["--quantile", "-0.5"], ["--quantile", "1"],
                    ["--gap", "-1"], ["--seed", "-1"], ["--seed", "1e30"], ["--seed", "0.5"],
                    ["--relearn", "0"], ["--conditions", "0"], ["--conditions", "65"]):
            for cmd in (["train", "-o", os.path.join(self.tmp, "m.vgm")],
                        ["monitor", "--learn", "10"]):
                r = run(*(cmd + ["--rate", "12000"] + opt + [missing]))
                self.assertEqual(r.returncode, 2, (cmd, opt, r.stderr))
                self.assertEqual(len(r.stderr.strip().splitlines()), 1, r.stderr)
                self.assertNotIn("cannot open", r.stderr)
        r = run("train", "--rate", "12000", "--max-rows", "1", "-o", "m.vgm", missing)
        self.assertEqual(r.returncode, 2, r.stderr)

    def rows_file(self, n):
        return self.write("rows%d.csv" % n, "a,b\n" + "".join(
            "%r,%r\n" % (1.0 + (i * 7 % 11) * 0.01, 3.0 + (i * 5 % 13) * 0.1) for i in range(n)))

    def test_long_column_name_round_trip(self):
        name = "c" * 600
        data = self.write("long.csv", name + "\n" + "".join(
            "%r\n" % (((i * 7) % 13 - 6) / 6.0) for i in range(20000)))
        model = os.path.join(self.tmp, "long.vgm")
        r = run("train", "--rate", "12000", "--frame", "1024", "--column", name, "-o", model,
                data)
        self.assertEqual(r.returncode, 0, r.stderr)
        r = run("score", "--model", model, data)
        self.assertEqual(r.returncode, 0, r.stderr[:300])
        self.assertEqual(len(r.stdout.splitlines()), 1 + 19)

    def test_score_error_names_the_file(self):
        model = os.path.join(self.tmp, "rows.vgm")
        r = run("train", "--rows", "--model", "zscore", "-o", model, self.rows_file(50))
        self.assertEqual(r.returncode, 0, r.stderr)
        big = self.write("big.csv", "a,b\n1e200,2\n")
        r = run("score", "--model", model, big)
        self.assertEqual(r.returncode, 1)
        self.assertIn("big.csv: row 1:", r.stderr)

    def test_utf8_bom_is_not_part_of_the_first_name(self):
        bom = self.write("bom.csv", "\ufeffde,fe\n" + "".join(
            "%r,0\n" % (((i * 7) % 13 - 6) / 6.0) for i in range(4096)))
        r = run("features", "--rate", "12000", "--frame", "1024", "--column", "de", bom)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(len(r.stdout.splitlines()), 1 + 4)

    def test_train_row_cap_learns_every_kth_row(self):
        rows = self.rows_file(50)
        capped = os.path.join(self.tmp, "capped.vgm")
        r = run("train", "--rows", "--model", "zscore", "--max-rows", "16", "-o", capped, rows)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("learning every 4-th row", r.stderr)
        # the same model as learning rows 0, 4, 8, ... outright
        with open(rows) as fh:
            lines = fh.read().splitlines()
        kth = self.write("kth.csv", "\n".join([lines[0]] + lines[1::4]) + "\n")
        ref = os.path.join(self.tmp, "ref.vgm")
        r = run("train", "--rows", "--model", "zscore", "-o", ref, kth)
        self.assertEqual(r.returncode, 0, r.stderr)
        with open(capped, "rb") as a, open(ref, "rb") as b:
            self.assertEqual(a.read(), b.read())

    # item 3: a "model" that never ends is rejected after its header (test_model_files.c)
    def test_model_dev_zero(self):
        r = subprocess.run([VIGIL, "score", "--model", "/dev/zero",
                            os.path.join(DEMO, "healthy.csv.gz")],
                           capture_output=True, text=True, timeout=20)
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertIn("/dev/zero: not a vigil model", r.stderr)


if __name__ == "__main__":
    unittest.main(verbosity=2)
