from typing import Annotated

from fastapi import APIRouter, Path

from ..auth import repository as user_records
from ..auth import service as accounts
from ..auth.dependencies import AdminUser
from ..auth.schemas import UserOut
from ..db.session import SessionDep
from ..kit.pagination import PageDep
from ..kit.schemas import MAX_ID
from .schemas import PlanChange, UserPage

router = APIRouter(prefix="/admin", tags=["admin"])


@router.get("/users")
async def list_users(_admin: AdminUser, session: SessionDep, page: PageDep) -> UserPage:
    users = await user_records.users_page(session, page.limit, page.offset)
    return UserPage.of([UserOut.model_validate(user) for user in users], page)


@router.put("/users/{user_id}/plan")
async def change_plan(
    user_id: Annotated[int, Path(ge=1, le=MAX_ID)],
    body: PlanChange,
    _admin: AdminUser,
    session: SessionDep,
) -> UserOut:
    """Set a user's plan by hand (a refund, a comped account, payments handled elsewhere)."""
    user = await accounts.set_plan(session, user_id, body.plan)
    return UserOut.model_validate(user)
