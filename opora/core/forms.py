"""Forms of the import wizard."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from opora.core.imports.base import Importer, UnknownSchools
from opora.core.imports.services import check_upload_size
from opora.core.models import ImportMapping


def mapping_label(mapping: ImportMapping) -> str:
    """A preset says it is shipped; a saved mapping names its organisation."""
    if mapping.preset:
        return _("%(name)s (поставляется с Опорой)") % {"name": mapping.source_name}
    if mapping.owner is not None:
        return f"{mapping.source_name} ({mapping.owner.short_name})"
    return mapping.source_name


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

    def __init__(self, *args: Any, importer: Importer, mappings: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Only the presets and the mappings of organisations in the user's reach.
        self.fields["mapping"].queryset = mappings  # type: ignore[attr-defined]
        self.fields["mapping"].label_from_instance = mapping_label  # type: ignore[attr-defined]

    def clean_file(self) -> Any:
        uploaded = self.cleaned_data["file"]
        check_upload_size(uploaded)
        return uploaded


class TerritoryChoiceField(forms.ModelChoiceField):
    """Territories named with their place in the tree («Город N › Северный район»)."""

    def label_from_instance(self, obj: Any) -> str:
        names = getattr(self, "_names", None)
        if names is None:
            # One query for the whole list: every ancestor that is itself in the list.
            names = self._names = {t.path: t.name for t in self.queryset}  # type: ignore[union-attr]
        steplen = obj.steplen
        parts = [
            names[obj.path[:end]]
            for end in range(steplen, len(obj.path) + 1, steplen)
            if obj.path[:end] in names
        ]
        return " › ".join(parts) or obj.name


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
        owners: list[Any] | None = None,
        initial_owner: Any = None,
        territory_everything: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        owners = owners or []
        if len(owners) > 1:
            # Several own organisations with the import right: the user says whose it is.
            self.fields["save_owner"] = forms.TypedChoiceField(
                label=_("Для организации"),
                choices=[(o.pk, o.short_name) for o in owners],
                coerce=int,
                required=False,
                initial=initial_owner.pk if initial_owner is not None else owners[0].pk,
                help_text=_("Сохранённое сопоставление видят сотрудники этой организации."),
            )
        self.owners = {o.pk: o for o in owners}
        initial_options = initial_options or {}
        defaults = initial_options.get("defaults") or {}
        choices = [("", _("— нет в файле —")), *((h, h) for h in headers if h)]
        self.importer = importer
        self.may_create_root = False
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
                widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
            )
            territory = TerritoryChoiceField(
                label=_("Куда добавлять новые школы"),
                queryset=territories,
                required=False,
                initial=initial_options.get("territory_id"),
                empty_label=_("— выберите —"),
                help_text=_(
                    "Любая территория, где вы можете вести реестр. Территории, названные в "
                    "файле (регион, район, коммуна), находятся или создаются внутри неё."
                ),
            )
            self.fields["territory"] = territory
            self.may_create_root = bool(getattr(importer, "root_place", None)) and (
                territory_everything
            )
            if self.may_create_root:
                root_name = importer.root_place[0]  # type: ignore[attr-defined]
                territory.empty_label = _(
                    "— «%(name)s» из файла, новой территорией верхнего уровня —"
                ) % {"name": root_name}
            option_fields = ["unknown_schools", "territory"]
        self.order_fields(
            [f"col_{c.key}" for c in importer.columns]
            + [f"default_{k}" for k in importer.defaultable]
            + option_fields
            + ["save_as", "save_owner"]
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if (
            data.get("unknown_schools") == UnknownSchools.CREATE
            and data.get("territory") is None
            and not self.may_create_root
        ):
            # Asked, never guessed: a file of another region must not land in the user's
            # own city just because it is the only territory they have.
            self.add_error(
                "territory",
                _("Выберите территорию, в которую добавлять новые школы из файла."),
            )
        return data

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

    def owner_choice(self) -> Any:
        """The own organisation the mapping is saved for (None: the only one, if any)."""
        return self.owners.get(self.cleaned_data.get("save_owner") or 0)

    def default_fields(self) -> list[Any]:
        return [self[f"default_{k}"] for k in self.importer.defaultable]

    def option_fields(self) -> list[Any]:
        return [self[name] for name in ("unknown_schools", "territory") if name in self.fields]

    def column_fields(self) -> list[tuple[Any, bool]]:
        return [(self[f"col_{c.key}"], c.required) for c in self.importer.columns]
