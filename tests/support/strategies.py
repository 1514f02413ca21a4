"""Hypothesis strategies for format 1 projects, derived from the pydantic models themselves.

Walking the models (rather than listing keys by hand) means a field added to `checker/project/model.py`
is generated, and therefore tested, without anyone touching this file. Values stay within each
field's declared constraints, so every generated project is valid; the word lists (盟市 and their
aliases, product keys, rule ids) come from the shipped data.
"""

from __future__ import annotations

import datetime as dt
import re
import types
import unicodedata
from typing import Annotated, Any, Literal, Union, get_args, get_origin

import yaml
from hypothesis import strategies as st
from pydantic import BaseModel
from pydantic.fields import FieldInfo

from checker.input.source import YAML12_FLOAT, parse_document
from checker.project import model, vocabulary
from checker.rules.ruleset import load_ruleset
from tests.support import REPO
from tests.support.casebook import deep_merge

BASE_FILES = sorted((REPO / "projects").glob("*.yaml")) + sorted((REPO / "rules" / "bases").glob("*.yaml"))
# read as the checker reads them (`1.2e9` is a number to it, a string to yaml.safe_load)
BASES = [parse_document(p.read_bytes(), str(p)).data for p in BASE_FILES]

# what a text value may hold: no controls, surrogates, line or paragraph separators, bidi
# overrides or non-characters (the reader refuses them, docs/project-format.md)
TEXT = st.text(
    st.characters(
        blacklist_categories=("Cc", "Cs", "Zl", "Zp"),
        blacklist_characters="\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\ufffe\uffff",
    ),
    min_size=1,
    max_size=24,
).filter(lambda s: s.strip() != "")
# what an id or reference may hold besides: no invisible formatting characters (Unicode Cf), which
# would silently miss a register entry or a document (model._no_invisible refuses them)
REFERENCE_TEXT = TEXT.filter(lambda s: not any(unicodedata.category(c) == "Cf" for c in s))
# quantities span the magnitudes real files carry (0, 0.5 t, 4.2e8 kWh) and some they should not
QUANTITY = st.one_of(
    st.integers(0, 10**12),
    st.floats(0, 1e13, allow_nan=False, allow_infinity=False),
    st.sampled_from([0, 1, 0.001, 1e-9, 1e12]),
)


def _constraints(meta: list[Any]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for item in meta:
        if isinstance(item, FieldInfo):
            found.update(_constraints(list(item.metadata)))
            continue
        for name in ("ge", "gt", "le", "pattern", "min_length"):
            value = getattr(item, name, None)
            if value is not None:
                found[name] = value
        func = getattr(item, "func", None)
        if func is model._league_city:
            found["league_city"] = True
        if func is model._product_key:
            found["product"] = True
        if func is model._industry_code:  # the field's pattern is the form; this, the section's divisions
            found["pattern"] = model.industry_code_pattern()
        if func is model._no_invisible:
            found["reference"] = True
    return found


def for_type(annotation: Any, meta: list[Any] | None = None) -> st.SearchStrategy[Any]:
    """A strategy for valid values of `annotation` (a field's type with its pydantic metadata)."""
    meta = list(meta or [])
    origin = get_origin(annotation)
    if origin is Annotated:
        base, *extra = get_args(annotation)
        return for_type(base, meta + extra)
    if origin in (Union, types.UnionType):
        options = [a for a in get_args(annotation) if a is not type(None)]
        return st.one_of(*[for_type(a, meta) for a in options])
    if origin is Literal:
        return st.sampled_from(get_args(annotation))
    if origin is list:
        return st.lists(for_type(get_args(annotation)[0]), max_size=3)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return model_dict(annotation)
    rules = _constraints(meta)
    if rules.get("league_city"):
        aliases = sorted({k for k in vocabulary._league_aliases()} | {"Ordos", "Hohhot"})
        return st.sampled_from([*vocabulary.league_cities(), *aliases])
    if rules.get("product"):
        return st.sampled_from(sorted(vocabulary.products()))
    if annotation is bool:
        return st.booleans()
    if annotation is dt.date:
        return st.dates(dt.date(2000, 1, 1), dt.date(2040, 12, 31))
    if annotation is int:
        return st.integers(rules.get("ge", 0), rules.get("le", 10**9))
    if annotation is float:
        if "gt" in rules:  # above a bound (a product's energy per unit is above 0)
            return st.one_of(
                st.floats(rules["gt"], 1e6, exclude_min=True, allow_nan=False), st.sampled_from([1e-9, 805])
            )
        low, high = rules.get("ge", 0), rules.get("le")
        if high is not None:
            return st.floats(low, high, allow_nan=False)
        if low > 0:
            return st.floats(low, 1e6, allow_nan=False)
        return QUANTITY
    if annotation is str:
        if "pattern" in rules:
            return st.from_regex(rules["pattern"], fullmatch=True)
        return REFERENCE_TEXT if rules.get("reference") else TEXT
    raise TypeError(f"no strategy for {annotation!r}")  # a new kind of field: extend me


def model_dict(cls: type[BaseModel]) -> st.SearchStrategy[dict[str, Any]]:
    """Dicts of valid YAML values for `cls`: required keys always, each optional key or not."""
    required: dict[str, st.SearchStrategy[Any]] = {}
    optional: dict[str, st.SearchStrategy[Any]] = {}
    for name, info in cls.model_fields.items():
        key = info.alias or name
        strategy = for_type(info.annotation, list(info.metadata))
        (required if info.is_required() else optional)[key] = strategy
    if cls is model.Waiver:
        required["rule"] = st.sampled_from([r.id for r in load_ruleset().rules])
    return st.fixed_dictionaries(required, optional=optional)


def _one_waiver_per_rule(data: dict[str, Any]) -> dict[str, Any]:
    seen: set[str] = set()
    waivers = []
    for waiver in data.get("waivers", []):
        if waiver["rule"] not in seen:
            seen.add(waiver["rule"])
            waivers.append(waiver)
    if "waivers" in data:
        data["waivers"] = waivers
    return data


def consistent_feedstock(data: dict[str, Any]) -> dict[str, Any]:
    """`data` with its feedstock made consistent, as a valid project's must be: never electricity
    or heat, and no carrier's feedstock above that carrier's consumption (Project.contradictions)."""
    energy = data.get("energy")
    feedstock = energy.get("feedstock") if isinstance(energy, dict) else None
    if not isinstance(feedstock, dict):
        return data
    for carrier in list(feedstock):
        consumed = energy.get(carrier)
        if carrier in ("electricity_kwh", "heat_gj") or consumed is None:
            del feedstock[carrier]
        elif feedstock[carrier] > consumed:
            feedstock[carrier] = consumed
    return data


def consistent_coal_and_capacity(data: dict[str, Any]) -> dict[str, Any]:
    """`data` without the other contradictions Project.contradictions refuses: declared fuel coal
    beside coal carriers that burn a different amount, coal boilers or units beside no coal burnt,
    a new or expanded plant declared as adding no capacity; and without value added beyond what
    the output value allows (the Checker refuses it)."""
    coal, energy = data.get("coal"), data.get("energy")
    if isinstance(coal, dict) and isinstance(energy, dict) and "fuel_coal_t" in coal:
        carriers = [c for c in ("raw_coal_t", "washed_coal_t") if energy.get(c) is not None]
        if carriers:
            feedstock = energy.get("feedstock") if isinstance(energy.get("feedstock"), dict) else {}
            coal["fuel_coal_t"] = sum(energy[c] - (feedstock.get(c) or 0) for c in carriers)
    burners = isinstance(coal, dict) and bool(coal.get("boilers"))
    units = data.get("coal_power")
    burners = burners or (isinstance(units, dict) and any(u > 0 for u in units.get("units_mw") or []))
    if burners and isinstance(coal, dict) and coal.get("fuel_coal_t") == 0:  # burners burn coal: never a stated 0
        del coal["fuel_coal_t"]
    if burners and isinstance(energy, dict):
        carriers = [c for c in ("raw_coal_t", "washed_coal_t") if energy.get(c) is not None]
        feedstock = energy.get("feedstock") if isinstance(energy.get("feedstock"), dict) else {}
        burnt = sum(energy[c] - (feedstock.get(c) or 0) for c in carriers)
        if not (isinstance(coal, dict) and "fuel_coal_t" in coal) and carriers and burnt <= 0:
            for carrier in carriers:
                energy.pop(carrier)
                feedstock.pop(carrier, None)
    output = data.get("output")
    if isinstance(output, dict):  # value added at most output value × 1.13 (Checker refuses more)
        value, added = output.get("annual_output_value_10k_yuan"), output.get("annual_value_added_10k_yuan")
        if value is not None and added is not None and added > value * 1.13:
            output["annual_output_value_10k_yuan"] = added
    info = data.get("project")
    if (
        isinstance(info, dict)
        and info.get("adds_capacity") is False
        and info.get("construction_type") in ("new", "expansion")
    ):
        del info["adds_capacity"]
    return data


def consistent_water_and_documents(data: dict[str, Any]) -> dict[str, Any]:
    """`data` without groundwater above the fresh water it is part of, and with its permit and
    evidence named as documents, never by a text that says there is none (Project.contradictions,
    model._a_document)."""
    water = data.get("water")
    if isinstance(water, dict):
        ground, fresh = water.get("groundwater_m3"), water.get("fresh_water_m3")
        if ground is not None and fresh is not None and ground > fresh:
            water["groundwater_m3"] = fresh
    for section, key in (("water", "water_permit"), ("coal_power", "exemption_evidence")):
        holder = data.get(section)
        if isinstance(holder, dict) and isinstance(holder.get(key), str):
            try:
                model._a_document(holder[key])
            except ValueError:  # a text saying there is none (yet): a document's number instead
                holder[key] = "内水许字〔2025〕第1号"
    return data


def consistent_products(data: dict[str, Any]) -> dict[str, Any]:
    """`data` with each product line's capacity in a unit of its product, the raw coal lines'
    capacity equal to the mine's design capacity, which the rules read, and a mine raising raw coal
    declaring coal or no mineral, and a renewable plant of the technology its code names, sited in
    a border area only in a 盟市 on the border (Project.contradictions); and no energy per unit of
    0 (the model refuses it: no product is made without energy)."""
    info = data.get("project")
    plant = data.get("renewable_plant")
    for line in info.get("products") or [] if isinstance(info, dict) else []:
        if isinstance(line, dict) and line.get("unit_energy_kgce") == 0:
            del line["unit_energy_kgce"]
    code = info.get("industry_code") if isinstance(info, dict) else None
    named = {"D4415": "wind", "D4416": "pv"}.get(code) if isinstance(code, str) else None
    if named and isinstance(plant, dict) and plant.get("technology") is not None:
        plant["technology"] = named
    city = info.get("league_city") if isinstance(info, dict) else None
    if isinstance(plant, dict) and plant.get("site_type") == "border_area" and isinstance(city, str):
        official = vocabulary.normalise_league_city(city)
        if official is not None and official not in vocabulary.border_league_cities():
            plant["site_type"] = "other"  # a border-area site lies in a 盟市 on the border
    lines = info.get("products") if isinstance(info, dict) else None
    if not isinstance(lines, list):
        return data
    for line in lines:
        product = line.get("product") if isinstance(line, dict) else None
        usual = vocabulary.products()[product].unit if product in vocabulary.products() else ""
        if usual and isinstance(line.get("unit"), str) and vocabulary.capacity_factor(product, line["unit"]) is None:
            line["unit"] = usual
    mine = data.get("mine")
    raises_coal = any(isinstance(line, dict) and line.get("product") == "raw_coal" for line in lines)
    if isinstance(mine, dict) and raises_coal and mine.get("mineral") in ("other", "rare_earth"):
        mine["mineral"] = "coal"
    coal = [
        line
        for line in lines
        if isinstance(line, dict) and line.get("product") == "raw_coal" and line.get("capacity") is not None
    ]
    if isinstance(mine, dict) and mine.get("capacity_mt_per_year") is not None and coal:
        factors = [vocabulary.capacity_factor("raw_coal", line.get("unit")) or 1.0 for line in coal]
        total = sum(line["capacity"] * f for line, f in zip(coal, factors, strict=True))
        wanted = mine["capacity_mt_per_year"]
        for index, (line, factor) in enumerate(zip(coal, factors, strict=True)):
            if total > 0:
                line["capacity"] = line["capacity"] * wanted / total
            else:  # all zero: the first line holds it
                line["capacity"] = wanted / factor if index == 0 else 0
    return data


@st.composite
def projects(draw: st.DrawFn) -> dict[str, Any]:
    """A valid project: one of the shipped bases with some sections and keys drawn at random,
    or a project drawn entirely from the models."""
    patch = draw(model_dict(model.Project))
    data = deep_merge(draw(st.sampled_from(BASES)), patch) if draw(st.booleans()) else patch
    return consistent_products(
        consistent_water_and_documents(consistent_coal_and_capacity(consistent_feedstock(_one_waiver_per_rule(data))))
    )


class _Dumper(yaml.SafeDumper):
    """Quotes what our loader would read as a number: `1E5` is a float to it (YAML 1.2), a string
    to PyYAML's own YAML 1.1 resolver, which would write the string `0E0` unquoted."""


_Dumper.add_implicit_resolver("tag:yaml.org,2002:float", YAML12_FLOAT, list("-+0123456789"))
_Dumper.add_implicit_resolver("tag:yaml.org,2002:int", re.compile(r"^0o[0-7]+$"), ["0"])  # 1.2 octal


def dump(data: dict[str, Any]) -> bytes:
    return yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False).encode("utf-8")


# ---------------------------------------------------------------- figures near the limits


def _limit_values() -> list[float]:
    """Every number a shipped parameter holds on the property tests' dates (limits, thresholds,
    benchmark levels), and 1: where a message's figure and its limit can print alike."""
    from checker.rules.parameters import resolve

    found = {1.0}
    for as_of in (dt.date(2022, 6, 1), dt.date(2026, 1, 1)):
        for param in resolve(as_of).values.values():
            entries = param.value.values() if isinstance(param.value, dict) else [param.value]
            found |= {float(v) for v in entries if isinstance(v, int | float) and not isinstance(v, bool)}
    return sorted(v for v in found if v > 0)


_NUDGES = [0, 1e-4, -1e-4, 4e-4, -4e-4, 1e-6, -1e-6, 1e-9, 1e-13, -1e-13]


@st.composite
def near_limit(draw: st.DrawFn) -> float:
    """A value at a limit, a limit scaled by 10 000 (a figure divided by value added), or either
    nudged by a relative or absolute hair."""
    value = draw(st.sampled_from(_limit_values())) * draw(st.sampled_from([1, 10**4, 10**-4]))
    if draw(st.booleans()):
        return value * (1 + draw(st.sampled_from(_NUDGES)))
    return max(0.0, value + draw(st.sampled_from([0.004, -0.004, 0.4, -0.4, 1e-3, -1e-3])))


def _number_paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found: list[tuple[Any, ...]] = []
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else []
    for key, child in items:
        path = (*prefix, key)
        if isinstance(child, int | float) and not isinstance(child, bool):
            if path not in (("format",), ("project", "commissioning_year")):
                found.append(path)
        else:
            found += _number_paths(child, path)
    return found


@st.composite
def near_limit_projects(draw: st.DrawFn) -> dict[str, Any]:
    """A shipped base whose numbers are partly replaced by values at or near the limits they are
    compared with; value added is often 1 or 10 000, so intensities land near their caps too.
    A value outside a field's range (a share above 1) makes the project invalid: callers skip it."""
    import copy

    data = copy.deepcopy(draw(st.sampled_from(BASES)))
    if draw(st.booleans()):
        data.setdefault("output", {})["annual_value_added_10k_yuan"] = draw(st.sampled_from([1, 10**4]))
    paths = _number_paths(data)
    for _ in range(draw(st.integers(1, 4))):
        path = draw(st.sampled_from(paths))
        parent = data
        for key in path[:-1]:
            parent = parent[key]
        parent[path[-1]] = draw(near_limit())
    return data
