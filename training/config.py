"""The one training config. Everything the exporter writes into the manifest's input contract comes from here."""
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


@dataclass
class Config:
    data: Path = REPO.parent / "shared" / "data" / "xray"   # manifest.csv layout, or a MURA-v1.1 root
    cache: Path = REPO / "training" / "cache"
    runs: Path = REPO / "training" / "runs"
    reports: Path = REPO / "training" / "reports"
    models_out: Path = REPO / "public" / "models"
    size: int = 160                      # square model input, px
    pad_value: int = 0
    mean: float = 0.5
    std: float = 0.25
    widths: tuple = (24, 32, 64, 96, 128)  # stem, then four stride-2 stages
    seed: int = 1234
    batch: int = 64
    epochs: int = 10
    patience: int = 4                    # early stopping on validation
    lr: float = 3e-3
    weight_decay: float = 5e-4
    threads: int = 2
    val_fraction: float = 0.15
    test_fraction: float = 0.15
    limit: int = 0                       # >0: use only this many images (smoke runs)
    supported: tuple = ("elbow", "hand", "shoulder")
    bodypart_classes: tuple = ("elbow", "hand", "shoulder", "other_xray", "not_xray")
    synthetic_ood: int = 160             # generated blank/noise/gradient images added to not_xray
    target_sensitivity: float = 0.95     # the `low` threshold: high-sensitivity operating point
    target_specificity: float = 0.95     # the `high` threshold: high-specificity operating point
    max_ood_false_reject: float = 0.02   # minConfidence is chosen to keep supported false rejections under this
    extra: dict = field(default_factory=dict)
