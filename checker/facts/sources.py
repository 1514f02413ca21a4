"""The `from:` lists of `rules/facts.yaml`, generated from what the code declares it reads.

A derived fact is computed in `checker/facts/derived.py`, which declares in `metrics.READS` the project
keys it reads for each. The fact catalogue names those keys in `missing_info` findings and report
locations, so a list written by hand drifts from the code (two coal facts once left out washed
coal). `python -m checker.facts.sources` rewrites each derived fact's `from:` line from the
declarations, and its `asks:` line where `metrics.ASKS` names fewer keys for a `missing_info`
finding to ask for, keeping every other line of the file; `--check` exits 1 when the file is not
current (tests/test_rule_language.py runs that check).
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from checker.errors import RuleDataError
from checker.facts.derived import ASKS, READS

_FACT = re.compile(r"^([A-Za-z_][A-Za-z0-9_.*]*):\s*$")
_FROM = re.compile(r"^  from:")
_ASKS = re.compile(r"^  asks:")
_SHOWN = "rules/facts.yaml"


def _from_line(keys: tuple[str, ...]) -> str:
    return f"  from: [{', '.join(keys)}]"


def _declared_lines(name: str) -> list[str]:
    """A derived fact's `from:` line and, where it asks for fewer keys, its `asks:` line."""
    lines = [_from_line(READS[name])]
    if name in ASKS:
        lines.append(f"  asks: [{', '.join(ASKS[name])}]")
    return lines


def generated(text: str) -> str:
    """`text` (the contents of facts.yaml) with every derived fact's `from:` line as declared.

    A fact with a `from:` line that the code does not declare, or a declared fact the file does
    not list, is refused: the file and the code must name the same derived facts."""
    lines = text.split("\n")
    out: list[str] = []
    seen: set[str] = set()
    current: str | None = None
    pending = False  # the current fact is declared and has not got its `from:` line yet

    def close() -> None:
        nonlocal pending
        if pending and current is not None:
            while out and not out[-1].strip():  # before the blank lines that end the block
                out.pop()
                trailing.append("")
            out.extend(_declared_lines(current))
            out.extend(trailing)
            trailing.clear()
        pending = False

    trailing: list[str] = []
    for number, line in enumerate(lines, 1):
        match = _FACT.match(line)
        if match or (line and not line.startswith((" ", "#"))):
            close()
            current = match.group(1) if match else None
            if current in READS:
                seen.add(current)
                pending = True
            out.append(line)
            continue
        if _FROM.match(line):
            if current not in READS:
                raise RuleDataError(
                    _SHOWN,
                    f"{current}.from",
                    f"line {number}: a `from:` list is generated "
                    "from checker/facts/derived.py READS; this fact is not declared there",
                )
            out.extend(_declared_lines(current))
            pending = False
            continue
        if _ASKS.match(line):  # written with the `from:` line, from ASKS
            continue
        out.append(line)
    close()
    undeclared = [name for name in READS if name not in seen]
    if undeclared:
        raise RuleDataError(
            _SHOWN,
            undeclared[0],
            "a derived fact of checker/facts/derived.py READS is not listed (give its labels and unit)",
        )
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    from checker.resources import rules_dir

    args = sys.argv[1:] if argv is None else argv
    path = Path(rules_dir()) / "facts.yaml"
    text = path.read_text(encoding="utf-8")
    wanted = generated(text)
    if "--check" in args:
        if wanted != text:
            print(
                f"{path}: the `from:` lists are not those of checker/facts/derived.py READS; "
                "run python -m checker.facts.sources",
                file=sys.stderr,
            )
            return 1
        return 0
    if wanted != text:
        path.write_text(wanted, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
