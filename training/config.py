"""The one training config. Everything the exporter writes into the manifest's input contract comes from here."""
import os
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


@dataclass
class Config:
    data: Path = REPO.parent / "shared" / "data" / "xray"   # manifest.csv layout, or a MURA-v1.1 root
    extra_data: tuple = (REPO / "training" / "cache" / "extra",)  # more manifest.csv folders, used when present
    # the seed project's own test pictures (its test/ folder, copied into public repositories): never trained on,
    # an external test of films that look like the seed's
    external_sources: tuple = ("gh-memanju2005-bone-fracture-detection",)
    cache: Path = REPO / "training" / "cache"
    runs: Path = REPO / "training" / "runs"
    reports: Path = REPO / "training" / "reports"
    models_out: Path = REPO / "public" / "models"
    size: int = 160                      # square model input, px
    pad_value: int = 0
    mean: float = 0.5
    std: float = 0.25                    # a pretrained backbone has its own scaling (mobilenet.MEAN, STD)
    # "residual": our small residual CNN of `widths`, from random weights; or an ImageNet-pretrained MobileNet from
    # ../shared/pretrained (mobilenet.BACKBONES: mobilenet_v2_1.0, mobilenet_v1_0.75, mobilenet_v1_0.5)
    backbone: str = "mobilenet_v2_1.0"
    widths: tuple = (24, 32, 64, 96, 128)  # stem, then four stride-2 stages
    backbone_lr_scale: float = 0.1       # a pretrained backbone learns at this fraction of the heads' rate
    frozen_layers: int = 39              # a pretrained backbone's first layers (high resolution, generic) kept as they are
    # with frozen layers: their output is computed once for this many augmented views of each training film (and once
    # for each validation film), and the epochs draw from those views; 0: every step augments afresh (slower)
    trunk_views: int = 4
    seed: int = 1234
    batch: int = 64
    epochs: int = 12
    patience: int = 4                    # early stopping on validation
    lr: float = 1e-3                     # the heads'; a pretrained backbone's layers get backbone_lr_scale of it
    weight_decay: float = 5e-4
    ema_decay: float = 0.995              # validation, selection and export use this moving average of the weights (0: off)
    threads: int = 2
    balance_regions: bool = True         # sampling: regions within a class (chest vs forearm in other_xray) balanced
    balance_sources: bool = True         # ... and each region's sources (a MURA hand among FracAtlas hands)
    crop_probability: float = 0.4        # random resized crop of 0.3-1.0 of the film's area (body part only)
    min_crop_area: float = 0.3
    # of the other views, this share is a frame-filling crop of the film (data.frame_filling_crops: its content box, or
    # the central 70% of that), the shape of MURA's films; a zoomed one teaches the body part only
    frame_crop_probability: float = 0.25
    invert_probability: float = 0.1      # MONOCHROME1-like films
    single_label_sources: str = "drop"   # abnormality loss: "drop" sources (per part) with one label, or "keep" them
    # the split of the shipped models (release 0.1): "legacy"; runs main5/keep5 used "per-stratum" (data.py)
    split_scheme: str = "legacy"
    val_fraction: float = 0.15
    test_fraction: float = 0.15
    # start from an exported model instead of from scratch: "<models folder>:<head whose backbone is taken>",
    # e.g. "public/models:abnormality" (release 0.1's abnormality backbone and head; other heads start fresh)
    init_from: str = ""
    limit: int = 0                       # >0: use only this many images (smoke runs)
    supported: tuple = ("elbow", "hand", "shoulder")
    bodypart_classes: tuple = ("elbow", "hand", "shoulder", "other_xray", "not_xray")
    synthetic_ood: int = 160             # generated blank/noise/gradient images added to not_xray
    target_sensitivity: float = 0.95     # (earlier runs' threshold rule; evaluate.py now uses decision_precision)
    target_specificity: float = 0.95
    decision_precision: float = 0.9      # low / high: at least this share of normal calls and of abnormal calls right
    weak_auc: float = 0.75               # a part whose within-source test AUC stays below this is marked weak
    max_quantisation_error: float = 0.05  # largest probability change that quantised weights may make on validation
    max_model_mb: float = 5.0            # all shipped models together
    max_ood_false_reject: float = 0.02   # minConfidence is chosen to keep supported false rejections under this
    extra: dict = field(default_factory=dict)


PATHS = ("data", "cache", "runs", "reports", "models_out")


def config_to_dict(cfg: Config, relative_to: Path = None) -> dict:
    """Plain values for a checkpoint or a report: paths as strings (relative to `relative_to` when given)."""
    def plain(v):
        if isinstance(v, Path):
            return os.path.relpath(v, relative_to) if relative_to else str(v)
        if isinstance(v, tuple):
            return [plain(x) for x in v]
        return v
    return {k: plain(v) for k, v in vars(cfg).items()}


def config_from_dict(d: dict) -> Config:
    """Inverse of config_to_dict (absolute paths)."""
    def typed(k, v):
        if k in PATHS:
            return Path(v)
        if k == "extra_data":
            return tuple(Path(x) for x in v)
        return tuple(v) if isinstance(v, list) else v
    if "backbone" not in d:                  # runs from before pretrained backbones: the residual CNN
        d = {**d, "backbone": "residual", "frozen_layers": 0}
    known = {f for f in Config.__dataclass_fields__}
    return Config(**{k: typed(k, v) for k, v in d.items() if k in known})
