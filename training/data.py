"""Read the radiograph manifest (or a MURA-v1.1 folder), decode every image once into a uint8 cache,
and split it by group (patient) so no group straddles train/validation/test."""
import csv
import hashlib
import random
import re
from pathlib import Path

import numpy as np
from PIL import Image, ImageOps

LABELLED = ("0", "1")


def read_rows(root: Path, extra=()):
    """Rows as dicts with at least path, root, group, body_part, body_part_alt, abnormal, source, study.
    `extra`: more folders in the manifest.csv layout (e.g. the fetched MURA-style cache); missing ones are skipped."""
    rows = read_manifest(root) if (root / "manifest.csv").exists() else read_mura(root)
    for folder in extra:
        if (Path(folder) / "manifest.csv").exists():
            rows += read_manifest(Path(folder))
    return rows


def read_manifest(root: Path):
    with open(root / "manifest.csv", newline="") as f:
        rows = list(csv.DictReader(f))
    for r in rows:
        r["study"] = study_of(r)
        r["root"] = str(root)
    return rows


def study_of(row):
    m = re.search(r"(patient\d+/study\d+)", row.get("origin", "") + " " + row["path"])
    return m.group(1) if m else row["group"]


def read_mura(root: Path):
    """MURA-v1.1: {train,valid}/XR_PART/patientN/studyK_positive|negative/imageJ.png."""
    rows = []
    for png in sorted(root.glob("*/XR_*/patient*/study*/*.png")):
        split, part, patient, study = png.relative_to(root).parts[:4]
        rows.append(dict(path=str(png.relative_to(root)), source="mura", group=f"mura:{patient}",
                         body_part=part[3:].lower(), body_part_alt="",
                         abnormal="1" if study.endswith("positive") else "0",
                         orig_split=split, study=f"{patient}/{study}", licence="MURA research-use agreement",
                         root=str(root)))
    if not rows:
        raise SystemExit(f"no manifest.csv and no MURA-v1.1 images under {root}")
    return rows


def to_gray(img: Image.Image) -> np.ndarray:
    """uint8 grayscale; colour by BT.601 luma (same rule as src/pipeline/image.ts)."""
    if img.mode in ("I;16", "I;16B", "I"):
        a = np.asarray(img, dtype=np.float64)
        a = (a - a.min()) / max(a.max() - a.min(), 1) * 255
        return np.floor(a + 0.5).astype(np.uint8)
    if img.mode == "L":
        return np.asarray(img, dtype=np.uint8)
    rgb = np.asarray(img.convert("RGB"), dtype=np.float64)
    y = 0.299 * rgb[..., 0] + 0.587 * rgb[..., 1] + 0.114 * rgb[..., 2]
    return np.floor(y + 0.5).clip(0, 255).astype(np.uint8)


def area_matrix(n: int, m: int) -> np.ndarray:
    """m x n weights: output i averages input interval [i*n/m, (i+1)*n/m), pixels weighted by coverage."""
    w = np.zeros((m, n))
    step = n / m
    for i in range(m):
        lo, hi = i * step, (i + 1) * step
        for j in range(int(np.floor(lo)), min(n, int(np.ceil(hi)))):
            w[i, j] = min(hi, j + 1) - max(lo, j)
        w[i] /= w[i].sum()
    return w


def letterbox_area(gray: np.ndarray, size: int, pad_value: int) -> np.ndarray:
    """The manifest's `letterbox-area` rule (docs/manifest.md)."""
    h0, w0 = gray.shape
    scale = size / max(w0, h0)
    w, h = max(1, int(np.floor(w0 * scale + 0.5))), max(1, int(np.floor(h0 * scale + 0.5)))
    resized = area_matrix(h0, h) @ gray.astype(np.float64) @ area_matrix(w0, w).T
    out = np.full((size, size), pad_value, dtype=np.uint8)
    y0, x0 = (size - h) // 2, (size - w) // 2
    out[y0:y0 + h, x0:x0 + w] = np.floor(resized + 0.5).clip(0, 255).astype(np.uint8)
    return out


def load_gray(path: Path) -> np.ndarray:
    with Image.open(path) as img:
        return to_gray(ImageOps.exif_transpose(img))  # as the app's decoders do


def load_image(path: Path, size: int, pad_value: int) -> np.ndarray:
    return letterbox_area(load_gray(path), size, pad_value)


def foreground_box(gray: np.ndarray, margin: float = 0.04):
    """(y0, y1, x0, x1) of the film's bright content (bone and soft tissue above the background level): the
    tightest crop that still holds the whole body part. Background level: the mean of the darkest quarter."""
    g = gray.astype(np.float32)
    lo, hi = np.percentile(g, 25), np.percentile(g, 99)
    mask = g > lo + 0.25 * (hi - lo)
    rows, cols = np.flatnonzero(mask.mean(1) > 0.02), np.flatnonzero(mask.mean(0) > 0.02)
    h, w = gray.shape
    if len(rows) < 2 or len(cols) < 2:
        return 0, h, 0, w
    my, mx = int(margin * h), int(margin * w)
    return max(0, rows[0] - my), min(h, rows[-1] + 1 + my), max(0, cols[0] - mx), min(w, cols[-1] + 1 + mx)


def frame_filling_crops(gray: np.ndarray, size: int, pad_value: int) -> dict:
    """Crops of a film as a user would drop them, letterboxed to the model's input: the film's content box (tight)
    and the central 70% of it (zoomed: the bone fills the frame, part of it cut off, like MURA's films)."""
    y0, y1, x0, x1 = foreground_box(gray)
    cy, cx, h, w = (y0 + y1) / 2, (x0 + x1) / 2, (y1 - y0) * 0.7, (x1 - x0) * 0.7
    zy0, zy1, zx0, zx1 = int(cy - h / 2), int(np.ceil(cy + h / 2)), int(cx - w / 2), int(np.ceil(cx + w / 2))
    return {"tight": letterbox_area(gray[y0:y1, x0:x1], size, pad_value),
            "zoomed": letterbox_area(gray[zy0:zy1, zx0:zx1], size, pad_value)}


def synthetic_ood(n: int, size: int, seed: int) -> np.ndarray:
    """Blank, noise, gradient and pattern images: inputs the app must reject as not radiographs."""
    rng = np.random.default_rng(seed)
    out = np.zeros((n, size, size), np.uint8)
    yy, xx = np.mgrid[0:size, 0:size] / size
    for i in range(n):
        kind = i % 5
        if kind == 0:
            img = np.full((size, size), rng.integers(0, 256))
        elif kind == 1:
            img = rng.normal(rng.uniform(40, 210), rng.uniform(5, 80), (size, size))
        elif kind == 2:
            a, b = rng.uniform(-1, 1, 2)
            img = 128 + 127 * np.clip(a * xx + b * yy, -1, 1)
        elif kind == 3:
            k = rng.integers(4, 32)
            img = ((np.floor(xx * k) + np.floor(yy * k)) % 2) * rng.uniform(80, 255)
        else:
            img = rng.uniform(0, 255, (size // 8, size // 8)).repeat(8, 0).repeat(8, 1)
        out[i] = np.clip(img, 0, 255).astype(np.uint8)
    return out


def cache_path(cfg, rows, kind, size):
    """training/cache/<kind>-<size>-<hash of the rows and the letterbox settings>.npy (its folder made)."""
    names = "|".join(f"{r.get('root', '')}/{r['path']}" for r in rows)
    prefix = "" if kind == "images" else f"{kind}|"  # the images' key predates other kinds: kept, so caches stay valid
    key = hashlib.sha1(f"{prefix}{size}|{cfg.pad_value}|{cfg.synthetic_ood}|{names}".encode()).hexdigest()[:10]
    cfg.cache.mkdir(parents=True, exist_ok=True)
    return cfg.cache / f"{kind}-{size}-{key}.npy"


def build_cache(cfg, rows, size=None):
    """Decode each image once into a uint8 array letterboxed to `size` (default: the model's input)."""
    size = size or cfg.size
    path = cache_path(cfg, rows, "images", size)
    if path.exists():
        return np.load(path, mmap_mode="r")
    images = np.zeros((len(rows), size, size), np.uint8)
    real = [i for i, r in enumerate(rows) if r["source"] != "synthetic"]
    for n, i in enumerate(real):
        images[i] = load_image(Path(rows[i]["root"]) / rows[i]["path"], size, cfg.pad_value)
        if n % 1000 == 0:
            print(f"  decoded {n}/{len(real)} at {size}px", flush=True)
    synth = [i for i, r in enumerate(rows) if r["source"] == "synthetic"]
    small = synthetic_ood(len(synth), cfg.size, cfg.seed)
    images[synth] = small if size == cfg.size else small.repeat(size // cfg.size, 1).repeat(size // cfg.size, 2)
    np.save(path, images)
    return np.load(path, mmap_mode="r")


def build_frame_crop_cache(cfg, rows):
    """Each image's frame-filling crops (frame_filling_crops: tight, zoomed) at the model's input, decoded once:
    shape (images, 2, size, size). Synthetic rows keep their whole image in both."""
    path = cache_path(cfg, rows, "frames", cfg.size)
    if path.exists():
        return np.load(path, mmap_mode="r")
    frames = np.zeros((len(rows), 2, cfg.size, cfg.size), np.uint8)
    whole = build_cache(cfg, rows)
    for i, r in enumerate(rows):
        if r["source"] == "synthetic":
            frames[i] = whole[i]
            continue
        crops = frame_filling_crops(load_gray(Path(r["root"]) / r["path"]), cfg.size, cfg.pad_value)
        frames[i] = crops["tight"], crops["zoomed"]
        if i % 1000 == 0:
            print(f"  cropped {i}/{len(rows)} at {cfg.size}px", flush=True)
    np.save(path, frames)
    return np.load(path, mmap_mode="r")


def add_synthetic_rows(rows, n):
    return rows + [dict(path=f"synthetic/{i}", source="synthetic", group=f"synthetic:{i}", body_part="notxray",
                        body_part_alt="", abnormal="", study=f"synthetic:{i}", licence="generated")
                   for i in range(n)]


def split_by_group(rows, cfg):
    """train/val/test by group, stratified by (source, body part) of each group's first row; rows of an external
    source are `external` (evaluated, never trained on)."""
    strata, extra = {}, set()
    for r in rows:
        if r["source"] in cfg.external_sources:
            continue
        strata.setdefault((r["source"], r["body_part"]), {}).setdefault(r["group"], None)
        if r.get("root") and Path(r["root"]) != Path(cfg.data):
            extra.add((r["source"], r["body_part"]))
    assign = {}
    shared_stream = random.Random(cfg.seed)
    # legacy: --data's strata first, so an extra folder's patient who is also in --data joins that patient's split
    order = sorted(strata, key=lambda k: (cfg.split_scheme == "legacy" and k in extra, k))
    for key in order:
        groups = [g for g in strata[key] if g not in assign]
        # "legacy": one random stream over the sorted strata of --data (release 0.1's split, kept exactly when
        # extra folders are added); "per-stratum": a stream per stratum, so a new source moves no other image
        legacy = cfg.split_scheme == "legacy" and key not in extra
        rng = shared_stream if legacy else random.Random(f"{cfg.seed}|{key[0]}|{key[1]}")
        rng.shuffle(groups)
        n_val = int(round(len(groups) * cfg.val_fraction))
        n_test = int(round(len(groups) * cfg.test_fraction))
        for k, g in enumerate(groups):
            assign[g] = "val" if k < n_val else "test" if k < n_val + n_test else "train"
    return ["external" if r["source"] in cfg.external_sources else assign[r["group"]] for r in rows]


def bodypart_target(part: str, cfg) -> int:
    if part in cfg.supported:
        return cfg.bodypart_classes.index(part)
    return cfg.bodypart_classes.index("not_xray" if part == "notxray" else "other_xray")


def load_dataset(cfg):
    rows = read_rows(cfg.data, cfg.extra_data)
    if cfg.limit:
        rng = random.Random(cfg.seed)
        rng.shuffle(rows)
        rows = rows[:cfg.limit]
    rows = add_synthetic_rows(rows, cfg.synthetic_ood if not cfg.limit else 4)
    images = build_cache(cfg, rows)
    split = np.array(split_by_group(rows, cfg))
    part = np.array([bodypart_target(r["body_part"], cfg) for r in rows])
    alt = np.array([bodypart_target(r["body_part_alt"], cfg) if r.get("body_part_alt") else -1 for r in rows])
    abnormal = np.array([int(r["abnormal"]) if r["abnormal"] in LABELLED else -1 for r in rows])
    return dict(rows=rows, images=images, split=split, part=part, alt=alt, abnormal=abnormal)
