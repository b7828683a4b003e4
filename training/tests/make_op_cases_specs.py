"""Small network specs (layers.json's form) shared by the exporter tests."""
TINY_V2 = [dict(kind=k, shape=sh, stride=st, activation=a) for k, sh, st, a in (
    ("conv", [8, 3, 3, 3], 2, "relu6"), ("depthwise", [8, 1, 3, 3], 1, "relu6"), ("conv", [8, 8, 1, 1], 1, "none"),
    ("conv", [16, 8, 1, 1], 1, "relu6"), ("depthwise", [16, 1, 3, 3], 2, "relu6"), ("conv", [8, 16, 1, 1], 1, "none"),
    ("conv", [16, 8, 1, 1], 1, "relu6"), ("depthwise", [16, 1, 3, 3], 1, "relu6"), ("conv", [8, 16, 1, 1], 1, "none"),
    ("conv", [24, 8, 1, 1], 1, "relu6"))]
