"""The ruleset hash has one definition (`checker.rules.packs.chain_sha256`): the rules loaded from
their folders and a ledger's snapshot of them hash alike, whatever order the files come in."""

from __future__ import annotations

from checker.audit.ledger import snapshot_files, snapshot_sha256
from checker.rules import packs
from checker.rules.ruleset import load_ruleset


def test_the_hash_takes_the_files_in_its_own_order():
    files = list(packs.chain_files(packs.pack_chain()))
    assert len(files) > 10
    assert packs.chain_sha256(reversed(files)) == packs.chain_sha256(files)
    assert packs.chain_sha256(sorted(files, key=lambda f: f[2])) == packs.chain_sha256(files)


def test_a_snapshot_hashes_as_the_loaded_rules_in_any_order():
    ruleset = load_ruleset()
    files = snapshot_files(ruleset)
    assert snapshot_sha256(files) == ruleset.sha256
    assert snapshot_sha256(dict(reversed(list(files.items())))) == ruleset.sha256


def test_a_changed_byte_or_path_changes_the_hash():
    files = list(packs.chain_files(packs.pack_chain()))
    index, relative, content = files[0]
    assert packs.chain_sha256([(index, relative, content + b" "), *files[1:]]) != packs.chain_sha256(files)
    assert packs.chain_sha256([(index, relative + "x", content), *files[1:]]) != packs.chain_sha256(files)
