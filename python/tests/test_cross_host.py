"""One model file for every host (issue 14): a monitor trained by `vigil train`, by Python
(vigil.Monitor) and by the gateway (stdin mode, --learn) loads in the other two, and all three
score the same recording frame by frame with the same scores (relative 1e-9). And
`vigil features` with every group equals vigil.FeatureExtractor with the same groups.

Needs the gateway (VIGIL_GATEWAY; built when libmosquitto-dev is installed): skipped without it.
"""

import json
import math
import os
import shutil
import subprocess
import tempfile
import unittest

import support

import vigil

GATEWAY = os.environ.get("VIGIL_GATEWAY", "")
RATE, FRAME, HOP = 12000, 1024, 512
LEARN = (24000 - FRAME) // HOP + 1  # every frame of healthy.csv.gz, as `vigil train` learns
REL = 1e-9


def demo(name):
    return os.path.join(support.DEMO, name + ".csv.gz")


def close(a, b):
    return a == b or abs(a - b) <= REL * max(abs(a), abs(b))


class CrossHost(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="vigil-cross-")
        # the command
        cls.models = {"command": os.path.join(cls.tmp, "cli.vgm")}
        support.cli_run("train", "--rate", RATE, "--frame", FRAME, "--hop", HOP, "--column",
                        "de", "--detector", "mahalanobis", "-o", cls.models["command"],
                        demo("healthy"))
        # Python
        cls.models["python"] = os.path.join(cls.tmp, "py.vgm")
        with vigil.FeatureExtractor(RATE, FRAME, HOP) as ex:
            m = vigil.Monitor(ex, detector="mahalanobis")
            ex.push(vigil.read_csv(demo("healthy"))["de"])
            m.learn(ex.drain())
        m.fit()
        m.save(cls.models["python"])
        m.close()
        # the gateway, stdin mode: learns the first LEARN frames, saves <machine>@<channel>.vgm
        if GATEWAY:
            gw_dir = os.path.join(cls.tmp, "gw-train")
            cls.gateway(demo("healthy"), gw_dir, learn=LEARN)
            cls.models["gateway"] = os.path.join(cls.tmp, "gw.vgm")
            shutil.copy(os.path.join(gw_dir, "press-1@de.vgm"), cls.models["gateway"])

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp)

    @classmethod
    def gateway(cls, path, models, learn=None):
        argv = [GATEWAY, "--input", path, "--machine", "press-1", "--channel", "de", "--rate",
                str(RATE), "--column", "de", "--frame", str(FRAME), "--hop", str(HOP),
                "--models", models, "--t0", "1000"]
        if learn:
            argv += ["--learn", str(learn)]
        p = subprocess.run(argv, capture_output=True, text=True, timeout=120, check=True)
        return [json.loads(line.split(" ", 1)[1]) for line in p.stdout.splitlines()
                if line.split(" ", 1)[0].endswith("/health")]

    # -- the three hosts scoring a recording with a model file ---------------------------------
    def score_command(self, model, path):
        rows = support.cli_run("score", "--model", model, path)
        i = rows[0].index("score")
        return [float(r[i]) for r in rows[1:]]

    def score_python(self, model, path):
        with vigil.Monitor.load(model) as m, m.pipeline.extractor() as ex:
            ex.push(vigil.read_csv(path)["de"])
            rows = ex.drain()
            return list(m.score(rows)["score"])

    def score_gateway(self, model, path):
        d = tempfile.mkdtemp(dir=self.tmp)
        shutil.copy(model, os.path.join(d, "press-1@de.vgm"))  # any host's file, by its name
        health = self.gateway(path, d)
        self.assertTrue(all(h["state"] != "learning" for h in health))
        return [h["score"] for h in health]

    def hosts(self):
        return ["command", "python"] + (["gateway"] if GATEWAY else [])

    def test_every_pair_scores_alike(self):
        scorers = {"command": self.score_command, "python": self.score_python,
                   "gateway": self.score_gateway}
        for rec in ("healthy", "outer_race"):
            reference = None
            for trained in self.hosts():
                for scorer in self.hosts():
                    got = scorers[scorer](self.models[trained], demo(rec))
                    self.assertEqual(len(got), LEARN, (trained, scorer))
                    if reference is None:
                        reference = got
                    bad = [(i, a, b) for i, (a, b) in enumerate(zip(got, reference))
                           if not close(a, b)]
                    self.assertEqual(bad, [], "%s model scored by %s on %s" % (trained, scorer,
                                                                                rec))
            if rec == "outer_race":
                self.assertGreater(max(reference), 10.0)  # the fault is seen by all

    def test_same_trained_state(self):
        """The three files hold the same detector state: the same thresholds and selection."""
        loaded = [vigil.Monitor.load(self.models[h]) for h in self.hosts()]
        try:
            for m in loaded[1:]:
                self.assertTrue(close(m.threshold(), loaded[0].threshold()))
                self.assertEqual(m.features, loaded[0].features)
                self.assertEqual(m.pipeline["hop"], "512")
        finally:
            for m in loaded:
                m.close()

    def test_inspect_prints_spec_and_id(self):
        for host in self.hosts():
            out = subprocess.run([support.EXE, "inspect", self.models[host]], check=True,
                                 capture_output=True, text=True).stdout
            with vigil.Monitor.load(self.models[host]) as m:
                self.assertIn("# model id: %s\n" % m.model_id, out)
                self.assertIn("# condition 0: %d rows learnt" % LEARN, out)
            self.assertIn("\nhop = 512\n", out)
            self.assertIn("\nmonitor.detector = mahalanobis\n", out)
            # the printed specification is one `vigil train --spec` takes back
            spec = os.path.join(self.tmp, host + ".spec")
            with open(spec, "w") as f:
                f.write("".join(l + "\n" for l in out.splitlines() if not l.startswith("# ")))
            p = vigil.Pipeline.load(spec)
            self.assertEqual(p.number("frame"), FRAME)
            p.close()


class FeaturesWithGroups(unittest.TestCase):
    def test_command_equals_python(self):
        groups = ["--bearing", "n=9,d=0.3126,D=1.537,angle=0", "--shaft-hz", "29.95",
                  "--envelope-band", "1000-5000", "--orders", "--severity", "--units", "g",
                  "--class", "1r"]
        header, rows = support.cli_features(demo("outer_race"), "--rate", RATE, "--frame", FRAME,
                                            "--column", "de", *groups)
        with vigil.FeatureExtractor(RATE, FRAME, bearing="n=9,d=0.3126,D=1.537,angle=0",
                                    shaft_hz=29.95, envelope="1000-5000", orders=True,
                                    severity=True, units="g", machine_class="1r") as ex:
            self.assertEqual(tuple(header), ex.names)
            for g in ("env_bpfo", "env_bpfo_prom", "order_1x", "shaft_hz", "velocity_rms_mm_s",
                      "iso_zone"):
                self.assertIn(g, header)
            ex.push(vigil.read_csv(demo("outer_race"))["de"])
            cols = ex.drain()
        self.assertEqual(len(rows), len(cols["rms"]))
        for j, name in enumerate(header):
            for i, r in enumerate(rows):
                self.assertEqual(float(r[j]), float(cols[name][i]), (name, i))
        # the extractor a Pipeline with the same keys builds is the same one
        with vigil.Pipeline(rate=RATE, frame=FRAME, bearing="n=9,d=0.3126,D=1.537",
                            **{"shaft.hz": 29.95, "envelope.band": "1000-5000", "orders": True,
                               "severity": True, "severity.class": "1r"}) as p, \
                p.extractor() as ex2:
            self.assertEqual(tuple(header), ex2.names)


if __name__ == "__main__":
    unittest.main()
