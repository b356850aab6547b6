"""Fund-rule packs: TOML data with a citation per rule, merged national → province → union.

A pack is a ``[pack]`` table and a list of ``[[rules]]``. Every rule names one checker
``kind`` (see :mod:`unionxl.core.rules.kinds`) with its parameters, so adding a rule of an
existing kind is one TOML block and no code. A later pack overrides an earlier one's
rule with the same ``id`` (its keys win) and adds new ids. Rules whose figure was not
read in the document are ``confirmed = false`` and shown as 待核实, never as law.
"""

from __future__ import annotations

import datetime as dt
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

PACK_DIR = Path(__file__).resolve().parent
NATIONAL_PACK = "national-2017"
SEVERITIES = ("error", "warning")
REQUIRED_KEYS = ("id", "title", "basis", "kind", "severity", "confirmed")
#: parameters given in 元 in the TOML, held as fen
MONEY_PARAMS = ("limit",)


class RulePackError(Exception):
    """A malformed pack: the message names the file and the rule."""


@dataclass(frozen=True)
class Rule:
    id: str
    title: str
    basis: str
    kind: str
    severity: str
    confirmed: bool
    params: dict[str, Any]
    pack: str
    source: str = ""
    note: str = ""


@dataclass(frozen=True)
class Pack:
    id: str
    name: str
    province: str
    path: Path
    rules: tuple[dict[str, Any], ...]
    extends: str = ""
    effective_from: dt.date | None = None
    level: str = "province"
    note: str = ""


@dataclass
class RuleSet:
    packs: list[Pack]
    rules: list[Rule] = field(default_factory=list)
    #: why no provincial pack applies, when none does
    notice: str = ""

    @property
    def names(self) -> list[str]:
        return [p.name for p in self.packs]


def load_pack(path: Path) -> Pack:
    from unionxl.core.rules.kinds import KINDS

    where = path.name
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise RulePackError(f"规则包 {where} 无法读取：{exc}") from exc
    head = data.get("pack")
    if not isinstance(head, dict) or not head.get("id") or not head.get("name"):
        raise RulePackError(f"规则包 {where} 缺少 [pack] 的 id 或 name")
    rules = data.get("rules", [])
    if not isinstance(rules, list):
        raise RulePackError(f"规则包 {where} 的 rules 应为 [[rules]] 列表")
    seen: set[str] = set()
    for i, rule in enumerate(rules, 1):
        rid = rule.get("id") or f"第{i}条"
        if not rule.get("override"):
            missing = [k for k in REQUIRED_KEYS if k not in rule or rule[k] in ("", None)]
            if missing:
                raise RulePackError(f"规则包 {where} 的规则 {rid} 缺少：{'、'.join(missing)}")
        if "kind" in rule and rule["kind"] not in KINDS:
            raise RulePackError(f"规则包 {where} 的规则 {rid}：未知的 kind “{rule['kind']}”，可用：{'、'.join(KINDS)}")
        if "severity" in rule and rule["severity"] not in SEVERITIES:
            raise RulePackError(f"规则包 {where} 的规则 {rid}：severity 只能是 error 或 warning")
        for key in ("limit", "limit_pct", "tolerance_pct", "max_count", "days"):
            if key in rule and (isinstance(rule[key], bool) or not isinstance(rule[key], (int, float)) or rule[key] < 0):
                raise RulePackError(f"规则包 {where} 的规则 {rid}：{key} 应为不小于 0 的数字，实际为 {rule[key]!r}")
        if rid in seen:
            raise RulePackError(f"规则包 {where} 中规则 {rid} 重复")
        seen.add(rid)
    effective = head.get("effective_from")
    return Pack(
        id=head["id"], name=head["name"], province=head.get("province", ""), path=path,
        rules=tuple(rules), extends=head.get("extends", ""),
        effective_from=effective if isinstance(effective, dt.date) else None,
        level=head.get("level", "province"), note=head.get("note", ""),
    )


def bundled_packs() -> dict[str, Pack]:
    return {p.id: p for p in (load_pack(path) for path in sorted(PACK_DIR.glob("*.toml")))}


def province_pack(packs: dict[str, Pack], province: str, year: int | None) -> Pack | None:
    """The newest pack for *province* already in force in *year*."""
    candidates = [p for p in packs.values() if p.province == province and p.id != NATIONAL_PACK
                  and (year is None or p.effective_from is None or p.effective_from.year <= year)]
    return max(candidates, key=lambda p: p.effective_from or dt.date.min, default=None)


def resolve(province: str | None, year: int | None = None, extra: list[Path] = ()) -> RuleSet:
    """National pack, then the province's pack, then the union's own packs, merged by rule id."""
    packs = bundled_packs()
    chosen = [packs[NATIONAL_PACK]]
    notice = ""
    regional = province_pack(packs, province or "", year) if province and province != "全国" else None
    if regional is not None:
        chosen.append(regional)
    elif province and province != "全国":
        notice = f"未收录{province}的省级经费标准，仅按全国总工会规定审核；可用 --rules 加载上级工会的标准"
    chosen += [load_pack(Path(p)) for p in extra]
    return RuleSet(chosen, merge(chosen), notice)


def merge(packs: list[Pack]) -> list[Rule]:
    merged: dict[str, dict[str, Any]] = {}
    origin: dict[str, str] = {}
    for pack in packs:
        for rule in pack.rules:
            rid = rule["id"]
            if rule.get("override") and rid not in merged:
                raise RulePackError(f"规则包 {pack.path.name} 的规则 {rid} 要覆盖的规则不存在")
            merged[rid] = {**merged.get(rid, {}), **rule}
            origin[rid] = pack.name
    return [_rule(data, origin[rid]) for rid, data in merged.items() if not data.get("disabled")]


def _rule(data: dict[str, Any], pack: str) -> Rule:
    fixed = {"id", "title", "basis", "kind", "severity", "confirmed", "source", "note", "override", "disabled"}
    params = {k: v for k, v in data.items() if k not in fixed}
    for key in MONEY_PARAMS:
        if key in params:
            params[key] = int(round(float(params[key]) * 100))
    return Rule(id=data["id"], title=data["title"], basis=data["basis"], kind=data["kind"],
                severity=data["severity"], confirmed=bool(data["confirmed"]), params=params, pack=pack,
                source=data.get("source", ""), note=data.get("note", ""))
