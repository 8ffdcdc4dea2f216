"""Access scoping of results and context data: through the school they belong to.

Catalogues (assessments, subjects, indicators) are shared reference data, not scoped.
"""

from opora.core.access import organization_prefix_scoper, scoped
from opora.results.models import ContextValue, SchoolResult, StudentResult

scoped(SchoolResult)(organization_prefix_scoper("school__"))
scoped(ContextValue)(organization_prefix_scoper("school__"))
scoped(StudentResult, personal=True)(organization_prefix_scoper("school__"))
