"""Azerbaijani report data for the analysts' side: a DOL 2015 report with recommendations
over several year ranges, TIP 2021 and 2022 reports (Tier 2) with a repeated
recommendation, progress with notes and evidence that anonymous readers must never see.

Built in one place (the `reports` fixture) so the tests can move to the real seeds once
the importer lands, by replacing `build_reports` with a seed load.
"""

import datetime
from dataclasses import dataclass, field

from recommendations.choices import EvidenceKind, SourceKind, Status
from recommendations.evidence import services as evidence_services
from recommendations.models import Recommendation, Source
from recommendations.progress import services as progress_services
from tests.factories import RecommendationFactory, ResponsibleBodyFactory, SourceFactory, UserFactory

SECRET_NOTE = "Qurban Ş. (17 yaş) sığınacaqda müsahibə verdi; ünvanı gizlidir."
SECRET_EVIDENCE_TITLE = "Məxfi: sığınacağın şəxsi hesabatı"


@dataclass
class Reports:
    dol_2015: Source
    tip_2021: Source
    tip_2022: Source
    recommendations: dict[str, Recommendation] = field(default_factory=dict)

    def __getitem__(self, key: str) -> Recommendation:
        return self.recommendations[key]


# key: (source, area, action, years, priority, status)
DOL_2015 = {
    "hazardous_work_law": (
        "legal_framework",
        "Uşaqların təhlükəli işlərə cəlb edilməsinin qadağan olunmasını Əmək Məcəlləsinə daxil edin.",
        (2014, 2015),
        Status.IMPLEMENTED,
    ),
    "inspector_funding": (
        "enforcement",
        "Əmək müfəttişliyinə kifayət qədər maliyyə və insan resursu ayırın; müfəttişlərin treninqini təmin edin.",
        (2011, 2015),
        Status.IN_PROGRESS,
    ),
    "inspection_data": (
        "enforcement",
        "Əmək müfəttişliyinin yoxlamaları və aşkar edilmiş pozuntular barədə məlumatları dərc edin.",
        (2015, 2015),
        Status.NOT_STARTED,
    ),
    "coordination_mechanism": (
        "coordination",
        "Uşaq əməyinə qarşı mübarizə üzrə əlaqələndirmə mexanizmi yaradın və onun fəaliyyətini təmin edin.",
        (2013, 2015),
        Status.PARTIALLY_IMPLEMENTED,
    ),
    "national_policy": (
        "government_policies",
        "Uşaq əməyi məsələlərini müvafiq Dövlət Proqramına daxil edin.",
        (2015, 2015),
        Status.NOT_ASSESSED,
    ),
    "rural_education": (
        "social_programs",
        "Kənd yerlərində uşaqların təhsilə çıxışını genişləndirin, xüsusən qız uşaqlarının.",
        (2012, 2015),
        Status.NOT_ASSESSED,
    ),
    "labour_survey": (
        None,
        "İşləyən uşaqlar barədə milli sorğu keçirin və nəticələrini ictimaiyyətə açıqlayın.",
        (2015, 2015),
        Status.NOT_STARTED,
    ),
}
TIP_2022 = {
    "prosecute_traffickers": (
        "prosecution",
        "İnsan alveri cinayətlərini qətiyyətlə araşdırın, təqib edin və günahkarları mühakimə edin.",
        True,
        Status.IN_PROGRESS,
    ),
    "victim_identification": (
        "protection",
        "Qurbanların müəyyənləşdirilməsi üçün standart əməliyyat prosedurlarını tətbiq edin.",
        True,
        Status.NOT_STARTED,
    ),
    "recruitment_oversight": (
        "prevention",
        "Əmək miqrantlarının işə götürülməsinə nəzarəti gücləndirin; işçilərdən haqq alınmasını qadağan edin.",
        False,
        Status.NOT_ASSESSED,
    ),
}


def build_reports() -> Reports:
    staff = UserFactory(username="ngo.işçi", role="ngo_staff")
    ministry = ResponsibleBodyFactory(name="Əmək və Əhalinin Sosial Müdafiəsi Nazirliyi")
    interior = ResponsibleBodyFactory(name="Daxili İşlər Nazirliyi")
    reports = Reports(
        dol_2015=SourceFactory(
            slug="dol-2015-az",
            kind=SourceKind.DOL,
            publisher="ABŞ Əmək Nazirliyi",
            title="Uşaq əməyinin ən pis formaları üzrə tapıntılar",
            report_year=2015,
        ),
        tip_2021=SourceFactory(
            slug="tip-2021-az",
            kind=SourceKind.TIP,
            publisher="ABŞ Dövlət Departamenti",
            title="İnsan alveri haqqında hesabat",
            report_year=2021,
            tip_tier="Tier 2",
        ),
        tip_2022=SourceFactory(
            slug="tip-2022-az",
            kind=SourceKind.TIP,
            publisher="ABŞ Dövlət Departamenti",
            title="İnsan alveri haqqında hesabat",
            report_year=2022,
            tip_tier="Tier 2",
        ),
    )
    for position, (key, (area, action, (start, end), _status)) in enumerate(DOL_2015.items(), start=1):
        reports.recommendations[key] = RecommendationFactory(
            source=reports.dol_2015,
            area=area,
            action=action,
            year_start=start,
            year_end=end,
            position=position,
            responsible_bodies=[ministry],
        )
    reports.recommendations["victim_identification_2021"] = RecommendationFactory(
        source=reports.tip_2021,
        area="protection",
        action=TIP_2022["victim_identification"][1],
        year_start=2021,
        year_end=2021,
        position=1,
        priority=True,
        responsible_bodies=[interior],
    )
    for position, (key, (area, action, priority, _status)) in enumerate(TIP_2022.items(), start=1):
        reports.recommendations[key] = RecommendationFactory(
            source=reports.tip_2022,
            area=area,
            action=action,
            year_start=2022,
            year_end=2022,
            position=position,
            priority=priority,
            responsible_bodies=[interior],
            repeats=reports.recommendations["victim_identification_2021"] if key == "victim_identification" else None,
        )
    statuses = {key: spec[-1] for key, spec in {**DOL_2015, **TIP_2022}.items()}
    statuses["victim_identification_2021"] = Status.NOT_STARTED
    for key, status in statuses.items():
        if status != Status.NOT_ASSESSED:
            progress_services.progress_record(
                recommendation_id=reports[key].pk,
                status=status,
                note=SECRET_NOTE if key == "victim_identification" else f"Monitorinq: {key}",
                occurred_on=datetime.date(2023, 3, 15),
                user=staff,
            )
    evidence_services.evidence_add(
        recommendation_id=reports["victim_identification"].pk,
        kind=EvidenceKind.EXCERPT,
        title=SECRET_EVIDENCE_TITLE,
        excerpt="Sığınacaqda 3 qurban qeydə alınıb.",
        evidence_date=datetime.date(2023, 3, 10),
        user=staff,
    )
    for item in reports.recommendations.values():
        item.refresh_from_db()
    return reports
