"""`opora import registry FILE`: the web wizard's import for scripts."""

import pytest
from django.core.management import CommandError, call_command

from opora.registry.models import Organization
from opora.registry.tests.test_import import ROWS, csv_bytes

pytestmark = pytest.mark.django_db


def test_cli_import_creates_then_reports_no_changes(world, tmp_path, capsys):
    path = tmp_path / "реестр.csv"
    path.write_bytes(csv_bytes(ROWS, encoding="cp1251"))
    call_command("import", "registry", str(path), "--user", "coordinator")
    assert "Школы — создано: 3" in capsys.readouterr().out
    call_command("import", "registry", str(path), "--user", "coordinator")
    assert "без изменений: 3" in capsys.readouterr().out
    assert Organization.objects.filter(code__startswith="NEW-").count() == 3


def test_cli_import_with_errors_saves_nothing(world, tmp_path, capsys):
    path = tmp_path / "bad.csv"
    path.write_bytes(csv_bytes([ROWS[0], [*ROWS[1][:5], "Атлантида", *ROWS[1][6:]]]))
    with pytest.raises(CommandError):
        call_command("import", "registry", str(path), "--user", "coordinator")
    assert "Строка 3, столбец «Территория»" in capsys.readouterr().err
    assert not Organization.objects.filter(code__startswith="NEW-").exists()


def test_cli_dry_run_and_unknown_kind(world, tmp_path, capsys):
    path = tmp_path / "r.csv"
    path.write_bytes(csv_bytes(ROWS))
    call_command("import", "registry", str(path), "--user", "coordinator", "--dry-run")
    assert "Школы — будет создано: 3" in capsys.readouterr().out
    assert not Organization.objects.filter(code__startswith="NEW-").exists()
    with pytest.raises(CommandError, match="Неизвестный вид загрузки"):
        call_command("import", "grades", str(path))
