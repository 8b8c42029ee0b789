"""Extensions are created here and bound to the app in create_app."""

from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

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
#: Schema made by a migration for one database only, outside the models: the full-text
#: indexes of the library and of search (an FTS5 table and its shadow tables on SQLite, a GIN
#: expression index on PostgreSQL).
UNMODELLED_SCHEMA = ("library_reviews_fts", "ix_library_reviews_search", "search_entries_fts",
                     "ix_search_entries_search", "search_document")


def include_object(obj, name, type_, reflected, compare_to) -> bool:
    """Leave the unmodelled schema out of autogenerate and compare_metadata."""
    return not (reflected and compare_to is None and (name or "").startswith(UNMODELLED_SCHEMA))


migrate = Migrate(render_as_batch=True, compare_type=True, include_object=include_object)
login_manager = LoginManager()
csrf = CSRFProtect()
# Sign-in attempts per address; storage from RATELIMIT_STORAGE_URI (memory:// by default: use
# redis:// or memcached:// when several server processes must share the count).
limiter = Limiter(key_func=get_remote_address, default_limits=[])
