"""A seed's whole year as its people live it (issue 15, "Done means"): only that seed loaded
into a fresh tenant through `load_seed_programmes`, then each step through the pages the
people use — the cadre registers (ĐKCT01), the Bí thư approves, the cadre logs activities and
self-assesses (KĐCT01), the Bí thư proposes a rating, the BTV of the unit above decides it
after its meeting — the figures rolled up on commit as in production, and the unit's or the
province's report PDF generated and read back."""

import datetime
import io

from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from cadres.models import Cadre, GrantRole, Tenant, Unit, User
from evaluations.forms.drafts import RegistrationDraftForm, SelfAssessmentDraftForm
from evaluations.models import Cycle, Initiative, Registration, ResultOutcome, SelfAssessment
from models_registry.models import CriterionKind, Programme
from models_registry.seeding import read_seed_programmes
from reports.models import ReportFile
from tests.cadres.factories import GrantFactory, TenantFactory
from tests.evaluations.factories import CycleFactory

# What a cadre writes for an outcome criterion: a yes/no done, a prohibition kept.
KEPT = {CriterionKind.YES_NO: ResultOutcome.MET, CriterionKind.PROHIBITION: ResultOutcome.KEPT}


def flat(text: str) -> str:
    return " ".join(text.split())


class Year:
    """One tenant with only `seed` loaded, an open cycle of `year`, and a client acting as
    whoever the step's person is. `capture` is pytest-django's
    `django_capture_on_commit_callbacks`: what production does after a commit (the rollup,
    the notices, a report file's job) runs here after each request."""

    def __init__(self, client, capture, *, seed: str, year: int, name: str, slug: str,
                 owner: str = "") -> None:
        self.client, self.capture = client, capture
        self.seed, self.owner, self.year = seed, owner, year
        with self.setting_up():
            self.tenant: Tenant = TenantFactory(name=name, slug=slug)
            self.root: Unit = self.tenant.root_unit
            self.cycle: Cycle = CycleFactory(tenant=self.tenant, year=year)
            self.provincial: User = GrantFactory(unit=self.root, role=GrantRole.PROVINCIAL_STAFF).user

    def setting_up(self):
        """Build the tree and the people inside this: the figures' re-roll a change asks for
        runs after it, as after a commit (outside, it would wait for a commit that never comes
        and swallow every later request's re-roll)."""
        return self.capture(execute=True)

    def load_seed(self) -> Programme:
        """The seed through the command the province runs; the tenant then has that seed's
        programmes and no other."""
        options = {"owner": [f"{self.seed}={self.owner}"]} if self.owner else {}
        with self.setting_up():
            call_command("load_seed_programmes", tenant=self.tenant.slug, seed=[self.seed], stdout=io.StringIO(),
                         **options)
        programmes = list(Programme.objects.filter(tenant=self.tenant).order_by("pk"))
        assert [p.seed_key for p in programmes] == [spec["key"] for spec in read_seed_programmes([self.seed])]
        return programmes[0]

    def as_(self, user: User) -> None:
        self.client.force_login(user)

    def post(self, name: str, args, data: dict, *, ok=(302,)):
        with self.capture(execute=True):
            response = self.client.post(reverse(name, args=args), data)
        assert response.status_code in ok, (name, response.status_code, response.content.decode()[:2000])
        return response

    def _autosave(self, name: str, form, keys) -> None:
        for key in keys:
            form.draft.refresh_from_db()
            value = self.value_for(form, key)
            if value is None:
                continue
            self.post(name, [form.draft.pk], {"field": key, key: value,
                                              f"v:{key}": form.draft.field_versions.get(key, 0)}, ok=(200,))

    @staticmethod
    def value_for(form, key: str):
        row, attribute = form.rows[key]
        if attribute == "target":
            return str(row.minimum if row.minimum is not None else "")
        if attribute == "outcome":
            return KEPT[row.commitment.criterion.kind]
        if attribute in ("actual_value", "change_reason"):
            return None  # the actual value comes from the activity log
        if attribute.startswith("gains_"):
            return "yes"
        if attribute == "self_rating":
            return "excellent"
        return f"{getattr(row, 'criterion', None) or attribute}: đã thực hiện"

    # --- The cadre's ĐKCT01 ------------------------------------------------------------------

    def register(self, cadre: Cadre, programme: Programme) -> Registration:
        """The cadre opens the programme offered to them, fills every box and submits."""
        self.as_(cadre.user)
        offered = self.client.get(reverse("registration_list")).content.decode()
        assert reverse("registration_start", args=[programme.pk]) in offered, "the programme is not offered"
        self.post("registration_start", [programme.pk], {})
        registration = Registration.objects.get(cadre=cadre, cycle=self.cycle)
        form = RegistrationDraftForm(registration)
        self._autosave("registration_autosave", form, list(form.fields))
        registration.refresh_from_db()
        self.post("registration_submit", [registration.pk], {"version": registration.lock_version})
        registration.refresh_from_db()
        assert registration.state == "submitted"
        return registration

    def approve(self, reviewer: Cadre, registration: Registration) -> None:
        self.as_(reviewer.user)
        registration.refresh_from_db()
        self.post("registration_approve", [registration.pk], {"version": registration.lock_version})
        registration.refresh_from_db()
        assert registration.state == "approved"
        # The year is past: the log counts from the approval, so it is dated 1 January of the
        # cycle's year, as if approved then (tests.evaluations.factories.approved_registration).
        Registration.objects.filter(pk=registration.pk).update(approved_at=timezone.make_aware(
            datetime.datetime.combine(datetime.date(self.year, 1, 1), datetime.time(9))))

    def log(self, cadre: Cadre, kind: str, on: datetime.date, hours: str = "") -> None:
        self.as_(cadre.user)
        self.post("activity_create", [], {"kind": kind, "date": on.strftime("%d/%m/%Y"), "hours": hours,
                                          "description": "Ghi nhận hoạt động"})

    def initiative(self, cadre: Cadre, title: str, on: datetime.date) -> Initiative:
        self.as_(cadre.user)
        self.post("initiative_create", [], {"title": title, "recognised_by": "Ban Thường vụ Đoàn cấp trên",
                                            "date": on.strftime("%d/%m/%Y")})
        return Initiative.objects.get(cadre=cadre, title=title)

    def recognise(self, reviewer: Cadre, assessment: SelfAssessment, initiative: Initiative, on: datetime.date) -> None:
        """The reviewer confirms the sáng kiến on the self-assessment they review."""
        self.as_(reviewer.user)
        initiative.refresh_from_db()
        self.post("initiative_recognise", [assessment.pk, initiative.pk], {
            f"initiative-{initiative.pk}-recognised_by": "Ban Thường vụ Đoàn Khối",
            f"initiative-{initiative.pk}-decision_number": "12-QĐ/ĐTN",
            f"initiative-{initiative.pk}-decision_date": on.isoformat(), "version": initiative.lock_version})

    # --- The cadre's KĐCT01 and the rating -----------------------------------------------------

    def self_assess(self, cadre: Cadre, registration: Registration) -> SelfAssessment:
        self.as_(cadre.user)
        self.post("self_assessment_start", [registration.pk], {"period": "year"})
        assessment = SelfAssessment.objects.get(registration=registration, period="year")
        form = SelfAssessmentDraftForm(assessment)
        keys = [key for result in form.results for key in form.result_keys(result)]
        general = form.general_keys()
        self._autosave("self_assessment_autosave", form,
                       keys + general["texts"] + general["gains"] + general["rating"])
        assessment.refresh_from_db()
        self.post("self_assessment_submit", [assessment.pk], {"version": assessment.lock_version})
        assessment.refresh_from_db()
        assert assessment.state == "submitted", assessment.state
        return assessment

    def rate(self, reviewer: Cadre, btv: Cadre, assessment: SelfAssessment, rating: str) -> None:
        """The Bí thư proposes; the BTV above records the collective's decision after its meeting."""
        self.as_(reviewer.user)
        assessment.refresh_from_db()
        self.post("self_assessment_propose", [assessment.pk], {
            "version": assessment.lock_version, "propose-rating": rating, "propose-comment": "Đề xuất của Bí thư"})
        self.as_(btv.user)
        assessment.refresh_from_db()
        unit = assessment.unit
        self.post("ratings_finalise_batch", [self.tenant.slug, unit.code], {
            f"rating.{assessment.pk}": rating, f"version.{assessment.pk}": assessment.lock_version,
            f"comment.{assessment.pk}": "Tập thể nhất trí", "meeting-held_on": timezone.localdate().isoformat(),
            "meeting-minutes_number": "05-BB/ĐTN", "meeting-members_present": "5",
            "meeting-members_agreeing": "5"})
        assessment.refresh_from_db()
        assert (assessment.state, assessment.final_rating) == ("finalised", rating)

    def whole(self, cadre: Cadre, reviewer: Cadre, btv: Cadre, programme: Programme, rating: str,
              activities=()) -> SelfAssessment:
        registration = self.register(cadre, programme)
        self.approve(reviewer, registration)
        for kind, on, hours in activities:
            self.log(cadre, kind, on, hours)
        assessment = self.self_assess(cadre, registration)
        self.rate(reviewer, btv, assessment, rating)
        return assessment

    # --- Reports -----------------------------------------------------------------------------

    def pdf(self, user: User, unit: Unit, kind: str = "unit_pdf") -> str:
        """The report file as its manager requests and downloads it, as flat text."""
        self.as_(user)
        response = self.post("report_file_request", [self.tenant.slug, unit.code],
                             {"cycle": str(self.year), "kind": kind})
        job = ReportFile.objects.get(pk=int(response.url.rstrip("/").split("/")[-1]))
        assert "Đã xong" in self.client.get(response.url).content.decode()
        data = b"".join(self.client.get(reverse("report_file_download", args=[job.pk])).streaming_content)
        return flat(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages))

    def page(self, user: User, url: str) -> str:
        self.as_(user)
        response = self.client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        return flat(response.content.decode())
