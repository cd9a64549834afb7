"""What the stages of the volume generator share: the counts, one random source, the
ids, and what later stages read from earlier ones (the units, the registrants, the
recognised initiatives…)."""

import random
from datetime import datetime
from itertools import product

from dankheo.demo.volume.core import Ids, VolumeCounts
from dankheo.demo.volume.names import FIRST, GIVEN, MIDDLE, SECOND, SURNAMES


class Volume:
    def __init__(self, counts: VolumeCounts, seed: int) -> None:
        self.counts = counts
        self.rng = random.Random(seed)
        self.ids = Ids()
        self.now = datetime(2026, 1, 1)
        # units
        self.units: dict[int, dict] = {}
        self.places: dict[int, str] = {}  # commune id → its place name ("Tân Hà")
        # Units that register initiatives and exemplars, before and after 1/7/2025.
        self.old_registrants: list[int] = []
        self.new_registrants: list[int] = []
        self.province = 0
        self.agency_ids: dict[str, int] = {}
        self.district_ids: list[int] = []
        self.successions: list[dict] = []
        self.place_names = [f"{a} {b}" for a, b in product(FIRST, SECOND) if a != b]
        self.rng.shuffle(self.place_names)
        # accounts
        self.secretary_id = 0
        self.reviewer_users: list[tuple[int, int]] = []  # (user id, unit id)
        # registry
        self.field_ids: list[int] = []
        self.by_year: dict[int, list[int]] = {}  # first year → initiative ids
        self.recognised: dict[int, list[int]] = {}  # year → initiatives recognised then
        self.initiative_unit: dict[int, int] = {}
        self.initiative_name: dict[int, str] = {}  # initiative id → its theme
        self.unit_initiatives: dict[int, list[int]] = {}
        # year → (id, name, position, unit id) of its exemplars
        self.exemplars_by_year: dict[int, list[tuple[int, str, str, int]]] = {}
        # campaigns
        self.phase = 0
        self.current_campaign_id = 0

    def person_name(self) -> str:
        r = self.rng
        return f"{r.choice(SURNAMES)} {r.choice(MIDDLE)} {r.choice(GIVEN)}"
