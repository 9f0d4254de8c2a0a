""""Tải dữ liệu của tôi": the cadre's whole file as JSON and as a PDF (Law 91/2025/QH15)."""

import json

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.utils import timezone, translation

from cadres.selectors import own_cadre
from evaluations.personal_data import personal_data_of
from office.pdf import OfficialHeader, render_pdf


def _own(request):
    cadre = own_cadre(request.user)
    if cadre is None:
        raise Http404
    return cadre


def _download(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def my_data_json(request):
    cadre = _own(request)
    with translation.override("vi"):
        data = personal_data_of(cadre)
    content = json.dumps(data, ensure_ascii=False, indent=2).encode()
    return _download(content, "application/json; charset=utf-8", f"du-lieu-ca-nhan-{cadre.pk}.json")


@login_required
def my_data_pdf(request):
    cadre = _own(request)
    with translation.override("vi"):
        data = personal_data_of(cadre)
        header = OfficialHeader(superior=cadre.tenant.name, issuer="Sổ rèn luyện cán bộ Đoàn", number="",
                                date=timezone.localdate())
        content = render_pdf("evaluations/pdf/my_data.html", {"header": header, "data": data, "cadre": cadre})
    return _download(content, "application/pdf", f"du-lieu-ca-nhan-{cadre.pk}.pdf")
