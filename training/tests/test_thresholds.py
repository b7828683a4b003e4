"""Decision thresholds meet the precision rule on a small table worked out by hand."""
import sys
import unittest
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from thresholds import decision_summary, precision_thresholds, rounded  # noqa: E402

# 20 films, sorted by probability; 1 = abnormal
P = [0.02, 0.05, 0.08, 0.10, 0.12, 0.15, 0.20, 0.25, 0.30, 0.35, 0.40, 0.45, 0.50, 0.55, 0.60, 0.70, 0.80, 0.85, 0.90, 0.95]
Y = [0, 0, 0, 0, 0, 0, 1, 0, 0, 1, 0, 1, 1, 0, 1, 1, 1, 1, 1, 1]


class ThresholdTest(unittest.TestCase):
    def test_calls_are_right_at_least_nine_times_in_ten_and_as_many_as_possible(self):
        low, high = precision_thresholds(P, Y, precision=0.9, min_calls=5)
        # abnormal calls: p >= 0.60 gives 6 calls, all abnormal; p >= 0.55 would give 7 calls with 1 normal (85.7%)
        self.assertEqual(high, 0.60)
        # normal calls: p < 0.35 gives 9 calls with 1 abnormal (88.9%); p < 0.20 gives 6 calls, all normal; p < 0.25
        # gives 7 calls with 1 abnormal (85.7%), p < 0.30 8 calls 87.5%: the highest cut at >= 90% is 0.20
        self.assertEqual(low, 0.20)
        summary = decision_summary(P, Y, low, high)
        self.assertEqual((summary["abnormalCalls"], summary["normalCalls"]), (6, 6))
        self.assertAlmostEqual(summary["decidedShare"], 12 / 20)
        self.assertEqual(summary["abnormalCallsRight"], 1.0)
        self.assertEqual(summary["normalCallsRight"], 1.0)

    def test_a_looser_rule_decides_more_films(self):
        low, high = precision_thresholds(P, Y, precision=0.85, min_calls=5)
        self.assertEqual(high, 0.45)       # 9 calls, 8 right = 88.9% (p >= 0.40: 10 calls, 80%)
        self.assertEqual(low, 0.35)        # 9 calls (p < 0.35), 8 right = 88.9% (p < 0.40: 10 calls, 80%)
        self.assertGreater(decision_summary(P, Y, low, high)["decidedShare"], 12 / 20)

    def test_a_side_that_cannot_meet_the_rule_makes_no_calls(self):
        y = [1 if k % 2 else 0 for k in range(20)]          # the score says nothing
        low, high = precision_thresholds(P, y, precision=0.9, min_calls=5)
        summary = decision_summary(P, y, low, high)
        self.assertEqual(summary["decidedShare"], 0.0)
        self.assertIsNone(summary["decidedAccuracy"])

    def test_separable_films_are_all_decided_at_one_cut(self):
        low, high = precision_thresholds([0.1, 0.2, 0.3, 0.7, 0.8, 0.9], [0, 0, 0, 1, 1, 1], min_calls=2)
        self.assertLess(low, high)
        self.assertEqual(decision_summary([0.1, 0.2, 0.3, 0.7, 0.8, 0.9], [0, 0, 0, 1, 1, 1], low, high)["decidedShare"], 1.0)

    def test_rounding_never_adds_calls(self):
        self.assertEqual(rounded(0.123456, 0.654321), (0.1234, 0.6544))
        low, high = rounded(0.5, 0.50001)
        self.assertLess(low, high)


if __name__ == "__main__":
    unittest.main()
