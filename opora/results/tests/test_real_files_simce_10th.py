"""The 10th grade's SIMCE books (2m), beside the 4th grade's in test_real_files.py: a module
of their own so that the parallel test workers share the minutes the eighteen books take."""

from __future__ import annotations

import pytest

from opora.results.tests.test_real_files import (
    imports_with_counts_matching_the_files,
    needs_shared,
)


@pytest.mark.shared_data
@needs_shared
def test_every_10th_grade_simce_file_imports_with_counts_matching_the_file(world, capsys):
    imports_with_counts_matching_the_files(10, capsys)
