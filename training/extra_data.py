"""Rebuild training/cache/extra/ (extra upper-limb radiographs) from public GitHub snapshots.

The snapshots are bare git directories fetched beforehand into the mirror folder (default: the folder
`.mirror` next to the repository; override with --mirrors or BONELENS_MIRRORS), one per repository, named
`owner+name/repo` (the git directory is `repo/.git` or `repo` itself). Nothing is downloaded here. The whole
history of each snapshot is searched, so images a repository deleted later are found too; origin names the
commit the image was read from.

Output (never committed; training/cache/ is gitignored):
  <out>/images/<source>/...jpg    8-bit grayscale JPEG, EXIF orientation applied, longest side <= 512 px
  <out>/manifest.csv              the columns of the shared set's manifest.csv, paths relative to <out>
  <out>/dropped.csv               every candidate that was left out, and why

Images that repeat an image of the shared training set (BONELENS_XRAY_DATA / --shared, default
../shared/data/xray) or an image already taken from another repository are dropped: a 16x16 mean hash of the
letterboxed grayscale image proposes a match; a 32x32 stretched-thumbnail correlation of at least 0.97 (the
letterboxed one is dominated by the black padding) and the same aspect ratio confirm it.

Run with Debian's python3 (numpy + PIL):  /usr/bin/python3 training/extra_data.py [--out DIR] [--mirrors DIR]
"""
import argparse
import csv
import os
import re
import shutil
import subprocess
import sys
from io import BytesIO
from pathlib import Path

import numpy as np
from PIL import Image, ImageOps

REPO = Path(__file__).resolve().parents[1]
COLUMNS = ["path", "source", "group", "body_part", "body_part_alt", "abnormal", "fracture", "hardware",
           "multi_view", "label_basis", "orig_split", "width", "height", "licence", "origin"]
MAX_SIDE = 512
MIN_SIDE = 128              # smaller images are thumbnails
HASH_MAX_BITS = 24          # letterboxed 16x16 mean-hash Hamming distance that proposes a duplicate (of 256 bits)
CORR_MIN = 0.97             # correlation of 32x32 stretched thumbnails that confirms it ...
ASPECT_TOL = 0.08           # ... with aspect ratios within 8%
MURA_TERMS = "MURA research-use terms (Stanford; research use only, no redistribution)"
MURA_PARTS = {"ELBOW": "elbow", "HAND": "hand", "SHOULDER": "shoulder", "FINGER": "finger", "WRIST": "wrist",
              "FOREARM": "forearm", "HUMERUS": "humerus"}
SKIP_NAME = re.compile(r"(aug|flip|rotat|rot\d|_rot|mirror|_edit|_edges|copy)", re.I)

# MURA, flattened file names: train_XR_HAND_patient01863_study1_positive_image3.png
MURA_FLAT = re.compile(r"(?:^|/)(train|valid)_XR_([A-Z]+)_patient(\d{5})_study(\d+)_(positive|negative)_image(\d+)\.png$")
# MURA folders: .../[MURA-v1.1/](train|valid)/XR_ELBOW/patient00011/study1_negative/image1.png
MURA_TREE = re.compile(r"(?:(train|valid)/)?XR_([A-Z]+)/patient(\d{5})/study(\d+)_(positive|negative)/image(\d+)\.png$")
# a MURA subset sorted by label, patient ids kept, part not named: train/negative/patient00012/image1.png
LABEL_PATIENT = re.compile(r"^sample_dataset/train/(negative|positive)/patient(\d{5})/image(\d+)\.png$")
# one MURA study folder without patient id: study1_positive/image1.png
LONE_STUDY = re.compile(r"^study(\d+)_(positive|negative)/image(\d+)\.png$")
# Alkoby/Bone-Fracture-Detection test folder, copied into student projects: test/Elbow/fractured/x.jpg
PART_FOLDER = re.compile(r"^test/(Elbow|Hand|Shoulder)/(fractured|normal)/[^/]+\.(?:png|jpe?g)$", re.I)

ALKOBY_BASIS = ("folder name test/<part>/<fractured|normal> of a student project (test images of "
                "Alkoby/Bone-Fracture-Detection); web images of unknown provenance, labels not from a radiologist")
WEB_LICENCE = "no licence file in the repository; web images of unknown provenance and licence"

# (mirror folder, owner/name, parser, licence of the repository, extra: body part read by eye where the repo has none)
SOURCES = [
    ("jjurm+bonedoctor", "jjurm/bonedoctor", "mura", "MIT (repository LICENSE)", None),
    ("suhasvenkat+Bone_fracture", "suhasvenkat/Bone_fracture", "lone_study", "MIT (repository LICENSE)", "elbow"),
    ("lucasbui92+musculoskeletal-xray-classification", "lucasbui92/musculoskeletal-xray-classification",
     "label_patient", "no licence file in the repository", "wrist"),
    ("memanju2005+Bone_fracture_Detection", "memanju2005/Bone_fracture_Detection", "part_folder", WEB_LICENCE, None),
    ("Sudharshan2108+Bone_Fracture_Detection", "Sudharshan2108/Bone_Fracture_Detection", "part_folder", WEB_LICENCE, None),
    ("dkrapansh+fracture-detection", "dkrapansh/fracture-detection", "part_folder", WEB_LICENCE, None),
    ("Jay-Vijay+Bone-Fracture-Detection", "Jay-Vijay/Bone-Fracture-Detection", "part_folder", WEB_LICENCE, None),
]


def source_name(repo):
    return "gh-" + re.sub(r"[^a-z0-9]+", "-", repo.lower()).strip("-")


def git_dir(mirrors, folder):
    for cand in (mirrors / folder / "repo" / ".git", mirrors / folder / "repo", mirrors / folder):
        if (cand / "HEAD").exists() and (cand / "objects").exists():
            return cand
    return None


def git(gd, *args, binary=False):
    out = subprocess.run(["git", "--git-dir", str(gd), *args], capture_output=True, check=False)
    if out.returncode != 0:
        return None
    return out.stdout if binary else out.stdout.decode("utf-8", "replace")


def parse(kind, path, extra):
    """Labels from a file's path in the repository, or None when the file is not one of the set's images."""
    if kind == "mura":
        m = MURA_FLAT.search(path) or MURA_TREE.search(path)
        if not m or m.group(2) not in MURA_PARTS:
            return None
        split, part, pid, study, lab, img = m.groups()
        return dict(body_part=MURA_PARTS[part], abnormal="1" if lab == "positive" else "0",
                    group=f"mura:patient{pid}", orig_split=split or "",
                    name=f"XR_{part}/patient{pid}/study{study}_{lab}/image{img}",
                    label_basis="MURA study label (radiologist) from the MURA path in the file name")
    if kind == "label_patient":
        m = LABEL_PATIENT.match(path)
        if not m:
            return None
        lab, pid, img = m.groups()
        return dict(body_part=extra, abnormal="1" if lab == "positive" else "0", group=f"mura:patient{pid}",
                    orig_split="", name=f"patient{pid}_{lab}/image{img}",
                    label_basis=("MURA study label (radiologist) from the repository's negative/positive folder; "
                                 f"region ({extra}) read by eye, the repository names none"))
    if kind == "lone_study":
        m = LONE_STUDY.match(path)
        if not m:
            return None
        study, lab, img = m.groups()
        return dict(body_part=extra, abnormal="1" if lab == "positive" else "0", group=None, orig_split="",
                    name=f"study{study}_{lab}/image{img}", group_key=f"study{study}_{lab}",
                    label_basis=("MURA-style study folder name (study_positive/negative) in the repository, "
                                 f"no patient id; region ({extra}) read by eye"))
    if kind == "part_folder":
        m = PART_FOLDER.match(path)
        if not m:
            return None
        part, lab = m.group(1).lower(), m.group(2).lower()
        return dict(body_part=part, abnormal="1" if lab == "fractured" else "0", fracture="1" if lab == "fractured" else "0",
                    group=None, orig_split="", name=path[len("test/"):].rsplit(".", 1)[0], label_basis=ALKOBY_BASIS)
    raise ValueError(kind)


def candidates(gd, kind, extra):
    """(path, commit, blob) of every file of the set in the repository's history, newest commit first: files
    deleted or renamed later still count, and a blob seen under several paths or commits is read once."""
    seen, paths, out, same = {}, set(), [], []
    for commit in git(gd, "rev-list", "--all").split():
        listing = git(gd, "ls-tree", "-r", "-z", commit) or ""
        for entry in listing.split("\0"):
            if not entry or "\t" not in entry:
                continue
            meta, path = entry.split("\t", 1)
            mode, typ, blob = meta.split()
            if typ != "blob" or path in paths or parse(kind, path, extra) is None:
                continue
            paths.add(path)
            if blob in seen:
                same.append((path, commit, seen[blob]))
                continue
            seen[blob] = path
            out.append((path, commit, blob))
    return sorted(out), same


def letterbox(im, size):
    """Grayscale image padded to a square with black, resized to size x size, as float32."""
    w, h = im.size
    side = max(w, h)
    sq = Image.new("L", (side, side), 0)
    sq.paste(im, ((side - w) // 2, (side - h) // 2))
    return np.asarray(sq.resize((size, size), Image.BILINEAR), dtype=np.float32)


def fingerprint(im):
    h16 = letterbox(im, 16)
    bits = (h16 > h16.mean()).ravel()
    t32 = np.asarray(im.resize((32, 32), Image.BILINEAR), dtype=np.float32).ravel()
    t32 = t32 - t32.mean()
    t32 /= (np.linalg.norm(t32) + 1e-6)
    return np.packbits(bits), t32, np.log(im.size[0] / im.size[1])


class Index:
    """Fingerprints seen so far; find() returns the label of a near-identical image, or None."""

    def __init__(self):
        self.bits, self.thumbs, self.aspects, self.labels = [], [], [], []

    def add(self, fp, label):
        self.bits.append(fp[0])
        self.thumbs.append(fp[1])
        self.aspects.append(fp[2])
        self.labels.append(label)

    def find(self, fp):
        if not self.bits:
            return None
        bits = np.stack(self.bits)
        dist = np.unpackbits(bits ^ fp[0], axis=1).sum(1)
        for i in np.nonzero(dist <= HASH_MAX_BITS)[0]:
            if abs(self.aspects[i] - fp[2]) <= ASPECT_TOL and float(self.thumbs[i] @ fp[1]) >= CORR_MIN:
                return self.labels[i]
        return None


def shared_index(shared):
    idx = Index()
    man = shared / "manifest.csv"
    if not man.exists():
        print(f"warning: no shared manifest at {man}; not checking against the shared set", file=sys.stderr)
        return idx
    with open(man, newline="") as f:
        rows = list(csv.DictReader(f))
    for r in rows:
        try:
            im = Image.open(shared / r["path"])
            im.draft("L", (64, 64))
            idx.add(fingerprint(im.convert("L")), "shared:" + r["path"])
        except OSError:
            continue
    print(f"shared set: {len(idx.labels)} images fingerprinted")
    return idx


def decode(data):
    im = Image.open(BytesIO(data))
    im.load()
    im = ImageOps.exif_transpose(im)
    if im.mode in ("RGBA", "LA", "P"):
        im = im.convert("RGBA")
        bg = Image.new("RGBA", im.size, (0, 0, 0, 255))
        im = Image.alpha_composite(bg, im)
    if im.mode in ("I;16", "I", "F"):
        a = np.asarray(im, dtype=np.float64)
        lo, hi = np.percentile(a, [0.5, 99.5])
        im = Image.fromarray(np.clip((a - lo) / max(hi - lo, 1e-6) * 255, 0, 255).astype(np.uint8))
    rgb = np.asarray(im.convert("RGB"), dtype=np.int16)
    colour = float(np.abs(rgb[..., 0] - rgb[..., 1]).mean() + np.abs(rgb[..., 1] - rgb[..., 2]).mean())
    return im.convert("L"), colour


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", type=Path, default=REPO / "training" / "cache" / "extra")
    ap.add_argument("--mirrors", type=Path, default=Path(os.environ.get("BONELENS_MIRRORS", REPO.parent / ".mirror")))
    ap.add_argument("--shared", type=Path,
                    default=Path(os.environ.get("BONELENS_XRAY_DATA", REPO.parent / "shared" / "data" / "xray")))
    args = ap.parse_args()

    out = args.out.resolve()
    if (out / "images").exists():
        shutil.rmtree(out / "images")
    (out / "images").mkdir(parents=True, exist_ok=True)

    idx = shared_index(args.shared)
    rows, dropped = [], []
    for folder, repo, kind, licence, extra in SOURCES:
        gd = git_dir(args.mirrors, folder)
        src = source_name(repo)
        if gd is None:
            print(f"{repo}: no snapshot under {args.mirrors / folder}; skipped", file=sys.stderr)
            continue
        taken = 0
        files, same = candidates(gd, kind, extra)
        dropped += [(f"{repo}:{p}@{c}", f"identical file (same git blob) as {repo}:{first}") for p, c, first in same]
        for path, commit, blob in files:
            lab = parse(kind, path, extra)
            origin = f"{repo}:{path}@{commit}"
            if SKIP_NAME.search(path.rsplit("/", 1)[-1]):
                dropped.append((origin, "augmented or edited copy (file name)"))
                continue
            data = git(gd, "cat-file", "blob", blob, binary=True)
            if not data:
                dropped.append((origin, "not in the snapshot (large or LFS file)"))
                continue
            try:
                im, colour = decode(data)
            except OSError as e:
                dropped.append((origin, f"unreadable ({e})"))
                continue
            if min(im.size) < MIN_SIDE:
                dropped.append((origin, f"thumbnail {im.size[0]}x{im.size[1]}"))
                continue
            if colour > 12:
                dropped.append((origin, "colour image (annotated or not a plain radiograph)"))
                continue
            fp = fingerprint(im)
            dup = idx.find(fp)
            if dup is not None:
                why = "copy of a shared-set image" if dup.startswith("shared:") else "repeat of an image already taken"
                dropped.append((origin, f"{why}: {dup}"))
                continue
            if max(im.size) > MAX_SIDE:
                s = MAX_SIDE / max(im.size)
                im = im.resize((max(1, round(im.size[0] * s)), max(1, round(im.size[1] * s))), Image.LANCZOS)
            rel = Path("images") / src / (re.sub(r"[^A-Za-z0-9_./-]+", "_", lab["name"]) + ".jpg")
            (out / rel).parent.mkdir(parents=True, exist_ok=True)
            im.save(out / rel, "JPEG", quality=92)
            idx.add(fp, f"{src}:{rel}")
            group = lab["group"] or f"{src}:{lab.get('group_key') or lab['name']}"
            is_mura = group.startswith("mura:") or kind == "lone_study"
            rows.append(dict(path=rel.as_posix(), source=src, group=group, body_part=lab["body_part"], body_part_alt="",
                             abnormal=lab["abnormal"], fracture=lab.get("fracture", ""), hardware="", multi_view="",
                             label_basis=lab["label_basis"], orig_split=lab["orig_split"], width=im.size[0],
                             height=im.size[1], licence=licence + ("; " + MURA_TERMS if is_mura else ""), origin=origin))
            taken += 1
        print(f"{repo} @ {git(gd, 'rev-parse', 'HEAD').strip()[:12]}: {taken} images")

    rows.sort(key=lambda r: r["path"])
    with open(out / "manifest.csv", "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=COLUMNS)
        w.writeheader()
        w.writerows(rows)
    with open(out / "dropped.csv", "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["origin", "reason"])
        w.writerows(dropped)

    counts = {}
    for r in rows:
        k = (r["body_part"], r["abnormal"] or "?", r["source"])
        counts[k] = counts.get(k, 0) + 1
    print(f"\n{len(rows)} images written to {out}; {len(dropped)} dropped (see dropped.csv)")
    for (part, ab, src), n in sorted(counts.items()):
        print(f"  {part:9s} abnormal={ab}  {src:50s} {n}")
    reasons = {}
    for _, why in dropped:
        key = why.split(":")[0]
        reasons[key] = reasons.get(key, 0) + 1
    for why, n in sorted(reasons.items(), key=lambda x: -x[1]):
        print(f"  dropped {n:4d}  {why}")


if __name__ == "__main__":
    main()
