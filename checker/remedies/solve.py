"""Remedies derived from a rule's own conditions: which keys, changed to which bound, improve its status.

For a finding that is not yet as good as it can be, each outcome of its rule with a better status
(and the rule's `otherwise`) is a target. Reaching it means: every required fact known, every
earlier outcome of a worse status decided false, and the target's own condition true (the
first-hit order of `checker.evaluation.decision`). That conjunction, in disjunctive normal form, gives
alternatives; each alternative's comparisons are met one at a time on a copy of the file:

- a key of the file is set to the bound its comparison names (the parameter in force, a literal,
  or another fact times a factor), or to a word its comparison allows;
- a derived figure (an intensity, a total) is inverted to each input key that can reach the
  bound alone, one key at a time (`checker.facts.derived.READS` names them), and the bound is rounded
  towards the safe side;
- another rule's status is reached through that rule's own remedies.

What the project *is* is never proposed for change: where it is, what it makes, what the rule's
`applies_when` reads, a classification derived from the industry code, and the facts a rule lists
under `remedy.fixed`. Nor is a key ever deleted: an absent figure is never a "no".
Every candidate is then checked as a whole (`checker.remedies.workspace`); only those that improve
the rule's status are kept, with the status the check gave.
"""

from __future__ import annotations

import dataclasses
import decimal
import math
import re
from collections.abc import Callable, Iterator
from typing import Any

from checker.check import CheckResult
from checker.facts.derived import READS
from checker.remedies import keys
from checker.remedies.model import Change, Effect, Remedy, Via
from checker.remedies.workspace import State, Workspace
from checker.rules import conditions as cond
from checker.rules.ruleset import Rule
from checker.verdict.findings import Finding
from checker.vocabulary import IMPROVABLE

# how much better a status is: a remedy must raise it (not_applicable is never aimed at: a rule
# is not met by making it not apply, but reaching it is no worse than a pass)
RANK = {"fail": 0, "missing_info": 1, "review": 2, "warn": 3, "pass": 4, "not_applicable": 4, "waived": 4}
_MAX_CONJUNCTS = 48  # alternatives of one target's condition (the shipped rules need a dozen)
_MAX_BRANCHES = 24  # candidate change sets followed at once for one alternative
_MAX_REMEDIES = 6  # remedies shown for one finding
_MAX_WORDS = 8  # words a comparison may offer as alternatives
_DIRECT_DIGITS = 6  # significant digits of a bound computed from facts (a replacement ≥ energy × 1)
_INVERTED_DIGITS = 4  # significant digits of an input key's bound inverted from a derived figure
_BISECTIONS = 80
_SECANT_STREAK = 4  # secant steps keeping one end before the search bisects instead
# where the items of a per-item rule live in the file
_UNIT_SUFFIXES = (
    ("_kwh", "kWh"),
    ("_tce", "tce"),
    ("_10k_yuan", "万元"),
    ("_m3", "m³"),
    ("_gj", "GJ"),
    ("_ha", "ha"),
    ("_mw", "MW"),
    ("_t", "t"),
)


def key_unit(ruleset: Any, key: str) -> str:
    """The unit of a key of the file: its fact's, or the one its name carries (`_kwh`, `_t`)."""
    generic = _generic(key)
    for name in (key, generic):
        info = ruleset.facts.get(name)
        if info is not None:
            return str(info.unit)
    info = next((f for f in ruleset.facts.values() if f.key == generic), None)
    if info is not None:
        return str(info.unit)
    last = key.rsplit(".", 1)[-1]
    return next((unit for suffix, unit in _UNIT_SUFFIXES if last.endswith(suffix)), "")


def _generic(key: str) -> str:
    """`project.products[0].unit` → `project.products[].unit`."""
    out, depth = [], 0
    for char in key:
        if char == "[":
            depth += 1
            out.append("[")
        elif char == "]":
            depth -= 1
            out.append("]")
        elif depth == 0:
            out.append(char)
    return "".join(out)


class _Subject:
    """What a rule judges: the project, or one item (product, boiler) of a per-item rule."""

    def __init__(self, rule: Rule, index: int | None) -> None:
        self.rule = rule
        self.collection = rule.spec.for_each
        self.index = index

    def value(self, state: State, fact: str) -> Any:
        if fact.startswith("item."):
            items = state.items.get(self.collection or "", [])
            if self.index is None or self.index >= len(items):
                return None
            return items[self.index].get(fact[5:])
        return state.facts.get(fact)


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _compare(value: Any, op: str, operand: Any) -> bool:
    if value is None or operand is None:
        return False
    if op in ("in", "not_in"):
        listed = list(operand) if isinstance(operand, list | dict | tuple) else [operand]
        return (value in listed) == (op == "in")
    if op in ("eq", "ne"):
        same = value == operand if _number(value) == _number(operand) else False
        return same if op == "eq" else not same
    if not (_number(value) and _number(operand)):
        return False
    return bool({"gt": value > operand, "gte": value >= operand, "lt": value < operand, "lte": value <= operand}[op])


class Solver:
    """The remedies of one checked project's findings."""

    def __init__(self, result: CheckResult) -> None:
        self.space = Workspace(result)
        self.result = result
        self.ruleset = result.ruleset
        self.params = result.params
        self.rules = result.ruleset.by_id()
        self._inversions: dict[tuple[Any, ...], Change | None] = {}

    # ------------------------------------------------------------ evaluating on a changed file

    def operand(self, subject: _Subject, state: State, operand: Any) -> Any:
        if isinstance(operand, cond.ParamRef):
            value = self.params[operand.name].value
            if operand.key is not None:
                product = subject.value(state, operand.key)
                return value.get(product) if isinstance(value, dict) else None
            return value
        if isinstance(operand, cond.FactRef):
            other = subject.value(state, operand.name)
            times = operand.times
            if isinstance(times, cond.ParamRef):
                times = self.params[times.name].value
            if other is None or not _number(other):
                return None
            return other * times if times is not None else other
        return operand

    def holds(self, subject: _Subject, state: State, changes: tuple[Change, ...], literal: Any) -> bool:
        if isinstance(literal, cond.Present):
            return subject.value(state, literal.fact) is not None
        if isinstance(literal, cond.Absent):
            return subject.value(state, literal.fact) is None
        if isinstance(literal, cond.Compare):
            return _compare(
                subject.value(state, literal.fact), literal.op, self.operand(subject, state, literal.operand)
            )
        if isinstance(literal, cond.RuleStatus):
            checked = self.space.check(changes)
            if checked is None:
                return False
            decided = checked.decided.get(literal.rule)
            return decided is not None and decided in literal.statuses
        raise TypeError(literal)  # pragma: no cover

    # ------------------------------------------------------------ what may change

    def fixed(self, rule: Rule) -> set[str]:
        """Facts of the rule no remedy changes: what `applies_when` reads and the rule's hints."""
        found = set(cond.facts_named(rule.spec.applies_when)) if rule.spec.applies_when is not None else set()
        found |= {"item.product", "item.undeclared"}
        if rule.spec.remedy is not None:
            found |= set(rule.spec.remedy.fixed)
        return found

    def item_key(self, subject: _Subject, fact: str) -> str | None:
        """The file's key of an item fact for this item (`project.products[1].unit_energy_kgce`)."""
        info = self.ruleset.facts.get(fact)
        if info is None or info.key is None or "[]" not in info.key or subject.index is None:
            return None
        return info.key.replace("[]", f"[{subject.index}]", 1)

    def lever(self, subject: _Subject, fact: str) -> str | None:
        """The key of the file a change of `fact` writes, if the fact is one the applicant sets."""
        if fact in self.fixed(subject.rule):
            return None
        if fact.startswith("item."):
            return self.item_key(subject, fact)
        if fact in READS or "." not in fact:
            return None
        return fact if keys.field(fact).kind != "other" else None

    # ------------------------------------------------------------ meeting one comparison

    def options(
        self, subject: _Subject, state: State, changes: tuple[Change, ...], literal: Any, depth: int
    ) -> list[tuple[Change, ...]]:
        """Alternative sets of changes, each of which meets `literal` (given `changes`)."""
        if isinstance(literal, cond.Present):
            key = self.lever(subject, literal.fact)
            if key is not None and keys.field(key).kind == "text":
                return [(Change(key, "present", None, ""),)]
            return []
        if isinstance(literal, cond.RuleStatus):
            if depth >= 2:
                return []
            other = self.rules.get(literal.rule)
            if other is None:
                return []
            wanted = (literal.rule, literal.statuses)
            return [
                tuple(dataclasses.replace(c, for_rule=c.for_rule or wanted) for c in found)
                for found, _status in self.rule_candidates(other, changes, depth + 1, literal.statuses)
            ]
        if not isinstance(literal, cond.Compare):
            return []
        found: list[tuple[Change, ...]] = []
        bound = self.operand(subject, state, literal.operand)
        operand = literal.operand
        if bound is not None:
            direct = self._set(
                subject, state, changes, literal.fact, literal.op, bound, computed=isinstance(operand, cond.FactRef)
            )
            if isinstance(operand, cond.FactRef):  # say what the computed bound is
                against = self._against(operand)
                direct = [tuple(dataclasses.replace(c, against=against) for c in option) for option in direct]
            found += direct
        value = subject.value(state, literal.fact)
        if isinstance(operand, cond.FactRef) and _number(value) and literal.op in ("gt", "gte", "lt", "lte"):
            times = operand.times
            if isinstance(times, cond.ParamRef):
                times = self.params[times.name].value
            factor = 1.0 if times is None else float(times)
            if factor > 0:  # fact OP other × factor  ⟺  other OP' fact / factor
                flipped = {"gt": "lt", "gte": "lte", "lt": "gt", "lte": "gte"}[literal.op]
                found += self._set(subject, state, changes, operand.name, flipped, value / factor, computed=True)
        return found

    def _against(self, operand: cond.FactRef) -> tuple[str, str, Any]:
        """The fact a computed bound comes from, by its labels, and the factor applied to it."""
        info = self.ruleset.facts.get(operand.name)
        times = operand.times
        if isinstance(times, cond.ParamRef):
            times = self.params[times.name].value
        zh, en = (info.label.zh, info.label.en) if info is not None else (operand.name, operand.name)
        return zh, en, 1 if times is None else times

    def _set(
        self,
        subject: _Subject,
        state: State,
        changes: tuple[Change, ...],
        fact: str,
        op: str,
        bound: Any,
        computed: bool,
    ) -> list[tuple[Change, ...]]:
        """Changes that make `fact op bound` hold: the key itself, or the inputs of a figure."""
        key = self.lever(subject, fact)
        if key is not None:
            change = self._direct(key, op, bound, computed)
            return [(c,) for c in change]
        inverse = fact in READS and fact not in self.fixed(subject.rule) and op in ("gt", "gte", "lt", "lte")
        if inverse and _number(bound):
            return [(c,) for c in self._inverted(subject.rule, changes, fact, op, float(bound))]
        return []

    def _direct(self, key: str, op: str, bound: Any, computed: bool) -> list[Change]:
        """A key set to meet `op bound`: the bound itself (rounded towards the safe side when it
        was computed from other facts), a word the comparison allows, a yes or a no."""
        spec = keys.field(key)
        unit = key_unit(self.ruleset, key)
        if spec.kind == "number":
            if op in ("in", "not_in"):
                values = [v for v in (bound if isinstance(bound, list) else [bound]) if _number(v)]
                return [Change(key, "eq", v, unit) for v in values][:_MAX_WORDS] if op == "in" else []
            if not _number(bound):
                return []
            low = spec.minimum if spec.minimum is not None else -math.inf
            high = spec.maximum if spec.maximum is not None else math.inf
            if op == "ne":
                return [Change(key, "gt", bound, unit)] if bound >= low and bound < high else []
            if computed and op in ("gt", "gte", "lt", "lte"):
                bound = _rounded(float(bound), up=op in ("gt", "gte"), digits=_DIRECT_DIGITS)
            if op in ("lte", "eq") and bound == low:
                return [Change(key, "eq", bound, unit)]
            fits = {
                "gt": bound < high,
                "gte": bound <= high,
                "lt": bound > low,
                "lte": bound >= low,
                "eq": low <= bound <= high,
            }
            return [Change(key, op, bound, unit)] if fits.get(op, False) else []
        if spec.kind in ("flag", "word"):
            listed = bound if isinstance(bound, list) else [bound]
            allowed = {
                "eq": [w for w in spec.words if w == bound],
                "ne": [w for w in spec.words if w != bound],
                "in": [w for w in spec.words if w in listed],
                "not_in": [w for w in spec.words if w not in listed],
            }.get(op, [])
            return [Change(key, "eq", w, unit) for w in allowed][:_MAX_WORDS]
        return []

    def _inverted(self, rule: Rule, changes: tuple[Change, ...], fact: str, op: str, bound: float) -> list[Change]:
        """Each input key of a derived figure that, alone, brings it to `op bound`, with the
        key's bound (found by bisection, the figure being monotone in each of its inputs)."""
        info = self.ruleset.facts.get(fact)
        via = Via(
            fact, op, bound, info.unit if info else "", info.label.zh if info else fact, info.label.en if info else fact
        )
        found: list[Change] = []
        fixed = self.fixed(rule)
        state = self.space.state(changes)
        if state is None:
            return []
        for key in self._inputs(fact, state):
            if key in fixed:
                continue
            memo = (changes, fact, op, bound, key)
            if memo not in self._inversions:
                self._inversions[memo] = self._invert_key(changes, fact, op, bound, key, via)
            change = self._inversions[memo]
            if change is not None:
                found.append(change)
        return found

    def _inputs(self, fact: str, state: State) -> Iterator[str]:
        """The numeric keys of the file a derived figure reads, a section standing for the keys
        of it the file gives (an energy carrier the file leaves out is not added)."""
        seen: set[str] = set()
        for name in READS[fact]:
            if "." not in name:
                section = state.data.get(name)
                candidates = [f"{name}.{k}" for k in section] if isinstance(section, dict) else []
            else:
                candidates = [name]
            for key in candidates:
                if key not in seen and keys.field(key).kind == "number":
                    seen.add(key)
                    yield key

    def _invert_key(
        self, changes: tuple[Change, ...], fact: str, op: str, bound: float, key: str, via: Via
    ) -> Change | None:
        spec = keys.field(key)
        low = spec.minimum if spec.minimum is not None else 0.0
        high = spec.maximum if spec.maximum is not None else 1e15
        current = self.space.state(changes)
        start = keys.get(current.data, key) if current is not None else None

        base = _without(changes, key)

        seen: dict[float, Any] = {}

        def figure(x: float) -> Any:
            if x not in seen:
                seen[x] = self.space.metric(base, key, x, fact)
            return seen[x]

        def meets(x: float) -> bool:
            return _compare(figure(x), op, bound)

        x0 = float(start) if start is not None and _number(start) else None
        if x0 is not None and meets(x0):
            return None  # this key is not what keeps the figure off its bound
        probes = sorted(
            {min(max(p, low), high) for p in _probes(x0)},
            key=lambda p: abs(p - x0) if x0 is not None else p,
        )
        found_good = next((p for p in probes if meets(p)), None)
        if found_good is None:
            return None
        good: float = found_good
        bad = x0
        if bad is None:
            bad = next((p for p in sorted(probes, key=lambda p: abs(p - good)) if p != good and not meets(p)), None)
            if bad is None:
                return None
        scale = abs(good - bad)

        def settled(near: float, far: float) -> bool:
            return _settled(near, far, low, high, bad, scale, meets)

        good = _boundary(figure, meets, bound, good, bad, settled)
        if bad == low and abs(good - low) <= 1e-12 * scale:
            # any value past the least meets it (a value added above nought): say so, exactly
            return Change(key, "gt", low, key_unit(self.ruleset, key), via)
        up = good > bad
        tries = [
            min(max(value, low), high)
            for digits in range(_INVERTED_DIGITS, 16)
            for value in (_nearest(good, digits), _rounded(good, up=up, digits=digits))
        ]
        for value in tries:
            if meets(value):
                op = "eq" if not up and value == low else ("gte" if up else "lte")
                return Change(key, op, value, key_unit(self.ruleset, key), via)
        return None

    # ------------------------------------------------------------ candidates of one rule

    def targets(self, rule: Rule, status: str) -> list[tuple[str, cond.Condition]]:
        """Each better status the rule can give, with the condition of reaching it: the required
        facts known, each earlier outcome of a worse status decided false (and one that would
        otherwise stay undecided, asking for information, decided), the outcome's own condition."""
        spec = rule.spec
        found: list[tuple[str, cond.Condition]] = []
        goals = [(o.status, index) for index, o in enumerate(spec.outcomes)] + [(spec.otherwise, None)]
        for goal, index in goals:
            if goal == "not_applicable" or RANK[goal] <= RANK[status]:
                continue
            parts: list[cond.Condition] = [cond.Present(fact) for fact in spec.requires]
            for outcome in spec.outcomes[: index if index is not None else len(spec.outcomes)]:
                worse = RANK[outcome.status] < RANK[goal]
                undecided = outcome.when_unknown is not None and RANK["missing_info"] < RANK[goal]
                if undecided:
                    parts.append(cond.negate(outcome.when))
                elif worse:
                    parts.append(_not_true(outcome.when))
            if index is not None:
                parts.append(spec.outcomes[index].when)
            found.append((goal, cond.All(tuple(parts))))
        return found

    def subject_candidates(
        self, subject: _Subject, status: str, start: tuple[Change, ...], depth: int, wanted: tuple[str, ...] = ()
    ) -> list[tuple[tuple[Change, ...], str]]:
        """Change sets (beyond `start`) that meet the condition of a better status of the subject."""
        found: list[tuple[tuple[Change, ...], str]] = []
        seen: set[tuple[Change, ...]] = set()
        for goal, condition in self.targets(subject.rule, status):
            if wanted and goal not in wanted:
                continue
            for conjunct in _dnf(condition)[:_MAX_CONJUNCTS]:
                for changes in self._meet(subject, conjunct, start, depth):
                    extra = tuple(c for c in changes if c not in start)
                    if extra and extra not in seen:
                        seen.add(extra)
                        found.append((extra, goal))
        return found

    def _meet(
        self, subject: _Subject, literals: tuple[Any, ...], start: tuple[Change, ...], depth: int
    ) -> list[tuple[Change, ...]]:
        """Change sets that make every literal hold, met one at a time on the changed file."""
        ordered = sorted(literals, key=lambda lit: (isinstance(lit, cond.Present), isinstance(lit, cond.RuleStatus)))
        done: list[tuple[Change, ...]] = []
        frontier = [start]
        for _ in range(2 * len(ordered) + 2):
            following: list[tuple[Change, ...]] = []
            for changes in frontier:
                state = self.space.state(changes)
                if state is None:
                    continue
                unmet = next((lit for lit in ordered if not self.holds(subject, state, changes, lit)), None)
                if unmet is None:
                    done.append(changes)
                    continue
                for option in self.options(subject, state, changes, unmet, depth):
                    merged = _merge(changes, option)
                    if merged != changes and merged not in following:
                        following.append(merged)
            frontier = following[:_MAX_BRANCHES]
            if not frontier:
                break
        return done

    def rule_candidates(
        self, rule: Rule, start: tuple[Change, ...], depth: int, wanted: tuple[str, ...] = ()
    ) -> list[tuple[tuple[Change, ...], str]]:
        """Change sets that improve the rule on the file after `start`: per item for a per-item
        rule (every item worse than the goal improved together)."""
        checked = self.space.check(start)
        if checked is None:
            return []
        decided = checked.decided.get(rule.id)
        if decided is None:
            return []
        if not rule.spec.for_each:
            return self.subject_candidates(_Subject(rule, None), decided, start, depth, wanted)
        items = checked.items[rule.id]
        per_item = {
            index: self.subject_candidates(_Subject(rule, index), status, start, depth, wanted)
            for index, status in items
            if status in IMPROVABLE
        }
        goals = sorted({goal for options in per_item.values() for _c, goal in options}, key=lambda g: -RANK[g])
        found = []
        for goal in goals:
            combined: tuple[Change, ...] = ()
            for index, status in items:
                if RANK[status] >= RANK[goal]:
                    continue
                options = sorted((c for c, g in per_item.get(index, []) if RANK[g] >= RANK[goal]), key=len)
                if not options:
                    break
                combined = _merge(combined, options[0])
            else:
                if combined:
                    found.append((combined, goal))
        return found

    # ------------------------------------------------------------ remedies of a finding

    def remedies(self, finding: Finding) -> list[Remedy]:
        rule = finding.rule
        before = finding.status
        kept: list[Remedy] = []
        for changes, goal in self.rule_candidates(rule, (), 0):
            remedy = self._tried(finding, changes)
            if remedy is not None:
                kept.append(dataclasses.replace(remedy, goal=goal))
        kept = _smallest(kept)
        bounded = [r for r in (self._bounded(finding, remedy) for remedy in kept[:_MAX_REMEDIES]) if r is not None]
        if bounded:
            return bounded
        if before == "missing_info" and finding.missing_keys:
            asked = tuple(
                self.labelled(Change(key, "present", None, key_unit(self.ruleset, key))) for key in finding.missing_keys
            )
            return [Remedy(rule.id, "supply", before, asked)]
        note = rule.spec.remedy.note if rule.spec.remedy is not None else None
        return [Remedy(rule.id, "none", before, note=note)]

    def _tried(self, finding: Finding, changes: tuple[Change, ...]) -> Remedy | None:
        """The remedy if checking the changed file improves the finding's status, else None."""
        checked = self.space.check(changes)
        if checked is None:
            return None
        after = checked.reported
        status = after.get(finding.id)
        if status is None or RANK[status] <= RANK[finding.status]:
            return None
        effects = tuple(
            Effect(f.id, f.status, after[f.id])
            for f in self.result.findings
            if f.id != finding.id and f.id in after and RANK[after[f.id]] < RANK[f.status]
        )
        labels = tuple(dict.fromkeys(_item_label(finding, c.key) for c in changes if "[" in c.key))
        cost = sum(self._distance(c) for c in changes)
        changes = tuple(self.labelled(c) for c in changes)
        return Remedy(finding.id, "change", finding.status, changes, status, effects, items=labels, cost=cost)

    def _bounded(self, finding: Finding, remedy: Remedy) -> Remedy | None:
        """The remedy with each bound it states held in the direction it states, or None.

        A bound is found where a comparison of the rule's conditions is met, and checked at that
        value; but `≥` and `≤` say every value beyond it does as well, and a rule may turn worse
        further on, or another rule (declaring electricity completes a balance; enough of it
        raises the carbon intensity above its cap, and fails the high-energy test first). So
        each bound is checked again at its key's end, the others as stated (ten times as far
        from nought where the file format refuses the end: a coal quantity below its
        feedstock). The figures the rules compare move one way with a key (a larger consumption,
        a smaller value added), so what turns worse on the way is worse there too. Where that
        gives less than the remedy says (the rule's status, or another rule worse than its
        effects say), the bound is followed: one that turns is bounded from that side too (`≥ a`
        and `≤ b`, the values between giving what the remedy says), or stated as its value if no
        other is found. A value the file format refuses is no value of a bound."""
        bounds = [c for c in remedy.changes if c.op in _INEQUALITIES and _number(c.value)]
        if not bounds:
            return remedy
        holds = self._as_stated(finding, remedy)
        # bounds of one key of several items (each product's unit energy) move out together, one
        # check for them all; bounds of different keys one at a time, since one may make up for
        # another (more value added for more electricity)
        groups: dict[tuple[str, bool], list[Change]] = {}
        for change in bounds:
            groups.setdefault((_generic(change.key), change.op in ("gt", "gte")), []).append(change)

        def group_holds(group: list[Change]) -> bool:
            def at(step: int) -> bool | None:
                return holds(_moved_out(remedy.changes, group, step))

            return _holds_beyond(at)

        followed = [change for group in groups.values() if not group_holds(group) for change in group]
        if not followed:
            return remedy
        out: list[Change] = []
        for change in remedy.changes:
            if change not in followed:
                out.append(change)
                continue
            found = self._far_end(holds, remedy.changes, change)
            if isinstance(found, _Unsaid):
                return None
            if found is None:
                # holds alone but not with the others of its key moved out too (items that add
                # up): the value checked, as its value
                out.append(change if change.op in ("gt", "lt") else dataclasses.replace(change, op="eq"))
            elif found == change.value:
                out.append(dataclasses.replace(change, op="eq"))
            else:
                up = change.op in ("gt", "gte")
                out += [change, dataclasses.replace(change, op="lte" if up else "gte", value=found, via=None)]
        return dataclasses.replace(remedy, changes=tuple(out))

    def _as_stated(self, finding: Finding, remedy: Remedy) -> Callable[[tuple[Change, ...]], bool | None]:
        """Whether the file after some changes gives what the remedy says: the rule's status (or
        a better one), and no other rule worse than before or than the remedy's effects say;
        None if the changes make the file invalid input."""
        wanted = RANK[remedy.status or "fail"]
        floor = {f.id: RANK[f.status] for f in self.result.findings if f.id != finding.id}
        for effect in remedy.effects:
            floor[effect.rule] = min(floor.get(effect.rule, RANK["pass"]), RANK[effect.after])

        def holds(changes: tuple[Change, ...]) -> bool | None:
            checked = self.space.check(changes)
            if checked is None:
                return None
            after = checked.reported
            status = after.get(finding.id)
            if status is None or RANK[status] < wanted:
                return False
            return all(RANK[after[rule]] >= rank for rule, rank in floor.items() if rule in after)

        return holds

    def _far_end(
        self, holds: Callable[[tuple[Change, ...]], bool | None], changes: tuple[Change, ...], change: Change
    ) -> float | _Unsaid | None:
        """None if the file keeps what the remedy says further out in the direction `change`
        states (the other changes as stated); else the farthest value found that keeps it,
        rounded towards the bound, or `_UNSAID` if not even the bound does."""
        spec = keys.field(change.key)
        low = spec.minimum if spec.minimum is not None else 0.0
        high = spec.maximum if spec.maximum is not None else _KEY_END
        value, up = float(change.value), change.op in ("gt", "gte")

        def at(x: float) -> bool | None:
            return holds(tuple(dataclasses.replace(c, op="eq", value=x) if c is change else c for c in changes))

        bad = None
        for x in _beyond(value, up, low, high):
            found = at(x) if x is not None else None
            if found is not None:
                bad = None if found else x
                break
        if bad is None:
            return None
        strict = change.op in ("gt", "lt")
        good = _past(value, up) if strict else value
        if at(good) is not True:
            return _UNSAID
        for _ in range(_BISECTIONS):
            if _nearest(good, _INVERTED_DIGITS) == _nearest(bad, _INVERTED_DIGITS):
                break
            geometric = good > 0 and bad > 0 and max(good, bad) > 4 * min(good, bad)
            middle = math.sqrt(good * bad) if geometric else (good + bad) / 2
            if middle in (good, bad):
                break
            if at(middle) is True:
                good = middle
            else:  # worse, or a value the format refuses: the bound stops before it
                bad = middle
        end = good
        for digits in range(_INVERTED_DIGITS, 16):
            rounded = _rounded(good, up=not up, digits=digits)
            beyond = rounded > value if up else rounded < value
            if (beyond or (rounded == value and not strict)) and at(rounded) is True:
                end = rounded
                break
        if isinstance(change.value, int) and float(end).is_integer():
            return int(end)
        return end

    def _distance(self, change: Change) -> float:
        """How far a change moves the file: a declaration nothing, a figure by its relative change."""
        if change.op == "present":
            return 0.0
        old = keys.get(self.space.data, change.key)
        if _number(old) and _number(change.value) and old != 0:
            return float(min(abs(change.value - old) / abs(old), 10.0))
        return 1.0  # a figure given where there was none (or nought): any value is as far

    def labelled(self, change: Change) -> Change:
        """The change with the label of the fact read from its key, for the reports."""
        generic = re.sub(r"\[\d+\]", "[]", change.key)
        facts = self.ruleset.facts
        info = facts.get(change.key) or next((f for f in facts.values() if f.key in (change.key, generic)), None)
        if info is None:
            return change
        return dataclasses.replace(change, label=(info.label.zh, info.label.en))


def _item_label(finding: Finding, key: str) -> str:
    index = int(key.split("[", 1)[1].split("]", 1)[0])
    item = next((i for i in finding.items if i.index == index), None)
    return item.label_zh if item is not None else str(index)


def _smallest(found: list[Remedy]) -> list[Remedy]:
    """Remedies best first (fewest changes, then the better status), without one that changes
    more keys than another for no better status. Changes of the same keys that give a worse
    status are kept only as the smaller change (unit energy at the base level: warn, beside the
    benchmark: pass); supplying a missing figure that would warn is no alternative to one that
    passes."""
    ordered = sorted(found, key=lambda r: (len(r.changes), -RANK[r.status or "fail"], len(r.effects), r.cost))
    kept: list[Remedy] = []
    for remedy in ordered:
        mine = {c.key for c in remedy.changes}
        rank = RANK[remedy.status or "fail"]
        if any(
            {c.key for c in other.changes} <= mine
            and RANK[other.status or "fail"] >= rank
            and (
                {c.key for c in other.changes} != mine
                or RANK[other.status or "fail"] == rank
                or other.cost <= remedy.cost
            )
            for other in kept
        ):
            continue
        kept.append(remedy)
    return kept


def _settled(near: float, far: float, low: float, high: float, origin: float, scale: float, meets: Any) -> bool:
    """Whether every value of a key from `near` (meets the bound) towards `far` (does not) gives
    the same change as `_invert_key` says it: the first value it tries, the key rounded to 4
    digits, is the same at both ends (rounding to fixed digits is monotone, so it is the same
    between them) and meets the bound; and no value there is near enough the least value
    (`origin` being it) that "any value past the least" is said instead."""
    first = min(max(_nearest(near, _INVERTED_DIGITS), low), high)
    if min(max(_nearest(far, _INVERTED_DIGITS), low), high) != first:
        return False
    if origin == low and min(abs(near - low), abs(far - low)) <= 1e-12 * scale:
        return False
    return bool(meets(first))


def _boundary(
    figure: Any,
    meets: Any,
    bound: float,
    good: float,
    bad: float,
    settled: Callable[[float, float], bool] | None = None,
) -> float:
    """The value of a key nearest `bad` at which the figure still meets its bound, found between
    a value that meets it (`good`) and one that does not, by the Illinois variant of regula falsi
    (a step or two for a figure linear in the key, such as an energy total; quick for one that
    bends, such as an intensity in its value added), by bisection where the figure is unknown.

    The value found always lies between `good` and `bad` as they stand at any step; `settled`
    (given both) says when every value there leads to the same bound said, and the search stops
    with the current `good`: an exact hit (a bound reached at a round value, where the secant
    estimate can no longer move and each further step only halves the gap on the other side)
    would otherwise take some thirty more figures to close a gap the bound's 4 digits never see."""

    def gap(x: float) -> float | None:
        value = figure(x)
        return float(value) - bound if _number(value) else None

    g_good, g_bad = gap(good), gap(bad)
    kept = ""  # the end kept by the last step: an end kept twice has its gap halved
    streak = 0  # steps in a row that kept the same end
    for _ in range(_BISECTIONS):
        if abs(good - bad) <= 1e-9 * max(abs(good), abs(bad), 1e-6):
            break
        if settled is not None and settled(good, bad):
            break
        middle = (good + bad) / 2
        # a figure flat on one side (a net figure clamped at nought) leaves the secant creeping
        # from one end while the other's gap is halved some thirty times: past a few such steps,
        # bisect
        if streak < _SECANT_STREAK and g_good is not None and g_bad is not None and g_good != g_bad:
            estimate = good - g_good * (bad - good) / (g_bad - g_good)
            if min(good, bad) < estimate < max(good, bad):
                middle = estimate
        if middle in (good, bad):
            break
        g_middle = gap(middle)
        keeping = "bad" if meets(middle) else "good"
        streak = streak + 1 if keeping == kept else 1
        if keeping == "bad":
            good, g_good = middle, g_middle
            if kept == "bad" and g_bad is not None:
                g_bad /= 2
        else:
            bad, g_bad = middle, g_middle
            if kept == "good" and g_good is not None:
                g_good /= 2
        kept = keeping
    return good


def _without(changes: tuple[Change, ...], key: str) -> tuple[Change, ...]:
    return tuple(c for c in changes if c.key != key)


def _merge(changes: tuple[Change, ...], more: tuple[Change, ...]) -> tuple[Change, ...]:
    """`changes` with `more` laid over them: a later change of a key replaces the earlier."""
    out = list(changes)
    for change in more:
        out = [c for c in out if c.key != change.key]
        out.append(change)
    return tuple(out)


# the largest value a remedy's check writes into a key without a maximum of its own
_KEY_END = 1e15
_INEQUALITIES = ("gt", "gte", "lt", "lte")


class _Unsaid:
    """A bound that no longer gives what its remedy says, even at itself."""


_UNSAID = _Unsaid()


def _beyond(value: float, up: bool, low: float, high: float) -> tuple[float | None, float | None]:
    """Two values of a key further than `value` in the direction a bound states: the key's end,
    and, for when the format refuses the end (a coal quantity below its feedstock), ten times as
    far from nought (one, from nought itself); None where there is none."""
    if up:
        near = min(value * 10 if value > 0 else (value / 10 if value < 0 else 1.0), high)
        return (high if high > value else None, near if value < near < high else None)
    near = max(value / 10 if value > 0 else (value * 10 if value < 0 else -1.0), low)
    return (low if low < value else None, near if low < near < value else None)


def _holds_beyond(holds_at: Callable[[int], bool | None]) -> bool:
    """Whether a remedy still holds with its bounds moved out (`holds_at(step)`, a step of
    `_beyond`): at the keys' ends, or, where the format refuses them, ten times as far out."""
    for step in range(2):
        found = holds_at(step)
        if found is not None:
            return found
    return True  # nothing beyond the bounds the format takes: no value to say it of


def _moved_out(changes: tuple[Change, ...], bounds: list[Change], step: int) -> tuple[Change, ...]:
    """The changes with every bound moved out together to its `step`th value `_beyond` it
    (a bound with none stays as stated)."""
    out = []
    for change in changes:
        if change in bounds:
            spec = keys.field(change.key)
            low = spec.minimum if spec.minimum is not None else 0.0
            high = spec.maximum if spec.maximum is not None else _KEY_END
            far = _beyond(float(change.value), change.op in ("gt", "gte"), low, high)[step]
            if far is not None:
                change = dataclasses.replace(change, op="eq", value=far)
        out.append(change)
    return tuple(out)


def _past(value: float, up: bool) -> float:
    """A value just past a strict bound, as `workspace.concrete` writes it to test it."""
    step = max(abs(value), 1.0) * 1e-9
    return value + step if up else value - step


def _probes(x0: float | None) -> list[float]:
    base = [0.0, 1.0, 1e3, 1e6, 1e9, 1e12]
    if x0 is None or x0 == 0:
        return base
    return base + [x0 * f for f in (0.5, 0.1, 0.01, 2.0, 10.0, 100.0, 1000.0)]


def _rounded(value: float, up: bool, digits: int) -> float:
    """`value` rounded to `digits` significant digits towards +∞ (`up`) or -∞, as a short float."""
    if value == 0 or not math.isfinite(value):
        return value
    exponent = math.floor(math.log10(abs(value))) - digits + 1
    if abs(exponent) > _FLOAT_SCALE_LIMIT:  # 10**exponent under- or overflows a float
        return _rounded_decimal(value, up, exponent)
    scale = 10.0**exponent
    steps = math.ceil(value / scale) if up else math.floor(value / scale)
    text = f"{steps * scale:.{max(0, -exponent)}f}"
    result = float(text)
    if (up and result < value) or (not up and result > value):  # a float step the wrong way
        result = float(f"{(steps + (1 if up else -1)) * scale:.{max(0, -exponent)}f}")
    return result


_FLOAT_SCALE_LIMIT = 300


def _rounded_decimal(value: float, up: bool, exponent: int) -> float:
    """`value` rounded at the decimal place 10**exponent, in decimal arithmetic: for values so
    small or large (a subnormal storage power, say) that the power of ten is no float."""
    rounding = decimal.ROUND_CEILING if up else decimal.ROUND_FLOOR
    quantum = decimal.Decimal((0, (1,), exponent))
    with decimal.localcontext() as context:
        context.prec = 1000
        context.Emin, context.Emax = -10_000, 10_000
        result = float(decimal.Decimal(repr(value)).quantize(quantum, rounding=rounding))
    if (up and result < value) or (not up and result > value):  # the float nearest went back
        result = math.nextafter(result, math.inf if up else -math.inf)
    return result


def _nearest(value: float, digits: int) -> float:
    """`value` rounded to `digits` significant digits, as a short float."""
    if value == 0 or not math.isfinite(value):
        return value
    return float(f"{value:.{digits - 1}e}")


def _not_true(condition: cond.Condition) -> cond.Condition:
    """What passes an outcome without `when_unknown` by: its condition false, or left undecided
    by an absent derived figure (the engine then goes on to the next outcome). A replacement
    compared with a consumption the file leaves uncomputable passes the "replacement too small"
    outcome once it covers what can be summed; a strict negation would call that impossible."""
    return _open_to_absent(cond.negate(condition))


def _open_to_absent(condition: cond.Condition) -> cond.Condition:
    if isinstance(condition, cond.All):
        return cond.All(tuple(_open_to_absent(part) for part in condition.items))
    if isinstance(condition, cond.AnyOf):
        return cond.AnyOf(tuple(_open_to_absent(part) for part in condition.items))
    if isinstance(condition, cond.Compare):
        names = [condition.fact]
        if isinstance(condition.operand, cond.FactRef):
            names.append(condition.operand.name)
        derived = [name for name in names if name in READS]
        if derived:
            return cond.AnyOf((*(cond.Absent(name) for name in derived), condition))
    return condition


def _dnf(condition: cond.Condition) -> list[tuple[Any, ...]]:
    """The condition as alternatives of literals (comparisons, present, absent, rule statuses)."""
    if isinstance(condition, cond.All):
        out: list[tuple[Any, ...]] = [()]
        for part in condition.items:
            out = [a + b for a in out for b in _dnf(part)][: _MAX_CONJUNCTS * 4]
        return out
    if isinstance(condition, cond.AnyOf):
        return [alt for part in condition.items for alt in _dnf(part)]
    if isinstance(condition, cond.Not):
        return _dnf(cond.negate(condition.item))
    return [(condition,)]
