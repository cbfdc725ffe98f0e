"""Alembic's entry point: run the migrations on the connection generate serve hands over."""

from alembic import context

connection = context.config.attributes["connection"]
context.configure(connection=connection, render_as_batch=True)  # batch: SQLite alters tables by copying
with context.begin_transaction():
    context.run_migrations()
