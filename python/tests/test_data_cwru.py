"""'data' suite: on every CWRU recording, vigil.features() equals `vigil features` on the same
file to the last printed digit (%.17g), at the rate the manifest gives for that file.
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


if __name__ == "__main__":
    unittest.main()
