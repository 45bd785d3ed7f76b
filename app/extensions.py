"""Flask extensions, created unbound here and bound to the app in create_app()."""

import hashlib
import hmac
from typing import TYPE_CHECKING

from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

from app.crypto import lookup_secret

# Named constraints keep Alembic migrations identical on SQLite and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)
# Models subclass Model: at run time Flask-SQLAlchemy's db.Model (a Base with the session bound); the type
# checker cannot see through db.Model, so it is told the class it is built from.
if TYPE_CHECKING:
    Model = Base
else:
    Model = db.Model
migrate = Migrate(compare_type=True, render_as_batch=True)
csrf = CSRFProtect()
login_manager = LoginManager()


def limit_key(kind: str, value: str) -> str:
    """A rate-limit key holding a keyed hash of `value`: the limiter's store (Redis) never sees an address or code."""
    digest = hmac.new(lookup_secret(b"rate-limit-keys"), value.encode("utf-8"), hashlib.sha256).hexdigest()
    return f"{kind}:{digest[:32]}"


def client_key() -> str:
    """Rate limits count per client by a keyed hash of its address (victims' addresses are never stored)."""
    return limit_key("client", get_remote_address() or "")


limiter = Limiter(key_func=client_key)
