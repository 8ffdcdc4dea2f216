def test_long_select_writes_the_markup_django_writes() -> None:
    """`LongSelect` writes its options in Python; the markup equals Django's own select's:
    escaped labels, the chosen option, option groups, attributes."""
    import re

    from django import forms

    from opora.core.selects import LongSelect

    choices = [("", "все"), ("1", "Район <1>"), ("Группа", [("2", "два"), ("3", "три")])]

    class Both(forms.Form):
        plain = forms.ChoiceField(choices=choices, required=False)
        long = forms.ChoiceField(choices=choices, required=False, widget=LongSelect)

    form = Both({"plain": "2", "long": "2"})

    def markup(name: str) -> str:
        html = str(form[name].as_widget(attrs={"class": "form-select"}))
        html = re.sub(r">\s+<", "><", html).replace(f'name="{name}"', 'name="x"')
        return html.replace(f"id_{name}", "id_x")

    assert markup("long") == markup("plain")
    assert "Район &lt;1&gt;" in markup("long") and '<option value="2" selected>' in markup("long")
