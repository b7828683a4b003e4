"""Repack a schema-1 export (one TF.js graph per task: public/models/{bodypart,abnormality}/) into the schema-2
contract (docs/manifest.md): one model.json whose heads are those graphs, side by side, under one input. The
weights and every op are unchanged (node and weight names gain the head as prefix), so the outputs are the
same numbers; the two backbones stay two. Used to carry release 0.1 (run main3, whose checkpoint is not kept)
into the schema-2 app when no retrained one-backbone model beat it.

    /usr/bin/python3 training/repack_schema1.py public/models     # in place
"""
import hashlib
import json
import shutil
import sys
from pathlib import Path

folder = Path(sys.argv[1])
old = json.loads((folder / "manifest.json").read_text())
assert old["schemaVersion"] == 1, "not a schema-1 export"
MODEL = "radiograph"
nodes, specs, shards, heads = None, [], [], {}
for head, spec in old["models"].items():
    graph = json.loads((folder / spec["path"]).read_text())
    [group] = graph["weightsManifest"]
    shards.append(b"".join((folder / head / p).read_bytes() for p in group["paths"]))
    specs += [{**w, "name": f"{head}/{w['name']}"} for w in group["weights"]]
    topology = graph["modelTopology"]["node"]
    placeholder, rest = topology[0], topology[1:]
    nodes = nodes or [placeholder]
    renamed = lambda name: name if name == placeholder["name"] else f"{head}/{name}"  # noqa: E731
    nodes += [{**n, "name": renamed(n["name"]), **({"input": [renamed(i) for i in n["input"]]} if "input" in n else {})}
              for n in rest]
    heads[head] = {"task": spec["task"], "classes": spec["classes"],
                   "outputs": {k: f"{head}/{v}" for k, v in spec["outputs"].items()}}
out = folder / MODEL
out.mkdir(exist_ok=True)
shard = "group1-shard1of1.bin"
(out / shard).write_bytes(b"".join(shards))
model = {"format": "graph-model", "generatedBy": "bonelens training/repack_schema1.py", "convertedBy": None,
         "modelTopology": {"node": nodes, "library": {}, "versions": {"producer": 1}},
         "signature": {"inputs": graph["signature"]["inputs"],
                       "outputs": {f"{h}_{k}": {"name": f"{v}:0", "dtype": "DT_FLOAT"}
                                   for h, hs in heads.items() for k, v in hs["outputs"].items()}},
         "weightsManifest": [{"paths": [shard], "weights": specs}]}
(out / "model.json").write_text(json.dumps(model, separators=(",", ":")))
files = {f"{MODEL}/{f}": hashlib.sha256((out / f).read_bytes()).hexdigest() for f in ("model.json", shard)}
first = next(iter(old["models"].values()))
quantization = {s["quantization"] for s in old["models"].values()}
assert len(quantization) == 1, "heads quantised differently"
new = {**old, "schemaVersion": 2,
       "bodyPart": {**old["bodyPart"], "model": MODEL, "head": old["bodyPart"]["model"]},
       "routing": {p: {"model": MODEL, "head": r["model"], "output": r["output"]} for p, r in old["routing"].items()},
       "models": {MODEL: {"path": f"{MODEL}/model.json", "quantization": quantization.pop(),
                          "inputName": first["inputName"], "camSize": first["camSize"], "heads": heads,
                          "files": files, "bytes": sum((out / f.split("/", 1)[1]).stat().st_size for f in files)}}}
for head in old["models"]:
    shutil.rmtree(folder / head)
(folder / "manifest.json").write_text(json.dumps(new, indent=1))
print(f"repacked {list(heads)} into {out} ({new['models'][MODEL]['bytes'] / 1e6:.2f} MB)")
