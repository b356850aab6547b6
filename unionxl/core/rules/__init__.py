"""Fund-rule packs: TOML data with a citation and a period per rule, merged national → province → union.

- :mod:`~unionxl.core.rules.model`: what a rule, a pack, a checker kind and a result are;
- :mod:`~unionxl.core.rules.kinds`: the checker kinds, each declaring its parameters;
- :mod:`~unionxl.core.rules.loader`: reading and validating packs, choosing the versions in force;
- ``packs/``: the bundled packs, one TOML file per document.

Rules whose figure was not read in the document's own wording are ``confirmed = false`` and
shown as 待核实, never as law.
"""

from unionxl.core.rules.loader import PACK_DIR, bundled_packs, load_pack, resolve
from unionxl.core.rules.model import Pack, Rule, RulePackError, RuleSet

__all__ = ["PACK_DIR", "Pack", "Rule", "RulePackError", "RuleSet", "bundled_packs", "load_pack", "resolve"]
