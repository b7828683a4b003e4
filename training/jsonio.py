"""JSON for reports and the manifest: NaN/inf (an undefined metric) become null, never invalid JSON."""
import json
import math


def _clean(v):
    if isinstance(v, float) and not math.isfinite(v):
        return None
    if isinstance(v, dict):
        return {k: _clean(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [_clean(x) for x in v]
    return v


def dumps(obj, **kw) -> str:
    return json.dumps(_clean(obj), allow_nan=False, **kw)
