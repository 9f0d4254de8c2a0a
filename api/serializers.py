"""What a resource shows: read-only, plain fields, codes for units (the key people and
imports use), ids for the rest. Never the anonymous feedback, never a password or a token."""

from typing import Any

from rest_framework import serializers

from cadres.models import Cadre, Position, Unit, UnitChange
from evaluations.models import Commitment, CommitmentResult, Cycle, FormEvent, Registration, SelfAssessment
from models_registry.models import AudienceTarget, CriteriaGroup, Criterion, Programme


class UnitChangeSerializer(serializers.ModelSerializer[UnitChange]):
    class Meta:
        model = UnitChange
        fields = ["kind", "date", "before", "after", "related", "created_at"]


class UnitSerializer(serializers.ModelSerializer[Unit]):
    parent = serializers.CharField(source="parent_code", allow_null=True, read_only=True,
                                   help_text="The parent unit's code; null for the client's own unit's tenant root.")

    class Meta:
        model = Unit
        fields = ["code", "name", "level", "sector", "parent", "depth", "archived_at", "created_at", "updated_at"]


class UnitDetailSerializer(UnitSerializer):
    history = UnitChangeSerializer(source="changes", many=True, read_only=True,
                                   help_text="Creations, renames, moves, merges, splits and archiving, oldest first.")

    class Meta(UnitSerializer.Meta):
        fields = [*UnitSerializer.Meta.fields, "history"]


class PositionSerializer(serializers.ModelSerializer[Position]):
    unit = serializers.CharField(source="unit.code", read_only=True)

    class Meta:
        model = Position
        fields = ["id", "unit", "role", "start_date", "end_date", "updated_at"]


class CadreSerializer(serializers.ModelSerializer[Cadre]):
    positions = PositionSerializer(source="positions_in_reach", many=True, read_only=True,
                                   help_text="Positions in the client's subtree, current and past.")

    class Meta:
        model = Cadre
        fields = ["id", "full_name", "birth_date", "gender", "phone", "email", "ethnicity", "job_title",
                  "is_full_time", "is_civil_servant", "is_party_member", "created_at", "updated_at", "positions"]


class AudienceTargetSerializer(serializers.ModelSerializer[AudienceTarget]):
    class Meta:
        model = AudienceTarget
        fields = ["unit_level", "role", "full_time", "civil_servant", "applies", "target"]


class CriterionSerializer(serializers.ModelSerializer[Criterion]):
    audience_targets = AudienceTargetSerializer(many=True, read_only=True)

    class Meta:
        model = Criterion
        fields = ["id", "title", "guidance", "kind", "target", "measure", "period", "activity_kinds",
                  "audience_targets"]


class CriteriaGroupSerializer(serializers.ModelSerializer[CriteriaGroup]):
    criteria = CriterionSerializer(many=True, read_only=True)

    class Meta:
        model = CriteriaGroup
        fields = ["title", "criteria"]


class ProgrammeSerializer(serializers.ModelSerializer[Programme]):
    owner_unit = serializers.CharField(source="owner_unit.code", read_only=True)
    groups = CriteriaGroupSerializer(many=True, read_only=True)

    class Meta:
        model = Programme
        fields = ["id", "name", "owner_unit", "start_year", "end_year", "subject", "status", "version", "description",
                  "sectors", "parent", "published_at", "archived_at", "updated_at", "groups"]


class CycleSerializer(serializers.ModelSerializer[Cycle]):
    class Meta:
        model = Cycle
        fields = ["id", "year", "status"]


class FormEventSerializer(serializers.ModelSerializer[FormEvent]):
    class Meta:
        model = FormEvent
        fields = ["action", "from_state", "to_state", "comment", "criterion_comments", "is_late", "created_at"]


class CommitmentSerializer(serializers.ModelSerializer[Commitment]):
    class Meta:
        model = Commitment
        fields = ["id", "criterion", "text", "minimum", "target", "measures"]


class _FormSerializer(serializers.Serializer[Any]):
    cadre = serializers.IntegerField(source="cadre_id", read_only=True)
    unit = serializers.CharField(source="unit.code", read_only=True)
    cycle = serializers.IntegerField(source="cycle.year", read_only=True)
    timeline = FormEventSerializer(source="api_timeline", many=True, read_only=True,
                                   help_text="Every transition, oldest first.")


class RegistrationSerializer(_FormSerializer, serializers.ModelSerializer[Registration]):
    programme = serializers.IntegerField(source="programme_id", read_only=True)
    commitments = CommitmentSerializer(many=True, read_only=True)

    class Meta:
        model = Registration
        fields = ["id", "cadre", "unit", "role", "cycle", "programme", "revision", "state", "submitted_at", "is_late",
                  "approved_at", "planned_initiative", "updated_at", "commitments", "timeline"]


class ResultSerializer(serializers.ModelSerializer[CommitmentResult]):
    class Meta:
        model = CommitmentResult
        fields = ["commitment", "result", "computed_value", "actual_value", "change_reason", "outcome"]


class SelfAssessmentSerializer(_FormSerializer, serializers.ModelSerializer[SelfAssessment]):
    registration = serializers.IntegerField(source="registration_id", read_only=True)
    results = ResultSerializer(many=True, read_only=True)

    class Meta:
        model = SelfAssessment
        fields = ["id", "cadre", "unit", "role", "cycle", "registration", "period", "state", "submitted_at", "is_late",
                  "strengths", "weaknesses", "causes", "remedies", "gains_people", "gains_work", "gains_organisation",
                  "gains_public", "self_rating", "reviewer_comment", "proposed_rating", "collective_comment",
                  "final_rating", "finalised_at", "updated_at", "results", "timeline"]
