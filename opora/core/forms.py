"""Forms of the import wizard."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from opora.core.imports.base import Importer
from opora.core.imports.services import check_upload_size
from opora.core.models import ImportMapping


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Файл"),
        help_text=_("XLSX или CSV (UTF-8 или Windows-1251, разделитель «;», «,» или табуляция)."),
    )
    mapping = forms.ModelChoiceField(
        label=_("Сохранённое сопоставление столбцов"),
        queryset=ImportMapping.objects.none(),
        required=False,
        empty_label=_("— определить по заголовкам —"),
    )

    def __init__(self, *args: Any, importer: Importer, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["mapping"].queryset = ImportMapping.objects.filter(  # type: ignore[attr-defined]
            importer=importer.key
        )

    def clean_file(self) -> Any:
        uploaded = self.cleaned_data["file"]
        check_upload_size(uploaded)
        return uploaded


class ImportColumnsForm(forms.Form):
    """One select per importer field: which column of the file holds it."""

    save_as = forms.CharField(
        label=_("Сохранить сопоставление как источник данных"),
        required=False,
        max_length=255,
        help_text=_(
            "Например: «Реестр ОО из АИС „Сетевой город“». В следующий раз его можно "
            "выбрать при загрузке."
        ),
    )

    def __init__(
        self,
        *args: Any,
        importer: Importer,
        headers: list[str],
        initial_columns: dict[str, str],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        choices = [("", _("— нет в файле —")), *((h, h) for h in headers if h)]
        self.importer = importer
        for column in importer.columns:
            self.fields[f"col_{column.key}"] = forms.ChoiceField(
                label=column.label,
                choices=choices,
                required=False,
                initial=initial_columns.get(column.key, ""),
                help_text=column.help_text,
            )
            self.fields[f"col_{column.key}"].widget.attrs["data-required"] = (
                "1" if column.required else "0"
            )
        self.order_fields([f"col_{c.key}" for c in importer.columns] + ["save_as"])

    def columns(self) -> dict[str, str]:
        return {c.key: self.cleaned_data.get(f"col_{c.key}", "") for c in self.importer.columns}

    def column_fields(self) -> list[tuple[Any, bool]]:
        return [(self[f"col_{c.key}"], c.required) for c in self.importer.columns]
