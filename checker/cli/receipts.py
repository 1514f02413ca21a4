"""What a run says it did when its result went somewhere other than the screen.

A report written with `--output` or a verdict appended with `--record` leaves the terminal silent,
and a reviewer cannot tell whether anything happened, or where. One line on stderr says it: the
file written and the verdict it carries; the ledger's entry numbers and its head hash (the hash a
later `checker verify` prints, to be kept elsewhere so that a truncated ledger shows).
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache

from checker.errors import printable

_LINES = {
    "written": {
        "zh": "已写入 {path}(审查结论:{verdict})",
        "en": "wrote {path} (verdict: {verdict})",
    },
    "recorded": {
        "zh": "已记入台账 {ledger}:第 {entries} 条,链头哈希 {head}",
        "en": "recorded in {ledger}: entry {entries}, head hash {head}",
    },
    "recorded_many": {
        "zh": "已记入台账 {ledger}:第 {entries} 条(共 {count} 条),链头哈希 {head}",
        "en": "recorded in {ledger}: entries {entries} ({count} in all), head hash {head}",
    },
    "recorded_none": {
        "zh": "未记入台账 {ledger}:没有可记录的审查结果",
        "en": "nothing recorded in {ledger}: no project was checked",
    },
}
_RANGE = {"zh": "{first}至{last}", "en": "{first}-{last}"}
_SEPARATOR = {"zh": "、", "en": ", "}


@cache
def _verdict_labels() -> dict[str, dict[str, str]]:
    import yaml

    from checker.resources import templates_dir

    with open(templates_dir() / "terms.yaml", encoding="utf-8") as fh:
        terms: dict[str, dict[str, dict[str, str]]] = yaml.load(
            fh, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        )
    return terms["verdict"]


def written(path: str, verdict: str, lang: str) -> str:
    """`--output`: the file written and the verdict of the report in it."""
    label = _verdict_labels().get(verdict, {}).get(lang, verdict)
    return _LINES["written"][lang].format(path=printable(path), verdict=label)


def ledger_name(target: str) -> str:
    """The ledger as the user named it, without a server password (a `postgresql://` URL may
    carry one; stderr ends up in CI logs)."""
    if "://" in target:
        from sqlalchemy.engine import make_url
        from sqlalchemy.exc import ArgumentError

        try:
            target = make_url(target).render_as_string(hide_password=True)
        except (ArgumentError, ValueError):
            target = target.split("://", 1)[0] + "://…"
    return printable(target)


def entry_ranges(seqs: Iterable[int], lang: str) -> str:
    """Entry numbers as runs: 3, 5-9 (a batch's entries are consecutive unless another process
    appended to the same ledger at the same time)."""
    numbers = sorted(set(seqs))
    runs: list[list[int]] = []
    for n in numbers:
        if runs and n == runs[-1][-1] + 1:
            runs[-1].append(n)
        else:
            runs.append([n])
    return _SEPARATOR[lang].join(
        str(run[0]) if len(run) == 1 else _RANGE[lang].format(first=run[0], last=run[-1]) for run in runs
    )


def recorded(target: str, seqs: list[int], head: str | None, lang: str) -> str:
    """`--record`: the ledger, the entry number(s) appended and the chain's head hash after them."""
    ledger = ledger_name(target)
    if not seqs or head is None:
        return _LINES["recorded_none"][lang].format(ledger=ledger)
    kind = "recorded" if len(seqs) == 1 else "recorded_many"
    return _LINES[kind][lang].format(ledger=ledger, entries=entry_ranges(seqs, lang), count=len(seqs), head=head)
