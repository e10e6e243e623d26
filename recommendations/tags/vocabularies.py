"""The tag vocabularies, declared once; pure data (no models), so `choices` can read it.

A tag's code is stable (URLs, filters, exports): an SDG's is its goal number, a State's its
ISO 3166-1 code, a position's "supported"/"noted", a theme's or a group's the folded words of
its English name (`term_code`), so "Constitutional & legislative framework" (cycle 3) and
"A41 Constitutional and legislative framework" (cycle 2) are one theme.
"""

import re
import unicodedata

from django.db import models
from django.utils.translation import gettext_lazy as _


class Vocabulary(models.TextChoices):
    THEME = "theme", _("Theme")
    GROUP = "group", _("Affected group")
    SDG = "sdg", _("Sustainable Development Goal")
    STATE = "recommending_state", _("Recommending State")
    POSITION = "position", _("Position")


# The 17 Sustainable Development Goals: (goal, English name, Azerbaijani name).
SDGS: tuple[tuple[int, str, str], ...] = (
    (1, "No poverty", "Yoxsulluğa son"),
    (2, "Zero hunger", "Aclığa son"),
    (3, "Good health and well-being", "Sağlam həyat və rifah"),
    (4, "Quality education", "Keyfiyyətli təhsil"),
    (5, "Gender equality", "Gender bərabərliyi"),
    (6, "Clean water and sanitation", "Təmiz su və sanitariya"),
    (7, "Affordable and clean energy", "Əlçatan və təmiz enerji"),
    (8, "Decent work and economic growth", "Layiqli əmək və iqtisadi artım"),
    (9, "Industry, innovation and infrastructure", "Sənaye, innovasiya və infrastruktur"),
    (10, "Reduced inequalities", "Bərabərsizliyin azaldılması"),
    (11, "Sustainable cities and communities", "Dayanıqlı şəhərlər və icmalar"),
    (12, "Responsible consumption and production", "Məsuliyyətli istehlak və istehsal"),
    (13, "Climate action", "İqlim dəyişmələri ilə mübarizə"),
    (14, "Life below water", "Sudaaltı həyat"),
    (15, "Life on land", "Quruda həyat"),
    (16, "Peace, justice and strong institutions", "Sülh, ədalət və güclü institutlar"),
    (17, "Partnerships for the goals", "Məqsədlər naminə tərəfdaşlıq"),
)
SDG_NAMES = {goal: (english, azerbaijani) for goal, english, azerbaijani in SDGS}

# The State under review's answer to a recommendation: (code, English, Azerbaijani).
POSITIONS: tuple[tuple[str, str, str], ...] = (
    ("supported", "Supported", "Dəstəklənib"),
    ("noted", "Noted", "Nəzərə alınıb"),
)

# The UPR areas: the theme headings of OHCHR's thematic lists ("Theme: …"), across cycles.
# (code, English, Azerbaijani, other spellings the lists print for the same heading).
UPR_THEMES: tuple[tuple[str, str, str, tuple[str, ...]], ...] = (
    ("upr_international_norms", "Acceptance of international norms", "Beynəlxalq normaların qəbulu", ()),
    (
        "upr_treaty_bodies",
        "Cooperation with treaty bodies",
        "Müqavilə orqanları ilə əməkdaşlıq",
        ("Cooperation & Follow up with Treaty Bodies",),
    ),
    (
        "upr_interstate_cooperation",
        "Inter-State cooperation & development or humanitarian assistance",
        "Dövlətlərarası əməkdaşlıq, inkişaf və ya humanitar yardım",
        (),
    ),
    (
        "upr_legislative_framework",
        "Constitutional and legislative framework",
        "Konstitusiya və qanunvericilik bazası",
        (),
    ),
    ("upr_institutions", "Institutions & policies - General", "İnstitutlar və siyasət – ümumi", ()),
    (
        "upr_legal_institutional",
        "Legal, institutional & policy framework",
        "Hüquqi, institusional və siyasət bazası",
        (),
    ),
    ("upr_hr_policies", "Human rights policies", "İnsan hüquqları siyasəti", ()),
    (
        "upr_nhri",
        "National Human Rights Institution (NHRI)",
        "Milli insan hüquqları təsisatı (MİHT)",
        (),
    ),
    (
        "upr_hr_education_training",
        "Human rights education, trainings and awareness raising",
        "İnsan hüquqları üzrə təhsil, təlim və maarifləndirmə",
        (),
    ),
    ("upr_hr_education", "Human rights education - general", "İnsan hüquqları üzrə təhsil – ümumi", ()),
    ("upr_non_discrimination", "Equality & non-discrimination", "Bərabərlik və ayrı-seçkiliyə yol verilməməsi", ()),
    ("upr_racial_discrimination", "Racial discrimination", "İrqi ayrı-seçkilik", ()),
    ("upr_development", "Right to development", "İnkişaf hüququ", ()),
    ("upr_business", "Business & Human Rights", "Biznes və insan hüquqları", ()),
    ("upr_environment", "Human rights & the environment", "İnsan hüquqları və ətraf mühit", ()),
    ("upr_climate_change", "Human rights & climate change", "İnsan hüquqları və iqlim dəyişməsi", ()),
    ("upr_self_determination", "Right to self-determination", "Öz müqəddəratını təyinetmə hüququ", ()),
    ("upr_effective_remedy", "Right to an effective remedy", "Səmərəli hüquqi müdafiə hüququ", ()),
    (
        "upr_remedy_reparations",
        "Right to effective remedy & reparations",
        "Səmərəli hüquqi müdafiə və təzminat hüququ",
        (),
    ),
    (
        "upr_torture",
        "Prohibition of torture & cruel, inhuman or degrading treatment",
        "İşgəncənin və qəddar, qeyri-insani və ya ləyaqəti alçaldan rəftarın qadağan edilməsi",
        (),
    ),
    ("upr_detention", "Conditions of detention", "Həbs şəraiti", ()),
    ("upr_governance_corruption", "Good governance & corruption", "Yaxşı idarəçilik və korrupsiya", ()),
    ("upr_fair_trial", "Administration of justice & fair trial", "Ədalət mühakiməsi və ədalətli məhkəmə", ()),
    ("upr_expression", "Freedom of opinion and expression", "Fikir və ifadə azadlığı", ()),
    (
        "upr_expression_information",
        "Freedom of opinion & expression & right to information",
        "Fikir və ifadə azadlığı və məlumat almaq hüququ",
        (),
    ),
    ("upr_slavery_trafficking", "Prohibition of slavery, trafficking", "Köləliyin və insan alverinin qadağası", ()),
    (
        "upr_name_identity",
        "Rights related to name, identity, nationality",
        "Ad, şəxsiyyət və vətəndaşlıqla bağlı hüquqlar",
        ("Rights related to name, identity & nationality",),
    ),
    ("upr_marriage_family", "Rights related to marriage & family", "Nikah və ailə ilə bağlı hüquqlar", ()),
    ("upr_domestic_violence", "Domestic violence", "Məişət zorakılığı", ()),
    (
        "upr_esc_rights",
        "Economic, social & cultural rights - general measures of implementation",
        "İqtisadi, sosial və mədəni hüquqlar – ümumi icra tədbirləri",
        (),
    ),
    ("upr_social_security", "Right to social security", "Sosial təminat hüququ", ()),
    ("upr_poverty", "Human rights & poverty", "İnsan hüquqları və yoxsulluq", ()),
    (
        "upr_standard_of_living",
        "Right to an adequate standard of living - general",
        "Layiqli həyat səviyyəsi hüququ – ümumi",
        ("Right to an adequate standard of living",),
    ),
    ("upr_housing", "Right to adequate housing", "Layiqli mənzil hüququ", ()),
    (
        "upr_water_sanitation",
        "Human Rights & drinking water and sanitation",
        "İnsan hüquqları, içməli su və sanitariya",
        (),
    ),
    ("upr_trade_unions", "Trade union rights", "Həmkarlar ittifaqı hüquqları", ()),
    ("upr_health", "Right to health - General", "Sağlamlıq hüququ – ümumi", ("Right to health",)),
    (
        "upr_reproductive_health",
        "Access to sexual & reproductive health & services",
        "Cinsi və reproduktiv sağlamlıq və xidmətlərə çıxış",
        (),
    ),
    ("upr_education", "Right to education", "Təhsil hüququ", ()),
    ("upr_women_discrimination", "Discrimination against women", "Qadınlara qarşı ayrı-seçkilik", ()),
    (
        "upr_women_participation",
        "Participation of women in political & public life",
        "Qadınların siyasi və ictimai həyatda iştirakı",
        (),
    ),
    ("upr_violence_women", "Violence against women", "Qadınlara qarşı zorakılıq", ()),
    (
        "upr_gender_violence",
        "Sexual & other forms of gender-based violence",
        "Cinsi və digər gender əsaslı zorakılıq",
        (),
    ),
    (
        "upr_children_protection",
        "Children: definition; general principles; protection",
        "Uşaqlar: anlayış, ümumi prinsiplər, müdafiə",
        (),
    ),
    (
        "upr_children_family",
        "Children: family environment and alternative care",
        "Uşaqlar: ailə mühiti və alternativ qayğı",
        (),
    ),
    (
        "upr_children_exploitation",
        "Children: protection against exploitation",
        "Uşaqlar: istismardan müdafiə",
        (),
    ),
    (
        "upr_disabilities_principles",
        "Persons with disabilities: definition, general principles",
        "Əlilliyi olan şəxslər: anlayış, ümumi prinsiplər",
        (),
    ),
    (
        "upr_disabilities_access",
        "Persons with disabilities: accessibility, mobility",
        "Əlilliyi olan şəxslər: əlçatanlıq, hərəkətlilik",
        (),
    ),
    (
        "upr_disabilities_inclusion",
        "Persons with disabilities: independence, inclusion",
        "Əlilliyi olan şəxslər: müstəqillik, inklüzivlik",
        (),
    ),
    (
        "upr_disabilities_abuse",
        "Persons with disabilities: protection against exploitation, violence & abuse",
        "Əlilliyi olan şəxslər: istismar, zorakılıq və sui-istifadədən müdafiə",
        (),
    ),
    ("upr_minorities", "Members of minorities", "Azlıqların nümayəndələri", ()),
    (
        "upr_lgbti",
        "Lesbian, gay, bisexual and transgender and intersex persons (LGBTI)",
        "Lezbiyan, gey, biseksual, transgender və interseks şəxslər (LGBTİ)",
        (),
    ),
    ("upr_migrants", "Migrants", "Miqrantlar", ()),
)

# A UHRI theme code printed before the name in cycle 2 ("A12 Acceptance of …", "E1 …").
THEME_CODE = re.compile(r"^\s*[A-H]\d{1,3}\s+")
_WORDS = re.compile(r"\w+")


def term_words(name: str) -> tuple[str, ...]:
    """A theme's or group's name compared without its UHRI code, case, diacritics, and with
    "&" read as "and": the words that identify the term."""
    name = THEME_CODE.sub("", name).replace("&", " and ")
    folded = unicodedata.normalize("NFKD", name.casefold())
    folded = "".join(char for char in folded if not unicodedata.combining(char))
    return tuple(_WORDS.findall(folded.replace("ı", "i")))


def term_code(name: str) -> str:
    """A theme's or group's stable code: its words joined by "-" (at most 100 characters)."""
    return "-".join(term_words(name))[:100].rstrip("-")


def upr_theme_headings() -> dict[tuple[str, ...], str]:
    """Heading words → UPR area code, for the thematic list's "Theme: …" rows."""
    headings: dict[tuple[str, ...], str] = {}
    for code, english, _azerbaijani, aliases in UPR_THEMES:
        for name in (english, *aliases):
            headings[term_words(name)] = code
    return headings
