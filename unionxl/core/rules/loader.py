"""Loading rule packs (TOML) and choosing the rule versions in force in a year.

A pack is a ``[pack]`` table and a list of ``[[rules]]``. Every rule names one checker
``kind`` with its parameters, validated against the kind's declarations. Packs come in
layers: the national packs, the province's packs, then the union's own (``--rules``), each
later one in its own layer. Within a layer, rules with the same ``id`` in different packs are
*versions* of one rule, told apart by their periods; a higher layer's rule with the same
``id`` replaces the lower layers' for the years it is in force, and ``override = true``
changes only the keys it gives.

Which version applies to a book of year Y (see docs/fund-rules.md):
- a version applies when its period (``effective_from`` … ``effective_to``, inclusive, the
  pack's period by default) shares a day with the calendar year Y;
- a *row* kind (a check of single dated rows) runs every version that applies, each on the
  rows dated within its own period;
- a *year* kind (a check of the year's totals or of the plan) runs only the version in force
  at the end of Y, i.e. the applicable one that started last.
"""

from __future__ import annotations

import datetime as dt
import sys
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

from unionxl.contract.schema import SHEETS
from unionxl.core.rules.kinds import KINDS
from unionxl.core.rules.model import (
    SEVERITIES,
    YEAR,
    Kind,
    Pack,
    Param,
    Rule,
    RulePackError,
    RuleSet,
    overlaps,
    year_bounds,
)

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

PACK_DIR = Path(__file__).resolve().parent / "packs"
NATIONAL_LEVEL = "national"
REQUIRED_KEYS = ("id", "title", "basis", "kind", "severity", "confirmed")
#: the keys every rule may carry besides its kind's parameters
RULE_KEYS = REQUIRED_KEYS + ("source", "quote", "note", "override", "disabled", "effective_from", "effective_to")
PERIOD_KEYS = ("effective_from", "effective_to")


def load_pack(path: Path) -> Pack:
    where = path.name
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise RulePackError(f"规则包 {where} 无法读取：{exc}") from exc
    head = data.get("pack")
    if not isinstance(head, dict) or not head.get("id") or not head.get("name"):
        raise RulePackError(f"规则包 {where} 缺少 [pack] 的 id 或 name")
    start, end = _period(head, f"规则包 {where} 的 [pack]")
    rules = data.get("rules", [])
    if not isinstance(rules, list) or not all(isinstance(r, dict) for r in rules):
        raise RulePackError(f"规则包 {where} 的 rules 应为 [[rules]] 列表")
    seen: set[str] = set()
    for i, rule in enumerate(rules, 1):
        rid = rule.get("id") or f"第{i}条"
        _check_rule(rule, f"规则包 {where} 的规则 {rid}")
        if rid in seen:
            raise RulePackError(f"规则包 {where} 中规则 {rid} 重复")
        seen.add(rid)
    return Pack(
        id=head["id"], name=head["name"], province=head.get("province", ""), path=path,
        rules=tuple(rules), extends=head.get("extends", ""), effective_from=start, effective_to=end,
        level=head.get("level", "province"), note=head.get("note", ""), source=head.get("source", ""),
    )


def _check_rule(rule: dict[str, Any], where: str) -> None:
    if not rule.get("override"):
        missing = [k for k in REQUIRED_KEYS if k not in rule or rule[k] in ("", None)]
        if missing:
            raise RulePackError(f"{where} 缺少：{'、'.join(missing)}")
    if "kind" in rule and rule["kind"] not in KINDS:
        raise RulePackError(f"{where}：未知的 kind “{rule['kind']}”，可用：{'、'.join(KINDS)}")
    if "severity" in rule and rule["severity"] not in SEVERITIES:
        raise RulePackError(f"{where}：severity 只能是 error 或 warning")
    if "confirmed" in rule and not isinstance(rule["confirmed"], bool):
        raise RulePackError(f"{where}：confirmed 应为 true 或 false")
    _period(rule, where)
    if "kind" in rule:
        kind = KINDS[rule["kind"]]
        unknown = [k for k in rule if k not in RULE_KEYS and k not in kind.by_name]
        if unknown:
            raise RulePackError(f"{where}：kind “{kind.name}”没有参数 {'、'.join(unknown)}，"
                                f"可用：{'、'.join(kind.by_name) or '（无）'}")
    for key, value in rule.items():
        param = _param_of(rule, key)
        if param is not None:
            problem = _type_problem(param, value)
            if problem:
                raise RulePackError(f"{where}：{key} {problem}，实际为 {value!r}")
    if "kind" in rule and not rule.get("override"):
        _check_complete(KINDS[rule["kind"]], rule, where)


def _check_complete(kind: Kind, given: dict[str, Any], where: str) -> None:
    """The kind's required parameters, and one of each of its alternatives, are given."""
    missing = [p.name for p in kind.params if p.required and p.name not in given]
    if missing:
        raise RulePackError(f"{where}：kind “{kind.name}”缺少参数 {'、'.join(missing)}")
    for group in kind.one_of:
        if not any(name in given for name in group):
            raise RulePackError(f"{where}：kind “{kind.name}”至少要有 {' 或 '.join(group)} 之一")
    _check_columns(given, where)


def _param_of(rule: dict[str, Any], key: str) -> Param | None:
    """The declaration of *key*: the rule's kind's, or (for an override without a kind) any kind's."""
    if "kind" in rule:
        return KINDS[rule["kind"]].by_name.get(key)
    return next((k.by_name[key] for k in KINDS.values() if key in k.by_name), None)


def _type_problem(param: Param, value: object) -> str:
    """Why *value* does not fit *param* ('' when it does)."""
    number = isinstance(value, (int, float)) and not isinstance(value, bool)
    if param.type in ("money", "number"):
        return "" if number and value >= 0 else "应为不小于 0 的数字"
    if param.type == "int":
        return "" if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else "应为不小于 0 的整数"
    if param.type == "bool":
        return "" if isinstance(value, bool) else "应为 true 或 false"
    if param.type == "text":
        if not isinstance(value, str):
            return "应为文字"
        return "" if not param.choices or value in param.choices else f"只能是 {'、'.join(param.choices)}"
    if param.type == "texts":
        return "" if isinstance(value, list) and all(isinstance(v, str) for v in value) else "应为文字列表"
    if param.type == "table":
        ok = isinstance(value, dict) and all(isinstance(v, list) and all(isinstance(x, str) for x in v)
                                             for v in value.values())
        return "" if ok else "应为“列 = [取值…]”的表"
    if param.type == "fraction":
        try:
            share = Fraction(str(value))
        except (ValueError, ZeroDivisionError):
            return "应为分数，如 \"2/3\""
        return "" if 0 <= share <= 1 else "应在 0 与 1 之间"
    return ""  # pragma: no cover - every declared type is handled above


def _period(table: dict[str, Any], where: str) -> tuple[dt.date | None, dt.date | None]:
    values = []
    for key in PERIOD_KEYS:
        value = table.get(key)
        if value is not None and (not isinstance(value, dt.date) or isinstance(value, dt.datetime)):
            raise RulePackError(f"{where}：{key} 应为日期（如 2019-01-01，不加引号），实际为 {value!r}")
        values.append(value)
    if None not in values and values[1] < values[0]:
        raise RulePackError(f"{where}：effective_to 早于 effective_from")
    return values[0], values[1]


def bundled_packs() -> dict[str, Pack]:
    return {p.id: p for p in (load_pack(path) for path in sorted(PACK_DIR.glob("*.toml")))}


@dataclass
class _Version:
    layer: int
    data: dict[str, Any]
    pack: Pack
    #: the pack whose keys were applied last (an override's pack)
    origin: Pack

    @property
    def start(self) -> dt.date | None:
        return self.data.get("effective_from")

    @property
    def end(self) -> dt.date | None:
        return self.data.get("effective_to")


def _by_start(pack: Pack) -> dt.date:
    return pack.effective_from or dt.date.min


def resolve(province: str | None, year: int | None = None, extra: list[Path] = (), history: bool = False) -> RuleSet:
    """The rule versions for a book of *province* and *year*: national, then the province's packs,
    then the union's own packs (``extra``), merged by rule id (see the module docstring).

    Without a year, the newest version of each rule; with ``history``, every version (for listing).
    """
    packs = bundled_packs()
    national = sorted((p for p in packs.values() if p.level == NATIONAL_LEVEL), key=_by_start)
    regional = sorted((p for p in packs.values() if province and p.province == province and p.level != NATIONAL_LEVEL),
                      key=_by_start)
    layers = [national, regional, *([load_pack(Path(p))] for p in extra)]
    chosen = [v for found in _versions(layers).values() for v in _choose(found, year, history)]
    rules = [_rule(v) for v in chosen]
    used = {id(v.pack) for v in chosen} | {id(v.origin) for v in chosen}
    chosen_packs = [p for layer in layers for p in layer if id(p) in used]
    notice = ""
    if province and province != "全国" and not any(p in chosen_packs for p in regional):
        when = f"{year}年" if year and regional else ""
        notice = (f"未收录{province}{when}适用的省级经费标准，仅按全国总工会规定审核；"
                  f"可用 --rules 加载上级工会的标准")
    return RuleSet(chosen_packs, rules, notice, year)


def _versions(layers: list[list[Pack]]) -> dict[str, list[_Version]]:
    """Every version of every rule id, in the order ids first appear; overrides applied."""
    versions: dict[str, list[_Version]] = {}
    for layer, packs in enumerate(layers):
        for pack in packs:
            for rule in pack.rules:
                rid = rule["id"]
                if rule.get("override"):
                    if rid not in versions:
                        raise RulePackError(f"规则包 {pack.path.name} 的规则 {rid} 要覆盖的规则不存在")
                    changes = {k: v for k, v in rule.items() if k != "override"}
                    versions[rid] = [_Version(v.layer, {**v.data, **changes}, v.pack, pack) for v in versions[rid]]
                    continue
                data = {"effective_from": pack.effective_from, "effective_to": pack.effective_to, **rule}
                versions.setdefault(rid, []).append(_Version(layer, data, pack, pack))
    return versions


def _choose(found: list[_Version], year: int | None, history: bool) -> list[_Version]:
    live = [v for v in found if not v.data.get("disabled")]
    if year is not None:
        first, last = year_bounds(year)
        live = [v for v in live if overlaps(v.start, v.end, first, last)]
    if not live:
        return []
    top = max(v.layer for v in live)
    live = sorted((v for v in live if v.layer == top), key=lambda v: v.start or dt.date.min)
    if history:
        return live
    kind: Kind = KINDS[live[-1].data["kind"]]
    if year is None or kind.scope == YEAR:
        return live[-1:]
    return live


def _rule(version: _Version) -> Rule:
    data = version.data
    where = f"规则包 {version.origin.path.name} 的规则 {data['id']}"
    _check_rule({k: v for k, v in data.items() if k != "override"}, where)
    kind = KINDS[data["kind"]]
    params = {k: v for k, v in data.items() if k in kind.by_name}
    for name in kind.money_params:
        if name in params:
            params[name] = round(float(params[name]) * 100)
    return Rule(id=data["id"], title=data["title"], basis=data["basis"], kind=data["kind"],
                severity=data["severity"], confirmed=bool(data["confirmed"]), params=params, pack=version.origin.name,
                source=data.get("source", ""), quote=data.get("quote", ""), note=data.get("note", ""),
                effective_from=data.get("effective_from"), effective_to=data.get("effective_to"))


def _check_columns(params: dict[str, Any], where: str) -> None:
    """``columns`` and ``match`` name columns of the rule's sheet (the contract's English keys)."""
    sheet = SHEETS.get(params.get("sheet", ""))
    if sheet is None:
        return
    named = list(params.get("columns", [])) + list(params.get("match", {}))
    unknown = [c for c in named if c not in sheet.by_key]
    if unknown:
        raise RulePackError(f"{where}：“{sheet.title}”没有列 {'、'.join(unknown)}，可用：{'、'.join(sheet.by_key)}")
