"""Flask commands: seed-demo, seed-volume, create-user, backup, restore, prune-evidence,
units (db upgrade comes from Flask-Migrate)."""

from pathlib import Path

import click
from flask import Flask

from dankheo.extensions import db
from dankheo.units.cli import units_cli


def register(app: Flask) -> None:
    app.cli.add_command(units_cli)

    @app.cli.command("seed-demo")
    def seed_demo_command():
        """Load the demo province (idempotent: does nothing already loaded)."""
        from dankheo.demo import seed_demo

        for line in seed_demo():
            click.echo(line)
        db.session.commit()

    @app.cli.command("seed-volume")
    @click.option("--units", default=5_000, show_default=True)
    @click.option("--initiatives", default=100_000, show_default=True)
    @click.option("--exemplars", default=20_000, show_default=True)
    @click.option("--nominations", default=2_000, show_default=True)
    @click.option("--reviewers", default=30, show_default=True)
    @click.option("--certificates", default=5_000, show_default=True)
    @click.option("--seed", default=2025, show_default=True, help="Random seed")
    @click.option(
        "--national",
        is_flag=True,
        help="Every official unit of the country before and after 1/7/2025 with "
        "1,000,000 initiatives (PostgreSQL; the counts above are then ignored)",
    )
    def seed_volume_command(seed, national, **counts):
        """Load a large, realistic province for benchmarks (bulk inserts; idempotent)."""
        from dankheo.demo.volume import VolumeCounts, seed_volume

        volume = None if national else VolumeCounts(**counts)
        for line in seed_volume(volume, seed=seed, national=national):
            click.echo(line)
        db.session.commit()

    @app.cli.command("rebuild-report-counts")
    def rebuild_report_counts_command():
        """Recompute the dashboard's kept counts from the year rows (reports.summary)."""
        import time

        from dankheo.reports.summary import rebuild

        started = time.perf_counter()
        written = rebuild()
        db.session.commit()
        click.echo(f"report counts: {written} rows in {time.perf_counter() - started:.1f} s")

    @app.cli.command("create-user")
    @click.argument("username")
    @click.option("--full-name", required=True, help="Họ và tên")
    @click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
    @click.option(
        "--role",
        type=click.Choice(["admin", "officer", "secretary", "reviewer", "leader"]),
        default=None,
    )
    @click.option("--unit", "unit_code", default=None, help="Unit code for the role")
    def create_user_command(username, full_name, password, role, unit_code):
        """Create a user, optionally with one role at one unit."""
        import sqlalchemy as sa

        from dankheo.auth.services import add_membership, check_password, create_user
        from dankheo.errors import DomainError
        from dankheo.models import Role, Unit
        from dankheo.web.transaction import transaction

        try:
            with transaction():
                check_password(password, username=username, full_name=full_name)
                user = create_user(username, full_name, password)
                if role:
                    unit = db.session.scalar(sa.select(Unit).where(Unit.code == unit_code))
                    if unit is None:
                        raise click.ClickException(f"unknown unit code {unit_code!r}")
                    add_membership(user, unit, Role(role))
        except DomainError as err:
            raise click.ClickException(err.message) from err
        click.echo(f"created user {user.username}")

    @app.cli.command("backup")
    @click.option(
        "--output",
        type=click.Path(file_okay=False, path_type=Path),
        default=None,
        help="Folder that receives the snapshot folder (default: instance/backups)",
    )
    def backup_command(output):
        """Write a consistent snapshot of the database and stored files (safe while serving)."""
        from dankheo.backup import BackupError, create_backup

        try:
            folder = create_backup(app, output)
        except BackupError as err:
            raise click.ClickException(str(err)) from err
        click.echo(f"backup written to {folder}")

    @app.cli.command("prune-evidence")
    @click.option(
        "--grace",
        type=click.IntRange(0),
        default=600,
        show_default=True,
        help="Keep files younger than this many seconds (an upload may be committing)",
    )
    def prune_evidence_command(grace):
        """Remove stored evidence files that no evidence record names any more."""
        from dankheo.registry.evidence import prune_unreferenced

        click.echo(f"removed {prune_unreferenced(grace=grace)} unreferenced evidence files")

    @app.cli.command("restore")
    @click.argument("source", type=click.Path(exists=True, file_okay=False, path_type=Path))
    @click.option("--force", is_flag=True, help="Replace existing data and files")
    def restore_command(source, force):
        """Restore a snapshot made by `backup` (refuses to overwrite data without --force)."""
        from dankheo.backup import BackupError, restore_backup

        try:
            report = restore_backup(app, source, force=force)
        except BackupError as err:
            raise click.ClickException(str(err)) from err
        click.echo(
            f"restored {report.rows} rows in {report.tables} tables and {report.files} files"
        )
