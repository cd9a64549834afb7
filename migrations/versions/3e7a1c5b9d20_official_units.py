"""Official units: district- and province-level kinds, centroids, default successors

Unit kinds of the official lists (thành phố trực thuộc trung ương; thành phố thuộc tỉnh,
thị xã, huyện, quận), the "keep" succession (one unit became one of the same name),
units.latitude/longitude and unit_successions.is_default (the default successor of a
commune divided among several).

Revision ID: 3e7a1c5b9d20
Revises: 8b1f3c2d4e5a
Create Date: 2026-11-29 10:00:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "3e7a1c5b9d20"
down_revision = "8b1f3c2d4e5a"
branch_labels = None
depends_on = None

# The value lists as they are in this revision and the one before: a migration must not
# change meaning when the application's enums do.
_OLD_UNIT_KINDS = (
    "province", "district", "commune", "ward", "township", "special_zone", "village",
    "agency", "department", "front", "mass_org", "armed_forces", "enterprise", "school",
    "party_cell",
)
_NEW_UNIT_KINDS = (
    "province", "municipality", "district", "city", "town", "rural_district",
    "urban_district", "commune", "ward", "township", "special_zone", "village", "agency",
    "department", "front", "mass_org", "armed_forces", "enterprise", "school", "party_cell",
)
_OLD_SUCCESSION_KINDS = ("merge", "split", "rename")
_NEW_SUCCESSION_KINDS = ("merge", "split", "rename", "keep")


def _enum(values, name):
    return sa.Enum(
        *values,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=max(len(v) for v in values),
    )


def upgrade():
    with op.batch_alter_table("units", schema=None) as batch_op:
        batch_op.alter_column(
            "kind",
            existing_type=_enum(_OLD_UNIT_KINDS, "unit_kind"),
            type_=_enum(_NEW_UNIT_KINDS, "unit_kind"),
            existing_nullable=False,
        )
        batch_op.add_column(sa.Column("latitude", sa.Float(), nullable=True))
        batch_op.add_column(sa.Column("longitude", sa.Float(), nullable=True))

    with op.batch_alter_table("unit_successions", schema=None) as batch_op:
        batch_op.alter_column(
            "kind",
            existing_type=_enum(_OLD_SUCCESSION_KINDS, "succession_kind"),
            type_=_enum(_NEW_SUCCESSION_KINDS, "succession_kind"),
            existing_nullable=False,
        )
        batch_op.add_column(
            sa.Column("is_default", sa.Boolean(), server_default=sa.false(), nullable=False)
        )


def downgrade():
    # Rows of the kinds this revision added cannot be kept under the old constraints.
    op.execute(
        "DELETE FROM unit_successions WHERE kind = 'keep'"
    )
    with op.batch_alter_table("unit_successions", schema=None) as batch_op:
        batch_op.drop_column("is_default")
        batch_op.alter_column(
            "kind",
            existing_type=_enum(_NEW_SUCCESSION_KINDS, "succession_kind"),
            type_=_enum(_OLD_SUCCESSION_KINDS, "succession_kind"),
            existing_nullable=False,
        )
    op.execute(
        "UPDATE units SET kind = 'district' "
        "WHERE kind IN ('city', 'town', 'rural_district', 'urban_district')"
    )
    op.execute("UPDATE units SET kind = 'province' WHERE kind = 'municipality'")
    with op.batch_alter_table("units", schema=None) as batch_op:
        batch_op.drop_column("longitude")
        batch_op.drop_column("latitude")
        batch_op.alter_column(
            "kind",
            existing_type=_enum(_NEW_UNIT_KINDS, "unit_kind"),
            type_=_enum(_OLD_UNIT_KINDS, "unit_kind"),
            existing_nullable=False,
        )
