"""Reproducible synthetic projects for the benchmarks: variations of the shipped `projects/*.yaml`.

Real applications are a few dozen lines of YAML, so each synthetic project is one of the four base
projects with its figures scaled and a few declarations toggled (farmland occupied, water permit
or value added left out...), which spreads them over the rule categories and statuses. A small
share is deliberately broken (syntax error, duplicate key) so the error path is timed too.
Editing lines of text rather than dumping YAML keeps the generation of 100 000 files to seconds.

    python benchmarks/generate.py OUT_DIR --n 5000 [--seed 20261125]
"""

from __future__ import annotations

import argparse
import random
import re
import shutil
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SEED = 20261125
PER_FOLDER = 1000
BROKEN_SHARE = 0.003

_NUMBER = re.compile(r"^(\s*)([a-z_0-9]+): (-?[0-9][0-9.]*(?:e[+-]?[0-9]+)?)(\s*#.*)?$")
_FIXED = {  # numbers that are not sizes
    "format", "commissioning_year", "storage_hours", "pue", "renewable_electricity_share",
    "capacity_mw",
}


def _bases() -> list[list[str]]:
    paths = sorted((REPO / "projects").glob("*.yaml"))
    return [p.read_text(encoding="utf-8").splitlines() for p in paths]


def _scaled(value: str, factor: float) -> str:
    number = float(value) * factor
    if "." in value or "e" in value:
        return f"{number:.6g}"
    return str(max(0, round(number)))


def vary(lines: list[str], index: int, rng: random.Random) -> str:
    """One synthetic project from a base project's lines."""
    factor = rng.choice((0.05, 0.3, 0.7, 1.0, 1.0, 1.5, 3.0))
    drop_permit = rng.random() < 0.2
    drop_value_added = rng.random() < 0.05
    farmland = rng.random() < 0.1
    protected = {key for key in ("basic_grassland_ha", "ecological_red_line_ha") if rng.random() < 0.05}
    out = []
    for line in lines:
        if line.lstrip().startswith("#"):
            continue
        stripped = line.strip()
        if stripped.startswith("id: NM-"):
            out.append(line.split("id:")[0] + f"id: NM-SYN-{index:06d}")
            continue
        if stripped.startswith("name: "):
            out.append(f"{line} #{index}")
            continue
        if drop_permit and stripped.startswith("water_permit:"):
            continue
        if drop_value_added and stripped.startswith("annual_value_added_10k_yuan:"):
            continue
        match = _NUMBER.match(line)
        if match and match.group(2) not in _FIXED:
            indent, key, value, _ = match.groups()
            if key == "permanent_basic_farmland_ha":
                value = str(rng.choice((1, 5, 20))) if farmland else value
            elif key in protected:
                value = str(rng.choice((0.5, 3, 12)))
            elif key == "unit_energy_kgce":
                value = _scaled(value, rng.choice((0.8, 0.95, 1.0, 1.05)))
            else:
                value = _scaled(value, factor * rng.uniform(0.9, 1.1))
            out.append(f"{indent}{key}: {value}")
            continue
        out.append(line)
    text = "\n".join(out) + "\n"
    if rng.random() < BROKEN_SHARE:
        if rng.random() < 0.5:
            text = text.replace("\nland:", "\nland: [\n", 1)  # YAML syntax error
        else:
            text = text.replace("\nwater:\n", "\nwater:\n  x: 1\nwater:\n", 1)  # duplicate key
    return text


def generate(out_dir: Path, n: int, seed: int = SEED) -> list[Path]:
    """Write `n` projects under `out_dir` (1 000 per subfolder), replacing what was there."""
    if out_dir.exists():
        shutil.rmtree(out_dir)
    rng = random.Random(seed)
    bases = _bases()
    written = []
    for index in range(n):
        folder = out_dir / f"{index // PER_FOLDER:03d}"
        if index % PER_FOLDER == 0:
            folder.mkdir(parents=True)
        path = folder / f"project-{index:06d}.yaml"
        path.write_text(vary(bases[index % len(bases)], index, rng), encoding="utf-8")
        written.append(path)
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("--n", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=SEED)
    args = parser.parse_args()
    generate(args.out_dir, args.n, args.seed)
    print(f"{args.n} projects in {args.out_dir}")


if __name__ == "__main__":
    main()
