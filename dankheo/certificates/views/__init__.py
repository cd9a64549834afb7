"""The certificates blueprint (/certificates): decisions and their certificates
(``decisions``), award-type designs and previews (``designs``), and the worker command
``flask --app dankheo certificates worker``. The public /verify pages are their own
blueprint (``certificates.verification``)."""

from dankheo.certificates.views import decisions, designs, issuers  # noqa: F401 (routes)
from dankheo.certificates.views.blueprint import bp

__all__ = ["bp"]
