from django.urls import include, path
from rest_framework.routers import APIRootView, DefaultRouter

from recommendations.indicators import api as indicators
from recommendations.measures import api as measures
from recommendations.reviews import api as review_api

from ..submissions.views import CountrySubmissionDOCXView, ReportMatrixDOCXView, ReportSubmissionDOCXView
from . import analytics_views, catalog, exports, progress_log, responsible_bodies, tag_suggestions, tags, views


class APIRoot(APIRootView):
    """`/api/v1/`: every endpoint's address, for anyone (each endpoint says who may read it)."""

    read_role = None


# Endpoints outside the router, listed in the root beside the router's: {name: URL name}.
ROOT_EXTRAS = {
    "areas": "area-list",
    "stats": "stats",
    "stats/timeline": "stats-timeline",
    "stats/changes": "stats-changes",
    "progress": "progress-log",
    "reviews": "reviews",
    "tags/suggest": "tags-suggest",
    "recommendations/export": "recommendation-export",
    "auth/token": "auth-token",
}


class TrackerRouter(DefaultRouter):
    APIRootView = APIRoot

    def get_api_root_view(self, api_urls=None):
        listed = {prefix: self.routes[0].name.format(basename=basename) for prefix, _viewset, basename in self.registry}
        return self.APIRootView.as_view(api_root_dict={**listed, **ROOT_EXTRAS})


router = TrackerRouter()
router.register("recommendations", views.RecommendationViewSet, basename="recommendation")
router.register("sources", catalog.SourceViewSet, basename="source")
router.register("responsible-bodies", responsible_bodies.ResponsibleBodyViewSet, basename="responsible-body")
router.register("indicators", indicators.IndicatorViewSet, basename="indicator")
router.register("indicator-values", indicators.IndicatorValueViewSet, basename="indicator-value")
router.register("measures", measures.MeasureViewSet, basename="measure")

nested: dict = {"get": "list", "post": "create"}
urlpatterns = [
    # Before the router, whose recommendations/<pk>/ would otherwise claim these paths.
    path("recommendations/export.csv", exports.RecommendationCSVExportView.as_view(), name="recommendation-export-csv"),
    path(
        "recommendations/export.xlsx", exports.RecommendationXLSXExportView.as_view(), name="recommendation-export-xlsx"
    ),
    path("recommendations/export/", exports.RecommendationExportView.as_view(), name="recommendation-export"),
    path("stats/", analytics_views.StatsView.as_view(), name="stats"),
    path("tags/suggest/", tags.TagSuggestView.as_view(), name="tags-suggest"),
    path("stats/timeline/", analytics_views.TimelineView.as_view(), name="stats-timeline"),
    path("stats/changes/", analytics_views.ChangesView.as_view(), name="stats-changes"),
    path("progress/", progress_log.ProgressLogView.as_view(), name="progress-log"),
    path("reviews/", review_api.ReviewQueueView.as_view(), name="reviews"),
    path("reviews/mine/", review_api.OwnProposalsView.as_view(), name="reviews-mine"),
    path("reviews/<int:pk>/", review_api.ReviewDecisionView.as_view(), name="review"),
    path("sources/<slug:slug>/submission.docx", ReportSubmissionDOCXView.as_view(), name="source-submission-docx"),
    path("sources/<slug:slug>/thematic-list.docx", ReportMatrixDOCXView.as_view(), name="source-thematic-list-docx"),
    path(
        "countries/<str:country>/submission.docx", CountrySubmissionDOCXView.as_view(), name="country-submission-docx"
    ),
    path("", include(router.urls)),
    path("areas/", catalog.AreaListView.as_view(), name="area-list"),
    path(
        "recommendations/<int:recommendation_pk>/progress/",
        views.ProgressUpdateViewSet.as_view(nested),
        name="recommendation-progress",
    ),
    path(
        "recommendations/<int:recommendation_pk>/evidence/",
        views.EvidenceViewSet.as_view(nested),
        name="recommendation-evidence",
    ),
    path(
        "recommendations/<int:recommendation_pk>/history/",
        views.HistoryViewSet.as_view({"get": "list"}),
        name="recommendation-history",
    ),
    path(
        "recommendations/<int:recommendation_pk>/tag-suggestions/",
        tag_suggestions.TagSuggestionListView.as_view(),
        name="recommendation-tag-suggestions",
    ),
    path(
        "recommendations/<int:recommendation_pk>/tag-suggestions/<int:pk>/",
        tag_suggestions.TagSuggestionDecisionView.as_view(),
        name="recommendation-tag-suggestion",
    ),
    path("evidence/<int:pk>/file/", views.EvidenceFileView.as_view(), name="evidence-file"),
    path(
        "measures/<int:measure_pk>/progress/", measures.MeasureProgressViewSet.as_view(nested), name="measure-progress"
    ),
    path(
        "measures/<int:measure_pk>/evidence/", measures.MeasureEvidenceViewSet.as_view(nested), name="measure-evidence"
    ),
    path("measures/<int:measure_pk>/links/", measures.MeasureLinksView.as_view(), name="measure-links"),
    path(
        "measures/<int:measure_pk>/links/<int:recommendation_pk>/",
        measures.MeasureLinkDetailView.as_view(),
        name="measure-link",
    ),
    path(
        "measures/<int:measure_pk>/history/",
        measures.MeasureHistoryViewSet.as_view({"get": "list"}),
        name="measure-history",
    ),
    path(
        "sources/<slug:slug>/indicator-values/",
        indicators.SourceIndicatorValueCreateView.as_view(),
        name="source-indicator-values",
    ),
    path("auth/token/", views.TokenView.as_view(), name="auth-token"),
    path("auth/tokens/", views.OwnTokenListView.as_view(), name="auth-tokens"),
    path("auth/tokens/<int:pk>/", views.OwnTokenDetailView.as_view(), name="auth-token-detail"),
]
