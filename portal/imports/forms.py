from django import forms
from django.utils.translation import gettext_lazy as _


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("取り込むファイル"),
        help_text=_("CSV（UTF-8、BOM付きUTF-8、Shift_JIS のいずれも可）または Excel（.xlsx）。1行目は見出し行です。"),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,text/csv"}),
    )
