"""Demo data: an illustrative province modelled on Tây Ninh. Each stage is idempotent."""

from collections.abc import Iterator

from dankheo.demo import accounts, registry, review, units
from dankheo.demo import certificates as certificates_stage
from dankheo.demo.accounts import DEMO_PASSWORD

# Dependency order: certificates come last, as they award what the other stages approved.
STAGES = (units, accounts, registry, review, certificates_stage)

__all__ = ["DEMO_PASSWORD", "STAGES", "seed_demo"]


def seed_demo() -> Iterator[str]:
    """Run every stage in dependency order; yield one progress line per stage."""
    for stage in STAGES:
        yield stage.seed()
