"""Official units: the province's administrative units before and after 1 July 2025 from
the ``vietnamadminunits`` dataset, its agencies from an editable seed, and their
successions; loaded by ``flask units load-official``."""
