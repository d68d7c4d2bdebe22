"""vigil.read_csv(), vigil.Reader and the parsers, checked against Python's own gzip/csv/float
parsing and calendar.timegm on the same text."""

import calendar
import csv
import gzip
import os
import shutil
import tempfile
import unittest

import support

import vigil


def reference(path):
    """Columns of a (gzip) CSV parsed by the standard library."""
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rt") as f:
        rows = list(csv.reader(f))
    return rows[0], [[float(v) for v in col] for col in zip(*rows[1:])]


def values(col):
    return [float(v) for v in col]


class TestReadCsv(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="vigil-py-")

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp)

    def write(self, name, text, compress=False):
        path = os.path.join(self.tmp, name)
        with (gzip.open(path, "wt") if compress else open(path, "w")) as f:
            f.write(text)
        return path

    def test_equals_stdlib_parsing(self):
        for path in (os.path.join(support.DEMO, "outer_race.csv.gz"),
                     os.path.join(support.DEMO, "run_to_failure", "00033.csv.gz")):
            names, cols = reference(path)
            data = vigil.read_csv(path)
            self.assertEqual(list(data), names)
            for name, col in zip(names, cols):
                self.assertEqual(values(data[name]), col)

    def test_column_selection(self):
        path = os.path.join(support.DEMO, "run_to_failure", "00001.csv.gz")
        names, cols = reference(path)
        data = vigil.read_csv(path, columns=["temp", 0])
        self.assertEqual(list(data), ["temp", "de"])
        self.assertEqual(values(data["temp"]), cols[1])
        self.assertEqual(list(vigil.read_csv(path, columns="1")), ["temp"])

    def test_reader_chunks_equal_whole(self):
        path = os.path.join(support.DEMO, "healthy.csv.gz")
        whole = values(vigil.read_csv(path)["de"])
        got = []
        with vigil.Reader(path) as r:
            self.assertEqual(r.columns, ("de",))
            self.assertEqual(r.line, 1)
            while True:
                part = r.read_column("de", 1000)
                if len(part) == 0:
                    break
                got += values(part)
            self.assertEqual(r.line, 1 + len(whole))
        self.assertEqual(got, whole)
        with vigil.Reader(path) as r:
            rows = r.read_rows(10)
            self.assertEqual(values(rows["de"]), whole[:10])

    def test_time_column(self):
        stamps = ["2003-10-22 12:06:24", "2003-10-22T12:16:24.5Z", "2003-11-25 23:39:56"]
        text = "timestamp,value\n" + "".join("%s,%d\n" % (s, i) for i, s in enumerate(stamps))
        path = self.write("times.csv.gz", text, compress=True)
        data = vigil.read_csv(path, time_column="timestamp")
        want = [calendar.timegm((2003, 10, 22, 12, 6, 24)),
                calendar.timegm((2003, 10, 22, 12, 16, 24)) + 0.5,
                calendar.timegm((2003, 11, 25, 23, 39, 56))]
        self.assertEqual(values(data["timestamp"]), want)
        self.assertEqual(values(data["value"]), [0.0, 1.0, 2.0])

    def test_duplicate_header_names_keyed_by_index(self):
        path = self.write("dup.csv", "a,a,b\n1,2,3\n")
        self.assertEqual({k: values(v) for k, v in vigil.read_csv(path).items()},
                         {"a": [1.0], "1": [2.0], "b": [3.0]})

    def assertVigil(self, status, fn, *args, **kw):
        with self.assertRaises(vigil.VigilError) as cm:
            fn(*args, **kw)
        self.assertIs(cm.exception.status, status)
        return cm.exception.message

    def test_errors(self):
        missing = os.path.join(self.tmp, "missing.csv")
        self.assertIn("missing.csv", self.assertVigil(vigil.Status.EIO, vigil.read_csv, missing))
        bad = self.write("bad.csv.gz", "de,fe\n1,2\n3,abc\n", compress=True)
        msg = self.assertVigil(vigil.Status.EFORMAT, vigil.read_csv, bad)
        self.assertIn("bad.csv.gz:3", msg)
        self.assertIn("abc", msg)
        ragged = self.write("ragged.csv", "de,fe\n1,2\n3\n")
        self.assertIn("ragged.csv:3", self.assertVigil(vigil.Status.EFORMAT, vigil.read_csv,
                                                       ragged))
        header_only = self.write("header.csv", "de\n")
        self.assertVigil(vigil.Status.ENODATA, vigil.read_csv, header_only)
        empty = self.write("empty.csv", "")
        self.assertVigil(vigil.Status.EFORMAT, vigil.read_csv, empty)
        good = self.write("good.csv", "de\n1\n")
        msg = self.assertVigil(vigil.Status.ENOTFOUND, vigil.read_csv, good, columns=["fe"])
        self.assertIn("de", msg)  # lists the available columns
        with open(os.path.join(self.tmp, "corrupt.csv.gz"), "wb") as f:
            f.write(gzip.compress(b"de\n1\n2\n3\n" * 100)[:40])
        self.assertVigil(vigil.Status.EFORMAT, vigil.read_csv,
                         os.path.join(self.tmp, "corrupt.csv.gz"))
        with self.assertRaises(ValueError):
            vigil.read_csv("a\0b")
        r = vigil.Reader(good)
        r.close()
        with self.assertRaises(ValueError):
            r.read_column(0)


class TestParse(unittest.TestCase):
    def test_bands(self):
        self.assertEqual(vigil.parse_bands(" 0-500, 500-2e3 ,2000 - 6000"),
                         [(0.0, 500.0), (500.0, 2000.0), (2000.0, 6000.0)])
        for bad in ("", "5-1", "a-b", "-1-5", "0-inf", "0-500,"):
            with self.subTest(text=bad), self.assertRaises(vigil.VigilError) as cm:
                vigil.parse_bands(bad)
            self.assertIs(cm.exception.status, vigil.Status.EFORMAT)

    def test_time(self):
        self.assertEqual(vigil.parse_time("1970-01-01"), 0.0)
        self.assertEqual(vigil.parse_time("2024-02-29 23:59:59.25Z"),
                         calendar.timegm((2024, 2, 29, 23, 59, 59)) + 0.25)
        self.assertEqual(vigil.parse_time("12.5"), 12.5)
        for bad in ("2023-02-29", "2024-13-01", "yesterday", "2024-01-01 25:00"):
            with self.subTest(text=bad), self.assertRaises(vigil.VigilError):
                vigil.parse_time(bad)

    def test_number(self):
        self.assertEqual(vigil.parse_number(" 1e-3 "), 0.001)
        for bad in ("", "nan", "inf", "1,5", "0x10 z"):
            with self.subTest(text=bad), self.assertRaises(vigil.VigilError):
                vigil.parse_number(bad)
        with self.assertRaises(TypeError):
            vigil.parse_number(3)
        with self.assertRaises(ValueError):
            vigil.parse_number("1\0" + "2")


if __name__ == "__main__":
    unittest.main()
