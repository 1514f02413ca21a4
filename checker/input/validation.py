"""Turning pydantic's validation errors into messages that name the file, key path and line.

A clerk reading `projects/a.yaml:14: energy.electricity_kwh: must be >= 0, got -5` knows what to
fix; pydantic's own wording ("Input should be greater than or equal to 0") does not say where.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from checker.errors import InputError, Problem
from checker.input.hints import PATTERN_NAMES, bool_hint, date_hint, number_hint, pattern_hint, suggest
from checker.input.source import SourceDocument, format_key_path

M = TypeVar("M", bound=BaseModel)


_SHOWN_MAX = 60  # a pasted paragraph where a number belongs need not be echoed whole


def too_large(number: int) -> str:
    """Why an integer no float holds (10**400 is an int to YAML) is no figure: every report and
    comparison reads figures as floats."""
    return f"must be a finite number, got a number of {len(str(abs(number)))} digits"


def as_written(value: Any) -> str:
    """A value as the user wrote it in YAML (`true`, not Python's `True`; a date, not
    `datetime.date(…)`), cut if very long."""
    if isinstance(value, str):
        text = value if len(value) <= _SHOWN_MAX else value[: _SHOWN_MAX - 1] + "…"
        return repr(text)
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "nothing (null)"
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _allowed_keys(model: type[BaseModel], loc: tuple[Any, ...]) -> list[str]:
    """The keys the model accepts at the mapping that holds `loc`, to suggest a correction."""
    current: Any = model
    for part in loc[:-1]:
        if isinstance(part, int):
            continue
        fields = getattr(current, "model_fields", None)
        if not fields or part not in fields:
            return []
        annotation = fields[part].annotation
        current = _model_in(annotation)
        if current is None:
            return []
    return list(getattr(current, "model_fields", {}))


def _model_in(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()) or ():
        found = _model_in(arg)
        if found is not None:
            return found
    return None


def _with_hint(message: str, hint: str) -> str:
    return f"{message} ({hint})" if hint else message


def _literal_choices(expected: str) -> list[str]:
    """pydantic's `'new', 'expansion' or 'relocation'` → the choices themselves."""
    return [
        quoted or bare for quoted, bare in re.findall(r"'([^']*)'|([^\s,']+)", expected) if (quoted or bare) != "or"
    ]


def message_for(error: ErrorDetails, model: type[BaseModel]) -> str:
    """One error of pydantic's, in words that say what was expected and, where possible, how to
    write it."""
    kind = error["type"]
    ctx = error.get("ctx", {})
    got = error.get("input")
    if kind == "extra_forbidden":
        hint = suggest(str(error["loc"][-1]), _allowed_keys(model, error["loc"]))
        return "unknown key" + (f" (did you mean {hint}?)" if hint else "") + " in format 1"
    if kind == "missing":
        return "required key is missing"
    if kind == "greater_than_equal":
        return f"must be >= {as_written(ctx.get('ge'))}, got {as_written(got)}"
    if kind == "greater_than":
        return f"must be > {as_written(ctx.get('gt'))}, got {as_written(got)}"
    if kind == "less_than_equal":
        return f"must be <= {as_written(ctx.get('le'))}, got {as_written(got)}"
    if kind == "finite_number":
        return f"must be a finite number, got {as_written(got)}"
    if kind == "float_type" and isinstance(got, int) and not isinstance(got, bool):
        return too_large(got)  # 10**400
    if kind in ("float_type", "float_parsing"):
        return _with_hint(f"must be a number, got {as_written(got)}", number_hint(got))
    if kind in ("int_type", "int_parsing", "int_from_float"):
        shown = repr(got) if isinstance(got, float) else as_written(got)  # 2026.0, not 2026
        return _with_hint(f"must be a whole number, got {shown}", number_hint(got))
    if kind in ("string_type",):
        hint = "put it in quotes" if isinstance(got, int | float | dt.date) else ""
        return _with_hint(f"must be text, got {as_written(got)}", hint)
    if kind == "bool_type":
        return _with_hint(f"must be true or false, got {as_written(got)}", bool_hint(got))
    if kind in ("list_type",):
        return f"must be a list, got {as_written(got)}"
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        return f"must be a mapping of keys, got {as_written(got)}"
    if kind == "literal_error":
        expected = str(ctx.get("expected", ""))
        choices = _literal_choices(expected)
        hint = suggest(str(got), choices) if isinstance(got, str) else None
        if isinstance(got, str) and got.strip().casefold() in {c.casefold() for c in choices}:
            hint = next(c for c in choices if c.casefold() == got.strip().casefold())
        extra = f" (did you mean {hint}?)" if hint and hint != str(got) else ""
        if isinstance(got, str) and got in choices:
            extra = " (write it without quotes)"
        wanted = f"one of {expected}" if len(choices) > 1 else expected
        return f"must be {wanted}, got {as_written(got)}{extra}"
    if kind == "string_pattern_mismatch":
        pattern = str(ctx.get("pattern"))
        wanted = PATTERN_NAMES.get(pattern, f"the form {pattern}")
        return _with_hint(f"must be {wanted}, got {as_written(got)}", pattern_hint(pattern, got))
    if kind == "string_too_short":
        return "must not be empty"
    if kind.startswith("date_"):
        return _with_hint(f"must be a date YYYY-MM-DD, got {as_written(got)}", date_hint(got))
    if kind == "value_error":
        return str(ctx.get("error", error["msg"]))
    return f"{error['msg']}, got {as_written(got)}"


def validate_document(doc: SourceDocument, model: type[M], root: tuple[str, ...] = ()) -> M:
    """Validate `doc.data` against `model`; on failure raise InputError, one problem per error."""
    if not isinstance(doc.data, dict):
        raise InputError.single(doc.path, "", 1, f"the top level must be a mapping of keys, got {as_written(doc.data)}")
    try:
        validated = model.model_validate(doc.data)
    except ValidationError as exc:
        problems = []
        for error in exc.errors():
            loc = tuple(p for p in error["loc"] if not _is_union_tag(p))
            key_path = (*root, *loc)
            problems.append(
                Problem(
                    doc.path,
                    format_key_path(key_path),
                    doc.line_of(key_path),
                    message_for(error, model),
                )
            )
        problems.sort(key=lambda p: (p.line or 0, p.key_path))
        raise InputError(problems) from None
    # figures each valid alone that contradict one another (feedstock above its carrier): the
    # model names them, as key paths, so that the clerk is told where, not handed a clamp
    contradictions = getattr(validated, "contradictions", None)
    if contradictions is not None:
        problems = [
            Problem(doc.path, format_key_path((*root, *loc)), doc.line_of((*root, *loc)), message)
            for loc, message in contradictions()
        ]
        if problems:
            problems.sort(key=lambda p: (p.line or 0, p.key_path))
            raise InputError(problems)
    return validated


def _is_union_tag(part: Any) -> bool:
    """pydantic adds the union member's name (`float`, `function-after[...]`) to the location."""
    return isinstance(part, str) and (
        part in ("float", "int", "str", "bool", "date", "constrained-float")
        or part.startswith(("function-", "literal[", "list[", "nullable["))
    )
