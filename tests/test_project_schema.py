"""The JSON Schema of project.yaml (`checker schema`) as a reviewer's editor and a CI job use it.

It is driven with `check-jsonschema` (an ECMA-262 regex engine, as editors have) over every sample
and over files that must fail, and with `jsonschema` (Python's `re`) where many values are drawn:
what the checker accepts the schema accepts, and what the checker refuses as a field's value the
schema refuses. Every key has a Chinese title and description, with its unit and the meaning of
each allowed value.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys

import jsonschema
import pytest
import regress
import yaml
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from checker.cli.app import checker_main
from checker.errors import InputError
from checker.input.source import forbidden_character, read_document
from checker.project import model, vocabulary
from checker.rules.ruleset import load_ruleset
from tests.support import REPO
from tests.support.checkers import checker_on
from tests.support.reporting import AS_OF
from tests.support.strategies import projects

SAMPLES = sorted((REPO / "projects").glob("*.yaml"))
CJK = re.compile(r"[\u4e00-\u9fff]")
MINIMAL = "format: 1\nproject:\n  name: 示例项目\n  league_city: 鄂尔多斯市\n  construction_type: new\n"


def schema_of(lang: str = "zh") -> dict:
    result = CliRunner().invoke(checker_main, ["schema", "--lang", lang])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


@pytest.fixture(scope="module")
def schema() -> dict:
    return schema_of("zh")


@pytest.fixture(scope="module")
def schema_file(tmp_path_factory, schema):
    path = tmp_path_factory.mktemp("schema") / "project.schema.json"
    path.write_text(json.dumps(schema, ensure_ascii=False), encoding="utf-8")
    return path


def check_jsonschema(schema_file, *files):
    return subprocess.run(
        [sys.executable, "-m", "check_jsonschema", "--schemafile", str(schema_file), *map(str, files)],
        capture_output=True,
        text=True,
        timeout=300,
    )


def as_json(path):
    """A YAML file as an editor's YAML 1.2 language server sees it: dates as text."""
    return json.loads(json.dumps(read_document(path).data, default=str))


def checker_accepts(path) -> bool:
    try:
        checker_on(AS_OF).check_path(path)
    except InputError:
        return False
    return True


# ---- files: every sample passes, every broken file fails, and the checker agrees ----------------


def test_check_jsonschema_accepts_every_sample(schema_file):
    result = check_jsonschema(schema_file, *SAMPLES)
    assert result.returncode == 0, result.stdout + result.stderr


# (file name, the file, where check-jsonschema puts the error: the key; the section, for an
# unknown key or a value inside an optional section)
INVALID = [
    ("short-league-name", MINIMAL.replace("鄂尔多斯市", "包头"), "$.project.league_city"),
    ("alias-with-a-digit", MINIMAL.replace("鄂尔多斯市", "Baotou2"), "$.project.league_city"),
    ("official-name-with-a-space", MINIMAL.replace("鄂尔多斯市", '"包头 市"'), "$.project.league_city"),
    ("unknown-key", MINIMAL + "energi: {}\n", "$"),
    ("negative-quantity", MINIMAL + "water:\n  fresh_water_m3: -1\n", "$.water.fresh_water_m3"),
    (
        "share-above-one",
        MINIMAL + "energy:\n  renewable_electricity_share: 1.5\n",
        "$.energy.renewable_electricity_share",
    ),
    ("pue-below-one", MINIMAL + "data_center:\n  pue: 0.9\n", "$.data_center"),
    ("unknown-product", MINIMAL + "  products:\n    - product: calcium_carbid\n", "$.project.products[0].product"),
    ("unknown-construction-type", MINIMAL.replace("type: new", "type: build"), "$.project.construction_type"),
    ("two-line-name", MINIMAL.replace("name: 示例项目", 'name: "示例\\n审查结论: 通过"'), "$.project.name"),
    ("bidi-override-in-text", MINIMAL + '  applicant: "某\\u202e公司"\n', "$.project.applicant"),
    ("industry-code-too-long", MINIMAL + "  industry_code: C26130\n", "$.project.industry_code"),
    ("industry-code-of-no-division", MINIMAL + "  industry_code: C1000\n", "$.project.industry_code"),
    ("industry-code-of-another-section", MINIMAL + "  industry_code: T9999\n", "$.project.industry_code"),
    ("year-before-1949", MINIMAL + "  commissioning_year: 1900\n", "$.project.commissioning_year"),
    ("format-two", MINIMAL.replace("format: 1", "format: 2"), "$.format"),
    ("waiver-for-an-unknown-rule", MINIMAL + "waivers:\n  - rule: HE-999\n", "$.waivers[0].rule"),
    (
        "electricity-as-feedstock",
        MINIMAL + "energy:\n  electricity_kwh: 5\n  feedstock:\n    electricity_kwh: 1\n",
        "$.energy.feedstock",
    ),
    ("new-plant-adding-no-capacity", MINIMAL + "  adds_capacity: false\n", "$.project.adds_capacity"),
    ("text-where-a-number-goes", MINIMAL + "land:\n  area_ha: 二十\n", "$.land.area_ha"),
    ("permit-said-to-be-none", MINIMAL + "water:\n  water_permit: （无）\n", "$.water.water_permit"),
    (
        "evidence-still-applied-for",
        MINIMAL + "coal_power:\n  exemption_evidence: 尚未取得批复\n",
        "$.coal_power",  # a section that may be null: the validator names the section
    ),
]


def test_check_jsonschema_refuses_what_the_checker_refuses(schema_file, tmp_path):
    paths = []
    for name, text, _ in INVALID:
        path = tmp_path / f"{name}.yaml"
        path.write_text(text, encoding="utf-8")
        assert not checker_accepts(path), name
        paths.append(path)
    result = check_jsonschema(schema_file, *paths)
    assert result.returncode == 1, result.stdout + result.stderr
    for path, (name, _, key) in zip(paths, INVALID, strict=True):
        assert f"{path}::{key}:" in result.stdout, (name, result.stdout)


# valid, if unusual: the schema must not be stricter than the checker either
VALID = [
    ("pinyin-alias", MINIMAL.replace("鄂尔多斯市", "Eerduosi")),
    ("alias-any-case-and-spacing", MINIMAL.replace("鄂尔多斯市", '" bao-TOU  city"')),
    ("alias-with-an-apostrophe", MINIMAL.replace("鄂尔多斯市", "Xing'an")),
    ("numeric-reference", MINIMAL + "  id: 20250042\n"),
    ("tab-inside-a-name", MINIMAL.replace("name: 示例项目", 'name: "示例\\t项目"')),
    ("waiver-claim", MINIMAL + "waivers:\n  - rule: LA-001\n    expires: 2026-12-31\n"),
    ("null-section", MINIMAL + "coal_power:\n"),
    ("renovation-adding-no-capacity", MINIMAL.replace("type: new", "type: renovation") + "  adds_capacity: false\n"),
    ("zero-feedstock-electricity", MINIMAL + "energy:\n  electricity_kwh: 5\n  feedstock:\n    electricity_kwh: 0\n"),
]


def test_check_jsonschema_accepts_what_the_checker_accepts(schema_file, tmp_path):
    paths = []
    for name, text in VALID:
        path = tmp_path / f"{name}.yaml"
        path.write_text(text, encoding="utf-8")
        assert checker_accepts(path), name
        paths.append(path)
    result = check_jsonschema(schema_file, *paths)
    assert result.returncode == 0, result.stdout + result.stderr


@given(data=projects())
def test_every_valid_project_is_valid_under_the_schema(schema, data, tmp_path_factory):
    path = tmp_path_factory.mktemp("drawn") / "project.yaml"
    from tests.support.strategies import dump

    path.write_bytes(dump(data))
    jsonschema.validate(as_json(path), schema)


# ---- the 盟市: the schema's names are the checker's names -----------------------------------------

ALIASES = sorted(
    {
        a
        for entry in yaml.safe_load((REPO / "rules/vocabulary/league_cities.yaml").read_text("utf-8"))
        for a in entry.get("aliases", [])
    }
)
# what the alias match skips or folds, and what the reader refuses outright
TRICKY = [
    *" -_'’\t\n\u3000\u00a0\u2009\u2028\u0085\x1c\ufeff",
    "\u212a",
    "\u017f",
    "\u00df",
    "\ufb01",
    "\u0130",
    "\u0131",
    "市",
    "盟",
    "包头",
    "0",
]


@st.composite
def league_names(draw):
    """Official names and aliases, mangled: characters inserted, dropped, replaced, recased."""
    text = list(draw(st.sampled_from([*vocabulary.league_cities(), *ALIASES])))
    for _ in range(draw(st.integers(0, 4))):
        where = draw(st.integers(0, len(text)))
        action = draw(st.sampled_from(["insert", "drop", "replace", "case"]))
        if action == "insert":
            text.insert(where, draw(st.sampled_from(TRICKY)))
        elif text and where < len(text):
            if action == "drop":
                del text[where]
            elif action == "replace":
                text[where] = draw(st.sampled_from(TRICKY))
            else:
                text[where] = text[where].swapcase()
    return "".join(text)


def the_checker_takes(value: str) -> bool:
    return forbidden_character(value) is None and vocabulary.normalise_league_city(value) is not None


@pytest.fixture(scope="module")
def league_schema(schema):
    return schema["definitions"]["ProjectInfo"]["properties"]["league_city"]


def ecma_valid(node: dict, value: str) -> bool:
    """The league_city schema, its patterns run by an ECMA-262 engine (regress), as editors do."""

    def matches(pattern):
        return regress.Regex(pattern, "u").find(value) is not None

    if "enum" in node:
        return value in node["enum"]
    if "pattern" in node and not matches(node["pattern"]):
        return False
    if "not" in node and ecma_valid(node["not"], value):
        return False
    return all(any(ecma_valid(branch, value) for branch in node[key]) for key in ("anyOf",) if key in node)


@given(value=league_names())
def test_the_schema_takes_exactly_the_league_names_the_checker_takes(league_schema, value):
    expected = the_checker_takes(value)
    assert jsonschema.Draft7Validator(league_schema).is_valid(value) == expected, repr(value)
    assert ecma_valid(league_schema, value) == expected, repr(value)


@pytest.mark.parametrize(
    "value", [*vocabulary.league_cities(), *ALIASES, "ORDOS", "hohhot city", "Xing-an", "Xilin Gol", "Ordo\u017f"]
)
def test_every_official_name_and_alias_is_valid(league_schema, value):
    assert the_checker_takes(value)
    assert jsonschema.Draft7Validator(league_schema).is_valid(value)
    assert ecma_valid(league_schema, value)


@pytest.mark.parametrize("value", ["包头", "鄂尔多斯", "Ordos\u2028", "Baotou市", "Ordoss", ""])
def test_short_forms_and_near_misses_are_invalid(league_schema, value):
    assert not the_checker_takes(value)
    assert not jsonschema.Draft7Validator(league_schema).is_valid(value)
    assert not ecma_valid(league_schema, value)


# ---- what an editor shows ------------------------------------------------------------------------


def keyed_nodes(schema: dict):
    """(key path, schema node) of the root, every section and every key of every section."""
    defs = schema["definitions"]

    def walk(node, path):
        for name, prop in node.get("properties", {}).items():
            here = f"{path}.{name}" if path else name
            yield here, prop
            for ref in re.findall(r'"\$ref": "#/definitions/(\w+)"', json.dumps(prop)):
                suffix = "[]" if "items" in prop else ""
                yield here + suffix, defs[ref]
                yield from walk(defs[ref], here + suffix)

    yield "", schema
    yield from walk(schema, "")


def pydantic_title(path: str) -> str:
    """The English title pydantic would make of a key (`fresh_water_m3` → "Fresh Water M3")."""
    return path.rsplit(".", 1)[-1].replace("[]", "").replace("_", " ").title()


def test_every_key_and_section_has_a_chinese_title_and_description(schema):
    nodes = list(keyed_nodes(schema))
    assert len(nodes) > 100
    for path, node in nodes:
        assert CJK.search(node.get("title", "")), (path, node.get("title"))
        assert CJK.search(node.get("description", "")), (path, node.get("description"))
        assert node["title"] != pydantic_title(path)
    for name, definition in schema["definitions"].items():
        assert CJK.search(definition["title"]) and CJK.search(definition["description"]), name


def test_the_english_schema_has_english_titles(schema):
    english = schema_of("en")
    for (path, node), (_, zh) in zip(keyed_nodes(english), keyed_nodes(schema), strict=True):
        assert not CJK.search(node["title"]), (path, node["title"])
        assert node["description"] and node["description"] != zh["description"], path
        assert node["title"] != pydantic_title(path), path


def test_keys_that_rules_read_carry_the_facts_labels(schema):
    titles = dict((path, node["title"]) for path, node in keyed_nodes(schema))
    read = {f.key: f.label.zh for f in load_ruleset().facts.values() if f.key and (f.name == f.key or "[]" in f.key)}
    assert len(read) > 40
    for key, label in read.items():
        assert titles[key] == label, key


UNIT_SUFFIXES = {
    "_t": "吨",
    "_kwh": "千瓦时",
    "_m3": "立方米",
    "_gj": "吉焦",
    "_tce": "吨标准煤",
    "_ha": "公顷",
    "_mw": "兆瓦",
    "_10k_yuan": "万元",
    "_t_per_h": "蒸吨/小时",
    "_mt_per_year": "百万吨/年",
    "_gce_per_kwh": "克标准煤/千瓦时",
    "_kgce": "千克标准煤",
    "_hours": "小时",
    "_share": "比例,取 0~1",
}


def test_every_quantity_says_its_unit(schema):
    checked = 0
    for path, node in keyed_nodes(schema):
        suffixes = [s for s in UNIT_SUFFIXES if path.endswith(s)]
        if suffixes:
            unit = UNIT_SUFFIXES[max(suffixes, key=len)]
            assert f"单位:{unit}" in node["description"], (path, node["description"])
            checked += 1
    assert checked > 40


def test_every_allowed_value_is_named_in_chinese(schema):
    from checker.reports.words import terms

    values = terms()["value"]
    products = vocabulary.products()
    named = 0
    for path, node in keyed_nodes(schema):
        enum = node.get("enum") or next((b["enum"] for b in node.get("anyOf", []) if "enum" in b), None)
        if not enum or path in ("project.league_city", "waivers[].rule"):
            continue
        for value in (v for v in enum if v is not None):  # null: an optional key left empty
            label = products[value].zh if path.endswith(".product") else values[value]["zh"]
            assert f"{value}({label})" in node["description"], (path, value)
            named += 1
    assert named > 60
    assert all(
        name in dict(keyed_nodes(schema))["project.league_city"]["description"] for name in vocabulary.league_cities()
    )


def test_every_key_has_an_example_that_the_schema_accepts(schema):
    validator = jsonschema.Draft7Validator(schema)
    for path, node in keyed_nodes(schema):
        if not path or "properties" in node or "$ref" in json.dumps(node):
            continue  # the root and the sections: their keys carry the examples
        assert node.get("examples"), path
        for example in node["examples"]:
            assert not list(
                jsonschema.Draft7Validator({**node, "definitions": schema["definitions"]}).iter_errors(example)
            ), (path, example)
    validator.check_schema(schema)


# ---- init: a template whose first line an editor follows, offline --------------------------------


def test_init_writes_the_schema_its_modeline_names(tmp_path, schema):
    target = tmp_path / "applications" / "2026-0001.yaml"
    target.parent.mkdir()
    result = CliRunner().invoke(checker_main, ["init", str(target)])
    assert result.exit_code == 0, result.output
    first = target.read_text("utf-8").splitlines()[0]
    name = first.removeprefix("# yaml-language-server: $schema=")
    assert name != first and "/" not in name and ":" not in name  # relative, beside the file
    assert json.loads((target.parent / name).read_text("utf-8")) == schema
    assert check_jsonschema(target.parent / name, target).returncode == 0


def test_the_template_points_at_nothing_that_is_not_installed():
    text = (REPO / "templates/project.init.zh.yaml").read_text("utf-8")
    assert "docs/" not in text


NEWER_THAN_DRAFT_7 = {
    "$defs",
    "$anchor",
    "$dynamicRef",
    "$dynamicAnchor",
    "$recursiveRef",
    "prefixItems",
    "dependentRequired",
    "dependentSchemas",
    "unevaluatedProperties",
    "unevaluatedItems",
    "minContains",
    "maxContains",
}


def test_the_schema_is_draft_7_as_the_yaml_language_server_reads_it(schema):
    """The YAML language server validates by draft 7 and warns on a 2020-12 schema."""
    assert schema["$schema"] == "http://json-schema.org/draft-07/schema#"
    jsonschema.Draft7Validator.check_schema(schema)
    used = set(re.findall(r'"(\$?\w+)":', json.dumps(schema)))
    assert not used & NEWER_THAN_DRAFT_7


def test_no_character_the_patterns_must_know_lies_beyond_the_first_plane():
    """The schema's patterns are built from the Basic Multilingual Plane (`\\uXXXX` reaches no
    further): no character beyond it is ignored or folded by the alias match, or refused by the
    reader."""
    from checker.input.source import TEXT_FORBIDDEN

    for code in range(0x10000, sys.maxunicode + 1):
        char = chr(code)
        folded = char.casefold()
        assert not vocabulary.ALIAS_IGNORED.fullmatch(char), hex(code)
        assert not (folded.isascii() and folded.isalnum()), hex(code)
        assert not TEXT_FORBIDDEN.fullmatch(char), hex(code)


# ---- a document written as none --------------------------------------------------------------------


@pytest.fixture(scope="module")
def permit_schema(schema):
    return schema["definitions"]["Water"]["properties"]["water_permit"]


def _refused_as_no_document(node: dict, value: str) -> tuple[bool, bool]:
    """Whether the "no document" pattern of a document key's schema refuses `value`, by Python's
    `re` (jsonschema) and by an ECMA-262 engine (regress, as editors run it)."""
    text = next(branch for branch in node["anyOf"] if branch.get("type") == "string")
    pattern = text["allOf"][0]["not"]["pattern"]
    return re.search(pattern, value) is not None, regress.Regex(pattern, "u").find(value) is not None


def _checker_refuses_document(value: str) -> bool:
    try:
        model._a_document(value)
    except ValueError:
        return True
    return False


_WRAP = st.text(st.sampled_from(model._SCHEMA_WRAPPING), max_size=3)


@given(
    value=st.one_of(
        st.tuples(_WRAP, st.sampled_from(sorted(model._NO_DOCUMENT_WORDS)), _WRAP).map("".join),
        st.tuples(_WRAP, st.sampled_from(model._NO_DOCUMENT_PREFIXES), st.text(max_size=8)).map("".join),
        st.text(max_size=12),
    )
)
def test_the_schema_refuses_a_document_written_as_none_only_where_the_checker_does(permit_schema, value):
    by_python, by_ecma = _refused_as_no_document(permit_schema, value)
    assert by_python == by_ecma, repr(value)
    if by_python:
        assert _checker_refuses_document(value), repr(value)


@pytest.mark.parametrize("value", ["无", "（无）", " N/A ", "暂无。", "【待办理】", "尚未取得取水许可", "-", "None"])
def test_the_usual_ways_of_writing_none_are_refused_by_the_schema(permit_schema, value):
    assert _refused_as_no_document(permit_schema, value) == (True, True)
    assert _checker_refuses_document(value)


@pytest.mark.parametrize(
    "value",
    [
        "无取水许可",
        "暂无取水许可",
        "未办理取水许可",
        "取水许可申请中",
        "拟办理取水许可",
        "已提交取水许可申请,待批复",
        "无(正在办理)",
        "水资源论证报告编制中",
        "not yet obtained",
        "Permit pending",
        # applied for, pending, in approval: passed WA-002 and made CO-001 review (adv3-approve 05)
        "已申请",
        "正在报批",
        "申请已受理",
        "已提交取水许可申请",
        "取水许可申请书",
        "后续办理",
        "开工前取得",
        "将于开工前取得取水许可",
        "待批复",
        "拟于投产前办理",
        "取水许可办理中",
        # not needed, exempt: the applicant's claim, no document
        "不需要",
        "不涉及",
        "免于办理",
        "免办",
        "无需办理取水许可",
        "取水许可豁免",
        # placeholders and claims that name nothing
        "见附件",
        "详见可研报告第5章",
        "略",
        "（略）",
        "已取得",
        "有",
        "not required",
        "exempt",
        "Exempted",
        "TBD later",
        "will apply",
        "applied",
        "applying",
        "N/A",
        "See attachment 3",
    ],
)
def test_a_document_said_to_be_missing_or_pending_anywhere_in_the_text_is_refused(value):
    """Each of these passed WA-002 as a permit: only the exact words and a few prefixes were read."""
    assert _checker_refuses_document(value)


@pytest.mark.parametrize(
    "value",
    [
        "无锡市水务局取水许可 D1",
        "D150627S2025-0106",
        "取水许可证(无期限)",
        "鄂尔多斯市水利局取水许可 D150627S2025-0106",
        "无线电管理局批复 2025-3",
        "拟建项目纳入规划的复函(内发改能源字〔2024〕12号)",
        "No. D150627",
        "自治区节能审查中心审查意见(内节审〔2024〕5号)",
        "旗政务服务审批中心取水许可 D1",
        # 申请, 豁免, 将 and 详见 inside a granted document's title or beside its number
        "关于某公司取水申请的批复(内水许〔2025〕1号)",
        "取水许可证 D150123S2025-0008(申请人:某公司)",
        "关于某项目豁免认定的批复 内发改〔2020〕1号",
        "关于将某热电项目列入民生急需项目的批复 内发改〔2020〕1号",
        "内水许〔2025〕1号(详见附件3)",
        "Water Permit No. D150627S2025",
        "附件 0",
    ],
)
def test_documents_that_merely_contain_the_words_are_taken(permit_schema, value):
    assert _refused_as_no_document(permit_schema, value) == (False, False)
    assert not _checker_refuses_document(value)
