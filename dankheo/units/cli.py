"""``flask units …``: the official-units commands."""

import time
from pathlib import Path

import click
from flask.cli import AppGroup

from dankheo.errors import DomainError
from dankheo.units.dataset import OfficialDataset
from dankheo.units.services import load_official_units
from dankheo.vietnamese import format_number
from dankheo.web.transaction import transaction

units_cli = AppGroup("units", help="Official administrative units and agencies.")


class VietnameseClickError(click.ClickException):
    """A refusal printed as users read it ("Lỗi: …"), exit status 1."""

    def show(self, file=None) -> None:
        click.echo(f"Lỗi: {self.format_message()}", err=True)


@units_cli.command("load-official")
@click.option(
    "--province",
    required=True,
    help='Province of today, by name (accents and "Tỉnh"/"Thành phố" optional) or code.',
)
@click.option(
    "--agencies/--no-agencies",
    default=True,
    show_default=True,
    help="Also load the agency seed (Party boards, Front, mass organisations, departments).",
)
@click.option(
    "--agencies-file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="An edited copy of dankheo/units/agencies.toml to load instead.",
)
@click.option(
    "--dataset-dir",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    default=None,
    help="A folder with dataset.db and converter_2025.json (default: the installed "
    "vietnamadminunits package).",
)
def load_official_command(province, agencies, agencies_file, dataset_dir):
    """Load a province's units before and after 1/7/2025 and their successions
    (idempotent: reports what changed, never deletes)."""
    started = time.perf_counter()
    try:
        with transaction():  # one commit for the whole load, or a rollback
            dataset = OfficialDataset(dataset_dir) if dataset_dir else OfficialDataset.bundled()
            report = load_official_units(
                province, dataset=dataset, agencies=agencies, seed_path=agencies_file
            )
    except DomainError as err:
        raise VietnameseClickError(err.message) from err
    for line in report.lines():
        click.echo(line)
    seconds = format_number(time.perf_counter() - started, 2)
    click.echo(f"Thời gian: {seconds} giây.")
