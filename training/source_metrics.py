"""Metrics that a source shortcut cannot fool. When a label comes mostly from one source, a model can score a
high pooled AUC by recognising the source; these measure pathology within a source, what the source alone
predicts, and whether the score tells sources apart at equal labels. Pure numpy, used by evaluate.py."""
import numpy as np


def auc(scores, labels):
    """Mann-Whitney AUC with tied scores given their average rank; NaN without both classes."""
    scores, labels = np.asarray(scores, float), np.asarray(labels)
    pos, neg = scores[labels == 1], scores[labels == 0]
    if len(pos) == 0 or len(neg) == 0:
        return float("nan")
    _, inverse, counts = np.unique(np.concatenate([pos, neg]), return_inverse=True, return_counts=True)
    ends = np.cumsum(counts)
    ranks = ((ends - counts + 1 + ends) / 2)[inverse]
    return float((ranks[:len(pos)].sum() - len(pos) * (len(pos) + 1) / 2) / (len(pos) * len(neg)))


def two_label_strata(sources, parts, labels):
    """The (source, part) pairs that hold both normal (0) and abnormal (1) images; -1 = unknown, ignored."""
    seen = {}
    for s, p, y in zip(sources, parts, labels):
        if y in (0, 1):
            seen.setdefault((s, p), set()).add(int(y))
    return {k for k, v in seen.items() if v == {0, 1}}


def within_source_auc(scores, labels, sources, ci=None, min_per_class=1):
    """{source: {auc, abnormal, normal[, aucCI95]}} for every source with both labels (>= min_per_class each).
    `ci(mask)`: an optional confidence interval of the AUC on the images `mask` selects."""
    scores, labels, sources = np.asarray(scores, float), np.asarray(labels), np.asarray(sources)
    out = {}
    for s in sorted(set(sources.tolist())):
        m = (sources == s) & (labels >= 0)
        n1, n0 = int((labels[m] == 1).sum()), int((labels[m] == 0).sum())
        if min(n1, n0) < max(1, min_per_class):
            continue
        out[s] = {"auc": auc(scores[m], labels[m]), "abnormal": n1, "normal": n0}
        if ci is not None:
            out[s]["aucCI95"] = ci(m)
    return out


def baseline_by_source(train_sources, train_labels, test_sources):
    """The source-only baseline: each test image scored by the abnormal rate of its source in training (the
    overall rate for a source training never saw). Its AUC is what knowing the source alone is worth."""
    train_sources, train_labels = np.asarray(train_sources), np.asarray(train_labels)
    labelled = train_labels >= 0
    overall = float(train_labels[labelled].mean()) if labelled.any() else 0.5
    rate = {s: float(train_labels[labelled & (train_sources == s)].mean())
            for s in set(train_sources[labelled].tolist())}
    return np.array([rate.get(s, overall) for s in test_sources], float)


def source_separation(scores, labels, sources, min_n=5):
    """At equal labels, how well the score alone tells two sources apart: for each label and each pair of sources
    with >= min_n images of it, the AUC of 'source A' against 'source B' by score (0.5: not at all; 1.0 or 0.0:
    perfectly, i.e. the score encodes the source)."""
    scores, labels, sources = np.asarray(scores, float), np.asarray(labels), np.asarray(sources)
    out = []
    for y in (0, 1):
        names = [s for s in sorted(set(sources[labels == y].tolist())) if ((labels == y) & (sources == s)).sum() >= min_n]
        for i, a in enumerate(names):
            for b in names[i + 1:]:
                ma, mb = (labels == y) & (sources == a), (labels == y) & (sources == b)
                sep = auc(np.concatenate([scores[ma], scores[mb]]), np.r_[np.ones(ma.sum()), np.zeros(mb.sum())])
                out.append({"label": "abnormal" if y else "normal", "sourceA": a, "sourceB": b,
                            "auc": sep, "meanA": float(scores[ma].mean()), "meanB": float(scores[mb].mean()),
                            "nA": int(ma.sum()), "nB": int(mb.sum())})
    return out


def confounded(pooled_auc, within):
    """A pooled AUC above every within-source AUC is (at least partly) the source speaking."""
    values = [w["auc"] for w in within.values() if w.get("auc") is not None and not np.isnan(w["auc"])]
    return bool(values) and pooled_auc is not None and not np.isnan(pooled_auc) and pooled_auc > max(values) + 1e-9
