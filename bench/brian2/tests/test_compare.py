"""Tests of the Brian2 comparison's harness (no Brian2 and no Go needed):
where compare.py and the scripts build, the regime lines it prints, its
per-round ranges, and that make bench-spiking compares every benchmark it
runs with a baseline that holds it.

usage: /usr/bin/python3 -m unittest discover -s bench/brian2/tests   (make test-brian2-harness)
"""
import argparse
import contextlib
import importlib.util
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unittest

BRIAN2 = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ROOT = os.path.dirname(os.path.dirname(BRIAN2))
sys.path.insert(0, BRIAN2)

import common  # noqa: E402
import compare  # noqa: E402


def load_common(directory, name):
    """common.py of another copy of the scripts, as its own module."""
    spec = importlib.util.spec_from_file_location(name, os.path.join(directory, "common.py"))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


@contextlib.contextmanager
def env(**kv):
    old = {k: os.environ.get(k) for k in kv}
    try:
        for k, v in kv.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
        yield
    finally:
        for k, v in old.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


class BuildBase(unittest.TestCase):
    """Projects are kept per checkout and per version of the scripts."""

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="neurodyn-brian2-test-")
        self.copies = []
        for k in range(2):
            d = os.path.join(self.tmp, "checkout%d" % k, "bench", "brian2")
            os.makedirs(d)
            for f in os.listdir(BRIAN2):
                if f.endswith(".py"):
                    shutil.copy(os.path.join(BRIAN2, f), d)
            self.copies.append(d)

    def tearDown(self):
        shutil.rmtree(self.tmp)

    def base(self, k):
        with env(BRIAN2_BUILD_DIR=None, TMPDIR=self.tmp):
            tempfile.tempdir = None  # gettempdir() reads TMPDIR again
            try:
                return load_common(self.copies[k], "common_copy%d" % k).build_base()
            finally:
                tempfile.tempdir = None

    def test_cases(self):
        first, second = self.base(0), self.base(1)
        self.assertNotEqual(first, second, "two checkouts share a build directory")
        self.assertTrue(first.startswith(os.path.join(self.tmp, "neurodyn-brian2-%d" % os.getuid())), first)
        self.assertEqual(first, self.base(0), "the key is not stable")
        cases = [("compare.py", False), ("freeze.py", False), ("cuba.py", True), ("common.py", True)]
        for name, changes in cases:
            with self.subTest(edited=name):
                before = self.base(0)
                with open(os.path.join(self.copies[0], name), "a") as f:
                    f.write("\n# edited\n")
                after = self.base(0)
                self.assertEqual(before != after, changes, "editing %s: %s -> %s" % (name, before, after))

    def test_override(self):
        with env(BRIAN2_BUILD_DIR=os.path.join(self.tmp, "mine")):
            self.assertEqual(common.build_base(), os.path.join(self.tmp, "mine"))


class Report(unittest.TestCase):
    """compare.run's report, with the Go benchmark and the Brian2 binaries faked."""

    GO = {"cuba": (0.02, 0.021, {"spikes": 23356.0}),
          "brunel": (2.5, 2.6, {"spikes": 465550.0})}
    BRIAN = {"cuba_4000_1": [0.06, 0.07], "brunel_10000_1": [6.0, 5.0]}
    REGIME = {"cuba": {"rate_hz": 5.616, "n_spikes": 22463, "last_spike_ms": 999.9, "seed": 1, "rate_e_hz": 5.604,
                       "rate_i_hz": 5.664, "rate_e_hz_per_200ms": [5.66, 5.76, 5.8, 5.35, 5.45]},
              "brunel": {"rate_hz": 36.483, "n_spikes": 456032, "last_spike_ms": 999.9, "seed": 1,
                         "rate_e_hz": 36.41, "rate_i_hz": 36.773, "rate_e_hz_per_200ms": [36.4, 36.1, 37.1, 36.2, 36.4]}}

    def test_cuba_brunel(self):
        tmp = tempfile.mkdtemp(prefix="neurodyn-brian2-test-")
        self.addCleanup(shutil.rmtree, tmp)
        for d in self.BRIAN:
            os.makedirs(os.path.join(tmp, d))
            open(os.path.join(tmp, d, "main"), "w").close()
        with open(os.path.join(tmp, "regime.json"), "w") as f:
            json.dump(self.REGIME, f)
        calls = {d: 0 for d in self.BRIAN}

        def brian_run(directory):
            d = os.path.basename(directory)
            calls[d] += 1
            return self.BRIAN[d][calls[d] - 1]

        saved = compare.go_run, compare.brian_run
        compare.go_run = lambda binary, net: self.GO[net]
        compare.brian_run = brian_run
        compare.BRIAN_REGIME.clear()
        try:
            with env(BRIAN2_BUILD_DIR=tmp):
                text = compare.run(argparse.Namespace(reuse=True, rounds=2), ["cuba", "brunel"], tmp, "bench.test")
        finally:
            compare.go_run, compare.brian_run = saved
        want = [
            r"cuba +neurodyn median 0\.0200 s +brian2 median 0\.0650 s +speed-up 3\.25x \(per round 3\.00-3\.50x\)",
            r"regime over the 1 s: neurodyn rate of all 4,000 5\.839 Hz \(23356 spikes\)",
            r"regime over the 1 s: brian2 +rate of all 4,000 5\.616 Hz \(22463 spikes.*E rate 5\.604 Hz, I rate 5\.664 Hz",
            r"brunel +neurodyn median 2\.5000 s +brian2 median 5\.5000 s +speed-up 2\.20x \(per round 2\.00-2\.40x\)",
            r"regime over the 1 s: neurodyn rate of all 12,500 37\.244 Hz \(465550 spikes\)",
            r"regime over the 1 s: brian2 +rate of all 12,500 36\.483 Hz",
        ]
        for w in want:
            with self.subTest(line=w):
                self.assertRegex(text, w)
        self.assertNotIn("E->E weight", text, "cuba or brunel reported as brunel_stdp")

    def test_reuse_without_projects(self):
        tmp = tempfile.mkdtemp(prefix="neurodyn-brian2-test-")
        self.addCleanup(shutil.rmtree, tmp)
        with env(BRIAN2_BUILD_DIR=tmp), contextlib.redirect_stderr(io.StringIO()):
            with self.assertRaises(SystemExit) as e:
                compare.run(argparse.Namespace(reuse=True, rounds=1), ["cuba"], tmp, "bench.test")
        self.assertIn("no compiled Brian2 project", str(e.exception.code))


class BenchSpiking(unittest.TestCase):
    """make bench-spiking compares with its baseline, which holds every benchmark it runs."""

    def setUp(self):
        if shutil.which("make") is None:
            self.skipTest("no make")
        self.plan = subprocess.run(["make", "-n", "--no-print-directory", "bench-spiking"], cwd=ROOT, check=True,
                                   capture_output=True, text=True).stdout

    def test_benchstat(self):
        self.assertIn("benchstat bench/baseline/spiking.txt build/bench/spiking.txt", self.plan)
        self.assertRegex(self.plan, r"go test .*-benchtime 1x .*-cpu 1 .*\| tee build/bench/spiking\.txt")

    def test_baseline_holds_every_benchmark(self):
        m = re.search(r"-bench '\^BenchmarkSpiking\(([A-Za-z0-9|]+)\)\$'", self.plan)
        self.assertIsNotNone(m, self.plan)
        with open(os.path.join(ROOT, "bench", "baseline", "spiking.txt")) as f:
            have = {line.split()[0].split("/")[0] for line in f if line.startswith("Benchmark")}
        for name in m.group(1).split("|"):
            with self.subTest(benchmark=name):
                self.assertIn("BenchmarkSpiking" + name, have)


class PerRound(unittest.TestCase):
    def test_cases(self):
        for go, brian, want in [([1.0, 2.0], [3.0, 5.0], " (per round 2.50-3.00x)"),
                                ([1.0], [3.0], ""),
                                ([0.5, 0.25, 1.0], [1.0, 1.0, 1.0], " (per round 1.00-4.00x)")]:
            with self.subTest(go=go, brian=brian):
                self.assertEqual(compare.per_round(go, brian), want)


if __name__ == "__main__":
    unittest.main()
