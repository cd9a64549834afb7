"""Home page, health check, error pages and response headers."""
