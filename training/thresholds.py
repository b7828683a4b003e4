"""The decision thresholds of one body part, chosen on validation: a film whose abnormal probability is at or above
`high` is called abnormal, below `low` normal, in between uncertain. They are set so that at least `precision` of the
abnormal calls are abnormal and at least `precision` of the normal calls are normal, while as many films as possible
get a call. Pure numpy."""
import numpy as np


def precision_thresholds(p, y, precision=0.9, min_calls=5):
    """(low, high, basis). `high`: the lowest cut whose calls p >= high are abnormal in >= `precision` of cases (at
    least `min_calls` calls); `low`: the highest cut whose calls p < low are normal in >= `precision` of cases. Where
    no cut meets the rule, that side makes no calls (high above every score, low below every score). When the two
    cuts cross, every film is decided at the one cut between them with the fewest errors."""
    p, y = np.asarray(p, float), np.asarray(y, int)
    if len(p) == 0:
        return 0.0, 1.0                                            # nothing to go on: every film uncertain
    order = np.argsort(-p)
    ps, ys = p[order], y[order]
    cuts = np.unique(p)
    # abnormal calls: p >= cut
    high = None
    for cut in cuts:                                           # ascending: the first cut that meets the rule
        calls = p >= cut
        if calls.sum() >= min_calls and y[calls].mean() >= precision:
            high = float(cut)
            break
    # normal calls: p < cut
    low = None
    for cut in np.concatenate([cuts, [np.nextafter(ps[0], 2)]])[::-1]:   # descending
        calls = p < cut
        if calls.sum() >= min_calls and (1 - y[calls]).mean() >= precision:
            low = float(cut)
            break
    high = float(np.nextafter(ps[0], 2)) if high is None else high    # no abnormal call meets the rule
    low = float(np.nextafter(ps[-1], -1)) if low is None else low      # no normal call meets the rule
    if low >= high:
        between = cuts[(cuts >= high) & (cuts <= low)]
        errors = [int(((p >= c) & (y == 0)).sum() + ((p < c) & (y == 1)).sum()) for c in between]
        high = float(between[int(np.argmin(errors))])
        low = high - 1e-4                                        # low < high, as the manifest requires
    return low, high


def rounded(low, high, digits=4):
    """Thresholds as the manifest stores them, rounded outward (fewer calls, never more), low < high kept."""
    scale = 10 ** digits
    low, high = np.floor(low * scale) / scale, np.ceil(high * scale) / scale
    return float(low), float(max(high, low + 1 / scale))


def decision_summary(p, y, low, high):
    """What the thresholds do on labelled films: share decided, and how often each kind of call is right."""
    p, y = np.asarray(p, float), np.asarray(y, int)
    abnormal_calls, normal_calls = p >= high, p < low
    decided = abnormal_calls | normal_calls
    return {
        "films": int(len(p)),
        "decidedShare": float(decided.mean()) if len(p) else None,
        "uncertainShare": float(1 - decided.mean()) if len(p) else None,
        "decidedAccuracy": float(((abnormal_calls & (y == 1)) | (normal_calls & (y == 0)))[decided].mean())
        if decided.any() else None,
        "abnormalCalls": int(abnormal_calls.sum()), "normalCalls": int(normal_calls.sum()),
        "abnormalCallsRight": float(y[abnormal_calls].mean()) if abnormal_calls.any() else None,
        "normalCallsRight": float(1 - y[normal_calls].mean()) if normal_calls.any() else None,
    }
