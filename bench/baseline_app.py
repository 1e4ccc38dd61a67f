"""Baseline for bench/load.py: the least a Flask app under the same gunicorn settings can do.

    BASELINE_DATABASE_URL=sqlite:////tmp/x.db gunicorn -c gunicorn.conf.py bench.baseline_app:app

GET /hello answers a constant JSON document; POST /insert runs one INSERT into a one-table database
(SQLite in WAL mode with a busy timeout, or PostgreSQL) in its own transaction and answers 201 with the id.
Linli's throughput divided by this app's is the overhead of the framework stack, sessions, permissions and
real queries, measured on the same machine in the same minute.
"""

from __future__ import annotations

import os

from flask import Flask, jsonify
from sqlalchemy import (
    Column,
    Integer,
    MetaData,
    String,
    Table,
    create_engine,
    event,
    insert,
)

metadata = MetaData()
rows = Table("baseline_rows", metadata, Column("id", Integer, primary_key=True), Column("body", String(200)))


def make_engine(url: str):
    engine = create_engine(url, pool_pre_ping=False)
    if engine.dialect.name == "sqlite":

        @event.listens_for(engine, "connect")
        def _pragmas(connection, _record):  # the same durability trade-off Linli makes on SQLite
            cursor = connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.execute("PRAGMA busy_timeout=30000")
            cursor.close()

    return engine


def create_schema(url: str) -> None:
    engine = make_engine(url)
    metadata.create_all(engine)
    engine.dispose()


app = Flask(__name__)
_engine = make_engine(os.environ.get("BASELINE_DATABASE_URL", "sqlite:///baseline.db"))


@app.get("/hello")
def hello():
    return jsonify(message="hello", ok=True)


@app.post("/insert")
def insert_row():
    with _engine.begin() as connection:
        new_id = connection.execute(insert(rows).values(body="baseline row").returning(rows.c.id)).scalar_one()
    return jsonify(id=new_id), 201
