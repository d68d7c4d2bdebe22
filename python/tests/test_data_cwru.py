"""'data' suite: on every CWRU recording, vigil.features() equals `vigil features` and
vigil.diagnose() equals `vigil diagnose` on the same file to the last printed digit, at the rate
and shaft speed the manifest gives for that file.
Skips (exit 77) when ../shared/datasets (or $VIGIL_DATASETS) is absent."""

import csv
import os
import unittest

import support

import vigil

ROOT = support.datasets_dir()
if ROOT is None or not os.path.exists(os.path.join(ROOT, "MANIFEST.tsv")):
    support.skip_module("public datasets not found (set VIGIL_DATASETS)")


def cwru_files():
    with open(os.path.join(ROOT, "MANIFEST.tsv")) as f:
        return [(r["path"], float(r["rate_hz"]))
                for r in csv.DictReader(f, delimiter="\t") if r["path"].startswith("cwru/")]


def cwru_rpm():
    with open(os.path.join(ROOT, "MANIFEST.tsv")) as f:
        return {r["path"]: float(r["rpm"])
                for r in csv.DictReader(f, delimiter="\t") if r["path"].startswith("cwru/")}


class TestCwruEqualsCommand(unittest.TestCase):
    def test_every_file_default_options(self):
        files = cwru_files()
        self.assertGreater(len(files), 20)
        for rel, rate in files:
            with self.subTest(file=rel):
                path = os.path.join(ROOT, rel)
                x = vigil.read_csv(path, columns=["de"])["de"]
                header, rows = support.cli_features(path, "--rate", "%g" % rate,
                                                    "--column", "de")
                support.assert_equals_cli(self, vigil.features(x, rate), header, rows)

    def test_overlap_bands_fan_end(self):
        path = os.path.join(ROOT, "cwru", "inner_race_007_0hp_105.csv.gz")
        x = vigil.read_csv(path)["fe"]
        bands = "0-500,500-2000,2000-4000,4000-6000"
        cols = vigil.features(x, 12000, frame=2048, hop=512, bands=bands)
        header, rows = support.cli_features(path, "--rate", 12000, "--column", "fe",
                                            "--frame", 2048, "--hop", 512, "--bands", bands)
        support.assert_equals_cli(self, cols, header, rows)

    def test_diagnose_every_file(self):
        # the 6205 geometry and the manifest's rpm, as tests/test_diagnose_cwru.c
        geometry = "n=9,d=0.3126,D=1.537,angle=0"
        rpm = cwru_rpm()
        for rel, rate in cwru_files():
            with self.subTest(file=rel):
                path = os.path.join(ROOT, rel)
                shaft = rpm[rel] / 60.0
                x = vigil.read_csv(path, columns=["de"])["de"]
                got = support.diagnosis_as_printed(vigil.diagnose(x, rate, shaft, geometry))
                row, = support.cli_diagnose([path], "--rate", "%g" % rate, "--column", "de",
                                            "--shaft-hz", support.printed(shaft),
                                            "--bearing", geometry)
                row.pop("source")
                self.assertEqual(got, row)


if __name__ == "__main__":
    unittest.main()
