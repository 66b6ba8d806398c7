"""The mail jobs: a message rendered when it is queued, sent by the worker."""

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from ..jobs.queue import enqueue
from ..jobs.runner import TaskContext
from . import sender
from .messages import Message

SEND_MAIL = "email.send"


async def queue_mail(session: AsyncSession, message: Message) -> None:
    """Send `message` once the session's transaction commits (never if it rolls back).

    The message must hold no secret that outlives it: the job row keeps it until sent.
    """
    await enqueue(session, SEND_MAIL, message.as_payload())


async def send_mail(payload: dict[str, Any], context: TaskContext) -> None:
    # Run again after a crash between the server's acceptance and the job's completion,
    # this sends the mail a second time: the allowed worst case.
    await sender.send(Message.from_payload(payload), context.settings)
