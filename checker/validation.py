"""Turning pydantic's validation errors into messages that name the file, key path and line.

A clerk reading `projects/a.yaml:14: energy.electricity_kwh: must be >= 0, got -5` knows what to
fix; pydantic's own wording ("Input should be greater than or equal to 0") does not say where.
"""

from __future__ import annotations

from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from checker.errors import InputError, Problem
from checker.source import SourceDocument, format_key_path
from checker.vocabulary import suggest

M = TypeVar("M", bound=BaseModel)


def _shown(value: Any) -> str:
    if isinstance(value, str):
        return repr(value)
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


def message_for(error: dict[str, Any], model: type[BaseModel]) -> str:
    kind = error["type"]
    ctx = error.get("ctx", {})
    got = error.get("input")
    if kind == "extra_forbidden":
        hint = suggest(str(error["loc"][-1]), _allowed_keys(model, error["loc"]))
        return "unknown key" + (f" (did you mean {hint}?)" if hint else "") + " in format 1"
    if kind == "missing":
        return "required key is missing"
    if kind == "greater_than_equal":
        return f"must be >= {_shown(ctx.get('ge'))}, got {_shown(got)}"
    if kind == "less_than_equal":
        return f"must be <= {_shown(ctx.get('le'))}, got {_shown(got)}"
    if kind == "finite_number":
        return f"must be a finite number, got {_shown(got)}"
    if kind in ("float_type", "int_type", "float_parsing", "int_parsing"):
        return f"must be a number, got {_shown(got)}"
    if kind == "int_from_float":
        return f"must be a whole number, got {_shown(got)}"
    if kind in ("string_type",):
        return f"must be text, got {_shown(got)}"
    if kind == "bool_type":
        return f"must be true or false, got {_shown(got)}"
    if kind in ("list_type",):
        return f"must be a list, got {_shown(got)}"
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        return f"must be a mapping of keys, got {_shown(got)}"
    if kind == "literal_error":
        expected = ctx.get("expected", "")
        hint = suggest(str(got), [e.strip(" '") for e in str(expected).split(",")])
        extra = f" (did you mean {hint}?)" if hint and hint != str(got) else ""
        return f"must be one of {expected}, got {_shown(got)}{extra}"
    if kind == "string_pattern_mismatch":
        return f"does not have the expected form ({ctx.get('pattern')}), got {_shown(got)}"
    if kind == "string_too_short":
        return "must not be empty"
    if kind in ("date_type", "date_parsing", "date_from_datetime_parsing"):
        return f"must be a date YYYY-MM-DD, got {_shown(got)}"
    if kind == "value_error":
        return str(ctx.get("error", error["msg"]))
    return f"{error['msg']}, got {_shown(got)}"


def validate_document(doc: SourceDocument, model: type[M], root: tuple[str, ...] = ()) -> M:
    """Validate `doc.data` against `model`; on failure raise InputError with one problem per error."""
    if not isinstance(doc.data, dict):
        raise InputError.single(
            doc.path, "", 1, f"the top level must be a mapping of keys, got {_shown(doc.data)}"
        )
    try:
        return model.model_validate(doc.data)
    except ValidationError as exc:
        problems = []
        for error in exc.errors():
            loc = tuple(p for p in error["loc"] if not _is_union_tag(p))
            key_path = (*root, *loc)
            problems.append(
                Problem(
                    doc.path, format_key_path(key_path), doc.line_of(key_path),
                    message_for(error, model),
                )
            )
        problems.sort(key=lambda p: (p.line or 0, p.key_path))
        raise InputError(problems) from None


def _is_union_tag(part: Any) -> bool:
    """pydantic adds the union member's name (`float`, `function-after[...]`) to the location."""
    return isinstance(part, str) and (
        part in ("float", "int", "str", "bool", "date", "constrained-float")
        or part.startswith(("function-", "literal[", "list[", "nullable["))
    )
