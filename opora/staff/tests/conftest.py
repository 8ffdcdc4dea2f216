"""Staff fixtures on top of the shared personas: teachers of schools A and B, one of them
the `teacher` persona's own record, and a diagnostic with results."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from opora.conftest import World
from opora.results.models import Subject
from opora.staff.choices import CompetencyArea
from opora.staff.models import Diagnostic, Teacher
from opora.staff.tests.factories import DiagnosticFactory, ScoreFactory, TeacherFactory


@dataclass
class Staff:
    world: World
    own: Teacher  # the `teacher` persona's record in school A
    colleague: Teacher  # another teacher of school A
    a: list[Teacher]  # all teachers of school A
    b: list[Teacher]  # teachers of school B
    diagnostic: Diagnostic
    math: Subject


@pytest.fixture
def staff(world: World) -> Staff:
    math = Subject.objects.get(code="math")
    teacher_person = world.user("teacher").person
    own = TeacherFactory(
        school=world.school_a,
        last_name=teacher_person.last_name,
        first_name=teacher_person.first_name,
        middle_name=teacher_person.middle_name,
        person=teacher_person,
    )
    own.subjects.set([math])
    a = [own] + [TeacherFactory(school=world.school_a) for _ in range(3)]
    b = [TeacherFactory(school=world.school_b) for _ in range(2)]
    diagnostic = DiagnosticFactory(title="Диагностика ЦНППМ 2025")
    # School A: 4 teachers, methodical scores 30, 40, 70, 80 → 2 deficits (threshold 50);
    # subject (math) only for two of them: a small cell.
    for teacher, score in zip(a, (30, 40, 70, 80), strict=True):
        ScoreFactory(diagnostic=diagnostic, teacher=teacher, score=score)
    ScoreFactory(
        diagnostic=diagnostic, teacher=a[0], subject=math, area=CompetencyArea.SUBJECT, score=45
    )
    ScoreFactory(
        diagnostic=diagnostic, teacher=a[1], subject=math, area=CompetencyArea.SUBJECT, score=90
    )
    for teacher, score in zip(b, (20, 65), strict=True):
        ScoreFactory(diagnostic=diagnostic, teacher=teacher, score=score)
    return Staff(world, own, a[1], a, b, diagnostic, math)
