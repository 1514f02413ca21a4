"""Reproducible synthetic projects for the benchmarks: variations of the shipped `projects/*.yaml`.

Real applications are a few dozen lines of YAML, so each synthetic project is one of the four base
projects with its figures scaled and a few declarations toggled (farmland occupied, water permit
or value added left out...), which spreads them over the rule categories and statuses. A small
share is deliberately broken (syntax error, duplicate key) so the error path is timed too.
Editing lines of text rather than dumping YAML keeps the generation of 100 000 files to seconds.

    python benchmarks/generate.py OUT_DIR --n 5000 [--seed 20261125]
    python benchmarks/generate.py OUT_DIR --n 5000 --every-category   # plus claims and a register

`--every-category` draws the base projects so that each rule category occurs in equal shares
(coal power, data centres, mines, products with energy benchmarks, renewables, the rest), adds
waiver claims to a third of the files (on rules that fail, warn or are red lines) and writes a
review authority's register (`OUT_DIR.register.yaml`, beside the folder, not in it) with entries,
some expired, for a tenth of the projects: every path a finding can take is timed.
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
    "format",
    "commissioning_year",
    "storage_hours",
    "pue",
    "renewable_electricity_share",
    "capacity_mw",
}

# keys that state the same figure as another key, and so move with it: a coal mine's design
# capacity is also its raw coal product line's capacity (two figures that differ are refused)
_SAME_FIGURE = {"capacity_mt_per_year": "capacity"}


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
    # one jitter per key name: a fuel's feedstock share (`energy.feedstock.coke_t`) moves with the
    # fuel (`energy.coke_t`), so that no variation claims more feedstock than the fuel consumed
    jitter: dict[str, float] = {}
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
                same = _SAME_FIGURE.get(key, key)
                if same not in jitter:
                    jitter[same] = rng.uniform(0.9, 1.1)
                value = _scaled(value, factor * jitter[same])
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


# the sections that mark a base project's rule category; a base without any is "the rest"
_CATEGORY_KEYS = ("coal_power:", "data_center:", "mine:", "renewable_plant:", "unit_energy_kgce:")
# rules a claim or a register entry names: failing or warning ones, and red lines (never waivable)
_CLAIMED_RULES = (
    "WA-001",
    "WA-002",
    "EC-001",
    "EC-004",
    "HE-002",
    "HE-003",
    "LA-001",
    "LA-003",
    "RE-003",
    "CO-001",
    "MI-002",
    "CB-001",
)
_RED_LINES = ("LA-001", "LA-002", "LA-003", "HE-004")  # a register cannot waive them
_REGISTERED_RULES = tuple(r for r in _CLAIMED_RULES if r not in _RED_LINES)


def _by_category(bases: list[list[str]]) -> list[list[list[str]]]:
    groups: dict[str, list[list[str]]] = {}
    for lines in bases:
        text = "\n".join(lines)
        key = next((k for k in _CATEGORY_KEYS if k in text), "other")
        groups.setdefault(key, []).append(lines)
    return [groups[k] for k in sorted(groups)]


def _claims(rng: random.Random) -> str:
    rules = rng.sample(_CLAIMED_RULES, rng.choice((1, 2)))
    entries = []
    for rule in rules:
        expires = rng.choice(("2030-12-31", "2024-12-31", None))
        entries.append(
            f"  - rule: {rule}\n    reason: 申请人称已获批准\n    approved_by: 某盟市发展和改革委员会\n"
            f"    document: 某发改字〔2025〕{rng.randrange(1, 999)}号\n"
            + (f"    expires: {expires}\n" if expires else "")
        )
    return "waivers:\n" + "".join(entries)


def generate(out_dir: Path, n: int, seed: int = SEED, every_category: bool = False) -> list[Path]:
    """Write `n` projects under `out_dir` (1 000 per subfolder), replacing what was there.

    With `every_category`, the bases are drawn category by category, a third of the files claim
    waivers, and a register for a tenth of the projects is written to `register_path(out_dir)`.
    """
    if out_dir.exists():
        shutil.rmtree(out_dir)
    rng = random.Random(seed)
    bases = _bases()
    groups = _by_category(bases) if every_category else [bases]
    written = []
    register = []
    for index in range(n):
        folder = out_dir / f"{index // PER_FOLDER:03d}"
        if index % PER_FOLDER == 0:
            folder.mkdir(parents=True)
        path = folder / f"project-{index:06d}.yaml"
        group = groups[index % len(groups)]
        text = vary(group[(index // len(groups)) % len(group)], index, rng)
        if every_category:
            if rng.random() < 1 / 3 and "\nwaivers:" not in text:
                text += _claims(rng)
            if rng.random() < 0.1:
                register.append(
                    f"  - project: NM-SYN-{index:06d}\n    rule: {rng.choice(_REGISTERED_RULES)}\n"
                    f"    reason: 经专项论证\n    approved_by: 自治区能源局\n"
                    f"    document: 内能字〔2025〕第{index}号\n"
                    f"    expires: {rng.choice(('2030-12-31', '2025-01-31'))}\n"
                )
        path.write_text(text, encoding="utf-8")
        written.append(path)
    if every_category:
        register_path(out_dir).write_text(
            "format: 1\nauthority: 自治区能源局\nwaivers:\n" + "".join(register), encoding="utf-8"
        )
    return written


def register_path(out_dir: Path) -> Path:
    """The register of an `--every-category` set: beside its folder, so a batch does not read it."""
    return out_dir.with_name(out_dir.name + ".register.yaml")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("--n", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument(
        "--every-category",
        action="store_true",
        help="every rule category in equal shares, waiver claims and a register",
    )
    args = parser.parse_args()
    generate(args.out_dir, args.n, args.seed, args.every_category)
    print(f"{args.n} projects in {args.out_dir}")


if __name__ == "__main__":
    main()
