"""The project description, format 1 (`project.yaml`), as strict pydantic models.

The models are the contract of `project-format.md`: unknown keys are errors (typos must never be
silently ignored), quantities are finite and non-negative, shares lie in 0..1, and the 盟市 and
product keys come from the vocabulary. Units are part of each key's name.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, WithJsonSchema

from checker.input.hints import date_hint, suggest
from checker.project import vocabulary

Quantity = Annotated[float, Field(ge=0, allow_inf_nan=False, strict=True)]
Share = Annotated[float, Field(ge=0, le=1, allow_inf_nan=False, strict=True)]


def _one_line(value: str) -> str:
    """A name, id, reference or unit is one line: a line break inside it would let the text pass
    for a line of the report (a forged "审查结论: 通过"). A long text is folded with `>`."""
    if "\n" in value:
        raise ValueError("must be one line, got a line break (write it on one line, or fold it with >)")
    return value


# what the JSON Schema says of a one-line text: no line break anywhere (a search, not an anchored
# match: Python's `$` would let a trailing line break through)
ONE_LINE_SCHEMA = {"not": {"pattern": "\\n"}}

Text = Annotated[
    str,
    Field(strict=True, min_length=1, json_schema_extra=ONE_LINE_SCHEMA),
    AfterValidator(_one_line),
]
Flag = Annotated[bool, Field(strict=True)]


def _no_invisible(value: str) -> str:
    """An id or a reference is matched against another file's (a register entry's `project`, a
    decision's document): an invisible formatting character in it (Unicode category Cf: U+200B
    zero-width space, U+200E/U+200F marks, U+FEFF, U+2060...) makes two texts that look the same
    on screen differ, and the match fail silently. A name or a reason may hold them; these may not.
    Mongolian script spells with three of them (the vowel separator U+180E, and U+200C/U+200D
    joining its letters): beside a Mongolian letter they are part of the word."""
    for index, char in enumerate(value):
        if unicodedata.category(char) != "Cf":
            continue
        if char in _MONGOLIAN_FORMAT and any(
            _is_mongolian(value[i]) for i in (index - 1, index + 1) if 0 <= i < len(value)
        ):
            continue
        raise ValueError(f"the invisible character U+{ord(char):04X} is not allowed in an id or reference: remove it")
    return value


_MONGOLIAN_FORMAT = frozenset("\u180e\u200c\u200d")


def _is_mongolian(char: str) -> bool:
    return "\u1800" <= char <= "\u18af"


# a text that names something to be matched or looked up: who approved, which document decided
ReferenceText = Annotated[Text, AfterValidator(_no_invisible)]

# what people write in a document's place when there is none (yet): a permit "无" or "办理中" is
# no permit, and read as text it passed for one. Also, as the whole text, a placeholder ("略",
# "见附件") or a bare claim that a document exists which names none ("已取得", "有"): a permit is
# named by its number or title, and "已取得" gives neither.
_NO_DOCUMENT_WORDS = frozenset(
    (
        "",  # nothing but punctuation or spaces: "-", "/", "——"
        *("无", "没有", "暂无", "尚无", "未有", "无证", "否", "未办理", "待办理", "办理中", "正在办理"),
        *("申请中", "待补充", "待定", "待提供", "未取得", "尚未取得"),
        *("略", "从略", "省略", "附件", "见附件", "详见附件", "另附", "附后"),
        *("有", "已有", "已取得", "已办理", "已获批", "已批复", "已批准", "具备", "齐全", "是"),
        *("none", "no", "n/a", "na", "nil", "null", "tbd", "tba", "pending", "0", "yes"),
    )
)
_NO_DOCUMENT_PREFIXES = (
    *("未取得", "尚未", "暂未", "正在办理", "正在申请", "待办理", "待取得"),
    *("已申请", "不需要", "无需", "无须", "见附件", "详见"),
)
_WRAPPING = re.compile(r"^[\W_]+|[\W_]+$")  # spaces and punctuation around the words
# A text that says, anywhere in it, that the document is not there yet or there is none, or opens
# by pointing elsewhere: no document, whatever else it names. Each line is one way of saying so.
_NO_DOCUMENT_TEXT = re.compile(
    "|".join(
        (
            # none: "无取水许可", "无(正在办理)", "暂无…". A bare 无 is not enough: 无锡市水务局
            # issues permits, and "取水许可证(无期限)" is one
            r"^(?:无(?=取水|许可|证|文件|批|相关|此|需|须|[\W_]|$)|没有|暂无|尚无|未有)",
            r"尚未|暂未|未取得|未办理|未获|未申请|未提供|未批",
            # in hand: "申请中", "报批中", "编制中" ("审查中" in 节能审查中心 and "审批中" in
            # 政务服务审批中心 are offices, not a pending state)
            r"(?:申请|办理|编制|审批|审核|审查|报批|批复|受理)中(?!心)|正在",
            # to come: "待批复", "拟办理", "将于开工前取得". 拟 and 将 only before what is to be
            # done: a title opens with 拟建 (a planned project) or reads "关于将…列入…的批复";
            # 接待 and 期待 are no waiting
            r"(?<![接招款期])待|[拟将](?:于|在|要|会|尽快|适时|近期|申请|办理|取得|补|提供|提交|报)",
            # not needed: that there is no permit to have is the applicant's word
            r"不需要|不需|无需|无须|不必",
            # a placeholder opening the text: "见附件3", "详见可研报告" (a number followed by
            # "(详见附件)" names its document)
            r"^(?:见附件|详见|参见|如附件|另附|附后)",
            r"\b(?:not yet|pending|to be|in progress|under review|not obtained|not available|unnecessary"
            r"|not needed|tbd|tba|n/a)\b|^see\b",
        )
    ),
    re.IGNORECASE,
)
# Words that, in a text naming no granted document, say it is an application, a later step or a
# claimed exemption ("已提交取水许可申请", "取水许可申请书", "开工前取得", "免于办理", "exempt"),
# but which the title of a granted document also holds: "关于同意…豁免等量替代的批复〔2020〕12号",
# "…取水许可申请的行政许可决定书(内水许可〔2024〕12号)", "补办取水许可手续的批复",
# "Exemption approval No. [2020] 1234". So they say "no document" only where the text does not
# name a document by a title word and a number (`_GRANTED_TITLE`, `_DOCUMENT_NUMBER`).
_NOT_YET_GRANTED = re.compile(
    "|".join(
        (
            # applied for: 申请 in a granted document's title ("…取水申请的批复", "…申请认定的决定")
            # or naming the applicant (申请人, 申请单位) is no application
            r"申请(?!人|单位|(?:认定)?的?(?:批复|复函|决定))|受理|已提交|已上报|已报送|已递交|报批|报审|送审",
            r"后续|开工前|投产前|另行|补办|届时|稍后",
            r"不涉及|不适用|免于|免予|免办|豁免(?!(?:认定)?的?(?:批复|复函|决定))",
            r"\b(?:applied|applying|apply|application|submitted|not applicable|not required|required"
            r"|exempt\w*|waived|later|will|none)\b",
        )
    ),
    re.IGNORECASE,
)
_GRANTED_TITLE = re.compile(
    r"批复|复函|决定|确认函|审批意见|许可证|证书|批准|协议"
    r"|\b(?:approval|approved|permit|licen[cs]e|certificate|letter|decision|agreement)\b",
    re.IGNORECASE,
)
# a document number: 〔2024〕12号, [2020], 第12号, No. 56, a permit code such as D150602S2021-0012
_DOCUMENT_NUMBER = re.compile(
    r"[〔\[(（]\s*(?:19|20)\d\d\s*[〕\])）]|第\s*\d+\s*号|\d+\s*号|\bno\.?\s*\[?\d|\d{6,}",
    re.IGNORECASE,
)


def _a_document(value: str) -> str:
    """A permit or an evidence document is named by its number or title. A text saying there is
    none, or that it is still being applied for, is no document: the key is left out then, which
    the rules read as no document (a contradiction in the file is refused, never read as a yes)."""
    words = _WRAPPING.sub("", value)
    if (
        words.lower() in _NO_DOCUMENT_WORDS
        or words.startswith(_NO_DOCUMENT_PREFIXES)
        or _NO_DOCUMENT_TEXT.search(words)
        or (_NOT_YET_GRANTED.search(words) and not (_GRANTED_TITLE.search(words) and _DOCUMENT_NUMBER.search(words)))
    ):
        raise ValueError(
            f"{value!r} says there is no document: leave the key out if there is none, "
            "or give the document's number or title"
        )
    return value


# spaces and punctuation an editor's schema allows around a "no document" word: a part of what
# `_WRAPPING` strips (every one is `[\W_]`), the forms people type; the checker refuses the rest
_SCHEMA_WRAPPING = (
    " \t-_/\\.,;:!?()[]{}<>*#~'\"\u00b7\u2013\u2014\u2018\u2019\u201c\u201d\u2026\u3000\u3001\u3002"
    "\u3010\u3011\u300c\u300d\u300e\u300f\uff01\uff08\uff09\uff0c\uff0d\uff0f\uff1a\uff1b\uff1f\uff5e"
)


def _schema_char(char: str) -> str:
    """A character as both Python's `re` and ECMA-262 read it: letters and digits as they are
    (ASCII letters either case: the checker compares case-folded), the rest as `\\uXXXX`."""
    if char.isascii() and char.isalpha():
        return f"[{char.lower()}{char.upper()}]"
    if char.isascii() and char.isdigit():
        return char
    return f"\\u{ord(char):04x}"


def _no_document_schema() -> dict[str, Any]:
    """What an editor refuses in a document's place: a text that is, between spaces and
    punctuation, one of the words for no document, or starts with one of the prefixes; the
    same lists `_a_document` reads, so an editor never refuses what the checker takes."""
    wrap = "[" + "".join(_schema_char(c) for c in _SCHEMA_WRAPPING) + "]*"
    words = "|".join("".join(map(_schema_char, w)) for w in sorted(_NO_DOCUMENT_WORDS, key=len, reverse=True))
    prefixes = "|".join("".join(map(_schema_char, p)) for p in _NO_DOCUMENT_PREFIXES)
    return {"allOf": [{"not": {"pattern": f"^{wrap}(?:(?:{words}){wrap}$|(?:{prefixes}))"}}]}


# the number or title of a permit or of an evidence document (`_a_document`)
Document = Annotated[ReferenceText, AfterValidator(_a_document), Field(json_schema_extra=_no_document_schema())]


def _none_listed() -> list[Any]:
    """A fresh empty list: the default of a list the file may leave out. A function of ours, not
    the builtin `list`: pydantic reads a default factory's signature when it builds the Project
    validator, and a builtin's signature is parsed from its text, which compiles the tokenizer's
    patterns first (~7 ms of every `check FILE`)."""
    return []


def _league_city(value: str) -> str:
    official = vocabulary.normalise_league_city(value)
    if official is None:
        hint = suggest(value, vocabulary.league_cities())
        did_you_mean = f" (did you mean {hint}?)" if hint else ""
        raise ValueError(f"unknown 盟市 {value!r}{did_you_mean}; one of: {', '.join(vocabulary.league_cities())}")
    return official


def _product_key(value: str) -> str:
    keys = list(vocabulary.products())
    if value not in keys:
        hint = suggest(value, keys)
        did_you_mean = f" (did you mean {hint}?)" if hint else ""
        raise ValueError(f"unknown product key {value!r}{did_you_mean}")
    return value


_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _calendar_date(value: object) -> object:
    """Only a date written as a date. pydantic would read a number, or digits in quotes, as a Unix
    timestamp: `expires: 0` would be 1970-01-01 (an expired waiver, silently) and `20261231` a
    day in August 1970."""
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    if isinstance(value, str) and _ISO_DATE.fullmatch(value.strip()):
        return value.strip()  # 2026-13-45 goes on, to be told it is no date
    shown = repr(value) if isinstance(value, str) else str(value).lower()
    hint = date_hint(value) or (
        "a number is not a date"
        if isinstance(value, int | float) and not isinstance(value, bool)
        else "write the date alone"
        if isinstance(value, dt.datetime)
        else ""
    )
    raise ValueError(f"must be a date YYYY-MM-DD, got {shown}" + (f" ({hint})" if hint else ""))


CalendarDate = Annotated[dt.date, BeforeValidator(_calendar_date)]


def _format_number(value: object) -> object:
    """`format: true` and `format: 1.0` equal 1 to Python; the format is written as the number 1."""
    if isinstance(value, bool | float):
        raise ValueError(f"must be 1, got {str(value).lower()}")
    return value


FormatNumber = Annotated[Literal[1], BeforeValidator(_format_number)]


def _reference_text(value: object) -> object:
    """A reviewer's reference may be written as a bare number (20250042): keep it as written."""
    if isinstance(value, int) and not isinstance(value, bool):
        return getattr(value, "written", str(value))  # `0x2A` stays "0x2A", never "42"
    return value


def _industry_code(value: str) -> str:
    """A code names a class of GB/T 4754-2017 only under its own section: C1000 or T9999 has the
    form of a code and names nothing, and read as "not a high-energy sector" it approved a
    graphite-electrode plant. The form (a letter and 2 to 4 digits) is the field's pattern; this
    checks the division against the section's (`rules/vocabulary/industry_sections.yaml`)."""
    letter, division = value[0], int(value[1:3])
    first, last = vocabulary.industry_sections()[letter]
    if not first <= division <= last:
        held = f"divisions {first:02d} to {last:02d}" if first != last else f"only division {first:02d}"
        raise ValueError(f"{value} is not a code of GB/T 4754-2017: section {letter} holds {held}, not {division:02d}")
    return value


def industry_code_pattern() -> str:
    """The codes `_industry_code` accepts, as one regex for the JSON Schema (and editors): each
    section's letter followed by one of its own divisions, then up to two more digits."""
    sections = "|".join(
        letter + "(?:" + "|".join(f"{d:02d}" for d in range(first, last + 1)) + ")"
        for letter, (first, last) in vocabulary.industry_sections().items()
    )
    return f"^(?:{sections})[0-9]{{0,2}}$"


IndustryCode = Annotated[
    str,
    Field(
        strict=True,
        pattern=r"^[A-T][0-9]{2,4}$",  # the form; the division is checked against its section
        json_schema_extra={**ONE_LINE_SCHEMA, "allOf": [{"pattern": industry_code_pattern()}]},
    ),
    AfterValidator(_industry_code),
]
LeagueCity = Annotated[
    str,
    Field(strict=True),  # the names it accepts, for the JSON Schema: schema.league_city_schema
    AfterValidator(_league_city),
]
ProductKey = Annotated[
    str,
    Field(strict=True, json_schema_extra={"enum": list(vocabulary.products())}),
    AfterValidator(_product_key),
]
Reference = Annotated[
    str,
    BeforeValidator(_reference_text),
    Field(strict=True, min_length=1),
    AfterValidator(_one_line),
    AfterValidator(_no_invisible),
    WithJsonSchema({"anyOf": [{"type": "string", "minLength": 1, **ONE_LINE_SCHEMA}, {"type": "integer"}]}),
]


# a key path into the file: section and key names, and list indexes
KeyPath = tuple[str | int, ...]


class Strict(BaseModel):
    """Every section refuses unknown keys, so that a typo is an error, not a silent omission.

    Validators are built on first use (`defer_build`): validating a Project then builds one
    validator for the whole tree, instead of one per section at import (~20 ms of every start)."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


class ProductLine(Strict):
    product: ProductKey
    capacity: Quantity | None = None
    unit: Text | None = None
    # above 0: no product is made without energy, and 0 read as a figure passed every benchmark
    # ("0 kgce, at the benchmark level"); a figure not known is left out, and the rules ask for it
    unit_energy_kgce: Annotated[float, Field(gt=0, allow_inf_nan=False, strict=True)] | None = Field(
        default=None, description="Energy per unit of product, kgce per unit (t, MWh, ...), above 0"
    )


class ProjectInfo(Strict):
    id: Reference | None = None
    name: Text
    applicant: Text | None = None
    league_city: LeagueCity
    banner_county: Text | None = None
    construction_type: Literal["new", "expansion", "renovation", "relocation"]
    adds_capacity: Flag | None = None
    industry_code: IndustryCode | None = None
    investment_10k_yuan: Quantity | None = None
    commissioning_year: Annotated[int, Field(strict=True, ge=1949, le=2100)] | None = None
    products: list[ProductLine] = Field(default_factory=_none_listed)


class Output(Strict):
    annual_output_value_10k_yuan: Quantity | None = None
    annual_value_added_10k_yuan: Quantity | None = None


class Carriers(Strict):
    """Annual consumption by energy carrier, in physical units (the unit is in the key)."""

    electricity_kwh: Quantity | None = None
    raw_coal_t: Quantity | None = None
    washed_coal_t: Quantity | None = None
    coke_t: Quantity | None = None
    crude_oil_t: Quantity | None = None
    fuel_oil_t: Quantity | None = None
    gasoline_t: Quantity | None = None
    diesel_t: Quantity | None = None
    lpg_t: Quantity | None = None
    natural_gas_m3: Quantity | None = None
    coke_oven_gas_m3: Quantity | None = None
    heat_gj: Quantity | None = None
    other_tce: Quantity | None = None


CARRIERS: tuple[str, ...] = tuple(Carriers.model_fields)


class Energy(Carriers):
    feedstock: Carriers | None = None
    renewable_electricity_share: Share | None = None
    energy_quota_source: Literal["regional_allocation", "reduction_replacement", "none"] | None = None
    energy_replacement_tce: Quantity | None = None
    capacity_replacement_ratio: Quantity | None = None


class Boiler(Strict):
    capacity_t_per_h: Quantity


class Coal(Strict):
    fuel_coal_t: Quantity | None = None
    coal_replacement_t: Quantity | None = None
    boilers: list[Boiler] = Field(default_factory=_none_listed)


class CoalPower(Strict):
    units_mw: list[Quantity] = Field(default_factory=_none_listed)
    kind: Literal["public", "captive", "chp"] | None = None
    cooling: Literal["air", "water"] | None = None
    exemption: Literal["carried_over_13th_fyp", "livelihood_urgent", "supply_security", "none"] | None = None
    exemption_evidence: Document | None = None
    design_supply_gce_per_kwh: Quantity | None = None


class Mine(Strict):
    mineral: Literal["coal", "rare_earth", "other"] | None = None
    capacity_mt_per_year: Quantity | None = None
    green_mine: Flag | None = None
    open_pit: Flag | None = None


class RenewablePlant(Strict):
    technology: Literal["pv", "wind"] | None = None
    capacity_mw: Quantity | None = None
    site_type: (
        Literal[
            "desert",
            "gobi",
            "subsidence_area",
            "dump_site",
            "border_area",
            "grassland",
            "farmland",
            "other",
        ]
        | None
    ) = None
    storage_mw: Quantity | None = None
    storage_hours: Quantity | None = None


class DataCenter(Strict):
    pue: Annotated[float, Field(ge=1, allow_inf_nan=False, strict=True)] | None = None


class Water(Strict):
    fresh_water_m3: Quantity | None = None
    groundwater_m3: Quantity | None = None
    reclaimed_water_m3: Quantity | None = None
    mine_water_m3: Quantity | None = None
    water_permit: Document | None = None


class Land(Strict):
    area_ha: Quantity | None = None
    permanent_basic_farmland_ha: Quantity | None = None
    basic_grassland_ha: Quantity | None = None
    ecological_red_line_ha: Quantity | None = None
    main_function_zone: Literal["urbanized", "agricultural", "ecological"] | None = None
    in_industrial_park: Flag | None = None


class Emissions(Strict):
    co2_t: Quantity | None = None


class Waiver(Strict):
    """A waiver the application claims for one rule. A claim, not a decision (catalogue amendment
    7): only the review authority's register waives, so who approved it and which document decided
    it are what the applicant says, may be left out like every key of the format, and a failing
    or warning finding goes to a person either way; the report names what was claimed, or that
    nothing was."""

    rule: Annotated[str, Field(strict=True, pattern=r"^[A-Z]{2}-[0-9]{3}$", json_schema_extra=ONE_LINE_SCHEMA)]
    reason: Text | None = None
    approved_by: ReferenceText | None = None
    document: ReferenceText | None = None
    expires: CalendarDate | None = None


# the technology a four-digit generation code names (GB/T 4754-2017: D4415 风力发电, D4416 太阳能发电)
_CODE_TECHNOLOGY = {"D4415": "wind", "D4416": "pv"}
_TECHNOLOGY_WORDS = {"wind": "wind power generation", "pv": "solar power generation"}


class Project(Strict):
    """One application, as described in `project.yaml` (format 1)."""

    format: FormatNumber
    project: ProjectInfo
    output: Output = Field(default_factory=Output)
    energy: Energy = Field(default_factory=Energy)
    coal: Coal = Field(default_factory=Coal)
    coal_power: CoalPower | None = None
    mine: Mine | None = None
    renewable_plant: RenewablePlant | None = None
    data_center: DataCenter | None = None
    water: Water = Field(default_factory=Water)
    land: Land = Field(default_factory=Land)
    emissions: Emissions = Field(default_factory=Emissions)
    waivers: list[Waiver] = Field(default_factory=_none_listed)

    def contradictions(self) -> list[tuple[KeyPath, str]]:
        """Figures that are each valid but cannot all be true, by key path.

        Feedstock (原料用能) is the part of a carrier's consumption used as raw material, so it can
        never exceed that carrier's consumption; electricity and heat are never a feedstock. A
        file that says otherwise is invalid input: clamping the difference to zero would count
        the energy as nothing and approve the project on figures the applicant never gave.
        """
        found: list[tuple[KeyPath, str]] = []
        info = self.project
        if info.adds_capacity is False and info.construction_type in ("new", "expansion"):
            # a new or expanded plant is new capacity by definition: the two keys contradict
            found.append(
                (
                    ("project", "adds_capacity"),
                    f"false, but construction_type {info.construction_type} adds capacity "
                    f"by definition; adds_capacity is for a renovation or relocation",
                )
            )
        found += self._fuel_coal_contradictions()
        found += self._coal_burner_contradictions()
        found += self._capacity_unit_problems()
        found += self._mine_capacity_contradictions()
        found += self._mineral_contradictions()
        found += self._technology_contradictions()
        found += self._border_contradictions()
        ground, fresh = self.water.groundwater_m3, self.water.fresh_water_m3
        if ground is not None and fresh is not None and ground > fresh:
            # fresh water is the surface and ground water withdrawn: the part exceeds the whole.
            # (Value added above the output value is no such pair: it counts the VAT payable,
            # which the output value leaves out.)
            found.append(
                (
                    ("water", "groundwater_m3"),
                    f"{_number(ground)} exceeds water.fresh_water_m3 {_number(fresh)}: fresh water is "
                    "the surface and ground water withdrawn, groundwater included",
                )
            )
        feedstock = self.energy.feedstock
        if feedstock is None:
            return found
        for carrier in CARRIERS:
            amount = getattr(feedstock, carrier)
            if amount is None:
                continue
            loc = ("energy", "feedstock", carrier)
            if carrier in NEVER_FEEDSTOCK:
                if amount > 0:
                    found.append(
                        (
                            loc,
                            f"{NEVER_FEEDSTOCK[carrier]} is never a feedstock: declare it under energy.{carrier} only",
                        )
                    )
                continue
            consumed = getattr(self.energy, carrier)
            if consumed is None and amount > 0:
                found.append(
                    (
                        loc,
                        f"feedstock {_number(amount)} but energy.{carrier} is not "
                        f"declared: feedstock is part of the carrier's consumption",
                    )
                )
            elif consumed is not None and amount > consumed:
                found.append(
                    (loc, f"feedstock {_number(amount)} exceeds the consumption energy.{carrier} {_number(consumed)}")
                )
        return found

    def _fuel_coal_contradictions(self) -> list[tuple[KeyPath, str]]:
        """Fuel coal declared beside the coal carriers must be the coal they burn.

        Coal of the energy balance that is not feedstock is burnt as fuel, so `coal.fuel_coal_t`
        and `energy.raw_coal_t` + `energy.washed_coal_t` less their feedstock are two statements
        of one figure. A file giving 10 t of fuel coal beside 1 Mt of raw coal burnt cannot be
        read either way without choosing the applicant's number; it is invalid input.
        """
        declared = self.coal.fuel_coal_t
        carriers = [c for c in _COAL_CARRIERS if getattr(self.energy, c) is not None]
        if declared is None or not carriers:
            return []
        burnt = self._coal_burnt(carriers)
        # rounding is allowed on coal that is burnt; beside a balance that burns none, any fuel
        # coal at all (1e-145 t) is coal the balance denies
        tolerance = _FUEL_COAL_TOLERANCE * max(burnt, 1.0) if burnt > 0 else 0.0
        if burnt < 0 or abs(declared - burnt) <= tolerance:
            return []  # (feedstock above its carrier is reported on its own key)
        named = " + ".join(f"energy.{c}" for c in carriers)
        return [
            (
                ("coal", "fuel_coal_t"),
                f"fuel coal {_number(declared)} differs from the coal the energy balance burns "
                f"({named} less feedstock = {_number(burnt)})",
            )
        ]

    def _coal_burnt(self, carriers: list[str]) -> float:
        """The coal the energy balance burns: the given coal carriers less their feedstock."""
        feedstock = self.energy.feedstock
        burnt: float = sum(
            getattr(self.energy, c) - ((getattr(feedstock, c) or 0.0) if feedstock else 0.0) for c in carriers
        )
        return burnt

    def _coal_burner_contradictions(self) -> list[tuple[KeyPath, str]]:
        """Coal-fired boilers or coal units the project installs burn coal: beside them, a file
        stating that it burns none (`coal.fuel_coal_t: 0`, or coal carriers that burn 0 t) says
        two things that cannot both hold. Read as "no coal", two 75 t/h boilers passed the coal
        control as a plant adding no coal consumption; the figure is asked for by the refusal."""
        burners = []
        if any(boiler.capacity_t_per_h > 0 for boiler in self.coal.boilers):
            burners.append("coal.boilers")
        if self.coal_power is not None and any(unit > 0 for unit in self.coal_power.units_mw):
            burners.append("coal_power.units_mw")
        if not burners:
            return []
        declared = self.coal.fuel_coal_t
        if declared is not None:
            if declared > 0:
                return []
            key: KeyPath = ("coal", "fuel_coal_t")
        else:
            carriers = [c for c in _COAL_CARRIERS if getattr(self.energy, c) is not None]
            if not carriers:
                return []  # no coal figure at all: the rules ask for it
            if self._coal_burnt(carriers) > 0:
                return []
            key = ("energy", carriers[0])
        return [
            (
                key,
                f"the file states no coal burnt beside the coal burners it lists ({', '.join(burners)}): "
                "give the coal they burn a year",
            )
        ]

    def _capacity_unit_problems(self) -> list[tuple[KeyPath, str]]:
        """A product line's capacity must be written in a unit of the product's kind.

        The energy per unit of product is compared with benchmarks per tonne (or per MWh); a
        clinker line in kg/a beside an energy "per unit" of 0.125 would be read as 0.125 kgce per
        tonne and pass a benchmark of 100. A unit the vocabulary does not list for the product
        (`rules/vocabulary/capacity_units.yaml`) is invalid input, not a guess."""
        found: list[tuple[KeyPath, str]] = []
        for index, line in enumerate(self.project.products):
            usual = vocabulary.products()[line.product].unit
            if line.unit is None or not usual or vocabulary.capacity_factor(line.product, line.unit) is not None:
                continue
            unit = vocabulary.capacity_units()[usual]
            found.append(
                (
                    ("project", "products", index, "unit"),
                    f"'{line.unit}' is not a unit of {line.product} capacity: write one of "
                    f"{', '.join(unit.spellings)} (unit_energy_kgce is per {unit.per} of product)",
                )
            )
        return found

    def _border_contradictions(self) -> list[tuple[KeyPath, str]]:
        """A site "in a border area" (RE-003's 沿边境地区) in a 盟市 with no national border: the
        file places one plant in two places, and RE-003 would pass it on the one it cannot be in."""
        plant, city = self.renewable_plant, self.project.league_city
        if plant is None or plant.site_type != "border_area" or city is None:
            return []
        if city in vocabulary.border_league_cities():
            return []
        return [
            (
                ("renewable_plant", "site_type"),
                f"'border_area', but {city} has no national border: border areas are in "
                + "、".join(sorted(vocabulary.border_league_cities(), key=vocabulary.league_cities().index)),
            )
        ]

    def _technology_contradictions(self) -> list[tuple[KeyPath, str]]:
        """A wind-power code (D4415) beside a PV plant, or a solar code (D4416) beside a wind farm.

        The siting rules differ by technology (PV on farmland, wind outside its zones), so which
        apply would be the applicant's pick between two statements of the same plant."""
        plant, code = self.renewable_plant, self.project.industry_code
        if plant is None or plant.technology is None or code is None:
            return []
        named = _CODE_TECHNOLOGY.get(code)
        if named is None or named == plant.technology:
            return []
        return [
            (
                ("renewable_plant", "technology"),
                f"'{plant.technology}', but project.industry_code {code} is {_TECHNOLOGY_WORDS[named]}: "
                "the code and the technology must name the same plant",
            )
        ]

    def _mineral_contradictions(self) -> list[tuple[KeyPath, str]]:
        """A mine declaring another mineral beside a raw-coal line (原煤(采掘)) says two things.

        The raw-coal line is coal the mine raises; `mineral: other` or `rare_earth` says it raises
        none. Read one way the minimum scale of new coal mines (MI-003) and the Ordos siting (CO-005)
        apply, read the other they do not: the file must say which."""
        if self.mine is None or self.mine.mineral not in ("rare_earth", "other"):
            return []
        for index, line in enumerate(self.project.products):
            if line.product == "raw_coal":
                return [
                    (
                        ("mine", "mineral"),
                        f"'{self.mine.mineral}', but project.products[{index}] is raw_coal: a mine that raises "
                        "raw coal is a coal mine (mineral: coal)",
                    )
                ]
        return []

    def _mine_capacity_contradictions(self) -> list[tuple[KeyPath, str]]:
        """A coal mine's design capacity, stated twice, must be one figure.

        `mine.capacity_mt_per_year` and the raw coal product lines both state how much coal the
        mine is designed to raise a year. A file giving 120 (written in 万t) beside a raw coal line
        of 1.2 Mt/a cannot be read either way without choosing the applicant's number: the mine
        would pass the minimum scale on one and fail it on the other."""
        mine = self.mine
        if mine is None or mine.capacity_mt_per_year is None or self.project.construction_type != "new":
            return []  # an expansion's product line may state the capacity it adds
        # (index, capacity, unit as written, factor to Mt/a) of each raw-coal line with a capacity
        lines: list[tuple[int, float, str | None, float]] = []
        for index, line in enumerate(self.project.products):
            if line.product != "raw_coal" or line.capacity is None:
                continue
            factor = vocabulary.capacity_factor("raw_coal", line.unit)
            if factor is None:
                return []  # a unit reported on its own key
            lines.append((index, line.capacity, line.unit, factor))
        if not lines:
            return []  # no second statement
        stated = sum(capacity * factor for _, capacity, _, factor in lines)
        # figures converted from another unit agree to the digits written: half a unit of the last
        # digit of each (8.33 Mt/a beside 833.3 万吨/年)
        allowed = _half_last_digit(mine.capacity_mt_per_year) + sum(
            _half_last_digit(capacity) * factor for _, capacity, _, factor in lines
        )
        if abs(stated - mine.capacity_mt_per_year) <= allowed:
            return []
        total = f"{stated:.6g} Mt/a"
        written = " + ".join(f"{_number(capacity)} {unit or 'Mt/a'}" for _, capacity, unit, _ in lines)
        written = total if written == total else f"{written} = {total}"
        places = ", ".join(f"project.products[{index}]" for index, *_ in lines)
        return [
            (
                ("mine", "capacity_mt_per_year"),
                f"{_number(mine.capacity_mt_per_year)} Mt/a differs from the raw coal capacity of {places} "
                f"({written}): both are the mine's design capacity",
            )
        ]


# coal carriers of the energy balance (fuel coal is counted from them when not declared)
_COAL_CARRIERS = ("raw_coal_t", "washed_coal_t")
# relative difference allowed between declared fuel coal and the balance: rounding only
_FUEL_COAL_TOLERANCE = 1e-6

# carriers that are never a raw material (GB/T 2589: 原料用能 are fuels used as materials)
NEVER_FEEDSTOCK = {"electricity_kwh": "electricity", "heat_gj": "heat"}


def _half_last_digit(value: float) -> float:
    """Half a unit of the last digit of `value` as written (its shortest repr): 0.005 for 8.33,
    0.5 for 8 or 8.0 or 1200 (the zeros of a whole number count as written)."""
    if float(value).is_integer():
        return 0.5
    exponent = Decimal(repr(float(value))).as_tuple().exponent
    return 0.5 * 10.0**exponent if isinstance(exponent, int) else 0.0


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(value)
