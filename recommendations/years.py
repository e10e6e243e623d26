"""The years a report or a recommendation may carry, 1900–2100: one range for the models, the
API's serializers and filters, the pages' and admin's forms and the schema."""

from django.core.validators import MaxValueValidator, MinValueValidator

YEAR_MIN, YEAR_MAX = 1900, 2100
YEAR_VALIDATORS = [MinValueValidator(YEAR_MIN), MaxValueValidator(YEAR_MAX)]
YEAR_SCHEMA = {"type": "integer", "minimum": YEAR_MIN, "maximum": YEAR_MAX}
# A year's input on a page: a number pad on phones, the browser's own range check.
YEAR_INPUT_ATTRS = {"inputmode": "numeric", "min": YEAR_MIN, "max": YEAR_MAX}
