"""Commands about the rules and the format, not about one project: explain, schema, init.

They live apart from `checker/cli/app.py` so that the check path stays small; `cli.py` registers them
on the `checker` group. Errors go through the same guard, so exit codes mean the same everywhere.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import click

from checker.cli import i18n
from checker.cli.edge import OneLineErrors, make_checker_from_options, rules_option, run_guarded, with_common
from checker.resources import templates_dir

SCHEMA_FILE = "project.schema.json"  # what the init template's first line points at
INIT_TEMPLATE = "project.init.zh.yaml"


def project_schema(lang: str = "zh") -> dict[str, Any]:
    """The JSON Schema of project.yaml, from the pydantic models (the models are the contract),
    with titles, descriptions, units and examples in `lang` (`checker.project.schema`)."""
    from checker.project.schema import project_schema as annotated
    from checker.rules.ruleset import load_ruleset

    return annotated(load_ruleset(), lang)


def _schema_text(lang: str = "zh") -> str:
    return json.dumps(project_schema(lang), ensure_ascii=False, indent=2) + "\n"


def _create(path: Path, text: str) -> None:
    """Write a new file; UsageError if anything is at `path` (a file, a link, a FIFO, a device)."""
    from checker.reports.output import create_new

    create_new(path, text)


@click.command("explain", cls=OneLineErrors, context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("rule")
@with_common
def explain(rule: str, as_of: dt.date | None, params_file: str | None, lang: str | None, debug: bool) -> None:
    """Show a rule's documentation: what it checks, why, examples, parameters, references.

    \b
    Examples:
      checker explain HE-001
      checker explain ec-001 --lang en --as-of 2022-06-01
      checker explain WA-002 --params policy.yaml   (values from a policy file)
    """

    def action() -> int:
        from checker.reports.explain import explain as explain_rule

        checker = make_checker_from_options(as_of, params_file)
        click.echo(explain_rule(rule, checker.ruleset, checker.params, lang or i18n.report_default()), nl=False)
        return 0

    run_guarded(action, debug)


@click.command("schema", cls=OneLineErrors, context_settings={"help_option_names": ["-h", "--help"]})
@rules_option
@click.option(
    "--lang",
    type=click.Choice(["zh", "en"]),
    default=None,
    help="Language of the titles and descriptions. Default: Chinese, or English in an English locale.",
)
def schema(lang: str | None) -> None:
    """Print the JSON Schema of project.yaml (for editors and other tools).

    Every key has a title and a description with its unit, the meaning of each allowed value
    and examples; `checker init` writes the same file beside a new project.yaml.

    \b
    Examples:
      checker schema > project.schema.json
      checker schema --lang en > project.schema.json
      checker schema --rules my-pack/   (a pack inherits the shipped vocabulary: the same schema)
    """

    def action() -> int:
        from checker.rules.ruleset import active_ruleset

        active_ruleset()  # a broken --rules pack is refused here as everywhere
        click.echo(_schema_text(lang or i18n.report_default()), nl=False)
        return 0

    run_guarded(action, debug=False)


@click.command("init", cls=OneLineErrors, context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("path", default="project.yaml", type=click.Path(dir_okay=False))
def init(path: str) -> None:
    """Write an annotated project.yaml template (in Chinese) to PATH; never overwrites.

    Also writes project.schema.json beside it, unless one exists, for editors that read the
    template's first line (`# yaml-language-server: $schema=project.schema.json`).

    \b
    Examples:
      checker init
      checker init applications/2026-0001.yaml
    """

    def action() -> int:
        target = Path(path)
        template = (templates_dir() / INIT_TEMPLATE).read_text(encoding="utf-8")
        _create(target, template)
        click.echo(i18n.t("wrote {path}", path=target), err=True)
        schema_path = target.parent / SCHEMA_FILE
        if not schema_path.exists():
            _create(schema_path, _schema_text())
            click.echo(i18n.t("wrote {path}", path=schema_path), err=True)
        return 0

    run_guarded(action, debug=False)
