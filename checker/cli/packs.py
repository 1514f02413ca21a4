"""`checker test [DIR]` and `checker pack init DIR`: a rule pack's cases, and a pack to start from.

`checker test` runs every case of every rule of a pack (the shipped pack by default) with the
pack's own parameters, as `opa test` and `conftest verify` run a policy folder's tests: one line
per failing case naming the rule and the case, then a count. Exit 0 when every case passes, 1 when
one fails, 2 when the pack itself is broken (as `check` would refuse it).
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import click

from checker.cli import i18n
from checker.cli.edge import OneLineErrors, TranslatedGroup, engine_option, run_guarded
from checker.vocabulary import ExitCode

EXIT_FAILED = ExitCode.DIFFERS  # a case gave another result than it expects


@click.command("test", cls=OneLineErrors, context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("directory", required=False, type=click.Path(), metavar="[DIR]")
@engine_option
@click.option("--debug", is_flag=True, help="Show a traceback on internal errors.")
def test_command(directory: str | None, debug: bool) -> None:
    """Run every case of every rule of a rule pack (default: the shipped pack nm-14th-fyp).

    Each case is a file in a rule's cases/ folder: a base project, the keys it changes, the
    status the rule must give and, optionally, words its message must contain.

    \b
    Examples:
      checker test
      checker test examples/packs/ordos-local

    \b
    Exit codes: 0 every case passes, 1 a case fails (one line each, naming the
    rule and the case), 2 the pack is broken (file, key path and line).
    """

    def action() -> int:
        from checker.audit.cases import run_cases
        from checker.check import Checker
        from checker.rules import packs
        from checker.rules.parameters import resolve
        from checker.rules.ruleset import active_ruleset

        packs.select(directory)
        ruleset = active_ruleset()

        def checker_on(as_of: dt.date) -> Checker:
            return Checker(ruleset, resolve(as_of, None, ruleset.definitions))

        passed = failed = 0
        for outcome in run_cases(ruleset, checker_on):
            if outcome.problem is None:
                passed += 1
                continue
            failed += 1
            click.echo(
                i18n.t(
                    "FAIL {rule} {case}: {problem}  ({path})",
                    rule=outcome.case.rule,
                    case=outcome.case.name,
                    problem=outcome.problem,
                    path=outcome.case.path,
                )
            )
        rules = len(ruleset.rules)
        click.echo(
            i18n.t(
                "{name} {version}: {passed} passed, {failed} failed ({cases} cases of {rules} rules)",
                name=ruleset.name,
                version=ruleset.version,
                passed=passed,
                failed=failed,
                cases=passed + failed,
                rules=rules,
            )
        )
        return EXIT_FAILED if failed else 0

    run_guarded(action, debug)


@click.group("pack", cls=TranslatedGroup, context_settings={"help_option_names": ["-h", "--help"]})
def pack_group() -> None:
    """Rule packs: a review authority's own rules, parameters and cases."""


@pack_group.command("init", cls=OneLineErrors, context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("directory", type=click.Path(file_okay=False))
def pack_init(directory: str) -> None:
    """Create a rule pack in DIR that extends the shipped pack, with one example rule.

    The files are commented in Chinese; `docs/rule-packs.md` explains them. DIR must not exist
    or be empty. Then: `checker test DIR` and `check project.yaml --rules DIR`.

    \b
    Example:
      checker pack init 鄂尔多斯-审查规则
    """

    def action() -> int:
        from checker.errors import UsageError
        from checker.resources import templates_dir

        target = Path(directory)
        if target.exists() and (not target.is_dir() or any(target.iterdir())):
            raise UsageError(
                i18n.t("{path}: already exists and is not an empty folder; choose a new one", path=directory)
            )
        skeleton = templates_dir() / "pack"
        written = []
        for source in sorted(p for p in skeleton.rglob("*") if p.is_file()):
            relative = source.relative_to(skeleton)
            path = target / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            with open(path, "xb") as fh:  # never over an existing file
                fh.write(source.read_bytes())
            written.append(relative.as_posix())
        click.echo(i18n.t("created the rule pack {path} ({count} files):", path=directory + os.sep, count=len(written)))
        for name in written:
            click.echo(f"  {name}")
        click.echo(i18n.t("next: checker test {path}", path=directory))
        return 0

    run_guarded(action, debug=False)


pack_init.help_key = "pack init"  # type: ignore[attr-defined]  # click types Group.command(cls=…) as click.Command; not `checker init`'s help
