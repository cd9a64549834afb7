# Copy to instance/config.py. Every setting and its default: dankheo/config.py.
SECRET_KEY = "change-me-to-a-long-random-string"
# SQLALCHEMY_DATABASE_URI = "postgresql+psycopg://dankheo:secret@127.0.0.1/dankheo"
PUBLIC_BASE_URL = "https://dankheo.example.gov.vn"
# SESSION_COOKIE_SECURE = True
# REMEMBER_COOKIE_SECURE = True
# HSTS_ENABLED = True
