"""The source-aware metrics on a tiny synthetic table where the truth is known by construction."""
import sys
import unittest
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from source_metrics import (auc, baseline_by_source, confounded, source_separation, two_label_strata,  # noqa: E402
                            within_source_auc)

# Source "atlas": mostly normal; source "mura": mostly abnormal and brighter-looking. A "model" that only learned
# the source scores every mura image 0.9 and every atlas image 0.1, whatever the label.
SOURCES = np.array(["atlas"] * 6 + ["mura"] * 6 + ["implant"] * 3)
PARTS = np.array(["hand"] * 12 + ["shoulder"] * 3)
LABELS = np.array([0, 0, 0, 0, 1, 1] + [0, 1, 1, 1, 1, 1] + [1, 1, 1])
SOURCE_ONLY_SCORES = np.where(SOURCES == "atlas", 0.1, 0.9)
# a model that sees pathology: abnormal scores above normal within every source, sources overlapping
PATHOLOGY_SCORES = np.array([0.1, 0.2, 0.3, 0.15, 0.7, 0.8] + [0.25, 0.6, 0.75, 0.9, 0.6, 0.65] + [0.7, 0.8, 0.9])


class SourceMetricsTest(unittest.TestCase):
    def test_auc_counts_ties_as_half(self):
        self.assertEqual(auc([0.9, 0.1], [1, 0]), 1.0)
        self.assertEqual(auc([0.5, 0.5], [1, 0]), 0.5)
        self.assertTrue(np.isnan(auc([0.3, 0.4], [1, 1])))

    def test_two_label_strata_leave_out_single_label_sources(self):
        self.assertEqual(two_label_strata(SOURCES, PARTS, LABELS), {("atlas", "hand"), ("mura", "hand")})

    def test_a_source_only_model_has_a_high_pooled_auc_and_chance_within_each_source(self):
        hands = PARTS == "hand"
        pooled = auc(SOURCE_ONLY_SCORES[hands], LABELS[hands])
        within = within_source_auc(SOURCE_ONLY_SCORES[hands], LABELS[hands], SOURCES[hands])
        self.assertGreater(pooled, 0.7)
        self.assertEqual({s: w["auc"] for s, w in within.items()}, {"atlas": 0.5, "mura": 0.5})
        self.assertTrue(confounded(pooled, within))

    def test_a_pathology_model_is_good_within_source_and_not_flagged(self):
        hands = PARTS == "hand"
        within = within_source_auc(PATHOLOGY_SCORES[hands], LABELS[hands], SOURCES[hands])
        self.assertEqual(within["atlas"], {"auc": 1.0, "abnormal": 2, "normal": 4})
        self.assertEqual(within["mura"]["auc"], 1.0)
        self.assertFalse(confounded(auc(PATHOLOGY_SCORES[hands], LABELS[hands]), within))

    def test_within_source_skips_a_source_with_one_label_and_takes_a_ci(self):
        within = within_source_auc(PATHOLOGY_SCORES, LABELS, SOURCES, ci=lambda m: [float(m.sum()), 0.0])
        self.assertNotIn("implant", within)
        self.assertEqual(within["atlas"]["aucCI95"], [6.0, 0.0])

    def test_the_source_only_baseline_scores_by_training_rate(self):
        scores = baseline_by_source(SOURCES, LABELS, np.array(["atlas", "mura", "implant", "new"]))
        np.testing.assert_allclose(scores, [2 / 6, 5 / 6, 1.0, 10 / 15])
        # on this table the baseline alone separates the pooled labels well: the shortcut is there to take
        self.assertGreater(auc(baseline_by_source(SOURCES, LABELS, SOURCES), LABELS), 0.75)

    def test_source_separation_at_equal_labels(self):
        rows = source_separation(SOURCE_ONLY_SCORES, LABELS, SOURCES, min_n=2)
        pair = next(r for r in rows if r["label"] == "abnormal" and {r["sourceA"], r["sourceB"]} == {"atlas", "mura"})
        self.assertIn(pair["auc"], (0.0, 1.0))   # the score encodes the source perfectly
        rows = source_separation(np.full(len(LABELS), 0.5), LABELS, SOURCES, min_n=2)
        self.assertTrue(all(r["auc"] == 0.5 for r in rows))


if __name__ == "__main__":
    unittest.main()
