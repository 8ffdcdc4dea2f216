"""The builders of the shipped report kinds, one module each; importing the package
registers them (`opora.reports.kinds.report_builder`)."""

from opora.reports.builders import assessment, municipal, school, year_results  # noqa: F401
