"""Demo data: an illustrative province modelled on Tây Ninh. Each stage is idempotent."""

from collections.abc import Iterator

DEMO_PASSWORD = "dankheo-demo"  # noqa: S105 (the published demo password)


def seed_demo() -> Iterator[str]:
    """Run every stage in dependency order; yield one progress line per stage."""
    from dankheo.demo import accounts, registry, review, units
    from dankheo.demo import certificates as certificates_stage  # last: awards what others approved

    for stage in (units, accounts, registry, review, certificates_stage):
        yield stage.seed()
