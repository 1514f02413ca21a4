"""The language the checker speaks outside its reports: help, usage and error lines.

Chinese by default (the desk is a Chinese review authority's); English with `--lang en`, or when
the locale names English. As POSIX has it, messages (help, usage, errors) follow `LC_ALL`, then
`LC_MESSAGES`, then `LANG`; the report, a document rather than a message, follows `LC_ALL`, then
`LANG`. An explicit `--lang` wins for both. Help can be asked for before `--lang` is parsed (`check --lang en --help`),
so the language is decided from the command line and the environment before click runs.

The English text in the code is the key of the catalogue (`checker/cli/i18n_zh.py`), as gettext's
message ids are; click's own words (`Usage:`, `Missing argument`...) are translated by replacing
the gettext functions its modules call.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping, Sequence

LANGS = ("zh", "en")
DEFAULT_LANG = "zh"
_MESSAGE_VARS = ("LC_ALL", "LC_MESSAGES", "LANG")  # POSIX: the first one set decides
_DOCUMENT_VARS = ("LC_ALL", "LANG")

_current = DEFAULT_LANG
_report_default = DEFAULT_LANG


def lang_from_env(environ: Mapping[str, str] | None = None, messages: bool = True) -> str:
    """`en` when the locale names English (`en_US.UTF-8`, `en`), else Chinese (`zh_CN`, `C`, unset);
    `messages=False` for the report's language, which `LC_MESSAGES` does not govern."""
    env = os.environ if environ is None else environ
    for var in _MESSAGE_VARS if messages else _DOCUMENT_VARS:
        value = env.get(var)
        if value:
            return "en" if value.lower().startswith("en") else "zh"
    return DEFAULT_LANG


def lang_from_argv(argv: Sequence[str], environ: Mapping[str, str] | None = None, messages: bool = True) -> str:
    """The language a command line asks for: its last valid `--lang`, else the environment's."""
    chosen: str | None = None
    args = list(argv)
    for index, arg in enumerate(args):
        if arg == "--":
            break
        value = None
        if arg == "--lang" and index + 1 < len(args):
            value = args[index + 1]
        elif arg.startswith("--lang="):
            value = arg.split("=", 1)[1]
        if value in LANGS:
            chosen = value
    return chosen or lang_from_env(environ, messages)


def decide(argv: Sequence[str], environ: Mapping[str, str] | None = None) -> None:
    """Set the language of messages and the report's default from a command line and the locale."""
    global _report_default
    set_lang(lang_from_argv(argv, environ))
    _report_default = lang_from_argv(argv, environ, messages=False)


def set_lang(lang: str) -> None:
    global _current
    _current = lang if lang in LANGS else DEFAULT_LANG


def current() -> str:
    """The language of messages (help, usage, errors) in this run."""
    return _current


def report_default() -> str:
    """The report's language when `--lang` is not given."""
    return _report_default


def t(text: str, lang: str | None = None, **values: object) -> str:
    """`text` (English, the catalogue key) in the current language, formatted with `values`."""
    chosen = lang or _current
    if chosen == "zh":
        from checker.cli.i18n_zh import MESSAGES

        text = MESSAGES.get(text, text)
    return text.format(**values) if values else text


def command_help(name: str, english: str | None, lang: str | None = None) -> str | None:
    """A command's help text (its docstring) in the current language."""
    if (lang or _current) != "zh" or english is None:
        return english
    from checker.cli.i18n_zh import COMMAND_HELP

    return COMMAND_HELP.get(name, english)


def problem(message: str, lang: str | None = None) -> str:
    """A problem line of the library (English, with file, key path and line) in the current
    language: the prose is translated by pattern, the names, paths and values are kept."""
    if (lang or _current) != "zh":
        return message
    from checker.cli.i18n_zh import PROBLEM_PATTERNS

    for pattern, replacement in _compiled(PROBLEM_PATTERNS):
        message = pattern.sub(replacement, message)
    return message


_COMPILED: list[tuple[re.Pattern[str], str]] | None = None


def _compiled(patterns: Sequence[tuple[str, str]]) -> list[tuple[re.Pattern[str], str]]:
    global _COMPILED
    if _COMPILED is None:
        _COMPILED = [(re.compile(p), r) for p, r in patterns]
    return _COMPILED


class _PathMessage(str):
    """A click message about a path (`{name} {filename!r} is a directory.`): click formats it with
    its type's name, `File`, `Directory` or `Path`, which each `click.Path` took from gettext when
    the options were declared, before the language was known; the name is translated here."""

    def format(self, *args: object, **kwargs: object) -> str:
        from checker.cli.i18n_zh import CLICK

        name = kwargs.get("name")
        if isinstance(name, str):
            kwargs["name"] = CLICK.get(name.lower(), name)
        return str.format(self, *args, **kwargs)


def _gettext(message: str) -> str:
    if _current != "zh":
        return message
    from checker.cli.i18n_zh import CLICK

    translated = CLICK.get(message, message)
    return _PathMessage(translated) if message.startswith("{name} {filename!r}") else translated


def _ngettext(singular: str, plural: str, n: int) -> str:
    if _current != "zh":
        return singular if n == 1 else plural
    from checker.cli.i18n_zh import CLICK

    return CLICK.get(singular if n == 1 else plural, singular if n == 1 else plural)


def install_click() -> None:
    """Let click's own words (usage, help headings, its errors) follow the chosen language.

    Each click module binds gettext's functions under the names `_` and `ngettext` and calls them
    at the time it writes a message; replacing those names puts the catalogue in their place."""
    import click.core
    import click.decorators
    import click.exceptions
    import click.formatting
    import click.parser
    import click.types

    for module in (click.core, click.decorators, click.exceptions, click.formatting, click.parser, click.types):
        if hasattr(module, "_"):
            setattr(module, "_", _gettext)  # noqa: B010 - the module's own name for gettext, replaced
        if hasattr(module, "ngettext"):
            setattr(module, "ngettext", _ngettext)  # noqa: B010
