from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from recommendations.users.admin import own_password_change

urlpatterns = [
    path("api/v1/", include("recommendations.api.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    # GET only: the HTML renderer has no template for an OPTIONS reply, which would be a 500.
    # The split view serves Swagger UI's start-up script as a file: no inline script (CSP).
    path(
        "api/docs/",
        SpectacularSwaggerSplitView.as_view(url_name="schema", http_method_names=["get", "head"]),
        name="swagger-ui",
    ),
    path("i18n/", include("django.conf.urls.i18n")),
    # Before the admin's own: the same page, saving through the password service.
    path("admin/password_change/", own_password_change, name="admin-password-change"),
    path("admin/", admin.site.urls),
    path("", include("recommendations.pages.urls")),
]

handler400 = "recommendations.error_views.bad_request"
handler403 = "recommendations.error_views.permission_denied"
handler404 = "recommendations.error_views.page_not_found"
handler500 = "recommendations.error_views.server_error"
