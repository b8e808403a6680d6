"""the after-sales report reads a period's requests from one index

The KPI report counts every request received in a period. The index on received time now
carries the columns the report reads (status, engineer, product, the deadlines and when each
step was reached, the rating), so that neither the report nor the 售后服务 list reads the
wide table rows; it replaces the index on received time and customer, whose two columns lead
it.

Revision ID: service_kpi_index
Revises: service_desk
Create Date: 2026-12-02 01:55:00
"""

from alembic import op

revision = "service_kpi_index"
down_revision = "service_desk"
branch_labels = None
depends_on = None

PERIOD_COLUMNS = [
    "received_at",
    "customer_id",
    "status",
    "engineer_id",
    "product_id",
    "dispatched_at",
    "response_deadline",
    "resolved_at",
    "deadline",
    "satisfaction",
    "closed_at",
]


def upgrade() -> None:
    op.drop_index("ix_service_requests_received_customer", table_name="service_requests")
    op.create_index("ix_service_requests_period", "service_requests", PERIOD_COLUMNS)


def downgrade() -> None:
    op.drop_index("ix_service_requests_period", table_name="service_requests")
    op.create_index(
        "ix_service_requests_received_customer",
        "service_requests",
        ["received_at", "customer_id"],
    )
