"""Forms of the import wizard."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from opora.core.imports.base import Importer, UnknownSchools
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
        initial_options: dict[str, Any] | None = None,
        territories: Any = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        initial_options = initial_options or {}
        defaults = initial_options.get("defaults") or {}
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
        labels = {c.key: c.label for c in importer.columns}
        for key in importer.defaultable:
            self.fields[f"default_{key}"] = forms.CharField(
                label=labels.get(key, key),
                required=False,
                max_length=100,
                initial=defaults.get(key, ""),
                help_text=_("Если такого столбца в файле нет — одно значение для всех строк."),
            )
        option_fields = []
        if importer.handles_unknown_schools:
            self.fields["unknown_schools"] = forms.ChoiceField(
                label=_("Школы, которых нет в реестре"),
                choices=UnknownSchools.CHOICES,
                initial=initial_options.get("unknown_schools") or UnknownSchools.ERROR,
                widget=forms.RadioSelect,
            )
            self.fields["territory"] = forms.ModelChoiceField(
                label=_("Куда добавлять новые школы"),
                queryset=territories,
                required=False,
                empty_label=_("— не выбрана —"),
                initial=initial_options.get("territory_id"),
                help_text=_(
                    "Территории, названные в файле (район, коммуна), создаются внутри неё."
                ),
            )
            option_fields = ["unknown_schools", "territory"]
        self.order_fields(
            [f"col_{c.key}" for c in importer.columns]
            + [f"default_{k}" for k in importer.defaultable]
            + option_fields
            + ["save_as"]
        )

    def columns(self) -> dict[str, str]:
        return {c.key: self.cleaned_data.get(f"col_{c.key}", "") for c in self.importer.columns}

    def options(self) -> dict[str, Any]:
        """The defaults and the unknown-school choice, as ImportUpload.options keeps them."""
        data = self.cleaned_data
        options: dict[str, Any] = {
            "defaults": {
                key: data[f"default_{key}"].strip()
                for key in self.importer.defaultable
                if data.get(f"default_{key}", "").strip()
            }
        }
        if "unknown_schools" in data:
            options["unknown_schools"] = data["unknown_schools"]
            territory = data.get("territory")
            options["territory_id"] = territory.pk if territory is not None else None
        return options

    def default_fields(self) -> list[Any]:
        return [self[f"default_{k}"] for k in self.importer.defaultable]

    def option_fields(self) -> list[Any]:
        return [self[name] for name in ("unknown_schools", "territory") if name in self.fields]

    def column_fields(self) -> list[tuple[Any, bool]]:
        return [(self[f"col_{c.key}"], c.required) for c in self.importer.columns]
