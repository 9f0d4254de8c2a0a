"""Stub views: replaced as the pages land."""

from django.http import Http404


def self_assessment_start(request, pk):
    raise Http404


def self_assessment_detail(request, pk):
    raise Http404


def self_assessment_edit(request, pk):
    raise Http404


def self_assessment_autosave(request, pk):
    raise Http404


def self_assessment_submit(request, pk):
    raise Http404


def evidence_upload(request, pk):
    raise Http404


def evidence_download(request, pk):
    raise Http404


def evidence_remove(request, pk):
    raise Http404


def self_assessment_return(request, pk):
    raise Http404


def self_assessment_propose(request, pk):
    raise Http404


def self_assessment_finalise(request, pk):
    raise Http404

