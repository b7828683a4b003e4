"""Train BoneLens's radiograph network: body part (stage 1) and abnormality (stage 2) heads on one backbone.

    /usr/bin/python3 training/train.py                 # full run on ../shared/data/xray, resumes if interrupted
    /usr/bin/python3 training/train.py --data MURA-v1.1 --run mura
    /usr/bin/python3 training/train.py --limit 64 --epochs 1 --run smoke   # smoke run

Reads like a script, top to bottom: config, data, model, loop, calibration, checkpoint.
"""
import argparse
import copy
import json
import math
import sys
import time
from dataclasses import replace
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, str(Path(__file__).resolve().parent))
from config import REPO, Config, config_to_dict  # noqa: E402
from data import build_cache, build_frame_crop_cache, load_dataset  # noqa: E402
from mobilenet import BACKBONES, MEAN, STD, conv_bn_pairs, load_pretrained, recalibrate_batchnorm  # noqa: E402
from model import build_model, init_from_export  # noqa: E402
from tfjs_graph import read_weights  # noqa: E402

# ---------------------------------------------------------------- config
ap = argparse.ArgumentParser()
ap.add_argument("--data", type=Path)
ap.add_argument("--run", default="main")
ap.add_argument("--epochs", type=int)
ap.add_argument("--limit", type=int)
ap.add_argument("--size", type=int)
ap.add_argument("--runs", type=Path, help="folder of runs (default training/runs)")
ap.add_argument("--single-label-sources", dest="single_label_sources", choices=("drop", "keep"))
ap.add_argument("--no-extra", action="store_true", help="only --data, not the fetched extra folders")
ap.add_argument("--threads", type=int)
ap.add_argument("--lr", type=float)
ap.add_argument("--patience", type=int, help="epochs without validation improvement before stopping")
ap.add_argument("--init-from", dest="init_from", help="<models folder>:<head>: start from that exported backbone")
ap.add_argument("--backbone", choices=("residual", *BACKBONES), help="residual (from scratch) or an ImageNet MobileNet")
ap.add_argument("--backbone-lr-scale", dest="backbone_lr_scale", type=float)
ap.add_argument("--frozen-layers", dest="frozen_layers", type=int)
ap.add_argument("--batch", type=int)
ap.add_argument("--trunk-views", dest="trunk_views", type=int)
args = ap.parse_args()
cfg = Config()
cfg = replace(cfg, **{k: v for k, v in vars(args).items()
                      if k in ("data", "epochs", "limit", "size", "runs", "single_label_sources", "threads", "lr", "init_from",
                               "patience", "backbone", "backbone_lr_scale", "frozen_layers", "batch", "trunk_views")
                      and v is not None})
if cfg.backbone != "residual":
    cfg = replace(cfg, mean=MEAN, std=STD)          # the pretrained network's input scaling
if args.no_extra:
    cfg = replace(cfg, extra_data=())
run_dir = cfg.runs / args.run
run_dir.mkdir(parents=True, exist_ok=True)
torch.manual_seed(cfg.seed)
np.random.seed(cfg.seed)
torch.set_num_threads(cfg.threads)
log_file = open(run_dir / "train.log", "a")


def log(msg):
    line = f"{time.strftime('%H:%M:%S')} {msg}"
    print(line, flush=True)
    log_file.write(line + "\n")
    log_file.flush()


# ---------------------------------------------------------------- data
log(f"config: {cfg}")
ds = load_dataset(cfg)
images, split, part, alt, abnormal = ds["images"], ds["split"], ds["part"], ds["alt"], ds["abnormal"]
train_idx = np.flatnonzero(split == "train")
val_idx = np.flatnonzero(split == "val")
num_parts = len(cfg.bodypart_classes)
log(f"images: {len(images)}  train {len(train_idx)}  val {len(val_idx)}  test {(split == 'test').sum()}")
crop_source = build_cache(cfg, ds["rows"], 2 * cfg.size)  # sharp pixels for tight crops
frame_crops = build_frame_crop_cache(cfg, ds["rows"])     # [:, 0] content box, [:, 1] its central 70%
sources = np.array([r["source"] for r in ds["rows"]])


def foreground_centre(img):
    """Centre of the film's bright content in [-1, 1] canvas coordinates (where a crop is aimed)."""
    g = img.astype(np.float32)
    mask = g > g.mean()
    if not mask.any():
        return 0.0, 0.0
    ys, xs = np.nonzero(mask)
    n = img.shape[0]
    return (xs.mean() + 0.5) / n * 2 - 1, (ys.mean() + 0.5) / n * 2 - 1


centres = torch.tensor([foreground_centre(images[i]) for i in range(len(images))], dtype=torch.float32)

# abnormality loss weights: within each (source, body part), normal and abnormal weigh the same, so the label
# cannot be read off the source; a (source, part) with one label only is dropped (or kept, to measure it).
# Validation gets the same rule, so model selection does not reward the source shortcut either.
abnormal_weight = np.zeros(len(images), np.float32)
for subset in (train_idx, val_idx):
    keys = np.array([f"{sources[i]}|{ds['rows'][i]['body_part']}" for i in subset])
    for key in sorted(set(keys[abnormal[subset] >= 0])):
        members = subset[(keys == key) & (abnormal[subset] >= 0)]
        labels = abnormal[members]
        n1, n0 = int(labels.sum()), int((labels == 0).sum())
        if n0 and n1:
            abnormal_weight[members] = np.where(labels == 1, len(members) / (2 * n1), len(members) / (2 * n0))
        elif cfg.single_label_sources == "keep":
            abnormal_weight[members] = 1
        if subset is train_idx:
            log(f"abnormality weight {key}: {n1} abnormal / {n0} normal -> "
                f"{'balanced' if n0 and n1 else cfg.single_label_sources}")


# class balance: sample each image with weight 1/sqrt(size of its body-part class); within a class, its weight is
# shared out by 1/sqrt(size of each region), so a rare unsupported region (chest, among forearms and humeri) is
# seen often enough to be rejected, and by region and source, so a MURA hand (few) is not drowned among FracAtlas
# hands (many)
counts = np.bincount(part[train_idx], minlength=num_parts).astype(float)
sample_weight = 1 / np.sqrt(np.maximum(counts[part[train_idx]], 1))
if cfg.balance_regions:
    regions = np.array([ds["rows"][i]["body_part"] + (f"|{sources[i]}" if cfg.balance_sources else "")
                        for i in train_idx])
    _, inverse, region_counts = np.unique(regions, return_inverse=True, return_counts=True)
    within = 1 / np.sqrt(region_counts[inverse])
    for c in range(num_parts):
        members = part[train_idx] == c
        if members.any():
            within[members] *= members.sum() / within[members].sum()
    sample_weight *= within
sample_weight /= sample_weight.sum()


def soft_targets(idx):
    """One-hot body part; where a second reader saw another region, half of the mass goes there."""
    t = np.zeros((len(idx), num_parts), np.float32)
    t[np.arange(len(idx)), part[idx]] = 1
    disputed = (alt[idx] >= 0) & (alt[idx] != part[idx])
    t[disputed] *= 0.5
    t[np.flatnonzero(disputed), alt[idx][disputed]] += 0.5
    return torch.from_numpy(t)


def to_input(batch_uint8):
    x = torch.from_numpy(np.ascontiguousarray(batch_uint8)).float().unsqueeze(1) / 255
    return x


def normalize(x):
    return (x - cfg.mean) / cfg.std


def augment(idx):
    """Radiograph-plausible views of images[idx] and which of them may have cut the finding out: a random resized
    crop (0.3-1.0 of the film's area, aimed at its content, so a frame-filling hand is as familiar as a small hand
    on a large film), a frame-filling crop (content box or its central 70%), or the whole film; each with a small
    scale/shift, rotation, flips, exposure (contrast, gamma, brightness) and inversion (MONOCHROME1)."""
    n = len(idx)
    full = to_input(crop_source[idx])                           # 2x the model's size
    whole = F.avg_pool2d(full, 2)                               # ~ the model-size letterbox (area rule)
    cropped = torch.rand(n) < cfg.crop_probability
    framed = ~cropped & (torch.rand(n) < cfg.frame_crop_probability)
    zoomed = framed & (torch.rand(n) < 0.5)
    frame = to_input(frame_crops[idx, zoomed.long().numpy()])
    whole = torch.where(framed[:, None, None, None], frame, whole)
    side = torch.where(cropped, torch.sqrt(cfg.min_crop_area + torch.rand(n) * (1 - cfg.min_crop_area)),
                       1 + (torch.rand(n) * 2 - 1) * 0.12)
    centre = torch.where(cropped[:, None], centres[idx] + torch.randn(n, 2) * 0.1, (torch.rand(n, 2) * 2 - 1) * 0.08)
    limit = (1 - side).clamp(min=0)[:, None]
    centre = torch.where(cropped[:, None], centre.clamp(-1, 1).clamp(-limit, limit), centre)
    angle = (torch.rand(n) * 2 - 1) * math.radians(20)
    flip = torch.where(torch.rand(n) < 0.5, -1.0, 1.0)
    cos, sin = torch.cos(angle) * side, torch.sin(angle) * side
    theta = torch.stack([torch.stack([cos * flip, -sin, centre[:, 0]], 1),
                         torch.stack([sin * flip, cos, centre[:, 1]], 1)], 1)
    shape = (n, 1, cfg.size, cfg.size)
    grid = F.affine_grid(theta, shape, align_corners=False)
    # a crop of side <= 1/2 is magnified: sample the 2x pixels; larger views sample the area-reduced ones
    x = torch.where((side <= 0.5)[:, None, None, None],
                    F.grid_sample(full, grid, align_corners=False, padding_mode="zeros"),
                    F.grid_sample(whole, grid, align_corners=False, padding_mode="zeros"))
    upside_down = torch.rand(n) < 0.1
    x[upside_down] = x[upside_down].flip(2)
    gamma = torch.exp((torch.rand(n, 1, 1, 1) * 2 - 1) * 0.4)
    contrast = 1 + (torch.rand(n, 1, 1, 1) * 2 - 1) * 0.25
    bright = (torch.rand(n, 1, 1, 1) * 2 - 1) * 0.08
    x = x.clamp(0, 1) ** gamma
    x = ((x - 0.5) * contrast + 0.5 + bright).clamp(0, 1)
    inverted = (torch.rand(n) < cfg.invert_probability)[:, None, None, None]
    return torch.where(inverted, 1 - x, x), (cropped | zoomed).numpy()


# ---------------------------------------------------------------- model
model = build_model(cfg, num_parts)
ckpt_path = run_dir / "last.pt"
if cfg.backbone != "residual" and not ckpt_path.exists():
    # ImageNet weights, then every batch norm recalibrated on radiographs (the same function, radiograph statistics)
    load_pretrained(model)
    sample = np.sort(np.random.default_rng(cfg.seed).choice(train_idx, min(256, len(train_idx)), replace=False))
    recalibrate_batchnorm(model, conv_bn_pairs(model), normalize(to_input(images[sample])))
    log(f"initialised from ImageNet {cfg.backbone}, batch norm recalibrated on {len(sample)} training radiographs, "
        f"first {cfg.frozen_layers} layers frozen")
if cfg.init_from:
    # "<head>": the backbone that head runs on; in a two-backbone export (release 0.1 repacked) each head has its
    # own, named "<head>/<layer>/...", in a one-backbone export both heads share "<layer>/..." and both are kept
    folder, head = cfg.init_from.rsplit(":", 1)
    manifest = json.loads((REPO / folder / "manifest.json").read_text())
    assert manifest["input"]["size"] == cfg.size, "the exported model's input size differs"
    [spec] = manifest["models"].values()
    weights = read_weights(REPO / folder / spec["path"])
    own_backbones = f"{head}/stem/weights" in weights
    exported_heads = {"bodypart": manifest["bodyPart"]["head"], "abnormality": manifest["routing"]["hand"]["head"]}
    kept = {attr: exported for attr, exported in exported_heads.items() if exported == head or not own_backbones}
    sample = np.sort(np.random.default_rng(cfg.seed).choice(train_idx, 256, replace=False))
    init_from_export(model, weights, f"{head}/" if own_backbones else "", normalize(to_input(images[sample])), kept)
    log(f"initialised from {cfg.init_from}: that head's backbone, heads {list(kept)} kept, the others fresh")
steps_per_epoch = math.ceil(len(train_idx) / cfg.batch)

# The frozen layers of a pretrained backbone compute the same thing every epoch: their output is computed once, for
# `trunk_views` augmented views of each training film, and the epochs train the rest of the network on those.
trunk_views = cfg.trunk_views if cfg.backbone != "residual" and cfg.frozen_layers else 0
train_position = np.full(len(images), -1)
train_position[train_idx] = np.arange(len(train_idx))
if trunk_views:
    # one file per view, so an interrupted run keeps the views it has
    trunk_train, trunk_cropped = [], np.zeros((trunk_views, len(train_idx)), bool)
    t0 = time.time()
    for v in range(trunk_views):
        view_file = run_dir / f"trunk-view{v}.npz"
        if not view_file.exists():
            view, cropped_view = [], []
            for k in range(0, len(train_idx), cfg.batch):
                x, cropped = augment(train_idx[k:k + cfg.batch])
                view.append(model.trunk(normalize(x), cfg.frozen_layers).half().numpy())
                cropped_view.append(cropped)
            np.savez(view_file, trunk=np.concatenate(view), cropped=np.concatenate(cropped_view))
            log(f"frozen layers' output for view {v + 1}/{trunk_views} of {len(train_idx)} training films "
                f"({time.time() - t0:.0f}s)")
        cached = np.load(view_file)
        trunk_train.append(cached["trunk"])
        trunk_cropped[v] = cached["cropped"]
    trunk_train = np.stack(trunk_train)
trunk_memo = {}


def trunk_of(pixels, idx):
    """The frozen layers' output for fixed (validation) inputs, computed once per image."""
    key = id(pixels)
    missing = [i for i in idx if (key, i) not in trunk_memo]
    for k in range(0, len(missing), 128):
        part_idx = np.array(missing[k:k + 128])
        out = model.trunk(normalize(to_input(pixels[part_idx])), cfg.frozen_layers)
        for i, t in zip(part_idx, out):
            trunk_memo[(key, i)] = t
    return torch.stack([trunk_memo[(key, i)] for i in idx])

# the weights that are validated and kept: an exponential moving average of the trained ones (steadier on these
# small, noisy validation sets than the last step's), or the trained ones themselves
evaluated = copy.deepcopy(model) if cfg.ema_decay else model
# a pretrained backbone learns slower than the fresh heads
head_params = [p for name, p in model.named_parameters() if name.startswith(("bodypart.", "abnormality."))]
backbone_params = [p for name, p in model.named_parameters()
                   if not name.startswith(("bodypart.", "abnormality.")) and p.requires_grad]
backbone_lr = cfg.lr * (cfg.backbone_lr_scale if cfg.backbone != "residual" else 1)
opt = torch.optim.AdamW([{"params": backbone_params, "lr": backbone_lr}, {"params": head_params, "lr": cfg.lr}],
                        weight_decay=cfg.weight_decay)
sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=[backbone_lr, cfg.lr], total_steps=cfg.epochs * steps_per_epoch,
                                            pct_start=0.15)
start_epoch, best_loss, stale = 0, float("inf"), 0
if ckpt_path.exists():
    ck = torch.load(ckpt_path)
    model.load_state_dict(ck["model"])
    evaluated.load_state_dict(ck.get("evaluated", ck["model"]))
    opt.load_state_dict(ck["opt"])
    sched.load_state_dict(ck["sched"])
    start_epoch, best_loss, stale = ck["epoch"] + 1, ck["best_loss"], ck["stale"]
    torch.set_rng_state(ck["rng"])
    log(f"resumed from epoch {ck['epoch'] + 1}")


def losses(bodypart_logits, abnormal_logits, idx, weighted=True, cropped=None):
    """Body part: soft cross-entropy. Abnormality: BCE on labelled images, weighted within source (or plain on
    every labelled image, weighted=False); a crop may have cut the finding out of the frame, so crops (when
    given) teach the body part only."""
    bodypart_loss = torch.sum(-soft_targets(idx) * F.log_softmax(bodypart_logits, 1), 1).mean()
    w = abnormal_weight[idx] if weighted else (abnormal[idx] >= 0).astype(np.float32)
    w = torch.from_numpy(np.where(cropped, 0, w).astype(np.float32) if cropped is not None else w)
    if w.sum() == 0:
        return bodypart_loss, abnormal_logits.sum() * 0
    target = torch.from_numpy(np.maximum(abnormal[idx], 0)).float()
    per_image = F.binary_cross_entropy_with_logits(abnormal_logits, target, reduction="none")
    return bodypart_loss, (per_image * w).sum() / w.sum()


@torch.no_grad()
def update_average():
    if evaluated is model:
        return
    for average, current in zip(evaluated.state_dict().values(), model.state_dict().values()):
        if average.dtype.is_floating_point:
            average.mul_(cfg.ema_decay).add_(current, alpha=1 - cfg.ema_decay)
        else:
            average.copy_(current)


@torch.no_grad()
def predict(idx, pixels=images, batch=128):
    evaluated.eval()
    if trunk_views:
        outs = [evaluated(trunk_of(pixels, np.sort(idx[i:i + batch])), start=cfg.frozen_layers)
                for i in range(0, len(idx), batch)]
    else:
        outs = [evaluated(normalize(to_input(pixels[np.sort(idx[i:i + batch])]))) for i in range(0, len(idx), batch)]
    return torch.cat([o[0] for o in outs]), torch.cat([o[1] for o in outs])


def auc(scores, labels):
    pos, neg = scores[labels == 1], scores[labels == 0]
    if len(pos) == 0 or len(neg) == 0:
        return float("nan")
    return float(((pos[:, None] > neg[None]).sum() + 0.5 * (pos[:, None] == neg[None]).sum()) / (len(pos) * len(neg)))


# ---------------------------------------------------------------- loop
rng = np.random.default_rng(cfg.seed)
for epoch in range(start_epoch, cfg.epochs):
    model.train()
    t0 = time.time()
    order = rng.choice(train_idx, size=len(train_idx), replace=True, p=sample_weight)
    running = []
    for step in range(steps_per_epoch):
        idx = np.sort(order[step * cfg.batch:(step + 1) * cfg.batch])
        if len(idx) == 0:
            break
        if trunk_views:
            view = rng.integers(trunk_views, size=len(idx))
            x = torch.from_numpy(trunk_train[view, train_position[idx]].astype(np.float32))
            cropped = trunk_cropped[view, train_position[idx]]
            bp_logits, ab_logits = model(x, start=cfg.frozen_layers)
        else:
            x, cropped = augment(idx)
            bp_logits, ab_logits = model(normalize(x))
        bp_loss, ab_loss = losses(bp_logits, ab_logits, idx, cropped=cropped)
        loss = bp_loss + ab_loss
        opt.zero_grad()
        loss.backward()
        opt.step()
        sched.step()
        update_average()
        running.append((bp_loss.item(), ab_loss.item()))
        if step % 10 == 0 or step == steps_per_epoch - 1:
            done = step + 1
            eta = (time.time() - t0) / done * (steps_per_epoch - done)
            bar = "#" * int(20 * done / steps_per_epoch)
            print(f"\repoch {epoch + 1}/{cfg.epochs} [{bar:<20}] {done}/{steps_per_epoch} "
                  f"bodypart {np.mean([r[0] for r in running]):.3f} abnormal {np.mean([r[1] for r in running]):.3f} "
                  f"ETA {eta:4.0f}s", end="", flush=True)
    print()
    vidx = np.sort(val_idx)
    bp_logits, ab_logits = predict(vidx)
    bp_loss, ab_loss = losses(bp_logits, ab_logits, vidx)
    supported = np.isin(part[vidx], range(len(cfg.supported)))
    # selection also asks for the body part of frame-filling crops (the central 70%) of the supported films
    zoomed_logits, _ = predict(vidx[supported], frame_crops[:, 1])
    zoomed_loss = torch.sum(-soft_targets(vidx[supported]) * F.log_softmax(zoomed_logits, 1), 1).mean()
    zoomed_acc = (zoomed_logits.argmax(1).numpy() == part[vidx][supported]).mean()
    val_loss = bp_loss.item() + ab_loss.item() + zoomed_loss.item()
    acc = (bp_logits.argmax(1).numpy() == part[vidx]).mean()
    acc_supported = (bp_logits.argmax(1).numpy()[supported] == part[vidx][supported]).mean()
    lab = (abnormal[vidx] >= 0) & supported
    val_auc = auc(ab_logits.numpy()[lab], abnormal[vidx][lab])
    within = {}
    for key in sorted({(sources[i], ds["rows"][i]["body_part"]) for i in vidx if abnormal[i] >= 0}):
        m = (sources[vidx] == key[0]) & (np.array([ds["rows"][i]["body_part"] for i in vidx]) == key[1]) & (abnormal[vidx] >= 0)
        a = auc(ab_logits.numpy()[m], abnormal[vidx][m])
        if not np.isnan(a) and min((abnormal[vidx][m] == 1).sum(), (abnormal[vidx][m] == 0).sum()) >= 5:
            within[f"{key[0]}/{key[1]}"] = round(a, 3)
    improved = val_loss < best_loss
    best_loss, stale = (val_loss, 0) if improved else (best_loss, stale + 1)
    log(f"epoch {epoch + 1}: train {np.mean(running, 0).round(3).tolist()} val loss {val_loss:.3f} "
        f"(bodypart {bp_loss.item():.3f}, abnormal {ab_loss.item():.3f}, zoomed {zoomed_loss.item():.3f}) "
        f"bodypart acc {acc:.3f} (supported {acc_supported:.3f}, zoomed {zoomed_acc:.3f}) abnormal AUC pooled {val_auc:.3f} within source {within} "
        f"{time.time() - t0:.0f}s{' *' if improved else ''}")
    if improved:
        torch.save({"model": evaluated.state_dict(), "epoch": epoch, "val_loss": val_loss}, run_dir / "best.pt")
    torch.save({"model": model.state_dict(), "evaluated": evaluated.state_dict(), "opt": opt.state_dict(), "sched": sched.state_dict(), "epoch": epoch,
                "best_loss": best_loss, "stale": stale, "rng": torch.get_rng_state()}, ckpt_path)
    if stale >= cfg.patience:
        log(f"early stop: no validation improvement for {cfg.patience} epochs")
        break

# ---------------------------------------------------------------- calibration
# Fitted on validation logits, folded by the exporter into each head (logits * scale + shift):
# body part: a temperature and a per-class shift under class-balanced weights, so the small supported classes
# are not out-voted by `other_xray`; abnormality: Platt scaling on the supported parts' labelled images.
best = torch.load(run_dir / "best.pt")
model.load_state_dict(best["model"])
evaluated = model
vidx = np.sort(val_idx)
bp_logits, ab_logits = predict(vidx)


def fit(params, loss_fn):
    opt = torch.optim.LBFGS(params, lr=0.5, max_iter=300, line_search_fn="strong_wolfe")

    def closure():
        opt.zero_grad()
        loss = loss_fn()
        loss.backward()
        return loss
    opt.step(closure)


# the scale is kept positive (log-parametrised) and the shifts gently pulled to zero (tiny validation sets)
bp_log_scale, bp_shift = torch.zeros(1, requires_grad=True), torch.zeros(num_parts, requires_grad=True)
class_weight = 1 / np.maximum(np.bincount(part[vidx], minlength=num_parts), 1)
sample_w = torch.from_numpy(class_weight[part[vidx]]).float()
targets = soft_targets(vidx)
fit([bp_log_scale, bp_shift], lambda: (sample_w * torch.sum(
    -targets * F.log_softmax(bp_logits * bp_log_scale.exp() + bp_shift, 1), 1)).sum() / sample_w.sum()
    + 0.01 * bp_shift.pow(2).sum())
# Platt scaling on every validation image the abnormality loss weighs (labelled, within-source balanced)
lab = abnormal_weight[vidx] > 0
if lab.sum() < 20:
    lab = abnormal[vidx] >= 0
ab_log_scale, ab_shift = torch.zeros(1, requires_grad=True), torch.zeros(1, requires_grad=True)
ab_targets = torch.from_numpy(abnormal[vidx][lab]).float()
ab_w = torch.from_numpy(np.where(abnormal_weight[vidx][lab] > 0, abnormal_weight[vidx][lab], 1)).float()
fit([ab_log_scale, ab_shift], lambda: (ab_w * F.binary_cross_entropy_with_logits(
    ab_logits[lab] * ab_log_scale.exp() + ab_shift, ab_targets, reduction="none")).sum() / ab_w.sum()
    + 0.01 * ab_shift.pow(2).sum())
calibration = {"bodypart": {"scale": float(bp_log_scale.exp()), "shift": bp_shift.detach().tolist()},
               "abnormality": {"scale": float(ab_log_scale.exp()), "shift": ab_shift.detach().tolist()}}
log(f"calibration fitted on validation: {calibration}")
torch.save({"model": model.state_dict(), "epoch": best["epoch"], "calibration": calibration,
            "config": config_to_dict(cfg)},
           run_dir / "final.pt")
log(f"wrote {run_dir / 'final.pt'} (best epoch {best['epoch'] + 1})")
