"""The certificates blueprint (/certificates): decisions and their certificates
(``decisions``), award-type designs and previews (``designs``), signers and their keys
(``signers``), the signer's confirmation (``signing``), batch prints built by the worker
(``printing``), and the worker command
``flask --app dankheo certificates worker``. The public /verify pages are their own
blueprint (``certificates.verification``)."""

from dankheo.certificates.views import (  # noqa: F401 (registers routes)
    decisions,
    designs,
    issuers,
    printing,
    records,
    signers,
    signing,
)
from dankheo.certificates.views.blueprint import bp

__all__ = ["bp"]
