"""Train BoneLens's radiograph network: body part (stage 1) and abnormality (stage 2) heads on one backbone.

    /usr/bin/python3 training/train.py                 # full run on ../shared/data/xray, resumes if interrupted
    /usr/bin/python3 training/train.py --data MURA-v1.1 --run mura
    /usr/bin/python3 training/train.py --limit 64 --epochs 1 --run smoke   # smoke run

Reads like a script, top to bottom: config, data, model, loop, calibration, checkpoint.
"""
import argparse
import math
import sys
import time
from dataclasses import replace
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, str(Path(__file__).resolve().parent))
from config import Config  # noqa: E402
from data import load_dataset  # noqa: E402
from model import RadiographNet  # noqa: E402

# ---------------------------------------------------------------- config
ap = argparse.ArgumentParser()
ap.add_argument("--data", type=Path)
ap.add_argument("--run", default="main")
ap.add_argument("--epochs", type=int)
ap.add_argument("--limit", type=int)
ap.add_argument("--size", type=int)
ap.add_argument("--runs", type=Path, help="folder of runs (default training/runs)")
args = ap.parse_args()
cfg = Config()
cfg = replace(cfg, **{k: v for k, v in vars(args).items() if k in ("data", "epochs", "limit", "size", "runs") and v is not None})
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

# class balance: sample each image with weight 1/sqrt(size of its body-part class)
counts = np.bincount(part[train_idx], minlength=num_parts).astype(float)
sample_weight = 1 / np.sqrt(np.maximum(counts[part[train_idx]], 1))
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


def augment(x):
    """Radiograph-plausible: small rotation/scale/shift, left-right flip, exposure (contrast, gamma, brightness)."""
    n = x.shape[0]
    angle = (torch.rand(n) * 2 - 1) * math.radians(15)
    scale = 1 + (torch.rand(n) * 2 - 1) * 0.15
    flip = torch.where(torch.rand(n) < 0.5, -1.0, 1.0)
    shift = (torch.rand(n, 2) * 2 - 1) * 0.08
    cos, sin = torch.cos(angle) / scale, torch.sin(angle) / scale
    theta = torch.stack([torch.stack([cos * flip, -sin, shift[:, 0]], 1),
                         torch.stack([sin * flip, cos, shift[:, 1]], 1)], 1)
    grid = F.affine_grid(theta, x.shape, align_corners=False)
    x = F.grid_sample(x, grid, align_corners=False, padding_mode="zeros")
    gamma = torch.exp((torch.rand(n, 1, 1, 1) * 2 - 1) * 0.3)
    contrast = 1 + (torch.rand(n, 1, 1, 1) * 2 - 1) * 0.2
    bright = (torch.rand(n, 1, 1, 1) * 2 - 1) * 0.08
    x = x.clamp(0, 1) ** gamma
    x = ((x - 0.5) * contrast + 0.5 + bright).clamp(0, 1)
    return x


# ---------------------------------------------------------------- model
model = RadiographNet(num_parts, cfg.widths)
steps_per_epoch = math.ceil(len(train_idx) / cfg.batch)
opt = torch.optim.AdamW(model.parameters(), lr=cfg.lr, weight_decay=cfg.weight_decay)
sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=cfg.lr, total_steps=cfg.epochs * steps_per_epoch, pct_start=0.15)
start_epoch, best_loss, stale = 0, float("inf"), 0
ckpt_path = run_dir / "last.pt"
if ckpt_path.exists():
    ck = torch.load(ckpt_path)
    model.load_state_dict(ck["model"])
    opt.load_state_dict(ck["opt"])
    sched.load_state_dict(ck["sched"])
    start_epoch, best_loss, stale = ck["epoch"] + 1, ck["best_loss"], ck["stale"]
    torch.set_rng_state(ck["rng"])
    log(f"resumed from epoch {ck['epoch'] + 1}")


def losses(bodypart_logits, abnormal_logits, idx):
    bodypart_loss = torch.sum(-soft_targets(idx) * F.log_softmax(bodypart_logits, 1), 1).mean()
    labelled = torch.from_numpy(abnormal[idx] >= 0)
    abnormal_loss = (F.binary_cross_entropy_with_logits(
        abnormal_logits[labelled], torch.from_numpy(abnormal[idx][labelled.numpy()]).float())
        if labelled.any() else abnormal_logits.sum() * 0)
    return bodypart_loss, abnormal_loss


@torch.no_grad()
def predict(idx, batch=128):
    model.eval()
    outs = [model(normalize(to_input(images[np.sort(idx[i:i + batch])]))) for i in range(0, len(idx), batch)]
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
        x = normalize(augment(to_input(images[idx])))
        bp_logits, ab_logits = model(x)
        bp_loss, ab_loss = losses(bp_logits, ab_logits, idx)
        loss = bp_loss + ab_loss
        opt.zero_grad()
        loss.backward()
        opt.step()
        sched.step()
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
    val_loss = bp_loss.item() + ab_loss.item()
    supported = np.isin(part[vidx], range(len(cfg.supported)))
    acc = (bp_logits.argmax(1).numpy() == part[vidx]).mean()
    acc_supported = (bp_logits.argmax(1).numpy()[supported] == part[vidx][supported]).mean()
    lab = (abnormal[vidx] >= 0) & supported
    val_auc = auc(ab_logits.numpy()[lab], abnormal[vidx][lab])
    improved = val_loss < best_loss
    best_loss, stale = (val_loss, 0) if improved else (best_loss, stale + 1)
    log(f"epoch {epoch + 1}: train {np.mean(running, 0).round(3).tolist()} val loss {val_loss:.3f} "
        f"(bodypart {bp_loss.item():.3f}, abnormal {ab_loss.item():.3f}) bodypart acc {acc:.3f} "
        f"(supported {acc_supported:.3f}) abnormal AUC (supported parts) {val_auc:.3f} "
        f"{time.time() - t0:.0f}s{' *' if improved else ''}")
    if improved:
        torch.save({"model": model.state_dict(), "epoch": epoch, "val_loss": val_loss}, run_dir / "best.pt")
    torch.save({"model": model.state_dict(), "opt": opt.state_dict(), "sched": sched.state_dict(), "epoch": epoch,
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
lab = (abnormal[vidx] >= 0) & np.isin(part[vidx], range(len(cfg.supported)))
if lab.sum() < 20:
    lab = abnormal[vidx] >= 0
ab_log_scale, ab_shift = torch.zeros(1, requires_grad=True), torch.zeros(1, requires_grad=True)
ab_targets = torch.from_numpy(abnormal[vidx][lab]).float()
fit([ab_log_scale, ab_shift], lambda: F.binary_cross_entropy_with_logits(
    ab_logits[lab] * ab_log_scale.exp() + ab_shift, ab_targets) + 0.01 * ab_shift.pow(2).sum())
calibration = {"bodypart": {"scale": float(bp_log_scale.exp()), "shift": bp_shift.detach().tolist()},
               "abnormality": {"scale": float(ab_log_scale.exp()), "shift": ab_shift.detach().tolist()}}
log(f"calibration fitted on validation: {calibration}")
torch.save({"model": model.state_dict(), "epoch": best["epoch"], "calibration": calibration,
            "config": {k: (str(v) if isinstance(v, Path) else v) for k, v in vars(cfg).items()}},
           run_dir / "final.pt")
log(f"wrote {run_dir / 'final.pt'} (best epoch {best['epoch'] + 1})")
