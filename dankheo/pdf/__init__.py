"""PDF infrastructure, the only code that imports WeasyPrint: rendering with a locked
fetcher, bundled fonts and PDF/A (``render``), merging without re-rendering (``merge``)
and PAdES signatures (``signing``). It knows no feature: certificates and reports pass
their HTML (from repository templates) and the stylesheet to use."""
