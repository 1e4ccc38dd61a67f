"""Flask CLI commands: `flask --app wsgi seed-demo`, `create-admin`, `scheduler`, `jobs list`, `jobs run NAME`
(and the backup commands of backend/backup.py)."""

import click
from flask import Flask
from flask.cli import AppGroup


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

    jobs = AppGroup("jobs", help="The periodic jobs every domain declares in its manifest.")
    app.cli.add_command(jobs)

    @jobs.command("list")
    def list_jobs():
        """Every job: its name, how often the scheduler runs it, what it does."""
        from backend.domains import jobs as all_jobs

        for job in all_jobs().values():
            every = f"every {job.every_seconds // 60} min" if job.every_seconds else "on demand"
            click.echo(f"{job.name:22} {every:16} {job.description}")

    @jobs.command("run")
    @click.argument("name")
    @click.argument("args", nargs=-1)
    def run_job(name: str, args: tuple[str, ...]):
        """Run the job NAME now and commit its work (ARGS replace the job's own arguments)."""
        from backend.core.db import commit
        from backend.core.manifest import resolve
        from backend.domains import jobs as all_jobs

        job = all_jobs().get(name)
        if job is None:
            raise click.BadParameter(f"no job {name!r}; `flask jobs list` shows them", param_hint="NAME")
        result = resolve(job.target)(*(args or job.args))
        commit()
        click.echo(f"{name}: {result}")
