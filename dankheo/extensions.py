"""Unbound Flask extensions, bound to the app in create_app()."""

from flask_bootstrap import Bootstrap5
from flask_caching import Cache
from flask_login import LoginManager
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect

from dankheo.models.base import Base

db = SQLAlchemy(model_class=Base)
login_manager = LoginManager()
csrf = CSRFProtect()
bootstrap = Bootstrap5()
# The cache shared by every process (config: CACHE_TYPE; docs/operations.md).
cache = Cache()
