"""Alembic environment: runs on the connection the app hands over in ``config.attributes``."""

from alembic import context

from kehu_desktop.models import Base
from kehu_desktop.services.customers.search import include_object


def run_migrations() -> None:
    connection = context.config.attributes["connection"]
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=True,
        include_object=include_object,
    )
    with context.begin_transaction():
        context.run_migrations()


run_migrations()
