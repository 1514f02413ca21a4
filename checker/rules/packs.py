"""Rule packs: a folder of rules, their messages and cases, its parameters, and what it inherits.

A pack is a folder with a `pack.yaml` (its name, version, the plan whose rules it holds, the plan
texts they quote) and one folder per rule, `<CAT>/<ID>/`, holding the rule (`rule.yaml`), its
messages (`message.zh.j2`, `message.en.j2`) and its cases (`cases/*.yaml`). The shipped `rules/`
folder is the pack `nm-14th-fyp`. A review authority writes its own pack without touching the
checker: `extends: nm-14th-fyp` (or a relative path to another pack) inherits that pack's rules,
parameters, facts and vocabulary; the extending pack may add rules, set parameter values as a
policy file does (`parameters:`), and set an inherited rule aside with a reason every report shows
(`disable:`). This module reads `pack.yaml`, follows `extends`, and lists each pack's files; the
rules themselves are loaded by `checker.rules.ruleset`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from checker.errors import InputError, RuleDataError
from checker.input.source import read_document
from checker.input.validation import validate_document
from checker.resources import rules_dir
from checker.rules.parameters import Localised
from checker.rules.plan_period import PlanFile

SHIPPED_PACK = "nm-14th-fyp"
RULE_FILE = "rule.yaml"
LANGUAGES = ("zh", "en")
RULE_ID = r"^(HE|EC|CO|RE|WA|LA|MI|CB)-[0-9]{3}$"
# files of a pack that make up its content (and its hash): data and messages; the plan texts under
# plan/ are quoted by the rules and checked by the tests, but do not change a verdict
_CONTENT_SUFFIXES = (".yaml", ".j2")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True, defer_build=True)


class Disable(_Strict):
    """An inherited rule the extending pack sets aside, and why (shown in every report)."""

    rule: Annotated[str, Field(pattern=RULE_ID)]
    reason: Localised


class PackFile(_Strict):
    """The contents of a pack's `pack.yaml`."""

    format: Literal[1]
    name: Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9._-]*$", max_length=100)]
    version: Annotated[str, Field(min_length=1)] | None = None  # else the file VERSION beside it
    description: Localised | None = None
    extends: Annotated[str, Field(min_length=1)] | None = None
    plan: PlanFile | None = None  # inherited when absent
    # the plan texts the rules quote, by the name a rule's `basis.document` gives
    documents: dict[Literal["outline", "briefing"], Annotated[str, Field(min_length=1)]] = Field(default_factory=dict)
    # parameter values, as a policy file sets them (a scalar for every date, or dated values)
    parameters: dict[str, Any] = Field(default_factory=dict)
    source: Annotated[str, Field(min_length=1)] | None = None  # where `parameters` come from
    disable: list[Disable] = Field(default_factory=list)


@dataclass(frozen=True)
class Pack:
    """One pack of a chain: its folder, how its paths are shown, and what its pack.yaml says."""

    root: Path
    shown: str  # the folder as messages name it: `rules` for the shipped pack, else as given
    spec: PackFile

    def show(self, path: Path) -> str:
        return f"{self.shown}/{path.relative_to(self.root).as_posix()}"

    @property
    def version(self) -> str:
        if self.spec.version is not None:
            return self.spec.version
        version_file = self.root / "VERSION"
        return version_file.read_text(encoding="utf-8").strip() if version_file.is_file() else "0"

    def rule_files(self) -> list[Path]:
        """Every `<CAT>/<ID>/rule.yaml`. A folder without one holds only `cases/`: more cases for
        an inherited rule (see `case_folders`); anything else in it is an error, not skipped."""
        found = []
        for folder in sorted(p for p in self.root.glob("[A-Z][A-Z]/*") if p.is_dir()):
            path = folder / RULE_FILE
            if path.is_file():
                found.append(path)
            elif [p.name for p in folder.iterdir()] != ["cases"]:
                raise RuleDataError(
                    self.show(folder), "", f"a rule folder needs a {RULE_FILE} (or only cases/ for an inherited rule)"
                )
        return found

    def case_folders(self) -> dict[str, Path]:
        """The `cases/` folders of the pack, by rule ID (its own rules' and inherited rules')."""
        return {
            folder.parent.name: folder for folder in sorted(self.root.glob("[A-Z][A-Z]/*/cases")) if folder.is_dir()
        }

    def content_files(self) -> Iterator[tuple[str, Path]]:
        """`(relative path, file)` of everything the pack's hash covers, in a stable order."""
        for path in sorted(self.root.rglob("*"), key=lambda p: p.relative_to(self.root).parts):
            relative = path.relative_to(self.root)
            if relative.parts[0] == "plan" or not path.is_file():
                continue
            if path.suffix in _CONTENT_SUFFIXES or relative.as_posix() == "VERSION":
                yield relative.as_posix(), path


def _problem_error(exc: InputError) -> RuleDataError:
    """The first problem of a pack file, as one line: file:line, key path, message."""
    first = exc.problems[0]
    where = f"{first.path}:{first.line}" if first.line else first.path
    return RuleDataError(where, first.key_path, first.message)


def read_pack(root: Path, shown: str) -> Pack:
    """The pack in `root`, its `pack.yaml` validated strictly."""
    path = root / "pack.yaml"
    if not root.is_dir():
        raise RuleDataError(shown, "", "no such pack folder")
    if not path.is_file():
        raise RuleDataError(f"{shown}/pack.yaml", "", "no such file: a pack folder needs a pack.yaml")
    try:
        doc = read_document(path)
        doc.path = f"{shown}/pack.yaml"
        spec = validate_document(doc, PackFile)
    except InputError as exc:
        for problem in exc.problems:
            problem.path = f"{shown}/pack.yaml"
        raise _problem_error(exc) from None
    return Pack(root=root, shown=shown, spec=spec)


def shipped_root() -> Path:
    return rules_dir()


def _shown_as(root: Path) -> str:
    return "rules" if root.resolve() == shipped_root().resolve() else str(root)


def pack_chain(root: Path | None = None, shown: str | None = None) -> tuple[Pack, ...]:
    """The pack in `root` (the shipped one by default) and every pack it extends, base first."""
    root = root or shipped_root()
    chain: list[Pack] = []
    seen: list[Path] = []
    current = read_pack(root, shown or _shown_as(root))
    while True:
        seen.append(current.root.resolve())
        chain.append(current)
        base = current.spec.extends
        if base is None:
            break
        if base == SHIPPED_PACK:
            target = shipped_root()
            target_shown = "rules"
        else:
            target = current.root / base
            target_shown = f"{current.shown}/{base}"
            if not (target / "pack.yaml").is_file():
                raise RuleDataError(
                    f"{current.shown}/pack.yaml",
                    "extends",
                    f"unknown pack {base!r}: give {SHIPPED_PACK} or the relative path of a pack folder",
                )
        if target.resolve() in seen:
            raise RuleDataError(f"{current.shown}/pack.yaml", "extends", f"{base!r} extends this pack again (a cycle)")
        current = read_pack(target, target_shown)
    return tuple(reversed(chain))


# The pack a command runs with, chosen by its `--rules DIR` option (None: the shipped pack). A
# process runs one command, so this is set once, before anything loads rules; batch workers are
# given it in their settings.
_selected: list[str | None] = [None]


def select(directory: str | None) -> None:
    _selected[0] = directory


def selected() -> str | None:
    return _selected[0]


def chain_sha256(files: Iterable[tuple[int, str, bytes]]) -> str:
    """The ruleset hash, its one definition: every content file of every pack of the chain, by its
    position, path and bytes, in the order of position, then path (folder by folder). A pack
    loaded from its folder (`ruleset_sha256`) and one extracted from a ledger snapshot hash alike,
    in whatever order they are given."""
    digest = hashlib.sha256()
    for index, relative, content in sorted(files, key=lambda file: (file[0], file[1].split("/"))):
        digest.update(f"{index}/{relative}".encode() + b"\0" + content + b"\0")
    return digest.hexdigest()


def ruleset_sha256(chain: tuple[Pack, ...]) -> str:
    """The hash of the rules a chain of packs makes (`chain_sha256` of their files)."""
    return chain_sha256(chain_files(chain))


def chain_files(chain: tuple[Pack, ...]) -> Iterator[tuple[int, str, bytes]]:
    for index, pack in enumerate(chain):
        for relative, path in pack.content_files():
            yield index, relative, path.read_bytes()
