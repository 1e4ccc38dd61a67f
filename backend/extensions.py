"""Unbound extensions: created here, bound to the app in create_app()."""

import http

import marshmallow as ma
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_smorest import Api
from flask_smorest.utils import prepare_response
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

# Stable constraint names, so that Alembic can drop and alter them on every database.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)


def _render_item(type_, obj, autogen_context):
    """Migrations spell our UTCDateTime as the plain column type, so they never import app code."""
    if type_ == "type" and type(obj).__name__ == "UTCDateTime":
        return "sa.DateTime(timezone=True)"
    return False


def register_migrations(app, directory: str) -> None:
    """`flask db ...` and `flask_migrate.upgrade()` for this app.

    Imported only here: Flask-Migrate brings Alembic and Mako (~10 MB per process), which a gunicorn
    worker serving requests never uses (create_app skips this under gunicorn; see gunicorn.conf.py).
    """
    from flask_migrate import Migrate

    Migrate(compare_type=True, render_as_batch=True, render_item=_render_item).init_app(app, db, directory=directory)


PROBLEM_MIMETYPE = "application/problem+json"


class ProblemSchema(ma.Schema):
    """RFC 9457 problem details, as every error of the API is shaped."""

    type = ma.fields.String(required=True)
    title = ma.fields.String(required=True)
    status = ma.fields.Integer(required=True)
    code = ma.fields.String(required=True)
    detail = ma.fields.String()
    errors = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.Raw())
    reason = ma.fields.String()


class LinliApi(Api):
    ERROR_SCHEMA = ProblemSchema

    def _register_error_handlers(self):
        """Errors are answered by backend.core.errors, registered in create_app."""

    def _register_responses(self):
        """Document every error status (and the default) as application/problem+json."""
        for status in http.HTTPStatus:
            response = {"description": status.phrase}
            if status >= 400:
                response["schema"] = self.ERROR_SCHEMA
                prepare_response(response, self.spec, PROBLEM_MIMETYPE)
            self.spec.components.response(status.name, response, lazy=True)
        response = {"description": "Error (problem details)", "schema": self.ERROR_SCHEMA}
        prepare_response(response, self.spec, PROBLEM_MIMETYPE)
        self.spec.components.response("DEFAULT_ERROR", response, lazy=True)


login_manager = LoginManager()
api = LinliApi()
limiter = Limiter(key_func=get_remote_address, default_limits=[], headers_enabled=True)
