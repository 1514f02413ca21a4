"""The data cache makes a start faster and can never change what the rules say.

Each test works on a copy of the shipped data (so that it can edit rule files) with its own cache
folder, and clears the in-process caches before and after, so that the other tests see the real
shipped data again.
"""

from __future__ import annotations

import os
import pickle
import shutil

import pytest
from click.testing import CliRunner

from checker import resources
from checker.cli.app import check_main
from checker.errors import RuleDataError
from checker.rules import datacache, parameters, ruleset
from checker.rules.parameters import shipped_definitions
from checker.rules.ruleset import load_ruleset
from tests.support import REPO

SAMPLE = REPO / "projects" / "kubuqi-desert-pv.yaml"


def _forget() -> None:
    load_ruleset.cache_clear()
    shipped_definitions.cache_clear()


@pytest.fixture
def data(tmp_path, monkeypatch):
    """A copy of the shipped rules and templates as the shipped data, and an empty cache folder."""
    root = tmp_path / "data"
    shutil.copytree(REPO / "rules", root / "rules")
    shutil.copytree(REPO / "templates", root / "templates")
    monkeypatch.setattr(resources, "data_root", lambda: root)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.delenv(datacache.DISABLE_VARIABLE, raising=False)
    monkeypatch.setattr(datacache, "RACY_SECONDS", 0)  # the copies were made just now
    _forget()
    yield root
    _forget()


@pytest.fixture
def loads(monkeypatch):
    """How many times each loader read the files (rather than the cache)."""
    counted = {"ruleset": 0, "parameters": 0}
    real_rules, real_parameters = ruleset._load_ruleset, parameters._load_definitions

    def rules(*args):
        counted["ruleset"] += 1
        return real_rules(*args)

    def definitions(*args):
        counted["parameters"] += 1
        return real_parameters(*args)

    monkeypatch.setattr(ruleset, "_load_ruleset", rules)
    monkeypatch.setattr(parameters, "_load_definitions", definitions)
    return counted


def fresh():
    """The shipped data as a new process would load it."""
    _forget()
    return load_ruleset(), shipped_definitions()


def edit(path, old: str, new: str) -> None:
    """Replace text in a data file, and make sure its modification time moves on (two writes can
    fall in one tick of the file system's clock)."""
    before = path.stat().st_mtime_ns
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    os.utime(path, ns=(before + 1_000_000, before + 1_000_000))


def test_a_second_start_reads_the_cache_and_gets_the_same_data(data, loads):
    from_files = fresh()
    assert loads == {"ruleset": 1, "parameters": 1}
    assert datacache.cache_file("ruleset").is_file()
    assert datacache.cache_file("parameters").is_file()
    from_cache = fresh()
    assert loads == {"ruleset": 1, "parameters": 1}
    assert from_cache == from_files
    assert from_cache[0].sha256 == from_files[0].sha256


def test_a_changed_rule_file_is_read_again(data, loads):
    before, _ = fresh()
    edit(data / "rules" / "LA" / "LA-001" / "rule.yaml", "binding: true", "binding: false")  # now invalid
    with pytest.raises(RuleDataError, match=r"a guidance \(non-binding\) outcome cannot fail"):
        fresh()
    edit(data / "rules" / "LA" / "LA-001" / "rule.yaml", "binding: false", "binding: true")
    after, _ = fresh()
    assert loads["ruleset"] == 3
    assert after == before


def test_a_same_size_edit_of_a_parameter_is_seen(data, loads):
    path = data / "rules" / "parameters" / "max_energy_intensity_tce_per_10k_yuan.yaml"
    fresh()
    text = path.read_text(encoding="utf-8")
    value = next(line for line in text.splitlines() if line.strip().startswith("value:"))
    digit = next(ch for ch in value if ch.isdigit() and ch != "0")
    edit(path, value, value.replace(digit, "0", 1))
    _, definitions = fresh()
    assert loads["parameters"] == 2
    assert definitions == parameters._load_definitions(data / "rules" / "parameters")


def test_a_broken_rule_file_gives_the_same_error_with_a_warm_cache(data):
    fresh()
    edit(data / "rules" / "LA" / "LA-001" / "rule.yaml", "category: LA", "category: XX")
    with pytest.raises(RuleDataError) as warm:
        fresh()
    with pytest.raises(RuleDataError) as direct:
        ruleset._load_ruleset(data / "rules")
    assert str(warm.value) == str(direct.value)
    assert "rules/LA/LA-001/rule.yaml" in str(warm.value)


def test_a_broken_rule_file_is_never_cached(data):
    edit(data / "rules" / "LA" / "LA-001" / "rule.yaml", "category: LA", "category: XX")
    with pytest.raises(RuleDataError):
        fresh()
    with pytest.raises(RuleDataError):
        fresh()  # again, from the files: there is nothing to read from the cache
    assert not datacache.cache_file("ruleset").exists()


@pytest.mark.parametrize(
    "content",
    [b"", b"not a pickle at all", pickle.dumps(("a key of another time", None))[:-3]],
    ids=["empty", "garbage", "truncated"],
)
def test_a_corrupt_cache_file_is_ignored_and_replaced(data, loads, content):
    expected, _ = fresh()
    datacache.cache_file("ruleset").write_bytes(content)
    assert fresh()[0] == expected
    assert loads["ruleset"] == 2
    key, value = pickle.loads(datacache.cache_file("ruleset").read_bytes())
    assert key == datacache.fingerprint() and value == expected


def test_a_cache_file_holding_something_else_is_ignored(data, loads):
    expected, _ = fresh()
    datacache.cache_file("ruleset").write_bytes(pickle.dumps((datacache.fingerprint(), {"rules": []})))
    assert fresh()[0] == expected
    assert loads["ruleset"] == 2


def test_the_cache_can_be_turned_off(data, loads, monkeypatch):
    monkeypatch.setenv(datacache.DISABLE_VARIABLE, "1")
    fresh()
    fresh()
    assert loads == {"ruleset": 2, "parameters": 2}
    assert not datacache.cache_file("ruleset").exists()
    assert not datacache.cache_file("parameters").exists()


def test_without_a_writable_cache_folder_the_data_loads_from_the_files(data, loads, tmp_path, monkeypatch):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    first, _ = fresh()
    second, _ = fresh()
    assert first == second
    assert loads["ruleset"] == 2


def test_the_fingerprint_follows_the_checkers_own_code(data, tmp_path, monkeypatch):
    code = tmp_path / "code"
    code.mkdir()
    module = code / "ruleset.py"
    module.write_text("RULES = 1\n")
    monkeypatch.setattr(datacache, "_PACKAGE", code)
    before = datacache.fingerprint()
    assert datacache.fingerprint() == before
    edit(module, "RULES = 1", "RULES = 2")
    assert datacache.fingerprint() != before


def test_the_fingerprint_follows_code_in_every_subpackage(data, tmp_path, monkeypatch):
    package = tmp_path / "checker"
    (package / "facts").mkdir(parents=True)
    module = package / "facts" / "derived.py"
    module.write_text("FACTOR = 1\n")
    monkeypatch.setattr(datacache, "_PACKAGE", package)
    before = datacache.fingerprint()
    edit(module, "FACTOR = 1", "FACTOR = 2")
    assert datacache.fingerprint() != before


def test_the_fingerprint_covers_the_shipped_package_not_one_subpackage():
    assert (datacache._PACKAGE / "check.py").is_file() and (datacache._PACKAGE / "facts").is_dir()


def test_a_snapshot_folder_is_never_cached(data, loads):
    load_ruleset(data / "rules")
    assert loads["ruleset"] == 1
    assert not datacache.cache_file("ruleset").exists()


def test_a_check_reports_the_same_with_and_without_the_cache(data, monkeypatch):
    def run() -> str:
        _forget()
        result = CliRunner().invoke(check_main, [str(SAMPLE), "--as-of", "2025-06-01", "--format", "json"])
        assert result.exit_code in (0, 1, 3), result.output
        return result.stdout

    cold = run()  # fills the cache
    warm = run()  # reads it
    monkeypatch.setenv(datacache.DISABLE_VARIABLE, "1")
    assert run() == cold == warm


def test_the_switch_turns_the_template_cache_off_too(tmp_path, monkeypatch):
    from checker.reports.render import bytecode_cache

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.setenv(datacache.DISABLE_VARIABLE, "1")
    assert bytecode_cache.__wrapped__() is None
    monkeypatch.setenv(datacache.DISABLE_VARIABLE, "0")
    assert bytecode_cache.__wrapped__() is not None


@pytest.mark.parametrize("setting", ["relative/cache", ""])
def test_a_relative_cache_home_is_not_used(data, tmp_path, monkeypatch, setting):
    monkeypatch.setenv("XDG_CACHE_HOME", setting)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert datacache.user_cache_folder() == tmp_path / "home" / ".cache" / "nm-project-checker"
    monkeypatch.setenv("HOME", "relative-home")
    monkeypatch.chdir(tmp_path)
    assert datacache.user_cache_folder() is None
    first, _ = fresh()
    assert fresh()[0] == first
    assert list(tmp_path.glob("relative*")) == []


def test_a_file_changed_just_now_is_read_and_nothing_is_cached(data, loads, monkeypatch):
    # two edits within one tick of the file system's clock can leave size and times alike
    monkeypatch.setattr(datacache, "RACY_SECONDS", 3600)
    assert datacache.fingerprint() is None
    fresh()
    fresh()
    assert loads == {"ruleset": 2, "parameters": 2}
    assert not datacache.cache_file("ruleset").exists()


def test_an_edit_that_restores_size_and_modification_time_is_seen(data, loads):
    # what `cp -p`, `rsync -a` or `touch -r` leave behind: only the change time tells
    path = data / "rules" / "parameters" / "max_energy_intensity_tce_per_10k_yuan.yaml"
    fresh()
    before = path.stat()
    text = path.read_text(encoding="utf-8")
    value = next(line for line in text.splitlines() if line.strip().startswith("value:"))
    digit = next(ch for ch in value if ch.isdigit() and ch != "0")
    path.write_text(text.replace(value, value.replace(digit, "0", 1), 1), encoding="utf-8")
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert path.stat().st_size == before.st_size and path.stat().st_mtime_ns == before.st_mtime_ns
    _, definitions = fresh()
    assert loads["parameters"] == 2
    assert definitions == parameters._load_definitions(data / "rules" / "parameters")


@pytest.mark.parametrize("where", ["file", "folder"])
def test_a_cache_others_may_write_is_not_loaded(data, loads, where):
    fresh()
    path = datacache.cache_file("ruleset")
    target = path if where == "file" else path.parent
    target.chmod(target.stat().st_mode | 0o002)  # world-writable: anybody could have put code in it
    fresh()
    assert loads["ruleset"] == 2


def test_the_cache_folder_is_private(data):
    fresh()
    assert datacache.cache_file("ruleset").parent.stat().st_mode & 0o077 == 0


def _packing_of(compiled) -> list[tuple[str, tuple[str, ...]]]:
    return [
        (part.fact_kind, tuple(r.id for r in part.rules))
        for entries in compiled._stages
        for _handle, parts in entries
        for part in parts
    ]


@pytest.fixture
def packings(monkeypatch):
    """How many times the engine computed a packing of rules (rather than reading the cache)."""
    from checker.evaluation import durable as engine

    counted = [0]
    real = engine._packed

    def packed(*args):
        counted[0] += 1
        return real(*args)

    monkeypatch.setattr(engine, "_packed", packed)
    return counted


def _compile():
    from checker.check import default_as_of
    from checker.evaluation.durable import CompiledRuleset
    from checker.rules.parameters import resolve

    return CompiledRuleset(load_ruleset(), resolve(default_as_of(), None))


def test_the_engines_packing_of_the_rules_is_cached_and_the_same(data, packings):
    first = _packing_of(_compile())
    computed = packings[0]
    assert computed > 0 and datacache.cache_file("packing").is_file()
    assert _packing_of(_compile()) == first
    assert packings[0] == computed  # read, not computed


def test_a_cached_packing_that_does_not_fit_the_rules_is_computed_again(data, packings):
    first = _packing_of(_compile())
    path = datacache.cache_file("packing")
    key, groups = pickle.loads(path.read_bytes())
    groups[0][0] = groups[0][0][1:]  # a rule missing from its group
    path.write_bytes(pickle.dumps((key, groups)))
    computed = packings[0]
    assert _packing_of(_compile()) == first
    assert packings[0] == 2 * computed


def test_changed_conditions_are_packed_afresh(data, packings):
    from checker.evaluation import durable as engine

    rules = list(load_ruleset().rules)[:3]
    conditions = {rule.id: {f"{rule.id}|applies": [{"a": 1}]} for rule in rules}
    engine._packing([rules], conditions)
    engine._packing([rules], conditions)
    assert packings[0] == 1
    conditions[rules[0].id][f"{rules[0].id}|applies"] = [{"a": 2}]
    engine._packing([rules], conditions)
    assert packings[0] == 2


# ---------------------------------------------------------------- a cache someone else wrote


class _Planted:
    """What another user would put in a cache file: a pickle that runs a command when loaded."""

    def __init__(self, marker) -> None:
        self.marker = str(marker)

    def __reduce__(self):
        return (open, (self.marker, "w"))  # creating the marker proves the code ran


def _foreign(path, how: str) -> None:
    """Make `path` another user's (as root), or writable by the group."""
    if how == "other user":
        import pwd

        os.chown(path, pwd.getpwnam("nobody").pw_uid, -1)
    else:
        path.chmod(path.stat().st_mode | 0o020)


_HOW = [
    pytest.param(
        "other user",
        marks=pytest.mark.skipif(
            not hasattr(os, "geteuid") or os.geteuid() != 0, reason="chown to another user needs root"
        ),
    ),
    "group-writable",
]


@pytest.mark.parametrize("how", _HOW)
def test_a_planted_data_cache_file_is_ignored(data, loads, tmp_path, how):
    fresh()
    path = datacache.cache_file("ruleset")
    marker = tmp_path / "ran"
    key = datacache.fingerprint()
    path.write_bytes(pickle.dumps((key, _Planted(marker))))
    _foreign(path, how)
    fresh()
    assert not marker.exists()
    assert loads["ruleset"] == 2


@pytest.mark.parametrize("how", _HOW)
@pytest.mark.parametrize("where", ["checker folder", "jinja folder"])
def test_a_template_cache_someone_else_may_write_is_never_loaded(tmp_path, monkeypatch, how, where):
    """Jinja's cache file starts with a pickled checksum: loading a planted one runs its code."""
    import jinja2

    from checker.reports import render as report

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.delenv(datacache.DISABLE_VARIABLE, raising=False)
    cache = report.bytecode_cache.__wrapped__()
    assert cache is not None
    env = jinja2.Environment(loader=jinja2.DictLoader({"t": "{{ 1 + 1 }}"}), bytecode_cache=cache)
    assert env.get_template("t").render() == "2"
    (cached,) = (tmp_path / "cache" / "nm-project-checker").glob("jinja-*/*.cache")
    marker = tmp_path / "ran"
    cached.write_bytes(jinja2.bccache.bc_magic + pickle.dumps(_Planted(marker)))
    folder = cached.parent if where == "jinja folder" else cached.parent.parent
    _foreign(cached if how == "other user" else folder, how)
    again = jinja2.Environment(
        loader=jinja2.DictLoader({"t": "{{ 1 + 1 }}"}), bytecode_cache=report.bytecode_cache.__wrapped__() or cache
    )
    assert again.get_template("t").render() == "2"
    assert not marker.exists()


def test_an_own_template_cache_is_used(tmp_path, monkeypatch):
    import jinja2

    from checker.reports import render as report

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.delenv(datacache.DISABLE_VARIABLE, raising=False)
    cache = report.bytecode_cache.__wrapped__()
    first = jinja2.Environment(loader=jinja2.DictLoader({"t": "x"}), bytecode_cache=cache)
    first.get_template("t")
    bucket = cache.get_bucket(first, "t", None, "x")
    assert bucket.code is not None  # read back from the file
    assert (tmp_path / "cache" / "nm-project-checker").stat().st_mode & 0o077 == 0


def test_a_damaged_template_cache_file_is_compiled_afresh(tmp_path, monkeypatch):
    import jinja2

    from checker.reports import render as report

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.delenv(datacache.DISABLE_VARIABLE, raising=False)
    cache = report.bytecode_cache.__wrapped__()
    jinja2.Environment(loader=jinja2.DictLoader({"t": "x"}), bytecode_cache=cache).get_template("t")
    (cached,) = (tmp_path / "cache" / "nm-project-checker").glob("jinja-*/*.cache")
    cached.write_bytes(jinja2.bccache.bc_magic + b"\x80garbage")
    env = jinja2.Environment(loader=jinja2.DictLoader({"t": "x"}), bytecode_cache=cache)
    assert env.get_template("t").render() == "x"


def test_a_planted_file_the_user_owns_still_runs_no_code(data, loads, tmp_path):
    """Past the ownership checks (a file this user's own program wrote there), a cache file may
    name only the checker's data classes and a few standard types: a function is refused, the
    file counts as a miss and the data is read from the files."""
    fresh()
    path = datacache.cache_file("ruleset")
    marker = tmp_path / "ran"
    path.write_bytes(pickle.dumps((datacache.fingerprint(), _Planted(marker))))
    path.chmod(0o600)
    again, _ = fresh()
    assert not marker.exists()
    assert loads["ruleset"] == 2
    assert again.sha256 == load_ruleset().sha256


def test_what_the_checker_stores_it_can_read_back_under_the_restriction(data, loads):
    """Every entry the loaders write is made of allowed classes only: else each start would miss."""
    fresh()
    for name in ("ruleset", "parameters"):
        with open(datacache.cache_file(name), "rb") as fh:
            key, value = datacache._DataOnlyUnpickler(fh).load()
        assert key == datacache.fingerprint()
        assert value is not None
    fresh()
    assert loads == {"ruleset": 1, "parameters": 1}


def test_building_a_checker_scans_the_rule_files_once_and_reads_both_entries(data, loads, monkeypatch):
    import datetime as dt

    from checker.factory import make_checker

    fresh()  # the cache now holds both entries
    scans = []
    real = datacache.fingerprint

    def counted():
        scans.append(1)
        return real()

    monkeypatch.setattr(datacache, "fingerprint", counted)
    _forget()
    checker = make_checker(dt.date(2025, 6, 1), None)
    assert len(scans) == 1
    assert loads == {"ruleset": 1, "parameters": 1}  # both from the cache
    assert checker.params.values
    _forget()
    fresh()  # outside a Checker's building, each load takes its own fingerprint
    assert len(scans) == 3


def test_an_edit_made_while_one_fingerprint_is_pinned_is_seen_by_the_next_start(data, loads):
    path = data / "rules" / "parameters" / "max_energy_intensity_tce_per_10k_yuan.yaml"
    fresh()
    text = path.read_text(encoding="utf-8")
    value = next(line for line in text.splitlines() if line.strip().startswith("value:"))
    digit = next(ch for ch in value if ch.isdigit() and ch != "0")
    _forget()
    with datacache.one_fingerprint():
        load_ruleset()  # the fingerprint is taken here, before the edit
        edit(path, value, value.replace(digit, "0", 1))
        shipped_definitions()  # from the cache: the entry of the files as they were
    assert loads["parameters"] == 1
    _, definitions = fresh()
    assert loads["parameters"] == 2  # the next start sees the edit
    assert definitions == parameters._load_definitions(data / "rules" / "parameters")
