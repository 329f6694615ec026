"""Intake endpoints, for the action server only (``Authorization: Bearer <internal_token>``)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header, HTTPException, Response, status

from integrations.bridge.deps import ContextDep, InternalCaller
from integrations.bridge.intake.schemas import (
    AlertReceipt,
    AlertRequest,
    AnonymousCountRequest,
    IntakeReceipt,
)
from integrations.bridge.intake.service import ConsentMissing, IntakeService
from lapor_aman.tickets.schema import IntakeSubmission

router = APIRouter(prefix="/api/v1/intake", tags=["intake"])

SubmissionId = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        max_length=64,
        description="Client submission id; a retry with the same conversation and key returns the "
        "first ticket. Default: a fingerprint of the submitted facts.",
    ),
]


@router.post(
    "/tickets",
    response_model=IntakeReceipt,
    status_code=status.HTTP_201_CREATED,
    summary="Store a completed report as a triaged ticket",
    responses={
        200: {"model": IntakeReceipt, "description": "A retry: the ticket already existed."}
    },
)
async def submit_ticket(
    submission: IntakeSubmission,
    context: ContextDep,
    _caller: InternalCaller,
    response: Response,
    submission_id: SubmissionId = None,
) -> IntakeReceipt:
    try:
        receipt = await IntakeService(context).submit(submission, submission_id)
    except ConsentMissing as error:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, detail=str(error)) from None
    if not receipt.created:
        response.status_code = status.HTTP_200_OK
    return receipt


@router.post(
    "/alerts",
    response_model=AlertReceipt,
    status_code=status.HTTP_201_CREATED,
    summary="Raise an emergency detected mid-conversation to the on-call person",
)
async def raise_alert(
    request: AlertRequest, context: ContextDep, _caller: InternalCaller
) -> AlertReceipt:
    return await IntakeService(context).raise_alert(request)


@router.post(
    "/anonymous-counts",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Count a report whose reporter declined recording (nothing else is stored)",
)
async def count_anonymous(
    request: AnonymousCountRequest, context: ContextDep, _caller: InternalCaller
) -> Response:
    await IntakeService(context).count_anonymous(request)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
