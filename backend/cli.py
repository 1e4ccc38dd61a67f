"""Flask CLI commands: `flask --app wsgi seed-demo`, `create-admin`, `purge-idempotency`."""

import click
from flask import Flask


def register(app: Flask) -> None:
    from backend.backup import register_backup_commands

    register_backup_commands(app)

    @app.cli.command("seed-demo")
    @click.option("--force", is_flag=True, help="Seed even if the database already has communities.")
    def seed_demo(force: bool):
        """Create the demo community 阳光社区 with its accounts and content."""
        from backend.core.db import commit
        from backend.demo import database_is_empty, seed

        if not force and not database_is_empty():
            click.echo("database already has data; demo not seeded (use --force)")
            return
        summary = seed()
        commit()
        click.echo(summary)

    @app.cli.command("create-admin")
    @click.argument("email")
    @click.password_option()
    def create_admin(email: str, password: str):
        """Create a platform admin (or grant platform rights to an existing account)."""
        from backend.accounts.services import create_platform_admin
        from backend.core.db import commit

        user = create_platform_admin(email=email, password=password)
        commit()
        click.echo(f"platform admin {user.email} (id {user.id})")

    @app.cli.command("scheduler")
    def scheduler():
        """Run the periodic jobs in the foreground (production: one such process; jobs go to RQ)."""
        import threading

        from backend.scheduler import run_forever

        click.echo("scheduler running; Ctrl-C to stop")
        run_forever(app, threading.Event())

    @app.cli.command("purge-idempotency")
    def purge_idempotency():
        """Delete idempotency records older than 24 hours."""
        from backend.core.db import commit
        from backend.core.idempotency import purge_expired

        count = purge_expired()
        commit()
        click.echo(f"purged {count}")
