"""Nominations (hồ sơ đề nghị), request letters, screening."""
