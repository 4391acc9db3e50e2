"""Party-list proportional representation and apportionment, the family of rules that
turn vote (or population) totals into whole seats.

* **list PR** (:mod:`tally.rules.list_pr`: ``dhondt``, ``sainte_lague``,
  ``modified_sainte_lague``, ``imperiali``, ``hare_lr``, ``droop_lr``), with legal
  thresholds and the mixed-member top-up (:mod:`tally.rules.mixed_member`);
* **apportionment** (:mod:`tally.rules.apportionment`: ``huntington_hill``, ``webster``,
  ``jefferson``, ``adams``, ``hamilton``);
* the exact divisor and largest-remainder arithmetic both share
  (:mod:`tally.rules._allocation`).

Importing this module registers every rule of the family.
"""

from __future__ import annotations

from ._allocation import parse_threshold
from .apportionment import adams, hamilton, huntington_hill, jefferson, webster
from .list_pr import dhondt, droop_lr, hare_lr, imperiali, modified_sainte_lague, sainte_lague
from .mixed_member import constituency_winners

__all__ = [
    "adams",
    "constituency_winners",
    "dhondt",
    "droop_lr",
    "hamilton",
    "hare_lr",
    "huntington_hill",
    "imperiali",
    "jefferson",
    "modified_sainte_lague",
    "parse_threshold",
    "sainte_lague",
    "webster",
]
