"""The indicators each kind of report states, declared once: their codes, names, units and
how a report says them. The readers, the migration that seeds the `Indicator` rows and the
API's vocabulary all read INDICATORS; no parser names an indicator of its own.

DOL chapters state theirs as rows of two enforcement tables: a row is known by its label
(any of `labels`, compared case- and space-insensitively). TIP chapters state theirs in
sentences: a figure is this indicator's when its sentence has the indicator's `cue` and the
words right after the figure are what it counts (`counted`), in the sentence's language.
"""

import re
from dataclasses import dataclass, field

from recommendations.choices import SourceKind

COUNT, MONEY, YES_NO, PERCENT = "count", "money", "yes_no", "percent"
LABOR_TABLE, CRIMINAL_TABLE, STATISTICS = "labor", "criminal", "statistics"

# How a DOL enforcement table's title starts, by the group its rows belong to.
DOL_TABLE_TITLES = {
    LABOR_TABLE: re.compile(r"^table\s+(\d+)\s*\.\s*labor law enforcement efforts related to", re.IGNORECASE),
    CRIMINAL_TABLE: re.compile(r"^table\s+(\d+)\s*\.\s*criminal law enforcement efforts related to", re.IGNORECASE),
}
# The year a report's figures speak of when it says "this year", by kind: a TIP report covers
# the year before its own (the 2022 report speaks of 2021), a DOL chapter its own year.
REPORTING_YEAR_OFFSET: dict[str, int] = {SourceKind.DOL: 0, SourceKind.TIP: -1}


@dataclass(frozen=True)
class Phrasing:
    """How a TIP sentence states an indicator in one language: regular expressions on the
    lower-cased text — `cue` anywhere in the sentence, `counted` at the words after the figure,
    `counted_before` (optional) just before it ("qurbanların sayı 95")."""

    cue: str
    counted: str
    counted_before: str = ""


@dataclass(frozen=True)
class IndicatorDefinition:
    code: str
    kind: str
    name_az: str
    name_en: str
    unit: str
    group: str = ""
    parent: str = ""
    labels: tuple[str, ...] = ()
    phrasings: dict[str, Phrasing] = field(default_factory=dict)
    # DOL's data file (XML): the element under a country's `Country_Statistics` that states
    # the figure, and the elements its year is read from — its own group's `Year`, or, for the
    # working children's figures (the file gives them no year), the years of the two figures
    # from the same survey, which must agree.
    element: str = ""
    year_elements: tuple[str, ...] = ()
    # The largest value that can be right (a share of a group is at most 100%).
    maximum: int | None = None


def _dol(code, group, name_en, name_az, unit, *labels, parent=""):
    return IndicatorDefinition(
        code=code,
        kind=SourceKind.DOL,
        name_az=name_az,
        name_en=name_en,
        unit=unit,
        group=group,
        parent=parent,
        labels=tuple(label.lower() for label in (name_en, *labels)),
    )


def _statistic(code, name_en, name_az, unit, element, *year_elements, maximum=100):
    group = element.split("/")[0]
    return IndicatorDefinition(
        code=code,
        kind=SourceKind.DOL,
        name_az=name_az,
        name_en=name_en,
        unit=unit,
        group=STATISTICS,
        element=element,
        year_elements=year_elements or (f"{group}/Year",),
        maximum=maximum if unit == PERCENT else None,
    )


# The survey the working children's figures come from is the one the attendance and the
# "working and studying" figures name the year of (DOL's table: "Source for all other data:
# … analysis of statistics from <survey>, <year>").
_SURVEY_YEARS = ("Education_Statistics_Attendance_Statistics/Year", "Children_Working_and_Studying_7-14_yrs_old/Year")
_WORKING = "Children_Work_Statistics"


def _tip(code, name_en, name_az, unit, *, az: Phrasing, en: Phrasing):
    return IndicatorDefinition(
        code=code, kind=SourceKind.TIP, name_az=name_az, name_en=name_en, unit=unit, phrasings={"az": az, "en": en}
    )


# Persons a sentence counts, in either language.
_PERSONS_AZ = r"(nəfər|şəxs|insan alverçi|alverçi|təqsirləndiril|müttəhim)"
_PERSONS_EN = r"(defendants?|suspects?|individuals?|persons?|people|alleged traffickers?|traffickers?)\b"
_MONEY_AZ = r"(manat|abş dolları|avro)"
_MONEY_EN = r"(manat|dollars|euros?)\b"

INDICATORS: tuple[IndicatorDefinition, ...] = (
    # DOL: "Labor Law Enforcement Efforts Related to Child Labor"
    _dol(
        "dol_labor_funding",
        LABOR_TABLE,
        "Labor Inspectorate Funding",
        "Əmək müfəttişliyinin maliyyələşdirilməsi",
        MONEY,
    ),
    _dol("dol_labor_inspectors", LABOR_TABLE, "Number of Labor Inspectors", "Əmək müfəttişlərinin sayı", COUNT),
    _dol(
        "dol_labor_penalties_authorized",
        LABOR_TABLE,
        "Inspectorate Authorized to Assess Penalties",
        "Müfəttişliyin cərimə tətbiq etmək səlahiyyəti",
        YES_NO,
    ),
    _dol(
        "dol_labor_training_initial",
        LABOR_TABLE,
        "Initial Training for New Labor Inspectors",
        "Yeni əmək müfəttişləri üçün ilkin təlim",
        YES_NO,
        "Initial Training for New Employees",
    ),
    _dol(
        "dol_labor_training_new_laws",
        LABOR_TABLE,
        "Training on New Laws Related to Child Labor",
        "Uşaq əməyi ilə bağlı yeni qanunlar üzrə təlim",
        YES_NO,
    ),
    _dol("dol_labor_training_refresher", LABOR_TABLE, "Refresher Courses Provided", "Təkmilləşdirmə kursları", YES_NO),
    _dol(
        "dol_labor_inspections",
        LABOR_TABLE,
        "Number of Labor Inspections",
        "Əmək yoxlamalarının sayı",
        COUNT,
        "Number of Labor Inspections Conducted",
    ),
    _dol(
        "dol_labor_inspections_worksite",
        LABOR_TABLE,
        "Number Conducted at Worksite",
        "İş yerində aparılan yoxlamaların sayı",
        COUNT,
        parent="dol_labor_inspections",
    ),
    _dol(
        "dol_labor_inspections_desk",
        LABOR_TABLE,
        "Number Conducted by Desk Reviews",
        "Sənədlər üzrə aparılan yoxlamaların sayı",
        COUNT,
        parent="dol_labor_inspections",
    ),
    _dol(
        "dol_labor_violations_found",
        LABOR_TABLE,
        "Number of Child Labor Violations Found",
        "Aşkarlanan uşaq əməyi pozuntularının sayı",
        COUNT,
    ),
    _dol(
        "dol_labor_violations_penalized",
        LABOR_TABLE,
        "Number of Child Labor Violations for Which Penalties Were Imposed",
        "Cərimə tətbiq edilən uşaq əməyi pozuntularının sayı",
        COUNT,
    ),
    _dol(
        "dol_labor_penalties_collected",
        LABOR_TABLE,
        "Number of Child Labor Penalties Imposed that Were Collected",
        "Tətbiq edilib ödənilən cərimələrin sayı",
        COUNT,
        "Number of Penalties Imposed That Were Collected",
        parent="dol_labor_violations_penalized",
    ),
    _dol(
        "dol_labor_routine_inspections",
        LABOR_TABLE,
        "Routine Inspections Conducted",
        "Növbəti yoxlamalar aparılıb",
        YES_NO,
    ),
    _dol(
        "dol_labor_routine_targeted",
        LABOR_TABLE,
        "Routine Inspections Targeted",
        "Növbəti yoxlamalar hədəflənib",
        YES_NO,
        parent="dol_labor_routine_inspections",
    ),
    _dol(
        "dol_labor_unannounced_permitted",
        LABOR_TABLE,
        "Unannounced Inspections Permitted",
        "Xəbərdarlıqsız yoxlamalara icazə verilir",
        YES_NO,
    ),
    _dol(
        "dol_labor_unannounced_conducted",
        LABOR_TABLE,
        "Unannounced Inspections Conducted",
        "Xəbərdarlıqsız yoxlamalar aparılıb",
        YES_NO,
    ),
    _dol("dol_labor_complaints", LABOR_TABLE, "Complaint Mechanism Exists", "Şikayət mexanizmi mövcuddur", YES_NO),
    _dol(
        "dol_labor_referral",
        LABOR_TABLE,
        "Reciprocal Referral Mechanism Exists Between Labor Authorities and Social Services",
        "Əmək orqanları ilə sosial xidmətlər arasında qarşılıqlı yönləndirmə mexanizmi mövcuddur",
        YES_NO,
    ),
    # DOL: "Criminal Law Enforcement Efforts Related to (the Worst Forms of) Child Labor"
    _dol(
        "dol_criminal_training_initial",
        CRIMINAL_TABLE,
        "Initial Training for New Criminal Investigators",
        "Yeni müstəntiqlər üçün ilkin təlim",
        YES_NO,
        "Initial Training for New Employees",
    ),
    _dol(
        "dol_criminal_training_new_laws",
        CRIMINAL_TABLE,
        "Training on New Laws Related to the Worst Forms of Child Labor",
        "Uşaq əməyinin ən pis formaları ilə bağlı yeni qanunlar üzrə təlim",
        YES_NO,
    ),
    _dol(
        "dol_criminal_training_refresher",
        CRIMINAL_TABLE,
        "Refresher Courses Provided",
        "Müstəntiqlər üçün təkmilləşdirmə kursları",
        YES_NO,
    ),
    _dol("dol_criminal_investigations", CRIMINAL_TABLE, "Number of Investigations", "İstintaqların sayı", COUNT),
    _dol(
        "dol_criminal_violations_found",
        CRIMINAL_TABLE,
        "Number of Violations Found",
        "Aşkarlanan pozuntuların sayı",
        COUNT,
    ),
    _dol(
        "dol_criminal_prosecutions",
        CRIMINAL_TABLE,
        "Number of Prosecutions Initiated",
        "Başlanan cinayət təqiblərinin sayı",
        COUNT,
    ),
    _dol("dol_criminal_convictions", CRIMINAL_TABLE, "Number of Convictions", "Məhkumluqların sayı", COUNT),
    _dol(
        "dol_criminal_penalties",
        CRIMINAL_TABLE,
        "Imposed Penalties for Violations Related to The Worst Forms of Child Labor",
        "Uşaq əməyinin ən pis formaları ilə bağlı pozuntulara görə tətbiq edilən cəzalar",
        COUNT,
    ),
    _dol(
        "dol_criminal_referral",
        CRIMINAL_TABLE,
        "Reciprocal Referral Mechanism Exists Between Criminal Authorities and Social Services",
        "Cinayət təqibi orqanları ilə sosial xidmətlər arasında qarşılıqlı yönləndirmə mexanizmi mövcuddur",
        YES_NO,
    ),
    # DOL's data file: "Statistics on Children's Work and Education", per country.
    _statistic(
        "dol_working_children",
        "Working children, % of the age group",
        "İşləyən uşaqlar, yaş qrupunun %-i",
        PERCENT,
        f"{_WORKING}/Total_Percentage_of_Working_Children",
        *_SURVEY_YEARS,
    ),
    _statistic(
        "dol_working_children_number",
        "Working children, number",
        "İşləyən uşaqların sayı",
        COUNT,
        f"{_WORKING}/Total_Working_Population",
        *_SURVEY_YEARS,
    ),
    _statistic(
        "dol_working_agriculture",
        "Working children in agriculture, % of working children",
        "Kənd təsərrüfatında işləyən uşaqlar, işləyən uşaqların %-i",
        PERCENT,
        f"{_WORKING}/Agriculture",
        *_SURVEY_YEARS,
    ),
    _statistic(
        "dol_working_services",
        "Working children in services, % of working children",
        "Xidmət sahəsində işləyən uşaqlar, işləyən uşaqların %-i",
        PERCENT,
        f"{_WORKING}/Services",
        *_SURVEY_YEARS,
    ),
    _statistic(
        "dol_working_industry",
        "Working children in industry, % of working children",
        "Sənayedə işləyən uşaqlar, işləyən uşaqların %-i",
        PERCENT,
        f"{_WORKING}/Industry",
        *_SURVEY_YEARS,
    ),
    _statistic(
        "dol_school_attendance",
        "Children attending school, % of the age group",
        "Məktəbə gedən uşaqlar, yaş qrupunun %-i",
        PERCENT,
        "Education_Statistics_Attendance_Statistics/Percentage",
    ),
    _statistic(
        "dol_working_and_studying",
        "Children combining work and school, % of the age group",
        "İşi və təhsili birləşdirən uşaqlar, yaş qrupunun %-i",
        PERCENT,
        "Children_Working_and_Studying_7-14_yrs_old/Total",
    ),
    _statistic(
        "dol_primary_completion",
        "Primary completion rate, %",
        "İbtidai təhsili başa vurma dərəcəsi, %",
        PERCENT,
        "UNESCO_Primary_Completion_Rate/Rate",
        # UNESCO's gross ratio: above 100 where pupils older or younger than the age complete.
        maximum=None,
    ),
    # TIP: the chapter's narrative (prosecution, protection, prevention).
    _tip(
        "tip_cases_investigated",
        "Cases investigated",
        "Araşdırılan işlər",
        COUNT,
        az=Phrasing(cue=r"araşdır", counted=r"iş(i|in|lər|ləri|lərin)?\b"),
        en=Phrasing(cue=r"investigat", counted=r"cases?\b"),
    ),
    _tip(
        "tip_suspects_investigated",
        "Suspects in cases investigated",
        "Araşdırılan işlərdə şübhəlilər",
        COUNT,
        az=Phrasing(cue=r"araşdır", counted=r"şübhəli"),
        en=Phrasing(cue=r"investigat", counted=r"suspects?\b"),
    ),
    _tip(
        "tip_defendants_prosecuted",
        "Defendants prosecuted",
        "Məsuliyyətə cəlb edilən təqsirləndirilənlər",
        COUNT,
        az=Phrasing(cue=r"məsuliyyətə cəlb", counted=_PERSONS_AZ),
        en=Phrasing(cue=r"prosecut", counted=_PERSONS_EN),
    ),
    _tip(
        "tip_traffickers_convicted",
        "Traffickers convicted",
        "Məhkum edilən insan alverçiləri",
        COUNT,
        az=Phrasing(cue=r"həbs et|məhkum et", counted=_PERSONS_AZ),
        en=Phrasing(cue=r"convict", counted=_PERSONS_EN),
    ),
    _tip(
        "tip_suspended_sentences",
        "Traffickers given suspended sentences",
        "Şərti cəza alan insan alverçiləri",
        COUNT,
        az=Phrasing(cue=r"şərti (cəza|hökm)", counted=_PERSONS_AZ),
        en=Phrasing(cue=r"suspended sentence", counted=_PERSONS_EN),
    ),
    _tip(
        "tip_victims_identified",
        "Victims identified",
        "Müəyyən edilən qurbanlar",
        COUNT,
        az=Phrasing(cue=r"müəyyən", counted=r"qurban", counted_before=r"qurbanların sayı\s*$"),
        en=Phrasing(cue=r"identif", counted=r"(potential )?victims?\b"),
    ),
    _tip(
        "tip_victim_assistance_funding",
        "Funding for victim assistance",
        "Qurbanlara yardım üçün ayrılan vəsait",
        MONEY,
        az=Phrasing(cue=r"qurbanlara yardım", counted=_MONEY_AZ),
        en=Phrasing(cue=r"victim (assistance|protection|services)", counted=_MONEY_EN),
    ),
    _tip(
        "tip_hotline_calls",
        "Hotline calls",
        "Qaynar xəttə daxil olan zənglər",
        COUNT,
        az=Phrasing(cue=r"qaynar xətt", counted=r"zəng"),
        en=Phrasing(cue=r"hotline", counted=r"calls?\b"),
    ),
    _tip(
        "tip_labour_violations_investigated",
        "Labour violations investigated",
        "Araşdırılan əmək pozuntuları",
        COUNT,
        az=Phrasing(cue=r"əmək pozuntu", counted=r"əmək pozuntu"),
        en=Phrasing(cue=r"labou?r (law )?violations", counted=r"labou?r (law )?violations\b"),
    ),
)

BY_CODE = {definition.code: definition for definition in INDICATORS}


def of_kind(kind: str) -> tuple[IndicatorDefinition, ...]:
    return tuple(definition for definition in INDICATORS if definition.kind == kind)


def statistics() -> tuple[IndicatorDefinition, ...]:
    """The indicators DOL's data file states in its elements."""
    return tuple(definition for definition in INDICATORS if definition.element)


def reporting_year(kind: str, report_year: int) -> int:
    return report_year + REPORTING_YEAR_OFFSET.get(kind, 0)
