"""Country names in Azerbaijani for the countries the tracker's reports cover first.

django-countries ships no Azerbaijani catalogue, and its names are ordinary Django
translations (`gettext_lazy("Azerbaijan")`), so entries in the project's own catalogue
translate them. Marked here so that `make messages` keeps them.
"""

from django.utils.translation import gettext_noop

TRANSLATED_COUNTRY_NAMES = (
    gettext_noop("Azerbaijan"),
    gettext_noop("Armenia"),
    gettext_noop("Georgia"),
    gettext_noop("Türkiye"),
    gettext_noop("Iran"),
    gettext_noop("Russia"),
    gettext_noop("Kazakhstan"),
    gettext_noop("Uzbekistan"),
    gettext_noop("Kyrgyzstan"),
    gettext_noop("Tajikistan"),
    gettext_noop("Turkmenistan"),
    gettext_noop("Ukraine"),
    gettext_noop("Moldova"),
    gettext_noop("Belarus"),
)
