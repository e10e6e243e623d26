"""Texts other packages show that the project's catalogue translates, marked here so that
`make messages` keeps them.

- Country names: django-countries ships no Azerbaijani catalogue, and its names are ordinary
  Django translations (`gettext_lazy("Azerbaijan")`), so entries in the project's catalogue
  translate the region's.
- Month names inside a date: Django's Azerbaijani dates ("j E Y") capitalise the month, which
  Azerbaijani writes in lower case ("29 noyabr 2026"); the "alt. month" forms are those.
- Django's own Azerbaijani texts that read wrong: "Ən az 150 simvol" (at least) for "150 characters
  or fewer", "Tarix" (a date) for the History button, and "istifadəçilər", which the admin
  capitalises with Python's `str.upper` to "Istifadəçilər" (Azerbaijani capital i is İ); page
  titles that begin with the model's name in lower case ("tövsiyə dəyişmək üçün seç").
"""

from django.utils.translation import gettext_noop, pgettext_lazy

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

MONTHS_IN_A_DATE = (
    pgettext_lazy("alt. month", "January"),
    pgettext_lazy("alt. month", "February"),
    pgettext_lazy("alt. month", "March"),
    pgettext_lazy("alt. month", "April"),
    pgettext_lazy("alt. month", "May"),
    pgettext_lazy("alt. month", "June"),
    pgettext_lazy("alt. month", "July"),
    pgettext_lazy("alt. month", "August"),
    pgettext_lazy("alt. month", "September"),
    pgettext_lazy("alt. month", "October"),
    pgettext_lazy("alt. month", "November"),
    pgettext_lazy("alt. month", "December"),
)

DJANGO_TEXTS_REWORDED = (
    gettext_noop("users"),
    gettext_noop("History"),
    gettext_noop("Required. 150 characters or fewer. Letters, digits and @/./+/-/_ only."),
    # Page titles that began with the model's name in lower case ("tövsiyə dəyişmək üçün seç").
    gettext_noop("Select %s to change"),
    gettext_noop("Add %s"),
    gettext_noop("Change %s"),
    gettext_noop("View %s"),
)
